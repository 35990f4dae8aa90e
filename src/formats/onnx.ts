/**
 * A bounded walk of `onnx.ModelProto` (onnx/onnx `onnx/onnx.proto`) over the protobuf wire reader. It
 * collects what a security review needs: the opsets, every operator (domain, op_type) in the main graph,
 * in subgraphs held by attributes (If/Loop/Scan bodies), in model-local functions and in training graphs,
 * and every tensor's declared shape, type and storage (inline `raw_data` length, typed data fields,
 * `external_data` entries). Tensor payloads are never read: only their lengths.
 *
 * Inconsistencies (sizes, duplicate names, wire types) are returned as anomalies; a structure that cannot
 * be read any further stops the walk, and what was read before it is returned with the failure.
 */
import { BoundExceededError, FormatError } from "../errors.js";
import {
  asInt64,
  type PbField,
  readFields,
  readPackedVarints,
  WIRE_I32,
  WIRE_I64,
  WIRE_LEN,
  WIRE_VARINT,
} from "./protobuf.js";
import type { ByteSource } from "./source.js";

export interface OnnxLimits {
  /** Nodes in all graphs and functions together. */
  maxNodes: number;
  /** Tensors (initializers, sparse initializers, attribute tensors) together. */
  maxTensors: number;
  maxAttributesPerNode: number;
  /** Nesting of graphs inside attributes (If inside Loop inside Scan ...). */
  maxSubgraphDepth: number;
  maxDims: number;
  maxFunctions: number;
  maxOpsets: number;
  maxMetadataEntries: number;
  maxExternalDataEntries: number;
  /** Distinct (domain, op_type) pairs. */
  maxDistinctOperators: number;
  /** Names, domains, metadata: longer strings are cut here (memory), silently. */
  maxStringBytes: number;
  /** external_data keys and values: cut here and reported, since a cut location cannot be judged. */
  maxExternalDataStringBytes: number;
}

export const DEFAULT_ONNX_LIMITS: OnnxLimits = {
  maxNodes: 1_000_000,
  maxTensors: 300_000,
  maxAttributesPerNode: 10_000,
  maxSubgraphDepth: 16,
  maxDims: 64,
  maxFunctions: 10_000,
  maxOpsets: 1_000,
  maxMetadataEntries: 10_000,
  maxExternalDataEntries: 64,
  maxDistinctOperators: 10_000,
  maxStringBytes: 4096,
  // Longer than any path a filesystem opens (Windows long paths: 32 767 characters).
  maxExternalDataStringBytes: 65_536,
};

/** TensorProto.DataType names, by value (onnx.proto). */
export const ONNX_DATA_TYPES: readonly string[] = [
  "UNDEFINED",
  "FLOAT",
  "UINT8",
  "INT8",
  "UINT16",
  "INT16",
  "INT32",
  "INT64",
  "STRING",
  "BOOL",
  "FLOAT16",
  "DOUBLE",
  "UINT32",
  "UINT64",
  "COMPLEX64",
  "COMPLEX128",
  "BFLOAT16",
  "FLOAT8E4M3FN",
  "FLOAT8E4M3FNUZ",
  "FLOAT8E5M2",
  "FLOAT8E5M2FNUZ",
  "UINT4",
  "INT4",
  "FLOAT4E2M1",
  "FLOAT8E8M0",
  "UINT2",
  "INT2",
];

/** Bits per element by data type; 0 where the size is not fixed (UNDEFINED, STRING). */
const ELEMENT_BITS = [
  0, 32, 8, 8, 16, 16, 32, 64, 0, 8, 16, 64, 32, 64, 64, 128, 16, 8, 8, 8, 8, 4, 4, 4, 8, 2, 2,
];
export const DT_STRING = 8;
/** Complex types store two items (real, imaginary) per element in typed data fields. */
export const DT_COMPLEX64 = 14;
export const DT_COMPLEX128 = 15;
export const DATA_LOCATION_EXTERNAL = 1;

export function dataTypeName(dataType: number): string {
  return ONNX_DATA_TYPES[dataType] ?? `UNKNOWN(${dataType})`;
}

