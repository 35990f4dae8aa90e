import type { RuleDoc } from "../rules.js";

/** Rules of the onnx reader (docs/rules.md is generated from these). */
export const ONNX_RULES: RuleDoc[] = [
  {
    id: "ONNX_EXTERNAL_DATA_PATH",
    name: "OnnxExternalDataPathTraversal",
    defaultSeverity: "critical",
    shortDescription:
      "A tensor's external_data location leaves the model's directory (absolute path, drive or UNC path, '..' past the top, or a symbolic link that resolves outside).",
    help: "Do not load this model: loading reads the named file into a tensor (and re-saving writes to it). No exporter writes such a location; onnx and ONNX Runtime versions before the fixes follow it. Obtain the model from its publisher and keep external data files beside the model.",
    source:
      "CVE-2022-25882 (onnx external_data directory traversal), CVE-2024-27318 (bypass of that fix with nested '..'), CVE-2025-51480 (save_external_data file overwrite), CVE-2026-27489 (traversal through a symbolic link)",
  },
  {
    id: "ONNX_EXTERNAL_DATA_INVALID",
    name: "OnnxExternalDataInvalid",
    defaultSeverity: "medium",
    shortDescription:
      "A tensor's external_data entries are ones loaders read differently or refuse: a NUL byte, backslashes, a '..' component, unknown or repeated keys, a non-numeric offset or length, no location, a hard-linked or non-regular file, or the model file itself.",
    help: "Exporters (torch.onnx.export, onnx.save_model with save_as_external_data) write a plain relative file name and numeric offset/length. Re-export the model or fix the entries before loading it; until then, loaders may read different bytes than this scan checked.",
    source:
      "CVE-2026-34445 (onnx ExternalDataInfo attribute injection through unknown keys); onnx >= 1.21 external data hardening (hard-link and symlink refusal)",
  },
  {
    id: "ONNX_EXTERNAL_DATA_MISSING",
    name: "OnnxExternalDataMissing",
    defaultSeverity: "medium",
    shortDescription:
      "A tensor's external data file is not beside the model, so its weights cannot be verified.",
    help: "Download the missing file (usually `model.onnx.data` or `model.onnx_data`) from the same source and scan again.",
  },
  {
    id: "ONNX_TENSOR_SIZE",
    name: "OnnxTensorSizeMismatch",
    defaultSeverity: "medium",
    shortDescription:
      "A tensor's declared shape and type do not match the bytes stored for it (inline raw_data, typed data, or the external file range), or the shape overflows.",
    help: "Loaders either refuse such a tensor or read past what the file holds. Re-download or re-export the model; do not load it until it scans clean.",
  },
  {
    id: "ONNX_CUSTOM_OPERATOR",
    name: "OnnxCustomOperator",
    defaultSeverity: "medium",
    shortDescription:
      "Nodes use operators of a domain that neither ONNX nor ONNX Runtime defines: running the model needs a native custom-op library that the model does not contain.",
    help: "The model alone cannot run: whoever deploys it must load a shared library (register_custom_ops_library) that implements these operators, and that library runs with the process's rights. Review where that library comes from and pin it; prefer a model exported with standard operators. Domains ONNX Runtime implements itself (com.microsoft, ...) and functions the model defines are not reported.",
    source: "onnxruntime custom operators documentation; ONNX IR spec (operator sets and domains)",
  },
  {
    id: "ONNX_UNKNOWN_OPERATOR",
    name: "OnnxUnknownOperator",
    defaultSeverity: "medium",
    shortDescription:
      "A node in the default ONNX domain uses an operator name the ONNX specification does not define for the model's opset.",
    help: "Standard runtimes refuse this model unless a custom-op library registers the name; treat it like a custom operator and find out which library the publisher expects you to load.",
    source:
      "onnx/onnx operator_sets.h (every operator of opsets 1-24, including removed and experimental ones)",
  },
  {
    id: "ONNX_MALFORMED",
    name: "OnnxMalformedModel",
    defaultSeverity: "medium",
    shortDescription:
      "The ONNX model is readable but inconsistent: duplicate initializer names, several graph fields, a domain used without an opset import, fields with the wrong wire type, or tensors with several data fields.",
    help: "Loaders resolve these differently (first or last duplicate, default opset, skipped field), so what runs may differ from what was scanned. Re-export the model from its source.",
  },
];
