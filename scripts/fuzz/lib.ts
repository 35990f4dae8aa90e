/**
 * The pieces of modelgate's mutation fuzzer shared by `scripts/fuzz.ts` (the long campaign) and
 * `test/fuzz.test.ts` (a small one in CI): the seeds, a seeded PRNG, format-aware mutations, and the
 * checks every scanned input must pass (DESIGN.md: hostile input gets a finding or a clear error, never
 * a crash, a hang, unbounded memory or a malformed report).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { deflateSync, gzipSync } from "node:zlib";
import { disassemble } from "../../src/formats/pickle/disassemble.js";
import { OPCODES } from "../../src/formats/pickle/opcodes.js";
import { bufferSource } from "../../src/formats/source.js";
import { RULES } from "../../src/scan/rules.js";
import { scanSource } from "../../src/scan/scan-source.js";
import { type Finding, SEVERITIES } from "../../src/scan/types.js";
import { CORPUS_DIR, REPO_ROOT } from "../../test/helpers/paths.js";
import { testScanContext } from "../../test/helpers/scan-context.js";
import { buildTar } from "../../test/writers/tar.js";
import { torchZipEntries } from "../../test/writers/torch.js";
import { buildZip } from "../../test/writers/zip.js";

export { CORPUS_DIR, REPO_ROOT };

/** Inputs are cut to this size after mutation (seeds are at most a few hundred KiB). */
export const MAX_INPUT_BYTES = 4 * 1024 * 1024;

export interface Seed {
  name: string;
  bytes: Uint8Array;
}

function walk(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const p = join(dir, n);
    const st = statSync(p);
    return st.isDirectory() ? walk(p) : st.isFile() ? [p] : [];
  });
}

/**
 * Every file in `../shared/corpus/picklescan/data*`, `test/fixtures/**` and `examples/**` (the corpus
 * is skipped when absent), plus a few containers built here so tar and nested layouts are seeded too.
 */
export function loadSeeds(root = REPO_ROOT): Seed[] {
  const corpus = join(root === REPO_ROOT ? CORPUS_DIR : join(root, "..", "shared", "corpus"), "picklescan");
  const dirs = [
    ...walk(corpus)
      .map((p) => relative(corpus, p).split("/")[0]!)
      .filter((d, i, a) => d.startsWith("data") && a.indexOf(d) === i)
      .map((d) => join(corpus, d)),
    join(root, "test", "fixtures"),
    join(root, "examples"),
  ];
  const seeds: Seed[] = [];
  for (const d of dirs) {
    for (const p of walk(d)) {
      const bytes = new Uint8Array(readFileSync(p));
      if (bytes.length > MAX_INPUT_BYTES) continue;
      seeds.push({ name: relative(join(root, ".."), p), bytes });
    }
  }
  const pkl = seeds.find((s) => s.name.endsWith("examples/malicious/os_system_protocol0.pkl"));
  if (pkl) {
    seeds.push({
      name: "(built) tar of a pickle",
      bytes: buildTar([{ name: "model/data.pkl", data: pkl.bytes }]),
    });
    seeds.push({
      name: "(built) gzip of a tar of a pickle",
      bytes: new Uint8Array(gzipSync(buildTar([{ name: "a.pkl", data: pkl.bytes }]))),
    });
    seeds.push({
      name: "(built) zip in a zip",
      bytes: buildZip([{ name: "inner.zip", data: buildZip([{ name: "data.pkl", data: pkl.bytes }]) }]),
    });
  }
  return seeds;
}

// ---------------------------------------------------------------------------------------------------
// PRNG

/** sfc32: small, fast, good enough for fuzzing, reproducible from a 32-bit seed. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    if (n <= 1) return 0;
    if (n <= 0x100000000) return this.next() % n;
    return Math.floor((this.next() / 0x100000000) * n);
  }
  chance(p: number): boolean {
    return this.next() / 0x100000000 < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  /** Small numbers more often than big ones: [1, max]. */
  small(max: number): number {
    let n = 1;
    while (n < max && this.chance(0.5)) n++;
    return n;
  }
}

// ---------------------------------------------------------------------------------------------------
// Mutations

