/**
 * safetensors writers for tests: byte-exact output of the Rust library (`safetensors.torch.save_file`
 * calls it) and a sharded set as transformers' `save_pretrained` writes it, plus hooks to break them.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SAFETENSORS_DTYPE_BITS } from "../../src/formats/safetensors.js";

export interface StTensor {
  name: string;
  dtype: string;
  shape: number[];
  /** The tensor's bytes; zeros of the right length when absent. */
  data?: Uint8Array;
}

/** One header entry as it will be serialized; tests may edit these (offsets, fields) before writing. */
export interface StEntry {
  name: string;
  info: Record<string, unknown>;
}

export interface StOptions {
  /** `__metadata__`; transformers passes {"format": "pt"} (the default); null leaves it out. */
  metadata?: Record<string, unknown> | null;
  /** Edit the laid-out entries (offsets, dtypes, extra fields) before serialization. */
  editEntries?: (entries: StEntry[]) => StEntry[] | undefined;
  /** Edit the serialized header text (before padding). */
  editHeader?: (json: string) => string;
  /** Raw header bytes instead of the serialized JSON (before padding). */
  headerBytes?: Uint8Array;
  /** Pad the header with spaces to a multiple of 8, as the Rust writer does (default true). */
  pad?: boolean;
  /** The u64 header length to declare instead of the real one. */
  declaredLength?: bigint;
  /** Bytes after the last tensor. */
  append?: Uint8Array;
}

const DTYPE_RANK = new Map([...SAFETENSORS_DTYPE_BITS.keys()].map((d, i) => [d, i]));

export function byteLength(t: Pick<StTensor, "dtype" | "shape">): number {
  const bits = SAFETENSORS_DTYPE_BITS.get(t.dtype) ?? 8;
  return (t.shape.reduce((a, b) => a * b, 1) * bits) / 8;
}

/**
 * The Rust writer's layout (`prepare` in safetensors/src/tensor.rs): tensors sorted by dtype alignment,
 * largest first, then by name; contiguous offsets from 0.
 */
export function layoutSafetensors(tensors: StTensor[]): { entries: StEntry[]; data: Uint8Array } {
  const sorted = [...tensors].sort(
    (a, b) =>
      (DTYPE_RANK.get(b.dtype) ?? -1) - (DTYPE_RANK.get(a.dtype) ?? -1) ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  const total = sorted.reduce((n, t) => n + (t.data?.length ?? byteLength(t)), 0);
  const data = new Uint8Array(total);
  let offset = 0;
  const entries = sorted.map((t) => {
    const length = t.data?.length ?? byteLength(t);
    if (t.data) data.set(t.data, offset);
    const entry = {
      name: t.name,
      info: { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + length] },
    };
    offset += length;
    return entry;
  });
  return { entries, data };
}

/** serde_json's compact output: same escapes as JSON.stringify for these values, no spaces. */
export function headerJson(entries: StEntry[], metadata: Record<string, unknown> | null): string {
  const parts: string[] = [];
  if (metadata) parts.push(`"__metadata__":${JSON.stringify(metadata)}`);
  for (const e of entries) parts.push(`${JSON.stringify(e.name)}:${JSON.stringify(e.info)}`);
  return `{${parts.join(",")}}`;
}

/** A whole file from a header and a data region. */
export function assembleSafetensors(
  header: Uint8Array,
  data: Uint8Array,
  options: Pick<StOptions, "pad" | "declaredLength" | "append"> = {},
): Uint8Array {
  const padding = options.pad === false ? 0 : (8 - (header.length % 8)) % 8;
  const headerLength = header.length + padding;
  const append = options.append ?? new Uint8Array(0);
  const out = new Uint8Array(8 + headerLength + data.length + append.length);
  new DataView(out.buffer).setBigUint64(0, options.declaredLength ?? BigInt(headerLength), true);
  out.set(header, 8);
  out.fill(0x20, 8 + header.length, 8 + headerLength);
  out.set(data, 8 + headerLength);
  out.set(append, 8 + headerLength + data.length);
  return out;
}

