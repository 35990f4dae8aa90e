import type { ProtobufKind } from "../../formats/protobuf-kind.js";
import type { ByteSource } from "../../formats/source.js";
import {
  readKerasMetadata,
  type TfAttrString,
  type TfNode,
  walkGraphDef,
  walkSavedModel,
} from "../../formats/tensorflow.js";
import { readTflite, TFLITE_CUSTOM } from "../../formats/tflite.js";
import { CappedReporter } from "../capped-reporter.js";
import { push, type ScanContext } from "../context.js";
import { formatLocation } from "../location.js";
import type { FormatName, Severity } from "../types.js";
import { checkKerasConfig } from "./keras-view.js";
import { TF_CORE_OPS } from "./tensorflow-ops.js";

/** Ops that call back into Python: the function they run is not in the file at all. */
const PYTHON_OPS = new Set(["PyFunc", "PyFuncStateless", "EagerPyFunc"]);

/**
 * What an op reaches outside the graph. Ops a SavedModel's own checkpoint saver uses (SaveV2, RestoreV2,
 * MergeV2Checkpoints, ShardedFilename) and vocabulary tables read from the model's assets
 * (InitializeTableFromTextFileV2) are deliberately absent: every ordinary export holds them.
 */
const FILE_AND_NETWORK_OPS: Record<string, string> = {
  ReadFile: "reads a file",
  WriteFile: "writes a file",
  MatchingFiles: "lists files matching a pattern",
  MatchingFilesDataset: "lists files matching a pattern",
  ExperimentalMatchingFilesDataset: "lists files matching a pattern",
  ImmutableConst: "maps a file into memory (memory_region_name)",
  WholeFileReader: "reads whole files",
  WholeFileReaderV2: "reads whole files",
  TextLineReader: "reads files",
  TextLineReaderV2: "reads files",
  TFRecordReader: "reads files",
  TFRecordReaderV2: "reads files",
  FixedLengthRecordReader: "reads files",
  FixedLengthRecordReaderV2: "reads files",
  LMDBReader: "reads an LMDB database",
  RecordInput: "reads files matching a pattern",
  TextLineDataset: "reads files",
  TFRecordDataset: "reads files",
  TFRecordDatasetV2: "reads files",
  FixedLengthRecordDataset: "reads files",
  FixedLengthRecordDatasetV2: "reads files",
  CSVDataset: "reads files",
  CSVDatasetV2: "reads files",
  ExperimentalCSVDataset: "reads files",
  LMDBDataset: "reads an LMDB database",
  ExperimentalLMDBDataset: "reads an LMDB database",
  SqlDataset: "queries a database",
  ExperimentalSqlDataset: "queries a database",
  LoadDataset: "reads a saved dataset from a path",
  SaveDataset: "writes a dataset to a path",
  SaveDatasetV2: "writes a dataset to a path",
  DatasetToTFRecord: "writes a file",
  ExperimentalDatasetToTFRecord: "writes a file",
  SnapshotDataset: "writes and reads snapshot files",
  SnapshotDatasetV2: "writes and reads snapshot files",
  SnapshotDatasetReader: "reads snapshot files",
  SnapshotChunkDataset: "reads snapshot files",
  DataServiceDataset: "fetches data from a network service",
  DataServiceDatasetV2: "fetches data from a network service",
  DataServiceDatasetV3: "fetches data from a network service",
  DataServiceDatasetV4: "fetches data from a network service",
  CreateSummaryFileWriter: "writes event files to a directory",
  CreateSummaryDbWriter: "writes to a database",
  LoadAndRemapMatrix: "reads a checkpoint file",
  GenerateVocabRemapping: "reads vocabulary files",
  RemoteCall: "runs a function on another device or job",
};

/** Ops whose attributes decide: the default settings stay inside the process. */
const DEBUG_URL_OPS = new Set([
  "DebugIdentity",
  "DebugIdentityV2",
  "DebugIdentityV3",
  "DebugNanCount",
  "DebugNumericSummary",
]);
const DEBUG_SPEC_OPS = new Set(["Copy", "CopyHost"]);
const DESCRIPTOR_OPS = new Set(["DecodeProtoV2", "EncodeProto"]);
/** PrintV2 `output_stream` values that stay in the process (tensorflow/core/kernels/logging_ops.cc). */
const PRINT_STREAMS = new Set(["stdout", "stderr", "log(info)", "log(warning)", "log(error)"]);

const ATTRS = new Set(["token", "output_stream", "debug_urls", "debug_ops_spec", "descriptor_source"]);

/**
 * Custom ops the stock interpreter registers itself (BuiltinOpResolver in
 * tensorflow/lite/core/kernels/register.cc: `AddCustom`): models from the standard converter use them
 * without any extra code.
 */
