/**
 * The streaming SHA-256 core, and the worker-thread entry that runs it for `hashFiles`.
 *
 * Imported from the main thread it only exports `hashFileStream`; started as a worker (with
 * `workerData.modelgateHashWorker`) it also answers `{ id, path }` messages with
 * `{ type: "progress" | "done" | "error", id, ... }`.
 */
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import { isMainThread, parentPort, workerData } from "node:worker_threads";

/** 8 MiB reads: large enough that syscall and per-chunk costs vanish next to the hashing. */
export const HASH_CHUNK_BYTES = 8 * 1024 * 1024;

/**
 * SHA-256 hex of one file, read with positional reads into two fixed buffers: the read of the next
 * chunk runs on the libuv thread pool while the current one is hashed, so I/O and hashing overlap and
 * memory stays at two buffers whatever the file's size. Reads until EOF (not the size stat'ed
 * earlier), so what is hashed is exactly what was read.
 */
export async function hashFileStream(
  path: string,
  onChunk?: (bytes: number) => void,
  shouldStop?: () => void,
): Promise<string> {
  const fh = await open(path, "r");
  try {
    const size = (await fh.stat()).size;
    // Small files do not need two 8 MiB buffers; +1 so a file of exactly that size ends in one read.
    const len = Math.max(1, Math.min(HASH_CHUNK_BYTES, size + 1));
    let cur = Buffer.allocUnsafeSlow(len);
    let next = Buffer.allocUnsafeSlow(len);
    const hash = createHash("sha256");
    let pos = 0;
    let pending = fh.read(cur, 0, len, pos);
    for (;;) {
      const { bytesRead } = await pending;
      if (bytesRead === 0) break;
      pos += bytesRead;
      shouldStop?.();
      // Issue the next read before hashing the current chunk.
      pending = fh.read(next, 0, len, pos);
      hash.update(bytesRead === len ? cur : cur.subarray(0, bytesRead));
      onChunk?.(bytesRead);
      const t = cur;
      cur = next;
      next = t;
    }
    return hash.digest("hex");
  } finally {
    await fh.close();
  }
}

export interface HashRequest {
  id: number;
  path: string;
}
export type HashReply =
  | { type: "ready" }
  | { type: "progress"; id: number; bytes: number }
  | { type: "done"; id: number; sha256: string }
  | { type: "error"; id: number; message: string; code?: string };

if (
  !isMainThread &&
  parentPort &&
  (workerData as { modelgateHashWorker?: boolean } | null)?.modelgateHashWorker
) {
  const port = parentPort;
  port.on("message", (req: HashRequest) => {
    hashFileStream(req.path, (bytes) =>
      port.postMessage({ type: "progress", id: req.id, bytes } satisfies HashReply),
    )
      .then((sha256) => port.postMessage({ type: "done", id: req.id, sha256 } satisfies HashReply))
      .catch((err: unknown) => {
        const e = err as NodeJS.ErrnoException;
        port.postMessage({
          type: "error",
          id: req.id,
          message: e?.message ?? String(err),
          ...(typeof e?.code === "string" ? { code: e.code } : {}),
        } satisfies HashReply);
      });
  });
  port.postMessage({ type: "ready" } satisfies HashReply);
}
