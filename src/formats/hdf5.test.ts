import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../test/helpers/paths.js";
import { buildHdf5, type Hdf5Attr } from "../../test/writers/hdf5.js";
import { BoundExceededError, FormatError } from "../errors.js";
import {
  DEFAULT_HDF5_LIMITS,
  findHdf5Superblock,
  type Hdf5RootInfo,
  type Hdf5Value,
  readHdf5RootAttributes,
} from "./hdf5.js";
import { type ByteSource, bufferSource } from "./source.js";

const REAL = join(REPO_ROOT, "test", "fixtures", "real", "keras");

const read = (bytes: Uint8Array, limits = DEFAULT_HDF5_LIMITS): Hdf5RootInfo =>
  readHdf5RootAttributes(bufferSource(bytes), limits);
const values = (info: Hdf5RootInfo): Record<string, Hdf5Value> =>
  Object.fromEntries(info.attributes.map((a) => [a.name, a.value]));
const str = (...strings: string[]): Hdf5Value => ({ type: "string", values: strings });

const ATTRS: Hdf5Attr[] = [
  { name: "model_config", value: '{"class_name": "Sequential"}' },
  { name: "keras_version", value: { kind: "vlen", strings: ["3.5.0"] } },
  { name: "layer_names", value: { kind: "fixed", strings: ["dense", "lstm_1"] } },
  { name: "counts", value: { kind: "int32", values: [1, -2, 3] } },
  { name: "rate", value: { kind: "float64", values: [0.5] } },
];
const EXPECTED = {
  model_config: str('{"class_name": "Sequential"}'),
  keras_version: str("3.5.0"),
  layer_names: str("dense", "lstm_1"),
  counts: { type: "number", values: [1, -2, 3] },
  rate: { type: "number", values: [0.5] },
};

function expectError(fn: () => unknown, type: typeof FormatError | typeof BoundExceededError, re: RegExp) {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(type);
  expect((caught as Error).message).toMatch(re);
  return caught;
}

describe("readHdf5RootAttributes on files libhdf5 wrote (h5py, test/fixtures/real/keras)", () => {
  it("reads fixed-length (bytes) and variable-length (str) attributes of a v0 superblock file", () => {
    const bytes = read(readFileSync(join(REAL, "keras2-sequential-bytes.h5")));
    expect(bytes.superblockVersion).toBe(0);
    expect(bytes.rootHeaderVersion).toBe(1);
    const v = values(bytes);
    expect(v.keras_version).toEqual(str("2.11.0"));
    expect(v.backend).toEqual(str("tensorflow"));
    expect(JSON.parse((v.model_config as { values: string[] }).values[0]!).class_name).toBe("Sequential");
    const vlen = values(read(readFileSync(join(REAL, "keras2-sequential-str.h5"))));
    expect(vlen.model_config).toEqual(v.model_config);
  });

  it("reads a libver=latest file: superblock v3, OHDR v2 with a continuation block", () => {
    const info = read(readFileSync(join(REAL, "keras2-sequential-latest.h5")));
    expect(info.superblockVersion).toBe(3);
    expect(info.rootHeaderVersion).toBe(2);
    expect(Object.keys(values(info)).sort()).toEqual([
      "backend",
      "keras_version",
      "model_config",
      "training_config",
    ]);
  });

  it("reads a model_config over 64 KiB, which h5py stores as a variable-length string", () => {
    const v = values(read(readFileSync(join(REAL, "keras2-sequential-large-config.h5"))));
    const text = (v.model_config as { values: string[] }).values[0]!;
    expect(text.length).toBeGreaterThan(64 * 1024);
    expect(JSON.parse(text).config.layers).toHaveLength(221);
  });

  it("reads attributes in dense storage: a fractal heap's root direct block, and its indirect block", () => {
    const few = read(readFileSync(join(REAL, "keras2-dense-attributes-lambda.h5")));
    expect(few.attributes).toHaveLength(15);
    expect(values(few).keras_version).toEqual(str("2.11.0"));
    expect(values(few).note_11).toEqual({ type: "number", values: [11] });
    const many = values(read(readFileSync(join(REAL, "keras2-dense-attributes-many.h5"))));
    expect(Object.keys(many)).toHaveLength(153);
    for (let i = 0; i < 150; i++)
      expect(many[`attribute_${String(i).padStart(5, "0")}`]).toEqual(str(`v${i}`.repeat(8)));
    expect(JSON.parse((many.model_config as { values: string[] }).values[0]!).class_name).toBe("Sequential");
  });

  it("reads a save_weights() file's root attributes (no model_config)", () => {
    const v = values(read(readFileSync(join(REAL, "weights-only.h5"))));
    expect(v.layer_names).toEqual(str("dense"));
    expect(v.model_config).toBeUndefined();
  });
});

