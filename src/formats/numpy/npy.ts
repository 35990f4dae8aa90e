/**
 * The .npy header: magic, version, and the header dict, a Python literal parsed by a small bounded
 * parser (never evaluated). Object arrays (descr 'O', or a structured dtype with an 'O' field) store a
 * pickle at `dataOffset`; other arrays store raw items, whose length is checked against the file.
 */
import { FormatError } from "../../errors.js";
import type { ByteSource } from "../source.js";

export const NPY_MAGIC = Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
/** numpy itself refuses headers past 10 kB unless told otherwise; we read at most this. */
export const NPY_MAX_HEADER = 1 << 20;

export type PyLiteral =
  | { t: "str"; v: string }
  | { t: "int"; v: number }
  | { t: "float"; v: number }
  | { t: "bool"; v: boolean }
  | { t: "none" }
  | { t: "tuple"; v: PyLiteral[] }
  | { t: "list"; v: PyLiteral[] }
  | { t: "dict"; v: [PyLiteral, PyLiteral][] };

export interface NpyField {
  name: string;
  descr: NpyDescr;
  shape: number[];
}
export type NpyDescr = string | NpyField[];

export interface NpyAnomaly {
  kind: "data-size-mismatch" | "unknown-keys" | "unknown-dtype" | "header-alignment";
  message: string;
}

export interface NpyHeader {
  version: [number, number];
  headerLength: number;
  descr: NpyDescr;
  fortranOrder: boolean;
  shape: number[];
  /** Absolute offset of the array data (a pickle for object arrays) in the source. */
  dataOffset: number;
  /** Bytes per item; null when the dtype is not understood or holds objects. */
  itemSize: number | null;
  hasObjects: boolean;
  /** shape product × itemSize; null when unknown (objects, unknown dtype, overflow). */
  expectedDataLength: number | null;
  anomalies: NpyAnomaly[];
}

class LiteralParser {
  private i = 0;
  private depth = 0;
  constructor(
    private readonly s: string,
    private readonly base: number,
  ) {}
  private fail(msg: string): never {
    throw new FormatError(
      "FORMAT_MALFORMED",
      `npy header: ${msg} at character ${this.i}`,
      this.base + this.i,
    );
  }
  private ws(): void {
    while (this.i < this.s.length && /[\s]/.test(this.s[this.i]!)) this.i++;
  }
  parseTop(): PyLiteral {
    const v = this.value();
    this.ws();
    if (this.i !== this.s.length) this.fail("unexpected text after the literal");
    return v;
  }
  private value(): PyLiteral {
    this.ws();
    const c = this.s[this.i];
    if (c === undefined) this.fail("unexpected end");
    if (c === "{") return this.seq("}", true);
    if (c === "(") return this.seq(")", false);
    if (c === "[") return this.seq("]", false);
    if (c === "'" || c === '"') return { t: "str", v: this.str(c) };
    const m = /^(?:True|False|None|[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)L?)/.exec(
      this.s.slice(this.i, this.i + 64),
    );
    if (!m) this.fail(`unexpected character ${JSON.stringify(c)}`);
    const tok = m[0];
    this.i += tok.length;
    if (tok === "True" || tok === "False") return { t: "bool", v: tok === "True" };
    if (tok === "None") return { t: "none" };
    const num = tok.replace(/L$/, "");
    return /[.eE]/.test(num) ? { t: "float", v: Number(num) } : { t: "int", v: Number(num) };
  }
  private str(q: string): string {
    this.i++;
    let out = "";
    for (;;) {
      const c = this.s[this.i++];
      if (c === undefined) this.fail("unterminated string");
      if (c === q) return out;
      if (c === "\\") {
        const e = this.s[this.i++];
        if (e === undefined) this.fail("unterminated string");
        const simple: Record<string, string> = {
          n: "\n",
          t: "\t",
          r: "\r",
          "0": "\0",
          "\\": "\\",
          "'": "'",
          '"': '"',
        };
        if (e in simple) out += simple[e];
        else if (e === "x" || e === "u") {
          const n = e === "x" ? 2 : 4;
          const hex = this.s.slice(this.i, this.i + n);
          if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) this.fail("bad escape");
          out += String.fromCharCode(Number.parseInt(hex, 16));
          this.i += n;
        } else out += `\\${e}`;
      } else out += c;
    }
  }
  private seq(close: string, dict: boolean): PyLiteral {
    if (++this.depth > 32) this.fail("nesting too deep");
    this.i++;
    const items: PyLiteral[] = [];
    const entries: [PyLiteral, PyLiteral][] = [];
    let commas = 0;
    for (;;) {
      this.ws();
      if (this.s[this.i] === close) {
        this.i++;
        break;
      }
      if (items.length + entries.length > 100_000) this.fail("too many items");
      const k = this.value();
      if (dict) {
        this.ws();
        if (this.s[this.i] !== ":") this.fail("expected ':'");
        this.i++;
        entries.push([k, this.value()]);
      } else items.push(k);
      this.ws();
      if (this.s[this.i] === ",") {
        this.i++;
        commas++;
        continue;
      }
      if (this.s[this.i] === close) {
        this.i++;
        break;
      }
      this.fail(`expected ',' or '${close}'`);
    }
    this.depth--;
    if (dict) return { t: "dict", v: entries };
    void commas;
    return close === ")" ? { t: "tuple", v: items } : { t: "list", v: items };
  }
}

