/**
 * The registry's HTTP API against a real listening server, on PGlite and PostgreSQL: every endpoint's
 * happy path and its errors as problem+json, cursor pagination, ETag/If-Match, request ids in the audit
 * log; and `modelgate serve` as users run it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VetReport } from "../src/policy/types.js";
import { vet } from "../src/policy/vet.js";
import type { AuditEntry, Job, Model, ModelVersion, PromotionRequest } from "../src/registry/types.js";
import { type ApiServer, startApiServer } from "./helpers/api-server.js";
import { backends } from "./helpers/databases.js";
import { registryLocation, reportVariant, startServerProcess } from "./helpers/registry-server.js";
import { tempFiles } from "./helpers/temp-files.js";
import { writePermissiveRepo } from "./writers/model-repos.js";

const files = tempFiles("server");

async function expectProblem(res: Response, status: number, path?: string): Promise<Record<string, unknown>> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ status, type: expect.stringMatching(/^urn:modelgate:problem:/) });
  expect(typeof body.title).toBe("string");
  expect(typeof body.detail).toBe("string");
  expect(body.instance).toEqual(path ?? expect.any(String));
  return body;
}

describe.each(backends("server HTTP API"))("registry HTTP API on $name", (backend) => {
  let api: ApiServer;
  let report: VetReport;
  beforeAll(async () => {
    api = await startApiServer(backend);
    report = await vet(writePermissiveRepo(files.dir()).path, { hash: true });
  });
  afterAll(async () => {
    await api?.close();
  });

  it("answers /healthz, /readyz, /metrics and the OpenAPI document without a token", async () => {
    const health = await api.call("GET", "/healthz", { token: null });
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", version: "0.0.0-test" });
    expect((await api.call("GET", "/readyz", { token: null })).status).toBe(200);
    const doc = await api.call("GET", "/api/v1/openapi.json", { token: null });
    expect(doc.status).toBe(200);
    expect(((await doc.json()) as { openapi: string }).openapi).toBe("3.1.0");
    const metrics = await api.call("GET", "/metrics", { token: null });
    expect(metrics.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await metrics.text();
    expect(text).toMatch(/^modelgate_http_requests_total\{method="GET",route="\/healthz",status="200"\} 1$/m);
    expect(text).toMatch(
      /^modelgate_http_request_duration_seconds_bucket\{method="GET",route="\/readyz",status="200",le="\+Inf"\} 1$/m,
    );
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
  });

  it("refuses a missing or unknown token with 401 and an unknown route with 404, as problem+json", async () => {
    const none = await api.call("GET", "/api/v1/models", { token: null });
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    await expectProblem(none, 401, "/api/v1/models");
    await expectProblem(await api.call("GET", "/api/v1/models", { token: "mg_not-a-token" }), 401);
    await expectProblem(await api.call("GET", "/api/v1/nothing-here"), 404, "/api/v1/nothing-here");
  });

  it("creates, shows and updates a model with ETag and If-Match (428 without, 412 stale)", async () => {
    const created = await api.call("POST", "/api/v1/models", {
      token: api.tokens.developer,
      body: { name: "llama-etag", owner: "ml-platform", tags: ["llm"] },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe("/api/v1/models/llama-etag");
    const model = (await created.json()) as Model;
    expect(model).toMatchObject({ name: "llama-etag", owner: "ml-platform", tags: ["llm"] });

    const shown = await api.call("GET", "/api/v1/models/llama-etag", { token: api.tokens.viewer });
    expect(shown.status).toBe(200);
    const etag = shown.headers.get("etag");
    expect(etag).toBe(`"${model.revision}"`);
    const unchanged = await api.call("GET", "/api/v1/models/llama-etag", {
      headers: { "if-none-match": etag as string },
    });
    expect(unchanged.status).toBe(304);

    const patch = { description: "the 8B chat model" };
    await expectProblem(await api.call("PATCH", "/api/v1/models/llama-etag", { body: patch }), 428);
    await expectProblem(
      await api.call("PATCH", "/api/v1/models/llama-etag", { body: patch, headers: { "if-match": '"999"' } }),
      412,
    );
    await expectProblem(
      await api.call("PATCH", "/api/v1/models/llama-etag", {
        body: patch,
        headers: { "if-match": "garbage" },
      }),
      412,
    );
    const updated = await api.call("PATCH", "/api/v1/models/llama-etag", {
      token: api.tokens.developer,
      body: patch,
      headers: { "if-match": etag as string },
    });
    expect(updated.status).toBe(200);
    const after = (await updated.json()) as Model;
    expect(after.description).toBe("the 8B chat model");
    expect(after.revision).toBeGreaterThan(model.revision);
    expect(updated.headers.get("etag")).toBe(`"${after.revision}"`);
    // The ETag the first writer used is stale now.
    await expectProblem(
      await api.call("PATCH", "/api/v1/models/llama-etag", {
        body: patch,
        headers: { "if-match": etag as string },
      }),
      412,
    );
  });

  it("refuses bad bodies: unknown fields, invalid JSON, wrong media type, too large; duplicates are 409", async () => {
    const unknown = await expectProblem(
      await api.call("POST", "/api/v1/models", { body: { name: "m-unknown", colour: "blue" } }),
      400,
    );
    expect(unknown.errors).toEqual([{ pointer: "", message: 'unknown field "colour"' }]);
    await expectProblem(await api.call("POST", "/api/v1/models", { body: '{"name": ' }), 400);
    await expectProblem(
      await api.call("POST", "/api/v1/models", { body: "name=x", headers: { "content-type": "text/plain" } }),
      415,
    );
    const big = { name: "m-big", description: "x".repeat(70 * 1024) };
    await expectProblem(await api.call("POST", "/api/v1/models", { body: big }), 413);
    await expectProblem(await api.call("GET", "/api/v1/models?limit=1000"), 400);
    await expectProblem(await api.call("GET", "/api/v1/models?colour=blue"), 400);
    expect((await api.call("POST", "/api/v1/models", { body: { name: "m-dup" } })).status).toBe(201);
    const dup = await expectProblem(
      await api.call("POST", "/api/v1/models", { body: { name: "m-dup" } }),
      409,
    );
    expect(dup.code).toBe("CONFLICT");
    const bad = await expectProblem(
      await api.call("POST", "/api/v1/models", { body: { name: "no spaces" } }),
      422,
    );
    expect(bad.code).toBe("INVALID_INPUT");
    await expectProblem(await api.call("GET", "/api/v1/models/absent"), 404, "/api/v1/models/absent");
  });

  it("pages through 120 models by nextCursor and the Link header, each exactly once", async () => {
    const names = Array.from({ length: 120 }, (_, i) => `page-${String(i).padStart(3, "0")}`);
    for (const name of names) {
      expect((await api.call("POST", "/api/v1/models", { body: { name, tags: ["paged"] } })).status).toBe(
        201,
      );
    }
    const seen: string[] = [];
    let path: string | null = "/api/v1/models?tag=paged&limit=50";
    let pages = 0;
    while (path !== null) {
      const res = await api.call("GET", path, { token: api.tokens.viewer });
      expect(res.status).toBe(200);
      const page = (await res.json()) as { items: Model[]; nextCursor: string | null };
      seen.push(...page.items.map((m) => m.name));
      pages += 1;
      const link = res.headers.get("link");
      if (page.nextCursor === null) {
        expect(link).toBeNull();
        path = null;
      } else {
        const linked = /^<([^>]+)>; rel="next"$/.exec(link as string)?.[1] as string;
        expect(new URL(linked, api.url).searchParams.get("cursor")).toBe(page.nextCursor);
        expect(new URL(linked, api.url).searchParams.get("tag")).toBe("paged");
        path = linked;
      }
    }
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(names);
  });

  it("registers versions from a vet report (201, then 200 for the same content) and queues a source push (202)", async () => {
    await api.call("POST", "/api/v1/models", { body: { name: "mistral" } });
    const first = await api.call("POST", "/api/v1/models/mistral/versions", {
      token: api.tokens.developer,
      body: { vetReport: report },
    });
    expect(first.status).toBe(201);
    expect(first.headers.get("location")).toBe("/api/v1/models/mistral/versions/1");
    const v1 = (await first.json()) as ModelVersion;
    expect(v1).toMatchObject({ model: "mistral", number: 1, verdict: report.verdict });
    const again = await api.call("POST", "/api/v1/models/mistral/versions", { body: { vetReport: report } });
    expect(again.status).toBe(200);
    expect(((await again.json()) as ModelVersion).number).toBe(1);
    await api.call("POST", "/api/v1/models/mistral/versions", {
      body: { vetReport: reportVariant(report, 2) },
    });

    const list = (await (await api.call("GET", "/api/v1/models/mistral/versions")).json()) as {
      items: ModelVersion[];
    };
    expect(list.items.map((v) => v.number).sort()).toEqual([1, 2]);
    expect(list.items[0]).not.toHaveProperty("vetReport");
    const full = (await (await api.call("GET", "/api/v1/models/mistral/versions/1")).json()) as ModelVersion;
    expect(full.vetReport.verdict).toBe(report.verdict);
    const vetReport = await api.call("GET", "/api/v1/models/mistral/versions/1/vet-report");
    expect(((await vetReport.json()) as VetReport).target).toBe(report.target);
    await expectProblem(await api.call("GET", "/api/v1/models/mistral/versions/99"), 404);
    await expectProblem(await api.call("GET", "/api/v1/models/mistral/versions/zero"), 400);
    await expectProblem(
      await api.call("POST", "/api/v1/models/absent/versions", { body: { vetReport: report } }),
      404,
    );
    // A body is either a source or a report, never both.
    await expectProblem(
      await api.call("POST", "/api/v1/models/mistral/versions", {
        body: { source: "/x", vetReport: report },
      }),
      400,
    );

    const queued = await api.call("POST", "/api/v1/models/mistral/versions", {
      token: api.tokens.developer,
      body: { source: "hf:mistralai/Mistral-7B-v0.1@main" },
      headers: { "x-request-id": "push-42" },
    });
    expect(queued.status).toBe(202);
    const job = (await queued.json()) as Job;
    expect(queued.headers.get("location")).toBe(`/api/v1/jobs/${job.id}`);
    expect(job).toMatchObject({ kind: "vet-and-register", status: "queued" });
    expect(job.payload).toMatchObject({
      model: "mistral",
      source: "hf:mistralai/Mistral-7B-v0.1@main",
      requestId: "push-42",
    });
    const polled = await api.call("GET", `/api/v1/jobs/${job.id}`, { token: api.tokens.viewer });
    expect(((await polled.json()) as Job).id).toBe(job.id);
    await expectProblem(
      await api.call("POST", "/api/v1/models/absent/versions", { body: { source: "/srv/models/x" } }),
      404,
    );
    await expectProblem(await api.call("GET", "/api/v1/jobs/00000000-0000-0000-0000-000000000000"), 404);
  });

  it("moves unprotected aliases directly and protected ones only through an approved request", async () => {
    await api.call("POST", "/api/v1/models", { body: { name: "qwen" } });
    await api.call("POST", "/api/v1/models/qwen/versions", {
      body: { vetReport: reportVariant(report, 10) },
    });
    await api.call("POST", "/api/v1/models/qwen/versions", {
      body: { vetReport: reportVariant(report, 11) },
    });

    const staging = await api.call("PUT", "/api/v1/models/qwen/aliases/staging", {
      token: api.tokens.developer,
      body: { version: 1 },
    });
    expect(staging.status).toBe(200);
    expect(await staging.json()).toMatchObject({ alias: "staging", version: 1 });
    await expectProblem(
      await api.call("PUT", "/api/v1/models/qwen/aliases/production", {
        token: api.tokens.developer,
        body: { version: 1 },
      }),
      403,
    );

    // v1 was in production first, so a rollback to it is possible later.
    const firstRequest = await api.call("POST", "/api/v1/requests", {
      token: api.tokens.developer,
      body: { model: "qwen", version: 1, alias: "production" },
    });
    const first = (await firstRequest.json()) as PromotionRequest;
    const firstApproval = await api.call("POST", `/api/v1/requests/${first.id}/approve`, {
      token: api.tokens.approver,
      body: { rationale: "first release" },
    });
    expect(firstApproval.status).toBe(200);

    const created = await api.call("POST", "/api/v1/requests", {
      token: api.tokens.developer,
      body: { model: "qwen", version: 2, alias: "production", note: "ship it" },
    });
    expect(created.status).toBe(201);
    const request = (await created.json()) as PromotionRequest;
    expect(created.headers.get("location")).toBe(`/api/v1/requests/${request.id}`);
    expect(request).toMatchObject({ status: "pending", kind: "promotion", requestedBy: "developer-user" });

    await expectProblem(
      await api.call("POST", `/api/v1/requests/${request.id}/approve`, {
        token: api.tokens.developer,
        body: { rationale: "mine" },
      }),
      403,
    );
    await expectProblem(await api.call("POST", `/api/v1/requests/${request.id}/approve`, { body: {} }), 400);
    // An approver's own request needs someone else: the registry refuses, the API says 403.
    const own = (await (
      await api.call("POST", "/api/v1/requests", {
        token: api.tokens.approver,
        body: { model: "qwen", version: 2, alias: "canary" },
      })
    ).json()) as PromotionRequest;
    await expectProblem(
      await api.call("POST", `/api/v1/requests/${own.id}/approve`, {
        token: api.tokens.approver,
        body: { rationale: "self-approval" },
      }),
      403,
    );
    const approved = await api.call("POST", `/api/v1/requests/${request.id}/approve`, {
      token: api.tokens.approver,
      body: { rationale: "vetted and load-tested" },
    });
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ status: "approved", decidedBy: "approver-user" });
    await expectProblem(
      await api.call("POST", `/api/v1/requests/${request.id}/reject`, {
        token: api.tokens.approver,
        body: { rationale: "too late" },
      }),
      409,
    );

    const aliases = (await (await api.call("GET", "/api/v1/models/qwen/aliases")).json()) as {
      items: { alias: string; version: number }[];
    };
    expect(aliases.items.map((a) => [a.alias, a.version]).sort()).toEqual([
      ["production", 2],
      ["staging", 1],
    ]);

    // Rollback: a request like any other; this one is rejected.
    const rollback = await api.call("POST", "/api/v1/requests", {
      token: api.tokens.developer,
      body: { model: "qwen", version: 1, alias: "production", kind: "rollback" },
    });
    expect(rollback.status).toBe(201);
    const rb = (await rollback.json()) as PromotionRequest;
    expect(rb.kind).toBe("rollback");
    const rejected = await api.call("POST", `/api/v1/requests/${rb.id}/reject`, {
      token: api.tokens.approver,
      body: { rationale: "v2 is fine" },
    });
    expect(await rejected.json()).toMatchObject({ status: "rejected", rationale: "v2 is fine" });

    const history = (await (
      await api.call("GET", "/api/v1/models/qwen/aliases/production/history")
    ).json()) as {
      items: { to: number; kind: string; requestId: string | null }[];
    };
    expect(history.items).toEqual([
      expect.objectContaining({ from: 1, to: 2, kind: "promotion", requestId: request.id }),
      expect.objectContaining({ from: null, to: 1, kind: "promotion", requestId: first.id }),
    ]);
    const all = (await (await api.call("GET", "/api/v1/models/qwen/history")).json()) as { items: unknown[] };
    expect(all.items).toHaveLength(3);

    const shown = await api.call("GET", `/api/v1/requests/${rb.id}`, { token: api.tokens.viewer });
    expect(((await shown.json()) as PromotionRequest).status).toBe("rejected");
    const pending = (await (await api.call("GET", "/api/v1/requests?status=rejected&model=qwen")).json()) as {
      items: PromotionRequest[];
    };
    expect(pending.items.map((r) => r.id)).toEqual([rb.id]);
    await expectProblem(await api.call("GET", "/api/v1/requests?status=maybe"), 400);
    await expectProblem(await api.call("GET", "/api/v1/requests/no-such-request"), 404);
    await expectProblem(
      await api.call("POST", "/api/v1/requests", {
        body: { model: "qwen", version: 99, alias: "production" },
      }),
      404,
    );
  });

  it("records the X-Request-Id in the audit entry, echoes it, and replaces an insane one", async () => {
    const res = await api.call("POST", "/api/v1/models", {
      token: api.tokens.developer,
      body: { name: "audited" },
      headers: { "x-request-id": "req-audit-0001" },
    });
    expect(res.headers.get("x-request-id")).toBe("req-audit-0001");
    const page = (await (
      await api.call("GET", "/api/v1/audit?subject=model:audited", { token: api.tokens.viewer })
    ).json()) as { items: AuditEntry[] };
    expect(page.items).toEqual([
      expect.objectContaining({
        requestId: "req-audit-0001",
        actor: "developer-user",
        subject: "model:audited",
      }),
    ]);
    const insane = await api.call("GET", "/healthz", {
      token: null,
      headers: { "x-request-id": "a b <script>;" },
    });
    expect(insane.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const generated = await api.call("GET", "/healthz", { token: null });
    expect(generated.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("verifies and exports the audit log as streamed JSON Lines", async () => {
    const verify = (await (await api.call("GET", "/api/v1/audit/verify")).json()) as {
      ok: boolean;
      entries: number;
    };
    expect(verify.ok).toBe(true);
    const exported = await api.call("GET", "/api/v1/audit/export", { token: api.tokens.viewer });
    expect(exported.headers.get("content-type")).toBe("application/x-ndjson");
    const lines = (await exported.text()).split("\n");
    expect(lines.pop()).toBe("");
    const entries = lines.map((l) => JSON.parse(l) as AuditEntry);
    expect(entries).toHaveLength(verify.entries);
    expect(entries.map((e) => e.seq)).toEqual([...entries.map((e) => e.seq)].sort((a, b) => a - b));
    const filtered = (await (await api.call("GET", "/api/v1/audit?action=model.create&limit=2")).json()) as {
      items: AuditEntry[];
      nextCursor: string | null;
    };
    expect(filtered.items).toHaveLength(2);
    expect(filtered.items.every((e) => e.action === "model.create")).toBe(true);
    expect(filtered.nextCursor).not.toBeNull();
  });

  it("creates a token shown once, lists tokens without secrets, and revokes one (then it is refused)", async () => {
    const created = await api.call("POST", "/api/v1/tokens", { body: { name: "ci-bot", role: "developer" } });
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const { token, record } = (await created.json()) as {
      token: string;
      record: { id: string; role: string };
    };
    expect(record.role).toBe("developer");
    expect((await api.call("GET", "/api/v1/models", { token })).status).toBe(200);

    const listed = await (await api.call("GET", "/api/v1/tokens")).text();
    expect(listed).toContain(record.id);
    expect(listed).not.toContain(token);
    await expectProblem(await api.call("POST", "/api/v1/tokens", { body: { name: "x", role: "root" } }), 400);
    await expectProblem(
      await api.call("POST", "/api/v1/tokens", {
        body: { name: "x", role: "viewer", expiresAt: "tomorrow" },
      }),
      400,
    );

    const revoked = await api.call("DELETE", `/api/v1/tokens/${record.id}`);
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { revokedAt: string | null }).revokedAt).not.toBeNull();
    await expectProblem(await api.call("GET", "/api/v1/models", { token }), 401);
    await expectProblem(await api.call("DELETE", "/api/v1/tokens/00000000-0000-0000-0000-000000000000"), 404);
  });
});

describe("modelgate serve (the built binary)", () => {
  it("prints the admin token on first start only, answers /healthz, and stops on SIGTERM", async () => {
    const location = await registryLocation("pglite");
    const first = await startServerProcess(location);
    let token: string;
    try {
      expect(first.output()).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
      expect(first.output()).toMatch(/shown once/);
      token = /^(mg_\S+)$/m.exec(first.output())?.[1] as string;
      expect(token).toBeDefined();
      const health = await fetch(`${first.url}/healthz`);
      expect(health.status).toBe(200);
      const models = await fetch(`${first.url}/api/v1/models`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(models.status).toBe(200);
    } finally {
      await first.stop();
    }
    expect(first.child.exitCode).toBe(0);
    expect(first.output()).toMatch(/SIGTERM: shutting down/);

    const second = await startServerProcess(location);
    try {
      expect(second.output()).not.toMatch(/shown once/);
      expect(second.output()).not.toContain(token);
      // The first start's token still works after the restart.
      const models = await fetch(`${second.url}/api/v1/models`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(models.status).toBe(200);
    } finally {
      await second.stop();
    }
    expect(second.child.exitCode).toBe(0);
  });
});
