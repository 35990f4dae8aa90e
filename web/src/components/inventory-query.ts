/**
 * The inventory's filters and sort as they live in the page URL (shareable, back button works) and as
 * GET /api/v1/inventory takes them. The API rejects unknown query parameters, so only these are sent.
 */
export const FILTER_KEYS = ["verdict", "severity", "licenseClass", "alias", "format", "owner"] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export const SORT_KEYS = ["name", "updated", "verdict", "severity"] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type Order = "asc" | "desc";

export interface InventoryQuery {
  q: string;
  filters: Partial<Record<FilterKey, string>>;
  sort: SortKey;
  order: Order;
  /** The cursor of the page shown; "" for the first page. */
  cursor: string;
}

export function parseInventoryQuery(search: URLSearchParams): InventoryQuery {
  const filters: Partial<Record<FilterKey, string>> = {};
  for (const key of FILTER_KEYS) {
    const value = search.get(key);
    if (value) filters[key] = value;
  }
  const sort = search.get("sort");
  return {
    q: search.get("q") ?? "",
    filters,
    sort: (SORT_KEYS as readonly string[]).includes(sort ?? "") ? (sort as SortKey) : "name",
    order: search.get("order") === "desc" ? "desc" : "asc",
    cursor: search.get("cursor") ?? "",
  };
}

/** The page URL's query string; defaults are left out so links stay short. */
export function inventoryHref(query: InventoryQuery): string {
  const search = new URLSearchParams();
  if (query.q) search.set("q", query.q);
  for (const key of FILTER_KEYS) {
    const value = query.filters[key];
    if (value) search.set(key, value);
  }
  if (query.sort !== "name") search.set("sort", query.sort);
  if (query.order !== "asc") search.set("order", query.order);
  if (query.cursor) search.set("cursor", query.cursor);
  const text = search.toString();
  return text ? `/models?${text}` : "/models";
}

export function inventoryApiPath(query: InventoryQuery, limit: number): string {
  const search = new URLSearchParams();
  if (query.q) search.set("q", query.q);
  for (const key of FILTER_KEYS) {
    const value = query.filters[key];
    if (value) search.set(key, value);
  }
  search.set("sort", query.sort);
  search.set("order", query.order);
  if (query.cursor) search.set("cursor", query.cursor);
  search.set("limit", String(limit));
  return `/inventory?${search}`;
}
