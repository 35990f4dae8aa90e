/** Large files for tests and benchmarks that cost no disk: the bytes a reader needs, then a hole. */
import { closeSync, ftruncateSync, openSync, writeSync } from "node:fs";

/** Writes `head` at offset 0 and extends the file to `size` bytes with `ftruncate` (a sparse hole). */
export function writeSparseFile(path: string, head: Uint8Array, size: number): void {
  const fd = openSync(path, "w");
  try {
    // writeSync may write less than asked.
    for (let done = 0; done < head.length; ) done += writeSync(fd, head, done, head.length - done, done);
    ftruncateSync(fd, size);
  } finally {
    closeSync(fd);
  }
}
