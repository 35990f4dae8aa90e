// biome-ignore-all lint/suspicious/noExplicitAny: walking parsed SARIF JSON in assertions
import { describe, expect, it } from "vitest";
import { sarifValidator } from "../../../test/helpers/sarif-validator.js";
import { parseLocation } from "../location.js";
import { type Finding, type ScanReport, SEVERITIES, type Severity } from "../types.js";
import { FINGERPRINT_KEY, pathToUri, type RuleDoc, renderSarif } from "./sarif.js";

const validate = sarifValidator();

function expectValid(text: string): Record<string, any> {
  const doc = JSON.parse(text);
  const ok = validate(doc);
  expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
  expect(ok).toBe(true);
  return doc;
}

const rules: RuleDoc[] = SEVERITIES.map((s) => ({
  id: `TEST_${s.toUpperCase()}`,
  name: `Test${s}`,
  shortDescription: `A ${s} test rule`,
  help: `Do something about ${s}.`,
  defaultSeverity: s,
  ...(s === "critical" ? { helpUri: "https://example.com/rules#critical" } : {}),
}));

function report(findings: Finding[], files: ScanReport["files"]): ScanReport {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) bySeverity[f.severity]++;
  return {
    schemaVersion: 1,
    tool: { name: "modelgate", version: "0.1.0" },
    target: "./models",
    files,
    findings,
    summary: { files: files.length, bytesRead: 10, bytesTotal: 100, durationMs: 5, bySeverity },
  };
}

const odd = "weird dir/ü file #1?[x] 100%.pkl";
const files: ScanReport["files"] = [
  { path: "model.zip", size: 100, sha256: "a".repeat(64), format: "pytorch-zip", findings: 2 },
  { path: odd, size: 5, sha256: "b".repeat(64), format: "pickle", findings: 1 },
  { path: "sub\\win.pt", size: 7, sha256: null, format: "unknown", findings: 1 },
  { path: "evil\u001b[31m.pkl", size: 1, sha256: "c".repeat(64), format: "pickle", findings: 1 },
];
const findings: Finding[] = [
  {
    ruleId: "TEST_CRITICAL",
    severity: "critical",
    file: "model.zip",
    location: "archive/data.pkl@1234",
    message: "Calls os.system when loaded.",
    evidence: { call: "os.system('echo pwned')", opcode: "REDUCE" },
  },
  {
    ruleId: "TEST_HIGH",
    severity: "high",
    file: "model.zip",
    location: "we@ird/na me.pkl@9",
    message: "Imports __main__.Net.",
    evidence: { global: "__main__.Net" },
  },
  {
    ruleId: "TEST_MEDIUM",
    severity: "medium",
    file: odd,
    location: "@56",
    message: "Truncated.",
    evidence: {},
  },
  { ruleId: "TEST_LOW", severity: "low", file: "sub\\win.pt", location: "", message: "Low.", evidence: {} },
  {
    ruleId: "TEST_INFO",
    severity: "info",
    file: "evil\u001b[31m.pkl",
    location: "@0",
    message: 'Odd "quotes" and\nnewline',
    evidence: { call: "x" },
  },
  {
    ruleId: "UNDOCUMENTED",
    severity: "high",
    file: "model.zip",
    location: "@1",
    message: "No doc.",
    evidence: {},
  },
];

