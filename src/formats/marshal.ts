/**
 * A bounded reader of CPython `marshal` data, enough to name what a marshalled code object would do:
 * the names it looks up (`co_names`: `os`, `system`) and the string constants it holds, for every code
 * object nested in it. Nothing is executed. The code object's fields differ by Python version, so each
 * known layout is tried and the one that reads the whole input exactly is kept.
 * Object types follow CPython's Python/marshal.c.
 */
import { FormatError } from "../errors.js";

export interface MarshalLimits {
  maxBytes: number;
  maxObjects: number;
  maxDepth: number;
  /** Names and strings kept (each list). */
  maxStrings: number;
}

export const DEFAULT_MARSHAL_LIMITS: MarshalLimits = {
  maxBytes: 16 * 1024 * 1024,
  maxObjects: 200_000,
  maxDepth: 64,
  maxStrings: 200,
};

export interface MarshalCodeSummary {
  /** The code object layout that read the input (a Python version range), or null when none did. */
  layout: string | null;
  /** `co_names` of every code object: modules, attributes and globals the code uses. */
  names: string[];
  /** String constants of every code object. */
  strings: string[];
  /** `co_name` of every code object (`<lambda>`, function names). */
  functions: string[];
}

interface Layout {
  name: string;
  /** 32-bit integers before the bytecode. */
  ints: number;
  /** Objects after the bytecode, `int` where a raw 32-bit integer (co_firstlineno) sits. */
  fields: readonly string[];
}

const LAYOUTS: readonly Layout[] = [
  {
    name: "3.11+",
    ints: 5,
    fields: [
      "consts",
      "names",
      "localsplusnames",
      "localspluskinds",
      "filename",
      "name",
      "qualname",
      "int",
      "linetable",
      "exceptiontable",
    ],
  },
  {
    name: "3.8-3.10",
    ints: 6,
    fields: ["consts", "names", "varnames", "freevars", "cellvars", "filename", "name", "int", "lnotab"],
  },
  {
    name: "3.0-3.7",
    ints: 5,
    fields: ["consts", "names", "varnames", "freevars", "cellvars", "filename", "name", "int", "lnotab"],
  },
  {
    name: "2.x",
    ints: 4,
    fields: ["consts", "names", "varnames", "freevars", "cellvars", "filename", "name", "int", "lnotab"],
  },
];

type MValue = string | MValue[] | null | { other: true };

const latin1 = new TextDecoder("latin1");
const utf8 = new TextDecoder("utf-8");

class Reader {
  pos = 0;
  objects = 0;
  private readonly refs: MValue[] = [];
  readonly names = new Set<string>();
  readonly strings = new Set<string>();
  readonly functions = new Set<string>();

  constructor(
    private readonly bytes: Uint8Array,
    private readonly layout: Layout,
    private readonly limits: MarshalLimits,
  ) {}

  private fail(message: string): never {
    throw new FormatError("FORMAT_MALFORMED", `marshal: ${message}`, this.pos);
  }
  private u8(): number {
    if (this.pos >= this.bytes.length) this.fail("truncated");
    return this.bytes[this.pos++]!;
  }
  private i32(): number {
    if (this.pos + 4 > this.bytes.length) this.fail("truncated");
    const b = this.bytes;
    const v = b[this.pos]! | (b[this.pos + 1]! << 8) | (b[this.pos + 2]! << 16) | (b[this.pos + 3]! << 24);
    this.pos += 4;
    return v;
  }
  private take(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.bytes.length) this.fail("length past the end");
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  object(depth: number): MValue {
    if (depth > this.limits.maxDepth) this.fail("nested too deeply");
    if (++this.objects > this.limits.maxObjects) this.fail("too many objects");
    const code = this.u8();
    const flagRef = (code & 0x80) !== 0;
    const type = String.fromCharCode(code & 0x7f);
    // CPython numbers a FLAG_REF object before reading its children.
    const slot = flagRef ? this.refs.push(null) - 1 : -1;
    const value = this.body(type, depth);
    if (slot >= 0) this.refs[slot] = value;
    return value;
  }

