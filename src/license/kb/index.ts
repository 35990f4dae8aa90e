import type { LicenseEntry } from "../types.js";
import { AI_MODEL_LICENSES } from "./ai-models.js";
import { OPEN_SOURCE_LICENSES } from "./open-source.js";

/** Version of the knowledge base data; bump when a fact changes. */
export const KB_VERSION = "2026.11.2";

export const LICENSES: readonly LicenseEntry[] = [...OPEN_SOURCE_LICENSES, ...AI_MODEL_LICENSES];

const byKey = new Map(LICENSES.map((l) => [l.key, l]));
const byHubId = new Map(LICENSES.flatMap((l) => l.hubIds.map((id) => [id.toLowerCase(), l] as const)));

export function licenseByKey(key: string): LicenseEntry | undefined {
  return byKey.get(key);
}

/** A Hugging Face Hub license id (case-insensitive) to its entry. */
export function licenseByHubId(id: string): LicenseEntry | undefined {
  return byHubId.get(id.toLowerCase());
}
