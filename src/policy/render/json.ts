/** `vet --format json`: the vet report exactly as DESIGN.md ("Vet report") lays it out, keys in that order. */
import { renderJson as renderScanJson } from "../../scan/render/json.js";
import type { VetReport } from "../types.js";

type Obj = Record<string, unknown>;

/** `keys` first, in that order, then any other keys as they come; undefined values are left out. */
function ordered(obj: object, keys: readonly string[]): Obj {
  const src = obj as Obj;
  const out: Obj = {};
  for (const k of keys) if (src[k] !== undefined) out[k] = src[k];
  for (const [k, v] of Object.entries(src)) if (!(k in out) && v !== undefined) out[k] = v;
  return out;
}

/** The report as a plain object in contract order (what the JSON and SARIF outputs carry). */
export function vetDocument(report: VetReport): Obj {
  const l = report.license;
  return ordered(
    {
      ...report,
      tool: ordered(report.tool, ["name", "version"]),
      reasons: report.reasons.map((r) => ordered(r, ["rule", "outcome", "message", "evidence"])),
      // The scan block is the scan report, ordered by the scan's own renderer.
      scan: JSON.parse(renderScanJson(report.scan)) as Obj,
      license: ordered(
        {
          ...l,
          sources: l.sources.map((s) => ordered(s, ["kind", "path", "value"])),
          obligations: ordered(l.obligations, [
            "commercialUse",
            "attribution",
            "shareAlike",
            "useRestrictions",
            "restrictionsFlowDown",
            "threshold",
            "naming",
            "derivativesInherit",
            "outputsForTraining",
          ]),
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