const INTERESTING8 = [0, 1, 0x7f, 0x80, 0xff, 0x0a, 0x2e, 0x28, 0x50, 0x4b];
const OPCODE_BYTES = OPCODES.map((o) => o.code);
const INTERESTING_BIG: bigint[] = [
  0n,
  1n,
  2n,
  0x7fn,
  0x80n,
  0xffn,
  0x100n,
  0x7fffn,
  0x8000n,
  0xffffn,
  0x10000n,
  0x7fffffffn,
  0x80000000n,
  0xffffffffn,
  0x100000000n,
  0x1fffffffffffffn,
  0x7fffffffffffffffn,
  0x8000000000000000n,
  0xffffffffffffffffn,
];

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function readUint(b: Uint8Array, at: number, width: number): bigint {
  let v = 0n;
  for (let i = width - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[at + i] ?? 0);
  return v;
}

function writeUint(b: Uint8Array, at: number, width: number, value: bigint, bigEndian = false): void {
  let v = BigInt.asUintN(width * 8, value);
  for (let i = 0; i < width; i++) {
    const idx = bigEndian ? at + width - 1 - i : at + i;
    if (idx < b.length) b[idx] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** A new value for a `width`-byte integer field that held `old`: boundary values, off-by-ones, noise. */
function newFieldValue(rng: Rng, old: bigint, width: number): bigint {
  const max = (1n << BigInt(width * 8)) - 1n;
  switch (rng.int(5)) {
    case 0:
      return rng.pick(INTERESTING_BIG) & max;
    case 1:
      return (old + BigInt(rng.small(16))) & max;
    case 2:
      return (old - BigInt(rng.small(16))) & max;
    case 3:
      return (old * 2n + 1n) & max;
    default:
      return BigInt(rng.next()) & max;
  }
}

function findAll(b: Uint8Array, sig: readonly number[], limit = 256): number[] {
  const out: number[] = [];
  const buf = Buffer.from(b.buffer, b.byteOffset, b.length);
  const needle = Buffer.from(sig);
  let at = buf.indexOf(needle);
  while (at >= 0 && out.length < limit) {
    out.push(at);
    at = buf.indexOf(needle, at + 1);
  }
  return out;
}

/** Integer fields of zip records: [offset in record, width]. */
const ZIP_RECORDS: { sig: number[]; fields: [number, number][] }[] = [
  // local file header: version, flags, method, crc, sizes, name and extra lengths
  {
    sig: [0x50, 0x4b, 3, 4],
    fields: [
      [4, 2],
      [6, 2],
      [8, 2],
      [14, 4],
      [18, 4],
      [22, 4],
      [26, 2],
      [28, 2],
    ],
  },
  // central directory entry: flags, method, crc, sizes, name/extra/comment lengths, disk, local offset
  {
    sig: [0x50, 0x4b, 1, 2],
    fields: [
      [8, 2],
      [10, 2],
      [16, 4],
      [20, 4],
      [24, 4],
      [28, 2],
      [30, 2],
      [32, 2],
      [34, 2],
      [42, 4],
    ],
  },
  // end of central directory: disks, entry counts, directory size and offset, comment length
  {
    sig: [0x50, 0x4b, 5, 6],
    fields: [
      [4, 2],
      [6, 2],
      [8, 2],
      [10, 2],
      [12, 4],
      [16, 4],
      [20, 2],
    ],
  },
  // zip64 end record: record size, entry counts, directory size and offset
  {
    sig: [0x50, 0x4b, 6, 6],
    fields: [
      [4, 8],
      [24, 8],
      [32, 8],
      [40, 8],
      [48, 8],
    ],
  },
  // zip64 locator: disk, end record offset, disks
  {
    sig: [0x50, 0x4b, 6, 7],
    fields: [
      [4, 4],
      [8, 8],
      [16, 4],
    ],
  },
  // data descriptor: crc, sizes
  {
    sig: [0x50, 0x4b, 7, 8],
    fields: [
      [4, 4],
      [8, 4],
      [12, 4],
    ],
  },
];

function zipFieldEdit(rng: Rng, b: Uint8Array): string | null {
  const hits = ZIP_RECORDS.flatMap((r) => findAll(b, r.sig).map((at) => ({ at, r })));
  if (hits.length === 0) return null;
  const { at, r } = rng.pick(hits);
  const [off, width] = rng.pick(r.fields);
  const old = readUint(b, at + off, width);
  const v = newFieldValue(rng, old, width);
  writeUint(b, at + off, width, v);
  return `zip field ${r.sig[2]}${r.sig[3]}@${at}+${off}: ${old} -> ${v}`;
}

/** Width of the length prefix of each counted-argument pickle opcode (FRAME's is its 8-byte length). */
const COUNTED: Record<string, number> = {
  string1: 1,
  bytes1: 1,
  unicodestring1: 1,
  long1: 1,
  string4: 4,
  bytes4: 4,
  unicodestring4: 4,
  long4: 4,
  bytes8: 8,
  bytearray8: 8,
  unicodestring8: 8,
};
const COUNTED_BY_CODE = new Map<number, number>(
  OPCODES.flatMap((o): [number, number][] =>
    COUNTED[o.arg] ? [[o.code, COUNTED[o.arg]!]] : o.name === "FRAME" ? [[o.code, 8]] : [],
  ),
);
const LINE_OPS = new Set(
  OPCODES.filter((o) => o.arg.endsWith("nl") || o.arg.includes("nl_")).map((o) => o.name),
);

/** Rewrites the length prefix of a counted argument, or breaks a newline-terminated one. */
function pickleLengthEdit(rng: Rng, b: Uint8Array): string | null {
  const sites: { at: number; width: number; line: boolean }[] = [];
  try {
    let n = 0;
    for (const op of disassemble(bufferSource(b), 0)) {
      if (++n > 4096 || op.error) break;
      const width = COUNTED_BY_CODE.get(op.opcode);
      if (width) sites.push({ at: op.offset + 1, width, line: false });
      else if (LINE_OPS.has(op.name)) sites.push({ at: op.end - 1, width: 1, line: true });
    }
  } catch {
    // a disassembler bug would show in the scan itself; here fall back to the byte heuristic
  }
  if (sites.length === 0) {
    for (let i = 0; i < b.length && sites.length < 256; i++) {
      const width = COUNTED_BY_CODE.get(b[i]!);
      if (width && i + 1 + width <= b.length) sites.push({ at: i + 1, width, line: false });
    }
  }
  if (sites.length === 0) return null;
  const s = rng.pick(sites);
  if (s.line) {
    b[s.at] = rng.pick([0x00, 0x20, 0x0d, 0x2e, 0x5c]);
    return `pickle line end@${s.at} broken`;
  }
  const old = readUint(b, s.at, s.width);
  const v = newFieldValue(rng, old, s.width);
  writeUint(b, s.at, s.width, v);
  return `pickle length@${s.at}(${s.width}): ${old} -> ${v}`;
}

/** tar: the size, type, mode or checksum of a header, with the checksum recomputed most of the time. */
function tarFieldEdit(rng: Rng, b: Uint8Array): string | null {
  const heads: number[] = [];
  for (let at = 0; at + 512 <= b.length && heads.length < 64; at += 512) {
    if (b[at + 257] === 0x75 && b[at + 258] === 0x73 && b[at + 259] === 0x74) heads.push(at);
  }
  if (heads.length === 0) return null;
  const h = rng.pick(heads);
  const what = rng.int(4);
  const oct = (v: number, len: number) => Buffer.from(`${v.toString(8).padStart(len - 1, "0")}\0`, "latin1");
  if (what === 0) {
    const size = rng.pick([0, 1, 511, 512, 513, 0o77777777777, rng.next(), rng.int(b.length * 2)]);
    if (rng.chance(0.2)) {
      b[h + 124] = 0x80;
      writeUint(b, h + 128, 8, BigInt(size), true);
    } else b.set(oct(size, 12).subarray(0, 12), h + 124);
  } else if (what === 1) {
    b[h + 156] = rng.pick(Array.from("0125LKxgS7\0A", (c) => c.charCodeAt(0)));
  } else if (what === 2) {
    b[h + rng.int(100)] = rng.pick([0x2f, 0x2e, 0x00, 0xff]);
  }
  if (what !== 3 || rng.chance(0.5)) {
    if (rng.chance(0.85)) {
      let sum = 0;
      for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : b[h + i]!;
      b.set(oct(sum, 7), h + 148);
    }
  }
  return `tar header@${h} field ${["size", "type", "name", "checksum"][what]}`;
}

/** Strings that steer the VM toward its interesting paths: dangerous and allowed globals, attributes. */
const WORDS = [
  "os",
  "system",
  "posix",
  "builtins",
  "__builtin__",
  "eval",
  "exec",
  "getattr",
  "setattr",
  "__reduce__",
  "__setstate__",
  "__dict__",
  "torch._utils",
  "_rebuild_tensor_v2",
  "collections",
  "OrderedDict",
  "numpy.core.multiarray",
  "_reconstruct",
  "joblib.numpy_pickle",
  "NumpyArrayWrapper",
  "__main__",
  "storage",
  "echo pwned",
  "a.b",
  "",
  "\u00e9",
];
const GLOBAL_PAIRS: [string, string][] = [
  ["os", "system"],
  ["builtins", "eval"],
  ["builtins", "getattr"],
  ["__builtin__", "apply"],
  ["torch._utils", "_rebuild_tensor_v2"],
  ["torch", "FloatStorage"],
  ["collections", "OrderedDict"],
  ["numpy.core.multiarray", "_reconstruct"],
  ["numpy", "dtype"],
  ["joblib.numpy_pickle", "NumpyArrayWrapper"],
  ["_codecs", "encode"],
  ["copyreg", "_reconstructor"],
  ["__main__", "Net"],
  ["builtins", "object"],
];

function le(value: bigint, width: number): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(width * 8, value);
  for (let i = 0; i < width; i++) {
    out.push(Number(v & 0xffn));
    v >>= 8n;
  }
  return out;
}

/** One opcode with a plausible argument of its kind (lengths that fit, mostly). */
function randomOp(rng: Rng): number[] {
  const op = rng.pick(OPCODES);
  const text = () => [...Buffer.from(rng.pick(WORDS), "utf8")];
  const counted = (width: number) => {
    const body = text();
    const len = rng.chance(0.9) ? BigInt(body.length) : newFieldValue(rng, BigInt(body.length), width);
    return [...le(len, width), ...body];
  };
  const line = (x: string) => [...Buffer.from(`${x}\n`, "latin1")];
  const num = () => String(rng.chance(0.7) ? rng.int(8) : rng.next() - 0x80000000);
  let arg: number[];
  switch (op.arg) {
    case "none":
      arg = [];
      break;
    case "uint1":
      arg = op.name === "PROTO" ? [rng.int(7)] : [rng.chance(0.7) ? rng.int(8) : rng.int(256)];
      break;
    case "uint2":
      arg = le(BigInt(rng.int(0x10000)), 2);
      break;
    case "uint4":
    case "int4":
      arg = le(BigInt(rng.chance(0.7) ? rng.int(8) : rng.next()), 4);
      break;
    case "uint8":
      arg = le(BigInt(rng.int(64)), 8);
      break;
    case "long1": {
      const n = rng.int(9);
      arg = [n, ...Array.from({ length: n }, () => rng.int(256))];
      break;
    }
    case "long4": {
      const n = rng.int(9);
      arg = [...le(BigInt(n), 4), ...Array.from({ length: n }, () => rng.int(256))];
      break;
    }
    case "float8":
      arg = Array.from({ length: 8 }, () => rng.int(256));
      break;
    case "decimalnl_short":
      arg = line(rng.chance(0.2) ? rng.pick(["00", "01"]) : num());
      break;
    case "decimalnl_long":
      arg = line(`${num()}L`);
      break;
    case "floatnl":
      arg = line(rng.pick(["1.5", "-0.0", "nan", "inf", "1e308", "x"]));
      break;
    case "stringnl":
      arg = line(`'${rng.pick(WORDS)}'`);
      break;
    case "stringnl_noescape":
    case "unicodestringnl":
      arg = line(rng.pick(WORDS));
      break;
    case "stringnl_noescape_pair": {
      const [m, n] = rng.pick(GLOBAL_PAIRS);
      arg = line(`${m}\n${n}`);
      break;
    }
    case "string1":
    case "bytes1":
    case "unicodestring1":
      arg = counted(1);
      break;
    case "string4":
    case "bytes4":
    case "unicodestring4":
      arg = counted(4);
      break;
    default:
      arg = counted(8);
  }
  return [op.code, ...arg];
}

/** A run of random opcodes with plausible arguments, inserted or overwriting, to drive the VM deep. */
function opcodeStream(rng: Rng, b: Uint8Array): { bytes: Uint8Array; op: string } {
  const n = rng.small(24);
  const ops: number[] = [];
  for (let i = 0; i < n; i++) ops.push(...randomOp(rng));
  const at = rng.int(b.length + 1);
  const cut = rng.chance(0.5) ? Math.min(b.length - at, ops.length) : 0;
  return {
    bytes: concat(b.subarray(0, at), Uint8Array.from(ops), b.subarray(at + cut)),
    op: `${n} random opcodes@${at}${cut ? ` over ${cut}` : ""}`,
  };
}

/** `.npy`: a character of the Python-literal header replaced by literal syntax, or its length edited. */
function npyHeaderEdit(rng: Rng, b: Uint8Array): string | null {
  if (b.length < 12 || b[0] !== 0x93 || b[1] !== 0x4e) return null;
  const v = b[6] ?? 1;
  const lenAt = 8;
  const width = v >= 2 ? 4 : 2;
  const start = lenAt + width;
  const len = Number(readUint(b, lenAt, width));
  if (rng.chance(0.3)) {
    const nv = newFieldValue(rng, BigInt(len), width);
    writeUint(b, lenAt, width, nv);
    return `npy header length ${len} -> ${nv}`;
  }
  const end = Math.min(b.length, start + len);
  if (end <= start) return null;
  const at = start + rng.int(end - start);
  const c = rng.pick(Array.from("{}[]()',:\"0123456789 -+.eEjLxbu<>|?OVUSf\\\n", (ch) => ch.charCodeAt(0)));
  b[at] = c;
  return `npy header@${at}='${String.fromCharCode(c)}'`;
}

const WRAP_NAMES = [
  "data.pkl",
  "archive/data.pkl",
  "model/data/0",
  "x.npy",
  "a/b/model.joblib",
  "weights.bin",
];

type Mutator = (rng: Rng, b: Uint8Array, seeds: readonly Seed[]) => { bytes: Uint8Array; op: string } | null;

const MUTATORS: [string, number, Mutator][] = [
  [
    "flip",
    6,
    (rng, b) => {
      if (!b.length) return null;
      const n = rng.small(8);
      for (let i = 0; i < n; i++) {
        const at = rng.int(b.length);
        b[at] = b[at]! ^ (1 << rng.int(8));
      }
      return { bytes: b, op: `flip ${n} bits` };
    },
  ],
  [
    "byte",
    5,
    (rng, b) => {
      if (!b.length) return null;
      const at = rng.int(b.length);
      const v = rng.chance(0.5) ? rng.pick(INTERESTING8) : rng.pick(OPCODE_BYTES);
      b[at] = v;
      return { bytes: b, op: `byte@${at}=0x${v.toString(16)}` };
    },
  ],
  [
    "int",
    4,
    (rng, b) => {
      const width = rng.pick([2, 4, 8]);
      if (b.length < width) return null;
      const at = rng.int(b.length - width + 1);
      const v = newFieldValue(rng, readUint(b, at, width), width);
      const be = rng.chance(0.2);
      writeUint(b, at, width, v, be);
      return { bytes: b, op: `u${width * 8}${be ? "be" : ""}@${at}=${v}` };
    },
  ],
  [
    "insert",
    3,
    (rng, b) => {
      const at = rng.int(b.length + 1);
      const n = rng.small(64);
      const ins = new Uint8Array(n);
      for (let i = 0; i < n; i++) ins[i] = rng.chance(0.5) ? rng.pick(OPCODE_BYTES) : rng.int(256);
      return { bytes: concat(b.subarray(0, at), ins, b.subarray(at)), op: `insert ${n}@${at}` };
    },
  ],
  [
    "delete",
    3,
    (rng, b) => {
      if (b.length < 2) return null;
      const at = rng.int(b.length);
      const n = Math.min(b.length - at, rng.chance(0.8) ? rng.small(32) : rng.int(b.length));
      return { bytes: concat(b.subarray(0, at), b.subarray(at + n)), op: `delete ${n}@${at}` };
    },
  ],
  [
    "duplicate",
    2,
    (rng, b) => {
      if (!b.length) return null;
      const from = rng.int(b.length);
      const n = Math.min(b.length - from, rng.small(256));
      const to = rng.int(b.length + 1);
      const times = rng.small(4);
      const copies = Array.from({ length: times }, () => b.slice(from, from + n));
      return {
        bytes: concat(b.subarray(0, to), ...copies, b.subarray(to)),
        op: `duplicate ${n}@${from} x${times} to ${to}`,
      };
    },
  ],
  [
    "splice",
    2,
    (rng, b, seeds) => {
      const other = rng.pick(seeds);
      const at = rng.int(b.length + 1);
      const from = rng.int(other.bytes.length + 1);
      return {
        bytes: concat(b.subarray(0, at), other.bytes.subarray(from)),
        op: `splice ${at} + ${other.name}[${from}:]`,
      };
    },
  ],
  [
    "insert-seed",
    1,
    (rng, b, seeds) => {
      const other = rng.pick(seeds);
      const at = rng.int(b.length + 1);
      return {
        bytes: concat(b.subarray(0, at), other.bytes, b.subarray(at)),
        op: `insert ${other.name}@${at}`,
      };
    },
  ],
  [
    "truncate",
    2,
    (rng, b) => {
      if (!b.length) return null;
      const n = rng.int(b.length);
      return { bytes: b.subarray(0, n), op: `truncate to ${n}` };
    },
  ],
  [
    "zip-field",
    4,
    (rng, b) => {
      const op = zipFieldEdit(rng, b);
      return op ? { bytes: b, op } : null;
    },
  ],
  [
    "pickle-length",
    4,
    (rng, b) => {
      const op = pickleLengthEdit(rng, b);
      return op ? { bytes: b, op } : null;
    },
  ],
  [
    "tar-field",
    1,
    (rng, b) => {
      const op = tarFieldEdit(rng, b);
      return op ? { bytes: b, op } : null;
    },
  ],
  ["opcodes", 4, (rng, b) => opcodeStream(rng, b)],
  [
    "npy-header",
    1,
    (rng, b) => {
      const op = npyHeaderEdit(rng, b);
      return op ? { bytes: b, op } : null;
    },
  ],
  [
    "wrap-zip",
    1,
    (rng, b, seeds) => {
      if (rng.chance(0.4)) {
        const storage = rng.pick(seeds).bytes;
        return {
          bytes: buildZip(torchZipEntries(b, [{ key: "0", bytes: storage }])),
          op: "wrap as torch zip data.pkl",
        };
      }
      const name = rng.pick(WRAP_NAMES);
      const method = rng.chance(0.5) ? 8 : 0;
      return { bytes: buildZip([{ name, data: b, method }]), op: `wrap in zip ${name} method ${method}` };
    },
  ],
  ["wrap-gzip", 1, (_rng, b) => ({ bytes: new Uint8Array(gzipSync(b, { level: 1 })), op: "wrap in gzip" })],
  [
    "wrap-zlib",
    1,
    (_rng, b) => ({ bytes: new Uint8Array(deflateSync(b, { level: 1 })), op: "wrap in zlib" }),
  ],
  [
    "wrap-tar",
    1,
    (rng, b) => {
      const name = rng.pick(WRAP_NAMES);
      return { bytes: buildTar([{ name, data: b }]), op: `wrap in tar ${name}` };
    },
  ],
  [
    "append-zip",
    1,
    (rng, b, seeds) => {
      const other = rng.pick(seeds);
      return {
        bytes: concat(b, buildZip([{ name: "data.pkl", data: other.bytes }])),
        op: `append zip of ${other.name}`,
      };
    },
  ],
];
const TOTAL_WEIGHT = MUTATORS.reduce((n, m) => n + m[1], 0);

function pickMutator(rng: Rng): Mutator {
  let w = rng.int(TOTAL_WEIGHT);
  for (const m of MUTATORS) {
    w -= m[1];
    if (w < 0) return m[2];
  }
  return MUTATORS[0]![2];
}

export interface FuzzInput {
  seed: string;
  ops: string[];
  bytes: Uint8Array;
}

/**
 * One input: a seed (`from`, else one picked at random), then one to eight stacked mutations (wrappers
 * included, so they nest).
 */
export function generate(rng: Rng, seeds: readonly Seed[], from?: Seed): FuzzInput {
  const seed = from ?? rng.pick(seeds);
  let bytes: Uint8Array = seed.bytes.slice();
  const ops: string[] = [];
  const n = rng.small(8);
  for (let i = 0; i < n * 3 && ops.length < n; i++) {
    const r = pickMutator(rng)(rng, bytes, seeds);
    if (!r) continue;
    bytes = r.bytes.length > MAX_INPUT_BYTES ? r.bytes.slice(0, MAX_INPUT_BYTES) : r.bytes;
    ops.push(r.op);
  }
  return { seed: seed.name, ops, bytes };
}

// ---------------------------------------------------------------------------------------------------
// Scanning and checking

/**
 * Scans bytes in memory exactly as `scan()` scans one file once it is open (`scanSource` at depth 0
 * with the default limits), without the file system. Exceptions are not caught here.
 */
export async function scanBytes(bytes: Uint8Array, file = "input"): Promise<Finding[]> {
  const ctx = testScanContext(file);
  await scanSource(ctx, bufferSource(bytes), "", 0);
  return ctx.findings;
}

export type ProblemKind = "malformed-finding" | "internal-error";

export interface Problem {
  kind: ProblemKind;
  message: string;
}

const SEVERITY_SET = new Set<string>(SEVERITIES);

/**
 * What is wrong with a scan's findings: a finding outside the report contract (unknown rule, invalid
 * severity, location without `@<offset>`, empty message, evidence JSON cannot carry), or a
 * `SCANNER_ERROR` (a reader threw something other than a format or bound error: a bug, even though the
 * scan fails closed on it).
 */
export function checkFindings(findings: readonly Finding[]): Problem[] {
  const out: Problem[] = [];
  for (const f of findings) {
    const bad = (why: string) =>
      out.push({ kind: "malformed-finding", message: `${why}: ${safeJson(f).slice(0, 300)}` });
    if (typeof f.ruleId !== "string" || !RULES.has(f.ruleId)) bad("unknown ruleId");
    if (!SEVERITY_SET.has(f.severity)) bad("invalid severity");
    if (typeof f.file !== "string") bad("file is not a string");
    if (typeof f.location !== "string" || !/@\d+$/.test(f.location)) bad("location is not <member>@<offset>");
    if (typeof f.message !== "string" || f.message.length === 0) bad("empty message");
    if (typeof f.evidence !== "object" || f.evidence === null) bad("evidence is not an object");
    try {
      JSON.stringify(f);
    } catch (e) {
      bad(`not JSON-serializable (${(e as Error).message})`);
    }
    if (f.ruleId === "SCANNER_ERROR") {
      const err = (f.evidence as { error?: unknown })?.error;
      out.push({ kind: "internal-error", message: `${f.location}: ${String(err ?? f.message)}` });
    }
  }
  return out;
}

function safeJson(x: unknown): string {
  try {
    return JSON.stringify(x, (_k, v) => (typeof v === "bigint" ? `${v}n` : v));
  } catch {
    return String(x);
  }
}

/** A stable signature for deduplicating problems: kind plus the message with numbers blanked. */
export function signature(kind: string, message: string, stack?: string): string {
  const frame =
    stack
      ?.split("\n")
      .slice(1)
      .find((l) => l.includes("/src/"))
      ?.replace(/^\s+at\s+/, "")
      .replace(/:\d+\)?$/, "") ?? "";
  return `${kind}|${message.replace(/\d+/g, "N").slice(0, 160)}|${frame}`;
}
