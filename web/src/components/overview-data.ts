/**
 * GET /api/v1/overview read defensively: `totals`, `byVerdict`, `bySeverity`, `byLicenseClass`,
 * `byAlias` as `{ value: n }`, and `expiringWaivers`; a field of an unexpected type reads as no data.
 */
export interface CountEntry {
  key: string;
  count: number;
}

export interface ExpiringWaiver {
  model: string;
  version: number | null;
  alias: string | null;
  status: string | null;
  expires: string;
  /** Whole days until expiry, rounded up; negative once expired. Null for an unreadable date. */
  daysLeft: number | null;
}

export interface OverviewData {
  verdict: CountEntry[];
  severity: CountEntry[];
  licenseClass: CountEntry[];
  alias: CountEntry[];
  totalModels: number | null;
  pendingApprovals: number | null;
  expiringWaivers: ExpiringWaiver[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function str(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

function toEntries(value: unknown): CountEntry[] {
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([key, n]) => {
    const count = num(n);
    return count === null ? [] : [{ key, count }];
  });
}

const DAY_MS = 86_400_000;

function toWaiver(row: unknown, now: number): ExpiringWaiver[] {
  if (!isObject(row)) return [];
  const model = str(row.model);
  const expires = str(row.expires);
  if (!model || !expires) return [];
  const expiry = Date.parse(expires);
  return [
    {
      model,
      version: num(row.version),
      alias: str(row.alias),
      status: str(row.status),
      expires,
      daysLeft: Number.isNaN(expiry) ? null : Math.ceil((expiry - now) / DAY_MS),
    },
  ];
}

export function readOverview(raw: unknown, now = Date.now()): OverviewData {
  const source = isObject(raw) ? raw : {};
  const totals = isObject(source.totals) ? source.totals : {};
  return {
    verdict: toEntries(source.byVerdict),
    severity: toEntries(source.bySeverity),
    licenseClass: toEntries(source.byLicenseClass),
    alias: toEntries(source.byAlias),
    totalModels: num(totals.models),
    pendingApprovals: num(totals.pendingRequests),
    expiringWaivers: Array.isArray(source.expiringWaivers)
      ? source.expiringWaivers.flatMap((w) => toWaiver(w, now))
      : [],
  };
}
