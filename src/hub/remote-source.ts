import { BoundExceededError } from "../errors.js";
import type { ByteRange, FileSetSource } from "../formats/file-set.js";

/** Missing reads are fetched in aligned blocks of this size, so neighbouring small reads share a request. */
export const BLOCK_SIZE = 64 * 1024;
/** Most reads a pass records as missing; beyond this they are merged into the last one. */
const MAX_MISSING = 10_000;
const FETCH_CONCURRENCY = 4;

/** Fetches bytes [offset, offset+length) of one file; `transferred` is what came over the network. */
export type RangeFetcher = (
  offset: number,
  length: number,
) => Promise<{ bytes: Uint8Array; transferred: number }>;

/**
 * The memory every remote file's fetched bytes share. When full, the bytes of the files used least
 * recently are dropped (a later read fetches them again); one file that alone needs more fails instead.
 */
export class CacheBudget {
  used = 0;
  /** Least recently used first. */
  private readonly files = new Set<RemoteFile>();

  constructor(readonly capBytes: number) {}

  reserve(file: RemoteFile, bytes: number): void {
    this.touch(file);
    for (const other of this.files) {
      if (this.used + bytes <= this.capBytes) break;
      if (other !== file) other.drop();
    }
    if (this.used + bytes > this.capBytes)
      throw new BoundExceededError(
        "hubCacheBytes",
        this.capBytes,
        `reading this file needs more than ${Math.round(this.capBytes / 2 ** 20)} MiB of it in memory; it is not fully verified`,
      );
    this.used += bytes;
  }

  release(bytes: number): void {
    this.used -= bytes;
  }

  touch(file: RemoteFile): void {
    this.files.delete(file);
    this.files.add(file);
  }
}

interface Block {
  start: number;
  bytes: Uint8Array;
}

/**
 * A remote file read through a sparse cache of fetched ranges. Sources it opens answer reads from the
 * cache; bytes not fetched yet read as zeros and are recorded as missing, for the scanner to `fetch`
 * before it reads the file again.
 */
export class RemoteFile {
  /** Fetched ranges, sorted by start, never overlapping. */
  private blocks: Block[] = [];
  /** Network bytes not yet reported through a source's `bytesRead`. */
  private unreported = 0;

  constructor(
    readonly size: number,
    private readonly fetchRange: RangeFetcher,
    private readonly budget: CacheBudget,
  ) {}

  /** Bytes held in memory for this file. */
  get cachedBytes(): number {
    return this.blocks.reduce((n, b) => n + b.bytes.length, 0);
  }

  /** Takes bytes already fetched whole (a small file read when the set was built). */
  store(bytes: Uint8Array, transferred: number): void {
    this.budget.reserve(this, bytes.length);
    this.blocks = [{ start: 0, bytes }];
    this.unreported += transferred;
  }

  drop(): void {
    this.budget.release(this.cachedBytes);
    this.blocks = [];
  }

  /** A source over what is cached now; it reports the network bytes fetched since the last one was opened. */
  open(): FileSetSource {
    this.budget.touch(this);
    const bytesRead = this.unreported;
    this.unreported = 0;
    const missing: ByteRange[] = [];
    const record = (offset: number, length: number) => {
      const last = missing[missing.length - 1];
      if (last && offset <= last.offset + last.length + BLOCK_SIZE && offset >= last.offset) {
        last.length = Math.max(last.length, offset + length - last.offset);
      } else if (missing.length < MAX_MISSING) missing.push({ offset, length });
      else if (last) {
        const end = Math.max(last.offset + last.length, offset + length);
        last.offset = Math.min(last.offset, offset);
        last.length = end - last.offset;
      }
    };
    return {
      size: this.size,
      bytesRead,
      read: (offset, length) => this.read(offset, length, record),
      missing: () => missing.map((r) => ({ ...r })),
      close() {},
    };
  }

  /** Fetches the blocks around `ranges` that are not cached yet: one request per run of blocks. */
  async fetch(ranges: ByteRange[]): Promise<void> {
    const wanted = this.plan(ranges);
    const total = wanted.reduce((n, r) => n + r.length, 0);
    if (total === 0) return;
    this.budget.reserve(this, total);
    let next = 0;
    let failure: unknown = null;
    const fetched: Block[] = [];
    const worker = async () => {
      while (next < wanted.length && failure === null) {
        const range = wanted[next++]!;
        try {
          const { bytes, transferred } = await this.fetchRange(range.offset, range.length);
          this.unreported += transferred;
          fetched.push({ start: range.offset, bytes });
        } catch (cause) {
          failure ??= cause;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(FETCH_CONCURRENCY, wanted.length) }, worker));
    const kept = fetched.reduce((n, b) => n + b.bytes.length, 0);
    this.budget.release(total - kept);
    this.insert(fetched.filter((b) => b.bytes.length > 0));
    if (failure !== null) throw failure;
  }

  /** `ranges` rounded out to aligned blocks, clipped to the file, merged, less what is cached. */
  plan(ranges: ByteRange[]): ByteRange[] {
    const spans = ranges
      .filter((r) => r.length > 0 && r.offset < this.size)
      .map((r) => {
        const start = Math.floor(Math.max(0, r.offset) / BLOCK_SIZE) * BLOCK_SIZE;
        const end = Math.min(this.size, Math.ceil((r.offset + r.length) / BLOCK_SIZE) * BLOCK_SIZE);
        return { start, end };
      })
      .sort((a, b) => a.start - b.start);
    const merged: { start: number; end: number }[] = [];
    for (const s of spans) {
      const last = merged[merged.length - 1];
      if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
      else merged.push({ ...s });
    }
    const out: ByteRange[] = [];
    for (const m of merged) {
      let pos = m.start;
      for (const b of this.blocks) {
        const bEnd = b.start + b.bytes.length;
        if (bEnd <= pos || b.start >= m.end) continue;
        if (b.start > pos) out.push({ offset: pos, length: b.start - pos });
        pos = Math.max(pos, bEnd);
      }
      if (pos < m.end) out.push({ offset: pos, length: m.end - pos });
    }
    return out;
  }

  private insert(fetched: Block[]): void {
    this.blocks = [...this.blocks, ...fetched].sort((a, b) => a.start - b.start);
  }

  private read(offset: number, length: number, record: (offset: number, length: number) => void): Uint8Array {
    const start = Math.max(0, Math.min(offset, this.size));
    const end = Math.min(this.size, start + Math.max(0, length));
    if (end === start) return new Uint8Array(0);
    const first = this.firstBlockEndingAfter(start);
    const only = this.blocks[first];
    if (only && only.start <= start && only.start + only.bytes.length >= end)
      return only.bytes.subarray(start - only.start, end - only.start);
    const out = new Uint8Array(end - start);
    let pos = start;
    for (let i = first; i < this.blocks.length && pos < end; i++) {
      const b = this.blocks[i]!;
      if (b.start >= end) break;
      if (b.start > pos) record(pos, b.start - pos);
      const from = Math.max(pos, b.start);
      const to = Math.min(end, b.start + b.bytes.length);
      out.set(b.bytes.subarray(from - b.start, to - b.start), from - start);
      pos = Math.max(pos, to);
    }
    if (pos < end) record(pos, end - pos);
    return out;
  }

  /** Index of the first block whose end is after `offset` (blocks are sorted and disjoint). */
  private firstBlockEndingAfter(offset: number): number {
    let lo = 0;
    let hi = this.blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const b = this.blocks[mid]!;
      if (b.start + b.bytes.length <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
