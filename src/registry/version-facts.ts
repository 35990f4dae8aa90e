/**
 * What the dashboard filters and sorts versions by, taken from the vet report once at registration and
 * stored in columns of their own (migration 002), so inventory queries never open the report.
 */
import type { CommercialUse } from "../license/types.js";
import type { VetReport } from "../policy/types.js";
import { SEVERITIES, type Severity, severityRank } from "../scan/types.js";

export interface VersionFacts {
  /** The worst finding's rank (critical 5 … info 1), 0 without findings. */
  maxSeverity: number;
  licenseName: string;
  commercialUse: CommercialUse;
}

const COMMERCIAL_USE: readonly CommercialUse[] = ["allowed", "conditional", "prohibited", "unknown"];

export function versionFacts(report: VetReport): VersionFacts {
  let maxSeverity = 0;
  for (const finding of report.scan?.findings ?? []) {
    if (SEVERITIES.includes(finding.severity)) {
      maxSeverity = Math.max(maxSeverity, severityRank(finding.severity));
    }
  }
  const commercial = report.license?.obligations?.commercialUse;
  return {
    maxSeverity,
    licenseName: report.license?.name ?? "Unknown",
    commercialUse: commercial && COMMERCIAL_USE.includes(commercial) ? commercial : "unknown",
  };
}

/** The severity a stored rank stands for; null for 0 (no finding). */
export function severityOfRank(rank: number): Severity | null {
  return SEVERITIES.find((s) => severityRank(s) === rank) ?? null;
}

/** A severity's rank, for filters; undefined for names that are not severities. */
export function rankOfSeverity(name: string): number | undefined {
  return (SEVERITIES as readonly string[]).includes(name) ? severityRank(name as Severity) : undefined;
}
