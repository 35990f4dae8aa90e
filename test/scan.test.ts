/** The scan pipeline on crafted files: containers, nesting, polyglots, bounds, fail-closed behaviour. */
import { deflateSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { scan } from "../src/scan/scan.js";
import type { Finding } from "../src/scan/types.js";
import { tempFiles } from "./helpers/temp-files.js";
import { buildNpy, buildNpz } from "./writers/npy.js";
import { pickle } from "./writers/pickle.js";
import { buildTar } from "./writers/tar.js";
import { legacyTorch, stateDictPickle, type TensorSpec, torchZip } from "./writers/torch.js";
import { buildZip } from "./writers/zip.js";

const temp = tempFiles("scan");
const scanBytes = (bytes: Uint8Array | string, options: Parameters<typeof scan>[1] = {}) =>
  scan(temp.write("input", bytes), { hash: false, ...options });
const serious = (fs: Finding[]) => fs.filter((f) => ["critical", "high", "medium"].includes(f.severity));
const calls = (fs: Finding[]) => fs.map((f) => f.evidence.call);

const osSystem = (cmd: string) =>
  pickle()
    .proto(2)
    .reduceGlobal("os", "system", (w) => w.binunicode(cmd))
    .stop()
    .bytes();
const tensors: TensorSpec[] = [{ name: "w", key: "0", shape: [4] }];
const storages = [{ key: "0", bytes: new Uint8Array(16) }];

describe("scan: containers and nesting", () => {
  it("finds a pickle stored as a tensor member, whatever its name", async () => {
    const zip = torchZip(stateDictPickle(tensors), [...storages, { key: "37", bytes: osSystem("id") }]);
    const r = await scanBytes(zip);
    expect(r.files[0]!.format).toBe("pytorch-zip");
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]).toMatchObject({ severity: "critical", location: "archive/data/37@2" });
    expect(r.findings[0]!.evidence.call).toBe("os.system('id')");
  });

  it("passes a clean checkpoint whose tensors start with zeros or random bytes", async () => {
    const random = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) & 0xff);
    const zip = torchZip(stateDictPickle(tensors), [
      { key: "0", bytes: new Uint8Array(64) },
      { key: "1", bytes: random },
      { key: "2", bytes: Uint8Array.from([0x80, 0x02, 0xff, 0xff, 0, 1, 2, 3]) },
    ]);
    const r = await scanBytes(zip);
    expect(r.findings).toEqual([]);
  });

  it("scans zips nested in zips and reports the path", async () => {
    const inner = buildZip([{ name: "payload.bin", data: osSystem("whoami") }]);
    const outer = buildZip([
      { name: "readme.txt", data: "hello" },
      { name: "inner.zip", data: inner, method: 8 },
    ]);
    const r = await scanBytes(outer);
    expect(serious(r.findings).map((f) => f.location)).toEqual(["inner.zip/payload.bin@2"]);
  });

  it("scans every member of duplicate-named zips and reports the duplicate", async () => {
    const zip = buildZip([
      { name: "data.pkl", data: pickle().proto(2).op("EMPTY_DICT").stop().bytes() },
      { name: "data.pkl", data: osSystem("id") },
    ]);
    const r = await scanBytes(zip);
    expect(r.findings.map((f) => f.ruleId).sort()).toEqual(["PICKLE_DANGEROUS_GLOBAL", "ZIP_ANOMALY"]);
  });

  it("npz members without .npy are scanned by their bytes", async () => {
    const obj = buildNpy({ descr: "|O", shape: [1], data: osSystem("id") });
    const npz = buildNpz([{ name: "weights", npy: obj }]);
    const r = await scanBytes(npz);
    expect(calls(r.findings)).toContain("os.system('id')");
  });

  it("finds the payload in the fourth pickle of a legacy checkpoint", async () => {
    const payload = stateDictPickle(tensors, (w) =>
      w.binunicode("x").reduceGlobal("os", "system", (a) => a.binunicode("id")),
    );
    const r = await scanBytes(legacyTorch(tensors, payload));
    expect(r.files[0]!.format).toBe("pytorch-legacy");
    expect(calls(r.findings)).toEqual(["os.system('id')"]);
    expect((await scanBytes(legacyTorch(tensors))).findings).toEqual([]);
  });

  it("gzip, zlib and tar wrappers are opened", async () => {
    for (const bytes of [
      gzipSync(osSystem("id")),
      deflateSync(osSystem("id")),
      buildTar([{ name: "m/x", data: osSystem("id") }]),
    ]) {
      const r = await scanBytes(bytes);
      expect(calls(r.findings)).toContain("os.system('id')");
    }
  });

  it("scans nested pickles inside bytes arguments, and trusts torch's bytes loader only as far as its bytes", async () => {
    const wrap = (inner: Uint8Array) =>
      pickle()
        .proto(2)
        .reduceGlobal("torch.storage", "_load_from_bytes", (w) => w.binbytes(inner))
        .stop()
        .bytes();
    const clean = await scanBytes(wrap(legacyTorch(tensors)));
    expect(clean.findings).toEqual([]);
    const bad = await scanBytes(wrap(osSystem("id")));
    expect(bad.findings).toHaveLength(1);
    expect(bad.findings[0]).toMatchObject({ severity: "critical", location: "[40]@2" });
    const viaPickleLoads = await scanBytes(
      pickle()
        .proto(2)
        .reduceGlobal("pickle", "loads", (w) => w.binbytes(osSystem("id")))
        .stop()
        .bytes(),
    );
    expect(calls(viaPickleLoads.findings)).toEqual(expect.arrayContaining(["os.system('id')"]));
    expect(viaPickleLoads.findings.every((f) => f.severity === "critical")).toBe(true);
  });

  it("a polyglot (pickle with a zip appended) is scanned both ways", async () => {
    const front = osSystem("echo front");
    const zip = buildZip([{ name: "data.pkl", data: osSystem("echo back") }], { prefix: front });
    const r = await scanBytes(zip);
    expect(calls(r.findings)).toEqual(
      expect.arrayContaining(["os.system('echo front')", "os.system('echo back')"]),
    );
    expect(r.findings.map((f) => f.ruleId)).toContain("POLYGLOT_FILE");
  });
});

