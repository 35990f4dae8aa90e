/**
 * A local stand-in for the Hugging Face Hub (node:http): the model info API with its real JSON shape
 * (`?blobs=true`: sha, siblings with rfilename/size/blobId/lfs), `resolve` downloads that redirect LFS
 * files to a "CDN" path, Range/206/416 semantics, gated and private repositories, the Hub's
 * `X-Error-Code` errors, injected failures, and a log of every request for assertions.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A file generated on demand (a 5 GB shard is a real header and zeros), never held in memory whole. */
export interface VirtualFile {
  size: number;
  /** Bytes [offset, offset+length), length small (the server asks for at most 1 MiB at a time). */
  read(offset: number, length: number): Uint8Array;
  /** The LFS object id to list; a virtual file is not hashed. */
  sha256: string;
}

export type FixtureFile = Uint8Array | string | VirtualFile;

export interface FixtureCommit {
  /** 40 hex digits. */
  sha: string;
  /** Branches and tags that point at this commit. */
  refs?: string[];
  files: Record<string, FixtureFile>;
}

export interface FixtureRepo {
  /** `org/name` or a legacy `name`. */
  id: string;
  commits: FixtureCommit[];
  /** Downloads need the server's token (the model info stays public, as on the Hub). */
  gated?: boolean;
  /** Everything needs the server's token; without it the repository "does not exist" (401). */
  private?: boolean;
  cardData?: Record<string, unknown>;
}

export interface RequestLogEntry {
  method: string;
  /** The path as requested, query included. */
  path: string;
  range: string | null;
  status: number;
  /** Body bytes written to the socket. */
  bytesSent: number;
  authorized: boolean;
}

export interface HubServer {
  url: string;
  log: RequestLogEntry[];
  /** Answer every Range request with 200 and the whole file, as a server without range support does. */
  ignoreRange: boolean;
  /** The next `count` requests whose path starts with `prefix` get `status` (503 by default); 0 clears. */
  failNext(prefix: string, count: number, status?: number): void;
  close(): Promise<void>;
}

/** Files stored in LFS on a real repository (by .gitattributes), like these. */
const LFS_NAME = /\.(?:safetensors|bin|gguf|pt|pth|ckpt|onnx|h5|msgpack|pkl|npy|npz|tflite|zip|model)$/;

interface ListedFile {
  path: string;
  size: number;
  lfsSha256: string | null;
  blobId: string;
  read(offset: number, length: number): Uint8Array;
}

function listFile(path: string, file: FixtureFile): ListedFile {
  if (typeof file === "object" && !(file instanceof Uint8Array)) {
    return {
      path,
      size: file.size,
      lfsSha256: file.sha256,
      blobId: createHash("sha1").update(file.sha256).digest("hex"),
      read: (o, l) => file.read(o, l),
    };
  }
  const bytes = typeof file === "string" ? new TextEncoder().encode(file) : file;
  const lfs = LFS_NAME.test(path) || bytes.length > 10 * 1024 * 1024;
  const gitBlob = createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
  return {
    path,
    size: bytes.length,
    lfsSha256: lfs ? createHash("sha256").update(bytes).digest("hex") : null,
    blobId: gitBlob,
    read: (o, l) => bytes.subarray(o, o + l),
  };
}

/** A deterministic commit id for fixtures. */
export function commitSha(seed: string): string {
  return createHash("sha1").update(seed).digest("hex");
}

/** One repository at one commit that `main` points at. */
export function fixtureRepo(
  id: string,
  files: Record<string, FixtureFile>,
  extra: Partial<Omit<FixtureRepo, "id" | "commits">> = {},
): FixtureRepo {
  return { id, commits: [{ sha: commitSha(id), refs: ["main"], files }], ...extra };
}

