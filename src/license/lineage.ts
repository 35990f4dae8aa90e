/**
 * Lineage: follows `base_model` through resolvers (a local folder, the lineage file, the Hub), reads each
 * base's card and license files, and identifies its license, bases first.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { parse } from "yaml";
import { readModelCard } from "../card/read-model-card.js";
import type { ModelCard } from "../card/types.js";
import { ModelgateError } from "../errors.js";
import { identifyLicense } from "./identify-license.js";
import { licenseByHubId, licenseByKey } from "./kb/index.js";
import type { BaseModelResolver, BaseModelTexts, LineageNode } from "./types.js";

export interface LineageOptions {
  /** Generations followed (a base's base is depth 2); default 5. */
  maxDepth?: number;
  /** Bases resolved in all; default 32. */
  maxNodes?: number;
}

const RELATIONS = new Set(["finetune", "adapter", "merge", "quantized"]);
/** Files read from a local base: the card and what carries a license. */
export const LICENSE_FILE_NAME = /^(licen[cs]e|copying|notice|use_policy)([-_.][\w.-]*)?$/i;
/** No card or license text is this long; larger files are not read. */
const MAX_TEXT_BYTES = 1 << 20;
export const LINEAGE_FILES = ["modelgate.lineage.yaml", "lineage.yaml"];

/** The base models of a card, each with its license and its own bases (depth and node capped, cycles cut). */
export async function resolveLineage(
  card: ModelCard,
  resolvers: BaseModelResolver[],
  options: LineageOptions = {},
): Promise<LineageNode[]> {
  const maxDepth = options.maxDepth ?? 5;
  const maxNodes = options.maxNodes ?? 32;
  let resolved = 0;

  const visit = async (
    id: string,
    relation: LineageNode["relation"],
    depth: number,
    path: string[],
  ): Promise<LineageNode> => {
    const unresolved = (reason: string): LineageNode => ({
      id,
      relation,
      license: "unknown",
      resolvedFrom: null,
      unresolvedReason: reason,
      parents: [],
    });
    if (path.includes(id)) return unresolved(`cycle: ${[...path, id].join(" -> ")}`);
    if (depth > maxDepth) return unresolved(`lineage deeper than ${maxDepth} generations`);
    if (resolved >= maxNodes) return unresolved(`more than ${maxNodes} base models`);
    resolved++;
    let texts: BaseModelTexts | null = null;
    const failures: string[] = [];
    for (const resolver of resolvers) {
      try {
        texts = await resolver(id);
      } catch (e) {
        failures.push(e instanceof Error ? e.message : String(e));
      }
      if (texts) break;
    }
    if (!texts) return unresolved(failures.length > 0 ? failures.join("; ") : "no resolver knows it");
    const baseCard = readModelCard(texts.readme);
    const parents: LineageNode[] = [];
    for (const parentId of baseCard.baseModels)
      parents.push(await visit(parentId, relationOf(baseCard), depth + 1, [...path, id]));
    const report = identifyLicense({ card: baseCard, files: texts.files, lineage: parents });
    return { id, relation, license: report.key, resolvedFrom: texts.from, parents };
  };

  const nodes: LineageNode[] = [];
  for (const id of card.baseModels) nodes.push(await visit(id, relationOf(card), 1, []));
  return nodes;
}

function relationOf(card: ModelCard): LineageNode["relation"] {
  if (card.relation) return card.relation;
  if (card.baseModels.length > 1) return "merge";
  return card.baseModels.length === 1 ? "finetune" : null;
}

/**
 * A `base_model` that is a folder on disk: `./base`, `../base`, an absolute path, or a folder of that name
 * under the repository root. Reads its README.md and license files.
 */
export function localBaseResolver(repoRoot: string): BaseModelResolver {
  return async (id) => {
    const dir = isAbsolute(id) ? id : resolve(repoRoot, id);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) return null;
    const names = readdirSync(dir);
    const readme = names.find((n) => n.toLowerCase() === "readme.md");
    const files = names
      .filter((n) => LICENSE_FILE_NAME.test(n))
      .flatMap((n) => {
        const text = readSmallText(join(dir, n));
        return text === null ? [] : [{ path: n, text }];
      });
    if (!readme && files.length === 0) return null;
    return { from: `local:${id}`, readme: readme ? readSmallText(join(dir, readme)) : null, files };
  };
}

