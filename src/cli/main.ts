import { ModelgateError } from "../errors.js";
import { VERSION } from "../version.js";

export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
}

const FORMATS = ["text", "json", "sarif"] as const;
const FAIL_ON = ["critical", "high", "medium", "low", "info"] as const;

/**
 * Runs the CLI and returns its exit code; never calls process.exit, so tests can drive it in-process.
 *
 * Process start counts (docs/benchmarks.md): a plain `scan <path> [options]` whose every option is valid
 * is parsed here without loading commander (~15-25 ms of a ~0.17 s scan); anything else (help, version,
 * an unknown or invalid option, another command) goes through commander, which prints help and errors.
 */
export async function main(argv: string[], io: CliIO = process): Promise<number> {
  const fast = parseScanFast(argv);
  if (fast) {
    try {
      return await runScan(fast.path, fast.opts, io);
    } catch (err) {
      return reportError(err, io);
    }
  }
  return mainWithCommander(argv, io);
}

type RunScan = (path: string, opts: ScanCommandOptionsRaw, io: CliIO) => Promise<number>;

const runScan: RunScan = async (path, opts, io) => {
  const { runScanCommand } = await import("./scan-command.js");
  return runScanCommand(path, opts, io);
};

/** The full CLI through commander: help, version, errors, every command. `run` is replaceable for tests. */
export async function mainWithCommander(argv: string[], io: CliIO, run: RunScan = runScan): Promise<number> {
  const { Command, CommanderError, InvalidArgumentError, Option } = await import("commander");
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
    .exitOverride()
    // Options after a subcommand belong to it (`registry promote --version 2` is not the program's --version).
    .enablePositionalOptions();

  program
    .command("scan")
    .summary("scan a model file or folder for malicious or unverifiable content")
    .description(
      [
        "Scan a model file or a model folder (every file, whatever its name) without",
        "executing it. Formats are identified by their bytes: pickle (protocols 0-5),",
        "PyTorch zip, TorchScript and legacy checkpoints, numpy .npy/.npz, joblib,",
        "safetensors (and shard indexes), GGUF (and chat templates), ONNX (and",
        "external data), Keras .keras/.h5, TensorFlow SavedModel/GraphDef, TFLite,",
        "configs that load code (auto_map, Hydra _target_, chat templates, skops),",
        "Python source, machine code; gzip/bz2/xz/lzma/zlib, zip, tar, 7z containers.",
        "A folder also gets a repository view: weight formats, parameters, remote code.",
        "",
        "Exit codes: 0 no finding at or above --fail-on; 1 at least one; 2 usage error",
        "or unreadable target; 3 nothing in the target was recognized.",
      ].join("\n"),
    )
    .argument("<path>", "model file or folder")
    .addOption(new Option("-f, --format <format>", "report format").choices(FORMATS).default("text"))
    .option("-o, --output <file>", "write the report to a file instead of stdout")
    .addOption(
      new Option("--fail-on <severity>", "lowest severity that makes the scan exit 1")
        .choices(FAIL_ON)
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
      exitCode = await run(path, opts, io);
    });

  program
    .command("vet")
    .summary("vet a model: scan, license and lineage, model card, openness, and a policy verdict")
    .description(
      [
        "Vet a model folder or a Hugging Face repository (hf:org/name[@revision], read without",
        "downloading weights) against the policy in modelgate.yaml (or the default policy).",
        "",
        "Exit codes: 0 approved; 1 rejected or needs-review; 2 usage error or unreadable target;",
        "3 nothing in the target was recognized as a model (and nothing else failed).",
      ].join("\n"),
    )
    .argument("<target>", "model folder, file, or hf:org/name[@revision]")
    .addOption(new Option("-f, --format <format>", "report format").choices(FORMATS).default("text"))
    .option("-o, --output <file>", "write the report to a file instead of stdout")
    .option(
      "-c, --config <file>",
      "configuration file with the policy (default: ./modelgate.yaml when present)",
    )
    .option("--no-hash", "skip SHA-256 hashing of local files")
    .option("--hub-url <url>", "Hugging Face Hub base URL (default: $HF_ENDPOINT or https://huggingface.co)")
    .option("--no-color", "plain text output without ANSI colors")
    .addHelpText(
      "after",
      [
        "",
        "The Hub token is read from $HF_TOKEN.",
        "",
        "Examples:",
        "  $ modelgate vet ./my-model                       # text verdict with every reason",
        "  $ modelgate vet ./my-model --format json -o vet.json",
        "  $ modelgate vet hf:meta-llama/Llama-3.1-8B@main  # headers only, over HTTP range requests",
      ].join("\n"),
    )
    .action(async (target: string, opts: VetCommandOptions) => {
      const { runVetCommand } = await import("./vet-command.js");
      exitCode = await runVetCommand(target, opts, io);
    });

  program
    .command("bom")
    .summary("write a CycloneDX 1.6 ML-BOM for a model")
    .argument("<target>", "model folder, file, or hf:org/name[@revision]")
    .option("-o, --output <file>", "write the BOM to a file instead of stdout")
    .option("-c, --config <file>", "configuration file (default: ./modelgate.yaml when present)")
    .option("--no-hash", "skip SHA-256 hashing of local files (the BOM then lists no hashes)")
    .option("--hub-url <url>", "Hugging Face Hub base URL (default: $HF_ENDPOINT or https://huggingface.co)")
    .action(async (target: string, opts: BomCommandOptions) => {
      const { runBomCommand } = await import("./bom-command.js");
      exitCode = await runBomCommand(target, opts, io);
    });

  program
    .command("serve")
    .summary("run the registry: HTTP API, approvals, audit log (and the dashboard when built)")
    .description(
      [
        "Run the registry: the HTTP API under /api/v1 (OpenAPI 3.1 at",
        "/api/v1/openapi.json) and the web dashboard at /. The first start prints a",
        "one-time admin token; create more with `modelgate registry token create`.",
        "Vetting jobs run in this process unless --no-worker.",
      ].join("\n"),
    )
    .option("--data <dir>", "embedded database folder (PGlite)", ".modelgate")
    .option("--db <url>", "a PostgreSQL server instead of the embedded database (postgres://...)")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "port to listen on", "8470")
    .option("--no-worker", "do not run vetting jobs in this process (run `modelgate worker` instead)")
    .option("-c, --config <file>", "configuration file (default: ./modelgate.yaml when present)")
    .action(async (opts: ServeCommandOptions) => {
      const { runServeCommand } = await import("./serve-command.js");
      exitCode = await runServeCommand(opts, io);
    });

  program
    .command("worker")
    .summary("run queued jobs (vetting pushed models) against the registry database")
    .option("--data <dir>", "embedded database folder (PGlite)", ".modelgate")
    .option("--db <url>", "a PostgreSQL server (postgres://...)")
    .option("--once", "run the jobs that are due, then exit")
    .option("-c, --config <file>", "configuration file (default: ./modelgate.yaml when present)")
    .action(async (opts: WorkerCommandOptions) => {
      const { runWorkerCommand } = await import("./worker-command.js");
      exitCode = await runWorkerCommand(opts, io);
    });

  program
    .command("registry")
    .summary("the model registry: push, list, show, promote, approve, reject, rollback, audit, tokens")
    .allowUnknownOption()
    .allowExcessArguments()
    .passThroughOptions()
    .helpOption(false)
    .argument("[args...]")
    .action(async (args: string[]) => {
      const { runRegistryCommand } = await import("./registry-command.js");
      exitCode = await runRegistryCommand(args, io);
    });

  for (const name of ["eval", "monitor"]) {
    program
      .command(name, { hidden: true })
      .allowUnknownOption()
      .allowExcessArguments()
      .action(() => {
        io.stderr.write(
          `modelgate: '${name}' is not built yet in this release; run 'modelgate --help' for the commands that are.\n`,
        );
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
    return reportError(err, io);
  }
}

function reportError(err: unknown, io: CliIO): number {
  if (err instanceof ModelgateError) {
    io.stderr.write(`modelgate: ${err.message}\n`);
    return 2;
  }
  io.stderr.write(`modelgate: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
  return 2;
}

/**
 * `scan <path>` with only known options, each with a valid value, parsed as commander would; null for
 * anything else (help, version, `--`, bundled or unknown flags, a value that starts with `-`, a second
 * path, an invalid choice), which commander then handles and reports.
 */
export function parseScanFast(argv: string[]): { path: string; opts: ScanCommandOptionsRaw } | null {
  if (argv[0] !== "scan") return null;
  const opts: ScanCommandOptionsRaw = { format: "text", hash: true, color: true };
  let path: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("-")) {
      if (path !== undefined) return null;
      path = arg;
      continue;
    }
    if (arg === "--no-hash") {
      opts.hash = false;
      continue;
    }
    if (arg === "--no-color") {
      opts.color = false;
      continue;
    }
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    let value: string | undefined;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith("-")) return null;
      i++;
    }
    switch (name) {
      case "-f":
      case "--format":
        if (!(FORMATS as readonly string[]).includes(value)) return null;
        opts.format = value as ScanCommandOptionsRaw["format"];
        break;
      case "--fail-on":
        if (!(FAIL_ON as readonly string[]).includes(value)) return null;
        opts.failOn = value as ScanCommandOptionsRaw["failOn"];
        break;
      case "-o":
      case "--output":
        opts.output = value;
        break;
      case "-c":
      case "--config":
        opts.config = value;
        break;
      default:
        return null;
    }
  }
  return path === undefined ? null : { path, opts };
}

export interface VetCommandOptions {
  format: "text" | "json" | "sarif";
  output?: string;
  config?: string;
  hash: boolean;
  hubUrl?: string;
  color: boolean;
}

export interface BomCommandOptions {
  output?: string;
  config?: string;
  hash: boolean;
  hubUrl?: string;
}

export interface ServeCommandOptions {
  data: string;
  db?: string;
  host: string;
  port: string;
  worker: boolean;
  config?: string;
}

export interface WorkerCommandOptions {
  data: string;
  db?: string;
  once?: boolean;
  config?: string;
}

export interface ScanCommandOptionsRaw {
  format: "text" | "json" | "sarif";
  output?: string;
  failOn?: "critical" | "high" | "medium" | "low" | "info";
  hash: boolean;
  config?: string;
  color: boolean;
}
