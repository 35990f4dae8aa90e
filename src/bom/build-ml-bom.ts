import { createHash, randomUUID } from "node:crypto";
import type { ModelCard } from "../card/types.js";
import type { LineageNode } from "../license/types.js";
import type { VetReport } from "../policy/types.js";
import { RULES } from "../scan/rules.js";
import { type Finding, SEVERITIES } from "../scan/types.js";
import { type BomComponent, type BomHash, properties } from "./cyclonedx.js";
import {
  factsOfKey,
  knowledgeBaseLookup,
  type LicenseLookup,
  licenseChoice,
  obligationProperties,
} from "./licenses.js";
import { buildModelCard, datasetRef } from "./model-card.js";

export interface MlBomOptions {
  /** The full model card, when the caller read it: task, datasets, `model-index` results, considerations. */
  card?: ModelCard;
  /** `urn:uuid:...`; a random one by default. */
  serialNumber?: string;
  /** ISO 8601 date-time; now by default. */
  timestamp?: string;
  /** The model's name; by default from the target (`hf:org/name` gives group and name, a path its last part). */
  name?: string;
  /** License key to SPDX id, name and URL; the obligations knowledge base by default. */
  licenses?: LicenseLookup;
}

/** Bases followed into the BOM: lineage is already bounded by its reader, this keeps the BOM bounded too. */
const MAX_ANCESTOR_DEPTH = 8;
const MAX_ANCESTORS = 64;
const MAX_DATASETS = 256;
/** Findings that are security issues (a known way to run code, or code not known to be safe). */
const VULNERABILITY_SEVERITIES = new Set(["critical", "high"]);

const MODEL_REF = "model";
const fileRef = (path: string) => `file:${path}`;

/**
 * A CycloneDX 1.6 JSON ML-BOM for a vetted model (docs/bom.md): the model as a `machine-learning-model`
 * component with its license, model card, ancestors and the vet verdict; every file as a `file` component
 * with its SHA-256; card datasets as `data` components; critical and high scan findings as vulnerabilities.
 */
export function buildMlBom(report: VetReport, options: MlBomOptions = {}): Record<string, unknown> {
  const lookup = options.licenses ?? knowledgeBaseLookup;
  const card = options.card;
  const files = filesOf(report);
  const datasets = [...new Set((card?.datasets ?? []).map((d) => d.trim()).filter(Boolean))].slice(
    0,
    MAX_DATASETS,
  );

  const fileComponents: BomComponent[] = files.map((f) => ({
    type: "file",
    "bom-ref": fileRef(f.path),
    name: f.path,
    ...hashesOf(f.sha256),
    properties: properties([
      ["modelgate:file:role", f.role],
      ["modelgate:file:format", f.format],
      ["modelgate:file:size", f.size],
      ["modelgate:file:parameters", f.parameters],
      ["modelgate:file:findings", f.findings],
    ]),
  }));
  const dataComponents: BomComponent[] = datasets.map((id) => ({
    type: "data",
    "bom-ref": datasetRef(id),
    name: id,
    data: [{ type: "dataset", name: id }],
  }));

  const model = modelComponent(report, options, files, lookup);
  model.modelCard = buildModelCard(report, card, datasets);
  const ancestors = ancestorsOf(report, lookup);
  if (ancestors.length > 0) model.pedigree = { ancestors };

  const vulnerabilities = report.scan.findings.flatMap((f, i) =>
    VULNERABILITY_SEVERITIES.has(f.severity) ? [vulnerability(f, i, files)] : [],
  );
  const dependsOn = [...fileComponents, ...dataComponents].map((c) => c["bom-ref"]!);

  return {
    $schema: "http://cyclonedx.org/schema/bom-1.6.schema.json",
    bomFormat: "CycloneDX",
    specVersion: "1.6",
    serialNumber: options.serialNumber ?? `urn:uuid:${randomUUID()}`,
    version: 1,
    metadata: {
      timestamp: options.timestamp ?? new Date().toISOString(),
      tools: {
        components: [{ type: "application", name: "modelgate", version: report.tool.version }],
      },
      component: model,
    },
    components: [...fileComponents, ...dataComponents],
    // The model consists of its files and was trained on its datasets: both are what it depends on.
    dependencies: [{ ref: MODEL_REF, dependsOn }, ...dependsOn.map((ref) => ({ ref, dependsOn: [] }))],
    ...(vulnerabilities.length > 0 ? { vulnerabilities } : {}),
  };
}

