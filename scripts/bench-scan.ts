/**
 * Whole-process benchmarks of `modelgate scan`, measured as a user runs it (`node bin/modelgate.js ...`
 * under `/usr/bin/time`: wall time and max RSS), against the peers' figures in
 * shared/research/security-scanners.md section 4 and the targets in docs/benchmarks.md.
 *
 *   (a) verdict only (`--no-hash`) on a 2 GiB PyTorch zip (64 x 32 MiB stored tensors); the same archive
 *       with a malicious pickle as tensor member 37 must exit 1 with a critical finding there;
 *   (b) a 1 GiB raw pickle whose one argument is a single BINBYTES8: memory must not follow its size;
 *   (c) with hashing: one 2 GiB file against `openssl dgst -sha256`, and a 4 x 512 MiB model against
 *       openssl over the files one after another; plus `benchHash` for the hashing alone;
 *   (d) a 10 GiB sparse safetensors file and (e) a 10 GiB sparse GGUF, verdict only: headers alone;
 *   (f) an ONNX file with 1 GiB of inline initializers: memory must not follow their size.
 *
 * Usage: npm run bench:scan -- [--dir DIR] [--keep] [--runs N] [--only a,b,c]
 * Needs about 4 GiB free in DIR (default /tmp/modelgate-bench; inputs are removed unless --keep) and a
 * built CLI (`npm run build`). Exits non-zero only when a verdict is wrong, never for a slow figure.
 */
import { spawnSync } from "node:child_process";
import { randomFillSync } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { pickle } from "../test/writers/pickle.js";
import { stateDictPickle, type TensorSpec, torchZipEntries } from "../test/writers/torch.js";
import { writeZipFile, type ZipEntrySpec } from "../test/writers/zip.js";
import { writeSparseGguf } from "./bench/gguf-input.js";
import { benchHash } from "./bench/hash.js";
import { writeLargeOnnx } from "./bench/onnx-input.js";
import { writeSparseSafetensors } from "./bench/safetensors-input.js";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const ROOT = resolve(import.meta.dirname, "..");
const CLI = join(ROOT, "bin", "modelgate.js");
const TIME = "/usr/bin/time";

const { values: args } = parseArgs({
  options: {
    dir: { type: "string", default: "/tmp/modelgate-bench" },
    keep: { type: "boolean", default: false },
    runs: { type: "string", default: "7" },
    only: { type: "string", default: "a,b,c,d,e,f" },
  },
});
const DIR = resolve(args.dir!);
const RUNS = Math.max(1, Number(args.runs));
const ONLY = new Set(args.only!.split(","));

// ---------------------------------------------------------------------------------------------------
// Measuring a whole process

interface Run {
  wallMs: number;
  rssMB: number;
  userS: number;
  sysS: number;
  code: number;
  stdout: string;
  stderr: string;
}

const timeOut = join(DIR, ".time");

/** One process under /usr/bin/time: wall from our own clock (ms resolution), RSS from time's %M. */
function runOnce(cmd: string[]): Run {
  const t = performance.now();
  const r = spawnSync(TIME, ["-o", timeOut, "-f", "%e %U %S %M", ...cmd], {
    encoding: "utf8",
    maxBuffer: 256 * MiB,
  });
  const wallMs = performance.now() - t;
  if (r.error) throw r.error;
  const line = readFileSync(timeOut, "utf8").trim().split("\n").pop() ?? "";
  const [, user, sys, rssKiB] = line.split(" ").map(Number);
  return {
    wallMs,
    rssMB: (rssKiB ?? 0) / 1000,
    userS: user ?? 0,
    sysS: sys ?? 0,
    code: r.status ?? -1,
    stdout: r.stdout,
    stderr: r.stderr,
  };
}

