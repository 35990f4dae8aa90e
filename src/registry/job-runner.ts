import { setTimeout as sleep } from "node:timers/promises";
import type { ModelgateConfig } from "../config/load-config.js";
import { type VetOptions, vet } from "../policy/vet.js";
import type { Registry } from "./registry.js";
import type { Actor, Job } from "./types.js";

/** The job that a `POST /models/{name}/versions {source}` (or a push) enqueues. */
export const VET_AND_REGISTER = "vet-and-register";

export interface VetAndRegisterPayload {
  model: string;
  /** A folder the worker can read, or `hf:org/name[@revision]`. */
  source: string;
  /** The requester (their actor, or their name): the version is registered on their behalf. */
  requestedBy?: Actor | string;
  /** The same, under the name the API's push route uses. */
  actor?: Actor;
  requestId: string | null;
}

export interface VetAndRegisterResult {
  model: string;
  version: number;
  created: boolean;
}

export interface JobRunnerOptions {
  workerId: string;
  /** Job kinds this runner takes (default: every kind it knows). */
  kinds?: string[];
  signal: AbortSignal;
  /** Wait between polls of an empty queue (default 500 ms). */
  pollMs?: number;
  /** After this long without finishing, a claim is presumed dead and another worker may take it (default 10 min). */
  leaseMs?: number;
  config?: ModelgateConfig;
  hub?: VetOptions["hub"];
  /** Return once the queue is empty instead of polling (`modelgate worker --once`). */
  once?: boolean;
  /** A database error while claiming or recording a job; the runner waits a poll and goes on. */
  onError?: (err: unknown) => void;
}

/** Progress is written at most this often: a scan reports per file and a database write costs a round trip. */
const PROGRESS_INTERVAL_MS = 500;

/**
 * Claims and runs jobs until `signal` aborts (or, with `once`, until none is due). A failed job is
 * handed to `failJob`, which retries it with backoff; the runner itself never stops on a job's error.
 */
export async function startJobRunner(registry: Registry, options: JobRunnerOptions): Promise<void> {
  const kinds = options.kinds ?? [VET_AND_REGISTER];
  const pollMs = options.pollMs ?? 500;
  const leaseMs = options.leaseMs ?? 10 * 60_000;
  const pause = () => sleep(pollMs, undefined, { signal: options.signal }).catch(() => undefined);
  while (!options.signal.aborted) {
    let job: Job | null;
    try {
      job = await registry.claimJob(options.workerId, kinds, leaseMs);
    } catch (err) {
      // A database that is restarting is not a reason to stop working: the queue is still there after.
      if (options.signal.aborted) return;
      options.onError?.(err);
      await pause();
      continue;
    }
    if (!job) {
      if (options.once) return;
      await pause();
      continue;
    }
    await runJob(registry, job, options).catch((err: unknown) => options.onError?.(err));
  }
}

/** A job whose outcome cannot be recorded stays claimed; its lease runs out and it is run again. */
async function runJob(registry: Registry, job: Job, options: JobRunnerOptions): Promise<void> {
  let result: VetAndRegisterResult;
  try {
    if (job.kind !== VET_AND_REGISTER) throw new Error(`no handler for job kind '${job.kind}'`);
    result = await vetAndRegister(registry, job, options);
  } catch (err) {
    await registry.failJob(job.id, err instanceof Error ? err.message : String(err));
    return;
  }
  await registry.completeJob(job.id, result);
}

function parsePayload(payload: unknown): {
  model: string;
  source: string;
  requestedBy: Actor;
  requestId: string | null;
} {
  const p = payload as Partial<VetAndRegisterPayload> | null;
  const by = p?.requestedBy ?? p?.actor;
  // Only a developer (or higher) can enqueue a push, so a bare name stands for a developer.
  const requestedBy: Actor | null =
    typeof by === "string"
      ? { tokenId: "", name: by, role: "developer" }
      : by && typeof by.tokenId === "string" && typeof by.name === "string"
        ? by
        : null;
  if (!p || typeof p.model !== "string" || typeof p.source !== "string" || !requestedBy) {
    throw new Error("vet-and-register: the payload needs model, source and requestedBy");
  }
  return { model: p.model, source: p.source, requestedBy, requestId: p.requestId ?? null };
}

/** The worker registers as the requester, with its own name beside theirs so the audit log shows both. */
export function workerActor(requester: Actor, workerId: string): Actor {
  return { ...requester, name: `${requester.name} (via worker ${workerId})` };
}

async function vetAndRegister(
  registry: Registry,
  job: Job,
  options: JobRunnerOptions,
): Promise<VetAndRegisterResult> {
  const payload = parsePayload(job.payload);
  let lastReport = 0;
  let pending: Promise<void> = Promise.resolve();
  const vetReport = await vet(payload.source, {
    hash: true,
    ...(options.config ? { config: options.config } : {}),
    ...(options.hub ? { hub: options.hub } : {}),
    onProgress: (done, total, label) => {
      const now = Date.now();
      if (now - lastReport < PROGRESS_INTERVAL_MS && done < total) return;
      lastReport = now;
      // One write in flight at a time; a lost progress update is harmless, a failed job is not.
      pending = pending
        .then(() => registry.reportJobProgress(job.id, { done, total, label }))
        .catch(() => undefined);
    },
  });
  await pending;
  const { version, created } = await registry.registerVersion(
    { actor: workerActor(payload.requestedBy, options.workerId), requestId: payload.requestId },
    payload.model,
    { vetReport },
  );
  return { model: payload.model, version: version.number, created };
}
