import type { CardLicense, CardProblem, CardResult, ModelCard } from "./types.js";

const MAX_LIST_ITEMS = 500;
const MAX_RESULTS = 2000;
const MAX_VALUE_CHARS = 2000;

type Metadata = Record<string, unknown>;

interface Found {
  /** The key as the card writes it. */
  key: string;
  value: unknown;
}

/** Folds the spellings real cards use (`License`, `licence`, `base-model`, `Datasets`) onto one form. */
function keyForm(key: string): string {
  return key
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_")
    .replace(/licen[cs]e/g, "license");
}

/**
 * Finds a metadata key: the canonical spelling first, then any variant (a misspelt-key problem).
 * `variants` are key forms (see keyForm).
 */
function lookup(
  meta: Metadata,
  canonical: string,
  variants: string[],
  problems: CardProblem[],
): Found | null {
  if (Object.hasOwn(meta, canonical)) return { key: canonical, value: meta[canonical] };
  const forms = new Set([canonical, ...variants]);
  for (const key of Object.keys(meta)) {
    if (!forms.has(keyForm(key))) continue;
    problems.push({
      kind: "misspelt-key",
      key,
      message: `The card writes \`${key}\` where the Hub expects \`${canonical}\`; the Hub ignores it, modelgate read it.`,
    });
    return { key, value: meta[key] };
  }
  return null;
}

function isEmpty(value: unknown): boolean {
  return (
    value === null ||
    value === undefined ||
    (typeof value === "string" && value.trim() === "") ||
    (Array.isArray(value) && value.length === 0)
  );
}

function emptyProblem(key: string): CardProblem {
  return { kind: "empty-value", key, message: `\`${key}\` is present but empty.` };
}

function clip(text: string): string {
  return text.length > MAX_VALUE_CHARS ? text.slice(0, MAX_VALUE_CHARS) : text;
}

/** A string or a list of strings, as Hub keys such as `datasets`, `tags`, `language` allow. */
function stringList(found: Found | null, problems: CardProblem[]): string[] {
  if (found === null) return [];
  if (isEmpty(found.value)) {
    problems.push(emptyProblem(found.key));
    return [];
  }
  const items = Array.isArray(found.value) ? found.value : [found.value];
  const out: string[] = [];
  let skipped = 0;
  for (const item of items.slice(0, MAX_LIST_ITEMS)) {
    if (typeof item === "string" || typeof item === "number") {
      const text = clip(String(item).trim());
      if (text !== "" && !out.includes(text)) out.push(text);
    } else if (item !== null) {
      skipped++;
    }
  }
  if (skipped > 0) {
    problems.push({
      kind: "invalid-value",
      key: found.key,
      message: `\`${found.key}\` holds ${skipped} item(s) that are not strings; they were ignored.`,
    });
  }
  if (items.length > MAX_LIST_ITEMS) {
    problems.push({
      kind: "truncated",
      key: found.key,
      message: `\`${found.key}\` lists ${items.length} items; the first ${MAX_LIST_ITEMS} were read.`,
    });
  }
  return out;
}

function singleString(found: Found | null, problems: CardProblem[]): string | null {
  if (found === null) return null;
  if (isEmpty(found.value)) {
    problems.push(emptyProblem(found.key));
    return null;
  }
  if (typeof found.value === "string" || typeof found.value === "number") {
    return clip(String(found.value).trim());
  }
  problems.push({
    kind: "invalid-value",
    key: found.key,
    message: `\`${found.key}\` should be a single string.`,
  });
  return null;
}

export function readLicense(meta: Metadata, problems: CardProblem[]): CardLicense {
  const found = lookup(meta, "license", ["licenses", "license_id"], problems);
  const nameFound = lookup(meta, "license_name", [], problems);
  const linkFound = lookup(meta, "license_link", ["license_url"], problems);
  const ids = stringList(found, problems).map((id) => id.toLowerCase());
  if (ids.length > 1) {
    problems.push({
      kind: "invalid-value",
      key: found!.key,
      message: `\`${found!.key}\` lists several licenses (${ids.join(", ")}); which applies cannot be told from the card.`,
    });
  }
  const name = singleString(nameFound, problems);
  const link = singleString(linkFound, problems);
  const id = ids.length === 1 ? ids[0]! : null;
  if ((name !== null || link !== null) && id !== null && id !== "other") {
    problems.push({
      kind: "invalid-value",
      key: nameFound?.key ?? linkFound?.key ?? "license_name",
      message: `\`license_name\`/\`license_link\` are set but \`license\` is \`${id}\`, not \`other\`.`,
    });
  }
  if (id === "other" && name === null && link === null) {
    problems.push({
      kind: "empty-value",
      key: found!.key,
      message:
        "`license: other` without `license_name` or `license_link` does not say which license applies.",
    });
  }
  const declared = ids.length > 0 || name !== null || link !== null;
  return {
    id,
    ids,
    name,
    link,
    source: declared ? (found?.key ?? nameFound?.key ?? linkFound?.key ?? null) : null,
  };
}

