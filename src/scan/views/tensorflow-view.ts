import type { ByteSource } from "../../formats/source.js";
import { push, type ScanContext } from "../context.js";
import { formatLocation } from "../location.js";
import type { FormatName } from "../types.js";

/** SavedModel (`saved_model.pb`) and frozen GraphDef: operations that reach files, processes or Python. */
export async function scanTfGraphView(
  ctx: ScanContext,
  src: ByteSource,
  member: string,
  kind: "savedmodel" | "tf-graph",
): Promise<FormatName> {
  push(ctx, {
    ruleId: "UNSCANNED_CONTENT",
    severity: "info",
    location: formatLocation(member, 0),
    message: `recognized as ${kind}, which is not verified yet (${src.size} bytes)`,
    evidence: { detected: kind },
  });
  return "unknown";
}

/** TFLite flatbuffer: operator codes, custom ops. */
export async function scanTfliteView(ctx: ScanContext, src: ByteSource, member: string): Promise<FormatName> {
  push(ctx, {
    ruleId: "UNSCANNED_CONTENT",
    severity: "info",
    location: formatLocation(member, 0),
    message: `recognized as TFLite, which is not verified yet (${src.size} bytes)`,
    evidence: { detected: "tflite" },
  });
  return "unknown";
}
