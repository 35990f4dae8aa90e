import { describe, expect, it } from "vitest";
import { pickle } from "../../../test/writers/pickle.js";
import { bufferSource } from "../source.js";
import { pyBytesRepr, pyFloatRepr, pyStrRepr, renderCall, renderValue } from "./repr.js";
import type { PickleCall, PickleValue } from "./types.js";
import { analyzePickle } from "./vm.js";

const str = (s: string): PickleValue => ({ kind: "str", preview: s, length: s.length, offset: 0 });
const glob = (module: string, name: string): PickleValue => ({
  kind: "global",
  ref: { module, name, offset: 0, opcode: "GLOBAL" },
});
const call = (callee: PickleValue, ...args: PickleValue[]): PickleCall => ({
  kind: "reduce",
  offset: 0,
  callee,
  args,
});

describe("Python repr", () => {
  it("str quoting and escapes", () => {
    expect(pyStrRepr("echo pwned")).toBe("'echo pwned'");
    expect(pyStrRepr("it's")).toBe('"it\'s"');
    expect(pyStrRepr(`a'b"c`)).toBe(`'a\\'b"c'`);
    expect(pyStrRepr("\t\n\r\x00\x7f\\")).toBe("'\\t\\n\\r\\x00\\x7f\\\\'");
    expect(pyStrRepr("é\u00a0\u200b😀\ud800")).toBe("'é\\xa0\\u200b😀\\ud800'");
  });

  it("bytes", () => {
    expect(pyBytesRepr(new TextEncoder().encode("ab'"))).toBe(`b"ab'"`);
    expect(pyBytesRepr(Uint8Array.from([0, 0x41, 0xff, 0x5c, 10]))).toBe("b'\\x00A\\xff\\\\\\n'");
  });

  it("floats", () => {
    const cases: [number, string][] = [
      [1, "1.0"],
      [0.1, "0.1"],
      [-0, "-0.0"],
      [1e16, "1e+16"],
      [1e15, "1000000000000000.0"],
      [0.0001, "0.0001"],
      [0.00001, "1e-05"],
      [1.5e-7, "1.5e-07"],
      [123.456, "123.456"],
      [1e300, "1e+300"],
      [Number.NaN, "nan"],
      [Number.NEGATIVE_INFINITY, "-inf"],
    ];
    for (const [x, s] of cases) expect(pyFloatRepr(x)).toBe(s);
  });

  it("containers, None/True/False, ints", () => {
    const v: PickleValue = {
      kind: "tuple",
      items: [
        { kind: "tuple", items: [{ kind: "int", value: -3n }] },
        { kind: "tuple", items: [] },
        { kind: "list", items: [{ kind: "none" }, { kind: "bool", value: true }] },
        { kind: "dict", entries: [[str("a"), { kind: "bool", value: false }]] },
        { kind: "set", items: [], frozen: false },
      ],
    };
    expect(renderValue(v)).toBe("((-3,), (), [None, True], {'a': False}, set())");
  });
});

describe("renderCall", () => {
  it("os.system and builtins.eval", () => {
    expect(renderCall(call(glob("os", "system"), str("echo pwned")))).toBe("os.system('echo pwned')");
    expect(renderCall(call(glob("builtins", "eval"), str("__import__('os').system('x')")))).toBe(
      "builtins.eval(\"__import__('os').system('x')\")",
    );
  });

  it("nested calls and a call of a call's result, arguments elided past 200 chars", () => {
    const b64 = `YwAAAA${"A".repeat(400)}`;
    const code = call(glob("marshal", "loads"), {
      kind: "call",
      call: call(glob("base64", "b64decode"), str(b64)),
    });
    const fn = call(
      glob("types", "FunctionType"),
      { kind: "call", call: code },
      { kind: "dict", entries: [] },
    );
    const out = renderCall(call({ kind: "call", call: fn }));
    expect(out).toMatch(
      /^types\.FunctionType\(marshal\.loads\(base64\.b64decode\('YwAAAA(A+)\.\.\.'\)\), \{\}\)\(\)$/,
    );
    expect(out.length).toBeLessThan(300);
  });

  it("from a real stream: FunctionType(marshal.loads(b64decode(...)), {})()", () => {
    const w = pickle()
      .proto(2)
      .global("types", "FunctionType")
      .global("marshal", "loads")
      .reduceGlobal("base64", "b64decode", (x) => x.binunicode(`YwAAAA${"B".repeat(300)}`))
      .op("TUPLE1")
      .op("REDUCE")
      .op("EMPTY_DICT")
      .op("TUPLE2")
      .op("REDUCE")
      .op("EMPTY_TUPLE")
      .op("REDUCE")
      .stop();
    const a = analyzePickle(bufferSource(w.bytes()));
    expect(renderCall(a.calls.at(-1)!)).toMatch(
      /^types\.FunctionType\(marshal\.loads\(base64\.b64decode\('YwAAAAB+\.\.\.'\)\), \{\}\)\(\)$/,
    );
  });

  it("BUILD, append, setitem, persistent ids, newobj", () => {
    const target = glob("torch", "_utils");
    expect(
      renderCall({
        kind: "build",
        offset: 0,
        callee: target,
        args: [{ kind: "dict", entries: [[str("x"), str("y")]] }],
      }),
    ).toBe("torch._utils.__setstate__({'x': 'y'})");
    expect(
      renderCall({
        kind: "setitem",
        method: "__setitem__",
        offset: 0,
        callee: target,
        args: [str("k"), str("v")],
      }),
    ).toBe("torch._utils.__setitem__('k', 'v')");
    expect(renderValue({ kind: "persid", pid: { kind: "tuple", items: [str("storage")] }, offset: 0 })).toBe(
      "persistent_load(('storage',))",
    );
    expect(renderCall({ kind: "newobj", offset: 0, callee: glob("a", "B"), args: [str("x")] })).toBe(
      "a.B.__new__(a.B, 'x')",
    );
  });

  it("bytes previews shorter than the value are marked elided", () => {
    const v: PickleValue = { kind: "bytes", preview: Uint8Array.from([0x80, 2]), length: 1000, offset: 0 };
    expect(renderValue(v)).toBe("b'\\x80\\x02...'");
    const long = "x".repeat(500);
    expect(renderCall(call(glob("os", "system"), str(long)))).toBe(`os.system('${"x".repeat(199)}...')`);
  });
});
