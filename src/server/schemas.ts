/**
 * The JSON Schemas (2020-12) of every request body, query and response. The request validator compiles
 * them and the OpenAPI document (openapi.ts) publishes them, so the two cannot drift apart. Response
 * schemas point at each other with `#/components/schemas/<Name>` refs, which only the document resolves;
 * request schemas are self-contained because ajv compiles them alone.
 */
export type JsonSchema = Record<string, unknown>;

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: "null" }] });
const str = { type: "string" } as const;
const dateTime = { type: "string", format: "date-time" } as const;

export const ROLE = { type: "string", enum: ["viewer", "developer", "approver", "admin"] } as const;
export const VERDICT = { type: "string", enum: ["approved", "rejected", "needs-review"] } as const;
const MODEL_NAME = { type: "string", minLength: 1, maxLength: 200 } as const;
const COMMERCIAL_CLASS = {
  type: "string",
  enum: ["allowed", "conditional", "prohibited", "unknown"],
} as const;
const SEVERITY = { type: "string", enum: ["critical", "high", "medium", "low", "info"] } as const;
const counts = (keys: readonly string[]): JsonSchema => ({
  type: "object",
  required: [...keys],
  properties: Object.fromEntries(keys.map((k) => [k, { type: "integer" }])),
});
const ALIAS_NAME = { type: "string", minLength: 1, maxLength: 100 } as const;
const TAGS = {
  type: "array",
  maxItems: 100,
  items: { type: "string", minLength: 1, maxLength: 100 },
} as const;
const SHORT_TEXT = { type: "string", maxLength: 10_000 } as const;

/** The vet report as `modelgate vet --format json` writes it; the registry reads the parts it needs. */
const VET_REPORT: JsonSchema = {
  type: "object",
  description: "A VetReport as written by `modelgate vet --format json` (schemaVersion 1).",
  required: ["schemaVersion", "tool", "target", "verdict", "reasons", "scan", "license", "card"],
  properties: {
    schemaVersion: { const: 1 },
    tool: { type: "object" },
    target: str,
    verdict: VERDICT,
    reasons: { type: "array" },
    scan: { type: "object" },
    license: { type: "object" },
    card: { type: "object" },
  },
};

const WAIVER: JsonSchema = {
  type: "object",
  additionalProperties: false,
  required: ["reason", "expires"],
  properties: { reason: { type: "string", minLength: 1, maxLength: 10_000 }, expires: dateTime },
};

/** Request bodies, by component name. */
export const REQUEST_BODIES = {
  CreateModel: {
    type: "object",
    additionalProperties: false,
    required: ["name"],
    properties: {
      name: MODEL_NAME,
      owner: { type: "string", maxLength: 200 },
      description: SHORT_TEXT,
      tags: TAGS,
      source: { type: "string", maxLength: 2000 },
    },
  },
  UpdateModel: {
    type: "object",
    additionalProperties: false,
    minProperties: 1,
    properties: {
      owner: nullable({ type: "string", maxLength: 200 }),
      description: nullable(SHORT_TEXT),
      tags: TAGS,
      source: nullable({ type: "string", maxLength: 2000 }),
    },
  },
  PushVersion: {
    description:
      "Either `source` (a path on the server or `hf:org/name@rev`: a `vet-and-register` job is queued) " +
      "or `vetReport` (an already vetted report, registered at once).",
    oneOf: [
      {
        type: "object",
        additionalProperties: false,
        required: ["source"],
        properties: { source: { type: "string", minLength: 1, maxLength: 2000 } },
      },
      {
        type: "object",
        additionalProperties: false,
        required: ["vetReport"],
        properties: { vetReport: VET_REPORT, sourceRevision: nullable({ type: "string", maxLength: 200 }) },
      },
    ],
  },
  SetAlias: {
    type: "object",
    additionalProperties: false,
    required: ["version"],
    properties: { version: { type: "integer", minimum: 1 } },
  },
  CreateRequest: {
    type: "object",
    additionalProperties: false,
    required: ["model", "version", "alias"],
    properties: {
      model: MODEL_NAME,
      version: { type: "integer", minimum: 1 },
      alias: ALIAS_NAME,
      kind: { type: "string", enum: ["promotion", "rollback"], default: "promotion" },
      note: SHORT_TEXT,
      waiver: WAIVER,
    },
  },
  Decision: {
    type: "object",
    additionalProperties: false,
    required: ["rationale"],
    properties: { rationale: { type: "string", minLength: 1, maxLength: 10_000 } },
  },
  CreateToken: {
    type: "object",
    additionalProperties: false,
    required: ["name", "role"],
    properties: {
      name: { type: "string", minLength: 1, maxLength: 200 },
      role: ROLE,
      expiresAt: nullable(dateTime),
    },
  },
} satisfies Record<string, JsonSchema>;

