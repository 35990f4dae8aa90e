import type { RuleDoc } from "../rules.js";

const SPEC = "safetensors format and the Rust library's header validation (safetensors/src/tensor.rs)";

/** Rules of the safetensors reader (docs/rules.md is generated from these). */
export const SAFETENSORS_RULES: RuleDoc[] = [
  {
    id: "SAFETENSORS_HEADER_INVALID",
    name: "InvalidSafetensorsHeader",
    defaultSeverity: "medium",
    shortDescription:
      "The safetensors header cannot be read as strict JSON (length past the file or above 100 MB, invalid UTF-8, syntax, lone surrogates, bytes after the JSON object).",
    help: "The safetensors library refuses this file while lenient readers may not. Re-download it and compare its hash with the publisher's; do not load it until it scans clean.",
    source: SPEC,
  },
  {
    id: "SAFETENSORS_DUPLICATE_KEY",
    name: "SafetensorsDuplicateKey",
    defaultSeverity: "medium",
    shortDescription:
      "A key appears twice in one object of the header: Python's json, serde maps and JavaScript keep the last, other readers the first, so loaders see different tensors.",
    help: "No writer emits duplicate keys. Treat the file as crafted; get the weights from the original publisher.",
    source: "JSON parser differentials (RFC 8259 section 4 leaves duplicate names undefined)",
  },
  {
    id: "SAFETENSORS_METADATA_INVALID",
    name: "SafetensorsMetadataInvalid",
    defaultSeverity: "medium",
    shortDescription:
      "`__metadata__` is not an object of string values; the safetensors library refuses the file, other readers accept it.",
    help: "Real writers store only strings there. Re-export the file with the safetensors library.",
    source: SPEC,
  },
  {
    id: "SAFETENSORS_TENSOR_INVALID",
    name: "SafetensorsTensorInvalid",
    defaultSeverity: "medium",
    shortDescription:
      "A tensor entry is not an object, or its dtype, shape or data_offsets are missing, unknown or malformed (including sub-byte tensors that do not fill whole bytes).",
    help: "The safetensors library refuses this file. If the dtype is newer than this scanner, update modelgate; otherwise re-download the file.",
    source: SPEC,
  },
  {
    id: "SAFETENSORS_TENSOR_SIZE_MISMATCH",
    name: "SafetensorsTensorSizeMismatch",
    defaultSeverity: "medium",
    shortDescription:
      "A tensor's data_offsets span a different number of bytes than its shape and dtype need: a reader that trusts the shape reads past the tensor. Critical when the span equals the size wrapped to 32 bits.",
    help: "The safetensors library refuses this file (TensorInvalidInfo). Do not load it with other readers; re-download it.",
    source: SPEC,
  },
  {
    id: "SAFETENSORS_SIZE_OVERFLOW",
    name: "SafetensorsSizeOverflow",
    defaultSeverity: "high",
    shortDescription:
      "A tensor's shape times its dtype size overflows 64 bits: a reader computing sizes with wrapping arithmetic allocates or checks a small size and then indexes a huge tensor. Critical when the offsets match the wrapped size.",
    help: "No model has such a tensor; this is a memory-safety attack on tensor readers. Do not load the file.",
    source: `${SPEC} (ValidationOverflow); integer-overflow bugs in model readers`,
  },
  {
    id: "SAFETENSORS_TENSOR_BOUNDS",
    name: "SafetensorsTensorOutOfBounds",
    defaultSeverity: "medium",
    shortDescription:
      "A tensor's data_offsets reach past the end of the data region: a reader that trusts them reads outside the file or mapping.",
    help: "The file is truncated or crafted. Re-download it and verify its hash; do not load it.",
    source: SPEC,
  },
  {
    id: "SAFETENSORS_OVERLAP",
    name: "SafetensorsTensorOverlap",
    defaultSeverity: "medium",
    shortDescription:
      "Two tensors share bytes of the data region; the safetensors library refuses this, other readers alias the tensors.",
    help: "No writer lays tensors out this way. Re-export the file with the safetensors library or obtain it from the publisher.",
    source: SPEC,
  },
  {
    id: "SAFETENSORS_UNCOVERED_BYTES",
    name: "SafetensorsUncoveredBytes",
    defaultSeverity: "medium",
    shortDescription:
      "Bytes of the data region belong to no tensor (a gap, or data after the last tensor): a place to hide a payload for another loader. The bytes are scanned as their own content.",
    help: "The safetensors library refuses such files (MetadataIncompleteBuffer). Look at the findings on the hidden bytes; re-export the weights from a trusted source.",
    source: SPEC,
  },
  {
    id: "SAFETENSORS_UNKNOWN_FIELD",
    name: "SafetensorsUnknownField",
    defaultSeverity: "low",
    shortDescription:
      "A tensor entry carries a field the format does not define; the safetensors library ignores it, other tools may not.",
    help: "Nothing loads it today; real writers do not emit it. Worth knowing where the file came from.",
    source: SPEC,
  },
  {
    id: "SAFETENSORS_INDEX_INVALID",
    name: "ShardIndexInvalid",
    defaultSeverity: "medium",
    shortDescription:
      "A shard index's weight_map has values that are not file names (not strings, or empty): loaders fail or skip them.",
    help: "Regenerate the index with save_pretrained, or get it from the publisher.",
  },
  {
    id: "SAFETENSORS_INDEX_PATH_ESCAPE",
    name: "ShardIndexPathEscape",
    defaultSeverity: "high",
    shortDescription:
      "A shard index names a file outside the repository (an absolute path, a `..` segment, a backslash): transformers joins it to the model folder, so loading reads a file this scan never saw.",
    help: "Do not load this model. Shard names written by save_pretrained are plain file names in the model folder.",
    source:
      "path traversal through index files (transformers joins weight_map values to the model directory)",
  },
  {
    id: "SAFETENSORS_SHARD_MISSING",
    name: "ShardMissing",
    defaultSeverity: "medium",
    shortDescription:
      "A shard the index names is not in the scanned folder, so the weights a loader would read were not verified.",
    help: "Scan the complete model folder (all shards), or find out why the index names a file the repository does not have.",
  },
  {
    id: "SAFETENSORS_SHARD_TENSOR_MISMATCH",
    name: "ShardTensorMismatch",
    defaultSeverity: "medium",
    shortDescription:
      "The index and a shard's header disagree: a tensor mapped to a shard that does not declare it, or a shard declaring tensors the index does not map to it (loaders read every tensor of a shard).",
    help: "save_pretrained writes index and shards together; a mismatch means a shard was swapped or edited. Get the files from the publisher.",
  },
  {
    id: "SAFETENSORS_INDEX_TOTAL_SIZE",
    name: "ShardIndexTotalSize",
    defaultSeverity: "low",
    shortDescription: "The index's metadata.total_size differs from the tensor bytes its shards declare.",
    help: "transformers writes the sum of the tensors' bytes; a difference means the shards are not the ones the index was written for (or the index was written by hand).",
    source: "transformers save_pretrained / huggingface_hub split_torch_state_dict_into_shards",
  },
];
