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
  | { kind: "str"; preview: string; length: number; offset: number }
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
}

/** Something loading would invoke. */
export interface PickleCall {
  kind: "reduce" | "newobj" | "newobj_ex" | "obj" | "inst" | "build" | "append" | "setitem";
  offset: number;
  /** What is called (REDUCE's callable, NEWOBJ's class, BUILD's target object, ...). */
  callee: PickleValue;
  args: PickleValue[];
  kwargs?: PickleValue;
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
}

export const DEFAULT_PICKLE_LIMITS: PickleLimits = {
  maxOpcodes: 50_000_000,
  maxMemo: 5_000_000,
  maxStackDepth: 1_000_000,
  maxContainerItems: 10_000,
  maxPreview: 4096,
};
