import { type Hdf5Value, readHdf5RootAttributes } from "../../formats/hdf5.js";
import { summarizeMarshalCode } from "../../formats/marshal.js";
import { type ByteSource, bufferSource } from "../../formats/source.js";
import { push, type ScanContext } from "../context.js";
import { classifyGlobal } from "../globals/index.js";
import { formatLocation } from "../location.js";
import { scanSource } from "../scan-source.js";
import type { FormatName, Severity } from "../types.js";
import { parsePythonJson } from "./config/json-lenient.js";

/**
 * Module roots Keras itself and its official libraries serialize their own objects under. A config naming
 * anything else makes `keras.saving.load_model` import that module (CVE-2025-1550 before Keras 3.9).
 */
const KERAS_NAMESPACES = [
  "keras",
  "keras_core",
  "tf_keras",
  "keras_hub",
  "keras_nlp",
  "keras_cv",
  "keras_rs",
  "tensorflow.keras",
  "tensorflow.python.keras",
];

/** Keras' own functions that turn loading a config into a download, a file write or an unsafe load. */
const KERAS_GADGETS: Record<string, { why: string; advisory: string }> = {
  get_file: { why: "downloads a file to any path", advisory: "CVE-2025-8747" },
  enable_unsafe_deserialization: {
    why: "turns safe_mode off, so Lambda bytecode loads",
    advisory: "CVE-2025-9906",
  },
  set_global_attribute: {
    why: "changes Keras' global state, e.g. turns safe_mode off",
    advisory: "CVE-2025-9906",
  },
  load_model: { why: "loads another model, with any safe_mode the config passes", advisory: "CVE-2025-9906" },
  load_weights: { why: "reads another file named by the config", advisory: "CVE-2025-9906" },
  model_from_json: { why: "deserializes another model config", advisory: "CVE-2025-9906" },
  model_from_config: { why: "deserializes another model config", advisory: "CVE-2025-9906" },
  func_load: { why: "unmarshals Python bytecode", advisory: "CVE-2024-3660" },
};
/** Submodules whose every function is a loader. */
const KERAS_LOADER_MODULES = /(^|\.)(saving|legacy\.saving)(\.|$)/;

/** Preprocessing layers whose `vocabulary` may be a file path or URL. */
const LOOKUP_LAYERS = new Set(["StringLookup", "IntegerLookup", "IndexLookup", "TextVectorization"]);

/** Bounds on the walk of one config: real model configs stay far below them. */
const MAX_CONFIG_DEPTH = 256;
const MAX_CONFIG_NODES = 2_000_000;
/** Base64 text of one Lambda's bytecode or one pickled torch module. */
const MAX_PAYLOAD_CHARS = 64 * 1024 * 1024;

export interface KerasCheckOptions {
  /** Byte offset of the config in the member (an HDF5 attribute message), for locations. */
  offset?: number;
  /** Added to every finding's evidence (keras_version, backend, where the config came from). */
  evidence?: Record<string, unknown>;
}

/** HDF5: a legacy Keras `.h5` (its root `model_config` attribute) or another HDF5 file (weights). */
export async function scanHdf5View(
  ctx: ScanContext,
  src: ByteSource,
  member: string,
  depth: number,
): Promise<FormatName> {
  const info = readHdf5RootAttributes(src);
  const attrs = new Map(info.attributes.map((a) => [a.name, a]));
  const text = (name: string): string | undefined => {
    const v = attrs.get(name)?.value;
    return v?.type === "string" && v.values.length === 1 ? v.values[0] : undefined;
  };
  const modelConfig = attrs.get("model_config");
  if (!modelConfig) return "hdf5";
  const evidence: Record<string, unknown> = { attribute: "model_config" };
  const kerasVersion = text("keras_version");
  const backend = text("backend");
  if (kerasVersion !== undefined) evidence.kerasVersion = kerasVersion;
  if (backend !== undefined) evidence.backend = backend;
  for (const name of ["model_config", "training_config"]) {
    const attr = attrs.get(name);
    if (!attr) continue;
    const json = parseJsonAttribute(ctx, attr.value, name, formatLocation(member, attr.offset));
    if (json === undefined) continue;
    await scanKerasConfig(ctx, json, member, depth, {
      offset: attr.offset,
      evidence: { ...evidence, attribute: name },
    });
  }
  return "keras-h5";
}

