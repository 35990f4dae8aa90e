import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { buildMlBom } from "../bom/build-ml-bom.js";
import { readModelCard } from "../card/read-model-card.js";
import type { ModelCard } from "../card/types.js";
import { CONFIG_FILE_NAME, loadConfig, type ModelgateConfig } from "../config/load-config.js";
import { ModelgateError } from "../errors.js";
import { vet } from "../policy/vet.js";
import type { BomCommandOptions, CliIO } from "./main.js";
import { createProgress } from "./progress.js";

/** A model card larger than this is not a card: the BOM is built without its details. */
const MAX_CARD_BYTES = 1 << 20;

/** `modelgate bom <target>`: exit 0 once the BOM is written, whatever the verdict; 2 on usage or an unreadable target. */
export async function runBomCommand(target: string, opts: BomCommandOptions, io: CliIO): Promise<number> {
  let config: ModelgateConfig = {};
  if (opts.config) config = await loadConfig(opts.config);
  else if (existsSync(CONFIG_FILE_NAME)) config = await loadConfig(CONFIG_FILE_NAME);

  const progress = createProgress(io.stderr as NodeJS.WriteStream);
  let report: Awaited<ReturnType<typeof vet>>;
  try {
    report = await vet(target, {
      hash: opts.hash,
      config,
      hub: { baseUrl: opts.hubUrl ?? io.env.HF_ENDPOINT, token: io.env.HF_TOKEN },
      onProgress: (done, total, label) => progress.update(done, total, label),
    });
  } finally {
    progress.done();
  }

  const local = !target.startsWith("hf:");
  const card = local ? localCard(target) : undefined;
  const bom = buildMlBom(report, {
    ...(card ? { card } : {}),
    ...(local ? { name: basename(resolve(target)) } : {}),
  });
  const text = `${JSON.stringify(bom, null, 2)}\n`;
  if (opts.output) {
    try {
      writeFileSync(opts.output, text);
    } catch (cause) {
      throw new ModelgateError(
        "USAGE",
        `cannot write the BOM to ${opts.output}: ${(cause as Error).message}`,
        {
          cause,
        },
      );
    }
    io.stderr.write(`modelgate: BOM written to ${opts.output} (verdict: ${report.verdict}).\n`);
  } else {
    io.stdout.write(text);
  }
  return 0;
}

/**
 * The full card of a local folder (task, datasets, results, sections), which the vet report only
 * summarizes. A Hub target's card is not fetched twice: its BOM carries the report's summary only.
 */
function localCard(target: string): ModelCard | undefined {
  if (!statSync(target).isDirectory()) return undefined;
  const path = join(target, "README.md");
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st?.isFile() || st.size > MAX_CARD_BYTES) return undefined;
  return readModelCard(readFileSync(path, "utf8"));
}
