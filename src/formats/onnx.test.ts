import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../test/helpers/paths.js";
import { DT, type GraphSpec, mlpSpec, type NodeSpec, OnnxWriter } from "../../test/writers/onnx.js";
import { pb } from "../../test/writers/protobuf.js";
import { BoundExceededError, FormatError } from "../errors.js";
import { DEFAULT_ONNX_LIMITS, expectedByteSize, type OnnxModel, readOnnxModel } from "./onnx.js";
import { bufferSource } from "./source.js";

const REAL = join(REPO_ROOT, "test", "fixtures", "real", "onnx");
const read = (bytes: Uint8Array, limits = DEFAULT_ONNX_LIMITS) => readOnnxModel(bufferSource(bytes), limits);
const op = (m: OnnxModel, opType: string) => m.operators.find((o) => o.opType === opType);

/** `depth` If nodes, each holding the next in its then_branch; the innermost holds `inner`. */
function nestedIf(depth: number, inner: NodeSpec): GraphSpec {
  let graph: GraphSpec = { name: `g${depth}`, nodes: [inner] };
  for (let i = depth - 1; i >= 0; i--) {
    graph = {
      name: `g${i}`,
      nodes: [
        {
          opType: "If",
          name: `if${i}`,
          inputs: ["cond"],
          outputs: [`y${i}`],
          attributes: [
            { name: "then_branch", graph },
            { name: "else_branch", graph: { name: "else", nodes: [{ opType: "Identity" }] } },
          ],
        },
      ],
    };
  }
  return graph;
}

describe("readOnnxModel on real exporters' files", () => {
  it("reads onnx.save_model's MLP: header, opsets, operators and tensor sizes", () => {
    const m = read(readFileSync(join(REAL, "helper-mlp.onnx")));
    expect(m.failure).toBeNull();
    expect(m.irVersion).toBe(8n);
    expect(m.producerName).toBe("pytorch");
    expect(m.opsets).toEqual([{ domain: "", version: 17n }]);
    expect(op(m, "Gemm")).toMatchObject({ domain: "", count: 2, firstNode: "/0/Gemm", inSubgraph: false });
    expect(m.tensors.map((t) => [t.name, t.dims, t.rawDataLength])).toEqual([
      ["0.weight", [16n, 4n], 256],
      ["0.bias", [16n], 64],
      ["2.weight", [2n, 16n], 128],
      ["2.bias", [2n], 8],
    ]);
    expect(m.tensors.every((t) => t.expectedBytes === BigInt(t.rawDataLength!))).toBe(true);
    expect(m.inputCount).toBe(1);
    expect(m.outputCount).toBe(1);
    expect(m.anomalies).toEqual([]);
  });

  it("reads save_as_external_data's entries (location, offset, length) and no raw_data", () => {
    const m = read(readFileSync(join(REAL, "helper-mlp-external", "model.onnx")));
    const t = m.tensors[1]!;
    expect(t.rawDataLength).toBeNull();
    expect(t.dataLocation).toBe(1);
    expect(t.externalData.map((e) => [e.key, e.value])).toEqual([
      ["location", "model.onnx.data"],
      ["offset", "256"],
      ["length", "64"],
    ]);
  });

  it("reads one-file-per-tensor external data, a Constant's attribute tensor included", () => {
    const m = read(readFileSync(join(REAL, "helper-per-tensor", "model.onnx")));
    expect(m.failure).toBeNull();
    const attr = m.tensors.find((t) => t.role === "attribute")!;
    expect(attr.graph).toBe("graph//Constant.value");
    expect(attr.externalData.find((e) => e.key === "location")!.value).toBe("offset_value");
    expect(m.tensors.filter((t) => t.role === "initializer").map((t) => t.externalData[0]!.value)).toEqual([
      "0.weight",
      "0.bias",
      "2.weight",
      "2.bias",
    ]);
  });

  it("walks torch's If and Loop bodies as subgraphs", () => {
    const m = read(readFileSync(join(REAL, "torch-control-flow.onnx")));
    expect(m.failure).toBeNull();
    expect(op(m, "If")).toBeDefined();
    expect(op(m, "Loop")).toBeDefined();
    expect(m.graphCount).toBeGreaterThanOrEqual(4);
    expect(m.operators.some((o) => o.inSubgraph)).toBe(true);
  });

  it("matches the test writer byte for byte", () => {
    const fromWriter = new OnnxWriter().model(mlpSpec());
    expect(Buffer.from(fromWriter).equals(readFileSync(join(REAL, "helper-mlp.onnx")))).toBe(true);
    const w = new OnnxWriter();
    const ext = w.model(mlpSpec({ external: true }));
    expect(Buffer.from(ext).equals(readFileSync(join(REAL, "helper-mlp-external", "model.onnx")))).toBe(true);
    expect(w.externalFiles().get("model.onnx.data")).toEqual(
      readFileSync(join(REAL, "helper-mlp-external", "model.onnx.data")),
    );
  });
});

