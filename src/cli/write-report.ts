import { writeFileSync } from "node:fs";
import { ModelgateError } from "../errors.js";
import type { CliIO } from "./main.js";

export interface ReportDestination {
  /** `--output`: the file to write; stdout without one. */
  output: string | undefined;
  /** What the report is, for the error when the file cannot be written ("report", "BOM"). */
  what: string;
  /** Said on stderr once the file is written (stdout stays empty, so the user learns where it went). */
  written?: string;
}

/** Writes a rendered report to `--output` or to stdout; a file that cannot be written is a usage error. */
export function writeReport(text: string, to: ReportDestination, io: CliIO): void {
  if (!to.output) {
    io.stdout.write(text);
    return;
  }
  try {
    writeFileSync(to.output, text);
  } catch (cause) {
    const why = (cause as Error).message;
    throw new ModelgateError("USAGE", `cannot write the ${to.what} to ${to.output}: ${why}`, { cause });
  }
  if (to.written) io.stderr.write(`modelgate: ${to.written}\n`);
}
