import { FormatError } from "../../errors.js";
import { type GgufAnomalyKind, type GgufFile, readGguf } from "../../formats/gguf.js";
import type { ByteSource } from "../../formats/source.js";
import { push, type ScanContext } from "../context.js";
import { formatLocation } from "../location.js";
import type { FormatName, Severity } from "../types.js";

const RULE_OF: Record<GgufAnomalyKind, { ruleId: string; severity: Severity }> = {
  overflow: { ruleId: "GGUF_OVERFLOW", severity: "critical" },
  malformed: { ruleId: "GGUF_MALFORMED", severity: "medium" },
  bounds: { ruleId: "GGUF_TENSOR_BOUNDS", severity: "medium" },
  limit: { ruleId: "GGUF_UNVERIFIABLE", severity: "medium" },
  "unknown-type": { ruleId: "GGUF_UNVERIFIABLE", severity: "medium" },
};

/** GGUF: header, metadata and tensor infos, and the chat template checked for template injection. */
export async function scanGgufView(ctx: ScanContext, src: ByteSource, member: string): Promise<FormatName> {
  let file: GgufFile;
  try {
    file = readGguf(src);
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
    push(ctx, {
      ruleId: err.code === "FORMAT_UNSUPPORTED" ? "GGUF_UNVERIFIABLE" : "GGUF_MALFORMED",
      severity: "medium",
      location: formatLocation(member, err.offset),
      message: `GGUF: ${err.message}; the file was not verified`,
      evidence: { error: err.message, code: err.code },
    });
    return "gguf";
  }
  for (const a of file.anomalies) {
    const rule = RULE_OF[a.kind];
    push(ctx, {
      ...rule,
      location: formatLocation(member, a.offset),
      message: `GGUF: ${a.message}`,
      evidence: {
        anomaly: a.kind,
        version: file.version,
        ...(a.subject === undefined ? {} : { subject: a.subject }),
      },
    });
  }
  if (file.suppressedAnomalies > 0)
    push(ctx, {
      ruleId: "GGUF_MALFORMED",
      severity: "medium",
      location: formatLocation(member, 0),
      message: `GGUF: ${file.suppressedAnomalies} more problems of the kinds above were not listed`,
      evidence: { suppressed: file.suppressedAnomalies },
    });

  if (file.templates.length > 0) {
    const { checkChatTemplate } = await import("../template/check-template.js");
    for (const t of file.templates) {
      for (const issue of await checkChatTemplate(t.text)) {
        push(ctx, {
          ruleId: issue.ruleId,
          severity: issue.severity,
          location: formatLocation(member, t.offset),
          message: `${t.key}: ${issue.message}`,
          evidence: { key: t.key, ...issue.evidence },
        });
      }
    }
  }

  const byDtype: Record<string, number> = {};
  let parameters = 0;
  let dataBytes = 0;
  for (const t of file.tensors) {
    const n = Number(t.elements);
    const dtype = t.typeName ?? `type_${t.type}`;
    byDtype[dtype] = (byDtype[dtype] ?? 0) + n;
    parameters += n;
    dataBytes += t.byteSize === null ? 0 : Number(t.byteSize);
  }
  ctx.facts.tensors = { format: "gguf", tensors: file.tensors.length, parameters, byDtype, dataBytes };
  return "gguf";
}
