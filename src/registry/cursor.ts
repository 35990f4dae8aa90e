import { RegistryError } from "../errors.js";
import type { PageRequest } from "./types.js";

type Key = (string | number)[];

/** An opaque cursor: the list it belongs to and the sort key of the last item returned. */
export function encodeCursor(list: string, key: Key): string {
  return Buffer.from(JSON.stringify({ l: list, k: key })).toString("base64url");
}

/** The sort key in `cursor`, checked against the shape `list` expects; anything else is INVALID_INPUT. */
export function decodeCursor(list: string, cursor: string, shape: ("string" | "number")[]): Key {
  const invalid = () =>
    new RegistryError("INVALID_INPUT", `invalid cursor for ${list}: use nextCursor as given`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== "object" || parsed === null) throw invalid();
  const { l, k } = parsed as { l?: unknown; k?: unknown };
  if (l !== list || !Array.isArray(k) || k.length !== shape.length) throw invalid();
  k.forEach((part, i) => {
    if (typeof part !== shape[i]) throw invalid();
    if (typeof part === "number" && !Number.isSafeInteger(part)) throw invalid();
  });
  return k as Key;
}

export function pageLimit(page: PageRequest): number {
  const limit = page.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
    throw new RegistryError("INVALID_INPUT", `limit must be an integer from 1 to 200, got ${limit}`);
  }
  return limit;
}

/** Cuts the one extra row fetched to know whether a next page exists. */
export function pageOf<Row, T>(
  rows: Row[],
  limit: number,
  toItem: (row: Row) => T,
  cursorOf: (row: Row) => string,
): { items: T[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return { items: kept.map(toItem), nextCursor: more ? cursorOf(kept[kept.length - 1] as Row) : null };
}