/** Bytes `count` elements of `dataType` take in raw_data (sub-byte types packed); null when not fixed. */
export function expectedByteSize(dataType: number, count: bigint): bigint | null {
  const bits = ELEMENT_BITS[dataType];
  if (!bits) return null;
  return (count * BigInt(bits) + 7n) / 8n;
}

export interface OnnxOpset {
  domain: string;
  version: bigint;
}

export interface OnnxStringEntry {
  key: string;
  value: string;
  offset: number;
}

/** One distinct operator and where it is used. */
export interface OnnxOperatorUse {
  domain: string;
  opType: string;
  count: number;
  /** The first node using it: its name, tag offset and the graph path that holds it. */
  firstNode: string;
  firstOffset: number;
  firstGraph: string;
  /** Whether any use sits in a subgraph (an attribute of another node). */
  inSubgraph: boolean;
  /** The model-local function that holds the first use, when it is in one. */
  inFunction: string | null;
}

export type TensorRole = "initializer" | "sparse-values" | "sparse-indices" | "attribute";

export interface OnnxTensor {
  name: string;
  role: TensorRole;
  graph: string;
  /** Tag offset of the TensorProto field. */
  offset: number;
  dims: bigint[];
  dataType: number;
  dataLocation: number;
  externalData: OnnxStringEntry[];
  /** Length of `raw_data`, when present. */
  rawDataLength: number | null;
  rawDataOffset: number;
  /** Which typed data fields are present (float_data, int32_data, ...), and their payload bytes. */
  typedFields: { field: number; bytes: number; items: number | null }[];
  /** Product of dims; null when a dim is negative or the product overflows int64. */
  elementCount: bigint | null;
  /** elementCount × element size; null when either is unknown. */
  expectedBytes: bigint | null;
}

export interface OnnxFunction {
  domain: string;
  name: string;
  overload: string;
  opsets: OnnxOpset[];
  offset: number;
}

export type OnnxAnomalyKind =
  | "wire-type"
  | "long-string"
  | "negative-dim"
  | "size-overflow"
  | "duplicate-initializer"
  | "unknown-data-type"
  | "several-data-fields"
  | "repeated-graph";

export interface OnnxAnomaly {
  kind: OnnxAnomalyKind;
  message: string;
  offset: number;
}

export interface OnnxModel {
  irVersion: bigint | null;
  producerName: string;
  producerVersion: string;
  modelDomain: string;
  opsets: OnnxOpset[];
  metadata: OnnxStringEntry[];
  operators: OnnxOperatorUse[];
  tensors: OnnxTensor[];
  functions: OnnxFunction[];
  nodeCount: number;
  graphCount: number;
  inputCount: number;
  outputCount: number;
  valueInfoCount: number;
  trainingInfoCount: number;
  anomalies: OnnxAnomaly[];
  /** Why the walk stopped early; everything above was read before it. */
  failure: FormatError | BoundExceededError | null;
}

// Field numbers, onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ...).
const MODEL = {
  irVersion: 1,
  producerName: 2,
  producerVersion: 3,
  domain: 4,
  graph: 7,
  opsetImport: 8,
  metadataProps: 14,
  trainingInfo: 20,
  functions: 25,
};
const GRAPH = {
  node: 1,
  name: 2,
  initializer: 5,
  input: 11,
  output: 12,
  valueInfo: 13,
  sparseInitializer: 15,
};
const NODE = { name: 3, opType: 4, attribute: 5, domain: 7 };
const ATTR = { name: 1, t: 5, g: 6, tensors: 10, graphs: 11, sparseTensor: 22, sparseTensors: 23 };
const TENSOR = {
  dims: 1,
  dataType: 2,
  floatData: 4,
  int32Data: 5,
  stringData: 6,
  int64Data: 7,
  name: 8,
  rawData: 9,
  doubleData: 10,
  uint64Data: 11,
  externalData: 13,
  dataLocation: 14,
};
const SPARSE = { values: 1, indices: 2 };
const TRAINING = { initialization: 1, algorithm: 2 };
const FUNCTION = { name: 1, node: 7, opsetImport: 9, domain: 10, attributeProto: 11, overload: 13 };
const OPSET = { domain: 1, version: 2 };
const ENTRY = { key: 1, value: 2 };

