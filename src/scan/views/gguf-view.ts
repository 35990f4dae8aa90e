import type { ByteSource } from "../../formats/source.js";
import { push, type ScanContext } from "../context.js";
import { formatLocation } from "../location.js";
import type { FormatName } from "../types.js";

/** GGUF: header, metadata and tensor infos, and the chat template checked for template injection. */
export async function scanGgufView(ctx: ScanContext, src: ByteSource, member: string): Promise<FormatName> {
  push(ctx, {
    ruleId: "UNSCANNED_CONTENT",
    severity: "info",
    location: formatLocation(member, 0),
    message: `recognized as GGUF, which is not verified yet (${src.size} bytes)`,
    evidence: { detected: "gguf" },
  });
  return "unknown";
}
