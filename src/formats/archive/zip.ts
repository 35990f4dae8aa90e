/**
 * A bounded, relaxed zip reader. It lists members by central-directory index, reads every local header,
 * and reports what a strict reader would reject and what different readers would disagree on
 * (anomalies), without ever refusing to list what is there. formats/ knows nothing of findings.
 *
 * Offsets: every `*Offset` field of a member is an absolute position in the ByteSource given to
 * `readZip`. `prefixOffset` is where the archive really starts (bytes before it: a polyglot, e.g. a
 * pickle with a zip appended); the offsets written inside the archive are relative to that point.
 */
import { inflateRawSync } from "node:zlib";
import { BoundExceededError, FormatError } from "../../errors.js";
import { type ByteSource, bufferSource, sliceSource } from "../source.js";

export interface ZipLimits {
  /** Members listed at most; the rest are counted in an anomaly, not listed. */
  maxMembers: number;
  /** Bytes one member may expand to when opened. */
  maxMemberBytes: number;
  /** Bytes all opened members of one archive may expand to (shared through a ZipBudget). */
  maxTotalBytes: number;
  /** Bytes of gaps between members scanned for unlisted local headers. */
  maxGapScanBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxMembers: 100_000,
  maxMemberBytes: 1024 * 1024 * 1024,
  maxTotalBytes: 4 * 1024 * 1024 * 1024,
  maxGapScanBytes: 64 * 1024 * 1024,
};

export type ZipAnomalyKind =
  | "prefix-data"
  | "trailing-data"
  | "central-directory-missing"
  | "central-directory-corrupt"
  | "entry-count-mismatch"
  | "member-limit"
  | "duplicate-name"
  | "local-header-missing"
  | "name-mismatch"
  | "crc-mismatch"
  | "size-mismatch"
  | "method-mismatch"
  | "flag-mismatch"
  | "encrypted"
  | "data-descriptor"
  | "unsupported-method"
  | "overlap"
  | "out-of-bounds"
  | "unlisted-local-header";

export interface ZipAnomaly {
  kind: ZipAnomalyKind;
  /** Central-directory index of the member concerned (or index into `hiddenMembers` for unlisted ones); -1 for the archive. */
  index: number;
  message: string;
}

export interface ZipLocalHeader {
  offset: number;
  name: string;
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  /** The local header's own length (30 + name + extra). */
  headerLength: number;
}

export interface ZipMember {
  index: number;
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  crc32: number;
  /** Absolute offset of the local header in the source. */
  localHeaderOffset: number;
  /** Absolute offset of the member's (compressed) bytes in the source; -1 when no local header is there. */
  dataOffset: number;
  encrypted: boolean;
  /** Bit 0 set but a stored member whose sizes match: the flag is likely forged and the bytes plaintext. */
  encryptionFlagOnly: boolean;
  hasDataDescriptor: boolean;
  zip64: boolean;
  isDirectory: boolean;
  /** "central": listed in the central directory; "local": found only by walking local headers. */
  source: "central" | "local";
  local?: ZipLocalHeader;
}

export interface ZipArchive {
  /** Where the archive starts in the source (0 unless other bytes come first). */
  prefixOffset: number;
  centralDirectory: "ok" | "missing" | "corrupt";
  /** Absolute offset of the central directory, -1 when absent. */
  centralDirectoryOffset: number;
  /** Absolute offset just past the end-of-central-directory record and its comment, or the end of the last member. */
  endOffset: number;
  zip64: boolean;
  comment: string;
  members: ZipMember[];
  /** Local headers that the central directory does not list (scan them too: another reader may). */
  hiddenMembers: ZipMember[];
  anomalies: ZipAnomaly[];
  /** True when more members exist than `maxMembers`. */
  truncated: boolean;
}

export const ZIP_METHODS: Record<number, string> = {
  0: "stored",
  8: "deflate",
  9: "deflate64",
  12: "bzip2",
  14: "lzma",
  93: "zstd",
  95: "xz",
  98: "ppmd",
  99: "aes",
};

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_LOCATOR64 = 0x07064b50;
const SIG_DESCRIPTOR = 0x08074b50;
const U32_MAX = 0xffffffff;

