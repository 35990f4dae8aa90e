/**
 * The dashboard's read queries: the inventory (each model with its current version: production, or the
 * latest when none) and the overview counts. They read the columns migration 002 denormalized from each
 * vet report, never the reports themselves.
 */
import type { Verdict } from "../policy/types.js";
import type { Severity } from "../scan/types.js";
import { decodeCursor, encodeCursor, pageLimit, pageOf } from "./cursor.js";
import type { Db } from "./db.js";
import { iso } from "./rows.js";
import type { PageRequest } from "./types.js";
import { rankOfSeverity, severityOfRank } from "./version-facts.js";

export const INVENTORY_SORTS = ["name", "updated", "verdict", "severity"] as const;
export type InventorySort = (typeof INVENTORY_SORTS)[number];
export const COMMERCIAL_CLASSES = ["allowed", "conditional", "prohibited", "unknown"] as const;
export type CommercialClass = (typeof COMMERCIAL_CLASSES)[number];

export interface InventoryQuery extends PageRequest {
  /** Text in the name or description. */
  q?: string;
  verdict?: Verdict;
  licenseClass?: CommercialClass;
  /** Models that have this alias. */
  alias?: string;
  /** Models whose current version has a file of this format. */
  format?: string;
  owner?: string;
  /** Models whose current version's worst finding has this severity (`none`: a version without findings). */
  severity?: Severity | "none";
  sort?: InventorySort;
  order?: "asc" | "desc";
}

export interface InventoryVersion {
  number: number;
  /** Whether this is the version `production` points at (else the latest). */
  production: boolean;
  verdict: Verdict;
  /** The worst finding's severity; null without findings. */
  maxSeverity: Severity | null;
  license: { key: string; name: string };
  commercialUse: CommercialClass;
  formats: string[];
}

export interface InventoryItem {
  name: string;
  owner: string | null;
  tags: string[];
  /** The last change: the model, a version pushed, or an alias moved. */
  updatedAt: string;
  /** Null for a model without versions. */
  version: InventoryVersion | null;
  aliases: Record<string, number>;
}

export interface InventoryPage {
  items: InventoryItem[];
  nextCursor: string | null;
  /** Models matching the filters, all pages together. */
  total: number;
}

export interface ExpiringWaiver {
  requestId: string;
  model: string;
  version: number;
  alias: string;
  status: "pending" | "approved";
  reason: string;
  expires: string;
  /** Already past its expiry. */
  expired: boolean;
}

export interface Overview {
  totals: { models: number; versions: number; pendingRequests: number };
  /** Models by their current version's verdict. */
  byVerdict: Record<Verdict, number>;
  /** Models by their current version's worst finding (`none` without findings). */
  bySeverity: Record<Severity | "none", number>;
  /** Models by their current version's commercial-use class. */
  byLicenseClass: Record<CommercialClass, number>;
  /** Models having each alias. */
  byAlias: Record<string, number>;
  /** Pending requests and promotions still in place whose waiver expires within `withinDays`. */
  expiringWaivers: ExpiringWaiver[];
}

/**
 * One row per model, with its current version's columns; $1 is the alias that counts as production.
 * models.name is COLLATE "C" and the other tables' model columns are not: comparing in their collation
 * is what lets their primary-key indexes answer (else each lookup is a sequential scan).
 */
const CURRENT = `
  SELECT m.name, m.owner, m.tags, m.description,
    GREATEST(m.updated_at, lv.at, al.at) AS updated_at,
    COALESCE(al.aliases, '{}'::jsonb) AS aliases,
    v.number, v.verdict, v.max_severity, v.license_key, v.license_name, v.commercial_use, v.formats,
    al.production IS NOT NULL AS in_production
  FROM models m
  LEFT JOIN LATERAL (
    SELECT jsonb_object_agg(a.alias, a.version) AS aliases, max(a.updated_at) AS at,
      max(a.version) FILTER (WHERE a.alias = $1) AS production
    FROM aliases a WHERE a.model = m.name COLLATE "default") al ON true
  LEFT JOIN LATERAL (
    SELECT max(created_at) AS at, max(number) AS latest FROM versions WHERE model = m.name COLLATE "default") lv ON true
  LEFT JOIN versions v ON v.model = m.name COLLATE "default" AND v.number = COALESCE(al.production, lv.latest)`;

