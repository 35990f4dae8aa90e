import type { RuleDoc } from "../rules.js";

/** Rules of the config reader (docs/rules.md is generated from these). */
export const CONFIG_RULES: RuleDoc[] = [];
