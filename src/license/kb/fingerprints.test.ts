import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import spdxFull from "spdx-license-list/full.js";
import { describe, expect, it } from "vitest";
import type { LicenseEntry } from "../types.js";
import { entriesMatchingText, matchesFingerprints } from "./fingerprints.js";
import { LICENSES } from "./index.js";
import { normalizeLicenseText } from "./normalize.js";
import { SUPPLEMENTED_BY } from "./open-source.js";

const spdxText = (id: string): string | undefined => spdxFull[id]?.licenseText;

/** The AI model agreements SPDX lacks, as test/fixtures/licenses/<key>.txt. */
const FIXTURES = join(import.meta.dirname, "../../../test/fixtures/licenses");
const fixtureText = (key: string): string | undefined => {
  const path = join(FIXTURES, `${key}.txt`);
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
};

/** Every knowledge-base entry (both halves) whose full text is at hand: SPDX's, else the fixture. */
const withText = LICENSES.flatMap((entry) => {
  const text = spdxText(entry.spdx) ?? fixtureText(entry.key);
  return text === undefined ? [] : [{ entry, text }];
});

/**
 * The same license as a Markdown LICENSE.md: re-wrapped at another width, short lines as `#` headings,
 * every fifth word in `**` emphasis, typographic apostrophes, CRLF line ends.
 */
