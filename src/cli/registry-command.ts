import type { CliIO } from "./main.js";

/** `modelgate registry <subcommand> ...`: parses its own arguments (subcommands with their options). */
export async function runRegistryCommand(_args: string[], io: CliIO): Promise<number> {
  io.stderr.write("modelgate: 'registry' is not built yet.\n");
  return 2;
}
