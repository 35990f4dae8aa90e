import { ModelgateError } from "../errors.js";

export interface HubClientOptions {
  /** Default $HF_ENDPOINT or https://huggingface.co. */
  baseUrl?: string;
  /** Default $HF_TOKEN; sent as `Authorization: Bearer`. */
  token?: string;
  fetch?: typeof fetch;
  /** Per request, body included (default 60 s). */
  timeoutMs?: number;
  /** First retry delay after a 429, 5xx or network error; doubles each time (default 500 ms). */
  retryDelayMs?: number;
}

/** A file as the model info endpoint lists it. */
export interface HubSibling {
  path: string;
  size: number;
  /** The LFS object id (a SHA-256 of the content) for files stored in LFS. */
  lfsSha256: string | null;
}

export interface HubModelInfo {
  /** The repository id as the Hub spells it. */
  id: string;
  /** The commit the revision resolved to; every download uses it, so the files are one snapshot. */
  sha: string;
  /** `false`, `"auto"` or `"manual"`. */
  gated: false | string;
  private: boolean;
  siblings: HubSibling[];
}

/** An HTTP answer the Hub gave on purpose (status and its `X-Error-Code`), after retries. */
export class HubHttpError extends ModelgateError {
  readonly status: number;
  readonly errorCode: string | null;
  constructor(status: number, errorCode: string | null, message: string) {
    super("TARGET_UNREADABLE", message);
    this.name = "HubHttpError";
    this.status = status;
    this.errorCode = errorCode;
  }
}

const RETRIES = 3;
const MAX_RETRY_DELAY_MS = 8000;
const MAX_INFO_BYTES = 64 * 1024 * 1024;
const MAX_SIBLINGS = 200_000;
/** A server that ignores Range sends the file from byte 0; read at most this far into it before giving up. */
export const RANGELESS_READ_LIMIT = 16 * 1024 * 1024;
const SHA256 = /^[0-9a-f]{64}$/;
const COMMIT = /^[0-9a-f]{40}$/;

/** The Hub's HTTP API: model info, and byte ranges of files at a commit. Never downloads more than asked. */
export class HubClient {
  readonly baseUrl: string;
  private readonly token: string | undefined;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly retryDelayMs: number;

  constructor(options: HubClientOptions = {}) {
    const base = options.baseUrl ?? process.env.HF_ENDPOINT ?? "https://huggingface.co";
    this.baseUrl = base.replace(/\/+$/, "");
    // An empty token (as tests pass, or `HF_TOKEN=`) means anonymous.
    this.token = (options.token ?? process.env.HF_TOKEN) || undefined;
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.retryDelayMs = options.retryDelayMs ?? 500;
  }

  get hasToken(): boolean {
    return Boolean(this.token);
  }