describe("scan: fail closed", () => {
  it("a truncated pickle is medium, never clean, and keeps what came before", async () => {
    const full = osSystem("id");
    const r = await scanBytes(full.subarray(0, full.length - 3));
    expect(r.findings.map((f) => [f.ruleId, f.severity])).toEqual([
      ["PICKLE_DANGEROUS_GLOBAL", "critical"],
      ["PICKLE_MALFORMED", "medium"],
    ]);
  });

  it("an encrypted member is unverifiable", async () => {
    const zip = buildZip([
      {
        name: "data.pkl",
        raw: Uint8Array.from({ length: 40 }, (_, i) => i),
        encrypted: true,
        method: 8,
        uncompressedSize: 100,
      },
    ]);
    const r = await scanBytes(zip);
    expect(r.findings.map((f) => [f.ruleId, f.severity])).toContainEqual(["ARCHIVE_UNVERIFIABLE", "medium"]);
  });

  it("a zip bomb member stops at the bound with a finding", async () => {
    const big = new Uint8Array(8 * 1024 * 1024);
    const zip = buildZip([{ name: "bomb.pkl", data: big, method: 8 }]);
    const r = await scanBytes(zip, { config: { scan: { limits: { maxExpandedBytes: 1024 * 1024 } } } });
    expect(r.findings.map((f) => f.ruleId)).toContain("ARCHIVE_UNVERIFIABLE");
  });

  it("nesting beyond maxDepth is a finding", async () => {
    let bytes = osSystem("id");
    for (let i = 0; i < 4; i++) bytes = buildZip([{ name: `l${i}.zip`, data: bytes }]);
    const r = await scanBytes(bytes, { config: { scan: { limits: { maxDepth: 2 } } } });
    expect(r.findings.map((f) => f.ruleId)).toContain("ARCHIVE_UNVERIFIABLE");
  });

  it("an opcode bound is a medium finding", async () => {
    const w = pickle().proto(2).mark();
    for (let i = 0; i < 1000; i++) w.binint1(1);
    const r = await scanBytes(w.op("LIST").stop().bytes(), {
      config: { scan: { limits: { maxOpcodes: 100 } } },
    });
    expect(r.findings.map((f) => [f.ruleId, f.severity])).toEqual([["PICKLE_UNVERIFIABLE", "medium"]]);
  });

  it("text and images are unscanned content (info), not pickles", async () => {
    for (const text of [
      "class Net(Module):\n  pass\n",
      "(just a note)\n",
      "\x89PNG\r\n\x1a\n....",
      "click\nnumpy\ntorch>=2\n",
      "certifi\ncharset_normalizer\n",
    ]) {
      const r = await scanBytes(text);
      expect(r.findings.map((f) => [f.ruleId, f.severity])).toEqual([["UNSCANNED_CONTENT", "info"]]);
      expect(r.files[0]!.format).toBe("unknown");
    }
  });
});

describe("scan: pickle tricks end to end", () => {
  it("EXT opcodes are high: the import cannot be verified", async () => {
    const r = await scanBytes(pickle().proto(2).ext1(42).op("EMPTY_TUPLE").op("REDUCE").stop().bytes());
    expect(r.findings.map((f) => [f.ruleId, f.severity])).toContainEqual(["PICKLE_EXT_CODE", "high"]);
  });

  it("BUILD on an allow-listed class is a setattr gadget; dunder state makes it critical", async () => {
    // BUILD with (None, {key: 1}) as state: slot state, set with setattr on the class itself.
    const buildOnClass = (key: string) =>
      pickle()
        .proto(2)
        .global("collections", "OrderedDict")
        .op("NONE")
        .op("EMPTY_DICT")
        .shortBinunicode(key)
        .binint1(1)
        .op("SETITEM")
        .op("TUPLE2")
        .op("BUILD")
        .stop()
        .bytes();
    const r1 = await scanBytes(buildOnClass("x"));
    expect(r1.findings.map((f) => [f.ruleId, f.severity])).toEqual([["PICKLE_SETATTR_GADGET", "high"]]);
    const hostile = buildOnClass("__reduce__");
    const r2 = await scanBytes(hostile);
    expect(r2.findings.map((f) => [f.ruleId, f.severity])).toEqual([["PICKLE_SETATTR_GADGET", "critical"]]);
  });

  it("dotted names and alias modules normalize before judging", async () => {
    const r = await scanBytes(pickle().proto(4).stackGlobal("builtins", "getattr.__self__").stop().bytes());
    expect(serious(r.findings).length).toBeGreaterThan(0);
    const alias = await scanBytes("cnt\nsystem\n(S'dir'\ntR.");
    expect(alias.findings[0]).toMatchObject({
      severity: "critical",
      evidence: { global: "os.system", written: "nt.system" },
    });
  });

  it("a user's own class is high, never critical, and names the class", async () => {
    const r = await scanBytes(
      pickle().proto(2).global("__main__", "Net").op("EMPTY_TUPLE").op("NEWOBJ").stop().bytes(),
    );
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.evidence.global])).toEqual([
      ["PICKLE_UNSAFE_GLOBAL", "high", "__main__.Net"],
    ]);
  });
});