/** Typed data fields whose element width is fixed on the wire: field -> bytes per item. */
const FIXED_WIDTH_DATA: Record<number, number> = { [TENSOR.floatData]: 4, [TENSOR.doubleData]: 8 };

const decoder = new TextDecoder();

/** Where a node or tensor sits: which function, and whether under another node's attribute. */
interface Scope {
  graph: string;
  depth: number;
  inFunction: string | null;
}

class OnnxWalker {
  readonly model: OnnxModel = {
    irVersion: null,
    producerName: "",
    producerVersion: "",
    modelDomain: "",
    opsets: [],
    metadata: [],
    operators: [],
    tensors: [],
    functions: [],
    nodeCount: 0,
    graphCount: 0,
    inputCount: 0,
    outputCount: 0,
    valueInfoCount: 0,
    trainingInfoCount: 0,
    anomalies: [],
    failure: null,
  };
  private readonly operators = new Map<string, OnnxOperatorUse>();
  private mainGraphs = 0;

  constructor(
    private readonly src: ByteSource,
    private readonly limits: OnnxLimits,
  ) {}

  walkModel(): void {
    const m = this.model;
    for (const f of readFields(this.src, 0, this.src.size)) {
      switch (f.field) {
        case MODEL.irVersion:
          if (this.expect(f, WIRE_VARINT, "ModelProto.ir_version")) m.irVersion = asInt64(f.value);
          break;
        case MODEL.producerName:
          if (this.expect(f, WIRE_LEN, "ModelProto.producer_name")) m.producerName = this.string(f);
          break;
        case MODEL.producerVersion:
          if (this.expect(f, WIRE_LEN, "ModelProto.producer_version")) m.producerVersion = this.string(f);
          break;
        case MODEL.domain:
          if (this.expect(f, WIRE_LEN, "ModelProto.domain")) m.modelDomain = this.string(f);
          break;
        case MODEL.graph:
          if (!this.expect(f, WIRE_LEN, "ModelProto.graph")) break;
          // Protobuf merges a repeated message field into one: a second graph adds to the first.
          if (++this.mainGraphs === 2)
            this.anomaly(
              "repeated-graph",
              "the model has more than one graph field; parsers merge them into one graph, which hides what each holds",
              f.tagOffset,
            );
          this.walkGraph(f, { graph: "graph", depth: 0, inFunction: null });
          break;
        case MODEL.opsetImport:
          if (this.expect(f, WIRE_LEN, "ModelProto.opset_import")) this.addOpset(m.opsets, f);
          break;
        case MODEL.metadataProps:
          if (this.expect(f, WIRE_LEN, "ModelProto.metadata_props")) {
            if (m.metadata.length >= this.limits.maxMetadataEntries)
              this.bound("maxMetadataEntries", this.limits.maxMetadataEntries, "metadata entries");
            m.metadata.push(this.entry(f, this.limits.maxStringBytes, false));
          }
          break;
        case MODEL.trainingInfo:
          if (this.expect(f, WIRE_LEN, "ModelProto.training_info")) this.walkTrainingInfo(f);
          break;
        case MODEL.functions:
          if (this.expect(f, WIRE_LEN, "ModelProto.functions")) this.walkFunction(f);
          break;
        default:
          break;
      }
    }
  }

  /** Operators seen so far (also after a failure). */
  finish(): OnnxModel {
    this.model.operators = [...this.operators.values()];
    return this.model;
  }

  private walkTrainingInfo(msg: PbField): void {
    const index = this.model.trainingInfoCount++;
    for (const f of this.fields(msg)) {
      if (f.field === TRAINING.initialization || f.field === TRAINING.algorithm) {
        const which = f.field === TRAINING.initialization ? "initialization" : "algorithm";
        if (this.expect(f, WIRE_LEN, `TrainingInfoProto.${which}`))
          this.walkGraph(f, { graph: `training_info[${index}].${which}`, depth: 0, inFunction: null });
      }
    }
  }

