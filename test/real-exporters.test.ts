/**
 * Files written by the real exporters (torch, numpy, joblib, scikit-learn, xgboost, lightgbm,
 * pickle), generated once by scripts/gen-real-fixtures.py and checked in under
 * test/fixtures/real/. Every benign file a real exporter writes must pass; a user's own class
 * (`__main__.Net`) is `high`, never `critical`.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { scan } from "../src/scan/scan.js";
import { type Finding, severityRank } from "../src/scan/types.js";

const dir = join(dirname(fileURLToPath(import.meta.url)), "fixtures", "real");

interface Row {
  file: string;
  producer: string;
  expected: "benign" | "user-class";
}

const manifest: Row[] = readFileSync(join(dir, "MANIFEST.tsv"), "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((line) => {
    const [file, producer, expected] = line.split("\t");
    if (!file || !producer || (expected !== "benign" && expected !== "user-class")) {
      throw new Error(`bad MANIFEST.tsv line: ${line}`);
    }
    return { file, producer, expected };
  });

const show = (findings: Finding[]): string =>
  findings.length === 0
    ? "(no findings)"
    : findings
        .map((f) => `${f.severity} ${f.ruleId} ${f.location}: ${f.message} ${JSON.stringify(f.evidence)}`)
        .join("\n");

const atLeast = (findings: Finding[], severity: Finding["severity"]): Finding[] =>
  findings.filter((f) => severityRank(f.severity) >= severityRank(severity));

describe("files written by real exporters", () => {
  it("manifest lists every fixture and both outcomes", () => {
    expect(manifest.length).toBeGreaterThan(40);
    expect(manifest.some((r) => r.expected === "user-class")).toBe(true);
  });

  for (const row of manifest) {
    it(`${row.file} (${row.producer}) is ${row.expected}`, async () => {
      const report = await scan(join(dir, row.file), { hash: false });
      const format = report.files[0]?.format;
      const findings = report.findings;
      const context = `${row.file}: format ${format}\n${show(findings)}`;
      expect(format, context).not.toBe("unknown");
      if (row.expected === "benign") {
        expect(atLeast(findings, "medium"), context).toEqual([]);
      } else {
        expect(
          findings.filter((f) => f.severity === "critical"),
          context,
        ).toEqual([]);
        const named = findings.filter(
          (f) =>
            f.ruleId === "PICKLE_UNSAFE_GLOBAL" &&
            f.severity === "high" &&
            /__main__\.Net\b/.test(`${f.message} ${JSON.stringify(f.evidence)}`),
        );
        expect(named.length, context).toBeGreaterThan(0);
      }
    });
  }
});
