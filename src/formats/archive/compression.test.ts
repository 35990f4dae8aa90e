import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync, gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BoundExceededError, FormatError } from "../../errors.js";
import { bufferSource } from "../source.js";
import {
  COMPRESSION_KINDS,
  type CompressionKind,
  decompress,
  decompressSync,
  detectCompression,
} from "./compression.js";

const fixtures = join(import.meta.dirname, "../../../test/fixtures/compression");
const fx = (name: string) => new Uint8Array(readFileSync(join(fixtures, name)));
const payload = fx("payload.pkl");

const compressed: Record<CompressionKind, Uint8Array> = {
  gzip: new Uint8Array(gzipSync(payload)),
  zlib: new Uint8Array(deflateSync(payload)),
  bzip2: fx("payload.pkl.bz2"),
  xz: fx("payload.pkl.xz"),
  lzma: fx("payload.pkl.lzma"),
};

const expectRejects = async (p: () => Promise<unknown>, cls: new (...a: never[]) => Error) => {
  let err: unknown;
  try {
    await p();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(cls);
};

describe("detectCompression", () => {
  it("identifies each kind by its bytes", () => {
    for (const k of COMPRESSION_KINDS) expect(detectCompression(compressed[k].subarray(0, 16))).toBe(k);
  });
  it("rejects pickles, zips, npy and text", () => {
    for (const s of ["\x80\x02}q\x00.", "PK\x03\x04", "\x93NUMPY", "hello world", "(dp0\n"]) {
      expect(detectCompression(Uint8Array.from(s, (c) => c.charCodeAt(0)))).toBe(null);
    }
    expect(detectCompression(new Uint8Array(0))).toBe(null);
  });
});

describe("decompress", () => {
  for (const k of COMPRESSION_KINDS) {
    it(`round-trips ${k}`, async () => {
      expect(await decompress(k, bufferSource(compressed[k]), 1 << 20)).toEqual(payload);
      if (k !== "xz") expect(decompressSync(k, bufferSource(compressed[k]), 1 << 20)).toEqual(payload);
    });
    it(`caps ${k} output`, async () => {
      await expectRejects(() => decompress(k, bufferSource(compressed[k]), 100), BoundExceededError);
    });
    it(`rejects truncated and corrupt ${k}`, async () => {
      const c = compressed[k];
      await expectRejects(
        () => decompress(k, bufferSource(c.subarray(0, Math.floor(c.length / 2))), 1 << 20),
        FormatError,
      );
      const bad = c.slice();
      for (let i = 20; i < bad.length - 10; i += 7) bad[i] = (bad[i] ?? 0) ^ 0x5a;
      await expectRejects(() => decompress(k, bufferSource(bad), 1 << 20), FormatError);
    });
  }

  it("decodes a larger lzma-alone stream and one with a declared size", () => {
    const big = fx("words.bin.lzma");
    const out = decompressSync("lzma", bufferSource(big), 1 << 20);
    expect(createHash("sha256").update(out).digest("hex")).toBe(
      "0dec0ec2beee179b345337c47811f1857002eb163e65dc5ee0a2cebe2ddf6177",
    );
    const sized = compressed.lzma.slice();
    new DataView(sized.buffer).setBigUint64(5, BigInt(payload.length), true);
    expect(decompressSync("lzma", bufferSource(sized), 1 << 20)).toEqual(payload);
    new DataView(sized.buffer).setBigUint64(5, BigInt(payload.length - 5), true);
    expect(() => decompressSync("lzma", bufferSource(sized), 1 << 20)).toThrow(FormatError);
  });

  it("caps a gzip bomb without allocating its output", () => {
    const bomb = new Uint8Array(gzipSync(new Uint8Array(64 << 20)));
    expect(() => decompressSync("gzip", bufferSource(bomb), 1 << 20)).toThrow(BoundExceededError);
  });

  it("never crashes, hangs or overflows on random and mutated input", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...COMPRESSION_KINDS),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 6 }),
        fc.uint8Array({ maxLength: 64 }),
        async (k, muts, junk) => {
          const b = compressed[k].slice();
          for (const [at, v] of muts) b[at % b.length] = v;
          for (const input of [b, junk]) {
            try {
              const out = await decompress(k, bufferSource(input), 4096);
              expect(out.length).toBeLessThanOrEqual(4096);
            } catch (e) {
              if (!(e instanceof FormatError || e instanceof BoundExceededError)) throw e;
            }
          }
          detectCompression(junk);
        },
      ),
      { numRuns: 400 },
    );
  });
});