describe("readOnnxModel walks every place operators and tensors hide", () => {
  it("finds a custom op in a nested subgraph and says where", () => {
    const bytes = new OnnxWriter().model({
      graph: nestedIf(3, { opType: "Evil", domain: "com.attacker", name: "deep" }),
    });
    const m = read(bytes);
    expect(op(m, "Evil")).toMatchObject({
      domain: "com.attacker",
      inSubgraph: true,
      firstNode: "deep",
      firstGraph: "graph/if0.then_branch/if1.then_branch/if2.then_branch",
    });
    expect(op(m, "If")!.count).toBe(3);
  });

  it("stops at the subgraph depth cap and keeps what it read", () => {
    const bytes = new OnnxWriter().model({ graph: nestedIf(6, { opType: "Relu" }) });
    const m = read(bytes, { ...DEFAULT_ONNX_LIMITS, maxSubgraphDepth: 4 });
    expect(m.failure).toBeInstanceOf(BoundExceededError);
    expect((m.failure as BoundExceededError).bound).toBe("onnx.maxSubgraphDepth");
    expect(op(m, "If")).toBeDefined();
    expect(read(bytes).failure).toBeNull();
  });

  it("caps nodes, tensors and dims", () => {
    const nodes = Array.from({ length: 10 }, () => ({ opType: "Relu" }));
    const m = read(new OnnxWriter().model({ graph: { nodes } }), { ...DEFAULT_ONNX_LIMITS, maxNodes: 5 });
    expect((m.failure as BoundExceededError).bound).toBe("onnx.maxNodes");
    const inits = Array.from({ length: 10 }, (_, i) => ({ name: `w${i}`, dims: [1] }));
    const t = read(new OnnxWriter().model({ graph: { nodes: [], initializers: inits } }), {
      ...DEFAULT_ONNX_LIMITS,
      maxTensors: 3,
    });
    expect((t.failure as BoundExceededError).bound).toBe("onnx.maxTensors");
    expect(t.tensors).toHaveLength(3);
    const dims = read(
      new OnnxWriter().model({
        graph: { nodes: [], initializers: [{ name: "w", dims: new Array(70).fill(1) }] },
      }),
    );
    expect((dims.failure as BoundExceededError).bound).toBe("onnx.maxDims");
  });

  it("reads functions, attribute tensors, sparse initializers and training graphs", () => {
    const bytes = new OnnxWriter().model({
      opsets: [
        { domain: "", version: 17 },
        { domain: "custom.fn", version: 1 },
      ],
      graph: {
        nodes: [
          { opType: "MyFn", domain: "custom.fn" },
          {
            opType: "Constant",
            name: "c",
            attributes: [{ name: "value", tensor: { name: "k", dims: [3] } }],
          },
        ],
        sparseInitializers: [
          {
            values: { name: "sv", dims: [2] },
            indices: { name: "si", dims: [2], dataType: DT.INT64 },
            dims: [10],
          },
        ],
      },
      functions: [
        {
          domain: "custom.fn",
          name: "MyFn",
          inputs: ["x"],
          outputs: ["y"],
          nodes: [{ opType: "Hidden", domain: "com.vendor" }],
          opsets: [{ domain: "", version: 17 }],
        },
      ],
      trainingInfo: [{ algorithm: { nodes: [{ opType: "TrainOp", domain: "com.train" }] } }],
    });
    const m = read(bytes);
    expect(m.failure).toBeNull();
    expect(m.functions).toEqual([
      {
        domain: "custom.fn",
        name: "MyFn",
        overload: "",
        opsets: [{ domain: "", version: 17n }],
        offset: expect.any(Number),
      },
    ]);
    expect(op(m, "Hidden")).toMatchObject({ domain: "com.vendor", inFunction: "MyFn" });
    expect(op(m, "TrainOp")!.firstGraph).toBe("training_info[0].algorithm");
    expect(m.tensors.map((t) => [t.name, t.role])).toEqual([
      ["k", "attribute"],
      ["sv", "sparse-values"],
      ["si", "sparse-indices"],
    ]);
    expect(m.trainingInfoCount).toBe(1);
  });

  it("reads dims packed or not, and flags negative and overflowing shapes", () => {
    const m = read(
      new OnnxWriter().model({
        graph: {
          nodes: [],
          initializers: [
            { name: "packed", dims: [2, 3], packedDims: true },
            { name: "neg", dims: [-1, 2], data: new Uint8Array(0) },
            { name: "huge", dims: [2 ** 40, 2 ** 40], data: new Uint8Array(0) },
          ],
        },
      }),
    );
    expect(m.tensors[0]!.dims).toEqual([2n, 3n]);
    expect(m.tensors[0]!.expectedBytes).toBe(24n);
    expect(m.anomalies.map((a) => a.kind)).toEqual(["negative-dim", "size-overflow"]);
    expect(m.tensors[1]!.expectedBytes).toBeNull();
  });

  it("reports duplicate initializers, wrong wire types, long strings and double storage", () => {
    const graph = pb()
      .len(1, pb().varint(4, 5)) // op_type as a varint
      .len(5, new OnnxWriter().tensor({ name: "w", dims: [1] }))
      .len(5, new OnnxWriter().tensor({ name: "w", dims: [1] }))
      .len(
        5,
        new OnnxWriter()
          .tensor({
            name: "x".repeat(5000),
            dims: [1],
            floatData: [1],
            external: { location: "y".repeat(70_000) },
          })
          .len(9, new Uint8Array(4)),
      );
    const bytes = pb().varint(1, 8).len(7, graph).bytes();
    const kinds = read(bytes).anomalies.map((a) => a.kind);
    expect(kinds).toEqual(["wire-type", "duplicate-initializer", "long-string", "several-data-fields"]);
    // Names are cut silently; only a cut external_data string is an anomaly (it cannot be judged whole).
    expect(read(bytes).tensors[2]!.name).toHaveLength(DEFAULT_ONNX_LIMITS.maxStringBytes);
    expect(read(bytes).tensors[2]!.externalData[0]!.value).toHaveLength(65_536);
  });

  it("counts typed data items: float_data by width, string_data by entry", () => {
    const m = read(
      new OnnxWriter().model({
        graph: {
          nodes: [],
          initializers: [
            { name: "f", dims: [3], floatData: [1, 2, 3] },
            { name: "s", dims: [2], dataType: DT.STRING, stringData: ["a", "b"] },
          ],
        },
      }),
    );
    expect(m.tensors[0]!.typedFields).toEqual([{ field: 4, bytes: 12, items: 3 }]);
    expect(m.tensors[1]!.typedFields).toEqual([{ field: 6, bytes: 0, items: 2 }]);
  });

  it("returns a FormatError and what came before it when a nested message breaks", () => {
    const good = new OnnxWriter().model(mlpSpec());
    // A graph whose last node claims more bytes than the graph holds.
    const graph = pb().len(1, pb().len(4, "Relu")).raw([0x0a, 0x7f, 0x22]);
    const m = read(pb().varint(1, 8).len(7, graph).bytes());
    expect(m.failure).toBeInstanceOf(FormatError);
    expect(op(m, "Relu")).toBeDefined();
    expect(read(good).failure).toBeNull();
  });
});

