/**
 * The role matrix: every operation in the served OpenAPI document (iterated, so a new route cannot
 * escape) × {no token, viewer, developer, approver, admin}. No token → 401 unless public; a role below
 * the operation's least role → 403; an allowed role → a 2xx answer (fixtures make every call valid).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VetReport } from "../src/policy/types.js";
import { vet } from "../src/policy/vet.js";
import type { Actor, Role } from "../src/registry/types.js";
import { type ApiServer, startApiServer } from "./helpers/api-server.js";
import { backends } from "./helpers/databases.js";
import { reportVariant } from "./helpers/registry-server.js";
import { tempFiles } from "./helpers/temp-files.js";
import { writePermissiveRepo } from "./writers/model-repos.js";

const files = tempFiles("server-roles");

type Least = Role | "public";

/** The permission table: who may call what. Kept apart from the route declarations on purpose. */
const EXPECTED: Record<string, Least> = {
  healthz: "public",
  readyz: "public",
  metrics: "public",
  openapi: "public",
  listModels: "viewer",
  getModel: "viewer",
  listVersions: "viewer",
  getVersion: "viewer",
  getVetReport: "viewer",
  listAliases: "viewer",
  aliasHistory: "viewer",
  modelHistory: "viewer",
  listRequests: "viewer",
  getRequest: "viewer",
  listAudit: "viewer",
  verifyAudit: "viewer",
  exportAudit: "viewer",
  getJob: "viewer",
  me: "viewer",
  inventory: "viewer",
  overview: "viewer",
  listRules: "viewer",
  getBom: "viewer",
  createModel: "developer",
  updateModel: "developer",
  pushVersion: "developer",
  setAlias: "developer",
  createRequest: "developer",
  approveRequest: "approver",
  rejectRequest: "approver",
  listTokens: "admin",
  createToken: "admin",
  revokeToken: "admin",
};

const CALLERS: (Role | null)[] = [null, "viewer", "developer", "approver", "admin"];
const RANK: Record<Role, number> = { viewer: 0, developer: 1, approver: 2, admin: 3 };

interface Operation {
  path: string;
  method: string;
  operationId: string;
}

describe.each(backends("server role matrix"))("role matrix on $name", (backend) => {
  let api: ApiServer;
  let report: VetReport;
  let admin: Actor;
  let developer: Actor;
  let operations: Operation[];
  let counter = 0;

  beforeAll(async () => {
    api = await startApiServer(backend);
    report = await vet(writePermissiveRepo(files.dir()).path, { hash: true });
    admin = (await api.registry.authenticate(api.tokens.admin)) as Actor;
    developer = (await api.registry.authenticate(api.tokens.developer)) as Actor;
    await api.registry.createModel({ actor: developer }, { name: "matrix" });
    await api.registry.registerVersion({ actor: developer }, "matrix", { vetReport: report });
    const doc = (await (await api.call("GET", "/api/v1/openapi.json", { token: null })).json()) as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ path, method, operationId: op.operationId })),
    );
  });
  afterAll(async () => {
    await api?.close();
  });

  /** Path ids, body and headers that make the call valid, fresh for each call where it changes state. */
  async function fixture(
    op: Operation,
  ): Promise<{ path: string; body?: unknown; headers?: Record<string, string> }> {
    const n = counter++;
    const ids: Record<string, string> = { name: "matrix", number: "1", alias: "staging" };
    let body: unknown;
    const headers: Record<string, string> = {};
    switch (op.operationId) {
      case "createModel":
        body = { name: `matrix-${n}` };
        break;
      case "updateModel":
        body = { description: `edit ${n}` };
        headers["if-match"] = `"${(await api.registry.getModel("matrix")).revision}"`;
        break;
      case "pushVersion":
        body = { vetReport: reportVariant(report, 1000 + n) };
        break;
      case "setAlias":
        body = { version: 1 };
        break;
      case "createRequest":
        body = { model: "matrix", version: 1, alias: "production" };
        break;
      case "approveRequest":
      case "rejectRequest":
        body = { rationale: "matrix" };
        break;
      case "createToken":
        body = { name: `matrix-${n}`, role: "viewer" };
        break;
    }
    if (op.path.includes("/requests/{id}")) {
      ids.id = (
        await api.registry.requestPromotion(
          { actor: developer },
          { model: "matrix", version: 1, alias: "production" },
        )
      ).id;
    } else if (op.path.includes("/jobs/{id}")) {
      ids.id = (
        await api.registry.enqueueJob({ actor: developer }, "vet-and-register", { model: "matrix" })
      ).id;
    } else if (op.path.includes("/tokens/{id}")) {
      ids.id = (
        await api.registry.createToken({ actor: admin }, { name: `victim-${n}`, role: "viewer" })
      ).record.id;
    }
    const path = op.path.replaceAll(/\{(\w+)\}/g, (_, name: string) =>
      encodeURIComponent(ids[name] as string),
    );
    return { path, body, headers };
  }

  it("covers every operation of the document in the permission table, and the document agrees with it", async () => {
    const ids = operations.map((o) => o.operationId).sort();
    expect(ids).toEqual(Object.keys(EXPECTED).sort());
    const doc = (await (await api.call("GET", "/api/v1/openapi.json", { token: null })).json()) as {
      paths: Record<string, Record<string, { operationId: string; "x-min-role": string }>>;
    };
    for (const op of operations) {
      expect(doc.paths[op.path]?.[op.method]?.["x-min-role"]).toBe(EXPECTED[op.operationId]);
    }
  });

  it("answers every operation × caller with the expected status class", async () => {
    const outcomes: string[] = [];
    const mismatches: string[] = [];
    for (const op of operations) {
      const least = EXPECTED[op.operationId] as Least;
      for (const caller of CALLERS) {
        const { path, body, headers } = await fixture(op);
        const res = await api.call(op.method.toUpperCase(), path, {
          token: caller === null ? null : api.tokens[caller],
          body,
          headers,
        });
        await res.arrayBuffer();
        const expected =
          least === "public" ? "2xx" : caller === null ? "401" : RANK[caller] < RANK[least] ? "403" : "2xx";
        const actual = res.status >= 200 && res.status < 300 ? "2xx" : String(res.status);
        outcomes.push(`${op.operationId} as ${caller ?? "nobody"}: ${actual}`);
        if (actual !== expected)
          mismatches.push(
            `${op.method.toUpperCase()} ${path} (${op.operationId}) as ${caller ?? "no token"}: expected ${expected}, got ${res.status}`,
          );
      }
    }
    expect(mismatches).toEqual([]);
    expect(outcomes).toHaveLength(Object.keys(EXPECTED).length * CALLERS.length);
  });
});
