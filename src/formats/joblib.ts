/**
 * joblib's on-disk layout: an ordinary pickle stream in which every numpy array is a
 * `joblib.numpy_pickle.NumpyArrayWrapper` object; right after the wrapper's BUILD, joblib's unpickler
 * reads the array itself from the stream — raw bytes for plain dtypes (after an alignment pad in
 * joblib >= 1.2), or a whole separate pickle for object arrays. The opcodes resume after it.
 */
import type { PickleValue } from "./pickle/types.js";
import type { ByteSource } from "./source.js";

export type JoblibArrayExtent =
  /** Plain array bytes end where the opcodes resume. */
  | { kind: "raw"; end: number; bytes: number }
  /** An object array: a complete pickle starts here (scan it; the opcodes resume after its STOP). */
  | { kind: "pickle"; start: number };

const WRAPPER_MODULE = "joblib.numpy_pickle";
const WRAPPERS = new Set(["NumpyArrayWrapper"]);

function strOf(v: PickleValue | undefined): string | undefined {
  return v?.kind === "str" ? v.preview : undefined;
}

function entry(state: PickleValue, key: string): PickleValue | undefined {
  if (state.kind !== "dict") return undefined;
  for (const [k, v] of state.entries) if (k.kind === "str" && k.preview === key) return v;
  return undefined;
}

/** numpy's dtype string ('f8', '<i4', 'U5', 'V24', 'O8', 'b1', 'c16', 'M8') -> bytes per item, or "object". */
export function dtypeItemSize(spec: string): number | "object" | undefined {
  const m = /^[<>|=]?([a-zA-Z])(\d*)/.exec(spec);
  if (!m) return undefined;
  const kind = m[1]!;
  const n = m[2] ? Number(m[2]) : undefined;
  if (kind === "O") return "object";
  if (kind === "U") return n === undefined ? undefined : n * 4;
  if (kind === "?") return 1;
  return n;
}

function dtypeSpec(dtype: PickleValue | undefined): string | undefined {
  // numpy.dtype('f8', False, True), pickled as REDUCE of the numpy.dtype global.
  if (dtype?.kind !== "call") return undefined;
  return strOf(dtype.call.args[0]);
}

/**
 * Where the array a joblib wrapper announces lies in the stream, given the object and state of a BUILD
 * and the position after it. Undefined when the BUILD is not a joblib array wrapper (or its state is
 * not one joblib writes: then the stream is read as a plain pickle and breaks where it breaks).
 */
export function joblibArrayExtent(
  src: ByteSource,
  inst: PickleValue,
  state: PickleValue,
  at: number,
): JoblibArrayExtent | undefined {
  if (inst.kind !== "call") return undefined;
  const cls = inst.call.callee;
  if (cls.kind !== "global" || cls.ref.module !== WRAPPER_MODULE || !WRAPPERS.has(cls.ref.name))
    return undefined;
  const size = dtypeItemSize(dtypeSpec(entry(state, "dtype")) ?? "");
  if (size === "object") return { kind: "pickle", start: at };
  const shape = entry(state, "shape");
  if (size === undefined || shape?.kind !== "tuple") return undefined;
  let count = 1n;
  for (const d of shape.items) {
    if (d.kind !== "int" || d.value < 0n) return undefined;
    count *= d.value;
  }
  const bytes = count * BigInt(size);
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  let start = at;
  // joblib >= 1.2 writes one byte with the pad length, then that many pad bytes, before the data.
  if (entry(state, "numpy_array_alignment_bytes")?.kind === "int") {
    const pad = src.read(at, 1)[0];
    if (pad === undefined) return undefined;
    start = at + 1 + pad;
  }
  return { kind: "raw", end: start + Number(bytes), bytes: Number(bytes) };
}
