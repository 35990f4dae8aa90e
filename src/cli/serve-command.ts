import type { CliIO, ServeCommandOptions } from "./main.js";

export async function runServeCommand(_opts: ServeCommandOptions, io: CliIO): Promise<number> {
  io.stderr.write("modelgate: 'serve' is not built yet.\n");
  return 2;
}
