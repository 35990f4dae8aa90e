import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CliIO, mainWithCommander, parseScanFast, type ScanCommandOptionsRaw } from "./main.js";

const quiet: CliIO = {
  stdout: { write: () => true } as unknown as CliIO["stdout"],
  stderr: { write: () => true } as unknown as CliIO["stderr"],
  env: {},
};

async function commanderParse(argv: string[]): Promise<{ path: string; opts: ScanCommandOptionsRaw } | null> {
  let seen: { path: string; opts: ScanCommandOptionsRaw } | null = null;
  await mainWithCommander(argv, quiet, async (path, opts) => {
    seen = { path, opts: { ...opts } };
    return 0;
  });
  return seen;
}

const strip = (o: object) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

describe("parseScanFast (start-up path without commander)", () => {
  it("parses exactly what commander parses, or hands the arguments to commander", async () => {
    const token = fc.constantFrom(
      "scan",
      "model.pt",
      "dir/",
      "-f",
      "--format",
      "--format=json",
      "json",
      "sarif",
      "text",
      "xml",
      "-o",
      "--output",
      "out.json",
      "--fail-on",
      "--fail-on=high",
      "high",
      "info",
      "bogus",
      "--no-hash",
      "--no-color",
      "-c",
      "--config",
      "mg.yaml",
      "--",
      "-",
      "-x",
      "--help",
    );
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(token, { maxLength: 7 }), async (rest) => {
        const argv = ["scan", ...rest];
        const fast = parseScanFast(argv);
        if (fast === null) return;
        compared++;
        const slow = await commanderParse(argv);
        expect(slow).not.toBeNull();
        expect(fast.path).toBe(slow!.path);
        expect(strip(fast.opts)).toEqual(strip(slow!.opts));
      }),
      { numRuns: 3000 },
    );
    // The property must have compared real parses, not only argument lists both sides reject.
    expect(compared).toBeGreaterThan(100);
  });

  it("takes the common invocations", () => {
    expect(parseScanFast(["scan", "m.pt", "--no-hash", "--format", "json"])).toEqual({
      path: "m.pt",
      opts: { format: "json", hash: false, color: true },
    });
    expect(parseScanFast(["scan", "--help"])).toBeNull();
    expect(parseScanFast(["vet", "x"])).toBeNull();
  });
});
