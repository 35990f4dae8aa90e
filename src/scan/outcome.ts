import { type ScanReport, type Severity, severityRank } from "./types.js";

/** CLI exit codes (DESIGN.md, "CLI exit codes"). */
export const EXIT = { pass: 0, fail: 1, usage: 2, nothingRecognized: 3 } as const;

export function findingsAtOrAbove(report: ScanReport, failOn: Severity): number {
  const min = severityRank(failOn);
  return report.findings.filter((f) => severityRank(f.severity) >= min).length;
}

/** 1 beats 3: a finding at or above the threshold fails even when nothing else was recognized. */
export function scanExitCode(report: ScanReport, failOn: Severity): 0 | 1 | 3 {
  if (findingsAtOrAbove(report, failOn) > 0) return EXIT.fail;
  if (report.files.every((f) => f.format === "unknown")) return EXIT.nothingRecognized;
  return EXIT.pass;
}
