import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { userInfo } from "node:os";
import { finished } from "node:stream/promises";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { ModelgateError, RegistryError } from "../errors.js";
import type { RegistryClient } from "../registry/client.js";
import type { Registry } from "../registry/registry.js";
import type { Actor, Model, ModelVersion, PromotionRequest, RequestStatus, Role } from "../registry/types.js";
import type { CliIO } from "./main.js";

type Options = NonNullable<ParseArgsConfig["options"]>;
type Values = Record<string, string | boolean | undefined>;

const GLOBAL_OPTIONS: Options = {
  server: { type: "string" },
  data: { type: "string" },
  db: { type: "string" },
  format: { type: "string", short: "f" },
  config: { type: "string", short: "c" },
  help: { type: "boolean", short: "h" },
};

const GLOBAL_HELP = [
  "Where the registry is (one of):",
  "  --server <url>     a modelgate server; the token comes from $MODELGATE_TOKEN",
  "  --data <dir>       the embedded database folder (default .modelgate), as a local admin",
  "  --db <url>         a PostgreSQL database (postgres://...), as a local admin",
  "Output:",
  "  -f, --format <f>   text (default) or json",
  "  -h, --help         this help",
].join("\n");

interface Subcommand {
  usage: string;
  summary: string;
  options: Options;
  optionHelp: string[];
  /** Positional arguments: [min, max]. */
  positionals: [number, number];
  run: (ctx: Context, args: string[], values: Values) => Promise<number>;
}

/** The registry the command talks to, whichever mode: the client's calls (the actor is implied). */
type Ops = Pick<
  RegistryClient,
  | "createModel"
  | "getModel"
  | "listModels"
  | "registerVersion"
  | "getVersion"
  | "listVersions"
  | "getAliases"
  | "setAlias"
  | "requestPromotion"
  | "requestRollback"
  | "approve"
  | "reject"
  | "listRequests"
  | "verifyAudit"
  | "exportAudit"
  | "createToken"
  | "revokeToken"
> & { pushSource?: RegistryClient["pushSource"]; waitForJob?: RegistryClient["waitForJob"] };

interface Context {
  io: CliIO;
  ops: Ops;
  json: boolean;
}

