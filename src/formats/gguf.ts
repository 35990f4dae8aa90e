/**
 * A bounded reader of GGUF (llama.cpp's model format), versions 1-3: header, metadata key/values and
 * tensor infos. Tensor data is never read. Huge metadata arrays (a 150k-token vocabulary) are walked by
 * length and skipped, keeping only their counts; only a few strings are kept (general.*, chat
 * templates). Counts and lengths are checked against the bytes left in the file before anything is
 * allocated: crafted values there are published llama.cpp heap overflows (see docs/formats/gguf.md).
 *
 * Semantic problems are returned as anomalies and reading goes on where it can; a FormatError is thrown
 * only when nothing can be read (not GGUF, a header cut short, a big-endian or unknown version).
 */
import { FormatError } from "../errors.js";
import type { ByteSource } from "./source.js";

export const GGUF_MAGIC = Uint8Array.from([0x47, 0x47, 0x55, 0x46]);
/** llama.cpp's GGML_MAX_DIMS. */
export const GGML_MAX_DIMS = 4;
/** llama.cpp's GGML_MAX_NAME: tensor names must be shorter. */
export const GGML_MAX_NAME = 64;
export const GGUF_DEFAULT_ALIGNMENT = 32;

export const GGUF_TYPE = {
  UINT8: 0,
  INT8: 1,
  UINT16: 2,
  INT16: 3,
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  UINT64: 10,
  INT64: 11,
  FLOAT64: 12,
} as const;
export type GgufValueType = (typeof GGUF_TYPE)[keyof typeof GGUF_TYPE];

const VALUE_TYPE_NAMES = [
  "u8",
  "i8",
  "u16",
  "i16",
  "u32",
  "i32",
  "f32",
  "bool",
  "string",
  "array",
  "u64",
  "i64",
  "f64",
];
/** Bytes of each fixed-size value type (0 for string and array). */
const VALUE_SIZE = [1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8];

/** ggml tensor types: name, elements per block, bytes per block (ggml.c type_traits, gguf-py GGML_QUANT_SIZES). */
export const GGML_TYPES: ReadonlyMap<number, { name: string; blockSize: number; typeSize: number }> = new Map(
  (
    [
      [0, "F32", 1, 4],
      [1, "F16", 1, 2],
      [2, "Q4_0", 32, 18],
      [3, "Q4_1", 32, 20],
      [6, "Q5_0", 32, 22],
      [7, "Q5_1", 32, 24],
      [8, "Q8_0", 32, 34],
      [9, "Q8_1", 32, 36],
      [10, "Q2_K", 256, 84],
      [11, "Q3_K", 256, 110],
      [12, "Q4_K", 256, 144],
      [13, "Q5_K", 256, 176],
      [14, "Q6_K", 256, 210],
      [15, "Q8_K", 256, 292],
      [16, "IQ2_XXS", 256, 66],
      [17, "IQ2_XS", 256, 74],
      [18, "IQ3_XXS", 256, 98],
      [19, "IQ1_S", 256, 50],
      [20, "IQ4_NL", 32, 18],
      [21, "IQ3_S", 256, 110],
      [22, "IQ2_S", 256, 82],
      [23, "IQ4_XS", 256, 136],
      [24, "I8", 1, 1],
      [25, "I16", 1, 2],
      [26, "I32", 1, 4],
      [27, "I64", 1, 8],
      [28, "F64", 1, 8],
      [29, "IQ1_M", 256, 56],
      [30, "BF16", 1, 2],
      [34, "TQ1_0", 256, 54],
      [35, "TQ2_0", 256, 66],
      [39, "MXFP4", 32, 17],
      [40, "NVFP4", 64, 36],
      [41, "Q1_0", 128, 18],
      [42, "Q2_0", 64, 18],
    ] as const
  ).map(([id, name, blockSize, typeSize]) => [id, { name, blockSize, typeSize }]),
);
/** Ids ggml once had and removed (Q4_2, Q4_3, the Q4_0_x_y and IQ4_NL_x_y repacks): llama.cpp refuses them. */
const REMOVED_GGML_TYPES = new Set([4, 5, 31, 32, 33, 36, 37, 38]);

