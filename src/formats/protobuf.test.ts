import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pb, varintBytes } from "../../test/writers/protobuf.js";
import { FormatError } from "../errors.js";
import {
  asInt64,
  readFields,
  readPackedVarints,
  readString,
  readVarint,
  WIRE_I32,
  WIRE_I64,
  WIRE_LEN,
  WIRE_VARINT,
} from "./protobuf.js";
import { bufferSource } from "./source.js";

const src = (bytes: Uint8Array | number[]) => bufferSource(Uint8Array.from(bytes));

describe("readVarint", () => {
  it("reads one-byte and multi-byte varints and says where the next byte is", () => {
    expect(readVarint(src([0x05]), 0, 1)).toEqual({ value: 5n, next: 1 });
    expect(readVarint(src([0xac, 0x02]), 0, 2)).toEqual({ value: 300n, next: 2 });
  });

  it("reads the ten-byte form of a negative int64", () => {
    const bytes = varintBytes(-1n);
    expect(bytes.length).toBe(10);
    const { value } = readVarint(src(bytes), 0, bytes.length);
    expect(asInt64(value)).toBe(-1n);
  });

  it("refuses a varint that runs past the end, and one longer than ten bytes", () => {
    expect(() => readVarint(src([0x80, 0x80]), 0, 2)).toThrow(/past the end/);
    expect(() => readVarint(src(new Array(11).fill(0x80)), 0, 11)).toThrow(/longer than 10 bytes/);
  });

  it("does not read past `end` even when the source goes on", () => {
    expect(() => readVarint(src([0x80, 0x01]), 0, 1)).toThrow(FormatError);
  });

  it("round-trips every 64-bit value", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (v) => {
        const bytes = varintBytes(v);
        expect(readVarint(src(bytes), 0, bytes.length)).toEqual({ value: v, next: bytes.length });
      }),
    );
  });
});

describe("readFields", () => {
  it("yields each wire type with its value, payload offset and length", () => {
    const bytes = pb().varint(1, 150).len(2, "hi").float(3, 1.5).fixed64(4, 7n).bytes();
    const fields = [...readFields(src(bytes), 0, bytes.length)];
    expect(fields.map((f) => [f.field, f.wireType])).toEqual([
      [1, WIRE_VARINT],
      [2, WIRE_LEN],
      [3, WIRE_I32],
      [4, WIRE_I64],
    ]);
    expect(fields[0]!.value).toBe(150n);
    expect(fields[1]!).toMatchObject({ offset: 5, length: 2, tagOffset: 3 });
    expect(fields[3]!.value).toBe(7n);
    expect(readString(src(bytes), fields[1]!, 10)).toBe("hi");
  });

  it("walks only [start, end): a nested message is read in place", () => {
    const inner = pb().varint(1, 1).varint(2, 2);
    const bytes = pb().len(5, inner).varint(6, 3).bytes();
    const [outer] = [...readFields(src(bytes), 0, bytes.length)];
    const nested = [...readFields(src(bytes), outer!.offset, outer!.offset + outer!.length)];
    expect(nested.map((f) => f.value)).toEqual([1n, 2n]);
  });

  it("refuses field number 0, groups, wire types 6-7 and lengths past the end", () => {
    const bad = [
      [0x00, 0x01], // field 0
      [0x0b], // start group
      [0x0e], // wire type 6
      [0x0a, 0x05, 0x61], // 5 bytes claimed, 1 present
      [0x0d, 0x01, 0x02], // I32 with 2 of 4 bytes
    ];
    for (const b of bad) expect(() => [...readFields(src(b), 0, b.length)]).toThrow(FormatError);
  });

  it("never throws anything but FormatError on arbitrary bytes, and always advances", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => {
        let count = 0;
        try {
          for (const f of readFields(src(bytes), 0, bytes.length)) {
            count++;
            expect(f.offset + f.length).toBeLessThanOrEqual(bytes.length);
          }
        } catch (err) {
          expect(err).toBeInstanceOf(FormatError);
        }
        // Each field takes at least two bytes (tag and value), so the walk cannot loop.
        expect(count).toBeLessThanOrEqual(bytes.length / 2);
      }),
      { numRuns: 2000 },
    );
  });

  it("reads back what the encoder wrote, field by field", () => {
    const fieldArb = fc.oneof(
      fc.record({
        kind: fc.constant("varint" as const),
        field: fc.integer({ min: 1, max: 1000 }),
        v: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      }),
      fc.record({
        kind: fc.constant("len" as const),
        field: fc.integer({ min: 1, max: 536_870_911 }),
        v: fc.uint8Array({ maxLength: 40 }),
      }),
    );
    fc.assert(
      fc.property(fc.array(fieldArb, { maxLength: 20 }), (fields) => {
        const m = pb();
        for (const f of fields) {
          if (f.kind === "varint") m.varint(f.field, f.v);
          else m.len(f.field, f.v);
        }
        const bytes = m.bytes();
        const read = [...readFields(src(bytes), 0, bytes.length)];
        expect(read.length).toBe(fields.length);
        read.forEach((r, i) => {
          const f = fields[i]!;
          expect(r.field).toBe(f.field);
          if (f.kind === "varint") expect(r.value).toBe(f.v);
          else expect(Buffer.from(bytes.subarray(r.offset, r.offset + r.length))).toEqual(Buffer.from(f.v));
        });
      }),
    );
  });
});

describe("readString", () => {
  it("refuses a payload longer than the cap without reading it", () => {
    const bytes = pb().len(1, "x".repeat(100)).bytes();
    const [f] = [...readFields(src(bytes), 0, bytes.length)];
    expect(() => readString(src(bytes), f!, 99)).toThrow(/more than 99/);
    expect(readString(src(bytes), f!, 100)).toHaveLength(100);
  });
});

describe("readPackedVarints", () => {
  it("reads packed values and stops at the cap", () => {
    const bytes = pb()
      .packedVarints(1, [1, 300, 2 ** 40])
      .bytes();
    const [f] = [...readFields(src(bytes), 0, bytes.length)];
    expect(readPackedVarints(src(bytes), f!, 3)).toEqual([1n, 300n, 2n ** 40n]);
    expect(() => readPackedVarints(src(bytes), f!, 2)).toThrow(/more than 2 packed values/);
  });

  it("refuses a value cut by the end of the payload", () => {
    const bytes = pb()
      .len(1, Uint8Array.from([0x01, 0x80]))
      .bytes();
    const [f] = [...readFields(src(bytes), 0, bytes.length)];
    expect(() => readPackedVarints(src(bytes), f!, 10)).toThrow(FormatError);
  });
});