const SUBCOMMANDS: Record<string, Subcommand> = {
  push: {
    usage: "push <dir|hf:org/name[@rev]> --model <name> [--remote [--wait]]",
    summary: "vet a model, then register it as a new version (the same content is the same version)",
    options: {
      model: { type: "string", short: "m" },
      remote: { type: "boolean" },
      wait: { type: "boolean" },
      "hub-url": { type: "string" },
    },
    optionHelp: [
      "  -m, --model <name>  the registry model (created when new)",
      "  --remote            let the server vet the target (a path on the server, or hf:...) as a job",
      "  --wait              with --remote: wait for the job and print the version",
      "  --hub-url <url>     Hugging Face Hub base URL (default $HF_ENDPOINT)",
    ],
    positionals: [1, 1],
    run: push,
  },
  list: {
    usage: "list [--q TEXT] [--owner NAME] [--tag TAG] [--limit N] [--cursor C]",
    summary: "list models with their aliases",
    options: {
      q: { type: "string" },
      owner: { type: "string" },
      tag: { type: "string" },
      limit: { type: "string" },
      cursor: { type: "string" },
    },
    optionHelp: ["  --q, --owner, --tag  filters", "  --limit, --cursor    paging"],
    positionals: [0, 0],
    run: list,
  },
  show: {
    usage: "show <model>[@<version>]",
    summary: "a model with its versions and aliases, or one version",
    options: {},
    optionHelp: [],
    positionals: [1, 1],
    run: show,
  },
  promote: {
    usage:
      "promote <model> --version <n> --to <alias> [--note TEXT] [--waiver-reason TEXT --waiver-expires DATE] [--direct]",
    summary: "request that an alias point at a version (an approver then approves it)",
    options: {
      version: { type: "string" },
      to: { type: "string" },
      note: { type: "string" },
      "waiver-reason": { type: "string" },
      "waiver-expires": { type: "string" },
      direct: { type: "boolean" },
    },
    optionHelp: [
      "  --version <n>            the version to promote",
      "  --to <alias>             the alias (production needs an approved request)",
      "  --note <text>            a note for the approver",
      "  --waiver-reason <text>   needed when the version's verdict is not approved ...",
      "  --waiver-expires <date>  ... with the waiver's expiry (ISO 8601, in the future)",
      "  --direct                 move an unprotected alias now, without a request",
    ],
    positionals: [1, 1],
    run: promote,
  },
  approve: {
    usage: "approve <request-id> --rationale TEXT",
    summary: "approve a promotion request (not your own); the alias moves",
    options: { rationale: { type: "string" } },
    optionHelp: ["  --rationale <text>  why (recorded in the audit log)"],
    positionals: [1, 1],
    run: (ctx, args, values) => decide(ctx, args, values, "approve"),
  },
  reject: {
    usage: "reject <request-id> --rationale TEXT",
    summary: "reject a promotion request",
    options: { rationale: { type: "string" } },
    optionHelp: ["  --rationale <text>  why (recorded in the audit log)"],
    positionals: [1, 1],
    run: (ctx, args, values) => decide(ctx, args, values, "reject"),
  },
  rollback: {
    usage: "rollback <model> --alias <alias> --to-version <n> [--note TEXT]",
    summary: "request that an alias go back to an earlier version (approved like a promotion)",
    options: {
      alias: { type: "string" },
      "to-version": { type: "string" },
      note: { type: "string" },
      "waiver-reason": { type: "string" },
      "waiver-expires": { type: "string" },
    },
    optionHelp: [
      "  --alias <alias>      the alias to move back",
      "  --to-version <n>     the earlier version",
      "  --note <text>        a note for the approver",
      "  --waiver-reason, --waiver-expires  as for promote",
    ],
    positionals: [1, 1],
    run: rollback,
  },
  requests: {
    usage: "requests [--status pending|approved|rejected] [--model NAME]",
    summary: "list promotion requests",
    options: {
      status: { type: "string" },
      model: { type: "string" },
      limit: { type: "string" },
      cursor: { type: "string" },
    },
    optionHelp: ["  --status <s>   pending, approved or rejected", "  --model <name> only this model's"],
    positionals: [0, 0],
    run: requests,
  },
  audit: {
    usage: "audit verify | audit export [-o FILE]",
    summary: "verify the audit log's hash chain (exit 1 when broken), or export it as JSON Lines",
    options: { output: { type: "string", short: "o" } },
    optionHelp: ["  -o, --output <file>  export: write to a file instead of stdout"],
    positionals: [1, 1],
    run: audit,
  },
  token: {
    usage:
      "token create --name NAME --role viewer|developer|approver|admin [--expires DATE] | token revoke <id>",
    summary: "create an API token (shown once) or revoke one",
    options: {
      name: { type: "string" },
      role: { type: "string" },
      expires: { type: "string" },
    },
    optionHelp: [
      "  --name <name>     whom the token is for (recorded as the actor)",
      "  --role <role>     viewer, developer, approver or admin",
      "  --expires <date>  expiry (ISO 8601); none by default",
    ],
    positionals: [1, 2],
    run: token,
  },
};