  private walkFunction(msg: PbField): void {
    if (this.model.functions.length >= this.limits.maxFunctions)
      this.bound("maxFunctions", this.limits.maxFunctions, "functions");
    const fn: OnnxFunction = { domain: "", name: "", overload: "", opsets: [], offset: msg.tagOffset };
    const nodes: PbField[] = [];
    const attributes: PbField[] = [];
    for (const f of this.fields(msg)) {
      if (f.field === FUNCTION.name && this.expect(f, WIRE_LEN, "FunctionProto.name"))
        fn.name = this.string(f);
      else if (f.field === FUNCTION.domain && this.expect(f, WIRE_LEN, "FunctionProto.domain"))
        fn.domain = this.string(f);
      else if (f.field === FUNCTION.overload && this.expect(f, WIRE_LEN, "FunctionProto.overload"))
        fn.overload = this.string(f);
      else if (f.field === FUNCTION.opsetImport && this.expect(f, WIRE_LEN, "FunctionProto.opset_import"))
        this.addOpset(fn.opsets, f);
      else if (f.field === FUNCTION.node && this.expect(f, WIRE_LEN, "FunctionProto.node")) nodes.push(f);
      else if (
        f.field === FUNCTION.attributeProto &&
        this.expect(f, WIRE_LEN, "FunctionProto.attribute_proto")
      )
        attributes.push(f);
    }
    this.model.functions.push(fn);
    // Nodes are walked once the function's name is known (fields may come in any order).
    const scope: Scope = { graph: `function ${fn.domain}::${fn.name}`, depth: 0, inFunction: fn.name };
    for (const n of nodes) this.walkNode(n, scope);
    for (const a of attributes) this.walkAttribute(a, scope, "default");
  }

  private walkGraph(msg: PbField, scope: Scope): void {
    if (scope.depth > this.limits.maxSubgraphDepth)
      this.bound("maxSubgraphDepth", this.limits.maxSubgraphDepth, "subgraph nesting");
    this.model.graphCount++;
    const initializerNames = new Map<string, number>();
    for (const f of this.fields(msg)) {
      switch (f.field) {
        case GRAPH.node:
          if (this.expect(f, WIRE_LEN, "GraphProto.node")) this.walkNode(f, scope);
          break;
        case GRAPH.initializer:
          if (this.expect(f, WIRE_LEN, "GraphProto.initializer")) {
            const t = this.readTensor(f, "initializer", scope.graph);
            const first = initializerNames.get(t.name);
            if (first !== undefined)
              this.anomaly(
                "duplicate-initializer",
                `initializer '${t.name}' is defined twice in ${scope.graph} (first at byte ${first})`,
                f.tagOffset,
              );
            else initializerNames.set(t.name, f.tagOffset);
          }
          break;
        case GRAPH.sparseInitializer:
          if (this.expect(f, WIRE_LEN, "GraphProto.sparse_initializer")) this.readSparse(f, scope.graph);
          break;
        case GRAPH.input:
          if (this.expect(f, WIRE_LEN, "GraphProto.input")) this.model.inputCount++;
          break;
        case GRAPH.output:
          if (this.expect(f, WIRE_LEN, "GraphProto.output")) this.model.outputCount++;
          break;
        case GRAPH.valueInfo:
          if (this.expect(f, WIRE_LEN, "GraphProto.value_info")) this.model.valueInfoCount++;
          break;
        default:
          break;
      }
    }
  }

