/**
 * The symbolic pickle VM. It follows CPython's C unpickler (`Modules/_pickle.c`) opcode by opcode: the
 * object stack with a mark stack and a fence (popping below the current mark is an error), the memo,
 * FRAME's availability check, and the calls loading would make. Nothing is imported or executed: each
 * import is recorded as a GlobalRef and each invocation as a PickleCall with the opcode's byte offset.
 */
import type { ByteSource } from "../source.js";
import { Cursor, type OpArg, type PickleOp, readOp } from "./disassemble.js";
import { HIGHEST_PROTOCOL, OPCODE_BY_CODE } from "./opcodes.js";
import { renderValue } from "./repr.js";
import {
  DEFAULT_PICKLE_LIMITS,
  type GlobalRef,
  type NestedPayload,
  type PickleAnalysis,
  type PickleCall,
  type PickleError,
  type PickleLimits,
  type PickleValue,
} from "./types.js";

export const DEFAULT_MAX_RECORDS = 1_000_000;
const NESTED_SCAN_DEPTH = 4;

class VmFail {
  constructor(
    readonly kind: PickleError["kind"],
    readonly message: string,
  ) {}
}

type Kind = PickleValue["kind"];
/** Kinds whose Python type is known exactly (as opposed to the result of a call, a global, ...). */
const DEFINITE: ReadonlySet<Kind> = new Set<Kind>([
  "none",
  "bool",
  "int",
  "float",
  "str",
  "bytes",
  "tuple",
  "list",
  "dict",
  "set",
]);

function pyType(v: PickleValue): string {
  switch (v.kind) {
    case "none":
      return "NoneType";
    case "bytes":
      return v.bytearray ? "bytearray" : "bytes";
    case "set":
      return v.frozen ? "frozenset" : "set";
    default:
      return v.kind;
  }
}

function qualified(v: PickleValue): string | undefined {
  return v.kind === "global" ? `${v.ref.module}.${v.ref.name}` : undefined;
}

function primitiveKey(v: PickleValue): string | undefined {
  switch (v.kind) {
    case "none":
      return "N";
    case "bool":
      return `i${v.value ? 1 : 0}`;
    case "int":
      return `i${v.value}`;
    case "str":
      return v.complete === false ? undefined : `s${v.preview}`;
    default:
      return undefined;
  }
}

function looksNested(b: Uint8Array): boolean {
  if (b.length < 2) return false;
  if (b[0] === 0x80 && b[1]! <= 5) return true;
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 3 && b[3] === 4;
}

function isLoader(name: string | undefined): boolean {
  if (!name) return false;
  return name.endsWith("loads") || name.endsWith("load") || name.endsWith("_load_from_bytes");
}

class Vm {
  readonly stack: PickleValue[] = [];
  readonly marks: number[] = [];
  fence = 0;
  readonly memo = new Map<number, PickleValue>();
  readonly globals: GlobalRef[] = [];
  readonly calls: PickleCall[] = [];
  readonly persistentIds: { offset: number; pid: PickleValue }[] = [];
  readonly nested: NestedPayload[] = [];
  readonly extensions: { code: number; offset: number }[] = [];
  /** The object and state of the BUILD just run, for PickleHooks.afterBuild. */
  lastBuild: { inst: PickleValue; state: PickleValue } | undefined;
  protocol: number | undefined;
  private readonly maxRecords: number;

  constructor(
    readonly limits: PickleLimits,
    readonly size: number,
  ) {
    this.maxRecords = limits.maxRecords ?? DEFAULT_MAX_RECORDS;
  }

  private underflow(): VmFail {
    return new VmFail(
      "malformed",
      this.marks.length ? "unexpected MARK found" : "unpickling stack underflow",
    );
  }

  push(v: PickleValue): void {
    if (this.stack.length >= this.limits.maxStackDepth) {
      throw new VmFail("bound", `stack depth exceeds ${this.limits.maxStackDepth}`);
    }
    this.stack.push(v);
  }

  pop(): PickleValue {
    if (this.stack.length <= this.fence) throw this.underflow();
    return this.stack.pop()!;
  }

  top(): PickleValue {
    if (this.stack.length <= this.fence) throw this.underflow();
    return this.stack[this.stack.length - 1]!;
  }

