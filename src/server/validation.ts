/**
 * Compiles the schemas in schemas.ts into validators: bodies strictly as sent; queries and path
 * parameters coerced from strings first (`?limit=20` is the integer 20).
 */
import { Ajv2020, type ErrorObject, type Format, type ValidateFunction } from "ajv/dist/2020.js";
import { HttpProblem } from "./problem.js";
import {
  type JsonSchema,
  PATH_PARAMS,
  QUERIES,
  type QueryName,
  REQUEST_BODIES,
  type RequestBodyName,
} from "./schemas.js";

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const FORMATS: Record<string, Format> = {
  "date-time": (value: string) => RFC3339.test(value) && !Number.isNaN(Date.parse(value)),
  "uri-reference": true,
};

export interface Validators {
  body(name: RequestBodyName, value: unknown): unknown;
  query(name: QueryName | null, search: URLSearchParams): Record<string, unknown>;
  params(path: string, raw: Record<string, string>): Record<string, string | number>;
}

export function querySchema(name: QueryName): JsonSchema {
  return { type: "object", additionalProperties: false, properties: QUERIES[name] };
}

export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
}

export function createValidators(): Validators {
  const strict = new Ajv2020({ allErrors: true, strict: true, formats: FORMATS, useDefaults: false });
  const coercing = new Ajv2020({ allErrors: true, strict: true, formats: FORMATS, coerceTypes: true });
  const bodies = new Map<string, ValidateFunction>();
  for (const [name, schema] of Object.entries(REQUEST_BODIES)) bodies.set(name, strict.compile(schema));
  const queries = new Map<string, ValidateFunction>();
  for (const name of Object.keys(QUERIES) as QueryName[])
    queries.set(name, coercing.compile(querySchema(name)));
  const noQuery = coercing.compile({ type: "object", additionalProperties: false });
  const paramValidators = new Map<string, ValidateFunction>();

  return {
    body(name, value) {
      const validate = bodies.get(name) as ValidateFunction;
      if (!validate(value)) throw invalid("The request body does not match its schema.", validate.errors);
      return value;
    },
    query(name, search) {
      const value: Record<string, unknown> = {};
      for (const [key, v] of search) if (!(key in value)) value[key] = v;
      const validate = name === null ? noQuery : (queries.get(name) as ValidateFunction);
      if (!validate(value)) throw invalid("The query string does not match its schema.", validate.errors);
      return value;
    },
    params(path, raw) {
      let validate = paramValidators.get(path);
      if (!validate) {
        const names = pathParamNames(path);
        validate = coercing.compile({
          type: "object",
          required: names,
          properties: Object.fromEntries(names.map((n) => [n, PATH_PARAMS[n] as JsonSchema])),
        });
        paramValidators.set(path, validate);
      }
      const value: Record<string, string | number> = { ...raw };
      if (!validate(value)) throw invalid("A path parameter is not valid.", validate.errors);
      return value;
    },
  };
}

function invalid(detail: string, errors: ErrorObject[] | null | undefined): HttpProblem {
  return new HttpProblem(400, detail, {
    code: "INVALID_INPUT",
    errors: (errors ?? []).slice(0, 20).map((e) => ({ pointer: e.instancePath, message: describe(e) })),
  });
}

function describe(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === "additionalProperties") return `unknown field "${String(params.additionalProperty)}"`;
  return e.message ?? e.keyword;
}
