/**
 * The registry API under load (issue 5: list and show at 500 requests/s with p99 under 25 ms), on the
 * PostgreSQL backend: a throwaway cluster (scripts/postgres-for-tests.sh, or MODELGATE_BENCH_POSTGRES_URL
 * for a server of your own; a fresh database is created on it), seeded with N models of one version each
 * through the Registry service, then `modelgate serve --db URL` (the built binary, rebuilt first) and
 * autocannon offering a fixed rate to
 *   GET /healthz                      the baseline: the HTTP stack with no database
 *   GET /api/v1/models?limit=50       list
 *   GET /api/v1/models/{name}         show, over 1,000 different names
 * in the same run. Prints requests/s and p50/p99 latency, with ratios against the baseline.
 *
 * Usage: npm run bench:api -- [--models N] [--rate R] [--duration S] [--connections C]
 * Exits non-zero only on errors (a failed request, a non-2xx answer), never for a slow figure.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import type { VetReport } from "../src/policy/types.js";
import { vet } from "../src/policy/vet.js";
import { openDb } from "../src/registry/db.js";
import { Registry } from "../src/registry/registry.js";
import { writePermissiveRepo } from "../test/writers/model-repos.js";

const ROOT = join(import.meta.dirname, "..");

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;

const { values } = parseArgs({
  options: {
    models: { type: "string", default: "10000" },
    rate: { type: "string", default: "500" },
    duration: { type: "string", default: "15" },
    connections: { type: "string", default: "10" },
  },
});
const MODELS = Number(values.models);
const RATE = Number(values.rate);
const DURATION = Number(values.duration);
const CONNECTIONS = Number(values.connections);

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function freshDatabase(serverUrl: string): Promise<string> {
  const name = `mg_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** N models, one version each, through the service (each a transaction with its audit entries). */
