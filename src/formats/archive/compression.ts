/**
 * Single-stream compression wrappers: detection by magic bytes and decompression with a cap on the
 * output enforced while decompressing. gzip/zlib use node:zlib; bzip2 uses seek-bzip and xz uses
 * xz-decompress, both loaded only when a file needs them; legacy .lzma uses our bounded decoder.
 */
import { createRequire } from "node:module";
import { gunzipSync, inflateSync } from "node:zlib";
import { BoundExceededError, FormatError } from "../../errors.js";
import type { ByteSource } from "../source.js";

export type CompressionKind = "gzip" | "zlib" | "bzip2" | "xz" | "lzma";

/** Identifies a compressed stream from its first bytes (at least 14 for lzma). */
export function detectCompression(head: Uint8Array): CompressionKind | null {
  const b = (i: number) => head[i] ?? -1;
  if (b(0) === 0x1f && b(1) === 0x8b && b(2) === 8) return "gzip";
  if (b(0) === 0x42 && b(1) === 0x5a && b(2) === 0x68 && b(3) >= 0x31 && b(3) <= 0x39) {
    // "BZh1".."BZh9" then a block magic (pi) or the end-of-stream magic (sqrt pi).
    if ((b(4) === 0x31 && b(5) === 0x41) || (b(4) === 0x17 && b(5) === 0x72) || head.length < 6)
      return "bzip2";
  }
  if (b(0) === 0xfd && b(1) === 0x37 && b(2) === 0x7a && b(3) === 0x58 && b(4) === 0x5a && b(5) === 0)
    return "xz";
  if (isLzmaAlone(head)) return "lzma";
  // zlib: CM=8, CINFO<=7, FCHECK makes the 16-bit header a multiple of 31, no preset dictionary.
  if (
    (b(0) & 0x0f) === 8 &&
    b(0) >> 4 <= 7 &&
    b(1) >= 0 &&
    ((b(0) << 8) | b(1)) % 31 === 0 &&
    !(b(1) & 0x20)
  ) {
    return "zlib";
  }
  return null;
}

function isLzmaAlone(head: Uint8Array): boolean {
  const h = parseLzmaHeader(head);
  if (!h || head.length < 14 || head[13] !== 0) return false;
  // lc+lp<=4 in every encoder's presets; dictionary sizes are 2^n or 2^n + 2^(n-1) (xz-utils, 7-Zip).
  if (h.lc + h.lp > 4 || h.pb > 4) return false;
  const d = h.dictSize;
  // Encoders never write a dictionary under 4 KiB; a zero one is what runs of zero bytes look like.
  if (d < 4096) return false;
  const pow = (x: number) => x > 0 && (x & (x - 1)) === 0;
  const okDict = pow(d) || pow(d - (d & -d)) || d === 0xffffffff;
  if (!okDict) return false;
  return h.unpackSize === -1 || h.unpackSize < 2 ** 48;
}

export const COMPRESSION_KINDS: readonly CompressionKind[] = ["gzip", "zlib", "bzip2", "xz", "lzma"];

function readAll(src: ByteSource, maxInput: number): Uint8Array {
  return src.read(0, Math.min(src.size, maxInput));
}

function capError(kind: string, maxBytes: number): BoundExceededError {
  return new BoundExceededError("decompress.maxBytes", maxBytes, `${kind} output exceeds ${maxBytes} bytes`);
}

