import type { RuleDoc } from "../rules.js";

/** Rules of the safetensors reader (docs/rules.md is generated from these). */
export const SAFETENSORS_RULES: RuleDoc[] = [];