describe("readOnnxModel on repeated fields", () => {
  it("walks every graph field (parsers merge them) and reports the repetition once", () => {
    const w = new OnnxWriter();
    const bytes = pb()
      .varint(1, 8)
      .len(7, w.graph({ nodes: [{ opType: "Relu" }] }))
      .len(7, w.graph({ nodes: [{ opType: "Hidden", domain: "x" }] }))
      .len(7, w.graph({ nodes: [] }))
      .bytes();
    const m = read(bytes);
    expect(op(m, "Hidden")).toBeDefined();
    expect(m.anomalies.map((a) => a.kind)).toEqual(["repeated-graph"]);
  });
});

describe("expectedByteSize", () => {
  it("packs sub-byte types and knows no size for STRING", () => {
    expect(expectedByteSize(DT.INT4, 3n)).toBe(2n);
    expect(expectedByteSize(DT.FLOAT16, 3n)).toBe(6n);
    expect(expectedByteSize(DT.COMPLEX64, 2n)).toBe(16n);
    expect(expectedByteSize(DT.STRING, 3n)).toBeNull();
    expect(expectedByteSize(99, 3n)).toBeNull();
  });
});

describe("readOnnxModel on hostile bytes", () => {
  const isExpected = (m: OnnxModel) =>
    m.failure === null || m.failure instanceof FormatError || m.failure instanceof BoundExceededError;

  it("never throws on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        expect(isExpected(read(bytes))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it("never throws on mutated real models, and finishes quickly", () => {
    const seeds = [
      readFileSync(join(REAL, "torch-control-flow.onnx")),
      readFileSync(join(REAL, "helper-mlp-external", "model.onnx")),
      new OnnxWriter().model({ graph: nestedIf(5, { opType: "X", domain: "d" }) }),
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: seeds.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.option(fc.nat(), { nil: undefined }),
        (which, edits, cut) => {
          const bytes = Uint8Array.from(seeds[which]!);
          for (const [at, v] of edits) bytes[at % bytes.length] = v;
          const input = cut === undefined ? bytes : bytes.subarray(0, cut % bytes.length);
          const m = read(input);
          expect(isExpected(m)).toBe(true);
          expect(m.tensors.length).toBeLessThanOrEqual(DEFAULT_ONNX_LIMITS.maxTensors);
        },
      ),
      { numRuns: 1500 },
    );
  });
});
