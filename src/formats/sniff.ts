/**
 * Identifies a file by its bytes alone, never by its name. The caller passes the first bytes (4 KiB is
 * plenty; at least 512 for tar) and, to see a zip appended to other content (a polyglot), the last bytes
 * (up to 64 KiB + 22, where a zip's end record lives).
 */
import { detectCompression } from "./archive/compression.js";

export type SniffKind =
  | "zip"
  | "tar"
  | "7z"
  | "gzip"
  | "bzip2"
  | "xz"
  | "zlib"
  | "lzma"
  | "npy"
  | "pickle"
  | "maybe-pickle"
  | "pytorch-legacy"
  | "gguf"
  | "safetensors"
  | "hdf5"
  | "tflite"
  | "executable";

export interface SniffResult {
  /** null: nothing recognized. */
  kind: SniffKind | null;
  /** A zip end record was found in the tail while the file does not start as a zip: a zip appended to other bytes. */
  appendedZip: boolean;
  /** For pickles with a PROTO opcode. */
  pickleProtocol?: number;
  /** For executables: which kind of machine code. */
  executable?: "ELF" | "PE" | "Mach-O" | "WebAssembly" | "Java class";
}

/** The legacy torch.save magic: PROTO 2, LONG1 of 10 bytes 0x1950a86a20f9469cfc6c. */
export const TORCH_LEGACY_MAGIC = Uint8Array.from([
  0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19,
]);
const SEVENZIP = [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c];
const NPY = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
const HDF5 = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
/** HDF5 may start after a user block of 512 bytes times a power of two. */
const HDF5_OFFSETS = [0, 512, 1024, 2048];
/** A TFLite flatbuffer: root table offset, then the file identifier "TFL3". */
const TFLITE_ID = [0x54, 0x46, 0x4c, 0x33];

/** First bytes a protocol 0/1 pickle plausibly starts with (MARK, empty containers, GLOBAL, scalars...). */
const PICKLE0_FIRST = new Set(Array.from("(}])cILSVNFKJMUTXG", (c) => c.charCodeAt(0)));

const startsWith = (b: Uint8Array, sig: ArrayLike<number>, at = 0): boolean => {
  for (let i = 0; i < sig.length; i++) if (b[at + i] !== sig[i]) return false;
  return true;
};

function tarHeaderOk(h: Uint8Array): boolean {
  if (h.length < 512) return false;
  if (startsWith(h, [0x75, 0x73, 0x74, 0x61, 0x72], 257)) return true; // "ustar"
  // v7: a valid checksum over a non-empty header.
  const field = String.fromCharCode(...h.subarray(148, 156))
    .replace(/[\0 ]+$/g, "")
    .trim();
  if (!/^[0-7]{1,7}$/.test(field) || h[0] === 0) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return Number.parseInt(field, 8) === sum;
}

const EOCD = Buffer.from([0x50, 0x4b, 5, 6]);

function hasEocd(tail: Uint8Array | undefined): boolean {
  if (!tail) return false;
  const buf = Buffer.from(tail.buffer, tail.byteOffset, tail.byteLength);
  // The end record is 22 bytes plus a comment that must reach exactly to the end (or within it).
  for (
    let i = buf.lastIndexOf(EOCD, buf.length - 22);
    i >= 0;
    i = i > 0 ? buf.lastIndexOf(EOCD, i - 1) : -1
  ) {
    const commentLen = buf.readUInt16LE(i + 20);
    if (i + 22 + commentLen <= buf.length) return true;
  }
  return false;
}