  marker(): number {
    const mark = this.marks.pop();
    if (mark === undefined) throw new VmFail("malformed", "could not find MARK");
    this.fence = this.marks.at(-1) ?? 0;
    return mark;
  }

  /** Pdata_poptuple / Pdata_poplist: everything from `start` up. */
  popFrom(start: number): PickleValue[] {
    if (start < this.fence) throw this.underflow();
    return this.stack.splice(start);
  }

  bounded(items: PickleValue[]): PickleValue[] {
    const max = this.limits.maxContainerItems;
    if (items.length <= max) return items;
    const kept = items.slice(0, max);
    kept.push({ kind: "elided", what: `${items.length - max} more items` });
    return kept;
  }

  addItems(target: PickleValue[], items: PickleValue[]): void {
    const max = this.limits.maxContainerItems;
    for (const it of items) {
      if (target.length < max) target.push(it);
      else {
        const last = target[target.length - 1];
        if (last?.kind !== "elided") target.push({ kind: "elided", what: "more items" });
        return;
      }
    }
  }

  record<T>(list: T[], item: T): void {
    if (list.length >= this.maxRecords) throw new VmFail("bound", `more than ${this.maxRecords} records`);
    list.push(item);
  }

  global(ref: GlobalRef): PickleValue {
    this.record(this.globals, ref);
    return { kind: "global", ref };
  }

  call(c: PickleCall): PickleValue {
    this.record(this.calls, c);
    this.findNested(c);
    return { kind: "call", call: c };
  }

  /** Bytes arguments that a loader would itself load. */
  private findNested(c: PickleCall): void {
    const consumerName = qualified(c.callee);
    const loader = c.kind !== "build" && isLoader(consumerName ?? undefined);
    const consumer =
      consumerName ?? (c.kind === "build" ? "__setstate__" : renderValue(c.callee).slice(0, 200));
    const seen = new Set<object>();
    const visit = (v: PickleValue, depth: number) => {
      if (seen.has(v) || depth > NESTED_SCAN_DEPTH) return;
      seen.add(v);
      switch (v.kind) {
        case "bytes":
          if ((loader && v.length > 0) || (v.length >= 2 && looksNested(v.preview))) {
            this.record(this.nested, { offset: v.offset, length: v.length, consumer, callOffset: c.offset });
          }
          return;
        case "str":
          if (loader && v.length > 0) {
            const n: NestedPayload = { offset: v.offset, length: v.length, consumer, callOffset: c.offset };
            if (v.escaped) n.escaped = true;
            this.record(this.nested, n);
          }
          return;
        case "tuple":
        case "list":
        case "set":
          for (const it of v.items) visit(it, depth + 1);
          return;
        case "dict":
          for (const [, val] of v.entries) visit(val, depth + 1);
          return;
        default:
          return;
      }
    };
    for (const a of c.args) visit(a, 0);
    if (c.kwargs) visit(c.kwargs, 0);
  }

  doAppend(x: number, offset: number): void {
    const len = this.stack.length;
    if (x > len || x <= this.fence) throw this.underflow();
    if (len === x) return;
    const target = this.stack[x - 1]!;
    const items = this.stack.splice(x);
    if (target.kind === "list") {
      this.addItems(target.items, items);
      return;
    }
    if (DEFINITE.has(target.kind) && !(target.kind === "bytes" && target.bytearray)) {
      throw new VmFail("malformed", `'${pyType(target)}' object has no attribute 'append'`);
    }
    this.call({
      kind: "append",
      method: "extend",
      offset,
      callee: target,
      args: [{ kind: "list", items: this.bounded(items) }],
    });
  }

  doSetItems(x: number, offset: number): void {
    const len = this.stack.length;
    if (x > len || x <= this.fence) throw this.underflow();
    if (len === x) return;
    if ((len - x) % 2 !== 0) throw new VmFail("malformed", "odd number of items for SETITEMS");
    const target = this.stack[x - 1]!;
    const items = this.stack.splice(x);
    if (target.kind === "dict") {
      for (let i = 0; i < items.length; i += 2) this.setEntry(target.entries, items[i]!, items[i + 1]!);
      return;
    }
    if (
      DEFINITE.has(target.kind) &&
      target.kind !== "list" &&
      !(target.kind === "bytes" && target.bytearray)
    ) {
      throw new VmFail("malformed", `'${pyType(target)}' object does not support item assignment`);
    }
    for (let i = 0; i < items.length; i += 2) {
      this.call({
        kind: "setitem",
        method: "__setitem__",
        offset,
        callee: target,
        args: [items[i]!, items[i + 1]!],
      });
    }
  }

