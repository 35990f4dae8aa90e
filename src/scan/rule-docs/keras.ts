import type { RuleDoc } from "../rules.js";

/** Rules of the keras reader (docs/rules.md is generated from these). */
export const KERAS_RULES: RuleDoc[] = [];