/** `modelgate registry <subcommand> ...`: parses its own arguments (subcommands with their options). */
export async function runRegistryCommand(args: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(topHelp());
    return name === undefined ? 2 : 0;
  }
  const sub = SUBCOMMANDS[name];
  if (!sub) {
    io.stderr.write(`modelgate registry: unknown subcommand '${name}'.\n${topHelp()}`);
    return 2;
  }
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...GLOBAL_OPTIONS, ...sub.options },
      allowPositionals: true,
      strict: true,
    }) as { values: Values; positionals: string[] };
  } catch (err) {
    return usage(io, name, (err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(subHelp(sub));
    return 0;
  }
  if (positionals.length < sub.positionals[0] || positionals.length > sub.positionals[1]) {
    return usage(io, name, `expected ${sub.usage}`);
  }
  const format = (values.format as string | undefined) ?? "text";
  if (format !== "text" && format !== "json") return usage(io, name, `--format must be text or json`);
  const where = [values.server, values.data, values.db].filter((v) => v !== undefined).length;
  if (where > 1) return usage(io, name, "give one of --server, --data, --db");

  let closeDb: (() => Promise<void>) | null = null;
  try {
    let ops: Ops;
    if (typeof values.server === "string") {
      const token = io.env.MODELGATE_TOKEN;
      if (!token) {
        io.stderr.write(
          "modelgate registry: --server needs a token in $MODELGATE_TOKEN (an admin creates one with `modelgate registry token create`).\n",
        );
        return 2;
      }
      const { RegistryClient } = await import("../registry/client.js");
      ops = new RegistryClient(values.server, { token });
    } else {
      const [{ openDb }, { Registry }] = await Promise.all([
        import("../registry/db.js"),
        import("../registry/registry.js"),
      ]);
      const db = await openDb(
        typeof values.db === "string"
          ? { url: values.db }
          : { dataDir: (values.data as string) ?? ".modelgate" },
      );
      closeDb = () => db.close();
      ops = embeddedOps(new Registry(db), localActor(io));
    }
    const ctx: Context = {
      io,
      ops,
      json: format === "json",
    };
    return await sub.run(ctx, positionals, values);
  } catch (err) {
    if (err instanceof UsageError) return usage(io, name, err.message);
    if (err instanceof ModelgateError) {
      io.stderr.write(`modelgate registry ${name}: ${err.message}\n`);
      const hint = HINTS[err.code];
      if (hint) io.stderr.write(`  ${hint}\n`);
      return err instanceof RegistryError ? 1 : 2;
    }
    throw err;
  } finally {
    await closeDb?.();
  }
}

const HINTS: Partial<Record<ModelgateError["code"], string>> = {
  UNAUTHENTICATED:
    "Check $MODELGATE_TOKEN: it is unknown, expired or revoked. An admin can create a new one.",
  FORBIDDEN:
    "Your token's role does not allow this (or you requested it yourself); ask an approver or admin.",
  NOT_FOUND: "Check the name or id (`modelgate registry list`, `show`, `requests`).",
  CONFLICT: "It changed or was decided meanwhile; look again (`show`, `requests`) and retry if still needed.",
  PRECONDITION_FAILED: "Someone else changed it first; reload it and apply your change again.",
  INVALID_INPUT: "Fix the input named above and run the command again.",
  DATABASE:
    "The registry could not be reached or failed; check --server/--data/--db and that the server is running.",
};

class UsageError extends Error {}

function usage(io: CliIO, name: string, message: string): number {
  io.stderr.write(
    `modelgate registry ${name}: ${message}\n(run 'modelgate registry ${name} --help' for usage)\n`,
  );
  return 2;
}

function topHelp(): string {
  const width = Math.max(...Object.keys(SUBCOMMANDS).map((n) => n.length));
  return [
    "Usage: modelgate registry <subcommand> [options]",
    "",
    "Subcommands:",
    ...Object.entries(SUBCOMMANDS).map(([n, s]) => `  ${n.padEnd(width)}  ${s.summary}`),
    "",
    GLOBAL_HELP,
    "",
    "Run 'modelgate registry <subcommand> --help' for a subcommand's options.",
    "",
  ].join("\n");
}

function subHelp(sub: Subcommand): string {
  return [
    `Usage: modelgate registry ${sub.usage}`,
    "",
    sub.summary,
    ...(sub.optionHelp.length ? ["", "Options:", ...sub.optionHelp] : []),
    "",
    GLOBAL_HELP,
    "",
  ].join("\n");
}

/** Embedded mode acts as a local admin, named after the OS user in the audit log. */
function localActor(io: CliIO): Actor {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = io.env.USER ?? io.env.USERNAME ?? "unknown";
  }
  return { tokenId: "local", name: `local:${user}`, role: "admin" };
}

function embeddedOps(registry: Registry, actor: Actor): Ops {
  const m = { actor, requestId: `cli-${randomUUID()}` };
  return {
    createModel: (input) => registry.createModel(m, input),
    getModel: (name) => registry.getModel(name),
    listModels: (page = {}) => registry.listModels(page),
    registerVersion: (model, input) => registry.registerVersion(m, model, input),
    getVersion: (model, n) => registry.getVersion(model, n),
    listVersions: (model, page = {}) => registry.listVersions(model, page),
    getAliases: (model) => registry.getAliases(model),
    setAlias: (model, alias, version) => registry.setAlias(m, model, alias, version),
    requestPromotion: (input) => registry.requestPromotion(m, input),
    requestRollback: (input) => registry.requestRollback(m, input),
    approve: (id, rationale) => registry.approve(m, id, rationale),
    reject: (id, rationale) => registry.reject(m, id, rationale),
    listRequests: (page = {}) => registry.listRequests(page),
    verifyAudit: () => registry.verifyAudit(),
    exportAudit: () => registry.exportAudit(),
    createToken: (input) => registry.createToken(m, input),
    revokeToken: (id) => registry.revokeToken(m, id),
  };
}

