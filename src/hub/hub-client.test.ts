import { describe, expect, it } from "vitest";
import { HubClient, RANGELESS_READ_LIMIT } from "./hub-client.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";

/** A fetch that answers from a function and records the requests it got. */
function fakeFetch(answer: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const calls: { url: string; headers: Record<string, string> }[] = [];
  const impl = (async (input: string | URL | Request, init: RequestInit = {}) => {
    calls.push({ url: String(input), headers: (init.headers ?? {}) as Record<string, string> });
    return answer(String(input), init);
  }) as typeof fetch;
  return { impl, calls };
}

const client = (impl: typeof fetch, extra: Partial<ConstructorParameters<typeof HubClient>[0]> = {}) =>
  new HubClient({ baseUrl: "https://hub.test/", token: "", fetch: impl, retryDelayMs: 1, ...extra });

const info = (siblings: unknown[]) => Response.json({ id: "o/n", sha: SHA, siblings });

describe("HubClient", () => {
  it("reads the model info with blobs, URL-encoding the revision, and keeps the LFS digests", async () => {
    const f = fakeFetch(() =>
      info([
        { rfilename: "config.json", size: 10, blobId: "x" },
        { rfilename: "m.safetensors", size: 99, lfs: { sha256: "a".repeat(64), size: 99, pointerSize: 134 } },
      ]),
    );
    const got = await client(f.impl, { token: "hf_x" }).modelInfo("o/n", "refs/pr/1");
    expect(f.calls[0]!.url).toBe("https://hub.test/api/models/o/n/revision/refs%2Fpr%2F1?blobs=true");
    expect(f.calls[0]!.headers.Authorization).toBe("Bearer hf_x");
    expect(got.sha).toBe(SHA);
    expect(got.siblings).toEqual([
      { path: "config.json", size: 10, lfsSha256: null },
      { path: "m.safetensors", size: 99, lfsSha256: "a".repeat(64) },
    ]);
  });

  it.each([
    [{ sha: SHA }, /no file list/],
    [{ siblings: [] }, /no commit sha/],
    [{ sha: SHA, siblings: [{ rfilename: "a" }] }, /without a size/],
    [{ sha: SHA, siblings: [{ size: 1 }] }, /without a name/],
    [[1, 2], /not an object/],
  ])("refuses a malformed model info %j", async (body, message) => {
    const f = fakeFetch(() => Response.json(body));
    await expect(client(f.impl).modelInfo("o/n", "main")).rejects.toThrow(message);
  });

  it.each([
    [401, "GatedRepo", "", /is gated \(HTTP 401\).*set HF_TOKEN/],
    [403, "GatedRepo", "hf_x", /is gated \(HTTP 403\): accept its terms at https:\/\/hub.test\/o\/n/],
    [401, "RepoNotFound", "", /gated, private or does not exist.*set HF_TOKEN/],
    [404, "RepoNotFound", "hf_x", /hf:o\/n not found/],
    [404, "RevisionNotFound", "", /no revision 'main'/],
    [400, null, "", /HTTP 400/],
  ])("explains HTTP %i %s", async (status, code, token, message) => {
    const f = fakeFetch(() => new Response("{}", { status, headers: code ? { "X-Error-Code": code } : {} }));
    await expect(client(f.impl, { token }).modelInfo("o/n", "main")).rejects.toThrow(message);
    expect(f.calls).toHaveLength(1);
  });

  it("retries network errors a bounded number of times, then says it cannot reach the Hub", async () => {
    const f = fakeFetch(() => {
      throw new TypeError("fetch failed", { cause: new Error("ECONNREFUSED") });
    });
    await expect(client(f.impl).modelInfo("o/n", "main")).rejects.toThrow(
      /cannot reach the Hub at https:\/\/hub.test: fetch failed \(ECONNREFUSED\)/,
    );
    expect(f.calls).toHaveLength(4);
  });

  it("gives up on a server that never answers instead of hanging", async () => {
    const f = fakeFetch(
      (_url, init) =>
        new Promise<Response>((_resolve, reject) =>
          init.signal!.addEventListener("abort", () => reject(init.signal!.reason)),
        ),
    );
    await expect(client(f.impl, { timeoutMs: 5 }).modelInfo("o/n", "main")).rejects.toThrow(
      /no answer within/,
    );
  });

  it("asks for a byte range and checks the answer is that range", async () => {
    const f = fakeFetch(
      () =>
        new Response(new Uint8Array([1, 2, 3]), {
          status: 206,
          headers: { "Content-Range": "bytes 10-12/100" },
        }),
    );
    const got = await client(f.impl).fetchRange("o/n", SHA, "dir/a b.bin", 10, 3);
    expect(f.calls[0]!.url).toBe(`https://hub.test/o/n/resolve/${SHA}/dir/a%20b.bin`);
    expect(f.calls[0]!.headers.Range).toBe("bytes=10-12");
    expect(got).toEqual({ bytes: new Uint8Array([1, 2, 3]), transferred: 3 });

    const wrong = fakeFetch(
      () => new Response(new Uint8Array(3), { status: 206, headers: { "Content-Range": "bytes 0-2/100" } }),
    );
    await expect(client(wrong.impl).fetchRange("o/n", SHA, "a", 10, 3)).rejects.toThrow(/another range/);
  });

  it("cuts a whole-file answer to a range request after the wanted bytes", async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = new Uint8Array(1024).map((_, i) => (pulled * 1024 + i) & 0xff);
        pulled++;
        controller.enqueue(chunk);
      },
    });
    const f = fakeFetch(() => new Response(body, { status: 200 }));
    const got = await client(f.impl).fetchRange("o/n", SHA, "a", 2000, 100);
    expect(got.bytes).toEqual(new Uint8Array(100).map((_, i) => (2000 + i) & 0xff));
    expect(got.transferred).toBe(3 * 1024);
    expect(pulled).toBeLessThan(10);

    const far = fakeFetch(() => new Response(new Uint8Array(10), { status: 200 }));
    await expect(client(far.impl).fetchRange("o/n", SHA, "a", RANGELESS_READ_LIMIT, 1)).rejects.toThrow(
      /ignores HTTP Range/,
    );
  });

  it("reads at most the given size of a whole file", async () => {
    const f = fakeFetch(() => new Response(new Uint8Array(5000)));
    expect((await client(f.impl).fetchFile("o/n", SHA, "README.md", 100)).bytes.length).toBe(100);
  });
});
