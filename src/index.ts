/**
 * modelgate's library API: the same code the CLI runs.
 * @module
 */
export { type AllowEntry, loadConfig, type ModelgateConfig, parseConfig } from "./config/load-config.js";
export { BoundExceededError, type ErrorCode, FormatError, ModelgateError } from "./errors.js";
export type { GlobalRef, PickleAnalysis, PickleCall, PickleValue } from "./formats/pickle/types.js";
export { analyzePickle, analyzePickleStream } from "./formats/pickle/vm.js";
export { classifyGlobal, normalizeGlobal } from "./scan/globals/index.js";
export { EXIT, findingsAtOrAbove, scanExitCode } from "./scan/outcome.js";
export { renderJson } from "./scan/render/json.js";
export { renderSarif } from "./scan/render/sarif.js";
export { renderText } from "./scan/render/text.js";
export { RULES, type RuleDoc } from "./scan/rules.js";
export { type ScanOptions, scan } from "./scan/scan.js";
export type { FileReport, Finding, FormatName, ScanReport, Severity } from "./scan/types.js";
export { SEVERITIES } from "./scan/types.js";
export { VERSION } from "./version.js";
