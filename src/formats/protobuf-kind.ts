import { readFields } from "./protobuf.js";
import type { ByteSource } from "./source.js";

export type ProtobufKind = "onnx" | "savedmodel" | "tf-graph";

/** Top-level fields and their wire types each schema allows (only those real writers emit). */
const SHAPES: Record<ProtobufKind, { fields: Record<number, number>; required: number[] }> = {
  // onnx.ModelProto: ir_version, producer_name/version, domain, model_version, doc_string, graph,
  // opset_import, metadata_props, training_info, functions, configuration.
  onnx: {
    fields: { 1: 0, 2: 2, 3: 2, 4: 2, 5: 0, 6: 2, 7: 2, 8: 2, 14: 2, 20: 2, 25: 2, 26: 2 },
    required: [1, 7],
  },
  // tensorflow.SavedModel: saved_model_schema_version, meta_graphs.
  savedmodel: { fields: { 1: 0, 2: 2 }, required: [2] },
  // tensorflow.GraphDef: node, library, version (deprecated), versions, debug_info.
  "tf-graph": { fields: { 1: 2, 2: 2, 3: 0, 4: 2, 5: 2 }, required: [1] },
};

/**
 * Which protobuf model format these bytes are, judged by content: every top-level field must be one the
 * schema defines with its wire type, and the fields a real file always has must be there. Reads only
 * tags and lengths (at most `maxFields` of them), never payloads.
 */
export function classifyProtobuf(src: ByteSource, maxFields = 4096): ProtobufKind | null {
  const first = src.read(0, 1)[0];
  if (first !== 0x08 && first !== 0x0a && first !== 0x12) return null;
  const seen = new Map<number, number>();
  try {
    let n = 0;
    for (const f of readFields(src, 0, src.size)) {
      seen.set(f.field, f.wireType);
      if (++n >= maxFields) break;
    }
  } catch {
    return null;
  }
  for (const kind of ["onnx", "savedmodel", "tf-graph"] as const) {
    const shape = SHAPES[kind];
    const fits = [...seen].every(([field, wire]) => shape.fields[field] === wire);
    if (fits && shape.required.every((r) => seen.has(r))) return kind;
  }
  return null;
}
