/**
 * The registry service against both backends: every method, role checks, promotion rules, the audit
 * chain under tampering, the job queue, pagination, and the races the issue names.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RegistryError } from "../src/errors.js";
import type { Verdict, VetReport } from "../src/policy/types.js";
import type { Db } from "../src/registry/db.js";
import { type Mutation, Registry } from "../src/registry/registry.js";
import type { Role } from "../src/registry/types.js";
import { backends } from "./helpers/databases.js";
import { cleanFacts, reportOf } from "./helpers/vet-facts.js";

function actor(name: string, role: Role): Mutation {
  return { actor: { tokenId: `token-${name}`, name, role }, requestId: `req-${name}` };
}
const viewer = actor("val", "viewer");
const dev = actor("dana", "developer");
const approver = actor("avery", "approver");
const approver2 = actor("blake", "approver");
const admin = actor("ada", "admin");

/** A vet report of distinct content per `seed` (the weights' sha256 differs), with the given verdict. */
function report(seed: number, verdict: Verdict = "approved"): VetReport {
  const base = reportOf(cleanFacts());
  const files = base.scan.files.map((f) =>
    f.path === "model.safetensors" ? { ...f, sha256: seed.toString(16).padStart(64, "0") } : f,
  );
  return { ...base, verdict, scan: { ...base.scan, files } };
}

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as RegistryError).code ?? String(error);
  }
  return "resolved";
}

async function message(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  return "resolved";
}