function parseJsonAttribute(ctx: ScanContext, value: Hdf5Value, name: string, location: string): unknown {
  if (value.type === "string" && value.values.length === 1) {
    // json.dumps writes NaN and Infinity bare; Keras reads them back.
    const parsed = parsePythonJson(value.values[0]!);
    if (parsed.ok) return parsed.value;
    push(ctx, {
      ruleId: "KERAS_CONFIG_MALFORMED",
      severity: "medium",
      location,
      message: `the root attribute ${name} is not valid JSON (${parsed.error}); the model config was not verified`,
      evidence: { attribute: name },
    });
    return undefined;
  }
  push(ctx, {
    ruleId: "KERAS_CONFIG_MALFORMED",
    severity: "medium",
    location,
    message: `the root attribute ${name} is not a single string; the model config was not verified`,
    evidence: { attribute: name, type: value.type },
  });
  return undefined;
}

/** Whether parsed JSON is a Keras model config (`config.json` of a `.keras`, `model_config` of a `.h5`). */
export function isKerasConfig(json: unknown): boolean {
  if (!isObject(json) || typeof json.class_name !== "string" || !("config" in json)) return false;
  const config = json.config;
  if (!isObject(config) && config !== null) return false;
  // Keras 3 writes module and registered_name; Keras 2 and tf.keras write class_name and config only.
  return (
    typeof json.module === "string" ||
    "registered_name" in json ||
    "build_config" in json ||
    "compile_config" in json ||
    isObject(config)
  );
}

/**
 * Walks a Keras config (the whole tree: nested models, wrappers) for code it would load. A pickled
 * torch module (TorchModuleWrapper) is reported here; `scanKerasConfig` also scans its bytes.
 */
export function checkKerasConfig(
  ctx: ScanContext,
  config: unknown,
  member: string,
  options: KerasCheckOptions = {},
): void {
  walkKerasConfig(ctx, config, member, options);
}

/** `checkKerasConfig`, then every embedded payload (a TorchModuleWrapper's pickled module) as a view. */
export async function scanKerasConfig(
  ctx: ScanContext,
  config: unknown,
  member: string,
  depth: number,
  options: KerasCheckOptions = {},
): Promise<void> {
  const payloads = walkKerasConfig(ctx, config, member, options);
  for (const p of payloads) {
    await scanSource(ctx, bufferSource(p.bytes), `${member}#${p.path}`, depth + 1);
  }
}

