import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PICKLESCAN_DIR, picklescanCorpus } from "../../../test/helpers/paths.js";
import { buildZip, writeZipFile } from "../../../test/writers/zip.js";
import { BoundExceededError, FormatError } from "../../errors.js";
import { bufferSource, FileSource } from "../source.js";
import {
  crc32,
  openZipMember,
  readZip,
  verifyCrc,
  type ZipArchive,
  zipBudget,
  zipPrefixOffset,
} from "./zip.js";

const text = (s: { read(o: number, l: number): Uint8Array; size: number }) =>
  new TextDecoder().decode(s.read(0, s.size));
const kinds = (a: ZipArchive) => a.anomalies.map((x) => x.kind);

describe("readZip", () => {
  it("lists stored and deflated members and opens them", () => {
    const bytes = buildZip([
      { name: "a.txt", data: "hello" },
      { name: "dir/b.bin", data: "x".repeat(1000), method: 8 },
    ]);
    const z = readZip(bufferSource(bytes));
    expect(z.centralDirectory).toBe("ok");
    expect(z.anomalies).toEqual([]);
    expect(z.members.map((m) => [m.name, m.method, m.uncompressedSize])).toEqual([
      ["a.txt", 0, 5],
      ["dir/b.bin", 8, 1000],
    ]);
    const src = bufferSource(bytes);
    expect(text(openZipMember(src, z.members[0]!))).toBe("hello");
    const b = openZipMember(src, z.members[1]!);
    expect(b.crcOk).toBe(true);
    expect(text(b)).toBe("x".repeat(1000));
    expect(verifyCrc(src, z.members[0]!)).toBe(true);
  });

  it("reads zip64 (forced) records and extra fields", () => {
    const bytes = buildZip(
      [
        { name: "a", data: "abc" },
        { name: "b", data: "defg", method: 8 },
      ],
      { zip64: "force" },
    );
    const z = readZip(bufferSource(bytes));
    expect(z.zip64).toBe(true);
    expect(z.anomalies).toEqual([]);
    expect(z.members.every((m) => m.zip64)).toBe(true);
    expect(text(openZipMember(bufferSource(bytes), z.members[1]!))).toBe("defg");
  });

  it("handles data descriptors with and without signature", () => {
    const bytes = buildZip([
      { name: "a", data: "one", dataDescriptor: true },
      { name: "b", data: "two two", method: 8, dataDescriptor: true, descriptorSignature: false },
      { name: "c", data: "three" },
    ]);
    const z = readZip(bufferSource(bytes));
    expect(kinds(z)).toEqual(["data-descriptor", "data-descriptor"]);
    expect(text(openZipMember(bufferSource(bytes), z.members[1]!))).toBe("two two");
    expect(text(openZipMember(bufferSource(bytes), z.members[2]!))).toBe("three");
  });

  it("reports duplicate names, name/CRC/flag/size/method mismatches", () => {
    const bytes = buildZip([
      { name: "data.pkl", data: "A" },
      { name: "data.pkl", data: "B" },
      { name: "x.pkl", localName: "y.pkl", data: "C" },
      { name: "c.pkl", data: "D", localCrc: 1234 },
      { name: "f.pkl", data: "E", localFlags: 0x20 },
      { name: "s.pkl", data: "F", localUncompressedSize: 99 },
      { name: "m.pkl", data: "G", localMethod: 8 },
    ]);
    const z = readZip(bufferSource(bytes));
    expect(z.anomalies.map((a) => [a.kind, a.index])).toEqual([
      ["duplicate-name", 1],
      ["name-mismatch", 2],
      ["crc-mismatch", 3],
      ["flag-mismatch", 4],
      ["size-mismatch", 5],
      ["method-mismatch", 6],
    ]);
  });

  it("reports encryption, telling a forged flag from real encryption", () => {
    const bytes = buildZip([
      { name: "forged.pkl", data: "plain", encrypted: true },
      { name: "real.txt", data: "x", raw: new Uint8Array(13), encrypted: true, method: 8 },
    ]);
    const z = readZip(bufferSource(bytes));
    expect(kinds(z)).toEqual(["encrypted", "encrypted"]);
    expect(z.members[0]!.encryptionFlagOnly).toBe(true);
    expect(z.members[1]!.encryptionFlagOnly).toBe(false);
    expect(() => openZipMember(bufferSource(bytes), z.members[1]!)).toThrow(FormatError);
    expect(text(openZipMember(bufferSource(bytes), z.members[0]!, {}, { ignoreEncryption: true }))).toBe(
      "plain",
    );
  });

  it("reports unsupported methods and refuses to open them", () => {
    const bytes = buildZip([{ name: "a", data: "abc", method: 12, raw: new Uint8Array([1, 2, 3]) }]);
    const z = readZip(bufferSource(bytes));
    expect(kinds(z)).toEqual(["unsupported-method"]);
    expect(() => openZipMember(bufferSource(bytes), z.members[0]!)).toThrow(/unsupported/);
  });

  it("reports overlapping members", () => {
    const bytes = buildZip([
      { name: "a", data: "abc" },
      { name: "b", data: "abc", pointAt: 0 },
    ]);
    const z = readZip(bufferSource(bytes));
    expect(kinds(z)).toContain("overlap");
    expect(kinds(z)).toContain("name-mismatch");
  });

  it("finds local headers the central directory does not list", () => {
    const bytes = buildZip([
      { name: "shown.txt", data: "ok" },
      { name: "hidden.pkl", data: "evil", hidden: true },
      { name: "last.txt", data: "ok2" },
    ]);
    const z = readZip(bufferSource(bytes));
    expect(z.members.map((m) => m.name)).toEqual(["shown.txt", "last.txt"]);
    expect(kinds(z)).toEqual(["unlisted-local-header"]);
    expect(z.hiddenMembers.map((m) => m.name)).toEqual(["hidden.pkl"]);
    expect(text(openZipMember(bufferSource(bytes), z.hiddenMembers[0]!))).toBe("evil");
  });

  it("falls back to local headers when the central directory is missing or corrupt", () => {
    const missing = buildZip(
      [
        { name: "a.pkl", data: "A" },
        { name: "b.pkl", data: "BB", method: 8, dataDescriptor: true },
        { name: "c", data: "C" },
      ],
      { omitCentral: true },
    );
    const z = readZip(bufferSource(missing));
    expect(z.centralDirectory).toBe("missing");
    expect(z.members.map((m) => m.name)).toEqual(["a.pkl", "b.pkl", "c"]);
    expect(text(openZipMember(bufferSource(missing), z.members[1]!))).toBe("BB");
    const corrupt = buildZip([{ name: "a.pkl", data: "A" }], { cdOffset: 100_000 });
    const c = readZip(bufferSource(corrupt));
    expect(c.centralDirectory).toBe("corrupt");
    expect(kinds(c)).toContain("central-directory-corrupt");
    expect(c.members.map((m) => m.name)).toEqual(["a.pkl"]);
    const garbled = buildZip([{ name: "a.pkl", data: "A" }]);
    garbled[36] = 0;
    const g = readZip(bufferSource(garbled));
    expect([g.centralDirectory, g.members.length]).toEqual(["corrupt", 1]);
    // A central directory offset that undershoots is recovered (absolute-offset writers do this).
    const low = readZip(bufferSource(buildZip([{ name: "a.pkl", data: "A" }], { cdOffset: 3 })));
    expect(low.members[0]!.dataOffset).toBe(35);
  });

  it("reads a zip appended to other bytes (polyglot) with relative and absolute offsets", () => {
    const pickle = Uint8Array.from([0x80, 0x02, 0x4b, 0x01, 0x2e]);
    for (const absoluteOffsets of [false, true]) {
      const bytes = buildZip([{ name: "data.pkl", data: "zzz" }], { prefix: pickle, absoluteOffsets });
      const z = readZip(bufferSource(bytes));
      expect(z.prefixOffset).toBe(5);
      expect(kinds(z)).toEqual(["prefix-data"]);
      expect(z.members[0]!.localHeaderOffset).toBe(5);
      expect(text(openZipMember(bufferSource(bytes), z.members[0]!))).toBe("zzz");
    }
    expect(zipPrefixOffset(bufferSource(buildZip([{ name: "a", data: "" }], { prefix: pickle })))).toBe(5);
    expect(zipPrefixOffset(bufferSource(pickle))).toBe(-1);
  });

  it("reports trailing data and entry-count mismatches", () => {
    const bytes = buildZip([{ name: "a", data: "A" }], { trailing: new Uint8Array(7), eocdEntries: 3 });
    expect(kinds(readZip(bufferSource(bytes)))).toEqual(["entry-count-mismatch", "trailing-data"]);
  });

  it("reads a nested zip inside a zip", () => {
    const inner = buildZip([{ name: "inner.pkl", data: "payload" }]);
    const outer = buildZip([{ name: "inner.zip", data: inner, method: 8 }]);
    const z = readZip(bufferSource(outer));
    const innerSrc = openZipMember(bufferSource(outer), z.members[0]!);
    const iz = readZip(innerSrc);
    expect(text(openZipMember(innerSrc, iz.members[0]!))).toBe("payload");
  });

  it("caps a zip bomb member and the archive total", () => {
    const huge = new Uint8Array(50 * 1024 * 1024);
    const raw = new Uint8Array(deflateRawSync(huge));
    const bytes = buildZip([
      { name: "bomb", method: 8, raw, uncompressedSize: 10, crc: 0 },
      { name: "b2", method: 8, data: new Uint8Array(600_000) },
      { name: "b3", method: 8, data: new Uint8Array(600_000) },
    ]);
    expect(bytes.length).toBeLessThan(200_000);
    const z = readZip(bufferSource(bytes));
    expect(() => openZipMember(bufferSource(bytes), z.members[0]!, { maxMemberBytes: 1 << 20 })).toThrow(
      BoundExceededError,
    );
    const budget = zipBudget({ maxTotalBytes: 1_000_000 });
    openZipMember(bufferSource(bytes), z.members[1]!, {}, { budget });
    expect(() => openZipMember(bufferSource(bytes), z.members[2]!, {}, { budget })).toThrow(
      BoundExceededError,
    );
  });

  it("reports a CRC that does not match the bytes only when they are read", () => {
    const bytes = buildZip([
      { name: "s", data: "stored", crc: 1 },
      { name: "d", data: "deflated", method: 8, crc: 1 },
    ]);
    const z = readZip(bufferSource(bytes));
    expect(z.anomalies).toEqual([]);
    expect(verifyCrc(bufferSource(bytes), z.members[0]!)).toBe(false);
    expect(openZipMember(bufferSource(bytes), z.members[0]!).crcOk).toBe(null);
    const d = openZipMember(bufferSource(bytes), z.members[1]!);
    expect(d.crcOk).toBe(false);
    expect(text(d)).toBe("deflated");
  });

  it("lists at most maxMembers", () => {
    const bytes = buildZip(Array.from({ length: 20 }, (_, i) => ({ name: `m${i}`, data: "x" })));
    const z = readZip(bufferSource(bytes), { maxMembers: 5 });
    expect(z.members).toHaveLength(5);
    expect(z.truncated).toBe(true);
    expect(kinds(z)).toContain("member-limit");
  });

  it("decodes CP437 and UTF-8 names", () => {
    const bytes = buildZip([{ name: "é.txt", data: "", utf8: true }]);
    expect(readZip(bufferSource(bytes)).members[0]!.name).toBe("é.txt");
  });

  it("streams a large stored member to a file and reads it back", () => {
    const dir = mkdtempSync(join(tmpdir(), "zipw-"));
    try {
      const path = join(dir, "big.zip");
      const chunk = new Uint8Array(1 << 20).fill(7);
      const size = writeZipFile(path, [
        { name: "archive/data.pkl", data: "\x80\x02K\x01." },
        {
          name: "archive/data/0",
          size: 8 << 20,
          chunks: function* () {
            for (let i = 0; i < 8; i++) yield chunk;
          },
        },
      ]);
      const src = new FileSource(path);
      expect(src.size).toBe(size);
      const z = readZip(src);
      expect(z.anomalies).toEqual([]);
      expect(z.members[1]!.uncompressedSize).toBe(8 << 20);
      expect(verifyCrc(src, z.members[1]!)).toBe(true);
      src.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("never crashes on random or mutated bytes", () => {
    const seed = buildZip(
      [
        { name: "a.pkl", data: "abc", method: 8 },
        { name: "b", data: "defg", dataDescriptor: true },
      ],
      { zip64: "force" },
    );
    const check = (bytes: Uint8Array) => {
      const src = bufferSource(bytes);
      const z = readZip(src, { maxMemberBytes: 1 << 20 });
      for (const m of [...z.members, ...z.hiddenMembers]) {
        try {
          openZipMember(src, m, { maxMemberBytes: 1 << 20 }, { ignoreEncryption: true });
        } catch (e) {
          if (!(e instanceof FormatError || e instanceof BoundExceededError)) throw e;
        }
      }
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (b) => check(b)),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 8 }), (muts) => {
        const b = seed.slice();
        for (const [at, v] of muts) b[at % b.length] = v;
        check(b);
      }),
      { numRuns: 1000 },
    );
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  });
});