function u16(b: Uint8Array, o: number): number {
  return (b[o] ?? 0) | ((b[o + 1] ?? 0) << 8);
}
function u32(b: Uint8Array, o: number): number {
  return ((b[o] ?? 0) | ((b[o + 1] ?? 0) << 8) | ((b[o + 2] ?? 0) << 16) | ((b[o + 3] ?? 0) << 24)) >>> 0;
}
/** u64 as a number; values past 2^53 become Infinity so bounds checks fail rather than wrap. */
function u64(b: Uint8Array, o: number): number {
  const lo = u32(b, o);
  const hi = u32(b, o + 4);
  if (hi >= 0x200000) return Number.POSITIVE_INFINITY;
  return hi * 0x100000000 + lo;
}

const CP437_HIGH =
  "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0";
const utf8 = new TextDecoder("utf-8", { fatal: false });

/** Names are UTF-8 when flag bit 11 is set, else CP437 (what Python's zipfile does). */
export function decodeZipName(bytes: Uint8Array, flags: number): string {
  if (flags & 0x800) return utf8.decode(bytes);
  let s = "";
  for (const c of bytes) s += c < 0x80 ? String.fromCharCode(c) : CP437_HIGH[c - 0x80];
  return s;
}

interface Eocd {
  offset: number;
  entries: number;
  cdSize: number;
  cdOffset: number;
  comment: string;
  end: number;
  zip64: boolean;
  /** Absolute offset where the central directory ends (zip64 record or EOCD). */
  cdEnd: number;
}

function findEocd(src: ByteSource): Eocd | null {
  const tailLen = Math.min(src.size, 22 + 0xffff);
  const tailStart = src.size - tailLen;
  const tail = src.read(tailStart, tailLen);
  let fallback: number | null = null;
  let found: number | null = null;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail[i] !== 0x50 || u32(tail, i) !== SIG_EOCD) continue;
    const commentLen = u16(tail, i + 20);
    if (i + 22 + commentLen === tail.length) {
      found = i;
      break;
    }
    if (fallback === null && i + 22 + commentLen <= tail.length) fallback = i;
  }
  const at = found ?? fallback;
  if (at === null) return null;
  const commentLen = u16(tail, at + 20);
  const eocd: Eocd = {
    offset: tailStart + at,
    entries: u16(tail, at + 10),
    cdSize: u32(tail, at + 12),
    cdOffset: u32(tail, at + 16),
    comment: decodeZipName(tail.subarray(at + 22, at + 22 + commentLen), 0),
    end: tailStart + at + 22 + commentLen,
    zip64: false,
    cdEnd: tailStart + at,
  };
  // zip64 locator sits right before the EOCD.
  const locAt = eocd.offset - 20;
  if (locAt >= 0) {
    const loc = src.read(locAt, 20);
    if (u32(loc, 0) === SIG_LOCATOR64) {
      const declared = u64(loc, 8);
      // The record is 56+ bytes; it normally ends where the locator starts.
      let recAt = -1;
      for (const cand of [locAt - 56, declared]) {
        if (cand >= 0 && Number.isFinite(cand) && cand + 56 <= src.size) {
          const r = src.read(cand, 56);
          if (u32(r, 0) === SIG_EOCD64) {
            recAt = cand;
            break;
          }
        }
      }
      if (recAt >= 0) {
        const r = src.read(recAt, 56);
        eocd.zip64 = true;
        eocd.entries = u64(r, 32);
        eocd.cdSize = u64(r, 40);
        eocd.cdOffset = u64(r, 48);
        eocd.cdEnd = recAt;
      }
    }
  }
  return eocd;
}

interface ExtraZip64 {
  uncompressedSize?: number;
  compressedSize?: number;
  offset?: number;
}

function parseZip64Extra(
  extra: Uint8Array,
  needU: boolean,
  needC: boolean,
  needO: boolean,
): ExtraZip64 | null {
  let p = 0;
  while (p + 4 <= extra.length) {
    const id = u16(extra, p);
    const len = u16(extra, p + 2);
    const body = extra.subarray(p + 4, Math.min(extra.length, p + 4 + len));
    if (id === 0x0001) {
      const out: ExtraZip64 = {};
      let q = 0;
      if (needU && q + 8 <= body.length) {
        out.uncompressedSize = u64(body, q);
        q += 8;
      }
      if (needC && q + 8 <= body.length) {
        out.compressedSize = u64(body, q);
        q += 8;
      }
      if (needO && q + 8 <= body.length) out.offset = u64(body, q);
      return out;
    }
    p += 4 + len;
  }
  return null;
}

