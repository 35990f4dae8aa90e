/**
 * A bounded pickle disassembler, like `pickletools.genops`, over a ByteSource. Arguments are decoded as
 * CPython's C unpickler reads them; large string/bytes arguments are never read whole: only an offset,
 * a length and a preview are kept, so memory stays flat whatever the argument size.
 */
import type { ByteSource } from "../source.js";
import { OPCODE_BY_CODE, type OpcodeInfo } from "./opcodes.js";
import { DEFAULT_PICKLE_LIMITS, type PickleError, type PickleLimits } from "./types.js";

export const DEFAULT_MAX_LINE = 16 * 1024 * 1024;

/** A decoded opcode argument, bounded. */
export type OpArg =
  | null
  | { kind: "int"; value: bigint }
  | { kind: "bool"; value: boolean }
  | { kind: "float"; value: number }
  /** A LONG1/LONG4 integer too long to decode (more than 4096 bytes). */
  | { kind: "bigint"; offset: number; length: number }
  /**
   * Text. `value` is the whole text when `complete`, else a prefix. `offset`/`length` locate the encoded
   * bytes in the source; `escaped` when they are a protocol-0 escaped line. `latin1`: a Python 2 str
   * (STRING, BINSTRING, SHORT_BINSTRING) decoded byte for byte.
   */
  | {
      kind: "str";
      value: string;
      offset: number;
      length: number;
      complete: boolean;
      escaped: boolean;
      latin1: boolean;
    }
  | { kind: "bytes"; preview: Uint8Array; offset: number; length: number; bytearray: boolean }
  /** GLOBAL / INST: module and name lines. */
  | { kind: "pair"; module: string; name: string };

export interface PickleOp {
  /** Offset of the opcode byte. */
  offset: number;
  /** The opcode byte, or -1 when the source ended before one. */
  opcode: number;
  name: string;
  arg: OpArg;
  /** Offset just past the opcode and its argument. */
  end: number;
  /** Present on the last item only, when reading broke at this opcode. */
  error?: PickleError;
}

const CHUNK = 64 * 1024;
const MAX_INT_BYTES = 4096;

/** Sequential reads through one cached chunk of the source. Copies what it hands out. */
export class Cursor {
  private buf: Uint8Array = new Uint8Array(0);
  private bufStart = 0;
  constructor(readonly src: ByteSource) {}

  get size(): number {
    return this.src.size;
  }

  /** The byte at pos, or -1 past the end. */
  byte(pos: number): number {
    if (pos < this.bufStart || pos >= this.bufStart + this.buf.length) {
      if (pos < 0 || pos >= this.src.size) return -1;
      this.load(pos, CHUNK);
    }
    return this.buf[pos - this.bufStart] ?? -1;
  }

  /** A copy of up to n bytes at pos (fewer only at the end). For small n. */
  bytes(pos: number, n: number): Uint8Array {
    if (n <= 0 || pos >= this.src.size) return new Uint8Array(0);
    if (pos < this.bufStart || pos + n > this.bufStart + this.buf.length) {
      if (n > CHUNK) return this.src.read(pos, n).slice();
      this.load(pos, CHUNK);
    }
    const s = pos - this.bufStart;
    return this.buf.slice(s, Math.min(this.buf.length, s + n));
  }

  private load(pos: number, n: number): void {
    this.buf = this.src.read(pos, n);
    this.bufStart = pos;
  }
}

class ReadFail {
  constructor(
    readonly kind: PickleError["kind"],
    readonly message: string,
  ) {}
}

function need(cur: Cursor, pos: number, n: number, what: string): Uint8Array {
  const b = cur.bytes(pos, n);
  if (b.length < n)
    throw new ReadFail("truncated", `expected ${n} bytes in ${what}, but only ${b.length} remain`);
  return b;
}

function uintLE(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
}

function int4(b: Uint8Array): number {
  return b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24) | 0;
}

/** Little-endian two's complement, as pickle's decode_long. */
export function decodeLong(b: Uint8Array): bigint {
  if (b.length === 0) return 0n;
  const v = uintLE(b);
  if ((b[b.length - 1]! & 0x80) !== 0) return v - (1n << BigInt(8 * b.length));
  return v;
}

export function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 8192) {
    s += String.fromCharCode(...b.subarray(i, Math.min(b.length, i + 8192)));
  }
  return s;
}

/**
 * UTF-8 with Python's `surrogatepass`: strict, but encoded surrogates are allowed. Returns null on
 * invalid input. With `partial`, a sequence cut off by the end of `b` is dropped instead of failing.
 */
