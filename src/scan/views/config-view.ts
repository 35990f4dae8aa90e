import type { ByteSource } from "../../formats/source.js";
import type { ScanContext } from "../context.js";
import type { FormatName } from "../types.js";

/**
 * Text that is not Python: JSON and YAML configs that make a loader run code (`auto_map`, Hydra
 * `_target_`, chat templates, Keras configs, shard indexes), routed by what they contain.
 */
export async function scanConfigView(
  _ctx: ScanContext,
  _src: ByteSource,
  _member: string,
  _depth: number,
): Promise<FormatName> {
  return "unknown";
}
