import { describe, expect, it } from "vitest";
import type { VetReport } from "../policy/types.js";
import { ApiError, RegistryClient } from "./client.js";

interface Seen {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A fetch that records each call and answers with `respond`. */
function fakeFetch(respond: (seen: Seen) => Response) {
  const calls: Seen[] = [];
  const fetchFn = (async (input: URL, init: RequestInit) => {
    const seen: Seen = {
      url: new URL(String(input)),
      method: init.method ?? "GET",
      headers: init.headers as Record<string, string>,
      body: init.body === undefined ? undefined : JSON.parse(String(init.body)),
    };
    calls.push(seen);
    return respond(seen);
  }) as unknown as typeof fetch;
  return { calls, fetchFn };
}

const json = (status: number, body: unknown, type = "application/json") =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": type } });

describe("RegistryClient", () => {
  it("sends the token, the path under /api/v1 and only the query parameters given", async () => {
    const { calls, fetchFn } = fakeFetch(() => json(200, { items: [], nextCursor: null }));
    const client = new RegistryClient("http://registry.test/", { token: "mg_x", fetch: fetchFn });
    await client.listModels({ limit: 50, q: "llama", cursor: null });
    expect(calls[0]!.url.pathname).toBe("/api/v1/models");
    expect([...calls[0]!.url.searchParams]).toEqual([
      ["limit", "50"],
      ["q", "llama"],
    ]);
    expect(calls[0]!.headers.authorization).toBe("Bearer mg_x");
    await client.getVersion("org/model name", 3);
    expect(calls[1]!.url.pathname).toBe("/api/v1/models/org%2Fmodel%20name/versions/3");
  });

  it("sends If-Match with the revision on update", async () => {
    const { calls, fetchFn } = fakeFetch(() => json(200, { name: "m", revision: 4 }));
    await new RegistryClient("http://r.test", { fetch: fetchFn }).updateModel("m", { owner: "ml" }, 3);
    expect(calls[0]!.method).toBe("PATCH");
    expect(calls[0]!.headers["if-match"]).toBe('"3"');
    expect(calls[0]!.body).toEqual({ owner: "ml" });
  });

  it("tells a new version (201) from the same content registered before (200)", async () => {
    let status = 201;
    const { fetchFn } = fakeFetch(() => json(status, { model: "m", number: 1 }));
    const client = new RegistryClient("http://r.test", { fetch: fetchFn });
    const report = {} as VetReport;
    expect((await client.registerVersion("m", { vetReport: report })).created).toBe(true);
    status = 200;
    const again = await client.registerVersion("m", { vetReport: report });
    expect(again).toEqual({ version: { model: "m", number: 1 }, created: false });
  });

  it("posts a rollback as a request of kind rollback", async () => {
    const { calls, fetchFn } = fakeFetch(() => json(201, { id: "r1" }));
    await new RegistryClient("http://r.test", { fetch: fetchFn }).requestRollback({
      model: "m",
      alias: "production",
      version: 1,
    });
    expect(calls[0]!.url.pathname).toBe("/api/v1/requests");
    expect(calls[0]!.body).toEqual({ model: "m", alias: "production", version: 1, kind: "rollback" });
  });

  it("turns problem+json into an ApiError with the registry's code, status and detail", async () => {
    const { fetchFn } = fakeFetch(() =>
      json(
        409,
        {
          type: "urn:x",
          title: "Conflict",
          status: 409,
          detail: "request r1 is already approved",
          code: "CONFLICT",
        },
        "application/problem+json",
      ),
    );
    const err = await new RegistryClient("http://r.test", { fetch: fetchFn })
      .approve("r1", "ok")
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: "CONFLICT", status: 409 });
    expect((err as ApiError).message).toContain("request r1 is already approved");
    expect((err as ApiError).message).toContain("POST /api/v1/requests/r1/approve");
  });

  it("maps the status when the body is not a problem (a proxy's page)", async () => {
    const { fetchFn } = fakeFetch(() => new Response("<html>nope</html>", { status: 401 }));
    const err = await new RegistryClient("http://r.test", { fetch: fetchFn })
      .verifyAudit()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "UNAUTHENTICATED", status: 401 });
  });

  it("says when the server cannot be reached", async () => {
    const fetchFn = (async () => {
      throw new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:9") });
    }) as unknown as typeof fetch;
    const err = await new RegistryClient("http://127.0.0.1:9", { fetch: fetchFn })
      .listModels()
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "DATABASE", status: 0 });
    expect((err as Error).message).toContain("ECONNREFUSED");
  });

  it("streams the audit export line by line, whatever the chunking", async () => {
    const text = '{"seq":1}\n{"seq":2}\n{"seq":3}';
    const bytes = new TextEncoder().encode(text);
    const { fetchFn } = fakeFetch(
      () =>
        new Response(
          new ReadableStream({
            start(controller) {
              for (let i = 0; i < bytes.length; i += 4) controller.enqueue(bytes.slice(i, i + 4));
              controller.close();
            },
          }),
          { status: 200 },
        ),
    );
    const lines: string[] = [];
    for await (const line of new RegistryClient("http://r.test", { fetch: fetchFn }).exportAudit())
      lines.push(line);
    expect(lines).toEqual(['{"seq":1}', '{"seq":2}', '{"seq":3}']);
  });

  it("waits for a job until it succeeds or fails", async () => {
    const states = ["queued", "running", "succeeded"];
    const { calls, fetchFn } = fakeFetch(() => json(200, { id: "j", status: states.shift() }));
    const seen: string[] = [];
    const job = await new RegistryClient("http://r.test", { fetch: fetchFn }).waitForJob("j", {
      intervalMs: 1,
      onProgress: (j) => seen.push(j.status),
    });
    expect(job.status).toBe("succeeded");
    expect(seen).toEqual(["queued", "running"]);
    expect(calls).toHaveLength(3);
  });
});
