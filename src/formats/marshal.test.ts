import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_MARSHAL_LIMITS, summarizeMarshalCode } from "./marshal.js";

/**
 * `base64.b64encode(marshal.dumps((lambda x: __import__('os').system('id')).__code__))`, printed once by
 * each CPython (pyenv builds) so every code object layout is read from real bytes.
 */
const LAMBDA_OS_SYSTEM: Record<string, string> = {
  "2.7.18":
    "YwEAAAABAAAAAgAAAEMAAABzEwAAAHQAAGQBAIMBAGoBAGQCAIMBAFMoAwAAAE50AgAAAG9zdAIAAABpZCgCAAAAdAoAAABfX2ltcG9ydF9fdAYAAABzeXN0ZW0oAQAAAHQBAAAAeCgAAAAAKAAAAABzCAAAADxzdHJpbmc+dAgAAAA8bGFtYmRhPgMAAAB0AAAAAA==",
  "3.6.15":
    "4wEAAAAAAAAAAQAAAAIAAABDAAAAcw4AAAB0AGQBgwFqAWQCgwFTACkDTtoCb3PaAmlkKQLaCl9faW1wb3J0X1/aBnN5c3RlbSkB2gF4qQByBgAAANoIPHN0cmluZz7aCDxsYW1iZGE+AwAAAHMAAAAA",
  "3.7.16":
    "4wEAAAAAAAAAAQAAAAMAAABDAAAAcw4AAAB0AGQBgwGgAWQCoQFTACkDTtoCb3PaAmlkKQLaCl9faW1wb3J0X1/aBnN5c3RlbSkB2gF4qQByBgAAANoIPHN0cmluZz7aCDxsYW1iZGE+AwAAAPMAAAAA",
  "3.8.18":
    "4wEAAAAAAAAAAAAAAAEAAAADAAAAQwAAAHMOAAAAdABkAYMBoAFkAqEBUwApA07aAm9z2gJpZCkC2gpfX2ltcG9ydF9f2gZzeXN0ZW0pAdoBeKkAcgYAAADaCDxzdHJpbmc+2gg8bGFtYmRhPgMAAADzAAAAAA==",
  "3.10.13":
    "4wEAAAAAAAAAAAAAAAEAAAADAAAAQwAAAHMOAAAAdABkAYMBoAFkAqEBUwApA07aAm9z2gJpZCkC2gpfX2ltcG9ydF9f2gZzeXN0ZW0pAdoBeKkAcgYAAADaCDxzdHJpbmc+2gg8bGFtYmRhPgMAAABzAgAAAA4A",
  "3.11.2":
    "4wEAAAAAAAAAAAAAAAMAAAADAAAA80YAAACXAHQBAAAAAAAAAAAAAGQBpgEAAKsBAAAAAAAAAACgAQAAAAAAAAAAAAAAAAAAAAAAAAAAZAKmAQAAqwEAAAAAAAAAAFMAKQNO2gJvc9oCaWQpAtoKX19pbXBvcnRfX9oGc3lzdGVtKQHaAXhzAQAAACD6CDxzdHJpbmc++gg8bGFtYmRhPnIIAAAAAQAAAHMcAAAAgACNKpBU0Qoa1Aoa1woh0gohoCTRCifUCieAAPMAAAAA",
  "3.12.1":
    "4wEAAAAAAAAAAAAAAAMAAAADAAAA8zYAAACXAHQBAAAAAAAAAABkAasBAAAAAAAAagMAAAAAAAAAAAAAAAAAAAAAAABkAqsBAAAAAAAAUwApA07aAm9z2gJpZCkC2gpfX2ltcG9ydF9f2gZzeXN0ZW0pAdoBeHMBAAAAIPoIPHN0cmluZz76CDxsYW1iZGE+cggAAAADAAAAcxYAAACAAIxqmBTTDh7XDiXRDiWgZNMOK4AA8wAAAAA=",
  "3.13.0":
    "4wEAAAAAAAAAAAAAAAMAAAADAAAA8zYAAACVAFsBAAAAAAAAAABTATUBAAAAAAAAUgMAAAAAAAAAAAAAAAAAAAAAAABTAjUBAAAAAAAAJAApA07aAm9z2gJpZCkC2gpfX2ltcG9ydF9f2gZzeXN0ZW0pAdoBeHMBAAAAINoIPHN0cmluZz7aCDxsYW1iZGE+cggAAAADAAAAcxQAAACAAIxqmBTTDh7XDiXRDiWgZNQOK/MAAAAA",
};

