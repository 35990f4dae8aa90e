/**
 * SHA-256 of files, fast: 8 MiB double-buffered positional reads (see `hash-worker.ts`), and a pool of
 * worker threads when there are several files with enough bytes to be worth it. Memory is two chunk
 * buffers per hashing lane, whatever the files' sizes.
 */
import { stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { ModelgateError } from "../errors.js";
import { type HashReply, hashFileStream } from "./hash-worker.js";

export interface HashOptions {
  /** Called after every chunk, with bytes hashed so far over all files and their total size. */
  onProgress?(bytesDone: number, bytesTotal: number): void;
  signal?: AbortSignal;
  /** Most files hashed at once; defaults to the number of CPUs. */
  concurrency?: number;
  /**
   * `auto` (default): workers when there are at least `WORKER_MIN_TOTAL_BYTES` and more than one CPU;
   * `workers`: a worker per lane whatever the sizes (one file gets one worker); `in-process`: no
   * workers. For tests and benchmarks.
   */
  mode?: "auto" | "workers" | "in-process";
}

/**
 * Below this many bytes in all, starting worker threads (about 30-50 ms each) costs more than it saves;
 * hash in-process instead. Above it even one file goes to a worker: measured alone, one big file hashes
 * at the same speed in-process and in a worker (2 GiB: 1244 vs 1309 ms, and the other way round on
 * another run), but in a worker it leaves the main thread to the format readers that run meanwhile.
 */
export const WORKER_MIN_TOTAL_BYTES = 64 * 1024 * 1024;

/** In-process lanes for small files: enough to overlap open/stat latency, hashing is one thread anyway. */
const IN_PROCESS_LANES = 4;

let workersUnavailable = false;

function unreadable(path: string, err: unknown): ModelgateError {
  const e = err as NodeJS.ErrnoException | undefined;
  const why = e?.message ?? String(err);
  return new ModelgateError("TARGET_UNREADABLE", `cannot read ${JSON.stringify(path)} to hash it: ${why}`, {
    cause: err,
  });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted", "AbortError");
}

/**
 * How to start `hash-worker`: from compiled `dist/` the `.js` file itself; from `.ts` sources (vitest,
 * tsx) a small CommonJS bootstrap that registers tsx's require hook and requires the `.ts` file. (Node 20
 * does not apply `--import tsx` loader hooks inside worker threads.)
 */
function workerSpec(): { target: string | URL; eval: boolean } {
  const self = import.meta.url;
  if (!self.endsWith(".ts")) return { target: new URL("./hash-worker.js", self), eval: false };
  const tsxApi = createRequire(self).resolve("tsx/cjs/api");
  const file = fileURLToPath(new URL("./hash-worker.ts", self));
  return {
    target: `require(${JSON.stringify(tsxApi)}).register(); require(${JSON.stringify(file)});`,
    eval: true,
  };
}

/** Starts one hashing worker; resolves once it has loaded, or to null when it cannot start. */
function startWorker(): Promise<Worker | null> {
  if (workersUnavailable) return Promise.resolve(null);
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      const spec = workerSpec();
      worker = new Worker(spec.target, {
        eval: spec.eval,
        workerData: { modelgateHashWorker: true },
        // Loader flags of the parent (e.g. `--import tsx`) are not needed and slow the start.
        execArgv: [],
      });
    } catch {
      workersUnavailable = true;
      resolve(null);
      return;
    }
    // Only our own listeners: Worker keeps internal ones (message port ref/unref) on the same emitter.
    const off = () => {
      worker.off("error", fail);
      worker.off("exit", fail);
      worker.off("message", onMessage);
    };
    const fail = () => {
      workersUnavailable = true;
      off();
      void worker.terminate();
      resolve(null);
    };
    const onMessage = (m: HashReply) => {
      if (m.type !== "ready") return fail();
      off();
      resolve(worker);
    };
    worker.on("error", fail);
    worker.on("exit", fail);
    worker.on("message", onMessage);
  });
}

/**
 * SHA-256 (lowercase hex) of each path, keyed by the path as given. Rejects with a `TARGET_UNREADABLE`
 * `ModelgateError` naming the file when one cannot be read (missing, permission denied, not a regular
 * file), and with the signal's reason when aborted.
 */
