import { RegistryError, type RegistryErrorCode } from "../errors.js";
import type { VetReport } from "../policy/types.js";
import type {
  AliasMove,
  AliasState,
  ApiToken,
  AuditEntry,
  AuditVerification,
  Job,
  Model,
  ModelVersion,
  Page,
  PageRequest,
  PromotionRequest,
  RequestStatus,
  Role,
} from "./types.js";

/** An RFC 9457 problem detail, as the API sends it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  instance?: string;
  code?: string;
  [key: string]: unknown;
}

/** A refused or failed API call: the RegistryError code its status stands for, plus the problem itself. */
export class ApiError extends RegistryError {
  constructor(
    code: RegistryErrorCode,
    message: string,
    readonly status: number,
    readonly problem: Problem | null,
  ) {
    super(code, message);
    this.name = "ApiError";
  }
}

const CODE_BY_STATUS: Record<number, RegistryErrorCode> = {
  400: "INVALID_INPUT",
  401: "UNAUTHENTICATED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  412: "PRECONDITION_FAILED",
  422: "INVALID_INPUT",
};
const CODES = new Set<string>(Object.values(CODE_BY_STATUS).concat("DATABASE"));

export interface RegistryClientOptions {
  /** Bearer token (the CLI takes it from MODELGATE_TOKEN). */
  token?: string;
  fetch?: typeof fetch;
}

type Query = Record<string, string | number | null | undefined>;

/**
 * The registry's HTTP API (/api/v1) as typed calls: the same operations as the Registry service, with
 * the caller's token standing for the actor. Errors are ApiError (a RegistryError).
 */
export class RegistryClient {
  readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;
  private readonly token: string | undefined;

  constructor(baseUrl: string, options: RegistryClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
    this.fetchFn = options.fetch ?? fetch;
    this.token = options.token;
  }

  // Models
  createModel(input: {
    name: string;
    owner?: string;
    description?: string;
    tags?: string[];
    source?: string;
  }): Promise<Model> {
    return this.json("POST", "/models", { body: input });
  }
  getModel(name: string): Promise<Model> {
    return this.json("GET", `/models/${seg(name)}`);
  }
  listModels(
    page: PageRequest & { q?: string; owner?: string; tag?: string } = {},
  ): Promise<Page<Model & { aliases: Record<string, number> }>> {
    return this.json("GET", "/models", { query: page });
  }
  updateModel(
    name: string,
    patch: { owner?: string | null; description?: string | null; tags?: string[]; source?: string | null },
    expectedRevision: number,
  ): Promise<Model> {
    return this.json("PATCH", `/models/${seg(name)}`, {
      body: patch,
      headers: { "if-match": `"${expectedRevision}"` },
    });
  }

  // Versions
  /** Registers a version judged by a vet report made here: same content → the existing version. */
  async registerVersion(
    model: string,
    input: { vetReport: VetReport; sourceRevision?: string | null },
  ): Promise<{ version: ModelVersion; created: boolean }> {
    const { status, body } = await this.request("POST", `/models/${seg(model)}/versions`, { body: input });
    const b = body as { version?: ModelVersion; created?: boolean } & Partial<ModelVersion>;
    if (b.version && typeof b.version === "object") {
      return { version: b.version, created: b.created ?? status === 201 };
    }
    return { version: b as ModelVersion, created: status === 201 };
  }
  /** Asks the server to vet `source` (a path on the server, or hf:...) and register it: a queued job. */
  async pushSource(model: string, source: string): Promise<Job> {
    const { body } = await this.request("POST", `/models/${seg(model)}/versions`, { body: { source } });
    const b = body as { job?: Job } & Partial<Job>;
    return b.job && typeof b.job === "object" ? b.job : (b as Job);
  }
  getVersion(model: string, number: number): Promise<ModelVersion> {
    return this.json("GET", `/models/${seg(model)}/versions/${number}`);
  }
  listVersions(
    model: string,
    page: PageRequest = {},
  ): Promise<Page<Omit<ModelVersion, "vetReport" | "manifest">>> {
    return this.json("GET", `/models/${seg(model)}/versions`, { query: page });
  }

  // Aliases
  async getAliases(model: string): Promise<AliasState[]> {
    const body = await this.json<AliasState[] | { items: AliasState[] }>(
      "GET",
      `/models/${seg(model)}/aliases`,
    );
    return Array.isArray(body) ? body : body.items;
  }
  setAlias(model: string, alias: string, version: number): Promise<AliasState> {
    return this.json("PUT", `/models/${seg(model)}/aliases/${seg(alias)}`, { body: { version } });
  }
  aliasHistory(model: string, alias: string | null, page: PageRequest = {}): Promise<Page<AliasMove>> {
    const path =
      alias === null
        ? `/models/${seg(model)}/history`
        : `/models/${seg(model)}/aliases/${seg(alias)}/history`;
    return this.json("GET", path, { query: page });
  }

