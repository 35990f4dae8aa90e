import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildPickleFixtures } from "../../../scripts/gen-pickle-fixtures.js";
import { PICKLESCAN_DIR, picklescanCorpus, REPO_ROOT } from "../../../test/helpers/paths.js";
import { type PickleWriter, pickle } from "../../../test/writers/pickle.js";
import { type ByteSource, bufferSource, sliceSource } from "../source.js";
import { disassemble } from "./disassemble.js";
import { OPCODES } from "./opcodes.js";
import { renderCall, renderValue } from "./repr.js";
import { DEFAULT_PICKLE_LIMITS, type PickleAnalysis } from "./types.js";
import { analyzePickle, analyzePickleStream } from "./vm.js";

const ROOT = REPO_ROOT;
const CORPUS = PICKLESCAN_DIR;
const fixtures = buildPickleFixtures();
const fx = (name: string) => bufferSource(fixtures[name]!);
const run = (w: PickleWriter | Uint8Array, limits = DEFAULT_PICKLE_LIMITS) =>
  analyzePickle(bufferSource(w instanceof Uint8Array ? w : w.bytes()), 0, limits);
const names = (a: PickleAnalysis) => a.globals.map((g) => `${g.module}.${g.name}`);
const rendered = (a: PickleAnalysis) => a.calls.map(renderCall);

describe("fixtures on disk are up to date", () => {
  it("test/fixtures/pickle matches scripts/gen-pickle-fixtures.ts", () => {
    const dir = join(ROOT, "test", "fixtures", "pickle");
    expect(readdirSync(dir).sort()).toEqual(Object.keys(fixtures).sort());
    for (const [n, b] of Object.entries(fixtures))
      expect(new Uint8Array(readFileSync(join(dir, n)))).toEqual(b);
  });
});

describe("analyzePickle: every opcode", () => {
  it("the fixtures exercise all 68 opcodes", () => {
    const seen = new Set<string>();
    for (const b of Object.values(fixtures)) {
      for (const a of analyzePickleStream(bufferSource(b))) {
        for (const op of disassemble(bufferSource(b), a.start)) if (!op.error) seen.add(op.name);
      }
    }
    expect(OPCODES.map((o) => o.name).filter((n) => !seen.has(n))).toEqual([]);
  });

  it("runs every protocol 0 opcode (no PROTO: protocol undefined)", () => {
    const a = analyzePickle(fx("proto0-all.pkl"));
    expect(a.error).toBeUndefined();
    expect(a.complete).toBe(true);
    expect(a.protocol).toBeUndefined();
    expect(a.persistentIds.map((p) => renderValue(p.pid))).toEqual(["'pid-1'"]);
    expect(renderValue(a.result!)).toBe(
      "[(42, False, True, -123456789012345678901234567890, -1.25, 1e+300, \"aA\\n'q\", 'café 😀', None, persistent_load('pid-1'), persistent_load('pid-1')), {'k': 'v'}]",
    );
    expect(names(a)).toEqual(["collections.OrderedDict"]);
  });

  it("runs every binary opcode", () => {
    const a = analyzePickle(fx("binary-all.pkl"));
    expect(a.error).toBeUndefined();
    expect(a.protocol).toBe(5);
    expect(renderValue(a.result!)).toBe(
      "[-5, 255, 65535, -256, 1267650600228229401496703205376, 0.1, 'bs', 'sbs', b'\\x00\\x01\\x02', b'xy', b'big', bytearray(b'\\t\\x08'), 'été', 'eight', 'short', False, (), (1,), (1, 2), (1, 2, 3), {7}, frozenset({8}), frozenset({8}), persistent_load('pid')]",
    );
  });

  it("protocol 5 buffers and bytearray", () => {
    const a = analyzePickle(fx("proto5-buffers.pkl"));
    expect(renderValue(a.result!)).toBe("(<out-of-band buffer>, bytearray(b'abc'))");
  });

  it("rejects an unknown protocol", () => {
    expect(run(pickle().proto(6).none().stop()).error).toMatchObject({ offset: 0, kind: "malformed" });
  });
});

