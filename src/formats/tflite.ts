/**
 * A bounded walker of TFLite flatbuffers (tensorflow/lite/schema/schema.fbs). It reads the tables that say
 * what a model runs (operator codes, each operator's opcode, signatures, metadata names) and the buffers'
 * bounds, never their data. Every offset, vtable and vector is checked against the file before it is
 * followed; the walk follows the schema's fixed depth, so hostile offsets cannot loop it.
 *
 * Field ids (schema.fbs order; a union takes two ids, its type first):
 *   Model         0 version, 1 operator_codes, 2 subgraphs, 3 description, 4 buffers, 5 metadata_buffer,
 *                 6 metadata, 7 signature_defs
 *   OperatorCode  0 deprecated_builtin_code (int8), 1 custom_code, 2 version, 3 builtin_code (int32)
 *   SubGraph      0 tensors, 1 inputs, 2 outputs, 3 operators, 4 name
 *   Operator      0 opcode_index, 1 inputs, 2 outputs, 3/4 builtin_options, 5 custom_options,
 *                 6 custom_options_format, 7 mutating_variable_inputs, 8 intermediates,
 *                 9 large_custom_options_offset, 10 large_custom_options_size
 *   Buffer        0 data, 1 offset (u64), 2 size (u64)
 *   Metadata      0 name, 1 buffer
 *   SignatureDef  0 inputs, 1 outputs, 2 signature_key, 3 (deprecated tag), 4 subgraph_index
 */
import { BoundExceededError, FormatError } from "../errors.js";
import type { ByteSource } from "./source.js";

export interface TfliteLimits {
  maxOperatorCodes: number;
  maxSubgraphs: number;
  /** Operators in all subgraphs together. */
  maxOperators: number;
  maxTensors: number;
  maxBuffers: number;
  maxMetadata: number;
  maxSignatures: number;
  maxStringBytes: number;
  /** Bytes of all strings together: offsets may alias, so one long string can be named many times. */
  maxTotalStringBytes: number;
}

export const DEFAULT_TFLITE_LIMITS: TfliteLimits = {
  maxOperatorCodes: 100_000,
  maxSubgraphs: 100_000,
  maxOperators: 1_000_000,
  maxTensors: 50_000_000,
  maxBuffers: 1_000_000,
  maxMetadata: 10_000,
  maxSignatures: 10_000,
  maxStringBytes: 64 * 1024,
  maxTotalStringBytes: 16 * 1024 * 1024,
};

/** BuiltinOperator.CUSTOM; codes past 127 live only in `builtin_code` (deprecated one says 127). */
export const TFLITE_CUSTOM = 32;

export interface TfliteOperatorCode {
  index: number;
  builtinCode: number;
  customCode: string | null;
  version: number;
  offset: number;
}

export interface TfliteOperator {
  subgraph: number;
  index: number;
  opcodeIndex: number;
  offset: number;
}

export interface TfliteModel {
  version: number;
  description: string | null;
  operatorCodes: TfliteOperatorCode[];
  /** Operators in subgraph order, with their opcode index (bounds-checked). */
  operators: TfliteOperator[];
  subgraphs: { name: string | null; tensors: number; operators: number; offset: number }[];
  buffers: { count: number; dataBytes: number; externalBytes: number };
  metadata: { name: string; buffer: number }[];
  signatures: { key: string; subgraph: number }[];
}

/** Flatbuffer tables, vtables and vectors interleave: small reads go through a cache of pages. */
const PAGE_BYTES = 4096;
const MAX_PAGES = 1024;

/** Reads little-endian scalars at absolute offsets, refusing any that reach past the end of the file. */
class Reader {
  private readonly pages = new Map<number, Uint8Array>();
  private stringBytes = 0;

  constructor(
    readonly src: ByteSource,
    readonly limits: TfliteLimits,
  ) {}

  private bytes(at: number, n: number, what: string): Uint8Array {
    if (!Number.isSafeInteger(at) || at < 0 || at + n > this.src.size)
      throw new FormatError(
        "FORMAT_MALFORMED",
        `TFLite ${what} at ${at} lies outside the file`,
        Math.max(0, at),
      );
    const page = Math.floor(at / PAGE_BYTES);
    const inPage = at - page * PAGE_BYTES;
    const b = inPage + n <= PAGE_BYTES ? this.page(page).subarray(inPage, inPage + n) : this.src.read(at, n);
    if (b.length < n) throw new FormatError("FORMAT_TRUNCATED", `TFLite ${what} is truncated`, at);
    return b;
  }

  private page(index: number): Uint8Array {
    let p = this.pages.get(index);
    if (p) return p;
    p = this.src.read(index * PAGE_BYTES, PAGE_BYTES).slice();
    if (this.pages.size >= MAX_PAGES) this.pages.delete(this.pages.keys().next().value!);
    this.pages.set(index, p);
    return p;
  }

