import type { VetReport } from "../policy/types.js";
import { vet } from "../policy/vet.js";
import { loadCommandConfig } from "./command-config.js";
import type { BomCommandOptions, CliIO, VetCommandOptions } from "./main.js";
import { createProgress } from "./progress.js";
import { writeReport } from "./write-report.js";

/**
 * DESIGN.md, "CLI exit codes": 0 approved, 1 rejected or needs-review; 3 when an approved target holds
 * nothing any reader recognizes (1 beats 3), since then there was no model to approve.
 */
export function vetExitCode(report: VetReport): 0 | 1 | 3 {
  if (report.verdict !== "approved") return 1;
  return report.scan.files.every((f) => f.format === "unknown") ? 3 : 0;
}

/** `modelgate vet <target>`: 0 approved, 1 rejected or needs-review, 2 usage error or unreadable target, 3 nothing recognized. */
export async function runVetCommand(target: string, opts: VetCommandOptions, io: CliIO): Promise<number> {
  const report = await vetTarget(target, opts, io);
  const exitCode = vetExitCode(report);

  // Renderers load on demand, as scan's do.
  let text: string;
  if (opts.format === "json") text = (await import("../policy/render/json.js")).renderVetJson(report);
  else if (opts.format === "sarif")
    text = (await import("../policy/render/sarif.js")).renderVetSarif(report, { exitCode });
  else {
    const color = opts.color && !opts.output && io.stdout.isTTY === true && !io.env.NO_COLOR;
    text = (await import("../policy/render/text.js")).renderVetText(report, { color });
  }
  writeReport(
    text,
    {
      output: opts.output,
      what: "report",
      written: `vet report written to ${opts.output} (verdict: ${report.verdict}).`,
    },
    io,
  );
  if (exitCode === 3) {
    io.stderr.write(
      `modelgate: nothing in ${target} was recognized as a model format (see the unscanned-content findings).\n`,
    );
  }
  return exitCode;
}

/** What `vet` and `bom` both start with: the configuration, then the vet report, with progress on stderr. */
export async function vetTarget(
  target: string,
  opts: Pick<BomCommandOptions, "config" | "hash" | "hubUrl">,
  io: CliIO,
): Promise<VetReport> {
  const config = await loadCommandConfig(opts.config);
  const progress = createProgress(io.stderr as NodeJS.WriteStream);
  try {
    return await vet(target, {
      hash: opts.hash,
      config,
      hub: { baseUrl: opts.hubUrl ?? io.env.HF_ENDPOINT, token: io.env.HF_TOKEN },
      onProgress: (done, total, label) => progress.update(done, total, label),
    });
  } finally {
    progress.done();
  }
}
