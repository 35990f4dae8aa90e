/**
 * Hashing throughput: `hashFiles` against `openssl dgst -sha256` on one 2 GiB file and on four 512 MiB
 * files (openssl one after the other, as a script would). Files are created in `dir` (page cache warm
 * after writing, so this measures hashing and read path, not the disk) and removed afterwards.
 */
import { execFile } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { mkdir, open, rm } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { hashFiles } from "../../src/scan/hash.js";

const run = promisify(execFile);
const MiB = 1024 * 1024;

export interface HashBenchOptions {
  /** Size of the single big file; default 2 GiB. */
  bigBytes?: number;
  /** Size of each of the four files; default 512 MiB. */
  partBytes?: number;
  parts?: number;
  /** Timed repetitions; the best is kept. Default 3. */
  rounds?: number;
  keepFiles?: boolean;
}

export interface HashBenchResult {
  cpus: number;
  openssl: string;
  single: {
    bytes: number;
    opensslMs: number;
    autoMs: number;
    inProcessMs: number;
    oneWorkerMs: number;
    opensslMBps: number;
    oursMBps: number;
    /** our throughput over openssl's (target >= 0.85) */
    ratio: number;
  };
  multi: {
    files: number;
    bytesEach: number;
    opensslSequentialMs: number;
    oursMs: number;
    inProcessMs: number;
    /** openssl sequential time over ours (target > 1) */
    speedup: number;
  };
  /** largest growth of this process's RSS while hashing, MiB */
  rssGrowthMiB: number;
}

async function writeFile(path: string, bytes: number, block: Buffer, salt: number): Promise<void> {
  const fh = await open(path, "w");
  try {
    let pos = 0;
    let n = 0;
    while (pos < bytes) {
      block.writeUInt32LE(n++, 0);
      block.writeUInt32LE(salt, 4);
      const len = Math.min(block.length, bytes - pos);
      await fh.write(block, 0, len, pos);
      pos += len;
    }
  } finally {
    await fh.close();
  }
}

async function best(rounds: number, f: () => Promise<unknown>): Promise<number> {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < rounds; i++) {
    const t = performance.now();
    await f();
    min = Math.min(min, performance.now() - t);
  }
  return Math.round(min);
}

async function openssl(path: string): Promise<string> {
  const { stdout } = await run("openssl", ["dgst", "-sha256", "-r", path]);
  return stdout.split(" ")[0] ?? "";
}

export async function benchHash(dir: string, opts: HashBenchOptions = {}): Promise<HashBenchResult> {
  const bigBytes = opts.bigBytes ?? 2048 * MiB;
  const partBytes = opts.partBytes ?? 512 * MiB;
  const parts = opts.parts ?? 4;
  const rounds = opts.rounds ?? 3;
  await mkdir(dir, { recursive: true });
  const block = Buffer.allocUnsafe(16 * MiB);
  randomFillSync(block);
  const big = join(dir, "hash-bench-big.bin");
  const partPaths = Array.from({ length: parts }, (_, i) => join(dir, `hash-bench-part-${i}.bin`));
  await writeFile(big, bigBytes, block, 0xffff);
  for (const [i, p] of partPaths.entries()) await writeFile(p, partBytes, block, i);

  let rssBase = process.memoryUsage().rss;
  let rssPeak = rssBase;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 20);
  try {
    // Correctness first (and warms the page cache).
    const ref = await openssl(big);
    const ours = (await hashFiles([big])).get(big);
    if (ours !== ref) throw new Error(`hash mismatch on ${big}: ${ours} vs openssl ${ref}`);
    const refs = await Promise.all(partPaths.map(openssl));
    const got = await hashFiles(partPaths);
    partPaths.forEach((p, i) => {
      if (got.get(p) !== refs[i]) throw new Error(`hash mismatch on ${p}`);
    });
    rssBase = process.memoryUsage().rss;
    rssPeak = rssBase;

    const single = {
      opensslMs: await best(rounds, () => openssl(big)),
      autoMs: await best(rounds, () => hashFiles([big])),
      inProcessMs: await best(rounds, () => hashFiles([big], { mode: "in-process" })),
      oneWorkerMs: await best(rounds, () => hashFiles([big], { mode: "workers" })),
    };
    const multi = {
      opensslSequentialMs: await best(rounds, async () => {
        for (const p of partPaths) await openssl(p);
      }),
      oursMs: await best(rounds, () => hashFiles(partPaths)),
      inProcessMs: await best(rounds, () => hashFiles(partPaths, { mode: "in-process" })),
    };
    const { stdout: version } = await run("openssl", ["version"]);
    const mbps = (bytes: number, ms: number) => Math.round(bytes / MiB / (ms / 1000));
    return {
      cpus: availableParallelism(),
      openssl: version.trim(),
      single: {
        bytes: bigBytes,
        ...single,
        opensslMBps: mbps(bigBytes, single.opensslMs),
        oursMBps: mbps(bigBytes, single.autoMs),
        ratio: Math.round((single.opensslMs / single.autoMs) * 100) / 100,
      },
      multi: {
        files: parts,
        bytesEach: partBytes,
        ...multi,
        speedup: Math.round((multi.opensslSequentialMs / multi.oursMs) * 100) / 100,
      },
      rssGrowthMiB: Math.round((rssPeak - rssBase) / MiB),
    };
  } finally {
    clearInterval(sampler);
    if (!opts.keepFiles) await Promise.all([big, ...partPaths].map((p) => rm(p, { force: true })));
  }
}
