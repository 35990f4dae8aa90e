/**
 * A byte-exact zip writer for tests, fixtures and benchmarks. It writes well-formed archives and, on
 * request, every kind of malformation a reader must notice: central/local mismatches, duplicate names,
 * forged flag bits, data descriptors, hidden local headers, prefixes (polyglots), forced zip64.
 * `writeZipFile` streams member data from callbacks so a multi-GiB archive never sits in memory.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { deflateRawSync } from "node:zlib";
import { crc32 } from "../../src/formats/archive/zip.js";

export interface ZipEntrySpec {
  name: string;
  /** The member's uncompressed bytes (ignored when `chunks` is given). */
  data?: Uint8Array | string;
  /** Streamed uncompressed bytes (stored only); `size` must say how many. Called once. */
  chunks?: () => Iterable<Uint8Array>;
  size?: number;
  /** 0 stored, 8 deflate, or any number (then `raw` holds the bytes as written). Default stored. */
  method?: number;
  /** Bytes written as the member's data, verbatim (already compressed, or garbage). */
  raw?: Uint8Array;
  flags?: number;
  /** Local-header overrides (default: the same as the central directory). */
  localFlags?: number;
  localName?: string;
  localMethod?: number;
  localCrc?: number;
  localCompressedSize?: number;
  localUncompressedSize?: number;
  /** Central-directory overrides. */
  crc?: number;
  compressedSize?: number;
  uncompressedSize?: number;
  /** Bit 3: zero CRC/sizes in the local header, a descriptor after the data. */
  dataDescriptor?: boolean;
  descriptorSignature?: boolean;
  zip64?: boolean;
  /** Bit 0 (traditional encryption flag); data is written as given. */
  encrypted?: boolean;
  utf8?: boolean;
  /** Write the local header and data but leave the member out of the central directory. */
  hidden?: boolean;
  /** Central entry points at another entry's local header (by index in this list). */
  pointAt?: number;
  /** Bytes written before this entry's local header (a gap). */
  gapBefore?: Uint8Array;
}

export interface ZipWriteOptions {
  /** Bytes before the archive (a polyglot); central offsets stay relative to the archive start. */
  prefix?: Uint8Array;
  /** Write offsets absolute in the file instead of relative to the archive (like `zip -A`). */
  absoluteOffsets?: boolean;
  /** "auto" (when needed) or "force" (always zip64 records and extra fields). */
  zip64?: "auto" | "force";
  comment?: string;
  trailing?: Uint8Array;
  /** Leave out the central directory and end record altogether. */
  omitCentral?: boolean;
  /** Override the entry count in the end record. */
  eocdEntries?: number;
  /** Override the central-directory offset in the end record. */
  cdOffset?: number;
}

const U32_MAX = 0xffffffff;
const enc = new TextEncoder();

interface Sink {
  pos: number;
  write(b: Uint8Array): void;
  patch(at: number, b: Uint8Array): void;
}

class MemorySink implements Sink {
  pos = 0;
  parts: Uint8Array[] = [];
  patches: [number, Uint8Array][] = [];
  write(b: Uint8Array): void {
    this.parts.push(b);
    this.pos += b.length;
  }
  patch(at: number, b: Uint8Array): void {
    this.patches.push([at, b]);
  }
  result(): Uint8Array {
    const out = Buffer.concat(this.parts);
    for (const [at, b] of this.patches) out.set(b, at);
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  }
}

class FileSink implements Sink {
  pos = 0;
  constructor(private readonly fd: number) {}
  write(b: Uint8Array): void {
    let done = 0;
    while (done < b.length) done += writeSync(this.fd, b, done, b.length - done, this.pos + done);
    this.pos += b.length;
  }
  patch(at: number, b: Uint8Array): void {
    writeSync(this.fd, b, 0, b.length, at);
  }
}

