/**
 * A small flatbuffer writer for TFLite test models, written front to back: a table's vtable goes just
 * before it, its children after it, and every offset slot is patched once the child's place is known
 * (uoffsets always point forward, as in files the converter writes). Field ids follow schema.fbs
 * (see src/formats/tflite.ts).
 */

export type FbValue =
  | { t: "u8" | "i8"; v: number }
  | { t: "u32" | "i32"; v: number }
  | { t: "u64"; v: bigint }
  | { t: "table"; v: FbTable }
  | { t: "string"; v: string }
  | { t: "bytes"; v: Uint8Array }
  | { t: "ints"; v: number[] }
  | { t: "tables"; v: FbTable[] };

/** Field id -> value; absent ids are left out of the vtable (default values). */
export type FbTable = Record<number, FbValue>;

export const fb = {
  u8: (v: number): FbValue => ({ t: "u8", v }),
  i8: (v: number): FbValue => ({ t: "i8", v }),
  u32: (v: number): FbValue => ({ t: "u32", v }),
  i32: (v: number): FbValue => ({ t: "i32", v }),
  u64: (v: bigint): FbValue => ({ t: "u64", v }),
  table: (v: FbTable): FbValue => ({ t: "table", v }),
  str: (v: string): FbValue => ({ t: "string", v }),
  bytes: (v: Uint8Array): FbValue => ({ t: "bytes", v }),
  ints: (v: number[]): FbValue => ({ t: "ints", v }),
  tables: (v: FbTable[]): FbValue => ({ t: "tables", v }),
};

class Out {
  bytes: number[] = [];
  get pos() {
    return this.bytes.length;
  }
  align(n: number) {
    while (this.bytes.length % n !== 0) this.bytes.push(0);
  }
  u16(v: number) {
    this.bytes.push(v & 0xff, (v >> 8) & 0xff);
  }
  u32(v: number) {
    this.bytes.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  }
  put32(at: number, v: number) {
    for (let i = 0; i < 4; i++) this.bytes[at + i] = (v >>> (8 * i)) & 0xff;
  }
}

const inlineSize = (v: FbValue) => (v.t === "u8" || v.t === "i8" ? 1 : v.t === "u64" ? 8 : 4);

function writeTable(out: Out, table: FbTable): number {
  const ids = Object.keys(table)
    .map(Number)
    .sort((a, b) => a - b);
  const slots = ids.length === 0 ? 0 : ids[ids.length - 1]! + 1;
  // Table layout: soffset, then fields largest first so each stays aligned.
  const order = [...ids].sort((a, b) => inlineSize(table[b]!) - inlineSize(table[a]!));
  const offsets = new Map<number, number>();
  let size = 4;
  for (const id of order) {
    const n = inlineSize(table[id]!);
    size = Math.ceil(size / n) * n;
    offsets.set(id, size);
    size += n;
  }
  // vtable (u16s), then the table at an 8-aligned position.
  out.align(2);
  const vtableSize = 4 + 2 * slots;
  while ((out.pos + vtableSize) % 8 !== 0) out.bytes.push(0);
  const vtable = out.pos;
  out.u16(vtableSize);
  out.u16(size);
  for (let id = 0; id < slots; id++) out.u16(offsets.get(id) ?? 0);
  const at = out.pos;
  out.u32(at - vtable);
  for (let i = 4; i < size; i++) out.bytes.push(0);
  const pending: [number, FbValue][] = [];
  for (const id of ids) {
    const v = table[id]!;
    const p = at + offsets.get(id)!;
    if (v.t === "u8" || v.t === "i8") out.bytes[p] = v.v & 0xff;
    else if (v.t === "u32" || v.t === "i32") out.put32(p, v.v >>> 0);
    else if (v.t === "u64") {
      out.put32(p, Number(v.v & 0xffff_ffffn));
      out.put32(p + 4, Number(v.v >> 32n));
    } else pending.push([p, v]);
  }
  for (const [slot, v] of pending) out.put32(slot, writeRef(out, v) - slot);
  return at;
}

/** Writes a referenced object after everything so far; returns where it starts. */
function writeRef(out: Out, v: FbValue): number {
  switch (v.t) {
    case "table":
      return writeTable(out, v.v);
    case "string": {
      out.align(4);
      const at = out.pos;
      const b = new TextEncoder().encode(v.v);
      out.u32(b.length);
      out.bytes.push(...b, 0);
      return at;
    }
    case "bytes": {
      // Buffer data is 16-byte aligned (schema.fbs force_align).
      while ((out.pos + 4) % 16 !== 0) out.bytes.push(0);
      const at = out.pos;
      out.u32(v.v.length);
      for (const x of v.v) out.bytes.push(x);
      return at;
    }
    case "ints": {
      out.align(4);
      const at = out.pos;
      out.u32(v.v.length);
      for (const x of v.v) out.u32(x >>> 0);
      return at;
    }
    case "tables": {
      out.align(4);
      const at = out.pos;
      out.u32(v.v.length);
      const slots = v.v.map(() => {
        const s = out.pos;
        out.u32(0);
        return s;
      });
      for (const [i, t] of v.v.entries()) out.put32(slots[i]!, writeTable(out, t) - slots[i]!);
      return at;
    }
    default:
      throw new Error(`not a reference: ${v.t}`);
  }
}