describe("analyzePickle: tricks", () => {
  it("FRAME shorter than its contents: CPython reads on across the boundary", () => {
    const a = analyzePickle(fx("frame-lie-short.pkl"));
    expect(a.complete).toBe(true);
    expect(rendered(a)).toEqual(["os.system('echo pwned')"]);
  });

  it("FRAME longer than the data: truncation error at the FRAME, nothing run", () => {
    const a = analyzePickle(fx("frame-lie-long.pkl"));
    expect(a.error).toMatchObject({ offset: 2, kind: "truncated" });
    expect(a.calls).toEqual([]);
    expect(analyzePickle(fx("frame-ok.pkl")).calls.length).toBe(1);
  });

  it("memo: PUT overwrites, GET reads the latest", () => {
    const a = analyzePickle(fx("memo-overwrite.pkl"));
    expect(names(a)).toEqual(["posix.system"]);
    expect(a.globals[0]!.opcode).toBe("STACK_GLOBAL");
  });

  it("memo: MEMOIZE stores at the number of entries", () => {
    const a = analyzePickle(fx("memoize-count.pkl"));
    expect(rendered(a)).toEqual(["subprocess.getoutput('id')"]);
  });

  it("memo: GET of a missing index is an error at the GET", () => {
    const a = run(pickle().proto(2).none().binput(1).binget(2).stop());
    expect(a.error).toMatchObject({ offset: 5, kind: "malformed" });
    expect(run(pickle().none().put(-1).stop()).error?.message).toMatch(/negative PUT/);
  });

  it("STACK_GLOBAL from protocol-0 STRING and from memo", () => {
    const a = analyzePickle(fx("stack-global-string.pkl"));
    expect(rendered(a)).toEqual(["builtins.eval(\"__import__('os').system('x')\")"]);
    expect(rendered(analyzePickle(fx("stack-global-memo.pkl")))).toEqual(["os.system('echo memo')"]);
  });

  it("STACK_GLOBAL: a non-str operand is an error; a computed one is unresolved", () => {
    expect(
      run(pickle().proto(4).binint1(1).shortBinunicode("x").op("STACK_GLOBAL").stop()).error?.message,
    ).toMatch(/requires str/);
    const a = run(
      pickle()
        .proto(4)
        .reduceGlobal("codecs", "decode", (w) => w.shortBinunicode("bf").shortBinunicode("rot13"))
        .shortBinunicode("system")
        .op("STACK_GLOBAL")
        .stop(),
    );
    expect(a.globals[1]).toMatchObject({
      unresolved: true,
      name: "system",
      module: "codecs.decode('bf', 'rot13')",
    });
  });

  it("keeps dotted names as written", () => {
    const a = analyzePickle(fx("dotted-names.pkl"));
    expect(a.globals.map((g) => [g.module, g.name])).toEqual([
      ["os", "path.os.system"],
      ["torch.serialization", "pickle.loads"],
    ]);
  });

  it("EXT opcodes become ext values; code <= 0 is an error", () => {
    const a = analyzePickle(fx("ext-opcodes.pkl"));
    expect(a.result).toMatchObject({
      kind: "tuple",
      items: [
        { kind: "ext", code: 1 },
        { kind: "ext", code: 0x1234 },
        { kind: "ext", code: 0x12345678 },
      ],
    });
    expect(run(pickle().proto(2).ext4(-1).stop()).error?.message).toMatch(/code <= 0/);
  });

  it("concatenated pickles: the payload in the third is found", () => {
    const r = analyzePickleStream(fx("concatenated.pkl"));
    expect(r.length).toBe(3);
    expect(r.map((a) => a.complete)).toEqual([true, true, true]);
    expect(rendered(r[2]!)).toEqual(["posix.system('echo third')"]);
    expect(r[1]!.start).toBe(r[0]!.end);
  });

  it("a break after the payload keeps the payload and says where it broke", () => {
    const a = analyzePickle(fx("break-after-payload.pkl"));
    expect(rendered(a)).toEqual(["builtins.exec(\"import os; os.system('id')\")"]);
    expect(a.complete).toBe(false);
    expect(a.error).toMatchObject({ kind: "truncated", offset: a.end });
  });

  it("INST and OBJ payloads", () => {
    const a = analyzePickle(fx("inst-obj.pkl"));
    expect(a.globals.map((g) => g.opcode)).toEqual(["INST", "GLOBAL"]);
    expect(rendered(a)).toEqual(["os.system('echo inst')", "subprocess.Popen(['id'])"]);
    expect(a.calls.map((c) => c.kind)).toEqual(["inst", "obj"]);
  });

  it("NEWOBJ and NEWOBJ_EX", () => {
    expect(rendered(analyzePickle(fx("newobj-ex.pkl")))).toEqual([
      "subprocess.Popen.__new__(subprocess.Popen, 'id', shell=True)",
    ]);
    expect(rendered(analyzePickle(fx("newobj.pkl")))).toEqual([
      "__main__.Net.__new__(__main__.Net)",
      "__main__.Net.__new__(__main__.Net).__setstate__({})",
    ]);
    expect(run(pickle().proto(2).global("a", "B").binint1(1).op("NEWOBJ").stop()).error?.message).toMatch(
      /tuple/,
    );
  });

  it("BUILD on a global (setattr gadget)", () => {
    const a = analyzePickle(fx("build-setattr.pkl"));
    expect(a.calls[0]).toMatchObject({ kind: "build", callee: { kind: "global" } });
    expect(rendered(a)).toEqual(["torch._utils.__setstate__((None, {'_rebuild_tensor': 'builtins'}))"]);
  });

  it("APPENDS / SETITEM / ADDITEMS on a non-container are calls on that target", () => {
    const a = analyzePickle(fx("appends-non-list.pkl"));
    expect(a.calls.map((c) => [c.kind, c.method])).toEqual([
      ["reduce", undefined],
      ["append", "extend"],
      ["reduce", undefined],
      ["setitem", "__setitem__"],
      ["setitem", "__setitem__"],
    ]);
    expect(rendered(a).slice(3)).toEqual([
      "collections.deque().__setitem__('k', builtins.set())",
      "collections.deque().__setitem__('k2', None)",
    ]);
    expect(rendered(a)[1]).toBe("collections.deque().extend(['a', 'b'])");
    const s = run(pickle().proto(4).global("m", "S").mark().binint1(1).op("ADDITEMS").stop());
    expect(rendered(s)).toEqual(["m.S.add(1)"]);
    expect(run(pickle().proto(2).op("EMPTY_TUPLE").binint1(1).op("APPEND").stop()).error?.message).toMatch(
      /no attribute 'append'/,
    );
  });

  it("the mark is a fence: popping below it is an error, POP of a bare mark drops the mark", () => {
    expect(run(pickle().global("os", "system").mark().op("TUPLE").op("REDUCE").stop()).complete).toBe(true);
    expect(run(pickle().global("os", "system").none().mark().op("REDUCE").stop()).error?.message).toMatch(
      /MARK/,
    );
    expect(run(pickle().op("EMPTY_LIST").mark().op("APPEND").stop()).error?.kind).toBe("malformed");
    const p = run(pickle().none().mark().op("POP").stop());
    expect(p.complete).toBe(true);
    expect(run(pickle().none().mark().stop()).error?.kind).toBe("malformed");
    expect(run(pickle().op("TUPLE").stop()).error?.message).toMatch(/could not find MARK/);
    expect(run(pickle().mark().binint1(1).op("DICT").stop()).error?.message).toMatch(/odd number/);
  });

  it("nested pickle bytes given to a loader are located in the source", () => {
    const src = fx("nested-pickle.pkl");
    const a = analyzePickle(src);
    expect(a.nested).toHaveLength(1);
    const n = a.nested[0]!;
    expect(n.consumer).toBe("torch.storage._load_from_bytes");
    const inner = analyzePickle(sliceSource(src, n.offset, n.length));
    expect(rendered(inner)).toEqual(["os.system('echo nested')"]);
    const s = run(
      pickle().proto(2).global("pickle", "loads").shortBinunicode("abc").op("TUPLE1").op("REDUCE").stop(),
    );
    expect(s.nested).toMatchObject([{ consumer: "pickle.loads", length: 3 }]);
    const z = run(
      pickle().proto(2).global("x", "f").shortBinbytes("PK\x03\x04zz").op("TUPLE1").op("REDUCE").stop(),
    );
    expect(z.nested).toMatchObject([{ consumer: "x.f", length: 6 }]);
  });
});