export function utf8SurrogatePass(b: Uint8Array, partial = false): string | null {
  const out: number[] = [];
  let s = "";
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i]!;
    let cp: number;
    let len: number;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      cp = c & 0x07;
    } else return null;
    if (i + len > n) {
      if (!partial) return null;
      for (let k = i + 1; k < n; k++) if ((b[k]! & 0xc0) !== 0x80) return null;
      break;
    }
    for (let k = 1; k < len; k++) {
      const cc = b[i + k]!;
      if ((cc & 0xc0) !== 0x80) return null;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((len === 3 && cp < 0x800) || (len === 4 && (cp < 0x10000 || cp > 0x10ffff))) return null;
    out.push(cp);
    if (out.length >= 8192) {
      s += String.fromCodePoint(...out);
      out.length = 0;
    }
    i += len;
  }
  // String.fromCodePoint accepts lone surrogates as code units.
  return s + String.fromCodePoint(...out);
}

/** Python's `codecs.escape_decode` (bytes literal escapes). */
export function escapeDecode(b: Uint8Array): Uint8Array | string {
  const out = new Uint8Array(b.length);
  let o = 0;
  const hex = (x: number) =>
    x >= 0x30 && x <= 0x39
      ? x - 0x30
      : x >= 0x61 && x <= 0x66
        ? x - 87
        : x >= 0x41 && x <= 0x46
          ? x - 55
          : -1;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c !== 0x5c) {
      out[o++] = c;
      continue;
    }
    i++;
    if (i >= b.length) return "Trailing \\ in string";
    const e = b[i]!;
    switch (e) {
      case 0x0a:
        break;
      case 0x5c:
        out[o++] = 0x5c;
        break;
      case 0x27:
        out[o++] = 0x27;
        break;
      case 0x22:
        out[o++] = 0x22;
        break;
      case 0x62:
        out[o++] = 8;
        break;
      case 0x66:
        out[o++] = 12;
        break;
      case 0x74:
        out[o++] = 9;
        break;
      case 0x6e:
        out[o++] = 10;
        break;
      case 0x72:
        out[o++] = 13;
        break;
      case 0x76:
        out[o++] = 11;
        break;
      case 0x61:
        out[o++] = 7;
        break;
      case 0x78: {
        const h1 = i + 1 < b.length ? hex(b[i + 1]!) : -1;
        const h2 = i + 2 < b.length ? hex(b[i + 2]!) : -1;
        if (h1 < 0 || h2 < 0) return `invalid \\x escape at position ${i - 1}`;
        out[o++] = h1 * 16 + h2;
        i += 2;
        break;
      }
      default:
        if (e >= 0x30 && e <= 0x37) {
          let v = e - 0x30;
          for (let k = 0; k < 2 && i + 1 < b.length && b[i + 1]! >= 0x30 && b[i + 1]! <= 0x37; k++) {
            i++;
            v = v * 8 + (b[i]! - 0x30);
          }
          out[o++] = v & 0xff;
        } else {
          out[o++] = 0x5c;
          out[o++] = e;
        }
    }
  }
  return out.subarray(0, o);
}

/** Python's `raw-unicode-escape` decoding. */
export function rawUnicodeEscape(b: Uint8Array): { ok: string } | { error: string } {
  let s = "";
  let i = 0;
  const parts: string[] = [];
  while (i < b.length) {
    const c = b[i]!;
    if (c !== 0x5c) {
      s += String.fromCharCode(c);
      i++;
    } else {
      // Count the backslashes: only an odd run escapes the following u/U.
      let j = i;
      while (j < b.length && b[j] === 0x5c) j++;
      const run = j - i;
      const next = b[j];
      if (run % 2 === 1 && (next === 0x75 || next === 0x55)) {
        s += "\\".repeat(run - 1);
        const digits = next === 0x75 ? 4 : 8;
        const h = b.subarray(j + 1, j + 1 + digits);
        const text = latin1(h);
        if (h.length < digits || !/^[0-9a-fA-F]+$/.test(text)) {
          return { error: `truncated \\${next === 0x75 ? "uXXXX" : "UXXXXXXXX"} escape` };
        }
        const cp = Number.parseInt(text, 16);
        if (cp > 0x10ffff) return { error: "\\Uxxxxxxxx out of range" };
        s += String.fromCodePoint(cp);
        i = j + 1 + digits;
      } else {
        s += "\\".repeat(run);
        i = j;
      }
    }
    if (s.length > 65536) {
      parts.push(s);
      s = "";
    }
  }
  parts.push(s);
  return { ok: parts.join("") };
}

