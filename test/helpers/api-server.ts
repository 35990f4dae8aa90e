/**
 * The registry API in this process: a fresh database from `backend`, the hono app listening on a free
 * loopback port (the real @hono/node-server path), and one token per role.
 */
import { Registry } from "../../src/registry/registry.js";
import type { Actor, Role } from "../../src/registry/types.js";
import { createApp } from "../../src/server/app.js";
import { startServer } from "../../src/server/start-server.js";
import type { Backend } from "./databases.js";

export interface ApiServer {
  url: string;
  registry: Registry;
  tokens: Record<Role, string>;
  /** Errors the app logged (internal errors only). */
  logged: { message: string; details: Record<string, unknown> }[];
  /** fetch against the server with `token` (none when null). */
  call(method: string, path: string, options?: CallOptions): Promise<Response>;
  close(): Promise<void>;
}

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
}

export async function startApiServer(backend: Backend): Promise<ApiServer> {
  const { db } = await backend.open();
  const registry = new Registry(db);
  const adminToken = await registry.bootstrapAdmin();
  if (adminToken === null) throw new Error("a fresh database already had a token");
  const admin = (await registry.authenticate(adminToken)) as Actor;
  const tokens = { admin: adminToken } as Record<Role, string>;
  for (const role of ["viewer", "developer", "approver"] as const) {
    tokens[role] = (await registry.createToken({ actor: admin }, { name: `${role}-user`, role })).token;
  }
  const logged: ApiServer["logged"] = [];
  const app = createApp({
    registry,
    version: "0.0.0-test",
    logger: { error: (message, details) => logged.push({ message, details }) },
  });
  const server = await startServer({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 });
  const call: ApiServer["call"] = (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? tokens.admin : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
      headers["content-type"] ??= "application/json";
    }
    return fetch(`${server.url}${path}`, { method, headers, body });
  };
  return {
    url: server.url,
    registry,
    tokens,
    logged,
    call,
    close: async () => {
      await server.close();
      await db.close();
    },
  };
}
