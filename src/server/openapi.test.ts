import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import type { Registry } from "../registry/registry.js";
import { apiRoutes } from "./app.js";
import { Metrics } from "./metrics.js";
import { buildOpenApiDocument } from "./openapi.js";

type Json = Record<string, unknown>;

const routes = apiRoutes({ registry: {} as Registry, version: "9.9.9" }, new Metrics());
const doc = buildOpenApiDocument(routes, "9.9.9") as Json & {
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json>; responses: Record<string, Json> };
};
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

function operations(): { path: string; method: string; op: Json }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method, op })),
  );
}

/** Every `$ref` anywhere in `value`, with where it was found. */
function refs(value: unknown, at = "#"): { ref: string; at: string }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => refs(v, `${at}/${i}`));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, v]) =>
    key === "$ref" && typeof v === "string" ? [{ ref: v, at }] : refs(v, `${at}/${key}`),
  );
}

function resolve(pointer: string): unknown {
  return pointer
    .replace(/^#\//, "")
    .split("/")
    .reduce<unknown>(
      (node, part) => (node as Json | undefined)?.[part.replaceAll("~1", "/").replaceAll("~0", "~")],
      doc,
    );
}

describe("the OpenAPI 3.1 document", () => {
  it("has the 3.1 top level: openapi, info with title/version/license, paths, the bearer scheme", () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({
      title: expect.any(String),
      version: "9.9.9",
      license: { identifier: "Apache-2.0" },
    });
    expect(doc.components).toHaveProperty(
      "securitySchemes.bearer",
      expect.objectContaining({ type: "http", scheme: "bearer" }),
    );
    expect(doc.security).toEqual([{ bearer: [] }]);
  });

  it("describes every route once, each with a unique operationId, responses and only known keys", () => {
    const ops = operations();
    expect(ops).toHaveLength(routes.length);
    const ids = ops.map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { path, method, op } of ops) {
      expect(path).toMatch(/^\//);
      expect(METHODS).toContain(method);
      expect(typeof op.operationId).toBe("string");
      for (const key of Object.keys(op)) {
        expect(
          ["operationId", "summary", "tags", "security", "parameters", "requestBody", "responses"].includes(
            key,
          ) || key.startsWith("x-"),
        ).toBe(true);
      }
      const responses = op.responses as Record<string, Json>;
      expect(Object.keys(responses).length).toBeGreaterThan(0);
      for (const [status, response] of Object.entries(responses)) {
        expect(status).toMatch(/^[1-5](?:\d{2}|XX)$/);
        expect(typeof (response.$ref ?? response.description)).toBe("string");
      }
    }
  });

  it("declares every path template parameter as a required path parameter, and every parameter has a schema", () => {
    for (const { path, op } of operations()) {
      const params = op.parameters as { name: string; in: string; required?: boolean; schema?: unknown }[];
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(params.filter((p) => p.in === "path").map((p) => p.name)).toEqual(inPath);
      for (const p of params) {
        expect(["query", "header", "path", "cookie"]).toContain(p.in);
        expect(p.schema).toBeDefined();
        if (p.in === "path") expect(p.required).toBe(true);
      }
    }
  });

  it("resolves every $ref, and every protected operation answers 401, 403 and 500 as problem+json", () => {
    const all = refs(doc);
    expect(all.length).toBeGreaterThan(50);
    for (const { ref, at } of all) expect(resolve(ref), `${ref} at ${at}`).toBeDefined();
    for (const { op } of operations()) {
      const responses = op.responses as Record<string, Json>;
      expect(responses["500"]).toEqual({ $ref: "#/components/responses/Error500" });
      if (op["x-min-role"] !== "public") {
        expect(responses["401"]).toEqual({ $ref: "#/components/responses/Error401" });
        expect(responses["403"]).toEqual({ $ref: "#/components/responses/Error403" });
      } else {
        expect(op.security).toEqual([]);
      }
    }
    expect(doc.components.responses.Error404).toEqual({
      description: expect.any(String),
      content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
    });
  });

  it("holds component schemas that are valid JSON Schema 2020-12 and names that OpenAPI allows", () => {
    const ajv = new Ajv2020({ strict: false, formats: { "date-time": true, "uri-reference": true } });
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      expect(name).toMatch(/^[a-zA-Z0-9._-]+$/);
      expect(ajv.validateSchema(schema), `${name}: ${ajv.errorsText(ajv.errors)}`).toBe(true);
    }
    // The schemas compile together, their $refs resolved against the document.
    ajv.addSchema({ $id: "urn:modelgate:openapi", components: doc.components }, "doc");
    for (const name of Object.keys(doc.components.schemas)) {
      expect(() => ajv.getSchema(`urn:modelgate:openapi#/components/schemas/${name}`)).not.toThrow();
    }
  });
});
