/**
 * A route is declared once, with everything the app and the OpenAPI document need: method, path, least
 * role, the schemas of its query and body, and its responses. app.ts registers these; openapi.ts
 * describes exactly these; so no route can exist undocumented or unchecked.
 */
import type { Mutation, Registry } from "../../registry/registry.js";
import type { Actor, Page, Role } from "../../registry/types.js";
import { HttpProblem } from "../problem.js";
import type { QueryName, RequestBodyName } from "../schemas.js";

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

export interface ResponseDef {
  description: string;
  /** A component name in schemas.ts RESPONSES; none for bodies that are not JSON. */
  schema?: string;
  /** Default application/json. */
  contentType?: string;
  headers?: Record<string, string>;
}

export interface RouteContext {
  registry: Registry;
  version: string;
  /** Null only on public routes. */
  actor: Actor | null;
  requestId: string;
  request: Request;
  url: URL;
  params: Record<string, string | number>;
  query: Record<string, unknown>;
  body: unknown;
}

export interface RouteDef {
  method: HttpMethod;
  /** OpenAPI path template, from the root: `/api/v1/models/{name}`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  /** The least role allowed; null for a public route (no token needed). */
  minRole: Role | null;
  query?: QueryName;
  body?: RequestBodyName;
  /** Body size cap (default 64 KiB). */
  maxBodyBytes?: number;
  /** Request headers the route reads. */
  requestHeaders?: { name: string; required: boolean; description: string }[];
  responses: Record<number, ResponseDef>;
  /** Error statuses this route can answer beyond the ones every route can (400, 401, 403, 500). */
  errors?: number[];
  handle(ctx: RouteContext): Promise<Response> | Response;
}

export const API = "/api/v1";

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

/** The mutation context for the registry: who, and which HTTP request (for the audit entry). */
export function mutation(ctx: RouteContext): Mutation {
  if (!ctx.actor) throw new HttpProblem(401, "A bearer token is required.");
  return { actor: ctx.actor, requestId: ctx.requestId };
}

/** `{ items, nextCursor }` plus an RFC 8288 `Link: <...>; rel="next"` header when there is a next page. */
export function pageResponse<T>(ctx: RouteContext, page: Page<T>): Response {
  const headers: Record<string, string> = {};
  if (page.nextCursor !== null) {
    const next = new URL(ctx.url.pathname + ctx.url.search, ctx.url.origin);
    next.searchParams.set("cursor", page.nextCursor);
    headers.link = `<${next.pathname}${next.search}>; rel="next"`;
  }
  return json(200, { items: page.items, nextCursor: page.nextCursor }, headers);
}

export function param(ctx: RouteContext, name: string): string {
  return String(ctx.params[name]);
}

export function numberParam(ctx: RouteContext, name: string): number {
  return Number(ctx.params[name]);
}

export function pageQuery(ctx: RouteContext): { cursor?: string; limit?: number } {
  const { cursor, limit } = ctx.query as { cursor?: string; limit?: number };
  return { ...(cursor !== undefined ? { cursor } : {}), ...(limit !== undefined ? { limit } : {}) };
}

/** The query's filters, without undefined values (the registry's options are exact optional types). */
export function filters<K extends string>(ctx: RouteContext, names: K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const name of names) {
    const value = ctx.query[name];
    if (typeof value === "string") out[name] = value;
  }
  return out;
}