  setEntry(entries: [PickleValue, PickleValue][], k: PickleValue, v: PickleValue): void {
    const key = primitiveKey(k);
    if (key !== undefined) {
      // Linear only over the bounded entry list.
      for (const e of entries) {
        if (primitiveKey(e[0]) === key) {
          e[1] = v;
          return;
        }
      }
    }
    if (entries.length < this.limits.maxContainerItems) entries.push([k, v]);
    else if (entries.length === this.limits.maxContainerItems) {
      entries.push([
        { kind: "elided", what: "more entries" },
        { kind: "elided", what: "more entries" },
      ]);
    }
  }

  memoPut(idx: number, v: PickleValue): void {
    if (!this.memo.has(idx) && this.memo.size >= this.limits.maxMemo) {
      throw new VmFail("bound", `memo exceeds ${this.limits.maxMemo} entries`);
    }
    this.memo.set(idx, v);
  }

  memoGet(idx: bigint): PickleValue {
    const v = idx >= 0n && idx <= BigInt(Number.MAX_SAFE_INTEGER) ? this.memo.get(Number(idx)) : undefined;
    if (v === undefined) throw new VmFail("malformed", `Memo value not found at index ${idx}`);
    return v;
  }

  step(op: PickleOp): boolean {
    const a = op.arg;
    const at = op.offset;
    switch (op.name) {
      case "PROTO": {
        const p = Number(intArg(a));
        if (p > HIGHEST_PROTOCOL) throw new VmFail("malformed", `unsupported pickle protocol: ${p}`);
        if (this.protocol === undefined) this.protocol = p;
        return false;
      }
      case "FRAME": {
        const n = intArg(a);
        const remain = Math.max(0, this.size - op.end);
        if (n > BigInt(remain)) {
          throw new VmFail(
            "truncated",
            `FRAME of ${n} bytes but only ${remain} remain: pickle data was truncated`,
          );
        }
        return false;
      }
      case "STOP":
        return true;
      case "NONE":
        this.push({ kind: "none" });
        return false;
      case "NEWTRUE":
      case "NEWFALSE":
        this.push({ kind: "bool", value: op.name === "NEWTRUE" });
        return false;
      case "INT":
      case "BININT":
      case "BININT1":
      case "BININT2":
      case "LONG":
      case "LONG1":
      case "LONG4":
      case "FLOAT":
      case "BINFLOAT":
      case "STRING":
      case "BINSTRING":
      case "SHORT_BINSTRING":
      case "BINBYTES":
      case "SHORT_BINBYTES":
      case "BINBYTES8":
      case "BYTEARRAY8":
      case "UNICODE":
      case "SHORT_BINUNICODE":
      case "BINUNICODE":
      case "BINUNICODE8":
        this.push(argValue(a));
        return false;
      case "NEXT_BUFFER":
        this.push({ kind: "buffer", offset: at });
        return false;
      case "READONLY_BUFFER":
        this.top();
        return false;
      case "EMPTY_LIST":
        this.push({ kind: "list", items: [] });
        return false;
      case "EMPTY_TUPLE":
      case "TUPLE1":
      case "TUPLE2":
      case "TUPLE3": {
        const n = op.name === "EMPTY_TUPLE" ? 0 : Number(op.name.slice(5));
        if (this.stack.length < n) throw this.underflow();
        this.push({ kind: "tuple", items: this.bounded(this.popFrom(this.stack.length - n)) });
        return false;
      }
      case "TUPLE":
        this.push({ kind: "tuple", items: this.bounded(this.popFrom(this.marker())) });
        return false;
      case "LIST":
        this.push({ kind: "list", items: this.bounded(this.popFrom(this.marker())) });
        return false;
      case "EMPTY_DICT":
        this.push({ kind: "dict", entries: [] });
        return false;
      case "DICT": {
        const i = this.marker();
        if ((this.stack.length - i) % 2 !== 0) throw new VmFail("malformed", "odd number of items for DICT");
        const items = this.popFrom(i);
        const entries: [PickleValue, PickleValue][] = [];
        for (let k = 0; k < items.length; k += 2) this.setEntry(entries, items[k]!, items[k + 1]!);
        this.push({ kind: "dict", entries });
        return false;
      }
      case "EMPTY_SET":
        this.push({ kind: "set", items: [], frozen: false });
        return false;
      case "FROZENSET":
        this.push({ kind: "set", items: this.bounded(this.popFrom(this.marker())), frozen: true });
        return false;
      case "APPEND":
        if (this.stack.length - 1 <= this.fence) throw this.underflow();
        this.doAppend(this.stack.length - 1, at);
        return false;
      case "APPENDS":
        this.doAppend(this.marker(), at);
        return false;
      case "SETITEM":
        this.doSetItems(this.stack.length - 2, at);
        return false;
      case "SETITEMS":
        this.doSetItems(this.marker(), at);
        return false;
      case "ADDITEMS": {
        const mark = this.marker();
        const len = this.stack.length;
        if (mark > len || mark <= this.fence) throw this.underflow();
        if (len === mark) return false;
        const target = this.stack[mark - 1]!;
        const items = this.stack.splice(mark);
        if (target.kind === "set" && !target.frozen) this.addItems(target.items, items);
        else if (DEFINITE.has(target.kind)) {
          throw new VmFail("malformed", `'${pyType(target)}' object has no attribute 'add'`);
        } else {
          for (const it of items)
            this.call({ kind: "append", method: "add", offset: at, callee: target, args: [it] });
        }
        return false;
      }
      case "POP": {
        const len = this.stack.length;
        if (this.marks.length > 0 && this.marks[this.marks.length - 1] === len) {
          this.marks.pop();
          this.fence = this.marks.at(-1) ?? 0;
        } else if (len <= this.fence) throw this.underflow();
        else this.stack.pop();
        return false;
      }
      case "POP_MARK":
        this.stack.length = this.marker();
        return false;
      case "DUP":
        this.push(this.top());
        return false;
      case "MARK":
        if (this.marks.length >= this.limits.maxStackDepth) {
          throw new VmFail("bound", `mark stack depth exceeds ${this.limits.maxStackDepth}`);
        }
        this.marks.push(this.stack.length);
        this.fence = this.stack.length;
        return false;
      case "GET":
      case "BINGET":
      case "LONG_BINGET":
        this.push(this.memoGet(intArg(a)));
        return false;
      case "PUT":
      case "BINPUT":
      case "LONG_BINPUT": {
        const idx = intArg(a);
        if (idx < 0n) throw new VmFail("malformed", `negative ${op.name} argument`);
        if (idx > BigInt(Number.MAX_SAFE_INTEGER))
          throw new VmFail("bound", `${op.name} index ${idx} too large`);
        this.memoPut(Number(idx), this.top());
        return false;
      }
      case "MEMOIZE":
        this.memoPut(this.memo.size, this.top());
        return false;
      case "EXT1":
      case "EXT2":
      case "EXT4": {
        const code = Number(intArg(a));
        if (code <= 0) throw new VmFail("malformed", "EXT specifies code <= 0");
        this.record(this.extensions, { code, offset: at });
        this.push({ kind: "ext", code, offset: at });
        return false;
      }
      case "GLOBAL": {
        const p = a as { kind: "pair"; module: string; name: string };
        this.push(this.global({ module: p.module, name: p.name, offset: at, opcode: "GLOBAL" }));
        return false;
      }
      case "STACK_GLOBAL": {
        const name = this.pop();
        const module = this.pop();
        for (const v of [module, name]) {
          if (DEFINITE.has(v.kind) && v.kind !== "str")
            throw new VmFail("malformed", "STACK_GLOBAL requires str");
        }
        const ref: GlobalRef = {
          module: module.kind === "str" ? module.preview : renderValue(module),
          name: name.kind === "str" ? name.preview : renderValue(name),
          offset: at,
          opcode: "STACK_GLOBAL",
        };
        if (module.kind !== "str" || name.kind !== "str") ref.unresolved = true;
        this.push(this.global(ref));
        return false;
      }
      case "INST": {
        const p = a as { kind: "pair"; module: string; name: string };
        const args = this.popFrom(this.marker());
        const cls = this.global({ module: p.module, name: p.name, offset: at, opcode: "INST" });
        this.push(this.call({ kind: "inst", offset: at, callee: cls, args: this.bounded(args) }));
        return false;
      }
      case "OBJ": {
        const i = this.marker();
        if (this.stack.length - i < 1) throw this.underflow();
        const args = this.popFrom(i + 1);
        const cls = this.pop();
        this.push(this.call({ kind: "obj", offset: at, callee: cls, args: this.bounded(args) }));
        return false;
      }
      case "REDUCE": {
        const args = this.pop();
        const callable = this.pop();
        if (DEFINITE.has(args.kind) && args.kind !== "tuple") {
          throw new VmFail("malformed", "argument list must be a tuple");
        }
        this.push(this.call({ kind: "reduce", offset: at, callee: callable, args: tupleItems(args) }));
        return false;
      }
      case "NEWOBJ": {
        const args = this.pop();
        const cls = this.pop();
        if (DEFINITE.has(args.kind) && args.kind !== "tuple")
          throw new VmFail("malformed", "NEWOBJ expected an arg tuple.");
        if (DEFINITE.has(cls.kind))
          throw new VmFail("malformed", "NEWOBJ class argument isn't a type object");
        this.push(this.call({ kind: "newobj", offset: at, callee: cls, args: tupleItems(args) }));
        return false;
      }
      case "NEWOBJ_EX": {
        const kwargs = this.pop();
        const args = this.pop();
        const cls = this.pop();
        if (DEFINITE.has(args.kind) && args.kind !== "tuple") {
          throw new VmFail("malformed", `NEWOBJ_EX args argument must be a tuple, not ${pyType(args)}`);
        }
        if (DEFINITE.has(kwargs.kind) && kwargs.kind !== "dict") {
          throw new VmFail("malformed", `NEWOBJ_EX kwargs argument must be a dict, not ${pyType(kwargs)}`);
        }
        if (DEFINITE.has(cls.kind)) throw new VmFail("malformed", "NEWOBJ_EX class argument must be a type");
        this.push(this.call({ kind: "newobj_ex", offset: at, callee: cls, args: tupleItems(args), kwargs }));
        return false;
      }
      case "BUILD": {
        if (this.stack.length - 2 < this.fence) throw this.underflow();
        const state = this.pop();
        const inst = this.top();
        this.call({ kind: "build", offset: at, callee: inst, args: [state] });
        this.lastBuild = { inst, state };
        return false;
      }
      case "PERSID":
      case "BINPERSID": {
        const pid = op.name === "PERSID" ? argValue(a) : this.pop();
        this.record(this.persistentIds, { offset: at, pid });
        this.push({ kind: "persid", pid, offset: at });
        return false;
      }
      default:
        throw new VmFail("malformed", `opcode ${op.name} not handled`);
    }
  }
}

