import { describe, expect, it } from "vitest";
import { testScanContext } from "../../../test/helpers/scan-context.js";
import { emptyFacts, type FileFacts } from "../facts.js";
import { crossCheckShards, recordShardIndex } from "./safetensors-index.js";

const index = (weightMap: Record<string, unknown>, totalSize?: unknown) => ({
  metadata: totalSize === undefined ? {} : { total_size: totalSize },
  weight_map: weightMap,
});

/** Facts a safetensors shard's view records. */
function shard(names: string[], bytesPerTensor = 8, dtype = "F32"): FileFacts {
  return {
    ...emptyFacts(),
    tensors: {
      format: "safetensors",
      tensors: names.length,
      parameters: names.length * 2,
      byDtype: { [dtype]: names.length * 2 },
      dataBytes: names.length * bytesPerTensor,
    },
    tensorNames: names,
  };
}

function indexFacts(file: string, weightMap: Record<string, unknown>, totalSize?: unknown): FileFacts {
  const ctx = testScanContext(file);
  recordShardIndex(ctx, index(weightMap, totalSize), "");
  expect(ctx.findings).toEqual([]);
  return ctx.facts;
}

describe("recordShardIndex", () => {
  it("records the weight map resolved from the repository root, and one reference per shard", () => {
    const ctx = testScanContext("text_encoder/model.safetensors.index.json");
    recordShardIndex(
      ctx,
      index(
        {
          a: "model-00001-of-00002.safetensors",
          b: "./model-00002-of-00002.safetensors",
          c: "model-00001-of-00002.safetensors",
        },
        24,
      ),
      "",
    );
    expect(ctx.findings).toEqual([]);
    expect(ctx.facts.shardIndex).toEqual({
      weightMap: {
        a: "text_encoder/model-00001-of-00002.safetensors",
        b: "text_encoder/model-00002-of-00002.safetensors",
        c: "text_encoder/model-00001-of-00002.safetensors",
      },
      totalSize: 24,
      location: "@0",
    });
    expect(ctx.facts.references.map((r) => [r.path, r.kind])).toEqual([
      ["text_encoder/model-00001-of-00002.safetensors", "shard"],
      ["text_encoder/model-00002-of-00002.safetensors", "shard"],
    ]);
  });

  it("an index at the root resolves to plain names; a missing or non-numeric total_size is null", () => {
    const ctx = testScanContext("model.safetensors.index.json");
    recordShardIndex(ctx, index({ a: "m.safetensors" }, "24"), "");
    expect(ctx.facts.shardIndex).toMatchObject({ weightMap: { a: "m.safetensors" }, totalSize: null });
  });

  it("flags names that leave the repository: absolute, `..`, backslashes, drive letters", () => {
    for (const name of [
      "/etc/passwd",
      "../../outside.bin",
      "sub/../../x.safetensors",
      "..\\x.bin",
      "C:/x.bin",
      "a\\b.bin",
    ]) {
      const ctx = testScanContext("pytorch_model.bin.index.json");
      recordShardIndex(ctx, index({ w: name, v: name }), "");
      expect(ctx.findings, name).toEqual([
        expect.objectContaining({
          ruleId: "SAFETENSORS_INDEX_PATH_ESCAPE",
          severity: "high",
          file: "pytorch_model.bin.index.json",
          evidence: { shard: name, tensors: ["w", "v"], count: 2 },
        }),
      ]);
      // Never resolved into a repository path.
      expect(ctx.facts.references, name).toEqual([]);
    }
  });

  it("a file name with two dots inside is not an escape", () => {
    const ctx = testScanContext("model.safetensors.index.json");
    recordShardIndex(ctx, index({ w: "model..v2.safetensors" }), "");
    expect(ctx.findings).toEqual([]);
  });

  it("flags weight_map values that are not file names", () => {
    const ctx = testScanContext("model.safetensors.index.json");
    recordShardIndex(ctx, index({ a: 3, b: "", c: null, d: "ok.safetensors" }), "");
    expect(ctx.findings).toEqual([
      expect.objectContaining({
        ruleId: "SAFETENSORS_INDEX_INVALID",
        severity: "medium",
        evidence: { tensors: ["a", "b", "c"], count: 3 },
      }),
    ]);
    expect(ctx.facts.shardIndex!.weightMap).toEqual({ d: "ok.safetensors" });
  });

  it("an index inside an archive is judged but names no repository file", () => {
    const ctx = testScanContext("bundle.zip");
    recordShardIndex(
      ctx,
      index({ a: "../x.safetensors", b: "m.safetensors" }),
      "inner/model.safetensors.index.json",
    );
    expect(ctx.findings.map((f) => [f.ruleId, f.location])).toEqual([
      ["SAFETENSORS_INDEX_PATH_ESCAPE", "inner/model.safetensors.index.json@0"],
    ]);
    expect(ctx.facts.shardIndex).toBeUndefined();
    expect(ctx.facts.references).toEqual([]);
  });
});