function readLocalHeader(src: ByteSource, at: number): ZipLocalHeader | null {
  if (at < 0 || at + 30 > src.size) return null;
  const h = src.read(at, 30);
  if (u32(h, 0) !== SIG_LOCAL) return null;
  const nameLen = u16(h, 26);
  const extraLen = u16(h, 28);
  if (at + 30 + nameLen + extraLen > src.size) return null;
  const flags = u16(h, 6);
  const rest = src.read(at + 30, nameLen + extraLen);
  let compressedSize = u32(h, 18);
  let uncompressedSize = u32(h, 22);
  if (compressedSize === U32_MAX || uncompressedSize === U32_MAX) {
    const z = parseZip64Extra(rest.subarray(nameLen), true, true, false);
    if (z?.uncompressedSize !== undefined) uncompressedSize = z.uncompressedSize;
    if (z?.compressedSize !== undefined) compressedSize = z.compressedSize;
  }
  return {
    offset: at,
    name: decodeZipName(rest.subarray(0, nameLen), flags),
    flags,
    method: u16(h, 8),
    crc32: u32(h, 14),
    compressedSize,
    uncompressedSize,
    headerLength: 30 + nameLen + extraLen,
  };
}

/** The length of a data descriptor at `at` (12..24 bytes), given the member's sizes; 0 when none fits. */
function descriptorLength(
  src: ByteSource,
  at: number,
  m: { compressedSize: number; zip64: boolean },
): number {
  const b = src.read(at, 24);
  const hasSig = u32(b, 0) === SIG_DESCRIPTOR ? 4 : 0;
  const wide = m.zip64 || (hasSig ? u64(b, 8) === m.compressedSize : false);
  const len = hasSig + 4 + (wide ? 16 : 8);
  return at + len <= src.size ? len : Math.max(0, src.size - at);
}

/** Where a walk without a central directory finds the end of data of unknown size: the next descriptor. */
function findDescriptor(
  src: ByteSource,
  dataStart: number,
  maxScan: number,
): { compressedSize: number; uncompressedSize: number; crc32: number; length: number } | null {
  const limit = Math.min(src.size, dataStart + maxScan);
  const CHUNK = 1 << 16;
  for (let base = dataStart; base < limit; base += CHUNK) {
    const buf = src.read(base, CHUNK + 24);
    for (let i = 0; i < CHUNK && i + 16 <= buf.length; i++) {
      if (buf[i] !== 0x50 || u32(buf, i) !== SIG_DESCRIPTOR) continue;
      const dist = base + i - dataStart;
      if (u32(buf, i + 8) === dist) {
        return {
          crc32: u32(buf, i + 4),
          compressedSize: dist,
          uncompressedSize: u32(buf, i + 12),
          length: 16,
        };
      }
      if (i + 24 <= buf.length && u64(buf, i + 8) === dist) {
        return {
          crc32: u32(buf, i + 4),
          compressedSize: dist,
          uncompressedSize: u64(buf, i + 16),
          length: 24,
        };
      }
    }
  }
  return null;
}

function memberFromLocal(index: number, lh: ZipLocalHeader, source: "central" | "local"): ZipMember {
  return {
    index,
    name: lh.name,
    method: lh.method,
    flags: lh.flags,
    compressedSize: lh.compressedSize,
    uncompressedSize: lh.uncompressedSize,
    crc32: lh.crc32,
    localHeaderOffset: lh.offset,
    dataOffset: lh.offset + lh.headerLength,
    encrypted: (lh.flags & 1) !== 0,
    encryptionFlagOnly: false,
    hasDataDescriptor: (lh.flags & 8) !== 0,
    zip64: lh.compressedSize >= U32_MAX || lh.uncompressedSize >= U32_MAX,
    isDirectory: lh.name.endsWith("/"),
    source,
    local: lh,
  };
}

