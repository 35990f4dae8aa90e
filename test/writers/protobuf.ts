/**
 * A protocol buffers wire-format encoder for tests: messages are built field by field, so tests can
 * write valid files (ONNX, SavedModel, GraphDef) and break them on purpose (lengths, wire types).
 */
export type PbValue =
  | { kind: "varint"; field: number; value: bigint | number }
  | { kind: "len"; field: number; bytes: Uint8Array }
  | { kind: "i32"; field: number; bytes: Uint8Array }
  | { kind: "i64"; field: number; bytes: Uint8Array }
  | { kind: "raw"; bytes: Uint8Array };

export function varintBytes(v: bigint | number): Uint8Array {
  let x = BigInt.asUintN(64, BigInt(v));
  const out: number[] = [];
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x > 0n) b |= 0x80;
    out.push(b);
  } while (x > 0n);
  return Uint8Array.from(out);
}

const tag = (field: number, wire: number) => varintBytes((BigInt(field) << 3n) | BigInt(wire));

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A message: call the field methods in order, then `bytes()`. */
export class Pb {
  private readonly parts: Uint8Array[] = [];

  varint(field: number, value: bigint | number): this {
    this.parts.push(tag(field, 0), varintBytes(value));
    return this;
  }

  /** A length-delimited field: bytes, a string (UTF-8) or a nested message. */
  len(field: number, value: Uint8Array | string | Pb): this {
    const bytes =
      typeof value === "string"
        ? new TextEncoder().encode(value)
        : value instanceof Pb
          ? value.bytes()
          : value;
    this.parts.push(tag(field, 2), varintBytes(bytes.length), bytes);
    return this;
  }

  /** A length-delimited field whose payload is `length` zero bytes, without building it twice. */
  lenZeros(field: number, length: number): this {
    this.parts.push(tag(field, 2), varintBytes(length), new Uint8Array(length));
    return this;
  }

  packedVarints(field: number, values: (bigint | number)[]): this {
    return this.len(field, concat(values.map(varintBytes)));
  }

  float(field: number, value: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.parts.push(tag(field, 5), b);
    return this;
  }

  fixed64(field: number, value: bigint): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, value), true);
    this.parts.push(tag(field, 1), b);
    return this;
  }

  /** Bytes as they are, for malformed input. */
  raw(bytes: Uint8Array | number[]): this {
    this.parts.push(Uint8Array.from(bytes));
    return this;
  }

  bytes(): Uint8Array {
    return concat(this.parts);
  }
}

export const pb = () => new Pb();