describe("crossCheckShards", () => {
  const indexPath = "model.safetensors.index.json";
  const s1 = "model-00001-of-00002.safetensors";
  const s2 = "model-00002-of-00002.safetensors";

  it("passes an index that matches its shards", () => {
    const files = [
      { path: indexPath, facts: indexFacts(indexPath, { a: s1, b: s1, c: s2 }, 24) },
      { path: s1, facts: shard(["a", "b"]) },
      { path: s2, facts: shard(["c"]) },
    ];
    expect(crossCheckShards(files)).toEqual([]);
  });

  it("a shard named but absent", () => {
    const files = [
      { path: indexPath, facts: indexFacts(indexPath, { a: s1, c: s2 }, 16) },
      { path: s1, facts: shard(["a"]) },
    ];
    expect(crossCheckShards(files)).toEqual([
      {
        ruleId: "SAFETENSORS_SHARD_MISSING",
        severity: "medium",
        file: indexPath,
        location: "@0",
        message: expect.stringContaining(s2),
        evidence: { shard: s2, tensors: 1 },
      },
    ]);
  });

  it("a tensor mapped to a shard that does not declare it, and one declared but mapped elsewhere or not at all", () => {
    const files = [
      { path: indexPath, facts: indexFacts(indexPath, { a: s1, b: s1, c: s2 }) },
      { path: s1, facts: shard(["a", "c", "hidden"]) },
      { path: s2, facts: shard(["c"]) },
    ];
    const findings = crossCheckShards(files);
    expect(findings.map((f) => [f.ruleId, f.evidence])).toEqual([
      ["SAFETENSORS_SHARD_TENSOR_MISMATCH", { shard: s1, notDeclared: ["b"], count: 1 }],
      ["SAFETENSORS_SHARD_TENSOR_MISMATCH", { shard: s1, notInIndex: ["c", "hidden"], count: 2 }],
    ]);
    expect(findings.every((f) => f.file === indexPath && f.severity === "medium")).toBe(true);
  });

  it("names are compared only against safetensors shards (a .bin index names pickles)", () => {
    const bin = "pytorch_model-00001-of-00001.bin";
    const files = [
      {
        path: "pytorch_model.bin.index.json",
        facts: indexFacts("pytorch_model.bin.index.json", { a: bin }, 999),
      },
      { path: bin, facts: emptyFacts() },
    ];
    expect(crossCheckShards(files)).toEqual([]);
  });

  it("total_size that is not the shards' tensor bytes", () => {
    const files = (total: number) => [
      { path: indexPath, facts: indexFacts(indexPath, { a: s1, b: s2 }, total) },
      { path: s1, facts: shard(["a"]) },
      { path: s2, facts: shard(["b"]) },
    ];
    expect(crossCheckShards(files(16))).toEqual([]);
    expect(crossCheckShards(files(17))).toEqual([
      expect.objectContaining({
        ruleId: "SAFETENSORS_INDEX_TOTAL_SIZE",
        severity: "low",
        evidence: { totalSize: 17, shardBytes: 16 },
      }),
    ]);
  });

  it("tolerates the 1/8-byte bools of older transformers releases, and only that", () => {
    // 64 bools stored as 64 bytes; old transformers counted them as 8 bytes.
    const files = (total: number) => [
      { path: indexPath, facts: indexFacts(indexPath, { mask: s1 }, total) },
      { path: s1, facts: shard(["mask"], 64, "BOOL") },
    ];
    const withBools = files(64 - (2 * 7) / 8); // shard(): 2 elements per tensor
    expect(crossCheckShards(withBools)).toEqual([]);
    expect(crossCheckShards(files(63))).toHaveLength(1);
  });

  it("tensor names like Object.prototype members are plain names", () => {
    const files = [
      // As JSON.parse builds it: "__proto__" is an own key there.
      {
        path: indexPath,
        facts: indexFacts(indexPath, JSON.parse(`{"constructor":"${s1}","__proto__":"${s1}"}`)),
      },
      { path: s1, facts: shard(["constructor", "__proto__", "toString"]) },
    ];
    expect(crossCheckShards(files).map((f) => f.evidence)).toEqual([
      { shard: s1, notInIndex: ["toString"], count: 1 },
    ]);
  });
});
