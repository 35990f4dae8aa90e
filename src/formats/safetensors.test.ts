import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  assembleSafetensors,
  buildSafetensors,
  headerJson,
  llamaTensors,
  type StEntry,
} from "../../test/writers/safetensors.js";
import { BoundExceededError, FormatError } from "../errors.js";
import { invalidUtf8At, readSafetensorsHeader, SAFETENSORS_DTYPE_BITS } from "./safetensors.js";
import { bufferSource } from "./source.js";

const f32 = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);
const read = (bytes: Uint8Array) => readSafetensorsHeader(bufferSource(bytes));
const kinds = (bytes: Uint8Array) => read(bytes).anomalies.map((a) => a.kind);
const text = (s: string) => new TextEncoder().encode(s);
/** A file from raw header text and a data region of `dataLength` zero bytes. */
const raw = (header: string, dataLength: number) =>
  assembleSafetensors(text(header), new Uint8Array(dataLength));
const setOffsets = (name: string, offsets: unknown) => (entries: StEntry[]) => {
  entries.find((e) => e.name === name)!.info.data_offsets = offsets;
  return entries;
};

describe("the test writer matches the Rust library byte for byte", () => {
  // Vectors from safetensors/src/tensor.rs tests (test_serialization, test_empty, ..._forced_alignement, ..._fp4).
  it("serializes like `serialize`", () => {
    const attn = buildSafetensors(
      [{ name: "attn.0", dtype: "F32", shape: [1, 2, 3], data: f32([0, 1, 2, 3, 4, 5]) }],
      {
        metadata: null,
      },
    );
    expect([...attn]).toEqual([
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101,
      34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 50, 44, 51, 93, 44, 34,
      100, 97, 116, 97, 95, 111, 102, 102, 115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0,
      0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ]);
    expect([...buildSafetensors([], { metadata: null })]).toEqual([
      8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32,
    ]);
    expect(buildSafetensors([], { metadata: { framework: "pt" } }).subarray(0, 8)[0]).toBe(40);
    const aligned = buildSafetensors(
      [{ name: "attn0", dtype: "F32", shape: [1, 1, 2, 3], data: f32([0, 1, 2, 3, 4, 5]) }],
      { metadata: null },
    );
    expect(aligned[0]).toBe(72);
    expect([...aligned.subarray(73, 80)]).toEqual([32, 32, 32, 32, 32, 32, 32]);
    const fp4 = buildSafetensors([{ name: "attn.0", dtype: "F4", shape: [1, 2], data: new Uint8Array(1) }], {
      metadata: null,
    });
    expect([...fp4.subarray(66)]).toEqual([125, 125, 32, 32, 32, 32, 0]);
    for (const file of [attn, aligned, fp4]) expect(read(file).anomalies).toEqual([]);
  });

  it("orders tensors by dtype alignment, largest first, then by name", () => {
    const bytes = buildSafetensors([
      { name: "b", dtype: "U8", shape: [1] },
      { name: "a", dtype: "U8", shape: [1] },
      { name: "z", dtype: "F64", shape: [1] },
      { name: "m", dtype: "BF16", shape: [1] },
    ]);
    const h = read(bytes);
    expect(h.tensors.map((t) => [t.name, t.dataOffsets])).toEqual([
      ["z", [0, 8]],
      ["m", [8, 10]],
      ["a", [10, 11]],
      ["b", [11, 12]],
    ]);
    expect(h.metadata).toEqual({ format: "pt" });
  });
});

describe("readSafetensorsHeader: benign files", () => {
  it("reads a realistic checkpoint without anomalies", () => {
    const h = read(buildSafetensors(llamaTensors({ layers: 3 })));
    expect(h.anomalies).toEqual([]);
    expect(h.uncovered).toEqual([]);
    expect(h.tensors).toHaveLength(3 * 9 + 3);
    expect(h.headerLength % 8).toBe(0);
    expect(h.tensors.find((t) => t.name === "model.embed_tokens.weight")).toMatchObject({
      dtype: "BF16",
      shape: [16, 8],
      elements: 128,
    });
  });

  it("accepts every dtype of the Rust library, sub-byte ones in whole bytes, scalars and empty tensors", () => {
    const tensors = [...SAFETENSORS_DTYPE_BITS.keys()].map((dtype) => ({
      name: dtype,
      dtype,
      shape: [4, 2],
    }));
    tensors.push({ name: "scalar", dtype: "I32", shape: [] }, { name: "empty", dtype: "F32", shape: [0, 5] });
    const h = read(buildSafetensors(tensors));
    expect(h.anomalies).toEqual([]);
    expect(h.tensors.find((t) => t.name === "F6_E2M3")!.dataOffsets).toEqual([
      expect.any(Number),
      expect.any(Number),
    ]);
    expect(h.tensors.find((t) => t.name === "scalar")!.elements).toBe(1);
  });

  it("accepts JSON whitespace as padding, and tensors listed in any order", () => {
    expect(read(raw("{}\r \t\n", 0)).anomalies).toEqual([]);
    const reversed = raw(
      '{"b":{"dtype":"U8","shape":[2],"data_offsets":[2,4]},"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}',
      4,
    );
    expect(read(reversed).anomalies).toEqual([]);
  });

  it("decodes escapes and non-ASCII names", () => {
    const h = read(
      raw('{"caf\u00e9 \\u00e9\\ud83d\\ude00\\n\\/":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}', 1),
    );
    expect(h.tensors[0]!.name).toBe("café é😀\n/");
    expect(h.anomalies).toEqual([]);
  });
});

