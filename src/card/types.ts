/** A Hugging Face model card (README.md: YAML front matter and Markdown body) as modelgate reads it. */
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
  datasets: string[];
  /** `model-index` results. */
  results: CardResult[];
  /** Gating keys (`extra_gated_*`, `gated`): access needs accepting terms. */
  gated: boolean;
  /** Sections of the body (Markdown headings) with their text. */
  sections: CardSection[];
  /** Completeness against the documented checklist, 0..1, and the checklist items missing / present. */
  completeness: number;
  missing: string[];
  presentItems: string[];
}

export interface CardProblem {
  kind: "front-matter-unparseable" | "misspelt-key" | "empty-value" | "invalid-value" | "other";
  message: string;
  key?: string;
}

export interface CardLicense {
  /** The Hub license id as written, lower-cased (`apache-2.0`, `llama3.1`, `other`), or null. */
  id: string | null;
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
