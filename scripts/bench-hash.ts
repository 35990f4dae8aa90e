/** Usage: tsx scripts/bench-hash.ts [dir]  (needs about 4 GiB free in dir; default: the OS temp dir) */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchHash } from "./bench/hash.js";

const dir = process.argv[2] ?? join(tmpdir(), "modelgate-bench-hash");
const r = await benchHash(dir);
const MiB = 1024 * 1024;
const s = r.single;
const m = r.multi;
console.log(`${r.openssl}, ${r.cpus} CPUs`);
console.log(
  `1 x ${s.bytes / MiB} MiB: openssl ${s.opensslMs} ms (${s.opensslMBps} MiB/s), hashFiles ${s.autoMs} ms ` +
    `(${s.oursMBps} MiB/s) = ${s.ratio}x openssl [in-process ${s.inProcessMs} ms, one worker ${s.oneWorkerMs} ms]`,
);
console.log(
  `${m.files} x ${m.bytesEach / MiB} MiB: openssl one after another ${m.opensslSequentialMs} ms, hashFiles ` +
    `${m.oursMs} ms = ${m.speedup}x faster [in-process ${m.inProcessMs} ms]`,
);
console.log(`RSS growth while hashing: ${r.rssGrowthMiB} MiB`);