describe("readSafetensorsHeader: a header that cannot be read throws FormatError", () => {
  const throws = (bytes: Uint8Array, pattern: RegExp) => {
    expect(() => read(bytes)).toThrow(FormatError);
    expect(() => read(bytes)).toThrow(pattern);
  };
  it("too short, too long, past the file", () => {
    throws(new Uint8Array(4), /shorter than/);
    const big = raw("{}", 0);
    new DataView(big.buffer).setBigUint64(0, 100_000_001n, true);
    throws(big, /above the 100000000 bytes/);
    new DataView(big.buffer).setBigUint64(0, 0xffff_ffff_0000_0040n, true);
    throws(big, /above/);
    throws(assembleSafetensors(text("{}"), new Uint8Array(0), { declaredLength: 9n }), /past the end/);
  });

  it("invalid UTF-8, with the offset of the bad byte", () => {
    const bytes = raw('{"a\xff":1}', 0);
    bytes.set([0xc0, 0xaf], 11); // an overlong '/'
    expect(() => read(bytes)).toThrow(/not valid UTF-8 at byte 11/);
    expect(invalidUtf8At(Uint8Array.from([0xed, 0xa0, 0x80]))).toBe(0); // a UTF-8 encoded surrogate
    expect(invalidUtf8At(Uint8Array.from([0x41, 0xf4, 0x90, 0x80, 0x80]))).toBe(1); // past U+10FFFF
    expect(invalidUtf8At(text("ok é 😀"))).toBe(-1);
  });

  it("not JSON, or JSON that is not an object; lone surrogates; deep nesting; huge numbers", () => {
    throws(raw("[]", 0), /not a JSON object/);
    throws(raw("{", 0), /expected a string key/);
    throws(raw('{"a":1,}', 0), /expected a string key/);
    throws(raw('{"a":01}', 0), /expected ',' or '}'/);
    throws(raw('{"a":NaN}', 0), /unexpected byte/);
    throws(raw('{"a":"x\ty"}', 0), /control character/);
    throws(raw('{"a":"\\ud800"}', 0), /lone high surrogate/);
    throws(raw('{"a":"\\udc00"}', 0), /lone low surrogate/);
    throws(raw('{"a":"\\x"}', 0), /invalid escape/);
    throws(raw(`{"a":${"[".repeat(100)}${"]".repeat(100)}}`, 0), /nesting deeper than 64/);
    throws(raw(`{"a":${"9".repeat(101)}}`, 0), /longer than 100/);
  });
});

