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
  | "safetensors";

export interface SniffResult {
  /** null: nothing recognized. */
  kind: SniffKind | null;
  /** A zip end record was found in the tail while the file does not start as a zip: a zip appended to other bytes. */
  appendedZip: boolean;
  /** For pickles with a PROTO opcode. */
  pickleProtocol?: number;
}

/** The legacy torch.save magic: PROTO 2, LONG1 of 10 bytes 0x1950a86a20f9469cfc6c. */
export const TORCH_LEGACY_MAGIC = Uint8Array.from([
  0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19,
]);
const SEVENZIP = [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c];
const NPY = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

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
  if (head.length >= 9 && size >= 10) {
    const lo = (head[0]! | (head[1]! << 8) | (head[2]! << 16) | (head[3]! << 24)) >>> 0;
    const hi = (head[4]! | (head[5]! << 8) | (head[6]! << 16) | (head[7]! << 24)) >>> 0;
    if (hi === 0 && lo >= 2 && lo <= size - 8 && head[8] === 0x7b) return r("safetensors");
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
