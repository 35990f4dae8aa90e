/**
 * A Hugging Face model card (README.md: YAML front matter and Markdown body) as modelgate reads it.
 * The optional fields were added after the interface was fixed; `readModelCard` always sets them.
 */
export interface ModelCard {
  /** A README.md was found. */
  present: boolean;
  /** The front matter as parsed, or null when there is none or it cannot be parsed. */
  metadata: Record<string, unknown> | null;
  /** What was odd while reading (unparseable front matter, a misspelt key such as `licence`, ...). */
  problems: CardProblem[];
  /** The license as the card declares it (metadata first; `license: other` with `license_name`/`license_link`). */
  license: CardLicense;
  /** `base_model`, normalized to a list of ids or paths. */
  baseModels: string[];
  relation: "finetune" | "adapter" | "merge" | "quantized" | null;
  /** Whether `relation` was declared (`base_model_relation`) or inferred from the card; null when no relation. */
  relationSource?: "metadata" | "inferred" | null;
  datasets: string[];
  /** `model-index` results. */
  results: CardResult[];
  /** Gating keys (`extra_gated_*`, `gated`): access needs accepting terms. */
  gated: boolean;
  /** The names of the `extra_gated_fields` a user must fill in to get access. */
  gatedFields?: string[];
  /** `pipeline_tag`, lower-cased. */
  pipelineTag?: string | null;
  /** `library_name`, lower-cased. */
  libraryName?: string | null;
  /** `tags` as written. */
  tags?: string[];
  /** `language`, normalized to a list of codes. */
  languages?: string[];
  /** Sections of the body (Markdown headings) with their text. */
  sections: CardSection[];
  /** Completeness against the documented checklist, 0..1, and the checklist items missing / present. */
  completeness: number;
  missing: string[];
  presentItems: string[];
}

export interface CardProblem {
  kind: "front-matter-unparseable" | "misspelt-key" | "empty-value" | "invalid-value" | "truncated" | "other";
  message: string;
  key?: string;
}

export interface CardLicense {
  /** The Hub license id as written, lower-cased (`apache-2.0`, `llama3.1`, `other`), or null. */
  id: string | null;
  /** Every id the card lists (`license: [mit, apache-2.0]`); `id` is null when there are several. */
  ids?: string[];
  /** `license_name` for `license: other`. */
  name: string | null;
  /** `license_link`. */
  link: string | null;
  /** Where it came from: the metadata key as written (`license`, `licence`, `License`) or `body`. */
  source: string | null;
}

export interface CardResult {
  task: string | null;
  dataset: string | null;
  metric: string | null;
  value: number | string | null;
}

export interface CardSection {
  heading: string;
  level: number;
  text: string;
}
