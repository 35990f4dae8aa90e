import type { ModelCard } from "../card/types.js";
import type { LicenseReport, LineageNode } from "./types.js";

export interface LicenseInputs {
  card: ModelCard | null;
  /** License-bearing files of the repository (LICENSE*, NOTICE*, USE_POLICY*, COPYING*), with their text. */
  files: { path: string; text: string }[];
  /** Base models already resolved (see resolveLineage). */
  lineage: LineageNode[];
}

/** The license of a model from every source in its repository and its lineage; never a guess. */
export function identifyLicense(_inputs: LicenseInputs): LicenseReport {
  throw new Error("identifyLicense: not built yet");
}