describe("renderSarif", () => {
  it("uses a validator that rejects invalid SARIF", () => {
    const doc = JSON.parse(renderSarif(report(findings, files), rules));
    doc.runs[0].results[0].level = "fatal";
    expect(validate(doc)).toBe(false);
    delete doc.version;
    expect(validate(doc)).toBe(false);
  });

  it("is valid SARIF 2.1.0 for an empty report", () => {
    const doc = expectValid(renderSarif(report([], []), rules));
    expect(doc.version).toBe("2.1.0");
    expect(doc.runs).toHaveLength(1);
    const run = doc.runs[0];
    expect(run.tool.driver.name).toBe("modelgate");
    expect(run.tool.driver.rules).toHaveLength(rules.length);
    expect(run.results).toEqual([]);
    expect(run.invocations[0]).toEqual({ executionSuccessful: true, exitCode: 3 });
  });

  it("is valid SARIF 2.1.0 with findings of every severity and odd paths", () => {
    const text = renderSarif(report(findings, files), rules);
    expect(text.endsWith("\n")).toBe(true);
    const run = expectValid(text).runs[0];
    const driverRules = run.tool.driver.rules as Array<Record<string, any>>;
    expect(driverRules.map((r) => r.id)).toEqual([...rules.map((r) => r.id), "UNDOCUMENTED"]);
    expect(driverRules.map((r) => r.properties["security-severity"]).slice(0, 5)).toEqual([
      "9.5",
      "8.0",
      "5.5",
      "3.0",
      "0.0",
    ]);
    expect(driverRules.map((r) => r.defaultConfiguration.level).slice(0, 5)).toEqual([
      "error",
      "error",
      "warning",
      "note",
      "note",
    ]);
    expect(driverRules[0]!.helpUri).toBe("https://example.com/rules#critical");
    expect(driverRules[0]!.help.text).toBe("Do something about critical.");

    const results = run.results as Array<Record<string, any>>;
    expect(results).toHaveLength(findings.length);
    for (const r of results) expect(driverRules[r.ruleIndex]!.id).toBe(r.ruleId);
    expect(results.map((r) => r.level)).toEqual(["error", "error", "warning", "note", "note", "error"]);

    const [crit, high, med, low, info] = results;
    expect(crit!.message.text).toBe("Calls os.system when loaded.\nEvidence: os.system('echo pwned')");
    const loc = crit!.locations[0];
    expect(loc.physicalLocation.artifactLocation).toEqual({
      uri: "models/model.zip",
      uriBaseId: "%SRCROOT%",
      index: 0,
    });
    expect(loc.physicalLocation.region).toBeUndefined();
    expect(loc.logicalLocations[0]).toMatchObject({
      name: "data.pkl",
      fullyQualifiedName: "archive/data.pkl",
    });
    expect(loc.logicalLocations[0].properties.byteOffset).toBe(1234);
    expect(crit!.properties).toEqual({ severity: "critical", evidence: findings[0]!.evidence });
    expect(high!.locations[0].logicalLocations[0].fullyQualifiedName).toBe("we@ird/na me.pkl");

    expect(med!.locations[0].physicalLocation.region).toEqual({ byteOffset: 56 });
    expect(med!.locations[0].logicalLocations).toBeUndefined();
    expect(med!.locations[0].physicalLocation.artifactLocation.uri).toBe(
      "models/weird%20dir/%C3%BC%20file%20%231%3F%5Bx%5D%20100%25.pkl",
    );
    expect(decodeURIComponent(med!.locations[0].physicalLocation.artifactLocation.uri)).toBe(`models/${odd}`);
    expect(low!.locations[0].physicalLocation.artifactLocation.uri).toBe("models/sub/win.pt");
    expect(low!.locations[0].physicalLocation.region).toBeUndefined();
    expect(info!.locations[0].physicalLocation.region).toEqual({ byteOffset: 0 });

    const fps = results.map((r) => r.partialFingerprints[FINGERPRINT_KEY]);
    expect(new Set(fps).size).toBe(fps.length);
    const again = JSON.parse(renderSarif(report(findings, files), rules)).runs[0].results;
    expect(again.map((r: Record<string, any>) => r.partialFingerprints[FINGERPRINT_KEY])).toEqual(fps);

    const artifacts = run.artifacts as Array<Record<string, any>>;
    expect(artifacts).toHaveLength(files.length);
    expect(artifacts[0]!.hashes).toEqual({ "sha-256": "a".repeat(64) });
    expect(artifacts[2]!.hashes).toBeUndefined();
    expect(run.invocations[0]).toEqual({ executionSuccessful: true, exitCode: 1 });
  });

  it("takes the exit code it is given", () => {
    const run = expectValid(renderSarif(report([], files), rules, { exitCode: 2 })).runs[0];
    expect(run.invocations[0]).toEqual({ executionSuccessful: false, exitCode: 2 });
    const low = findings.filter((f) => f.severity === "low");
    expect(JSON.parse(renderSarif(report(low, files), rules)).runs[0].invocations[0].exitCode).toBe(0);
    expect(
      JSON.parse(renderSarif(report(low, files), rules, { failOn: "low" })).runs[0].invocations[0].exitCode,
    ).toBe(1);
  });
});

describe("helpers", () => {
  it("parses locations", () => {
    expect(parseLocation("archive/data.pkl@1234")).toEqual({ member: "archive/data.pkl", offset: 1234 });
    expect(parseLocation("@0")).toEqual({ member: "", offset: 0 });
    expect(parseLocation("a@b")).toEqual({ member: "a@b", offset: null });
    expect(parseLocation("")).toEqual({ member: "", offset: null });
  });
  it("turns paths into URIs", () => {
    expect(pathToUri("./a/b c.bin")).toEqual({ uri: "a/b%20c.bin", uriBaseId: "%SRCROOT%" });
    expect(pathToUri("/abs/x y")).toEqual({ uri: "file:///abs/x%20y" });
    expect(pathToUri("C:\\m\\x.pt")).toEqual({ uri: "file:///C:/m/x.pt" });
  });
});

describe("artifactPath", () => {
  it("puts the scan target back in front of report paths", async () => {
    const { artifactPath } = await import("./sarif.js");
    expect(artifactPath("models/bert", "pytorch_model.bin")).toBe("models/bert/pytorch_model.bin");
    expect(artifactPath("models/bert/", "a/b.pkl")).toBe("models/bert/a/b.pkl");
    expect(artifactPath("examples/malicious/x.pt", "x.pt")).toBe("examples/malicious/x.pt");
    expect(artifactPath("x.pt", "x.pt")).toBe("x.pt");
    expect(artifactPath(".", "m.pkl")).toBe("m.pkl");
    expect(artifactPath("/abs/dir", "m.pkl")).toBe("/abs/dir/m.pkl");
  });
});
