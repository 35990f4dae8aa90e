import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildTar } from "../../../test/writers/tar.js";
import { BoundExceededError, FormatError } from "../../errors.js";
import { bufferSource } from "../source.js";
import { openTarMember, readTar } from "./tar.js";

const text = (s: { read(o: number, l: number): Uint8Array; size: number }) =>
  new TextDecoder().decode(s.read(0, s.size));

describe("readTar", () => {
  it("lists ustar members and opens them as slices", () => {
    const bytes = buildTar([
      { name: "dir/", type: "5" },
      { name: "dir/a.pkl", data: "hello" },
      { name: "b", data: "x".repeat(600) },
    ]);
    const t = readTar(bufferSource(bytes));
    expect(t.format).toBe("ustar");
    expect(t.anomalies).toEqual([]);
    expect(t.members.map((m) => [m.name, m.type, m.size])).toEqual([
      ["dir/", "directory", 0],
      ["dir/a.pkl", "file", 5],
      ["b", "file", 600],
    ]);
    expect(text(openTarMember(bufferSource(bytes), t.members[1]!))).toBe("hello");
  });

  it("reads long names three ways and base-256 sizes", () => {
    const long = `${"d".repeat(120)}/ü${"n".repeat(90)}`;
    for (const longName of ["ustar", "gnu", "pax"] as const) {
      const t = readTar(bufferSource(buildTar([{ name: long, data: "z", longName, base256Size: true }])));
      expect(t.members.map((m) => m.name)).toEqual([long]);
      expect(
        text(openTarMember(bufferSource(buildTar([{ name: long, data: "z", longName }])), t.members[0]!)),
      ).toBe("z");
    }
  });

  it("reports checksum errors, truncation, duplicates, unsafe paths and links", () => {
    expect(() => readTar(bufferSource(buildTar([{ name: "a", data: "1", badChecksum: true }])))).toThrow(
      FormatError,
    );
    const bad = readTar(
      bufferSource(
        buildTar([
          { name: "a", data: "1" },
          { name: "b", data: "2", badChecksum: true },
        ]),
      ),
    );
    expect(bad.anomalies.map((a) => a.kind)).toEqual(["checksum-mismatch"]);
    const t = readTar(
      bufferSource(
        buildTar([
          { name: "a", data: "1" },
          { name: "a", data: "2" },
          { name: "../evil.pkl", data: "3" },
          { name: "l", type: "2", linkName: "/etc/passwd" },
          { name: "h", type: "1", linkName: "a" },
        ]),
      ),
    );
    expect(t.anomalies.map((a) => [a.kind, a.index])).toEqual([
      ["duplicate-name", 1],
      ["unsafe-path", 2],
      ["unsafe-path", 3],
      ["link", 4],
    ]);
    const cut = buildTar([{ name: "a", data: "x".repeat(2000) }]).subarray(0, 1024);
    expect(readTar(bufferSource(cut)).anomalies.map((a) => a.kind)).toEqual(["truncated"]);
    expect(
      readTar(bufferSource(buildTar([{ name: "a" }], { omitEnd: true }))).anomalies.map((a) => a.kind),
    ).toEqual(["missing-end"]);
  });

  it("is bounded", () => {
    const many = buildTar(Array.from({ length: 10 }, (_, i) => ({ name: `m${i}`, data: "x" })));
    const t = readTar(bufferSource(many), { maxMembers: 3 });
    expect([t.members.length, t.truncated]).toEqual([3, true]);
    const paxBig = buildTar([{ name: "a", pax: { comment: "c".repeat(5000) } }]);
    expect(() => readTar(bufferSource(paxBig), { maxMetaBytes: 1000 })).toThrow(BoundExceededError);
  });

  it("never crashes on random or mutated bytes", () => {
    const seed = buildTar([
      { name: "a", data: "hello", pax: { path: "p" } },
      { name: "b", data: "x".repeat(700) },
    ]);
    const check = (b: Uint8Array) => {
      try {
        readTar(bufferSource(b));
      } catch (e) {
        if (!(e instanceof FormatError || e instanceof BoundExceededError)) throw e;
      }
    };
    fc.assert(fc.property(fc.uint8Array({ maxLength: 1200 }), check), { numRuns: 200 });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 6 }), (muts) => {
        const b = seed.slice();
        for (const [at, v] of muts) b[at % b.length] = v;
        check(b);
      }),
      { numRuns: 500 },
    );
  });
});