for (const backend of backends("registry service")) {
  describe(`registry on ${backend.name}`, () => {
    let db: Db;
    let clock: { now: Date };
    let reg: Registry;

    beforeEach(async () => {
      db = (await backend.open()).db;
      clock = { now: new Date("2026-11-30T10:00:00.000Z") };
      reg = new Registry(db, { now: () => clock.now });
    });
    afterEach(async () => {
      await db.close();
    });

    /** A model with versions 1..n registered (verdict `approved`). */
    async function modelWith(n: number, name = "acme") {
      await reg.createModel(dev, { name, owner: "team-a", tags: ["llm"] });
      for (let i = 1; i <= n; i++) await reg.registerVersion(dev, name, { vetReport: report(i) });
    }

    async function promoteTo(version: number, alias = "production") {
      const request = await reg.requestPromotion(dev, { model: "acme", version, alias });
      return reg.approve(approver, request.id, "looks good");
    }

    describe("models", () => {
      it("creates, reads, lists with aliases, and refuses duplicates and bad names", async () => {
        const model = await reg.createModel(dev, {
          name: "acme",
          owner: "team-a",
          description: "A model",
          tags: ["llm", "llm", "chat"],
          source: "hf:acme/acme-7b",
        });
        expect(model).toMatchObject({ name: "acme", owner: "team-a", tags: ["llm", "chat"], revision: 1 });
        expect(await reg.getModel("acme")).toEqual(model);
        expect(await code(reg.createModel(dev, { name: "acme" }))).toBe("CONFLICT");
        expect(await code(reg.createModel(dev, { name: "../etc" }))).toBe("INVALID_INPUT");
        expect(await code(reg.getModel("missing"))).toBe("NOT_FOUND");
        await reg.registerVersion(dev, "acme", { vetReport: report(1) });
        await reg.setAlias(dev, "acme", "staging", 1);
        const page = await reg.listModels({});
        expect(page.items).toEqual([{ ...model, aliases: { staging: 1 } }]);
        expect(page.nextCursor).toBeNull();
      });

      it("filters the list by text, owner and tag", async () => {
        await reg.createModel(dev, { name: "alpha", owner: "x", description: "speech 100%", tags: ["asr"] });
        await reg.createModel(dev, { name: "beta", owner: "y", tags: ["llm"] });
        const names = async (q: Parameters<Registry["listModels"]>[0]) =>
          (await reg.listModels(q)).items.map((m) => m.name);
        expect(await names({ q: "SPEECH" })).toEqual(["alpha"]);
        expect(await names({ q: "100%" })).toEqual(["alpha"]);
        expect(await names({ q: "_" })).toEqual([]);
        expect(await names({ owner: "y" })).toEqual(["beta"]);
        expect(await names({ tag: "asr" })).toEqual(["alpha"]);
      });

      it("updates with optimistic concurrency and audits before and after", async () => {
        await reg.createModel(dev, { name: "acme", description: "old" });
        const updated = await reg.updateModel(dev, "acme", { description: "new", tags: ["a"] }, 1);
        expect(updated).toMatchObject({ description: "new", tags: ["a"], revision: 2 });
        expect(await code(reg.updateModel(dev, "acme", { description: "stale" }, 1))).toBe(
          "PRECONDITION_FAILED",
        );
        expect((await reg.getModel("acme")).description).toBe("new");
        expect(await code(reg.updateModel(dev, "nope", {}, 1))).toBe("NOT_FOUND");
        const [entry] = (await reg.listAudit({ action: "model.update" })).items;
        expect(entry).toMatchObject({
          actor: "dana",
          subject: "model:acme",
          requestId: "req-dana",
          before: { description: "old", revision: 1 },
          after: { description: "new", revision: 2 },
        });
      });
    });

    describe("versions", () => {
      it("registers with a manifest digest, facts from the report, and numbers 1, 2, ...", async () => {
        await reg.createModel(dev, { name: "acme" });
        const first = await reg.registerVersion(dev, "acme", {
          vetReport: report(1),
          sourceRevision: "abc123",
        });
        expect(first.created).toBe(true);
        expect(first.version).toMatchObject({
          model: "acme",
          number: 1,
          sourceRevision: "abc123",
          formats: ["config", "safetensors"],
          size: 1150,
          verdict: "approved",
          licenseKey: "apache-2.0",
          baseModels: [],
          createdBy: "dana",
        });
        expect(first.version.digest).toMatch(/^[0-9a-f]{64}$/);
        expect(first.version.manifest.map((f) => f.path)).toEqual([
          "README.md",
          "config.json",
          "model.safetensors",
        ]);
        expect(first.version.vetReport.target).toBe("models/acme-7b");
        const second = await reg.registerVersion(dev, "acme", { vetReport: report(2) });
        expect(second.version.number).toBe(2);
        expect(second.version.digest).not.toBe(first.version.digest);
        expect(await reg.getVersion("acme", 1)).toEqual(first.version);
        expect(await code(reg.getVersion("acme", 3))).toBe("NOT_FOUND");
      });

      it("returns the existing version for the same content, whatever the file order", async () => {
        await reg.createModel(dev, { name: "acme" });
        const first = await reg.registerVersion(dev, "acme", { vetReport: report(1) });
        const shuffled = report(1);
        shuffled.scan.files.reverse();
        const again = await reg.registerVersion(dev, "acme", { vetReport: shuffled });
        expect(again).toEqual({ version: first.version, created: false });
        expect((await reg.listAudit({ action: "version.register" })).items).toHaveLength(1);
      });

      it("two pushes of the same content at once make one version", async () => {
        await reg.createModel(dev, { name: "acme" });
        const results = await Promise.all([
          reg.registerVersion(dev, "acme", { vetReport: report(7) }),
          reg.registerVersion(dev, "acme", { vetReport: report(7) }),
          reg.registerVersion(dev, "acme", { vetReport: report(7) }),
        ]);
        expect(results.filter((r) => r.created)).toHaveLength(1);
        expect(new Set(results.map((r) => r.version.number))).toEqual(new Set([1]));
        const count = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM versions");
        expect(count.rows[0]?.n).toBe(1);
      });

      it("refuses a report without file hashes, saying to vet with hashing", async () => {
        await reg.createModel(dev, { name: "acme" });
        const unhashed = report(1);
        unhashed.scan.files = unhashed.scan.files.map((f) => ({ ...f, sha256: null }));
        expect(await message(reg.registerVersion(dev, "acme", { vetReport: unhashed }))).toMatch(
          /vet with hashing/,
        );
        expect(await code(reg.registerVersion(dev, "nope", { vetReport: report(1) }))).toBe("NOT_FOUND");
      });

      it("lists newest first", async () => {
        await modelWith(3);
        const page = await reg.listVersions("acme", {});
        expect(page.items.map((v) => v.number)).toEqual([3, 2, 1]);
        expect(page.items[0]).not.toHaveProperty("vetReport");
        expect(await code(reg.listVersions("nope", {}))).toBe("NOT_FOUND");
      });
    });

    describe("roles", () => {
      it("viewers cannot change anything; developers cannot decide or manage tokens", async () => {
        await modelWith(1);
        expect(await code(reg.createModel(viewer, { name: "v" }))).toBe("FORBIDDEN");
        expect(await code(reg.registerVersion(viewer, "acme", { vetReport: report(9) }))).toBe("FORBIDDEN");
        expect(await code(reg.setAlias(viewer, "acme", "staging", 1))).toBe("FORBIDDEN");
        expect(await code(reg.updateModel(viewer, "acme", {}, 1))).toBe("FORBIDDEN");
        expect(
          await code(reg.requestPromotion(viewer, { model: "acme", version: 1, alias: "production" })),
        ).toBe("FORBIDDEN");
        expect(await code(reg.enqueueJob(viewer, "vet", {}))).toBe("FORBIDDEN");
        const request = await reg.requestPromotion(dev, { model: "acme", version: 1, alias: "production" });
        expect(await code(reg.approve(actor("dev2", "developer"), request.id, "ok"))).toBe("FORBIDDEN");
        expect(await code(reg.reject(actor("dev2", "developer"), request.id, "no"))).toBe("FORBIDDEN");
        expect(await code(reg.createToken(dev, { name: "x", role: "viewer" }))).toBe("FORBIDDEN");
        expect(await code(reg.createToken(approver, { name: "x", role: "viewer" }))).toBe("FORBIDDEN");
        const { record } = await reg.createToken(admin, { name: "x", role: "viewer" });
        expect(await code(reg.revokeToken(approver, record.id))).toBe("FORBIDDEN");
        // Nothing a refused call tried is in the log.
        expect((await reg.verifyAudit()).entries).toBe(4);
      });

      it("approvers do what developers do, and admins everything", async () => {
        await reg.createModel(approver, { name: "a1" });
        await reg.registerVersion(approver, "a1", { vetReport: report(1) });
        const request = await reg.requestPromotion(approver, {
          model: "a1",
          version: 1,
          alias: "production",
        });
        expect((await reg.approve(admin, request.id, "ok")).status).toBe("approved");
      });
    });

    describe("aliases and promotion", () => {
      it("sets unprotected aliases directly, refuses protected ones, and keeps every move", async () => {
        await modelWith(2);
        await reg.setAlias(dev, "acme", "staging", 1);
        const state = await reg.setAlias(dev, "acme", "staging", 2);
        expect(state).toMatchObject({ model: "acme", alias: "staging", version: 2, requestId: null });
        expect(await message(reg.setAlias(admin, "acme", "production", 1))).toMatch(/protected/);
        expect(await code(reg.setAlias(dev, "acme", "staging", 9))).toBe("NOT_FOUND");
        expect(await code(reg.setAlias(dev, "acme", "Bad Alias", 1))).toBe("INVALID_INPUT");
        const history = await reg.aliasHistory("acme", "staging", {});
        expect(history.items.map((m) => [m.from, m.to, m.kind, m.by])).toEqual([
          [1, 2, "set", "dana"],
          [null, 1, "set", "dana"],
        ]);
        const custom = new Registry(db, { protectedAliases: ["staging"], now: () => clock.now });
        expect(await code(custom.setAlias(dev, "acme", "staging", 1))).toBe("FORBIDDEN");
        expect(await custom.setAlias(dev, "acme", "production", 1)).toMatchObject({ version: 1 });
      });

      it("promotes through an approved request: the alias moves with its history and audit", async () => {
        await modelWith(1);
        const request = await reg.requestPromotion(dev, {
          model: "acme",
          version: 1,
          alias: "production",
          note: "go",
        });
        expect(request).toMatchObject({
          status: "pending",
          kind: "promotion",
          verdict: "approved",
          note: "go",
          requestedBy: "dana",
          waiver: null,
        });
        expect(await reg.getAliases("acme")).toEqual([]);
        const approved = await reg.approve(approver, request.id, "reviewed");
        expect(approved).toMatchObject({ status: "approved", decidedBy: "avery", rationale: "reviewed" });
        expect(await reg.getRequest(request.id)).toEqual(approved);
        expect(await reg.getAliases("acme")).toEqual([
          expect.objectContaining({ alias: "production", version: 1, requestId: request.id }),
        ]);
        const [move] = (await reg.aliasHistory("acme", null, {})).items;
        expect(move).toMatchObject({
          from: null,
          to: 1,
          kind: "promotion",
          by: "avery",
          requestId: request.id,
        });
        const actions = (await reg.listAudit({})).items.map((e) => e.action);
        expect(actions.slice(0, 3)).toEqual(["alias.promote", "request.approve", "request.promotion"]);
        expect(await code(reg.approve(approver2, request.id, "again"))).toBe("CONFLICT");
      });

      it("refuses self-approval and says why", async () => {
        await modelWith(1);
        const request = await reg.requestPromotion(approver, {
          model: "acme",
          version: 1,
          alias: "production",
        });
        const refusal = reg.approve(actor("avery", "admin"), request.id, "mine");
        expect(await message(refusal)).toMatch(/avery made request .*another approver must decide/);
        expect((await reg.getRequest(request.id)).status).toBe("pending");
      });

      it("rejects only with a rationale and leaves the alias alone", async () => {
        await modelWith(1);
        const request = await reg.requestPromotion(dev, { model: "acme", version: 1, alias: "production" });
        expect(await code(reg.reject(approver, request.id, "  "))).toBe("INVALID_INPUT");
        const rejected = await reg.reject(approver, request.id, "missing eval results");
        expect(rejected).toMatchObject({ status: "rejected", rationale: "missing eval results" });
        expect(await reg.getAliases("acme")).toEqual([]);
        expect(await code(reg.approve(approver2, request.id, "ok"))).toBe("CONFLICT");
        expect(await code(reg.getRequest("nope"))).toBe("NOT_FOUND");
      });

      it("needs a waiver with a reason and a future expiry for a version not approved", async () => {
        await reg.createModel(dev, { name: "acme" });
        await reg.registerVersion(dev, "acme", { vetReport: report(1, "needs-review") });
        const base = { model: "acme", version: 1, alias: "production" };
        expect(await message(reg.requestPromotion(dev, base))).toMatch(/needs-review.*waiver/);
        const future = "2026-12-31T00:00:00Z";
        expect(
          await code(reg.requestPromotion(dev, { ...base, waiver: { reason: " ", expires: future } })),
        ).toBe("INVALID_INPUT");
        const past = { reason: "eval pending", expires: "2026-11-29T00:00:00Z" };
        expect(await message(reg.requestPromotion(dev, { ...base, waiver: past }))).toMatch(/expired/);
        expect(
          await code(reg.requestPromotion(dev, { ...base, waiver: { reason: "r", expires: "soon" } })),
        ).toBe("INVALID_INPUT");
        const request = await reg.requestPromotion(dev, {
          ...base,
          waiver: { reason: "eval pending", expires: "2026-12-01T00:00:00Z" },
        });
        expect(request).toMatchObject({
          verdict: "needs-review",
          waiver: { reason: "eval pending", expires: "2026-12-01T00:00:00.000Z" },
        });
        // The waiver ran out before the decision: the approval is refused.
        clock.now = new Date("2026-12-02T00:00:00Z");
        expect(await code(reg.approve(approver, request.id, "ok"))).toBe("PRECONDITION_FAILED");
        expect(await reg.getAliases("acme")).toEqual([]);
      });

      it("rolls back to an earlier version that was on the alias, through an approval", async () => {
        await modelWith(3);
        await promoteTo(1);
        await promoteTo(3);
        const earlier = { model: "acme", alias: "production" };
        expect(await message(reg.requestRollback(dev, { ...earlier, version: 2 }))).toMatch(
          /never on acme\/production/,
        );
        expect(await code(reg.requestRollback(dev, { ...earlier, version: 3 }))).toBe("INVALID_INPUT");
        expect(await code(reg.requestRollback(dev, { model: "acme", alias: "staging", version: 1 }))).toBe(
          "INVALID_INPUT",
        );
        const request = await reg.requestRollback(dev, { ...earlier, version: 1, note: "regression in 3" });
        expect(request).toMatchObject({ kind: "rollback", status: "pending" });
        await reg.approve(approver2, request.id, "confirmed regression");
        expect((await reg.getAliases("acme"))[0]?.version).toBe(1);
        const moves = (await reg.aliasHistory("acme", "production", {})).items;
        expect(moves.map((m) => [m.from, m.to, m.kind])).toEqual([
          [3, 1, "rollback"],
          [1, 3, "promotion"],
          [null, 1, "promotion"],
        ]);
        expect((await reg.listAudit({ action: "alias.rollback" })).items).toHaveLength(1);
      });

      it("two approvals of the same request at once apply once", async () => {
        await modelWith(1);
        const request = await reg.requestPromotion(dev, { model: "acme", version: 1, alias: "production" });
        const outcomes = await Promise.allSettled([
          reg.approve(approver, request.id, "first"),
          reg.approve(approver2, request.id, "second"),
          reg.approve(admin, request.id, "third"),
        ]);
        expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
        for (const o of outcomes) {
          if (o.status === "rejected") expect((o.reason as RegistryError).code).toBe("CONFLICT");
        }
        expect((await reg.aliasHistory("acme", "production", {})).items).toHaveLength(1);
        expect((await reg.listAudit({ action: "request.approve" })).items).toHaveLength(1);
        expect((await reg.verifyAudit()).ok).toBe(true);
      });

      it("lists requests newest first, filtered by status and model", async () => {
        await modelWith(2);
        const r1 = await reg.requestPromotion(dev, { model: "acme", version: 1, alias: "production" });
        clock.now = new Date(clock.now.getTime() + 1000);
        const r2 = await reg.requestPromotion(dev, { model: "acme", version: 2, alias: "production" });
        await reg.reject(approver, r1.id, "no");
        expect((await reg.listRequests({})).items.map((r) => r.id)).toEqual([r2.id, r1.id]);
        expect((await reg.listRequests({ status: "pending" })).items.map((r) => r.id)).toEqual([r2.id]);
        expect((await reg.listRequests({ model: "other" })).items).toEqual([]);
      });
    });

    describe("audit chain", () => {
      async function history() {
        await modelWith(2);
        await reg.setAlias(dev, "acme", "staging", 2);
        await promoteTo(1);
        await reg.updateModel(dev, "acme", { description: "d" }, 1);
      }

      it("verifies, exports as JSON Lines oldest first, and lists with filters", async () => {
        await history();
        const verification = await reg.verifyAudit();
        expect(verification).toEqual({ ok: true, entries: 8, firstBroken: null });
        const lines: string[] = [];
        for await (const line of reg.exportAudit()) lines.push(line);
        expect(lines).toHaveLength(8);
        expect(lines.every((l) => l.endsWith("\n"))).toBe(true);
        const entries = lines.map((l) => JSON.parse(l));
        expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
        expect(entries[1].prevHash).toBe(entries[0].hash);
        expect((await reg.listAudit({ subject: "alias:acme/staging" })).items).toHaveLength(1);
        expect((await reg.listAudit({ actor: "avery" })).items.map((e) => e.action)).toEqual([
          "alias.promote",
          "request.approve",
        ]);
      });

      it("names an entry whose content was edited", async () => {
        await history();
        await db.query(`UPDATE audit_log SET after = '{"forged": true}'::jsonb WHERE seq = 4`);
        const v = await reg.verifyAudit();
        expect(v.ok).toBe(false);
        expect(v.firstBroken).toEqual({ seq: 4, reason: expect.stringMatching(/edited/) });
      });

      it("names a deleted entry", async () => {
        await history();
        await db.query("DELETE FROM audit_log WHERE seq = 3");
        expect((await reg.verifyAudit()).firstBroken).toEqual({
          seq: 3,
          reason: expect.stringMatching(/missing/),
        });
      });

      it("names a deleted last entry", async () => {
        await history();
        await db.query("DELETE FROM audit_log WHERE seq = 8");
        expect((await reg.verifyAudit()).firstBroken?.seq).toBe(8);
      });

      it("names an entry whose link was changed", async () => {
        await history();
        await db.query(`UPDATE audit_log SET prev_hash = repeat('f', 64) WHERE seq = 5`);
        expect((await reg.verifyAudit()).firstBroken).toEqual({
          seq: 5,
          reason: expect.stringMatching(/prev_hash/),
        });
      });

      it("names reordered entries", async () => {
        await history();
        await db.query("UPDATE audit_log SET seq = -seq WHERE seq IN (2, 3)");
        await db.query("UPDATE audit_log SET seq = CASE seq WHEN -2 THEN 3 ELSE 2 END WHERE seq < 0");
        expect((await reg.verifyAudit()).firstBroken?.seq).toBe(2);
      });

      it("keeps one chain under concurrent writers", async () => {
        await reg.createModel(dev, { name: "acme" });
        await Promise.all([
          ...Array.from({ length: 12 }, (_, i) => reg.createModel(dev, { name: `m${i}` })),
          ...Array.from({ length: 4 }, (_, i) =>
            reg.registerVersion(dev, "acme", { vetReport: report(i + 1) }),
          ),
        ]);
        expect(await reg.verifyAudit()).toEqual({ ok: true, entries: 17, firstBroken: null });
      });
    });

    describe("tokens", () => {
      it("creates a token shown once and stored hashed, authenticates, and revokes", async () => {
        const { token, record } = await reg.createToken(admin, { name: "ci", role: "developer" });
        expect(token).toMatch(/^mg_[A-Za-z0-9_-]{43}$/);
        expect(record).toMatchObject({ name: "ci", role: "developer", createdBy: "ada", revokedAt: null });
        const stored = await db.query<{ token_hash: string }>("SELECT token_hash FROM tokens");
        expect(stored.rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
        expect(JSON.stringify(stored.rows)).not.toContain(token.slice(3));
        expect(JSON.stringify((await reg.listAudit({})).items)).not.toContain(token.slice(3));
        expect(await reg.authenticate(token)).toEqual({ tokenId: record.id, name: "ci", role: "developer" });
        expect(await reg.authenticate(`${token.slice(0, -1)}x`)).toBeNull();
        expect(await reg.authenticate("not a token")).toBeNull();
        const revoked = await reg.revokeToken(admin, record.id);
        expect(revoked.revokedAt).toBe(clock.now.toISOString());
        expect(await reg.authenticate(token)).toBeNull();
        expect(await code(reg.revokeToken(admin, "nope"))).toBe("NOT_FOUND");
      });

      it("refuses expired tokens and records last use at most once a minute", async () => {
        const { token, record } = await reg.createToken(null, {
          name: "short",
          role: "viewer",
          expiresAt: "2026-11-30T11:00:00Z",
        });
        expect(record.createdBy).toBeNull();
        expect(
          await code(reg.createToken(admin, { name: "x", role: "viewer", expiresAt: "2026-01-01" })),
        ).toBe("INVALID_INPUT");
        await reg.authenticate(token);
        const first = clock.now.toISOString();
        clock.now = new Date("2026-11-30T10:00:30Z");
        await reg.authenticate(token);
        const lastUsed = async () => (await reg.listTokens({})).items[0]?.lastUsedAt;
        expect(await lastUsed()).toBe(first);
        clock.now = new Date("2026-11-30T10:01:30Z");
        await reg.authenticate(token);
        expect(await lastUsed()).toBe("2026-11-30T10:01:30.000Z");
        clock.now = new Date("2026-11-30T11:00:00Z");
        expect(await reg.authenticate(token)).toBeNull();
      });

      it("bootstraps one admin token, once, even when two start at once", async () => {
        const results = await Promise.all([reg.bootstrapAdmin(), reg.bootstrapAdmin(), reg.bootstrapAdmin()]);
        const tokens = results.filter((t): t is string => t !== null);
        expect(tokens).toHaveLength(1);
        expect(await reg.authenticate(tokens[0] as string)).toMatchObject({ role: "admin" });
        expect(await reg.bootstrapAdmin()).toBeNull();
        expect((await reg.listAudit({ action: "token.bootstrap" })).items[0]?.actor).toBe("system");
      });
    });

    describe("jobs", () => {
      it("enqueues, claims, reports progress, completes", async () => {
        const job = await reg.enqueueJob(dev, "vet", { target: "hf:acme/x" });
        expect(job).toMatchObject({
          status: "queued",
          attempts: 0,
          maxAttempts: 5,
          payload: { target: "hf:acme/x" },
        });
        expect(await reg.claimJob("w1", ["other"], 30_000)).toBeNull();
        const claimed = await reg.claimJob("w1", ["vet"], 30_000);
        expect(claimed).toMatchObject({ id: job.id, status: "running", attempts: 1 });
        expect(await reg.claimJob("w2", ["vet"], 30_000)).toBeNull();
        await reg.reportJobProgress(job.id, { done: 3, total: 10, label: "hashing" });
        expect((await reg.getJob(job.id)).progress).toEqual({ done: 3, total: 10, label: "hashing" });
        const done = await reg.completeJob(job.id, { version: 1 });
        expect(done).toMatchObject({ status: "succeeded", result: { version: 1 }, error: null });
        expect(await code(reg.completeJob(job.id, {}))).toBe("CONFLICT");
        expect(await code(reg.getJob("nope"))).toBe("NOT_FOUND");
        expect((await reg.listAudit({ action: "job.enqueue" })).items).toHaveLength(1);
      });

      it("reclaims a job whose worker stopped once its lease runs out", async () => {
        const job = await reg.enqueueJob(dev, "vet", {});
        await reg.claimJob("crashed", [], 10_000);
        clock.now = new Date(clock.now.getTime() + 5_000);
        expect(await reg.claimJob("w2", [], 10_000)).toBeNull();
        // Progress renews the lease.
        await reg.reportJobProgress(job.id, { done: 1, total: 2, label: "x" });
        clock.now = new Date(clock.now.getTime() + 9_000);
        expect(await reg.claimJob("w2", [], 10_000)).toBeNull();
        clock.now = new Date(clock.now.getTime() + 2_000);
        expect(await reg.claimJob("w2", [], 10_000)).toMatchObject({
          id: job.id,
          attempts: 2,
          status: "running",
        });
      });

      it("backs off exponentially and fails after maxAttempts", async () => {
        const job = await reg.enqueueJob(dev, "vet", {}, { maxAttempts: 3 });
        const start = clock.now.getTime();
        await reg.claimJob("w", [], 60_000);
        let failed = await reg.failJob(job.id, "boom");
        expect(failed).toMatchObject({ status: "queued", error: "boom" });
        expect(new Date(failed.runAt).getTime() - start).toBe(2_000);
        expect(await reg.claimJob("w", [], 60_000)).toBeNull();
        clock.now = new Date(start + 2_000);
        await reg.claimJob("w", [], 60_000);
        failed = await reg.failJob(job.id, "boom again");
        expect(new Date(failed.runAt).getTime() - clock.now.getTime()).toBe(4_000);
        clock.now = new Date(clock.now.getTime() + 4_000);
        expect(await reg.claimJob("w", [], 60_000)).toMatchObject({ attempts: 3 });
        failed = await reg.failJob(job.id, "last");
        expect(failed).toMatchObject({ status: "failed", attempts: 3, error: "last" });
        clock.now = new Date(clock.now.getTime() + 3_600_000);
        expect(await reg.claimJob("w", [], 60_000)).toBeNull();
      });

      it("fails a job whose last attempt's worker stopped instead of running it again", async () => {
        const job = await reg.enqueueJob(dev, "vet", {}, { maxAttempts: 1 });
        await reg.claimJob("crashed", [], 1_000);
        clock.now = new Date(clock.now.getTime() + 2_000);
        expect(await reg.claimJob("w", [], 1_000)).toBeNull();
        expect((await reg.getJob(job.id)).status).toBe("failed");
      });

      it("two workers never claim the same job", async () => {
        for (let i = 0; i < 6; i++) await reg.enqueueJob(dev, "vet", { i });
        const claims = await Promise.all(
          Array.from({ length: 10 }, (_, i) => reg.claimJob(`w${i}`, ["vet"], 60_000)),
        );
        const ids = claims.filter((c) => c !== null).map((c) => c?.id);
        expect(ids).toHaveLength(6);
        expect(new Set(ids).size).toBe(6);
      });
    });

    describe("pagination", () => {
      it("walks 250 models in pages without loss or repeat", async () => {
        await db.query(
          `INSERT INTO models (name, created_at, updated_at)
           SELECT 'm' || lpad(i::text, 3, '0'), now(), now() FROM generate_series(1, 250) AS i`,
        );
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const page = await reg.listModels({ cursor, limit: 60 });
          seen.push(...page.items.map((m) => m.name));
          cursor = page.nextCursor;
          pages++;
        } while (cursor);
        expect(pages).toBe(5);
        expect(seen).toHaveLength(250);
        expect(seen).toEqual([...seen].sort());
        expect(new Set(seen).size).toBe(250);
        expect((await reg.listModels({ limit: 200 })).items).toHaveLength(200);
      });

      it("walks versions, alias moves, audit entries and tokens", async () => {
        await modelWith(5);
        for (const v of [1, 2, 3, 4, 5]) await reg.setAlias(dev, "acme", "staging", v);
        for (let i = 0; i < 5; i++) {
          clock.now = new Date(clock.now.getTime() + 1000);
          await reg.createToken(admin, { name: `t${i}`, role: "viewer" });
        }
        async function walk<T>(
          list: (cursor: string | null) => Promise<{ items: T[]; nextCursor: string | null }>,
        ) {
          const all: T[] = [];
          let cursor: string | null = null;
          do {
            const page = await list(cursor);
            all.push(...page.items);
            cursor = page.nextCursor;
          } while (cursor);
          return all;
        }
        const versions = await walk((cursor) => reg.listVersions("acme", { cursor, limit: 2 }));
        expect(versions.map((v) => v.number)).toEqual([5, 4, 3, 2, 1]);
        const moves = await walk((cursor) => reg.aliasHistory("acme", "staging", { cursor, limit: 2 }));
        expect(moves.map((m) => m.to)).toEqual([5, 4, 3, 2, 1]);
        const audit = await walk((cursor) => reg.listAudit({ cursor, limit: 3 }));
        expect(audit.map((e) => e.seq)).toEqual(Array.from({ length: 16 }, (_, i) => 16 - i));
        const tokens = await walk((cursor) => reg.listTokens({ cursor, limit: 2 }));
        expect(tokens.map((t) => t.name)).toEqual(["t0", "t1", "t2", "t3", "t4"]);
        const r1 = await reg.requestPromotion(dev, { model: "acme", version: 1, alias: "production" });
        const r2 = await reg.requestPromotion(dev, { model: "acme", version: 2, alias: "production" });
        const requests = await walk((cursor) => reg.listRequests({ cursor, limit: 1 }));
        expect(requests.map((r) => r.id).sort()).toEqual([r1.id, r2.id].sort());
      });

      it("refuses forged cursors, a cursor of another list, and limits out of range", async () => {
        await modelWith(3);
        const versionsCursor = (await reg.listVersions("acme", { limit: 1 })).nextCursor as string;
        expect(await code(reg.listModels({ cursor: versionsCursor }))).toBe("INVALID_INPUT");
        expect(await code(reg.listModels({ cursor: "not-base64!" }))).toBe("INVALID_INPUT");
        const forged = Buffer.from(JSON.stringify({ l: "versions", k: ["1; DROP TABLE versions"] })).toString(
          "base64url",
        );
        expect(await code(reg.listVersions("acme", { cursor: forged }))).toBe("INVALID_INPUT");
        const token = Buffer.from("null").toString("base64url");
        expect(await code(reg.listAudit({ cursor: token }))).toBe("INVALID_INPUT");
        expect(await code(reg.listRequests({ cursor: versionsCursor }))).toBe("INVALID_INPUT");
        expect(await code(reg.listModels({ limit: 0 }))).toBe("INVALID_INPUT");
        expect(await code(reg.listModels({ limit: 201 }))).toBe("INVALID_INPUT");
        expect(await code(reg.listModels({ limit: 1.5 }))).toBe("INVALID_INPUT");
      });
    });
  });
}
