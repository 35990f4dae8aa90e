import { appendFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runRegistryCommand } from "../src/cli/registry-command.js";
import { openDb } from "../src/registry/db.js";
import { VET_AND_REGISTER } from "../src/registry/job-runner.js";
import { Registry } from "../src/registry/registry.js";
import type { AliasState, Model, ModelVersion, PromotionRequest } from "../src/registry/types.js";
import { backends } from "./helpers/databases.js";
import { createTokenEmbedded, registryLocation, startServerProcess } from "./helpers/registry-server.js";
import { runCli } from "./helpers/run-cli.js";
import { tempFiles } from "./helpers/temp-files.js";
import { writePermissiveRepo } from "./writers/model-repos.js";

const files = tempFiles("registry-cli");
const SLOW = 180_000;

/** `modelgate registry ...` as main() hands it over (the wiring itself is tested through runCli below). */
async function registry(args: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on("data", (c: Buffer) => out.push(c.toString()));
  stderr.on("data", (c: Buffer) => err.push(c.toString()));
  const code = await runRegistryCommand(args, { stdout, stderr, env });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

async function registryJson<T>(args: string[], env: NodeJS.ProcessEnv = {}): Promise<T> {
  const r = await registry([...args, "--format", "json"], env);
  if (r.code !== 0) throw new Error(`registry ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

function openLocation(location: string[]) {
  return openDb(location[0] === "--db" ? { url: location[1]! } : { dataDir: location[1]! });
}

describe("registry CLI usage", () => {
  // --server with a token: nothing is opened before the arguments are judged.
  const remote = ["--server", "http://127.0.0.1:9", "--format", "json"];
  const env = { MODELGATE_TOKEN: "t" };

  it("explains a missing option and exits 2", async () => {
    const r = await registry(["push", "somewhere", ...remote], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--model is required");
    expect(r.stderr).toContain("modelgate registry push --help");
  });

  it("rejects an unknown subcommand, an unknown option and two locations", async () => {
    expect((await registry(["frobnicate"])).code).toBe(2);
    const unknown = await registry(["list", "--colour", ...remote], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--colour");
    const both = await registry(["list", "--data", "x", "--server", "http://127.0.0.1:9"], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("one of --server, --data, --db");
  });

  it("gets its options from the CLI untouched, --version and --help included", async () => {
    const r = await runCli(
      ["registry", "promote", "m", "--version", "one", "--to", "production", ...remote],
      env,
    );
    expect(r.stdout).not.toMatch(/^\d+\.\d+\.\d+/);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("positive whole number");
    const help = await runCli(["registry", "push", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--model <name>");
  });

  it("prints help per subcommand", async () => {
    const r = await registry(["promote", "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("--waiver-expires");
    expect(r.stdout).toContain("MODELGATE_TOKEN");
    const top = await registry(["--help"]);
    expect(top.stdout).toContain("rollback");
  });

  it("asks for a token with --server", async () => {
    const r = await registry(["list", "--server", "http://127.0.0.1:9"], {});
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("MODELGATE_TOKEN");
  });

  it("says the server cannot be reached, and what to check", async () => {
    const r = await registry(["list", ...remote], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("cannot reach the registry");
    expect(r.stderr).toContain("--server");
  });

  it("refuses a waiver without its expiry and a version that is not a number", async () => {
    const noExpiry = await registry(
      ["promote", "m", "--version", "1", "--to", "production", "--waiver-reason", "x", ...remote],
      env,
    );
    expect(noExpiry.code).toBe(2);
    expect(noExpiry.stderr).toContain("--waiver-expires");
    const nan = await registry(["promote", "m", "--version", "one", "--to", "production", ...remote], env);
    expect(nan.code).toBe(2);
    expect(nan.stderr).toContain("positive whole number");
  });
});

describe.each(backends("registry CLI"))("registry CLI on $name", (backend) => {
  it(
    "embedded: push vets and registers, the same content is the same version, list/show/promote, verify",
    async () => {
      const location = await registryLocation(backend.name);
      const repo = writePermissiveRepo(files.dir());

      const first = await registryJson<{ version: ModelVersion; created: boolean }>([
        "push",
        repo.path,
        "--model",
        "mistral",
        ...location,
      ]);
      expect(first.created).toBe(true);
      expect(first.version.number).toBe(1);
      expect(first.version.verdict).toBe("approved");
      expect(first.version.createdBy).toMatch(/^local:/);
      const again = await registryJson<{ version: ModelVersion; created: boolean }>([
        "push",
        repo.path,
        "--model",
        "mistral",
        ...location,
      ]);
      expect(again).toMatchObject({ created: false, version: { number: 1, digest: first.version.digest } });

      appendFileSync(join(repo.path, "README.md"), "\nRetrained.\n");
      const second = await registryJson<{ version: ModelVersion; created: boolean }>([
        "push",
        repo.path,
        "--model",
        "mistral",
        ...location,
      ]);
      expect(second.version.number).toBe(2);
      expect(second.version.digest).not.toBe(first.version.digest);

      const list = await registryJson<{ items: Model[] }>(["list", ...location]);
      expect(list.items.map((m) => m.name)).toEqual(["mistral"]);
      const shown = await registryJson<{ versions: ModelVersion[]; aliases: AliasState[] }>([
        "show",
        "mistral",
        ...location,
      ]);
      expect(shown.versions.map((v) => v.number).sort()).toEqual([1, 2]);
      const v1 = await registryJson<ModelVersion>(["show", "mistral@1", ...location]);
      expect(v1.digest).toBe(first.version.digest);
      expect(v1.manifest.length).toBeGreaterThan(0);
      const text = await registry(["show", "mistral@1", ...location]);
      expect(text.stdout).toContain("verdict: approved");

      const request = await registryJson<PromotionRequest>([
        "promote",
        "mistral",
        "--version",
        "1",
        "--to",
        "production",
        "--note",
        "first release",
        ...location,
      ]);
      expect(request).toMatchObject({ status: "pending", version: 1, alias: "production" });
      // The local admin requested it: the same person cannot approve it.
      const own = await registry(["approve", request.id, "--rationale", "mine", ...location]);
      expect(own.code).toBe(1);
      expect(own.stderr).toMatch(/approver|admin|own|request/i);
      const pending = await registryJson<{ items: PromotionRequest[] }>([
        "requests",
        "--status",
        "pending",
        ...location,
      ]);
      expect(pending.items.map((r) => r.id)).toEqual([request.id]);

      // Server-side vetting needs a server; nothing is created when refused.
      const remote = await registry(["push", repo.path, "--model", "other", "--remote", ...location]);
      expect(remote.code).toBe(2);
      expect(remote.stderr).toContain("--remote needs --server");
      expect((await registryJson<{ items: Model[] }>(["list", ...location])).items).toHaveLength(1);

      const verify = await registry(["audit", "verify", ...location]);
      expect(verify.code).toBe(0);
      expect(verify.stdout).toContain("verifies");
    },
    SLOW,
  );

  it(
    "modelgate worker --once runs the queued vet-and-register job and exits",
    async () => {
      const location = await registryLocation(backend.name);
      const repo = writePermissiveRepo(files.dir());
      const db = await openLocation(location);
      let jobId: string;
      try {
        const reg = new Registry(db);
        const m = { actor: { tokenId: "t", name: "alice", role: "developer" as const }, requestId: "r1" };
        await reg.createModel(m, { name: "queued" });
        jobId = (
          await reg.enqueueJob(m, VET_AND_REGISTER, {
            model: "queued",
            source: repo.path,
            actor: m.actor,
            requestId: "r1",
          })
        ).id;
      } finally {
        await db.close();
      }
      const r = await runCli(["worker", "--once", ...location]);
      expect(r.code).toBe(0);
      const after = await openLocation(location);
      try {
        const reg = new Registry(after);
        const job = await reg.getJob(jobId);
        expect(job.status).toBe("succeeded");
        expect(job.result).toEqual({ model: "queued", version: 1, created: true });
        expect((await reg.getVersion("queued", 1)).createdBy).toContain("alice");
      } finally {
        await after.close();
      }
    },
    SLOW,
  );

  it(
    "audit verify exits 1 and names the entry after a row is edited in the database",
    async () => {
      const location = await registryLocation(backend.name);
      await createTokenEmbedded(location, "alice", "developer");
      await createTokenEmbedded(location, "bob", "approver");
      const db = await openLocation(location);
      try {
        await db.query("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2");
      } finally {
        await db.close();
      }
      const r = await registry(["audit", "verify", ...location]);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain("BROKEN at entry 2");
    },
    SLOW,
  );

  it(
    "against a server: two users promote, approve, roll back; tokens; export; a revoked token is refused",
    async () => {
      const location = await registryLocation(backend.name);
      const dev = await createTokenEmbedded(location, "alice", "developer");
      const approver = await createTokenEmbedded(location, "bob", "approver");
      const server = await startServerProcess(location);
      try {
        const at = ["--server", server.url];
        const asDev = { MODELGATE_TOKEN: dev };
        const asApprover = { MODELGATE_TOKEN: approver };
        const repo = writePermissiveRepo(files.dir());
        const v1 = await registryJson<{ version: ModelVersion; created: boolean }>(
          ["push", repo.path, "--model", "mistral", ...at],
          asDev,
        );
        expect(v1).toMatchObject({ created: true, version: { number: 1, createdBy: "alice" } });
        appendFileSync(join(repo.path, "README.md"), "\nv2\n");
        const v2 = await registryJson<{ version: ModelVersion }>(
          ["push", repo.path, "--model", "mistral", ...at],
          asDev,
        );
        expect(v2.version.number).toBe(2);

        const approveAs = async (version: number, kind: "promote" | "rollback") => {
          const args =
            kind === "promote"
              ? ["promote", "mistral", "--version", String(version), "--to", "production"]
              : ["rollback", "mistral", "--alias", "production", "--to-version", String(version)];
          const request = await registryJson<PromotionRequest>([...args, ...at], asDev);
          expect(request.kind).toBe(kind === "promote" ? "promotion" : "rollback");
          const self = await registry(["approve", request.id, "--rationale", "lgtm", ...at], asDev);
          expect(self.code).toBe(1);
          expect(self.stderr).toMatch(/403|forbidden/i);
          const approved = await registryJson<PromotionRequest>(
            ["approve", request.id, "--rationale", "reviewed", ...at],
            asApprover,
          );
          expect(approved).toMatchObject({ status: "approved", decidedBy: "bob", rationale: "reviewed" });
          const again = await registry(["approve", request.id, "--rationale", "twice", ...at], asApprover);
          expect(again.code).toBe(1);
          expect(again.stderr).toContain("409");
        };
        const production = async () =>
          (await registryJson<{ aliases: AliasState[] }>(["show", "mistral", ...at], asDev)).aliases.find(
            (a) => a.alias === "production",
          )?.version;

        await approveAs(1, "promote");
        expect(await production()).toBe(1);
        await approveAs(2, "promote");
        expect(await production()).toBe(2);
        await approveAs(1, "rollback");
        expect(await production()).toBe(1);

        const rejected = await registryJson<PromotionRequest>(
          ["promote", "mistral", "--version", "2", "--to", "production", ...at],
          asDev,
        );
        const no = await registryJson<PromotionRequest>(
          ["reject", rejected.id, "--rationale", "not yet", ...at],
          asApprover,
        );
        expect(no.status).toBe("rejected");
        expect(await production()).toBe(1);

        const approvedList = await registryJson<{ items: PromotionRequest[] }>(
          ["requests", "--status", "approved", ...at],
          asDev,
        );
        expect(approvedList.items).toHaveLength(3);

        expect((await registry(["audit", "verify", ...at], asDev)).code).toBe(0);
        const out = join(files.dir(), "audit.jsonl");
        const exported = await registry(["audit", "export", "-o", out, ...at], asApprover);
        expect(exported.code).toBe(0);
        const lines = readFileSync(out, "utf8").trim().split("\n");
        const entries = lines.map((l) => JSON.parse(l) as { seq: number; actor: string });
        expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => entries[0]!.seq + i));
        expect(entries.some((e) => e.actor === "bob")).toBe(true);

        // The server's worker vets a path it can read and registers it for alice.
        appendFileSync(join(repo.path, "README.md"), "\nv3\n");
        const remote = await registryJson<{ version: ModelVersion; created: boolean; job: string }>(
          ["push", repo.path, "--model", "mistral", "--remote", "--wait", ...at],
          asDev,
        );
        expect(remote.created).toBe(true);
        expect(remote.version.number).toBe(3);
        expect(remote.version.createdBy).toContain("alice");

        // Tokens through the API need an admin: a developer is refused with a hint.
        const denied = await registry(["token", "create", "--name", "eve", "--role", "admin", ...at], asDev);
        expect(denied.code).toBe(1);
        expect(denied.stderr).toContain("role");
      } finally {
        await server.stop();
      }
      // Back in embedded mode (the server is gone): revoke alice, then the server refuses her.
      const all = await registryJson<{ items: PromotionRequest[] }>(["requests", ...location]);
      expect(all.items.map((r) => r.status).sort()).toEqual(["approved", "approved", "approved", "rejected"]);
      const db = await openLocation(location);
      let aliceId: string;
      try {
        const { rows } = await db.query<{ id: string }>("SELECT id FROM tokens WHERE name = 'alice'");
        aliceId = rows[0]!.id;
      } finally {
        await db.close();
      }
      const revoked = await registry(["token", "revoke", aliceId, ...location]);
      expect(revoked.code).toBe(0);
      const again = await startServerProcess(location);
      try {
        const r = await registry(["list", "--server", again.url], { MODELGATE_TOKEN: dev });
        expect(r.code).toBe(1);
        expect(r.stderr).toContain("MODELGATE_TOKEN");
      } finally {
        await again.stop();
      }
    },
    SLOW * 2,
  );
});
