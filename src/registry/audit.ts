import type { Db } from "./db.js";
import { canonicalJson, sha256Hex } from "./digest.js";
import { GENESIS_HASH } from "./migrations/001_init.js";
import type { AuditEntry, AuditVerification } from "./types.js";

export interface AuditInput {
  at: string;
  actor: string;
  action: string;
  subject: string;
  before: unknown;
  after: unknown;
  requestId: string | null;
}

/** What jsonb gives back: the hash must cover exactly what is stored. */
function asStored(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

export function entryHash(prevHash: string, e: Omit<AuditEntry, "prevHash" | "hash">): string {
  const body = {
    seq: e.seq,
    at: e.at,
    actor: e.actor,
    action: e.action,
    subject: e.subject,
    before: e.before,
    after: e.after,
    requestId: e.requestId,
  };
  return sha256Hex(prevHash + canonicalJson(body));
}

/** Appends one entry inside the caller's transaction; the head row lock serializes appends. */
export async function appendAudit(tx: Db, input: AuditInput): Promise<AuditEntry> {
  const head = await tx.query<{ seq: string | number; hash: string }>(
    "SELECT seq, hash FROM audit_head WHERE id FOR UPDATE",
  );
  const last = head.rows[0];
  if (!last) throw new Error("audit_head is missing: the database was not migrated");
  const entry = {
    seq: Number(last.seq) + 1,
    at: input.at,
    actor: input.actor,
    action: input.action,
    subject: input.subject,
    before: asStored(input.before),
    after: asStored(input.after),
    requestId: input.requestId,
  };
  const hash = entryHash(last.hash, entry);
  await tx.query(
    `INSERT INTO audit_log (seq, at, actor, action, subject, before, after, request_id, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8, $9, $10)`,
    [
      entry.seq,
      entry.at,
      entry.actor,
      entry.action,
      entry.subject,
      JSON.stringify(entry.before),
      JSON.stringify(entry.after),
      entry.requestId,
      last.hash,
      hash,
    ],
  );
  await tx.query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id", [entry.seq, hash]);
  return { ...entry, prevHash: last.hash, hash };
}

export const AUDIT_COLUMNS = "seq, at, actor, action, subject, before, after, request_id, prev_hash, hash";

export function auditFromRow(row: Record<string, unknown>): AuditEntry {
  return {
    seq: Number(row.seq),
    at: (row.at as Date).toISOString(),
    actor: row.actor as string,
    action: row.action as string,
    subject: row.subject as string,
    before: row.before ?? null,
    after: row.after ?? null,
    requestId: (row.request_id as string | null) ?? null,
    prevHash: row.prev_hash as string,
    hash: row.hash as string,
  };
}

/** Every entry oldest first, a page at a time. */
export async function* auditPages(db: Db, pageSize = 500): AsyncGenerator<AuditEntry[]> {
  let after = 0;
  for (;;) {
    const { rows } = await db.query(
      `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [after, pageSize],
    );
    if (rows.length === 0) return;
    const entries = rows.map(auditFromRow);
    yield entries;
    after = (entries[entries.length - 1] as AuditEntry).seq;
  }
}

/**
 * Recomputes every hash and link in seq order. A deleted row shows as a gap (or, at the end, as a log
 * shorter than the head says); an edited or reordered row as a hash that does not match.
 */
export async function verifyChain(db: Db): Promise<AuditVerification> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let entries = 0;
  const broken = (seq: number, reason: string): AuditVerification => ({
    ok: false,
    entries,
    firstBroken: { seq, reason },
  });
  for await (const page of auditPages(db)) {
    for (const e of page) {
      if (e.seq !== expectedSeq) {
        return broken(expectedSeq, `entry ${expectedSeq} is missing (the log jumps to ${e.seq})`);
      }
      if (e.prevHash !== prevHash) {
        return broken(e.seq, `prev_hash does not match the hash of entry ${e.seq - 1}`);
      }
      if (entryHash(e.prevHash, e) !== e.hash) {
        return broken(e.seq, "hash does not match the entry's content (edited)");
      }
      prevHash = e.hash;
      expectedSeq++;
      entries++;
    }
  }
  const head = await db.query<{ seq: string | number; hash: string }>("SELECT seq, hash FROM audit_head");
  const last = head.rows[0];
  if (!last || Number(last.seq) !== entries || last.hash !== prevHash) {
    return broken(
      expectedSeq,
      `the log ends at entry ${entries} but the chain head is at ${last?.seq ?? "none"}`,
    );
  }
  return { ok: true, entries, firstBroken: null };
}