interface BomFile {
  path: string;
  size: number;
  sha256: string | null;
  format: string;
  role: string | null;
  parameters: number | null;
  findings: number;
}

/** The repository inventory for a folder (it has roles), the scanned files for a single file; by path. */
function filesOf(report: VetReport): BomFile[] {
  const counts = new Map(report.scan.files.map((f) => [f.path, f.findings]));
  const inventory = report.scan.repository?.inventory;
  const files: BomFile[] = inventory
    ? inventory.map((e) => ({ ...e, findings: counts.get(e.path) ?? 0 }))
    : report.scan.files.map((f) => ({ ...f, role: null, parameters: null }));
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function modelComponent(
  report: VetReport,
  options: MlBomOptions,
  files: BomFile[],
  lookup: LicenseLookup,
): BomComponent {
  const id = identityOf(report.target, options.name);
  const license = report.license;
  const facts =
    license.key === "unknown"
      ? null
      : { spdx: license.spdx, name: license.name, url: lookup(license.key)?.url };
  const licenses = licenseChoice(facts, "concluded");
  const scan = report.scan;
  const hashed = files.length > 0 && files.every((f) => f.sha256);
  return {
    type: "machine-learning-model",
    "bom-ref": MODEL_REF,
    ...(id.group ? { group: id.group } : {}),
    name: id.name,
    ...(id.version ? { version: id.version } : {}),
    ...(id.purl ? { purl: id.purl } : {}),
    // A single file is the model: its digest is the model's. A folder's files carry theirs.
    ...(scan.repository || files.length !== 1 ? {} : hashesOf(files[0]!.sha256)),
    ...(licenses ? { licenses } : {}),
    properties: properties([
      ["modelgate:target", report.target],
      ["modelgate:verdict", report.verdict],
      ...report.reasons
        .filter((r) => r.outcome !== "pass")
        .map((r): [string, string] => [`modelgate:reason:${r.outcome}`, `${r.rule}: ${r.message}`]),
      ["modelgate:scan:files", scan.summary.files],
      ["modelgate:scan:bytesTotal", scan.summary.bytesTotal],
      ["modelgate:scan:bytesRead", scan.summary.bytesRead],
      ...SEVERITIES.map((s): [string, number] => [
        `modelgate:scan:findings:${s}`,
        scan.summary.bySeverity[s],
      ]),
      ["modelgate:files:sha256Manifest", scan.repository && hashed ? manifestDigest(files) : null],
      ["modelgate:parameters", scan.repository?.parameters?.total],
      ...Object.keys(scan.repository?.weights.formats ?? {}).map((f): [string, string] => [
        "modelgate:weights:format",
        f,
      ]),
      ["modelgate:license:key", license.key],
      ["modelgate:license:hub", license.hub],
      ["modelgate:license:spdx", license.spdx],
      ["modelgate:license:unresolved", license.unresolved],
      ...license.sources.map((s): [string, string] => [
        "modelgate:license:source",
        `${s.kind}:${s.path}: ${s.value}`,
      ]),
      ...license.conflicts.map((c): [string, string] => [`modelgate:license:conflict:${c.kind}`, c.message]),
    ]).concat(
      obligationProperties(license.obligations),
      properties([
        ["modelgate:openness:mofClass", report.openness.mofClass],
        ["modelgate:openness:osaidLicenses", report.openness.osaidLicenses],
      ]),
    ),
  };
}

/**
 * `sha256sum` lines (`<digest>  <path>`, by path) hashed: one digest that changes when any file of the
 * folder does, for checking a whole download against this BOM.
 */
function manifestDigest(files: BomFile[]): string {
  const lines = files.map((f) => `${f.sha256}  ${f.path}\n`).join("");
  return createHash("sha256").update(lines).digest("hex");
}

interface Identity {
  group?: string;
  name: string;
  version?: string;
  purl?: string;
}

const HUB_TARGET = /^hf:([\w.-]+)\/([\w.-]+)(?:@(.+))?$/;
const COMMIT = /^[0-9a-f]{40}$/;

function identityOf(target: string, name: string | undefined): Identity {
  const hub = HUB_TARGET.exec(target);
  if (hub) {
    const [, org, repo, revision] = hub as unknown as [string, string, string, string | undefined];
    // purl's huggingface type takes a commit as its version; a branch name would not pin anything.
    const pinned = revision && COMMIT.test(revision) ? `@${revision}` : "";
    return {
      group: org,
      name: name ?? repo,
      ...(revision ? { version: revision } : {}),
      purl: `pkg:huggingface/${org}/${repo}${pinned}`,
    };
  }
  const last = target
    .split(/[\\/]/)
    .filter((p) => p && p !== ".")
    .pop();
  return { name: name ?? (last && last !== ".." ? last : target) };
}

/** `pedigree.ancestors` from the license lineage, or the card's base models when lineage was not followed. */
function ancestorsOf(report: VetReport, lookup: LicenseLookup): BomComponent[] {
  const lineage: LineageNode[] =
    report.license.lineage ??
    report.card.baseModels.map((id) => ({
      id,
      relation: report.card.relation,
      license: "unknown",
      resolvedFrom: null,
      parents: [],
    }));
  let budget = MAX_ANCESTORS;
  const toComponent = (node: LineageNode, ref: string, depth: number): BomComponent => {
    budget--;
    const licenses = licenseChoice(factsOfKey(node.license, lookup), "concluded");
    const parents =
      depth < MAX_ANCESTOR_DEPTH
        ? node.parents.flatMap((p, i) => (budget > 0 ? [toComponent(p, `${ref}.${i}`, depth + 1)] : []))
        : [];
    return {
      type: "machine-learning-model",
      "bom-ref": ref,
      name: node.id,
      ...(licenses ? { licenses } : {}),
      ...(parents.length > 0 ? { pedigree: { ancestors: parents } } : {}),
      properties: properties([
        ["modelgate:relation", node.relation],
        ["modelgate:license:key", node.license],
        ["modelgate:resolvedFrom", node.resolvedFrom],
      ]),
    };
  };
  return lineage.flatMap((node, i) => (budget > 0 ? [toComponent(node, `base:${i}`, 1)] : []));
}

function vulnerability(finding: Finding, index: number, files: BomFile[]) {
  const rule = RULES.get(finding.ruleId);
  const affected = files.some((f) => f.path === finding.file) ? fileRef(finding.file) : MODEL_REF;
  return {
    "bom-ref": `finding:${index}`,
    id: finding.ruleId,
    source: { name: "modelgate" },
    ratings: [{ source: { name: "modelgate" }, severity: finding.severity }],
    ...(rule ? { description: rule.shortDescription, recommendation: rule.help } : {}),
    detail: finding.message,
    affects: [{ ref: affected }],
    properties: properties([
      ["modelgate:file", finding.file],
      ["modelgate:location", finding.location],
      ["modelgate:evidence", `/scan/findings/${index}`],
    ]),
  };
}

/** A digest that is not SHA-256 hex (none is, today) would break the schema's pattern: it is left out. */
function hashesOf(sha256: string | null): { hashes?: BomHash[] } {
  return sha256 && /^[0-9a-f]{64}$/i.test(sha256) ? { hashes: [{ alg: "SHA-256", content: sha256 }] } : {};
}
