/** One license in the obligations knowledge base: every fact carries the section of the text it comes from. */
export interface LicenseEntry {
  /** modelgate's stable key (`apache-2.0`, `llama3.1`, `creativeml-openrail-m`). */
  key: string;
  name: string;
  /** SPDX id, or a `LicenseRef-` id where SPDX has none. */
  spdx: string;
  /** Hugging Face Hub license ids that mean this license. */
  hubIds: string[];
  /** Where the text is published. */
  url: string;
  family:
    | "permissive"
    | "weak-copyleft"
    | "copyleft"
    | "public-domain"
    | "creative-commons"
    | "responsible-ai"
    | "model-agreement";
  /** OSI-approved (the OSAID's license condition for code and weights). */
  osiApproved: boolean;
  obligations: ObligationFacts;
  /**
   * Distinctive phrases of the full text (normalized: lower case, whitespace collapsed), each long enough
   * that only this license contains it; a LICENSE file matches when enough of them are present.
   */
  fingerprints: string[];
}

export interface Fact<T = unknown> {
  value: T;
  /** The section of the license text this fact comes from (`§1.b.i`, `Attachment A`, `4(a)`). */
  cite: string;
  note?: string;
}

export type CommercialUse = "allowed" | "conditional" | "prohibited" | "unknown";

/** The obligations block of the vet report (DESIGN.md, "Vet report"): `null` / `unknown` when not known. */
export interface Obligations {
  commercialUse: CommercialUse;
  attribution: boolean | null;
  shareAlike: boolean | null;
  useRestrictions: boolean | null;
  restrictionsFlowDown: boolean | null;
  /** User or revenue threshold, e.g. "700M monthly active users". */
  threshold: string | null;
  /** Naming or branding duty, e.g. "Built with Llama". */
  naming: string | null;
  derivativesInherit: boolean | null;
  outputsForTraining: CommercialUse;
}

/** The obligations' keys, in the contract's order (DESIGN.md, "Vet report"). */
export const OBLIGATION_KEYS: readonly (keyof Obligations)[] = [
  "commercialUse",
  "attribution",
  "shareAlike",
  "useRestrictions",
  "restrictionsFlowDown",
  "threshold",
  "naming",
  "derivativesInherit",
  "outputsForTraining",
];

/** The same obligations as knowledge-base facts, each with its citation. */
export type ObligationFacts = {
  [K in keyof Obligations]: Fact<Exclude<Obligations[K], "unknown" | null> | null>;
};

export interface LicenseSource {
  kind: "card" | "file" | "body" | "base-model";
  path: string;
  value: string;
}

export interface LicenseConflict {
  kind: "source-disagreement" | "lineage" | "merge";
  message: string;
  between: [string, string];
}

/** The `license` section of the vet report (DESIGN.md, "Vet report"). */
export interface LicenseReport {
  key: string;
  hub: string;
  spdx: string | null;
  name: string;
  sources: LicenseSource[];
  obligations: Obligations;
  conflicts: LicenseConflict[];
  /** When `key` is `unknown`: what is needed to resolve it. */
  unresolved?: string;
  /** Each obligation's citation in the license text, for evidence. */
  citations?: Partial<Record<keyof Obligations, string>>;
  /** Base models followed through `base_model`, with the license each carries. */
  lineage?: LineageNode[];
}

export interface LineageNode {
  /** Hub id, path, or name as `base_model` gives it. */
  id: string;
  relation: "finetune" | "adapter" | "merge" | "quantized" | null;
  /** Resolved license key of the base, `unknown` when it could not be read. */
  license: string;
  /** Where the base was read from (`local:../base`, `lineage-file`, `hf`), or null when unresolved. */
  resolvedFrom: string | null;
  /** Why the base could not be read (no resolver knows it, a cycle, the depth or node cap). */
  unresolvedReason?: string;
  parents: LineageNode[];
}

/** The `openness` section of the vet report. */
export interface Openness {
  mofClass: "I" | "II" | "III" | "none";
  osaidLicenses: boolean;
  /** MOF components found, and those missing for the next class. */
  components?: string[];
  missingForNext?: string[];
}

/** What lineage needs of a base model: its card and license files, as text. */
export interface BaseModelTexts {
  /** Where it was read from (`local:../base`, `lineage-file:path`, `hf:org/name@rev`). */
  from: string;
  /** README.md, or null. */
  readme: string | null;
  /** LICENSE*, NOTICE*, USE_POLICY* files. */
  files: { path: string; text: string }[];
}

/** Finds a base model by its `base_model` id or path; null when this resolver does not know it. */
export type BaseModelResolver = (id: string) => Promise<BaseModelTexts | null>;