export async function startHubServer(options: { repos: FixtureRepo[]; token?: string }): Promise<HubServer> {
  const token = options.token ?? "hf_test_token";
  const repos = new Map(options.repos.map((r) => [r.id, r]));
  const failures: { prefix: string; count: number; status: number }[] = [];
  const log: RequestLogEntry[] = [];
  const state = { ignoreRange: false };

  const handle = async (req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname;
    const failure = failures.find((f) => path.startsWith(f.prefix) && f.count > 0);
    if (failure) {
      failure.count--;
      return error(res, failure.status, null, "Service Unavailable", { "Retry-After": "0" });
    }
    const auth = req.headers.authorization;
    const authorized = auth === `Bearer ${token}`;
    entry.authorized = authorized;

    if (path.startsWith("/api/models/")) {
      const m = /^\/api\/models\/(.+?)\/revision\/([^/]+)$/.exec(path);
      if (!m) return error(res, 404, null, "Not Found");
      const repo = repos.get(m[1]!);
      if (!repo || (repo.private && !authorized))
        return error(res, auth ? 404 : 401, "RepoNotFound", "Repository not found");
      const commit = findCommit(repo, decodeURIComponent(m[2]!));
      if (!commit) return error(res, 404, "RevisionNotFound", `Invalid rev id: ${decodeURIComponent(m[2]!)}`);
      return json(res, modelInfo(repo, commit, url.searchParams.get("blobs") === "true"));
    }

    if (path.startsWith("/cdn-lfs/")) {
      const m = /^\/cdn-lfs\/([^/]+)\/([0-9a-f]{40})\/(.+)$/.exec(path);
      const repo = m ? repos.get(decodeURIComponent(m[1]!)) : undefined;
      const commit = repo?.commits.find((c) => c.sha === m![2]);
      const fileName = m ? m[3]!.split("/").map(decodeURIComponent).join("/") : "";
      const file = commit?.files[fileName];
      if (!file) return error(res, 403, null, "AccessDenied");
      return serveFile(req, res, listFile(fileName, file), entry);
    }

    const m = /^\/(.+?)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    if (!m) return error(res, 404, null, "Not Found");
    const repo = repos.get(m[1]!);
    if (!repo || (repo.private && !authorized))
      return error(res, auth ? 404 : 401, "RepoNotFound", "Repository not found");
    if (repo.gated && !authorized)
      return error(
        res,
        auth ? 403 : 401,
        "GatedRepo",
        `Access to model ${repo.id} is restricted. You must have access to it and be authenticated to access it.`,
      );
    const commit = findCommit(repo, decodeURIComponent(m[2]!));
    if (!commit) return error(res, 404, "RevisionNotFound", "Invalid rev id");
    const fileName = m[3]!.split("/").map(decodeURIComponent).join("/");
    const file = commit.files[fileName];
    if (file === undefined) return error(res, 404, "EntryNotFound", `${fileName} does not exist`);
    const listed = listFile(fileName, file);
    if (listed.lfsSha256) {
      // LFS content is served from a CDN the Hub redirects to (signed URL, no token needed).
      const where = `/cdn-lfs/${encodeURIComponent(repo.id)}/${commit.sha}/${m[3]}?X-Amz-Signature=test`;
      res.writeHead(302, { Location: where, "X-Linked-Size": String(listed.size), "Content-Length": "0" });
      res.end();
      return;
    }
    return serveFile(req, res, listed, entry);
  };

  const serveFile = async (
    req: IncomingMessage,
    res: ServerResponse,
    file: ListedFile,
    entry: RequestLogEntry,
  ): Promise<void> => {
    const range = state.ignoreRange ? null : parseRange(req.headers.range, file.size);
    if (range === "unsatisfiable") {
      res.writeHead(416, { "Content-Range": `bytes */${file.size}`, "Content-Length": "0" });
      res.end();
      return;
    }
    const start = range?.start ?? 0;
    const end = range?.end ?? file.size;
    res.writeHead(range ? 206 : 200, {
      "Content-Length": String(end - start),
      "Accept-Ranges": "bytes",
      "Content-Type": "application/octet-stream",
      ...(range ? { "Content-Range": `bytes ${start}-${end - 1}/${file.size}` } : {}),
    });
    // Chunked writes with backpressure: a client that stops reading stops the stream.
    for (let pos = start; pos < end && !res.destroyed; ) {
      const chunk = file.read(pos, Math.min(1024 * 1024, end - pos));
      pos += chunk.length;
      entry.bytesSent += chunk.length;
      if (!res.write(chunk))
        await new Promise<void>((resolve) => {
          res.once("drain", resolve);
          res.once("close", resolve);
        });
    }
    res.end();
  };

  const server = createServer((req, res) => {
    const entry: RequestLogEntry = {
      method: req.method ?? "GET",
      path: req.url ?? "/",
      range: req.headers.range ?? null,
      status: 0,
      bytesSent: 0,
      authorized: false,
    };
    log.push(entry);
    res.on("finish", () => {
      entry.status = res.statusCode;
    });
    res.on("close", () => {
      entry.status ||= res.statusCode;
    });
    handle(req, res, entry).catch((cause: Error) => {
      if (!res.headersSent) error(res, 500, null, cause.message);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    log,
    get ignoreRange() {
      return state.ignoreRange;
    },
    set ignoreRange(v: boolean) {
      state.ignoreRange = v;
    },
    failNext(prefix, count, status = 503) {
      const same = failures.findIndex((f) => f.prefix === prefix);
      if (same !== -1) failures.splice(same, 1);
      failures.push({ prefix, count, status });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function findCommit(repo: FixtureRepo, revision: string): FixtureCommit | undefined {
  return repo.commits.find((c) => c.sha === revision || c.refs?.includes(revision));
}

/** The fields of `GET /api/models/{id}/revision/{rev}?blobs=true` that clients read, in the Hub's shape. */
function modelInfo(repo: FixtureRepo, commit: FixtureCommit, blobs: boolean) {
  const files = Object.entries(commit.files).map(([p, f]) => listFile(p, f));
  return {
    _id: commitSha(`_id:${repo.id}`).slice(0, 24),
    id: repo.id,
    modelId: repo.id,
    author: repo.id.includes("/") ? repo.id.split("/")[0] : undefined,
    sha: commit.sha,
    lastModified: "2025-01-01T00:00:00.000Z",
    private: repo.private === true,
    disabled: false,
    gated: repo.gated ? "manual" : false,
    tags: [],
    downloads: 0,
    likes: 0,
    library_name: "transformers",
    ...(repo.cardData ? { cardData: repo.cardData } : {}),
    siblings: files.map((f) =>
      blobs
        ? {
            rfilename: f.path,
            blobId: f.blobId,
            size: f.size,
            ...(f.lfsSha256 ? { lfs: { sha256: f.lfsSha256, size: f.size, pointerSize: 134 } } : {}),
          }
        : { rfilename: f.path },
    ),
    spaces: [],
    createdAt: "2025-01-01T00:00:00.000Z",
    usedStorage: files.reduce((n, f) => n + f.size, 0),
  };
}

function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | "unsatisfiable" | null {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === "" && m[2] === "")) return null;
  if (m[1] === "") {
    const suffix = Number(m[2]);
    return suffix === 0 ? "unsatisfiable" : { start: Math.max(0, size - suffix), end: size };
  }
  const start = Number(m[1]);
  const end = m[2] === "" ? size : Math.min(size, Number(m[2]) + 1);
  if (start >= size || end <= start) return "unsatisfiable";
  return { start, end };
}

function json(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, {
    "Content-Type": "application/json",
    "Content-Length": String(Buffer.byteLength(text)),
  });
  res.end(text);
}

function error(
  res: ServerResponse,
  status: number,
  code: string | null,
  message: string,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify({ error: message });
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": String(Buffer.byteLength(text)),
    ...(code ? { "X-Error-Code": code } : {}),
    ...headers,
  });
  res.end(text);
}

/** A file of `size` bytes: `prefix` (a real header), then zeros, generated per range without allocating. */
export function virtualFile(prefix: Uint8Array, size: number, seed: string): VirtualFile {
  return {
    size,
    sha256: createHash("sha256").update(seed).digest("hex"),
    read(offset, length) {
      const end = Math.min(size, offset + length);
      const out = new Uint8Array(Math.max(0, end - offset));
      if (offset < prefix.length) out.set(prefix.subarray(offset, Math.min(end, prefix.length)));
      return out;
    },
  };
}