const LAYOUT: Record<string, string> = {
  "2.7.18": "2.x",
  "3.6.15": "3.0-3.7",
  "3.7.16": "3.0-3.7",
  "3.8.18": "3.8-3.10",
  "3.10.13": "3.8-3.10",
  "3.11.2": "3.11+",
  "3.12.1": "3.11+",
  "3.13.0": "3.11+",
};

describe("summarizeMarshalCode", () => {
  for (const [version, b64] of Object.entries(LAMBDA_OS_SYSTEM)) {
    it(`names what a lambda marshalled by Python ${version} calls`, () => {
      const s = summarizeMarshalCode(Buffer.from(b64, "base64"));
      expect(s.layout).toBe(LAYOUT[version]);
      expect(s.names).toEqual(["__import__", "system"]);
      expect(s.strings).toEqual(["os", "id"]);
      expect(s.functions).toEqual(["<lambda>"]);
    });
  }

  it("falls back to printable runs when no layout reads the bytes", () => {
    const bytes = Buffer.from(LAMBDA_OS_SYSTEM["3.11.2"]!, "base64").subarray(0, 140);
    const s = summarizeMarshalCode(bytes);
    expect(s.layout).toBeNull();
    expect(s.names).toEqual([]);
    expect(s.strings.join(" ")).toMatch(/__import__|system/);
  });

  it("follows references (FLAG_REF / 'r') to strings marshalled earlier", () => {
    // A 3.11 code object whose co_names reuses the interned 'os' of co_consts through a reference.
    const b = [0xe3, ...new Array(20).fill(0)]; // 'c' | FLAG_REF, five int32 fields
    const short = (s: string, ref = true) => [(ref ? 0x80 : 0) | 0x5a, s.length, ...Buffer.from(s)];
    b.push(0x73, 0, 0, 0, 0); // co_code: empty bytes
    b.push(0x29, 1, ...short("os")); // co_consts: ('os',) -> ref 1
    b.push(0x29, 1, 0x72, 1, 0, 0, 0); // co_names: (ref 1,)
    b.push(0x29, 0, 0x73, 0, 0, 0, 0); // localsplusnames, localspluskinds
    b.push(...short("f.py", false), ...short("f", false), ...short("f", false));
    b.push(1, 0, 0, 0, 0x73, 0, 0, 0, 0, 0x73, 0, 0, 0, 0); // firstlineno, linetable, exceptiontable
    const s = summarizeMarshalCode(Uint8Array.from(b));
    expect(s.layout).toBe("3.11+");
    expect(s.names).toEqual(["os"]);
  });

  it("never throws and stays bounded on arbitrary and mutated bytes", () => {
    const seeds = Object.values(LAMBDA_OS_SYSTEM).map((b) => Buffer.from(b, "base64"));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc
            .tuple(
              fc.integer({ min: 0, max: seeds.length - 1 }),
              fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
            )
            .map(([which, edits]) => {
              const bytes = Uint8Array.from(seeds[which]!);
              for (const [at, v] of edits) bytes[at % bytes.length] = v;
              return bytes;
            }),
        ),
        (bytes) => {
          const s = summarizeMarshalCode(bytes);
          expect(s.names.length).toBeLessThanOrEqual(DEFAULT_MARSHAL_LIMITS.maxStrings);
          expect(s.strings.length).toBeLessThanOrEqual(DEFAULT_MARSHAL_LIMITS.maxStrings);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("rejects nesting past its depth bound instead of recursing without end", () => {
    const deep = new Uint8Array(100_000).fill(0x5b); // '[' list headers nested forever
    for (let i = 0; i < deep.length; i += 5) deep.set([0x5b, 1, 0, 0, 0], i);
    expect(summarizeMarshalCode(deep).layout).toBeNull();
  });
});
