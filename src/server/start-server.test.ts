import { describe, expect, it } from "vitest";
import { startServer } from "./start-server.js";

describe("startServer", () => {
  it("listens on a free port for port 0 and lets an in-flight request finish on close", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const server = await startServer({
      hostname: "127.0.0.1",
      port: 0,
      fetch: async (request) => {
        if (new URL(request.url).pathname === "/slow") await gate;
        return new Response("done");
      },
    });
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect(server.port).toBeGreaterThan(0);
    expect(await (await fetch(`${server.url}/fast`)).text()).toBe("done");

    const slow = fetch(`${server.url}/slow`).then((r) => r.text());
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = server.close();
    release();
    expect(await slow).toBe("done");
    await closed;
    await expect(fetch(`${server.url}/fast`)).rejects.toThrow();
  });

  it("rejects when the port is taken", async () => {
    const first = await startServer({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
    try {
      await expect(
        startServer({ hostname: "127.0.0.1", port: first.port, fetch: () => new Response("") }),
      ).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await first.close();
    }
  });
});
