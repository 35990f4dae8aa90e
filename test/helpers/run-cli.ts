import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { Writable } from "node:stream";
import { main } from "../../src/cli/main.js";
import type { ScanReport } from "../../src/scan/types.js";

import { REPO_ROOT } from "./paths.js";

export { CORPUS_DIR, REPO_ROOT } from "./paths.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function sink(): Writable & { text: string } {
  const s = new Writable({
    write(chunk, _enc, cb) {
      s.text += chunk.toString();
      cb();
    },
  }) as Writable & { text: string };
  s.text = "";
  return s;
}

/** The CLI in-process, exactly as the binary runs it, with its output captured. */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const stdout = sink();
  const stderr = sink();
  const code = await main(args, { stdout, stderr, env });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

export async function scanJson(
  path: string,
  extra: string[] = [],
): Promise<{ code: number; report: ScanReport; stderr: string }> {
  const r = await runCli(["scan", path, "--format", "json", "--no-hash", ...extra]);
  if (!r.stdout) throw new Error(`no report (exit ${r.code}): ${r.stderr}`);
  return { code: r.code, report: JSON.parse(r.stdout) as ScanReport, stderr: r.stderr };
}

/** The built binary in a child process (needs `npm run build` first, which `npm test` does). */
export function runBin(args: string[], options: { cwd?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, "bin", "modelgate.js"), ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
