import { describe, expect, it } from "vitest";
import { testScanContext } from "../../test/helpers/scan-context.js";
import { CappedReporter, MAX_FINDINGS_PER_RULE } from "./capped-reporter.js";
import type { Severity } from "./types.js";

describe("CappedReporter", () => {
  it("lists every finding of a rule up to the cap and adds no summary", () => {
    const ctx = testScanContext("model.onnx");
    const report = new CappedReporter(ctx, "inner.onnx", "ONNX: ");
    for (let i = 0; i < MAX_FINDINGS_PER_RULE; i++) report.add("R", "medium", i, `bad ${i}`, { i });
    report.flush();
    expect(ctx.findings).toHaveLength(MAX_FINDINGS_PER_RULE);
    expect(ctx.findings[3]).toEqual({
      file: "model.onnx",
      ruleId: "R",
      severity: "medium",
      location: "inner.onnx@3",
      message: "ONNX: bad 3",
      evidence: { i: 3 },
    });
  });

  it("summarizes each capped rule once, at the worst severity it left out", () => {
    const ctx = testScanContext();
    const report = new CappedReporter(ctx, "");
    const severities: Severity[] = ["low", "critical", "medium"];
    for (let i = 0; i < MAX_FINDINGS_PER_RULE + 3; i++)
      report.add("A", i < MAX_FINDINGS_PER_RULE ? "low" : severities[i - MAX_FINDINGS_PER_RULE]!, i, "a", {});
    for (let i = 0; i < MAX_FINDINGS_PER_RULE + 1; i++) report.add("B", "high", i, "b", {});
    report.add("C", "info", 0, "c", {});
    report.flush();
    expect(ctx.findings.filter((f) => f.ruleId === "C")).toHaveLength(1);
    expect(ctx.findings.slice(-2)).toEqual([
      {
        file: "input",
        ruleId: "A",
        severity: "critical",
        location: "@0",
        message: "3 more A findings like the ones above were not listed",
        evidence: { omitted: 3 },
      },
      {
        file: "input",
        ruleId: "B",
        severity: "high",
        location: "@0",
        message: "1 more B finding like the ones above was not listed",
        evidence: { omitted: 1 },
      },
    ]);
    expect(ctx.findings).toHaveLength(2 * MAX_FINDINGS_PER_RULE + 1 + 2);
  });
});