  u8(at: number, what: string): number {
    return this.bytes(at, 1, what)[0]!;
  }
  u16(at: number, what: string): number {
    const b = this.bytes(at, 2, what);
    return b[0]! | (b[1]! << 8);
  }
  u32(at: number, what: string): number {
    const b = this.bytes(at, 4, what);
    return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
  }
  i32(at: number, what: string): number {
    return this.u32(at, what) | 0;
  }
  u64(at: number, what: string): bigint {
    return BigInt(this.u32(at, what)) | (BigInt(this.u32(at + 4, what)) << 32n);
  }

  /** Follows a uoffset stored at `at`; it must point forward, inside the file. */
  deref(at: number, what: string): number {
    const rel = this.u32(at, what);
    if (rel === 0) throw new FormatError("FORMAT_MALFORMED", `TFLite ${what} points at itself`, at);
    const target = at + rel;
    if (target >= this.src.size)
      throw new FormatError("FORMAT_MALFORMED", `TFLite ${what} points past the end of the file`, at);
    return target;
  }

  table(at: number, what: string): Table {
    const vtable = at - this.i32(at, what);
    if (vtable < 0 || vtable + 4 > this.src.size)
      throw new FormatError("FORMAT_MALFORMED", `TFLite ${what} has its vtable outside the file`, at);
    const vsize = this.u16(vtable, `${what} vtable`);
    if (vsize < 4 || vsize % 2 !== 0)
      throw new FormatError("FORMAT_MALFORMED", `TFLite ${what} has a vtable of ${vsize} bytes`, vtable);
    const tsize = this.u16(vtable + 2, `${what} vtable`);
    this.bytes(vtable, vsize, `${what} vtable`);
    this.bytes(at, Math.max(4, tsize), what);
    return new Table(this, at, vtable, vsize, tsize, what);
  }

  /** A vector at `at`: its element count (checked against the file and `max`) and first element. */
  vector(
    at: number,
    elemSize: number,
    max: number,
    bound: string,
    what: string,
  ): { length: number; start: number } {
    const length = this.u32(at, what);
    const start = at + 4;
    if (start + length * elemSize > this.src.size)
      throw new FormatError(
        "FORMAT_MALFORMED",
        `TFLite ${what} of ${length} items runs past the end of the file`,
        at,
      );
    if (length > max)
      throw new BoundExceededError(bound, max, `TFLite ${what} has ${length} items (more than ${max})`);
    return { length, start };
  }

  string(at: number, what: string): string {
    const { length, start } = this.vector(at, 1, this.limits.maxStringBytes, "tflite.maxStringBytes", what);
    this.stringBytes += length;
    if (this.stringBytes > this.limits.maxTotalStringBytes)
      throw new BoundExceededError(
        "tflite.maxTotalStringBytes",
        this.limits.maxTotalStringBytes,
        `TFLite strings add up to more than ${this.limits.maxTotalStringBytes} bytes`,
      );
    return new TextDecoder().decode(this.src.read(start, length));
  }
}

class Table {
  constructor(
    private readonly r: Reader,
    readonly at: number,
    private readonly vtable: number,
    private readonly vsize: number,
    private readonly tsize: number,
    private readonly what: string,
  ) {}

  /** Absolute position of field `id`, or null when absent. */
  field(id: number, width: number): number | null {
    const slot = 4 + 2 * id;
    if (slot + 2 > this.vsize) return null;
    const off = this.r.u16(this.vtable + slot, `${this.what} vtable`);
    if (off === 0) return null;
    if (off + width > this.tsize)
      throw new FormatError(
        "FORMAT_MALFORMED",
        `TFLite ${this.what} field ${id} lies outside its table`,
        this.at,
      );
    return this.at + off;
  }

  u32(id: number, dflt: number): number {
    const p = this.field(id, 4);
    return p === null ? dflt : this.r.u32(p, this.what);
  }
  i32(id: number, dflt: number): number {
    const p = this.field(id, 4);
    return p === null ? dflt : this.r.i32(p, this.what);
  }
  i8(id: number, dflt: number): number {
    const p = this.field(id, 1);
    return p === null ? dflt : (this.r.u8(p, this.what) << 24) >> 24;
  }
  u64(id: number): bigint | null {
    const p = this.field(id, 8);
    return p === null ? null : this.r.u64(p, this.what);
  }
  /** The target of an offset field (table, vector or string), or null when absent. */
  ref(id: number, what: string): number | null {
    const p = this.field(id, 4);
    return p === null ? null : this.r.deref(p, `${this.what}.${what}`);
  }
}

/** The tables of a vector of tables, each dereferenced and checked. */
function* tables(
  r: Reader,
  vec: number,
  max: number,
  bound: string,
  what: string,
): Generator<[number, Table]> {
  const { length, start } = r.vector(vec, 4, max, bound, what);
  for (let i = 0; i < length; i++)
    yield [i, r.table(r.deref(start + 4 * i, `${what}[${i}]`), `${what}[${i}]`)];
}

