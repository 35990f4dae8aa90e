import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pb } from "../../test/writers/protobuf.js";
import {
  attr,
  DENSE_LAYER,
  frozenGraph,
  graphDef,
  kerasMetadata,
  LAMBDA_LAYER,
  savedModel,
} from "../../test/writers/tensorflow.js";
import { BoundExceededError, FormatError } from "../errors.js";
import { type ByteSource, bufferSource } from "./source.js";
import {
  readKerasMetadata,
  type TfNode,
  type TfVisitor,
  walkGraphDef,
  walkSavedModel,
} from "./tensorflow.js";

function collect(walk: (src: ByteSource, v: TfVisitor) => void, src: ByteSource, attrs: string[] = []) {
  const nodes: TfNode[] = [];
  const functions: string[] = [];
  const metaGraphs: string[][] = [];
  walk(src, {
    attrNames: new Set(attrs),
    node: (n) => nodes.push(n),
    func: (name) => functions.push(name),
    metaGraph: (_i, tags) => metaGraphs.push(tags),
  });
  return { nodes, functions, metaGraphs };
}

/** A source that records every range read. */
function recording(bytes: Uint8Array) {
  const inner = bufferSource(bytes);
  const reads: [number, number][] = [];
  const src: ByteSource = {
    size: inner.size,
    read(offset, length) {
      reads.push([offset, length]);
      return inner.read(offset, length);
    },
  };
  return { src, reads };
}