interface Stats {
  runs: number;
  medianMs: number;
  minMs: number;
  medianRssMB: number;
  maxRssMB: number;
  medianUserS: number;
  code: number;
  last: Run;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** `runs` timed runs after one untimed warm-up; commands given together are interleaved run by run. */
function measureMany(cmds: Record<string, string[]>, runs: number): Record<string, Stats> {
  const all: Record<string, Run[]> = {};
  for (const [k, c] of Object.entries(cmds)) {
    runOnce(c);
    all[k] = [];
  }
  for (let i = 0; i < runs; i++) for (const [k, c] of Object.entries(cmds)) all[k]!.push(runOnce(c));
  const out: Record<string, Stats> = {};
  for (const [k, rs] of Object.entries(all)) {
    out[k] = {
      runs: rs.length,
      medianMs: median(rs.map((r) => r.wallMs)),
      minMs: Math.min(...rs.map((r) => r.wallMs)),
      medianRssMB: median(rs.map((r) => r.rssMB)),
      maxRssMB: Math.max(...rs.map((r) => r.rssMB)),
      medianUserS: median(rs.map((r) => r.userS)),
      code: rs[rs.length - 1]!.code,
      last: rs[rs.length - 1]!,
    };
  }
  return out;
}

const modelgate = (...a: string[]) => ["node", CLI, "scan", ...a];

// ---------------------------------------------------------------------------------------------------
// Inputs

/** 32 MiB of random bytes, reused with a per-chunk stamp so no two tensors are equal. */
const BLOCK = randomFillSync(Buffer.allocUnsafe(32 * MiB));

function* randomChunks(bytes: number, salt: number): Generator<Uint8Array> {
  let n = 0;
  for (let pos = 0; pos < bytes; pos += BLOCK.length) {
    BLOCK.writeUInt32LE(salt, 0);
    BLOCK.writeUInt32LE(n++, 4);
    yield BLOCK.subarray(0, Math.min(BLOCK.length, bytes - pos));
  }
}

const TENSOR_BYTES = 32 * MiB;

function tensors(count: number): TensorSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `layers.${i}.weight`,
    key: String(i),
    shape: [TENSOR_BYTES / 4],
  }));
}

/** `os.system('echo pwned')`, protocol 2, as `pickle.dumps` of a `__reduce__` payload writes it. */
export const MALICIOUS_PICKLE = pickle()
  .proto(2)
  .reduceGlobal("os", "system", (w) => w.binunicode("echo pwned"))
  .stop()
  .bytes();

/**
 * A `torch.save`-style zip: data.pkl with real torch globals and a persistent id per tensor, byteorder,
 * `count` stored tensors of 32 MiB random bytes, version, serialization id. `replace` swaps in other
 * bytes for one tensor (padded with random bytes to the same size).
 */
function writeTorchZip(path: string, count: number, replace?: { key: number; bytes: Uint8Array }): number {
  const [dataPkl, byteorder, ...rest] = torchZipEntries(stateDictPickle(tensors(count)), []);
  const data: ZipEntrySpec[] = Array.from({ length: count }, (_, i) => ({
    name: `archive/data/${i}`,
    size: TENSOR_BYTES,
    chunks:
      replace?.key === i
        ? function* () {
            yield replace.bytes;
            yield* randomChunks(TENSOR_BYTES - replace.bytes.length, i);
          }
        : () => randomChunks(TENSOR_BYTES, i),
  }));
  return writeZipFile(path, [dataPkl!, byteorder!, ...data, ...rest]);
}

/**
 * `{'weights': b'<1 GiB>'}` at protocol 4: one BINBYTES8 argument of `bytes` bytes, written streamed.
 * CPython's `pickle.load` reads it back as that dict.
 */
function writeBigBytesPickle(path: string, bytes: number): number {
  const head = pickle().proto(4).op("EMPTY_DICT").shortBinunicode("weights").bytes();
  const len = Buffer.alloc(9);
  len[0] = 0x8e; // BINBYTES8
  len.writeBigUInt64LE(BigInt(bytes), 1);
  const tail = pickle().op("SETITEM").stop().bytes();
  const fd = openSync(path, "w");
  let pos = 0;
  const put = (b: Uint8Array) => {
    let done = 0;
    while (done < b.length) done += writeSync(fd, b, done, b.length - done, pos + done);
    pos += b.length;
  };
  try {
    put(head);
    put(len);
    for (const c of randomChunks(bytes, 0xb1b)) put(c);
    put(tail);
  } finally {
    closeSync(fd);
  }
  return pos;
}

/** Writeback of a just-written multi-GiB file would otherwise run during the timed runs. */
function flush(): void {
  spawnSync("sync");
}

