import { FormatError } from "../errors.js";
import { type PbField, readVarint, WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT } from "./protobuf.js";
import type { ByteSource } from "./source.js";

/**
 * Protobuf files a model directory holds. `keras-metadata` is Keras 2's `keras_metadata.pb` (SavedMetadata,
 * the layer configs beside a SavedModel); `tf-fingerprint` is a SavedModel's `fingerprint.pb` (hashes only).
 */
export type ProtobufKind = "onnx" | "savedmodel" | "tf-graph" | "keras-metadata" | "tf-fingerprint";

interface Shape {
  /** Field number -> wire type, for every field the schema defines (only those real writers emit). */
  fields: Record<number, number>;
  required: number[];
  /** Where top-level shapes coincide (one repeated LEN field 1), the first such field's payload decides. */
  peek?: { field: number; test: (fields: Map<number, PbField>) => boolean };
}

const V = WIRE_VARINT;
const L = WIRE_LEN;

/** Checked in this order: the first shape that fits wins. */
const SHAPES: [ProtobufKind, Shape][] = [
  // onnx.ModelProto: ir_version, producer_name/version, domain, model_version, doc_string, graph,
  // opset_import, metadata_props, training_info, functions, configuration.
  [
    "onnx",
    {
      fields: { 1: V, 2: L, 3: L, 4: L, 5: V, 6: L, 7: L, 8: L, 14: L, 20: L, 25: L, 26: L },
      required: [1, 7],
    },
  ],
  // tensorflow.SavedModel: saved_model_schema_version, meta_graphs. A MetaGraphDef holds only messages
  // (meta_info_def, graph_def, saver_def, collection_def, signature_def, asset_file_def, object_graph_def).
  [
    "savedmodel",
    {
      fields: { 1: V, 2: L },
      required: [2],
      peek: { field: 2, test: (f) => onlyFields(f, { 1: L, 2: L, 3: L, 4: L, 5: L, 6: L, 7: L }) },
    },
  ],
  // tensorflow.FingerprintDef: saved_model_checksum, graph_def_program_hash, signature_def_hash,
  // saved_object_graph_hash, checkpoint_hash (uint64 each), version (VersionDef), uuid.
  ["tf-fingerprint", { fields: { 1: V, 2: V, 3: V, 4: V, 5: V, 6: L, 7: L }, required: [1] }],
  // tensorflow.GraphDef: node, library, version (deprecated), versions, debug_info. A NodeDef always has
  // its `op` (field 2) as a string; a Keras SavedObject has no field 1 and an int `node_id` at field 2.
  [
    "tf-graph",
    {
      fields: { 1: L, 2: L, 3: V, 4: L, 5: L },
      required: [1],
      peek: {
        field: 1,
        test: (f) => f.get(2)?.wireType === L && onlyFields(f, { 1: L, 2: L, 3: L, 4: L, 5: L, 6: L, 7: L }),
      },
    },
  ],
  // keras SavedMetadata: repeated SavedObject nodes = 1; SavedObject: node_id = 2, node_path = 3,
  // identifier = 4 (e.g. "_tf_keras_network"), metadata = 5 (JSON), version = 6.
  [
    "keras-metadata",
    {
      fields: { 1: L },
      required: [1],
      peek: { field: 1, test: (f) => f.has(4) && onlyFields(f, { 2: V, 3: L, 4: L, 5: L, 6: L }) },
    },
  ],
];

function onlyFields(seen: Map<number, PbField>, allowed: Record<number, number>): boolean {
  for (const [field, f] of seen) if (allowed[field] !== f.wireType) return false;
  return true;
}

interface FieldScan {
  /** Field number -> first occurrence; a field seen with two wire types is marked I64 so no shape fits. */
  fields: Map<number, PbField>;
  /** Fields read whole. */
  complete: number;
  /** The bytes end inside a field (a truncated download or a cut file). */
  truncated: boolean;
}

/**
 * The tags of [start, end), at most `maxFields`; null when the bytes are not protobuf. A field cut by the
 * end is kept (its payload clipped) so a truncated model is still recognized and then reported as such.
 */
function scanFields(src: ByteSource, start: number, end: number, maxFields: number): FieldScan | null {
  const fields = new Map<number, PbField>();
  const note = (f: PbField) => {
    const prior = fields.get(f.field);
    if (!prior) fields.set(f.field, f);
    else if (prior.wireType !== f.wireType) fields.set(f.field, { ...prior, wireType: WIRE_I64 });
  };
  let complete = 0;
  let at = start;
  try {
    while (at < end && complete < maxFields) {
      const tagOffset = at;
      const tag = readVarint(src, at, end);
      at = tag.next;
      const field = Number(tag.value >> 3n);
      const wireType = Number(tag.value & 7n) as PbField["wireType"];
      if (field === 0 || field > 536_870_911) return null;
      if (wireType === WIRE_VARINT) {
        const v = readVarint(src, at, end);
        at = v.next;
        note({ field, wireType, tagOffset, value: v.value, offset: 0, length: 0 });
      } else if (wireType === WIRE_I64 || wireType === WIRE_I32) {
        const n = wireType === WIRE_I64 ? 8 : 4;
        if (at + n > end) return { fields, complete, truncated: true };
        note({ field, wireType, tagOffset, value: 0n, offset: at, length: n });
        at += n;
      } else if (wireType === WIRE_LEN) {
        const len = readVarint(src, at, end);
        at = len.next;
        if (len.value > BigInt(end - at)) {
          note({ field, wireType, tagOffset, value: 0n, offset: at, length: end - at });
          return { fields, complete, truncated: true };
        }
        note({ field, wireType, tagOffset, value: 0n, offset: at, length: Number(len.value) });
        at += Number(len.value);
      } else return null;
      complete++;
    }
  } catch (err) {
    if (err instanceof FormatError && err.code === "FORMAT_TRUNCATED")
      return { fields, complete, truncated: true };
    return null;
  }
  return { fields, complete, truncated: false };
}

/** Fields read whole before a cut that a truncated file needs, so random bytes are not taken for one. */
const MIN_COMPLETE_WHEN_TRUNCATED = 2;

/**
 * Which protobuf model format these bytes are, judged by content: every top-level field must be one the
 * schema defines with its wire type, the fields a real file always has must be there, and where two
 * schemas look alike at the top, the first message one level down decides. A file cut short still counts
 * when enough whole fields precede the cut (its reader then reports the truncation). Reads only tags and
 * lengths (at most `maxFields` of them per level), never payloads.
 */
export function classifyProtobuf(src: ByteSource, maxFields = 4096): ProtobufKind | null {
  const first = src.read(0, 1)[0];
  if (first !== 0x08 && first !== 0x0a && first !== 0x12) return null;
  const outer = scanFields(src, 0, src.size, maxFields);
  if (!outer) return null;
  const seen = outer.fields;
  for (const [kind, shape] of SHAPES) {
    const fits = [...seen].every(([field, f]) => shape.fields[field] === f.wireType);
    if (!fits || !shape.required.every((r) => seen.has(r))) continue;
    let complete = outer.complete;
    let truncated = outer.truncated;
    if (shape.peek) {
      const at = seen.get(shape.peek.field)!;
      const inner = scanFields(src, at.offset, at.offset + at.length, maxFields);
      if (!inner || !shape.peek.test(inner.fields)) continue;
      complete += inner.complete;
      truncated ||= inner.truncated;
    }
    if (truncated && complete < MIN_COMPLETE_WHEN_TRUNCATED) continue;
    return kind;
  }
  return null;
}