/**
 * Walks local headers from `start` (a relaxed reader's view when the central directory is unusable, or
 * the gaps between listed members). Returns the members found and where the walk stopped.
 */
function walkLocal(
  src: ByteSource,
  start: number,
  end: number,
  limits: ZipLimits,
  maxCount: number,
  scanBudget: { left: number },
): ZipMember[] {
  const out: ZipMember[] = [];
  let pos = start;
  const CHUNK = 1 << 16;
  while (pos + 30 <= end && out.length < maxCount && scanBudget.left > 0) {
    // Find the next signature.
    let hit = -1;
    while (pos + 4 <= end && scanBudget.left > 0) {
      const len = Math.min(CHUNK, end - pos);
      const buf = src.read(pos, len + 3);
      let i = 0;
      for (; i < len; i++) {
        if (buf[i] === 0x50 && buf[i + 1] === 0x4b && buf[i + 2] === 3 && buf[i + 3] === 4) {
          hit = pos + i;
          break;
        }
      }
      scanBudget.left -= i;
      if (hit >= 0) break;
      pos += len;
    }
    if (hit < 0) break;
    const lh = readLocalHeader(src, hit);
    if (!lh) {
      pos = hit + 4;
      continue;
    }
    const m = memberFromLocal(out.length, lh, "local");
    let next = m.dataOffset + m.compressedSize;
    if (m.hasDataDescriptor && m.compressedSize === 0) {
      const d = findDescriptor(src, m.dataOffset, Math.min(limits.maxGapScanBytes, end - m.dataOffset));
      if (d) {
        m.compressedSize = d.compressedSize;
        m.uncompressedSize = d.uncompressedSize;
        m.crc32 = d.crc32;
        next = m.dataOffset + d.compressedSize + d.length;
      } else {
        next = m.dataOffset;
      }
    } else if (m.hasDataDescriptor) {
      next += descriptorLength(src, next, m);
    }
    out.push(m);
    pos = next > hit ? Math.min(next, end) : hit + 4;
  }
  return out;
}

function describe(m: { name: string }): string {
  return JSON.stringify(m.name);
}

/** The offset where a zip really starts in `src` (0 for a plain zip), or -1 when no end record is found. */
export function zipPrefixOffset(src: ByteSource): number {
  const eocd = findEocd(src);
  if (!eocd) return -1;
  return Math.max(0, eocd.cdEnd - eocd.cdSize - eocd.cdOffset);
}

