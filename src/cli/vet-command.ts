import { existsSync, writeFileSync } from "node:fs";
import { CONFIG_FILE_NAME, loadConfig, type ModelgateConfig } from "../config/load-config.js";
import { ModelgateError } from "../errors.js";
import type { VetReport } from "../policy/types.js";
import { vet } from "../policy/vet.js";
import type { CliIO, VetCommandOptions } from "./main.js";
import { createProgress } from "./progress.js";

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
  let config: ModelgateConfig = {};
  if (opts.config) config = await loadConfig(opts.config);
  else if (existsSync(CONFIG_FILE_NAME)) config = await loadConfig(CONFIG_FILE_NAME);

  const progress = createProgress(io.stderr as NodeJS.WriteStream);
  let report: VetReport;
  try {
    report = await vet(target, {
      hash: opts.hash,
      config,
      hub: {
        ...((opts.hubUrl ?? io.env.HF_ENDPOINT) ? { baseUrl: opts.hubUrl ?? io.env.HF_ENDPOINT } : {}),
        ...(io.env.HF_TOKEN !== undefined ? { token: io.env.HF_TOKEN } : {}),
      },
      onProgress: (done, total, label) => progress.update(done, total, label),
    });
  } finally {
    progress.done();
  }
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
  if (opts.output) {
    try {
      writeFileSync(opts.output, text);
    } catch (cause) {
      throw new ModelgateError(
        "USAGE",
        `cannot write the report to ${opts.output}: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
    io.stderr.write(`modelgate: vet report written to ${opts.output} (verdict: ${report.verdict}).\n`);
  } else {
    io.stdout.write(text);
  }
  if (exitCode === 3) {
    io.stderr.write(
      `modelgate: nothing in ${target} was recognized as a model format (see the unscanned-content findings).\n`,
    );
  }
  return exitCode;
}
