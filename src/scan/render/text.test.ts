import { describe, expect, it } from "vitest";
import { type Finding, type ScanReport, SEVERITIES, type Severity } from "../types.js";
import type { RuleDoc } from "./sarif.js";
import { formatBytes, renderText, safe } from "./text.js";

const rules = new Map<string, RuleDoc>(
  [
    { id: "PICKLE_UNSAFE_GLOBAL", help: "Do not load this file; get the weights as safetensors." },
    { id: "PICKLE_UNKNOWN_GLOBAL", help: "Check the class; allow it in modelgate.yaml if trusted." },
    { id: "PICKLE_MALFORMED", help: "Re-download the file." },
  ].map((r) => [
    r.id,
    {
      ...r,
      name: r.id,
      shortDescription: r.id,
      defaultSeverity: "high" as Severity,
      helpUri: "https://x.test/r",
    },
  ]),
);

function report(findings: Finding[]): ScanReport {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) bySeverity[f.severity]++;
  const files: ScanReport["files"] = [
    {
      path: "clean.safetensors",
      size: 3 * 1024 * 1024,
      sha256: "0123456789abcdef".repeat(4),
      format: "unknown",
    },
    { path: "model.pt", size: 2048, sha256: "f".repeat(64), format: "pytorch-zip" },
    { path: "other.pkl", size: 10, sha256: "e".repeat(64), format: "pickle" },
  ].map((f) => ({
    ...(f as ScanReport["files"][number]),
    findings: findings.filter((x) => x.file === f.path).length,
  }));
  return {
    schemaVersion: 1,
    tool: { name: "modelgate", version: "0.1.0" },
    target: "./m",
    files,
    findings,
    summary: { files: 3, bytesRead: 10, bytesTotal: 3 * 1024 * 1024 + 2058, durationMs: 1234, bySeverity },
  };
}

const findings: Finding[] = [
  {
    ruleId: "PICKLE_MALFORMED",
    severity: "medium",
    file: "model.pt",
    location: "archive/data.pkl@99",
    message: "Truncated pickle.",
    evidence: {},
  },
  {
    ruleId: "PICKLE_UNSAFE_GLOBAL",
    severity: "critical",
    file: "model.pt",
    location: "archive/data.pkl@1234",
    message: "Runs a shell command when loaded.",
    evidence: { call: "os.system('echo pwned')" },
  },
  {
    ruleId: "PICKLE_UNSAFE_GLOBAL",
    severity: "critical",
    file: "model.pt",
    location: "archive/data.pkl@2000",
    message: "Runs a shell command when loaded.",
    evidence: { call: "os.system('id')" },
  },
  {
    ruleId: "PICKLE_UNKNOWN_GLOBAL",
    severity: "high",
    file: "other.pkl",
    location: "@7",
    message: "Imports __main__.Net.",
    evidence: {},
  },
];

describe("renderText", () => {
  it("groups by file, worst first, with evidence and what to do", () => {
    const out = renderText(report(findings), { color: false, rules, failOn: "medium" });
    expect(out).not.toMatch(/\x1b/);
    expect(out.endsWith("\n")).toBe(true);
    const lines = out.split("\n");
    const at = (s: string) => lines.findIndex((l) => l.includes(s));
    expect(at("model.pt (pytorch-zip, 2.0 KiB)")).toBe(0);
    // critical before medium within the file, in their order
    expect(at("CRITICAL  PICKLE_UNSAFE_GLOBAL  in archive/data.pkl at byte 1234")).toBeGreaterThan(0);
    expect(at("at byte 2000")).toBeGreaterThan(at("at byte 1234"));
    expect(at("MEDIUM    PICKLE_MALFORMED  in archive/data.pkl at byte 99")).toBeGreaterThan(
      at("at byte 2000"),
    );
    expect(lines).toContain("    evidence: os.system('echo pwned')");
    // help once per rule per file
    expect(out.match(/what to do: Do not load this file/g)).toHaveLength(1);
    expect(at("other.pkl (pickle, 10 B)")).toBeGreaterThan(at("MEDIUM"));
    expect(at("HIGH      PICKLE_UNKNOWN_GLOBAL  at byte 7")).toBeGreaterThan(at("other.pkl"));
    expect(lines).toContain("Files without findings:");
    expect(lines).toContain("  clean.safetensors  unknown, 3.0 MiB, sha256 0123456789ab");
    expect(out).toContain("Findings: 2 critical, 1 high, 1 medium, 0 low, 0 info.");
    expect(out).toContain("3 files, 3.0 MiB in 1.2 s");
    expect(lines.at(-2)).toBe("FAIL: 2 critical, 1 high, 1 medium at or above --fail-on medium");
  });

  it("passes below the threshold and says so", () => {
    const out = renderText(report(findings.filter((f) => f.severity === "medium")), {
      color: false,
      rules,
      failOn: "high",
    });
    expect(out.split("\n").at(-2)).toBe(
      "PASS: no findings at or above --fail-on high (1 below it, listed above)",
    );
    const clean = renderText(report([]), { color: false, rules });
    expect(clean).toContain("Files (no findings):");
    expect(clean.split("\n").at(-2)).toBe("PASS: no findings at or above --fail-on medium");
  });

  it("colors only when asked", () => {
    const out = renderText(report(findings), { color: true, rules, failOn: "medium" });
    expect(out).toContain("\x1b[1;31mCRITICAL");
    expect(out).toContain("\x1b[1;31mFAIL:");
    const plain = renderText(report(findings), { color: false, rules, failOn: "medium" });
    expect(out.replace(/\x1b\[[0-9;]*m/g, "")).toBe(plain);
  });

  it("escapes control characters from the scanned files", () => {
    const evil: Finding = {
      ruleId: "X",
      severity: "low",
      file: "evil\x1b[2J.pkl",
      location: "a\rb@1",
      message: "m\nn",
      evidence: { call: "print('\x07')" },
    };
    const out = renderText(report([evil]), { color: false, rules });
    expect(out).not.toMatch(/[\x00-\x09\x0b-\x1f]/);
    expect(out).toContain("evil\\x1b[2J.pkl");
    expect(out).toContain("in a\\rb at byte 1");
    expect(out).toContain("evidence: print('\\x07')");
    expect(safe("ok ü")).toBe("ok ü");
  });

  it("lists at most maxCleanFiles clean files", () => {
    const out = renderText(report([]), { color: false, rules, maxCleanFiles: 1 });
    expect(out).toContain("... and 2 more");
  });

  it("formats sizes", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(2 * 1024 ** 3)).toBe("2.0 GiB");
  });
});
