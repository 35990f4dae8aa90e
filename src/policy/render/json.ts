/** `vet --format json`: the vet report exactly as DESIGN.md ("Vet report") lays it out, keys in that order. */
import { OBLIGATION_KEYS } from "../../license/types.js";
import { ordered, renderJson as renderScanJson } from "../../scan/render/json.js";
import type { VetReport } from "../types.js";

/** The report as a plain object in contract order. */
function vetDocument(report: VetReport): Record<string, unknown> {
  const l = report.license;
  return ordered(
    {
      ...report,
      tool: ordered(report.tool, ["name", "version"]),
      reasons: report.reasons.map((r) => ordered(r, ["rule", "outcome", "message", "evidence"])),
      // The scan block is the scan report, ordered by the scan's own renderer.
      scan: JSON.parse(renderScanJson(report.scan)) as Record<string, unknown>,
      license: ordered(
        {
          ...l,
          sources: l.sources.map((s) => ordered(s, ["kind", "path", "value"])),
          obligations: ordered(l.obligations, OBLIGATION_KEYS),
          conflicts: l.conflicts.map((c) => ordered(c, ["kind", "message", "between"])),
        },
        ["key", "hub", "spdx", "name", "sources", "obligations", "conflicts"],
      ),
      card: ordered(report.card, ["present", "completeness", "missing", "baseModels", "relation"]),
      openness: ordered(report.openness, ["mofClass", "osaidLicenses"]),
    },
    ["schemaVersion", "tool", "target", "verdict", "reasons", "scan", "license", "card", "openness"],
  );
}

export function renderVetJson(report: VetReport): string {
  return `${JSON.stringify(vetDocument(report), null, 2)}\n`;
}