const RELATIONS = ["adapter", "merge", "quantized", "finetune"] as const;
type Relation = (typeof RELATIONS)[number];

function isRelation(value: string): value is Relation {
  return (RELATIONS as readonly string[]).includes(value);
}

/** `https://huggingface.co/org/name/tree/main` is written for `org/name` often enough to undo it. */
function modelId(reference: string): string {
  const url = /^https?:\/\/(?:www\.)?huggingface\.co\/([^/\s?#]+\/[^/\s?#]+)/i.exec(reference);
  return url ? url[1]! : reference;
}

export interface BaseModels {
  ids: string[];
  /** A relation named by a mapping key (`base_model: {adapter: org/name}`), which the spec does not define. */
  mappedRelation: Relation | null;
}

export function readBaseModels(meta: Metadata, problems: CardProblem[]): BaseModels {
  const found = lookup(meta, "base_model", ["base_models", "basemodel", "base_model_name_or_path"], problems);
  if (found === null) return { ids: [], mappedRelation: null };
  let mappedRelation: Relation | null = null;
  let listed: Found = found;
  if (found.value !== null && typeof found.value === "object" && !Array.isArray(found.value)) {
    // The card spec allows a string or a list; some cards nest the ids under the relation.
    const mapping = found.value as Record<string, unknown>;
    const keys = Object.keys(mapping);
    const relationKey = keys.map((k) => k.trim().toLowerCase()).find(isRelation);
    mappedRelation = relationKey ?? null;
    problems.push({
      kind: "invalid-value",
      key: found.key,
      message: `\`${found.key}\` is a mapping (${keys
        .slice(0, 5)
        .map((k) => k.slice(0, 60))
        .join(", ")}); the Hub expects a model id or a list of ids.`,
    });
    listed = { key: found.key, value: Object.values(mapping).flat() };
  }
  const ids = stringList(listed, problems).map(modelId);
  return { ids: [...new Set(ids)], mappedRelation };
}

const QUANTIZED_TAGS = new Set([
  "gguf",
  "ggml",
  "gptq",
  "awq",
  "exl2",
  "quantized",
  "4-bit",
  "8-bit",
  "4bit",
  "8bit",
  "bitsandbytes",
  "int4",
  "int8",
  "fp8",
  "nvfp4",
  "mlx-4bit",
]);
const MERGE_TAGS = new Set(["merge", "mergekit", "model-merge", "merged"]);
const ADAPTER_TAGS = new Set(["peft", "lora", "qlora", "adapter"]);

export interface RelationInputs {
  meta: Metadata;
  baseModels: BaseModels;
  libraryName: string | null;
  tags: string[];
}

/**
 * `base_model_relation` when declared; otherwise inferred from the card alone, as the Hub infers it from
 * the repository (adapter_config.json, several parents, quantized weight files).
 */
export function readRelation(
  { meta, baseModels, libraryName, tags }: RelationInputs,
  problems: CardProblem[],
): Pick<ModelCard, "relation" | "relationSource"> {
  const found = lookup(meta, "base_model_relation", [], problems);
  const declared = singleString(found, problems)?.toLowerCase() ?? null;
  if (declared !== null) {
    if (isRelation(declared)) return { relation: declared, relationSource: "metadata" };
    problems.push({
      kind: "invalid-value",
      key: found!.key,
      message: `\`${found!.key}: ${declared}\` is not one of ${RELATIONS.join(", ")}; the relation was inferred.`,
    });
  }
  if (baseModels.ids.length === 0) return { relation: null, relationSource: null };
  if (baseModels.mappedRelation !== null)
    return { relation: baseModels.mappedRelation, relationSource: "inferred" };
  const lowerTags = new Set(tags.map((t) => t.toLowerCase()));
  const hasTag = (set: Set<string>) => [...lowerTags].some((t) => set.has(t));
  const relation: Relation =
    baseModels.ids.length > 1
      ? "merge"
      : libraryName === "peft" || hasTag(ADAPTER_TAGS)
        ? "adapter"
        : Object.hasOwn(meta, "quantized_by") || libraryName === "gguf" || hasTag(QUANTIZED_TAGS)
          ? "quantized"
          : libraryName === "mergekit" || hasTag(MERGE_TAGS)
            ? "merge"
            : "finetune";
  return { relation, relationSource: "inferred" };
}

export function readDatasets(meta: Metadata, problems: CardProblem[]): string[] {
  return stringList(lookup(meta, "datasets", ["dataset"], problems), problems);
}

export function readTags(meta: Metadata, problems: CardProblem[]): string[] {
  return stringList(lookup(meta, "tags", ["tag"], problems), problems);
}

export function readLanguages(meta: Metadata, problems: CardProblem[]): string[] {
  return stringList(lookup(meta, "language", ["languages", "lang"], problems), problems);
}

export function readPipelineTag(meta: Metadata, problems: CardProblem[]): string | null {
  return singleString(lookup(meta, "pipeline_tag", ["pipeline"], problems), problems)?.toLowerCase() ?? null;
}

export function readLibraryName(meta: Metadata, problems: CardProblem[]): string | null {
  return singleString(lookup(meta, "library_name", ["library"], problems), problems)?.toLowerCase() ?? null;
}

function record(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** `name`, else `type`, of a model-index entry such as `task: {type: text-generation, name: Text Generation}`. */
function label(value: unknown): string | null {
  if (typeof value === "string") return clip(value);
  const entry = record(value);
  if (entry === null) return null;
  for (const key of ["name", "type"]) {
    const v = entry[key];
    if (typeof v === "string" && v.trim() !== "") return clip(v.trim());
  }
  return null;
}

function metricValue(value: unknown): number | string | null {
  if (typeof value === "number") return value;
  if (typeof value === "string") return clip(value.trim());
  return null;
}

/** `model-index: [{name, results: [{task, dataset, metrics: [{type, name, value}]}]}]`, one result per metric. */
export function readResults(meta: Metadata, problems: CardProblem[]): CardResult[] {
  const found = lookup(meta, "model-index", ["model_index"], problems);
  if (found === null) return [];
  const invalid = (what: string) =>
    problems.push({
      kind: "invalid-value",
      key: found.key,
      message: `\`${found.key}\` ${what}; it was skipped.`,
    });
  const models = Array.isArray(found.value) ? found.value : [found.value];
  const results: CardResult[] = [];
  for (const model of models.slice(0, MAX_LIST_ITEMS)) {
    const entries = record(model)?.results;
    if (!Array.isArray(entries)) {
      invalid("has an entry without a `results` list");
      continue;
    }
    for (const entry of entries.slice(0, MAX_LIST_ITEMS)) {
      const result = record(entry);
      const metrics = result?.metrics;
      if (result === null || !Array.isArray(metrics)) {
        invalid("has a result without a `metrics` list");
        continue;
      }
      for (const metric of metrics.slice(0, MAX_LIST_ITEMS)) {
        if (results.length >= MAX_RESULTS) return results;
        results.push({
          task: label(result.task),
          dataset: label(result.dataset),
          metric: label(metric),
          value: metricValue(record(metric)?.value),
        });
      }
    }
  }
  return results;
}

export interface Gating {
  gated: boolean;
  fields: string[];
}

/** `gated: auto|manual|true` or any non-empty `extra_gated_*` key puts the model behind accepted terms. */
export function readGating(meta: Metadata): Gating {
  const gatedValue = meta.gated;
  const explicit =
    gatedValue === true ||
    (typeof gatedValue === "string" && !["false", "no", ""].includes(gatedValue.trim().toLowerCase()));
  const extra = Object.keys(meta).some((k) => k.toLowerCase().startsWith("extra_gated") && !isEmpty(meta[k]));
  const fieldsValue = record(meta.extra_gated_fields);
  const fields = fieldsValue ? Object.keys(fieldsValue).slice(0, MAX_LIST_ITEMS).map(clip) : [];
  return { gated: (explicit || extra) && gatedValue !== false, fields };
}
