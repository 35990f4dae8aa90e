/**
 * Mutation fuzzer for modelgate's readers (`npm run fuzz`). Seeds: every file in
 * `../shared/corpus/picklescan/data*`, `test/fixtures/**`, `examples/**`. Each input is a seed under one
 * to eight stacked mutations (bit flips, interesting bytes and integers, pickle opcode bytes, inserted /
 * deleted / duplicated ranges, splices of two seeds, truncation, zip header sizes and offsets, pickle
 * argument lengths, tar headers, and wrapping in zip / torch zip / gzip / zlib / tar / an appended zip),
 * scanned in memory through `scanSource` (as `scan()` does once a file is open) and, every
 * `--file-every` inputs, through `scan()` itself on a tmpfs file with every report renderer.
 *
 * Every input must: not throw out of the scan; finish within `--budget-ms` (else "slow"; no progress for
 * `--hang-ms` kills the worker: "hang"); produce well-formed findings and no SCANNER_ERROR ("internal
 * error": a reader threw something that is not a format or bound error); keep the worker's RSS under
 * `--max-rss-mb` ("memory"). A worker that dies ("died") is restarted. Problems are saved, deduplicated by
 * signature, to `fuzz-crashes/<kind>-<hash>.bin` with a `.txt` beside it (error, stack, seed, mutations).
 *
 * Usage: npm run fuzz -- [--iterations N] [--time SECONDS] [--seed S] [--workers K] [--budget-ms 2000]
 *                        [--hang-ms 20000] [--max-rss-mb 1536] [--file-every 25] [--out fuzz-crashes]
 *        npm run fuzz -- --repro fuzz-crashes/<file>.bin     (scan one saved input and print the outcome)
 * Without --iterations or --time it runs 10,000 inputs. Exit 1 when any problem was found.
 */
import { type ChildProcess, fork } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { renderJson } from "../src/scan/render/json.js";
import { renderSarif } from "../src/scan/render/sarif.js";
import { renderText } from "../src/scan/render/text.js";
import { RULES } from "../src/scan/rules.js";
import { scan } from "../src/scan/scan.js";
import type { Finding } from "../src/scan/types.js";
import {
  checkFindings,
  type FuzzInput,
  generate,
  loadSeeds,
  REPO_ROOT,
  Rng,
  scanBytes,
  signature,
} from "./fuzz/lib.js";

const { values: opt } = parseArgs({
  options: {
    iterations: { type: "string" },
    time: { type: "string" },
    seed: { type: "string" },
    workers: { type: "string" },
    "budget-ms": { type: "string", default: "2000" },
    "hang-ms": { type: "string", default: "20000" },
    "max-rss-mb": { type: "string", default: "1536" },
    "file-every": { type: "string", default: "25" },
    out: { type: "string", default: join(REPO_ROOT, "fuzz-crashes") },
    repro: { type: "string" },
    // internal: this process is a worker
    child: { type: "string" },
  },
});

const BUDGET_MS = Number(opt["budget-ms"]);
const HANG_MS = Math.max(Number(opt["hang-ms"]), BUDGET_MS * 2);
const MAX_RSS = Number(opt["max-rss-mb"]) * 1024 * 1024;
const FILE_EVERY = Math.max(0, Number(opt["file-every"]));
const OUT = resolve(opt.out!);

type Kind =
  | "exception"
  | "slow"
  | "hang"
  | "memory"
  | "died"
  | "malformed-finding"
  | "internal-error"
  | "side-effect";

interface ProblemReport {
  kind: Kind;
  message: string;
  stack?: string;
  input: { seed: string; ops: string[]; size: number };
  workerSeed: number;
  index: number;
  ms?: number;
}

/** Saves the input once per signature; returns the path, or null when this signature was seen. */
function save(p: ProblemReport, bytes: Uint8Array, seen: Set<string>): string | null {
  const sig = signature(p.kind, p.message, p.stack);
  if (seen.has(sig)) return null;
  seen.add(sig);
  mkdirSync(OUT, { recursive: true });
  const id = createHash("sha1").update(sig).digest("hex").slice(0, 10);
  const base = join(OUT, `${p.kind}-${id}`);
  if (existsSync(`${base}.bin`)) return null;
  writeFileSync(`${base}.bin`, bytes);
  writeFileSync(
    `${base}.txt`,
    [
      `kind: ${p.kind}`,
      `message: ${p.message}`,
      p.ms !== undefined ? `time: ${Math.round(p.ms)} ms` : "",
      `seed file: ${p.input.seed}`,
      `mutations: ${p.input.ops.join(" | ")}`,
      `size: ${p.input.size} bytes`,
      `worker seed ${p.workerSeed}, input #${p.index}`,
      `reproduce: npm run fuzz -- --repro ${base}.bin`,
      "",
      p.stack ?? "",
    ]
      .filter((l, i) => l !== "" || i > 8)
      .join("\n"),
  );
  return `${base}.bin`;
}