export async function hashFiles(paths: string[], opts: HashOptions = {}): Promise<Map<string, string>> {
  const { onProgress, signal } = opts;
  signal?.throwIfAborted();
  const unique = [...new Set(paths)];
  const sizes = await Promise.all(
    unique.map(async (p) => {
      let st: Awaited<ReturnType<typeof stat>>;
      try {
        st = await stat(p);
      } catch (err) {
        throw unreadable(p, err);
      }
      if (!st.isFile())
        throw unreadable(p, new Error(st.isDirectory() ? "is a directory" : "not a regular file"));
      return st.size;
    }),
  );
  signal?.throwIfAborted();
  const total = sizes.reduce((a, b) => a + b, 0);
  let done = 0;
  const progress = (bytes: number) => {
    done += bytes;
    onProgress?.(done, total);
  };
  onProgress?.(0, total);

  const result = new Map<string, string>();
  if (unique.length === 0) return result;
  // Biggest first, so no lane is left with one huge file at the end.
  const queue = unique.map((p, i) => ({ path: p, size: sizes[i] ?? 0 })).sort((a, b) => b.size - a.size);
  const cpus = Math.max(1, Math.floor(opts.concurrency ?? availableParallelism()));
  const mode = opts.mode ?? "auto";
  const useWorkers = mode === "workers" || (mode === "auto" && cpus > 1 && total >= WORKER_MIN_TOTAL_BYTES);
  const lanes = useWorkers ? Math.min(unique.length, cpus) : Math.min(unique.length, IN_PROCESS_LANES);

  const workers = new Set<Worker>();
  let failed = false;
  let firstError: unknown;
  const stop = () => {
    if (signal?.aborted) throw abortReason(signal);
    if (failed) throw new Error("stopped");
  };

  const inProcess = async (path: string) => {
    try {
      return await hashFileStream(path, progress, stop);
    } catch (err) {
      if (signal?.aborted || failed) throw signal?.aborted ? abortReason(signal) : err;
      throw unreadable(path, err);
    }
  };

  const inWorker = (worker: Worker, id: number, path: string) =>
    new Promise<string>((resolve, reject) => {
      const onMessage = (m: HashReply) => {
        if (m.type === "progress" && m.id === id) progress(m.bytes);
        else if (m.type === "done" && m.id === id) finish(() => resolve(m.sha256));
        else if (m.type === "error" && m.id === id) {
          const cause = Object.assign(new Error(m.message), m.code ? { code: m.code } : {});
          finish(() => reject(unreadable(path, cause)));
        }
      };
      const onError = (err: unknown) => finish(() => reject(signal?.aborted ? abortReason(signal) : err));
      const onExit = () =>
        finish(() =>
          reject(
            signal?.aborted ? abortReason(signal) : new Error(`hash worker exited while hashing ${path}`),
          ),
        );
      const finish = (f: () => void) => {
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onExit);
        f();
      };
      worker.on("message", onMessage);
      worker.once("error", onError);
      worker.once("exit", onExit);
      worker.postMessage({ id, path });
    });

  let nextId = 0;
  const lane = async () => {
    const worker = useWorkers ? await startWorker() : null;
    if (worker) workers.add(worker);
    try {
      for (;;) {
        stop();
        const job = queue.shift();
        if (!job) return;
        const sha = worker ? await inWorker(worker, nextId++, job.path) : await inProcess(job.path);
        result.set(job.path, sha);
      }
    } finally {
      if (worker) {
        workers.delete(worker);
        void worker.terminate();
      }
    }
  };

  const onAbort = () => {
    for (const w of workers) void w.terminate();
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const running = Array.from({ length: lanes }, () =>
      lane().catch((err: unknown) => {
        if (!failed) {
          failed = true;
          firstError = err;
          for (const w of workers) void w.terminate();
        }
        throw err;
      }),
    );
    const settled = await Promise.allSettled(running);
    if (signal?.aborted) throw abortReason(signal);
    // The first error, not what the lanes stopped because of it threw.
    if (failed || settled.some((s) => s.status === "rejected")) throw firstError;
    return new Map(paths.map((p) => [p, result.get(p) as string]));
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}

/** Whether a hashing worker thread can start here (else `hashFiles` hashes in-process). For tests and diagnostics. */
export async function canStartHashWorker(): Promise<boolean> {
  const w = await startWorker();
  if (!w) return false;
  await w.terminate();
  return true;
}