export function readTflite(src: ByteSource, limits: Partial<TfliteLimits> = {}): TfliteModel {
  const lim = { ...DEFAULT_TFLITE_LIMITS, ...limits };
  const r = new Reader(src, lim);
  if (src.size < 8) throw new FormatError("FORMAT_TRUNCATED", "TFLite file is shorter than its header", 0);
  const model = r.table(r.deref(0, "root offset"), "Model");
  const out: TfliteModel = {
    version: model.u32(0, 0),
    description: null,
    operatorCodes: [],
    operators: [],
    subgraphs: [],
    buffers: { count: 0, dataBytes: 0, externalBytes: 0 },
    metadata: [],
    signatures: [],
  };

  const codes = model.ref(1, "operator_codes");
  if (codes !== null) {
    for (const [index, t] of tables(
      r,
      codes,
      lim.maxOperatorCodes,
      "tflite.maxOperatorCodes",
      "operator_codes",
    )) {
      const deprecated = t.i8(0, 0);
      const builtin = t.i32(3, 0);
      const custom = t.ref(1, "custom_code");
      out.operatorCodes.push({
        index,
        builtinCode: Math.max(deprecated, builtin),
        customCode: custom === null ? null : r.string(custom, "custom_code"),
        version: t.i32(2, 1),
        offset: t.at,
      });
    }
  }

  const subgraphs = model.ref(2, "subgraphs");
  if (subgraphs !== null) {
    for (const [sg, t] of tables(r, subgraphs, lim.maxSubgraphs, "tflite.maxSubgraphs", "subgraphs")) {
      const tensors = t.ref(0, "tensors");
      const tensorCount =
        tensors === null ? 0 : r.vector(tensors, 4, lim.maxTensors, "tflite.maxTensors", "tensors").length;
      const nameAt = t.ref(4, "name");
      const ops = t.ref(3, "operators");
      let opCount = 0;
      if (ops !== null) {
        for (const [index, op] of tables(
          r,
          ops,
          lim.maxOperators,
          "tflite.maxOperators",
          `subgraphs[${sg}].operators`,
        )) {
          if (out.operators.length >= lim.maxOperators)
            throw new BoundExceededError(
              "tflite.maxOperators",
              lim.maxOperators,
              `more than ${lim.maxOperators} TFLite operators`,
            );
          const opcodeIndex = op.u32(0, 0);
          if (opcodeIndex >= out.operatorCodes.length)
            throw new FormatError(
              "FORMAT_MALFORMED",
              `TFLite operator ${index} of subgraph ${sg} uses opcode ${opcodeIndex}, but only ${out.operatorCodes.length} are defined`,
              op.at,
            );
          checkExternal(r, op.u64(9), op.u64(10), `operator ${index} custom options`, op.at);
          out.operators.push({ subgraph: sg, index, opcodeIndex, offset: op.at });
          opCount++;
        }
      }
      out.subgraphs.push({
        name: nameAt === null ? null : r.string(nameAt, "subgraph name"),
        tensors: tensorCount,
        operators: opCount,
        offset: t.at,
      });
    }
  }

  const description = model.ref(3, "description");
  if (description !== null) out.description = r.string(description, "description");

  const buffers = model.ref(4, "buffers");
  if (buffers !== null) {
    for (const [i, b] of tables(r, buffers, lim.maxBuffers, "tflite.maxBuffers", "buffers")) {
      const data = b.ref(0, "data");
      // Only the length: tensor bytes are never read.
      if (data !== null)
        out.buffers.dataBytes += r.vector(data, 1, Number.MAX_SAFE_INTEGER, "", `buffers[${i}].data`).length;
      out.buffers.externalBytes += checkExternal(r, b.u64(1), b.u64(2), `buffer ${i}`, b.at);
      out.buffers.count++;
    }
  }

  const metadata = model.ref(6, "metadata");
  if (metadata !== null) {
    for (const [, m] of tables(r, metadata, lim.maxMetadata, "tflite.maxMetadata", "metadata")) {
      const nameAt = m.ref(0, "name");
      out.metadata.push({
        name: nameAt === null ? "" : r.string(nameAt, "metadata name"),
        buffer: m.u32(1, 0),
      });
    }
  }

  const signatures = model.ref(7, "signature_defs");
  if (signatures !== null) {
    for (const [, s] of tables(r, signatures, lim.maxSignatures, "tflite.maxSignatures", "signature_defs")) {
      const key = s.ref(2, "signature_key");
      const subgraph = s.u32(4, 0);
      if (subgraph >= out.subgraphs.length && out.subgraphs.length > 0)
        throw new FormatError(
          "FORMAT_MALFORMED",
          `TFLite signature names subgraph ${subgraph}, which does not exist`,
          s.at,
        );
      out.signatures.push({ key: key === null ? "" : r.string(key, "signature key"), subgraph });
    }
  }
  return out;
}

/**
 * Models over 2 GB keep buffers and large custom options after the flatbuffer, by absolute offset and
 * size (offset 0 or 1 means none). Returns the size, after checking the range lies inside the file.
 */
function checkExternal(
  r: Reader,
  offset: bigint | null,
  size: bigint | null,
  what: string,
  at: number,
): number {
  if (offset === null || offset <= 1n) return 0;
  const sz = size ?? 0n;
  if (offset + sz > BigInt(r.src.size))
    throw new FormatError(
      "FORMAT_MALFORMED",
      `TFLite ${what} (${sz} bytes at ${offset}) lies outside the file`,
      at,
    );
  return Number(sz);
}
