/**
 * A small, fast fuzz run for CI: seeds (`test/fixtures`, `examples`, and `../shared/corpus/picklescan/
 * data*` when present) under the long campaign's mutations (`scripts/fuzz.ts`, docs/fuzzing.md) plus
 * fast-check's own byte edits, each scanned through `scan()` on a real file. Every input must finish
 * without an escaping exception, within the time budget, with well-formed findings, no SCANNER_ERROR,
 * and without touching the process's exit code.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { checkFindings, generate, loadSeeds, Rng, scanBytes } from "../scripts/fuzz/lib.js";
import { scan } from "../src/scan/scan.js";

const seeds = loadSeeds();
const dir = mkdtempSync(join(tmpdir(), "modelgate-fuzz-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BUDGET_MS = 2000;

const inputArb = fc.record({
  seed: fc.nat({ max: seeds.length - 1 }),
  rng: fc.integer({ min: 0, max: 0x7fffffff }),
  edits: fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { maxLength: 4 }),
});

function build(x: { seed: number; rng: number; edits: [number, number][] }): Uint8Array {
  const input = generate(new Rng(x.rng), seeds, seeds[x.seed]);
  const bytes = input.bytes.slice();
  for (const [at, v] of x.edits) if (bytes.length) bytes[at % bytes.length] = v;
  return bytes;
}

async function expectWellBehaved(run: () => Promise<Parameters<typeof checkFindings>[0]>): Promise<void> {
  const exitCode = process.exitCode;
  const t = performance.now();
  const findings = await run();
  expect(performance.now() - t).toBeLessThan(BUDGET_MS);
  expect(checkFindings(findings)).toEqual([]);
  expect(process.exitCode).toBe(exitCode);
}

describe("fuzz: mutated seeds", () => {
  it(`has seeds (${seeds.length})`, () => {
    expect(seeds.length).toBeGreaterThan(50);
  });

  it("scan() on a file: no escaping exception, bounded time, well-formed findings", async () => {
    const path = join(dir, "input.bin");
    await fc.assert(
      fc.asyncProperty(inputArb, async (x) => {
        writeFileSync(path, build(x));
        await expectWellBehaved(async () => (await scan(path, { hash: false })).findings);
      }),
      { numRuns: 400 },
    );
  });

  it("in memory, as scan() reads an open file", async () => {
    await fc.assert(
      fc.asyncProperty(inputArb, async (x) => {
        const bytes = build(x);
        await expectWellBehaved(() => scanBytes(bytes));
      }),
      { numRuns: 800 },
    );
  });
});
