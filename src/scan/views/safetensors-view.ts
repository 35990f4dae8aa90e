import type { ByteSource } from "../../formats/source.js";
import { push, type ScanContext } from "../context.js";
import { formatLocation } from "../location.js";
import type { FormatName } from "../types.js";

/** safetensors: the JSON header and every tensor's extent, never the tensor bytes. */
export async function scanSafetensorsView(
  ctx: ScanContext,
  src: ByteSource,
  member: string,
): Promise<FormatName> {
  push(ctx, {
    ruleId: "UNSCANNED_CONTENT",
    severity: "info",
    location: formatLocation(member, 0),
    message: `recognized as safetensors, which is not verified yet (${src.size} bytes)`,
    evidence: { detected: "safetensors" },
  });
  return "unknown";
}