/** Python's int() of bytes in base 10 (whitespace, sign and underscores allowed). */
function parsePyInt(b: Uint8Array): bigint | null {
  const t = latin1(b).replace(/^[\s]+|[\s]+$/g, "");
  const m = /^([+-]?)(\d+(?:_\d+)*)$/.exec(t);
  if (!m) return null;
  const v = BigInt(m[2]!.replace(/_/g, ""));
  return m[1] === "-" ? -v : v;
}

/** Python's float() of bytes. */
function parsePyFloat(b: Uint8Array): number | null {
  const t = latin1(b)
    .replace(/^[\s]+|[\s]+$/g, "")
    .toLowerCase();
  const m = /^([+-]?)(inf|infinity|nan)$/.exec(t);
  if (m) return m[2] === "nan" ? Number.NaN : m[1] === "-" ? -Infinity : Infinity;
  const d = "\\d(?:_?\\d)*";
  if (!new RegExp(`^[+-]?(?:${d}(?:\\.(?:${d})?)?|\\.${d})(?:e[+-]?${d})?$`).test(t)) return null;
  return Number(t.replace(/_/g, ""));
}

function isAscii(b: Uint8Array): boolean {
  for (const c of b) if (c >= 0x80) return false;
  return true;
}

interface Line {
  bytes: Uint8Array;
  /** Offset just past the newline. */
  next: number;
}

function readLine(cur: Cursor, pos: number, maxLine: number, what: string): Line {
  const parts: Uint8Array[] = [];
  let total = 0;
  let p = pos;
  for (;;) {
    const chunk = cur.bytes(p, CHUNK);
    if (chunk.length === 0) throw new ReadFail("truncated", `no newline found when trying to read ${what}`);
    const nl = chunk.indexOf(0x0a);
    const take = nl >= 0 ? nl : chunk.length;
    total += take;
    if (total > maxLine) throw new ReadFail("bound", `${what} line longer than ${maxLine} bytes`);
    parts.push(chunk.subarray(0, take));
    if (nl >= 0) {
      const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
      return { bytes, next: p + nl + 1 };
    }
    p += chunk.length;
  }
}

/** Length of a counted argument: a safe integer or a truncation error when it runs past the end. */
function counted(cur: Cursor, dataStart: number, len: bigint, what: string): number {
  const remain = Math.max(0, cur.size - dataStart);
  if (len > BigInt(remain))
    throw new ReadFail("truncated", `expected ${len} bytes in ${what}, but only ${remain} remain`);
  return Number(len);
}

function textArg(
  cur: Cursor,
  offset: number,
  length: number,
  limits: PickleLimits,
  decode: "utf8" | "latin1",
): OpArg {
  const maxLine = limits.maxLine ?? DEFAULT_MAX_LINE;
  if (decode === "latin1") {
    const n = Math.min(length, limits.maxPreview);
    return {
      kind: "str",
      value: latin1(cur.bytes(offset, n)),
      offset,
      length,
      complete: n === length,
      escaped: false,
      latin1: true,
    };
  }
  if (length <= maxLine) {
    const all = length <= CHUNK ? cur.bytes(offset, length) : cur.src.read(offset, length);
    const s = utf8SurrogatePass(all);
    if (s === null) throw new ReadFail("malformed", "'utf-8' codec can't decode the string argument");
    const complete = s.length <= limits.maxPreview;
    return {
      kind: "str",
      value: complete ? s : s.slice(0, limits.maxPreview),
      offset,
      length,
      complete,
      escaped: false,
      latin1: false,
    };
  }
  // Too long to validate whole: decode the preview only.
  const s = utf8SurrogatePass(cur.bytes(offset, limits.maxPreview), true);
  if (s === null) throw new ReadFail("malformed", "'utf-8' codec can't decode the string argument");
  return { kind: "str", value: s, offset, length, complete: false, escaped: false, latin1: false };
}

function bytesArg(
  cur: Cursor,
  offset: number,
  length: number,
  limits: PickleLimits,
  bytearray: boolean,
): OpArg {
  return {
    kind: "bytes",
    preview: cur.bytes(offset, Math.min(length, limits.maxPreview)),
    offset,
    length,
    bytearray,
  };
}

function decodeLineStr(line: Uint8Array, what: string): string {
  const s = utf8SurrogatePass(line);
  if (s === null) throw new ReadFail("malformed", `${what} is not valid UTF-8`);
  return s;
}