export function readZip(src: ByteSource, limits: Partial<ZipLimits> = {}): ZipArchive {
  const lim: ZipLimits = { ...DEFAULT_ZIP_LIMITS, ...limits };
  const anomalies: ZipAnomaly[] = [];
  const archive: ZipArchive = {
    prefixOffset: 0,
    centralDirectory: "ok",
    centralDirectoryOffset: -1,
    endOffset: src.size,
    zip64: false,
    comment: "",
    members: [],
    hiddenMembers: [],
    anomalies,
    truncated: false,
  };
  const scanBudget = { left: lim.maxGapScanBytes };
  const eocd = findEocd(src);
  let members: ZipMember[] | null = null;
  if (!eocd) {
    archive.centralDirectory = "missing";
    anomalies.push({
      kind: "central-directory-missing",
      index: -1,
      message: "no end-of-central-directory record; members were found by walking local headers",
    });
  } else {
    archive.zip64 = eocd.zip64;
    archive.comment = eocd.comment;
    archive.endOffset = eocd.end;
    const parsed = readCentral(src, eocd, lim, anomalies);
    if (parsed) {
      members = parsed.members;
      archive.prefixOffset = parsed.prefix;
      archive.centralDirectoryOffset = parsed.cdStart;
      archive.truncated = parsed.truncated;
    } else {
      archive.centralDirectory = "corrupt";
    }
  }
  if (members === null) {
    // Relaxed fallback: walk local headers from the first signature.
    members = walkLocal(src, 0, src.size, lim, lim.maxMembers, { left: Number.POSITIVE_INFINITY });
    if (members.length > 0) {
      archive.prefixOffset = members[0]?.localHeaderOffset ?? 0;
      const last = members[members.length - 1];
      if (last && !eocd) archive.endOffset = last.dataOffset + last.compressedSize;
    }
    if (members.length >= lim.maxMembers) archive.truncated = true;
  }
  if (archive.prefixOffset > 0) {
    anomalies.push({
      kind: "prefix-data",
      index: -1,
      message: `${archive.prefixOffset} bytes precede the zip archive (a polyglot or self-extractor)`,
    });
  }
  if (eocd && eocd.end < src.size) {
    anomalies.push({
      kind: "trailing-data",
      index: -1,
      message: `${src.size - eocd.end} bytes follow the end-of-central-directory record`,
    });
  }
  archive.members = members;
  checkMembers(src, archive);
  // Unlisted local headers in the gaps.
  if (archive.centralDirectory === "ok") {
    const ranges: [number, number][] = members
      .filter((m) => m.dataOffset >= 0)
      .map((m) => [m.localHeaderOffset, memberEnd(src, m)]);
    const gapEnd = archive.centralDirectoryOffset >= 0 ? archive.centralDirectoryOffset : src.size;
    ranges.sort((a, b) => a[0] - b[0]);
    let cursor = archive.prefixOffset;
    const gaps: [number, number][] = [];
    for (const [s, e] of ranges) {
      if (s > cursor) gaps.push([cursor, Math.min(s, gapEnd)]);
      cursor = Math.max(cursor, e);
    }
    if (cursor < gapEnd) gaps.push([cursor, gapEnd]);
    for (const [s, e] of gaps) {
      if (e - s < 30 || archive.hiddenMembers.length >= lim.maxMembers) continue;
      for (const h of walkLocal(src, s, e, lim, lim.maxMembers - archive.hiddenMembers.length, scanBudget)) {
        h.index = archive.hiddenMembers.length;
        archive.hiddenMembers.push(h);
        anomalies.push({
          kind: "unlisted-local-header",
          index: h.index,
          message: `local header for ${describe(h)} at offset ${h.localHeaderOffset} is not listed in the central directory`,
        });
      }
    }
  }
  return archive;
}

function memberEnd(src: ByteSource, m: ZipMember): number {
  let end = m.dataOffset + m.compressedSize;
  if (m.hasDataDescriptor && end < src.size) end += descriptorLength(src, end, m);
  return end;
}