export type RequestBodyName = keyof typeof REQUEST_BODIES;

const PAGE_PARAMS = {
  cursor: { type: "string", maxLength: 1000, description: "`nextCursor` of the previous page." },
  limit: { type: "integer", minimum: 1, maximum: 200, default: 50 },
} as const;

/** Query strings, by route; values are coerced from strings before validation. */
export const QUERIES = {
  Page: { ...PAGE_PARAMS },
  ModelList: {
    ...PAGE_PARAMS,
    q: { type: "string", maxLength: 200, description: "Text in the name or description." },
    owner: { type: "string", maxLength: 200 },
    tag: { type: "string", maxLength: 100 },
  },
  RequestList: {
    ...PAGE_PARAMS,
    status: { type: "string", enum: ["pending", "approved", "rejected"] },
    model: MODEL_NAME,
  },
  AuditList: {
    ...PAGE_PARAMS,
    actor: { type: "string", maxLength: 200 },
    action: { type: "string", maxLength: 200 },
    subject: { type: "string", maxLength: 500 },
    from: { ...dateTime, description: "Entries at or after this instant." },
    to: { ...dateTime, description: "Entries before this instant." },
  },
  Inventory: {
    ...PAGE_PARAMS,
    q: { type: "string", maxLength: 200, description: "Text in the name or description." },
    verdict: VERDICT,
    licenseClass: { ...COMMERCIAL_CLASS, description: "The current version's commercial-use class." },
    alias: { ...ALIAS_NAME, description: "Models that have this alias." },
    format: { type: "string", maxLength: 50, description: "A file format of the current version." },
    owner: { type: "string", maxLength: 200 },
    severity: {
      type: "string",
      enum: [...SEVERITY.enum, "none"],
      description: "The current version's worst finding; `none` for a version without findings.",
    },
    sort: { type: "string", enum: ["name", "updated", "verdict", "severity"], default: "name" },
    order: { type: "string", enum: ["asc", "desc"], default: "asc" },
  },
} satisfies Record<string, Record<string, JsonSchema>>;

export type QueryName = keyof typeof QUERIES;

/** Path parameters by name. */
export const PATH_PARAMS: Record<string, JsonSchema> = {
  name: MODEL_NAME,
  number: { type: "integer", minimum: 1 },
  alias: ALIAS_NAME,
  id: { type: "string", minLength: 1, maxLength: 200 },
};

const MODEL: JsonSchema = {
  type: "object",
  required: ["name", "owner", "description", "tags", "source", "createdAt", "updatedAt", "revision"],
  properties: {
    name: str,
    owner: nullable(str),
    description: nullable(str),
    tags: { type: "array", items: str },
    source: nullable(str),
    createdAt: dateTime,
    updatedAt: dateTime,
    revision: { type: "integer", description: "Incremented on every update; the ETag." },
  },
};

const VERSION_SUMMARY_PROPERTIES = {
  model: str,
  number: { type: "integer" },
  digest: str,
  sourceRevision: nullable(str),
  formats: { type: "array", items: str },
  size: { type: "integer" },
  verdict: VERDICT,
  licenseKey: str,
  baseModels: { type: "array", items: str },
  createdAt: dateTime,
  createdBy: str,
};

const page = (item: string): JsonSchema => ({
  type: "object",
  required: ["items", "nextCursor"],
  properties: { items: { type: "array", items: ref(item) }, nextCursor: nullable(str) },
});