function zlibCapped(kind: "gzip" | "zlib", input: Uint8Array, maxBytes: number): Uint8Array {
  try {
    const opts = { maxOutputLength: Math.max(1, maxBytes) };
    const out = kind === "gzip" ? gunzipSync(input, opts) : inflateSync(input, opts);
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  } catch (e) {
    if ((e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE" || e instanceof RangeError) {
      throw capError(kind, maxBytes);
    }
    const code = (e as { code?: string }).code === "Z_BUF_ERROR" ? "FORMAT_TRUNCATED" : "FORMAT_MALFORMED";
    throw new FormatError(code, `${kind}: ${(e as Error).message}`, 0, { cause: e });
  }
}

const require = createRequire(import.meta.url);

interface BunzipLib {
  decode(input: unknown, output: unknown, multistream?: boolean): unknown;
}

function bzip2Capped(input: Uint8Array, maxBytes: number): Uint8Array {
  const Bunzip = require("seek-bzip") as BunzipLib;
  let out = new Uint8Array(Math.min(maxBytes, 1 << 16));
  let pos = 0;
  const inStream = {
    pos: 0,
    readByte(): number {
      const b = input[this.pos];
      if (b === undefined) throw new FormatError("FORMAT_TRUNCATED", "bzip2: input ends early", this.pos);
      this.pos++;
      return b;
    },
    read(buf: Uint8Array, off: number, len: number): number {
      if (this.pos >= input.length) return -1;
      const n = Math.min(len, input.length - this.pos);
      buf.set(input.subarray(this.pos, this.pos + n), off);
      this.pos += n;
      return n;
    },
    seek(p: number) {
      this.pos = p;
    },
    eof(): boolean {
      return this.pos >= input.length;
    },
  };
  const outStream = {
    writeByte(b: number) {
      if (pos >= out.length) {
        if (pos >= maxBytes) throw capError("bzip2", maxBytes);
        const grown = new Uint8Array(Math.min(maxBytes, out.length * 2));
        grown.set(out);
        out = grown;
      }
      out[pos++] = b;
    },
    write(buf: Uint8Array, off: number, len: number) {
      for (let i = 0; i < len; i++) this.writeByte(buf[off + i]!);
      return len;
    },
    flush() {},
  };
  try {
    Bunzip.decode(inStream, outStream, true);
  } catch (e) {
    if (e instanceof BoundExceededError || e instanceof FormatError) throw e;
    throw new FormatError("FORMAT_MALFORMED", `bzip2: ${(e as Error).message}`, inStream.pos, { cause: e });
  }
  return out.subarray(0, pos);
}

async function xzCapped(input: Uint8Array, maxBytes: number): Promise<Uint8Array> {
  // A webpack-built CommonJS module: Node's ESM import sees only its default export, so require it.
  const { XzReadableStream } = require("xz-decompress") as typeof import("xz-decompress");
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(input);
      controller.close();
    },
  });
  const parts: Uint8Array[] = [];
  let total = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  try {
    reader = new XzReadableStream(source).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) throw capError("xz", maxBytes);
      parts.push(value.slice());
    }
  } catch (e) {
    if (e instanceof BoundExceededError) {
      await reader?.cancel().catch(() => {});
      throw e;
    }
    throw new FormatError("FORMAT_MALFORMED", `xz: ${(e as Error)?.message ?? String(e)}`, 0, { cause: e });
  }
  const out = Buffer.concat(parts, total);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * Decompresses `src` as `kind`, never producing more than `maxBytes` (BoundExceededError). Malformed or
 * truncated input throws FormatError. The compressed input is read whole (it is bounded by the file).
 */
export async function decompress(
  kind: CompressionKind,
  src: ByteSource,
  maxBytes: number,
): Promise<Uint8Array> {
  if (kind === "xz") return xzCapped(readAll(src, src.size), maxBytes);
  return decompressSync(kind, src, maxBytes);
}

/** As `decompress`, for every kind but xz (whose decoder is asynchronous). */
export function decompressSync(kind: CompressionKind, src: ByteSource, maxBytes: number): Uint8Array {
  const input = readAll(src, src.size);
  switch (kind) {
    case "gzip":
    case "zlib":
      return zlibCapped(kind, input, maxBytes);
    case "bzip2":
      return bzip2Capped(input, maxBytes);
    case "lzma":
      return decodeLzmaAlone(input, maxBytes);
    case "xz":
      throw new FormatError("FORMAT_UNSUPPORTED", "xz needs the asynchronous decompress()", 0);
  }
}

// ---------------------------------------------------------------------------------------------------
/**
 * A bounded decoder for the legacy LZMA "alone" format (.lzma; what joblib writes with compress='lzma').
 * Pure TypeScript after the public LZMA specification (LzmaSpec): the output is the dictionary, it never
 * grows past `maxBytes` (BoundExceededError), and malformed or truncated input throws FormatError.
 */

const PROB_INIT = 1024;