function readCentral(
  src: ByteSource,
  eocd: Eocd,
  lim: ZipLimits,
  anomalies: ZipAnomaly[],
): { members: ZipMember[]; prefix: number; cdStart: number; truncated: boolean } | null {
  const concat = eocd.cdEnd - eocd.cdSize - eocd.cdOffset;
  if (!Number.isFinite(concat) || concat < 0) {
    anomalies.push({
      kind: "central-directory-corrupt",
      index: -1,
      message: `central directory offset ${eocd.cdOffset} and size ${eocd.cdSize} do not fit before its end record`,
    });
    return null;
  }
  const cdStart = eocd.cdOffset + concat;
  const members: ZipMember[] = [];
  let pos = cdStart;
  let truncated = false;
  let count = 0;
  while (pos < eocd.cdEnd) {
    const h = src.read(pos, 46);
    if (h.length < 46 || u32(h, 0) !== SIG_CENTRAL) {
      if (count === 0 || pos + 4 <= eocd.cdEnd) {
        anomalies.push({
          kind: "central-directory-corrupt",
          index: count,
          message: `no central directory entry at offset ${pos}`,
        });
        if (count === 0) return null;
      }
      break;
    }
    const nameLen = u16(h, 28);
    const extraLen = u16(h, 30);
    const commentLen = u16(h, 32);
    const entryLen = 46 + nameLen + extraLen + commentLen;
    if (count >= lim.maxMembers) {
      truncated = true;
      count++;
      pos += entryLen;
      continue;
    }
    const vars = src.read(pos + 46, nameLen + extraLen);
    const flags = u16(h, 8);
    let compressedSize = u32(h, 20);
    let uncompressedSize = u32(h, 24);
    let offset = u32(h, 42);
    let zip64 = false;
    if (compressedSize === U32_MAX || uncompressedSize === U32_MAX || offset === U32_MAX) {
      const z = parseZip64Extra(
        vars.subarray(nameLen),
        uncompressedSize === U32_MAX,
        compressedSize === U32_MAX,
        offset === U32_MAX,
      );
      if (z) {
        zip64 = true;
        if (z.uncompressedSize !== undefined) uncompressedSize = z.uncompressedSize;
        if (z.compressedSize !== undefined) compressedSize = z.compressedSize;
        if (z.offset !== undefined) offset = z.offset;
      }
    }
    const name = decodeZipName(vars.subarray(0, nameLen), flags);
    members.push({
      index: count,
      name,
      method: u16(h, 10),
      flags,
      compressedSize,
      uncompressedSize,
      crc32: u32(h, 16),
      localHeaderOffset: offset + concat,
      dataOffset: -1,
      encrypted: (flags & 1) !== 0,
      encryptionFlagOnly: false,
      hasDataDescriptor: (flags & 8) !== 0,
      zip64,
      isDirectory: name.endsWith("/"),
      source: "central",
    });
    count++;
    pos += entryLen;
  }
  // Some writers (zip -A, some self-extractors) keep absolute offsets: prefer the base where headers are.
  let prefix = concat;
  if (concat > 0 && members.length > 0) {
    const first = members[0]!;
    if (
      !readLocalHeader(src, first.localHeaderOffset) &&
      readLocalHeader(src, first.localHeaderOffset - concat)
    ) {
      for (const m of members) m.localHeaderOffset -= concat;
      prefix = Math.max(0, lowestOffset(members));
    }
  }
  if (members.length > 0) {
    const lowest = lowestOffset(members);
    if (lowest > prefix && lowest < cdStart && readLocalHeader(src, lowest)) prefix = lowest;
  }
  if (truncated) {
    anomalies.push({
      kind: "member-limit",
      index: -1,
      message: `the central directory lists ${count} members; only the first ${lim.maxMembers} were read`,
    });
  }
  if (!truncated && count !== eocd.entries) {
    anomalies.push({
      kind: "entry-count-mismatch",
      index: -1,
      message: `the end record declares ${eocd.entries} entries but the central directory holds ${count}`,
    });
  }
  return { members, prefix, cdStart, truncated };
}

function lowestOffset(members: ZipMember[]): number {
  let low = Number.POSITIVE_INFINITY;
  for (const m of members) if (m.localHeaderOffset < low) low = m.localHeaderOffset;
  return low;
}

function checkMembers(src: ByteSource, archive: ZipArchive): void {
  const { anomalies, members } = archive;
  const seen = new Map<string, number>();
  for (const m of members) {
    const first = seen.get(m.name);
    if (first !== undefined) {
      anomalies.push({
        kind: "duplicate-name",
        index: m.index,
        message: `member ${m.index} has the same name ${describe(m)} as member ${first}; readers disagree on which wins`,
      });
    } else seen.set(m.name, m.index);
    if (m.source === "central") {
      const lh = readLocalHeader(src, m.localHeaderOffset);
      if (!lh) {
        anomalies.push({
          kind: "local-header-missing",
          index: m.index,
          message: `no local header for ${describe(m)} at offset ${m.localHeaderOffset}`,
        });
      } else {
        m.local = lh;
        m.dataOffset = lh.offset + lh.headerLength;
        compareLocal(m, lh, anomalies);
      }
    }
    if (m.encrypted) {
      m.encryptionFlagOnly = m.method === 0 && m.compressedSize === m.uncompressedSize;
      anomalies.push({
        kind: "encrypted",
        index: m.index,
        message: m.encryptionFlagOnly
          ? `${describe(m)} is flagged encrypted but is stored with equal sizes: the flag looks forged and the bytes plaintext`
          : `${describe(m)} is encrypted and cannot be read`,
      });
    }
    if (m.hasDataDescriptor) {
      anomalies.push({
        kind: "data-descriptor",
        index: m.index,
        message: `${describe(m)} uses a data descriptor (sizes and CRC follow the data)`,
      });
    }
    if (m.method !== 0 && m.method !== 8) {
      anomalies.push({
        kind: "unsupported-method",
        index: m.index,
        message: `${describe(m)} uses compression method ${m.method} (${ZIP_METHODS[m.method] ?? "unknown"})`,
      });
    }
    if (m.dataOffset >= 0 && m.dataOffset + m.compressedSize > src.size) {
      anomalies.push({
        kind: "out-of-bounds",
        index: m.index,
        message: `${describe(m)} data (${m.compressedSize} bytes at ${m.dataOffset}) runs past the end of the file`,
      });
    }
  }
  // Overlaps: members sharing bytes (zip bombs overlap members; readers that differ see different data).
  const spans = members
    .filter((m) => m.dataOffset >= 0)
    .map((m) => ({ m, s: m.localHeaderOffset, e: Math.min(src.size, memberEnd(src, m)) }))
    .sort((a, b) => a.s - b.s || a.m.index - b.m.index);
  let maxEnd = -1;
  let maxBy: ZipMember | null = null;
  for (const sp of spans) {
    if (maxBy && sp.s < maxEnd) {
      anomalies.push({
        kind: "overlap",
        index: sp.m.index,
        message: `${describe(sp.m)} (bytes ${sp.s}-${sp.e}) overlaps ${describe(maxBy)}`,
      });
    }
    if (sp.e > maxEnd) {
      maxEnd = sp.e;
      maxBy = sp.m;
    }
  }
  if (archive.centralDirectoryOffset >= 0 && maxEnd > archive.centralDirectoryOffset && maxBy) {
    anomalies.push({
      kind: "overlap",
      index: maxBy.index,
      message: `${describe(maxBy)} overlaps the central directory`,
    });
  }
}

