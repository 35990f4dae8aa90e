import type { FormatName } from "./types.js";

/**
 * What a view learned about one outer file that matters beyond it: the repository view (formats,
 * parameter counts, remote code, inventory) and checks across files (shards named by an index, external
 * data, code an `auto_map` points at) are built from these after every file is read.
 */
export interface FileFacts {
  /** Tensors declared by the file's headers (safetensors, GGUF, ONNX initializers, ...). */
  tensors?: TensorFacts;
  /** Tensor names a safetensors header declares, for the shard index cross-check. */
  tensorNames?: string[];
  /** A `*.safetensors.index.json` (or `pytorch_model.bin.index.json`): tensor name -> shard file. */
  shardIndex?: ShardIndexFacts;
  /** Code that loading this repository would run, beyond the weights. */
  remoteCode: RemoteCodeFact[];
  /** Other files this one names, relative to the repository root (resolved by the view). */
  references: ReferenceFact[];
}

export interface TensorFacts {
  format: FormatName;
  tensors: number;
  parameters: number;
  /** Parameters per dtype as the format names it (`F16`, `BF16`, `Q4_K`, `FLOAT`, ...). */
  byDtype: Record<string, number>;
  /** Bytes of tensor data the header accounts for. */
  dataBytes: number;
}

export interface ShardIndexFacts {
  /** Tensor name -> shard path relative to the repository root. */
  weightMap: Record<string, string>;
  /** `metadata.total_size`, when the index states it. */
  totalSize: number | null;
  /** Location of the index, for findings. */
  location: string;
}

export interface RemoteCodeFact {
  /** What makes a loader run code: an `auto_map` entry, a Python file, a Hydra `_target_`, ... */
  kind: "auto_map" | "python-source" | "hydra-target" | "custom-pipeline" | "custom-module" | "other";
  /** One line: the class or file and what loads it. */
  detail: string;
  /** Where it was found (`<member>@<offset>`). */
  location: string;
}

export interface ReferenceFact {
  /** Path relative to the repository root (forward slashes). */
  path: string;
  kind: "shard" | "external-data" | "remote-code";
  location: string;
}

export function emptyFacts(): FileFacts {
  return { remoteCode: [], references: [] };
}
