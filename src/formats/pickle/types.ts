/**
 * What the symbolic pickle VM reports. formats/ knows nothing of findings: scan/ turns an analysis into
 * findings using the allow-list. Every offset is relative to the ByteSource the VM was given.
 */

/** A symbolic value on the VM's stack. Byte and string payloads keep a bounded preview, never the whole. */
export type PickleValue =
  | { kind: "none" }
  | { kind: "bool"; value: boolean }
  | { kind: "int"; value: bigint }
  | { kind: "float"; value: number }
  /**
   * `length`/`offset` locate the encoded bytes in the source. `escaped` when those bytes are a protocol-0
   * escaped line (STRING, UNICODE) rather than the raw text. `complete` false when preview is cut.
   */
  | { kind: "str"; preview: string; length: number; offset: number; escaped?: boolean; complete?: boolean }
  | { kind: "bytes"; preview: Uint8Array; length: number; offset: number; bytearray?: boolean }
  | { kind: "tuple"; items: PickleValue[] }
  | { kind: "list"; items: PickleValue[] }
  | { kind: "dict"; entries: [PickleValue, PickleValue][] }
  | { kind: "set"; items: PickleValue[]; frozen: boolean }
  | { kind: "global"; ref: GlobalRef }
  | { kind: "call"; call: PickleCall }
  | { kind: "persid"; pid: PickleValue; offset: number }
  | { kind: "ext"; code: number; offset: number }
  | { kind: "buffer"; offset: number }
  /** Stands in for anything elided to keep memory bounded (very long containers, deep nesting). */
  | { kind: "elided"; what: string };

/** A name the unpickler would import: `find_class(module, name)`. */
export interface GlobalRef {
  /** As written in the stream (before alias normalization). */
  module: string;
  name: string;
  offset: number;
  opcode: "GLOBAL" | "STACK_GLOBAL" | "INST";
  /**
   * STACK_GLOBAL whose operands were not literal strings (e.g. the result of a call): the unpickler
   * imports a name computed at load time. module/name then hold the rendered operands.
   */
  unresolved?: boolean;
}

/** Something loading would invoke. */
export interface PickleCall {
  kind: "reduce" | "newobj" | "newobj_ex" | "obj" | "inst" | "build" | "append" | "setitem";
  offset: number;
  /** What is called (REDUCE's callable, NEWOBJ's class, BUILD's target object, ...). */
  callee: PickleValue;
  args: PickleValue[];
  kwargs?: PickleValue;
  /** For append/setitem on non-containers: the method the unpickler calls (`extend`, `append`, `add`, `__setitem__`). */
  method?: "append" | "extend" | "add" | "__setitem__";
}

export interface PickleError {
  offset: number;
  kind: "truncated" | "malformed" | "bound";
  message: string;
}

/** A bytes argument that a loader would itself unpickle or load (pickle.loads, torch.load, ...). */
export interface NestedPayload {
  /** Offset of the payload bytes in the source. */
  offset: number;
  length: number;
  /** The consumer's qualified name as written, e.g. `torch.storage._load_from_bytes`. */
  consumer: string;
  callOffset: number;
  /** The source bytes are a protocol-0 escaped line, not the raw payload. */
  escaped?: boolean;
}

export interface PickleAnalysis {
  /** Offset where this pickle starts and where its STOP ended (or where reading broke). */
  start: number;
  end: number;
  protocol: number | undefined;
  opcodeCount: number;
  /** Every import, in stream order. */
  globals: GlobalRef[];
  /** Every invocation, in stream order. */
  calls: PickleCall[];
  persistentIds: { offset: number; pid: PickleValue }[];
  nested: NestedPayload[];
  /** EXT1/EXT2/EXT4 codes met (the copyreg registry that would resolve them is empty by default). */
  extensions?: { code: number; offset: number }[];
  /** True when STOP was reached. */
  complete: boolean;
  error?: PickleError;
  /** The value STOP returned, when complete. */
  result?: PickleValue;
}

export interface PickleLimits {
  maxOpcodes: number;
  maxMemo: number;
  maxStackDepth: number;
  /** Container items kept per container before eliding. */
  maxContainerItems: number;
  /** Bytes of a str/bytes argument kept as preview. */
  maxPreview: number;
  /** Longest protocol-0 text line (STRING, UNICODE, GLOBAL...) held to decode it; default 16 MiB. */
  maxLine?: number;
  /** Most entries kept in each of globals / calls / persistentIds before a `bound` error; default 1,000,000. */
  maxRecords?: number;
}

export const DEFAULT_PICKLE_LIMITS: PickleLimits = {
  maxOpcodes: 20_000_000,
  maxMemo: 5_000_000,
  maxStackDepth: 1_000_000,
  maxContainerItems: 10_000,
  maxPreview: 4096,
};