/** Parses a Python literal (dict/tuple/list/str/int/float/bool/None). Throws FormatError. */
export function parsePyLiteral(text: string, baseOffset = 0): PyLiteral {
  return new LiteralParser(text, baseOffset).parseTop();
}

function descrFrom(v: PyLiteral, offset: number, depth = 0): NpyDescr {
  if (depth > 16) throw new FormatError("FORMAT_MALFORMED", "npy header: dtype nesting too deep", offset);
  if (v.t === "str") return v.v;
  if (v.t === "list") {
    return v.v.map((f) => {
      if (f.t !== "tuple" || f.v.length < 2)
        throw new FormatError("FORMAT_MALFORMED", "npy header: bad field", offset);
      const [name, d, shape] = f.v;
      let fieldName = "";
      if (name?.t === "str") fieldName = name.v;
      else if (name?.t === "tuple" && name.v[0]?.t === "str") fieldName = name.v[0].v;
      return {
        name: fieldName,
        descr: descrFrom(d!, offset, depth + 1),
        shape: shape ? shapeFrom(shape, offset) : [],
      };
    });
  }
  throw new FormatError("FORMAT_MALFORMED", "npy header: 'descr' is neither a string nor a list", offset);
}

function shapeFrom(v: PyLiteral, offset: number): number[] {
  if (v.t === "int") return [v.v];
  if (v.t !== "tuple" && v.t !== "list")
    throw new FormatError("FORMAT_MALFORMED", "npy header: bad shape", offset);
  return v.v.map((d) => {
    if (d.t !== "int" || d.v < 0 || !Number.isSafeInteger(d.v)) {
      throw new FormatError("FORMAT_MALFORMED", "npy header: bad dimension in shape", offset);
    }
    return d.v;
  });
}

/** True when the dtype holds Python objects anywhere. */
export function descrHasObjects(d: NpyDescr): boolean {
  if (typeof d === "string") return /^[<>|=]?O\d*$/.test(d);
  return d.some((f) => descrHasObjects(f.descr));
}

/** Bytes per item, or null for dtypes we do not size (objects, unknown codes). */
export function descrItemSize(d: NpyDescr): number | null {
  if (typeof d !== "string") {
    let total = 0;
    for (const f of d) {
      const s = descrItemSize(f.descr);
      if (s === null) return null;
      total += s * f.shape.reduce((a, b) => a * b, 1);
    }
    return total;
  }
  const m = /^([<>|=]?)([a-zA-Z?])(\d*)(\[\w+\])?$/.exec(d);
  if (!m) return null;
  const code = m[2]!;
  const n = m[3] ? Number(m[3]) : null;
  switch (code) {
    case "O":
      return null;
    case "?":
      return 1;
    case "b":
    case "B":
      return n ?? 1;
    case "U":
      return n === null ? null : 4 * n;
    case "S":
    case "a":
    case "V":
      return n;
    case "i":
    case "u":
    case "f":
    case "c":
    case "M":
    case "m":
      return n;
    case "e":
      return 2;
    case "h":
    case "H":
      return 2;
    case "l":
    case "L":
    case "q":
    case "Q":
    case "d":
    case "g":
      return n ?? 8;
    default:
      return null;
  }
}

