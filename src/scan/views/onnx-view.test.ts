import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { testScanContext } from "../../../test/helpers/scan-context.js";
import { DT, mlpSpec, writeOnnx } from "../../../test/writers/onnx.js";
import { FileSource } from "../../formats/source.js";
import type { ScanContext } from "../context.js";
import { judgeLocation, scanOnnxView } from "./onnx-view.js";

async function scanFile(root: string, path: string): Promise<ScanContext> {
  const ctx = testScanContext(path.slice(root.length + 1), { root });
  const src = new FileSource(path);
  try {
    expect(await scanOnnxView(ctx, src, "")).toBe("onnx");
  } finally {
    src.close();
  }
  return ctx;
}

describe("scanOnnxView facts", () => {
  it("records parameters by ONNX dtype name and the external file, relative to the repository root", async () => {
    const root = mkdtempSync(join(tmpdir(), "modelgate-onnx-view-"));
    mkdirSync(join(root, "onnx"));
    const spec = mlpSpec({ external: true });
    spec.graph.initializers!.push({ name: "scale", dims: [4], dataType: DT.FLOAT16 });
    const path = writeOnnx(join(root, "onnx"), "model.onnx", spec);
    const ctx = await scanFile(root, path);
    expect(ctx.findings).toEqual([]);
    expect(ctx.facts.tensors).toEqual({
      format: "onnx",
      tensors: 5,
      parameters: 64 + 16 + 32 + 2 + 4,
      byDtype: { FLOAT: 114, FLOAT16: 4 },
      dataBytes: 456 + 8,
    });
    expect(ctx.facts.references).toEqual([
      { path: "onnx/model.onnx.data", kind: "external-data", location: expect.stringMatching(/^@\d+$/) },
    ]);
  });

  it("records no reference for a location that leaves the directory", async () => {
    const root = mkdtempSync(join(tmpdir(), "modelgate-onnx-view-"));
    const path = writeOnnx(root, "model.onnx", mlpSpec({ external: { location: "../x.data" } }));
    const ctx = await scanFile(root, path);
    expect(ctx.facts.references).toEqual([]);
    expect(ctx.findings.map((f) => f.ruleId)).toEqual(["ONNX_EXTERNAL_DATA_PATH"]);
  });
});

describe("judgeLocation", () => {
  it("passes plain relative names, including subdirectories", () => {
    for (const loc of ["model.onnx.data", "weights/part-1.bin", "./w.bin", "a/./b"])
      expect(judgeLocation(loc)).toEqual({ escapes: null, odd: null });
  });

  it("says why a location escapes", () => {
    expect(judgeLocation("/etc/passwd").escapes).toBe("an absolute path");
    expect(judgeLocation("\\\\host\\share").escapes).toBe("a UNC/network path");
    expect(judgeLocation("c:/x").escapes).toBe("a Windows drive path");
    expect(judgeLocation("a/../../x").escapes).toMatch(/leave the model's directory/);
    expect(judgeLocation("a\\..\\..\\x").escapes).toMatch(/as Windows reads it/);
    // The part before a NUL is what C++ loaders open.
    expect(judgeLocation("../x\u0000.data").escapes).not.toBeNull();
  });

  it("says what is odd about a location that stays inside", () => {
    expect(judgeLocation("a/../x").odd).toBe("a '..' component");
    expect(judgeLocation("a\\x").odd).toMatch(/backslash/);
    expect(judgeLocation("x\u0000y").odd).toMatch(/NUL/);
    expect(judgeLocation("").odd).toBe("an empty location");
    expect(judgeLocation("x:0")).toEqual({
      escapes: null,
      odd: "a drive letter (Windows reads it on that drive)",
    });
  });
});
