/**
 * The dashboard's server side on PGlite and PostgreSQL, over the seeded registry of
 * test/helpers/dashboard-server.ts: /me, the inventory (filters, sorts, cursor pages, total), the
 * overview, BOM and vet-report downloads, audit filters with a time range; the inventory at 10,000
 * models (timing printed); and the dashboard's static files (content types, caching, SPA fallback,
 * security headers, API 404s staying problem+json).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InventoryItem, InventoryPage, Overview } from "../src/registry/dashboard.js";
import type { AuditEntry, Page } from "../src/registry/types.js";
import { RULES } from "../src/scan/rules.js";
import { type DashboardServer, startDashboardServer } from "./helpers/dashboard-server.js";
import { backends } from "./helpers/databases.js";
import { tempFiles } from "./helpers/temp-files.js";

const files = tempFiles("dashboard-api");
const DAY_MS = 24 * 60 * 60 * 1000;

async function get(server: DashboardServer, path: string, token = server.tokens.viewer): Promise<Response> {
  return fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
}

async function getJson<T>(server: DashboardServer, path: string, token?: string): Promise<T> {
  const res = await get(server, path, token);
  expect(res.status, `${path}: ${res.status}`).toBe(200);
  return (await res.json()) as T;
}

/** Every page of an inventory query, following nextCursor. */
async function allPages(server: DashboardServer, query: string, limit: number): Promise<InventoryItem[]> {
  const items: InventoryItem[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const sep = query ? "&" : "";
    const path: string = `/api/v1/inventory?${query}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const page: InventoryPage = await getJson<InventoryPage>(server, path);
    items.push(...page.items);
    cursor = page.nextCursor;
    if (cursor === null) return items;
  }
  throw new Error("the pages never end");
}

const SEEDED = [
  "blend-7b-merge",
  "helpful-assistant-8b",
  "mistral-7b-instruct",
  "sentiment-classifier",
  "summarizer-lora",
  "tiny-coder-1b",
  "untitled-3b",
];

describe.each(backends("dashboard API"))("dashboard API on $name", (backend) => {
  let server: DashboardServer;
  beforeAll(async () => {
    server = await startDashboardServer({ db: (await backend.open()).db });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("says who a token is with /me, for every seeded user, and 401 without one", async () => {
    for (const [user, role] of [
      ["viewer", "viewer"],
      ["developer", "developer"],
      ["approver", "approver"],
      ["approver2", "approver"],
      ["admin", "admin"],
    ] as const) {
      const me = await getJson<Record<string, unknown>>(server, "/api/v1/me", server.tokens[user]);
      expect(me).toEqual({ tokenId: expect.any(String), name: user, role });
    }
    const res = await fetch(`${server.url}/api/v1/me`);
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
  });

  it("lists every model with its current version: production where set, else the latest", async () => {
    const page = await getJson<InventoryPage>(server, "/api/v1/inventory");
    expect(page.total).toBe(SEEDED.length);
    expect(page.items.map((i) => i.name)).toEqual(SEEDED);
    const byName = Object.fromEntries(page.items.map((i) => [i.name, i]));
    expect(byName["mistral-7b-instruct"]).toMatchObject({
      owner: "team-nlp",
      tags: ["llm", "chat"],
      aliases: { production: 1, staging: 2, candidate: 3 },
      version: {
        number: 1,
        production: true,
        verdict: "approved",
        license: { key: "apache-2.0", name: "Apache License 2.0" },
        commercialUse: "allowed",
        formats: expect.arrayContaining(["safetensors"]),
      },
    });
    expect(byName["sentiment-classifier"]?.version).toMatchObject({
      number: 2,
      production: false,
      verdict: "rejected",
      maxSeverity: "critical",
      formats: ["pytorch-zip"],
    });
    expect(byName["summarizer-lora"]?.version).toMatchObject({
      verdict: "needs-review",
      license: { key: "cc-by-nc-4.0" },
      commercialUse: "prohibited",
    });
    expect(byName["helpful-assistant-8b"]?.version).toMatchObject({
      license: { key: "llama3.1" },
      commercialUse: "conditional",
    });
    expect(byName["untitled-3b"]?.version).toMatchObject({
      license: { key: "unknown" },
      commercialUse: "unknown",
    });
    // The last change counts alias moves and pushes, not only the model row.
    const model = await server.registry.getModel("mistral-7b-instruct");
    expect(Date.parse(byName["mistral-7b-instruct"]?.updatedAt ?? "")).toBeGreaterThan(
      Date.parse(model.updatedAt),
    );
  });

  it("filters by verdict, commercial class, alias, format, owner and text, with the filter's total", async () => {
    const names = async (query: string) => {
      const page = await getJson<InventoryPage>(server, `/api/v1/inventory?${query}`);
      expect(page.total).toBe(page.items.length);
      return page.items.map((i) => i.name);
    };
    expect(await names("verdict=rejected")).toEqual(["sentiment-classifier"]);
    expect(await names("verdict=approved")).toEqual(["mistral-7b-instruct"]);
    expect(await names("licenseClass=prohibited")).toEqual(["summarizer-lora"]);
    expect(await names("licenseClass=conditional")).toEqual(["helpful-assistant-8b"]);
    expect(await names("alias=production")).toEqual(["mistral-7b-instruct", "summarizer-lora"]);
    expect(await names("alias=candidate")).toEqual([
      "blend-7b-merge",
      "helpful-assistant-8b",
      "mistral-7b-instruct",
      "tiny-coder-1b",
    ]);
    expect(await names("format=pytorch-zip")).toEqual(["sentiment-classifier"]);
    expect(await names("owner=team-nlp")).toEqual(["mistral-7b-instruct", "untitled-3b"]);
    expect(await names("q=CODER")).toEqual(["tiny-coder-1b"]);
    expect(await names("q=pickle%20payload")).toEqual(["sentiment-classifier"]);
    expect(await names("q=100%25")).toEqual([]);
    expect(await names("verdict=needs-review&owner=team-nlp")).toEqual(["untitled-3b"]);
  });

  it("filters by the current version's worst finding, matching the overview's counts, `none` included", async () => {
    const all = await getJson<InventoryPage>(server, "/api/v1/inventory");
    const overview = await getJson<Overview>(server, "/api/v1/overview");
    const expected = (severity: string) =>
      all.items.filter((i) => i.version && (i.version.maxSeverity ?? "none") === severity).map((i) => i.name);
    expect(expected("critical")).toEqual(["sentiment-classifier"]);
    for (const [severity, n] of Object.entries(overview.bySeverity)) {
      const page = await getJson<InventoryPage>(server, `/api/v1/inventory?severity=${severity}`);
      expect(page.total, severity).toBe(n);
      expect(page.items.map((i) => i.name)).toEqual(expected(severity));
    }
    // Combined with another filter, and across pages (the count query answers past the last row).
    expect(
      (await getJson<InventoryPage>(server, "/api/v1/inventory?severity=critical&verdict=approved")).total,
    ).toBe(0);
    const paged = await allPages(server, `severity=none`, 1);
    expect(paged.map((i) => i.name)).toEqual(expected("none"));
    expect((await get(server, "/api/v1/inventory?severity=fatal")).status).toBe(400);
  });

  it("publishes the scanner's rule catalogue with what to do, for every role", async () => {
    const { items } = await getJson<{ items: Record<string, unknown>[] }>(server, "/api/v1/rules");
    expect(items.length).toBe(RULES.size);
    const pickle = items.find((r) => r.id === "PICKLE_DANGEROUS_GLOBAL");
    expect(pickle).toEqual({
      id: "PICKLE_DANGEROUS_GLOBAL",
      name: "DangerousPickleGlobal",
      defaultSeverity: "critical",
      shortDescription: RULES.get("PICKLE_DANGEROUS_GLOBAL")?.shortDescription,
      help: expect.stringContaining("Do not load this file"),
      source: expect.stringContaining("picklescan"),
    });
    const withoutSource = items.find((r) => r.id === "PICKLE_UNSAFE_GLOBAL");
    expect(withoutSource?.source).toBeNull();
    expect((await fetch(`${server.url}/api/v1/rules`)).status).toBe(401);
  });

  it("sorts by name, last change, verdict and severity both ways, and pages through the same order", async () => {
    for (const sort of ["name", "updated", "verdict", "severity"]) {
      for (const order of ["asc", "desc"]) {
        const whole = await getJson<InventoryPage>(server, `/api/v1/inventory?sort=${sort}&order=${order}`);
        const paged = await allPages(server, `sort=${sort}&order=${order}`, 2);
        expect(
          paged.map((i) => i.name),
          `${sort} ${order}`,
        ).toEqual(whole.items.map((i) => i.name));
        expect(new Set(paged.map((i) => i.name)).size).toBe(SEEDED.length);
      }
    }
    const severity = await getJson<InventoryPage>(server, "/api/v1/inventory?sort=severity&order=desc");
    expect(severity.items[0]?.name).toBe("sentiment-classifier");
    const verdict = await getJson<InventoryPage>(server, "/api/v1/inventory?sort=verdict&order=asc");
    expect(verdict.items[0]?.version?.verdict).toBe("approved");
    expect(verdict.items.at(-1)?.version?.verdict).toBe("rejected");
    const updated = await getJson<InventoryPage>(server, "/api/v1/inventory?sort=updated&order=desc");
    const times = updated.items.map((i) => Date.parse(i.updatedAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(await getJson<InventoryPage>(server, "/api/v1/inventory?order=desc")).toMatchObject({
      items: [...SEEDED].reverse().map((name) => ({ name })),
    });
  });

  it("gives a Link header to the next page, and refuses a cursor of another sort or a bad parameter", async () => {
    const res = await get(server, "/api/v1/inventory?sort=severity&limit=3");
    const page = (await res.json()) as InventoryPage;
    expect(page.items).toHaveLength(3);
    expect(page.total).toBe(SEEDED.length);
    expect(res.headers.get("link")).toContain('rel="next"');
    expect(res.headers.get("link")).toContain("sort=severity");
    const wrongSort = await get(
      server,
      `/api/v1/inventory?sort=name&cursor=${encodeURIComponent(page.nextCursor as string)}`,
    );
    expect(wrongSort.status).toBe(422);
    expect(wrongSort.headers.get("content-type")).toBe("application/problem+json");
    for (const bad of ["sort=size", "order=up", "verdict=fine", "licenseClass=free", "limit=0"]) {
      const r = await get(server, `/api/v1/inventory?${bad}`);
      expect(r.status, bad).toBe(400);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
    }
  });

  it("counts the overview from the same current versions, with waivers expiring within 14 days", async () => {
    const overview = await getJson<Overview>(server, "/api/v1/overview");
    expect(overview.totals).toEqual({ models: 7, versions: 11, pendingRequests: 2 });
    expect(overview.byVerdict).toEqual({ approved: 1, "needs-review": 5, rejected: 1 });
    expect(overview.bySeverity.critical).toBe(1);
    expect(Object.values(overview.bySeverity).reduce((a, b) => a + b, 0)).toBe(7);
    expect(overview.byLicenseClass).toEqual({ allowed: 4, conditional: 1, prohibited: 1, unknown: 1 });
    expect(overview.byAlias).toEqual({ production: 2, staging: 3, candidate: 4 });
    for (const [verdict, n] of Object.entries(overview.byVerdict)) {
      expect((await getJson<InventoryPage>(server, `/api/v1/inventory?verdict=${verdict}`)).total).toBe(n);
    }
    // Pending within 7 days, then an approved promotion still in place; the rejected request's is not.
    expect(overview.expiringWaivers.map((w) => [w.model, w.status, w.alias])).toEqual([
      ["helpful-assistant-8b", "pending", "production"],
      ["summarizer-lora", "approved", "production"],
    ]);
    const soonest = overview.expiringWaivers[0];
    expect(Date.parse(soonest?.expires ?? "") - Date.now()).toBeLessThan(7 * DAY_MS);
    expect(soonest).toMatchObject({ version: 1, expired: false, reason: expect.stringContaining("legal") });
  });

  it("downloads a version's ML-BOM and vet report with file names; 404 as problem+json", async () => {
    const res = await get(server, "/api/v1/models/sentiment-classifier/versions/2/bom");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/vnd\.cyclonedx\+json/);
    expect(res.headers.get("content-disposition")).toBe(
      'attachment; filename="sentiment-classifier-v2.cdx.json"',
    );
    const bom = (await res.json()) as {
      bomFormat: string;
      specVersion: string;
      serialNumber: string;
      metadata: { component: { name: string } };
      vulnerabilities?: { id?: string; ratings?: { severity?: string }[] }[];
    };
    expect(bom).toMatchObject({ bomFormat: "CycloneDX", specVersion: "1.6" });
    expect(bom.serialNumber).toMatch(
      /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(bom.metadata.component.name).toBe("sentiment-classifier");
    expect(JSON.stringify(bom.vulnerabilities)).toContain("PICKLE_DANGEROUS_GLOBAL");
    const again = (await (
      await get(server, "/api/v1/models/sentiment-classifier/versions/2/bom")
    ).json()) as {
      serialNumber: string;
    };
    expect(again.serialNumber).toBe(bom.serialNumber);

    const report = await get(server, "/api/v1/models/sentiment-classifier/versions/2/vet-report");
    expect(report.headers.get("content-disposition")).toBe(
      'attachment; filename="sentiment-classifier-v2.vet.json"',
    );
    const vetReport = (await report.json()) as {
      verdict: string;
      scan: { findings: { evidence: unknown }[] };
    };
    expect(vetReport.verdict).toBe("rejected");
    // The reconstructed call of the payload is in the evidence.
    expect(JSON.stringify(vetReport.scan.findings)).toContain("posix.system(");

    const missing = await get(server, "/api/v1/models/sentiment-classifier/versions/9/bom");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toBe("application/problem+json");
  });

  it("filters the audit log by actor, action, subject and a time range; the chain verifies", async () => {
    const page = async (query: string) =>
      getJson<Page<AuditEntry>>(server, `/api/v1/audit?limit=200&${query}`);
    const approvals = await page("action=request.approve");
    expect(approvals.items.map((e) => e.actor).sort()).toEqual(["approver", "approver2"]);
    expect((await page("actor=approver2")).items.map((e) => e.action).sort()).toEqual([
      "alias.promote",
      "request.approve",
      "request.reject",
    ]);
    expect((await page("subject=alias:mistral-7b-instruct/staging")).items).toHaveLength(1);
    const all = (await page("")).items;
    expect(all.length).toBeGreaterThan(20);
    const middle = all[Math.floor(all.length / 2)] as AuditEntry;
    const from = (await page(`from=${encodeURIComponent(middle.at)}`)).items;
    expect(from.length).toBeGreaterThan(0);
    expect(from.every((e) => e.at >= middle.at)).toBe(true);
    const to = (await page(`to=${encodeURIComponent(middle.at)}`)).items;
    expect(to.every((e) => e.at < middle.at)).toBe(true);
    expect(from.length + to.length).toBe(all.length);
    const future = new Date(Date.now() + DAY_MS).toISOString();
    expect((await page(`from=${encodeURIComponent(future)}`)).items).toEqual([]);
    const bad = await get(server, "/api/v1/audit?from=yesterday");
    expect(bad.status).toBe(400);
    expect(await getJson(server, "/api/v1/audit/verify")).toMatchObject({ ok: true, firstBroken: null });
  });
});

describe.each(backends("dashboard inventory at scale"))("inventory of 10,000 models on $name", (backend) => {
  let server: DashboardServer;
  beforeAll(async () => {
    server = await startDashboardServer({ db: (await backend.open()).db, models: 10_000 });
  }, 300_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("answers every filter and sort over 10,000 models (timings printed), and the audit chain verifies", async () => {
    const queries = [
      "",
      "sort=updated&order=desc",
      "sort=severity&order=desc",
      "sort=verdict",
      "verdict=rejected",
      "licenseClass=prohibited&owner=team-research",
      "alias=staging&sort=updated",
      "q=bulk-0999",
      "format=pytorch-zip&sort=name&order=desc",
    ];
    const timings: string[] = [];
    for (const query of queries) {
      const started = performance.now();
      const page = await getJson<InventoryPage>(server, `/api/v1/inventory?${query}&limit=50`);
      timings.push(`${(performance.now() - started).toFixed(0).padStart(5)} ms  ${query || "(no filter)"}`);
      expect(page.items.length).toBeGreaterThan(0);
      if (query === "") expect(page.total).toBe(10_007);
    }
    const second = await getJson<InventoryPage>(server, "/api/v1/inventory?limit=50");
    const next = await getJson<InventoryPage>(
      server,
      `/api/v1/inventory?limit=50&cursor=${encodeURIComponent(second.nextCursor as string)}`,
    );
    expect((next.items[0]?.name ?? "") > (second.items.at(-1)?.name ?? "")).toBe(true);
    const started = performance.now();
    const overview = await getJson<Overview>(server, "/api/v1/overview");
    timings.push(`${(performance.now() - started).toFixed(0).padStart(5)} ms  overview`);
    expect(overview.totals.models).toBe(10_007);
    expect(Object.values(overview.byVerdict).reduce((a, b) => a + b, 0)).toBe(10_007);
    console.log(`inventory at 10,007 models on ${backend.name}:\n${timings.join("\n")}`);
    expect(await getJson(server, "/api/v1/audit/verify")).toMatchObject({ ok: true });
  }, 120_000);
});

describe("the dashboard's static files", () => {
  let built: DashboardServer;
  let unbuilt: DashboardServer;
  beforeAll(async () => {
    const root = files.dir();
    mkdirSync(join(root, "assets"));
    writeFileSync(
      join(root, "index.html"),
      '<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>',
    );
    writeFileSync(join(root, "assets", "index-abc123.js"), "console.log('dashboard');\n");
    writeFileSync(join(root, "assets", "index-abc123.css"), "body { margin: 0 }\n");
    writeFileSync(join(root, "favicon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
    built = await startDashboardServer({ webRoot: root });
    unbuilt = await startDashboardServer({ webRoot: null });
  }, 120_000);
  afterAll(async () => {
    await built?.stop();
    await unbuilt?.stop();
  });

  const fetchPath = (server: DashboardServer, path: string) => fetch(`${server.url}${path}`);

  it("serves index.html at / with a strict CSP, no-cache and the other security headers", async () => {
    const res = await fetchPath(built, "/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(await res.text()).toContain('<div id="root">');
  });

  it("serves hashed assets as immutable with their content types, other files with revalidation", async () => {
    const js = await fetchPath(built, "/assets/index-abc123.js");
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(await js.text()).toContain("dashboard");
    const css = await fetchPath(built, "/assets/index-abc123.css");
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    const svg = await fetchPath(built, "/favicon.svg");
    expect(svg.headers.get("content-type")).toBe("image/svg+xml");
    expect(svg.headers.get("cache-control")).toBe("no-cache");
    // A stale asset name must not come back as HTML (the browser would run it as a script).
    const missing = await fetchPath(built, "/assets/index-old999.js");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toBe("text/plain; charset=utf-8");
  });

  it("answers index.html for dashboard routes that are not files, never a file outside the folder", async () => {
    for (const path of [
      "/models/mistral-7b-instruct",
      "/requests?status=pending",
      "/audit/",
      "/..%2f..%2fetc%2fpasswd",
    ]) {
      const res = await fetchPath(built, path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
      expect(await res.text()).toContain('<div id="root">');
    }
  });

  it("keeps the API's problem+json 404s and does not serve the dashboard for other methods", async () => {
    for (const path of ["/api/v1/nope", "/api/v1", "/healthz/extra"]) {
      const res = await fetchPath(built, path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
    const post = await fetch(`${built.url}/models/x`, { method: "POST" });
    expect(post.status).toBe(404);
    expect(post.headers.get("content-type")).toBe("application/problem+json");
  });

  it("says the dashboard is not built, and how to build it, when there is no dist/web", async () => {
    const res = await fetchPath(unbuilt, "/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const text = await res.text();
    expect(text).toContain("not built");
    expect(text).toContain("npm run build");
    expect((await fetchPath(unbuilt, "/models/x")).status).toBe(404);
    expect((await fetchPath(unbuilt, "/api/v1/healthz")).headers.get("content-type")).toBe(
      "application/problem+json",
    );
  });
});