export interface GgufLimits {
  maxKv: number;
  maxTensors: number;
  /** Bytes of one metadata key. */
  maxKeyBytes: number;
  /** Bytes of one tensor name (llama.cpp itself refuses 64 and more; past this we stop reading). */
  maxTensorNameBytes: number;
  /** Elements of one metadata array. */
  maxArrayLength: number;
  /** Arrays inside arrays. */
  maxNesting: number;
  /** Bytes of metadata and tensor infos together. */
  maxMetadataBytes: number;
  /** Bytes of one chat template kept for checking. */
  maxTemplateBytes: number;
  /** Bytes kept of other wanted strings (general.name, ...). */
  maxKeptStringBytes: number;
  /** Anomalies recorded before the rest are only counted. */
  maxAnomalies: number;
}

export const DEFAULT_GGUF_LIMITS: GgufLimits = {
  maxKv: 1 << 16,
  maxTensors: 1 << 16,
  maxKeyBytes: 1 << 16,
  maxTensorNameBytes: 1 << 16,
  maxArrayLength: 1 << 24,
  maxNesting: 8,
  maxMetadataBytes: 256 * 1024 * 1024,
  maxTemplateBytes: 1024 * 1024,
  maxKeptStringBytes: 4096,
  maxAnomalies: 64,
};

export type GgufAnomalyKind =
  /** A count, length, dimension or type id crafted to overflow a parser's size arithmetic. */
  | "overflow"
  /** Structure llama.cpp refuses or a count larger than the file can hold. */
  | "malformed"
  /** Tensor data outside the data region, misaligned, overlapping or out of llama.cpp's layout. */
  | "bounds"
  /** A bound of this reader was reached; what follows was not read. */
  | "limit"
  /** A ggml type this reader does not know: its size cannot be verified. */
  | "unknown-type";

export interface GgufAnomaly {
  kind: GgufAnomalyKind;
  message: string;
  /** Byte offset in the source. */
  offset: number;
  /** Key or tensor name it concerns, when there is one. */
  subject?: string;
}

export type GgufScalar = number | bigint | boolean | string;

export interface GgufKv {
  key: string;
  /** Offset of the key's length field. */
  offset: number;
  type: GgufValueType;
  /** Scalars, and wanted strings (possibly cut to maxKeptStringBytes); absent otherwise. */
  value?: GgufScalar;
  /** Arrays: element type and count. */
  arrayType?: GgufValueType;
  arrayLength?: number;
  /** Strings: their length in bytes. */
  stringLength?: number;
}

export interface GgufTemplate {
  key: string;
  text: string;
  /** Offset of the template's first byte. */
  offset: number;
}

export interface GgufTensorInfo {
  name: string;
  /** Offset of the tensor info in the file. */
  infoOffset: number;
  dims: bigint[];
  /** ggml type id and name (null when unknown). */
  type: number;
  typeName: string | null;
  elements: bigint;
  /** Bytes of data; null when the type is unknown or the size is not representable. */
  byteSize: bigint | null;
  /** Offset relative to the data region, as stored. */
  offset: bigint;
}

export interface GgufFile {
  version: 1 | 2 | 3;
  tensorCount: bigint;
  kvCount: bigint;
  metadata: GgufKv[];
  templates: GgufTemplate[];
  alignment: number;
  tensors: GgufTensorInfo[];
  /** Absolute offset of the tensor data region; null when the tensor infos were not all read. */
  dataOffset: number | null;
  /** True when the header, every key/value and every tensor info were read. */
  complete: boolean;
  anomalies: GgufAnomaly[];
  /** Anomalies beyond maxAnomalies, only counted. */
  suppressedAnomalies: number;
}

const TWO_63 = 1n << 63n;
const TWO_64 = 1n << 64n;
const INT64_MAX = TWO_63 - 1n;
/** Bytes per item that parsers allocate for a tensor info and a key/value (generous sizeofs of llama.cpp's structs). */
const TENSOR_STRUCT_BYTES = 512n;
const KV_STRUCT_BYTES = 128n;
/** sizeof(std::string), what llama.cpp allocates per string array element. */
const STRING_STRUCT_BYTES = 32n;
const CHUNK = 64 * 1024;
const UTF8 = new TextDecoder();

/** Metadata values kept as strings (others are only skipped). */
const WANTED_STRINGS = new Set([
  "general.architecture",
  "general.name",
  "general.license",
  "general.type",
  "tokenizer.ggml.model",
]);
export function isChatTemplateKey(key: string): boolean {
  return key === "tokenizer.chat_template" || key.startsWith("tokenizer.chat_template.");
}

/** Reading cannot go on; the anomaly saying why is already recorded. */
class Stop extends Error {}

