/**
 * The OpenAPI 3.1 document, generated from the route table and the same JSON Schemas the validator
 * compiles. Every operation lists its least role (`x-min-role`), its parameters, body and responses,
 * and the problem+json errors it can answer.
 */
import { PROBLEM_CONTENT_TYPE } from "./problem.js";
import type { RouteDef } from "./routes/route.js";
import { type JsonSchema, PATH_PARAMS, QUERIES, REQUEST_BODIES, RESPONSES } from "./schemas.js";
import { pathParamNames } from "./validation.js";

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "The request is malformed: invalid JSON, unknown fields, or values outside their schema",
  401: "No valid bearer token",
  403: "The token's role is too low, or the registry's rules forbid this",
  404: "Not found",
  409: "Conflicts with the current state",
  412: "If-Match names a stale revision",
  413: "The body is too large",
  415: "The body is not JSON",
  422: "The registry refused the content",
  428: "If-Match is required",
  500: "An internal error (logged, not described)",
  503: "Not ready",
};

export function buildOpenApiDocument(routes: RouteDef[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] = { ...paths[route.path], [route.method]: operation(route) };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "modelgate registry API",
      version,
      description:
        "Models, versions, aliases, promotion requests with approvals, a tamper-evident audit log and API " +
        "tokens. Errors are RFC 9457 problem+json; lists are cursor-paginated (`nextCursor`, `Link: rel=next`).",
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description:
            "An API token from `modelgate registry token create` (or the first start's admin token).",
        },
      },
      schemas: { ...REQUEST_BODIES, ...RESPONSES },
      responses: Object.fromEntries(
        Object.entries(ERROR_DESCRIPTIONS).map(([status, description]) => [
          `Error${status}`,
          {
            description,
            content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: "#/components/schemas/Problem" } } },
          },
        ]),
      ),
    },
  };
}

function operation(route: RouteDef): Record<string, unknown> {
  const parameters: Record<string, unknown>[] = pathParamNames(route.path).map((name) => ({
    name,
    in: "path",
    required: true,
    schema: PATH_PARAMS[name] as JsonSchema,
  }));
  if (route.query) {
    for (const [name, schema] of Object.entries(QUERIES[route.query] as Record<string, JsonSchema>)) {
      parameters.push({ name, in: "query", required: false, schema });
    }
  }
  for (const header of route.requestHeaders ?? []) {
    parameters.push({
      name: header.name,
      in: "header",
      required: header.required,
      description: header.description,
      schema: { type: "string" },
    });
  }
  parameters.push({
    name: "X-Request-Id",
    in: "header",
    required: false,
    description: "Echoed back and recorded in the audit entries of the changes this request makes.",
    schema: { type: "string", pattern: "^[A-Za-z0-9._:@/+=-]{1,128}$" },
  });

  const responses: Record<string, unknown> = {};
  for (const [status, def] of Object.entries(route.responses)) {
    const content =
      def.schema !== undefined
        ? {
            [def.contentType ?? "application/json"]: {
              schema: { $ref: `#/components/schemas/${def.schema}` },
            },
          }
        : def.contentType !== undefined || status !== "304"
          ? { [def.contentType ?? "application/json"]: { schema: {} } }
          : undefined;
    const headers = {
      "X-Request-Id": { description: "This request's id", schema: { type: "string" } },
      ...Object.fromEntries(
        Object.entries(def.headers ?? {}).map(([name, description]) => [
          name,
          { description, schema: { type: "string" } },
        ]),
      ),
    };
    responses[status] = { description: def.description, headers, ...(content ? { content } : {}) };
  }
  const errors = new Set([...(route.errors ?? []), 500]);
  if (route.minRole !== null) {
    errors.add(401);
    errors.add(403);
  }
  if (route.query || route.body || pathParamNames(route.path).length > 0) errors.add(400);
  for (const status of [...errors].sort())
    responses[String(status)] = { $ref: `#/components/responses/Error${status}` };

  return {
    operationId: route.operationId,
    summary: route.summary,
    tags: [route.tag],
    "x-min-role": route.minRole ?? "public",
    ...(route.minRole === null ? { security: [] } : {}),
    parameters,
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: `#/components/schemas/${route.body}` } } },
          },
        }
      : {}),
    responses,
  };
}
