/**
 * The registry's HTTP API as a hono app: every route of routes/*.ts plus /healthz, /readyz, /metrics
 * and the OpenAPI document. Each request: an X-Request-Id, then the token (401), the route's least role
 * (403), the path, query and body against their schemas (400), then the registry.
 */
import { randomUUID } from "node:crypto";
import { Hono } from "hono";
import type { Registry } from "../registry/registry.js";
import type { Actor } from "../registry/types.js";
import { authenticate, roleAtLeast } from "./auth.js";
import { Metrics } from "./metrics.js";
import { buildOpenApiDocument } from "./openapi.js";
import { describeError, HttpProblem, problemResponse } from "./problem.js";
import { DASHBOARD_ROUTES } from "./routes/dashboard.js";
import { GOVERNANCE_ROUTES } from "./routes/governance.js";
import { MODEL_ROUTES } from "./routes/models.js";
import { API, json, type RouteDef } from "./routes/route.js";
import { defaultWebRoot, isDashboardPath, serveDashboard } from "./static.js";
import { createValidators } from "./validation.js";

export interface ServerLogger {
  error(message: string, details: Record<string, unknown>): void;
}

export interface AppOptions {
  registry: Registry;
  /** The modelgate version, for /healthz and the OpenAPI document. */
  version: string;
  logger?: ServerLogger;
  /** The dashboard's built files; default dist/web (see static.ts); null serves the not-built page. */
  webRoot?: string | null;
}

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

type Env = { Variables: { requestId: string; route: string } };

/** Every route the app answers, in the order of the OpenAPI document. */
export function apiRoutes(options: AppOptions, metrics: Metrics): RouteDef[] {
  let document: unknown = null;
  const system: RouteDef[] = [
    {
      method: "get",
      path: "/healthz",
      operationId: "healthz",
      summary: "The process is up",
      tag: "system",
      minRole: null,
      responses: { 200: { description: "Up", schema: "Health" } },
      handle: () => json(200, { status: "ok", version: options.version }),
    },
    {
      method: "get",
      path: "/readyz",
      operationId: "readyz",
      summary: "The database answers",
      tag: "system",
      minRole: null,
      responses: { 200: { description: "Ready", schema: "Health" } },
      errors: [503],
      handle: async (ctx) => {
        try {
          await ctx.registry.db.query("select 1");
        } catch (err) {
          options.logger?.error("readyz: the database does not answer", { error: String(err) });
          throw new HttpProblem(503, "The database does not answer.");
        }
        return json(200, { status: "ready", version: options.version });
      },
    },
    {
      method: "get",
      path: "/metrics",
      operationId: "metrics",
      summary: "Prometheus metrics (text exposition format 0.0.4)",
      tag: "system",
      minRole: null,
      responses: { 200: { description: "Metrics", contentType: "text/plain; version=0.0.4" } },
      handle: () =>
        new Response(metrics.render(), {
          headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
        }),
    },
    {
      method: "get",
      path: `${API}/openapi.json`,
      operationId: "openapi",
      summary: "This API's OpenAPI 3.1 document",
      tag: "system",
      minRole: null,
      responses: { 200: { description: "The OpenAPI document" } },
      handle: () => {
        document ??= buildOpenApiDocument(routes, options.version);
        return json(200, document);
      },
    },
  ];
  const routes = [...system, ...MODEL_ROUTES, ...GOVERNANCE_ROUTES, ...DASHBOARD_ROUTES];
  return routes;
}

export function createApp(options: AppOptions): Hono<Env> {
  const app = new Hono<Env>();
  const metrics = new Metrics();
  const validators = createValidators();

  app.use("*", async (c, next) => {
    const started = performance.now();
    const offered = c.req.header("x-request-id");
    const requestId = offered !== undefined && SANE_REQUEST_ID.test(offered) ? offered : randomUUID();
    c.set("requestId", requestId);
    c.set("route", "unmatched");
    await next();
    c.res.headers.set("x-request-id", requestId);
    metrics.observe(c.req.method, c.get("route"), c.res.status, (performance.now() - started) / 1000);
  });

  for (const route of apiRoutes(options, metrics)) {
    const honoPath = route.path.replaceAll(/\{(\w+)\}/g, ":$1");
    app.on(route.method.toUpperCase(), honoPath, async (c) => {
      c.set("route", route.path);
      const request = c.req.raw;
      const url = new URL(request.url);
      let actor: Actor | null = null;
      if (route.minRole !== null) {
        actor = await authenticate(options.registry, c.req.header("authorization"));
        if (!actor) {
          return problemResponse(
            401,
            "A valid bearer token is required.",
            url.pathname,
            { code: "UNAUTHENTICATED" },
            {
              "www-authenticate": 'Bearer realm="modelgate"',
            },
          );
        }
        if (!roleAtLeast(actor.role, route.minRole)) {
          return problemResponse(
            403,
            `This needs the ${route.minRole} role; your token has ${actor.role}.`,
            url.pathname,
            { code: "FORBIDDEN" },
          );
        }
      }
      const params = validators.params(route.path, c.req.param() as Record<string, string>);
      const query = validators.query(route.query ?? null, url.searchParams);
      const body = route.body
        ? validators.body(
            route.body,
            await readJsonBody(request, route.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES),
          )
        : undefined;
      return route.handle({
        registry: options.registry,
        version: options.version,
        actor,
        requestId: c.get("requestId"),
        request,
        url,
        params,
        query,
        body,
      });
    });
  }

  const webRoot = options.webRoot === undefined ? defaultWebRoot() : options.webRoot;
  app.notFound((c) => {
    if ((c.req.method === "GET" || c.req.method === "HEAD") && isDashboardPath(c.req.path)) {
      c.set("route", "dashboard");
      return serveDashboard(webRoot, c.req.path);
    }
    return problemResponse(404, `No route for ${c.req.method} ${c.req.path}.`, c.req.path);
  });
  app.onError((err, c) => {
    const { status, detail, extra, internal } = describeError(err);
    if (internal) {
      options.logger?.error("request failed", {
        requestId: c.get("requestId"),
        method: c.req.method,
        path: c.req.path,
        error: err instanceof Error ? (err.stack ?? err.message) : String(err),
      });
    }
    return problemResponse(status, detail, c.req.path, extra);
  });
  return app;
}

/** The JSON body, read no further than `maxBytes` (a chunked upload has no Content-Length to trust). */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
    throw new HttpProblem(415, "The request body must be application/json.");
  }
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) throw new HttpProblem(413, `The request body exceeds ${maxBytes} bytes.`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw new HttpProblem(413, `The request body exceeds ${maxBytes} bytes.`);
      }
      chunks.push(value);
    }
  }
  const text = new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(chunks));
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new HttpProblem(400, `The request body is not valid JSON: ${(err as Error).message}`);
  }
}