/** A source that synthesizes a pickle with one huge BINBYTES8 argument, bytes made on demand. */
function hugeBinbytes8(n: number): ByteSource {
  const head = pickle()
    .proto(4)
    .op("BINBYTES8", new Uint8Array(new BigUint64Array([BigInt(n)]).buffer))
    .bytes();
  const size = head.length + n + 1;
  return {
    size,
    read(offset, length) {
      const end = Math.min(size, offset + length);
      const out = new Uint8Array(Math.max(0, end - offset));
      for (let i = 0; i < out.length; i++) {
        const p = offset + i;
        out[i] = p < head.length ? head[p]! : p === size - 1 ? 0x2e : 0x41;
      }
      return out;
    },
  };
}

describe("analyzePickle: bounds", () => {
  it("a 64 MiB BINBYTES8 argument is analysed with flat memory", () => {
    const n = 64 * 1024 * 1024;
    const src = hugeBinbytes8(n);
    let maxRead = 0;
    const spy: ByteSource = {
      size: src.size,
      read(o, l) {
        maxRead = Math.max(maxRead, l);
        return src.read(o, l);
      },
    };
    const before = process.memoryUsage();
    const a = analyzePickle(spy);
    const after = process.memoryUsage();
    expect(a.complete).toBe(true);
    expect(a.result).toMatchObject({ kind: "bytes", length: n, offset: 11 });
    expect(maxRead).toBeLessThanOrEqual(64 * 1024);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(8 * 1024 * 1024);
  });

  it("opcode count, memo size and stack depth are bounded", () => {
    const many = pickle().proto(2);
    for (let i = 0; i < 100; i++) many.none().op("POP");
    const a = run(many.none().stop(), { ...DEFAULT_PICKLE_LIMITS, maxOpcodes: 50 });
    expect(a.error).toMatchObject({ kind: "bound" });
    expect(a.opcodeCount).toBe(50);
    const memo = pickle().proto(2).none();
    for (let i = 0; i < 20; i++) memo.binput(i);
    expect(run(memo.stop(), { ...DEFAULT_PICKLE_LIMITS, maxMemo: 10 }).error).toMatchObject({
      kind: "bound",
    });
    const deep = pickle().proto(2);
    for (let i = 0; i < 20; i++) deep.none();
    expect(run(deep.stop(), { ...DEFAULT_PICKLE_LIMITS, maxStackDepth: 10 }).error).toMatchObject({
      kind: "bound",
    });
    const marks = pickle().proto(2);
    for (let i = 0; i < 20; i++) marks.mark();
    expect(run(marks.stop(), { ...DEFAULT_PICKLE_LIMITS, maxStackDepth: 10 }).error).toMatchObject({
      kind: "bound",
    });
  });

  it("containers keep at most maxContainerItems then an elided marker", () => {
    const w = pickle().proto(2).op("EMPTY_LIST").mark();
    for (let i = 0; i < 50; i++) w.binint1(i);
    const a = run(w.op("APPENDS").stop(), { ...DEFAULT_PICKLE_LIMITS, maxContainerItems: 10 });
    const items = (a.result as { items: unknown[] }).items;
    expect(items.length).toBe(11);
    expect(items[10]).toMatchObject({ kind: "elided" });
  });

  it("rendering a memo-built DAG or cycle stays bounded", () => {
    const w = pickle().proto(2).op("EMPTY_LIST").binput(0);
    for (let i = 0; i < 40; i++) w.mark().binget(0).binget(0).op("LIST").binput(0);
    const a = run(w.stop());
    expect(renderValue(a.result!).length).toBeLessThan(50_000);
    const cyc = run(pickle().proto(2).op("EMPTY_LIST").binput(0).binget(0).op("APPEND").stop());
    expect(renderValue(cyc.result!)).toBe("[[...]]");
  });

  it("property: any bytes -> returns, never throws, offsets inside the source", () => {
    const interesting = fc.constantFrom(
      ...[
        0x80, 0x95, 0x28, 0x2e, 0x93, 0x52, 0x62, 0x63, 0x69, 0x6f, 0x81, 0x92, 0x71, 0x68, 0x94, 0x8c, 0x85,
        0x65, 0x75, 0x0a, 0x4e, 0x5d, 0x7d,
      ],
    );
    const bytes = fc.array(fc.oneof(fc.integer({ min: 0, max: 255 }), interesting), { maxLength: 200 });
    fc.assert(
      fc.property(bytes, (arr) => {
        const src = bufferSource(Uint8Array.from(arr));
        for (const a of analyzePickleStream(src)) {
          expect(a.end).toBeGreaterThanOrEqual(a.start);
          expect(a.end).toBeLessThanOrEqual(src.size);
          if (a.error) {
            expect(a.error.offset).toBeLessThanOrEqual(src.size);
            expect(a.error.message).not.toMatch(/internal error/);
          }
          for (const g of a.globals) expect(g.offset).toBeLessThan(src.size);
          for (const c of a.calls) expect(c.offset).toBeLessThan(src.size);
          for (const n of a.nested) expect(n.offset + n.length).toBeLessThanOrEqual(src.size);
          for (const c of a.calls) renderCall(c);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

const corpusPresent = picklescanCorpus("picklescan corpus VM checks");

describe.skipIf(!corpusPresent)("picklescan corpus", () => {
  const file = (rel: string) => bufferSource(new Uint8Array(readFileSync(join(CORPUS, rel))));

  it("broken_model.pkl: the global before the break is reported, with the error", () => {
    const [a] = analyzePickleStream(file("data/broken_model.pkl"));
    expect(names(a!)).toEqual(["builtins.exec"]);
    expect(a!.error).toMatchObject({ kind: "truncated", offset: 16 });
  });

  it("malicious-invalid-bytes.pkl: the payload runs before the junk", () => {
    const r = analyzePickleStream(file("data/malicious-invalid-bytes.pkl"));
    expect(rendered(r[0]!)).toEqual(["os.system('cat flag.txt')"]);
    expect(r.at(-1)!.end).toBeLessThan(file("data/malicious-invalid-bytes.pkl").size);
  });

  it("keyerror-exploit and type-confusion-exploit: payload before the failure", () => {
    expect(rendered(analyzePickle(file("data2/keyerror-exploit.pkl")))[0]).toMatch(/^os\.system\(/);
    const t = analyzePickle(file("data2/type-confusion-exploit.pkl"));
    expect(names(t)).toContain("os.system");
    expect(t.error?.message).toMatch(/requires str/);
  });

  it("every malicious raw pickle yields at least one global; benign ones analyse completely", () => {
    const lines = readFileSync(join(CORPUS, "manifest.tsv"), "utf8").trim().split("\n").slice(1);
    for (const line of lines) {
      const [rel, expected] = line.split("\t") as [string, string];
      if (!/\.(pkl|pickle)$/.test(rel)) continue;
      const r = analyzePickleStream(file(rel));
      const globals = r.flatMap(names);
      if (expected === "malicious") expect(globals.length, rel).toBeGreaterThan(0);
      if (expected === "benign")
        expect(
          r.every((a) => a.complete),
          rel,
        ).toBe(true);
    }
  });
});
