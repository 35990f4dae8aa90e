import { createHash } from "node:crypto";
import type { FileSet, FileSetEntry } from "../formats/file-set.js";
import { HubClient, type HubClientOptions, HubHttpError, type HubSibling } from "./hub-client.js";
import { parseHubTarget } from "./parse-hub-target.js";
import { BLOCK_SIZE, CacheBudget, RemoteFile } from "./remote-source.js";

export interface HubOptions extends HubClientOptions {
  /** Default https://huggingface.co (or HF_ENDPOINT). */
  baseUrl?: string;
  /** Default HF_TOKEN from the environment. */
  token?: string;
  fetch?: typeof fetch;
  /** Memory for fetched bytes, all files together (default 256 MiB). */
  cacheBytes?: number;
}

/** Files kept in git (not LFS) up to this size are fetched whole and hashed here. */
const WHOLE_FILE_LIMIT = 8 * 1024 * 1024;
/** All whole-fetched files together; past this, small files are read by range like the rest. */
const WHOLE_FILES_TOTAL = 64 * 1024 * 1024;
/** Bytes past the last 64 KiB a zip's end record can sit at (its fixed part). */
const ZIP_EOCD = 22;
const PREFETCH_CONCURRENCY = 8;

/**
 * `hf:org/name[@revision]` as a FileSet whose weight files are read with HTTP range requests. The file
 * list comes from the model info API; small git files are fetched whole, and the first and last 64 KiB
 * of every other file (where headers and zip directories live) are fetched up front.
 */
export async function hubFileSet(target: string, options: HubOptions = {}): Promise<FileSet> {
  const { repo, revision } = parseHubTarget(target);
  const client = new HubClient(options);
  const info = await client.modelInfo(repo, revision);
  const budget = new CacheBudget(options.cacheBytes ?? 256 * 1024 * 1024);
  const prefetches: (() => Promise<void>)[] = [];
  let wholeBudget = WHOLE_FILES_TOTAL;
  const files = [...info.siblings]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((sibling): FileSetEntry => {
      const remote = new RemoteFile(
        sibling.size,
        (offset, length) => client.fetchRange(repo, info.sha, sibling.path, offset, length),
        budget,
      );
      const entry: FileSetEntry = {
        relativePath: sibling.path,
        size: sibling.size,
        path: null,
        open: () => remote.open(),
        fetch: (ranges) => remote.fetch(ranges),
      };
      if (sibling.lfsSha256) entry.sha256 = sibling.lfsSha256;
      const problem = pathProblem(sibling.path);
      if (problem) {
        entry.problem = problem;
        return entry;
      }
      if (sibling.size === 0) return entry;
      if (!sibling.lfsSha256 && sibling.size <= WHOLE_FILE_LIMIT && sibling.size <= wholeBudget) {
        wholeBudget -= sibling.size;
        prefetches.push(() => fetchWhole(client, repo, info.sha, sibling, remote, entry));
      } else {
        prefetches.push(() => remote.fetch(edges(sibling.size)).catch(rethrowAccessErrors));
      }
      return entry;
    });
  await runAll(prefetches, PREFETCH_CONCURRENCY);
  return { target, isDirectory: true, root: null, files };
}

/**
 * A head or tail that cannot be fetched now (a server that ignores Range, a cache that is full) is left
 * for the scan, which may not need it and reports the file if it does; no access is the target's failure.
 */
function rethrowAccessErrors(cause: unknown): void {
  if (cause instanceof HubHttpError && [401, 403, 404].includes(cause.status)) throw cause;
}

/** The head and tail blocks: a safetensors/GGUF header, a zip's end record and central directory. */
function edges(size: number) {
  const tail = Math.min(size, BLOCK_SIZE + ZIP_EOCD);
  return [
    { offset: 0, length: Math.min(size, BLOCK_SIZE) },
    { offset: size - tail, length: tail },
  ];
}

async function fetchWhole(
  client: HubClient,
  repo: string,
  commit: string,
  sibling: HubSibling,
  remote: RemoteFile,
  entry: FileSetEntry,
): Promise<void> {
  const { bytes, transferred } = await client.fetchFile(repo, commit, sibling.path, sibling.size + 1);
  if (bytes.length !== sibling.size) {
    entry.problem = `the Hub lists ${sibling.size} bytes but served ${bytes.length}`;
    return;
  }
  remote.store(bytes, transferred);
  entry.sha256 = createHash("sha256").update(bytes).digest("hex");
}

/** A path the Hub should never list; it is shown but not read (it would not name one file in a URL). */
function pathProblem(path: string): string | undefined {
  const segments = path.split("/");
  const bad = path.length === 0 || segments.some((s) => s === "" || s === "." || s === "..");
  return bad ? `the Hub listed an invalid file path ${JSON.stringify(path)}` : undefined;
}

async function runAll(tasks: (() => Promise<void>)[], concurrency: number): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < tasks.length && !failed) {
      try {
        await tasks[next++]!();
      } catch (cause) {
        // The first failure is the answer; the other workers stop instead of fetching on.
        failed = true;
        throw cause;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
}
