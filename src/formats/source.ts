import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/**
 * Random access to bytes that may be far larger than memory: a file read on demand, a slice of one,
 * or a buffer already in memory (a decompressed member). Readers never assume they can hold it all.
 */
export interface ByteSource {
  readonly size: number;
  /** Bytes [offset, offset+length) clipped to the end of the source; shorter only at the end. */
  read(offset: number, length: number): Uint8Array;
}

export function bufferSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read(offset, length) {
      const start = Math.max(0, Math.min(offset, bytes.length));
      return bytes.subarray(start, Math.min(bytes.length, start + Math.max(0, length)));
    },
  };
}

export function sliceSource(parent: ByteSource, offset: number, length: number): ByteSource {
  const start = Math.max(0, Math.min(offset, parent.size));
  const size = Math.max(0, Math.min(length, parent.size - start));
  return {
    size,
    read(at, len) {
      const s = Math.max(0, Math.min(at, size));
      return parent.read(start + s, Math.min(len, size - s));
    },
  };
}

/** A file read with positional reads; small reads go through one reused window to avoid syscalls. */
export class FileSource implements ByteSource {
  readonly size: number;
  /** Bytes actually read from disk, for the report's summary. */
  bytesRead = 0;
  private readonly fd: number;
  private window: Buffer = Buffer.alloc(0);
  private windowStart = 0;
  private static readonly WINDOW = 64 * 1024;

  constructor(path: string) {
    this.fd = openSync(path, "r");
    this.size = fstatSync(this.fd).size;
  }

  read(offset: number, length: number): Uint8Array {
    const start = Math.max(0, Math.min(offset, this.size));
    const end = Math.min(this.size, start + Math.max(0, length));
    const len = end - start;
    if (len === 0) return new Uint8Array(0);
    if (start >= this.windowStart && end <= this.windowStart + this.window.length) {
      return this.window.subarray(start - this.windowStart, end - this.windowStart);
    }
    if (len > FileSource.WINDOW) {
      const out = readFully(this.fd, Buffer.allocUnsafe(len), start);
      this.bytesRead += out.length;
      return out;
    }
    const win = readFully(this.fd, Buffer.allocUnsafe(Math.min(FileSource.WINDOW, this.size - start)), start);
    this.bytesRead += win.length;
    this.window = win;
    this.windowStart = start;
    return win.subarray(0, Math.min(len, win.length));
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** A file that shrank under us yields fewer bytes, never invented ones. */
function readFully(fd: number, out: Buffer, position: number): Buffer {
  let done = 0;
  while (done < out.length) {
    const n = readSync(fd, out, done, out.length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done < out.length ? out.subarray(0, done) : out;
}
