import { randomUUID } from "node:crypto";
import { RegistryError } from "../errors.js";
import type { Db } from "./db.js";
import { jobFromRow } from "./rows.js";
import type { Job } from "./types.js";

/** Longest wait between two attempts; after `n` failed attempts the next waits 2^n seconds up to this. */
export const MAX_BACKOFF_S = 3600;

export async function insertJob(
  tx: Db,
  now: Date,
  kind: string,
  payload: unknown,
  maxAttempts: number,
): Promise<Job> {
  if (!kind.trim()) throw new RegistryError("INVALID_INPUT", "a job needs a kind");
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 100) {
    throw new RegistryError("INVALID_INPUT", "maxAttempts must be an integer from 1 to 100");
  }
  const { rows } = await tx.query(
    `INSERT INTO jobs (id, kind, payload, status, max_attempts, run_at, created_at, updated_at)
     VALUES ($1, $2, $3::jsonb, 'queued', $4, $5, $5, $5) RETURNING *`,
    [randomUUID(), kind, JSON.stringify(payload ?? null), maxAttempts, now.toISOString()],
  );
  return jobFromRow(rows[0] as Record<string, unknown>);
}

/**
 * Claims the oldest due job. SKIP LOCKED lets concurrent workers pass over a row another one is
 * claiming; a running job whose lease ran out (its worker died) is due again.
 */
export async function claimNext(
  db: Db,
  now: Date,
  workerId: string,
  kinds: string[],
  leaseMs: number,
): Promise<Job | null> {
  if (!Number.isInteger(leaseMs) || leaseMs < 1) {
    throw new RegistryError("INVALID_INPUT", "leaseMs must be a positive integer");
  }
  const at = now.toISOString();
  return db.transaction(async (tx) => {
    // A job whose last allowed attempt died with its worker is not run again.
    await tx.query(
      `UPDATE jobs SET status = 'failed', error = 'the worker holding the last attempt stopped (lease expired)',
         locked_by = NULL, locked_until = NULL, updated_at = $1
       WHERE status = 'running' AND locked_until < $1 AND attempts >= max_attempts`,
      [at],
    );
    const { rows } = await tx.query(
      `UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = $2, locked_until = $3,
         lease_ms = $4, updated_at = $1
       WHERE id = (
         SELECT id FROM jobs
         WHERE (cardinality($5::text[]) = 0 OR kind = ANY($5::text[]))
           AND ((status = 'queued' AND run_at <= $1) OR (status = 'running' AND locked_until < $1))
         ORDER BY run_at, id
         LIMIT 1
         FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [at, workerId, new Date(now.getTime() + leaseMs).toISOString(), leaseMs, kinds],
    );
    return rows[0] ? jobFromRow(rows[0]) : null;
  });
}

async function runningJob(db: Db, id: string, update: string, params: unknown[]): Promise<Job> {
  const { rows } = await db.query(
    `UPDATE jobs SET ${update} WHERE id = $1 AND status = 'running' RETURNING *`,
    [id, ...params],
  );
  if (rows[0]) return jobFromRow(rows[0]);
  const exists = await db.query<{ status: string }>("SELECT status FROM jobs WHERE id = $1", [id]);
  if (!exists.rows[0]) throw new RegistryError("NOT_FOUND", `job ${id} not found`);
  throw new RegistryError("CONFLICT", `job ${id} is ${exists.rows[0].status}, not running`);
}

/** Progress also renews the lease: a worker that reports is alive. */
export async function setProgress(
  db: Db,
  now: Date,
  id: string,
  progress: { done: number; total: number; label: string },
): Promise<void> {
  await runningJob(
    db,
    id,
    `progress = $2::jsonb, updated_at = $3,
     locked_until = $3::timestamptz + make_interval(secs => COALESCE(lease_ms, 0) / 1000.0)`,
    [JSON.stringify(progress), now.toISOString()],
  );
}

export function finish(db: Db, now: Date, id: string, result: unknown): Promise<Job> {
  return runningJob(
    db,
    id,
    `status = 'succeeded', result = $2::jsonb, error = NULL, locked_by = NULL, locked_until = NULL, updated_at = $3`,
    [JSON.stringify(result ?? null), now.toISOString()],
  );
}

export function fail(db: Db, now: Date, id: string, error: string): Promise<Job> {
  const at = now.toISOString();
  return runningJob(
    db,
    id,
    `status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
     run_at = CASE WHEN attempts >= max_attempts THEN run_at
       ELSE $3::timestamptz + make_interval(secs => LEAST(power(2, attempts), ${MAX_BACKOFF_S})) END,
     error = $2, locked_by = NULL, locked_until = NULL, updated_at = $3`,
    [error, at],
  );
}
