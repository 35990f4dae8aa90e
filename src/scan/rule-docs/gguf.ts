import type { RuleDoc } from "../rules.js";

/** Rules of the gguf reader (docs/rules.md is generated from these). */
export const GGUF_RULES: RuleDoc[] = [];