/** Reads and validates the header of an .npy stream starting at `offset` of `src`. Throws FormatError. */
export function readNpyHeader(src: ByteSource, offset = 0): NpyHeader {
  const pre = src.read(offset, 12);
  if (pre.length < 10 || !NPY_MAGIC.every((b, i) => pre[i] === b)) {
    throw new FormatError(
      pre.length < 10 ? "FORMAT_TRUNCATED" : "FORMAT_MALFORMED",
      "not an npy file (bad magic)",
      offset,
    );
  }
  const major = pre[6]!;
  const minor = pre[7]!;
  if (major < 1 || major > 3) {
    throw new FormatError("FORMAT_UNSUPPORTED", `npy version ${major}.${minor} is not supported`, offset + 6);
  }
  let headerLength: number;
  let start: number;
  if (major === 1) {
    headerLength = pre[8]! | (pre[9]! << 8);
    start = offset + 10;
  } else {
    if (pre.length < 12)
      throw new FormatError("FORMAT_TRUNCATED", "npy header length is cut off", offset + 8);
    headerLength = (pre[8]! | (pre[9]! << 8) | (pre[10]! << 16) | (pre[11]! << 24)) >>> 0;
    start = offset + 12;
  }
  if (headerLength > NPY_MAX_HEADER) {
    throw new FormatError(
      "FORMAT_MALFORMED",
      `npy header of ${headerLength} bytes is larger than allowed`,
      offset + 8,
    );
  }
  const raw = src.read(start, headerLength);
  if (raw.length < headerLength) throw new FormatError("FORMAT_TRUNCATED", "npy header is cut off", start);
  const text =
    major === 3
      ? new TextDecoder("utf-8", { fatal: false }).decode(raw)
      : Array.from(raw, (c) => String.fromCharCode(c)).join("");
  const lit = parsePyLiteral(text, start);
  if (lit.t !== "dict") throw new FormatError("FORMAT_MALFORMED", "npy header is not a dict", start);
  const keys = new Map<string, PyLiteral>();
  for (const [k, v] of lit.v) if (k.t === "str") keys.set(k.v, v);
  const anomalies: NpyAnomaly[] = [];
  const extra = [...keys.keys()].filter((k) => !["descr", "fortran_order", "shape"].includes(k));
  if (extra.length > 0 || lit.v.length !== keys.size) {
    anomalies.push({ kind: "unknown-keys", message: `npy header has unexpected keys: ${extra.join(", ")}` });
  }
  const d = keys.get("descr");
  const fo = keys.get("fortran_order");
  const sh = keys.get("shape");
  if (!d || !fo || !sh)
    throw new FormatError("FORMAT_MALFORMED", "npy header lacks descr, fortran_order or shape", start);
  if (fo.t !== "bool") throw new FormatError("FORMAT_MALFORMED", "npy fortran_order is not a bool", start);
  const descr = descrFrom(d, start);
  const shape = shapeFrom(sh, start);
  const dataOffset = start + headerLength;
  if ((dataOffset - offset) % 16 !== 0) {
    anomalies.push({
      kind: "header-alignment",
      message: `npy data starts at ${dataOffset - offset}, not a multiple of 16`,
    });
  }
  const hasObjects = descrHasObjects(descr);
  const itemSize = hasObjects ? null : descrItemSize(descr);
  let expectedDataLength: number | null = null;
  if (!hasObjects && itemSize === null) {
    anomalies.push({
      kind: "unknown-dtype",
      message: `npy dtype ${JSON.stringify(descr)} is not understood`,
    });
  }
  if (itemSize !== null) {
    let n = itemSize;
    for (const dim of shape) n *= dim;
    expectedDataLength = Number.isSafeInteger(n) ? n : null;
    const actual = src.size - dataOffset;
    if (expectedDataLength === null || expectedDataLength !== actual) {
      anomalies.push({
        kind: "data-size-mismatch",
        message: `npy shape (${shape.join(", ")}) of ${itemSize}-byte items needs ${expectedDataLength ?? "more than 2^53"} bytes, the file holds ${actual}`,
      });
    }
  }
  return {
    version: [major, minor],
    headerLength,
    descr,
    fortranOrder: fo.v,
    shape,
    dataOffset,
    itemSize,
    hasObjects,
    expectedDataLength,
    anomalies,
  };
}