const TFLITE_DEFAULT_CUSTOM_OPS = new Set([
  "NumericVerify",
  "Mfcc",
  "AudioSpectrogram",
  "TFLite_Detection_PostProcess",
]);

export interface OpVerdict {
  ruleId: "TF_PYFUNC_OP" | "TF_DANGEROUS_OP";
  severity: Severity;
  /** What running the op does, for the message. */
  does: string;
}

const first = (v: TfAttrString[] | undefined) => v?.[0]?.value ?? "";

/** Whether an op reaches Python, files or the network; attributes decide for print and debug ops. */
export function judgeOp(op: string, attrs: ReadonlyMap<string, TfAttrString[]> | null): OpVerdict | null {
  if (PYTHON_OPS.has(op)) {
    const token = first(attrs?.get("token"));
    return {
      ruleId: "TF_PYFUNC_OP",
      severity: "critical",
      does: `calls Python${token ? ` (function registered as '${token}')` : ""}`,
    };
  }
  const does = FILE_AND_NETWORK_OPS[op];
  if (does) return { ruleId: "TF_DANGEROUS_OP", severity: "high", does };
  // Without attributes (a Flex op in TFLite) these cannot be judged: the defaults are harmless.
  if (!attrs) return null;
  if (op === "PrintV2") {
    const stream = first(attrs.get("output_stream"));
    if (stream && !PRINT_STREAMS.has(stream))
      return { ruleId: "TF_DANGEROUS_OP", severity: "high", does: `prints tensors to '${stream}'` };
  }
  if (DEBUG_URL_OPS.has(op)) {
    const urls = (attrs.get("debug_urls") ?? []).map((u) => u.value).filter((u) => u !== "");
    if (urls.length > 0)
      return {
        ruleId: "TF_DANGEROUS_OP",
        severity: "high",
        does: `sends tensors to ${urls.map((u) => `'${u}'`).join(", ")}`,
      };
  }
  if (DEBUG_SPEC_OPS.has(op)) {
    const specs = (attrs.get("debug_ops_spec") ?? []).map((u) => u.value).filter((u) => u !== "");
    if (specs.length > 0)
      return {
        ruleId: "TF_DANGEROUS_OP",
        severity: "high",
        does: `attaches debug ops ${specs.map((u) => `'${u}'`).join(", ")}`,
      };
  }
  if (DESCRIPTOR_OPS.has(op)) {
    const source = first(attrs.get("descriptor_source"));
    if (source && source !== "local://")
      return {
        ruleId: "TF_DANGEROUS_OP",
        severity: "high",
        does: `reads protobuf descriptors from '${source}'`,
      };
  }
  return null;
}

/** Distinct unknown op types tracked; real graphs have a handful, a hostile one could name millions. */
const MAX_UNKNOWN_OPS = 10_000;

const placeOf = (node: TfNode) => (node.where === "graph" ? "the main graph" : `function '${node.where}'`);

/**
 * SavedModel (`saved_model.pb`), frozen GraphDef, and the protobuf files beside a SavedModel: every node
 * of every graph and library function is judged by its op type; `keras_metadata.pb` layer configs go to
 * the Keras checks (a Lambda layer there is code Keras revives).
 */
