/**
 * Renders symbolic pickle values and calls the way Python would print the reconstructed expression:
 * `os.system('echo pwned')`. Work and output are bounded (shared or cyclic structures from the memo
 * cannot blow up): each argument is cut past 200 characters with `...`.
 */
import type { PickleCall, PickleValue } from "./types.js";

export const ARG_LIMIT = 200;
const TOTAL_LIMIT = 20_000;
const MAX_DEPTH = 64;

const hex = (n: number, w: number) => n.toString(16).padStart(w, "0");

function isPrintable(ch: string): boolean {
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch);
}

/** Python's repr of a str, cut to about `limit` characters (then `...` before the closing quote). */
export function pyStrRepr(s: string, limit = Number.POSITIVE_INFINITY, cut = false): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of s) {
    if (out.length >= limit) {
      cut = true;
      break;
    }
    const cp = ch.codePointAt(0)!;
    if (ch === q || ch === "\\") out += `\\${ch}`;
    else if (ch === "\t") out += "\\t";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${hex(cp, 2)}`;
    else if (cp < 0x7f) out += ch;
    else if (isPrintable(ch)) out += ch;
    else if (cp <= 0xff) out += `\\x${hex(cp, 2)}`;
    else if (cp <= 0xffff) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return `${out}${cut ? "..." : ""}${q}`;
}

/** Python's repr of bytes, cut to about `limit` characters. */
export function pyBytesRepr(b: Uint8Array, limit = Number.POSITIVE_INFINITY, cut = false): string {
  let hasSingle = false;
  let hasDouble = false;
  for (const c of b) {
    if (c === 0x27) hasSingle = true;
    else if (c === 0x22) hasDouble = true;
  }
  const q = hasSingle && !hasDouble ? 0x22 : 0x27;
  let out = `b${String.fromCharCode(q)}`;
  for (const c of b) {
    if (out.length >= limit) {
      cut = true;
      break;
    }
    if (c === q || c === 0x5c) out += `\\${String.fromCharCode(c)}`;
    else if (c === 9) out += "\\t";
    else if (c === 10) out += "\\n";
    else if (c === 13) out += "\\r";
    else if (c < 0x20 || c >= 0x7f) out += `\\x${hex(c, 2)}`;
    else out += String.fromCharCode(c);
  }
  return `${out}${cut ? "..." : ""}${String.fromCharCode(q)}`;
}

/** Python's repr of a float (shortest round-trip digits, Python's exponent rules). */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Number.POSITIVE_INFINITY) return "inf";
  if (x === Number.NEGATIVE_INFINITY) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mant, expStr] = Math.abs(x).toExponential().split("e") as [string, string];
  const exp = Number(expStr);
  const digits = mant.replace(".", "");
  const sign = x < 0 ? "-" : "";
  if (exp >= -5 && exp < 16) {
    // Python uses repr style 'r': fixed notation when -4 <= exp < 16.
    if (exp < -4) return sign + expForm(digits, exp);
    if (exp >= digits.length - 1) return `${sign}${digits}${"0".repeat(exp - digits.length + 1)}.0`;
    if (exp >= 0) return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
    return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  }
  return sign + expForm(digits, exp);
}

function expForm(digits: string, exp: number): string {
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp).toString().padStart(2, "0");
  return `${m}e${exp < 0 ? "-" : "+"}${e}`;
}

class Renderer {
  private budget = TOTAL_LIMIT;
  private readonly active = new Set<object>();

  value(v: PickleValue, limit: number, depth: number): string {
    if (this.budget <= 0 || depth > MAX_DEPTH) return "...";
    const s = this.inner(v, limit, depth);
    this.budget -= s.length;
    return s;
  }

  /** An argument: cut past ARG_LIMIT characters (a nested call is not cut: its own arguments are). */
  arg(v: PickleValue, depth: number): string {
    const s = this.value(v, ARG_LIMIT, depth);
    if (v.kind === "call") return s;
    return s.length > ARG_LIMIT + 4 ? `${s.slice(0, ARG_LIMIT)}...` : s;
  }

  private seq(items: PickleValue[], limit: number, depth: number, sep = ", "): string {
    let out = "";
    for (let i = 0; i < items.length; i++) {
      if (out.length > limit) return `${out}${sep}...`;
      out += (i ? sep : "") + this.value(items[i]!, limit - out.length, depth + 1);
    }
    return out;
  }

  private inner(v: PickleValue, limit: number, depth: number): string {
    switch (v.kind) {
      case "none":
        return "None";
      case "bool":
        return v.value ? "True" : "False";
      case "int":
        return v.value.toString();
      case "float":
        return pyFloatRepr(v.value);
      case "str":
        return pyStrRepr(v.preview, Math.min(limit, ARG_LIMIT), v.complete === false);
      case "bytes": {
        const cut = v.preview.length < v.length;
        const r = pyBytesRepr(v.preview, Math.min(limit, ARG_LIMIT), cut);
        return v.bytearray ? `bytearray(${r})` : r;
      }
      case "global":
        return `${v.ref.module}.${v.ref.name}`;
      case "ext":
        return `copyreg._extension_registry[${v.code}]`;
      case "buffer":
        return "<out-of-band buffer>";
      case "elided":
        return "...";
      case "persid":
        return `persistent_load(${this.arg(v.pid, depth + 1)})`;
      case "call":
        return this.guard(v.call, () => this.call(v.call, depth + 1));
      case "tuple":
        return this.guard(v, () =>
          v.items.length === 1
            ? `(${this.value(v.items[0]!, limit, depth + 1)},)`
            : `(${this.seq(v.items, limit, depth)})`,
        );
      case "list":
        return this.guard(v, () => `[${this.seq(v.items, limit, depth)}]`, "[...]");
      case "set":
        return this.guard(v, () => {
          if (v.items.length === 0) return v.frozen ? "frozenset()" : "set()";
          const body = `{${this.seq(v.items, limit, depth)}}`;
          return v.frozen ? `frozenset(${body})` : body;
        });
      case "dict":
        return this.guard(
          v,
          () => {
            let out = "";
            for (let i = 0; i < v.entries.length; i++) {
              if (out.length > limit) return `{${out}, ...}`;
              const [k, val] = v.entries[i]!;
              out += `${i ? ", " : ""}${this.value(k, limit, depth + 1)}: ${this.value(val, limit - out.length, depth + 1)}`;
            }
            return `{${out}}`;
          },
          "{...}",
        );
    }
  }

  private guard(o: object, f: () => string, cyclic = "..."): string {
    if (this.active.has(o)) return cyclic;
    this.active.add(o);
    try {
      return f();
    } finally {
      this.active.delete(o);
    }
  }

  call(c: PickleCall, depth: number): string {
    if (this.budget <= 0 || depth > MAX_DEPTH) return "...";
    const callee = this.value(c.callee, TOTAL_LIMIT, depth + 1);
    const args = c.args.map((a) => this.arg(a, depth + 1));
    switch (c.kind) {
      case "reduce":
      case "obj":
      case "inst":
        return `${callee}(${args.join(", ")})`;
      case "newobj":
        return `${callee}.__new__(${[callee, ...args].join(", ")})`;
      case "newobj_ex":
        return `${callee}.__new__(${[callee, ...args, ...this.kwargs(c.kwargs, depth)].join(", ")})`;
      case "build":
        return `${callee}.__setstate__(${args.join(", ")})`;
      case "append":
        return `${callee}.${c.method ?? "append"}(${args.join(", ")})`;
      case "setitem":
        return `${callee}.__setitem__(${args.join(", ")})`;
    }
  }

  private kwargs(kw: PickleValue | undefined, depth: number): string[] {
    if (!kw) return [];
    if (
      kw.kind === "dict" &&
      kw.entries.every(([k]) => k.kind === "str" && /^[A-Za-z_]\w*$/.test(k.preview))
    ) {
      return kw.entries.map(([k, v]) => `${(k as { preview: string }).preview}=${this.arg(v, depth + 1)}`);
    }
    return [`**${this.arg(kw, depth + 1)}`];
  }
}

/** A value as Python would print it (bounded). */
export function renderValue(v: PickleValue): string {
  return new Renderer().value(v, TOTAL_LIMIT, 0);
}

/** A call as Python would write it: `os.system('echo pwned')`. */
export function renderCall(c: PickleCall): string {
  return new Renderer().call(c, 0);
}
