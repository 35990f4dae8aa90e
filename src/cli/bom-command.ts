import { readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { buildMlBom } from "../bom/build-ml-bom.js";
import { readModelCard } from "../card/read-model-card.js";
import type { ModelCard } from "../card/types.js";
import type { BomCommandOptions, CliIO } from "./main.js";
import { vetTarget } from "./vet-command.js";
import { writeReport } from "./write-report.js";

/** A model card larger than this is not a card: the BOM is built without its details. */
const MAX_CARD_BYTES = 1 << 20;

/** `modelgate bom <target>`: exit 0 once the BOM is written, whatever the verdict; 2 on usage or an unreadable target. */
export async function runBomCommand(target: string, opts: BomCommandOptions, io: CliIO): Promise<number> {
  const report = await vetTarget(target, opts, io);
  const local = !target.startsWith("hf:");
  const card = local ? localCard(target) : undefined;
  const bom = buildMlBom(report, {
    ...(card ? { card } : {}),
    ...(local ? { name: basename(resolve(target)) } : {}),
  });
  const text = `${JSON.stringify(bom, null, 2)}\n`;
  writeReport(
    text,
    {
      output: opts.output,
      what: "BOM",
      written: `BOM written to ${opts.output} (verdict: ${report.verdict}).`,
    },
    io,
  );
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
