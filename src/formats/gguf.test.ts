import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  arr,
  buildGguf,
  buildLlamaGguf,
  GGML,
  type GgufSpec,
  s,
  strings,
  u32,
} from "../../test/writers/gguf.js";
import { BoundExceededError, FormatError } from "../errors.js";
import { DEFAULT_GGUF_LIMITS, readGguf } from "./gguf.js";
import { bufferSource } from "./source.js";

const read = (spec: GgufSpec) => readGguf(bufferSource(buildGguf(spec)));
const kinds = (spec: GgufSpec) => read(spec).anomalies.map((a) => a.kind);
const f32 = (name: string, n: number) => ({ name, dims: [n], type: GGML.F32.id });

describe("readGguf", () => {
  it("reads a realistic llama file in every version without anomalies", () => {
    for (const version of [1, 2, 3] as const) {
      const file = readGguf(bufferSource(buildLlamaGguf({ version })));
      expect(file.anomalies).toEqual([]);
      expect(file.complete).toBe(true);
      expect(file.version).toBe(version);
      expect(file.metadata.find((m) => m.key === "general.architecture")?.value).toBe("llama");
      expect(file.metadata.find((m) => m.key === "tokenizer.ggml.tokens")?.arrayLength).toBe(3000);
      expect(file.templates[0]?.key).toBe("tokenizer.chat_template");
      expect(file.templates[0]?.text).toContain("<|start_header_id|>");
      const embd = file.tensors.find((t) => t.name === "token_embd.weight");
      expect(embd?.typeName).toBe("Q4_K");
      expect(embd?.byteSize).toBe(((256n * 3000n) / 256n) * 144n);
    }
  });

  it("places the template offset on its first byte", () => {
    const bytes = buildGguf({ kv: [{ key: "tokenizer.chat_template", value: s("{{ x }}") }] });
    const t = readGguf(bufferSource(bytes)).templates[0]!;
    expect(new TextDecoder().decode(bytes.subarray(t.offset, t.offset + 7))).toBe("{{ x }}");
  });

  it("reads every value type and nested arrays", () => {
    const file = read({
      kv: [
        { key: "a.u8", value: { type: "u8", value: 255 } },
        { key: "a.i8", value: { type: "i8", value: -1 } },
        { key: "a.u16", value: { type: "u16", value: 65535 } },
        { key: "a.i16", value: { type: "i16", value: -2 } },
        { key: "a.u32", value: u32(7) },
        { key: "a.i32", value: { type: "i32", value: -3 } },
        { key: "a.f32", value: { type: "f32", value: 0.5 } },
        { key: "a.bool", value: { type: "bool", value: true } },
        { key: "a.u64", value: { type: "u64", value: 1n << 40n } },
        { key: "a.i64", value: { type: "i64", value: -(1n << 40n) } },
        { key: "a.f64", value: { type: "f64", value: 1.25 } },
        { key: "a.nested", value: { type: "array", of: "array", items: [strings(["x", "y"]), strings([])] } },
      ],
    });
    expect(file.anomalies).toEqual([]);
    expect(file.metadata.map((m) => m.value)).toEqual([
      255,
      -1,
      65535,
      -2,
      7,
      -3,
      0.5,
      true,
      1n << 40n,
      -(1n << 40n),
      1.25,
      undefined,
    ]);
    expect(file.metadata.at(-1)?.arrayLength).toBe(2);
  });

  it("refuses what is not GGUF, cut headers, big-endian and unknown versions", () => {
    expect(() => readGguf(bufferSource(new TextEncoder().encode("GGML\x03\0\0\0")))).toThrow(FormatError);
    expect(() => readGguf(bufferSource(buildGguf({}).subarray(0, 12)))).toThrow(/cut short/);
    expect(() => read({ bigEndian: true })).toThrow(/big-endian GGUF v3/);
    const v9 = buildGguf({});
    v9[4] = 9;
    expect(() => readGguf(bufferSource(v9))).toThrow(/version 9/);
  });

  it("calls counts crafted to overflow an overflow, and impossible counts malformed", () => {
    expect(kinds({ tensorCount: (1n << 64n) - 1n })).toEqual(["overflow"]);
    expect(kinds({ kvCount: 1n << 62n })).toEqual(["overflow"]);
    expect(kinds({ kvCount: 1000n })).toEqual(["malformed"]);
    expect(kinds({ version: 1, kvCount: 0xffffffffn })).toEqual(["malformed"]);
  });

  it("catches string and array lengths crafted to overflow, before allocating", () => {
    expect(
      kinds({ kv: [{ key: "k", value: { type: "string", value: "x", length: (1n << 64n) - 1n } }] }),
    ).toEqual(["overflow"]);
    expect(kinds({ kv: [{ key: "k", value: { type: "string", value: "x", length: 1n << 40n } }] })).toEqual([
      "malformed",
    ]);
    const arr = { type: "array" as const, of: "string" as const, items: [s("a")] };
    expect(kinds({ kv: [{ key: "k", value: { ...arr, length: 1n << 59n } }] })).toEqual(["overflow"]);
    expect(kinds({ kv: [{ key: "k", value: { ...arr, length: 1n << 30n } }] })).toEqual(["malformed"]);
    expect(kinds({ kv: [{ key: "k", value: { ...arr, typeId: 13 } }] })).toEqual(["malformed"]);
  });

  it("bounds nesting, array length, template size and metadata bytes", () => {
    let nested = strings(["x"]);
    for (let i = 0; i < 12; i++) nested = { type: "array", of: "array", items: [nested] };
    expect(kinds({ kv: [{ key: "deep", value: nested }] })).toEqual(["limit"]);
    const big = buildGguf({
      kv: [
        { key: "tokenizer.chat_template", value: s("x".repeat(2000)) },
        { key: "after", value: u32(1) },
      ],
    });
    const file = readGguf(bufferSource(big), { ...DEFAULT_GGUF_LIMITS, maxTemplateBytes: 1000 });
    expect(file.anomalies.map((a) => a.kind)).toEqual(["limit"]);
    expect(file.templates).toEqual([]);
    expect(file.metadata.at(-1)?.key).toBe("after");
    const tokens = buildGguf({ kv: [{ key: "t", value: strings(["a", "b", "c"]) }] });
    expect(
      readGguf(bufferSource(tokens), { ...DEFAULT_GGUF_LIMITS, maxArrayLength: 2 }).anomalies[0]?.kind,
    ).toBe("limit");
  });

  it("reports duplicate keys and keeps both chat templates", () => {
    const file = read({
      kv: [
        { key: "tokenizer.chat_template", value: s("a") },
        { key: "tokenizer.chat_template", value: s("b") },
      ],
    });
    expect(file.anomalies.map((a) => a.kind)).toEqual(["malformed"]);
    expect(file.templates.map((t) => t.text)).toEqual(["a", "b"]);
  });

  it("checks general.alignment's type and value", () => {
    expect(kinds({ kv: [{ key: "general.alignment", value: { type: "i32", value: 32 } }] })).toEqual([
      "malformed",
    ]);
    expect(kinds({ kv: [{ key: "general.alignment", value: u32(24) }], alignment: 32 })).toEqual([
      "malformed",
    ]);
    const aligned = read({
      kv: [{ key: "general.alignment", value: u32(64) }],
      tensors: [f32("a", 3), f32("b", 5)],
    });
    expect(aligned.anomalies).toEqual([]);
    expect(aligned.alignment).toBe(64);
    expect(aligned.tensors[1]?.offset).toBe(64n);
  });

  it("catches crafted tensor infos", () => {
    expect(kinds({ tensors: [{ name: "t", dims: [1, 1, 1, 1, 1], type: 0 }] })).toEqual(["overflow"]);
    expect(kinds({ tensors: [{ name: "t", dims: [1n << 63n], type: 0, byteSize: 0 }] })).toContain(
      "overflow",
    );
    expect(kinds({ tensors: [{ name: "t", dims: [1n << 40n, 1n << 40n], type: 0, byteSize: 0 }] })).toContain(
      "overflow",
    );
    expect(kinds({ tensors: [{ name: "t", dims: [1n << 61n], type: 0, byteSize: 0 }] })).toContain(
      "overflow",
    );
    expect(kinds({ tensors: [{ name: "t", dims: [4], type: 0xffffffff, byteSize: 0 }] })).toEqual([
      "overflow",
    ]);
    expect(kinds({ tensors: [{ name: "t", dims: [32], type: 4, byteSize: 0 }] })).toEqual(["malformed"]);
    expect(kinds({ tensors: [{ name: "t", dims: [32], type: 77, byteSize: 0 }] })).toEqual(["unknown-type"]);
    expect(kinds({ tensors: [{ name: "t", dims: [100], type: GGML.Q4_K.id, byteSize: 0 }] })).toEqual([
      "malformed",
    ]);
    expect(kinds({ tensors: [{ name: "t", dims: [0], type: 0 }] })).toEqual(["malformed"]);
    expect(kinds({ tensors: [{ name: "x".repeat(64), dims: [1], type: 0 }] })).toEqual(["malformed"]);
    expect(kinds({ tensors: [f32("a", 8), f32("a", 8)] })).toEqual(["malformed"]);
  });

  it("checks tensor data bounds, alignment, overlap and layout", () => {
    expect(kinds({ tensors: [f32("a", 64)], dataBytes: 100 })).toEqual(["bounds"]);
    expect(kinds({ tensors: [f32("a", 8), { ...f32("b", 8), offset: 16n }] })).toEqual([
      "bounds",
      "bounds",
      "bounds",
    ]);
    const overlap = read({ tensors: [f32("a", 16), { ...f32("b", 16), offset: 0n }] }).anomalies;
    expect(overlap.some((a) => /overlaps/.test(a.message))).toBe(true);
    const swapped = read({
      tensors: [
        { ...f32("a", 8), offset: 32n },
        { ...f32("b", 8), offset: 0n },
      ],
    }).anomalies;
    expect(swapped.map((a) => a.message).join()).toMatch(/llama.cpp expects 0/);
  });

  it("reports truncation inside metadata and inside tensor infos", () => {
    const whole = buildLlamaGguf();
    const cutMeta = readGguf(bufferSource(whole.subarray(0, 5000)));
    expect(cutMeta.complete).toBe(false);
    expect(cutMeta.anomalies.map((a) => a.kind)).toEqual(["malformed"]);
    const headerEnd = Number(readGguf(bufferSource(whole)).dataOffset);
    const cutInfos = readGguf(bufferSource(whole.subarray(0, headerEnd - 100)));
    expect(cutInfos.complete).toBe(false);
    expect(cutInfos.templates).toHaveLength(1);
    expect(cutInfos.anomalies.map((a) => a.kind)).toEqual(["malformed"]);
  });

  it("finds a bad length in the middle of a long string array (fast path hands over)", () => {
    const items = Array.from({ length: 5000 }, (_, i) => s(`t${i}`));
    items[4321] = { type: "string", value: "x", length: (1n << 64n) - 1n };
    const file = read({ kv: [{ key: "tokenizer.ggml.tokens", value: arr("string", items) }] });
    expect(file.anomalies).toMatchObject([{ kind: "overflow", subject: "tokenizer.ggml.tokens" }]);
    expect(file.anomalies[0]?.message).toMatch(/string 4321/);
    const short = [...items];
    short[4321] = { type: "string", value: "x", length: 1n << 40n };
    expect(read({ kv: [{ key: "k", value: arr("string", short) }] }).anomalies[0]?.kind).toBe("malformed");
  });

  it("never throws anything but FormatError on mutated or random bytes", () => {
    const base = buildGguf({
      kv: [
        { key: "general.architecture", value: s("llama") },
        { key: "tokenizer.ggml.tokens", value: strings(["a", "bb", "ccc"]) },
        { key: "tokenizer.chat_template", value: s("{{ x }}") },
      ],
      tensors: [f32("a", 8), { name: "q", dims: [256, 2], type: GGML.Q4_K.id }],
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat(base.length),
        (edits, cut) => {
          const bytes = base.slice(0, Math.max(8, cut));
          for (const [at, v] of edits) if (at >= 4 && at < bytes.length) bytes[at] = v;
          try {
            readGguf(bufferSource(bytes));
          } catch (err) {
            if (!(err instanceof FormatError || err instanceof BoundExceededError)) throw err;
          }
        },
      ),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (tail) => {
        const bytes = new Uint8Array([0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0, ...tail]);
        try {
          readGguf(bufferSource(bytes));
        } catch (err) {
          if (!(err instanceof FormatError)) throw err;
        }
      }),
      { numRuns: 2000 },
    );
  });
});
