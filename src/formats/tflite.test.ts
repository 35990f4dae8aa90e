import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BUILTIN, buildFlatbuffer, fb, tfliteModel } from "../../test/writers/tflite.js";
import { BoundExceededError, FormatError } from "../errors.js";
import { type ByteSource, bufferSource } from "./source.js";
import { readTflite, TFLITE_CUSTOM } from "./tflite.js";

const u32 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset).getUint32(at, true);
const setU32 = (b: Uint8Array, at: number, v: number) =>
  new DataView(b.buffer, b.byteOffset).setUint32(at, v, true);

describe("readTflite", () => {
  it("reads operator codes, operators, subgraphs, buffers, metadata and signatures", () => {
    const m = readTflite(
      bufferSource(tfliteModel({ extraOps: [{ op: "FlexReadFile", inputs: [0], outputs: [1] }] })),
    );
    expect(m.version).toBe(3);
    expect(m.description).toBe("MLIR Converted.");
    expect(m.operatorCodes.map((c) => [c.builtinCode, c.customCode])).toEqual([
      [BUILTIN.CONV_2D, null],
      [BUILTIN.RESHAPE, null],
      [BUILTIN.FULLY_CONNECTED, null],
      [BUILTIN.SOFTMAX, null],
      [TFLITE_CUSTOM, "FlexReadFile"],
    ]);
    expect(m.operators.map((o) => o.opcodeIndex)).toEqual([0, 1, 2, 3, 4]);
    expect(m.subgraphs).toEqual([expect.objectContaining({ name: "main", tensors: 10, operators: 5 })]);
    expect(m.buffers.count).toBe(9);
    expect(m.buffers.dataBytes).toBe(4 * (36 + 4 + 1440 + 10) + 8 + 16 + 12);
    expect(m.metadata).toEqual([
      { name: "min_runtime_version", buffer: 7 },
      { name: "CONVERSION_METADATA", buffer: 8 },
    ]);
    expect(m.signatures).toEqual([{ key: "serving_default", subgraph: 0 }]);
  });

  it("takes the larger of deprecated_builtin_code and builtin_code (codes past 127)", () => {
    const bytes = buildFlatbuffer({ 1: fb.tables([{ 0: fb.i8(127), 3: fb.i32(150) }, { 0: fb.i8(25) }]) });
    expect(readTflite(bufferSource(bytes)).operatorCodes.map((c) => c.builtinCode)).toEqual([150, 25]);
  });

  it("never reads buffer data", () => {
    const big = new Uint8Array(4 << 20).fill(0x5a);
    const bytes = tfliteModel({ patch: (m) => ((m[4] as { v: object[] }).v[5] = { 0: fb.bytes(big) }) });
    const inner = bufferSource(bytes);
    let total = 0;
    const src: ByteSource = {
      size: inner.size,
      read(at, len) {
        total += len;
        return inner.read(at, len);
      },
    };
    expect(readTflite(src).buffers.dataBytes).toBeGreaterThan(big.length);
    // Tables and vectors are read through 4 KiB pages; the 4 MiB weight buffer is not.
    expect(total).toBeLessThan(64 * 1024);
  });

  it("checks >2 GB buffer offsets and sizes against the file", () => {
    const ok = tfliteModel({
      patch: (m) => ((m[4] as { v: object[] }).v[1] = { 1: fb.u64(16n), 2: fb.u64(8n) }),
    });
    expect(readTflite(bufferSource(ok)).buffers.externalBytes).toBe(8);
    const outside = tfliteModel({
      patch: (m) => ((m[4] as { v: object[] }).v[1] = { 1: fb.u64(1n << 40n), 2: fb.u64(8n) }),
    });
    expect(() => readTflite(bufferSource(outside))).toThrow(/lies outside the file/);
  });

  it("refuses an operator whose opcode index is out of range", () => {
    const bytes = buildFlatbuffer({
      1: fb.tables([{ 3: fb.i32(0) }]),
      2: fb.tables([{ 3: fb.tables([{ 0: fb.u32(7) }]) }]),
    });
    expect(() => readTflite(bufferSource(bytes))).toThrow(/uses opcode 7/);
  });

  it("refuses offsets past the end, self-pointing offsets and vtables outside the file", () => {
    const bytes = tfliteModel();
    const past = bytes.slice();
    setU32(past, 0, bytes.length + 100);
    expect(() => readTflite(bufferSource(past))).toThrow(FormatError);
    const self = bytes.slice();
    setU32(self, 0, 0);
    expect(() => readTflite(bufferSource(self))).toThrow(/points at itself/);
    const vt = bytes.slice();
    setU32(vt, u32(bytes, 0), 0x7fff_fff0);
    expect(() => readTflite(bufferSource(vt))).toThrow(/vtable outside/);
    expect(() => readTflite(bufferSource(bytes.subarray(0, 6)))).toThrow(FormatError);
  });

  it("bounds vector lengths", () => {
    const bytes = tfliteModel();
    expect(() => readTflite(bufferSource(bytes), { maxOperatorCodes: 2 })).toThrow(BoundExceededError);
    expect(() => readTflite(bufferSource(bytes), { maxOperators: 2 })).toThrow(BoundExceededError);
    expect(() => readTflite(bufferSource(bytes), { maxStringBytes: 3 })).toThrow(BoundExceededError);
    // Many operator codes may name one long string: the total is bounded, not only each string.
    const long = "Custom".repeat(1000);
    const aliased = buildFlatbuffer({
      1: fb.tables(Array.from({ length: 50 }, () => ({ 1: fb.str(long) }))),
    });
    expect(() => readTflite(bufferSource(aliased), { maxTotalStringBytes: 100_000 })).toThrow(/add up to/);
  });

  it("throws only FormatError or BoundExceededError on mutated files, and finishes", () => {
    const seed = tfliteModel({ extraOps: [{ op: "MyOp", inputs: [0], outputs: [1] }] });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 }),
        fc.nat(),
        (edits, cut) => {
          const bytes = seed.slice(0, seed.length - (cut % 64));
          for (const [at, v] of edits) bytes[at % bytes.length] = v;
          try {
            readTflite(bufferSource(bytes));
          } catch (err) {
            expect(err instanceof FormatError || err instanceof BoundExceededError).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