function compareLocal(m: ZipMember, lh: ZipLocalHeader, anomalies: ZipAnomaly[]): void {
  if (lh.name !== m.name) {
    anomalies.push({
      kind: "name-mismatch",
      index: m.index,
      message: `central directory names ${describe(m)} but its local header names ${JSON.stringify(lh.name)}`,
    });
  }
  if (lh.method !== m.method) {
    anomalies.push({
      kind: "method-mismatch",
      index: m.index,
      message: `${describe(m)}: central method ${m.method}, local method ${lh.method}`,
    });
  }
  if (lh.flags !== m.flags) {
    anomalies.push({
      kind: "flag-mismatch",
      index: m.index,
      message: `${describe(m)}: central flags 0x${m.flags.toString(16)}, local flags 0x${lh.flags.toString(16)}`,
    });
  }
  // With a data descriptor the local fields may legitimately be zero.
  const descriptor = (lh.flags & 8) !== 0 || m.hasDataDescriptor;
  if (lh.crc32 !== m.crc32 && !(descriptor && lh.crc32 === 0)) {
    anomalies.push({
      kind: "crc-mismatch",
      index: m.index,
      message: `${describe(m)}: central CRC 0x${hex8(m.crc32)}, local CRC 0x${hex8(lh.crc32)}`,
    });
  }
  const sizesZero = lh.compressedSize === 0 && lh.uncompressedSize === 0;
  if (
    (lh.compressedSize !== m.compressedSize || lh.uncompressedSize !== m.uncompressedSize) &&
    !(descriptor && sizesZero)
  ) {
    anomalies.push({
      kind: "size-mismatch",
      index: m.index,
      message: `${describe(m)}: central sizes ${m.compressedSize}/${m.uncompressedSize}, local sizes ${lh.compressedSize}/${lh.uncompressedSize}`,
    });
  }
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, "0");
}

// ---------------------------------------------------------------------------------------------------
// CRC-32 and member bytes

let crcTable: Uint32Array | null = null;
function table(): Uint32Array {
  if (crcTable) return crcTable;
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  crcTable = t;
  return t;
}

