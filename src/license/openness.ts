/**
 * Openness: the Model Openness Framework (MOF v1) class a repository demonstrably meets from what is in
 * it, and whether its license meets the OSI Open Source AI Definition's license conditions.
 */
import type { ModelCard } from "../card/types.js";
import { licenseByKey } from "./kb/index.js";
import { spdxLicense } from "./match-text.js";
import type { LicenseReport, Openness } from "./types.js";

/** What the scan's repository inventory says of a file (structural: license does not import scan). */
export interface InventoryItem {
  path: string;
  role: string;
  format: string;
}

export interface OpennessInputs {
  license: LicenseReport;
  card: ModelCard | null;
  inventory: InventoryItem[];
}

/** MOF v1 components each class adds (cumulative: Class II needs Class III's too). */
export const MOF_COMPONENTS = {
  III: [
    "Model architecture",
    "Model parameters (Final)",
    "Model card",
    "Data card",
    "Technical report",
    "Evaluation results",
  ],
  II: ["Training code", "Inference code", "Evaluation code", "Evaluation data"],
  I: ["Datasets", "Data preprocessing code", "Model parameters (Intermediate)", "Research paper"],
} as const;

const OPEN_LICENSE = "an open license (OSI-approved, or an open data license) without use restrictions";

export function assessOpenness({ license, card, inventory }: OpennessInputs): Openness {
  const found = new Set(presentComponents(card, inventory));
  const openLicense = isOpenLicense(license);
  const components = [...MOF_COMPONENTS.III, ...MOF_COMPONENTS.II, ...MOF_COMPONENTS.I].filter((c) =>
    found.has(c),
  );
  const missing = (names: readonly string[]) => names.filter((c) => !found.has(c));
  const licenseGap = openLicense ? [] : [`${OPEN_LICENSE} (the license is ${license.key})`];
  let mofClass: Openness["mofClass"] = "none";
  let missingForNext = [...licenseGap, ...missing(MOF_COMPONENTS.III)];
  if (openLicense && missing(MOF_COMPONENTS.III).length === 0) {
    mofClass = "III";
    missingForNext = missing(MOF_COMPONENTS.II);
    if (missingForNext.length === 0) {
      mofClass = "II";
      missingForNext = missing(MOF_COMPONENTS.I);
      if (missingForNext.length === 0) mofClass = "I";
    }
  }
  return { mofClass, osaidLicenses: meetsOsaidLicenses(license), components, missingForNext };
}

/**
 * OSAID 1.0's license conditions: code and parameters under OSI-approved terms, which allow use for any
 * purpose (no acceptable-use policy, no field-of-use or non-commercial limit), including what the lineage
 * passes down.
 */
export function meetsOsaidLicenses(license: LicenseReport): boolean {
  if (license.key === "unknown" || license.spdx === null) return false;
  if (license.conflicts.length > 0) return false;
  const entry = licenseByKey(license.key);
  const osi = entry ? entry.osiApproved : (spdxLicense(license.spdx)?.osiApproved ?? false);
  const o = license.obligations;
  return (
    osi && o.useRestrictions !== true && o.commercialUse !== "prohibited" && o.commercialUse !== "conditional"
  );
}

/**
 * MOF accepts OSI-approved licenses for code and open data / content licenses (CC0, CC-BY, CC-BY-SA,
 * CDLA, ODC) for the rest; anything with a use restriction or a non-commercial or no-derivatives limit
 * is not open.
 */
function isOpenLicense(license: LicenseReport): boolean {
  if (meetsOsaidLicenses(license)) return true;
  if (license.key === "unknown" || license.conflicts.length > 0) return false;
  const entry = licenseByKey(license.key);
  const o = license.obligations;
  const openContent =
    entry !== undefined &&
    (entry.family === "public-domain" ||
      entry.family === "creative-commons" ||
      /^(cdla|odc|odbl|pddl)/.test(entry.key)) &&
    !/-(nc|nd)(-|$)/.test(entry.key);
  return openContent && o.commercialUse === "allowed" && o.useRestrictions !== true;
}

const PY = /\.py$/i;

/** The MOF components the repository shows: files in the inventory and what the card documents. */
export function presentComponents(card: ModelCard | null, inventory: InventoryItem[]): string[] {
  const out: string[] = [];
  const has = (test: (i: InventoryItem) => boolean) => inventory.some(test);
  const base = (p: string) => p.split("/").pop()!.toLowerCase();
  const code = inventory.filter((i) => i.role === "code" || PY.test(i.path));
  const sections = card?.present ? card.sections : [];
  const sectionAbout = (re: RegExp) => sections.some((s) => re.test(s.heading) && s.text.trim().length > 0);
  const cardText = sections.map((s) => s.text).join("\n");

  // A config.json naming its architecture stands for the library code that defines it (transformers,
  // diffusers: Apache-2.0); modeling code shipped in the repository is the architecture itself.
  if (code.some((i) => /model|arch/i.test(base(i.path))) || has((i) => base(i.path) === "config.json"))
    out.push("Model architecture");
  const weights = inventory.filter((i) => i.role === "weights");
  const intermediate = weights.filter((i) => /(^|\/)(checkpoint|ckpt|step|epoch)[-_]?\d+/i.test(i.path));
  if (weights.length > intermediate.length) out.push("Model parameters (Final)");
  if (card?.present) out.push("Model card");
  if (
    (card?.datasets.length ?? 0) > 0 ||
    sectionAbout(/training data|dataset|data card/i) ||
    has((i) => /datasheet|data_?card/i.test(base(i.path)))
  )
    out.push("Data card");
  const paper =
    /arxiv\.org\/(abs|pdf)\/|doi\.org\/10\./i.test(cardText) ||
    has((i) => /(paper|report)\.(pdf|md)$/i.test(base(i.path)));
  if (paper || has((i) => /technical[-_ ]?report/i.test(base(i.path)))) out.push("Technical report");
  if ((card?.results.length ?? 0) > 0 || sectionAbout(/evaluation|results|benchmark/i))
    out.push("Evaluation results");
  if (code.some((i) => /train|finetune|fine_tune/i.test(base(i.path)))) out.push("Training code");
  if (code.some((i) => /infer|generate|predict|pipeline|serve|run/i.test(base(i.path))))
    out.push("Inference code");
  if (code.some((i) => /eval|benchmark/i.test(base(i.path)))) out.push("Evaluation code");
  if (has((i) => /(^|\/)(eval|evaluation|test)[-_]?(data|set)?\//i.test(i.path) && i.role !== "code"))
    out.push("Evaluation data");
  if (has((i) => /(^|\/)(data|datasets?|train[-_]?data)\//i.test(i.path) && i.role !== "code"))
    out.push("Datasets");
  if (code.some((i) => /preprocess|prepare|tokeni[sz]e_data|clean/i.test(base(i.path))))
    out.push("Data preprocessing code");
  if (intermediate.length > 0) out.push("Model parameters (Intermediate)");
  if (paper) out.push("Research paper");
  return out;
}
