import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { bufferSource, FileSource } from "./source.js";

/** Byte equality (Buffer vs Uint8Array alike); vitest's deep equality is far too slow at 200 KB. */
const same = (a: Uint8Array, b: Uint8Array) =>
  Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));

const dir = mkdtempSync(join(tmpdir(), "modelgate-source-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("FileSource", () => {
  const bytes = new Uint8Array(300_000).map((_, i) => (i * 7919 + (i >> 8)) & 0xff);
  const path = join(dir, "f.bin");
  writeFileSync(path, bytes);

  it("returns what a buffer would, for any mix of jumps and forward reads, and earlier results stay intact", () => {
    const ref = bufferSource(bytes);
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.oneof(fc.nat({ max: 310_000 }), fc.constant(-1)),
            fc.oneof(fc.nat({ max: 64 }), fc.nat({ max: 70_000 }), fc.nat({ max: 200_000 })),
          ),
          { minLength: 1, maxLength: 40 },
        ),
        (reads) => {
          const src = new FileSource(path);
          try {
            const kept: [number, number, Uint8Array][] = [];
            let at = 0;
            for (const [off, len] of reads) {
              const start = off === -1 ? at : off; // -1: continue where the last read ended
              const got = src.read(start, len);
              expect(same(got, ref.read(start, len)), `read(${start}, ${len})`).toBe(true);
              kept.push([start, len, got]);
              at = start + got.length;
            }
            for (const [start, len, got] of kept) {
              expect(same(got, ref.read(start, len)), `kept read(${start}, ${len})`).toBe(true);
            }
          } finally {
            src.close();
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("reads a small window after a jump and grows it while reads continue forward", () => {
    const src = new FileSource(path);
    try {
      src.read(100_000, 16);
      expect(src.bytesRead).toBe(8 * 1024);
      let at = 100_000;
      for (let i = 0; i < 2000; i++) at += src.read(at, 100).length;
      // 8 + 16 + 32 + 64 + 64 ... KiB: a few dozen reads, not one per 100 bytes
      expect(src.bytesRead).toBeLessThan(at - 100_000 + 128 * 1024);
      expect(src.bytesRead).toBeGreaterThanOrEqual(at - 100_000);
    } finally {
      src.close();
    }
  });
});
