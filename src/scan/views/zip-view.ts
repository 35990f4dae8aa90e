import {
  openZipMember,
  readZip,
  type ZipAnomaly,
  type ZipArchive,
  zipBudget,
} from "../../formats/archive/zip.js";
import type { ByteSource } from "../../formats/source.js";
import { push, reportFailure, type ScanContext } from "../context.js";
import { formatLocation } from "../location.js";
import { scanSource } from "../scan-source.js";
import type { FormatName } from "../types.js";

/** Anomalies every real writer produces; not worth a finding. */
const ORDINARY = new Set<ZipAnomaly["kind"]>(["data-descriptor", "encrypted", "prefix-data"]);

const TORCHSCRIPT_CODE = /(^|\/)code\/.+/;

/** Bit 5 (compressed patched data), bit 6 (strong encryption), bit 13 (encrypted central directory). */
const UNSUPPORTED_FLAGS = 0x20 | 0x40 | 0x2000;

/** Members of a PyTorch archive that hold tensor bytes or bookkeeping rather than code. */
const TORCH_DATA_MEMBER =
  /(^|\/)(data\/\d+|version|byteorder|\.data\/[^/]+|\.format_version|\.storage_alignment)$/;

/**
 * Every member by central-directory index, plus local entries the directory does not list, each judged
 * by its bytes whatever its name. Header disagreements are findings: readers differ on them.
 */
export async function scanZipView(
  ctx: ScanContext,
  src: ByteSource,
  member: string,
  depth: number,
): Promise<FormatName> {
  const zip = readZip(src, {
    maxMembers: ctx.limits.maxMembers,
    maxMemberBytes: ctx.limits.maxExpandedBytes,
  });
  reportAnomalies(ctx, zip, member);
  const kind = zipKind(zip);
  const budget = zipBudget({
    maxTotalBytes: Math.max(0, ctx.limits.maxTotalExpandedBytes - ctx.expandedBytes),
  });
  const memberFormats: FormatName[] = [];
  let codeFiles = 0;
  for (const m of [...zip.members, ...zip.hiddenMembers]) {
    if (m.isDirectory && m.compressedSize === 0) continue;
    const path = member ? `${member}/${m.name}` : m.name;
    const oddFlags = m.flags & UNSUPPORTED_FLAGS;
    if (m.encryptionFlagOnly || oddFlags) {
      push(ctx, {
        ruleId: "ZIP_ANOMALY",
        severity: "medium",
        location: formatLocation(path, 0),
        message: m.encryptionFlagOnly
          ? "the member is flagged encrypted but stored in plain: a forged flag that makes some readers skip it (its bytes were scanned)"
          : `the member sets flag bits 0x${oddFlags.toString(16)} (patched data / strong encryption) that Python's zipfile refuses and PyTorch's reader ignores (its bytes were scanned)`,
        evidence: { anomaly: "flag-bits", member: m.name, flags: m.flags },
      });
    }
    let data: ReturnType<typeof openZipMember>;
    try {
      const before = budget.remaining;
      data = openZipMember(
        src,
        m,
        { maxMemberBytes: ctx.limits.maxExpandedBytes },
        {
          budget,
          ignoreEncryption: m.encryptionFlagOnly,
        },
      );
      ctx.expandedBytes += before - budget.remaining;
    } catch (err) {
      reportFailure(ctx, err, path);
      continue;
    }
    if (data.crcOk === false) {
      push(ctx, {
        ruleId: "ZIP_ANOMALY",
        severity: "medium",
        location: formatLocation(path, 0),
        message: `the member's bytes do not match its CRC-32: the archive was altered after it was written`,
        evidence: { anomaly: "crc-mismatch", member: m.name, index: m.index },
      });
    }
    const torchData = (kind === "pytorch-zip" || kind === "torchscript") && TORCH_DATA_MEMBER.test(m.name);
    const torchCode = kind === "torchscript" && TORCHSCRIPT_CODE.test(m.name);
    if (torchCode) codeFiles++;
    const format = await scanSource(ctx, data, path, depth + 1, {
      mayBeData: torchData || torchCode,
      quiet: torchData || torchCode,
    });
    memberFormats.push(format);
  }
  if (codeFiles > 0) {
    push(ctx, {
      ruleId: "UNSCANNED_CONTENT",
      severity: "info",
      location: formatLocation(member, 0),
      message: `${codeFiles} TorchScript source file(s) under code/ are compiled by torch.jit.load; they were checked for hidden pickles but their TorchScript was not analysed`,
      evidence: { torchscriptSources: codeFiles },
    });
  }
  if (zip.truncated) {
    push(ctx, {
      ruleId: "ARCHIVE_UNVERIFIABLE",
      severity: "medium",
      location: formatLocation(member, 0),
      message: `the archive lists more than ${ctx.limits.maxMembers} members; the rest were not scanned`,
      evidence: { bound: "maxMembers", limit: ctx.limits.maxMembers },
    });
  }
  if (kind === "archive" && memberFormats.length > 0 && memberFormats.every((f) => f === "numpy"))
    return "numpy-npz";
  return kind;
}

function zipKind(zip: ZipArchive): FormatName {
  const names = zip.members.map((m) => m.name);
  const hasDataPkl = names.some((n) => /(^|\/)data\.pkl$/.test(n));
  if (hasDataPkl && names.some((n) => /(^|\/)(code\/|constants\.pkl$)/.test(n))) return "torchscript";
  if (hasDataPkl) return "pytorch-zip";
  // Keras 3 `.keras`: config.json and metadata.json at the root, weights in model.weights.h5.
  if (names.includes("config.json") && names.includes("metadata.json")) return "keras";
  return "archive";
}

function reportAnomalies(ctx: ScanContext, zip: ZipArchive, member: string): void {
  const byKind = new Map<string, ZipAnomaly[]>();
  for (const a of zip.anomalies) {
    if (ORDINARY.has(a.kind)) continue;
    const list = byKind.get(a.kind) ?? [];
    list.push(a);
    byKind.set(a.kind, list);
  }
  for (const [kind, list] of byKind) {
    const first = list[0]!;
    push(ctx, {
      ruleId: "ZIP_ANOMALY",
      severity: kind === "trailing-data" ? "low" : "medium",
      location: formatLocation(member, 0),
      message: list.length > 1 ? `${first.message} (and ${list.length - 1} more like it)` : first.message,
      evidence: { anomaly: kind, count: list.length, examples: list.slice(0, 5).map((a) => a.message) },
    });
  }
}
