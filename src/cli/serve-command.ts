import { hostname } from "node:os";
import { ModelgateError } from "../errors.js";
import type { CliIO, ServeCommandOptions } from "./main.js";

/**
 * `modelgate serve`: opens the database (migrating it), prints the one-time admin token on first start,
 * serves the API, runs vetting jobs in-process unless --no-worker, and on SIGTERM/SIGINT stops taking
 * requests, lets in-flight ones and the current job finish, then closes the database.
 */
export async function runServeCommand(opts: ServeCommandOptions, io: CliIO): Promise<number> {
  const port = Number(opts.port);
  if (!/^\d{1,5}$/.test(opts.port) || port > 65535) {
    throw new ModelgateError(
      "USAGE",
      `--port must be a port number (0 for any free port), not '${opts.port}'`,
    );
  }
  const [
    { openDb },
    { Registry },
    { createApp },
    { startServer, shutdownSignal },
    { loadCommandConfig },
    { VERSION },
  ] = await Promise.all([
    import("../registry/db.js"),
    import("../registry/registry.js"),
    import("../server/app.js"),
    import("../server/start-server.js"),
    import("./command-config.js"),
    import("../version.js"),
  ]);
  const config = await loadCommandConfig(opts.config);
  const db = await openDb(opts.db ? { url: opts.db } : { dataDir: opts.data });
  const worker = new AbortController();
  let runner: Promise<void> | null = null;
  try {
    const registry = new Registry(db);
    const adminToken = await registry.bootstrapAdmin();
    if (adminToken !== null) {
      io.stderr.write(
        `modelgate: first start: admin token (shown once, store it now; create others with 'modelgate registry token create'):\n` +
          `${adminToken}\n`,
      );
    }
    const app = createApp({
      registry,
      version: VERSION,
      logger: {
        error: (message, details) => io.stderr.write(`modelgate: ${message} ${JSON.stringify(details)}\n`),
      },
    });
    const server = await startServer({ fetch: app.fetch, hostname: opts.host, port });
    // Listened for from here on: before, a signal's default action is right (nothing was acknowledged yet).
    const stopping = shutdownSignal();
    io.stderr.write(`modelgate: listening on ${server.url}\n`);
    if (opts.worker) {
      const { startJobRunner } = await import("../registry/job-runner.js");
      runner = startJobRunner(registry, {
        workerId: `${hostname()}:${process.pid}:serve`,
        signal: worker.signal,
        config,
        hub: { baseUrl: io.env.HF_ENDPOINT, token: io.env.HF_TOKEN },
      }).catch((err: unknown) => {
        io.stderr.write(`modelgate: the in-process job runner stopped: ${String(err)}\n`);
      });
    }
    const signal = await stopping;
    io.stderr.write(`modelgate: ${signal}: shutting down\n`);
    worker.abort();
    await server.close();
    await runner;
    return 0;
  } finally {
    worker.abort();
    await db.close();
  }
}