export function buildSafetensors(tensors: StTensor[], options: StOptions = {}): Uint8Array {
  const { entries, data } = layoutSafetensors(tensors);
  const edited = options.editEntries?.(entries) ?? entries;
  const metadata = options.metadata === undefined ? { format: "pt" } : options.metadata;
  let json = headerJson(edited, metadata);
  if (options.editHeader) json = options.editHeader(json);
  const header = options.headerBytes ?? new TextEncoder().encode(json);
  return assembleSafetensors(header, data, options);
}

/** Python's `json.dumps(obj, indent=2, sort_keys=True)`: sorted keys, non-ASCII escaped. */
export function pythonJsonDumps(value: unknown, indent = ""): string {
  if (value === null || typeof value !== "object") {
    return JSON.stringify(value).replace(
      /[\u0080-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => inner + pythonJsonDumps(v, inner)).join(",\n")}\n${indent}]`;
  }
  const keys = Object.keys(value).sort();
  if (keys.length === 0) return "{}";
  const record = value as Record<string, unknown>;
  return `{\n${keys.map((k) => `${inner}${pythonJsonDumps(k)}: ${pythonJsonDumps(record[k], inner)}`).join(",\n")}\n${indent}}`;
}

export interface ShardedSet {
  indexPath: string;
  shardPaths: string[];
  index: { metadata: { total_size: number }; weight_map: Record<string, string> };
}

/**
 * A sharded checkpoint as `save_pretrained` writes it: `model-0000i-of-0000n.safetensors` shards with
 * {"format": "pt"} metadata and `model.safetensors.index.json` = json.dumps({"metadata": {"total_size":
 * sum of tensor bytes}, "weight_map": {...}}, indent=2, sort_keys=True) + "\n".
 */
export function writeShardedSafetensors(
  dir: string,
  shards: StTensor[][],
  options: { editIndex?: (index: ShardedSet["index"]) => unknown } = {},
): ShardedSet {
  mkdirSync(dir, { recursive: true });
  const n = shards.length;
  const weightMap: Record<string, string> = {};
  let totalSize = 0;
  const shardPaths = shards.map((tensors, i) => {
    const name = `model-${String(i + 1).padStart(5, "0")}-of-${String(n).padStart(5, "0")}.safetensors`;
    for (const t of tensors) {
      weightMap[t.name] = name;
      totalSize += t.data?.length ?? byteLength(t);
    }
    const path = join(dir, name);
    writeFileSync(path, buildSafetensors(tensors));
    return path;
  });
  const index = { metadata: { total_size: totalSize }, weight_map: weightMap };
  const indexPath = join(dir, "model.safetensors.index.json");
  writeFileSync(indexPath, `${pythonJsonDumps(options.editIndex?.(index) ?? index)}\n`);
  return { indexPath, shardPaths, index };
}

/** A small llama-style decoder's tensors, F32 or BF16, for realistic headers. */
export function llamaTensors(
  options: { layers?: number; hidden?: number; vocab?: number; dtype?: string } = {},
): StTensor[] {
  const { layers = 2, hidden = 8, vocab = 16, dtype = "BF16" } = options;
  const ffn = hidden * 2;
  const out: StTensor[] = [{ name: "model.embed_tokens.weight", dtype, shape: [vocab, hidden] }];
  for (let l = 0; l < layers; l++) {
    const p = `model.layers.${l}`;
    out.push(
      { name: `${p}.input_layernorm.weight`, dtype, shape: [hidden] },
      { name: `${p}.mlp.down_proj.weight`, dtype, shape: [hidden, ffn] },
      { name: `${p}.mlp.gate_proj.weight`, dtype, shape: [ffn, hidden] },
      { name: `${p}.mlp.up_proj.weight`, dtype, shape: [ffn, hidden] },
      { name: `${p}.post_attention_layernorm.weight`, dtype, shape: [hidden] },
      { name: `${p}.self_attn.k_proj.weight`, dtype, shape: [hidden, hidden] },
      { name: `${p}.self_attn.o_proj.weight`, dtype, shape: [hidden, hidden] },
      { name: `${p}.self_attn.q_proj.weight`, dtype, shape: [hidden, hidden] },
      { name: `${p}.self_attn.v_proj.weight`, dtype, shape: [hidden, hidden] },
    );
  }
  out.push(
    { name: "model.norm.weight", dtype, shape: [hidden] },
    { name: "lm_head.weight", dtype, shape: [vocab, hidden] },
  );
  return out;
}
