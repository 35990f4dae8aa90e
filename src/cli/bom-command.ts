import type { BomCommandOptions, CliIO } from "./main.js";

export async function runBomCommand(_target: string, _opts: BomCommandOptions, io: CliIO): Promise<number> {
  io.stderr.write("modelgate: 'bom' is not built yet.\n");
  return 2;
}
