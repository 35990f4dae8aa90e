import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, pageLimit, pageOf } from "./cursor.js";

describe("cursor", () => {
  it("round-trips the sort key of its own list", () => {
    const cursor = encodeCursor("requests", ["2026-11-30T00:00:00.000Z", "abc"]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor("requests", cursor, ["string", "string"])).toEqual([
      "2026-11-30T00:00:00.000Z",
      "abc",
    ]);
  });

  it("refuses another list's cursor, a wrong shape, and garbage", () => {
    const models = encodeCursor("models", ["a"]);
    expect(() => decodeCursor("tokens", models, ["string"])).toThrow(/invalid cursor/);
    expect(() => decodeCursor("models", models, ["number"])).toThrow(/invalid cursor/);
    expect(() => decodeCursor("models", models, ["string", "string"])).toThrow(/invalid cursor/);
    expect(() => decodeCursor("audit", encodeCursor("audit", [1.5]), ["number"])).toThrow(/invalid cursor/);
    expect(() => decodeCursor("models", "%%%", ["string"])).toThrow(/invalid cursor/);
    expect(() => decodeCursor("models", Buffer.from("42").toString("base64url"), ["string"])).toThrow(
      /invalid cursor/,
    );
  });

  it("checks the limit and cuts the look-ahead row", () => {
    expect(pageLimit({})).toBe(50);
    expect(() => pageLimit({ limit: 0 })).toThrow(/1 to 200/);
    expect(() => pageLimit({ limit: 201 })).toThrow(/1 to 200/);
    const page = pageOf(
      [1, 2, 3],
      2,
      (n) => n * 10,
      (n) => `c${n}`,
    );
    expect(page).toEqual({ items: [10, 20], nextCursor: "c2" });
    expect(pageOf([1, 2], 2, (n) => n, String)).toEqual({ items: [1, 2], nextCursor: null });
  });
});