/** Sequential little-endian reads over a ByteSource through one buffered chunk. */
class Cursor {
  pos: number;
  private buf: Uint8Array = new Uint8Array(0);
  private bufStart = 0;
  private view = new DataView(this.buf.buffer);

  constructor(
    private readonly src: ByteSource,
    pos: number,
    private readonly onTruncated: (at: number, what: string) => never,
  ) {
    this.pos = pos;
  }

  get remaining(): number {
    return this.src.size - this.pos;
  }

  private at(n: number, what: string): number {
    if (this.pos + n > this.src.size) this.onTruncated(this.pos, what);
    let rel = this.pos - this.bufStart;
    if (rel < 0 || rel + n > this.buf.length) {
      this.buf = this.src.read(this.pos, Math.max(n, CHUNK));
      this.bufStart = this.pos;
      this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
      rel = 0;
    }
    this.pos += n;
    return rel;
  }

  /** Reads `n` bytes through `fn`; `at` may replace the buffer, so it runs first. */
  private get<T>(n: number, what: string, fn: (view: DataView, at: number) => T): T {
    const rel = this.at(n, what);
    return fn(this.view, rel);
  }

  u8(what: string): number {
    return this.get(1, what, (v, i) => v.getUint8(i));
  }
  u32(what: string): number {
    return this.get(4, what, (v, i) => v.getUint32(i, true));
  }
  u64(what: string): bigint {
    return this.get(8, what, (v, i) => v.getBigUint64(i, true));
  }
  /** A count or length: u32 in GGUF v1, u64 after. */
  size(v1: boolean, what: string): bigint {
    return v1 ? BigInt(this.u32(what)) : this.u64(what);
  }
  scalar(type: GgufValueType, what: string): GgufScalar {
    switch (type) {
      case GGUF_TYPE.UINT8:
        return this.get(1, what, (v, i) => v.getUint8(i));
      case GGUF_TYPE.INT8:
        return this.get(1, what, (v, i) => v.getInt8(i));
      case GGUF_TYPE.UINT16:
        return this.get(2, what, (v, i) => v.getUint16(i, true));
      case GGUF_TYPE.INT16:
        return this.get(2, what, (v, i) => v.getInt16(i, true));
      case GGUF_TYPE.UINT32:
        return this.get(4, what, (v, i) => v.getUint32(i, true));
      case GGUF_TYPE.INT32:
        return this.get(4, what, (v, i) => v.getInt32(i, true));
      case GGUF_TYPE.FLOAT32:
        return this.get(4, what, (v, i) => v.getFloat32(i, true));
      case GGUF_TYPE.BOOL:
        return this.get(1, what, (v, i) => v.getUint8(i)) !== 0;
      case GGUF_TYPE.UINT64:
        return this.get(8, what, (v, i) => v.getBigUint64(i, true));
      case GGUF_TYPE.INT64:
        return this.get(8, what, (v, i) => v.getBigInt64(i, true));
      default:
        return this.get(8, what, (v, i) => v.getFloat64(i, true));
    }
  }
  /** `n` bytes decoded as UTF-8 (invalid sequences replaced). */
  text(n: number, what: string): string {
    if (n <= CHUNK) {
      const rel = this.at(n, what);
      return UTF8.decode(this.buf.subarray(rel, rel + n));
    }
    if (this.pos + n > this.src.size) this.onTruncated(this.pos, what);
    const bytes = this.src.read(this.pos, n);
    this.pos += n;
    return UTF8.decode(bytes);
  }
  /**
   * Skips up to `count` length-prefixed strings without BigInt arithmetic (a vocabulary has 150k);
   * returns how many were skipped before one whose length needs the careful path.
   */
  skipStrings(count: number, v1: boolean): number {
    const lenBytes = v1 ? 4 : 8;
    for (let i = 0; i < count; i++) {
      if (this.pos + lenBytes > this.src.size) return i;
      let rel = this.pos - this.bufStart;
      if (rel < 0 || rel + lenBytes > this.buf.length) {
        this.buf = this.src.read(this.pos, CHUNK);
        this.bufStart = this.pos;
        this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
        rel = 0;
      }
      const lo = this.view.getUint32(rel, true);
      const hi = v1 ? 0 : this.view.getUint32(rel + 4, true);
      if (hi !== 0 || this.pos + lenBytes + lo > this.src.size) return i;
      this.pos += lenBytes + lo;
    }
    return count;
  }