const SORT_KEYS: Record<InventorySort, string | null> = {
  name: null,
  // Milliseconds: what a cursor can carry exactly.
  updated: "floor(extract(epoch FROM updated_at) * 1000)::bigint",
  verdict: "CASE verdict WHEN 'approved' THEN 1 WHEN 'needs-review' THEN 2 WHEN 'rejected' THEN 3 ELSE 0 END",
  severity: "COALESCE(max_severity, -1)",
};

/** The filters on the current version's columns: $4 verdict … $8 worst finding's rank (0: none). */
const CURRENT_FILTERS = `($4::text IS NULL OR verdict = $4) AND ($5::text IS NULL OR commercial_use = $5)
  AND ($6::text IS NULL OR aliases ? $6) AND ($7::text IS NULL OR $7 = ANY (formats))
  AND ($8::int IS NULL OR max_severity = $8)`;

/** The rank a severity filter stands for: `none` is 0, a model without versions never matches. */
function severityFilter(severity: InventoryQuery["severity"]): number | null {
  if (severity === undefined) return null;
  return severity === "none" ? 0 : (rankOfSeverity(severity) ?? null);
}

export async function queryInventory(
  db: Db,
  query: InventoryQuery,
  productionAlias: string,
): Promise<InventoryPage> {
  const limit = pageLimit(query);
  const sort = query.sort ?? "name";
  const order = query.order ?? "asc";
  const list = `inventory:${sort}:${order}`;
  const keyExpr = SORT_KEYS[sort];
  const dir = order === "desc" ? "DESC" : "ASC";
  const cmp = order === "desc" ? "<" : ">";
  let after: (string | number)[] | null = null;
  if (query.cursor) after = decodeCursor(list, query.cursor, keyExpr ? ["number", "string"] : ["string"]);
  const q = query.q ? `%${query.q.replace(/[\\%_]/g, "\\$&")}%` : null;
  const params: unknown[] = [
    productionAlias,
    q,
    query.owner ?? null,
    query.verdict ?? null,
    query.licenseClass ?? null,
    query.alias ?? null,
    query.format ?? null,
    severityFilter(query.severity),
    limit + 1,
  ];
  let keyset = "true";
  if (after && keyExpr) {
    params.push(after[0], after[1]);
    keyset = `(sort_key, name) ${cmp} ($10::bigint, $11::text)`;
  } else if (after) {
    params.push(after[0]);
    keyset = `name ${cmp} $10::text`;
  }
  const { rows } = await db.query(
    `WITH current AS (${CURRENT}
       WHERE ($2::text IS NULL OR m.name ILIKE $2 OR m.description ILIKE $2)
         AND ($3::text IS NULL OR m.owner = $3)),
     matching AS (
       SELECT current.*, ${keyExpr ?? "0"} AS sort_key, count(*) OVER () AS total FROM current
       WHERE ${CURRENT_FILTERS})
     SELECT * FROM matching WHERE ${keyset}
     ORDER BY ${keyExpr ? `sort_key ${dir}, ` : ""}name ${dir} LIMIT $9`,
    params,
  );
  const total = rows[0] ? Number(rows[0].total) : await countMatching(db, params.slice(0, 8));
  const page = pageOf(rows, limit, inventoryItem, (r) =>
    encodeCursor(list, keyExpr ? [Number(r.sort_key), r.name as string] : [r.name as string]),
  );
  return { ...page, total };
}

/** The total when the cursor's page is past the end (no row carries the window count). */
async function countMatching(db: Db, params: unknown[]): Promise<number> {
  const { rows } = await db.query<{ total: string | number }>(
    `WITH current AS (${CURRENT}
       WHERE ($2::text IS NULL OR m.name ILIKE $2 OR m.description ILIKE $2)
         AND ($3::text IS NULL OR m.owner = $3))
     SELECT count(*) AS total FROM current WHERE ${CURRENT_FILTERS}`,
    params,
  );
  return Number(rows[0]?.total ?? 0);
}

