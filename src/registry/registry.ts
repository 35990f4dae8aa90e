import type { VetReport } from "../policy/types.js";
import type { Db } from "./db.js";
import type {
  Actor,
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

export interface RegistryOptions {
  /** Aliases that move only through an approved request (default ["production"]). */
  protectedAliases?: string[];
  /** Clock, for tests (expiries, waivers). */
  now?: () => Date;
}

/** Context of one mutation, recorded in its audit entry. */
export interface Mutation {
  actor: Actor;
  /** The HTTP request id (or CLI invocation id). */
  requestId?: string | null;
}

/**
 * The registry's domain: every mutation is one transaction that also appends its audit entry, so a
 * crash leaves either both or neither. Permission checks by role are done here, not only in the API.
 * Errors are RegistryError (src/errors.ts) with NOT_FOUND / CONFLICT / FORBIDDEN / PRECONDITION_FAILED /
 * INVALID_INPUT.
 */
export class Registry {
  constructor(
    readonly db: Db,
    readonly options: RegistryOptions = {},
  ) {}

  // Models
  createModel(
    _m: Mutation,
    _input: { name: string; owner?: string; description?: string; tags?: string[]; source?: string },
  ): Promise<Model> {
    throw new Error("not built yet");
  }
  getModel(_name: string): Promise<Model> {
    throw new Error("not built yet");
  }
  listModels(
    _page: PageRequest & { q?: string; owner?: string; tag?: string },
  ): Promise<Page<Model & { aliases: Record<string, number> }>> {
    throw new Error("not built yet");
  }
  /** `expectedRevision` is the model's `revision` the caller saw (If-Match); stale → PRECONDITION_FAILED. */
  updateModel(
    _m: Mutation,
    _name: string,
    _patch: { owner?: string | null; description?: string | null; tags?: string[]; source?: string | null },
    _expectedRevision: number,
  ): Promise<Model> {
    throw new Error("not built yet");
  }

  // Versions
  /** Registers the vetted content; the same manifest digest returns the existing version (`created: false`). */
  registerVersion(
    _m: Mutation,
    _model: string,
    _input: { vetReport: VetReport; sourceRevision?: string | null },
  ): Promise<{ version: ModelVersion; created: boolean }> {
    throw new Error("not built yet");
  }
  getVersion(_model: string, _number: number): Promise<ModelVersion> {
    throw new Error("not built yet");
  }
  listVersions(
    _model: string,
    _page: PageRequest,
  ): Promise<Page<Omit<ModelVersion, "vetReport" | "manifest">>> {
    throw new Error("not built yet");
  }

  // Aliases
  getAliases(_model: string): Promise<AliasState[]> {
    throw new Error("not built yet");
  }
  /** Moves an unprotected alias directly (developer and up); protected ones → FORBIDDEN. */
  setAlias(_m: Mutation, _model: string, _alias: string, _version: number): Promise<AliasState> {
    throw new Error("not built yet");
  }
  aliasHistory(_model: string, _alias: string | null, _page: PageRequest): Promise<Page<AliasMove>> {
    throw new Error("not built yet");
  }

  // Promotion
  /** A version whose verdict is not `approved` needs a waiver (reason, expiry in the future). */
  requestPromotion(
    _m: Mutation,
    _input: {
      model: string;
      version: number;
      alias: string;
      note?: string;
      waiver?: { reason: string; expires: string };
    },
  ): Promise<PromotionRequest> {
    throw new Error("not built yet");
  }
  /** Rollback: a promotion request of an earlier version, recorded and approved the same way. */
  requestRollback(
    _m: Mutation,
    _input: {
      model: string;
      alias: string;
      version: number;
      note?: string;
      waiver?: { reason: string; expires: string };
    },
  ): Promise<PromotionRequest> {
    throw new Error("not built yet");
  }
  /** Approver or admin, not the requester; applies once even when two approvals race. */
  approve(_m: Mutation, _requestId: string, _rationale: string): Promise<PromotionRequest> {
    throw new Error("not built yet");
  }
  reject(_m: Mutation, _requestId: string, _rationale: string): Promise<PromotionRequest> {
    throw new Error("not built yet");
  }
  getRequest(_id: string): Promise<PromotionRequest> {
    throw new Error("not built yet");
  }
  listRequests(
    _page: PageRequest & { status?: RequestStatus; model?: string },
  ): Promise<Page<PromotionRequest>> {
    throw new Error("not built yet");
  }

  // Audit
  listAudit(
    _page: PageRequest & { actor?: string; action?: string; subject?: string },
  ): Promise<Page<AuditEntry>> {
    throw new Error("not built yet");
  }
  verifyAudit(): Promise<AuditVerification> {
    throw new Error("not built yet");
  }
  /** Every entry, oldest first, as JSON Lines. */
  exportAudit(): AsyncIterable<string> {
    throw new Error("not built yet");
  }

  // Tokens
  /** The plain token is returned once; only its hash is stored. */
  createToken(
    _m: Mutation | null,
    _input: { name: string; role: Role; expiresAt?: string | null },
  ): Promise<{ token: string; record: ApiToken }> {
    throw new Error("not built yet");
  }
  revokeToken(_m: Mutation, _id: string): Promise<ApiToken> {
    throw new Error("not built yet");
  }
  listTokens(_page: PageRequest): Promise<Page<ApiToken>> {
    throw new Error("not built yet");
  }
  /** The actor for a plain token; null when unknown, expired or revoked. */
  authenticate(_token: string): Promise<Actor | null> {
    throw new Error("not built yet");
  }
  /** On first start (no token exists): creates an admin token and returns it, once; otherwise null. */
  bootstrapAdmin(): Promise<string | null> {
    throw new Error("not built yet");
  }

  // Jobs (a queue in the same database; workers claim with FOR UPDATE SKIP LOCKED)
  enqueueJob(
    _m: Mutation,
    _kind: string,
    _payload: unknown,
    _options?: { maxAttempts?: number },
  ): Promise<Job> {
    throw new Error("not built yet");
  }
  getJob(_id: string): Promise<Job> {
    throw new Error("not built yet");
  }
  /** Claims the next due job of these kinds, or null; a claim whose worker died is reclaimed after `leaseMs`. */
  claimJob(_workerId: string, _kinds: string[], _leaseMs: number): Promise<Job | null> {
    throw new Error("not built yet");
  }
  reportJobProgress(_id: string, _progress: { done: number; total: number; label: string }): Promise<void> {
    throw new Error("not built yet");
  }
  completeJob(_id: string, _result: unknown): Promise<Job> {
    throw new Error("not built yet");
  }
  /** Retried with exponential backoff until maxAttempts, then `failed`. */
  failJob(_id: string, _error: string): Promise<Job> {
    throw new Error("not built yet");
  }
}
