/**
 * safetensors: an 8-byte little-endian header length, a JSON header, then the tensor bytes. The header is
 * read by a small strict JSON reader of our own, because what loaders disagree on is exactly what a
 * general JSON parser hides: duplicate keys (JSON.parse, Python's json and serde's maps keep the last,
 * other readers the first), invalid UTF-8, bytes after the JSON value. Every tensor's extent is then
 * checked the way the Rust `safetensors` library validates it (dtype, shape, offsets, overflow, the data
 * region covered exactly), and each problem is an anomaly rather than an exception, so one bad tensor does
 * not hide the others. Tensor bytes are never read.
 */
import { BoundExceededError, FormatError } from "../errors.js";
import type { ByteSource } from "./source.js";

/** The Rust library refuses longer headers (`MAX_HEADER_SIZE`). */
export const SAFETENSORS_MAX_HEADER = 100_000_000;
/** A valid header nests three levels (root, tensor, shape); serde gives up at 128. */
const MAX_DEPTH = 64;
/** Far above any real file (single-file MoE checkpoints have ~100k tensors); bounds memory. */
export const SAFETENSORS_MAX_TENSORS = 1_000_000;
/** A u64 has 20 digits; a longer number is not a size, and BigInt on megabytes of digits is quadratic. */
const MAX_NUMBER_TEXT = 100;
/** Per anomaly kind; the rest are counted, not listed. */
const MAX_ANOMALIES_PER_KIND = 100;

const U64_LIMIT = 1n << 64n;

/**
 * Bits per element, in the order of the Rust library's `Dtype` enum (increasing alignment, which its
 * writer sorts by). From `safetensors/src/tensor.rs` (`Dtype::bitsize`).
 */
export const SAFETENSORS_DTYPE_BITS: ReadonlyMap<string, number> = new Map([
  ["BOOL", 8],
  ["F4", 4],
  ["F6_E2M3", 6],
  ["F6_E3M2", 6],
  ["U8", 8],
  ["I8", 8],
  ["F8_E5M2", 8],
  ["F8_E4M3", 8],
  ["F8_E8M0", 8],
  ["I16", 16],
  ["U16", 16],
  ["F16", 16],
  ["BF16", 16],
  ["I32", 32],
  ["U32", 32],
  ["F32", 32],
  ["C64", 64],
  ["F64", 64],
  ["I64", 64],
  ["U64", 64],
]);

export type SafetensorsAnomalyKind =
  /** A key twice in one JSON object. */
  | "duplicate-key"
  /** Non-whitespace bytes after the JSON value, inside the declared header length. */
  | "trailing-data"
  /** `__metadata__` is not an object of strings. */
  | "metadata-invalid"
  /** A tensor entry has a field the format does not define (the Rust library ignores it). */
  | "unknown-field"
  /** A tensor entry is not an object, or its dtype, shape or data_offsets are missing or malformed. */
  | "tensor-invalid"
  /** data_offsets span a different number of bytes than shape x dtype. */
  | "size-mismatch"
  /** shape x dtype does not fit in 64 bits (the Rust library refuses it; wrapping readers do not). */
  | "size-overflow"
  /** data_offsets reach past the data region. */
  | "out-of-bounds"
  /** Two tensors share bytes. */
  | "overlap"
  /** Bytes of the data region no tensor covers (between tensors or after the last one). */
  | "uncovered";

export interface SafetensorsAnomaly {
  kind: SafetensorsAnomalyKind;
  message: string;
  /** Byte offset in the source: the tensor's key in the header, or the first uncovered byte. */
  offset: number;
  tensor?: string;
  /** size-overflow / size-mismatch: the offsets equal shape x dtype wrapped to this many bits. */
  wrapsAt?: 32 | 64;
}

export interface SafetensorsTensor {
  name: string;
  /** null when missing or not a string. */
  dtype: string | null;
  /** null when missing or malformed; dimensions past 2^53 lose precision here (sizes use exact values). */
  shape: number[] | null;
  /** Elements (product of the shape); null when the dtype is unknown, the shape malformed or the size overflows. */
  elements: number | null;
  /** [begin, end) relative to the data region; null when malformed or not representable. */
  dataOffsets: [number, number] | null;
  /** Byte offset of the tensor's key in the source. */
  offset: number;
}