function inventoryItem(r: Record<string, unknown>): InventoryItem {
  return {
    name: r.name as string,
    owner: (r.owner as string | null) ?? null,
    tags: (r.tags as string[]) ?? [],
    updatedAt: iso(r.updated_at),
    version:
      r.number === null || r.number === undefined
        ? null
        : {
            number: Number(r.number),
            production: Boolean(r.in_production),
            verdict: r.verdict as Verdict,
            maxSeverity: severityOfRank(Number(r.max_severity)),
            license: { key: r.license_key as string, name: r.license_name as string },
            commercialUse: r.commercial_use as CommercialClass,
            formats: (r.formats as string[]) ?? [],
          },
    aliases: (r.aliases as Record<string, number>) ?? {},
  };
}

export async function queryOverview(
  db: Db,
  productionAlias: string,
  now: Date,
  withinDays: number,
): Promise<Overview> {
  const counts = await db.query<{ dimension: string; value: string | null; n: string | number }>(
    `WITH current AS (${CURRENT})
     SELECT 'verdict' AS dimension, verdict AS value, count(*) AS n FROM current
       WHERE verdict IS NOT NULL GROUP BY verdict
     UNION ALL SELECT 'severity', max_severity::text, count(*) FROM current
       WHERE number IS NOT NULL GROUP BY max_severity
     UNION ALL SELECT 'class', commercial_use, count(*) FROM current
       WHERE number IS NOT NULL GROUP BY commercial_use
     UNION ALL SELECT 'alias', alias, count(*) FROM aliases GROUP BY alias
     UNION ALL SELECT 'models', NULL, count(*) FROM models
     UNION ALL SELECT 'versions', NULL, count(*) FROM versions
     UNION ALL SELECT 'pending', NULL, count(*) FROM promotion_requests WHERE status = 'pending'`,
    [productionAlias],
  );
  const overview: Overview = {
    totals: { models: 0, versions: 0, pendingRequests: 0 },
    byVerdict: { approved: 0, "needs-review": 0, rejected: 0 },
    bySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0, none: 0 },
    byLicenseClass: { allowed: 0, conditional: 0, prohibited: 0, unknown: 0 },
    byAlias: {},
    expiringWaivers: [],
  };
  for (const row of counts.rows) {
    const n = Number(row.n);
    const value = row.value ?? "";
    if (row.dimension === "verdict") overview.byVerdict[value as Verdict] = n;
    else if (row.dimension === "severity") overview.bySeverity[severityOfRank(Number(value)) ?? "none"] = n;
    else if (row.dimension === "class") overview.byLicenseClass[value as CommercialClass] = n;
    else if (row.dimension === "alias") overview.byAlias[value] = n;
    else if (row.dimension === "models") overview.totals.models = n;
    else if (row.dimension === "versions") overview.totals.versions = n;
    else if (row.dimension === "pending") overview.totals.pendingRequests = n;
  }
  const horizon = new Date(now.getTime() + withinDays * 24 * 60 * 60 * 1000);
  // Pending, or approved and still what the alias points at (the promotion it waived is in place).
  const waivers = await db.query(
    `SELECT r.id, r.model, r.version, r.alias, r.status, r.waiver ->> 'reason' AS reason,
       (r.waiver ->> 'expires')::timestamptz AS expires
     FROM promotion_requests r
     LEFT JOIN aliases a ON a.model = r.model AND a.alias = r.alias AND a.request_id = r.id
     WHERE r.waiver IS NOT NULL AND (r.status = 'pending' OR (r.status = 'approved' AND a.model IS NOT NULL))
       AND (r.waiver ->> 'expires')::timestamptz <= $1
     ORDER BY expires, r.id LIMIT 200`,
    [horizon.toISOString()],
  );
  overview.expiringWaivers = waivers.rows.map((r) => ({
    requestId: r.id as string,
    model: r.model as string,
    version: Number(r.version),
    alias: r.alias as string,
    status: r.status as "pending" | "approved",
    reason: r.reason as string,
    expires: iso(r.expires),
    expired: new Date(iso(r.expires)) <= now,
  }));
  return overview;
}
