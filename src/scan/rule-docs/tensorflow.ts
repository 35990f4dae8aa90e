import type { RuleDoc } from "../rules.js";

/** Rules of the tensorflow reader (docs/rules.md is generated from these). */
export const TENSORFLOW_RULES: RuleDoc[] = [];
