/**
 * ONNX models written field by field the way onnx's C++ serializer (`onnx.save_model`, which
 * `torch.onnx.export` calls) lays them out: fields in field-number order, proto2 repeated scalars unpacked
 * (`dims`, attribute `ints`) except the `[packed = true]` typed data fields, optional strings written even
 * when empty (opset domain ""). External data follows `save_as_external_data=True`: tensor bytes appended
 * to one file, entries location/offset/length as strings, `data_location = EXTERNAL`, raw_data cleared.
 * Every field can be bent for the tricks the scanner must catch.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Pb, pb } from "./protobuf.js";

export const DT = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  COMPLEX64: 14,
  BFLOAT16: 16,
  INT4: 22,
} as const;

const BITS: Record<number, number> = {
  1: 32,
  2: 8,
  3: 8,
  6: 32,
  7: 64,
  9: 8,
  10: 16,
  11: 64,
  14: 64,
  16: 16,
  22: 4,
};

export interface ExternalSpec {
  /** File name the entry names (default `model.onnx.data`); anything, for traversal tricks; null: no entry. */
  location?: string | null;
  /** Entry values as written; numbers become strings. Default: where the bytes were appended. */
  offset?: number | string | null;
  length?: number | string | null;
  /** Extra or repeated entries, written after the standard ones. */
  extraEntries?: [string, string][];
  /** Leave the bytes out of the external file (the entry then points past its end or nowhere). */
  skipBytes?: boolean;
  /** data_location value; default EXTERNAL (1). */
  dataLocation?: number;
}

export interface TensorSpec {
  name: string;
  dims: number[];
  dataType?: number;
  /** Raw bytes; default zeros of the size dims × dtype declare. */
  data?: Uint8Array;
  /** Store in an external file instead of raw_data. */
  external?: ExternalSpec;
  /** float_data values instead of raw_data. */
  floatData?: number[];
  /** string_data entries (STRING tensors). */
  stringData?: string[];
  /** Write dims packed (valid protobuf, not what onnx writes). */
  packedDims?: boolean;
}

export interface ValueInfoSpec {
  name: string;
  elemType?: number;
  shape?: (number | string)[];
}

export interface AttributeSpec {
  name: string;
  int?: number;
  float?: number;
  string?: string;
  ints?: number[];
  tensor?: TensorSpec;
  graph?: GraphSpec;
  graphs?: GraphSpec[];
}

export interface NodeSpec {
  opType: string;
  domain?: string;
  name?: string;
  inputs?: string[];
  outputs?: string[];
  attributes?: AttributeSpec[];
}

export interface SparseSpec {
  values: TensorSpec;
  indices: TensorSpec;
  dims: number[];
}

export interface GraphSpec {
  name?: string;
  nodes: NodeSpec[];
  initializers?: TensorSpec[];
  sparseInitializers?: SparseSpec[];
  inputs?: ValueInfoSpec[];
  outputs?: ValueInfoSpec[];
  valueInfo?: ValueInfoSpec[];
}

export interface OpsetSpec {
  domain: string;
  version: number;
}

export interface FunctionSpec {
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  nodes: NodeSpec[];
  opsets: OpsetSpec[];
}

export interface ModelSpec {
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  opsets?: OpsetSpec[];
  graph: GraphSpec;
  metadata?: [string, string][];
  functions?: FunctionSpec[];
  trainingInfo?: { initialization?: GraphSpec; algorithm?: GraphSpec }[];
}

export interface WriteOptions {
  /** Pad each external tensor to this offset multiple (onnx >= 1.15 aligns large tensors to 4096). */
  align?: number;
}

export function tensorBytes(dataType: number, dims: number[]): number {
  const n = dims.reduce((a, b) => a * b, 1);
  return Math.ceil((n * (BITS[dataType] ?? 8)) / 8);
}

/** Builds a model and the external files its tensors name. */
export class OnnxWriter {
  readonly external = new Map<string, Uint8Array[]>();
  private readonly externalSize = new Map<string, number>();
  constructor(private readonly options: WriteOptions = {}) {}

  model(spec: ModelSpec): Uint8Array {
    const m = pb().varint(1, spec.irVersion ?? 8);
    m.len(2, spec.producerName ?? "pytorch");
    m.len(3, spec.producerVersion ?? "2.1.0");
    m.len(7, this.graph(spec.graph));
    for (const o of spec.opsets ?? [{ domain: "", version: 17 }]) m.len(8, opset(o));
    for (const [k, v] of spec.metadata ?? []) m.len(14, pb().len(1, k).len(2, v));
    for (const t of spec.trainingInfo ?? []) {
      const ti = pb();
      if (t.initialization) ti.len(1, this.graph(t.initialization));
      if (t.algorithm) ti.len(2, this.graph(t.algorithm));
      m.len(20, ti);
    }
    for (const f of spec.functions ?? []) m.len(25, this.func(f));
    return m.bytes();
  }