interface Payload {
  path: string;
  bytes: Uint8Array;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function walkKerasConfig(
  ctx: ScanContext,
  root: unknown,
  member: string,
  options: KerasCheckOptions,
): Payload[] {
  const location = formatLocation(member, options.offset ?? 0);
  const payloads: Payload[] = [];
  let nodes = 0;
  let bounded = false;
  const report = (
    ruleId: string,
    severity: Severity,
    message: string,
    path: string,
    evidence: Record<string, unknown>,
  ): void => {
    push(ctx, {
      ruleId,
      severity,
      location,
      message,
      evidence: { ...options.evidence, path: path || "$", ...evidence },
    });
  };

  const visit = (node: unknown, path: string, depth: number, layer: string | undefined): void => {
    if (bounded) return;
    if (++nodes > MAX_CONFIG_NODES || depth > MAX_CONFIG_DEPTH) {
      bounded = true;
      const bound = depth > MAX_CONFIG_DEPTH ? "depth" : "nodes";
      report(
        "KERAS_CONFIG_UNVERIFIABLE",
        "medium",
        `the Keras config is nested deeper than ${MAX_CONFIG_DEPTH} levels or has more than ${MAX_CONFIG_NODES} values; the rest was not verified`,
        path,
        { bound, limit: bound === "depth" ? MAX_CONFIG_DEPTH : MAX_CONFIG_NODES },
      );
      return;
    }
    if (Array.isArray(node)) {
      for (const [i, v] of node.entries()) visit(v, `${path}[${i}]`, depth + 1, layer);
      return;
    }
    if (!isObject(node)) return;
    const here =
      typeof node.name === "string"
        ? node.name
        : isObject(node.config) && typeof node.config.name === "string"
          ? node.config.name
          : layer;
    inspect(node, path, here);
    for (const [key, value] of Object.entries(node)) visit(value, join(path, key), depth + 1, here);
  };

  const inspect = (node: Json, path: string, layer: string | undefined): void => {
    const className = typeof node.class_name === "string" ? node.class_name : undefined;
    const module = typeof node.module === "string" ? node.module : undefined;
    const config = node.config;
    const named = layer === undefined ? "" : ` '${layer}'`;

    // Keras 3: {"class_name": "__lambda__", "config": {"code": base64 marshal, ...}}.
    if (className === "__lambda__" && isObject(config)) {
      reportBytecode(config.code, path, layer, "Keras 3 __lambda__");
    }
    // Keras 2 / tf.keras Lambda config: "function" is [base64 marshal, defaults, closure].
    if (node.function_type === "lambda")
      reportBytecode(node.function, join(path, "function"), layer, "Keras 2 Lambda");
    if (node.output_shape_type === "lambda")
      reportBytecode(node.output_shape, join(path, "output_shape"), layer, "Keras 2 Lambda output_shape");

    // Keras 2 resolves a named Lambda function in its module when that module is imported (os always is).
    if (
      node.function_type === "function" &&
      typeof node.module === "string" &&
      typeof node.function === "string"
    )
      checkReference(node.module, node.function, true, join(path, "function"), layer);
    if (className === "Lambda" && isObject(config) && !holdsBytecode(config)) {
      const fn = describeFunction(
        config.function,
        typeof config.module === "string" ? config.module : undefined,
      );
      report(
        "KERAS_LAMBDA",
        "high",
        `Lambda layer${named} calls ${fn ?? "a function"} when the model runs; Keras resolves it by name at load time`,
        path,
        { layer, function: fn },
      );
    }
    if (className === "TFSMLayer") {
      const file = isObject(config) && typeof config.filepath === "string" ? config.filepath : undefined;
      report(
        "KERAS_TFSM_LAYER",
        "high",
        `TFSMLayer${named} loads and runs the TensorFlow SavedModel at ${file === undefined ? "a path in its config" : `'${file}'`}, which this file does not contain`,
        path,
        { layer, filepath: file },
      );
    }
    // CVE-2025-12058: a vocabulary given as a path is read (tf.io.gfile: local files, remote URLs) on load.
    if (LOOKUP_LAYERS.has(className ?? "") && isObject(config) && typeof config.vocabulary === "string") {
      report(
        "KERAS_EXTERNAL_FILE",
        "high",
        `${className}${named} reads its vocabulary from '${config.vocabulary}' when the model is loaded, outside this file`,
        path,
        { layer, vocabulary: config.vocabulary, advisory: "CVE-2025-12058" },
      );
    }
    if (className === "TorchModuleWrapper") {
      const payload = isObject(config) ? decodeModulePayload(config.module) : undefined;
      report(
        "KERAS_TORCH_MODULE",
        "high",
        `TorchModuleWrapper${named} holds a pickled torch module that torch.load unpickles when the model is loaded${payload ? " (its pickle was scanned)" : ""}`,
        path,
        { layer, payloadBytes: payload?.length ?? null },
      );
      if (payload) payloads.push({ path: join(path, "config.module"), bytes: payload });
    }

    if (module !== undefined && className !== undefined) {
      // Keras 3 serializes a function as {"module", "class_name": "function", "config": its name}.
      const isFunction = className === "function" && typeof config === "string";
      const name = isFunction ? (config as string) : className;
      checkReference(module, name, isFunction, path, layer);
    }
  };

  const checkReference = (
    module: string,
    name: string,
    isFunction: boolean,
    path: string,
    layer: string | undefined,
  ): void => {
    const dotted = `${module}.${name}`;
    if (inKerasNamespace(module)) {
      if (!isFunction) return;
      const gadget = KERAS_GADGETS[name];
      if (gadget === undefined && !KERAS_LOADER_MODULES.test(module)) return;
      report(
        "KERAS_DANGEROUS_FUNCTION",
        "critical",
        `the config calls ${dotted}, which ${gadget?.why ?? "loads other files or configs"}: a known way around safe_mode`,
        path,
        { layer, function: dotted, advisory: gadget?.advisory ?? "CVE-2025-9906" },
      );
      return;
    }
    // __main__ and friends: classifyGlobal knows what is dangerous anywhere else.
    const verdict = classifyGlobal(module, name, ctx.allow);
    if (verdict.verdict === "allowed") return;
    if (verdict.verdict === "dangerous") {
      report(
        "KERAS_DANGEROUS_FUNCTION",
        "critical",
        `the config makes Keras import and call ${dotted} (${verdict.capability ?? "dangerous"}) when the model is loaded`,
        path,
        {
          layer,
          function: dotted,
          capability: verdict.capability,
          advisory: verdict.advisory ?? "CVE-2025-1550",
        },
      );
      return;
    }
    report(
      "KERAS_UNSAFE_MODULE",
      "high",
      `the config names ${dotted}, outside Keras' own modules: loading the model imports ${module}`,
      path,
      { layer, module, name },
    );
    ctx.facts.remoteCode.push({
      kind: "custom-module",
      detail: `${dotted} (Keras config)`,
      location,
    });
  };

  const reportBytecode = (value: unknown, path: string, layer: string | undefined, form: string): void => {
    const code = Array.isArray(value) ? value[0] : value;
    if (typeof code !== "string") return;
    const bytes = decodeBase64(code);
    const summary = bytes ? summarizeMarshalCode(bytes) : undefined;
    const names = summary?.names ?? [];
    const strings = summary?.strings ?? [];
    const shown = [
      names.length > 0 ? `names: ${names.slice(0, 12).join(", ")}` : "",
      strings.length > 0 ? `strings: ${strings.slice(0, 6).map(pyRepr).join(", ")}` : "",
    ]
      .filter((s) => s)
      .join("; ");
    report(
      "KERAS_LAMBDA_BYTECODE",
      "critical",
      `Lambda layer${layer === undefined ? "" : ` '${layer}'`} holds marshalled Python bytecode that runs when the model is loaded or called${shown ? ` (${shown})` : ""}`,
      path,
      {
        layer,
        form,
        names,
        strings,
        functions: summary?.functions ?? [],
        pythonLayout: summary?.layout ?? null,
        bytecodeBytes: bytes?.length ?? null,
        advisory: "CVE-2024-3660, CVE-2025-9905",
      },
    );
  };

  visit(root, "", 0, undefined);
  return payloads;
}

const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);