function asMarkdown(text: string, width: number): string {
  const paragraphs = text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  const out: string[] = [];
  for (const paragraph of paragraphs) {
    if (paragraph.length < 50 && !paragraph.includes("\n")) {
      out.push(`## ${paragraph}`);
      continue;
    }
    const words = paragraph
      .split(/\s+/)
      .map((w, i) => (i % 5 === 4 && /^[A-Za-z]+$/.test(w) ? `**${w}**` : w.replace(/'/g, "\u2019")));
    let line = "";
    const lines: string[] = [];
    for (const word of words) {
      if (line.length > 0 && line.length + word.length + 1 > width) {
        lines.push(line);
        line = word;
      } else line = line.length > 0 ? `${line} ${word}` : word;
    }
    lines.push(line);
    out.push(lines.join("\r\n"));
  }
  return out.join("\r\n\r\n");
}

/** Whether `other`'s text is published with `entry`'s text inside it (LGPL-3.0 carries GPL-3.0). */
const supplements = (entry: LicenseEntry, other: LicenseEntry) =>
  SUPPLEMENTED_BY.get(entry.key) === other.key;

describe("fingerprints", () => {
  it("has a full text for every open-source entry (sanity of the test set)", () => {
    expect(withText.length).toBeGreaterThanOrEqual(29);
  });

  it("every entry has normalized, non-empty fingerprints", () => {
    for (const entry of LICENSES) {
      expect(entry.fingerprints.length, entry.key).toBeGreaterThan(0);
      for (const f of entry.fingerprints) {
        expect(normalizeLicenseText(f), entry.key).toBe(f);
        expect(f.length, `${entry.key}: ${f}`).toBeGreaterThanOrEqual(15);
      }
    }
  });

  for (const { entry, text } of withText) {
    it(`${entry.key}: its SPDX text and Markdown copies match all its fingerprints`, () => {
      for (const copy of [text, asMarkdown(text, 60), asMarkdown(text, 97)]) {
        const normalized = normalizeLicenseText(copy);
        const missing = entry.fingerprints.filter((f) => !normalized.includes(f));
        expect(missing).toEqual([]);
      }
    });

    it(`${entry.key}: no other entry's fingerprints all occur in its text`, () => {
      const normalized = normalizeLicenseText(text);
      const clashes = LICENSES.filter(
        (other) => other !== entry && !supplements(other, entry) && matchesFingerprints(normalized, other),
      ).map((o) => o.key);
      expect(clashes).toEqual([]);
    });

    it(`${entry.key}: identifies as itself alone, also as Markdown`, () => {
      expect(entriesMatchingText(text).map((e) => e.key)).toEqual([entry.key]);
      expect(entriesMatchingText(asMarkdown(text, 72)).map((e) => e.key)).toEqual([entry.key]);
    });
  }

  it("entries without a text at hand do not fully match any knowledge-base license text", () => {
    for (const entry of LICENSES.filter((e) => !withText.some((t) => t.entry === e))) {
      for (const { entry: other, text } of withText) {
        expect(matchesFingerprints(normalizeLicenseText(text), entry), `${entry.key} in ${other.key}`).toBe(
          false,
        );
      }
    }
  });

  it("LGPL-3.0: the SPDX text carries GPL-3.0 (both match, LGPL wins); COPYING.LESSER alone is LGPL-3.0", () => {
    const lgpl = spdxText("LGPL-3.0-only") ?? "";
    const gplStart = lgpl.indexOf("GNU GENERAL PUBLIC LICENSE");
    expect(gplStart).toBeGreaterThan(0);
    const normalized = normalizeLicenseText(lgpl);
    expect(LICENSES.filter((e) => matchesFingerprints(normalized, e)).map((e) => e.key)).toEqual([
      "gpl-3.0",
      "lgpl-3.0",
    ]);
    expect(entriesMatchingText(lgpl.slice(0, gplStart)).map((e) => e.key)).toEqual(["lgpl-3.0"]);
    expect(entriesMatchingText(lgpl.slice(gplStart)).map((e) => e.key)).toEqual(["gpl-3.0"]);
  });

  it("every supplement relation names entries that exist", () => {
    for (const [supplemented, by] of SUPPLEMENTED_BY) {
      expect(LICENSES.some((e) => e.key === supplemented)).toBe(true);
      expect(LICENSES.some((e) => e.key === by)).toBe(true);
    }
  });

  it("BSD-2 and BSD-3 are told apart by the third clause", () => {
    const bsd3 = spdxText("BSD-3-Clause") ?? "";
    const withoutClause3 = bsd3.replace(/\n3\. Neither[\s\S]*?permission\.\n/, "\n");
    expect(withoutClause3).not.toBe(bsd3);
    expect(entriesMatchingText(withoutClause3).map((e) => e.key)).toEqual(["bsd-2-clause"]);
  });

  it("across the whole SPDX list, only texts that contain an entry's text (plus clauses) match it", () => {
    // The known limit of positive fingerprints (docs/licenses.md): variants that add a clause to MIT or
    // BSD, and the deprecated `+` ids whose SPDX texts differ from the `-only` ones only in the notice.
    const superset: Record<string, string[]> = {
      mit: ["FSL-1.1-MIT", "JSON", "MIT-Click", "MIT-STK", "MITNFA", "X11-swapped", "Xnet"],
      "bsd-2-clause": ["BSD-2-Clause-Views"],
      "bsd-3-clause": [
        "BSD-3-Clause-Attribution",
        "BSD-3-Clause-HP",
        "BSD-3-Clause-LBNL",
        "BSD-3-Clause-No-Nuclear-License-2014",
        "BSD-3-Clause-Open-MPI",
        "BSD-3-Clause-flex",
        "BSD-4-Clause",
        "BSD-4-Clause-UC",
        "Caldera",
        "Caldera-no-preamble",
        "Intel",
        "Net-SNMP",
        "Sendmail",
        "Sendmail-8.23",
        "Sleepycat",
        "UCAR",
      ],
      "gpl-2.0": ["GPL-2.0+"],
      "gpl-3.0": ["GPL-3.0+"],
      "lgpl-2.1": ["LGPL-2.1+"],
      "lgpl-3.0": ["LGPL-3.0+"],
    };
    const kbTexts = new Set(withText.map((t) => t.text));
    const found: Record<string, string[]> = {};
    for (const [id, license] of Object.entries(spdxFull)) {
      if (kbTexts.has(license.licenseText)) continue;
      for (const entry of entriesMatchingText(license.licenseText))
        found[entry.key] = [...(found[entry.key] ?? []), id];
    }
    for (const ids of Object.values(found)) ids.sort();
    expect(found).toEqual(superset);
  });

  it("a truncated license text or unrelated prose matches nothing", () => {
    const apache = spdxText("Apache-2.0") ?? "";
    expect(entriesMatchingText(apache.slice(0, 2000))).toEqual([]);
    expect(entriesMatchingText("This model is released for research. Contact us for a license.")).toEqual([]);
  });
});
