/**
 * GET /api/v1/inventory read defensively: one row per model with its current version (production, else
 * the latest), whose verdict, worst finding and license the row shows. A field of an unexpected type reads
 * as absent rather than breaking the table.
 */
export interface InventoryRow {
  name: string;
  owner: string | null;
  /** The current version's number; null for a model without versions. */
  version: number | null;
  /** Whether `version` is the one `production` points at (else it is the latest). */
  inProduction: boolean;
  verdict: string | null;
  highestSeverity: string | null;
  licenseKey: string | null;
  licenseName: string | null;
  licenseClass: string | null;
  updatedAt: string | null;
  /** The aliases the model has. */
  aliases: string[];
}

export interface InventoryPage {
  rows: InventoryRow[];
  nextCursor: string | null;
  total: number | null;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

function num(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function readRow(raw: unknown): InventoryRow[] {
  if (!isObject(raw)) return [];
  const name = str(raw.name);
  if (!name) return [];
  const current = isObject(raw.version) ? raw.version : {};
  const license = isObject(current.license) ? current.license : {};
  return [
    {
      name,
      owner: str(raw.owner),
      version: num(current.number),
      inProduction: current.production === true,
      verdict: str(current.verdict),
      highestSeverity: str(current.maxSeverity),
      licenseKey: str(license.key),
      licenseName: str(license.name),
      licenseClass: str(current.commercialUse),
      updatedAt: str(raw.updatedAt),
      aliases: isObject(raw.aliases) ? Object.keys(raw.aliases) : [],
    },
  ];
}

export function readInventory(raw: unknown): InventoryPage {
  const source = isObject(raw) ? raw : {};
  return {
    rows: (Array.isArray(source.items) ? source.items : []).flatMap(readRow),
    nextCursor: str(source.nextCursor),
    total: num(source.total),
  };
}
