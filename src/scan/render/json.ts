/** `--format json`: the scan report exactly as DESIGN.md lays it out, keys in that order. */
import { type ScanReport, SEVERITIES } from "../types.js";

type Obj = Record<string, unknown>;

/** `keys` first, in that order (skipping ones that are undefined), then any other keys as they come. */
export function ordered(obj: object, keys: readonly string[]): Obj {
  const src = obj as Obj;
  const out: Obj = {};
  for (const k of keys) if (src[k] !== undefined) out[k] = src[k];
  for (const [k, v] of Object.entries(src)) if (!(k in out) && v !== undefined) out[k] = v;
  return out;
}

export function renderJson(report: ScanReport): string {
  const r = report;
  const summary = r.summary;
  const doc = ordered(
    {
      ...r,
      tool: ordered(r.tool, ["name", "version"]),
      files: r.files.map((f) => ordered(f, ["path", "size", "sha256", "format", "findings"])),
      findings: r.findings.map((f) =>
        ordered(f, ["ruleId", "severity", "file", "location", "message", "evidence"]),
      ),
      summary: ordered({ ...summary, bySeverity: ordered(summary.bySeverity, SEVERITIES) }, [
        "files",
        "bytesRead",
        "bytesTotal",
        "durationMs",
        "bySeverity",
      ]),
    },
    ["schemaVersion", "tool", "target", "files", "findings", "repository", "summary"],
  );
  return `${JSON.stringify(doc, null, 2)}\n`;
}
