import { basename } from "node:path";
import { readModelCard } from "../card/read-model-card.js";
import type { ModelgateConfig } from "../config/load-config.js";
import type { FileSet, FileSetEntry } from "../formats/file-set.js";
import { hubBaseResolver } from "../hub/hub-base-resolver.js";
import { hubFileSet } from "../hub/hub-file-set.js";
import { identifyLicense } from "../license/identify-license.js";
import {
  LICENSE_FILE_NAME,
  lineageFileResolver,
  localBaseResolver,
  resolveLineage,
} from "../license/lineage.js";
import { assessOpenness } from "../license/openness.js";
import type { BaseModelResolver } from "../license/types.js";
import { localFileSet } from "../scan/enumerate.js";
import { scan } from "../scan/scan.js";
import { VERSION } from "../version.js";
import { resolvePolicy } from "./default-policy.js";
import { evaluatePolicy, modelNames, type VetFacts } from "./evaluate-policy.js";
import type { VetReport } from "./types.js";

export interface VetOptions {
  config?: ModelgateConfig;
  /** SHA-256 of every file (default true). */
  hash?: boolean;
  /** Hugging Face Hub base URL and token, for `hf:` targets and base models. */
  hub?: { baseUrl?: string; token?: string; fetch?: typeof fetch };
  onProgress?: (done: number, total: number, label: string) => void;
}

/** A README or license text larger than this is not one: it is read up to here. */
const MAX_TEXT_BYTES = 1 << 20;
/** Passes over a remote text file before taking what arrived (each pass fetches what the last lacked). */
const MAX_FETCH_PASSES = 4;

/** Vets a model folder or `hf:org/name[@revision]`: scan, license, card, lineage, openness, policy verdict. */
export async function vet(target: string, options: VetOptions = {}): Promise<VetReport> {
  const remote = target.startsWith("hf:");
  const hub = {
    ...(options.hub?.baseUrl ? { baseUrl: options.hub.baseUrl } : {}),
    // An empty token is kept: it means anonymous, where an absent one falls back to $HF_TOKEN.
    ...(options.hub?.token !== undefined ? { token: options.hub.token } : {}),
    ...(options.hub?.fetch ? { fetch: options.hub.fetch } : {}),
  };
  const fileSet: FileSet = remote ? await hubFileSet(target, hub) : localFileSet(target);
  const scanReport = await scan(fileSet, {
    ...(options.hash !== undefined ? { hash: options.hash } : {}),
    ...(options.config ? { config: options.config } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });

  // Only a folder or repository has a card and license files at its root.
  const rootFiles = fileSet.isDirectory ? fileSet.files.filter((f) => !f.relativePath.includes("/")) : [];
  const readme = rootFiles.find((f) => f.relativePath.toLowerCase() === "readme.md");
  const card = readModelCard(readme ? await readText(readme) : null);
  const licenseFiles: { path: string; text: string }[] = [];
  for (const f of rootFiles.filter((f) => LICENSE_FILE_NAME.test(f.relativePath))) {
    const text = await readText(f);
    if (text !== null) licenseFiles.push({ path: f.relativePath, text });
  }

  // Base models are looked up beside a local folder and in its lineage file; the Hub is asked only for a
  // Hub target, so vetting a local folder never needs the network.
  const resolvers: BaseModelResolver[] = [];
  if (fileSet.root !== null && fileSet.isDirectory) {
    resolvers.push(localBaseResolver(fileSet.root), lineageFileResolver(fileSet.root));
  }
  if (remote) resolvers.push(hubBaseResolver(hub));
  const lineage = await resolveLineage(card, resolvers);
  const license = identifyLicense({ card, files: licenseFiles, lineage });
  const openness = assessOpenness({ license, card, inventory: scanReport.repository?.inventory ?? [] });

  const facts: VetFacts = {
    schemaVersion: 1,
    tool: { name: "modelgate", version: VERSION },
    target,
    scan: scanReport,
    license,
    card: {
      present: card.present,
      completeness: card.completeness,
      missing: card.missing,
      baseModels: card.baseModels,
      relation: card.relation,
    },
    openness,
  };
  // `vet .` is known to waivers by its folder's own name.
  const names = modelNames(target, card.metadata);
  if (fileSet.root !== null && fileSet.isDirectory) names.push(basename(fileSet.root));
  const { verdict, reasons } = evaluatePolicy(resolvePolicy(options.config?.policy), facts, {
    modelNames: names,
  });
  return {
    schemaVersion: 1,
    tool: facts.tool,
    target,
    verdict,
    reasons,
    scan: scanReport,
    license,
    card: facts.card,
    openness,
  };
}

/**
 * A small text file through its FileSet entry, as UTF-8, up to MAX_TEXT_BYTES; null when it cannot be
 * read. A remote entry fetches what the first read lacked.
 */
async function readText(entry: FileSetEntry): Promise<string | null> {
  if (entry.problem) return null;
  const length = Math.min(entry.size, MAX_TEXT_BYTES);
  try {
    for (let pass = 1; ; pass++) {
      const source = entry.open();
      let bytes: Uint8Array;
      let missing: ReturnType<NonNullable<typeof source.missing>>;
      try {
        bytes = source.read(0, length);
        missing = source.missing?.() ?? [];
      } finally {
        source.close();
      }
      if (missing.length === 0) return new TextDecoder("utf-8").decode(bytes);
      if (!entry.fetch || pass >= MAX_FETCH_PASSES) return null;
      await entry.fetch(missing);
    }
  } catch {
    // An unreadable text is the same as an absent one to the card and license readers; the scan reports it.
    return null;
  }
}
