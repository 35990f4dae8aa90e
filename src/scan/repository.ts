import type { FileFacts, RemoteCodeFact } from "./facts.js";
import { formatLocation } from "./location.js";
import type { FileReport, Finding, FormatName } from "./types.js";
import { crossCheckShards } from "./views/safetensors-index.js";

/** Formats whose loaders unpickle: loading them can run code. */
const PICKLE_FORMATS: ReadonlySet<FormatName> = new Set([
  "pickle",
  "pytorch-zip",
  "pytorch-legacy",
  "torchscript",
  "joblib",
]);
/** Weight formats no loader executes (tensors and a declarative graph or header only). */
const SAFE_WEIGHT_FORMATS: ReadonlySet<FormatName> = new Set([
  "safetensors",
  "gguf",
  "onnx",
  "tflite",
  "numpy",
  "numpy-npz",
]);
/** Weight formats that may carry code in their config or graph (Keras Lambda layers, TF ops). */
const CODE_BEARING_WEIGHT_FORMATS: ReadonlySet<FormatName> = new Set([
  "keras",
  "keras-h5",
  "savedmodel",
  "tf-graph",
]);

/**
 * Where the parameter count comes from, best first. Within safetensors, ONNX and the rest every file is
 * part of the model (shards, diffusers components) and counts add up; GGUF files in one repository are
 * alternative quantizations of one model, so the largest is taken.
 */
const PARAMETER_SOURCES: FormatName[] = ["safetensors", "gguf", "onnx", "tflite", "keras", "keras-h5"];

export type FileRole = "weights" | "config" | "tokenizer" | "code" | "docs" | "license" | "archive" | "other";

export interface InventoryEntry {
  path: string;
  size: number;
  sha256: string | null;
  format: FormatName;
  role: FileRole;
  /** Parameters the file's own header declares, when it does. */
  parameters: number | null;
}

/** The `repository` section of a scan report for a model folder (DESIGN.md, scan report). */
export interface RepositoryView {
  /** Files per format. */
  formats: Partial<Record<FormatName, number>>;
  weights: {
    /** Weight formats present, each with its files. */
    formats: Partial<Record<FormatName, string[]>>;
    /** Weight files whose loader unpickles (can run code). */
    pickle: string[];
    /** A format no loader executes is present beside pickle weights: use it instead. */
    safeAlternative: boolean;
  };
  parameters: {
    total: number;
    byDtype: Record<string, number>;
    /** The format the count was read from. */
    source: FormatName;
  } | null;
  /** Code that loading this repository may run, beyond the weights. */
  remoteCode: (RemoteCodeFact & { file: string })[];
  inventory: InventoryEntry[];
}

/**
 * The repository view and the findings that need more than one file (shards against their index,
 * configs naming code that is not there). Built after every file is scanned.
 */
export function buildRepositoryView(
  files: FileReport[],
  facts: FileFacts[],
): { view: RepositoryView; findings: Finding[]; tensorData: Set<string> } {
  // Raw tensor bytes another file declares as its data (ONNX external data, a SavedModel's variables):
  // no reader recognizes them, and none needs to: they are data a model reads as tensors.
  const tensorData = new Set(
    facts.flatMap((f) => f.references.filter((r) => r.kind === "external-data").map((r) => r.path)),
  );
  // A SavedModel's checkpoint (variables/variables.index and its data shards) sits beside saved_model.pb.
  const savedModelDirs = files.filter((f) => f.format === "savedmodel").map((f) => dirOf(f.path));
  for (const f of files)
    if (
      f.format === "unknown" &&
      savedModelDirs.some((d) => f.path.startsWith(d) && CHECKPOINT_FILE.test(f.path.slice(d.length)))
    )
      tensorData.add(f.path);
  const roleOf = (f: FileReport): FileRole =>
    f.format === "unknown" && tensorData.has(f.path) ? "weights" : roleByFormat(f);
  const formats: Partial<Record<FormatName, number>> = {};
  const weightFormats: Partial<Record<FormatName, string[]>> = {};
  const inventory: InventoryEntry[] = [];
  const remoteCode: RepositoryView["remoteCode"] = [];
  files.forEach((f, i) => {
    const fileFacts = facts[i]!;
    formats[f.format] = (formats[f.format] ?? 0) + 1;
    const role = roleOf(f);
    if (role === "weights" && f.format !== "unknown")
      weightFormats[f.format] = [...(weightFormats[f.format] ?? []), f.path];
    inventory.push({
      path: f.path,
      size: f.size,
      sha256: f.sha256,
      format: f.format,
      role,
      parameters: fileFacts.tensors?.parameters ?? null,
    });
    for (const rc of fileFacts.remoteCode) remoteCode.push({ file: f.path, ...rc });
  });
  const pickle = files
    .filter((f) => PICKLE_FORMATS.has(f.format) && roleOf(f) === "weights")
    .map((f) => f.path);
  const safeAlternative =
    pickle.length > 0 && files.some((f) => SAFE_WEIGHT_FORMATS.has(f.format) && roleOf(f) === "weights");
  const entries = files.map((f, i) => ({ path: f.path, facts: facts[i]! }));
  return {
    view: {
      formats,
      weights: { formats: weightFormats, pickle, safeAlternative },
      parameters: countParameters(facts),
      remoteCode,
      inventory,
    },
    findings: [...crossCheckShards(entries), ...missingReferences(entries)],
    tensorData,
  };
}