/** Reads the argument of `op` whose opcode byte is at `at`. Returns the argument and where it ends. */
function readArg(cur: Cursor, op: OpcodeInfo, at: number, limits: PickleLimits): { arg: OpArg; end: number } {
  const p = at + 1;
  const maxLine = limits.maxLine ?? DEFAULT_MAX_LINE;
  switch (op.arg) {
    case "none":
      return { arg: null, end: p };
    case "uint1":
      return { arg: { kind: "int", value: BigInt(need(cur, p, 1, op.arg)[0]!) }, end: p + 1 };
    case "uint2":
      return { arg: { kind: "int", value: uintLE(need(cur, p, 2, op.arg)) }, end: p + 2 };
    case "uint4":
      return { arg: { kind: "int", value: uintLE(need(cur, p, 4, op.arg)) }, end: p + 4 };
    case "uint8":
      return { arg: { kind: "int", value: uintLE(need(cur, p, 8, op.arg)) }, end: p + 8 };
    case "int4":
      return { arg: { kind: "int", value: BigInt(int4(need(cur, p, 4, op.arg))) }, end: p + 4 };
    case "float8": {
      const b = need(cur, p, 8, op.arg);
      return {
        arg: { kind: "float", value: new DataView(b.buffer, b.byteOffset, 8).getFloat64(0) },
        end: p + 8,
      };
    }
    case "long1":
    case "long4": {
      const w = op.arg === "long1" ? 1 : 4;
      const hdr = need(cur, p, w, op.arg);
      const n = w === 1 ? hdr[0]! : int4(hdr);
      if (n < 0) throw new ReadFail("malformed", "LONG pickle has negative byte count");
      const len = counted(cur, p + w, BigInt(n), op.arg);
      if (len > MAX_INT_BYTES)
        return { arg: { kind: "bigint", offset: p + w, length: len }, end: p + w + len };
      return { arg: { kind: "int", value: decodeLong(need(cur, p + w, len, op.arg)) }, end: p + w + len };
    }
    case "decimalnl_short": {
      const line = readLine(cur, p, maxLine, op.arg);
      if (op.name === "INT") {
        if (
          line.bytes.length === 2 &&
          line.bytes[0] === 0x30 &&
          (line.bytes[1] === 0x30 || line.bytes[1] === 0x31)
        ) {
          return { arg: { kind: "bool", value: line.bytes[1] === 0x31 }, end: line.next };
        }
      }
      const v = parsePyInt(line.bytes);
      if (v === null)
        throw new ReadFail(
          "malformed",
          `invalid literal for int(): ${JSON.stringify(latin1(line.bytes.subarray(0, 40)))}`,
        );
      return { arg: { kind: "int", value: v }, end: line.next };
    }
    case "decimalnl_long": {
      const line = readLine(cur, p, maxLine, op.arg);
      let b = line.bytes;
      if (b.length > 0 && b[b.length - 1] === 0x4c) b = b.subarray(0, b.length - 1);
      const v = parsePyInt(b);
      if (v === null)
        throw new ReadFail(
          "malformed",
          `invalid literal for int(): ${JSON.stringify(latin1(b.subarray(0, 40)))}`,
        );
      return { arg: { kind: "int", value: v }, end: line.next };
    }
    case "floatnl": {
      const line = readLine(cur, p, maxLine, op.arg);
      const v = parsePyFloat(line.bytes);
      if (v === null) throw new ReadFail("malformed", "could not convert string to float");
      return { arg: { kind: "float", value: v }, end: line.next };
    }
    case "stringnl": {
      const line = readLine(cur, p, maxLine, op.arg);
      const b = line.bytes;
      const q = b[0];
      if (!(b.length >= 2 && (q === 0x27 || q === 0x22) && b[b.length - 1] === q)) {
        throw new ReadFail("malformed", "the STRING opcode argument must be quoted");
      }
      const dec = escapeDecode(b.subarray(1, b.length - 1));
      if (typeof dec === "string") throw new ReadFail("malformed", dec);
      const n = Math.min(dec.length, limits.maxPreview);
      return {
        arg: {
          kind: "str",
          value: latin1(dec.subarray(0, n)),
          offset: p + 1,
          length: b.length - 2,
          complete: n === dec.length,
          escaped: true,
          latin1: true,
        },
        end: line.next,
      };
    }
    case "unicodestringnl": {
      const line = readLine(cur, p, maxLine, op.arg);
      const r = rawUnicodeEscape(line.bytes);
      if ("error" in r) throw new ReadFail("malformed", `'rawunicodeescape' codec can't decode: ${r.error}`);
      const complete = r.ok.length <= limits.maxPreview;
      return {
        arg: {
          kind: "str",
          value: complete ? r.ok : r.ok.slice(0, limits.maxPreview),
          offset: p,
          length: line.bytes.length,
          complete,
          escaped: true,
          latin1: false,
        },
        end: line.next,
      };
    }
    case "stringnl_noescape": {
      const line = readLine(cur, p, maxLine, op.arg);
      if (!isAscii(line.bytes))
        throw new ReadFail("malformed", "persistent IDs in protocol 0 must be ASCII strings");
      return {
        arg: {
          kind: "str",
          value: latin1(line.bytes.subarray(0, limits.maxPreview)),
          offset: p,
          length: line.bytes.length,
          complete: line.bytes.length <= limits.maxPreview,
          escaped: false,
          latin1: false,
        },
        end: line.next,
      };
    }
    case "stringnl_noescape_pair": {
      const l1 = readLine(cur, p, maxLine, op.arg);
      if (l1.bytes.length === 0)
        throw new ReadFail("truncated", "pickle data was truncated (empty module line)");
      const l2 = readLine(cur, l1.next, maxLine, op.arg);
      if (l2.bytes.length === 0)
        throw new ReadFail("truncated", "pickle data was truncated (empty name line)");
      return {
        arg: {
          kind: "pair",
          module: decodeLineStr(l1.bytes, "module name"),
          name: decodeLineStr(l2.bytes, "name"),
        },
        end: l2.next,
      };
    }
    case "string1":
    case "bytes1":
    case "unicodestring1":
    case "string4":
    case "bytes4":
    case "unicodestring4":
    case "bytes8":
    case "bytearray8":
    case "unicodestring8": {
      const w = op.arg.endsWith("1") ? 1 : op.arg.endsWith("4") ? 4 : 8;
      const hdr = need(cur, p, w, op.arg);
      let len: bigint;
      if (op.arg === "string4") {
        const n = int4(hdr);
        if (n < 0) throw new ReadFail("malformed", "BINSTRING pickle has negative byte count");
        len = BigInt(n);
      } else len = uintLE(hdr);
      const data = p + w;
      const n = counted(cur, data, len, op.arg);
      const end = data + n;
      if (op.arg.startsWith("string")) return { arg: textArg(cur, data, n, limits, "latin1"), end };
      if (op.arg.startsWith("unicode")) return { arg: textArg(cur, data, n, limits, "utf8"), end };
      return { arg: bytesArg(cur, data, n, limits, op.arg === "bytearray8"), end };
    }
  }
}

