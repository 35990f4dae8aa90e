/** examples/ is exactly what scripts/gen-examples.ts writes: byte-exact and reproducible. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./helpers/run-cli.js";

describe("examples/", () => {
  it("matches what the generator writes (run `npm run examples` after changing it)", () => {
    const out = mkdtempSync(join(tmpdir(), "modelgate-examples-"));
    execFileSync(
      process.execPath,
      [join(REPO_ROOT, "node_modules", "tsx", "dist", "cli.mjs"), "scripts/gen-examples.ts", out],
      {
        cwd: REPO_ROOT,
        stdio: "pipe",
      },
    );
    for (const kind of ["benign", "malicious"]) {
      const committed = readdirSync(join(REPO_ROOT, "examples", kind)).sort();
      expect(readdirSync(join(out, kind)).sort()).toEqual(committed);
      for (const name of committed) {
        expect(
          readFileSync(join(out, kind, name)).equals(readFileSync(join(REPO_ROOT, "examples", kind, name))),
          name,
        ).toBe(true);
      }
    }
  });
});