  graph(g: GraphSpec): Pb {
    const out = pb();
    for (const n of g.nodes) out.len(1, this.node(n));
    out.len(2, g.name ?? "main_graph");
    for (const t of g.initializers ?? []) out.len(5, this.tensor(t));
    for (const v of g.inputs ?? []) out.len(11, valueInfo(v));
    for (const v of g.outputs ?? []) out.len(12, valueInfo(v));
    for (const v of g.valueInfo ?? []) out.len(13, valueInfo(v));
    for (const s of g.sparseInitializers ?? []) {
      const sp = pb().len(1, this.tensor(s.values)).len(2, this.tensor(s.indices));
      for (const d of s.dims) sp.varint(3, d);
      out.len(15, sp);
    }
    return out;
  }

  node(n: NodeSpec): Pb {
    const out = pb();
    for (const i of n.inputs ?? []) out.len(1, i);
    for (const o of n.outputs ?? []) out.len(2, o);
    if (n.name !== undefined) out.len(3, n.name);
    out.len(4, n.opType);
    for (const a of n.attributes ?? []) out.len(5, this.attribute(a));
    if (n.domain !== undefined) out.len(7, n.domain);
    return out;
  }

  attribute(a: AttributeSpec): Pb {
    const out = pb().len(1, a.name);
    let type = 0;
    if (a.float !== undefined) {
      out.float(2, a.float);
      type = 1;
    }
    if (a.int !== undefined) {
      out.varint(3, a.int);
      type = 2;
    }
    if (a.string !== undefined) {
      out.len(4, a.string);
      type = 3;
    }
    if (a.tensor) {
      out.len(5, this.tensor(a.tensor));
      type = 4;
    }
    if (a.graph) {
      out.len(6, this.graph(a.graph));
      type = 5;
    }
    if (a.ints) {
      for (const i of a.ints) out.varint(8, i);
      type = 7;
    }
    if (a.graphs) {
      for (const g of a.graphs) out.len(11, this.graph(g));
      type = 10;
    }
    return out.varint(20, type);
  }

  tensor(t: TensorSpec): Pb {
    const dataType = t.dataType ?? DT.FLOAT;
    const out = pb();
    if (t.packedDims) out.packedVarints(1, t.dims);
    else for (const d of t.dims) out.varint(1, d);
    out.varint(2, dataType);
    if (t.floatData) {
      const b = new Uint8Array(4 * t.floatData.length);
      const view = new DataView(b.buffer);
      t.floatData.forEach((v, i) => {
        view.setFloat32(4 * i, v, true);
      });
      out.len(4, b);
    }
    for (const s of t.stringData ?? []) out.len(6, s);
    out.len(8, t.name);
    const data =
      t.data ?? (t.floatData || t.stringData ? null : new Uint8Array(tensorBytes(dataType, t.dims)));
    if (t.external) {
      const e = t.external;
      const location = e.location === undefined ? "model.onnx.data" : e.location;
      let offset = 0;
      if (!e.skipBytes && data && location !== null) offset = this.append(location, data);
      const entries: [string, string][] = location === null ? [] : [["location", location]];
      const off = e.offset === undefined ? offset : e.offset;
      const len = e.length === undefined ? (data?.length ?? 0) : e.length;
      if (off !== null) entries.push(["offset", String(off)]);
      if (len !== null) entries.push(["length", String(len)]);
      for (const [k, v] of [...entries, ...(e.extraEntries ?? [])]) out.len(13, pb().len(1, k).len(2, v));
      out.varint(14, e.dataLocation ?? 1);
    } else if (data) {
      out.len(9, data);
    }
    return out;
  }

  func(f: FunctionSpec): Pb {
    const out = pb().len(1, f.name);
    for (const i of f.inputs) out.len(4, i);
    for (const o of f.outputs) out.len(5, o);
    for (const n of f.nodes) out.len(7, this.node(n));
    for (const o of f.opsets) out.len(9, opset(o));
    return out.len(10, f.domain);
  }

  /** Appends at the end of the external file (aligned when asked), as save_external_data does. */
  private append(location: string, data: Uint8Array): number {
    const chunks = this.external.get(location) ?? [];
    let size = this.externalSize.get(location) ?? 0;
    const align = this.options.align ?? 0;
    if (align > 0 && size % align !== 0) {
      const pad = align - (size % align);
      chunks.push(new Uint8Array(pad));
      size += pad;
    }
    chunks.push(data);
    this.external.set(location, chunks);
    this.externalSize.set(location, size + data.length);
    return size;
  }

