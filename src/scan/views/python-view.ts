import type { ByteSource } from "../../formats/source.js";
import type { ScanContext } from "../context.js";
import type { FormatName } from "../types.js";

/** Python source shipped in a model repository: remote code, listed and checked for dangerous calls. */
export async function scanPythonView(
  _ctx: ScanContext,
  _src: ByteSource,
  _member: string,
): Promise<FormatName> {
  return "unknown";
}