describe("readHdf5RootAttributes on writer output (libhdf5 reads the same bytes)", () => {
  for (const superblock of [0, 1, 2, 3] as const) {
    for (const [label, opts] of Object.entries({
      plain: {},
      "a continuation block": { continuation: true },
      "a 512-byte user block": { userBlock: 512 },
    })) {
      it(`superblock v${superblock} with ${label}`, () => {
        const info = read(buildHdf5(ATTRS, { superblock, ...opts }));
        expect(info.superblockVersion).toBe(superblock);
        expect(info.rootHeaderVersion).toBe(superblock >= 2 ? 2 : 1);
        expect(info.superblockOffset).toBe((opts as { userBlock?: number }).userBlock ?? 0);
        expect(values(info)).toEqual(EXPECTED);
      });
    }
  }

  it("reads attribute messages of every version in either object header version", () => {
    for (const superblock of [0, 3] as const)
      for (const attributeVersion of [1, 2, 3] as const)
        expect(values(read(buildHdf5(ATTRS, { superblock, attributeVersion })))).toEqual(EXPECTED);
  });

  it("strips each fixed-length padding the way h5py reads it", () => {
    const v = values(
      read(
        buildHdf5([
          { name: "t", value: { kind: "fixed", strings: ["ab", "abcd"], padding: "nullterm" } },
          { name: "p", value: { kind: "fixed", strings: ["ab", "abcd"], padding: "nullpad" } },
          { name: "s", value: { kind: "fixed", strings: ["ab", "abcd"], padding: "spacepad" } },
        ]),
      ),
    );
    expect(v).toEqual({ t: str("ab", "abcd"), p: str("ab", "abcd"), s: str("ab", "abcd") });
  });

  it("never reads a dataset: a 4 MiB weight costs a few kilobytes", () => {
    const weights = Array.from({ length: 1 << 20 }, (_, i) => i % 7);
    const file = buildHdf5(
      ATTRS,
      {},
      {
        model_weights: {
          children: { dense: { children: { "kernel:0": { dataset: weights, shape: [1024, 1024] } } } },
        },
      },
    );
    expect(file.length).toBeGreaterThan(4 << 20);
    let readBytes = 0;
    const inner = bufferSource(file);
    const counting: ByteSource = {
      size: inner.size,
      read(offset, length) {
        const out = inner.read(offset, length);
        readBytes += out.length;
        return out;
      },
    };
    expect(values(readHdf5RootAttributes(counting))).toEqual(EXPECTED);
    expect(readBytes).toBeLessThan(16 * 1024);
  });
});