export interface SafetensorsHeader {
  /** The declared header length (bytes of JSON and padding). */
  headerLength: number;
  /** Where the data region starts: 8 + headerLength. */
  dataOffset: number;
  dataLength: number;
  /** `__metadata__`, its string values only; null when absent. */
  metadata: Record<string, string> | null;
  tensors: SafetensorsTensor[];
  anomalies: SafetensorsAnomaly[];
  /** Anomalies counted but not listed, per kind (past MAX_ANOMALIES_PER_KIND). */
  omitted: Partial<Record<SafetensorsAnomalyKind, number>>;
  /** Stretches of the data region no tensor covers, as absolute offsets in the source. */
  uncovered: { start: number; length: number }[];
}

// ---------------------------------------------------------------------------------------------------
// A strict JSON reader over bytes (RFC 8259, as serde_json reads it), with byte offsets for messages

type JsonValue =
  | { kind: "object"; entries: JsonEntry[]; offset: number }
  | { kind: "array"; items: JsonValue[]; offset: number }
  | { kind: "string"; value: string; offset: number }
  | { kind: "integer"; value: bigint; offset: number }
  | { kind: "number"; value: number; offset: number }
  | { kind: "boolean"; value: boolean; offset: number }
  | { kind: "null"; offset: number };

interface JsonEntry {
  key: string;
  value: JsonValue;
  offset: number;
}

class StrictJsonReader {
  private i = 0;
  /** Keys and indices down to the value being read; joined into a path only for a message. */
  private readonly path: (string | number)[] = [];
  private readonly text: Buffer;
  constructor(
    private readonly b: Uint8Array,
    /** Absolute offset of b[0] in the source. */
    private readonly base: number,
    /** Called for each key that repeats one earlier in the same object; path "" is the top level. */
    private readonly onDuplicate: (key: string, offset: number, path: string) => void,
  ) {
    // Native slicing decodes strings far faster than building them in JS (headers reach 100 MB).
    this.text = Buffer.from(b.buffer, b.byteOffset, b.length);
  }

  get position(): number {
    return this.i;
  }

  fail(message: string, at = this.i): never {
    throw new FormatError(
      "FORMAT_MALFORMED",
      `header JSON: ${message} at byte ${this.base + at}`,
      this.base + at,
    );
  }

  skipWhitespace(): void {
    const b = this.b;
    while (this.i < b.length) {
      const c = b[this.i]!;
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.i++;
    }
  }

  /** The top-level object, entry by entry, so a tensor's parsed value is dropped once judged. */
  readTopObject(onEntry: (entry: JsonEntry) => void): void {
    this.skipWhitespace();
    if (this.b[this.i] !== 0x7b) this.fail("the header is not a JSON object");
    this.readObjectEntries(1, onEntry);
  }

  private pathText(): string {
    return this.path
      .map((p) => (typeof p === "number" ? `[${p}]` : `.${JSON.stringify(p)}`))
      .join("")
      .slice(1);
  }

  private readObjectEntries(depth: number, onEntry: (entry: JsonEntry) => void): void {
    this.i++; // {
    const seen = new Set<string>();
    this.skipWhitespace();
    if (this.b[this.i] === 0x7d) {
      this.i++;
      return;
    }
    for (;;) {
      this.skipWhitespace();
      const keyOffset = this.i;
      if (this.b[this.i] !== 0x22) this.fail("expected a string key");
      const key = this.readString();
      if (seen.has(key)) this.onDuplicate(key, this.base + keyOffset, this.pathText());
      else seen.add(key);
      this.skipWhitespace();
      if (this.b[this.i] !== 0x3a) this.fail("expected ':'");
      this.i++;
      this.path.push(key);
      const value = this.readValue(depth);
      this.path.pop();
      onEntry({ key, value, offset: this.base + keyOffset });
      this.skipWhitespace();
      const c = this.b[this.i];
      this.i++;
      if (c === 0x7d) return;
      if (c !== 0x2c) this.fail("expected ',' or '}'", this.i - 1);
    }
  }

