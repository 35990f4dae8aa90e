/**
 * The registry with realistic data for the dashboard: real vet reports of the fixture repositories
 * (test/writers/model-repos.ts) and of a checkpoint carrying a pickle payload, registered as versions of
 * several models with owners, tags and aliases; one version promoted to production through an approved
 * request, pending requests (one with a waiver expiring within 7 days), a rejected one; and, on request,
 * thousands more models cloned cheaply by SQL for the scale tests. `scripts/seed-demo.ts` seeds a data
 * folder the same way.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { VetReport } from "../../src/policy/types.js";
import { vet } from "../../src/policy/vet.js";
import { type Db, openDb } from "../../src/registry/db.js";
import { manifestDigest, manifestOf } from "../../src/registry/digest.js";
import { Registry } from "../../src/registry/registry.js";
import type { Actor, Role } from "../../src/registry/types.js";
import { versionFacts } from "../../src/registry/version-facts.js";
import { createApp } from "../../src/server/app.js";
import { startServer } from "../../src/server/start-server.js";
import {
  cardText,
  spdxText,
  writeCardLicenseDisagreementRepo,
  writeLlamaFinetuneMislabelledMit,
  writeMissingLicenseRepo,
  writeNcAdapterRepo,
  writePermissiveRepo,
  writeRailApacheMergeRepo,
} from "../writers/model-repos.js";
import { reportVariant } from "./registry-server.js";
import { REPO_ROOT } from "./run-cli.js";

export type DashboardUser = "viewer" | "developer" | "approver" | "admin" | "approver2";

export interface DashboardServer {
  url: string;
  tokens: Record<DashboardUser, string>;
  registry: Registry;
  stop(): Promise<void>;
}

/** The vet reports the seed registers, by fixture. */
export interface SeedReports {
  permissive: VetReport;
  llamaMislabelled: VetReport;
  ncAdapter: VetReport;
  railMerge: VetReport;
  cardDisagreement: VetReport;
  missingLicense: VetReport;
  maliciousPickle: VetReport;
}

/** A folder with a model card and a PyTorch checkpoint whose pickle runs a command when loaded. */
export function writeMaliciousPickleRepo(root: string): { path: string } {
  const path = join(root, "pickle-checkpoint");
  mkdirSync(path, { recursive: true });
  copyFileSync(
    join(REPO_ROOT, "examples", "malicious", "checkpoint_with_payload.pt"),
    join(path, "pytorch_model.bin"),
  );
  writeFileSync(
    join(path, "README.md"),
    cardText({
      front: ["license: apache-2.0", "library_name: transformers"],
      title: "Sentiment classifier (community upload)",
      license: "Apache 2.0",
    }),
  );
  writeFileSync(join(path, "LICENSE"), spdxText("Apache-2.0"));
  return { path };
}

// Vetting reads real files: done once per process, whatever the number of servers started.
let cachedReports: Promise<SeedReports> | null = null;