function intArg(a: OpArg): bigint {
  if (a?.kind === "int") return a.value;
  if (a?.kind === "bool") return a.value ? 1n : 0n;
  return 0n;
}

function tupleItems(v: PickleValue): PickleValue[] {
  return v.kind === "tuple" ? v.items : [v];
}

function argValue(a: OpArg): PickleValue {
  if (a === null) return { kind: "none" };
  switch (a.kind) {
    case "int":
      return { kind: "int", value: a.value };
    case "bool":
      return { kind: "bool", value: a.value };
    case "float":
      return { kind: "float", value: a.value };
    case "bigint":
      return { kind: "elided", what: `int of ${a.length} bytes at ${a.offset}` };
    case "str": {
      const v: PickleValue = { kind: "str", preview: a.value, length: a.length, offset: a.offset };
      if (a.escaped) v.escaped = true;
      if (!a.complete) v.complete = false;
      return v;
    }
    case "bytes": {
      const v: PickleValue = { kind: "bytes", preview: a.preview, length: a.length, offset: a.offset };
      if (a.bytearray) v.bytearray = true;
      return v;
    }
    case "pair":
      return { kind: "str", preview: `${a.module} ${a.name}`, length: 0, offset: 0 };
  }
}

/**
 * Loaders that read raw bytes from the stream between opcodes (joblib reads each numpy array right
 * after its wrapper's BUILD) tell the VM where the opcodes resume.
 */
