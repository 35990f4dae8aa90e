import type { RepositoryView } from "./repository.js";

export const SEVERITIES = ["critical", "high", "medium", "low", "info"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Larger is worse. */
export function severityRank(s: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(s);
}

export type FormatName =
  | "pickle"
  | "pytorch-zip"
  | "pytorch-legacy"
  | "torchscript"
  | "numpy"
  | "numpy-npz"
  | "joblib"
  | "safetensors"
  | "gguf"
  | "onnx"
  | "keras"
  | "keras-h5"
  | "hdf5"
  | "savedmodel"
  | "tf-graph"
  | "tflite"
  | "config"
  | "python"
  | "executable"
  | "archive"
  | "unknown";

export interface Finding {
  ruleId: string;
  severity: Severity;
  /** Relative path of the outer file on disk. */
  file: string;
  /** `<inner member path>@<byte offset>`; the member path is empty for the file itself. */
  location: string;
  message: string;
  evidence: Record<string, unknown>;
}

export interface FileReport {
  path: string;
  size: number;
  sha256: string | null;
  format: FormatName;
  findings: number;
}

export interface ScanReport {
  /** Present when the target is a directory (a model repository). */
  repository?: RepositoryView;
  schemaVersion: 1;
  tool: { name: "modelgate"; version: string };
  target: string;
  files: FileReport[];
  findings: Finding[];
  summary: {
    files: number;
    bytesRead: number;
    bytesTotal: number;
    durationMs: number;
    bySeverity: Record<Severity, number>;
  };
}