  skip(n: number, what: string): void {
    if (this.pos + n > this.src.size) this.onTruncated(this.pos, what);
    this.pos += n;
  }
}

function bswap32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}

/** Would `count` items of `itemBytes` each (plus one, for a terminating NUL or a size+1) wrap 64-bit arithmetic? */
function overflows(count: bigint, itemBytes: bigint): boolean {
  return count >= TWO_63 || (count + 1n) * itemBytes >= TWO_64;
}

export function readGguf(src: ByteSource, limits: GgufLimits = DEFAULT_GGUF_LIMITS): GgufFile {
  if (src.size < 8) throw new FormatError("FORMAT_TRUNCATED", "GGUF header cut short", 0);
  const head = src.read(0, 8);
  if (!GGUF_MAGIC.every((b, i) => head[i] === b))
    throw new FormatError("FORMAT_MALFORMED", "not a GGUF file (bad magic)", 0);
  const rawVersion = new DataView(head.buffer, head.byteOffset, 8).getUint32(4, true);
  if (rawVersion < 1 || rawVersion > 3) {
    const swapped = bswap32(rawVersion);
    if (swapped >= 1 && swapped <= 3)
      throw new FormatError(
        "FORMAT_UNSUPPORTED",
        `big-endian GGUF v${swapped} (version reads 0x${rawVersion.toString(16)} little-endian) is not supported`,
        4,
      );
    throw new FormatError("FORMAT_UNSUPPORTED", `GGUF version ${rawVersion} is not supported`, 4);
  }
  const version = rawVersion as 1 | 2 | 3;
  const v1 = version === 1;
  const lenBytes = v1 ? 4 : 8;

  const anomalies: GgufAnomaly[] = [];
  let suppressed = 0;
  const note = (kind: GgufAnomalyKind, message: string, offset: number, subject?: string): void => {
    if (anomalies.length < limits.maxAnomalies)
      anomalies.push(subject === undefined ? { kind, message, offset } : { kind, message, offset, subject });
    else suppressed++;
  };
  const stop = (kind: GgufAnomalyKind, message: string, offset: number, subject?: string): never => {
    note(kind, message, offset, subject);
    throw new Stop(message);
  };

  let truncatedHeader = true;
  const cur = new Cursor(src, 8, (at, what) => {
    if (truncatedHeader) throw new FormatError("FORMAT_TRUNCATED", `GGUF header cut short (${what})`, at);
    return stop("malformed", `the file ends inside ${what}`, at);
  });
  const tensorCount = cur.size(v1, "the tensor count");
  const kvCount = cur.size(v1, "the metadata count");
  truncatedHeader = false;

  const file: GgufFile = {
    version,
    tensorCount,
    kvCount,
    metadata: [],
    templates: [],
    alignment: GGUF_DEFAULT_ALIGNMENT,
    tensors: [],
    dataOffset: null,
    complete: false,
    anomalies,
    suppressedAnomalies: 0,
  };

  /** A count checked against overflow, the bytes left (at `minItemBytes` each) and our cap. */
  const checkCount = (
    count: bigint,
    what: string,
    at: number,
    structBytes: bigint,
    minItemBytes: number,
    cap: number,
  ): number => {
    if (overflows(count, structBytes))
      stop("overflow", `${what} is ${count}, crafted to overflow a parser's size arithmetic`, at);
    if (count * BigInt(minItemBytes) > BigInt(cur.remaining))
      stop(
        "malformed",
        `${what} is ${count}, more than the ${cur.remaining} bytes left in the file can hold`,
        at,
      );
    if (count > BigInt(cap)) stop("limit", `${what} is ${count}, over this reader's bound of ${cap}`, at);
    return Number(count);
  };

  /** A string's length, checked; returns it as a number. */
  const stringLength = (what: string, cap: number, subject?: string): number => {
    const at = cur.pos;
    const len = cur.size(v1, `the length of ${what}`);
    if (overflows(len, 1n))
      stop(
        "overflow",
        `the length of ${what} is ${len}, crafted to overflow a parser's size arithmetic`,
        at,
        subject,
      );
    if (len > BigInt(cur.remaining))
      stop("malformed", `${what} claims ${len} bytes but ${cur.remaining} are left in the file`, at, subject);
    if (len > BigInt(cap))
      stop("limit", `${what} is ${len} bytes, over this reader's bound of ${cap}`, at, subject);
    return Number(len);
  };

  const metaStart = cur.pos;
  const checkMetadataBytes = (): void => {
    if (cur.pos - metaStart > limits.maxMetadataBytes)
      stop(
        "limit",
        `metadata and tensor infos exceed this reader's bound of ${limits.maxMetadataBytes} bytes`,
        cur.pos,
      );
  };

  /** Skips one array's elements (nested arrays included) without keeping them. */
  const skipArray = (elemType: number, count: number, depth: number, key: string): void => {
    if (elemType === GGUF_TYPE.STRING) {
      for (let i = cur.skipStrings(count, v1); i < count; i += 1 + cur.skipStrings(count - i - 1, v1)) {
        // The careful path: records why this string's length is wrong, and stops.
        const len = stringLength(`string ${i} of array ${key}`, Number.MAX_SAFE_INTEGER, key);
        cur.skip(len, `string ${i} of array ${key}`);
      }
      checkMetadataBytes();
    } else if (elemType === GGUF_TYPE.ARRAY) {
      if (depth + 1 > limits.maxNesting)
        stop("limit", `array ${key} nests arrays deeper than ${limits.maxNesting} levels`, cur.pos, key);
      for (let i = 0; i < count; i++) {
        const inner = arrayHeader(key);
        skipArray(inner.type, inner.count, depth + 1, key);
        checkMetadataBytes();
      }
    } else {
      cur.skip(count * VALUE_SIZE[elemType]!, `array ${key}`);
    }
  };

  const arrayHeader = (key: string): { type: GgufValueType; count: number } => {
    const at = cur.pos;
    const type = cur.u32(`the element type of array ${key}`);
    if (type > GGUF_TYPE.FLOAT64) stop("malformed", `array ${key} has unknown element type ${type}`, at, key);
    const elemType = type as GgufValueType;
    const lengthAt = cur.pos;
    const count = cur.size(v1, `the length of array ${key}`);
    const fixed = VALUE_SIZE[elemType]!;
    // What a loader allocates per element: a std::string, a nested array's vector (24 bytes), or the value.
    const structBytes = elemType === GGUF_TYPE.STRING ? STRING_STRUCT_BYTES : BigInt(Math.max(fixed, 24));
    const minItem = fixed || (elemType === GGUF_TYPE.STRING ? lenBytes : 4 + lenBytes);
    const n = checkCount(
      count,
      `the length of array ${key}`,
      lengthAt,
      structBytes,
      minItem,
      limits.maxArrayLength,
    );
    return { type: elemType, count: n };
  };

  const seenKeys = new Set<string>();
  try {
    const nKv = checkCount(
      kvCount,
      "the metadata count",
      8 + lenBytes,
      KV_STRUCT_BYTES,
      lenBytes + 5,
      limits.maxKv,
    );
    const nTensorsAt = 8;
    // Tensor infos follow the metadata; their count is judged now, their bytes once the metadata is read.
    // The metadata (and its chat template) is still read after a crafted tensor count.
    const tensorCountOverflows = overflows(tensorCount, TENSOR_STRUCT_BYTES);
    if (tensorCountOverflows)
      note(
        "overflow",
        `the tensor count is ${tensorCount}, crafted to overflow a parser's size arithmetic`,
        nTensorsAt,
      );
    for (let i = 0; i < nKv; i++) {
      const offset = cur.pos;
      const keyLen = stringLength(`key ${i}`, limits.maxKeyBytes);
      const key = cur.text(keyLen, `key ${i}`);
      if (keyLen === 0) note("malformed", `metadata key ${i} is empty`, offset);
      if (seenKeys.has(key))
        note(
          "malformed",
          `metadata key ${key} appears twice; loaders disagree on which one they use`,
          offset,
          key,
        );
      seenKeys.add(key);
      const typeAt = cur.pos;
      const type = cur.u32(`the type of ${key}`);
      if (type > GGUF_TYPE.FLOAT64)
        stop("malformed", `metadata ${key} has unknown value type ${type}`, typeAt, key);
      const kv: GgufKv = { key, offset, type: type as GgufValueType };
      file.metadata.push(kv);
      if (type === GGUF_TYPE.STRING) {
        const len = stringLength(`the value of ${key}`, Number.MAX_SAFE_INTEGER, key);
        kv.stringLength = len;
        if (isChatTemplateKey(key) && len > limits.maxTemplateBytes) {
          note(
            "limit",
            `${key} is ${len} bytes, over this reader's bound of ${limits.maxTemplateBytes}: not checked`,
            cur.pos,
            key,
          );
          cur.skip(len, `the value of ${key}`);
        } else if (isChatTemplateKey(key)) {
          const at = cur.pos;
          file.templates.push({ key, text: cur.text(len, `the value of ${key}`), offset: at });
        } else if (WANTED_STRINGS.has(key)) {
          const keep = Math.min(len, limits.maxKeptStringBytes);
          kv.value = cur.text(keep, `the value of ${key}`);
          cur.skip(len - keep, `the value of ${key}`);
        } else cur.skip(len, `the value of ${key}`);
      } else if (type === GGUF_TYPE.ARRAY) {
        const arr = arrayHeader(key);
        kv.arrayType = arr.type;
        kv.arrayLength = arr.count;
        skipArray(arr.type, arr.count, 1, key);
      } else {
        kv.value = cur.scalar(type as GgufValueType, `the value of ${key}`);
      }
      if (isChatTemplateKey(key) && type !== GGUF_TYPE.STRING)
        note("malformed", `${key} is a ${VALUE_TYPE_NAMES[type]}, not a string`, offset, key);
      checkMetadataBytes();
    }
    file.alignment = alignmentOf(file.metadata, note);

    if (tensorCountOverflows) throw new Stop("tensor count");
    const nTensors = checkCount(
      tensorCount,
      "the tensor count",
      nTensorsAt,
      TENSOR_STRUCT_BYTES,
      lenBytes + 4 + 4 + 8,
      limits.maxTensors,
    );
    const seenNames = new Set<string>();
    for (let i = 0; i < nTensors; i++) {
      file.tensors.push(readTensorInfo(i, seenNames));
      if ((i & 0xff) === 0) checkMetadataBytes();
    }
    const infosEnd = cur.pos;
    file.dataOffset = Math.ceil(infosEnd / file.alignment) * file.alignment;
    file.complete = true;
    checkLayout(file, src.size, note);
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
  }
  file.suppressedAnomalies = suppressed;
  return file;

  function readTensorInfo(i: number, seenNames: Set<string>): GgufTensorInfo {
    const infoOffset = cur.pos;
    const nameLen = stringLength(`the name of tensor ${i}`, limits.maxTensorNameBytes);
    const name = cur.text(nameLen, `the name of tensor ${i}`);
    if (nameLen >= GGML_MAX_NAME)
      note(
        "malformed",
        `tensor name ${name.slice(0, 80)} is ${nameLen} bytes; llama.cpp refuses ${GGML_MAX_NAME} or more`,
        infoOffset,
        name,
      );
    if (seenNames.has(name)) note("malformed", `tensor ${name} is declared twice`, infoOffset, name);
    seenNames.add(name);
    const nDimsAt = cur.pos;
    const nDims = cur.u32(`n_dims of tensor ${name}`);
    if (nDims > GGML_MAX_DIMS) {
      // Older llama.cpp wrote every dimension into a 4-slot array: a heap overflow (CVE-2024-21802).
      stop(
        "overflow",
        `tensor ${name} has ${nDims} dimensions; ggml holds at most ${GGML_MAX_DIMS}`,
        nDimsAt,
        name,
      );
    }
    const dims: bigint[] = [];
    let elements = 1n;
    let elementsOverflow = false;
    for (let d = 0; d < nDims; d++) {
      const at = cur.pos;
      const dim = cur.size(v1, `dimension ${d} of tensor ${name}`);
      dims.push(dim);
      if (dim >= TWO_63) {
        note(
          "overflow",
          `tensor ${name} dimension ${d} is ${dim}, negative as the int64 llama.cpp reads`,
          at,
          name,
        );
        elementsOverflow = true;
      } else if (dim === 0n) note("malformed", `tensor ${name} has a zero dimension`, at, name);
      elements *= dim;
    }
    if (!elementsOverflow && elements > INT64_MAX) {
      note("overflow", `tensor ${name} dimensions [${dims.join(", ")}] multiply past int64`, nDimsAt, name);
      elementsOverflow = true;
    }
    const typeAt = cur.pos;
    const type = cur.u32(`the type of tensor ${name}`);
    const known = GGML_TYPES.get(type);
    let byteSize: bigint | null = null;
    if (known) {
      if (dims.length > 0 && dims[0]! % BigInt(known.blockSize) !== 0n)
        note(
          "malformed",
          `tensor ${name} (${known.name}) first dimension ${dims[0]} is not a multiple of the block size ${known.blockSize}`,
          nDimsAt,
          name,
        );
      else if (!elementsOverflow) {
        byteSize = (elements / BigInt(known.blockSize)) * BigInt(known.typeSize);
        if (byteSize > INT64_MAX) {
          note("overflow", `tensor ${name} byte size ${byteSize} does not fit in int64`, nDimsAt, name);
          byteSize = null;
        }
      }
    } else if (type >= 0x8000_0000) {
      note(
        "overflow",
        `tensor ${name} type ${type | 0} is negative: an out-of-bounds index into ggml's type table`,
        typeAt,
        name,
      );
    } else if (REMOVED_GGML_TYPES.has(type)) {
      note(
        "malformed",
        `tensor ${name} uses ggml type ${type}, removed from ggml and refused by llama.cpp`,
        typeAt,
        name,
      );
    } else {
      note(
        "unknown-type",
        `tensor ${name} uses ggml type ${type}, unknown to this reader: its size is not verified`,
        typeAt,
        name,
      );
    }
    const offset = cur.u64(`the offset of tensor ${name}`);
    return {
      name,
      infoOffset,
      dims,
      type,
      typeName: known?.name ?? null,
      elements: elementsOverflow ? 0n : elements,
      byteSize,
      offset,
    };
  }
}

