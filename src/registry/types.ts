import type { Verdict, VetReport } from "../policy/types.js";

export type Role = "viewer" | "developer" | "approver" | "admin";

/** Who performs an operation: the API token's holder. */
export interface Actor {
  tokenId: string;
  /** The token's name (a person or a service). */
  name: string;
  role: Role;
}

export interface Page<T> {
  items: T[];
  /** Opaque cursor for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface PageRequest {
  cursor?: string | null;
  /** 1..200, default 50. */
  limit?: number;
}

export interface Model {
  name: string;
  owner: string | null;
  description: string | null;
  tags: string[];
  /** `hf:org/name`, a path, or null. */
  source: string | null;
  createdAt: string;
  updatedAt: string;
  /** Optimistic concurrency: incremented on every update; the API's ETag. */
  revision: number;
}

export interface ManifestEntry {
  path: string;
  size: number;
  sha256: string | null;
}

/** An immutable registered version of a model. */
export interface ModelVersion {
  model: string;
  /** 1, 2, 3, ... per model. */
  number: number;
  /** sha256 over the canonical file manifest: two pushes of the same content are one version. */
  digest: string;
  sourceRevision: string | null;
  formats: string[];
  size: number;
  manifest: ManifestEntry[];
  verdict: Verdict;
  licenseKey: string;
  baseModels: string[];
  /** The vet report that judged this version (stored whole). */
  vetReport: VetReport;
  createdAt: string;
  createdBy: string;
}

export interface AliasState {
  model: string;
  alias: string;
  version: number;
  updatedAt: string;
  /** The promotion request that moved it last (null for unprotected aliases set directly). */
  requestId: string | null;
}

export interface AliasMove {
  model: string;
  alias: string;
  from: number | null;
  to: number;
  at: string;
  by: string;
  requestId: string | null;
  kind: "set" | "promotion" | "rollback";
}

export type RequestStatus = "pending" | "approved" | "rejected";

export interface PromotionRequest {
  id: string;
  model: string;
  version: number;
  alias: string;
  kind: "promotion" | "rollback";
  status: RequestStatus;
  requestedBy: string;
  requestedAt: string;
  /** The version's vet verdict when requested. */
  verdict: Verdict;
  note: string | null;
  /** Needed when the verdict is not `approved`. */
  waiver: { reason: string; expires: string } | null;
  decidedBy: string | null;
  decidedAt: string | null;
  rationale: string | null;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  /** What changed: `model:<name>`, `version:<name>/<n>`, `alias:<name>/<alias>`, `request:<id>`, `token:<id>`. */
  subject: string;
  before: unknown;
  after: unknown;
  /** The HTTP request id (or CLI invocation id) that made the change. */
  requestId: string | null;
  prevHash: string;
  hash: string;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  /** The first entry whose hash or link does not verify (or the first gap in the sequence). */
  firstBroken: { seq: number; reason: string } | null;
}

export interface ApiToken {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  createdBy: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export type JobStatus = "queued" | "running" | "succeeded" | "failed";

export interface Job {
  id: string;
  kind: string;
  payload: unknown;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  runAt: string;
  progress: { done: number; total: number; label: string } | null;
  result: unknown;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}
