import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pb } from "../../test/writers/protobuf.js";
import {
  DENSE_LAYER,
  fingerprint,
  frozenGraph,
  kerasMetadata,
  LAMBDA_LAYER,
  savedModel,
  variablesIndex,
} from "../../test/writers/tensorflow.js";
import { classifyProtobuf } from "./protobuf-kind.js";
import { bufferSource } from "./source.js";

const kind = (bytes: Uint8Array) => classifyProtobuf(bufferSource(bytes));

describe("classifyProtobuf", () => {
  it("tells the TensorFlow files apart by content", () => {
    expect(kind(savedModel())).toBe("savedmodel");
    expect(kind(frozenGraph())).toBe("tf-graph");
    expect(kind(kerasMetadata([DENSE_LAYER, LAMBDA_LAYER]))).toBe("keras-metadata");
    expect(kind(fingerprint())).toBe("tf-fingerprint");
  });

  it("keeps ONNX (ir_version and graph required)", () => {
    const onnx = pb()
      .varint(1, 8)
      .len(2, "pytorch")
      .len(3, "2.1.0")
      .len(7, pb().len(1, pb().len(4, "Relu")).len(2, "main_graph"))
      .len(8, pb().len(1, "").varint(2, 17));
    expect(kind(onnx.bytes())).toBe("onnx");
    expect(kind(pb().varint(1, 8).len(2, "pytorch").bytes())).toBeNull();
  });

  it("does not take a Keras SavedMetadata for a GraphDef (both are repeated field 1)", () => {
    // Root node: node_id 0 is omitted (proto3 default), so only path, identifier and metadata remain.
    const root = pb().len(1, pb().len(3, "root").len(4, "_tf_keras_network").len(5, "{}"));
    expect(kind(root.bytes())).toBe("keras-metadata");
    // A NodeDef must name its op (field 2, a string).
    const nameOnly = pb().len(1, pb().len(1, "x"));
    expect(kind(nameOnly.bytes())).toBeNull();
  });

  it("does not take a fingerprint for a model", () => {
    const fp = fingerprint();
    expect(kind(fp)).not.toBe("onnx");
    expect(kind(fp)).not.toBe("savedmodel");
  });

  it("needs a MetaGraphDef made of messages in a SavedModel", () => {
    expect(kind(pb().varint(1, 1).len(2, pb().varint(9, 1)).bytes())).toBeNull();
    expect(kind(pb().varint(1, 1).len(2, pb().len(2, pb())).bytes())).toBe("savedmodel");
  });

  it("rejects a field seen with two wire types, checkpoint indexes and text", () => {
    expect(kind(pb().len(1, pb().len(2, "Relu")).varint(1, 3).bytes())).toBeNull();
    expect(kind(variablesIndex())).toBeNull();
    expect(kind(new TextEncoder().encode("\n# a readme\n"))).toBeNull();
  });

  it("recognizes a model cut short, but not a few bytes that merely start like one", () => {
    const sm = savedModel();
    expect(kind(sm.subarray(0, sm.length >> 1))).toBe("savedmodel");
    const fg = frozenGraph();
    expect(kind(fg.subarray(0, fg.length - 3))).toBe("tf-graph");
    // One field whose length runs past the end, holding one plausible NodeDef field: too little to tell.
    expect(kind(Uint8Array.from([0x0a, 0x7f, 0x12, 0x04, 0x52, 0x65, 0x6c, 0x75]))).toBeNull();
  });

  it("never throws on arbitrary or mutated bytes", () => {
    const seeds = [savedModel(), frozenGraph(), kerasMetadata([DENSE_LAYER]), fingerprint()];
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc
            .tuple(fc.constantFrom(...seeds), fc.nat(), fc.integer({ min: 0, max: 255 }))
            .map(([s, at, v]) => {
              const copy = s.slice();
              copy[at % copy.length] = v;
              return copy;
            }),
        ),
        (bytes) => {
          const k = kind(bytes);
          expect(k === null || typeof k === "string").toBe(true);
        },
      ),
    );
  });
});
