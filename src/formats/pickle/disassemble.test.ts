import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { inflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { PICKLESCAN_DIR, REPO_ROOT } from "../../../test/helpers/paths.js";
import { type PickleWriter, pickle } from "../../../test/writers/pickle.js";
import { type ByteSource, bufferSource } from "../source.js";
import { disassemble, type OpArg, type PickleOp } from "./disassemble.js";
import { OPCODE_BY_CODE, OPCODES } from "./opcodes.js";
import { pyFloatRepr } from "./repr.js";
import { DEFAULT_PICKLE_LIMITS } from "./types.js";

const ROOT = REPO_ROOT;
const CORPUS = PICKLESCAN_DIR;
const DATA = join(ROOT, "test", "data", "pickletools", "genops.json");

type Norm = string | null | { hex: string; len: number };
interface Entry {
  source: "corpus" | "fixtures";
  file: string;
  member: string | null;
  data: { offset: number; length: number; method: number; start: number };
  pickles: {
    start: number;
    ops: [number, string, Norm][];
    end: number | null;
    error: { pos: number; message: string } | null;
    opsCut: boolean;
  }[];
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

function norm(a: OpArg): Norm {
  if (a === null) return null;
  switch (a.kind) {
    case "int":
      return a.value.toString();
    case "bool":
      return a.value ? "True" : "False";
    case "float":
      return pyFloatRepr(a.value);
    case "str":
      return Array.from(a.value).slice(0, 200).join("");
    case "bytes":
      return { hex: hex(a.preview.subarray(0, 64)), len: a.length };
    case "pair":
      return `${a.module} ${a.name}`;
    case "bigint":
      return `<${a.length}-byte int>`;
  }
}

/** The same walk as the Python script: pickles back to back while the next byte is an opcode. */
function walk(src: ByteSource) {
  const out: { start: number; ops: [number, string, Norm][]; end: number | null; errorPos: number | null }[] =
    [];
  let pos = 0;
  while (pos < src.size) {
    const entry = {
      start: pos,
      ops: [] as [number, string, Norm][],
      end: null as number | null,
      errorPos: null as number | null,
    };
    for (const op of disassemble(src, pos)) {
      if (op.error) {
        entry.errorPos = op.offset;
        break;
      }
      entry.ops.push([op.offset, op.name, norm(op.arg)]);
      if (op.name === "STOP") entry.end = op.end;
    }
    out.push(entry);
    if (entry.end === null) break;
    pos = entry.end;
    if (pos >= src.size || OPCODE_BY_CODE[src.read(pos, 1)[0]!] === undefined) break;
  }
  return out;
}

function load(e: Entry): Uint8Array {
  const file = readFileSync(e.source === "corpus" ? join(CORPUS, e.file) : join(ROOT, e.file));
  let bytes: Uint8Array = file.subarray(e.data.offset, e.data.offset + e.data.length);
  if (e.data.method === 8) bytes = inflateRawSync(bytes);
  return bytes.subarray(e.data.start);
}

const data = JSON.parse(readFileSync(DATA, "utf8")) as { python: string; inputs: Entry[] };
const corpusPresent = existsSync(join(CORPUS, "manifest.tsv"));
const corpusEntries = data.inputs.filter((e) => e.source === "corpus");
const fixtureEntries = data.inputs.filter((e) => e.source === "fixtures");
if (!corpusPresent) {
  console.warn(
    `NOT RUN: ${corpusEntries.length} pickletools comparisons over the picklescan corpus: ${CORPUS} is absent`,
  );
}

function compare(e: Entry) {
  const got = walk(bufferSource(load(e)));
  expect(got.length).toBe(e.pickles.length);
  e.pickles.forEach((want, i) => {
    const g = got[i]!;
    expect(g.start).toBe(want.start);
    const n = want.opsCut ? want.ops.length : Math.max(want.ops.length, g.ops.length);
    expect(g.ops.slice(0, n)).toEqual(want.ops);
    expect(g.end).toBe(want.end);
    expect(g.errorPos).toBe(want.error ? want.error.pos : null);
  });
}

const label = (e: Entry) => `${e.file}${e.member ? `:${e.member}` : ""}`;

describe(`disassembler matches pickletools.genops (Python ${data.python})`, () => {
  it("has recorded data for every crafted fixture", () => {
    expect(fixtureEntries.length).toBeGreaterThanOrEqual(20);
  });
  it.each(fixtureEntries.map((e) => [label(e), e] as const))("fixture %s", (_n, e) => compare(e));
  describe.skipIf(!corpusPresent)("picklescan corpus", () => {
    it.each(corpusEntries.map((e) => [label(e), e] as const))("%s", (_n, e) => compare(e));
  });
});

describe("disassembler", () => {
  const ops = (w: PickleWriter, limits = DEFAULT_PICKLE_LIMITS) => [
    ...disassemble(bufferSource(w.bytes()), 0, limits),
  ];

  it("knows every opcode of protocols 0-5 with a unique byte", () => {
    expect(OPCODES.length).toBe(68);
    expect(new Set(OPCODES.map((o) => o.code)).size).toBe(68);
  });

  it("keeps only a preview of a large argument", () => {
    const big = new Uint8Array(100_000).fill(0x41);
    const r = ops(pickle().proto(4).binbytes8(big).stop(), { ...DEFAULT_PICKLE_LIMITS, maxPreview: 16 });
    const arg = r[1]!.arg as Extract<OpArg, { kind: "bytes" }>;
    expect(arg.length).toBe(100_000);
    expect(arg.offset).toBe(11);
    expect(arg.preview.length).toBe(16);
    expect(r[2]!.name).toBe("STOP");
  });

  it("reports a truncated argument at the opcode, typed", () => {
    const r = ops(pickle().proto(4).raw([0x8e, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]).raw("abc"));
    const last = r.at(-1) as PickleOp;
    expect(last.error).toMatchObject({ offset: 2, kind: "truncated" });
  });

  it("reports EOF and unknown opcodes without throwing", () => {
    expect(ops(pickle().proto(2)).at(-1)!.error).toMatchObject({ offset: 2, kind: "truncated" });
    expect(ops(pickle().raw([0xfe])).at(-1)!.error).toMatchObject({ offset: 0, kind: "malformed" });
  });

  it("decodes protocol 0 text like CPython", () => {
    const r = ops(
      pickle()
        .stringLine("'a\\x41\\101\\n'")
        .unicodeLine("\\u00e9\\\\u0041")
        .int(" 12 ")
        .long("-5")
        .float("inf")
        .stop(),
    );
    expect(r.map((o) => norm(o.arg))).toEqual(["aAA\n", "é\\\\u0041", "12", "-5", "inf", null]);
  });

  it("refuses invalid UTF-8 in BINUNICODE but accepts encoded surrogates (surrogatepass)", () => {
    expect(ops(pickle().op("BINUNICODE", [2, 0, 0, 0], [0xc3, 0x28]).stop())[0]!.error?.kind).toBe(
      "malformed",
    );
    const ok = ops(pickle().op("SHORT_BINUNICODE", [3], [0xed, 0xa0, 0x80]).stop());
    expect((ok[0]!.arg as { value: string }).value).toBe("\ud800");
  });
});
