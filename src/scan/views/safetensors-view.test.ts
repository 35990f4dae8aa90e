import { describe, expect, it } from "vitest";
import { testScanContext } from "../../../test/helpers/scan-context.js";
import { assembleSafetensors, buildSafetensors, llamaTensors } from "../../../test/writers/safetensors.js";
import { bufferSource } from "../../formats/source.js";
import { scanSafetensorsView } from "./safetensors-view.js";

/** `count` one-byte tensors each followed by a one-byte gap. */
function gappy(count: number): Uint8Array {
  const entries = Array.from(
    { length: count },
    (_, i) => `"t${i}":{"dtype":"U8","shape":[1],"data_offsets":[${2 * i},${2 * i + 1}]}`,
  );
  return assembleSafetensors(new TextEncoder().encode(`{${entries.join(",")}}`), new Uint8Array(2 * count));
}

describe("scanSafetensorsView", () => {
  it("records tensor facts and names for the repository view", async () => {
    const ctx = testScanContext("model.safetensors");
    const tensors = [
      ...llamaTensors({ layers: 1, dtype: "BF16" }),
      { name: "mask", dtype: "BOOL", shape: [4, 4] },
      { name: "scale", dtype: "F8_E8M0", shape: [2] },
    ];
    expect(await scanSafetensorsView(ctx, bufferSource(buildSafetensors(tensors)), "", 0)).toBe(
      "safetensors",
    );
    expect(ctx.findings).toEqual([]);
    expect(ctx.facts.tensors).toEqual({
      format: "safetensors",
      tensors: 14,
      parameters: 920 + 18,
      byDtype: { BF16: 920, BOOL: 16, F8_E8M0: 2 },
      dataBytes: 920 * 2 + 18,
    });
    expect(ctx.facts.tensorNames).toHaveLength(14);
    expect(ctx.facts.tensorNames).toContain("mask");
  });

  it("records nothing for a nested view: it is not a shard of the repository", async () => {
    const ctx = testScanContext("model.safetensors");
    await scanSafetensorsView(
      ctx,
      bufferSource(buildSafetensors(llamaTensors())),
      "archive/model.safetensors",
      1,
    );
    expect(ctx.facts.tensors).toBeUndefined();
    expect(ctx.facts.tensorNames).toBeUndefined();
  });

  it("a header that cannot be read is a finding, with the reader's offset", async () => {
    const ctx = testScanContext("model.safetensors");
    const bytes = assembleSafetensors(new TextEncoder().encode('{"a":tru}'), new Uint8Array(0));
    expect(await scanSafetensorsView(ctx, bufferSource(bytes), "", 0)).toBe("safetensors");
    expect(ctx.findings).toEqual([
      expect.objectContaining({ ruleId: "SAFETENSORS_HEADER_INVALID", severity: "medium", location: "@13" }),
    ]);
  });

  it("counts the problems past the listed ones, and the gaps past the scanned ones", async () => {
    const ctx = testScanContext("model.safetensors");
    await scanSafetensorsView(ctx, bufferSource(gappy(130)), "", 0);
    const gaps = ctx.findings.filter((f) => f.ruleId === "SAFETENSORS_UNCOVERED_BYTES");
    // 100 listed, one line for the 30 more, one for the 66 gaps past the 64 scanned.
    expect(gaps).toHaveLength(102);
    expect(gaps[100]!.evidence).toEqual({ anomaly: "uncovered", omitted: 30 });
    expect(gaps[101]!.evidence).toEqual({ notScanned: 66 });
    expect(gaps[101]!.message).toMatch(/^66 more stretches .* \(66 bytes\) were not scanned$/);
  });
});
