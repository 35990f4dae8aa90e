/** The package's public entry point is the same code the CLI runs (`import { scan } from "modelgate"`). */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./helpers/run-cli.js";

describe("import from 'modelgate'", () => {
  it("exposes scan, the exit-code rule and the renderers from the built package", async () => {
    const lib = await import("modelgate");
    const report = await lib.scan(join(REPO_ROOT, "examples", "malicious", "os_system_protocol0.pkl"), {
      hash: false,
    });
    expect(report.findings[0]?.evidence.call).toBe("os.system('echo pwned')");
    expect(lib.scanExitCode(report, "medium")).toBe(1);
    expect(lib.scanExitCode(report, "critical")).toBe(1);
    expect(JSON.parse(lib.renderJson(report)).schemaVersion).toBe(1);
    expect(lib.RULES.get("PICKLE_DANGEROUS_GLOBAL")?.defaultSeverity).toBe("critical");
    const verdict = lib.classifyGlobal("torch._utils", "_rebuild_tensor_v2");
    expect(verdict.verdict).toBe("allowed");
    expect(lib.classifyGlobal("torch", "load").verdict).toBe("dangerous");
  });

  it("throws a typed error for an unreadable target", async () => {
    const lib = await import("modelgate");
    await expect(lib.scan("/no/such/model")).rejects.toMatchObject({ code: "TARGET_UNREADABLE" });
  });
});
