import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CORPUS_DIR, REPO_ROOT, runBin, runCli, scanJson } from "./helpers/run-cli.js";

const examples = join(REPO_ROOT, "examples");
const tmp = () => mkdtempSync(join(tmpdir(), "modelgate-cli-"));

describe("modelgate scan: exit codes and reports", () => {
  it("fails the shipped examples (some are malicious) and names every malicious file", async () => {
    const { code, report } = await scanJson(examples);
    expect(code).toBe(1);
    // Loading each malicious example runs code (critical) or reaches files (high, e.g. a ReadFile op).
    const flagged = new Set(
      report.findings.filter((f) => f.severity === "critical" || f.severity === "high").map((f) => f.file),
    );
    for (const f of report.files) {
      if (f.path.startsWith("malicious/")) expect(flagged.has(f.path), f.path).toBe(true);
      else expect(f.findings, f.path).toBe(0);
    }
  });

  it("passes the benign examples with exit 0", async () => {
    const { code, report } = await scanJson(join(examples, "benign"));
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
  });

  it("follows the JSON contract", async () => {
    const { report } = await scanJson(join(examples, "malicious", "os_system_protocol0.pkl"));
    expect(report.schemaVersion).toBe(1);
    expect(report.tool.name).toBe("modelgate");
    expect(report.target).toBe(join(examples, "malicious", "os_system_protocol0.pkl"));
    expect(report.files).toEqual([
      { path: "os_system_protocol0.pkl", size: 29, sha256: null, format: "pickle", findings: 1 },
    ]);
    expect(report.findings[0]).toMatchObject({
      ruleId: "PICKLE_DANGEROUS_GLOBAL",
      severity: "critical",
      file: "os_system_protocol0.pkl",
      location: "@0",
      evidence: { call: "os.system('echo pwned')" },
    });
    expect(Object.keys(report.summary)).toEqual([
      "files",
      "bytesRead",
      "bytesTotal",
      "durationMs",
      "bySeverity",
    ]);
    expect(report.summary.bySeverity).toEqual({ critical: 1, high: 0, medium: 0, low: 0, info: 0 });
  });

  it("hashes every file unless --no-hash", async () => {
    const r = await runCli(["scan", join(examples, "benign"), "--format", "json"]);
    const report = JSON.parse(r.stdout);
    const { createHash } = await import("node:crypto");
    for (const f of report.files) {
      const expected = createHash("sha256")
        .update(readFileSync(join(examples, "benign", f.path)))
        .digest("hex");
      expect(f.sha256).toBe(expected);
    }
  });

  it("--fail-on raises the threshold", async () => {
    const dir = tmp();
    // A user's own class is high, not critical.
    writeFileSync(join(dir, "model.pkl"), "c__main__\nNet\n)R.");
    expect((await runCli(["scan", dir, "--no-hash"])).code).toBe(1);
    expect((await runCli(["scan", dir, "--no-hash", "--fail-on", "critical"])).code).toBe(0);
  });

  it("exits 3 when nothing is recognized, 2 for a missing target or bad usage", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "notes.txt"), "just some notes, not a model\n");
    const nothing = await runCli(["scan", dir, "--no-hash"]);
    expect(nothing.code).toBe(3);
    expect(nothing.stderr).toMatch(/nothing .* was recognized/);
    const missing = await runCli(["scan", join(dir, "nope")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file or directory/);
    expect((await runCli(["scan"])).code).toBe(2);
    expect((await runCli(["scan", dir, "--format", "xml"])).code).toBe(2);
    expect((await runCli(["frobnicate"])).code).toBe(2);
  });

  it("an empty directory exits 3", async () => {
    expect((await runCli(["scan", tmp(), "--no-hash"])).code).toBe(3);
  });

  it("unreadable and dangling entries inside a folder are findings, not exit 2", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "ok.pkl"), "(dp0\n.");
    symlinkSync(join(dir, "missing-target"), join(dir, "dangling.bin"));
    const { code, report } = await scanJson(dir);
    expect(code).toBe(1);
    expect(report.findings.map((f) => [f.file, f.ruleId])).toContainEqual([
      "dangling.bin",
      "FILE_UNREADABLE",
    ]);
  });

  it("a FIFO inside a folder is reported, never opened (it would block)", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "ok.pkl"), "(dp0\n.");
    spawnSync("mkfifo", [join(dir, "pipe")]);
    const { code, report } = await scanJson(dir);
    expect(code).toBe(1);
    expect(report.findings.map((f) => [f.file, f.ruleId])).toEqual([["pipe", "FILE_UNREADABLE"]]);
  });

  it("writes the report to --output and nothing to stdout", async () => {
    const out = join(tmp(), "report.sarif");
    const r = await runCli([
      "scan",
      join(examples, "malicious"),
      "--format",
      "sarif",
      "-o",
      out,
      "--no-hash",
    ]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    const sarif = JSON.parse(readFileSync(out, "utf8"));
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].results.length).toBeGreaterThan(0);
  });

  it("text output groups findings by file with the evidence and what to do", async () => {
    const r = await runCli(["scan", join(examples, "malicious"), "--no-hash"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("os_system_protocol0.pkl");
    expect(r.stdout).toContain("os.system('echo pwned')");
    expect(r.stdout).toContain("PICKLE_DANGEROUS_GLOBAL");
    expect(r.stdout).not.toMatch(/\u001b\[/);
  });

  it("a config file extends the allow-list; an invalid one is exit 2 naming the line", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "model.pkl"), "cmyproject.models\nNet\n)R.");
    const good = join(dir, "good.yaml");
    writeFileSync(
      good,
      "version: 1\nscan:\n  allowGlobals:\n    - module: myproject.models\n      names: [Net]\n",
    );
    expect((await runCli(["scan", join(dir, "model.pkl"), "--no-hash"])).code).toBe(1);
    expect((await runCli(["scan", join(dir, "model.pkl"), "--no-hash", "--config", good])).code).toBe(0);
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "version: 1\nscan:\n  allowGlobals:\n    - modules: x\n");
    const r = await runCli(["scan", join(dir, "model.pkl"), "--config", bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:4/);
    expect(r.stderr).toMatch(/modules/);
  });

  it("a `pkg.*` entry allows the package and its submodules, nothing else", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "sub.pkl"), "cmyproject.blocks.attention\nBlock\n)R.");
    writeFileSync(join(dir, "other.pkl"), "cotherproject.blocks\nBlock\n)R.");
    const cfg = join(dir, "c.yaml");
    writeFileSync(cfg, "scan:\n  allowGlobals:\n    - module: myproject.*\n      names: [Block]\n");
    const r = await scanJson(dir, ["--config", cfg]);
    const serious = r.report.findings.filter((f) => f.severity !== "info");
    expect(serious.map((f) => [f.file, f.severity])).toEqual([["other.pkl", "high"]]);
  });

  it("a wildcard in the config never silences a dangerous callable", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "model.pkl"), "cos\nsystem\n(S'id'\ntR.");
    const cfg = join(dir, "c.yaml");
    writeFileSync(cfg, "scan:\n  allowGlobals:\n    - module: os\n      names: '*'\n");
    const r = await scanJson(join(dir, "model.pkl"), ["--config", cfg]);
    expect(r.code).toBe(1);
    expect(r.report.findings[0]?.severity).toBe("critical");
  });

  it("--help documents every option and the exit codes", async () => {
    const r = await runCli(["scan", "--help"]);
    expect(r.code).toBe(0);
    for (const opt of ["--format", "--output", "--fail-on", "--no-hash", "--config", "Exit codes"]) {
      expect(r.stdout).toContain(opt);
    }
  });

  it("commands that are not built say so", async () => {
    const r = await runCli(["eval"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not built yet/);
  });
});

