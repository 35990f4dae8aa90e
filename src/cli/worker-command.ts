import type { CliIO, WorkerCommandOptions } from "./main.js";

export async function runWorkerCommand(_opts: WorkerCommandOptions, io: CliIO): Promise<number> {
  io.stderr.write("modelgate: 'worker' is not built yet.\n");
  return 2;
}