describe("readSafetensorsHeader: anomalies", () => {
  it("duplicate keys at the top level and inside a tensor entry", () => {
    const h = read(
      raw(
        '{"w":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"w":{"dtype":"U8","dtype":"F32","shape":[2],"data_offsets":[0,2]}}',
        2,
      ),
    );
    const dups = h.anomalies.filter((a) => a.kind === "duplicate-key");
    expect(dups.map((a) => a.offset)).toEqual([61, 79]);
    expect(dups[0]).toMatchObject({ tensor: "w" });
    expect(dups[1]!.message).toContain('the object at "w"');
    // The last dtype is judged, as Python's json would read it.
    expect(h.tensors[1]!.dtype).toBe("F32");
  });

  it("bytes after the JSON object other than whitespace", () => {
    const h = read(raw("{}  \u0000x", 0));
    expect(h.anomalies).toEqual([
      { kind: "trailing-data", message: expect.stringContaining("4 bytes"), offset: 12 },
    ]);
  });

  it("__metadata__ that is not an object of strings (null is no metadata, as serde reads it)", () => {
    expect(kinds(buildSafetensors([], { metadata: { format: "pt", n: 3 } }))).toEqual(["metadata-invalid"]);
    expect(read(buildSafetensors([], { metadata: { format: "pt", n: 3 } })).metadata).toEqual({
      format: "pt",
    });
    expect(kinds(raw('{"__metadata__":["pt"]}', 0))).toEqual(["metadata-invalid"]);
    expect(read(raw('{"__metadata__":null}', 0)).anomalies).toEqual([]);
  });

  it("malformed tensor entries", () => {
    const cases: [string, RegExp][] = [
      ['"x":[1]', /not an object/],
      ['"x":{"shape":[1],"data_offsets":[0,1]}', /no dtype/],
      ['"x":{"dtype":"Q4","shape":[1],"data_offsets":[0,1]}', /unknown dtype "Q4"/],
      ['"x":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}', /shape holds/],
      ['"x":{"dtype":"U8","shape":[1.0],"data_offsets":[0,1]}', /shape holds/],
      ['"x":{"dtype":"U8","shape":[18446744073709551616],"data_offsets":[0,1]}', /shape holds/],
      ['"x":{"dtype":"U8","shape":"1","data_offsets":[0,1]}', /not an array/],
      ['"x":{"dtype":"U8","shape":[1],"data_offsets":[0]}', /not a \[begin, end\] pair/],
      ['"x":{"dtype":"U8","shape":[1],"data_offsets":[1,0]}', /begin 1 is after end 0/],
      ['"x":{"dtype":"F4","shape":[3],"data_offsets":[0,1]}', /do not fill whole bytes/],
    ];
    for (const [entry, message] of cases) {
      const h = read(raw(`{${entry}}`, 1));
      expect(
        h.anomalies.filter((a) => a.kind === "tensor-invalid").map((a) => a.message),
        entry,
      ).toEqual([expect.stringMatching(message)]);
    }
  });

  it("a field the format does not define", () => {
    const bytes = buildSafetensors([{ name: "w", dtype: "U8", shape: [1] }], {
      editEntries: (entries) => {
        entries[0]!.info.code = "import os";
        return entries;
      },
    });
    expect(kinds(bytes)).toEqual(["unknown-field"]);
  });

  it("offsets that span a different size than shape x dtype", () => {
    const bytes = buildSafetensors(
      [
        { name: "a", dtype: "F32", shape: [2] },
        { name: "b", dtype: "F32", shape: [2] },
      ],
      {
        editEntries: (entries) => {
          entries[0]!.info.shape = [3];
          return entries;
        },
      },
    );
    const h = read(bytes);
    expect(h.anomalies).toEqual([
      expect.objectContaining({
        kind: "size-mismatch",
        tensor: "a",
        message: expect.stringContaining("span 8 bytes"),
      }),
    ]);
    expect(h.anomalies[0]!.wrapsAt).toBeUndefined();
  });

  it("sizes that overflow 64 bits, and offsets crafted to match the wrapped size", () => {
    // 2^32 x 2^32 elements: 2^64, which wraps to 0 in u64 arithmetic.
    const crafted = raw('{"x":{"dtype":"U8","shape":[4294967296,4294967296],"data_offsets":[0,0]}}', 0);
    expect(read(crafted).anomalies).toEqual([
      expect.objectContaining({
        kind: "size-overflow",
        wrapsAt: 64,
        message: expect.stringContaining("crafted"),
      }),
    ]);
    // The running product overflows before a zero dimension: the Rust library refuses, naive readers see 0 bytes.
    const zeroLast = raw('{"x":{"dtype":"U8","shape":[4294967296,4294967296,0],"data_offsets":[0,0]}}', 0);
    expect(kinds(zeroLast)).toEqual(["size-overflow"]);
    const plain = raw('{"x":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,5]}}', 5);
    expect(read(plain).anomalies).toEqual([expect.objectContaining({ kind: "size-overflow" })]);
    expect(read(plain).anomalies[0]!.wrapsAt).toBeUndefined();
    // 2^32 + 4 bytes declared, 4 bytes stored: a 32-bit size check passes.
    const wraps32 = raw('{"x":{"dtype":"U8","shape":[4294967300],"data_offsets":[0,4]}}', 4);
    expect(read(wraps32).anomalies).toEqual([
      expect.objectContaining({ kind: "size-mismatch", wrapsAt: 32 }),
    ]);
  });

  it("a thousand-dimension shape is judged without building a huge product", () => {
    const dims = Array.from({ length: 1000 }, () => "18446744073709551615").join(",");
    expect(kinds(raw(`{"x":{"dtype":"U8","shape":[${dims}],"data_offsets":[0,0]}}`, 0))).toEqual([
      "size-overflow",
    ]);
  });

  it("offsets past the data region; the part inside still counts as covered", () => {
    const bytes = buildSafetensors([{ name: "w", dtype: "U8", shape: [8] }], {
      editEntries: setOffsets("w", [0, 4096]),
    });
    const h = read(bytes);
    expect(h.anomalies.map((a) => a.kind)).toEqual(["out-of-bounds", "size-mismatch"]);
    expect(h.uncovered).toEqual([]);
    const huge = raw(
      '{"w":{"dtype":"U8","shape":[1],"data_offsets":[18446744073709551614,18446744073709551615]}}',
      1,
    );
    expect(kinds(huge)).toEqual(["out-of-bounds", "uncovered"]);
  });

  it("tensors that overlap", () => {
    const bytes = buildSafetensors(
      [
        { name: "a", dtype: "U8", shape: [4] },
        { name: "b", dtype: "U8", shape: [4] },
      ],
      { editEntries: setOffsets("b", [2, 6]), append: new Uint8Array(0) },
    );
    const h = read(bytes);
    expect(h.anomalies.map((a) => [a.kind, a.tensor])).toEqual([
      ["overlap", "b"],
      ["uncovered", undefined],
    ]);
    expect(h.anomalies[0]!.message).toContain("share bytes [2, 4)");
  });

  it("gaps between tensors and bytes after the last one, with their absolute offsets", () => {
    const bytes = buildSafetensors(
      [
        { name: "a", dtype: "U8", shape: [4] },
        { name: "b", dtype: "U8", shape: [4] },
      ],
      { editEntries: setOffsets("b", [6, 10]), append: new Uint8Array(8) },
    );
    const h = read(bytes);
    // Data region: 4 (a) + 4 (b) + 8 appended = 16 bytes; b moved to [6, 10) leaves [4, 6) and [10, 16).
    expect(h.uncovered).toEqual([
      { start: h.dataOffset + 4, length: 2 },
      { start: h.dataOffset + 10, length: 6 },
    ]);
    expect(h.anomalies.map((a) => a.kind)).toEqual(["uncovered", "uncovered"]);
    expect(h.anomalies[1]!.message).toMatch(/6 bytes after the last tensor \("b"\)/);
    expect(read(raw("{}", 3)).uncovered).toEqual([{ start: 16, length: 3 }]);
  });

  it("lists at most 100 anomalies of a kind and counts the rest", () => {
    const entries = Array.from(
      { length: 150 },
      (_, i) => `"t${i}":{"dtype":"Q","shape":[1],"data_offsets":[${i},${i + 1}]}`,
    );
    const h = read(raw(`{${entries.join(",")}}`, 150));
    expect(h.anomalies).toHaveLength(100);
    expect(h.omitted).toEqual({ "tensor-invalid": 50 });
  });

  it("bounds the number of tensors", () => {
    const bytes = buildSafetensors(llamaTensors({ layers: 1 }));
    expect(() => readSafetensorsHeader(bufferSource(bytes), { maxTensors: 11 })).toThrow(BoundExceededError);
    expect(readSafetensorsHeader(bufferSource(bytes), { maxTensors: 12 }).tensors).toHaveLength(12);
  });
});

describe("readSafetensorsHeader: hostile bytes", () => {
  const valid = buildSafetensors(llamaTensors({ layers: 1 }));
  const check = (bytes: Uint8Array) => {
    try {
      read(bytes);
    } catch (err) {
      if (!(err instanceof FormatError) && !(err instanceof BoundExceededError)) throw err;
    }
  };

  it("never throws anything but FormatError or BoundExceededError on arbitrary bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), check), { numRuns: 500 });
  });

  it("never throws anything else on a mutated valid file", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(valid.length - 1), fc.nat(255)), { minLength: 1, maxLength: 8 }),
        (muts) => {
          const bytes = valid.slice();
          for (const [at, v] of muts) bytes[at] = v;
          check(bytes);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("never throws anything else on arbitrary JSON in a tensor entry", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(64), (value, dataLength) => {
        const header = headerJson([{ name: "x", info: value as Record<string, unknown> }], { format: "pt" });
        const h = read(raw(header, dataLength));
        expect(h.tensors).toHaveLength(1);
      }),
      { numRuns: 500 },
    );
  });
});