/** Incremental CRC-32 (IEEE): pass the previous result to continue. */
export function crc32(bytes: Uint8Array, previous = 0): number {
  const t = table();
  let c = ~previous >>> 0;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** CRC-32 of a whole source, read in chunks (for stored members). */
export function crc32Source(src: ByteSource): number {
  let c = 0;
  const CHUNK = 1 << 20;
  for (let o = 0; o < src.size; o += CHUNK) c = crc32(src.read(o, CHUNK), c);
  return c;
}

/** Shared across the members of one archive so that their expansion together stays bounded. */
export interface ZipBudget {
  remaining: number;
}

export function zipBudget(limits: Partial<ZipLimits> = {}): ZipBudget {
  return { remaining: limits.maxTotalBytes ?? DEFAULT_ZIP_LIMITS.maxTotalBytes };
}

export interface ZipMemberSource extends ByteSource {
  /** True/false once the CRC was computed (always for inflated members); null when not computed. */
  readonly crcOk: boolean | null;
  /** Inflated length differs from the declared uncompressed size. */
  readonly sizeOk: boolean;
}

export interface OpenZipMemberOptions {
  /** Read a member flagged encrypted anyway (when `encryptionFlagOnly`: the flag is likely forged). */
  ignoreEncryption?: boolean;
  /** Compute the CRC of stored members too (reads all their bytes). */
  verifyCrc?: boolean;
  budget?: ZipBudget;
}

/**
 * The member's bytes: stored members are a zero-copy slice; deflated ones are inflated with a cap on
 * their expanded size (BoundExceededError past it). CRC mismatches are reported in `crcOk`, not thrown:
 * a relaxed reader would still load the member, so its bytes must still be scanned.
 */
export function openZipMember(
  src: ByteSource,
  member: ZipMember,
  limits: Partial<ZipLimits> = {},
  options: OpenZipMemberOptions = {},
): ZipMemberSource {
  const lim: ZipLimits = { ...DEFAULT_ZIP_LIMITS, ...limits };
  if (member.dataOffset < 0) {
    throw new FormatError(
      "FORMAT_MALFORMED",
      `no local header for ${describe(member)}`,
      member.localHeaderOffset,
    );
  }
  if (member.encrypted && !options.ignoreEncryption) {
    throw new FormatError("ENCRYPTED", `${describe(member)} is encrypted`, member.localHeaderOffset);
  }
  const available = Math.max(0, Math.min(member.compressedSize, src.size - member.dataOffset));
  if (member.method === 0) {
    const slice = sliceSource(src, member.dataOffset, available);
    const crcOk = options.verifyCrc ? crc32Source(slice) === member.crc32 : null;
    return Object.assign(slice, { crcOk, sizeOk: available === member.uncompressedSize });
  }
  if (member.method !== 8) {
    throw new FormatError(
      "FORMAT_UNSUPPORTED",
      `${describe(member)} uses unsupported compression method ${member.method} (${ZIP_METHODS[member.method] ?? "unknown"})`,
      member.localHeaderOffset,
    );
  }
  const budget = options.budget;
  const cap = Math.min(lim.maxMemberBytes, budget ? budget.remaining : Number.POSITIVE_INFINITY);
  // Deflate cannot expand a block by more than ~0.1%: more input than this cannot fit under the cap.
  const maxInput = Math.min(available, Math.floor(cap * 1.01) + 4096);
  const input = src.read(member.dataOffset, maxInput);
  const out = inflateCapped(input, cap, member);
  if (budget) budget.remaining -= out.length;
  const crcOk = crc32(out) === member.crc32;
  return Object.assign(bufferSource(out), { crcOk, sizeOk: out.length === member.uncompressedSize });
}

function inflateCapped(input: Uint8Array, cap: number, member: ZipMember): Uint8Array {
  try {
    // Sync flush: a truncated stream yields what it has instead of throwing.
    return inflateRawSync(input, { maxOutputLength: Math.max(1, cap), finishFlush: 2 });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ERR_BUFFER_TOO_LARGE" || e instanceof RangeError) {
      throw new BoundExceededError(
        "zip.maxMemberBytes",
        cap,
        `${describe(member)} expands past ${cap} bytes (declared ${member.uncompressedSize})`,
      );
    }
    throw new FormatError(
      "FORMAT_MALFORMED",
      `${describe(member)}: invalid deflate data (${(e as Error).message})`,
      member.dataOffset,
      { cause: e },
    );
  }
}

/** Explicit CRC check of a member's bytes (reads them all; stored members are read in chunks). */
export function verifyCrc(src: ByteSource, member: ZipMember, limits: Partial<ZipLimits> = {}): boolean {
  const s = openZipMember(src, member, limits, {
    ignoreEncryption: member.encryptionFlagOnly,
    verifyCrc: true,
  });
  return s.crcOk === true;
}
