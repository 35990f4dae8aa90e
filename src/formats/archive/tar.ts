/**
 * A bounded tar reader: ustar, GNU (long names, base-256 sizes) and pax headers, each header's checksum
 * validated. Members are slices of the source (no copy). formats/ knows nothing of findings: odd things
 * are anomalies.
 */
import { BoundExceededError, FormatError } from "../../errors.js";
import { type ByteSource, sliceSource } from "../source.js";

export interface TarLimits {
  maxMembers: number;
  /** Largest pax/GNU long-name record read. */
  maxMetaBytes: number;
}

export const DEFAULT_TAR_LIMITS: TarLimits = { maxMembers: 100_000, maxMetaBytes: 1 << 20 };

export type TarMemberType =
  | "file"
  | "hardlink"
  | "symlink"
  | "directory"
  | "char"
  | "block"
  | "fifo"
  | "other";

export interface TarMember {
  index: number;
  name: string;
  type: TarMemberType;
  /** The raw type flag character. */
  typeFlag: string;
  size: number;
  mode: number;
  linkName: string;
  headerOffset: number;
  dataOffset: number;
}

export type TarAnomalyKind =
  | "checksum-mismatch"
  | "truncated"
  | "duplicate-name"
  | "unsafe-path"
  | "link"
  | "member-limit"
  | "missing-end"
  | "bad-header";

export interface TarAnomaly {
  kind: TarAnomalyKind;
  index: number;
  message: string;
}

export interface TarArchive {
  format: "ustar" | "gnu" | "pax" | "v7";
  members: TarMember[];
  anomalies: TarAnomaly[];
  truncated: boolean;
}

const latin1 = (b: Uint8Array) => {
  let s = "";
  for (const c of b) {
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
};
const utf8 = new TextDecoder("utf-8", { fatal: false });
const cstr = (b: Uint8Array) => {
  const z = b.indexOf(0);
  return utf8.decode(z >= 0 ? b.subarray(0, z) : b);
};

function parseNumeric(field: Uint8Array): number | null {
  const first = field[0] ?? 0;
  if (first & 0x80) {
    // GNU base-256: big-endian, the top bit marks it (negative values are refused).
    if (first & 0x40) return null;
    let v = first & 0x3f;
    for (let i = 1; i < field.length; i++) {
      v = v * 256 + field[i]!;
      if (v > Number.MAX_SAFE_INTEGER) return null;
    }
    return v;
  }
  const s = latin1(field).trim();
  if (s === "") return 0;
  if (!/^[0-7]+$/.test(s)) return null;
  return Number.parseInt(s, 8);
}

/** The header checksum (unsigned sum with the checksum field read as spaces) matches; also the signed sum. */
export function tarChecksumOk(h: Uint8Array): boolean {
  if (h.length < 512) return false;
  const stored = parseNumeric(h.subarray(148, 156));
  if (stored === null) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < 512; i++) {
    const c = i >= 148 && i < 156 ? 0x20 : h[i]!;
    unsigned += c;
    signed += c > 127 ? c - 256 : c;
  }
  return stored === unsigned || stored === signed;
}

const TYPES: Record<string, TarMemberType> = {
  "0": "file",
  "\0": "file",
  "7": "file",
  "1": "hardlink",
  "2": "symlink",
  "3": "char",
  "4": "block",
  "5": "directory",
  "6": "fifo",
};

/** pax records: "LEN key=value\n", LEN counting bytes (so parse bytes, not decoded text). */
function parsePax(body: Uint8Array, into: Map<string, string>): void {
  let p = 0;
  while (p < body.length) {
    const sp = body.indexOf(0x20, p);
    if (sp < 0 || sp - p > 20) break;
    const len = Number(String.fromCharCode(...body.subarray(p, sp)));
    if (!Number.isSafeInteger(len) || len <= sp - p || p + len > body.length) break;
    const rec = utf8.decode(body.subarray(sp + 1, p + len - 1));
    const eq = rec.indexOf("=");
    if (eq > 0) into.set(rec.slice(0, eq), rec.slice(eq + 1));
    p += len;
  }
}

function isUnsafePath(name: string): boolean {
  return name.startsWith("/") || /^[a-zA-Z]:/.test(name) || name.split(/[\\/]/).includes("..");
}