function inKerasNamespace(module: string): boolean {
  return KERAS_NAMESPACES.some((ns) => module === ns || module.startsWith(`${ns}.`));
}

function holdsBytecode(config: Json): boolean {
  if (config.function_type === "lambda" || config.output_shape_type === "lambda") return true;
  return [config.function, config.output_shape, config.mask].some(
    (v) => isObject(v) && v.class_name === "__lambda__",
  );
}

/** `module.name` of a Lambda's function, as far as the config says. */
function describeFunction(fn: unknown, module: string | undefined): string | undefined {
  if (typeof fn === "string") return module ? `${module}.${fn}` : fn;
  if (isObject(fn) && typeof fn.config === "string")
    return typeof fn.module === "string" ? `${fn.module}.${fn.config}` : fn.config;
  if (isObject(fn) && typeof fn.class_name === "string") return fn.class_name;
  return undefined;
}

/** A TorchModuleWrapper's `module`: base64 text, or Keras 3's `__bytes__` object holding latin-1 text. */
function decodeModulePayload(value: unknown): Uint8Array | undefined {
  if (typeof value === "string") return decodeBase64(value);
  if (isObject(value) && value.class_name === "__bytes__" && isObject(value.config)) {
    const text = value.config.value;
    if (typeof text === "string" && text.length <= MAX_PAYLOAD_CHARS) return Buffer.from(text, "latin1");
  }
  return undefined;
}

function decodeBase64(text: string): Uint8Array | undefined {
  if (text.length > MAX_PAYLOAD_CHARS || !/^[A-Za-z0-9+/=\s_-]*$/.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64");
  return bytes.length > 0 ? bytes : undefined;
}

function pyRepr(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n")}'`;
}
