import type { ModelCard } from "../card/types.js";
import type { LicenseReport, Openness } from "../license/types.js";
import type { ScanReport } from "../scan/types.js";

export type Verdict = "approved" | "rejected" | "needs-review";

export interface VetReason {
  /** Policy rule id (documented in docs/policy.md). */
  rule: string;
  outcome: "pass" | "fail" | "warn" | "waived";
  message: string;
  /** JSON pointers into this report (`/scan/findings/3`, `/license/conflicts/0`, `/card/missing`). */
  evidence: string[];
  /** For a waived reason: the waiver that applied. */
  waiver?: { reason: string; approver: string; expires: string };
}

/** `modelgate vet --format json` (DESIGN.md, "Vet report"). */
export interface VetReport {
  schemaVersion: 1;
  tool: { name: "modelgate"; version: string };
  target: string;
  verdict: Verdict;
  reasons: VetReason[];
  scan: ScanReport;
  license: LicenseReport;
  card: {
    present: boolean;
    completeness: number;
    missing: string[];
    baseModels: string[];
    relation: ModelCard["relation"];
  };
  openness: Openness;
}