export async function scanTfGraphView(
  ctx: ScanContext,
  src: ByteSource,
  member: string,
  kind: Exclude<ProtobufKind, "onnx">,
): Promise<FormatName> {
  // A fingerprint is hashes of the SavedModel's parts: metadata beside the model, nothing to run.
  if (kind === "tf-fingerprint") return "config";
  if (kind === "keras-metadata") {
    scanKerasMetadata(ctx, src, member);
    return "savedmodel";
  }
  const report = new CappedReporter(ctx, member, "TensorFlow: ");
  const functions = new Set<string>();
  const unknown = new Map<string, { node: TfNode; count: number }>();
  const tags = new Map<number, string[]>();
  let untracked = 0;
  const visitor = {
    attrNames: ATTRS,
    func: (name: string) => functions.add(name),
    metaGraph: (index: number, t: string[]) => tags.set(index, t),
    node: (node: TfNode) => {
      const verdict = judgeOp(node.op, node.attrs);
      if (verdict?.ruleId === "TF_PYFUNC_OP")
        ctx.facts.remoteCode.push({
          kind: "other",
          detail: `TensorFlow ${node.op} node '${node.name}' ${verdict.does}`,
          location: formatLocation(member, node.offset),
        });
      if (verdict) {
        report.add(
          verdict.ruleId,
          verdict.severity,
          node.offset,
          `node '${node.name}' in ${placeOf(node)} is a ${node.op} op that ${verdict.does}; running the model does this`,
          {
            op: node.op,
            node: node.name,
            function: node.where === "graph" ? null : node.where,
            metaGraphTags: tags.get(node.metaGraph) ?? [],
            attrs: Object.fromEntries([...node.attrs].map(([k, v]) => [k, v.map((s) => s.value)])),
          },
        );
        return;
      }
      if (TF_CORE_OPS.has(node.op)) return;
      const seen = unknown.get(node.op);
      if (seen) seen.count++;
      else if (unknown.size < MAX_UNKNOWN_OPS) unknown.set(node.op, { node, count: 1 });
      else untracked++;
    },
  };
  if (kind === "savedmodel") walkSavedModel(src, visitor);
  else walkGraphDef(src, visitor);
  // A node's op may name a library function (a call); those are only known once the library is read.
  for (const [op, { node, count }] of unknown) {
    if (functions.has(op)) continue;
    ctx.facts.remoteCode.push({
      kind: "other",
      detail: `TensorFlow custom op '${op}' needs a native library (tf.load_op_library)`,
      location: formatLocation(member, node.offset),
    });
    report.add(
      "TF_CUSTOM_OP",
      "medium",
      node.offset,
      `op '${op}' (${count} node${count > 1 ? "s" : ""}, first '${node.name}' in ${placeOf(node)}) is not a built-in TensorFlow op; loading the model needs a native library that provides it`,
      { op, count, node: node.name, function: node.where === "graph" ? null : node.where },
    );
  }
  // Past the per-rule cap too: this says what was not judged at all.
  if (untracked > 0)
    push(ctx, {
      ruleId: "TF_CUSTOM_OP",
      severity: "medium",
      location: formatLocation(member, 0),
      message: `TensorFlow: ${untracked} more nodes use op types beyond the first ${MAX_UNKNOWN_OPS} unknown ones; they were not judged`,
      evidence: { untracked, limit: MAX_UNKNOWN_OPS },
    });
  report.flush();
  return kind === "savedmodel" ? "savedmodel" : "tf-graph";
}

/** Keras 2 revives every layer from its node's metadata JSON, so each node's config is checked. */
function scanKerasMetadata(ctx: ScanContext, src: ByteSource, member: string): void {
  const seen = new Set<string>();
  for (const node of readKerasMetadata(src)) {
    if (node.metadata === undefined) continue;
    const before = ctx.findings.length;
    checkKerasConfig(ctx, node.metadata, member, {
      offset: node.offset,
      evidence: { kerasNode: node.nodePath, identifier: node.identifier },
    });
    // The model node's config repeats its layers' configs: a finding is kept once, at the first node.
    const added = ctx.findings.splice(before);
    for (const f of added) {
      const key = JSON.stringify([f.ruleId, f.severity, f.message]);
      if (seen.has(key)) continue;
      seen.add(key);
      ctx.findings.push(f);
    }
  }
}

/** TFLite flatbuffer: custom operator codes; Flex ops are judged as the TensorFlow ops they name. */
export async function scanTfliteView(ctx: ScanContext, src: ByteSource, member: string): Promise<FormatName> {
  const model = readTflite(src);
  const report = new CappedReporter(ctx, member, "TFLite: ");
  const uses = new Map<number, number>();
  for (const op of model.operators) uses.set(op.opcodeIndex, (uses.get(op.opcodeIndex) ?? 0) + 1);
  for (const code of model.operatorCodes) {
    if (code.builtinCode !== TFLITE_CUSTOM) continue;
    const custom = code.customCode ?? "";
    const count = uses.get(code.index) ?? 0;
    const evidence = { customCode: custom, operators: count, opcodeIndex: code.index };
    if (custom.startsWith("Flex")) {
      const tfOp = custom.slice(4);
      const verdict = judgeOp(tfOp, null);
      if (verdict) {
        report.add(
          "TFLITE_FLEX_DANGEROUS_OP",
          verdict.severity,
          code.offset,
          `custom op '${custom}' runs TensorFlow's ${tfOp} op through the Flex delegate, which ${verdict.does}`,
          { ...evidence, tfOp },
        );
        continue;
      }
      if (TF_CORE_OPS.has(tfOp)) continue;
    } else if (TFLITE_DEFAULT_CUSTOM_OPS.has(custom)) continue;
    report.add(
      "TFLITE_CUSTOM_OP",
      "medium",
      code.offset,
      `custom op '${custom}' (${count} operator${count === 1 ? "" : "s"}) is not one the TFLite interpreter registers by default; the application must register a kernel (native code) for it`,
      evidence,
    );
  }
  report.flush();
  return "tflite";
}