  private readValue(depth: number): JsonValue {
    this.skipWhitespace();
    const offset = this.base + this.i;
    const c = this.b[this.i];
    if (c === undefined) this.fail("unexpected end");
    if (c === 0x7b || c === 0x5b) {
      if (depth + 1 > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
      if (c === 0x7b) {
        const entries: JsonEntry[] = [];
        this.readObjectEntries(depth + 1, (e) => entries.push(e));
        return { kind: "object", entries, offset };
      }
      return { kind: "array", items: this.readArrayItems(depth + 1), offset };
    }
    if (c === 0x22) return { kind: "string", value: this.readString(), offset };
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.readNumber(offset);
    for (const [word, value] of [
      ["true", { kind: "boolean", value: true, offset }],
      ["false", { kind: "boolean", value: false, offset }],
      ["null", { kind: "null", offset }],
    ] as const) {
      if (this.matches(word)) {
        this.i += word.length;
        return value;
      }
    }
    return this.fail(`unexpected byte 0x${c.toString(16).padStart(2, "0")}`);
  }

  private matches(word: string): boolean {
    for (let k = 0; k < word.length; k++) if (this.b[this.i + k] !== word.charCodeAt(k)) return false;
    return true;
  }

  private readArrayItems(depth: number): JsonValue[] {
    this.i++; // [
    const items: JsonValue[] = [];
    this.skipWhitespace();
    if (this.b[this.i] === 0x5d) {
      this.i++;
      return items;
    }
    for (;;) {
      this.path.push(items.length);
      items.push(this.readValue(depth));
      this.path.pop();
      this.skipWhitespace();
      const c = this.b[this.i];
      this.i++;
      if (c === 0x5d) return items;
      if (c !== 0x2c) this.fail("expected ',' or ']'", this.i - 1);
    }
  }

  private readNumber(offset: number): JsonValue {
    const b = this.b;
    const start = this.i;
    let integer = true;
    const negative = b[this.i] === 0x2d;
    if (negative) this.i++;
    if (b[this.i] === 0x30) this.i++;
    else this.readDigits();
    if (b[this.i] === 0x2e) {
      integer = false;
      this.i++;
      this.readDigits();
    }
    if (b[this.i] === 0x65 || b[this.i] === 0x45) {
      integer = false;
      this.i++;
      if (b[this.i] === 0x2b || b[this.i] === 0x2d) this.i++;
      this.readDigits();
    }
    const length = this.i - start;
    if (length > MAX_NUMBER_TEXT) this.fail(`a number longer than ${MAX_NUMBER_TEXT} characters`, start);
    if (!integer)
      return { kind: "number", value: Number(this.text.toString("latin1", start, this.i)), offset };
    // Offsets and dimensions are mostly below 2^53: summing digits avoids a string per number.
    if (length <= 15) {
      let v = 0;
      for (let k = negative ? start + 1 : start; k < this.i; k++) v = v * 10 + b[k]! - 0x30;
      return { kind: "integer", value: BigInt(negative ? -v : v), offset };
    }
    return { kind: "integer", value: BigInt(this.text.toString("latin1", start, this.i)), offset };
  }

  private readDigits(): void {
    const b = this.b;
    const from = this.i;
    while (this.i < b.length && b[this.i]! >= 0x30 && b[this.i]! <= 0x39) this.i++;
    if (this.i === from) this.fail("expected a digit");
  }

  private readString(): string {
    const b = this.b;
    this.i++; // opening quote
    let out = "";
    let runStart = this.i;
    for (;;) {
      if (this.i >= b.length) this.fail("unterminated string");
      const c = b[this.i]!;
      if (c === 0x22) {
        if (runStart < this.i) out += this.text.toString("utf8", runStart, this.i);
        this.i++;
        return out;
      }
      if (c < 0x20) this.fail("control character in a string");
      if (c !== 0x5c) {
        this.i++;
        continue;
      }
      if (runStart < this.i) out += this.text.toString("utf8", runStart, this.i);
      out += this.readEscape();
      runStart = this.i;
    }
  }

  private readEscape(): string {
    const at = this.i;
    const e = this.b[this.i + 1];
    this.i += 2;
    switch (e) {
      case 0x22:
        return '"';
      case 0x5c:
        return "\\";
      case 0x2f:
        return "/";
      case 0x62:
        return "\b";
      case 0x66:
        return "\f";
      case 0x6e:
        return "\n";
      case 0x72:
        return "\r";
      case 0x74:
        return "\t";
      case 0x75: {
        const unit = this.readHex4(at);
        if (unit >= 0xdc00 && unit <= 0xdfff) this.fail("lone low surrogate escape", at);
        if (unit < 0xd800 || unit > 0xdbff) return String.fromCharCode(unit);
        // serde_json refuses an unpaired surrogate where JSON.parse and Python keep it.
        if (this.b[this.i] !== 0x5c || this.b[this.i + 1] !== 0x75)
          this.fail("lone high surrogate escape", at);
        this.i += 2;
        const low = this.readHex4(at);
        if (low < 0xdc00 || low > 0xdfff) this.fail("lone high surrogate escape", at);
        return String.fromCharCode(unit, low);
      }
      default:
        return this.fail("invalid escape", at);
    }
  }

  private readHex4(at: number): number {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = this.b[this.i++];
      const d =
        c === undefined
          ? -1
          : c >= 0x30 && c <= 0x39
            ? c - 0x30
            : c >= 0x61 && c <= 0x66
              ? c - 0x57
              : c >= 0x41 && c <= 0x46
                ? c - 0x37
                : -1;
      if (d < 0) this.fail("invalid \\u escape", at);
      v = v * 16 + d;
    }
    return v;
  }
}

