import type { ByteSource } from "../../formats/source.js";
import { push, type ScanContext } from "../context.js";
import { formatLocation } from "../location.js";
import type { FormatName } from "../types.js";

/** HDF5: a legacy Keras `.h5` (its root `model_config` attribute) or another HDF5 file (weights). */
export async function scanHdf5View(
  ctx: ScanContext,
  src: ByteSource,
  member: string,
  _depth: number,
): Promise<FormatName> {
  push(ctx, {
    ruleId: "UNSCANNED_CONTENT",
    severity: "info",
    location: formatLocation(member, 0),
    message: `recognized as HDF5, which is not verified yet (${src.size} bytes)`,
    evidence: { detected: "hdf5" },
  });
  return "unknown";
}

/** Whether parsed JSON is a Keras model config (`config.json` of a `.keras`, `model_config` of a `.h5`). */
export function isKerasConfig(_json: unknown): boolean {
  return false;
}

/** Walks a Keras config (the whole tree: nested models, wrappers) for code it would load. */
export function checkKerasConfig(_ctx: ScanContext, _config: unknown, _member: string): void {}
