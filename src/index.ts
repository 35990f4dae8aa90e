/**
 * modelgate's library API: the same code the CLI runs.
 * @module
 */
export { type ModelgateConfig, type AllowEntry, loadConfig, parseConfig } from "./config/load-config.js";
export { ModelgateError, FormatError, BoundExceededError, type ErrorCode } from "./errors.js";
export { scan, type ScanOptions } from "./scan/scan.js";
export { scanExitCode, findingsAtOrAbove, EXIT } from "./scan/outcome.js";
export { RULES, type RuleDoc } from "./scan/rules.js";
export { renderJson } from "./scan/render/json.js";
export { renderSarif } from "./scan/render/sarif.js";
export { renderText } from "./scan/render/text.js";
export type { Finding, FileReport, ScanReport, Severity, FormatName } from "./scan/types.js";
export { SEVERITIES } from "./scan/types.js";
export { analyzePickle, analyzePickleStream } from "./formats/pickle/vm.js";
export type { PickleAnalysis, PickleValue, PickleCall, GlobalRef } from "./formats/pickle/types.js";
export { classifyGlobal, normalizeGlobal } from "./scan/globals/index.js";
export { VERSION } from "./version.js";