describe("walkSavedModel", () => {
  it("reports the nodes of the graph and of every library function, with tags and offsets", () => {
    const bytes = savedModel({
      servingNodes: [{ name: "p", op: "PrintV2", attrs: { output_stream: attr.s("stderr") } }],
    });
    const { nodes, functions, metaGraphs } = collect(walkSavedModel, bufferSource(bytes), ["output_stream"]);
    expect(metaGraphs).toEqual([["serve"]]);
    expect(functions).toEqual([
      "__inference_serving_default_345",
      "__inference_signature_wrapper_456",
      "__inference__traced_save_123",
      "__inference__traced_restore_234",
    ]);
    const ops = new Set(nodes.map((n) => n.op));
    for (const op of [
      "StatefulPartitionedCall",
      "SaveV2",
      "RestoreV2",
      "MergeV2Checkpoints",
      "MatMul",
      "Placeholder",
    ])
      expect(ops).toContain(op);
    const print = nodes.find((n) => n.op === "PrintV2")!;
    expect(print.where).toBe("__inference_serving_default_345");
    expect(print.attrs.get("output_stream")).toEqual([{ value: "stderr", length: 6 }]);
    // The offset is the NodeDef's tag: field 3 (node_def) of a FunctionDef, wire type 2.
    expect(bytes[print.offset]).toBe(0x1a);
    const saver = nodes.find((n) => n.name === "saver_filename")!;
    expect(saver.where).toBe("graph");
    expect(bytes[saver.offset]).toBe(0x0a);
    // Only the requested attributes are kept.
    expect(nodes.find((n) => n.op === "BiasAdd")!.attrs.size).toBe(0);
  });

  it("never reads a constant's tensor content", () => {
    const content = new Uint8Array(1 << 20).fill(0x41);
    const graph = graphDef([
      { name: "w", op: "Const", attrs: { dtype: attr.type(1), value: attr.tensor(1, [1 << 18], content) } },
    ]);
    const bytes = pb().varint(1, 1).len(2, pb().len(2, graph)).bytes();
    const start = Buffer.from(bytes).indexOf(Buffer.from(content.subarray(0, 64)));
    const { src, reads } = recording(bytes);
    collect(walkSavedModel, src, ["value", "dtype"]);
    for (const [at, len] of reads) expect(at + len <= start + 1 || at >= start + content.length).toBe(true);
    expect(reads.reduce((n, [, len]) => n + len, 0)).toBeLessThan(4096);
  });

  it("reads list and func attribute strings, and cuts long ones", () => {
    const graph = graphDef([
      {
        name: "d",
        op: "DebugIdentity",
        attrs: {
          debug_urls: attr.listS(["file:///tmp/x", "grpc://h:1"]),
          f: attr.func("fn"),
          s: attr.s("y".repeat(50)),
        },
      },
    ]);
    const { nodes } = collect(
      (s, v) => walkGraphDef(s, v, { maxAttrStringBytes: 10 }),
      bufferSource(graph.bytes()),
      ["debug_urls", "f", "s"],
    );
    expect(nodes[0]!.attrs.get("debug_urls")!.map((a) => a.value)).toEqual(["file:///tm", "grpc://h:1"]);
    expect(nodes[0]!.attrs.get("f")).toEqual([{ value: "fn", length: 2 }]);
    expect(nodes[0]!.attrs.get("s")).toEqual([{ value: "y".repeat(10), length: 50 }]);
  });

  it("bounds nodes, attributes, names and meta graphs", () => {
    const bytes = savedModel();
    expect(() => collect((s, v) => walkSavedModel(s, v, { maxNodes: 5 }), bufferSource(bytes))).toThrow(
      BoundExceededError,
    );
    expect(() => collect((s, v) => walkSavedModel(s, v, { maxFunctions: 1 }), bufferSource(bytes))).toThrow(
      BoundExceededError,
    );
    expect(() => collect((s, v) => walkSavedModel(s, v, { maxAttrs: 2 }), bufferSource(bytes))).toThrow(
      BoundExceededError,
    );
    expect(() => collect((s, v) => walkSavedModel(s, v, { maxNameBytes: 8 }), bufferSource(bytes))).toThrow(
      FormatError,
    );
    const many = pb().varint(1, 1).len(2, pb()).len(2, pb()).len(2, pb()).bytes();
    expect(() => collect((s, v) => walkSavedModel(s, v, { maxMetaGraphs: 2 }), bufferSource(many))).toThrow(
      BoundExceededError,
    );
  });

  it("names a function whose body is written before its signature", () => {
    const fn = pb().len(3, pb().len(1, "r").len(2, "ReadFile")).len(1, pb().len(1, "__inference_late"));
    const graph = pb().len(1, pb().len(1, "x").len(2, "NoOp")).len(2, pb().len(1, fn));
    const { nodes, functions } = collect(walkGraphDef, bufferSource(graph.bytes()));
    expect(functions).toEqual(["__inference_late"]);
    expect(nodes.find((n) => n.op === "ReadFile")!.where).toBe("__inference_late");
  });

  it("refuses a node without an op type and messages that are not messages", () => {
    const noOp = pb().len(1, pb().len(1, "x")).bytes();
    expect(() => collect(walkGraphDef, bufferSource(noOp))).toThrow(/no op type/);
    const scalarNode = pb().varint(1, 5).bytes();
    expect(() => collect(walkGraphDef, bufferSource(scalarNode))).toThrow(/not length-delimited/);
  });

  it("throws only FormatError or BoundExceededError on mutated files", () => {
    const seeds = [savedModel(), frozenGraph()];
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.nat(),
        (seed, edits, cut) => {
          const bytes = seed.slice(0, seed.length - (cut % 32));
          for (const [at, v] of edits) bytes[at % bytes.length] = v;
          for (const walk of [walkSavedModel, walkGraphDef]) {
            try {
              collect(walk, bufferSource(bytes), ["token", "output_stream", "debug_urls"]);
            } catch (err) {
              expect(err instanceof FormatError || err instanceof BoundExceededError).toBe(true);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("readKerasMetadata", () => {
  it("yields each SavedObject with its parsed metadata", () => {
    const nodes = [...readKerasMetadata(bufferSource(kerasMetadata([DENSE_LAYER, LAMBDA_LAYER])))];
    expect(nodes.map((n) => [n.nodePath, n.identifier])).toEqual([
      ["root", "_tf_keras_sequential"],
      ["root.layer_with_weights-0", "_tf_keras_layer"],
      ["root.layer_with_weights-1", "_tf_keras_layer"],
    ]);
    const lambda = nodes[2]!.metadata as { class_name: string; config: { function: unknown } };
    expect(lambda.class_name).toBe("Lambda");
    // Keras json_utils writes tuples as {"class_name": "__tuple__", "items": [...]}: read back as arrays.
    expect(Array.isArray(lambda.config.function)).toBe(true);
    expect((lambda.config.function as unknown[])[0]).toMatch(/^4wEA/);
  });

  it("refuses metadata that is not JSON, or larger than the bound", () => {
    const bad = pb().len(1, pb().len(3, "root").len(4, "_tf_keras_network").len(5, "{not json")).bytes();
    expect(() => [...readKerasMetadata(bufferSource(bad))]).toThrow(FormatError);
    const big = kerasMetadata([DENSE_LAYER]);
    expect(() => [...readKerasMetadata(bufferSource(big), { maxKerasJsonBytes: 16 })]).toThrow(
      BoundExceededError,
    );
  });
});
