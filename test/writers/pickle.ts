/**
 * A byte-exact pickle builder for tests and fixture scripts. It writes any opcode with any argument, in
 * any order, so tests can craft hostile streams (lying FRAME lengths, memo confusion, broken tails).
 */
import { opcodeByName } from "../../src/formats/pickle/opcodes.js";

type Bytes = Uint8Array | number[] | string;

const enc = new TextEncoder();

function toBytes(b: Bytes): Uint8Array {
  if (typeof b === "string") return latin1Bytes(b);
  return b instanceof Uint8Array ? b : Uint8Array.from(b);
}

/** Each char of s (0-255) as one byte. */
export function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

function le(value: number | bigint, width: number): Uint8Array {
  let v = BigInt.asUintN(width * 8, BigInt(value));
  const out = new Uint8Array(width);
  for (let i = 0; i < width; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** Two's complement little-endian, minimal length, as pickle's encode_long. */
export function encodeLong(x: bigint): Uint8Array {
  if (x === 0n) return new Uint8Array(0);
  let n = 1;
  while (x >= 1n << BigInt(8 * n - 1) || x < -(1n << BigInt(8 * n - 1))) n++;
  return le(x, n);
}

export class PickleWriter {
  private readonly parts: Uint8Array[] = [];
  private len = 0;

  get length(): number {
    return this.len;
  }

  /** Any bytes, verbatim. */
  raw(b: Bytes): this {
    const u = toBytes(b);
    this.parts.push(u);
    this.len += u.length;
    return this;
  }

  /** An opcode byte by name, then optional raw argument bytes. */
  op(name: string, ...args: Bytes[]): this {
    this.raw([opcodeByName(name).code]);
    for (const a of args) this.raw(a);
    return this;
  }

  proto(n: number): this {
    return this.op("PROTO", [n]);
  }
  frame(len: number | bigint): this {
    return this.op("FRAME", le(len, 8));
  }
  stop(): this {
    return this.op("STOP");
  }
  mark(): this {
    return this.op("MARK");
  }
  none(): this {
    return this.op("NONE");
  }
  bool(v: boolean): this {
    return this.op(v ? "NEWTRUE" : "NEWFALSE");
  }

  /** Protocol 0/1 lines. */
  global(module: string, name: string): this {
    return this.op("GLOBAL", enc.encode(`${module}\n${name}\n`));
  }
  inst(module: string, name: string): this {
    return this.op("INST", enc.encode(`${module}\n${name}\n`));
  }
  int(v: number | bigint | string): this {
    return this.op("INT", `${v}\n`);
  }
  long(v: bigint | string): this {
    return this.op("LONG", `${v}L\n`);
  }
  float(v: string): this {
    return this.op("FLOAT", `${v}\n`);
  }
  /** STRING with the line given verbatim (include the quotes and escapes yourself). */
  stringLine(quoted: string): this {
    return this.op("STRING", `${quoted}\n`);
  }
  /** STRING of an ASCII-ish str, quoted and escaped as Python 2's repr would. */
  string(s: string): this {
    const esc = s.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n");
    return this.stringLine(`'${esc}'`);
  }
  unicodeLine(raw: string): this {
    return this.op("UNICODE", `${raw}\n`);
  }
  persid(line: string): this {
    return this.op("PERSID", `${line}\n`);
  }
  get(i: number | string): this {
    return this.op("GET", `${i}\n`);
  }
  put(i: number | string): this {
    return this.op("PUT", `${i}\n`);
  }

  /** Binary forms. */
  binint(v: number): this {
    return this.op("BININT", le(v, 4));
  }
  binint1(v: number): this {
    return this.op("BININT1", [v]);
  }
  binint2(v: number): this {
    return this.op("BININT2", le(v, 2));
  }
  long1(v: bigint): this {
    const b = encodeLong(v);
    return this.op("LONG1", [b.length], b);
  }
  long4(v: bigint): this {
    const b = encodeLong(v);
    return this.op("LONG4", le(b.length, 4), b);
  }
  binfloat(v: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v);
    return this.op("BINFLOAT", b);
  }
  shortBinstring(s: Bytes): this {
    const b = toBytes(s);
    return this.op("SHORT_BINSTRING", [b.length], b);
  }
  binstring(s: Bytes): this {
    const b = toBytes(s);
    return this.op("BINSTRING", le(b.length, 4), b);
  }
  shortBinbytes(b: Bytes): this {
    const u = toBytes(b);
    return this.op("SHORT_BINBYTES", [u.length], u);
  }
  binbytes(b: Bytes): this {
    const u = toBytes(b);
    return this.op("BINBYTES", le(u.length, 4), u);
  }
  binbytes8(b: Bytes): this {
    const u = toBytes(b);
    return this.op("BINBYTES8", le(u.length, 8), u);
  }
  bytearray8(b: Bytes): this {
    const u = toBytes(b);
    return this.op("BYTEARRAY8", le(u.length, 8), u);
  }
  shortBinunicode(s: string): this {
    const b = enc.encode(s);
    return this.op("SHORT_BINUNICODE", [b.length], b);
  }
  binunicode(s: string): this {
    const b = enc.encode(s);
    return this.op("BINUNICODE", le(b.length, 4), b);
  }
  binunicode8(s: string): this {
    const b = enc.encode(s);
    return this.op("BINUNICODE8", le(b.length, 8), b);
  }
  binget(i: number): this {
    return this.op("BINGET", [i]);
  }
  longBinget(i: number): this {
    return this.op("LONG_BINGET", le(i, 4));
  }
  binput(i: number): this {
    return this.op("BINPUT", [i]);
  }
  longBinput(i: number): this {
    return this.op("LONG_BINPUT", le(i, 4));
  }
  memoize(): this {
    return this.op("MEMOIZE");
  }
  ext1(code: number): this {
    return this.op("EXT1", [code]);
  }
  ext2(code: number): this {
    return this.op("EXT2", le(code, 2));
  }
  ext4(code: number): this {
    return this.op("EXT4", le(code, 4));
  }
  /** SHORT_BINUNICODE module, SHORT_BINUNICODE name, STACK_GLOBAL. */
  stackGlobal(module: string, name: string): this {
    return this.shortBinunicode(module).shortBinunicode(name).op("STACK_GLOBAL");
  }

  /** `callable(*args)` with GLOBAL + MARK ... TUPLE + REDUCE; args written by `fill`. */
  reduceGlobal(module: string, name: string, fill: (w: this) => void): this {
    this.global(module, name).mark();
    fill(this);
    return this.op("TUPLE").op("REDUCE");
  }

  /** A protocol-4 frame around what `fill` writes, with the true length unless `lie` says otherwise. */
  framed(fill: (w: PickleWriter) => void, lie?: (trueLength: number) => number): this {
    const inner = new PickleWriter();
    fill(inner);
    const body = inner.bytes();
    return this.frame(lie ? lie(body.length) : body.length).raw(body);
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.len);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

export function pickle(): PickleWriter {
  return new PickleWriter();
}