/** Index of the first byte that breaks UTF-8 (overlongs, surrogates, past U+10FFFF), or -1. */
export function invalidUtf8At(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------------
// The header

class Anomalies {
  readonly list: SafetensorsAnomaly[] = [];
  readonly omitted: Partial<Record<SafetensorsAnomalyKind, number>> = {};
  private readonly counts = new Map<SafetensorsAnomalyKind, number>();

  add(anomaly: SafetensorsAnomaly): void {
    const n = (this.counts.get(anomaly.kind) ?? 0) + 1;
    this.counts.set(anomaly.kind, n);
    if (n <= MAX_ANOMALIES_PER_KIND) this.list.push(anomaly);
    else this.omitted[anomaly.kind] = n - MAX_ANOMALIES_PER_KIND;
  }
}

const quote = (s: string) => JSON.stringify(s.length > 200 ? `${s.slice(0, 200)}...` : s);

/**
 * Reads the header of a safetensors source. Throws FormatError only when there is no header to judge
 * (too short, length past the file or above the 100 MB loaders accept, not UTF-8, not a JSON object);
 * everything else is an anomaly in the result.
 */
export function readSafetensorsHeader(
  src: ByteSource,
  { maxTensors = SAFETENSORS_MAX_TENSORS }: { maxTensors?: number } = {},
): SafetensorsHeader {
  if (src.size < 8)
    throw new FormatError("FORMAT_TRUNCATED", "safetensors: shorter than the 8-byte header length", 0);
  const lengthBytes = src.read(0, 8);
  const declared = new DataView(lengthBytes.buffer, lengthBytes.byteOffset, 8).getBigUint64(0, true);
  if (declared > BigInt(SAFETENSORS_MAX_HEADER)) {
    throw new FormatError(
      "FORMAT_MALFORMED",
      `safetensors: header length ${declared} is above the ${SAFETENSORS_MAX_HEADER} bytes loaders accept`,
      0,
    );
  }
  const headerLength = Number(declared);
  if (8 + headerLength > src.size) {
    throw new FormatError(
      "FORMAT_TRUNCATED",
      `safetensors: header length ${headerLength} reaches past the end of the file (${src.size} bytes)`,
      0,
    );
  }
  const bytes = src.read(8, headerLength);
  const bad = invalidUtf8At(bytes);
  if (bad >= 0)
    throw new FormatError(
      "FORMAT_MALFORMED",
      `safetensors: header is not valid UTF-8 at byte ${8 + bad}`,
      8 + bad,
    );

  const dataOffset = 8 + headerLength;
  const dataLength = src.size - dataOffset;
  const anomalies = new Anomalies();
  const tensors: SafetensorsTensor[] = [];
  let metadata: Record<string, string> | null = null;

  const reader = new StrictJsonReader(bytes, 8, (key, offset, path) =>
    anomalies.add({
      kind: "duplicate-key",
      message: `key ${quote(key)} appears twice in ${path ? `the object at ${path}` : "the header"}; loaders disagree on which one counts`,
      offset,
      ...(path ? {} : { tensor: key }),
    }),
  );
  reader.readTopObject((entry) => {
    if (entry.key === "__metadata__") {
      metadata = readMetadata(entry, anomalies);
      return;
    }
    if (tensors.length >= maxTensors) {
      throw new BoundExceededError(
        "safetensors.tensors",
        maxTensors,
        `safetensors header declares more than ${maxTensors} tensors`,
      );
    }
    tensors.push(readTensor(entry, BigInt(dataLength), anomalies));
  });
  reader.skipWhitespace();
  if (reader.position < bytes.length) {
    anomalies.add({
      kind: "trailing-data",
      message: `${bytes.length - reader.position} bytes after the header's JSON object (only spaces may pad it); strict loaders refuse the file, lenient ones ignore them`,
      offset: 8 + reader.position,
    });
  }
  const uncovered = checkCoverage(tensors, dataOffset, dataLength, anomalies);
  return {
    headerLength,
    dataOffset,
    dataLength,
    metadata,
    tensors,
    anomalies: anomalies.list,
    omitted: anomalies.omitted,
    uncovered,
  };
}

function readMetadata(entry: JsonEntry, anomalies: Anomalies): Record<string, string> | null {
  const v = entry.value;
  // serde reads `null` as "no metadata".
  if (v.kind === "null") return null;
  if (v.kind !== "object") {
    anomalies.add({
      kind: "metadata-invalid",
      message: `__metadata__ is a JSON ${v.kind}, not an object of strings`,
      offset: v.offset,
    });
    return null;
  }
  const out: [string, string][] = [];
  for (const e of v.entries) {
    if (e.value.kind === "string") out.push([e.key, e.value.value]);
    else {
      anomalies.add({
        kind: "metadata-invalid",
        message: `__metadata__ value ${quote(e.key)} is a JSON ${e.value.kind}, not a string; the safetensors library refuses the file`,
        offset: e.offset,
      });
    }
  }
  return Object.fromEntries(out);
}

const TENSOR_FIELDS = new Set(["dtype", "shape", "data_offsets"]);

/** A non-negative integer a u64 holds, or null. */
function u64(v: JsonValue): bigint | null {
  return v.kind === "integer" && v.value >= 0n && v.value < U64_LIMIT ? v.value : null;
}

function readTensor(entry: JsonEntry, dataLength: bigint, anomalies: Anomalies): SafetensorsTensor {
  const name = entry.key;
  const tensor: SafetensorsTensor = {
    name,
    dtype: null,
    shape: null,
    elements: null,
    dataOffsets: null,
    offset: entry.offset,
  };
  const invalid = (why: string) =>
    anomalies.add({
      kind: "tensor-invalid",
      message: `tensor ${quote(name)}: ${why}`,
      offset: entry.offset,
      tensor: name,
    });
  if (entry.value.kind !== "object") {
    invalid(`its entry is a JSON ${entry.value.kind}, not an object`);
    return tensor;
  }
  // A repeated field was reported as a duplicate key; like Python's json, the last one is judged.
  const fields = new Map<string, JsonValue>();
  for (const e of entry.value.entries) {
    fields.set(e.key, e.value);
    if (!TENSOR_FIELDS.has(e.key)) {
      anomalies.add({
        kind: "unknown-field",
        message: `tensor ${quote(name)} has a field ${quote(e.key)} the format does not define; the safetensors library ignores it`,
        offset: e.offset,
        tensor: name,
      });
    }
  }

  const dtypeValue = fields.get("dtype");
  let bits: number | undefined;
  if (dtypeValue === undefined) invalid("no dtype");
  else if (dtypeValue.kind !== "string") invalid(`dtype is a JSON ${dtypeValue.kind}`);
  else {
    tensor.dtype = dtypeValue.value;
    bits = SAFETENSORS_DTYPE_BITS.get(dtypeValue.value);
    if (bits === undefined) invalid(`unknown dtype ${quote(dtypeValue.value)}`);
  }

  const shapeValue = fields.get("shape");
  let dims: bigint[] | null = null;
  if (shapeValue === undefined) invalid("no shape");
  else if (shapeValue.kind !== "array") invalid(`shape is a JSON ${shapeValue.kind}, not an array`);
  else {
    const parsed = shapeValue.items.map(u64);
    if (parsed.some((d) => d === null))
      invalid("shape holds something other than non-negative 64-bit integers");
    else dims = parsed as bigint[];
  }

  const offsetsValue = fields.get("data_offsets");
  let begin: bigint | null = null;
  let end: bigint | null = null;
  if (offsetsValue === undefined) invalid("no data_offsets");
  else if (offsetsValue.kind !== "array" || offsetsValue.items.length !== 2) {
    invalid("data_offsets is not a [begin, end] pair");
  } else {
    const [b, e] = offsetsValue.items.map(u64);
    if (b === null || e === null || b === undefined || e === undefined) {
      invalid("data_offsets holds something other than non-negative 64-bit integers");
    } else if (b > e) invalid(`data_offsets begin ${b} is after end ${e}`);
    else {
      begin = b;
      end = e;
      if (e > dataLength) {
        anomalies.add({
          kind: "out-of-bounds",
          message: `tensor ${quote(name)} spans bytes [${b}, ${e}) of a data region of ${dataLength} bytes; a reader that trusts the offsets reads outside the file`,
          offset: entry.offset,
          tensor: name,
        });
      }
      // Beyond the data region only the clipped part matters for coverage; it is below 2^53.
      tensor.dataOffsets = [Number(b < dataLength ? b : dataLength), Number(e < dataLength ? e : dataLength)];
    }
  }

  if (dims !== null) {
    tensor.shape = dims.map(Number);
    if (bits !== undefined) checkSize(tensor, dims, bits, begin, end, anomalies);
  }
  return tensor;
}

/** The element count as the Rust library computes it: a running product that fails on 64-bit overflow. */
function elementsOf(dims: bigint[]): { product: bigint; overflow: boolean; wrapped: bigint } {
  let product = 1n;
  let wrapped = 1n;
  let overflow = false;
  for (const d of dims) {
    wrapped = BigInt.asUintN(64, wrapped * d);
    // Past 2^64 the exact product no longer matters, and keeping it would grow without bound.
    if (!overflow) {
      product *= d;
      if (product >= U64_LIMIT) overflow = true;
    }
  }
  // A zero dimension after the overflow makes the tensor empty, though the running product failed first.
  if (overflow && dims.includes(0n)) product = 0n;
  return { product, overflow, wrapped };
}

function checkSize(
  tensor: SafetensorsTensor,
  dims: bigint[],
  bits: number,
  begin: bigint | null,
  end: bigint | null,
  anomalies: Anomalies,
): void {
  const { product, overflow, wrapped } = elementsOf(dims);
  const name = tensor.name;
  const totalBits = product * BigInt(bits);
  const span = begin !== null && end !== null ? end - begin : null;
  // What a reader computing elements x item size in fixed-width arithmetic gets.
  const wrapped64 = bits % 8 === 0 ? BigInt.asUintN(64, wrapped * BigInt(bits / 8)) : null;
  const shape = `[${dims.join(", ")}]`;
  if (overflow || totalBits >= U64_LIMIT) {
    const wrapsAt = span === null || wrapped64 === null ? undefined : wrapsTo(span, wrapped64);
    anomalies.add({
      kind: "size-overflow",
      message:
        `tensor ${quote(name)}: shape ${shape} of ${tensor.dtype} overflows 64-bit size arithmetic` +
        (wrapsAt
          ? `, and its offsets span exactly the ${wrapsAt}-bit wrapped size (${span} bytes): crafted to pass a reader's size check`
          : ""),
      offset: tensor.offset,
      tensor: name,
      ...(wrapsAt ? { wrapsAt } : {}),
    });
    return;
  }
  tensor.elements = Number(product);
  if (totalBits % 8n !== 0n) {
    anomalies.add({
      kind: "tensor-invalid",
      message: `tensor ${quote(name)}: ${product} elements of ${tensor.dtype} (${bits} bits) do not fill whole bytes`,
      offset: tensor.offset,
      tensor: name,
    });
    return;
  }
  const expected = totalBits / 8n;
  if (span === null || span === expected) return;
  const wrapsAt = expected >= 1n << 32n && wrapped64 !== null ? wrapsTo(span, wrapped64) : undefined;
  anomalies.add({
    kind: "size-mismatch",
    message:
      `tensor ${quote(name)}: data_offsets span ${span} bytes, but shape ${shape} of ${tensor.dtype} is ${expected} bytes` +
      (wrapsAt
        ? `; the span is that size wrapped to ${wrapsAt} bits: crafted to pass a reader's size check`
        : ""),
    offset: tensor.offset,
    tensor: name,
    ...(wrapsAt ? { wrapsAt } : {}),
  });
}

function wrapsTo(span: bigint, wrapped64: bigint): 32 | 64 | undefined {
  if (span === wrapped64) return 64;
  if (span === BigInt.asUintN(32, wrapped64)) return 32;
  return undefined;
}

/**
 * The data region must be tiled exactly: the Rust library sorts tensors by offsets and requires each to
 * start where the previous ended and the last to end at the end of the file. Anything else is an
 * overlap (two tensors alias bytes) or bytes no tensor accounts for, where something else can hide.
 */
function checkCoverage(
  tensors: SafetensorsTensor[],
  dataOffset: number,
  dataLength: number,
  anomalies: Anomalies,
): { start: number; length: number }[] {
  const extents = tensors.filter((t) => t.dataOffsets !== null);
  extents.sort((a, b) => a.dataOffsets![0] - b.dataOffsets![0] || a.dataOffsets![1] - b.dataOffsets![1]);
  const uncovered: { start: number; length: number }[] = [];
  const gap = (start: number, end: number, after: string | null) => {
    uncovered.push({ start: dataOffset + start, length: end - start });
    anomalies.add({
      kind: "uncovered",
      message:
        end === dataLength && after !== null
          ? `${end - start} bytes after the last tensor (${quote(after)}) belong to no tensor`
          : `${end - start} bytes of the data region at [${start}, ${end}) belong to no tensor`,
      offset: dataOffset + start,
    });
  };
  let cursor = 0;
  let owner: SafetensorsTensor | null = null;
  for (const t of extents) {
    const [begin, end] = t.dataOffsets!;
    if (begin > cursor) gap(cursor, begin, owner?.name ?? null);
    else if (begin < cursor && owner) {
      anomalies.add({
        kind: "overlap",
        message:
          begin === end
            ? `empty tensor ${quote(t.name)} sits inside tensor ${quote(owner.name)} at byte ${begin} of the data region`
            : `tensors ${quote(owner.name)} and ${quote(t.name)} share bytes [${begin}, ${Math.min(end, cursor)}) of the data region`,
        offset: t.offset,
        tensor: t.name,
      });
    }
    if (end >= cursor) {
      cursor = end;
      owner = t;
    }
  }
  if (cursor < dataLength) gap(cursor, dataLength, owner?.name ?? null);
  return uncovered;
}
