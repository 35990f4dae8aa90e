/**
 * `vet --format text`: the verdict first, then every reason with its evidence in words and what to do,
 * then the license (obligations with their citations), the model card, openness and the scan summary.
 * Every string that came from the model (paths, card text, license names) is escaped with `safe`.
 */
import type { Obligations } from "../../license/types.js";
import { formatBytes, safe } from "../../scan/render/text.js";
import { SEVERITIES } from "../../scan/types.js";
import { POLICY_RULE_DOCS } from "../default-policy.js";
import type { VetReason, VetReport } from "../types.js";

export interface VetTextOptions {
  color: boolean;
}

const OUTCOME_LABEL: Record<VetReason["outcome"], string> = {
  fail: "FAIL  ",
  warn: "REVIEW",
  waived: "WAIVED",
  pass: "pass  ",
};
const SGR = { fail: "1;31", warn: "33", waived: "36", pass: "32", bold: "1", dim: "2" } as const;
const VERDICT_SGR = { approved: "1;32", rejected: "1;31", "needs-review": "1;33" } as const;
const OBLIGATION_LABEL: Record<keyof Obligations, string> = {
  commercialUse: "commercial use",
  attribution: "attribution",
  shareAlike: "share-alike",
  useRestrictions: "use restrictions",
  restrictionsFlowDown: "restrictions flow down",
  threshold: "threshold",
  naming: "naming",
  derivativesInherit: "derivatives inherit terms",
  outputsForTraining: "outputs to train other models",
};