export function sniff(head: Uint8Array, size: number, tail?: Uint8Array): SniffResult {
  const eocd = hasEocd(tail ?? (head.length >= size ? head : undefined));
  const r = (kind: SniffKind | null, extra: Partial<SniffResult> = {}): SniffResult => ({
    kind,
    appendedZip: kind !== "zip" && eocd,
    ...extra,
  });
  const b0 = head[0];
  if (b0 === undefined) return r(null);
  if (
    startsWith(head, [0x50, 0x4b, 3, 4]) ||
    startsWith(head, [0x50, 0x4b, 5, 6]) ||
    startsWith(head, [0x50, 0x4b, 7, 8])
  ) {
    return r("zip");
  }
  if (startsWith(head, SEVENZIP)) return r("7z");
  if (startsWith(head, NPY)) return r("npy");
  if (startsWith(head, [0x47, 0x47, 0x55, 0x46])) return r("gguf");
  const exe = executableKind(head);
  if (exe) return r("executable", { executable: exe });
  if (HDF5_OFFSETS.some((at) => startsWith(head, HDF5, at))) return r("hdf5");
  if (size >= 8 && startsWith(head, TFLITE_ID, 4)) return r("tflite");
  if (head.length >= 9 && size >= 10) {
    const lo = (head[0]! | (head[1]! << 8) | (head[2]! << 16) | (head[3]! << 24)) >>> 0;
    const hi = (head[4]! | (head[5]! << 8) | (head[6]! << 16) | (head[7]! << 24)) >>> 0;
    // A header length past the end is still safetensors: a truncated one, for its reader to report.
    if (hi === 0 && lo >= 2 && head[8] === 0x7b) return r("safetensors");
  }
  if (b0 === 0x80 && (head[1] ?? 99) <= 5 && head.length >= 2) {
    if (startsWith(head, TORCH_LEGACY_MAGIC)) return r("pytorch-legacy", { pickleProtocol: 2 });
    return r("pickle", { pickleProtocol: head[1]! });
  }
  const comp = detectCompression(head);
  if (comp === "gzip" || comp === "bzip2" || comp === "xz") return r(comp);
  if (tarHeaderOk(head)) return r("tar");
  if (comp === "lzma") return r("lzma");
  if (PICKLE0_FIRST.has(b0)) return r("maybe-pickle");
  if (comp === "zlib") return r("zlib");
  if (eocd) return { kind: "zip", appendedZip: true };
  return r(null);
}

/** Machine code a loader or custom-op registration can load into the process. */
function executableKind(h: Uint8Array): SniffResult["executable"] | undefined {
  if (startsWith(h, [0x7f, 0x45, 0x4c, 0x46])) return "ELF";
  if (startsWith(h, [0x00, 0x61, 0x73, 0x6d]) && h[4] === 1) return "WebAssembly";
  const be = h.length >= 4 ? ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0 : 0;
  const le = h.length >= 4 ? ((h[3]! << 24) | (h[2]! << 16) | (h[1]! << 8) | h[0]!) >>> 0 : 0;
  if ([0xfeedface, 0xfeedfacf].includes(be) || [0xfeedface, 0xfeedfacf].includes(le)) return "Mach-O";
  // 0xcafebabe is both a Mach-O fat binary and a Java class: the class file's version field tells.
  if (be === 0xcafebabe && h.length >= 8) return ((h[6]! << 8) | h[7]!) >= 45 ? "Java class" : "Mach-O";
  if (startsWith(h, [0x4d, 0x5a]) && h.length >= 64) {
    const peAt = h[60]! | (h[61]! << 8) | (h[62]! << 16) | (h[63]! << 24);
    if (peAt > 0 && startsWith(h, [0x50, 0x45, 0, 0], peAt)) return "PE";
  }
  return undefined;
}

/**
 * Text a person or a config loader reads (JSON, YAML, Python, Markdown): UTF-8 with no NUL and few
 * control characters in the first bytes. Binary formats are all recognized before this is asked.
 */
export function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  let control = 0;
  for (const b of head) {
    if (b === 0) return false;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control++;
  }
  if (control > head.length / 100) return false;
  try {
    // The head may end inside a multi-byte character: allow up to three trailing bytes of one.
    new TextDecoder("utf-8", { fatal: true }).decode(trimPartialUtf8(head));
    return true;
  } catch {
    return false;
  }
}

function trimPartialUtf8(b: Uint8Array): Uint8Array {
  const end = b.length;
  for (let i = 1; i <= 3 && end - i >= 0; i++) {
    const c = b[end - i]!;
    if ((c & 0xc0) === 0xc0) return b.subarray(0, end - i);
    if ((c & 0xc0) !== 0x80) break;
  }
  return b.subarray(0, end);
}