  externalFiles(): Map<string, Uint8Array> {
    const out = new Map<string, Uint8Array>();
    for (const [name, chunks] of this.external) out.set(name, Buffer.concat(chunks));
    return out;
  }
}

function opset(o: OpsetSpec): Pb {
  return pb().len(1, o.domain).varint(2, o.version);
}

function valueInfo(v: ValueInfoSpec): Pb {
  const shape = pb();
  for (const d of v.shape ?? []) shape.len(1, typeof d === "number" ? pb().varint(1, d) : pb().len(2, d));
  const tensorType = pb()
    .varint(1, v.elemType ?? DT.FLOAT)
    .len(2, shape);
  return pb().len(1, v.name).len(2, pb().len(1, tensorType));
}

/** Writes the model and its external files into `dir`; returns the model's path. */
export function writeOnnx(
  dir: string,
  fileName: string,
  spec: ModelSpec,
  options: WriteOptions = {},
): string {
  const w = new OnnxWriter(options);
  const bytes = w.model(spec);
  const path = join(dir, fileName);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  for (const [location, data] of w.externalFiles()) {
    // Only plain relative names are written; traversal tricks name files the test places itself.
    if (
      location.includes("..") ||
      location.startsWith("/") ||
      location.includes("\0") ||
      location.includes("\\")
    )
      continue;
    const target = join(dir, location);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data);
  }
  return path;
}

/** Options for `mlpSpec`: the tricks are applied to its tensors and nodes. */
export interface MlpOptions {
  /** Put every initializer in external data (location `model.onnx.data` unless given). */
  external?: ExternalSpec | boolean;
  /** Override fields of the first weight's external spec. */
  firstExternal?: ExternalSpec;
  hidden?: number;
  opset?: number;
  extraNodes?: NodeSpec[];
  extraOpsets?: OpsetSpec[];
}

/**
 * A two-layer MLP as `torch.onnx.export(nn.Sequential(Linear, ReLU, Linear), x)` writes it: node names
 * `/0/Gemm`, initializers `0.weight`..., a dynamic batch dim, producer pytorch, opset 17, IR 8.
 */
export function mlpSpec(options: MlpOptions = {}): ModelSpec {
  const hidden = options.hidden ?? 16;
  const ext: ExternalSpec | undefined =
    options.external === true ? {} : options.external === false ? undefined : options.external;
  const weight = (name: string, dims: number[], first = false): TensorSpec => {
    const data = new Uint8Array(tensorBytes(DT.FLOAT, dims));
    const view = new DataView(data.buffer);
    // Exactly representable values (the same formula as scripts/gen-real-onnx-fixtures.py).
    for (let i = 0; i < data.length / 4; i++)
      view.setFloat32(4 * i, (((i * 7 + name.length) % 13) - 6) / 16, true);
    return {
      name,
      dims,
      data,
      external: ext ? { ...ext, ...(first ? options.firstExternal : {}) } : undefined,
    };
  };
  return {
    irVersion: 8,
    producerName: "pytorch",
    producerVersion: "2.1.0",
    opsets: [{ domain: "", version: options.opset ?? 17 }, ...(options.extraOpsets ?? [])],
    graph: {
      name: "main_graph",
      nodes: [
        {
          opType: "Gemm",
          name: "/0/Gemm",
          inputs: ["input", "0.weight", "0.bias"],
          outputs: ["/0/Gemm_output_0"],
          attributes: [
            { name: "alpha", float: 1 },
            { name: "beta", float: 1 },
            { name: "transB", int: 1 },
          ],
        },
        { opType: "Relu", name: "/1/Relu", inputs: ["/0/Gemm_output_0"], outputs: ["/1/Relu_output_0"] },
        {
          opType: "Gemm",
          name: "/2/Gemm",
          inputs: ["/1/Relu_output_0", "2.weight", "2.bias"],
          outputs: ["output"],
          attributes: [
            { name: "alpha", float: 1 },
            { name: "beta", float: 1 },
            { name: "transB", int: 1 },
          ],
        },
        ...(options.extraNodes ?? []),
      ],
      initializers: [
        weight("0.weight", [hidden, 4], true),
        weight("0.bias", [hidden]),
        weight("2.weight", [2, hidden]),
        weight("2.bias", [2]),
      ],
      inputs: [{ name: "input", shape: ["batch", 4] }],
      outputs: [{ name: "output", shape: ["batch", 2] }],
    },
  };
}