  private walkNode(msg: PbField, scope: Scope): void {
    if (++this.model.nodeCount > this.limits.maxNodes) this.bound("maxNodes", this.limits.maxNodes, "nodes");
    let name = "";
    let opType = "";
    let domain = "";
    const attributes: PbField[] = [];
    for (const f of this.fields(msg)) {
      if (f.field === NODE.name && this.expect(f, WIRE_LEN, "NodeProto.name")) name = this.string(f);
      else if (f.field === NODE.opType && this.expect(f, WIRE_LEN, "NodeProto.op_type"))
        opType = this.string(f);
      else if (f.field === NODE.domain && this.expect(f, WIRE_LEN, "NodeProto.domain"))
        domain = this.string(f);
      else if (f.field === NODE.attribute && this.expect(f, WIRE_LEN, "NodeProto.attribute")) {
        if (attributes.length >= this.limits.maxAttributesPerNode)
          this.bound("maxAttributesPerNode", this.limits.maxAttributesPerNode, "attributes of one node");
        attributes.push(f);
      }
    }
    this.recordOperatorUse(domain, opType, name, msg.tagOffset, scope);
    const label = name || `${opType}@${msg.tagOffset}`;
    for (const a of attributes) this.walkAttribute(a, scope, label);
  }

  /** Attributes can hold graphs (control-flow bodies) and tensors (Constant values, possibly external). */
  private walkAttribute(msg: PbField, scope: Scope, nodeLabel: string): void {
    let name = "";
    const graphs: PbField[] = [];
    const tensors: PbField[] = [];
    const sparse: PbField[] = [];
    for (const f of this.fields(msg)) {
      if (f.field === ATTR.name && this.expect(f, WIRE_LEN, "AttributeProto.name")) name = this.string(f);
      else if (
        (f.field === ATTR.g || f.field === ATTR.graphs) &&
        this.expect(f, WIRE_LEN, "AttributeProto.g")
      )
        graphs.push(f);
      else if (
        (f.field === ATTR.t || f.field === ATTR.tensors) &&
        this.expect(f, WIRE_LEN, "AttributeProto.t")
      )
        tensors.push(f);
      else if (
        (f.field === ATTR.sparseTensor || f.field === ATTR.sparseTensors) &&
        this.expect(f, WIRE_LEN, "AttributeProto.sparse_tensor")
      )
        sparse.push(f);
    }
    const where = `${scope.graph}/${nodeLabel}.${name}`;
    for (const t of tensors) this.readTensor(t, "attribute", where);
    for (const s of sparse) this.readSparse(s, where);
    graphs.forEach((g, i) => {
      const path = graphs.length > 1 ? `${where}[${i}]` : where;
      this.walkGraph(g, { graph: path, depth: scope.depth + 1, inFunction: scope.inFunction });
    });
  }

  private readSparse(msg: PbField, graph: string): void {
    for (const f of this.fields(msg)) {
      if (f.field === SPARSE.values && this.expect(f, WIRE_LEN, "SparseTensorProto.values"))
        this.readTensor(f, "sparse-values", graph);
      else if (f.field === SPARSE.indices && this.expect(f, WIRE_LEN, "SparseTensorProto.indices"))
        this.readTensor(f, "sparse-indices", graph);
    }
  }

  private readTensor(msg: PbField, role: TensorRole, graph: string): OnnxTensor {
    if (this.model.tensors.length >= this.limits.maxTensors)
      this.bound("maxTensors", this.limits.maxTensors, "tensors");
    const t: OnnxTensor = {
      name: "",
      role,
      graph,
      offset: msg.tagOffset,
      dims: [],
      dataType: 0,
      dataLocation: 0,
      externalData: [],
      rawDataLength: null,
      rawDataOffset: 0,
      typedFields: [],
      elementCount: null,
      expectedBytes: null,
    };
    let strings = 0;
    for (const f of this.fields(msg)) {
      switch (f.field) {
        case TENSOR.dims:
          this.readDims(f, t.dims);
          break;
        case TENSOR.dataType:
          if (this.expect(f, WIRE_VARINT, "TensorProto.data_type"))
            t.dataType = Number(BigInt.asIntN(32, f.value));
          break;
        case TENSOR.name:
          if (this.expect(f, WIRE_LEN, "TensorProto.name")) t.name = this.string(f);
          break;
        case TENSOR.rawData:
          if (this.expect(f, WIRE_LEN, "TensorProto.raw_data")) {
            t.rawDataLength = f.length;
            t.rawDataOffset = f.offset;
          }
          break;
        case TENSOR.externalData:
          if (this.expect(f, WIRE_LEN, "TensorProto.external_data")) {
            if (t.externalData.length >= this.limits.maxExternalDataEntries)
              this.bound(
                "maxExternalDataEntries",
                this.limits.maxExternalDataEntries,
                "external_data entries",
              );
            t.externalData.push(this.entry(f, this.limits.maxExternalDataStringBytes, true));
          }
          break;
        case TENSOR.dataLocation:
          if (this.expect(f, WIRE_VARINT, "TensorProto.data_location"))
            t.dataLocation = Number(BigInt.asIntN(32, f.value));
          break;
        case TENSOR.stringData:
          if (this.expect(f, WIRE_LEN, "TensorProto.string_data")) strings++;
          break;
        case TENSOR.floatData:
        case TENSOR.int32Data:
        case TENSOR.int64Data:
        case TENSOR.doubleData:
        case TENSOR.uint64Data:
          this.addTypedData(t, f);
          break;
        default:
          break;
      }
    }
    if (strings > 0) t.typedFields.push({ field: TENSOR.stringData, bytes: 0, items: strings });
    this.sizeTensor(t);
    this.model.tensors.push(t);
    return t;
  }

