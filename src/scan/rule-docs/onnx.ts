import type { RuleDoc } from "../rules.js";

/** Rules of the onnx reader (docs/rules.md is generated from these). */
export const ONNX_RULES: RuleDoc[] = [];
