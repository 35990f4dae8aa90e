import { FormatError } from "../../errors.js";
import {
  readSafetensorsHeader,
  type SafetensorsAnomaly,
  type SafetensorsAnomalyKind,
  type SafetensorsHeader,
} from "../../formats/safetensors.js";
import { type ByteSource, sliceSource } from "../../formats/source.js";
import { push, type ScanContext } from "../context.js";
import { formatLocation } from "../location.js";
import { scanSource } from "../scan-source.js";
import type { FormatName, Severity } from "../types.js";

/** Each stretch of bytes no tensor covers is scanned as its own view; past this many they are counted. */
const MAX_UNCOVERED_SCANS = 64;

const RULE_OF: Record<SafetensorsAnomalyKind, { ruleId: string; severity: Severity }> = {
  "duplicate-key": { ruleId: "SAFETENSORS_DUPLICATE_KEY", severity: "medium" },
  "trailing-data": { ruleId: "SAFETENSORS_HEADER_INVALID", severity: "medium" },
  "metadata-invalid": { ruleId: "SAFETENSORS_METADATA_INVALID", severity: "medium" },
  "unknown-field": { ruleId: "SAFETENSORS_UNKNOWN_FIELD", severity: "low" },
  "tensor-invalid": { ruleId: "SAFETENSORS_TENSOR_INVALID", severity: "medium" },
  "size-mismatch": { ruleId: "SAFETENSORS_TENSOR_SIZE_MISMATCH", severity: "medium" },
  "size-overflow": { ruleId: "SAFETENSORS_SIZE_OVERFLOW", severity: "high" },
  "out-of-bounds": { ruleId: "SAFETENSORS_TENSOR_BOUNDS", severity: "medium" },
  overlap: { ruleId: "SAFETENSORS_OVERLAP", severity: "medium" },
  uncovered: { ruleId: "SAFETENSORS_UNCOVERED_BYTES", severity: "medium" },
};

/**
 * safetensors: the JSON header and every tensor's extent, never the tensor bytes. Bytes the header does
 * not account for are scanned as a nested view, so a pickle hidden between tensors is found.
 */
export async function scanSafetensorsView(
  ctx: ScanContext,
  src: ByteSource,
  member: string,
  depth: number,
): Promise<FormatName> {
  let header: SafetensorsHeader;
  try {
    header = readSafetensorsHeader(src);
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
    push(ctx, {
      ruleId: "SAFETENSORS_HEADER_INVALID",
      severity: "medium",
      location: formatLocation(member, err.offset),
      message: `${err.message}; the tensors were not verified`,
      evidence: { error: err.message },
    });
    return "safetensors";
  }

  for (const anomaly of header.anomalies) push(ctx, anomalyFinding(anomaly, member));
  for (const [kind, count] of Object.entries(header.omitted) as [SafetensorsAnomalyKind, number][]) {
    push(ctx, {
      ...RULE_OF[kind],
      location: formatLocation(member, 8),
      message: `${count} more problems of the same kind (${kind}) in this header were not listed`,
      evidence: { anomaly: kind, omitted: count },
    });
  }

  const scanned = header.uncovered.slice(0, MAX_UNCOVERED_SCANS);
  for (const { start, length } of scanned) {
    // Already a finding: unrecognized bytes there need no second, info-level one.
    await scanSource(ctx, sliceSource(src, start, length), `${member}[${start}]`, depth + 1, { quiet: true });
  }
  if (header.uncovered.length > scanned.length) {
    const rest = header.uncovered.slice(scanned.length);
    push(ctx, {
      ruleId: "SAFETENSORS_UNCOVERED_BYTES",
      severity: "medium",
      location: formatLocation(member, rest[0]!.start),
      message: `${rest.length} more stretches of bytes no tensor covers (${rest.reduce((n, r) => n + r.length, 0)} bytes) were not scanned`,
      evidence: { notScanned: rest.length },
    });
  }

  if (member === "") recordFacts(ctx, header);
  return "safetensors";
}

function anomalyFinding(anomaly: SafetensorsAnomaly, member: string) {
  const rule = RULE_OF[anomaly.kind];
  // Offsets that land exactly on a wrapped size are built to pass a reader's check: a known exploit shape.
  const severity: Severity = anomaly.wrapsAt ? "critical" : rule.severity;
  return {
    ruleId: rule.ruleId,
    severity,
    location: formatLocation(member, anomaly.offset),
    message: `safetensors: ${anomaly.message}`,
    evidence: {
      anomaly: anomaly.kind,
      ...(anomaly.tensor !== undefined ? { tensor: anomaly.tensor } : {}),
      ...(anomaly.wrapsAt ? { wrapsAt: anomaly.wrapsAt } : {}),
    },
  };
}

function recordFacts(ctx: ScanContext, header: SafetensorsHeader): void {
  const byDtype: Record<string, number> = {};
  let parameters = 0;
  let dataBytes = 0;
  for (const t of header.tensors) {
    // elements is set only for a known dtype.
    if (t.elements !== null && t.dtype !== null) {
      parameters += t.elements;
      byDtype[t.dtype] = (byDtype[t.dtype] ?? 0) + t.elements;
    }
    if (t.dataOffsets) dataBytes += t.dataOffsets[1] - t.dataOffsets[0];
  }
  ctx.facts.tensors = {
    format: "safetensors",
    tensors: header.tensors.length,
    parameters,
    byDtype,
    dataBytes,
  };
  ctx.facts.tensorNames = header.tensors.map((t) => t.name);
}