// ---------------------------------------------------------------------------------------------------
// Scanning one input with every check

interface Outcome {
  problems: { kind: Kind; message: string; stack?: string }[];
  findings: Finding[];
  ms: number;
}

let tmpDir: string | undefined;

function tmpPath(): string {
  if (!tmpDir) {
    const base = existsSync("/dev/shm") ? "/dev/shm" : join(REPO_ROOT, "tmp");
    tmpDir = join(base, `modelgate-fuzz-${process.pid}`);
    mkdirSync(tmpDir, { recursive: true });
    process.on("exit", () => rmSync(tmpDir!, { recursive: true, force: true }));
  }
  return tmpDir;
}

async function scanViaFile(bytes: Uint8Array): Promise<Finding[]> {
  const path = join(tmpPath(), "model.bin");
  writeFileSync(path, bytes);
  const report = await scan(path, { hash: true });
  renderJson(report);
  renderText(report, { color: true, rules: RULES });
  renderSarif(report, [...RULES.values()], { exitCode: 1 });
  return report.findings;
}

async function runOne(bytes: Uint8Array, viaFile: boolean): Promise<Outcome> {
  const problems: Outcome["problems"] = [];
  let findings: Finding[] = [];
  const exitCodeBefore = process.exitCode;
  const t = performance.now();
  try {
    findings = viaFile ? await scanViaFile(bytes) : await scanBytes(bytes);
  } catch (e) {
    const err = e as Error;
    problems.push({
      kind: "exception",
      message: `${err?.name}: ${err?.message ?? String(e)}`,
      stack: err?.stack,
    });
  }
  const ms = performance.now() - t;
  if (ms > BUDGET_MS)
    problems.push({ kind: "slow", message: `took ${Math.round(ms)} ms (budget ${BUDGET_MS} ms)` });
  problems.push(...checkFindings(findings));
  if (process.exitCode !== exitCodeBefore) {
    problems.push({ kind: "side-effect", message: `scanning set process.exitCode to ${process.exitCode}` });
    process.exitCode = exitCodeBefore;
  }
  return { problems, findings, ms };
}

// ---------------------------------------------------------------------------------------------------
// Worker

interface ChildConfig {
  workerSeed: number;
  iterations: number;
  deadline: number;
  current: string;
}

interface Progress {
  type: "progress";
  done: number;
  viaFile: number;
  problems: Record<string, number>;
  saved: string[];
  final?: boolean;
}

async function child(cfg: ChildConfig): Promise<void> {
  const seeds = loadSeeds();
  const rng = new Rng(cfg.workerSeed);
  const seen = new Set<string>();
  const counts: Record<string, number> = {};
  let saved: string[] = [];
  let done = 0;
  let viaFile = 0;
  let lastBeat = performance.now();
  const send = (final = false) =>
    new Promise<void>((resolve) => {
      const msg: Progress = { type: "progress", done, viaFile, problems: counts, saved, final };
      saved = [];
      if (!process.send) return resolve();
      process.send(msg, () => resolve());
    });
  while (done < cfg.iterations && Date.now() < cfg.deadline) {
    const input: FuzzInput = generate(rng, seeds);
    // Where the parent finds the input if this process hangs or dies on it.
    writeFileSync(cfg.current, input.bytes);
    writeFileSync(`${cfg.current}.json`, JSON.stringify({ seed: input.seed, ops: input.ops, index: done }));
    const file = FILE_EVERY > 0 && done % FILE_EVERY === FILE_EVERY - 1;
    const out = await runOne(input.bytes, file);
    if (file) viaFile++;
    const rss = process.memoryUsage.rss();
    if (rss > MAX_RSS)
      out.problems.push({ kind: "memory", message: `RSS ${Math.round(rss / 2 ** 20)} MiB after this input` });
    for (const p of out.problems) {
      counts[p.kind] = (counts[p.kind] ?? 0) + 1;
      const path = save(
        {
          ...p,
          input: { seed: input.seed, ops: input.ops, size: input.bytes.length },
          workerSeed: cfg.workerSeed,
          index: done,
          ms: out.ms,
        },
        input.bytes,
        seen,
      );
      if (path) saved.push(path);
    }
    done++;
    if (rss > MAX_RSS) break; // start afresh: the parent restarts this worker
    if (performance.now() - lastBeat > 250) {
      await send();
      lastBeat = performance.now();
    }
  }
  await send(true);
}