class RangeDecoder {
  private range = 0xffffffff;
  private code = 0;
  pos: number;
  constructor(
    private readonly input: Uint8Array,
    start: number,
  ) {
    this.pos = start;
    if (this.next() !== 0) throw new FormatError("FORMAT_MALFORMED", "lzma: bad range coder start", start);
    for (let i = 0; i < 4; i++) this.code = ((this.code << 8) | this.next()) >>> 0;
    if (this.code === this.range)
      throw new FormatError("FORMAT_MALFORMED", "lzma: bad range coder start", start);
  }
  private next(): number {
    const b = this.input[this.pos];
    if (b === undefined) throw new FormatError("FORMAT_TRUNCATED", "lzma: input ends early", this.pos);
    this.pos++;
    return b;
  }
  finishedOk(): boolean {
    return this.code === 0;
  }
  private normalize(): void {
    if (this.range < 0x1000000) {
      this.range = (this.range << 8) >>> 0;
      this.code = ((this.code << 8) | this.next()) >>> 0;
    }
  }
  bit(probs: Uint16Array, i: number): number {
    const p = probs[i]!;
    const bound = (this.range >>> 11) * p;
    let bit: number;
    if (this.code < bound) {
      this.range = bound;
      probs[i] = p + ((2048 - p) >>> 5);
      bit = 0;
    } else {
      this.range -= bound;
      this.code -= bound;
      probs[i] = p - (p >>> 5);
      bit = 1;
    }
    this.normalize();
    return bit;
  }
  direct(n: number): number {
    let res = 0;
    for (let i = 0; i < n; i++) {
      this.range >>>= 1;
      let b = 0;
      if (this.code >= this.range) {
        this.code -= this.range;
        b = 1;
      }
      res = ((res << 1) | b) >>> 0;
      this.normalize();
    }
    return res;
  }
  tree(probs: Uint16Array, base: number, bits: number): number {
    let m = 1;
    for (let i = 0; i < bits; i++) m = (m << 1) + this.bit(probs, base + m);
    return m - (1 << bits);
  }
  reverse(probs: Uint16Array, base: number, bits: number): number {
    let m = 1;
    let sym = 0;
    for (let i = 0; i < bits; i++) {
      const b = this.bit(probs, base + m);
      m = (m << 1) + b;
      sym |= b << i;
    }
    return sym;
  }
}

class LenDecoder {
  private readonly choice = new Uint16Array(2).fill(PROB_INIT);
  private readonly low = new Uint16Array(16 << 3).fill(PROB_INIT);
  private readonly mid = new Uint16Array(16 << 3).fill(PROB_INIT);
  private readonly high = new Uint16Array(256).fill(PROB_INIT);
  decode(rc: RangeDecoder, posState: number): number {
    if (rc.bit(this.choice, 0) === 0) return rc.tree(this.low, posState << 3, 3);
    if (rc.bit(this.choice, 1) === 0) return 8 + rc.tree(this.mid, posState << 3, 3);
    return 16 + rc.tree(this.high, 0, 8);
  }
}

export interface LzmaHeader {
  lc: number;
  lp: number;
  pb: number;
  dictSize: number;
  /** -1 when unknown (an end marker ends the stream). */
  unpackSize: number;
}

export function parseLzmaHeader(b: Uint8Array): LzmaHeader | null {
  if (b.length < 13) return null;
  let d = b[0]!;
  if (d >= 9 * 5 * 5) return null;
  const lc = d % 9;
  d = Math.floor(d / 9);
  const lp = d % 5;
  const pb = Math.floor(d / 5);
  const dictSize = (b[1]! | (b[2]! << 8) | (b[3]! << 16) | (b[4]! << 24)) >>> 0;
  let unknown = true;
  for (let i = 5; i < 13; i++) if (b[i] !== 0xff) unknown = false;
  let unpackSize = -1;
  if (!unknown) {
    const lo = (b[5]! | (b[6]! << 8) | (b[7]! << 16) | (b[8]! << 24)) >>> 0;
    const hi = (b[9]! | (b[10]! << 8) | (b[11]! << 16) | (b[12]! << 24)) >>> 0;
    unpackSize = hi >= 0x200000 ? Number.POSITIVE_INFINITY : hi * 0x100000000 + lo;
  }
  return { lc, lp, pb, dictSize, unpackSize };
}

