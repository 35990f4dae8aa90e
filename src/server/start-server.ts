/** Listens with @hono/node-server; closes gracefully (in-flight requests finish, idle sockets close). */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";

export interface RunningServer {
  /** `http://host:port`, with the port actually bound (for `port: 0`). */
  url: string;
  port: number;
  /** Stops accepting, lets in-flight requests finish (at most `graceMs`), then drops what is left. */
  close(graceMs?: number): Promise<void>;
}

export function startServer(options: {
  fetch: (request: Request) => Response | Promise<Response>;
  hostname: string;
  port: number;
}): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: options.fetch, hostname: options.hostname, port: options.port },
      (info: AddressInfo) => {
        server.off("error", reject);
        const host = info.family === "IPv6" ? `[${info.address}]` : info.address;
        resolve({ url: `http://${host}:${info.port}`, port: info.port, close });
      },
    ) as Server;
    const close = gracefulCloser(server);
    server.once("error", reject);
  });
}

function gracefulCloser(server: Server): (graceMs?: number) => Promise<void> {
  let closing = false;
  // A keep-alive socket whose response ends after close() began would otherwise idle until its timeout.
  server.on("request", (_req, res: { once(event: "finish", fn: () => void): void }) => {
    res.once("finish", () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });
  return (graceMs = 10_000) =>
    new Promise((resolve, reject) => {
      closing = true;
      const force = setTimeout(() => server.closeAllConnections(), graceMs);
      force.unref();
      server.close((err) => {
        clearTimeout(force);
        if (err) reject(err);
        else resolve();
      });
      server.closeIdleConnections();
    });
}

/** Resolves with the signal's name on the first SIGTERM or SIGINT, then stops listening for them. */
export function shutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const signals: NodeJS.Signals[] = ["SIGTERM", "SIGINT"];
    const onSignal = (signal: NodeJS.Signals) => {
      for (const s of signals) process.off(s, onSignal);
      resolve(signal);
    };
    for (const s of signals) process.on(s, onSignal);
  });
}
