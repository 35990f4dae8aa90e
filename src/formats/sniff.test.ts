import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync, gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PICKLESCAN_DIR, picklescanCorpus } from "../../test/helpers/paths.js";
import { buildNpy } from "../../test/writers/npy.js";
import { buildTar } from "../../test/writers/tar.js";
import { buildZip } from "../../test/writers/zip.js";
import { looksLikeText, sniff, TORCH_LEGACY_MAGIC } from "./sniff.js";

const b = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const whole = (bytes: Uint8Array) =>
  sniff(bytes.subarray(0, 4096), bytes.length, bytes.subarray(Math.max(0, bytes.length - 65557)));
const fixtures = join(import.meta.dirname, "../../test/fixtures/compression");

describe("sniff", () => {
  it("identifies HDF5 (also after a user block), TFLite and machine code", () => {
    const hdf5 = b("\x89HDF\r\n\x1a\n\x00\x00");
    expect(whole(hdf5).kind).toBe("hdf5");
    const userBlock = new Uint8Array(512 + hdf5.length);
    userBlock.set(hdf5, 512);
    expect(whole(userBlock).kind).toBe("hdf5");
    expect(whole(b("\x1c\x00\x00\x00TFL3\x00\x00")).kind).toBe("tflite");
    expect(whole(b("\x7fELF\x02\x01\x01\x00")).executable).toBe("ELF");
    expect(whole(b("\x00asm\x01\x00\x00\x00")).executable).toBe("WebAssembly");
    expect(whole(b("\xcf\xfa\xed\xfe\x07\x00\x00\x01")).executable).toBe("Mach-O");
    expect(whole(b("\xca\xfe\xba\xbe\x00\x00\x00\x34")).executable).toBe("Java class");
    const pe = new Uint8Array(256);
    pe.set(b("MZ"));
    pe[60] = 128;
    pe.set(b("PE\x00\x00"), 128);
    expect(whole(pe).executable).toBe("PE");
    // "MZ" alone is two letters of text, not an executable.
    expect(
      whole(b("MZ is a text file that says so and goes on for a while................................."))
        .kind,
    ).not.toBe("executable");
  });

  it("tells text from binary, tolerating a multi-byte character cut at the end of the head", () => {
    expect(looksLikeText(b('{"model_type": "llama"}\n'))).toBe(true);
    expect(looksLikeText(new TextEncoder().encode("caf\u00e9 \u2603").subarray(0, 7))).toBe(true);
    expect(looksLikeText(b("abc\x00def"))).toBe(false);
    expect(looksLikeText(b("\xff\xfe\x00"))).toBe(false);
    expect(looksLikeText(Uint8Array.from([0x01, 0x02, 0x03, 0x04, 0x41]))).toBe(false);
    expect(looksLikeText(new Uint8Array(0))).toBe(false);
  });

  it("identifies containers and compression", () => {
    expect(whole(buildZip([{ name: "a", data: "x" }])).kind).toBe("zip");
    expect(whole(buildTar([{ name: "a", data: "x" }])).kind).toBe("tar");
    expect(whole(b("7z\xbc\xaf\x27\x1c\x00\x04")).kind).toBe("7z");
    expect(whole(new Uint8Array(gzipSync(b("hi")))).kind).toBe("gzip");
    expect(whole(new Uint8Array(deflateSync(b("hi")))).kind).toBe("zlib");
    expect(whole(new Uint8Array(readFileSync(join(fixtures, "payload.pkl.bz2")))).kind).toBe("bzip2");
    expect(whole(new Uint8Array(readFileSync(join(fixtures, "payload.pkl.xz")))).kind).toBe("xz");
    expect(whole(new Uint8Array(readFileSync(join(fixtures, "payload.pkl.lzma")))).kind).toBe("lzma");
    expect(whole(buildNpy({ shape: [1], data: new Uint8Array(4) })).kind).toBe("npy");
  });

  it("identifies pickles, legacy torch and their look-alikes", () => {
    expect(whole(b("\x80\x04\x95\x00")).kind).toBe("pickle");
    expect(whole(b("\x80\x04\x95\x00")).pickleProtocol).toBe(4);
    expect(whole(Uint8Array.from([...TORCH_LEGACY_MAGIC, 0x2e])).kind).toBe("pytorch-legacy");
    expect(whole(b("(dp0\nS'a'\np1\n.")).kind).toBe("maybe-pickle");
    expect(whole(b("cos\nsystem\n(S'ls'\ntR.")).kind).toBe("maybe-pickle");
    expect(whole(b("\x80\x09")).kind).toBe(null);
    expect(whole(b("GGUF\x03\x00\x00\x00")).kind).toBe("gguf");
    const header = b('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}');
    const st = new Uint8Array(8 + header.length + 4);
    new DataView(st.buffer).setBigUint64(0, BigInt(header.length), true);
    st.set(header, 8);
    expect(whole(st).kind).toBe("safetensors");
    expect(whole(b("hello world")).kind).toBe(null);
    expect(whole(new Uint8Array(0)).kind).toBe(null);
  });

  it("reports a zip appended to a pickle", () => {
    const poly = buildZip([{ name: "a.pkl", data: "x" }], { prefix: b("\x80\x02K\x01.") });
    expect(whole(poly)).toEqual({ kind: "pickle", appendedZip: true, pickleProtocol: 2 });
    const afterText = buildZip([{ name: "a", data: "x" }], { prefix: b("just some words") });
    expect(whole(afterText)).toEqual({ kind: "zip", appendedZip: true });
  });

  it("never crashes on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1100 }), fc.nat(), (bytes, extra) => {
        const r = sniff(bytes, bytes.length + (extra % 100), bytes);
        expect(typeof r.appendedZip).toBe("boolean");
      }),
      { numRuns: 2000 },
    );
  });
});

const corpus = PICKLESCAN_DIR;
const haveCorpus = picklescanCorpus("sniff over the picklescan corpus");

describe.skipIf(!haveCorpus)("sniff over picklescan's corpus", () => {
  it("recognizes every archive and most pickles", () => {
    const kinds: Record<string, string | null> = {};
    for (const dir of ["data", "data2"]) {
      for (const f of readdirSync(join(corpus, dir)))
        kinds[`${dir}/${f}`] = whole(new Uint8Array(readFileSync(join(corpus, dir, f)))).kind;
    }
    for (const [f, k] of Object.entries(kinds)) {
      if (f.endsWith(".zip") || f.endsWith(".npz")) expect(k, f).toBe("zip");
      if (f.endsWith(".npy")) expect(k, f).toBe("npy");
      if (f.endsWith(".7z")) expect(k, f).toBe("7z");
    }
    expect(kinds["data/malicious1_v0.pkl"]).toBe("maybe-pickle");
    expect(kinds["data/malicious1_v4.pkl"]).toBe("pickle");
    expect(kinds["data/pytorch_model.bin"]).toMatch(/^(pytorch-legacy|zip)$/);
  });
});
