/**
 * `--format sarif`: SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, IDE viewers). One run; every
 * rule the report uses is described (with GitHub's `security-severity`); each finding points at its
 * file, with a logical location for an inner archive member and the byte offset as a region when it
 * is an offset into the file itself.
 */
import { createHash } from "node:crypto";
import { parseLocation } from "../location.js";
import { scanExitCode } from "../outcome.js";
import type { RuleDoc } from "../rules.js";
import { type ScanReport, SEVERITIES, type Severity } from "../types.js";

export type { RuleDoc };

export interface SarifOptions {
  /** Exit code the command ends with; default: what DESIGN.md's table gives for `failOn`. */
  exitCode?: number;
  /** Threshold used for the default exit code; default `medium`. */
  failOn?: Severity;
  informationUri?: string;
}

export const SARIF_SCHEMA_URI =
  "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/** Key in `partialFingerprints`; bump the version if what it hashes ever changes. */
export const FINGERPRINT_KEY = "modelgateFinding/v1";

const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: "9.5",
  high: "8.0",
  medium: "5.5",
  low: "3.0",
  info: "0.0",
};

export function sarifLevel(s: Severity): "error" | "warning" | "note" {
  return s === "critical" || s === "high" ? "error" : s === "medium" ? "warning" : "note";
}

/** A relative path as a URI reference: forward slashes, each segment percent-encoded. */
/**
 * Report paths are relative to the scan target; code-scanning services resolve SARIF URIs against the
 * directory the scan ran in, so the target is put back in front (a file target is its own path).
 */
export function artifactPath(target: string, path: string): string {
  const t = target.replace(/\\/g, "/").replace(/\/+$/, "");
  if (t === "" || t === ".") return path;
  if (t === path || t.endsWith(`/${path}`)) return t;
  return `${t}/${path}`;
}

export function pathToUri(path: string): { uri: string; uriBaseId?: string } {
  let p = path.replace(/\\/g, "/");
  const absolute = p.startsWith("/") || /^[A-Za-z]:\//.test(p);
  while (p.startsWith("./")) p = p.slice(2);
  const segments = p.split("/").map((s, i) => (absolute && i === 0 && /^[A-Za-z]:$/.test(s) ? s : enc(s)));
  const encoded = segments.join("/");
  if (absolute) return { uri: `file://${encoded.startsWith("/") ? "" : "/"}${encoded}` };
  return { uri: encoded, uriBaseId: "%SRCROOT%" };
}

function enc(segment: string): string {
  // encodeURIComponent leaves !'()* as they are; they are legal in a URI but odd in a path, so encode them too.
  return encodeURIComponent(segment).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function evidenceCall(evidence: Record<string, unknown>): string | undefined {
  const call = evidence.call;
  return typeof call === "string" && call.length > 0 ? call : undefined;
}

export function renderSarif(report: ScanReport, rules: RuleDoc[], opts: SarifOptions = {}): string {
  // Every rule a finding uses must be described; rules known to the caller come first, in their order.
  const ruleList: RuleDoc[] = [];
  const ruleIndex = new Map<string, number>();
  const addRule = (r: RuleDoc) => {
    if (ruleIndex.has(r.id)) return;
    ruleIndex.set(r.id, ruleList.length);
    ruleList.push(r);
  };
  for (const r of rules) addRule(r);
  for (const f of report.findings) {
    addRule({
      id: f.ruleId,
      name: f.ruleId,
      shortDescription: f.ruleId,
      help: f.message,
      defaultSeverity: f.severity,
    });
  }

  const artifactIndex = new Map<string, number>();
  const artifacts = report.files.map((file, i) => {
    artifactIndex.set(file.path, i);
    return {
      location: pathToUri(artifactPath(report.target, file.path)),
      length: file.size,
      ...(file.sha256 ? { hashes: { "sha-256": file.sha256 } } : {}),
      properties: { format: file.format },
    };
  });

  const results = report.findings.map((f) => {
    const call = evidenceCall(f.evidence);
    const { member, offset } = parseLocation(f.location);
    const index = artifactIndex.get(f.file);
    const physicalLocation = {
      artifactLocation: {
        ...pathToUri(artifactPath(report.target, f.file)),
        ...(index !== undefined ? { index } : {}),
      },
      // An offset inside a member (often compressed) is not an offset into the file on disk.
      ...(member === "" && offset !== null ? { region: { byteOffset: offset } } : {}),
    };
    const logicalLocations =
      member !== ""
        ? [
            {
              name: member.split("/").pop() || member,
              fullyQualifiedName: member,
              kind: "resource",
              ...(offset !== null ? { properties: { byteOffset: offset } } : {}),
            },
          ]
        : undefined;
    const fingerprint = createHash("sha256")
      .update([f.ruleId, f.file, f.location, call ?? ""].join("\u0000"))
      .digest("hex");
    return {
      ruleId: f.ruleId,
      ruleIndex: ruleIndex.get(f.ruleId) ?? 0,
      level: sarifLevel(f.severity),
      message: { text: call ? `${f.message}\nEvidence: ${call}` : f.message },
      locations: [{ physicalLocation, ...(logicalLocations ? { logicalLocations } : {}) }],
      partialFingerprints: { [FINGERPRINT_KEY]: fingerprint },
      properties: { severity: f.severity, evidence: f.evidence },
    };
  });

  const exitCode = opts.exitCode ?? scanExitCode(report, opts.failOn ?? "medium");
  const sarif = {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "modelgate",
            version: report.tool.version,
            semanticVersion: report.tool.version,
            ...(opts.informationUri ? { informationUri: opts.informationUri } : {}),
            rules: ruleList.map((r) => ({
              id: r.id,
              name: r.name,
              shortDescription: { text: r.shortDescription },
              fullDescription: { text: r.shortDescription },
              help: { text: r.help },
              ...(r.helpUri ? { helpUri: r.helpUri } : {}),
              defaultConfiguration: { level: sarifLevel(r.defaultSeverity) },
              properties: {
                "security-severity": SECURITY_SEVERITY[r.defaultSeverity],
                tags: ["security", "ai-model", r.defaultSeverity],
              },
            })),
          },
        },
        invocations: [{ executionSuccessful: exitCode !== 2, exitCode }],
        artifacts,
        results,
        properties: {
          target: report.target,
          bySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, report.summary.bySeverity[s] ?? 0])),
        },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
