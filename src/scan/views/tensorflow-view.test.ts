import { describe, expect, it } from "vitest";
import { testScanContext } from "../../../test/helpers/scan-context.js";
import {
  attr,
  DENSE_LAYER,
  fingerprint,
  graphDef,
  kerasMetadata,
  LAMBDA_LAYER,
  savedModel,
} from "../../../test/writers/tensorflow.js";
import { bufferSource } from "../../formats/source.js";
import { RULES } from "../rules.js";
import { TF_CORE_OPS } from "./tensorflow-ops.js";
import { judgeOp, scanTfGraphView } from "./tensorflow-view.js";

const s = (value: string) => [{ value, length: value.length }];

describe("judgeOp", () => {
  it("Python callbacks are critical, file and network ops high", () => {
    expect(judgeOp("PyFunc", new Map([["token", s("pyfunc_3")]]))).toMatchObject({
      ruleId: "TF_PYFUNC_OP",
      severity: "critical",
      does: "calls Python (function registered as 'pyfunc_3')",
    });
    for (const op of [
      "ReadFile",
      "WriteFile",
      "MatchingFiles",
      "ImmutableConst",
      "DataServiceDataset",
      "RemoteCall",
    ])
      expect(judgeOp(op, new Map())?.severity).toBe("high");
  });

  it("the checkpoint saver and asset tables are not findings", () => {
    for (const op of [
      "SaveV2",
      "RestoreV2",
      "MergeV2Checkpoints",
      "ShardedFilename",
      "StringJoin",
      "Const",
      "NoOp",
    ]) {
      expect(judgeOp(op, new Map())).toBeNull();
      expect(TF_CORE_OPS.has(op)).toBe(true);
    }
    expect(judgeOp("InitializeTableFromTextFileV2", new Map())).toBeNull();
  });

  it("PrintV2, debug and proto ops are judged by their attributes", () => {
    for (const stream of ["stderr", "stdout", "log(info)", "log(warning)", "log(error)", ""])
      expect(judgeOp("PrintV2", new Map([["output_stream", s(stream)]]))).toBeNull();
    expect(judgeOp("PrintV2", new Map([["output_stream", s("file:///tmp/x")]]))?.does).toContain(
      "file:///tmp/x",
    );
    expect(judgeOp("DebugIdentityV2", new Map([["debug_urls", []]]))).toBeNull();
    expect(judgeOp("DebugNanCount", new Map([["debug_urls", s("grpc://h:1")]]))?.severity).toBe("high");
    expect(
      judgeOp("CopyHost", new Map([["debug_ops_spec", s("DebugIdentity;file:///tmp/d;0")]])),
    ).not.toBeNull();
    expect(judgeOp("DecodeProtoV2", new Map([["descriptor_source", s("local://")]]))).toBeNull();
    expect(judgeOp("DecodeProtoV2", new Map([["descriptor_source", s("/etc/descs.bin")]]))).not.toBeNull();
    // Without attributes (Flex ops) only the unconditional list applies.
    expect(judgeOp("PrintV2", null)).toBeNull();
    expect(judgeOp("ReadFile", null)).not.toBeNull();
  });

  it("every rule this view uses is documented", () => {
    for (const id of [
      "TF_PYFUNC_OP",
      "TF_DANGEROUS_OP",
      "TF_CUSTOM_OP",
      "TFLITE_CUSTOM_OP",
      "TFLITE_FLEX_DANGEROUS_OP",
    ])
      expect(RULES.has(id)).toBe(true);
  });
});

describe("scanTfGraphView: facts for the repository view", () => {
  it("records Python callbacks and custom ops as code the model needs", async () => {
    const c = testScanContext("saved_model.pb");
    const bytes = savedModel({
      graphNodes: [{ name: "py", op: "EagerPyFunc", attrs: { token: attr.s("pyfunc_7") } }],
      servingNodes: [{ name: "z", op: "ZeroOut" }],
    });
    expect(await scanTfGraphView(c, bufferSource(bytes), "", "savedmodel")).toBe("savedmodel");
    expect(c.facts.remoteCode.map((f) => f.detail)).toEqual([
      "TensorFlow EagerPyFunc node 'py' calls Python (function registered as 'pyfunc_7')",
      "TensorFlow custom op 'ZeroOut' needs a native library (tf.load_op_library)",
    ]);
  });
});

describe("scanTfGraphView: bounds", () => {
  it("tracks at most 10 000 distinct unknown op types and says how many nodes were left", async () => {
    const c = testScanContext("frozen.pb");
    const nodes = Array.from({ length: 10_003 }, (_, i) => ({ name: `n${i}`, op: `Custom${i}` }));
    await scanTfGraphView(c, bufferSource(graphDef(nodes).bytes()), "", "tf-graph");
    const last = c.findings.at(-2)!;
    expect(last.evidence).toEqual({ untracked: 3, limit: 10_000 });
    expect(c.findings.at(-1)!.evidence).toEqual({ omitted: 10_000 - 20 });
  });
});

describe("scanTfGraphView: files beside a SavedModel", () => {
  it("a fingerprint is recognized and holds nothing to judge", async () => {
    const c = testScanContext("fingerprint.pb");
    expect(await scanTfGraphView(c, bufferSource(fingerprint()), "", "tf-fingerprint")).toBe("config");
    expect(c.findings).toEqual([]);
  });

  it("keras_metadata.pb: layer configs go to the Keras checks, tuples decoded, each finding once", async () => {
    const c = testScanContext("keras_metadata.pb");
    const format = await scanTfGraphView(
      c,
      bufferSource(kerasMetadata([DENSE_LAYER, LAMBDA_LAYER])),
      "",
      "keras-metadata",
    );
    expect(format).toBe("savedmodel");
    const lambda = c.findings.filter((f) => JSON.stringify(f).includes("lambda"));
    expect(lambda).toHaveLength(1);
    expect(lambda[0]!.evidence).toMatchObject({ kerasNode: "root", identifier: "_tf_keras_sequential" });
  });

  it("a benign keras_metadata.pb adds no finding", async () => {
    const c = testScanContext("keras_metadata.pb");
    await scanTfGraphView(c, bufferSource(kerasMetadata([DENSE_LAYER])), "", "keras-metadata");
    expect(c.findings).toEqual([]);
  });
});