async function seed(url: string, report: VetReport): Promise<{ token: string; names: string[] }> {
  const db = await openDb({ url });
  try {
    const registry = new Registry(db);
    const m = { actor: { tokenId: "bench", name: "bench", role: "admin" as const }, requestId: "bench-seed" };
    const names = Array.from({ length: MODELS }, (_, i) => `bench-model-${String(i).padStart(5, "0")}`);
    const started = Date.now();
    let next = 0;
    const worker = async () => {
      while (next < names.length) {
        const name = names[next++]!;
        await registry.createModel(m, { name, owner: "bench", tags: ["bench"] });
        await registry.registerVersion(m, name, { vetReport: report });
        if (next % 1000 === 0)
          log(`  seeded ${next} models (${((Date.now() - started) / 1000).toFixed(0)} s)`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    log(`seeded ${MODELS} models with one version each in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const { token } = await registry.createToken(null, { name: "bench", role: "viewer" });
    return { token, names };
  } finally {
    await db.close();
  }
}

async function startServer(url: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(
    process.execPath,
    [join(ROOT, "bin", "modelgate.js"), "serve", "--db", url, "--port", "0", "--no-worker"],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } },
  );
  let output = "";
  const base = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /https?:\/\/(?:127\.0\.0\.1|localhost|0\.0\.0\.0):(\d+)/.exec(output);
      if (match) resolve(`http://127.0.0.1:${match[1]}`);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`modelgate serve exited (${code}):\n${output}`)));
  });
  return { child, base };
}

interface Row {
  name: string;
  result: AutocannonResult;
}

async function main(): Promise<number> {
  log("building the CLI (npm run build)");
  execFileSync("npm", ["run", "build", "--silent"], { cwd: ROOT, stdio: "inherit" });
  const { default: autocannon } = (await import("autocannon" as string)) as { default: Autocannon };

  let clusterDir: string | null = null;
  let serverUrl = process.env.MODELGATE_BENCH_POSTGRES_URL;
  if (!serverUrl) {
    clusterDir = execFileSync("bash", [join(ROOT, "scripts", "postgres-for-tests.sh"), "start"], {
      encoding: "utf8",
    }).trim();
    serverUrl = readFileSync(join(clusterDir, "url"), "utf8").trim();
    log(`throwaway PostgreSQL cluster at ${serverUrl}`);
  }
  let server: ChildProcess | null = null;
  try {
    const url = await freshDatabase(serverUrl);
    const repoRoot = mkdtempSync(join(tmpdir(), "modelgate-bench-api-"));
    const report = await vet(writePermissiveRepo(repoRoot).path, { hash: true });
    rmSync(repoRoot, { recursive: true, force: true });
    const { token, names } = await seed(url, report);
    const started = await startServer(url);
    server = started.child;
    const headers = { authorization: `Bearer ${token}` };
    const showNames = names.filter((_, i) => i % Math.max(1, Math.floor(names.length / 1000)) === 0);

    const run = async (name: string, options: Record<string, unknown>): Promise<Row> => {
      const common = { connections: CONNECTIONS, overallRate: RATE, duration: DURATION, headers };
      // A short warm-up (JIT, connection pool, PostgreSQL caches) whose figures are not kept.
      await autocannon({ ...common, ...options, duration: 3 });
      const result = await autocannon({ ...common, ...options });
      log(`  ${name}: ${result.requests.average.toFixed(0)} req/s, p99 ${result.latency.p99} ms`);
      return { name, result };
    };
    log(`autocannon: ${CONNECTIONS} connections offering ${RATE} requests/s for ${DURATION} s each`);
    const rows = [
      await run("GET /healthz (baseline)", { url: `${started.base}/healthz` }),
      await run("GET /api/v1/models?limit=50", { url: `${started.base}/api/v1/models?limit=50` }),
      await run("GET /api/v1/models/{name}", {
        url: started.base,
        requests: [
          {
            method: "GET",
            setupRequest: (req: Record<string, unknown>) => ({
              ...req,
              path: `/api/v1/models/${showNames[Math.floor(Math.random() * showNames.length)]}`,
            }),
          },
        ],
      }),
    ];
    printTable(rows);
    const failed = rows.filter((r) => r.result.errors + r.result.timeouts + r.result.non2xx > 0);
    for (const r of failed) {
      log(
        `ERRORS on ${r.name}: ${r.result.errors} errors, ${r.result.timeouts} timeouts, ${r.result.non2xx} non-2xx`,
      );
    }
    return failed.length > 0 ? 1 : 0;
  } finally {
    server?.kill("SIGTERM");
    if (clusterDir) spawnSync("bash", [join(ROOT, "scripts", "postgres-for-tests.sh"), "stop", clusterDir]);
  }
}

function printTable(rows: Row[]): void {
  const baseline = rows[0]!.result;
  const target = (r: Row) =>
    r === rows[0]
      ? ""
      : r.result.requests.average >= RATE * 0.98 && r.result.latency.p99 < 25
        ? "met"
        : "NOT met";
  const lines = [
    `| endpoint | req/s | p50 ms | p99 ms | p50 vs baseline | p99 vs baseline | target (${RATE} req/s, p99 < 25 ms) |`,
    "|---|---:|---:|---:|---:|---:|---|",
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.result.requests.average.toFixed(0)} | ${r.result.latency.p50} | ${r.result.latency.p99} | ` +
        `${(r.result.latency.p50 / Math.max(baseline.latency.p50, 1)).toFixed(1)}x | ` +
        `${(r.result.latency.p99 / Math.max(baseline.latency.p99, 1)).toFixed(1)}x | ${target(r)} |`,
    ),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  process.stdout.write(
    `(${MODELS} models; ${CONNECTIONS} connections; ${DURATION} s per endpoint; node ${process.version}; ` +
      `PostgreSQL ${pgVersion()}; ${cpus().length} CPUs, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")} at the end)\n`,
  );
}

function pgVersion(): string {
  const r = spawnSync("bash", ["-c", "ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1"], {
    encoding: "utf8",
  });
  return r.stdout.trim() || "?";
}

process.exitCode = await main();
