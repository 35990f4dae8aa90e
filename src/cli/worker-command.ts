import { hostname } from "node:os";
import type { CliIO, WorkerCommandOptions } from "./main.js";

/** `modelgate worker`: runs queued jobs against the registry database until interrupted (or, with --once, until none is due). */
export async function runWorkerCommand(opts: WorkerCommandOptions, io: CliIO): Promise<number> {
  const [{ openDb }, { Registry }, { startJobRunner }, { loadCommandConfig }] = await Promise.all([
    import("../registry/db.js"),
    import("../registry/registry.js"),
    import("../registry/job-runner.js"),
    import("./command-config.js"),
  ]);
  const config = await loadCommandConfig(opts.config);
  const db = await openDb(opts.db ? { url: opts.db } : { dataDir: opts.data });
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const workerId = `${hostname()}:${process.pid}`;
  try {
    if (!opts.once) io.stderr.write(`modelgate worker ${workerId}: waiting for jobs (Ctrl-C to stop)\n`);
    await startJobRunner(new Registry(db), {
      workerId,
      signal: controller.signal,
      config,
      hub: { baseUrl: io.env.HF_ENDPOINT, token: io.env.HF_TOKEN },
      once: opts.once === true,
      onError: (err) =>
        io.stderr.write(`modelgate worker: ${(err as Error)?.message ?? String(err)}; retrying\n`),
    });
    return 0;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    await db.close();
  }
}
