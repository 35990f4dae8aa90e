import { randomUUID } from "node:crypto";
import { RegistryError } from "../errors.js";
import type { Verdict, VetReport } from "../policy/types.js";
import { AUDIT_COLUMNS, appendAudit, auditFromRow, auditPages, verifyChain } from "./audit.js";
import { decodeCursor, encodeCursor, pageLimit, pageOf } from "./cursor.js";
import {
  type InventoryPage,
  type InventoryQuery,
  type Overview,
  queryInventory,
  queryOverview,
} from "./dashboard.js";
import type { Db } from "./db.js";
import { manifestDigest, manifestOf } from "./digest.js";
import { claimNext, fail, finish, insertJob, setProgress } from "./jobs.js";
import {
  aliasFromRow,
  aliasMoveFromRow,
  jobFromRow,
  modelFromRow,
  requestFromRow,
  TOKEN_COLUMNS,
  tokenFromRow,
  VERSION_SUMMARY_COLUMNS,
  versionFromRow,
  versionSummaryFromRow,
} from "./rows.js";
import { looksLikeToken, newTokenSecret, ROLES, roleAtLeast, tokenHash } from "./tokens.js";
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
import { versionFacts } from "./version-facts.js";

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

type Row = Record<string, unknown>;
type Waiver = { reason: string; expires: string };
type Audit = (action: string, subject: string, before: unknown, after: unknown) => Promise<void>;

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const ALIAS_NAME = /^[a-z][a-z0-9_-]{0,63}$/;
/** Who acts when the caller has local access to the database (CLI on the embedded store, first start). */
const SYSTEM_ACTOR = "system";
/** Serializes first-start token creation across processes. */
const BOOTSTRAP_LOCK_KEY = 7_421_337_002;
/** `last_used_at` is written at most this often per token: authentication stays a read. */
const LAST_USED_GRANULARITY_MS = 60_000;

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

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private isProtected(alias: string): boolean {
    return (this.options.protectedAliases ?? ["production"]).includes(alias);
  }

  /** Checks the role, then runs `fn` in one transaction with an `audit` that appends to the chain. */
  private async mutate<T>(
    m: Mutation | null,
    needed: Role,
    fn: (tx: Db, audit: Audit, at: string) => Promise<T>,
  ) {
    if (m && !roleAtLeast(m.actor.role, needed)) {
      throw new RegistryError(
        "FORBIDDEN",
        `${m.actor.name} has role ${m.actor.role}; this needs ${needed} or higher`,
      );
    }
    const at = this.now().toISOString();
    return this.db.transaction((tx) =>
      fn(
        tx,
        async (action, subject, before, after) => {
          await appendAudit(tx, {
            at,
            actor: m?.actor.name ?? SYSTEM_ACTOR,
            action,
            subject,
            before,
            after,
            requestId: m?.requestId ?? null,
          });
        },
        at,
      ),
    );
  }

  // Models
  async createModel(
    m: Mutation,
    input: { name: string; owner?: string; description?: string; tags?: string[]; source?: string },
  ): Promise<Model> {
    if (!MODEL_NAME.test(input.name)) {
      throw new RegistryError(
        "INVALID_INPUT",
        `model name ${JSON.stringify(input.name)}: use letters, digits, '.', '_' or '-' (at most 128)`,
      );
    }
    const tags = checkTags(input.tags ?? []);
    return this.mutate(m, "developer", async (tx, audit, at) => {
      const { rows } = await tx.query(
        `INSERT INTO models (name, owner, description, tags, source, created_at, updated_at, revision)
         VALUES ($1, $2, $3, $4::text[], $5, $6, $6, 1) ON CONFLICT (name) DO NOTHING RETURNING *`,
        [input.name, input.owner ?? null, input.description ?? null, tags, input.source ?? null, at],
      );
      if (!rows[0]) throw new RegistryError("CONFLICT", `model ${input.name} already exists`);
      const model = modelFromRow(rows[0]);
      await audit("model.create", `model:${model.name}`, null, model);
      return model;
    });
  }

  async getModel(name: string): Promise<Model> {
    return modelFromRow(await this.modelRow(this.db, name, false));
  }

  private async modelRow(db: Db, name: string, lock: boolean): Promise<Row> {
    const { rows } = await db.query(
      `SELECT * FROM models WHERE name = $1${lock ? " FOR NO KEY UPDATE" : ""}`,
      [name],
    );
    if (!rows[0]) throw new RegistryError("NOT_FOUND", `model ${name} not found`);
    return rows[0];
  }

  async listModels(
    page: PageRequest & { q?: string; owner?: string; tag?: string },
  ): Promise<Page<Model & { aliases: Record<string, number> }>> {
    const limit = pageLimit(page);
    const after = page.cursor ? (decodeCursor("models", page.cursor, ["string"])[0] as string) : null;
    const q = page.q ? `%${page.q.replace(/[\\%_]/g, "\\$&")}%` : null;
    const { rows } = await this.db.query(
      `SELECT m.*, COALESCE(
         (SELECT jsonb_object_agg(a.alias, a.version) FROM aliases a WHERE a.model = m.name), '{}'::jsonb
       ) AS aliases
       FROM models m
       WHERE ($1::text IS NULL OR m.name > $1)
         AND ($2::text IS NULL OR m.name ILIKE $2 OR m.description ILIKE $2)
         AND ($3::text IS NULL OR m.owner = $3)
         AND ($4::text IS NULL OR $4 = ANY (m.tags))
       ORDER BY m.name LIMIT $5`,
      [after, q, page.owner ?? null, page.tag ?? null, limit + 1],
    );
    return pageOf(
      rows,
      limit,
      (r) => ({ ...modelFromRow(r), aliases: r.aliases as Record<string, number> }),
      (r) => encodeCursor("models", [r.name as string]),
    );
  }

  /** `expectedRevision` is the model's `revision` the caller saw (If-Match); stale → PRECONDITION_FAILED. */
  async updateModel(
    m: Mutation,
    name: string,
    patch: { owner?: string | null; description?: string | null; tags?: string[]; source?: string | null },
    expectedRevision: number,
  ): Promise<Model> {
    const tags = patch.tags === undefined ? undefined : checkTags(patch.tags);
    return this.mutate(m, "developer", async (tx, audit, at) => {
      const before = modelFromRow(await this.modelRow(tx, name, true));
      if (before.revision !== expectedRevision) {
        throw new RegistryError(
          "PRECONDITION_FAILED",
          `model ${name} is at revision ${before.revision}, not ${expectedRevision}: read it again and retry`,
        );
      }
      const next = {
        owner: patch.owner === undefined ? before.owner : patch.owner,
        description: patch.description === undefined ? before.description : patch.description,
        tags: tags ?? before.tags,
        source: patch.source === undefined ? before.source : patch.source,
      };
      const { rows } = await tx.query(
        `UPDATE models SET owner = $2, description = $3, tags = $4::text[], source = $5, updated_at = $6,
           revision = revision + 1
         WHERE name = $1 RETURNING *`,
        [name, next.owner, next.description, next.tags, next.source, at],
      );
      const after = modelFromRow(rows[0] as Row);
      await audit("model.update", `model:${name}`, before, after);
      return after;
    });
  }

  // Versions
  /** Registers the vetted content; the same manifest digest returns the existing version (`created: false`). */
  async registerVersion(
    m: Mutation,
    model: string,
    input: { vetReport: VetReport; sourceRevision?: string | null },
  ): Promise<{ version: ModelVersion; created: boolean }> {
    const report = input.vetReport;
    if (!report?.scan || !Array.isArray(report.scan.files)) {
      throw new RegistryError("INVALID_INPUT", "vetReport is not a modelgate vet report");
    }
    const manifest = manifestOf(report.scan);
    const digest = manifestDigest(manifest);
    const formats = [...new Set(report.scan.files.map((f) => f.format))]
      .filter((f) => f !== "unknown")
      .sort();
    const size = manifest.reduce((sum, f) => sum + f.size, 0);
    const facts = versionFacts(report);
    return this.mutate(m, "developer", async (tx, audit, at) => {
      // The model row lock numbers versions one at a time and makes a second push of the same content
      // wait for the first, then find it.
      await this.modelRow(tx, model, true);
      const existing = await tx.query("SELECT * FROM versions WHERE model = $1 AND digest = $2", [
        model,
        digest,
      ]);
      if (existing.rows[0]) return { version: versionFromRow(existing.rows[0]), created: false };
      const { rows } = await tx.query(
        `INSERT INTO versions (model, number, digest, source_revision, formats, size, manifest, verdict,
           license_key, base_models, vet_report, created_at, created_by, max_severity, license_name,
           commercial_use)
         SELECT $1, COALESCE(MAX(number), 0) + 1, $2, $3, $4::text[], $5, $6::jsonb, $7, $8, $9::text[],
           $10::jsonb, $11, $12, $13, $14, $15
         FROM versions WHERE model = $1
         ON CONFLICT (model, digest) DO NOTHING RETURNING *`,
        [
          model,
          digest,
          input.sourceRevision ?? null,
          formats,
          size,
          JSON.stringify(manifest),
          report.verdict,
          report.license?.key ?? "unknown",
          report.card?.baseModels ?? [],
          JSON.stringify(report),
          at,
          m.actor.name,
          facts.maxSeverity,
          facts.licenseName,
          facts.commercialUse,
        ],
      );
      if (!rows[0]) {
        const raced = await tx.query("SELECT * FROM versions WHERE model = $1 AND digest = $2", [
          model,
          digest,
        ]);
        return { version: versionFromRow(raced.rows[0] as Row), created: false };
      }
      const version = versionFromRow(rows[0]);
      const { vetReport: _report, manifest: _manifest, ...summary } = version;
      await audit("version.register", `version:${model}/${version.number}`, null, summary);
      return { version, created: true };
    });
  }

  async getVersion(model: string, number: number): Promise<ModelVersion> {
    const { rows } = await this.db.query("SELECT * FROM versions WHERE model = $1 AND number = $2", [
      model,
      number,
    ]);
    if (!rows[0]) throw new RegistryError("NOT_FOUND", `version ${model}/${number} not found`);
    return versionFromRow(rows[0]);
  }

  /** Newest first. */
  async listVersions(
    model: string,
    page: PageRequest,
  ): Promise<Page<Omit<ModelVersion, "vetReport" | "manifest">>> {
    const limit = pageLimit(page);
    const before = page.cursor ? (decodeCursor("versions", page.cursor, ["number"])[0] as number) : null;
    await this.modelRow(this.db, model, false);
    const { rows } = await this.db.query(
      `SELECT ${VERSION_SUMMARY_COLUMNS} FROM versions
       WHERE model = $1 AND ($2::int IS NULL OR number < $2) ORDER BY number DESC LIMIT $3`,
      [model, before, limit + 1],
    );
    return pageOf(rows, limit, versionSummaryFromRow, (r) => encodeCursor("versions", [Number(r.number)]));
  }

  // Aliases
  async getAliases(model: string): Promise<AliasState[]> {
    await this.modelRow(this.db, model, false);
    const { rows } = await this.db.query("SELECT * FROM aliases WHERE model = $1 ORDER BY alias", [model]);
    return rows.map(aliasFromRow);
  }

  /** Moves an unprotected alias directly (developer and up); protected ones → FORBIDDEN. */
  async setAlias(m: Mutation, model: string, alias: string, version: number): Promise<AliasState> {
    checkAlias(alias);
    if (this.isProtected(alias)) {
      throw new RegistryError(
        "FORBIDDEN",
        `alias ${alias} is protected: it moves only through an approved promotion request`,
      );
    }
    return this.mutate(m, "developer", async (tx, audit, at) => {
      await this.modelRow(tx, model, true);
      await this.versionExists(tx, model, version);
      return this.moveAlias(tx, audit, at, m.actor.name, {
        model,
        alias,
        version,
        requestId: null,
        kind: "set",
      });
    });
  }

  private async versionExists(db: Db, model: string, number: number): Promise<Verdict> {
    const { rows } = await db.query<{ verdict: Verdict }>(
      "SELECT verdict FROM versions WHERE model = $1 AND number = $2",
      [model, number],
    );
    if (!rows[0]) throw new RegistryError("NOT_FOUND", `version ${model}/${number} not found`);
    return rows[0].verdict;
  }

  /** Points the alias at the version and records the move; the caller holds the model row lock. */
  private async moveAlias(
    tx: Db,
    audit: Audit,
    at: string,
    by: string,
    move: {
      model: string;
      alias: string;
      version: number;
      requestId: string | null;
      kind: AliasMove["kind"];
    },
  ): Promise<AliasState> {
    const current = await tx.query("SELECT * FROM aliases WHERE model = $1 AND alias = $2", [
      move.model,
      move.alias,
    ]);
    const before = current.rows[0] ? aliasFromRow(current.rows[0]) : null;
    if (before && before.version === move.version && move.kind === "set") return before;
    const { rows } = await tx.query(
      `INSERT INTO aliases (model, alias, version, updated_at, request_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (model, alias) DO UPDATE
         SET version = EXCLUDED.version, updated_at = EXCLUDED.updated_at, request_id = EXCLUDED.request_id
       RETURNING *`,
      [move.model, move.alias, move.version, at, move.requestId],
    );
    await tx.query(
      `INSERT INTO alias_moves (model, alias, from_version, to_version, at, by, request_id, kind)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [move.model, move.alias, before?.version ?? null, move.version, at, by, move.requestId, move.kind],
    );
    const after = aliasFromRow(rows[0] as Row);
    const action =
      move.kind === "set" ? "alias.set" : `alias.${move.kind === "promotion" ? "promote" : "rollback"}`;
    await audit(action, `alias:${move.model}/${move.alias}`, before, after);
    return after;
  }

  /** Newest move first; `alias` null: every alias of the model. */
  async aliasHistory(model: string, alias: string | null, page: PageRequest): Promise<Page<AliasMove>> {
    const limit = pageLimit(page);
    const before = page.cursor ? (decodeCursor("alias-moves", page.cursor, ["number"])[0] as number) : null;
    await this.modelRow(this.db, model, false);
    const { rows } = await this.db.query(
      `SELECT * FROM alias_moves WHERE model = $1 AND ($2::text IS NULL OR alias = $2)
         AND ($3::bigint IS NULL OR id < $3) ORDER BY id DESC LIMIT $4`,
      [model, alias, before, limit + 1],
    );
    return pageOf(rows, limit, aliasMoveFromRow, (r) => encodeCursor("alias-moves", [Number(r.id)]));
  }

  // Promotion
  /** A version whose verdict is not `approved` needs a waiver (reason, expiry in the future). */
  requestPromotion(
    m: Mutation,
    input: { model: string; version: number; alias: string; note?: string; waiver?: Waiver },
  ): Promise<PromotionRequest> {
    return this.createRequest(m, "promotion", input);
  }

  /**
   * Rollback: a promotion request of an earlier version, recorded and approved the same way. The version
   * must be older than the alias's current one and must have been on that alias before.
   */
  requestRollback(
    m: Mutation,
    input: { model: string; alias: string; version: number; note?: string; waiver?: Waiver },
  ): Promise<PromotionRequest> {
    return this.createRequest(m, "rollback", input);
  }

  private async createRequest(
    m: Mutation,
    kind: PromotionRequest["kind"],
    input: { model: string; version: number; alias: string; note?: string; waiver?: Waiver },
  ): Promise<PromotionRequest> {
    checkAlias(input.alias);
    return this.mutate(m, "developer", async (tx, audit, at) => {
      await this.modelRow(tx, input.model, false);
      const verdict = await this.versionExists(tx, input.model, input.version);
      const waiver = this.checkWaiver(verdict, input.waiver, `${input.model}/${input.version}`);
      if (kind === "rollback") await this.checkRollback(tx, input.model, input.alias, input.version);
      const { rows } = await tx.query(
        `INSERT INTO promotion_requests (id, model, version, alias, kind, status, requested_by, requested_at,
           verdict, note, waiver)
         VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8, $9, $10::jsonb) RETURNING *`,
        [
          randomUUID(),
          input.model,
          input.version,
          input.alias,
          kind,
          m.actor.name,
          at,
          verdict,
          input.note ?? null,
          waiver ? JSON.stringify(waiver) : null,
        ],
      );
      const request = requestFromRow(rows[0] as Row);
      await audit(`request.${kind}`, `request:${request.id}`, null, request);
      return request;
    });
  }

  private checkWaiver(verdict: Verdict, waiver: Waiver | undefined, version: string): Waiver | null {
    if (!waiver) {
      if (verdict === "approved") return null;
      throw new RegistryError(
        "INVALID_INPUT",
        `version ${version} has verdict ${verdict}: promoting it needs a waiver with a reason and an expiry`,
      );
    }
    if (typeof waiver.reason !== "string" || !waiver.reason.trim()) {
      throw new RegistryError("INVALID_INPUT", "a waiver needs a reason");
    }
    const expires = new Date(waiver.expires);
    if (Number.isNaN(expires.getTime())) {
      throw new RegistryError(
        "INVALID_INPUT",
        `waiver expiry ${JSON.stringify(waiver.expires)} is not a date`,
      );
    }
    if (expires <= this.now()) {
      throw new RegistryError("INVALID_INPUT", `the waiver expired at ${expires.toISOString()}`);
    }
    return { reason: waiver.reason.trim(), expires: expires.toISOString() };
  }

  private async checkRollback(tx: Db, model: string, alias: string, version: number): Promise<void> {
    const current = await tx.query<{ version: number }>(
      "SELECT version FROM aliases WHERE model = $1 AND alias = $2",
      [model, alias],
    );
    const at = current.rows[0];
    if (!at)
      throw new RegistryError("INVALID_INPUT", `alias ${model}/${alias} is not set: nothing to roll back`);
    if (version >= Number(at.version)) {
      throw new RegistryError(
        "INVALID_INPUT",
        `a rollback goes to an earlier version: ${model}/${alias} is at ${at.version}; request a promotion instead`,
      );
    }
    const before = await tx.query(
      "SELECT 1 FROM alias_moves WHERE model = $1 AND alias = $2 AND to_version = $3 LIMIT 1",
      [model, alias, version],
    );
    if (!before.rows[0]) {
      throw new RegistryError(
        "INVALID_INPUT",
        `version ${version} was never on ${model}/${alias}: a rollback returns to a version the alias had`,
      );
    }
  }

  /** Approver or admin, not the requester; applies once even when two approvals race. */
  async approve(m: Mutation, requestId: string, rationale: string): Promise<PromotionRequest> {
    return this.decide(m, requestId, "approved", rationale);
  }

  async reject(m: Mutation, requestId: string, rationale: string): Promise<PromotionRequest> {
    if (!rationale?.trim()) throw new RegistryError("INVALID_INPUT", "a rejection needs a rationale");
    return this.decide(m, requestId, "rejected", rationale);
  }

  private decide(
    m: Mutation,
    requestId: string,
    status: "approved" | "rejected",
    rationale: string,
  ): Promise<PromotionRequest> {
    return this.mutate(m, "approver", async (tx, audit, at) => {
      const before = await this.requestRow(tx, requestId);
      if (before.requestedBy === m.actor.name) {
        throw new RegistryError(
          "FORBIDDEN",
          `${m.actor.name} made request ${requestId}: another approver must decide it (separation of duties)`,
        );
      }
      if (before.status !== "pending") {
        throw new RegistryError("CONFLICT", `request ${requestId} is already ${before.status}`);
      }
      if (status === "approved" && before.waiver && new Date(before.waiver.expires) <= this.now()) {
        throw new RegistryError(
          "PRECONDITION_FAILED",
          `the waiver of request ${requestId} expired at ${before.waiver.expires}: request again with a new waiver`,
        );
      }
      // Conditional on `pending`: of two racing decisions, the second finds no row and changes nothing.
      const { rows } = await tx.query(
        `UPDATE promotion_requests SET status = $2, decided_by = $3, decided_at = $4, rationale = $5
         WHERE id = $1 AND status = 'pending' RETURNING *`,
        [requestId, status, m.actor.name, at, rationale.trim() || null],
      );
      if (!rows[0]) throw new RegistryError("CONFLICT", `request ${requestId} was decided meanwhile`);
      const after = requestFromRow(rows[0]);
      await audit(
        `request.${status === "approved" ? "approve" : "reject"}`,
        `request:${requestId}`,
        before,
        after,
      );
      if (status === "approved") {
        await this.modelRow(tx, after.model, true);
        await this.moveAlias(tx, audit, at, m.actor.name, {
          model: after.model,
          alias: after.alias,
          version: after.version,
          requestId,
          kind: after.kind,
        });
      }
      return after;
    });
  }

  private async requestRow(db: Db, id: string): Promise<PromotionRequest> {
    const { rows } = await db.query("SELECT * FROM promotion_requests WHERE id = $1", [id]);
    if (!rows[0]) throw new RegistryError("NOT_FOUND", `request ${id} not found`);
    return requestFromRow(rows[0]);
  }

  getRequest(id: string): Promise<PromotionRequest> {
    return this.requestRow(this.db, id);
  }

  /** Newest first. */
  async listRequests(
    page: PageRequest & { status?: RequestStatus; model?: string },
  ): Promise<Page<PromotionRequest>> {
    const limit = pageLimit(page);
    const [beforeAt, beforeId] = page.cursor
      ? decodeCursor("requests", page.cursor, ["string", "string"])
      : [null, null];
    const { rows } = await this.db.query(
      `SELECT * FROM promotion_requests
       WHERE ($1::timestamptz IS NULL OR (requested_at, id) < ($1::timestamptz, $2::text))
         AND ($3::text IS NULL OR status = $3) AND ($4::text IS NULL OR model = $4)
       ORDER BY requested_at DESC, id DESC LIMIT $5`,
      [beforeAt, beforeId, page.status ?? null, page.model ?? null, limit + 1],
    );
    return pageOf(rows, limit, requestFromRow, (r) => {
      const request = requestFromRow(r);
      return encodeCursor("requests", [request.requestedAt, request.id]);
    });
  }

  // Dashboard
  /** Each model with its current version (production, else the latest), filtered, sorted and paged. */
  inventory(query: InventoryQuery): Promise<InventoryPage> {
    return queryInventory(this.db, query, this.productionAlias());
  }

  /** Counts for the dashboard's first page, and waivers expiring within `withinDays` (default 14). */
  overview(withinDays = 14): Promise<Overview> {
    return queryOverview(this.db, this.productionAlias(), this.now(), withinDays);
  }

  /** The alias the inventory calls production: the first protected one. */
  private productionAlias(): string {
    return (this.options.protectedAliases ?? ["production"])[0] ?? "production";
  }

  // Audit
  /** Newest first; the filters match exactly. */
  listAudit(
    page: PageRequest & { actor?: string; action?: string; subject?: string },
  ): Promise<Page<AuditEntry>> {
    return this.searchAudit(page);
  }

  /** listAudit plus a time range: entries at or after `from`, and before `to` (ISO 8601). */
  async searchAudit(
    page: PageRequest & { actor?: string; action?: string; subject?: string; from?: string; to?: string },
  ): Promise<Page<AuditEntry>> {
    const limit = pageLimit(page);
    const before = page.cursor ? (decodeCursor("audit", page.cursor, ["number"])[0] as number) : null;
    const { rows } = await this.db.query(
      `SELECT ${AUDIT_COLUMNS} FROM audit_log
       WHERE ($1::bigint IS NULL OR seq < $1) AND ($2::text IS NULL OR actor = $2)
         AND ($3::text IS NULL OR action = $3) AND ($4::text IS NULL OR subject = $4)
         AND ($6::timestamptz IS NULL OR at >= $6) AND ($7::timestamptz IS NULL OR at < $7)
       ORDER BY seq DESC LIMIT $5`,
      [
        before,
        page.actor ?? null,
        page.action ?? null,
        page.subject ?? null,
        limit + 1,
        instantOrNull(page.from, "from"),
        instantOrNull(page.to, "to"),
      ],
    );
    return pageOf(rows, limit, auditFromRow, (r) => encodeCursor("audit", [Number(r.seq)]));
  }

  verifyAudit(): Promise<AuditVerification> {
    return verifyChain(this.db);
  }

  /** Every entry, oldest first, as JSON Lines (each string one line, ending in a newline). */
  async *exportAudit(): AsyncIterable<string> {
    for await (const page of auditPages(this.db)) {
      for (const entry of page) yield `${JSON.stringify(entry)}\n`;
    }
  }

  // Tokens
  /** The plain token is returned once; only its hash is stored. `m` null: local access (CLI, first start). */
  async createToken(
    m: Mutation | null,
    input: { name: string; role: Role; expiresAt?: string | null },
  ): Promise<{ token: string; record: ApiToken }> {
    if (typeof input.name !== "string" || !input.name.trim() || input.name.length > 200) {
      throw new RegistryError("INVALID_INPUT", "a token needs a name (at most 200 characters)");
    }
    if (!ROLES.includes(input.role)) {
      throw new RegistryError("INVALID_INPUT", `role must be one of ${ROLES.join(", ")}`);
    }
    let expiresAt: string | null = null;
    if (input.expiresAt) {
      const expires = new Date(input.expiresAt);
      if (Number.isNaN(expires.getTime()) || expires <= this.now()) {
        throw new RegistryError("INVALID_INPUT", "expiresAt must be a date in the future");
      }
      expiresAt = expires.toISOString();
    }
    return this.mutate(m, "admin", (tx, audit, at) =>
      this.insertToken(tx, audit, at, m?.actor.name ?? null, { ...input, expiresAt }, "token.create"),
    );
  }

  private async insertToken(
    tx: Db,
    audit: Audit,
    at: string,
    createdBy: string | null,
    input: { name: string; role: Role; expiresAt: string | null },
    action: string,
  ): Promise<{ token: string; record: ApiToken }> {
    const token = newTokenSecret();
    const { rows } = await tx.query(
      `INSERT INTO tokens (id, name, role, token_hash, created_at, created_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${TOKEN_COLUMNS}`,
      [randomUUID(), input.name.trim(), input.role, tokenHash(token), at, createdBy, input.expiresAt],
    );
    const record = tokenFromRow(rows[0] as Row);
    await audit(action, `token:${record.id}`, null, record);
    return { token, record };
  }

  /** Revoking a revoked token returns it unchanged. */
  revokeToken(m: Mutation, id: string): Promise<ApiToken> {
    return this.mutate(m, "admin", async (tx, audit, at) => {
      const current = await tx.query(`SELECT ${TOKEN_COLUMNS} FROM tokens WHERE id = $1 FOR UPDATE`, [id]);
      if (!current.rows[0]) throw new RegistryError("NOT_FOUND", `token ${id} not found`);
      const before = tokenFromRow(current.rows[0]);
      if (before.revokedAt) return before;
      const { rows } = await tx.query(
        `UPDATE tokens SET revoked_at = $2 WHERE id = $1 RETURNING ${TOKEN_COLUMNS}`,
        [id, at],
      );
      const after = tokenFromRow(rows[0] as Row);
      await audit("token.revoke", `token:${id}`, before, after);
      return after;
    });
  }

  /** Oldest first. */
  async listTokens(page: PageRequest): Promise<Page<ApiToken>> {
    const limit = pageLimit(page);
    const [afterAt, afterId] = page.cursor
      ? decodeCursor("tokens", page.cursor, ["string", "string"])
      : [null, null];
    const { rows } = await this.db.query(
      `SELECT ${TOKEN_COLUMNS} FROM tokens
       WHERE ($1::timestamptz IS NULL OR (created_at, id) > ($1::timestamptz, $2::text))
       ORDER BY created_at, id LIMIT $3`,
      [afterAt, afterId, limit + 1],
    );
    return pageOf(rows, limit, tokenFromRow, (r) => {
      const token = tokenFromRow(r);
      return encodeCursor("tokens", [token.createdAt, token.id]);
    });
  }

  /** The actor for a plain token; null when unknown, expired or revoked. */
  async authenticate(token: string): Promise<Actor | null> {
    if (typeof token !== "string" || !looksLikeToken(token)) return null;
    const { rows } = await this.db.query(`SELECT ${TOKEN_COLUMNS} FROM tokens WHERE token_hash = $1`, [
      tokenHash(token),
    ]);
    if (!rows[0]) return null;
    const record = tokenFromRow(rows[0]);
    const now = this.now();
    if (record.revokedAt || (record.expiresAt && new Date(record.expiresAt) <= now)) return null;
    if (
      !record.lastUsedAt ||
      now.getTime() - new Date(record.lastUsedAt).getTime() >= LAST_USED_GRANULARITY_MS
    ) {
      await this.db.query("UPDATE tokens SET last_used_at = $2 WHERE id = $1", [
        record.id,
        now.toISOString(),
      ]);
    }
    return { tokenId: record.id, name: record.name, role: record.role };
  }

  /** On first start (no token exists): creates an admin token and returns it, once; otherwise null. */
  bootstrapAdmin(): Promise<string | null> {
    return this.mutate(null, "admin", async (tx, audit, at) => {
      // Two servers starting at once: the second waits here, then sees the first one's token.
      await tx.query(`SELECT pg_advisory_xact_lock(${BOOTSTRAP_LOCK_KEY})`);
      const { rows } = await tx.query("SELECT 1 FROM tokens LIMIT 1");
      if (rows[0]) return null;
      const created = await this.insertToken(
        tx,
        audit,
        at,
        null,
        { name: "admin", role: "admin", expiresAt: null },
        "token.bootstrap",
      );
      return created.token;
    });
  }

  // Jobs (a queue in the same database; workers claim with FOR UPDATE SKIP LOCKED)
  enqueueJob(m: Mutation, kind: string, payload: unknown, options?: { maxAttempts?: number }): Promise<Job> {
    return this.mutate(m, "developer", async (tx, audit, at) => {
      const job = await insertJob(tx, new Date(at), kind, payload, options?.maxAttempts ?? 5);
      await audit("job.enqueue", `job:${job.id}`, null, { id: job.id, kind: job.kind, payload: job.payload });
      return job;
    });
  }

  async getJob(id: string): Promise<Job> {
    const { rows } = await this.db.query("SELECT * FROM jobs WHERE id = $1", [id]);
    if (!rows[0]) throw new RegistryError("NOT_FOUND", `job ${id} not found`);
    return jobFromRow(rows[0]);
  }

  /** Claims the next due job of these kinds (any kind when empty), or null; a claim whose worker died is reclaimed after `leaseMs`. */
  claimJob(workerId: string, kinds: string[], leaseMs: number): Promise<Job | null> {
    return claimNext(this.db, this.now(), workerId, kinds, leaseMs);
  }

  /** Also renews the lease for another `leaseMs` of the claim. */
  reportJobProgress(id: string, progress: { done: number; total: number; label: string }): Promise<void> {
    return setProgress(this.db, this.now(), id, progress);
  }

  completeJob(id: string, result: unknown): Promise<Job> {
    return finish(this.db, this.now(), id, result);
  }

  /** Retried with exponential backoff until maxAttempts, then `failed`. */
  failJob(id: string, error: string): Promise<Job> {
    return fail(this.db, this.now(), id, error);
  }
}

function checkTags(tags: string[]): string[] {
  if (
    !Array.isArray(tags) ||
    tags.length > 64 ||
    tags.some((t) => typeof t !== "string" || !t || t.length > 64)
  ) {
    throw new RegistryError("INVALID_INPUT", "tags: at most 64 non-empty strings of at most 64 characters");
  }
  return [...new Set(tags)];
}

function checkAlias(alias: string): void {
  if (!ALIAS_NAME.test(alias)) {
    throw new RegistryError(
      "INVALID_INPUT",
      `alias ${JSON.stringify(alias)}: lowercase letters, digits, '_' or '-', starting with a letter`,
    );
  }
}

function instantOrNull(value: string | undefined, name: string): string | null {
  if (value === undefined) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new RegistryError("INVALID_INPUT", `${name} ${JSON.stringify(value)} is not a date-time`);
  }
  return date.toISOString();
}
