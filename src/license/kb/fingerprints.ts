import type { LicenseEntry } from "../types.js";
import { LICENSES } from "./index.js";
import { normalizeLicenseText } from "./normalize.js";
import { SUPPLEMENTED_BY } from "./open-source.js";

/*
 * Matching rule: a text matches an entry when every one of the entry's fingerprints occurs in the text after
 * both are normalized (normalizeLicenseText). The knowledge base keeps entries apart: no entry's fingerprints
 * all occur in another entry's full text, except where a license text is published together with the text it
 * supplements (SUPPLEMENTED_BY); then both match and the supplementing license is the one meant.
 */

/** Whether all of the entry's fingerprints occur in text that is already normalized. */
export function matchesFingerprints(normalizedText: string, entry: LicenseEntry): boolean {
  return entry.fingerprints.length > 0 && entry.fingerprints.every((f) => normalizedText.includes(f));
}

/** The entries a license text is (LICENSE, NOTICE, a card section), most specific only; empty when none. */
export function entriesMatchingText(
  text: string,
  entries: readonly LicenseEntry[] = LICENSES,
): LicenseEntry[] {
  const normalized = normalizeLicenseText(text);
  const matched = entries.filter((e) => matchesFingerprints(normalized, e));
  const keys = new Set(matched.map((e) => e.key));
  return matched.filter((e) => {
    const supplement = SUPPLEMENTED_BY.get(e.key);
    return supplement === undefined || !keys.has(supplement);
  });
}