function countParameters(facts: FileFacts[]): RepositoryView["parameters"] {
  for (const source of PARAMETER_SOURCES) {
    const declared = facts.map((f) => f.tensors).filter((t) => t?.format === source && t.tensors > 0);
    if (declared.length === 0) continue;
    const chosen =
      source === "gguf" ? [declared.reduce((a, b) => (b!.parameters > a!.parameters ? b : a))] : declared;
    const byDtype: Record<string, number> = {};
    let total = 0;
    for (const t of chosen) {
      total += t!.parameters;
      for (const [dtype, n] of Object.entries(t!.byDtype)) byDtype[dtype] = (byDtype[dtype] ?? 0) + n;
    }
    return { total, byDtype, source };
  }
  // Only formats whose headers state no tensors (pickles): no count without unpickling.
  return null;
}

/** A config that names code (`auto_map` -> modeling_x.py) that is not in the folder: it comes from elsewhere. */
function missingReferences(entries: { path: string; facts: FileFacts }[]): Finding[] {
  const present = new Set(entries.map((e) => e.path));
  const out: Finding[] = [];
  for (const e of entries) {
    const seen = new Set<string>();
    for (const ref of e.facts.references) {
      if (ref.kind !== "remote-code" || present.has(ref.path) || seen.has(ref.path)) continue;
      seen.add(ref.path);
      out.push({
        ruleId: "REPO_REFERENCE_MISSING",
        severity: "medium",
        file: e.path,
        location: ref.location || formatLocation("", 0),
        message: `names ${ref.path}, which is not in the scanned folder: a loader would fetch or import code that was not scanned`,
        evidence: { reference: ref.path, kind: ref.kind },
      });
    }
  }
  return out;
}

const CHECKPOINT_FILE = /^variables\/variables\.(index|data-\d{5}-of-\d{5})$/;

const dirOf = (path: string) => (path.includes("/") ? path.slice(0, path.lastIndexOf("/") + 1) : "");

const TOKENIZER_FILE =
  /(^|\/)(tokenizer(_config)?\.json|special_tokens_map\.json|vocab\.(json|txt)|merges\.txt|added_tokens\.json|spiece\.model|tokenizer\.model|sentencepiece\.bpe\.model|chat_template\.(jinja|json))$/i;
const LICENSE_FILE = /(^|\/)(LICEN[CS]E|COPYING|NOTICE|USE_POLICY)(\.[a-z]+)?$/i;
const DOC_FILE = /\.(md|txt|rst|html?|pdf|png|jpe?g|gif|svg|webp)$/i;

function roleByFormat(f: FileReport): FileRole {
  switch (f.format) {
    case "python":
      return "code";
    case "archive":
      return "archive";
    case "config":
      return TOKENIZER_FILE.test(f.path) ? "tokenizer" : "config";
    case "unknown":
      if (LICENSE_FILE.test(f.path)) return "license";
      if (TOKENIZER_FILE.test(f.path)) return "tokenizer";
      return DOC_FILE.test(f.path) ? "docs" : "other";
    case "hdf5":
      // A Keras weights file beside its config, or data: weights either way.
      return "weights";
    default:
      if (PICKLE_FORMATS.has(f.format) || SAFE_WEIGHT_FORMATS.has(f.format)) return "weights";
      if (CODE_BEARING_WEIGHT_FORMATS.has(f.format)) return "weights";
      return "other";
  }
}