  private body(type: string, depth: number): MValue {
    switch (type) {
      case "0":
      case "N":
      case "F":
      case "T":
      case ".":
      case "S":
        return null;
      case "i":
        this.take(4);
        return { other: true };
      case "l": {
        const n = this.i32();
        this.take(Math.abs(n) * 2);
        return { other: true };
      }
      case "g":
        this.take(8);
        return { other: true };
      case "y":
        this.take(16);
        return { other: true };
      case "f":
        this.take(this.u8());
        return { other: true };
      case "x":
        this.take(this.u8());
        this.take(this.u8());
        return { other: true };
      case "s":
        this.take(this.i32());
        return { other: true };
      case "t":
      case "u":
        return utf8.decode(this.take(this.i32()));
      case "a":
      case "A":
        return latin1.decode(this.take(this.i32()));
      case "z":
      case "Z":
        return latin1.decode(this.take(this.u8()));
      case ")":
        return this.sequence(this.u8(), depth);
      case "(":
      case "[":
      case "<":
      case ">":
        return this.sequence(this.i32(), depth);
      case "{": {
        const items: MValue[] = [];
        for (;;) {
          if (this.bytes[this.pos] === 0x30) {
            this.pos++;
            return items;
          }
          items.push(this.object(depth + 1), this.object(depth + 1));
        }
      }
      case "r": {
        const index = this.i32();
        if (index < 0 || index >= this.refs.length) this.fail(`reference ${index} does not exist`);
        return this.refs[index]!;
      }
      case "c":
        return this.codeObject(depth);
      default:
        return this.fail(`unknown type code ${JSON.stringify(type)}`);
    }
  }

  private sequence(n: number, depth: number): MValue[] {
    if (n < 0 || n > this.bytes.length - this.pos) this.fail(`sequence length ${n}`);
    const items: MValue[] = [];
    for (let i = 0; i < n; i++) items.push(this.object(depth + 1));
    return items;
  }

  private codeObject(depth: number): MValue {
    for (let i = 0; i < this.layout.ints; i++) this.i32();
    this.object(depth + 1); // bytecode
    for (const field of this.layout.fields) {
      if (field === "int") {
        this.i32();
        continue;
      }
      const v = this.object(depth + 1);
      if (field === "names" && Array.isArray(v)) {
        for (const s of v) if (typeof s === "string") this.keep(this.names, s);
      } else if (field === "consts" && Array.isArray(v)) {
        for (const s of v) if (typeof s === "string") this.keep(this.strings, s);
      } else if (field === "name" && typeof v === "string") {
        this.keep(this.functions, v);
      }
    }
    return { other: true };
  }

  private keep(set: Set<string>, s: string): void {
    if (set.size < this.limits.maxStrings) set.add(s.length > 200 ? `${s.slice(0, 200)}...` : s);
  }
}

/**
 * What a marshalled code object (`marshal.dumps(fn.__code__)`) names. Never throws: input no known
 * layout reads yields `layout: null` and the printable runs found in the bytes as `strings`.
 */
export function summarizeMarshalCode(
  bytes: Uint8Array,
  limits: MarshalLimits = DEFAULT_MARSHAL_LIMITS,
): MarshalCodeSummary {
  const input = bytes.subarray(0, limits.maxBytes);
  for (const layout of LAYOUTS) {
    const r = new Reader(input, layout, limits);
    try {
      r.object(0);
    } catch (err) {
      if (err instanceof FormatError) continue;
      throw err;
    }
    if (r.pos !== input.length) continue;
    return { layout: layout.name, names: [...r.names], strings: [...r.strings], functions: [...r.functions] };
  }
  return { layout: null, names: [], strings: printableRuns(input, limits.maxStrings), functions: [] };
}

function printableRuns(bytes: Uint8Array, max: number): string[] {
  const out: string[] = [];
  const text = latin1.decode(bytes);
  for (const m of text.matchAll(/[\x20-\x7e]{3,}/g)) {
    if (out.length >= max) break;
    out.push(m[0].slice(0, 200));
  }
  return out;
}
