/**
 * A `modelgate serve` child process (the built binary, as users run it) for the registry suites that need
 * a real process: SIGKILL, restart on the same data, two clients at once. `npm test` builds first.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { VetReport } from "../../src/policy/types.js";
import { RegistryClient } from "../../src/registry/client.js";
import type { Role } from "../../src/registry/types.js";
import { type Backend, freshPostgresDatabase } from "./databases.js";
import { REPO_ROOT, runCli } from "./run-cli.js";

/** Where a registry lives, as CLI options: `--data DIR` (PGlite) or `--db URL` (PostgreSQL). */
export async function registryLocation(backend: Backend["name"]): Promise<string[]> {
  if (backend === "postgres") return ["--db", await freshPostgresDatabase()];
  return ["--data", join(mkdtempSync(join(tmpdir(), "modelgate-registry-")), "data")];
}

/** Creates a token with the embedded CLI (a local admin); the server is not running on this data yet. */
export async function createTokenEmbedded(location: string[], name: string, role: Role): Promise<string> {
  const r = await runCli([
    "registry",
    "token",
    "create",
    "--name",
    name,
    "--role",
    role,
    "--format",
    "json",
    ...location,
  ]);
  if (r.code !== 0) throw new Error(`token create failed (${r.code}): ${r.stderr}`);
  return (JSON.parse(r.stdout) as { token: string }).token;
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  client: (token: string) => RegistryClient;
  /** SIGTERM and wait for the exit. */
  stop: () => Promise<void>;
  /** SIGKILL: no shutdown code runs. */
  kill: () => Promise<void>;
}

const LISTENING = /https?:\/\/(?:127\.0\.0\.1|localhost|\[::1\]|0\.0\.0\.0):(\d+)/;

/** Starts `modelgate serve --port 0` on `location` and resolves once it prints where it listens. */
export async function startServerProcess(location: string[], timeoutMs = 60_000): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [join(REPO_ROOT, "bin", "modelgate.js"), "serve", "--port", "0", ...location],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`modelgate serve did not say where it listens within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = LISTENING.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${match[1]}`);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`modelgate serve exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    url,
    child,
    output: () => output,
    client: (token) => new RegistryClient(url, { token }),
    stop: () => end("SIGTERM"),
    kill: () => end("SIGKILL"),
  };
}

/**
 * A copy of a vet report that stands for different content (another sha256 on its first file), padded
 * with `extraFiles` more manifest entries when a large request body is wanted.
 */
export function reportVariant(report: VetReport, variant: number, extraFiles = 0): VetReport {
  const copy = structuredClone(report);
  const first = copy.scan.files[0]!;
  first.sha256 = createHash("sha256").update(`variant ${variant}`).digest("hex");
  for (let i = 0; i < extraFiles; i++) {
    copy.scan.files.push({
      ...structuredClone(first),
      path: `shards/part-${String(i).padStart(6, "0")}.bin`,
      sha256: createHash("sha256").update(`variant ${variant} file ${i}`).digest("hex"),
    });
  }
  return copy;
}