  /** `dims` is a repeated int64: packed (what writers emit) or one varint per dim (also valid). */
  private readDims(f: PbField, dims: bigint[]): void {
    if (f.wireType === WIRE_LEN) {
      for (const v of readPackedVarints(this.src, f, this.limits.maxDims + 1)) dims.push(asInt64(v));
    } else if (this.expect(f, WIRE_VARINT, "TensorProto.dims")) dims.push(asInt64(f.value));
    if (dims.length > this.limits.maxDims) this.bound("maxDims", this.limits.maxDims, "tensor dimensions");
  }

  /**
   * Typed data: packed (LEN) is what writers emit; an unpacked element is one fixed-width or varint item.
   * Fixed-width packed payloads give their item count from the length; varint ones are not counted.
   */
  private addTypedData(t: OnnxTensor, f: PbField): void {
    const width = FIXED_WIDTH_DATA[f.field];
    let entry = t.typedFields.find((e) => e.field === f.field);
    if (!entry) {
      entry = { field: f.field, bytes: 0, items: 0 };
      t.typedFields.push(entry);
    }
    if (f.wireType === WIRE_LEN) {
      entry.bytes += f.length;
      if (width && entry.items !== null) entry.items += Math.floor(f.length / width);
      else entry.items = null;
      return;
    }
    const wire = width === 4 ? WIRE_I32 : width === 8 ? WIRE_I64 : WIRE_VARINT;
    if (!this.expect(f, wire, "TensorProto typed data")) return;
    if (entry.items !== null) entry.items++;
  }

  private sizeTensor(t: OnnxTensor): void {
    let count = 1n;
    for (const d of t.dims) {
      if (d < 0n) {
        this.anomaly("negative-dim", `tensor '${t.name}' has a negative dimension (${d})`, t.offset);
        return;
      }
      count *= d;
      if (count > 0x7fff_ffff_ffff_ffffn) {
        this.anomaly(
          "size-overflow",
          `tensor '${t.name}': the product of its dimensions [${t.dims.join(", ")}] overflows int64`,
          t.offset,
        );
        return;
      }
    }
    t.elementCount = count;
    if (t.dataType >= ONNX_DATA_TYPES.length || t.dataType < 0)
      this.anomaly(
        "unknown-data-type",
        `tensor '${t.name}' has data type ${t.dataType}, which ONNX does not define`,
        t.offset,
      );
    t.expectedBytes = expectedByteSize(t.dataType, count);
    const kinds = t.typedFields.length + (t.rawDataLength !== null ? 1 : 0);
    if (kinds > 1)
      this.anomaly(
        "several-data-fields",
        `tensor '${t.name}' stores its values in ${kinds} different fields; loaders pick different ones`,
        t.offset,
      );
  }

