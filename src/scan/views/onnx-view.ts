import { lstatSync, realpathSync, type Stats, statSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import {
  DATA_LOCATION_EXTERNAL,
  DT_COMPLEX64,
  DT_COMPLEX128,
  DT_STRING,
  dataTypeName,
  type OnnxModel,
  type OnnxOperatorUse,
  type OnnxTensor,
  readOnnxModel,
} from "../../formats/onnx.js";
import { ONNX_DEFAULT_DOMAIN_OPS, ONNX_OPS_KNOWN_THROUGH_OPSET } from "../../formats/onnx-ops.js";
import type { ByteSource } from "../../formats/source.js";
import { CappedReporter } from "../capped-reporter.js";
import { reportFailure, type ScanContext } from "../context.js";
import { formatLocation } from "../location.js";
import type { Finding, FormatName } from "../types.js";

/** Domains the ONNX specification defines ("ai.onnx" is read as ""). */
const STANDARD_DOMAINS = new Set(["", "ai.onnx.ml", "ai.onnx.training", "ai.onnx.preview.training"]);
/**
 * Domains whose kernels ship inside ONNX Runtime itself (onnxruntime `core/graph/constants.h`): they run
 * without any library the model brings, so they are not custom operators.
 */
const RUNTIME_DOMAINS = new Set([
  "com.microsoft",
  "com.microsoft.nchwc",
  "com.microsoft.experimental",
  "com.ms.internal.nhwc",
  "com.microsoft.dml",
  "org.pytorch.aten",
]);
/** `external_data` keys onnx reads (onnx >= 1.21 ignores any other: CVE-2026-34445). */
const EXTERNAL_DATA_KEYS = new Set(["location", "offset", "length", "checksum", "basepath"]);

/** ONNX: the graph walked without copying initializers; external data locations and custom ops checked. */
export async function scanOnnxView(ctx: ScanContext, src: ByteSource, member: string): Promise<FormatName> {
  const model = readOnnxModel(src);
  const report = new CappedReporter(ctx, member, "ONNX: ");
  checkOperators(report, model);
  for (const a of model.anomalies) {
    const rule =
      a.kind === "negative-dim" || a.kind === "size-overflow"
        ? "ONNX_TENSOR_SIZE"
        : a.kind === "long-string"
          ? "ONNX_EXTERNAL_DATA_INVALID"
          : "ONNX_MALFORMED";
    report.add(rule, "medium", a.offset, a.message, { anomaly: a.kind });
  }
  const external = new ExternalFiles(ctx, member);
  for (const t of model.tensors) {
    checkInlineSize(report, t);
    if (t.externalData.length > 0 || t.dataLocation === DATA_LOCATION_EXTERNAL)
      checkExternal(report, external, t);
  }
  report.flush();
  recordFacts(ctx, model, external);
  if (model.failure) reportFailure(ctx, model.failure, member);
  return "onnx";
}

// ---------------------------------------------------------------------------------------------------
// Operators

function checkOperators(report: CappedReporter, model: OnnxModel): void {
  const modelOpsets = new Map(model.opsets.map((o) => [o.domain, o.version]));
  const functionOpsets = new Map(
    model.functions.map((f) => [f.name, new Set(f.opsets.map((o) => o.domain))]),
  );
  const localFunctions = new Set(model.functions.map((f) => `${f.domain}\u0000${f.name}`));
  // IR 1-2 models predate opset_import: opset 1 of the default domain is implied. A walk that stopped
  // early may not have reached opset_import (field 8 follows the graph): no opset-based judgement then.
  const opsetsDeclared = model.failure === null && (model.opsets.length > 0 || (model.irVersion ?? 0n) >= 3n);
  const custom = new Map<string, OnnxOperatorUse[]>();
  const undeclared = new Map<string, OnnxOperatorUse>();
  for (const op of model.operators) {
    if (localFunctions.has(`${op.domain}\u0000${op.opType}`)) continue;
    const declared =
      modelOpsets.has(op.domain) ||
      (op.inFunction !== null && (functionOpsets.get(op.inFunction)?.has(op.domain) ?? false));
    if (!STANDARD_DOMAINS.has(op.domain) && !RUNTIME_DOMAINS.has(op.domain)) {
      const list = custom.get(op.domain) ?? [];
      list.push(op);
      custom.set(op.domain, list);
      continue;
    }
    if (!declared && opsetsDeclared && !undeclared.has(op.domain)) undeclared.set(op.domain, op);
    if (op.domain === "" && model.failure === null && !ONNX_DEFAULT_DOMAIN_OPS.has(op.opType)) {
      const version = modelOpsets.get("") ?? 1n;
      if (version <= BigInt(ONNX_OPS_KNOWN_THROUGH_OPSET)) {
        report.add(
          "ONNX_UNKNOWN_OPERATOR",
          "medium",
          op.firstOffset,
          `operator '${op.opType}' (${op.count} node${op.count > 1 ? "s" : ""}, first in ${op.firstGraph}) is not an ONNX operator of opset ${version}; running it needs a custom-op library registered in the default domain`,
          {
            opType: op.opType,
            count: op.count,
            graph: op.firstGraph,
            node: op.firstNode,
            opset: version.toString(),
          },
        );
      }
    }
  }
  for (const [domain, ops] of custom) {
    const first = ops.reduce((a, b) => (b.firstOffset < a.firstOffset ? b : a));
    const inSubgraph = ops.some((o) => o.inSubgraph);
    const nodes = ops.reduce((n, o) => n + o.count, 0);
    const names = ops.map((o) => o.opType);
    const declared = modelOpsets.has(domain);
    report.add(
      "ONNX_CUSTOM_OPERATOR",
      "medium",
      first.firstOffset,
      `${nodes} node${nodes > 1 ? "s use" : " uses"} operators of the custom domain '${domain}' (${names.slice(0, 8).join(", ")}${names.length > 8 ? ", ..." : ""})${inSubgraph ? ", some inside a control-flow subgraph" : ""}; running them needs a native custom-op library the model does not contain`,
      {
        domain,
        operators: names.slice(0, 100),
        nodes,
        firstGraph: first.firstGraph,
        firstNode: first.firstNode,
        inSubgraph,
        opsetImported: declared,
      },
    );
  }
  for (const [domain, op] of undeclared) {
    report.add(
      "ONNX_MALFORMED",
      "medium",
      op.firstOffset,
      `operator '${op.opType}' uses domain '${domain || "ai.onnx"}', which the model does not import (no opset_import entry); loaders refuse it or guess a version`,
      { domain, opType: op.opType, graph: op.firstGraph },
    );
  }
}

// ---------------------------------------------------------------------------------------------------
// Tensor sizes

function checkInlineSize(report: CappedReporter, t: OnnxTensor): void {
  const label = tensorLabel(t);
  const evidence = () => ({
    tensor: t.name,
    role: t.role,
    graph: t.graph,
    dims: t.dims.map(String),
    dataType: dataTypeName(t.dataType),
    expectedBytes: t.expectedBytes?.toString() ?? null,
  });
  if (t.rawDataLength !== null && t.dataType === DT_STRING) {
    report.add(
      "ONNX_MALFORMED",
      "medium",
      t.rawDataOffset,
      `${label} is a STRING tensor with raw_data`,
      evidence(),
    );
  }
  if (t.rawDataLength !== null && t.expectedBytes !== null && BigInt(t.rawDataLength) !== t.expectedBytes) {
    report.add(
      "ONNX_TENSOR_SIZE",
      "medium",
      t.rawDataOffset,
      `${label} declares ${t.expectedBytes} bytes (${shape(t)}) but its raw_data holds ${t.rawDataLength}`,
      { ...evidence(), rawDataLength: t.rawDataLength },
    );
  }
  if (t.elementCount !== null) {
    const perElement = t.dataType === DT_COMPLEX64 || t.dataType === DT_COMPLEX128 ? 2n : 1n;
    for (const e of t.typedFields) {
      if (e.items === null || BigInt(e.items) === t.elementCount * perElement) continue;
      report.add(
        "ONNX_TENSOR_SIZE",
        "medium",
        t.offset,
        `${label} declares ${t.elementCount} elements (${shape(t)}) but stores ${e.items} values in field ${e.field}`,
        { ...evidence(), field: e.field, items: e.items },
      );
    }
  }
  const stored = t.rawDataLength !== null || t.typedFields.length > 0;
  const external = t.dataLocation === DATA_LOCATION_EXTERNAL;
  if (!stored && !external && t.elementCount !== null && t.elementCount > 0n) {
    report.add(
      "ONNX_TENSOR_SIZE",
      "medium",
      t.offset,
      `${label} declares ${t.elementCount} elements (${shape(t)}) but stores no data`,
      evidence(),
    );
  }
  if (stored && external) {
    report.add(
      "ONNX_EXTERNAL_DATA_INVALID",
      "medium",
      t.offset,
      `${label} has inline data and data_location EXTERNAL; loaders disagree on which they read`,
      evidence(),
    );
  }
}

// ---------------------------------------------------------------------------------------------------
// External data

/** What a location says about leaving the model's directory, judged on the text alone. */
export interface LocationVerdict {
  /** Leaves the directory (absolute, drive, UNC, or `..` past the top): a known exploit. */
  escapes: string | null;
  /** Text loaders read differently or refuse (NUL, backslash, `..` that stays inside, empty). */
  odd: string | null;
}

export function judgeLocation(location: string): LocationVerdict {
  const nul = location.indexOf("\u0000");
  const effective = nul >= 0 ? location.slice(0, nul) : location;
  let escapes: string | null = null;
  if (/^[\\/]{2}/.test(effective)) escapes = "a UNC/network path";
  else if (/^[\\/]/.test(effective)) escapes = "an absolute path";
  else if (/^[A-Za-z]:[\\/]/.test(effective)) escapes = "a Windows drive path";
  else {
    let depth = 0;
    for (const part of effective.split(/[\\/]+/)) {
      if (part === "..") depth--;
      else if (part !== "." && part !== "") depth++;
      if (depth < 0) {
        escapes = effective.includes("\\")
          ? "a path whose '..' components leave the model's directory (with '\\' as a separator, as Windows reads it)"
          : "a path whose '..' components leave the model's directory";
        break;
      }
    }
  }
  let odd: string | null = null;
  if (nul >= 0) odd = "a NUL byte (C++ loaders stop reading the path there, Python refuses it)";
  else if (location === "") odd = "an empty location";
  else if (effective.includes("\\")) odd = "a backslash (a directory separator on Windows only)";
  // `x:0` (a TensorFlow tensor name used as a file name) is a file here, drive X's directory on Windows.
  else if (/^[A-Za-z]:/.test(effective)) odd = "a drive letter (Windows reads it on that drive)";
  else if (effective.split("/").includes("..")) odd = "a '..' component";
  return { escapes, odd };
}

/** Facts about external files, looked up once per location. */
interface ExternalFileInfo {
  path: string;
  /** null when it does not exist. */
  stats: Stats | null;
  /** Where it really is, after symlinks. */
  realPath: string | null;
  symlink: boolean;
}

class ExternalFiles {
  /** Location -> what judgeExternalFile concluded (it reports once per location). */
  readonly verdicts = new Map<string, bigint | null | false>();
  /** Repository-relative path -> where the model first names it. */
  readonly referenced = new Map<string, string>();
  private readonly cache = new Map<string, ExternalFileInfo>();
  /** Only a model that is a file on disk has a directory to look in; inside an archive, text only. */
  readonly onDisk: boolean;
  private readonly modelDir: string;
  private realModelDir: string | null = null;

  constructor(
    readonly ctx: ScanContext,
    member: string,
  ) {
    this.onDisk = member === "";
    this.modelDir = dirname(resolve(ctx.filePath));
  }

  look(location: string): ExternalFileInfo {
    const hit = this.cache.get(location);
    if (hit) return hit;
    const path = resolve(this.modelDir, location);
    const info: ExternalFileInfo = { path, stats: null, realPath: null, symlink: false };
    try {
      info.symlink = lstatSync(path).isSymbolicLink();
      info.stats = statSync(path);
      info.realPath = realpathSync(path);
    } catch {
      info.stats = null;
    }
    this.cache.set(location, info);
    return info;
  }

  realDir(): string {
    this.realModelDir ??= safeRealpath(this.modelDir);
    return this.realModelDir;
  }

  modelRealPath(): string {
    return safeRealpath(this.ctx.filePath);
  }

  /** The repository-relative path of a file inside the model's directory. */
  reference(path: string, at: number): void {
    const rel = relative(this.ctx.root, path).split(sep).join("/");
    if (!this.referenced.has(rel)) this.referenced.set(rel, formatLocation("", at));
  }
}

function safeRealpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

/**
 * A Hugging Face cache snapshot links every file to `../../blobs/<hash>` of the same repository: a link
 * that leaves the snapshot directory but stays in that repository's cache is how the Hub stores files.
 */
function isHubCacheBlob(realModelDir: string, realTarget: string): boolean {
  const parts = realModelDir.split(sep);
  const snapshots = parts.lastIndexOf("snapshots");
  if (snapshots < 1) return false;
  const repoCache = parts.slice(0, snapshots).join(sep);
  return dirname(realTarget) === `${repoCache}${sep}blobs`;
}

function checkExternal(report: CappedReporter, files: ExternalFiles, t: OnnxTensor): void {
  const label = tensorLabel(t);
  const base = { tensor: t.name, role: t.role, graph: t.graph };
  // Repeated keys: onnx (setattr) and ONNX Runtime both keep the last value; every location is judged.
  const values = new Map<string, { value: string; offset: number }>();
  const locations: { value: string; offset: number }[] = [];
  for (const e of t.externalData) {
    if (e.key === "location") locations.push({ value: e.value, offset: e.offset });
    if (!EXTERNAL_DATA_KEYS.has(e.key)) {
      report.add(
        "ONNX_EXTERNAL_DATA_INVALID",
        "medium",
        e.offset,
        `${label} has an external_data key '${e.key}' that ONNX does not define (older onnx versions set it as an attribute: CVE-2026-34445)`,
        { ...base, key: e.key },
      );
    } else if (values.has(e.key)) {
      report.add(
        "ONNX_EXTERNAL_DATA_INVALID",
        "medium",
        e.offset,
        `${label} has the external_data key '${e.key}' twice; loaders disagree on which one counts`,
        { ...base, key: e.key },
      );
    }
    values.set(e.key, { value: e.value, offset: e.offset });
  }
  if (t.dataLocation !== DATA_LOCATION_EXTERNAL) {
    report.add(
      "ONNX_EXTERNAL_DATA_INVALID",
      "medium",
      t.offset,
      `${label} has external_data entries but data_location is not EXTERNAL; onnx ignores them, other readers may not`,
      base,
    );
  }
  const numbers: Record<"offset" | "length", bigint | null> = { offset: null, length: null };
  for (const key of ["offset", "length"] as const) {
    const v = values.get(key);
    if (!v) continue;
    if (/^\d{1,19}$/.test(v.value)) numbers[key] = BigInt(v.value);
    else
      report.add(
        "ONNX_EXTERNAL_DATA_INVALID",
        "medium",
        v.offset,
        `${label} has external_data ${key} '${v.value.slice(0, 40)}', which is not a non-negative integer`,
        { ...base, key, value: v.value.slice(0, 200) },
      );
  }
  const loc = values.get("location");
  if (!loc) {
    report.add(
      "ONNX_EXTERNAL_DATA_INVALID",
      "medium",
      t.offset,
      `${label} is stored externally but names no location`,
      base,
    );
    return;
  }
  let verdict: bigint | null | false = false;
  for (const { value, offset } of locations) {
    verdict = files.verdicts.get(value) ?? judgeExternalFile(report, files, value, offset, label, base);
    files.verdicts.set(value, verdict);
  }
  if (verdict !== false) checkExternalLength(report, t, numbers.offset, numbers.length, verdict, loc.offset);
}

/**
 * Judges one external location, once per model (every tensor naming it shares the verdict): false when
 * its data cannot be checked further, else the file's size (null inside an archive, where there is none).
 */
function judgeExternalFile(
  report: CappedReporter,
  files: ExternalFiles,
  location: string,
  at: number,
  label: string,
  base: Finding["evidence"],
): bigint | null | false {
  const shown = JSON.stringify(location.slice(0, 200));
  const verdict = judgeLocation(location);
  if (verdict.escapes) {
    report.add(
      "ONNX_EXTERNAL_DATA_PATH",
      "critical",
      at,
      `${label} reads its data from ${shown}, ${verdict.escapes}: loading the model reads (or re-saving it writes) a file outside the model's directory`,
      { ...base, location: location.slice(0, 200), reason: verdict.escapes },
    );
    return false;
  }
  if (verdict.odd) {
    report.add(
      "ONNX_EXTERNAL_DATA_INVALID",
      "medium",
      at,
      `${label} has the external data location ${shown} with ${verdict.odd}`,
      { ...base, location: location.slice(0, 200), reason: verdict.odd },
    );
    if (location.includes("\u0000") || location === "") return false;
  }
  if (!files.onDisk) return null;
  const info = files.look(location);
  if (!info.stats || !info.realPath) {
    report.add(
      "ONNX_EXTERNAL_DATA_MISSING",
      "medium",
      at,
      `${label} reads its data from ${shown}, which does not exist beside the model`,
      { ...base, location: location.slice(0, 200) },
    );
    return false;
  }
  const realDir = files.realDir();
  if (!isInside(realDir, info.realPath) && !isHubCacheBlob(realDir, info.realPath)) {
    report.add(
      "ONNX_EXTERNAL_DATA_PATH",
      "critical",
      at,
      `${label} reads its data from ${shown}, which ${info.symlink ? "is a symbolic link" : "leads through a symbolic link"} to ${info.realPath}, outside the model's directory`,
      { ...base, location: location.slice(0, 200), resolvesTo: info.realPath, symlink: info.symlink },
    );
    return false;
  }
  if (!info.stats.isFile()) {
    report.add(
      "ONNX_EXTERNAL_DATA_INVALID",
      "medium",
      at,
      `${label} reads its data from ${shown}, which is not a regular file`,
      { ...base, location: location.slice(0, 200) },
    );
    return false;
  }
  if (info.realPath === files.modelRealPath()) {
    report.add(
      "ONNX_EXTERNAL_DATA_INVALID",
      "medium",
      at,
      `${label} reads its "external" data from the model file itself`,
      { ...base, location: location.slice(0, 200) },
    );
  } else if (info.stats.nlink > 1) {
    report.add(
      "ONNX_EXTERNAL_DATA_INVALID",
      "medium",
      at,
      `${label} reads its data from ${shown}, a file with ${info.stats.nlink} hard links (onnx >= 1.21 refuses it: a hard link can expose a file from elsewhere)`,
      { ...base, location: location.slice(0, 200), links: info.stats.nlink },
    );
  }
  files.reference(info.path, at);
  return BigInt(info.stats.size);
}

function checkExternalLength(
  report: CappedReporter,
  t: OnnxTensor,
  offset: bigint | null,
  length: bigint | null,
  fileSize: bigint | null,
  at: number,
): void {
  const label = tensorLabel(t);
  const base = {
    tensor: t.name,
    dims: t.dims.map(String),
    dataType: dataTypeName(t.dataType),
    offset: offset?.toString() ?? null,
    length: length?.toString() ?? null,
    fileSize: fileSize?.toString() ?? null,
    expectedBytes: t.expectedBytes?.toString() ?? null,
  };
  const start = offset ?? 0n;
  if (fileSize !== null && start + (length ?? 0n) > fileSize) {
    report.add(
      "ONNX_TENSOR_SIZE",
      "medium",
      at,
      `${label} reads bytes ${start}..${start + (length ?? 0n)} of a ${fileSize}-byte external file`,
      base,
    );
    return;
  }
  const stored = length ?? (fileSize !== null ? fileSize - start : null);
  if (stored !== null && t.expectedBytes !== null && stored !== t.expectedBytes) {
    report.add(
      "ONNX_TENSOR_SIZE",
      "medium",
      at,
      `${label} declares ${t.expectedBytes} bytes (${shape(t)}) but its external data holds ${stored}`,
      base,
    );
  }
}

// ---------------------------------------------------------------------------------------------------
// Facts

function recordFacts(ctx: ScanContext, model: OnnxModel, external: ExternalFiles): void {
  const byDtype: Record<string, number> = {};
  let tensors = 0;
  let parameters = 0;
  let dataBytes = 0;
  for (const t of model.tensors) {
    if (t.role !== "initializer" && t.role !== "sparse-values") continue;
    tensors++;
    const n = Number(t.elementCount ?? 0n);
    parameters += n;
    dataBytes += Number(t.expectedBytes ?? 0n);
    const name = dataTypeName(t.dataType);
    byDtype[name] = (byDtype[name] ?? 0) + n;
  }
  ctx.facts.tensors = { format: "onnx", tensors, parameters, byDtype, dataBytes };
  for (const [path, location] of external.referenced) {
    ctx.facts.references.push({ path, kind: "external-data", location });
  }
}

function tensorLabel(t: OnnxTensor): string {
  const role =
    t.role === "initializer" ? "initializer" : t.role === "attribute" ? "attribute tensor" : "sparse tensor";
  return `${role} '${t.name.slice(0, 120)}'`;
}

function shape(t: OnnxTensor): string {
  return `${dataTypeName(t.dataType)}[${t.dims.join(", ")}]`;
}
