/**
 * The parts of the registry's ModelVersion and vet report (src/registry/types.ts, src/policy/types.ts,
 * DESIGN.md "Vet report") that the model and version pages read. Kept here so the web build does not
 * pull the server's sources into its type graph; every field the pages read is optional-safe.
 */
export type Verdict = "approved" | "rejected" | "needs-review";

export interface Finding {
  ruleId: string;
  severity: string;
  file: string;
  location: string;
  message: string;
  evidence: Record<string, unknown>;
}

export interface FileReport {
  path: string;
  size: number;
  sha256: string | null;
  format: string;
  findings: number;
}

export interface InventoryEntry {
  path: string;
  size: number;
  sha256: string | null;
  format: string;
  role: string;
  parameters: number | null;
}

export interface LineageNode {
  id: string;
  relation: "finetune" | "adapter" | "merge" | "quantized" | null;
  license: string;
  resolvedFrom: string | null;
  unresolvedReason?: string;
  parents: LineageNode[];
}

export interface LicenseReport {
  key: string;
  hub: string;
  spdx: string | null;
  name: string;
  sources: { kind: string; path: string; value: string }[];
  obligations: Record<string, string | boolean | null>;
  conflicts: { kind: string; message: string; between: [string, string] }[];
  unresolved?: string;
  citations?: Record<string, string>;
  lineage?: LineageNode[];
}

export interface VetReason {
  rule: string;
  outcome: "pass" | "fail" | "warn" | "waived";
  message: string;
  evidence: string[];
  waiver?: { reason: string; approver: string; expires: string };
}

export interface VetReport {
  schemaVersion: 1;
  tool: { name: string; version: string };
  target: string;
  verdict: Verdict;
  reasons: VetReason[];
  scan: {
    repository?: { inventory: InventoryEntry[] };
    files: FileReport[];
    findings: Finding[];
    summary?: { bySeverity?: Record<string, number> };
  };
  license: LicenseReport;
  card: {
    present: boolean;
    completeness: number;
    missing: string[];
    baseModels: string[];
    relation: string | null;
  };
  openness: {
    mofClass: "I" | "II" | "III" | "none";
    osaidLicenses: boolean;
    components?: string[];
    missingForNext?: string[];
  };
}

export interface ModelVersion {
  model: string;
  number: number;
  digest: string;
  sourceRevision: string | null;
  formats: string[];
  size: number;
  manifest: { path: string; size: number; sha256: string | null }[];
  verdict: Verdict;
  licenseKey: string;
  baseModels: string[];
  vetReport: VetReport;
  createdAt: string;
  createdBy: string;
}

export interface Model {
  name: string;
  owner: string | null;
  description: string | null;
  tags: string[];
  source: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AliasState {
  model: string;
  alias: string;
  version: number;
  updatedAt: string;
  requestId: string | null;
}

export interface AliasMove {
  model: string;
  alias: string;
  from: number | null;
  to: number;
  at: string;
  by: string;
  requestId: string | null;
  kind: "set" | "promotion" | "rollback";
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
