/**
 * `--format text` (the default in a terminal): findings grouped by file, worst first, each with what to
 * do about it; then the clean files, a summary and the verdict. Every string that came from the scanned
 * files (paths, member names, evidence) has its control characters escaped, so a hostile file name
 * cannot move the cursor or recolor the report.
 */

import { parseLocation } from "../location.js";
import type { RuleDoc } from "../rules.js";
import type { Finding, ScanReport, Severity } from "../types.js";
import { SEVERITIES, severityRank } from "../types.js";

export interface TextOptions {
  color: boolean;
  rules: ReadonlyMap<string, RuleDoc>;
  /** The `--fail-on` threshold the verdict is judged against; default `medium`. */
  failOn?: Severity;
  /** Most clean files listed one by one; default 100. */
  maxCleanFiles?: number;
}

const SGR: Record<Severity | "bold" | "dim" | "pass" | "fail", string> = {
  critical: "1;31",
  high: "31",
  medium: "33",
  low: "36",
  info: "2",
  bold: "1",
  dim: "2",
  pass: "1;32",
  fail: "1;31",
};

/** Escapes C0/C1 control characters (ESC, CR, BEL, ...) so they print as text. */
export function safe(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\t") return "\\t";
    if (c === "\r") return "\\r";
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function describeLocation(location: string): string {
  const { member, offset } = parseLocation(location);
  if (member === "") return offset === null ? "" : `at byte ${offset}`;
  return offset === null ? `in ${safe(member)}` : `in ${safe(member)} at byte ${offset}`;
}

/** 6738415616 -> "6.74B"; small counts as they are. */
export function formatCount(n: number): string {
  for (const [unit, v] of [
    ["T", 1e12],
    ["B", 1e9],
    ["M", 1e6],
    ["K", 1e3],
  ] as const)
    if (n >= v) return `${(n / v).toFixed(n / v >= 100 ? 0 : 2)}${unit}`;
  return String(n);
}

function repositoryLines(
  repo: NonNullable<ScanReport["repository"]>,
  paint: (style: "bold" | "dim", s: string) => string,
): string[] {
  const out = [paint("bold", "Repository:")];
  const weights = Object.entries(repo.weights.formats).map(
    ([format, files]) => `${format} (${files!.length} file${files!.length === 1 ? "" : "s"})`,
  );
  out.push(`  weights: ${weights.length > 0 ? weights.join(", ") : "none found"}`);
  if (repo.weights.pickle.length > 0)
    out.push(
      repo.weights.safeAlternative
        ? "  pickle weights have a safe alternative here: load the non-pickle format instead"
        : "  pickle weights only: loading them unpickles (no safe format beside them)",
    );
  if (repo.parameters) {
    const dtypes = Object.entries(repo.parameters.byDtype)
      .sort((a, b) => b[1] - a[1])
      .map(([d, n]) => `${safe(d)} ${formatCount(n)}`)
      .join(", ");
    out.push(
      `  parameters: ${formatCount(repo.parameters.total)} (${dtypes}) from ${repo.parameters.source} headers`,
    );
  }
  if (repo.remoteCode.length > 0) {
    out.push(`  remote code (${repo.remoteCode.length}):`);
    for (const rc of repo.remoteCode.slice(0, 20))
      out.push(`    ${safe(rc.file)}: ${rc.kind}, ${safe(rc.detail)}`);
    if (repo.remoteCode.length > 20) out.push(`    ... and ${repo.remoteCode.length - 20} more`);
  } else out.push("  remote code: none");
  return out;
}

export function renderText(report: ScanReport, opts: TextOptions): string {
  const paint = (style: keyof typeof SGR, s: string) => (opts.color ? `\x1b[${SGR[style]}m${s}\x1b[0m` : s);
  const failOn = opts.failOn ?? "medium";
  const maxClean = opts.maxCleanFiles ?? 100;
  const lines: string[] = [];

  // Group by file, keeping report order, then put the files with the worst findings first.
  const byFile = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const list = byFile.get(f.file);
    if (list) list.push(f);
    else byFile.set(f.file, [f]);
  }
  const worst = (fs: Finding[]) => Math.max(...fs.map((f) => severityRank(f.severity)));
  const groups = [...byFile.entries()]
    .map(([file, fs], i) => ({ file, findings: fs, i }))
    .sort((a, b) => worst(b.findings) - worst(a.findings) || a.i - b.i);
  const fileInfo = new Map(report.files.map((f) => [f.path, f]));

  const width = Math.max(...SEVERITIES.map((s) => s.length));
  for (const g of groups) {
    const info = fileInfo.get(g.file);
    const meta = info ? ` ${paint("dim", `(${info.format}, ${formatBytes(info.size)})`)}` : "";
    lines.push(`${paint("bold", safe(g.file))}${meta}`);
    const sorted = g.findings
      .map((f, i) => ({ f, i }))
      .sort((a, b) => severityRank(b.f.severity) - severityRank(a.f.severity) || a.i - b.i)
      .map((x) => x.f);
    const helped = new Set<string>();
    for (const f of sorted) {
      const label = paint(f.severity, f.severity.toUpperCase().padEnd(width));
      const where = describeLocation(f.location);
      lines.push(`  ${label}  ${safe(f.ruleId)}${where ? `  ${where}` : ""}`);
      lines.push(`    ${safe(f.message)}`);
      const call = f.evidence.call;
      if (typeof call === "string" && call !== "") lines.push(`    evidence: ${safe(call)}`);
      const rule = opts.rules.get(f.ruleId);
      if (rule && !helped.has(f.ruleId)) {
        helped.add(f.ruleId);
        lines.push(`    ${paint("bold", "what to do:")} ${safe(rule.help)}`);
        if (rule.helpUri) lines.push(`    ${paint("dim", `see ${rule.helpUri}`)}`);
      }
    }
    lines.push("");
  }

  const clean = report.files.filter((f) => !byFile.has(f.path));
  if (clean.length > 0) {
    lines.push(paint("bold", groups.length > 0 ? "Files without findings:" : "Files (no findings):"));
    for (const f of clean.slice(0, maxClean)) {
      const sha = f.sha256 ? `sha256 ${f.sha256.slice(0, 12)}` : "sha256 -";
      lines.push(`  ${safe(f.path)}  ${paint("dim", `${f.format}, ${formatBytes(f.size)}, ${sha}`)}`);
    }
    if (clean.length > maxClean) {
      lines.push(
        `  ${paint("dim", `... and ${clean.length - maxClean} more (--format json lists every file)`)}`,
      );
    }
    lines.push("");
  }

  if (report.repository) lines.push(...repositoryLines(report.repository, paint), "");

  const count = (s: Severity) => report.findings.filter((f) => f.severity === s).length;
  const counts = SEVERITIES.map((s) => {
    const n = count(s);
    return n > 0 ? paint(s, `${n} ${s}`) : `${n} ${s}`;
  }).join(", ");
  const s = report.summary;
  lines.push(
    `Scanned ${safe(report.target)}: ${s.files} file${s.files === 1 ? "" : "s"}, ${formatBytes(s.bytesTotal)} ` +
      `in ${formatDuration(s.durationMs)}. Findings: ${counts}.`,
  );

  const failing = SEVERITIES.filter((sv) => severityRank(sv) >= severityRank(failOn) && count(sv) > 0);
  if (failing.length > 0) {
    const what = failing.map((sv) => `${count(sv)} ${sv}`).join(", ");
    lines.push(paint("fail", `FAIL: ${what} at or above --fail-on ${failOn}`));
  } else if (report.files.every((f) => f.format === "unknown")) {
    lines.push(paint("fail", "NOTHING SCANNED: no file here is in a format modelgate reads"));
  } else {
    const below = report.findings.length;
    lines.push(
      paint("pass", `PASS: no findings at or above --fail-on ${failOn}`) +
        (below > 0 ? ` (${below} below it, listed above)` : ""),
    );
  }
  return `${lines.join("\n")}\n`;
}