  // Promotion
  requestPromotion(input: {
    model: string;
    version: number;
    alias: string;
    note?: string;
    waiver?: { reason: string; expires: string };
  }): Promise<PromotionRequest> {
    return this.json("POST", "/requests", { body: { ...input, kind: "promotion" } });
  }
  requestRollback(input: {
    model: string;
    alias: string;
    version: number;
    note?: string;
    waiver?: { reason: string; expires: string };
  }): Promise<PromotionRequest> {
    return this.json("POST", "/requests", { body: { ...input, kind: "rollback" } });
  }
  approve(requestId: string, rationale: string): Promise<PromotionRequest> {
    return this.json("POST", `/requests/${seg(requestId)}/approve`, { body: { rationale } });
  }
  reject(requestId: string, rationale: string): Promise<PromotionRequest> {
    return this.json("POST", `/requests/${seg(requestId)}/reject`, { body: { rationale } });
  }
  getRequest(id: string): Promise<PromotionRequest> {
    return this.json("GET", `/requests/${seg(id)}`);
  }
  listRequests(
    page: PageRequest & { status?: RequestStatus; model?: string } = {},
  ): Promise<Page<PromotionRequest>> {
    return this.json("GET", "/requests", { query: page });
  }

  // Audit
  listAudit(
    page: PageRequest & { actor?: string; action?: string; subject?: string } = {},
  ): Promise<Page<AuditEntry>> {
    return this.json("GET", "/audit", { query: page });
  }
  verifyAudit(): Promise<AuditVerification> {
    return this.json("GET", "/audit/verify");
  }
  /** Every entry, oldest first, one JSON document per line (streamed). */
  async *exportAudit(): AsyncIterable<string> {
    const res = await this.send("GET", "/audit/export", {});
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buffered = "";
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      let nl = buffered.indexOf("\n");
      while (nl >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.trim()) yield line;
        nl = buffered.indexOf("\n");
      }
    }
    buffered += decoder.decode();
    if (buffered.trim()) yield buffered;
  }

  // Tokens
  async createToken(input: {
    name: string;
    role: Role;
    expiresAt?: string | null;
  }): Promise<{ token: string; record: ApiToken }> {
    const body = await this.json<{ token: string; record?: ApiToken } & Partial<ApiToken>>(
      "POST",
      "/tokens",
      {
        body: input,
      },
    );
    if (body.record) return { token: body.token, record: body.record };
    const { token, ...record } = body;
    return { token, record: record as ApiToken };
  }
  revokeToken(id: string): Promise<ApiToken> {
    return this.json("DELETE", `/tokens/${seg(id)}`);
  }
  listTokens(page: PageRequest = {}): Promise<Page<ApiToken>> {
    return this.json("GET", "/tokens", { query: page });
  }

  // Jobs
  getJob(id: string): Promise<Job> {
    return this.json("GET", `/jobs/${seg(id)}`);
  }
  /** Polls a job until it succeeds or fails for good; `onProgress` sees each new progress report. */
  async waitForJob(
    id: string,
    options: { intervalMs?: number; onProgress?: (job: Job) => void; signal?: AbortSignal } = {},
  ): Promise<Job> {
    for (;;) {
      const job = await this.getJob(id);
      if (job.status === "succeeded" || job.status === "failed") return job;
      options.onProgress?.(job);
      await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
      options.signal?.throwIfAborted();
    }
  }

  private async json<T>(method: string, path: string, init: RequestInit2 = {}): Promise<T> {
    return (await this.request(method, path, init)).body as T;
  }

  private async request(
    method: string,
    path: string,
    init: RequestInit2,
  ): Promise<{ status: number; body: unknown; headers: Headers }> {
    const res = await this.send(method, path, init);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  }

  private async send(method: string, path: string, init: RequestInit2): Promise<Response> {
    const url = new URL(`${this.baseUrl}/api/v1${path}`);
    for (const [key, value] of Object.entries(init.query ?? {})) {
      if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { accept: "application/json", ...init.headers };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (init.body !== undefined) headers["content-type"] = "application/json";
    let res: Response;
    try {
      res = await this.fetchFn(url, {
        method,
        headers,
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      });
    } catch (err) {
      throw new ApiError(
        "DATABASE",
        `cannot reach the registry at ${this.baseUrl}: ${(err as Error).cause ?? (err as Error).message}`,
        0,
        null,
      );
    }
    if (res.ok) return res;
    throw await problemError(res, method, url);
  }
}

interface RequestInit2 {
  query?: Query | object;
  body?: unknown;
  headers?: Record<string, string>;
}

function seg(s: string): string {
  return encodeURIComponent(s);
}

async function problemError(res: Response, method: string, url: URL): Promise<ApiError> {
  const text = await res.text().catch(() => "");
  let problem: Problem | null = null;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed && typeof parsed === "object") problem = parsed as Problem;
  } catch {
    // Not problem+json (a proxy's page, say): the status line is all there is.
  }
  const code: RegistryErrorCode =
    problem?.code && CODES.has(problem.code)
      ? (problem.code as RegistryErrorCode)
      : (CODE_BY_STATUS[res.status] ?? "DATABASE");
  const what = problem?.detail ?? problem?.title ?? (text.slice(0, 200) || res.statusText);
  return new ApiError(code, `${what} (${res.status} on ${method} ${url.pathname})`, res.status, problem);
}
