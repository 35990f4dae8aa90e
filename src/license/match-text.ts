/**
 * Full-text license matching: the knowledge base's fingerprints first, then word-shingle similarity
 * against the SPDX list's full texts (`spdx-license-list/full`) for licenses outside the knowledge base.
 */
import { createRequire } from "node:module";
import { entriesMatchingText } from "./kb/fingerprints.js";
import { LICENSES } from "./kb/index.js";
import type { LicenseEntry } from "./types.js";

/**
 * Sørensen–Dice coefficient over 3-word shingles needed to call a text an SPDX license. Tested against
 * every SPDX text (scores 1.0 against itself) and rewrapped / Markdown-formatted / retitled copies
 * (above 0.95); a license with an extra clause or one missing (BSD-2 against BSD-3) scores about 0.85-0.9
 * against its neighbour, which is why the best score wins and not the first over the line.
 */
export const SPDX_DICE_THRESHOLD = 0.85;
const SHINGLE = 3;
/** Texts shorter than this (in shingles) are too short to tell apart by similarity. */
const MIN_SHINGLES = 20;
/** Cap on the words read from one file: a license longer than this is not a license text. */
const MAX_WORDS = 40_000;

export type TextMatch =
  | { kind: "kb"; entry: LicenseEntry; score: number; method: "fingerprint" | "spdx-text" }
  | { kind: "spdx"; spdx: string; name: string; osiApproved: boolean; score: number };

/** The license a full text is, or null when it is none modelgate knows. */
export function matchLicenseText(text: string): TextMatch | null {
  const byFingerprint = matchFingerprints(text);
  if (byFingerprint) return byFingerprint;
  const ranked = rankSpdxTexts(text);
  const best = ranked[0];
  if (!best || best.score < SPDX_DICE_THRESHOLD) return null;
  // Identical texts (GPL-3.0-only / GPL-3.0-or-later, deprecated ids) tie: prefer the one in the knowledge
  // base, which has obligations.
  const tied = ranked.filter((r) => best.score - r.score < 1e-9);
  for (const r of tied) {
    const entry = LICENSES.find((l) => l.spdx === r.id);
    if (entry) return { kind: "kb", entry, score: r.score, method: "spdx-text" };
  }
  const spdx = spdxIndex().licenses[best.index]!;
  return { kind: "spdx", spdx: spdx.id, name: spdx.name, osiApproved: spdx.osiApproved, score: best.score };
}

/**
 * The knowledge-base entry whose fingerprints the text contains: all of them, the knowledge base's own
 * matching rule (kb/fingerprints.ts), which keeps entries apart; a copy missing one goes on to similarity.
 */
export function matchFingerprints(text: string): TextMatch | null {
  const entry = entriesMatchingText(text)[0];
  return entry ? { kind: "kb", entry, score: 1, method: "fingerprint" } : null;
}

export interface SpdxCandidate {
  id: string;
  index: number;
  score: number;
}

/** SPDX licenses ranked by Dice similarity to the text (best first; only those sharing a shingle). */
export function rankSpdxTexts(text: string): SpdxCandidate[] {
  const query = shingles(text);
  if (query.size < MIN_SHINGLES) return [];
  const index = spdxIndex();
  const common = new Map<number, number>();
  for (const s of query) for (const i of index.postings.get(s) ?? []) common.set(i, (common.get(i) ?? 0) + 1);
  return [...common]
    .map(([i, shared]) => ({
      id: index.licenses[i]!.id,
      index: i,
      score: (2 * shared) / (query.size + index.licenses[i]!.size),
    }))
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}

/**
 * Hashed 3-word shingles of a text: lower case, words of letters and digits only (punctuation, Markdown
 * and quotes vanish), copyright lines dropped (they name the holder, not the license).
 */
export function shingles(text: string): Set<number> {
  const body = text
    .split(/\r?\n/)
    .filter((line) => !/^\W*(copyright|\(c\)|©)/i.test(line))
    .join(" ")
    .toLowerCase();
  const words = body.match(/[a-z0-9]+/g)?.slice(0, MAX_WORDS) ?? [];
  const out = new Set<number>();
  for (let i = 0; i + SHINGLE <= words.length; i++) out.add(hash(words.slice(i, i + SHINGLE).join(" ")));
  return out;
}

/** FNV-1a, 32 bits: collisions only blur a score by a shingle. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

interface SpdxIndex {
  licenses: { id: string; name: string; osiApproved: boolean; size: number }[];
  postings: Map<number, number[]>;
}

type SpdxFull = Record<string, { name: string; osiApproved: boolean; licenseText: string }>;

/** Built once per process, on first use: 5 MB of texts are too much to index per call. */
let cachedIndex: SpdxIndex | null = null;
function spdxIndex(): SpdxIndex {
  if (cachedIndex) return cachedIndex;
  const full = createRequire(import.meta.url)("spdx-license-list/full") as SpdxFull;
  const licenses: SpdxIndex["licenses"] = [];
  const postings = new Map<number, number[]>();
  for (const [id, l] of Object.entries(full)) {
    const set = shingles(l.licenseText ?? "");
    if (set.size < MIN_SHINGLES) continue;
    const i = licenses.push({ id, name: l.name, osiApproved: l.osiApproved, size: set.size }) - 1;
    for (const s of set) {
      const list = postings.get(s);
      if (list) list.push(i);
      else postings.set(s, [i]);
    }
  }
  cachedIndex = { licenses, postings };
  return cachedIndex;
}

/** An SPDX id's entry in the SPDX list (case-insensitive), for ids the knowledge base lacks. */
export function spdxLicense(id: string): { id: string; name: string; osiApproved: boolean } | null {
  const list = createRequire(import.meta.url)("spdx-license-list") as Record<
    string,
    { name: string; osiApproved: boolean }
  >;
  const found = Object.keys(list).find((k) => k.toLowerCase() === id.toLowerCase());
  return found ? { id: found, name: list[found]!.name, osiApproved: list[found]!.osiApproved } : null;
}