export function readTar(src: ByteSource, limits: Partial<TarLimits> = {}): TarArchive {
  const lim = { ...DEFAULT_TAR_LIMITS, ...limits };
  const members: TarMember[] = [];
  const anomalies: TarAnomaly[] = [];
  const archive: TarArchive = { format: "v7", members, anomalies, truncated: false };
  let pos = 0;
  let longName: string | null = null;
  let longLink: string | null = null;
  let pax = new Map<string, string>();
  const globalPax = new Map<string, string>();
  const seen = new Map<string, number>();
  let ended = false;
  let headers = 0;
  while (pos + 512 <= src.size) {
    const h = src.read(pos, 512);
    if (h.every((c) => c === 0)) {
      ended = true;
      break;
    }
    if (!tarChecksumOk(h)) {
      if (headers === 0)
        throw new FormatError("FORMAT_MALFORMED", "not a tar archive (header checksum)", pos);
      anomalies.push({
        kind: "checksum-mismatch",
        index: members.length,
        message: `tar header at ${pos} has a bad checksum; reading stopped`,
      });
      return archive;
    }
    headers++;
    const magic = latin1(h.subarray(257, 263));
    if (magic.startsWith("ustar")) {
      const gnu = h[262] === 0x20;
      if (archive.format === "v7" || archive.format === "ustar") archive.format = gnu ? "gnu" : "ustar";
    }
    const size = parseNumeric(h.subarray(124, 136));
    if (size === null) {
      anomalies.push({
        kind: "bad-header",
        index: members.length,
        message: `tar header at ${pos} has an unreadable size`,
      });
      return archive;
    }
    const typeFlag = String.fromCharCode(h[156]!);
    const dataOffset = pos + 512;
    const next = dataOffset + Math.ceil(size / 512) * 512;
    if (typeFlag === "x" || typeFlag === "g" || typeFlag === "L" || typeFlag === "K") {
      if (size > lim.maxMetaBytes) {
        throw new BoundExceededError(
          "tar.maxMetaBytes",
          lim.maxMetaBytes,
          `tar metadata record of ${size} bytes at ${pos}`,
        );
      }
      const body = src.read(dataOffset, size);
      if (body.length < size) {
        anomalies.push({
          kind: "truncated",
          index: members.length,
          message: `tar metadata at ${pos} is cut off`,
        });
        archive.truncated = true;
        return archive;
      }
      if (typeFlag === "L") longName = cstr(body);
      else if (typeFlag === "K") longLink = cstr(body);
      else {
        archive.format = "pax";
        parsePax(body, typeFlag === "g" ? globalPax : pax);
      }
      pos = next;
      continue;
    }
    if (members.length >= lim.maxMembers) {
      archive.truncated = true;
      anomalies.push({
        kind: "member-limit",
        index: -1,
        message: `more than ${lim.maxMembers} tar members; the rest were not read`,
      });
      return archive;
    }
    let name = cstr(h.subarray(0, 100));
    const prefix = magic.startsWith("ustar") && h[262] !== 0x20 ? cstr(h.subarray(345, 500)) : "";
    if (prefix) name = `${prefix}/${name}`;
    name = pax.get("path") ?? longName ?? globalPax.get("path") ?? name;
    const linkName = pax.get("linkpath") ?? longLink ?? cstr(h.subarray(157, 257));
    const paxSize = pax.get("size");
    const realSize = paxSize !== undefined && /^\d+$/.test(paxSize) ? Number(paxSize) : size;
    const m: TarMember = {
      index: members.length,
      name,
      type: TYPES[typeFlag] ?? "other",
      typeFlag,
      size: realSize,
      mode: parseNumeric(h.subarray(100, 108)) ?? 0,
      linkName,
      headerOffset: pos,
      dataOffset,
    };
    members.push(m);
    pax = new Map();
    longName = null;
    longLink = null;
    const first = seen.get(name);
    if (first !== undefined) {
      anomalies.push({
        kind: "duplicate-name",
        index: m.index,
        message: `tar member ${JSON.stringify(name)} repeats member ${first}`,
      });
    } else seen.set(name, m.index);
    if (isUnsafePath(name)) {
      anomalies.push({
        kind: "unsafe-path",
        index: m.index,
        message: `tar member path ${JSON.stringify(name)} escapes the extraction folder`,
      });
    }
    if (m.type === "symlink" || m.type === "hardlink") {
      anomalies.push({
        kind: isUnsafePath(linkName) ? "unsafe-path" : "link",
        index: m.index,
        message: `tar member ${JSON.stringify(name)} is a ${m.type} to ${JSON.stringify(linkName)}`,
      });
    }
    const dataEnd = dataOffset + (m.type === "file" || m.type === "other" ? realSize : 0);
    if (dataEnd > src.size) {
      anomalies.push({
        kind: "truncated",
        index: m.index,
        message: `tar member ${JSON.stringify(name)} runs past the end of the file`,
      });
      archive.truncated = true;
      return archive;
    }
    pos = m.type === "file" || m.type === "other" ? dataOffset + Math.ceil(realSize / 512) * 512 : next;
  }
  if (!ended)
    anomalies.push({
      kind: "missing-end",
      index: -1,
      message: "the tar archive has no end-of-archive blocks",
    });
  return archive;
}

/** The member's bytes, a zero-copy slice. */
export function openTarMember(src: ByteSource, member: TarMember): ByteSource {
  return sliceSource(src, member.dataOffset, member.size);
}