export function seedReports(): Promise<SeedReports> {
  cachedReports ??= (async () => {
    const root = mkdtempSync(join(tmpdir(), "modelgate-dashboard-seed-"));
    try {
      const judge = (path: string) => vet(path, { hash: true });
      return {
        permissive: await judge(writePermissiveRepo(join(root, "a")).path),
        llamaMislabelled: await judge(writeLlamaFinetuneMislabelledMit(join(root, "b")).path),
        ncAdapter: await judge(writeNcAdapterRepo(join(root, "c")).path),
        railMerge: await judge(writeRailApacheMergeRepo(join(root, "d")).path),
        cardDisagreement: await judge(writeCardLicenseDisagreementRepo(join(root, "e")).path),
        missingLicense: await judge(writeMissingLicenseRepo(join(root, "f")).path),
        maliciousPickle: await judge(writeMaliciousPickleRepo(join(root, "g")).path),
      };
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  })();
  return cachedReports;
}

const DAY_MS = 24 * 60 * 60 * 1000;

interface SeedModel {
  name: string;
  owner: string;
  description: string;
  tags: string[];
  versions: (keyof SeedReports)[];
}

/** The hand-made part of the seed: each model's versions, in push order. */
export const SEED_MODELS: SeedModel[] = [
  {
    name: "mistral-7b-instruct",
    owner: "team-nlp",
    description: "General chat assistant, Apache-2.0.",
    tags: ["llm", "chat"],
    versions: ["permissive", "permissive", "permissive"],
  },
  {
    name: "helpful-assistant-8b",
    owner: "team-assistants",
    description: "Llama 3.1 fine-tune whose card says MIT.",
    tags: ["llm", "fine-tune"],
    versions: ["llamaMislabelled"],
  },
  {
    name: "summarizer-lora",
    owner: "team-research",
    description: "LoRA adapter on a non-commercial base.",
    tags: ["adapter", "lora"],
    versions: ["ncAdapter"],
  },
  {
    name: "blend-7b-merge",
    owner: "team-vision",
    description: "SLERP merge of an OpenRAIL-M and an Apache-2.0 parent.",
    tags: ["merge"],
    versions: ["railMerge", "railMerge"],
  },
  {
    name: "tiny-coder-1b",
    owner: "team-devtools",
    description: "Code model whose card and LICENSE disagree.",
    tags: ["code"],
    versions: ["cardDisagreement"],
  },
  {
    name: "untitled-3b",
    owner: "team-nlp",
    description: "No license anywhere.",
    tags: ["llm"],
    versions: ["missingLicense"],
  },
  {
    name: "sentiment-classifier",
    owner: "team-security",
    description: "Community checkpoint with a pickle payload.",
    tags: ["classifier", "pytorch"],
    versions: ["permissive", "maliciousPickle"],
  },
];

/** Tokens per user, created as the admin (the bootstrap token). */
async function createUsers(registry: Registry): Promise<Record<DashboardUser, string>> {
  const adminToken = await registry.bootstrapAdmin();
  if (adminToken === null) throw new Error("the database already has tokens: seed a fresh one");
  const admin = (await registry.authenticate(adminToken)) as Actor;
  const tokens = { admin: adminToken } as Record<DashboardUser, string>;
  const roles: [Exclude<DashboardUser, "admin">, Role][] = [
    ["viewer", "viewer"],
    ["developer", "developer"],
    ["approver", "approver"],
    ["approver2", "approver"],
  ];
  for (const [name, role] of roles) {
    tokens[name] = (await registry.createToken({ actor: admin }, { name, role })).token;
  }
  return tokens;
}

/**
 * Seeds a fresh registry: `bulkModels` cloned models first (plain SQL, before the audit chain starts, so
 * `audit verify` stays ok), then the hand-made models through the registry (each change audited).
 */
export async function seedDashboard(
  registry: Registry,
  options: { models?: number } = {},
): Promise<Record<DashboardUser, string>> {
  const reports = await seedReports();
  if (options.models) await insertBulkModels(registry, reports, options.models);
  const tokens = await createUsers(registry);
  const as = async (user: DashboardUser) => ({
    actor: (await registry.authenticate(tokens[user])) as Actor,
  });
  const developer = await as("developer");
  const approver = await as("approver");
  const approver2 = await as("approver2");

  let variant = 0;
  for (const model of SEED_MODELS) {
    const { versions, ...input } = model;
    await registry.createModel(developer, input);
    for (const key of versions) {
      // Same fixture pushed again stands for a new build: another digest.
      const report = variant === 0 ? reports[key] : reportVariant(reports[key], variant);
      variant++;
      await registry.registerVersion(developer, model.name, { vetReport: report, sourceRevision: null });
    }
  }

  const now = Date.now();
  // mistral: v1 in production through an approved request; v3 candidate, v2 staging.
  const promoted = await registry.requestPromotion(developer, {
    model: "mistral-7b-instruct",
    version: 1,
    alias: "production",
    note: "First release for the support bot.",
  });
  await registry.approve(approver, promoted.id, "Clean scan, Apache-2.0; approved for production.");
  await registry.setAlias(developer, "mistral-7b-instruct", "staging", 2);
  await registry.setAlias(developer, "mistral-7b-instruct", "candidate", 3);
  await registry.requestPromotion(developer, {
    model: "mistral-7b-instruct",
    version: 2,
    alias: "production",
    note: "Refresh with the latest fine-tuning data.",
  });

  // helpful-assistant: pending, waiver expiring within 7 days.
  await registry.setAlias(developer, "helpful-assistant-8b", "candidate", 1);
  await registry.requestPromotion(developer, {
    model: "helpful-assistant-8b",
    version: 1,
    alias: "production",
    note: "Needed for the pilot; legal is reviewing the Llama 3.1 terms.",
    waiver: {
      reason: "Pilot limited to internal users while legal reviews the Llama 3.1 license.",
      expires: new Date(now + 5 * DAY_MS).toISOString(),
    },
  });

  // summarizer-lora: promoted with a waiver expiring within 14 days, by another approver.
  const waived = await registry.requestPromotion(developer, {
    model: "summarizer-lora",
    version: 1,
    alias: "production",
    note: "Research demo only.",
    waiver: {
      reason: "Non-commercial research demo; no customer traffic.",
      expires: new Date(now + 12 * DAY_MS).toISOString(),
    },
  });
  await registry.approve(approver2, waived.id, "Research use only, waiver until the demo ends.");

  // blend: staging and candidate; a request rejected.
  await registry.setAlias(developer, "blend-7b-merge", "staging", 1);
  await registry.setAlias(developer, "blend-7b-merge", "candidate", 2);
  const rejected = await registry.requestPromotion(developer, {
    model: "blend-7b-merge",
    version: 2,
    alias: "production",
    waiver: { reason: "Marketing images.", expires: new Date(now + 60 * DAY_MS).toISOString() },
  });
  await registry.reject(approver2, rejected.id, "OpenRAIL-M use restrictions are not reviewed yet.");

  await registry.setAlias(developer, "tiny-coder-1b", "candidate", 1);
  await registry.setAlias(developer, "sentiment-classifier", "staging", 1);
  return tokens;
}

const BULK_OWNERS = ["team-nlp", "team-vision", "team-research", "team-assistants", "team-devtools"];
const BULK_TAGS = ["llm", "vision", "audio", "embedding", "classifier"];
const BULK_KINDS: (keyof SeedReports)[] = [
  "permissive",
  "permissive",
  "llamaMislabelled",
  "ncAdapter",
  "railMerge",
  "missingLicense",
  "maliciousPickle",
];

/**
 * `count` models named `bulk-NNNNN`, one version each cloned from a seed report (owner, tags, verdict,
 * license and findings vary with the report it clones); every third with a `staging` alias. Plain SQL
 * with the columns `registerVersion` writes, taken from the same helpers.
 */
async function insertBulkModels(registry: Registry, reports: SeedReports, count: number): Promise<void> {
  const base = Date.now() - 30 * DAY_MS;
  await registry.db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO models (name, owner, description, tags, created_at, updated_at, revision)
       SELECT 'bulk-' || lpad(g::text, 5, '0'), ($2::text[])[1 + g % 5], 'Bulk model ' || g,
         ARRAY[($3::text[])[1 + g % 5]], $1::timestamptz + g * interval '1 second',
         $1::timestamptz + g * interval '1 second', 1
       FROM generate_series(1, $4::int) g`,
      [new Date(base).toISOString(), BULK_OWNERS, BULK_TAGS, count],
    );
    for (const [k, kind] of BULK_KINDS.entries()) {
      const report = reports[kind];
      const manifest = manifestOf(report.scan);
      const facts = versionFacts(report);
      const formats = [...new Set(report.scan.files.map((f) => f.format))].filter((f) => f !== "unknown");
      await tx.query(
        `INSERT INTO versions (model, number, digest, source_revision, formats, size, manifest, verdict,
           license_key, base_models, vet_report, created_at, created_by, max_severity, license_name,
           commercial_use)
         SELECT 'bulk-' || lpad(g::text, 5, '0'), 1, $1, NULL, $2::text[], $3, $4::jsonb, $5, $6,
           $7::text[], $8::jsonb, $9::timestamptz + g * interval '1 minute', 'seed', $10, $11, $12
         FROM generate_series(1, $13::int) g WHERE g % $14::int = $15`,
        [
          manifestDigest(manifest),
          formats.sort(),
          manifest.reduce((sum, f) => sum + f.size, 0),
          JSON.stringify(manifest),
          report.verdict,
          report.license.key,
          report.card.baseModels,
          JSON.stringify(report),
          new Date(base).toISOString(),
          facts.maxSeverity,
          facts.licenseName,
          facts.commercialUse,
          count,
          BULK_KINDS.length,
          k,
        ],
      );
    }
    await tx.query(
      `INSERT INTO aliases (model, alias, version, updated_at)
       SELECT name, 'staging', 1, updated_at + interval '1 hour' FROM models
       WHERE name LIKE 'bulk-%' AND substr(name, 6)::int % 3 = 0`,
    );
  });
  // What autovacuum would do after a bulk load (PGlite has none): the planner needs the row counts.
  await registry.db.query("ANALYZE models, versions, aliases");
}

/**
 * The real app on a free loopback port over a fresh, seeded database: `db` when given (it must be empty
 * and migrated; the suites pass each backend's), else PGlite in `dataDir` or in memory. `stop` closes both.
 */
export async function startDashboardServer(
  options: { models?: number; dataDir?: string; db?: Db; webRoot?: string | null } = {},
): Promise<DashboardServer> {
  const db = options.db ?? (await openDb({ dataDir: options.dataDir ?? "memory://" }));
  const registry = new Registry(db);
  const tokens = await seedDashboard(registry, options.models ? { models: options.models } : {});
  const app = createApp({
    registry,
    version: "0.0.0-dashboard",
    ...(options.webRoot !== undefined ? { webRoot: options.webRoot } : {}),
  });
  const server = await startServer({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
  return {
    url: server.url,
    tokens,
    registry,
    stop: async () => {
      await server.close();
      await db.close();
    },
  };
}
