import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BLOCK_SIZE, CacheBudget, RemoteFile } from "./remote-source.js";

/** A file of `size` pseudo-random bytes behind a fetcher that logs what it was asked. */
function fakeRemote(size: number, budget = new CacheBudget(64 * 1024 * 1024)) {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 131 + 7) & 0xff;
  const requests: { offset: number; length: number }[] = [];
  const file = new RemoteFile(
    size,
    async (offset, length) => {
      requests.push({ offset, length });
      const out = bytes.slice(offset, offset + length);
      return { bytes: out, transferred: out.length };
    },
    budget,
  );
  return { bytes, requests, file };
}

describe("RemoteFile", () => {
  it("reads zeros for bytes not fetched, records them, and serves them after a fetch", async () => {
    const { bytes, requests, file } = fakeRemote(1_000_000);
    const first = file.open();
    expect(first.read(500_000, 10)).toEqual(new Uint8Array(10));
    expect(first.missing!()).toEqual([{ offset: 500_000, length: 10 }]);
    await file.fetch(first.missing!());
    // One aligned block around the read.
    expect(requests).toEqual([{ offset: 458_752, length: BLOCK_SIZE }]);
    const second = file.open();
    expect(second.read(500_000, 10)).toEqual(bytes.subarray(500_000, 500_010));
    expect(second.missing!()).toEqual([]);
    expect(second.bytesRead).toBe(BLOCK_SIZE);
    // Network bytes are reported once, by the first source opened after they arrived.
    expect(file.open().bytesRead).toBe(0);
  });

  it("plans one request per run of blocks, clipped to the file, without what is cached", async () => {
    const { file } = fakeRemote(10 * BLOCK_SIZE + 100);
    expect(
      file.plan([
        { offset: 10, length: 5 },
        { offset: BLOCK_SIZE + 1, length: 1 },
        { offset: 5 * BLOCK_SIZE, length: 1 },
        { offset: 10 * BLOCK_SIZE + 50, length: 1000 },
        { offset: 20 * BLOCK_SIZE, length: 1 },
      ]),
    ).toEqual([
      { offset: 0, length: 2 * BLOCK_SIZE },
      { offset: 5 * BLOCK_SIZE, length: BLOCK_SIZE },
      { offset: 10 * BLOCK_SIZE, length: 100 },
    ]);
    await file.fetch([{ offset: BLOCK_SIZE, length: 1 }]);
    expect(file.plan([{ offset: 0, length: 3 * BLOCK_SIZE }])).toEqual([
      { offset: 0, length: BLOCK_SIZE },
      { offset: 2 * BLOCK_SIZE, length: BLOCK_SIZE },
    ]);
  });

  it("drops the least recently used file's bytes when the budget is full, and refuses one that alone is too big", async () => {
    const budget = new CacheBudget(3 * BLOCK_SIZE);
    const a = fakeRemote(10 * BLOCK_SIZE, budget);
    const b = fakeRemote(10 * BLOCK_SIZE, budget);
    await a.file.fetch([{ offset: 0, length: 2 * BLOCK_SIZE }]);
    await b.file.fetch([{ offset: 0, length: 2 * BLOCK_SIZE }]);
    expect(a.file.cachedBytes).toBe(0);
    expect(budget.used).toBe(2 * BLOCK_SIZE);
    await expect(b.file.fetch([{ offset: 2 * BLOCK_SIZE, length: 2 * BLOCK_SIZE }])).rejects.toThrow(
      expect.objectContaining({ code: "BOUND_EXCEEDED" }),
    );
    // Dropped bytes read as missing again.
    const src = a.file.open();
    src.read(0, 1);
    expect(src.missing!()).toEqual([{ offset: 0, length: 1 }]);
  });

  it("keeps the blocks that arrived when one request fails, then reports the failure", async () => {
    let calls = 0;
    const file = new RemoteFile(
      4 * BLOCK_SIZE,
      async (_offset, length) => {
        if (calls++ === 1) throw new Error("connection reset");
        return { bytes: new Uint8Array(length).fill(1), transferred: length };
      },
      new CacheBudget(1 << 30),
    );
    await expect(
      file.fetch([
        { offset: 0, length: 1 },
        { offset: 3 * BLOCK_SIZE, length: 1 },
      ]),
    ).rejects.toThrow("connection reset");
    expect(file.cachedBytes).toBe(BLOCK_SIZE);
  });

  it("converges to the file's exact bytes for any reads, in a few passes", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 400_000 }),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 150_000 })), { minLength: 1, maxLength: 20 }),
        async (size, reads) => {
          const { bytes, file } = fakeRemote(size);
          for (let pass = 0; pass < 3; pass++) {
            const src = file.open();
            const got = reads.map(([o, l]) => src.read(o % size, l));
            const missing = src.missing!();
            if (missing.length === 0) {
              reads.forEach(([o, l], i) => {
                const at = o % size;
                const want = bytes.subarray(at, Math.min(size, at + l));
                expect(Buffer.from(got[i]!).equals(want)).toBe(true);
              });
              return;
            }
            await file.fetch(missing);
          }
          throw new Error("reads did not converge in 2 fetches");
        },
      ),
      { numRuns: 100 },
    );
  });
});