/**
 * Reads one opcode at `pos`. Never throws: a failure comes back as an op with `error` set (opcode -1 and
 * name "EOF" when the source ended before an opcode byte).
 */
export function readOp(cur: Cursor, pos: number, limits: PickleLimits = DEFAULT_PICKLE_LIMITS): PickleOp {
  const code = cur.byte(pos);
  if (code < 0) {
    return {
      offset: pos,
      opcode: -1,
      name: "EOF",
      arg: null,
      end: pos,
      error: { offset: pos, kind: "truncated", message: "pickle exhausted before seeing STOP" },
    };
  }
  const op = OPCODE_BY_CODE[code];
  if (!op) {
    const shown =
      code >= 0x20 && code <= 0x7e && code !== 0x27 && code !== 0x5c
        ? String.fromCharCode(code)
        : `\\x${code.toString(16).padStart(2, "0")}`;
    return {
      offset: pos,
      opcode: code,
      name: "UNKNOWN",
      arg: null,
      end: pos + 1,
      error: { offset: pos, kind: "malformed", message: `invalid load key, '${shown}'` },
    };
  }
  try {
    const { arg, end } = readArg(cur, op, pos, limits);
    return { offset: pos, opcode: code, name: op.name, arg, end };
  } catch (e) {
    if (!(e instanceof ReadFail)) throw e;
    return {
      offset: pos,
      opcode: code,
      name: op.name,
      arg: null,
      end: pos + 1,
      error: { offset: pos, kind: e.kind, message: `${op.name}: ${e.message}` },
    };
  }
}

/**
 * Yields the opcodes of one pickle starting at `offset`, in order, up to and including STOP. Like
 * pickletools, it reads sequentially and ignores FRAME boundaries. When reading breaks, the last item
 * carries `error` (at the offending opcode's offset) and the generator ends.
 */
export function* disassemble(
  src: ByteSource,
  offset = 0,
  limits: PickleLimits = DEFAULT_PICKLE_LIMITS,
): Generator<PickleOp, void, void> {
  const cur = new Cursor(src);
  let pos = offset;
  for (;;) {
    const op = readOp(cur, pos, limits);
    yield op;
    if (op.error || op.name === "STOP") return;
    pos = op.end;
  }
}
