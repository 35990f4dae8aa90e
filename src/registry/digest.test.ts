import { describe, expect, it } from "vitest";
import type { ScanReport } from "../scan/types.js";
import { canonicalJson, manifestDigest, manifestOf } from "./digest.js";

function scanOf(files: { path: string; size: number; sha256: string | null }[]): ScanReport {
  return { files: files.map((f) => ({ ...f, format: "unknown", findings: 0 })) } as unknown as ScanReport;
}

describe("canonicalJson", () => {
  it("sorts keys at every depth and drops undefined members", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null }, u: undefined })).toBe(
      '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson(undefined)).toBe("null");
  });
});

describe("manifest digest", () => {
  const a = { path: "a.bin", size: 3, sha256: "1".repeat(64) };
  const b = { path: "b/c.json", size: 5, sha256: "2".repeat(64) };

  it("is the sha256 of sorted path, size and hash lines, whatever the order of files", () => {
    const digest = manifestDigest(manifestOf(scanOf([b, a])));
    expect(digest).toBe(manifestDigest(manifestOf(scanOf([a, b]))));
    // Fixed value: the digest is part of the stored data and must not drift between releases.
    expect(digest).toBe("cbd064f93dadd6d49aa1a557444551136f2275e071b4144730628b189fdef0fa");
  });

  it("changes with any file's size, hash or path", () => {
    const base = manifestDigest(manifestOf(scanOf([a, b])));
    expect(manifestDigest(manifestOf(scanOf([{ ...a, size: 4 }, b])))).not.toBe(base);
    expect(manifestDigest(manifestOf(scanOf([{ ...a, sha256: "3".repeat(64) }, b])))).not.toBe(base);
    expect(manifestDigest(manifestOf(scanOf([{ ...a, path: "A.bin" }, b])))).not.toBe(base);
  });

  it("refuses unhashed files and an empty manifest", () => {
    expect(() => manifestOf(scanOf([a, { ...b, sha256: null }]))).toThrow(/b\/c.json.*vet with hashing/);
    expect(() => manifestOf(scanOf([]))).toThrow(/no files/);
  });
});