/** Decodes a whole .lzma ("alone") stream; at most `maxBytes` of output. */
export function decodeLzmaAlone(input: Uint8Array, maxBytes: number): Uint8Array {
  const h = parseLzmaHeader(input);
  if (!h) throw new FormatError("FORMAT_MALFORMED", "lzma: bad header", 0);
  const { lc, lp, pb } = h;
  const dictSize = Math.max(h.dictSize, 4096);
  const sizeDefined = h.unpackSize >= 0;
  let remaining = sizeDefined ? h.unpackSize : Number.POSITIVE_INFINITY;
  const rc = new RangeDecoder(input, 13);
  let out = new Uint8Array(
    Math.min(maxBytes, sizeDefined ? Math.min(h.unpackSize, 1 << 20) : 1 << 16, 1 << 20),
  );
  let outPos = 0;
  const ensure = (extra: number) => {
    const need = outPos + extra;
    if (need > maxBytes)
      throw new BoundExceededError("decompress.maxBytes", maxBytes, `lzma output exceeds ${maxBytes} bytes`);
    if (need <= out.length) return;
    const grown = new Uint8Array(Math.min(maxBytes, Math.max(need, out.length * 2)));
    grown.set(out.subarray(0, outPos));
    out = grown;
  };
  const literal = new Uint16Array(0x300 << (lc + lp)).fill(PROB_INIT);
  const isMatch = new Uint16Array(12 << 4).fill(PROB_INIT);
  const isRep = new Uint16Array(12).fill(PROB_INIT);
  const isRepG0 = new Uint16Array(12).fill(PROB_INIT);
  const isRepG1 = new Uint16Array(12).fill(PROB_INIT);
  const isRepG2 = new Uint16Array(12).fill(PROB_INIT);
  const isRep0Long = new Uint16Array(12 << 4).fill(PROB_INIT);
  const posSlot = new Uint16Array(4 << 6).fill(PROB_INIT);
  const posDecoders = new Uint16Array(1 + 114).fill(PROB_INIT);
  const align = new Uint16Array(1 << 4).fill(PROB_INIT);
  const lenDec = new LenDecoder();
  const repLenDec = new LenDecoder();
  let state = 0;
  let rep0 = 0;
  let rep1 = 0;
  let rep2 = 0;
  let rep3 = 0;
  const pbMask = (1 << pb) - 1;
  const lpMask = (1 << lp) - 1;
  const bad = (msg: string) => new FormatError("FORMAT_MALFORMED", `lzma: ${msg}`, rc.pos);
  for (;;) {
    if (sizeDefined && remaining === 0 && rc.finishedOk()) break;
    const posState = outPos & pbMask;
    if (rc.bit(isMatch, (state << 4) + posState) === 0) {
      if (remaining === 0) throw bad("data past the declared size");
      const prev = outPos > 0 ? out[outPos - 1]! : 0;
      const base = 0x300 * (((outPos & lpMask) << lc) + (prev >>> (8 - lc)));
      let symbol = 1;
      if (state >= 7) {
        let matchByte = out[outPos - rep0 - 1] ?? 0;
        do {
          const matchBit = (matchByte >>> 7) & 1;
          matchByte <<= 1;
          const b = rc.bit(literal, base + ((1 + matchBit) << 8) + symbol);
          symbol = (symbol << 1) | b;
          if (matchBit !== b) break;
        } while (symbol < 0x100);
      }
      while (symbol < 0x100) symbol = (symbol << 1) | rc.bit(literal, base + symbol);
      ensure(1);
      out[outPos++] = symbol - 0x100;
      state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
      remaining--;
      continue;
    }
    let len: number;
    if (rc.bit(isRep, state) !== 0) {
      if (remaining === 0) throw bad("data past the declared size");
      if (outPos === 0) throw bad("repeat before any output");
      if (rc.bit(isRepG0, state) === 0) {
        if (rc.bit(isRep0Long, (state << 4) + posState) === 0) {
          state = state < 7 ? 9 : 11;
          ensure(1);
          out[outPos] = out[outPos - rep0 - 1]!;
          outPos++;
          remaining--;
          continue;
        }
      } else {
        let dist: number;
        if (rc.bit(isRepG1, state) === 0) dist = rep1;
        else {
          if (rc.bit(isRepG2, state) === 0) dist = rep2;
          else {
            dist = rep3;
            rep3 = rep2;
          }
          rep2 = rep1;
        }
        rep1 = rep0;
        rep0 = dist;
      }
      len = repLenDec.decode(rc, posState);
      state = state < 7 ? 8 : 11;
    } else {
      rep3 = rep2;
      rep2 = rep1;
      rep1 = rep0;
      len = lenDec.decode(rc, posState);
      state = state < 7 ? 7 : 10;
      // distance
      const lenState = Math.min(len, 3);
      const slot = rc.tree(posSlot, lenState << 6, 6);
      if (slot < 4) rep0 = slot;
      else {
        const numDirect = (slot >>> 1) - 1;
        let dist = ((2 | (slot & 1)) << numDirect) >>> 0;
        if (slot < 14) dist = (dist + rc.reverse(posDecoders, dist - slot, numDirect)) >>> 0;
        else {
          dist = (dist + ((rc.direct(numDirect - 4) << 4) >>> 0)) >>> 0;
          dist = (dist + rc.reverse(align, 0, 4)) >>> 0;
        }
        rep0 = dist;
      }
      if (rep0 === 0xffffffff) {
        if (rc.finishedOk() && (!sizeDefined || remaining === 0)) break;
        throw bad("end marker in the wrong place");
      }
      if (remaining === 0) throw bad("data past the declared size");
      if (rep0 >= dictSize || rep0 >= outPos) throw bad("match distance beyond the window");
    }
    len += 2;
    let truncated = false;
    if (sizeDefined && remaining < len) {
      len = remaining;
      truncated = true;
    }
    ensure(len);
    const from = outPos - rep0 - 1;
    for (let i = 0; i < len; i++) out[outPos + i] = out[from + i]!;
    outPos += len;
    remaining -= len;
    if (truncated) throw bad("match past the declared size");
  }
  return out.subarray(0, outPos);
}
