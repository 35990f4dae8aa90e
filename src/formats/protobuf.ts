/**
 * A bounded reader of the protocol buffers wire format over a ByteSource. It walks fields without a
 * schema; length-delimited payloads (an ONNX initializer's `raw_data`, a TensorFlow constant) are
 * returned as an offset and a length and read only when a caller asks, so a multi-GB model costs the
 * bytes of its structure, not of its weights.
 */
import { FormatError } from "../errors.js";
import type { ByteSource } from "./source.js";

export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

export interface PbField {
  field: number;
  wireType: 0 | 1 | 2 | 5;
  /** Offset of the tag. */
  tagOffset: number;
  /** VARINT, I64 and I32 values (I64/I32 as raw little-endian bits). */
  value: bigint;
  /** LEN: where the payload starts in the source, and its length. */
  offset: number;
  length: number;
}

/** A varint and the offset after it. Ten bytes at most; anything longer is malformed. */
export function readVarint(src: ByteSource, at: number, end: number): { value: bigint; next: number } {
  const bytes = src.read(at, Math.min(10, end - at));
  let value = 0n;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    value |= BigInt(b & 0x7f) << BigInt(7 * i);
    if ((b & 0x80) === 0) return { value: BigInt.asUintN(64, value), next: at + i + 1 };
  }
  if (bytes.length < 10) throw new FormatError("FORMAT_TRUNCATED", "protobuf varint runs past the end", at);
  throw new FormatError("FORMAT_MALFORMED", "protobuf varint longer than 10 bytes", at);
}

/**
 * Every field of the message in [start, end), in order. Throws FormatError on a bad tag, an unknown or
 * deprecated wire type (groups), or a length past `end`.
 */
export function* readFields(src: ByteSource, start: number, end: number): Generator<PbField> {
  let at = start;
  while (at < end) {
    const tagOffset = at;
    const tag = readVarint(src, at, end);
    at = tag.next;
    const field = Number(tag.value >> 3n);
    const wireType = Number(tag.value & 7n);
    if (field === 0 || field > 536_870_911)
      throw new FormatError("FORMAT_MALFORMED", `protobuf field number ${field} is invalid`, tagOffset);
    switch (wireType) {
      case WIRE_VARINT: {
        const v = readVarint(src, at, end);
        at = v.next;
        yield { field, wireType, tagOffset, value: v.value, offset: 0, length: 0 };
        break;
      }
      case WIRE_I64:
      case WIRE_I32: {
        const n = wireType === WIRE_I64 ? 8 : 4;
        if (at + n > end)
          throw new FormatError("FORMAT_TRUNCATED", "protobuf fixed-width value runs past the end", at);
        const b = src.read(at, n);
        let value = 0n;
        for (let i = n - 1; i >= 0; i--) value = (value << 8n) | BigInt(b[i] ?? 0);
        yield { field, wireType, tagOffset, value, offset: at, length: n };
        at += n;
        break;
      }
      case WIRE_LEN: {
        const len = readVarint(src, at, end);
        at = len.next;
        if (len.value > BigInt(end - at))
          throw new FormatError(
            "FORMAT_TRUNCATED",
            `protobuf field ${field} claims ${len.value} bytes but only ${end - at} remain`,
            tagOffset,
          );
        const length = Number(len.value);
        yield { field, wireType, tagOffset, value: 0n, offset: at, length };
        at += length;
        break;
      }
      default:
        throw new FormatError(
          "FORMAT_MALFORMED",
          `protobuf wire type ${wireType} (field ${field}) is not valid here`,
          tagOffset,
        );
    }
  }
}

/** A LEN field's payload as UTF-8, refused past `maxBytes` so a hostile length cannot take memory. */
export function readString(src: ByteSource, f: PbField, maxBytes: number): string {
  if (f.length > maxBytes)
    throw new FormatError(
      "FORMAT_MALFORMED",
      `protobuf string field ${f.field} is ${f.length} bytes (more than ${maxBytes})`,
      f.offset,
    );
  return new TextDecoder().decode(src.read(f.offset, f.length));
}

/** A varint field as a signed 64-bit integer (int64 fields write negatives as ten-byte varints). */
export function asInt64(value: bigint): bigint {
  return BigInt.asIntN(64, value);
}

/** Packed repeated varints (proto3 default for repeated scalars) in a LEN payload. */
export function readPackedVarints(src: ByteSource, f: PbField, maxItems: number): bigint[] {
  const out: bigint[] = [];
  let at = f.offset;
  const end = f.offset + f.length;
  while (at < end) {
    if (out.length >= maxItems)
      throw new FormatError("FORMAT_MALFORMED", `more than ${maxItems} packed values`, at);
    const v = readVarint(src, at, end);
    out.push(v.value);
    at = v.next;
  }
  return out;
}