export interface LineageFileEntry {
  license: string;
  relation?: LineageNode["relation"];
  base_model?: string[];
}

/**
 * The lineage file (`modelgate.lineage.yaml` or `lineage.yaml` at the repository root): a map from a
 * `base_model` id to `{ license: <Hub id or modelgate key>, relation?, base_model?: [...] }`, for bases
 * that are neither on disk nor reachable (offline, gated). A malformed file is an error, not silence.
 */
export function lineageFileResolver(repoRoot: string): BaseModelResolver {
  let entries: Map<string, LineageFileEntry> | null = null;
  let file: string | null = null;
  return async (id) => {
    if (entries === null) {
      file = LINEAGE_FILES.find((n) => existsSync(join(repoRoot, n))) ?? null;
      const text = file ? readSmallText(join(repoRoot, file)) : null;
      entries = text === null ? new Map() : parseLineageFile(text, file!);
    }
    const entry = entries.get(id);
    return entry ? { from: `lineage-file:${file}`, readme: syntheticCard(entry), files: [] } : null;
  };
}

/** The lineage file is malformed: the person who wrote it has something to fix, as in modelgate.yaml. */
export class LineageFileError extends ModelgateError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("CONFIG_INVALID", message, options);
    this.name = "LineageFileError";
  }
}

export function parseLineageFile(text: string, name: string): Map<string, LineageFileEntry> {
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100, logLevel: "error" });
  } catch (cause) {
    throw new LineageFileError(
      `${name}: not valid YAML (${cause instanceof Error ? cause.message : cause})`,
      {
        cause,
      },
    );
  }
  if (doc === null || doc === undefined) return new Map();
  if (typeof doc !== "object" || Array.isArray(doc))
    throw new LineageFileError(`${name}: expected a map of base model ids`);
  const out = new Map<string, LineageFileEntry>();
  for (const [id, raw] of Object.entries(doc as Record<string, unknown>)) {
    const v = (typeof raw === "string" ? { license: raw } : raw) as Record<string, unknown> | null;
    if (!v || typeof v !== "object" || typeof v.license !== "string" || v.license.trim() === "")
      throw new LineageFileError(`${name}: ${id}: needs a license (a Hub id or modelgate key)`);
    const relation = v.relation ?? null;
    if (relation !== null && (typeof relation !== "string" || !RELATIONS.has(relation)))
      throw new LineageFileError(`${name}: ${id}: relation must be one of ${[...RELATIONS].join(", ")}`);
    const bases =
      v.base_model === undefined ? [] : Array.isArray(v.base_model) ? v.base_model : [v.base_model];
    if (!bases.every((b): b is string => typeof b === "string"))
      throw new LineageFileError(`${name}: ${id}: base_model must be an id or a list of ids`);
    out.set(id, {
      license: v.license.trim(),
      relation: relation as LineageNode["relation"],
      base_model: bases,
    });
  }
  return out;
}

/** A card that says what the lineage file says, so a listed base reads like any other. */
function syntheticCard(entry: LineageFileEntry): string {
  const lines = ["---"];
  const value = entry.license.toLowerCase();
  const byKey = licenseByHubId(value) ? null : licenseByKey(value);
  if (byKey) lines.push("license: other", `license_name: ${JSON.stringify(byKey.name)}`);
  else lines.push(`license: ${JSON.stringify(value)}`);
  if (entry.base_model && entry.base_model.length > 0)
    lines.push("base_model:", ...entry.base_model.map((b) => `  - ${JSON.stringify(b)}`));
  if (entry.relation) lines.push(`base_model_relation: ${entry.relation}`);
  lines.push("---", "");
  return lines.join("\n");
}

function readSmallText(path: string): string | null {
  try {
    if (statSync(path).size > MAX_TEXT_BYTES) return null;
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}