describe("the built binary", () => {
  it("runs as `modelgate` with the same exit codes", () => {
    const r = runBin(["scan", "examples", "--no-hash"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("os.system('echo pwned')");
    expect(runBin(["--version"]).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(runBin(["scan", "examples/benign"]).code).toBe(0);
  });

  it("loads every lazily imported reader from the compiled package (real exporters, all compressions, 7z)", () => {
    const real = JSON.parse(runBin(["scan", "test/fixtures/real", "--no-hash", "--format", "json"]).stdout);
    const serious = real.findings.filter((f: { severity: string }) =>
      ["critical", "high", "medium"].includes(f.severity),
    );
    expect(serious.map((f: { file: string; ruleId: string }) => [f.file, f.ruleId]).sort()).toEqual([
      ["keras/keras2-dense-attributes-lambda.h5", "KERAS_LAMBDA_BYTECODE"],
      ["keras/keras2-lambda-os-system.h5", "KERAS_LAMBDA_BYTECODE"],
      ["keras/keras3-lambda-os-system.keras", "KERAS_LAMBDA_BYTECODE"],
      ["torch-user-class-net-legacy.pt", "PICKLE_UNSAFE_GLOBAL"],
      ["torch-user-class-net.pt", "PICKLE_UNSAFE_GLOBAL"],
    ]);
    for (const name of ["payload.pkl.bz2", "payload.pkl.xz", "payload.pkl.lzma"]) {
      const r = runBin([
        "scan",
        join("test", "fixtures", "compression", name),
        "--no-hash",
        "--format",
        "json",
      ]);
      expect(JSON.parse(r.stdout).files[0].format, name).toBe("pickle");
    }
    const sevenZip = join(CORPUS_DIR, "picklescan", "data", "malicious1.7z");
    if (existsSync(sevenZip)) {
      const r = runBin(["scan", sevenZip, "--no-hash", "--format", "json"]);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout).findings[0].severity).toBe("critical");
    }
  });

  it("a reader that closes the pipe early does not crash it", () => {
    for (const cmd of ["scan --help", "scan examples --format sarif --no-hash"]) {
      const r = spawnSync("bash", ["-c", `node bin/modelgate.js ${cmd} | head -c 10`], {
        cwd: REPO_ROOT,
        encoding: "utf8",
      });
      expect(r.stderr, cmd).not.toMatch(/EPIPE|Unhandled/);
    }
  });

  it("a permission-denied target is exit 2", () => {
    if (process.getuid?.() === 0) {
      // root reads anything: check the unreadable-file path through a directory we cannot list instead.
      expect(runBin(["scan", "/nonexistent/path"]).code).toBe(2);
      return;
    }
    const dir = tmp();
    mkdirSync(join(dir, "locked"));
    chmodSync(join(dir, "locked"), 0);
    expect(runBin(["scan", join(dir, "locked")]).code).toBe(2);
  });
});
