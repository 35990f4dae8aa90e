import { describe, expect, it } from "vitest";
import { entryHash } from "./audit.js";
import { GENESIS_HASH } from "./migrations/001_init.js";

const entry = {
  seq: 1,
  at: "2026-11-30T10:00:00.000Z",
  actor: "dana",
  action: "model.create",
  subject: "model:acme",
  before: null,
  after: { name: "acme", tags: ["a"] },
  requestId: "r1",
};

describe("entryHash", () => {
  it("does not depend on key order in before/after", () => {
    const reordered = { ...entry, after: { tags: ["a"], name: "acme" } };
    expect(entryHash(GENESIS_HASH, reordered)).toBe(entryHash(GENESIS_HASH, entry));
  });

  it("covers every field and the previous hash", () => {
    const base = entryHash(GENESIS_HASH, entry);
    const changes = [
      { seq: 2 },
      { at: "2026-11-30T10:00:00.001Z" },
      { actor: "eve" },
      { action: "model.update" },
      { subject: "model:other" },
      { before: {} },
      { after: { name: "acme", tags: [] } },
      { requestId: null },
    ];
    for (const change of changes) expect(entryHash(GENESIS_HASH, { ...entry, ...change })).not.toBe(base);
    expect(entryHash("1".repeat(64), entry)).not.toBe(base);
  });
});
