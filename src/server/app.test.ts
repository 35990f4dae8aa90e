import { describe, expect, it } from "vitest";
import { RegistryError } from "../errors.js";
import type { Mutation, Registry } from "../registry/registry.js";
import type { Actor } from "../registry/types.js";
import { createApp, readJsonBody } from "./app.js";

const developer: Actor = { tokenId: "t-dev", name: "dev", role: "developer" };

/** Just the registry methods a test touches; the token "good" is the developer. */
function appWith(methods: Partial<Record<keyof Registry, unknown>>) {
  const logged: { message: string; details: Record<string, unknown> }[] = [];
  const registry = {
    authenticate: async (token: string) => (token === "good" ? developer : null),
    ...methods,
  } as unknown as Registry;
  const app = createApp({
    registry,
    version: "1.2.3",
    logger: { error: (message, details) => logged.push({ message, details }) },
  });
  const call = (path: string, init: RequestInit = {}) =>
    app.request(path, {
      ...init,
      headers: { authorization: "Bearer good", ...(init.headers as Record<string, string>) },
    });
  return { app, call, logged };
}

describe("createApp", () => {
  it("answers an unexpected error with a 500 problem that says nothing of internals, and logs it", async () => {
    const { call, logged } = appWith({
      listModels: async () => {
        throw new Error("connection to 10.0.0.7 refused: password=hunter2");
      },
    });
    const res = await call("/api/v1/models", { headers: { "x-request-id": "r-500" } });
    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const text = await res.text();
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("10.0.0.7");
    expect(JSON.parse(text)).toMatchObject({
      status: 500,
      title: "Internal Server Error",
      instance: "/api/v1/models",
    });
    expect(logged).toHaveLength(1);
    expect(logged[0]?.details).toMatchObject({ requestId: "r-500", path: "/api/v1/models" });
    expect(String(logged[0]?.details.error)).toContain("hunter2");
  });

  it("maps a DATABASE registry error to 500 too, without its message", async () => {
    const { call } = appWith({
      getModel: async () => {
        throw new RegistryError("DATABASE", "relation models does not exist");
      },
    });
    const res = await call("/api/v1/models/x");
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain("relation");
  });

  it("passes the request id to the registry mutation and echoes it", async () => {
    const seen: Mutation[] = [];
    const { call } = appWith({
      createModel: async (m: Mutation, input: { name: string }) => {
        seen.push(m);
        return { name: input.name, revision: 1 };
      },
    });
    const res = await call("/api/v1/models", {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "abc-123" },
      body: JSON.stringify({ name: "m" }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("x-request-id")).toBe("abc-123");
    expect(seen).toEqual([{ actor: developer, requestId: "abc-123" }]);
  });

  it("pre-checks the role before the registry is asked (403) and validates before calling it (400)", async () => {
    let called = false;
    const { call } = appWith({
      approve: async () => {
        called = true;
      },
      createModel: async () => {
        called = true;
      },
    });
    const approve = await call("/api/v1/requests/r1/approve", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ rationale: "x" }),
    });
    expect(approve.status).toBe(403);
    const invalid = await call("/api/v1/models", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: 42 }),
    });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { errors: unknown[] }).errors).toEqual([
      { pointer: "/name", message: "must be string" },
    ]);
    expect(called).toBe(false);
  });

  it("counts requests by route template, not by raw path", async () => {
    const { app, call } = appWith({ getModel: async (name: string) => ({ name, revision: 3 }) });
    await call("/api/v1/models/a");
    await call("/api/v1/models/b");
    await call("/api/v1/no/such/route");
    const text = await (await app.request("/metrics")).text();
    expect(text).toContain(
      'modelgate_http_requests_total{method="GET",route="/api/v1/models/{name}",status="200"} 2',
    );
    expect(text).toContain('modelgate_http_requests_total{method="GET",route="unmatched",status="404"} 1');
  });
});

describe("readJsonBody", () => {
  const json = (body: string | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
    new Request("http://x/", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
      duplex: "half",
    } as RequestInit);

  it("stops reading a chunked body at the cap (no Content-Length to trust)", async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(1024).fill(0x20));
      },
    });
    await expect(readJsonBody(json(endless), 10 * 1024)).rejects.toMatchObject({ status: 413 });
    expect(pulled).toBeLessThan(20);
  });

  it("refuses a declared Content-Length over the cap, a non-JSON media type, and invalid JSON", async () => {
    await expect(readJsonBody(json("{}", { "content-length": "999999" }), 100)).rejects.toMatchObject({
      status: 413,
    });
    await expect(readJsonBody(json("{}", { "content-type": "text/plain" }), 100)).rejects.toMatchObject({
      status: 415,
    });
    await expect(readJsonBody(json("{nope"), 100)).rejects.toMatchObject({ status: 400 });
    expect(
      await readJsonBody(json('{"a":1}', { "content-type": "application/merge-patch+json" }), 100),
    ).toEqual({ a: 1 });
  });
});