/** general.alignment: a u32 power of two; anything else is refused (or asserted on) by llama.cpp. */
function alignmentOf(
  metadata: GgufKv[],
  note: (kind: GgufAnomalyKind, message: string, offset: number, subject?: string) => void,
): number {
  const kv = metadata.find((m) => m.key === "general.alignment");
  if (!kv) return GGUF_DEFAULT_ALIGNMENT;
  if (kv.type !== GGUF_TYPE.UINT32) {
    note("malformed", `general.alignment is a ${VALUE_TYPE_NAMES[kv.type]}, not a u32`, kv.offset, kv.key);
    return GGUF_DEFAULT_ALIGNMENT;
  }
  const value = kv.value as number;
  if (value === 0 || (value & (value - 1)) !== 0) {
    note("malformed", `general.alignment ${value} is not a power of two`, kv.offset, kv.key);
    return GGUF_DEFAULT_ALIGNMENT;
  }
  return value;
}

/**
 * Each tensor's data inside the file, aligned, not overlapping another; and the layout llama.cpp
 * requires (tensors in declaration order, each at the aligned end of the one before).
 */
function checkLayout(
  file: GgufFile,
  fileSize: number,
  note: (kind: GgufAnomalyKind, message: string, offset: number, subject?: string) => void,
): void {
  const dataOffset = BigInt(file.dataOffset ?? 0);
  const align = BigInt(file.alignment);
  const regionSize = BigInt(fileSize) - dataOffset;
  let expected = 0n;
  let layoutOk = true;
  const placed: { start: bigint; end: bigint; name: string; infoOffset: number }[] = [];
  for (const t of file.tensors) {
    if (t.offset % align !== 0n)
      note(
        "bounds",
        `tensor ${t.name} data offset ${t.offset} is not a multiple of the alignment ${align}`,
        t.infoOffset,
        t.name,
      );
    if (t.byteSize === null) {
      layoutOk = false;
      continue;
    }
    const end = t.offset + t.byteSize;
    if (end > regionSize)
      note(
        "bounds",
        `tensor ${t.name} data [${dataOffset + t.offset}, ${dataOffset + end}) runs past the end of the file (${fileSize} bytes)`,
        t.infoOffset,
        t.name,
      );
    if (layoutOk && t.offset !== expected) {
      note(
        "bounds",
        `tensor ${t.name} data is at offset ${t.offset} where llama.cpp expects ${expected} (tensors packed in order)`,
        t.infoOffset,
        t.name,
      );
      layoutOk = false;
    }
    expected += ((t.byteSize + align - 1n) / align) * align;
    if (t.byteSize > 0n) placed.push({ start: t.offset, end, name: t.name, infoOffset: t.infoOffset });
  }
  placed.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  for (let i = 1; i < placed.length; i++) {
    const prev = placed[i - 1]!;
    const cur = placed[i]!;
    if (cur.start < prev.end)
      note("bounds", `tensor ${cur.name} data overlaps tensor ${prev.name}`, cur.infoOffset, cur.name);
  }
}
