/**
 * modelgate's library API: the same code the CLI runs.
 * @module
 */

export { buildMlBom, type MlBomOptions } from "./bom/build-ml-bom.js";
export { readModelCard } from "./card/read-model-card.js";
export type { ModelCard } from "./card/types.js";
export { type AllowEntry, loadConfig, type ModelgateConfig, parseConfig } from "./config/load-config.js";
export { BoundExceededError, type ErrorCode, FormatError, ModelgateError } from "./errors.js";
export type { ByteRange, FileSet, FileSetEntry, FileSetSource } from "./formats/file-set.js";
export type { GlobalRef, PickleAnalysis, PickleCall, PickleValue } from "./formats/pickle/types.js";
export { analyzePickle, analyzePickleStream } from "./formats/pickle/vm.js";
export { type HubOptions, hubFileSet } from "./hub/hub-file-set.js";
export { identifyLicense, type LicenseInputs } from "./license/identify-license.js";
export { LICENSES, licenseByHubId, licenseByKey } from "./license/kb/index.js";
export { lineageFileResolver, localBaseResolver, resolveLineage } from "./license/lineage.js";
export { assessOpenness } from "./license/openness.js";
export type { LicenseEntry, LicenseReport, LineageNode, Obligations, Openness } from "./license/types.js";
export { DEFAULT_RULES, resolvePolicy } from "./policy/default-policy.js";
export { evaluatePolicy } from "./policy/evaluate-policy.js";
export { renderVetJson } from "./policy/render/json.js";
export { renderVetSarif } from "./policy/render/sarif.js";
export { renderVetText } from "./policy/render/text.js";
export type { Verdict, VetReason, VetReport } from "./policy/types.js";
export { type VetOptions, vet } from "./policy/vet.js";
export { localFileSet } from "./scan/enumerate.js";
export { classifyGlobal, normalizeGlobal } from "./scan/globals/index.js";
export { EXIT, findingsAtOrAbove, scanExitCode } from "./scan/outcome.js";
export { renderJson } from "./scan/render/json.js";
export { renderSarif } from "./scan/render/sarif.js";
export { renderText } from "./scan/render/text.js";
export type { RepositoryView } from "./scan/repository.js";
export { RULES, type RuleDoc } from "./scan/rules.js";
export { type ScanOptions, scan } from "./scan/scan.js";
export type { FileReport, Finding, FormatName, ScanReport, Severity } from "./scan/types.js";
export { SEVERITIES } from "./scan/types.js";
export { VERSION } from "./version.js";
