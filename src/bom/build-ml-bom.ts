import type { VetReport } from "../policy/types.js";

/** A CycloneDX 1.6 JSON ML-BOM for a vetted model. */
export function buildMlBom(_report: VetReport): Record<string, unknown> {
  throw new Error("buildMlBom: not built yet");
}