describe("readHdf5RootAttributes on hostile files", () => {
  it("needs a signature at 0, 512, 1024 or 2048", () => {
    expect(findHdf5Superblock(bufferSource(new Uint8Array(4096)))).toBe(-1);
    const moved = new Uint8Array(4096);
    moved.set(buildHdf5(ATTRS).subarray(0, 8), 2048);
    expect(findHdf5Superblock(bufferSource(moved))).toBe(2048);
    expectError(() => read(new Uint8Array(100)), FormatError, /no HDF5 superblock/);
  });

  it("refuses an unknown superblock version as unsupported", () => {
    const file = buildHdf5(ATTRS);
    file[8] = 4;
    const err = expectError(() => read(file), FormatError, /superblock version 4/) as FormatError;
    expect(err.code).toBe("FORMAT_UNSUPPORTED");
  });

  it("stops at a continuation cycle (v1 and v2 headers)", () => {
    for (const superblock of [0, 3] as const)
      expectError(
        () => read(buildHdf5(ATTRS, { superblock, continuationCycle: true })),
        FormatError,
        /cycle/,
      );
  });

  it("checks every address against the file size", () => {
    expectError(() => read(buildHdf5(ATTRS, { continuationPastEnd: true })), FormatError, /past the end/);
    expectError(() => read(buildHdf5(ATTRS, { rootAddress: 1 << 30 })), FormatError, /root object header/);
  });

  it("fails on dense attribute storage whose heap is not there", () => {
    expectError(() => read(buildHdf5(ATTRS, { denseAttributes: true })), FormatError, /FRHP signature/);
  });

  it("reports a v2 B-tree deeper than it reads as unsupported, not as clean", () => {
    const file = Uint8Array.from(readFileSync(join(REAL, "keras2-dense-attributes-lambda.h5")));
    const btree = Buffer.from(file).indexOf(Buffer.from("BTHD"));
    file[btree + 12] = 2; // depth
    const err = expectError(() => read(file), FormatError, /depth 2/) as FormatError;
    expect(err.code).toBe("FORMAT_UNSUPPORTED");
  });

  it("fails on a truncated file and on a missing global heap object", () => {
    const file = buildHdf5(ATTRS);
    expectError(() => read(file.subarray(0, 300)), FormatError, /HDF5/);
    // The heap comes last; object 1's index becomes 9.
    const heap = Buffer.from(file).lastIndexOf(Buffer.from("GCOL"));
    const broken = Uint8Array.from(file);
    broken[heap + 16] = 9;
    expectError(() => read(broken), FormatError, /global heap object 1 does not exist/);
  });

  it("enforces its bounds", () => {
    const file = buildHdf5(ATTRS, { continuation: true });
    expectError(() => read(file, { ...DEFAULT_HDF5_LIMITS, maxMessages: 3 }), BoundExceededError, /messages/);
    expectError(
      () => read(file, { ...DEFAULT_HDF5_LIMITS, maxContinuations: 0 }),
      BoundExceededError,
      /continuation/,
    );
    expectError(
      () => read(file, { ...DEFAULT_HDF5_LIMITS, maxAttributeBytes: 8 }),
      BoundExceededError,
      /larger than 8/,
    );
    expectError(() => read(file, { ...DEFAULT_HDF5_LIMITS, maxElements: 2 }), BoundExceededError, /elements/);
    expectError(() => read(file, { ...DEFAULT_HDF5_LIMITS, maxChunkBytes: 16 }), BoundExceededError, /chunk/);
    expectError(
      () => read(file, { ...DEFAULT_HDF5_LIMITS, maxGlobalHeapBytes: 64 }),
      BoundExceededError,
      /heap/,
    );
  });

  it("enforces its bounds in dense storage too", () => {
    const file = readFileSync(join(REAL, "keras2-dense-attributes-many.h5"));
    expectError(
      () => read(file, { ...DEFAULT_HDF5_LIMITS, maxMessages: 100 }),
      BoundExceededError,
      /attributes/,
    );
    expectError(
      () => read(file, { ...DEFAULT_HDF5_LIMITS, maxAttributeBytes: 16 }),
      BoundExceededError,
      /larger/,
    );
  });

  const expected = (fn: () => unknown): void => {
    try {
      fn();
    } catch (err) {
      expect(err instanceof FormatError || err instanceof BoundExceededError, String(err)).toBe(true);
    }
  };

  it("never throws anything but FormatError/BoundExceededError on arbitrary bytes after a signature", () => {
    const sig = buildHdf5([]).subarray(0, 8);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (tail) => {
        const bytes = new Uint8Array(8 + tail.length);
        bytes.set(sig);
        bytes.set(tail, 8);
        expected(() => read(bytes));
      }),
      { numRuns: 1000 },
    );
  });

  it("never throws anything else on mutated real and written files", () => {
    const seeds = [
      readFileSync(join(REAL, "keras2-sequential-bytes.h5")),
      readFileSync(join(REAL, "keras2-sequential-latest.h5")),
      readFileSync(join(REAL, "keras2-dense-attributes-lambda.h5")),
      readFileSync(join(REAL, "keras2-dense-attributes-many.h5")),
      buildHdf5(ATTRS, { continuation: true }),
      buildHdf5(ATTRS, { superblock: 3, continuation: true }),
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: seeds.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.option(fc.nat(), { nil: undefined }),
        (which, edits, cut) => {
          const bytes = Uint8Array.from(seeds[which]!);
          // Most edits land in the first kilobytes, where the metadata is.
          for (const [at, v] of edits) bytes[at % Math.min(bytes.length, 2048)] = v;
          expected(() => read(cut === undefined ? bytes : bytes.subarray(0, cut % bytes.length)));
        },
      ),
      { numRuns: 1500 },
    );
  });
});