export function renderVetText(report: VetReport, opts: VetTextOptions): string {
  const paint = (code: string, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const out: string[] = [];
  const counts = { fail: 0, warn: 0, waived: 0, pass: 0 };
  for (const r of report.reasons) counts[r.outcome]++;
  out.push(
    `${paint(VERDICT_SGR[report.verdict], `Verdict: ${report.verdict.toUpperCase()}`)}  ${safe(report.target)}`,
    `  ${counts.fail} failed, ${counts.warn} to review, ${counts.waived} waived, ${counts.pass} passed`,
    "",
    paint(SGR.bold, "Reasons"),
  );
  // Failures first, then what needs review, waivers, and passes: the order a reader acts in.
  const order: VetReason["outcome"][] = ["fail", "warn", "waived", "pass"];
  for (const outcome of order) {
    for (const r of report.reasons.filter((x) => x.outcome === outcome)) {
      out.push(`  ${paint(SGR[outcome], OUTCOME_LABEL[outcome])} ${r.rule}: ${safe(r.message)}`);
      if (outcome === "pass") continue;
      const shown = r.evidence.slice(0, 5);
      for (const pointer of shown)
        out.push(`           evidence ${pointer}: ${describePointer(report, pointer)}`);
      if (r.evidence.length > shown.length)
        out.push(`           ... and ${r.evidence.length - shown.length} more`);
      const help = (POLICY_RULE_DOCS as Record<string, { help: string }>)[r.rule]?.help;
      if (help && outcome !== "waived") out.push(`           what to do: ${help}`);
    }
  }

  const l = report.license;
  out.push("", paint(SGR.bold, "License"));
  out.push(
    `  ${safe(l.name)} (key ${safe(l.key)}, SPDX ${l.spdx === null ? "none" : safe(l.spdx)}, Hub id ${safe(l.hub)})`,
  );
  if (l.unresolved) out.push(`  unresolved: ${safe(l.unresolved)}`);
  for (const s of l.sources) out.push(`  source: ${s.kind} ${safe(s.path)}: ${safe(s.value)}`);
  if (l.sources.length === 0) out.push("  source: none found (no card license, no LICENSE file)");
  out.push("  obligations:");
  for (const key of Object.keys(OBLIGATION_LABEL) as (keyof Obligations)[]) {
    const value = l.obligations[key];
    const shown = value === null ? "unknown" : value === true ? "yes" : value === false ? "no" : safe(value);
    const citation = l.citations?.[key];
    out.push(`    ${OBLIGATION_LABEL[key]}: ${shown}${citation ? ` (${safe(citation)})` : ""}`);
  }
  l.conflicts.forEach((c, i) => {
    out.push(`  conflict ${i}: ${c.kind}: ${safe(c.message)} (${c.between.map(safe).join(" vs ")})`);
  });
  const lineage = (nodes: NonNullable<typeof l.lineage>, depth: number): void => {
    for (const n of nodes) {
      const from = n.resolvedFrom ? `from ${safe(n.resolvedFrom)}` : "not found";
      out.push(
        `  ${"  ".repeat(depth)}base ${safe(n.id)}: ${n.relation ?? "relation unknown"}, license ${safe(n.license)}, ${from}`,
      );
      lineage(n.parents, depth + 1);
    }
  };
  lineage(l.lineage ?? [], 0);

  const c = report.card;
  out.push("", paint(SGR.bold, "Model card"));
  if (!c.present) out.push("  no model card (README.md)");
  else {
    out.push(
      `  ${Math.round(c.completeness * 100)}% complete${c.missing.length ? `; missing: ${c.missing.map(safe).join(", ")}` : ""}`,
    );
  }
  if (c.baseModels.length > 0)
    out.push(`  base models: ${c.baseModels.map(safe).join(", ")} (relation: ${c.relation ?? "not stated"})`);

  const o = report.openness;
  out.push("", paint(SGR.bold, "Openness"));
  out.push(
    `  Model Openness Framework class: ${o.mofClass}; OSI Open Source AI Definition licenses: ${o.osaidLicenses ? "met" : "not met"}`,
  );
  if (o.missingForNext?.length)
    out.push(`  missing for the next class: ${o.missingForNext.map(safe).join(", ")}`);

  const s = report.scan.summary;
  out.push("", paint(SGR.bold, "Scan"));
  const bySeverity = SEVERITIES.filter((k) => s.bySeverity[k] > 0).map((k) => `${s.bySeverity[k]} ${k}`);
  out.push(
    `  ${s.files} files, ${report.scan.findings.length} findings${bySeverity.length ? ` (${bySeverity.join(", ")})` : ""}`,
  );
  out.push(
    `  read ${formatBytes(s.bytesRead)} of ${formatBytes(s.bytesTotal)} (${percent(s.bytesRead, s.bytesTotal)}) in ${s.durationMs} ms`,
  );
  out.push("  details: modelgate scan, or this report with --format json");
  return `${out.join("\n")}\n`;
}

function percent(part: number, total: number): string {
  if (total === 0) return "0%";
  const p = (part / total) * 100;
  if (p >= 10) return `${p.toFixed(0)}%`;
  return `${Number(p.toPrecision(2))}%`;
}

/** A JSON pointer of a reason's evidence, resolved in the report and said in words. */
export function describePointer(report: VetReport, pointer: string): string {
  const value = resolvePointer(report, pointer);
  if (value === undefined) return "(not in this report)";
  let m = /^\/scan\/findings\/(\d+)$/.exec(pointer);
  if (m) {
    const f = report.scan.findings[Number(m[1])]!;
    return safe(
      `${f.severity} ${f.ruleId} in ${f.file}${f.location !== "@0" ? ` (${f.location})` : ""}: ${f.message}`,
    );
  }
  m = /^\/scan\/files\/(\d+)$/.exec(pointer);
  if (m) {
    const f = report.scan.files[Number(m[1])]!;
    return safe(`${f.path} (${f.format}, ${formatBytes(f.size)})`);
  }
  m = /^\/scan\/repository\/remoteCode\/(\d+)$/.exec(pointer);
  if (m) {
    const r = report.scan.repository!.remoteCode[Number(m[1])]!;
    return safe(`${r.kind} in ${r.file}: ${r.detail}`);
  }
  m = /^\/license\/conflicts\/(\d+)$/.exec(pointer);
  if (m) {
    const c = report.license.conflicts[Number(m[1])]!;
    return safe(`${c.kind}: ${c.message} (${c.between.join(" vs ")})`);
  }
  if (/^\/license\/lineage(\/\d+(\/parents\/\d+)*)$/.test(pointer)) {
    const n = value as { id: string; license: string };
    return safe(`base model ${n.id}, license ${n.license}`);
  }
  m = /^\/reasons\/(\d+)$/.exec(pointer);
  if (m) {
    const r = report.reasons[Number(m[1])]!;
    return safe(`${r.rule} (${r.outcome}): ${r.message}`);
  }
  if (pointer === "/license/sources") {
    const sources = value as VetReport["license"]["sources"];
    return sources.length === 0
      ? "no license source found"
      : safe(sources.map((s) => `${s.kind} ${s.path}: ${s.value}`).join("; "));
  }
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return safe(text.length > 200 ? `${text.slice(0, 199)}…` : text);
}

/** RFC 6901: `~1` is `/`, `~0` is `~`; undefined when the pointer leads nowhere. */
export function resolvePointer(doc: unknown, pointer: string): unknown {
  if (pointer === "") return doc;
  let at: unknown = doc;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (at === null || typeof at !== "object" || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}
