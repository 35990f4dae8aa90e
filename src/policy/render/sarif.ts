/**
 * `vet --format sarif`: SARIF 2.1.0 with the scan's findings as results (exactly as `scan --format sarif`
 * writes them) plus one result per policy reason that failed or needs review, under the policy rule's id.
 * The verdict and every reason are in the run's properties.
 */
import { artifactPath, pathToUri, renderSarif } from "../../scan/render/sarif.js";
import { RULES } from "../../scan/rules.js";
import { POLICY_RULE_DOCS } from "../default-policy.js";
import type { VetReason, VetReport } from "../types.js";

interface SarifRun {
  tool: { driver: { rules: { id: string }[] } };
  results: object[];
  properties?: Record<string, unknown>;
}

export function renderVetSarif(report: VetReport, opts: { exitCode: number }): string {
  const used = new Set(report.scan.findings.map((f) => f.ruleId));
  const scanRules = [...RULES.values()].filter((r) => used.has(r.id));
  const doc = JSON.parse(renderSarif(report.scan, scanRules, { exitCode: opts.exitCode })) as {
    runs: SarifRun[];
  };
  const run = doc.runs[0]!;
  const judged = report.reasons.filter((r) => r.outcome === "fail" || r.outcome === "warn");
  const ruleIndex = new Map<string, number>();
  for (const r of judged) {
    if (ruleIndex.has(r.rule)) continue;
    ruleIndex.set(r.rule, run.tool.driver.rules.length);
    const docs = (POLICY_RULE_DOCS as Record<string, { summary: string; help: string }>)[r.rule];
    run.tool.driver.rules.push({
      id: r.rule,
      name: r.rule.replace(/(^|[.-])([a-z])/g, (_, _sep: string, c: string) => c.toUpperCase()),
      shortDescription: { text: docs?.summary ?? r.rule },
      help: { text: docs?.help ?? r.message },
      defaultConfiguration: { level: "warning" },
      properties: { tags: ["policy", "ai-model"] },
    } as { id: string });
  }
  for (const r of judged) {
    run.results.push({
      ruleId: r.rule,
      ruleIndex: ruleIndex.get(r.rule)!,
      kind: "fail",
      level: r.outcome === "fail" ? "error" : "warning",
      message: { text: r.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: pathToUri(artifactPath(report.target, reasonFile(report, r))),
          },
        },
      ],
      properties: { outcome: r.outcome, evidence: r.evidence },
    });
  }
  run.properties = {
    ...run.properties,
    verdict: report.verdict,
    reasons: report.reasons.map((r) => ({ rule: r.rule, outcome: r.outcome, message: r.message })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** The file a policy reason is about: the first file its evidence leads to, else the model card. */
function reasonFile(report: VetReport, reason: VetReason): string {
  // A single-file target has no card: its reasons are about that file.
  const fallback = report.scan.repository ? "README.md" : (report.scan.files[0]?.path ?? "README.md");
  for (const pointer of reason.evidence) {
    const [, section, , index] = pointer.split("/");
    if (pointer.startsWith("/scan/findings/")) return report.scan.findings[Number(index)]?.file ?? fallback;
    if (pointer.startsWith("/scan/files/")) return report.scan.files[Number(index)]?.path ?? fallback;
    if (pointer.startsWith("/scan/repository/remoteCode/"))
      return report.scan.repository?.remoteCode[Number(pointer.split("/")[4])]?.file ?? fallback;
    if (section === "license") {
      const file = report.license.sources.find((s) => s.kind === "file") ?? report.license.sources[0];
      if (file && file.kind !== "base-model") return file.path;
    }
  }
  return fallback;
}
