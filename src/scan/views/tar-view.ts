import { openTarMember, readTar } from "../../formats/archive/tar.js";
import { type ByteSource, bufferSource } from "../../formats/source.js";
import { push, type ScanContext } from "../context.js";
import { formatLocation } from "../location.js";
import { scanSource } from "../scan-source.js";
import type { FormatName } from "../types.js";

/** tar: every regular member by position, whatever its name; links and odd entries are anomalies. */
export async function scanTarView(
  ctx: ScanContext,
  src: ByteSource,
  member: string,
  depth: number,
): Promise<FormatName> {
  const tar = readTar(src, { maxMembers: ctx.limits.maxMembers });
  for (const a of tar.anomalies) {
    push(ctx, {
      ruleId: "ARCHIVE_UNVERIFIABLE",
      severity:
        a.kind === "link" || a.kind === "unsafe-path" || a.kind === "duplicate-name" ? "medium" : "low",
      location: formatLocation(member, 0),
      message: `tar archive: ${a.message}`,
      evidence: { anomaly: a.kind, index: a.index },
    });
  }
  for (const m of tar.members) {
    if (m.type !== "file") continue;
    await scanSource(ctx, openTarMember(src, m), member ? `${member}/${m.name}` : m.name, depth + 1);
  }
  return "archive";
}

/** 7z: listed, then every readable member extracted within the file's expansion budget and scanned. */
export async function scanSevenZipView(
  ctx: ScanContext,
  src: ByteSource,
  member: string,
  depth: number,
): Promise<FormatName> {
  const { readSevenZip } = await import("../../formats/archive/sevenzip.js");
  const budget = Math.max(0, ctx.limits.maxTotalExpandedBytes - ctx.expandedBytes);
  const archive = await readSevenZip(
    src,
    { maxMembers: ctx.limits.maxMembers, maxMemberBytes: ctx.limits.maxExpandedBytes, maxTotalBytes: budget },
    { extract: true },
  );
  for (const a of archive.anomalies) {
    push(ctx, {
      ruleId: "ARCHIVE_UNVERIFIABLE",
      severity: "medium",
      location: formatLocation(member, 0),
      message: `7z archive: ${a.message}`,
      evidence: { anomaly: a.kind, index: a.index },
    });
  }
  for (const m of archive.members) {
    const bytes = archive.contents.get(m.index);
    if (!bytes) continue;
    ctx.expandedBytes += bytes.length;
    await scanSource(ctx, bufferSource(bytes), member ? `${member}/${m.name}` : m.name, depth + 1);
  }
  return "archive";
}
