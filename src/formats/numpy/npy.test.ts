import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PICKLESCAN_DIR, picklescanCorpus } from "../../../test/helpers/paths.js";
import { buildNpy, buildNpz } from "../../../test/writers/npy.js";
import { FormatError } from "../../errors.js";
import { openZipMember, readZip } from "../archive/zip.js";
import { bufferSource } from "../source.js";
import { parsePyLiteral, readNpyHeader } from "./npy.js";

const npy = (spec: Parameters<typeof buildNpy>[0]) => readNpyHeader(bufferSource(buildNpy(spec)));

describe("readNpyHeader", () => {
  it("reads v1, v2 and v3 headers", () => {
    for (const version of [1, 2, 3] as const) {
      const h = npy({ version, descr: "<f4", shape: [3, 4], data: new Uint8Array(48) });
      expect(h.version).toEqual([version, 0]);
      expect([h.descr, h.fortranOrder, h.shape, h.itemSize, h.hasObjects]).toEqual([
        "<f4",
        false,
        [3, 4],
        4,
        false,
      ]);
      expect(h.dataOffset % 64).toBe(0);
      expect(h.anomalies).toEqual([]);
    }
  });

  it("finds object arrays, also inside structured dtypes", () => {
    const pickle = Uint8Array.from([0x80, 0x02, 0x4e, 0x2e]);
    const h = npy({ descr: "|O", shape: [2], data: pickle });
    expect(h.hasObjects).toBe(true);
    expect(h.expectedDataLength).toBe(null);
    expect(h.anomalies).toEqual([]);
    const s = npy({ descr: "[('a', '<i4'), ('b', '|O'), ('c', '<f8', (2, 2))]", shape: [1], data: pickle });
    expect(s.hasObjects).toBe(true);
    expect(s.descr).toEqual([
      { name: "a", descr: "<i4", shape: [] },
      { name: "b", descr: "|O", shape: [] },
      { name: "c", descr: "<f8", shape: [2, 2] },
    ]);
    const plain = npy({ descr: "[('a', '<i4'), ('c', '<f8', (2,))]", shape: [2], data: new Uint8Array(40) });
    expect([plain.hasObjects, plain.itemSize, plain.anomalies]).toEqual([false, 20, []]);
  });

  it("reports data that does not fit the shape", () => {
    const h = npy({ descr: "<f8", shape: [10], data: new Uint8Array(16) });
    expect(h.anomalies.map((a) => a.kind)).toEqual(["data-size-mismatch"]);
    const huge = npy({ descr: "<f8", shape: [2 ** 40, 2 ** 40], data: new Uint8Array(16) });
    expect(huge.anomalies.map((a) => a.kind)).toEqual(["data-size-mismatch"]);
  });

  it("sizes the usual dtypes", () => {
    for (const [d, size] of [
      ["|b1", 1],
      ["<U3", 12],
      ["|S7", 7],
      ["<c16", 16],
      ["<M8[ns]", 8],
      ["|V5", 5],
      ["<i2", 2],
    ] as const) {
      expect(npy({ descr: d, shape: [2], data: new Uint8Array(size * 2) }).itemSize).toBe(size);
    }
  });

  it("reports odd headers without failing", () => {
    const h = npy({
      header: "{'descr': '<i1', 'fortran_order': True, 'shape': (), 'evil': 1}",
      align: false,
      data: new Uint8Array(1),
    });
    expect(h.shape).toEqual([]);
    expect(h.fortranOrder).toBe(true);
    expect(h.anomalies.map((a) => a.kind).sort()).toEqual(["header-alignment", "unknown-keys"]);
  });

  it("rejects bad magic, versions and headers", () => {
    expect(() => readNpyHeader(bufferSource(new Uint8Array(4)))).toThrow(FormatError);
    const v9 = buildNpy({});
    v9[6] = 9;
    expect(() => readNpyHeader(bufferSource(v9))).toThrow(/version/);
    for (const header of [
      "{'descr': '<f4'",
      "{'descr': __import__('os')}",
      "[1, 2]",
      "{'descr': '<f4', 'shape': (2,)}",
      "{'descr': 1, 'fortran_order': False, 'shape': ()}",
      "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}",
    ]) {
      expect(() => npy({ header })).toThrow(FormatError);
    }
    expect(() => parsePyLiteral("(".repeat(100))).toThrow(/deep/);
  });

  it("reads headers at an offset (inside a bigger source)", () => {
    const bytes = new Uint8Array(100 + 128 + 8);
    bytes.set(buildNpy({ descr: "<i8", shape: [1], data: new Uint8Array(8) }), 100);
    const h = readNpyHeader(bufferSource(bytes), 100);
    expect(h.dataOffset).toBe(228);
  });

  it("reads npz members whatever their names", () => {
    const npz = buildNpz(
      [
        { name: "weights", npy: buildNpy({ descr: "<f4", shape: [2], data: new Uint8Array(8) }) },
        {
          name: "x.bin",
          npy: buildNpy({ descr: "|O", shape: [1], data: Uint8Array.from([0x80, 0x02, 0x4e, 0x2e]) }),
        },
      ],
      { compress: true },
    );
    const src = bufferSource(npz);
    const z = readZip(src);
    const heads = z.members.map((m) => readNpyHeader(openZipMember(src, m)));
    expect(heads.map((h) => h.hasObjects)).toEqual([false, true]);
  });

  it("never crashes on random or mutated bytes", () => {
    const seed = buildNpy({ descr: "[('a', '<i4'), ('b', '|O')]", shape: [2, 3], data: new Uint8Array(8) });
    const check = (b: Uint8Array) => {
      try {
        readNpyHeader(bufferSource(b));
      } catch (e) {
        if (!(e instanceof FormatError)) throw e;
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), check), { numRuns: 300 });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 6 }), (muts) => {
        const b = seed.slice();
        for (const [at, v] of muts) b[at % b.length] = v;
        check(b);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (s) => {
        const b = new Uint8Array(10 + s.length);
        b.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, s.length & 0xff, s.length >> 8]);
        b.set(
          Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff),
          10,
        );
        check(b);
      }),
      { numRuns: 500 },
    );
  });
});

const corpus = join(PICKLESCAN_DIR, "data2");
const haveCorpus = picklescanCorpus("readNpyHeader over the picklescan corpus");

describe.skipIf(!haveCorpus)("readNpyHeader over picklescan's corpus", () => {
  it("reads every .npy and every .npz member", () => {
    const seen: Record<string, boolean> = {};
    for (const f of readdirSync(corpus)) {
      const bytes = new Uint8Array(readFileSync(join(corpus, f)));
      if (f.endsWith(".npy")) {
        const h = readNpyHeader(bufferSource(bytes));
        seen[f] = h.hasObjects;
        if (!h.hasObjects) expect(h.anomalies).toEqual([]);
      } else if (f.endsWith(".npz")) {
        const src = bufferSource(bytes);
        for (const m of readZip(src).members) {
          const h = readNpyHeader(openZipMember(src, m));
          seen[`${f}/${m.name}`] = h.hasObjects;
          if (!h.hasObjects) expect(h.anomalies).toEqual([]);
        }
      }
    }
    expect(seen).toMatchObject({
      "int_array.npy": false,
      "object_array.npy": true,
      "dns_exfiltration.npy": true,
      "int_arrays.npz/a.npy": false,
      "object_arrays_compressed.npz/b.npy": true,
    });
  });
});