function required(values: Values, option: string): string {
  const v = values[option];
  if (typeof v !== "string" || v === "") throw new UsageError(`--${option} is required`);
  return v;
}

function positiveInt(text: string, what: string): number {
  if (!/^[1-9]\d*$/.test(text))
    throw new UsageError(`${what} must be a positive whole number, not '${text}'`);
  return Number(text);
}

function page(values: Values): { limit?: number; cursor?: string } {
  return {
    ...(typeof values.limit === "string" ? { limit: positiveInt(values.limit, "--limit") } : {}),
    ...(typeof values.cursor === "string" ? { cursor: values.cursor } : {}),
  };
}

function waiver(values: Values): { reason: string; expires: string } | undefined {
  const reason = values["waiver-reason"];
  const expires = values["waiver-expires"];
  if (reason === undefined && expires === undefined) return undefined;
  if (typeof reason !== "string" || typeof expires !== "string") {
    throw new UsageError("a waiver needs both --waiver-reason and --waiver-expires");
  }
  if (Number.isNaN(Date.parse(expires))) throw new UsageError(`--waiver-expires is not a date: '${expires}'`);
  return { reason, expires: new Date(expires).toISOString() };
}

function print(ctx: Context, value: unknown, text: () => string): void {
  ctx.io.stdout.write(ctx.json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
}

/** Creates the model on its first push; another push creating it at the same moment is fine. */
async function ensureModel(ops: Ops, name: string, source: string): Promise<void> {
  try {
    await ops.getModel(name);
    return;
  } catch (err) {
    if (!(err instanceof RegistryError && err.code === "NOT_FOUND")) throw err;
  }
  try {
    await ops.createModel({ name, source });
  } catch (err) {
    if (!(err instanceof RegistryError && err.code === "CONFLICT")) throw err;
  }
}

function versionLine(v: Pick<ModelVersion, "model" | "number" | "verdict" | "digest">): string {
  return `${v.model}@${v.number}  verdict ${v.verdict}  digest ${v.digest.slice(0, 19)}`;
}

async function push(ctx: Context, [target]: string[], values: Values): Promise<number> {
  const model = required(values, "model");
  const source = target!;
  const remote = values.remote === true;
  if (remote && (!ctx.ops.pushSource || !ctx.ops.waitForJob)) {
    throw new UsageError("--remote needs --server (embedded mode vets here)");
  }
  await ensureModel(ctx.ops, model, source);
  if (remote && ctx.ops.pushSource && ctx.ops.waitForJob) {
    const job = await ctx.ops.pushSource(model, source);
    if (!values.wait) {
      print(ctx, job, () => `queued job ${job.id}: the server vets ${source} and registers it as ${model}`);
      return 0;
    }
    const done = await ctx.ops.waitForJob(job.id, {
      onProgress: (j) => {
        if (j.progress && !ctx.json) {
          ctx.io.stderr.write(`  ${j.progress.done}/${j.progress.total} ${j.progress.label}\n`);
        }
      },
    });
    if (done.status === "failed") {
      ctx.io.stderr.write(`modelgate registry push: job ${done.id} failed: ${done.error}\n`);
      return 1;
    }
    const result = done.result as { version: number; created: boolean };
    const version = await ctx.ops.getVersion(model, result.version);
    print(ctx, { version, created: result.created, job: done.id }, () => pushText(version, result.created));
    return 0;
  }
  const { vetTarget } = await import("./vet-command.js");
  const vetReport = await vetTarget(
    source,
    {
      hash: true,
      config: values.config as string | undefined,
      hubUrl: values["hub-url"] as string | undefined,
    },
    ctx.io,
  );
  const { version, created } = await ctx.ops.registerVersion(model, { vetReport });
  print(ctx, { version, created }, () => pushText(version, created));
  return 0;
}

function pushText(v: ModelVersion, created: boolean): string {
  return `${created ? "registered" : "already registered (same content)"}: ${versionLine(v)}`;
}

async function list(ctx: Context, _args: string[], values: Values): Promise<number> {
  const result = await ctx.ops.listModels({
    ...page(values),
    ...(typeof values.q === "string" ? { q: values.q } : {}),
    ...(typeof values.owner === "string" ? { owner: values.owner } : {}),
    ...(typeof values.tag === "string" ? { tag: values.tag } : {}),
  });
  print(ctx, result, () => {
    if (result.items.length === 0) return "no models";
    const lines = result.items.map((m) => {
      const aliases = Object.entries(m.aliases ?? {})
        .map(([a, v]) => `${a}=${v}`)
        .join(" ");
      return `${m.name}${m.owner ? `  owner ${m.owner}` : ""}${aliases ? `  ${aliases}` : ""}`;
    });
    if (result.nextCursor) lines.push(`(more: --cursor ${result.nextCursor})`);
    return lines.join("\n");
  });
  return 0;
}

async function show(ctx: Context, [ref]: string[]): Promise<number> {
  const at = ref!.lastIndexOf("@");
  if (at > 0) {
    const version = await ctx.ops.getVersion(
      ref!.slice(0, at),
      positiveInt(ref!.slice(at + 1), "the version"),
    );
    print(ctx, version, () => versionText(version));
    return 0;
  }
  const [model, versions, aliases] = await Promise.all([
    ctx.ops.getModel(ref!),
    ctx.ops.listVersions(ref!, { limit: 200 }),
    ctx.ops.getAliases(ref!),
  ]);
  print(ctx, { model, versions: versions.items, aliases }, () => {
    const text = modelText(model, versions.items, aliases);
    return versions.nextCursor ? `${text}\n    (the first 200 versions)` : text;
  });
  return 0;
}

function modelText(
  model: Model,
  versions: Omit<ModelVersion, "vetReport" | "manifest">[],
  aliases: { alias: string; version: number }[],
): string {
  const lines = [
    model.name,
    ...(model.owner ? [`  owner: ${model.owner}`] : []),
    ...(model.description ? [`  description: ${model.description}`] : []),
    ...(model.tags.length ? [`  tags: ${model.tags.join(", ")}`] : []),
    ...(model.source ? [`  source: ${model.source}`] : []),
    `  aliases: ${aliases.length ? aliases.map((a) => `${a.alias}=${a.version}`).join(" ") : "none"}`,
    `  versions (${versions.length}):`,
    ...versions.map((v) => `    ${v.number}  ${v.verdict}  ${v.createdAt}  by ${v.createdBy}  ${v.digest}`),
  ];
  return lines.join("\n");
}

function versionText(v: ModelVersion): string {
  return [
    `${v.model}@${v.number}`,
    `  verdict: ${v.verdict}`,
    `  digest: ${v.digest}`,
    `  formats: ${v.formats.join(", ") || "none"}`,
    `  size: ${v.size} bytes in ${v.manifest.length} files`,
    `  license: ${v.licenseKey}`,
    ...(v.baseModels.length ? [`  base models: ${v.baseModels.join(", ")}`] : []),
    ...(v.sourceRevision ? [`  source revision: ${v.sourceRevision}`] : []),
    `  registered: ${v.createdAt} by ${v.createdBy}`,
  ].join("\n");
}

function requestText(r: PromotionRequest): string {
  const head = `request ${r.id}: ${r.kind} ${r.model}@${r.version} to ${r.alias} (${r.status})`;
  const decided = r.decidedBy ? `\n  ${r.status} by ${r.decidedBy}: ${r.rationale ?? ""}` : "";
  const waiverLine = r.waiver ? `\n  waiver until ${r.waiver.expires}: ${r.waiver.reason}` : "";
  return `${head}\n  requested by ${r.requestedBy}, verdict ${r.verdict}${waiverLine}${decided}`;
}

async function promote(ctx: Context, [model]: string[], values: Values): Promise<number> {
  const version = positiveInt(required(values, "version"), "--version");
  const alias = required(values, "to");
  if (values.direct) {
    const state = await ctx.ops.setAlias(model!, alias, version);
    print(ctx, state, () => `${model} ${alias} -> ${state.version}`);
    return 0;
  }
  const w = waiver(values);
  const request = await ctx.ops.requestPromotion({
    model: model!,
    version,
    alias,
    ...(typeof values.note === "string" ? { note: values.note } : {}),
    ...(w ? { waiver: w } : {}),
  });
  print(
    ctx,
    request,
    () =>
      `${requestText(request)}\n  an approver runs: modelgate registry approve ${request.id} --rationale "..."`,
  );
  return 0;
}

async function rollback(ctx: Context, [model]: string[], values: Values): Promise<number> {
  const alias = required(values, "alias");
  const version = positiveInt(required(values, "to-version"), "--to-version");
  const w = waiver(values);
  const request = await ctx.ops.requestRollback({
    model: model!,
    alias,
    version,
    ...(typeof values.note === "string" ? { note: values.note } : {}),
    ...(w ? { waiver: w } : {}),
  });
  print(
    ctx,
    request,
    () =>
      `${requestText(request)}\n  an approver runs: modelgate registry approve ${request.id} --rationale "..."`,
  );
  return 0;
}

async function decide(
  ctx: Context,
  [id]: string[],
  values: Values,
  decision: "approve" | "reject",
): Promise<number> {
  const rationale = required(values, "rationale");
  const request = await (decision === "approve"
    ? ctx.ops.approve(id!, rationale)
    : ctx.ops.reject(id!, rationale));
  print(ctx, request, () => requestText(request));
  return 0;
}

const STATUSES: RequestStatus[] = ["pending", "approved", "rejected"];

async function requests(ctx: Context, _args: string[], values: Values): Promise<number> {
  const status = values.status as RequestStatus | undefined;
  if (status !== undefined && !STATUSES.includes(status)) {
    throw new UsageError(`--status must be one of ${STATUSES.join(", ")}`);
  }
  const result = await ctx.ops.listRequests({
    ...page(values),
    ...(status ? { status } : {}),
    ...(typeof values.model === "string" ? { model: values.model } : {}),
  });
  print(ctx, result, () =>
    result.items.length === 0 ? "no requests" : result.items.map(requestText).join("\n"),
  );
  return 0;
}

async function audit(ctx: Context, [action]: string[], values: Values): Promise<number> {
  if (action === "verify") {
    const v = await ctx.ops.verifyAudit();
    print(ctx, v, () =>
      v.ok
        ? `audit log verifies: ${v.entries} entries, hash chain intact`
        : `audit log BROKEN at entry ${v.firstBroken?.seq}: ${v.firstBroken?.reason} (${v.entries} entries)`,
    );
    return v.ok ? 0 : 1;
  }
  if (action !== "export") throw new UsageError("expected 'audit verify' or 'audit export'");
  const output = values.output as string | undefined;
  const out = output ? createWriteStream(output) : ctx.io.stdout;
  let count = 0;
  for await (const line of ctx.ops.exportAudit()) {
    if (!out.write(`${line.replace(/\n+$/, "")}\n`)) await once(out, "drain");
    count++;
  }
  if (output) {
    (out as NodeJS.WritableStream).end();
    await finished(out as NodeJS.WritableStream);
    ctx.io.stderr.write(`${count} audit entries written to ${output}\n`);
  }
  return 0;
}

const ROLES: Role[] = ["viewer", "developer", "approver", "admin"];

async function token(ctx: Context, [action, id]: string[], values: Values): Promise<number> {
  if (action === "revoke") {
    if (!id) throw new UsageError("expected 'token revoke <id>'");
    const record = await ctx.ops.revokeToken(id);
    print(ctx, record, () => `token ${record.id} (${record.name}) revoked`);
    return 0;
  }
  if (action !== "create" || id !== undefined)
    throw new UsageError("expected 'token create' or 'token revoke <id>'");
  const name = required(values, "name");
  const role = required(values, "role") as Role;
  if (!ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(", ")}`);
  const expires = values.expires as string | undefined;
  if (expires !== undefined && Number.isNaN(Date.parse(expires))) {
    throw new UsageError(`--expires is not a date: '${expires}'`);
  }
  const created = await ctx.ops.createToken({
    name,
    role,
    ...(expires ? { expiresAt: new Date(expires).toISOString() } : {}),
  });
  print(
    ctx,
    created,
    () =>
      `${created.token}\n(token ${created.record.id} for ${name}, role ${role}${created.record.expiresAt ? `, expires ${created.record.expiresAt}` : ""}: shown once, store it now)`,
  );
  return 0;
}