function remove(...paths: string[]): void {
  if (args.keep) return;
  for (const p of paths) rmSync(p, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------------
// Report

interface Row {
  figure: string;
  measured: string;
  target: string;
  pass: boolean | null;
}

const rows: Row[] = [];
const failures: string[] = [];
const results: Record<string, unknown> = {};

function row(figure: string, measured: string, target: string, pass: boolean | null): void {
  rows.push({ figure, measured, target, pass });
  console.log(`  ${figure}: ${measured}${target ? `  [target ${target}: ${verdict(pass)}]` : ""}`);
}

function verdict(pass: boolean | null): string {
  return pass === null ? "info" : pass ? "PASS" : "FAIL";
}

function check(what: string, ok: boolean, detail: string): void {
  row(what, detail, "correct verdict", ok);
  if (!ok) failures.push(`${what}: ${detail}`);
}

const s = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
const mb = (x: number) => `${Math.round(x)} MB`;
const timing = (st: Stats) =>
  `${s(st.medianMs)} median, ${s(st.minMs)} min (${st.runs} runs), RSS ${mb(st.medianRssMB)}`;

interface JsonFinding {
  ruleId: string;
  severity: string;
  location: string;
  message: string;
  evidence?: { call?: string };
}

function findingsOf(run: Run): JsonFinding[] {
  try {
    return (JSON.parse(run.stdout) as { findings: JsonFinding[] }).findings;
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------------
// Cases

function caseA(torchPath: string): void {
  console.log("\n(a) verdict only (--no-hash), 2 GiB PyTorch zip, 64 x 32 MiB stored tensors");
  const st = measureMany({ node: ["node", "-e", "0"], scan: modelgate(torchPath, "--no-hash") }, RUNS);
  const node = st.node!;
  const scan = st.scan!;
  results.a = { node, scan };
  row("node -e 0", timing(node), "", null);
  row("modelgate scan --no-hash (2 GiB zip)", timing(scan), "< 0.2 s wall", scan.medianMs < 200);
  row("  RSS", mb(scan.medianRssMB), "< 100 MB", scan.maxRssMB < 100);
  row(
    "  over node -e 0",
    `${(scan.medianMs / node.medianMs).toFixed(2)}x wall, +${s(scan.medianMs - node.medianMs)}`,
    "",
    null,
  );
  row("  picklescan -p on the same layout (research notes)", "0.14 s, 21 MB RSS", "", null);
  const clean = runOnce(modelgate(torchPath, "--no-hash", "--format", "json"));
  const cleanFindings = findingsOf(clean).filter((f) => f.severity !== "info");
  check(
    "clean 2 GiB zip verdict",
    clean.code === 0 && cleanFindings.length === 0,
    `exit ${clean.code}, ${cleanFindings.length} finding(s) above info`,
  );

  const malPath = join(DIR, "torch-2g-malicious-member37.pt");
  const t = performance.now();
  writeTorchZip(malPath, 64, { key: 37, bytes: MALICIOUS_PICKLE });
  flush();
  console.log(`  (wrote ${malPath} in ${s(performance.now() - t)})`);
  const mal = measureMany({ scan: modelgate(malPath, "--no-hash") }, Math.min(RUNS, 5)).scan!;
  results.aMalicious = mal;
  row("modelgate scan --no-hash (malicious member 37)", timing(mal), "< 0.2 s wall", mal.medianMs < 200);
  const json = runOnce(modelgate(malPath, "--no-hash", "--format", "json"));
  const crit = findingsOf(json).find((f) => f.severity === "critical");
  const ok = json.code === 1 && crit !== undefined && crit.location.startsWith("archive/data/37@");
  check(
    "malicious member 37 verdict",
    ok,
    crit
      ? `exit ${json.code}, ${crit.ruleId} ${crit.severity} at ${crit.location}: ${crit.evidence?.call ?? crit.message}`
      : `exit ${json.code}, no critical finding (stderr: ${json.stderr.trim().slice(0, 200)})`,
  );
  remove(malPath);
}

function caseB(): void {
  console.log("\n(b) 1 GiB raw pickle, a single BINBYTES8 argument");
  const path = join(DIR, "bytes-1g.pkl");
  const t = performance.now();
  writeBigBytesPickle(path, GiB);
  flush();
  console.log(`  (wrote ${path} in ${s(performance.now() - t)})`);
  const st = measureMany({ scan: modelgate(path, "--no-hash") }, Math.min(RUNS, 5)).scan!;
  results.b = st;
  row("modelgate scan --no-hash (1 GiB BINBYTES8 pickle)", timing(st), "RSS < 100 MB", st.maxRssMB < 100);
  row("  picklescan / modelscan (research notes)", "1.24 s / 1.07 GB, 1.25 s / 1.10 GB", "", null);
  const json = runOnce(modelgate(path, "--no-hash", "--format", "json"));
  const above = findingsOf(json).filter((f) => f.severity !== "info");
  check(
    "1 GiB pickle verdict",
    json.code === 0 && above.length === 0,
    `exit ${json.code}${above.length ? `, ${above.map((f) => `${f.ruleId} ${f.location}`).join("; ")}` : ""}`,
  );
  remove(path);
}

async function caseC(torchPath: string): Promise<void> {
  console.log("\n(c) with hashing");
  const size = statSync(torchPath).size;
  const rounds = Math.min(RUNS, 3);
  const one = measureMany(
    { openssl: ["openssl", "dgst", "-sha256", torchPath], scan: modelgate(torchPath) },
    rounds,
  );
  results.cSingle = one;
  const mibps = (st: Stats) => `${Math.round(size / MiB / (st.medianMs / 1000))} MiB/s`;
  row("openssl dgst -sha256 (2 GiB zip)", `${timing(one.openssl!)}, ${mibps(one.openssl!)}`, "", null);
  const ratio = one.openssl!.medianMs / one.scan!.medianMs;
  row(
    "modelgate scan with hashing (2 GiB zip)",
    `${timing(one.scan!)}, ${mibps(one.scan!)} = ${ratio.toFixed(2)}x openssl`,
    ">= 0.85x openssl",
    ratio >= 0.85,
  );
  const hashed = runOnce(modelgate(torchPath, "--format", "json"));
  const expected = spawnSync("openssl", ["dgst", "-sha256", "-r", torchPath], {
    encoding: "utf8",
  }).stdout.split(" ")[0];
  const got = (JSON.parse(hashed.stdout) as { files: { sha256: string }[] }).files[0]?.sha256;
  check("sha256 in the report equals openssl's", got === expected && hashed.code === 0, `${got}`);

  const model = join(DIR, "model-4x512");
  mkdirSync(model, { recursive: true });
  const shards = [1, 2, 3, 4].map((i) => join(model, `pytorch_model-0000${i}-of-00004.bin`));
  const t = performance.now();
  for (const p of shards) writeTorchZip(p, 16);
  flush();
  console.log(`  (wrote ${model} in ${s(performance.now() - t)})`);
  const openssl4 = () => {
    const t0 = performance.now();
    let rss = 0;
    for (const p of shards) rss = Math.max(rss, runOnce(["openssl", "dgst", "-sha256", p]).rssMB);
    return { wallMs: performance.now() - t0, rssMB: rss };
  };
  openssl4();
  runOnce(modelgate(model));
  const seq: number[] = [];
  const scans: Run[] = [];
  for (let i = 0; i < rounds; i++) {
    seq.push(openssl4().wallMs);
    scans.push(runOnce(modelgate(model)));
  }
  const seqMed = median(seq);
  const scanMed = median(scans.map((r) => r.wallMs));
  results.cMulti = { opensslSequentialMs: seq, scanMs: scans.map((r) => r.wallMs) };
  row(
    "openssl dgst, 4 x 512 MiB one after another",
    `${s(seqMed)} median, ${s(Math.min(...seq))} min (${rounds} runs)`,
    "",
    null,
  );
  row(
    "modelgate scan with hashing (4 x 512 MiB model)",
    `${s(scanMed)} median, ${s(Math.min(...scans.map((r) => r.wallMs)))} min, RSS ${mb(median(scans.map((r) => r.rssMB)))} = ${(seqMed / scanMed).toFixed(2)}x faster`,
    "faster than openssl sequential",
    scanMed < seqMed,
  );
  const modelRun = scans[scans.length - 1]!;
  check("4-shard model verdict", modelRun.code === 0, `exit ${modelRun.code}`);
  remove(model);

  console.log("  benchHash (hashFiles in-process API vs openssl; random-byte files)");
  const h = await benchHash(join(DIR, "hash"), { keepFiles: args.keep === true });
  results.benchHash = h;
  row(
    "hashFiles, 1 x 2 GiB",
    `${h.single.autoMs} ms (${h.single.oursMBps} MiB/s) vs openssl ${h.single.opensslMs} ms (${h.single.opensslMBps} MiB/s) = ${h.single.ratio}x [in-process ${h.single.inProcessMs} ms, one worker ${h.single.oneWorkerMs} ms]`,
    ">= 0.85x openssl",
    h.single.ratio >= 0.85,
  );
  row(
    "hashFiles, 4 x 512 MiB",
    `${h.multi.oursMs} ms vs openssl one after another ${h.multi.opensslSequentialMs} ms = ${h.multi.speedup}x faster [in-process ${h.multi.inProcessMs} ms]`,
    "faster than openssl sequential",
    h.multi.speedup > 1,
  );
  row("hashFiles RSS growth", `${h.rssGrowthMiB} MiB`, "", null);
}

/**
 * One large file judged from its headers (d, e) or structure (f): wall time against `node -e 0` in the
 * same run, RSS, and the verdict (a clean file: exit 0, nothing above info).
 */
function caseHeaderOnly(
  label: string,
  name: string,
  write: (path: string) => void,
  targets: { wallMs?: number; rssMB: number },
): void {
  console.log(`\n(${label}) ${name}`);
  const path = join(DIR, name.replace(/[^a-z0-9.]+/gi, "-"));
  const t = performance.now();
  write(path);
  flush();
  console.log(`  (wrote ${path}: ${statSync(path).size} bytes in ${s(performance.now() - t)})`);
  const st = measureMany({ node: ["node", "-e", "0"], scan: modelgate(path, "--no-hash") }, RUNS);
  const scan = st.scan!;
  results[label] = st;
  row("node -e 0", timing(st.node!), "", null);
  if (targets.wallMs !== undefined)
    row(
      `modelgate scan --no-hash (${name})`,
      timing(scan),
      `< ${s(targets.wallMs)} wall`,
      scan.medianMs < targets.wallMs,
    );
  else row(`modelgate scan --no-hash (${name})`, timing(scan), "", null);
  row("  RSS", mb(scan.maxRssMB), `< ${targets.rssMB} MB`, scan.maxRssMB < targets.rssMB);
  row("  over node -e 0", `${(scan.medianMs / st.node!.medianMs).toFixed(2)}x wall`, "", null);
  const json = runOnce(modelgate(path, "--no-hash", "--format", "json"));
  const above = findingsOf(json).filter((f) => f.severity !== "info");
  check(
    `${name} verdict`,
    json.code === 0 && above.length === 0,
    `exit ${json.code}${above.length ? `, ${above.map((f) => `${f.ruleId} ${f.location}`).join("; ")}` : ""}`,
  );
  remove(path);
}

// ---------------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  if (!existsSync(TIME)) {
    console.error(`${TIME} is missing: install it with 'apt-get install time'`);
    return 2;
  }
  if (!existsSync(join(ROOT, "dist", "cli", "main.js"))) {
    console.error("dist/ is missing: run 'npm run build' first (the benchmark times the built CLI)");
    return 2;
  }
  mkdirSync(DIR, { recursive: true });
  const openssl = spawnSync("openssl", ["version"], { encoding: "utf8" }).stdout.trim();
  console.log(
    `machine: ${availableParallelism()} CPUs (${cpus()[0]?.model ?? "?"}), node ${process.version}, ${openssl}`,
  );
  console.log(`inputs in ${DIR}${args.keep ? " (kept)" : " (removed afterwards)"}; ${RUNS} timed runs`);

  const torchPath = join(DIR, "torch-2g.pt");
  const needTorch = ONLY.has("a") || ONLY.has("c");
  if (needTorch && !(args.keep && existsSync(torchPath))) {
    const t = performance.now();
    const bytes = writeTorchZip(torchPath, 64);
    flush();
    console.log(`(wrote ${torchPath}: ${bytes} bytes in ${s(performance.now() - t)})`);
  }
  try {
    if (ONLY.has("a")) caseA(torchPath);
    if (ONLY.has("b")) caseB();
    if (ONLY.has("c")) await caseC(torchPath);
    if (ONLY.has("d"))
      caseHeaderOnly("d", "10 GiB sparse model.safetensors", (p) => writeSparseSafetensors(p, 10 * GiB), {
        wallMs: 200,
        rssMB: 100,
      });
    if (ONLY.has("e"))
      caseHeaderOnly("e", "10 GiB sparse model.gguf", (p) => writeSparseGguf(p, 10 * GiB), {
        wallMs: 200,
        rssMB: 100,
      });
    if (ONLY.has("f"))
      caseHeaderOnly("f", "ONNX with 1 GiB of initializers model.onnx", (p) => writeLargeOnnx(p, GiB), {
        rssMB: 100,
      });
  } finally {
    remove(torchPath, timeOut);
  }

  console.log("\n| figure | measured | target | result |\n| --- | --- | --- | --- |");
  for (const r of rows)
    console.log(`| ${r.figure} | ${r.measured} | ${r.target || "-"} | ${verdict(r.pass)} |`);
  const json = join(DIR, "bench-scan.json");
  writeFileSync(
    json,
    JSON.stringify({ rows, results }, (_k, v) => (_k === "last" ? undefined : v), 2),
  );
  console.log(`\nraw figures: ${json}`);
  if (failures.length) {
    console.error(`\n${failures.length} verdict(s) wrong:\n  ${failures.join("\n  ")}`);
    return 1;
  }
  return 0;
}

process.exitCode = await main();
