import { posix } from "node:path";
import { push, type ScanContext } from "../context.js";
import type { FileFacts, ShardIndexFacts } from "../facts.js";
import { formatLocation } from "../location.js";
import type { Finding } from "../types.js";

/** Names listed in a finding's evidence; the message gives the count. */
const EVIDENCE_NAMES = 20;

/**
 * transformers joins each weight_map value to the model folder (`os.path.join`), which an absolute path
 * replaces and `..` leaves; a backslash is a separator on Windows.
 */
function escapesRepository(name: string): boolean {
  return (
    name.startsWith("/") || /^[A-Za-z]:/.test(name) || name.includes("\\") || name.split("/").includes("..")
  );
}

/**
 * A shard index (`model.safetensors.index.json`, `pytorch_model.bin.index.json`): its weight map is
 * validated, and, for an index that is a file of the repository, recorded with paths resolved from the
 * repository root for `crossCheckShards`.
 */
export function recordShardIndex(ctx: ScanContext, json: Record<string, unknown>, member: string): void {
  const location = formatLocation(member, 0);
  const weightMap = json.weight_map;
  if (typeof weightMap !== "object" || weightMap === null || Array.isArray(weightMap)) return;
  const resolved: [string, string][] = [];
  const notNames: string[] = [];
  const escaping = new Map<string, string[]>();
  const dir = posix.dirname(ctx.file);
  for (const [tensor, file] of Object.entries(weightMap)) {
    if (typeof file !== "string" || file.trim() === "") notNames.push(tensor);
    else if (escapesRepository(file)) escaping.set(file, [...(escaping.get(file) ?? []), tensor]);
    else resolved.push([tensor, posix.normalize(posix.join(dir, file))]);
  }
  if (notNames.length > 0) {
    push(ctx, {
      ruleId: "SAFETENSORS_INDEX_INVALID",
      severity: "medium",
      location,
      message: `shard index: ${notNames.length} weight_map entries are not file names (e.g. ${JSON.stringify(notNames[0])})`,
      evidence: { tensors: notNames.slice(0, EVIDENCE_NAMES), count: notNames.length },
    });
  }
  for (const [file, tensors] of escaping) {
    push(ctx, {
      ruleId: "SAFETENSORS_INDEX_PATH_ESCAPE",
      severity: "high",
      location,
      message: `shard index maps ${tensors.length} tensors to ${JSON.stringify(file)}, a path outside the repository; loading would read a file this scan never saw`,
      evidence: { shard: file, tensors: tensors.slice(0, EVIDENCE_NAMES), count: tensors.length },
    });
  }
  // Only an index on disk names files of the repository; one inside an archive is judged, not resolved.
  if (member !== "") return;
  const metadata = json.metadata;
  const totalSize =
    typeof metadata === "object" && metadata !== null && "total_size" in metadata
      ? (metadata as { total_size: unknown }).total_size
      : null;
  ctx.facts.shardIndex = {
    weightMap: Object.fromEntries(resolved),
    totalSize: typeof totalSize === "number" && Number.isFinite(totalSize) ? totalSize : null,
    location,
  };
  for (const path of new Set(resolved.map(([, p]) => p))) {
    ctx.facts.references.push({ path, kind: "shard", location });
  }
}

/**
 * Every index against the shards it names, once all files are scanned: a shard absent from the folder,
 * a tensor mapped to a shard whose header does not declare it, a shard declaring tensors the index does
 * not map to it (transformers loads every tensor of every shard), and `metadata.total_size` against the
 * shards' tensor bytes. Tensor names are compared only for safetensors shards, whose headers list them.
 */
export function crossCheckShards(files: { path: string; facts: FileFacts }[]): Finding[] {
  const byPath = new Map(files.map((f) => [f.path, f.facts]));
  const findings: Finding[] = [];
  for (const { path, facts } of files) {
    if (facts.shardIndex) findings.push(...checkIndex(path, facts.shardIndex, byPath));
  }
  return findings;
}

function checkIndex(file: string, index: ShardIndexFacts, byPath: Map<string, FileFacts>): Finding[] {
  const findings: Finding[] = [];
  const finding = (
    ruleId: string,
    severity: Finding["severity"],
    message: string,
    evidence: Finding["evidence"],
  ) => findings.push({ ruleId, severity, file, location: index.location, message, evidence });
  const map = new Map(Object.entries(index.weightMap));
  const byShard = new Map<string, string[]>();
  for (const [tensor, shard] of map) byShard.set(shard, [...(byShard.get(shard) ?? []), tensor]);

  let safetensorsBytes = 0;
  let boolElements = 0;
  let allSafetensors = byShard.size > 0;
  for (const [shard, mapped] of byShard) {
    const facts = byPath.get(shard);
    if (!facts) {
      allSafetensors = false;
      finding(
        "SAFETENSORS_SHARD_MISSING",
        "medium",
        `shard index maps ${mapped.length} tensors to ${JSON.stringify(shard)}, which is not in the scanned folder; those weights were not verified`,
        { shard, tensors: mapped.length },
      );
      continue;
    }
    if (facts.tensors?.format !== "safetensors" || !facts.tensorNames) {
      allSafetensors = false;
      continue;
    }
    safetensorsBytes += facts.tensors.dataBytes;
    boolElements += facts.tensors.byDtype.BOOL ?? 0;
    const declared = new Set(facts.tensorNames);
    const absent = mapped.filter((t) => !declared.has(t));
    if (absent.length > 0) {
      finding(
        "SAFETENSORS_SHARD_TENSOR_MISMATCH",
        "medium",
        `shard index maps ${absent.length} tensors to ${JSON.stringify(shard)}, whose header does not declare them (e.g. ${JSON.stringify(absent[0])})`,
        { shard, notDeclared: absent.slice(0, EVIDENCE_NAMES), count: absent.length },
      );
    }
    const unlisted = [...declared].filter((t) => map.get(t) !== shard);
    if (unlisted.length > 0) {
      finding(
        "SAFETENSORS_SHARD_TENSOR_MISMATCH",
        "medium",
        `shard ${JSON.stringify(shard)} declares ${unlisted.length} tensors the index does not map to it (e.g. ${JSON.stringify(unlisted[0])}); loaders read them anyway`,
        { shard, notInIndex: unlisted.slice(0, EVIDENCE_NAMES), count: unlisted.length },
      );
    }
  }

  if (
    index.totalSize !== null &&
    allSafetensors &&
    !totalSizeMatches(index.totalSize, safetensorsBytes, boolElements)
  ) {
    finding(
      "SAFETENSORS_INDEX_TOTAL_SIZE",
      "low",
      `shard index states total_size ${index.totalSize}, but its shards declare ${safetensorsBytes} bytes of tensors`,
      { totalSize: index.totalSize, shardBytes: safetensorsBytes },
    );
  }
  return findings;
}

/**
 * transformers writes the sum of the tensors' bytes. Releases before the split moved to huggingface_hub
 * counted a bool as 1/8 byte (`dtype_byte_size`), which leaves a fraction in indexes still in the wild.
 */
function totalSizeMatches(totalSize: number, bytes: number, boolElements: number): boolean {
  return (
    totalSize === bytes || (boolElements > 0 && Math.abs(totalSize - (bytes - (boolElements * 7) / 8)) < 0.01)
  );
}
