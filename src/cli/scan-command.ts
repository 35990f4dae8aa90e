import { scanExitCode } from "../scan/outcome.js";
import { scan } from "../scan/scan.js";
import type { Severity } from "../scan/types.js";
import { loadCommandConfig } from "./command-config.js";
import type { CliIO, ScanCommandOptionsRaw } from "./main.js";
import { createProgress } from "./progress.js";
import { writeReport } from "./write-report.js";

export async function runScanCommand(
  target: string,
  opts: ScanCommandOptionsRaw,
  io: CliIO,
): Promise<number> {
  const config = await loadCommandConfig(opts.config);
  const failOn: Severity = opts.failOn ?? config.scan?.failOn ?? "medium";

  const progress = createProgress(io.stderr as NodeJS.WriteStream);
  let report: Awaited<ReturnType<typeof scan>>;
  try {
    report = await scan(target, {
      hash: opts.hash,
      config,
      onProgress: (done, total, label) => progress.update(done, total, label),
    });
  } finally {
    progress.done();
  }
  const exitCode = scanExitCode(report, failOn);

  // Renderers load on demand: a JSON report needs neither SARIF's (node:crypto) nor the rule texts.
  let text: string;
  if (opts.format === "json") text = (await import("../scan/render/json.js")).renderJson(report);
  else if (opts.format === "sarif") {
    const [{ renderSarif }, { RULES }] = await Promise.all([
      import("../scan/render/sarif.js"),
      import("../scan/rules.js"),
    ]);
    text = renderSarif(report, [...RULES.values()], { exitCode });
  } else {
    const [{ renderText }, { RULES }] = await Promise.all([
      import("../scan/render/text.js"),
      import("../scan/rules.js"),
    ]);
    const color = opts.color && !opts.output && io.stdout.isTTY === true && !io.env.NO_COLOR;
    text = renderText(report, { color, rules: RULES, failOn });
  }
  writeReport(text, { output: opts.output, what: "report" }, io);
  if (exitCode === 3) {
    io.stderr.write(
      `modelgate: nothing in ${target} was recognized as a model format (see the unscanned-content findings).\n`,
    );
  }
  return exitCode;
}
