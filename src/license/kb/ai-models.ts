import type { LicenseEntry } from "../types.js";

/** AI model licenses and agreements (Llama, Gemma, RAIL, Qwen, ...). */
export const AI_MODEL_LICENSES: LicenseEntry[] = [];
