import type { LicenseEntry } from "../types.js";

/** Open-source and Creative Commons licenses. */
export const OPEN_SOURCE_LICENSES: LicenseEntry[] = [];
