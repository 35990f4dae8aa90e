import { describe, expect, it } from "vitest";
import { tempFiles } from "../../test/helpers/temp-files.js";
import { writePermissiveRepo } from "../../test/writers/model-repos.js";
import type { VetReport } from "../policy/types.js";
import { startJobRunner, VET_AND_REGISTER } from "./job-runner.js";
import type { Mutation, Registry } from "./registry.js";
import type { Job } from "./types.js";

const files = tempFiles("job-runner");

function job(payload: unknown, kind = VET_AND_REGISTER): Job {
  const now = new Date().toISOString();
  return {
    id: `job-${Math.random()}`,
    kind,
    payload,
    status: "running",
    attempts: 1,
    maxAttempts: 3,
    runAt: now,
    progress: null,
    result: null,
    error: null,
    createdAt: now,
    updatedAt: now,
  };
}

/** The queue part of a Registry, in memory: what the runner calls and with what. */
function fakeRegistry(queue: Job[]) {
  const calls = {
    claimed: [] as { workerId: string; kinds: string[] }[],
    registered: [] as { m: Mutation; model: string; vetReport: VetReport }[],
    progress: [] as { done: number; total: number; label: string }[],
    completed: [] as { id: string; result: unknown }[],
    failed: [] as { id: string; error: string }[],
  };
  const registry = {
    claimJob: async (workerId: string, kinds: string[]) => {
      calls.claimed.push({ workerId, kinds });
      return queue.shift() ?? null;
    },
    registerVersion: async (m: Mutation, model: string, input: { vetReport: VetReport }) => {
      calls.registered.push({ m, model, vetReport: input.vetReport });
      return { version: { number: 7 }, created: true };
    },
    reportJobProgress: async (_id: string, p: { done: number; total: number; label: string }) => {
      calls.progress.push(p);
    },
    completeJob: async (id: string, result: unknown) => {
      calls.completed.push({ id, result });
    },
    failJob: async (id: string, error: string) => {
      calls.failed.push({ id, error });
    },
  } as unknown as Registry;
  return { registry, calls };
}

const requester = { tokenId: "t1", name: "alice", role: "developer" as const };

describe("startJobRunner", () => {
  it("vets the source, registers it for the requester and completes the job with the version", async () => {
    const repo = writePermissiveRepo(files.dir());
    const j = job({ model: "mistral", source: repo.path, requestedBy: requester, requestId: "req-1" });
    const { registry, calls } = fakeRegistry([j]);
    await startJobRunner(registry, { workerId: "w1", signal: new AbortController().signal, once: true });

    expect(calls.claimed[0]).toEqual({ workerId: "w1", kinds: [VET_AND_REGISTER] });
    expect(calls.registered).toHaveLength(1);
    const reg = calls.registered[0]!;
    expect(reg.model).toBe("mistral");
    expect(reg.m.requestId).toBe("req-1");
    expect(reg.m.actor.tokenId).toBe("t1");
    expect(reg.m.actor.role).toBe("developer");
    expect(reg.m.actor.name).toContain("alice");
    expect(reg.m.actor.name).toContain("w1");
    expect(reg.vetReport.target).toBe(repo.path);
    // Hashing is on: the manifest digest that makes a version is computed from these.
    expect(reg.vetReport.scan.files.every((f) => typeof f.sha256 === "string")).toBe(true);
    expect(calls.completed).toEqual([{ id: j.id, result: { model: "mistral", version: 7, created: true } }]);
    expect(calls.failed).toEqual([]);
    // The last progress report is the final one, whatever the throttle dropped before it.
    const last = calls.progress.at(-1);
    expect(last && last.done === last.total).toBe(true);
  });

  it("accepts the requester by name only, or as the API's `actor`", async () => {
    const repo = writePermissiveRepo(files.dir());
    const { registry, calls } = fakeRegistry([
      job({ model: "m", source: repo.path, requestedBy: "bob", requestId: null }),
      job({ model: "m", source: repo.path, actor: { tokenId: "t9", name: "carol", role: "approver" } }),
    ]);
    await startJobRunner(registry, { workerId: "w2", signal: new AbortController().signal, once: true });
    expect(calls.registered[0]?.m.actor.name).toContain("bob");
    expect(calls.registered[1]?.m.actor).toMatchObject({ tokenId: "t9", role: "approver" });
    expect(calls.registered[1]?.m.actor.name).toContain("carol");
    expect(calls.completed).toHaveLength(2);
  });

  it("fails a job whose source cannot be read, then goes on with the next one", async () => {
    const repo = writePermissiveRepo(files.dir());
    const bad = job({ model: "m", source: "/nonexistent/modelgate-missing", requestedBy: requester });
    const good = job({ model: "m", source: repo.path, requestedBy: requester });
    const { registry, calls } = fakeRegistry([bad, good]);
    await startJobRunner(registry, { workerId: "w", signal: new AbortController().signal, once: true });
    expect(calls.failed.map((f) => f.id)).toEqual([bad.id]);
    expect(calls.failed[0]?.error).toBeTruthy();
    expect(calls.completed.map((c) => c.id)).toEqual([good.id]);
  });

  it("fails a malformed payload and an unknown kind without registering anything", async () => {
    const malformed = job({ model: "m" });
    const unknown = job({}, "reindex");
    const { registry, calls } = fakeRegistry([malformed, unknown]);
    await startJobRunner(registry, {
      workerId: "w",
      kinds: [VET_AND_REGISTER, "reindex"],
      signal: new AbortController().signal,
      once: true,
    });
    expect(calls.failed.map((f) => f.id)).toEqual([malformed.id, unknown.id]);
    expect(calls.failed[1]?.error).toContain("reindex");
    expect(calls.registered).toEqual([]);
  });

  it("goes on after a database error while claiming, and reports it", async () => {
    const repo = writePermissiveRepo(files.dir());
    const { registry, calls } = fakeRegistry([
      job({ model: "m", source: repo.path, requestedBy: requester }),
    ]);
    const claim = registry.claimJob.bind(registry);
    let failures = 1;
    registry.claimJob = async (...args) => {
      if (failures-- > 0) throw new Error("connection terminated");
      return claim(...args);
    };
    const errors: unknown[] = [];
    await startJobRunner(registry, {
      workerId: "w",
      signal: new AbortController().signal,
      once: true,
      pollMs: 1,
      onError: (err) => errors.push(err),
    });
    expect(errors.map((e) => (e as Error).message)).toEqual(["connection terminated"]);
    expect(calls.completed).toHaveLength(1);
  });

  it("polls an empty queue until the signal aborts", async () => {
    const { registry, calls } = fakeRegistry([]);
    const controller = new AbortController();
    const running = startJobRunner(registry, { workerId: "w", signal: controller.signal, pollMs: 5 });
    while (calls.claimed.length < 3) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    await running;
    const polls = calls.claimed.length;
    await new Promise((r) => setTimeout(r, 30));
    expect(calls.claimed.length).toBe(polls);
  });
});
