import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { ModelgateError } from "../errors.js";
import { VERSION } from "../version.js";
import { runScanCommand } from "./scan-command.js";

export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
}

/** Runs the CLI and returns its exit code; never calls process.exit, so tests can drive it in-process. */
export async function main(argv: string[], io: CliIO = process): Promise<number> {
  let exitCode = 0;
  const program = new Command()
    .name("modelgate")
    .description(
      "Gate open-source AI models before they run: a static scanner for model artifacts that never executes them.",
    )
    .version(VERSION, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .exitOverride();

  program
    .command("scan")
    .summary("scan a model file or folder for malicious or unverifiable content")
    .description(
      [
        "Scan a model file or a model folder (every file, whatever its name) without executing it.",
        "Formats are identified by their bytes: pickle (protocols 0-5), PyTorch zip, TorchScript and legacy",
        "checkpoints, numpy .npy/.npz, joblib (plain and compressed), gzip/bz2/xz/lzma/zlib wrappers, zip, tar, 7z.",
        "",
        "Exit codes: 0 no finding at or above --fail-on; 1 at least one; 2 usage error or unreadable target;",
        "3 nothing in the target was recognized as a model format.",
      ].join("\n"),
    )
    .argument("<path>", "model file or folder")
    .addOption(
      new Option("-f, --format <format>", "report format").choices(["text", "json", "sarif"]).default("text"),
    )
    .option("-o, --output <file>", "write the report to a file instead of stdout")
    .addOption(
      new Option("--fail-on <severity>", "lowest severity that makes the scan exit 1")
        .choices(["critical", "high", "medium", "low", "info"])
        .default(undefined, "medium, or scan.failOn in the config"),
    )
    .option("--no-hash", "skip SHA-256 hashing of every file (verdict only, faster on large models)")
    .option("-c, --config <file>", "configuration file (default: ./modelgate.yaml when present)")
    .option("--no-color", "plain text output without ANSI colors")
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  $ modelgate scan ./my-model/                      # text report, exit 1 on medium or worse",
        "  $ modelgate scan model.pt --format json -o report.json",
        "  $ modelgate scan ./models --format sarif --fail-on high > modelgate.sarif",
        "  $ modelgate scan big-model.pt --no-hash           # verdict only, seconds on multi-GB files",
      ].join("\n"),
    )
    .action(async (path: string, opts: ScanCommandOptionsRaw) => {
      exitCode = await runScanCommand(path, opts, io);
    });

  for (const name of ["vet", "serve", "registry", "eval", "monitor"]) {
    program
      .command(name, { hidden: true })
      .allowUnknownOption()
      .allowExcessArguments()
      .action(() => {
        io.stderr.write(`modelgate: '${name}' is not built yet in this release; only 'scan' is available.\n`);
        exitCode = 2;
      });
  }

  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version") return 0;
      if (err.code === "commander.help") return 0;
      return 2;
    }
    if (err instanceof InvalidArgumentError) return 2;
    if (err instanceof ModelgateError) {
      io.stderr.write(`modelgate: ${err.message}\n`);
      return 2;
    }
    io.stderr.write(`modelgate: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    return 2;
  }
}

export interface ScanCommandOptionsRaw {
  format: "text" | "json" | "sarif";
  output?: string;
  failOn?: "critical" | "high" | "medium" | "low" | "info";
  hash: boolean;
  config?: string;
  color: boolean;
}
