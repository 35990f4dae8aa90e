import { describe, expect, it } from "vitest";
import type { ScanReport } from "../types.js";
import { renderJson } from "./json.js";

describe("renderJson", () => {
  it("writes the keys in the documented order, 2-space indented, with a trailing newline", () => {
    // Built in a scrambled order on purpose.
    const report = {
      summary: {
        bySeverity: { info: 1, low: 0, medium: 0, high: 0, critical: 1 },
        durationMs: 3,
        bytesTotal: 10,
        bytesRead: 4,
        files: 1,
      },
      repository: { formats: ["pickle"] },
      findings: [
        {
          evidence: { call: "os.system('id')" },
          message: "m",
          location: "@0",
          file: "a.pkl",
          severity: "critical",
          ruleId: "R",
        },
      ],
      files: [{ findings: 1, format: "pickle", sha256: null, size: 10, path: "a.pkl" }],
      target: "a.pkl",
      tool: { version: "0.1.0", name: "modelgate" },
      schemaVersion: 1,
    } as unknown as ScanReport;
    const text = renderJson(report);
    expect(text.endsWith("}\n")).toBe(true);
    expect(text).toContain('\n  "tool": {\n    "name": "modelgate",');
    const doc = JSON.parse(text);
    expect(Object.keys(doc)).toEqual([
      "schemaVersion",
      "tool",
      "target",
      "files",
      "findings",
      "repository",
      "summary",
    ]);
    expect(Object.keys(doc.files[0])).toEqual(["path", "size", "sha256", "format", "findings"]);
    expect(doc.files[0].sha256).toBeNull();
    expect(Object.keys(doc.findings[0])).toEqual([
      "ruleId",
      "severity",
      "file",
      "location",
      "message",
      "evidence",
    ]);
    expect(Object.keys(doc.summary)).toEqual([
      "files",
      "bytesRead",
      "bytesTotal",
      "durationMs",
      "bySeverity",
    ]);
    expect(Object.keys(doc.summary.bySeverity)).toEqual(["critical", "high", "medium", "low", "info"]);
    expect(renderJson(JSON.parse(text))).toBe(text);
  });
});
