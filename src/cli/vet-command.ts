import type { CliIO, VetCommandOptions } from "./main.js";

export async function runVetCommand(_target: string, _opts: VetCommandOptions, io: CliIO): Promise<number> {
  io.stderr.write("modelgate: 'vet' is not built yet.\n");
  return 2;
}
