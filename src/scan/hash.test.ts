import { createHash, randomFillSync } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelgateError } from "../errors.js";
import { canStartHashWorker, hashFiles } from "./hash.js";
import { HASH_CHUNK_BYTES } from "./hash-worker.js";

const MiB = 1024 * 1024;
let dir: string;
const files: Record<string, Buffer> = {};

function sha(b: Buffer): string {
  return createHash("sha256").update(b).digest("hex");
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "modelgate-hash-"));
  const make = (n: number) => randomFillSync(Buffer.allocUnsafe(n));
  files.empty = Buffer.alloc(0);
  files.small = Buffer.from("hello, model\n");
  files.chunk = make(HASH_CHUNK_BYTES); // exactly one chunk
  files.chunkPlus = make(HASH_CHUNK_BYTES + 1);
  files.big = make(20 * MiB + 12345); // several chunks and a tail
  for (const [name, b] of Object.entries(files)) await writeFile(join(dir, name), b);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("hashFiles", () => {
  it("matches crypto.createHash for one file of each size", async () => {
    for (const [name, b] of Object.entries(files)) {
      const p = join(dir, name);
      const got = await hashFiles([p]);
      expect(got.get(p), name).toBe(sha(b));
    }
  });

  it("hashes several files at once, in-process and in workers", async () => {
    const paths = Object.keys(files).map((n) => join(dir, n));
    const want = Object.values(files).map(sha);
    for (const mode of ["auto", "in-process", "workers"] as const) {
      const got = await hashFiles(paths, { mode });
      expect([...got.keys()], mode).toEqual(paths);
      expect([...got.values()], mode).toEqual(want);
    }
  });

  it("can start its worker from the .ts sources under vitest", async () => {
    expect(await canStartHashWorker()).toBe(true);
  });

  it("reports progress up to the total", async () => {
    const paths = [join(dir, "big"), join(dir, "small")];
    const total = files.big!.length + files.small!.length;
    for (const mode of ["in-process", "workers"] as const) {
      const seen: Array<[number, number]> = [];
      await hashFiles(paths, { mode, onProgress: (d, t) => seen.push([d, t]) });
      expect(seen[0]).toEqual([0, total]);
      expect(seen.at(-1)).toEqual([total, total]);
      expect(seen.every(([d, t], i) => t === total && d >= (seen[i - 1]?.[0] ?? 0))).toBe(true);
    }
  });

  it("accepts an empty list and duplicate paths", async () => {
    expect((await hashFiles([])).size).toBe(0);
    const p = join(dir, "small");
    const got = await hashFiles([p, p]);
    expect(got.size).toBe(1);
    expect(got.get(p)).toBe(sha(files.small!));
  });

  it("names the file it cannot read", async () => {
    const missing = join(dir, "no-such-file.bin");
    for (const mode of ["in-process", "workers"] as const) {
      const err = await hashFiles([join(dir, "small"), missing], { mode }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ModelgateError);
      expect((err as ModelgateError).code).toBe("TARGET_UNREADABLE");
      expect((err as Error).message).toContain("no-such-file.bin");
      expect((err as Error).message).toMatch(/ENOENT|no such file/);
    }
    await expect(hashFiles([dir])).rejects.toThrow(/is a directory/);
  });

  it("stops when aborted", async () => {
    const ac = new AbortController();
    ac.abort(new Error("cancelled by test"));
    await expect(hashFiles([join(dir, "big")], { signal: ac.signal })).rejects.toThrow("cancelled by test");
    for (const mode of ["in-process", "workers"] as const) {
      const ac2 = new AbortController();
      const p = hashFiles([join(dir, "big"), join(dir, "chunk")], {
        mode,
        signal: ac2.signal,
        onProgress: (d) => {
          if (d > 0) ac2.abort(new Error("stop now"));
        },
      });
      await expect(p, mode).rejects.toThrow("stop now");
    }
  });
});