/** Response bodies, by component name. */
export const RESPONSES: Record<string, JsonSchema> = {
  Problem: {
    type: "object",
    description: "RFC 9457 problem details.",
    required: ["type", "title", "status", "detail", "instance"],
    properties: {
      type: { type: "string", format: "uri-reference" },
      title: str,
      status: { type: "integer" },
      detail: str,
      instance: str,
      code: { type: "string", description: "The registry's error code (NOT_FOUND, CONFLICT, ...)." },
      errors: {
        type: "array",
        items: {
          type: "object",
          required: ["pointer", "message"],
          properties: { pointer: str, message: str },
        },
      },
    },
  },
  Model: MODEL,
  ModelListItem: {
    allOf: [
      ref("Model"),
      {
        type: "object",
        required: ["aliases"],
        properties: { aliases: { type: "object", additionalProperties: { type: "integer" } } },
      },
    ],
  },
  ModelPage: page("ModelListItem"),
  VersionSummary: {
    type: "object",
    required: Object.keys(VERSION_SUMMARY_PROPERTIES),
    properties: VERSION_SUMMARY_PROPERTIES,
  },
  VersionPage: page("VersionSummary"),
  ModelVersion: {
    type: "object",
    required: [...Object.keys(VERSION_SUMMARY_PROPERTIES), "manifest", "vetReport"],
    properties: {
      ...VERSION_SUMMARY_PROPERTIES,
      manifest: {
        type: "array",
        items: {
          type: "object",
          required: ["path", "size", "sha256"],
          properties: { path: str, size: { type: "integer" }, sha256: nullable(str) },
        },
      },
      vetReport: ref("VetReport"),
    },
  },
  VetReport: VET_REPORT,
  AliasState: {
    type: "object",
    required: ["model", "alias", "version", "updatedAt", "requestId"],
    properties: {
      model: str,
      alias: str,
      version: { type: "integer" },
      updatedAt: dateTime,
      requestId: nullable(str),
    },
  },
  AliasList: {
    type: "object",
    required: ["items"],
    properties: { items: { type: "array", items: ref("AliasState") } },
  },
  AliasMove: {
    type: "object",
    required: ["model", "alias", "from", "to", "at", "by", "requestId", "kind"],
    properties: {
      model: str,
      alias: str,
      from: nullable({ type: "integer" }),
      to: { type: "integer" },
      at: dateTime,
      by: str,
      requestId: nullable(str),
      kind: { type: "string", enum: ["set", "promotion", "rollback"] },
    },
  },
  AliasMovePage: page("AliasMove"),
  PromotionRequest: {
    type: "object",
    required: [
      "id",
      "model",
      "version",
      "alias",
      "kind",
      "status",
      "requestedBy",
      "requestedAt",
      "verdict",
      "note",
      "waiver",
      "decidedBy",
      "decidedAt",
      "rationale",
    ],
    properties: {
      id: str,
      model: str,
      version: { type: "integer" },
      alias: str,
      kind: { type: "string", enum: ["promotion", "rollback"] },
      status: { type: "string", enum: ["pending", "approved", "rejected"] },
      requestedBy: str,
      requestedAt: dateTime,
      verdict: VERDICT,
      note: nullable(str),
      waiver: nullable({
        type: "object",
        required: ["reason", "expires"],
        properties: { reason: str, expires: dateTime },
      }),
      decidedBy: nullable(str),
      decidedAt: nullable(dateTime),
      rationale: nullable(str),
    },
  },
  PromotionRequestPage: page("PromotionRequest"),
  AuditEntry: {
    type: "object",
    required: ["seq", "at", "actor", "action", "subject", "before", "after", "requestId", "prevHash", "hash"],
    properties: {
      seq: { type: "integer" },
      at: dateTime,
      actor: str,
      action: str,
      subject: str,
      before: {},
      after: {},
      requestId: nullable(str),
      prevHash: str,
      hash: str,
    },
  },
  AuditPage: page("AuditEntry"),
  AuditVerification: {
    type: "object",
    required: ["ok", "entries", "firstBroken"],
    properties: {
      ok: { type: "boolean" },
      entries: { type: "integer" },
      firstBroken: nullable({
        type: "object",
        required: ["seq", "reason"],
        properties: { seq: { type: "integer" }, reason: str },
      }),
    },
  },
  ApiToken: {
    type: "object",
    required: ["id", "name", "role", "createdAt", "createdBy", "expiresAt", "revokedAt", "lastUsedAt"],
    properties: {
      id: str,
      name: str,
      role: ROLE,
      createdAt: dateTime,
      createdBy: nullable(str),
      expiresAt: nullable(dateTime),
      revokedAt: nullable(dateTime),
      lastUsedAt: nullable(dateTime),
    },
  },
  ApiTokenPage: page("ApiToken"),
  CreatedToken: {
    type: "object",
    required: ["token", "record"],
    properties: {
      token: { type: "string", description: "The secret; shown in this response only." },
      record: ref("ApiToken"),
    },
  },
  Job: {
    type: "object",
    required: [
      "id",
      "kind",
      "payload",
      "status",
      "attempts",
      "maxAttempts",
      "runAt",
      "progress",
      "result",
      "error",
    ],
    properties: {
      id: str,
      kind: str,
      payload: {},
      status: { type: "string", enum: ["queued", "running", "succeeded", "failed"] },
      attempts: { type: "integer" },
      maxAttempts: { type: "integer" },
      runAt: dateTime,
      progress: nullable({
        type: "object",
        required: ["done", "total", "label"],
        properties: { done: { type: "number" }, total: { type: "number" }, label: str },
      }),
      result: {},
      error: nullable(str),
      createdAt: dateTime,
      updatedAt: dateTime,
    },
  },
  InventoryItem: {
    type: "object",
    required: ["name", "owner", "tags", "updatedAt", "version", "aliases"],
    properties: {
      name: str,
      owner: nullable(str),
      tags: { type: "array", items: str },
      updatedAt: {
        ...dateTime,
        description: "The last change: the model, a version pushed, an alias moved.",
      },
      version: nullable({
        type: "object",
        description: "The version production points at, else the latest.",
        required: ["number", "production", "verdict", "maxSeverity", "license", "commercialUse", "formats"],
        properties: {
          number: { type: "integer" },
          production: { type: "boolean" },
          verdict: VERDICT,
          maxSeverity: nullable(SEVERITY),
          license: { type: "object", required: ["key", "name"], properties: { key: str, name: str } },
          commercialUse: COMMERCIAL_CLASS,
          formats: { type: "array", items: str },
        },
      }),
      aliases: { type: "object", additionalProperties: { type: "integer" } },
    },
  },
  Rule: {
    type: "object",
    required: ["id", "name", "defaultSeverity", "shortDescription", "help", "source"],
    properties: {
      id: str,
      name: str,
      defaultSeverity: SEVERITY,
      shortDescription: str,
      help: { ...str, description: "What to do about a finding of this rule." },
      source: nullable({
        ...str,
        description: "The advisory or CVE the rule comes from, when there is one.",
      }),
    },
  },
  RuleList: {
    type: "object",
    required: ["items"],
    properties: { items: { type: "array", items: ref("Rule") } },
  },
  InventoryPage: {
    type: "object",
    required: ["items", "nextCursor", "total"],
    properties: {
      items: { type: "array", items: ref("InventoryItem") },
      nextCursor: nullable(str),
      total: { type: "integer", description: "Models matching the filters, all pages together." },
    },
  },
  Overview: {
    type: "object",
    required: ["totals", "byVerdict", "bySeverity", "byLicenseClass", "byAlias", "expiringWaivers"],
    properties: {
      totals: counts(["models", "versions", "pendingRequests"]),
      byVerdict: counts(VERDICT.enum),
      bySeverity: counts([...SEVERITY.enum, "none"]),
      byLicenseClass: counts(COMMERCIAL_CLASS.enum),
      byAlias: { type: "object", additionalProperties: { type: "integer" } },
      expiringWaivers: {
        type: "array",
        items: {
          type: "object",
          required: ["requestId", "model", "version", "alias", "status", "reason", "expires", "expired"],
          properties: {
            requestId: str,
            model: str,
            version: { type: "integer" },
            alias: str,
            status: { type: "string", enum: ["pending", "approved"] },
            reason: str,
            expires: dateTime,
            expired: { type: "boolean" },
          },
        },
      },
    },
  },
  Me: {
    type: "object",
    required: ["tokenId", "name", "role"],
    properties: { tokenId: str, name: str, role: ROLE },
  },
  Health: {
    type: "object",
    required: ["status"],
    properties: { status: str, version: str },
  },
};
