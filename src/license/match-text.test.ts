import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  matchFingerprints,
  matchLicenseText,
  rankSpdxTexts,
  SPDX_DICE_THRESHOLD,
  shingles,
} from "./match-text.js";

const full = createRequire(import.meta.url)("spdx-license-list/full") as Record<
  string,
  { licenseText: string }
>;
const AI_TEXTS = join(import.meta.dirname, "..", "..", "test", "fixtures", "licenses");

/** A copy as publishers reformat it: a Markdown title, curly quotes, lines rewrapped at 60, a real holder. */
function reformat(text: string, title: string): string {
  const words = text
    .replace(/<year>|\[yyyy\]|<copyright holders?>|\[name of copyright owner\]/gi, "2024 Acme Labs")
    .replace(/"([^"\n]*)"/g, "\u201c$1\u201d")
    .split(/\s+/);
  const lines: string[] = [];
  let line = "";
  for (const w of words) {
    if (line.length + w.length > 60) {
      lines.push(line);
      line = "";
    }
    line = line ? `${line} ${w}` : w;
  }
  lines.push(line);
  return `# ${title}\n\n${lines.join("\n")}\n`;
}

function spdxIdOf(text: string): string | null {
  const m = matchLicenseText(text);
  if (!m) return null;
  return m.kind === "kb" ? m.entry.spdx : m.spdx;
}

describe("SPDX full-text similarity", () => {
  it("ranks every SPDX text long enough to compare first against itself, at 1.0", () => {
    const misses: string[] = [];
    let compared = 0;
    for (const [id, l] of Object.entries(full)) {
      if (shingles(l.licenseText).size < 20) continue;
      compared++;
      const ranked = rankSpdxTexts(l.licenseText);
      const top = ranked.filter((r) => r.score === ranked[0]!.score);
      if (ranked[0]!.score < 0.999 || !top.some((r) => r.id === id)) misses.push(id);
    }
    expect(compared).toBeGreaterThan(650);
    expect(misses).toEqual([]);
  }, 60_000);

  it.each([
    ["Apache-2.0", "Apache License"],
    ["MIT", "MIT License"],
    ["BSD-3-Clause", "BSD 3-Clause License"],
    ["BSD-2-Clause", "BSD 2-Clause License"],
    ["MPL-2.0", "Mozilla Public License 2.0"],
    ["Artistic-2.0", "The Artistic License 2.0"],
    ["OFL-1.1", "SIL Open Font License"],
    ["Zlib", "zlib License"],
    ["EUPL-1.2", "European Union Public Licence"],
    ["PostgreSQL", "PostgreSQL License"],
  ])("recognizes a reformatted copy of %s", (id, title) => {
    const copy = reformat(full[id]!.licenseText, title);
    expect(rankSpdxTexts(copy)[0]!.score).toBeGreaterThan(SPDX_DICE_THRESHOLD);
    expect(spdxIdOf(copy)).toBe(id);
  });

  it("tells BSD-2-Clause from BSD-3-Clause, which differ by one clause", () => {
    expect(spdxIdOf(full["BSD-2-Clause"]!.licenseText)).toBe("BSD-2-Clause");
    expect(spdxIdOf(full["BSD-3-Clause"]!.licenseText)).toBe("BSD-3-Clause");
  });

  it("does not call two thirds of a license that license (below the threshold)", () => {
    const text = full["Artistic-2.0"]!.licenseText;
    const part = text.slice(0, Math.floor(text.length * 0.6));
    expect(rankSpdxTexts(part)[0]!.score).toBeLessThan(SPDX_DICE_THRESHOLD);
    expect(matchLicenseText(part)).toBeNull();
  });

  it("matches no license in prose or in a short text", () => {
    const prose =
      "This repository contains the weights of a small language model trained on public web data. " +
      "We evaluated it on several benchmarks and report the results below, together with the known limitations " +
      "of the model and the hardware we used. Please open an issue if you find a problem with the release.";
    expect(matchLicenseText(prose)).toBeNull();
    expect(matchLicenseText("MIT")).toBeNull();
  });

  it("prefers the knowledge-base entry among SPDX ids with the same text (GPL-3.0-only / -or-later)", () => {
    const m = matchLicenseText(full["GPL-3.0-or-later"]!.licenseText);
    expect(m?.kind).toBe("kb");
    expect(m?.kind === "kb" && m.entry.key).toBe("gpl-3.0");
  });

  it("reports an SPDX license outside the knowledge base by its SPDX id", () => {
    const m = matchLicenseText(full["Artistic-2.0"]!.licenseText);
    expect(m).toMatchObject({ kind: "spdx", spdx: "Artistic-2.0", osiApproved: true });
  });
});

describe("knowledge-base fingerprints", () => {
  it("matches the Apache-2.0 text by its fingerprints before any similarity", () => {
    const m = matchFingerprints(reformat(full["Apache-2.0"]!.licenseText, "Apache License"));
    expect(m).toMatchObject({ kind: "kb", method: "fingerprint" });
    expect(m?.kind === "kb" && m.entry.key).toBe("apache-2.0");
  });

  it("matches every AI agreement text in test/fixtures/licenses to the entry of its name", () => {
    const files = readdirSync(AI_TEXTS).filter((f) => f.endsWith(".txt"));
    expect(files.length).toBeGreaterThan(20);
    const got = files.map((f) => {
      const m = matchLicenseText(readFileSync(join(AI_TEXTS, f), "utf8"));
      return [f, m?.kind === "kb" ? m.entry.key : null];
    });
    expect(got).toEqual(files.map((f) => [f, f.replace(/\.txt$/, "")]));
  });
});