export interface PickleHooks {
  /** Called after every BUILD with the position after it; returns where the next opcode starts, if moved. */
  afterBuild?(inst: PickleValue, state: PickleValue, end: number): number | undefined;
}

function analyzeWith(
  src: ByteSource,
  cur: Cursor,
  offset: number,
  limits: PickleLimits,
  hooks: PickleHooks = {},
): PickleAnalysis {
  const vm = new Vm(limits, src.size);
  let pos = offset;
  let count = 0;
  let error: PickleError | undefined;
  let result: PickleValue | undefined;
  let complete = false;
  let end = offset;
  for (;;) {
    if (count >= limits.maxOpcodes) {
      error = { offset: pos, kind: "bound", message: `more than ${limits.maxOpcodes} opcodes` };
      end = pos;
      break;
    }
    const op = readOp(cur, pos, limits);
    count++;
    if (op.error) {
      error = op.error;
      end = op.offset;
      break;
    }
    try {
      if (vm.step(op)) {
        result = vm.pop();
        complete = true;
        end = op.end;
        break;
      }
    } catch (e) {
      // Anything else is a bug in this VM; it still ends this pickle as unverifiable, never a crash.
      const f = e instanceof VmFail ? e : new VmFail("malformed", `internal error: ${String(e)}`);
      error = { offset: op.offset, kind: f.kind, message: `${op.name}: ${f.message}` };
      end = op.offset;
      break;
    }
    pos = op.end;
    if (vm.lastBuild && hooks.afterBuild) {
      const { inst, state } = vm.lastBuild;
      vm.lastBuild = undefined;
      pos = hooks.afterBuild(inst, state, pos) ?? pos;
    }
  }
  const out: PickleAnalysis = {
    start: offset,
    end,
    protocol: vm.protocol,
    opcodeCount: count,
    globals: vm.globals,
    calls: vm.calls,
    persistentIds: vm.persistentIds,
    nested: vm.nested,
    extensions: vm.extensions,
    complete,
  };
  if (error) out.error = error;
  if (result) out.result = result;
  return out;
}

