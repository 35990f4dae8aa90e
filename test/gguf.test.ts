/** GGUF through the CLI: a realistic llama file passes clean; each crafted trick is found where it is. */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeSparseGguf } from "../scripts/bench/gguf-input.js";
import { scanJson } from "./helpers/run-cli.js";
import { tempFiles } from "./helpers/temp-files.js";
import {
  buildGguf,
  buildLlamaGguf,
  GGML,
  type GgufSpec,
  llamaMetadata,
  llamaTensors,
  s,
} from "./writers/gguf.js";

const temp = tempFiles("gguf");
const scanBytes = (bytes: Uint8Array) => scanJson(temp.write("model.gguf", bytes));
const scanSpec = (spec: GgufSpec) => scanBytes(buildGguf(spec));
const rules = (r: Awaited<ReturnType<typeof scanJson>>) =>
  r.report.findings.map((f) => `${f.ruleId}:${f.severity}`);
const MALICIOUS = join(import.meta.dirname, "fixtures/templates/malicious");

describe("gguf via the CLI", () => {
  it("passes a realistic Llama 3.1 Q4_K_M file: exit 0, no findings, facts recorded", async () => {
    const r = await scanBytes(buildLlamaGguf());
    expect(r.report.findings).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.report.files[0]?.format).toBe("gguf");
  });

  it("passes the sparse 7B-style bench file (128k vocabulary) reading only its header", async () => {
    const path = join(temp.dir(), "sparse.gguf");
    writeSparseGguf(path, 9 * 1024 * 1024 * 1024);
    const r = await scanJson(path);
    expect(r.report.findings).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.report.summary.bytesRead).toBeLessThan(16 * 1024 * 1024);
  });

  it("finds a malicious chat template inside a GGUF, critical, at the template's offset", async () => {
    const payload = readFileSync(join(MALICIOUS, "cve-2026-5760-sglang-lipsum.jinja"), "utf8");
    const bytes = buildLlamaGguf({ template: payload });
    const r = await scanBytes(bytes);
    expect(r.code).toBe(1);
    const critical = r.report.findings.filter((f) => f.severity === "critical");
    expect(critical[0]?.ruleId).toBe("TEMPLATE_INJECTION");
    const offset = Number(critical[0]!.location.slice(1));
    expect(new TextDecoder().decode(bytes.subarray(offset, offset + 20))).toBe(payload.slice(0, 20));
    expect(critical[0]?.evidence.key).toBe("tokenizer.chat_template");
    expect(String(critical[0]?.evidence.expression)).toContain("lipsum.__globals__");
  });

  it("checks named chat templates (tokenizer.chat_template.tool_use) too", async () => {
    const kv = [
      ...llamaMetadata(),
      { key: "tokenizer.chat_template.tool_use", value: s("{{ cycler.__init__ }}") },
    ];
    const r = await scanSpec({ kv, tensors: llamaTensors() });
    expect(rules(r)).toContain("TEMPLATE_INJECTION:critical");
  });

  it("finds the second of two chat templates under one key", async () => {
    const kv = [...llamaMetadata(), { key: "tokenizer.chat_template", value: s("{{ ''.__class__ }}") }];
    const r = await scanSpec({ kv, tensors: llamaTensors() });
    expect(rules(r)).toEqual(["GGUF_MALFORMED:medium", "TEMPLATE_INJECTION:critical"]);
  });

  it("reports an overflowing tensor count critical, and still checks the template", async () => {
    const r = await scanSpec({
      kv: [{ key: "tokenizer.chat_template", value: s("{{ lipsum }}") }],
      tensorCount: (1n << 64n) - 1n,
    });
    expect(rules(r)).toEqual(["GGUF_OVERFLOW:critical", "TEMPLATE_DANGEROUS_GLOBAL:high"]);
    expect(r.report.findings[0]?.location).toBe("@8");
  });

  it("reports an overflowing string length critical at its offset", async () => {
    const r = await scanSpec({
      kv: [{ key: "k", value: { type: "string", value: "x", length: (1n << 64n) - 1n } }],
    });
    expect(r.report.findings).toMatchObject([
      { ruleId: "GGUF_OVERFLOW", severity: "critical", location: "@37" },
    ]);
  });

  it("reports too many dimensions and overflowing dims critical", async () => {
    expect(rules(await scanSpec({ tensors: [{ name: "t", dims: [1, 1, 1, 1, 1, 1], type: 0 }] }))).toEqual([
      "GGUF_OVERFLOW:critical",
    ]);
    const dims = await scanSpec({
      tensors: [{ name: "t", dims: [1n << 40n, 1n << 40n], type: 0, byteSize: 0 }],
    });
    expect(rules(dims)).toContain("GGUF_OVERFLOW:critical");
  });

  it("reports tensor data past the end of the file", async () => {
    const r = await scanSpec({
      tensors: [{ name: "t", dims: [256, 4], type: GGML.Q4_K.id }],
      dataBytes: 100,
    });
    expect(rules(r)).toEqual(["GGUF_TENSOR_BOUNDS:medium"]);
    expect(r.code).toBe(1);
  });

  it("reports a big-endian file as unverified, not misread", async () => {
    const r = await scanSpec({ bigEndian: true });
    expect(r.report.files[0]?.format).toBe("gguf");
    expect(r.report.findings).toMatchObject([
      { ruleId: "GGUF_UNVERIFIABLE", severity: "medium", location: "@4" },
    ]);
  });

  it("reports a truncated file as malformed", async () => {
    const r = await scanBytes(buildLlamaGguf().subarray(0, 20_000));
    expect(rules(r)).toEqual(["GGUF_MALFORMED:medium"]);
  });

  it("records parameter counts by ggml type for the repository view", async () => {
    const model = temp.write("model-Q4_K_M.gguf", buildLlamaGguf());
    const r = await scanJson(dirname(model));
    expect(r.report.findings).toEqual([]);
    expect(r.report.repository?.parameters).toEqual({
      total: 1296 + 1_587_200 + 1_062_912,
      byDtype: { F32: 1296, Q4_K: 1_587_200, Q6_K: 1_062_912 },
      source: "gguf",
    });
  });
});
