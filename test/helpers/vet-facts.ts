/**
 * Vet facts for the policy and renderer tests: a clean, permissively licensed, documented model folder
 * that the default policy approves, which each test then changes in one respect.
 */

import type { PolicyConfig } from "../../src/config/load-config.js";
import { resolvePolicy } from "../../src/policy/default-policy.js";
import { evaluatePolicy, type VetFacts } from "../../src/policy/evaluate-policy.js";
import type { VetReport } from "../../src/policy/types.js";
import type { Finding, ScanReport, Severity } from "../../src/scan/types.js";
import { PERMISSIVE_OBLIGATIONS } from "./obligations.js";

export function cleanFacts(): VetFacts {
  const scan: ScanReport = {
    schemaVersion: 1,
    tool: { name: "modelgate", version: "0.0.0" },
    target: "models/acme-7b",
    files: [
      { path: "README.md", size: 100, sha256: "a".repeat(64), format: "unknown", findings: 0 },
      { path: "config.json", size: 50, sha256: "b".repeat(64), format: "config", findings: 0 },
      { path: "model.safetensors", size: 1000, sha256: "c".repeat(64), format: "safetensors", findings: 0 },
    ],
    findings: [],
    repository: {
      formats: { unknown: 1, config: 1, safetensors: 1 },
      weights: { formats: { safetensors: ["model.safetensors"] }, pickle: [], safeAlternative: false },
      parameters: null,
      remoteCode: [],
      inventory: [],
    },
    summary: {
      files: 3,
      bytesRead: 120,
      bytesTotal: 1150,
      durationMs: 3,
      bySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
    },
  };
  return {
    schemaVersion: 1,
    tool: { name: "modelgate", version: "0.0.0" },
    target: "models/acme-7b",
    scan,
    license: {
      key: "apache-2.0",
      hub: "apache-2.0",
      spdx: "Apache-2.0",
      name: "Apache License 2.0",
      sources: [
        { kind: "card", path: "README.md", value: "apache-2.0" },
        { kind: "file", path: "LICENSE", value: "apache-2.0" },
      ],
      obligations: { ...PERMISSIVE_OBLIGATIONS },
      conflicts: [],
      citations: { commercialUse: "§2", attribution: "§4(c)" },
    },
    card: { present: true, completeness: 0.86, missing: ["contact"], baseModels: [], relation: null },
    openness: { mofClass: "III", osaidLicenses: true },
  };
}

export function finding(severity: Severity, file = "model.bin", ruleId = "PICKLE_UNSAFE_GLOBAL"): Finding {
  return { ruleId, severity, file, location: "@12", message: `a ${severity} finding`, evidence: {} };
}

/** Adds findings and keeps the scan summary consistent with them. */
export function withFindings(facts: VetFacts, findings: Finding[]): VetFacts {
  facts.scan.findings.push(...findings);
  for (const f of findings) facts.scan.summary.bySeverity[f.severity]++;
  return facts;
}

/** The vet report the default policy (or `policy`) makes of these facts. */
export function reportOf(facts: VetFacts, policy?: PolicyConfig): VetReport {
  const { verdict, reasons } = evaluatePolicy(resolvePolicy(policy), facts, {
    now: new Date("2026-11-30T00:00:00Z"),
  });
  const { scan, license, card, openness, ...head } = facts;
  return { ...head, verdict, reasons, scan, license, card, openness };
}