/** Symbolically runs the pickle that starts at `offset`. Never throws on any input; work is bounded. */
export function analyzePickle(
  src: ByteSource,
  offset = 0,
  limits: PickleLimits = DEFAULT_PICKLE_LIMITS,
  hooks: PickleHooks = {},
): PickleAnalysis {
  return analyzeWith(src, new Cursor(src), offset, limits, hooks);
}

/**
 * Several pickles back to back (as `pickle.load` called in a loop reads them): continues after each STOP
 * while bytes remain and the next byte is an opcode; stops after the first pickle that breaks. The opcode
 * budget is shared by the whole stream.
 */
export function analyzePickleStream(
  src: ByteSource,
  offset = 0,
  limits: PickleLimits = DEFAULT_PICKLE_LIMITS,
  hooks: PickleHooks = {},
): PickleAnalysis[] {
  const cur = new Cursor(src);
  const out: PickleAnalysis[] = [];
  let pos = offset;
  let budget = limits.maxOpcodes;
  for (;;) {
    const a = analyzeWith(src, cur, pos, { ...limits, maxOpcodes: budget }, hooks);
    out.push(a);
    budget -= a.opcodeCount;
    if (!a.complete || a.end >= src.size) break;
    const next = cur.byte(a.end);
    if (next < 0 || OPCODE_BY_CODE[next] === undefined) break;
    if (budget <= 0) {
      out.push({
        start: a.end,
        end: a.end,
        protocol: undefined,
        opcodeCount: 0,
        globals: [],
        calls: [],
        persistentIds: [],
        nested: [],
        extensions: [],
        complete: false,
        error: { offset: a.end, kind: "bound", message: `more than ${limits.maxOpcodes} opcodes` },
      });
      break;
    }
    pos = a.end;
  }
  return out;
}