/** A flatbuffer with the TFLite file identifier. */
export function buildFlatbuffer(root: FbTable, identifier = "TFL3"): Uint8Array {
  const out = new Out();
  out.u32(0);
  for (const c of identifier) out.bytes.push(c.charCodeAt(0));
  out.put32(0, writeTable(out, root));
  return Uint8Array.from(out.bytes);
}

export const BUILTIN = {
  ADD: 0,
  CONV_2D: 3,
  FULLY_CONNECTED: 9,
  RESHAPE: 22,
  SOFTMAX: 25,
  CUSTOM: 32,
} as const;

export interface OpSpec {
  /** A builtin code, or a custom code string (builtin CUSTOM). */
  op: number | string;
  inputs: number[];
  outputs: number[];
}

const opcode = (op: number | string): FbTable =>
  typeof op === "number"
    ? { 0: fb.i8(Math.min(op, 127)), 2: fb.i32(1), 3: fb.i32(op) }
    : { 0: fb.i8(BUILTIN.CUSTOM), 1: fb.str(op), 2: fb.i32(1), 3: fb.i32(BUILTIN.CUSTOM) };

const tensor = (name: string, shape: number[], buffer: number): FbTable => ({
  0: fb.ints(shape),
  1: fb.i8(0), // FLOAT32
  2: fb.u32(buffer),
  3: fb.str(name),
});

const weights = (n: number) => {
  const b = new Uint8Array(4 * n);
  const dv = new DataView(b.buffer);
  for (let i = 0; i < n; i++) dv.setFloat32(4 * i, Math.cos(i) * 0.05, true);
  return b;
};

/**
 * A small image classifier as the TFLite converter writes it: CONV_2D, RESHAPE, FULLY_CONNECTED,
 * SOFTMAX, weight buffers, conversion metadata and a serving signature. `extraOps` are appended to the
 * subgraph (custom codes get their own operator code).
 */
export function tfliteModel(
  options: { extraOps?: OpSpec[]; patch?: (model: FbTable) => void } = {},
): Uint8Array {
  const ops: OpSpec[] = [
    { op: BUILTIN.CONV_2D, inputs: [0, 1, 2], outputs: [3] },
    { op: BUILTIN.RESHAPE, inputs: [3, 4], outputs: [5] },
    { op: BUILTIN.FULLY_CONNECTED, inputs: [5, 6, 7], outputs: [8] },
    { op: BUILTIN.SOFTMAX, inputs: [8], outputs: [9] },
    ...(options.extraOps ?? []),
  ];
  const codes: (number | string)[] = [];
  for (const o of ops) if (!codes.includes(o.op)) codes.push(o.op);
  const tensors = [
    tensor("serving_default_input:0", [1, 8, 8, 1], 1),
    tensor("conv/kernel", [4, 3, 3, 1], 2),
    tensor("conv/bias", [4], 3),
    tensor("conv/Relu", [1, 6, 6, 4], 0),
    tensor("flatten/Const", [2], 4),
    tensor("flatten/Reshape", [1, 144], 0),
    tensor("dense/MatMul", [10, 144], 5),
    tensor("dense/bias", [10], 6),
    tensor("dense/BiasAdd", [1, 10], 0),
    tensor("StatefulPartitionedCall:0", [1, 10], 0),
  ];
  const model: FbTable = {
    0: fb.u32(3),
    1: fb.tables(codes.map(opcode)),
    2: fb.tables([
      {
        0: fb.tables(tensors),
        1: fb.ints([0]),
        2: fb.ints([9]),
        3: fb.tables(
          ops.map((o) => {
            const t: FbTable = {
              0: fb.u32(codes.indexOf(o.op)),
              1: fb.ints(o.inputs),
              2: fb.ints(o.outputs),
            };
            if (o.op === BUILTIN.CONV_2D) {
              t[3] = fb.u8(1); // BuiltinOptions.Conv2DOptions
              t[4] = fb.table({ 0: fb.i8(1), 1: fb.i32(1), 2: fb.i32(1), 3: fb.i8(1) });
            }
            if (typeof o.op === "string") t[5] = fb.bytes(new Uint8Array([0x00, 0x01, 0x02, 0x03]));
            return t;
          }),
        ),
        4: fb.str("main"),
      },
    ]),
    3: fb.str("MLIR Converted."),
    4: fb.tables([
      {},
      {},
      { 0: fb.bytes(weights(36)) },
      { 0: fb.bytes(weights(4)) },
      { 0: fb.bytes(new Uint8Array([0xff, 0xff, 0xff, 0xff, 144, 0, 0, 0])) },
      { 0: fb.bytes(weights(1440)) },
      { 0: fb.bytes(weights(10)) },
      { 0: fb.bytes(new TextEncoder().encode("1.14.0\0\0\0\0\0\0\0\0\0\0")) },
      { 0: fb.bytes(new Uint8Array([0x0c, 0, 0, 0, 0x08, 0, 0x0c, 0, 0x04, 0, 0x08, 0])) },
    ]),
    6: fb.tables([
      { 0: fb.str("min_runtime_version"), 1: fb.u32(7) },
      { 0: fb.str("CONVERSION_METADATA"), 1: fb.u32(8) },
    ]),
    7: fb.tables([
      {
        0: fb.tables([{ 0: fb.str("input"), 1: fb.u32(0) }]),
        1: fb.tables([{ 0: fb.str("output_0"), 1: fb.u32(9) }]),
        2: fb.str("serving_default"),
        4: fb.u32(0),
      },
    ]),
  };
  options.patch?.(model);
  return buildFlatbuffer(model);
}