  private recordOperatorUse(
    domain: string,
    opType: string,
    node: string,
    offset: number,
    scope: Scope,
  ): void {
    const normalized = domain === "ai.onnx" ? "" : domain;
    const key = `${normalized}\u0000${opType}`;
    const inSubgraph = scope.depth > 0;
    const use = this.operators.get(key);
    if (use) {
      use.count++;
      use.inSubgraph ||= inSubgraph;
      return;
    }
    if (this.operators.size >= this.limits.maxDistinctOperators)
      this.bound("maxDistinctOperators", this.limits.maxDistinctOperators, "distinct operators");
    this.operators.set(key, {
      domain: normalized,
      opType,
      count: 1,
      firstNode: node,
      firstOffset: offset,
      firstGraph: scope.graph,
      inSubgraph,
      inFunction: scope.inFunction,
    });
  }

  private addOpset(into: OnnxOpset[], msg: PbField): void {
    if (into.length >= this.limits.maxOpsets) this.bound("maxOpsets", this.limits.maxOpsets, "opset imports");
    let domain = "";
    let version = 0n;
    for (const f of this.fields(msg)) {
      if (f.field === OPSET.domain && this.expect(f, WIRE_LEN, "OperatorSetIdProto.domain"))
        domain = this.string(f);
      else if (f.field === OPSET.version && this.expect(f, WIRE_VARINT, "OperatorSetIdProto.version"))
        version = asInt64(f.value);
    }
    into.push({ domain: domain === "ai.onnx" ? "" : domain, version });
  }

  /** A key/value pair, both strings cut at `cap`; external_data cuts are reported (`reportCut`). */
  private entry(msg: PbField, cap: number, reportCut: boolean): OnnxStringEntry {
    const e: OnnxStringEntry = { key: "", value: "", offset: msg.tagOffset };
    for (const f of this.fields(msg)) {
      if (f.field === ENTRY.key && this.expect(f, WIRE_LEN, "StringStringEntryProto.key"))
        e.key = this.string(f, cap, reportCut);
      else if (f.field === ENTRY.value && this.expect(f, WIRE_LEN, "StringStringEntryProto.value"))
        e.value = this.string(f, cap, reportCut);
    }
    return e;
  }

  private fields(msg: PbField): Generator<PbField> {
    return readFields(this.src, msg.offset, msg.offset + msg.length);
  }

  /** A known field with another wire type is skipped by protobuf parsers (kept as unknown): noted here. */
  private expect(f: PbField, wire: number, what: string): boolean {
    if (f.wireType === wire) return true;
    this.anomaly(
      "wire-type",
      `${what} has wire type ${f.wireType} (expected ${wire}); loaders skip it`,
      f.tagOffset,
    );
    return false;
  }

  /** A string cut at `cap`, so a hostile length costs no memory. */
  private string(f: PbField, cap = this.limits.maxStringBytes, reportCut = false): string {
    if (reportCut && f.length > cap)
      this.anomaly(
        "long-string",
        `a ${f.length}-byte string (field ${f.field}) was cut to ${cap} bytes`,
        f.offset,
      );
    return decoder.decode(this.src.read(f.offset, Math.min(f.length, cap)));
  }

  private anomaly(kind: OnnxAnomalyKind, message: string, offset: number): void {
    if (this.model.anomalies.length < 1000) this.model.anomalies.push({ kind, message, offset });
  }

  private bound(bound: keyof OnnxLimits, limit: number, what: string): never {
    throw new BoundExceededError(`onnx.${bound}`, limit, `the ONNX model has more than ${limit} ${what}`);
  }
}

/**
 * Walks an ONNX model. Never throws for hostile bytes: a structure that breaks (FormatError) or a bound
 * reached (BoundExceededError) ends the walk and is returned in `failure` with what was read before.
 */
export function readOnnxModel(src: ByteSource, limits: OnnxLimits = DEFAULT_ONNX_LIMITS): OnnxModel {
  const walker = new OnnxWalker(src, limits);
  try {
    walker.walkModel();
  } catch (err) {
    if (!(err instanceof FormatError || err instanceof BoundExceededError)) throw err;
    walker.model.failure = err;
  }
  return walker.finish();
}
