/** The repository view of a model folder: formats, safe alternative, parameters, remote code, inventory. */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ScanReport } from "../src/scan/types.js";
import { runCli, scanJson } from "./helpers/run-cli.js";
import { type RepoFiles, writeRepo } from "./writers/configs.js";
import { buildGguf, GGML } from "./writers/gguf.js";
import { mlpSpec, writeOnnx } from "./writers/onnx.js";
import { buildSafetensors, llamaTensors } from "./writers/safetensors.js";
import { stateDictPickle, torchZip } from "./writers/torch.js";

const repo = (files: RepoFiles) => writeRepo(files, "modelgate-repository-");

const torchBin = () =>
  torchZip(stateDictPickle([{ name: "w", key: "0", shape: [2] }]), [{ key: "0", bytes: new Uint8Array(8) }]);
const params = (tensors: { shape: number[] }[]) =>
  tensors.reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1), 0);

describe("repository view", () => {
  it("reports weight formats, the safe alternative, parameters from headers and the inventory", async () => {
    const tensors = llamaTensors({ layers: 2, hidden: 8, vocab: 16, dtype: "BF16" });
    const dir = repo({
      "model.safetensors": buildSafetensors(tensors),
      "pytorch_model.bin": torchBin(),
      "config.json": JSON.stringify({ model_type: "llama", architectures: ["LlamaForCausalLM"] }),
      "README.md": "# a model\n",
      LICENSE: "Apache License\nVersion 2.0, January 2004\n",
    });
    const { code, report } = await scanJson(dir);
    expect(code).toBe(0);
    const r = report.repository!;
    expect(r.weights.formats).toEqual({
      "pytorch-zip": ["pytorch_model.bin"],
      safetensors: ["model.safetensors"],
    });
    expect(r.weights.pickle).toEqual(["pytorch_model.bin"]);
    expect(r.weights.safeAlternative).toBe(true);
    expect(r.parameters).toEqual({
      total: params(tensors),
      byDtype: { BF16: params(tensors) },
      source: "safetensors",
    });
    expect(r.remoteCode).toEqual([]);
    const roles = Object.fromEntries(r.inventory.map((e) => [e.path, e.role]));
    expect(roles).toEqual({
      LICENSE: "license",
      "README.md": "docs",
      "config.json": "config",
      "model.safetensors": "weights",
      "pytorch_model.bin": "weights",
    });
    const hashed = JSON.parse((await runCli(["scan", dir, "--format", "json"])).stdout) as ScanReport;
    const entry = hashed.repository!.inventory.find((e) => e.path === "model.safetensors")!;
    expect(entry.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(entry.sha256).toBe(hashed.files.find((f) => f.path === "model.safetensors")!.sha256);
  });

  it("says when pickle weights have no safe alternative, and gives no parameter count from pickles", async () => {
    const { report } = await scanJson(repo({ "pytorch_model.bin": torchBin() }));
    expect(report.repository!.weights.safeAlternative).toBe(false);
    expect(report.repository!.parameters).toBeNull();
  });

  it("takes the largest GGUF, since GGUF files in one repository are alternative quantizations", async () => {
    const gguf = (ne: number) =>
      buildGguf({ kv: [], tensors: [{ name: "w", dims: [ne, 32], type: GGML.F32.id }] });
    const { report } = await scanJson(repo({ "m-q4.gguf": gguf(32), "m-f32.gguf": gguf(64) }));
    expect(report.repository!.parameters).toEqual({
      total: 64 * 32,
      byDtype: { F32: 64 * 32 },
      source: "gguf",
    });
  });

  it("lists remote code and flags code a config names that the folder lacks", async () => {
    const dir = repo({
      "config.json": JSON.stringify({
        model_type: "custom",
        auto_map: { AutoConfig: "configuration_x.XConfig", AutoModel: "modeling_x.XModel" },
      }),
      "configuration_x.py": "class XConfig:\n    pass\n",
    });
    const { code, report } = await scanJson(dir);
    expect(code).toBe(1);
    const kinds = report.repository!.remoteCode.map((rc) => `${rc.file}:${rc.kind}`);
    expect(kinds).toContain("config.json:auto_map");
    expect(kinds).toContain("configuration_x.py:python-source");
    const missing = report.findings.filter((f) => f.ruleId === "REPO_REFERENCE_MISSING");
    expect(missing.map((f) => [f.file, f.evidence.reference])).toEqual([["config.json", "modeling_x.py"]]);
    expect(report.files.find((f) => f.path === "config.json")!.findings).toBeGreaterThanOrEqual(2);
  });

  it("treats ONNX external data as the model's weights, not as unscanned content", async () => {
    const dir = repo({});
    writeOnnx(dir, "model.onnx", mlpSpec({ external: true }));
    const { code, report } = await scanJson(dir);
    expect(code).toBe(0);
    expect(report.findings).toEqual([]);
    const data = report.repository!.inventory.find((e) => e.path === "model.onnx.data")!;
    expect(data.role).toBe("weights");
    expect(report.repository!.parameters!.source).toBe("onnx");
  });

  it("reports machine code shipped in a model folder", async () => {
    const elf = new Uint8Array(64);
    elf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
    const { code, report } = await scanJson(repo({ "libcustom_ops.so": elf }));
    expect(code).toBe(1);
    expect(report.findings.map((f) => `${f.ruleId}:${f.severity}`)).toEqual(["NATIVE_CODE:high"]);
    expect(report.files[0]!.format).toBe("executable");
  });

  it("is absent when a single file is scanned", async () => {
    const dir = repo({ "model.safetensors": buildSafetensors(llamaTensors()) });
    const { report } = await scanJson(join(dir, "model.safetensors"));
    expect(report.repository).toBeUndefined();
  });
});
