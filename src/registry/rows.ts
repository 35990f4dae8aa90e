import type { Verdict, VetReport } from "../policy/types.js";
import type {
  AliasMove,
  AliasState,
  ApiToken,
  Job,
  ManifestEntry,
  Model,
  ModelVersion,
  PromotionRequest,
  Role,
} from "./types.js";

type Row = Record<string, unknown>;

export function iso(value: unknown): string {
  return (value instanceof Date ? value : new Date(value as string)).toISOString();
}

function isoOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : iso(value);
}

function str(value: unknown): string | null {
  return (value as string | null | undefined) ?? null;
}

export function modelFromRow(r: Row): Model {
  return {
    name: r.name as string,
    owner: str(r.owner),
    description: str(r.description),
    tags: (r.tags as string[]) ?? [],
    source: str(r.source),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    revision: Number(r.revision),
  };
}

export const VERSION_SUMMARY_COLUMNS =
  "model, number, digest, source_revision, formats, size, verdict, license_key, base_models, created_at, created_by";

export function versionSummaryFromRow(r: Row): Omit<ModelVersion, "vetReport" | "manifest"> {
  return {
    model: r.model as string,
    number: Number(r.number),
    digest: r.digest as string,
    sourceRevision: str(r.source_revision),
    formats: r.formats as string[],
    size: Number(r.size),
    verdict: r.verdict as Verdict,
    licenseKey: r.license_key as string,
    baseModels: r.base_models as string[],
    createdAt: iso(r.created_at),
    createdBy: r.created_by as string,
  };
}

export function versionFromRow(r: Row): ModelVersion {
  return {
    ...versionSummaryFromRow(r),
    manifest: r.manifest as ManifestEntry[],
    vetReport: r.vet_report as VetReport,
  };
}

export function aliasFromRow(r: Row): AliasState {
  return {
    model: r.model as string,
    alias: r.alias as string,
    version: Number(r.version),
    updatedAt: iso(r.updated_at),
    requestId: str(r.request_id),
  };
}

export function aliasMoveFromRow(r: Row): AliasMove {
  return {
    model: r.model as string,
    alias: r.alias as string,
    from: r.from_version === null || r.from_version === undefined ? null : Number(r.from_version),
    to: Number(r.to_version),
    at: iso(r.at),
    by: r.by as string,
    requestId: str(r.request_id),
    kind: r.kind as AliasMove["kind"],
  };
}

export function requestFromRow(r: Row): PromotionRequest {
  return {
    id: r.id as string,
    model: r.model as string,
    version: Number(r.version),
    alias: r.alias as string,
    kind: r.kind as PromotionRequest["kind"],
    status: r.status as PromotionRequest["status"],
    requestedBy: r.requested_by as string,
    requestedAt: iso(r.requested_at),
    verdict: r.verdict as Verdict,
    note: str(r.note),
    waiver: (r.waiver as PromotionRequest["waiver"]) ?? null,
    decidedBy: str(r.decided_by),
    decidedAt: isoOrNull(r.decided_at),
    rationale: str(r.rationale),
  };
}

export const TOKEN_COLUMNS = "id, name, role, created_at, created_by, expires_at, revoked_at, last_used_at";

export function tokenFromRow(r: Row): ApiToken {
  return {
    id: r.id as string,
    name: r.name as string,
    role: r.role as Role,
    createdAt: iso(r.created_at),
    createdBy: str(r.created_by),
    expiresAt: isoOrNull(r.expires_at),
    revokedAt: isoOrNull(r.revoked_at),
    lastUsedAt: isoOrNull(r.last_used_at),
  };
}

export function jobFromRow(r: Row): Job {
  return {
    id: r.id as string,
    kind: r.kind as string,
    payload: r.payload ?? null,
    status: r.status as Job["status"],
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
    runAt: iso(r.run_at),
    progress: (r.progress as Job["progress"]) ?? null,
    result: r.result ?? null,
    error: str(r.error),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}