class Bytes {
  private b: number[] = [];
  u8(v: number): this {
    this.b.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.u8(v).u8(v >>> 8);
  }
  u32(v: number): this {
    return this.u16(v & 0xffff).u16(Math.floor(v / 0x10000) & 0xffff);
  }
  u64(v: number): this {
    return this.u32(v % 0x100000000).u32(Math.floor(v / 0x100000000));
  }
  bytes(x: Uint8Array): this {
    for (const c of x) this.b.push(c);
    return this;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.b);
  }
}

interface Written {
  spec: ZipEntrySpec;
  nameBytes: Uint8Array;
  flags: number;
  method: number;
  crc: number;
  csize: number;
  usize: number;
  offset: number;
  zip64: boolean;
}

function writeAll(sink: Sink, entries: ZipEntrySpec[], opts: ZipWriteOptions): void {
  const force = opts.zip64 === "force";
  if (opts.prefix) sink.write(opts.prefix);
  const base = opts.absoluteOffsets ? 0 : sink.pos;
  const written: Written[] = [];
  for (const spec of entries) {
    if (spec.gapBefore) sink.write(spec.gapBefore);
    const method = spec.method ?? 0;
    let flags = spec.flags ?? 0;
    if (spec.encrypted) flags |= 1;
    if (spec.dataDescriptor) flags |= 8;
    if (spec.utf8) flags |= 0x800;
    const nameBytes = enc.encode(spec.name);
    let data: Uint8Array | null = null;
    let usize: number;
    let csize: number;
    let crc = 0;
    if (spec.chunks) {
      usize = spec.size ?? 0;
      csize = usize;
    } else {
      const plain = typeof spec.data === "string" ? enc.encode(spec.data) : (spec.data ?? new Uint8Array(0));
      crc = crc32(plain);
      usize = plain.length;
      data = spec.raw ?? (method === 8 ? new Uint8Array(deflateRawSync(plain)) : plain);
      csize = data.length;
    }
    const zip64 = force || spec.zip64 === true || usize >= U32_MAX || csize >= U32_MAX;
    const offset = sink.pos - base;
    const localFlags = spec.localFlags ?? flags;
    const localName = spec.localName !== undefined ? enc.encode(spec.localName) : nameBytes;
    const dd = (localFlags & 8) !== 0;
    const lCrcField = dd ? 0 : (spec.localCrc ?? spec.crc ?? crc);
    const lc = spec.localCompressedSize ?? (dd ? 0 : csize);
    const lu = spec.localUncompressedSize ?? (dd ? 0 : usize);
    const extra = zip64 ? new Bytes().u16(1).u16(16).u64(lu).u64(lc).done() : new Uint8Array(0);
    const header = new Bytes()
      .u32(0x04034b50)
      .u16(zip64 ? 45 : 20)
      .u16(localFlags)
      .u16(spec.localMethod ?? method)
      .u16(0)
      .u16(0x21)
      .u32(lCrcField)
      .u32(zip64 ? U32_MAX : lc)
      .u32(zip64 ? U32_MAX : lu)
      .u16(localName.length)
      .u16(extra.length)
      .bytes(localName)
      .bytes(extra)
      .done();
    const headerAt = sink.pos;
    sink.write(header);
    if (spec.chunks) {
      let n = 0;
      for (const c of spec.chunks()) {
        crc = crc32(c, crc);
        n += c.length;
        sink.write(c);
      }
      if (n !== usize) throw new Error(`entry ${spec.name}: chunks gave ${n} bytes, size says ${usize}`);
      if (!dd) sink.patch(headerAt + 14, new Bytes().u32(spec.localCrc ?? spec.crc ?? crc).done());
    } else if (data) {
      sink.write(data);
    }
    if (dd) {
      const d = new Bytes();
      if (spec.descriptorSignature !== false) d.u32(0x08074b50);
      d.u32(spec.localCrc ?? spec.crc ?? crc);
      if (zip64) d.u64(csize).u64(usize);
      else d.u32(csize).u32(usize);
      sink.write(d.done());
    }
    written.push({
      spec,
      nameBytes,
      flags,
      method,
      crc: spec.crc ?? crc,
      csize: spec.compressedSize ?? csize,
      usize: spec.uncompressedSize ?? usize,
      offset,
      zip64,
    });
  }
  if (opts.omitCentral) {
    if (opts.trailing) sink.write(opts.trailing);
    return;
  }
  const cdStart = sink.pos - base;
  let count = 0;
  let anyZip64 = force;
  for (const w of written) {
    if (w.spec.hidden) continue;
    count++;
    const target = w.spec.pointAt !== undefined ? (written[w.spec.pointAt]?.offset ?? w.offset) : w.offset;
    const bigU = force || w.usize >= U32_MAX;
    const bigC = force || w.csize >= U32_MAX;
    const bigO = force || target >= U32_MAX;
    const z = new Bytes();
    if (bigU) z.u64(w.usize);
    if (bigC) z.u64(w.csize);
    if (bigO) z.u64(target);
    const zb = z.done();
    const extra = zb.length ? new Bytes().u16(1).u16(zb.length).bytes(zb).done() : new Uint8Array(0);
    if (zb.length) anyZip64 = true;
    sink.write(
      new Bytes()
        .u32(0x02014b50)
        .u16(0x031e)
        .u16(w.zip64 || zb.length ? 45 : 20)
        .u16(w.flags)
        .u16(w.method)
        .u16(0)
        .u16(0x21)
        .u32(w.crc)
        .u32(bigC ? U32_MAX : w.csize)
        .u32(bigU ? U32_MAX : w.usize)
        .u16(w.nameBytes.length)
        .u16(extra.length)
        .u16(0)
        .u16(0)
        .u16(0)
        .u32(0)
        .u32(bigO ? U32_MAX : target)
        .bytes(w.nameBytes)
        .bytes(extra)
        .done(),
    );
  }
  const cdEnd = sink.pos - base;
  const cdSize = cdEnd - cdStart;
  const entryCount = opts.eocdEntries ?? count;
  const cdOffset = opts.cdOffset ?? cdStart;
  if (anyZip64 || entryCount > 0xffff || cdOffset >= U32_MAX || cdSize >= U32_MAX) {
    anyZip64 = true;
    sink.write(
      new Bytes()
        .u32(0x06064b50)
        .u64(44)
        .u16(0x031e)
        .u16(45)
        .u32(0)
        .u32(0)
        .u64(entryCount)
        .u64(entryCount)
        .u64(cdSize)
        .u64(cdOffset)
        .done(),
    );
    sink.write(new Bytes().u32(0x07064b50).u32(0).u64(cdEnd).u32(1).done());
  }
  const comment = enc.encode(opts.comment ?? "");
  const big = (v: number, max: number) => (anyZip64 && (force || v >= max) ? max : v);
  sink.write(
    new Bytes()
      .u32(0x06054b50)
      .u16(0)
      .u16(0)
      .u16(big(entryCount, 0xffff))
      .u16(big(entryCount, 0xffff))
      .u32(big(cdSize, U32_MAX))
      .u32(big(cdOffset, U32_MAX))
      .u16(comment.length)
      .bytes(comment)
      .done(),
  );
  if (opts.trailing) sink.write(opts.trailing);
}

/** Builds an archive in memory. */
export function buildZip(entries: ZipEntrySpec[], opts: ZipWriteOptions = {}): Uint8Array {
  const sink = new MemorySink();
  writeAll(sink, entries, opts);
  return sink.result();
}

/** Writes an archive to `path`, streaming `chunks` members (for archives far larger than memory). */
export function writeZipFile(path: string, entries: ZipEntrySpec[], opts: ZipWriteOptions = {}): number {
  const fd = openSync(path, "w");
  try {
    const sink = new FileSink(fd);
    writeAll(sink, entries, opts);
    return sink.pos;
  } finally {
    closeSync(fd);
  }
}
