import { readNpyHeader } from "../../formats/numpy/npy.js";
import type { ByteSource } from "../../formats/source.js";
import { push, type ScanContext } from "../context.js";
import { formatLocation } from "../location.js";
import type { FormatName } from "../types.js";
import { scanPickleView } from "./pickle-view.js";

/**
 * `.npy`: the header is a Python literal, parsed and never evaluated. Object arrays are a pickle after
 * the header (`numpy.load(allow_pickle=True)` unpickles it), which the VM judges like any other.
 */
export async function scanNpyView(
  ctx: ScanContext,
  src: ByteSource,
  member: string,
  depth: number,
): Promise<FormatName> {
  const header = readNpyHeader(src);
  for (const anomaly of header.anomalies) {
    const truncated = anomaly.kind === "data-size-mismatch";
    push(ctx, {
      ruleId: "FORMAT_MALFORMED",
      severity: truncated ? "medium" : "low",
      location: formatLocation(member, header.dataOffset),
      message: `numpy array: ${anomaly.message}`,
      evidence: { anomaly: anomaly.kind, descr: header.descr, shape: header.shape },
    });
  }
  if (header.hasObjects) {
    await scanPickleView(ctx, src, member, depth, { certain: true, offset: header.dataOffset });
  }
  return "numpy";
}