// ---------------------------------------------------------------------------------------------------
// Parent

async function repro(path: string): Promise<number> {
  const bytes = new Uint8Array(readFileSync(path));
  for (const viaFile of [false, true]) {
    const out = await runOne(bytes, viaFile);
    console.log(
      `${viaFile ? "scan() on a file" : "in memory"}: ${Math.round(out.ms)} ms, ${out.findings.length} finding(s)`,
    );
    for (const f of out.findings) console.log(`  ${f.severity} ${f.ruleId} ${f.location}: ${f.message}`);
    for (const p of out.problems) console.log(`  PROBLEM ${p.kind}: ${p.message}\n${p.stack ?? ""}`);
  }
  return 0;
}

interface Slot {
  index: number;
  proc?: ChildProcess;
  lastBeat: number;
  done: number;
  /** inputs finished by earlier processes of this slot */
  doneBefore: number;
  viaFile: number;
  viaFileBefore: number;
  generation: number;
  stderr: string;
  finished: boolean;
  quota: number;
  /** problem counts of the running process, merged into the totals when it ends */
  live?: Record<string, number>;
  hung?: boolean;
}

async function parent(): Promise<number> {
  const workers = Math.max(1, Number(opt.workers ?? availableParallelism()));
  const seed = opt.seed !== undefined ? Number(opt.seed) : Math.floor(Math.random() * 2 ** 31);
  const timeS = opt.time !== undefined ? Number(opt.time) : undefined;
  const iterations =
    opt.iterations !== undefined
      ? Number(opt.iterations)
      : timeS !== undefined
        ? Number.POSITIVE_INFINITY
        : 10_000;
  const deadline = timeS !== undefined ? Date.now() + timeS * 1000 : Number.MAX_SAFE_INTEGER;
  const seeds = loadSeeds();
  const shm = existsSync("/dev/shm") ? "/dev/shm" : join(REPO_ROOT, "tmp");
  const runDir = join(shm, `modelgate-fuzz-run-${process.pid}`);
  mkdirSync(runDir, { recursive: true });
  console.log(
    `fuzz: ${seeds.length} seeds, ${workers} worker(s), seed ${seed}, ` +
      `${Number.isFinite(iterations) ? `${iterations} inputs` : "no input limit"}` +
      `${timeS !== undefined ? `, ${timeS} s` : ""}; budget ${BUDGET_MS} ms/input, hang after ${HANG_MS} ms, ` +
      `RSS limit ${MAX_RSS / 2 ** 20} MiB; problems -> ${OUT}`,
  );

  const started = Date.now();
  const counts: Record<string, number> = {};
  const savedPaths: string[] = [];
  const seen = new Set<string>();
  const perWorker = Math.ceil(iterations / workers);
  const slots: Slot[] = Array.from({ length: workers }, (_, index) => ({
    index,
    lastBeat: Date.now(),
    done: 0,
    doneBefore: 0,
    viaFile: 0,
    viaFileBefore: 0,
    generation: 0,
    stderr: "",
    finished: false,
    quota: perWorker,
  }));
  const total = () => slots.reduce((n, s) => n + s.doneBefore + s.done, 0);
  const current = (s: Slot) => join(runDir, `worker-${s.index}.bin`);

  let resolveAll!: () => void;
  const allDone = new Promise<void>((r) => {
    resolveAll = r;
  });
  const checkAll = () => {
    if (slots.every((s) => s.finished)) resolveAll();
  };

  const lost = (s: Slot, kind: Kind, message: string) => {
    counts[kind] = (counts[kind] ?? 0) + 1;
    let bytes = new Uint8Array(0);
    let meta = { seed: "?", ops: [] as string[], index: -1 };
    try {
      bytes = new Uint8Array(readFileSync(current(s)));
      meta = JSON.parse(readFileSync(`${current(s)}.json`, "utf8"));
    } catch {
      // the worker died before its first input
    }
    const path = save(
      {
        kind,
        message,
        stack: s.stderr.slice(-4000),
        input: { seed: meta.seed, ops: meta.ops, size: bytes.length },
        workerSeed: seed + s.index * 7919 + s.generation * 104729,
        index: meta.index,
      },
      bytes,
      seen,
    );
    if (path) savedPaths.push(path);
    console.log(`  worker ${s.index}: ${kind}: ${message}${path ? ` -> ${path}` : ""}`);
  };

  const start = (s: Slot) => {
    const remaining = s.quota - s.doneBefore;
    if (remaining <= 0 || Date.now() >= deadline) {
      s.finished = true;
      checkAll();
      return;
    }
    const cfg: ChildConfig = {
      workerSeed: seed + s.index * 7919 + s.generation * 104729,
      iterations: Math.min(remaining, Number.MAX_SAFE_INTEGER),
      deadline,
      current: current(s),
    };
    s.stderr = "";
    s.done = 0;
    s.viaFile = 0;
    s.lastBeat = Date.now();
    const proc = fork(fileURLToPath(import.meta.url), ["--child", JSON.stringify(cfg), ...passThrough()], {
      execArgv: [
        ...process.execArgv,
        `--max-old-space-size=${Math.max(512, Math.round(MAX_RSS / 2 ** 20) + 512)}`,
      ],
      stdio: ["ignore", "inherit", "pipe", "ipc"],
    });
    s.proc = proc;
    proc.stderr?.on("data", (d: Buffer) => {
      s.stderr = (s.stderr + d.toString()).slice(-20000);
    });
    proc.on("message", (m: Progress) => {
      if (m.type !== "progress") return;
      s.lastBeat = Date.now();
      s.done = m.done;
      s.viaFile = m.viaFile;
      for (const p of m.saved) {
        savedPaths.push(p);
        console.log(`  worker ${s.index}: saved ${p}`);
      }
      s.live = m.problems;
    });
    proc.on("exit", (code, signal) => {
      // A killed worker cannot remove its own tmpfs folder (see tmpPath).
      if (proc.pid) rmSync(join(shm, `modelgate-fuzz-${proc.pid}`), { recursive: true, force: true });
      const finishedCleanly = code === 0 && !s.hung;
      s.proc = undefined;
      for (const [k, v] of Object.entries(s.live ?? {})) counts[k] = (counts[k] ?? 0) + v;
      s.doneBefore += s.done;
      s.viaFileBefore += s.viaFile;
      s.done = 0;
      s.viaFile = 0;
      s.live = undefined;
      if (s.hung) {
        s.hung = false;
        lost(s, "hang", `no progress for ${HANG_MS} ms; killed`);
        s.doneBefore++;
      } else if (!finishedCleanly) {
        lost(s, "died", `worker exited with ${signal ?? `code ${code}`}`);
        s.doneBefore++;
      }
      s.generation++;
      start(s);
    });
  };
  for (const s of slots) start(s);

  const live = () => {
    const c = { ...counts };
    for (const s of slots) {
      const l = s.live;
      if (l) for (const [k, v] of Object.entries(l)) c[k] = (c[k] ?? 0) + v;
    }
    return c;
  };
  const fmt = (c: Record<string, number>) =>
    Object.keys(c).length
      ? Object.entries(c)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")
      : "no problems";
  let lastReport = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    for (const s of slots) {
      if (s.proc && !s.hung && now - s.lastBeat > HANG_MS) {
        s.hung = true;
        s.proc.kill("SIGKILL");
      }
    }
    if (now - lastReport >= 10_000) {
      lastReport = now;
      const n = total();
      const secs = (now - started) / 1000;
      console.log(`  ${n} inputs in ${secs.toFixed(0)} s (${Math.round(n / secs)}/s): ${fmt(live())}`);
    }
  }, 1000);
  const onSigint = () => {
    for (const s of slots) {
      s.quota = 0;
      s.proc?.kill("SIGTERM");
    }
  };
  process.on("SIGINT", onSigint);
  await allDone;
  clearInterval(timer);
  process.off("SIGINT", onSigint);
  rmSync(runDir, { recursive: true, force: true });

  const n = total();
  const secs = (Date.now() - started) / 1000;
  const viaFile = slots.reduce((k, s) => k + s.viaFileBefore, 0);
  console.log(
    `\nfuzz summary: ${n} inputs (${viaFile} through scan() on a file) in ${secs.toFixed(1)} s = ` +
      `${Math.round(n / secs)} inputs/s with ${workers} worker(s), seed ${seed}`,
  );
  console.log(`problems: ${fmt(counts)}`);
  if (savedPaths.length) console.log(`saved (one per signature):\n  ${savedPaths.join("\n  ")}`);
  return Object.keys(counts).length ? 1 : 0;
}

function passThrough(): string[] {
  const out: string[] = [];
  for (const k of ["budget-ms", "hang-ms", "max-rss-mb", "file-every", "out"] as const) {
    const v = opt[k];
    if (v !== undefined) out.push(`--${k}`, String(k === "out" ? OUT : v));
  }
  return out;
}

if (opt.child) {
  await child(JSON.parse(opt.child) as ChildConfig);
  process.disconnect?.();
} else if (opt.repro) {
  process.exitCode = await repro(opt.repro);
} else {
  process.exitCode = await parent();
}
