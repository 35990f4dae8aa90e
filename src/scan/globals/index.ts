/** Judging pickle globals: normalization, the built-in allow-list, the dangerous catalogue. */
export {
  type AllowPattern,
  BUILTIN_ALLOW_PATTERNS,
  BUILTIN_ALLOWLIST,
  isBuiltinAllowed,
  matchAllowPattern,
  TORCHSCRIPT_MODULE,
} from "./allowlist.js";
export {
  type AllowEntry,
  classifyGlobal,
  type GlobalVerdict,
  type Verdict,
} from "./classify.js";
export {
  CAPABILITIES,
  type Capability,
  DANGEROUS_CATALOGUE,
  type DangerousEntry,
  dangerousExactNames,
  dangerousModules,
  lookupDangerousExact,
  lookupDangerousModule,
} from "./dangerous.js";
export { isDottedIdentifier, type NormalizedGlobal, normalizeGlobal } from "./normalize.js";