  /** `GET /api/models/{repo}/revision/{revision}?blobs=true`: the commit and every file with its size. */
  async modelInfo(repo: string, revision: string): Promise<HubModelInfo> {
    const url = `${this.baseUrl}/api/models/${repo}/revision/${encodeURIComponent(revision)}?blobs=true`;
    const what = { repo, revision, file: null };
    const res = await this.request(url, what, {});
    const { bytes } = await readBody(res, 0, MAX_INFO_BYTES, url);
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(bytes));
    } catch (cause) {
      throw new ModelgateError("TARGET_UNREADABLE", `the Hub's answer for hf:${repo} is not JSON (${url})`, {
        cause,
      });
    }
    return parseModelInfo(json, repo, revision);
  }

  /** Bytes [offset, offset+length) of a file; `transferred` counts every byte that came over the network. */
  async fetchRange(
    repo: string,
    commit: string,
    path: string,
    offset: number,
    length: number,
  ): Promise<{ bytes: Uint8Array; transferred: number }> {
    const url = this.fileUrl(repo, commit, path);
    const res = await this.request(
      url,
      { repo, revision: commit, file: path },
      {
        Range: `bytes=${offset}-${offset + length - 1}`,
      },
    );
    if (res.status === 206) {
      const start = /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(res.headers.get("content-range") ?? "");
      if (!start || Number(start[1]) !== offset) {
        await res.body?.cancel();
        throw new ModelgateError(
          "TARGET_UNREADABLE",
          `the Hub answered a range request for ${path} with another range (${res.headers.get("content-range")})`,
        );
      }
      return readBody(res, 0, length, url);
    }
    // 200: the server ignored Range and sends the file from byte 0.
    if (offset + length > RANGELESS_READ_LIMIT) {
      await res.body?.cancel();
      throw new ModelgateError(
        "TARGET_UNREADABLE",
        `the server ignores HTTP Range requests: reading ${path} at byte ${offset} would download the file up to there`,
      );
    }
    return readBody(res, offset, length, url);
  }

  /** A whole (small) file, up to `maxBytes`. */
  async fetchFile(
    repo: string,
    commit: string,
    path: string,
    maxBytes: number,
  ): Promise<{ bytes: Uint8Array; transferred: number }> {
    const url = this.fileUrl(repo, commit, path);
    const res = await this.request(url, { repo, revision: commit, file: path }, {});
    return readBody(res, 0, maxBytes, url);
  }

  private fileUrl(repo: string, commit: string, path: string): string {
    const encodedPath = path.split("/").map(encodeURIComponent).join("/");
    return `${this.baseUrl}/${repo}/resolve/${encodeURIComponent(commit)}/${encodedPath}`;
  }

  /** A GET that retries 429, 5xx and network errors with backoff, and turns other failures into errors. */
  private async request(
    url: string,
    what: { repo: string; revision: string; file: string | null },
    headers: Record<string, string>,
  ): Promise<Response> {
    const allHeaders: Record<string, string> = { ...headers };
    if (this.token) allHeaders.Authorization = `Bearer ${this.token}`;
    for (let attempt = 0; ; attempt++) {
      const delay = Math.min(MAX_RETRY_DELAY_MS, this.retryDelayMs * 2 ** attempt);
      let res: Response;
      try {
        res = await this.fetchImpl(url, {
          headers: allHeaders,
          redirect: "follow",
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (cause) {
        if (attempt < RETRIES) {
          await sleep(delay);
          continue;
        }
        const err = cause as Error;
        const why =
          err.name === "TimeoutError"
            ? `no answer within ${Math.round(this.timeoutMs / 1000)} s`
            : `${err.message}${err.cause instanceof Error ? ` (${err.cause.message})` : ""}`;
        throw new ModelgateError("TARGET_UNREADABLE", `cannot reach the Hub at ${this.baseUrl}: ${why}`, {
          cause,
        });
      }
      if (res.ok) return res;
      await res.body?.cancel().catch(() => undefined);
      const retryable = res.status === 429 || res.status >= 500;
      if (retryable && attempt < RETRIES) {
        const retryAfter = Number(res.headers.get("retry-after"));
        await sleep(
          Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(delay * 4, retryAfter * 1000) : delay,
        );
        continue;
      }
      throw httpError(res.status, res.headers.get("x-error-code"), what, this.baseUrl, this.hasToken);
    }
  }
}

function httpError(
  status: number,
  errorCode: string | null,
  what: { repo: string; revision: string; file: string | null },
  baseUrl: string,
  hasToken: boolean,
): HubHttpError {
  const target = `hf:${what.repo}`;
  const page = `${baseUrl}/${what.repo}`;
  let message: string;
  if (status === 401 || status === 403) {
    const tokenAdvice = hasToken
      ? "the token in HF_TOKEN was not given access"
      : "set HF_TOKEN to a token of an account that has access";
    message =
      errorCode === "GatedRepo"
        ? `${target} is gated (HTTP ${status}): accept its terms at ${page} and ${hasToken ? "check that HF_TOKEN belongs to that account" : "set HF_TOKEN to a token of that account"}`
        : `${target} is gated, private or does not exist (HTTP ${status}): ${tokenAdvice}, and accept the model's terms at ${page} if it has any`;
  } else if (status === 404) {
    message =
      errorCode === "RevisionNotFound"
        ? `${target} has no revision '${what.revision}' (HTTP 404): check the branch, tag or commit`
        : errorCode === "EntryNotFound" || (what.file !== null && errorCode !== "RepoNotFound")
          ? `${target}: file ${what.file ?? "?"} not found at ${what.revision} (HTTP 404)`
          : `${target} not found (HTTP 404): check the repository id and revision '${what.revision}'`;
  } else if (status === 416) {
    message = `${target}: ${what.file ?? "a file"} is shorter than the Hub listed (HTTP 416)`;
  } else if (status === 429 || status >= 500) {
    message = `the Hub at ${baseUrl} kept failing (HTTP ${status}) after ${RETRIES} retries; try again later`;
  } else {
    message = `the Hub answered HTTP ${status} for ${target}${what.file ? ` file ${what.file}` : ""}`;
  }
  return new HubHttpError(status, errorCode, message);
}

/**
 * Reads a response body: skips `skip` bytes, keeps the next `want`, then cancels the rest, so a server
 * that sends more than asked (a whole file for a range) costs no more than what was needed.
 */
async function readBody(
  res: Response,
  skip: number,
  want: number,
  url: string,
): Promise<{ bytes: Uint8Array; transferred: number }> {
  const declared = Number(res.headers.get("content-length"));
  let buffer = new Uint8Array(Math.min(want, declared > 0 ? declared : 64 * 1024));
  let kept = 0;
  let transferred = 0;
  if (!res.body) return { bytes: buffer.subarray(0, 0), transferred };
  const reader = res.body.getReader();
  try {
    while (kept < want) {
      const { done, value } = await reader.read();
      if (done) break;
      transferred += value.length;
      const from = Math.max(0, skip - (transferred - value.length));
      if (from >= value.length) continue;
      const take = Math.min(value.length - from, want - kept);
      if (kept + take > buffer.length) {
        const grown = new Uint8Array(Math.min(want, Math.max(kept + take, buffer.length * 2)));
        grown.set(buffer.subarray(0, kept));
        buffer = grown;
      }
      buffer.set(value.subarray(from, from + take), kept);
      kept += take;
    }
  } catch (cause) {
    const err = cause as Error;
    const why = err.name === "TimeoutError" ? "timed out" : err.message;
    throw new ModelgateError("TARGET_UNREADABLE", `reading ${url} failed: ${why}`, { cause });
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return { bytes: buffer.subarray(0, kept), transferred };
}

function parseModelInfo(json: unknown, repo: string, revision: string): HubModelInfo {
  const bad = (why: string) =>
    new ModelgateError("TARGET_UNREADABLE", `the Hub's model info for hf:${repo}@${revision} ${why}`);
  if (!isRecord(json)) throw bad("is not an object");
  const siblings = json.siblings;
  if (!Array.isArray(siblings)) throw bad("has no file list (siblings)");
  if (siblings.length > MAX_SIBLINGS) throw bad(`lists more than ${MAX_SIBLINGS} files`);
  const files: HubSibling[] = [];
  for (const s of siblings) {
    if (!isRecord(s) || typeof s.rfilename !== "string") throw bad("lists a file without a name");
    const lfs = isRecord(s.lfs) ? s.lfs : null;
    const size = isSize(s.size) ? s.size : lfs && isSize(lfs.size) ? lfs.size : null;
    if (size === null) throw bad(`lists ${s.rfilename} without a size`);
    const sha = lfs && typeof lfs.sha256 === "string" && SHA256.test(lfs.sha256) ? lfs.sha256 : null;
    files.push({ path: s.rfilename, size, lfsSha256: sha });
  }
  const sha = typeof json.sha === "string" && COMMIT.test(json.sha) ? json.sha : null;
  if (sha === null) throw bad("has no commit sha");
  return {
    id: typeof json.id === "string" ? json.id : repo,
    sha,
    gated: typeof json.gated === "string" ? json.gated : false,
    private: json.private === true,
    siblings: files,
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isSize(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
