import { CONFIG_RULES } from "./rule-docs/config.js";
import { GGUF_RULES } from "./rule-docs/gguf.js";
import { KERAS_RULES } from "./rule-docs/keras.js";
import { ONNX_RULES } from "./rule-docs/onnx.js";
import { SAFETENSORS_RULES } from "./rule-docs/safetensors.js";
import { TENSORFLOW_RULES } from "./rule-docs/tensorflow.js";
import type { Severity } from "./types.js";

/** A rule as documented in docs/rules.md and published in SARIF. Ids are stable: never rename one. */
export interface RuleDoc {
  id: string;
  name: string;
  defaultSeverity: Severity;
  shortDescription: string;
  /** What to do about it. */
  help: string;
  /** Where the rule comes from (advisory, peer tool behaviour), when there is one. */
  source?: string;
  /** Where fuller documentation lives, when published. */
  helpUri?: string;
}

const list: RuleDoc[] = [
  {
    id: "PICKLE_DANGEROUS_GLOBAL",
    name: "DangerousPickleGlobal",
    defaultSeverity: "critical",
    shortDescription:
      "Loading this pickle imports a callable that can run code, start processes, touch files or the network.",
    help: "Do not load this file. Get the model from its original publisher in a safe format (safetensors), or ask the publisher why the file references this callable.",
    source: "picklescan/modelscan/fickling advisories; CPython pickle semantics",
  },
  {
    id: "PICKLE_UNSAFE_GLOBAL",
    name: "UnlistedPickleGlobal",
    defaultSeverity: "high",
    shortDescription:
      "Loading this pickle imports a name outside the allow-list; importing it runs that module's code.",
    help: "If the name belongs to code you trust (your own model class), add it to scan.allowGlobals in modelgate.yaml; otherwise treat the file as untrusted and prefer a safetensors copy.",
  },
  {
    id: "PICKLE_SETATTR_GADGET",
    name: "PickleBuildOnGlobal",
    defaultSeverity: "high",
    shortDescription:
      "BUILD sets attributes on a class or module rather than on a new object: a known way to hijack allow-listed code.",
    help: "No exporter writes this. Treat the file as malicious unless its publisher can explain it.",
    source: "fickling/picklescan BUILD-setattr bypasses",
  },
  {
    id: "PICKLE_EXT_CODE",
    name: "PickleExtensionCode",
    defaultSeverity: "high",
    shortDescription:
      "The pickle names a global through the copyreg extension registry (EXT1/EXT2/EXT4), so the import cannot be verified.",
    help: "Standard exporters never emit extension codes. Re-export the model with a current library or treat it as untrusted.",
  },
  {
    id: "PICKLE_MALFORMED",
    name: "MalformedPickle",
    defaultSeverity: "medium",
    shortDescription:
      "The pickle stream is broken; what came before the break is reported, the rest is unverified.",
    help: "A loader may still execute the part before the break. Re-download the file and verify its hash; do not load it until it scans clean.",
  },
  {
    id: "PICKLE_UNVERIFIABLE",
    name: "UnverifiablePickle",
    defaultSeverity: "medium",
    shortDescription:
      "A safety bound (opcodes, memo size, stack depth) was exceeded; the rest of the pickle was not verified.",
    help: "Real checkpoints stay far below these bounds. Raise the limit in modelgate.yaml (scan.limits) only if you trust the file's origin.",
  },
  {
    id: "ZIP_ANOMALY",
    name: "ZipHeaderAnomaly",
    defaultSeverity: "medium",
    shortDescription:
      "Zip headers disagree (duplicate names, central vs local header mismatches, flag bits, hidden local entries): loaders may see different contents.",
    help: "Every member was scanned by index; still, archives written by real exporters are consistent. Re-create the archive from a trusted source.",
    source: "picklescan zip flag-bit and CRC bypass advisories",
  },
  {
    id: "ARCHIVE_UNVERIFIABLE",
    name: "UnverifiableArchive",
    defaultSeverity: "medium",
    shortDescription:
      "An archive or compressed member could not be fully read (encrypted, corrupt, unsupported, nesting or size bound exceeded).",
    help: "The scanner cannot prove this content safe. Obtain an unencrypted copy, or raise scan.limits in modelgate.yaml if the bound is too low for a file you trust.",
  },
  {
    id: "FORMAT_MALFORMED",
    name: "MalformedFile",
    defaultSeverity: "medium",
    shortDescription: "A recognized format is malformed or truncated, so it could not be fully verified.",
    help: "Re-download the file and compare its hash with the publisher's; do not load it until it scans clean.",
  },
  {
    id: "POLYGLOT_FILE",
    name: "PolyglotFile",
    defaultSeverity: "medium",
    shortDescription:
      "The file is valid as more than one format (e.g. a pickle with a zip appended); loaders pick different views.",
    help: "Every view was scanned. Real exporters never write polyglots: obtain the file from its original publisher.",
    source: "fickling polyglot research",
  },
  {
    id: "SCANNER_ERROR",
    name: "ScannerError",
    defaultSeverity: "medium",
    shortDescription: "A reader failed unexpectedly on this file; it is not proven safe.",
    help: "Report the file's hash and the message to the modelgate maintainers; treat the file as unverified.",
  },
  {
    id: "FILE_UNREADABLE",
    name: "UnreadableFile",
    defaultSeverity: "medium",
    shortDescription:
      "A file inside the target could not be read (permission denied, dangling link), so it was not scanned.",
    help: "Fix the file's permissions or the link and scan again; a loader might still reach it.",
  },
  {
    id: "NATIVE_CODE",
    name: "NativeCode",
    defaultSeverity: "high",
    shortDescription:
      "A native executable or library (ELF, PE, Mach-O, WebAssembly, a Java class) ships inside the model repository.",
    help: "Model weights need no machine code. If it is a custom-operator library, build it yourself from reviewed source; otherwise remove it before the model is used.",
    source: "ONNX Runtime / TensorFlow custom-op loading (register_custom_ops_library, tf.load_op_library)",
  },
  {
    id: "REPO_REFERENCE_MISSING",
    name: "MissingReferencedCode",
    defaultSeverity: "medium",
    shortDescription:
      "A config names code (e.g. an auto_map module) that is not in the scanned folder, so what a loader would run was not scanned.",
    help: "Scan the full repository snapshot, including every file the config names, before loading it with trust_remote_code.",
  },
  {
    id: "UNSCANNED_CONTENT",
    name: "UnscannedContent",
    defaultSeverity: "info",
    shortDescription: "No reader recognizes this content, so it was not scanned.",
    help: "Nothing to do if the file is documentation or data that no loader executes.",
  },
];

export const RULES: ReadonlyMap<string, RuleDoc> = new Map(
  [
    ...list,
    ...SAFETENSORS_RULES,
    ...GGUF_RULES,
    ...ONNX_RULES,
    ...TENSORFLOW_RULES,
    ...KERAS_RULES,
    ...CONFIG_RULES,
  ].map((r) => [r.id, r]),
);
