import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PICKLESCAN_DIR, picklescanCorpus } from "../../../test/helpers/paths.js";
import { BoundExceededError, FormatError } from "../../errors.js";
import { bufferSource } from "../source.js";
import { createSevenZip, readSevenZip } from "./sevenzip.js";

const enc = (s: string) => new TextEncoder().encode(s);

describe("readSevenZip", () => {
  it("lists and extracts members", async () => {
    const bytes = await createSevenZip([
      { name: "model/data.pkl", data: Uint8Array.from([0x80, 0x02, 0x4b, 0x01, 0x2e]) },
      { name: "readme.txt", data: enc("hello ".repeat(100)) },
    ]);
    const a = await readSevenZip(bufferSource(bytes), {}, { extract: true });
    const files = a.members.filter((m) => !m.isDirectory);
    expect(files.map((m) => [m.name, m.size, m.encrypted])).toEqual([
      ["model/data.pkl", 5, false],
      ["readme.txt", 600, false],
    ]);
    expect(a.anomalies).toEqual([]);
    expect(new TextDecoder().decode(a.contents.get(files[1]!.index))).toBe("hello ".repeat(100));
  });

  it("reports encrypted members and encrypted headers", async () => {
    const members = await readSevenZip(
      await createSevenZip([{ name: "a.pkl", data: enc("secret") }], { password: "pw" }),
      {},
      { extract: true },
    );
    expect(members.members.map((m) => m.encrypted)).toEqual([true]);
    expect(members.anomalies.map((x) => x.kind)).toEqual(["encrypted"]);
    expect(members.contents.size).toBe(0);
    const headers = await readSevenZip(
      await createSevenZip([{ name: "a.pkl", data: enc("secret") }], {
        password: "pw",
        encryptHeaders: true,
      }),
    );
    expect(headers.encryptedHeaders).toBe(true);
    expect(headers.members).toEqual([]);
  });

  it("bounds extraction by declared sizes", async () => {
    const bytes = await createSevenZip([{ name: "zeros", data: new Uint8Array(5_000_000) }]);
    expect(bytes.length).toBeLessThan(10_000);
    await expect(readSevenZip(bytes, { maxTotalBytes: 1_000_000 }, { extract: true })).rejects.toBeInstanceOf(
      BoundExceededError,
    );
    expect((await readSevenZip(bytes, { maxTotalBytes: 1_000_000 })).members[0]!.size).toBe(5_000_000);
    await expect(readSevenZip(bytes, { maxArchiveBytes: 100 })).rejects.toBeInstanceOf(BoundExceededError);
  });

  it("leaves the host process's exit code alone when 7-Zip fails (fuzz regression)", async () => {
    // 7z-wasm's glue sets process.exitCode to 7-Zip's status; a scan must not change its caller's.
    const seed = await createSevenZip([{ name: "a", data: enc("abc".repeat(50)) }]);
    const broken = seed.slice(0, seed.length - 8);
    const before = process.exitCode;
    try {
      process.exitCode = undefined;
      await expect(readSevenZip(broken, {}, { extract: true })).rejects.toBeInstanceOf(FormatError);
      expect(process.exitCode).toBeUndefined();
      process.exitCode = 0;
      await expect(readSevenZip(broken)).rejects.toBeInstanceOf(FormatError);
      expect(process.exitCode).toBe(0);
    } finally {
      process.exitCode = before;
    }
  });

  it("rejects what is not 7z, and survives mutated archives", async () => {
    await expect(readSevenZip(enc("not a 7z archive at all"))).rejects.toBeInstanceOf(FormatError);
    const seed = await createSevenZip([{ name: "a", data: enc("abc".repeat(50)) }]);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }),
        async (muts) => {
          const b = seed.slice();
          for (const [at, v] of muts) b[at % b.length] = v;
          try {
            await readSevenZip(b, { maxTotalBytes: 1 << 20 }, { extract: true });
          } catch (e) {
            if (!(e instanceof FormatError || e instanceof BoundExceededError)) throw e;
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});

const sample = join(PICKLESCAN_DIR, "data", "malicious1.7z");

describe.skipIf(!picklescanCorpus("readSevenZip over the picklescan corpus"))(
  "readSevenZip over picklescan's corpus",
  () => {
    it("extracts malicious1.7z", async () => {
      const a = await readSevenZip(new Uint8Array(readFileSync(sample)), {}, { extract: true });
      expect(a.members.map((m) => m.name)).toEqual(["data.pkl"]);
      expect(Array.from(a.contents.get(0)!.subarray(0, 2))).toEqual([0x80, 0x04]);
    });
  },
);