const corpus = PICKLESCAN_DIR;
const haveCorpus = picklescanCorpus("readZip over the picklescan corpus");

describe.skipIf(!haveCorpus)("readZip over picklescan's corpus", () => {
  const open = (p: string) => {
    const bytes = new Uint8Array(readFileSync(join(corpus, p)));
    return { src: bufferSource(bytes), z: readZip(bufferSource(bytes)) };
  };
  it("plain malicious1.zip", () => {
    const { src, z } = open("data/malicious1.zip");
    expect(z.anomalies).toEqual([]);
    expect(z.members.map((m) => m.name)).toEqual(["data.pkl"]);
    expect(Array.from(openZipMember(src, z.members[0]!).read(0, 2))).toEqual([0x80, 0x04]);
  });
  it("forged flag bits", () => {
    expect(kinds(open("data/malicious1_0x1.zip").z)).toEqual(["encrypted"]);
    expect(open("data/malicious1_0x1.zip").z.members[0]!.encryptionFlagOnly).toBe(true);
    expect(kinds(open("data/malicious1_0x20.zip").z)).toEqual([]);
    expect(open("data/malicious1_0x40.zip").z.members[0]!.flags).toBe(0x40);
  });
  it("central/local name mismatch", () => {
    const { z } = open("data/malicious1_central_directory.zip");
    expect(kinds(z)).toEqual(["name-mismatch"]);
    expect(z.members[0]!.name).toBe("data.pkl");
    expect(z.members[0]!.local?.name).toBe("datap.kl");
  });
  it("CRC of the bytes does not match", () => {
    const { src, z } = open("data2/malicious1_crc.zip");
    expect(verifyCrc(src, z.members[0]!)).toBe(false);
  });
  it("password-protected member", () => {
    const { src, z } = open("data/benign_password_protected.zip");
    expect(z.members.map((m) => [m.name, m.encrypted, m.encryptionFlagOnly])).toEqual([
      ["test.txt", true, false],
    ]);
    expect(() => openZipMember(src, z.members[0]!)).toThrow(/encrypted/);
  });
  it("npz archives, stored and compressed", () => {
    for (const f of ["int_arrays", "int_arrays_compressed", "object_arrays", "object_arrays_compressed"]) {
      const { src, z } = open(`data2/${f}.npz`);
      expect(z.anomalies).toEqual([]);
      expect(z.members.map((m) => m.name)).toEqual(["a.npy", "b.npy"]);
      for (const m of z.members) {
        const s = openZipMember(src, m, {}, { verifyCrc: true });
        expect(s.crcOk).toBe(true);
        expect(Array.from(s.read(0, 6))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
      }
    }
  });
});
