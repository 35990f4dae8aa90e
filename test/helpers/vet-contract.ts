// biome-ignore-all lint/suspicious/noExplicitAny: checking parsed JSON against the contract
/**
 * DESIGN.md, "Vet report": every field present, in the contract's key order, with the contract's types;
 * unknown is a value, never an omitted field. Throws (via expect) on the first difference.
 */
import { expect } from "vitest";

const COMMERCIAL = ["allowed", "conditional", "prohibited", "unknown"];
const boolOrNull = (v: unknown) => v === null || typeof v === "boolean";
const stringOrNull = (v: unknown) => v === null || typeof v === "string";

/** The contract's keys come first, in its order (implementation extras may follow). */
function expectKeysFirst(obj: any, keys: string[], where: string): void {
  expect(obj, where).toBeTypeOf("object");
  expect(Object.keys(obj).slice(0, keys.length), where).toEqual(keys);
}

export function expectVetContract(doc: any): void {
  expectKeysFirst(
    doc,
    ["schemaVersion", "tool", "target", "verdict", "reasons", "scan", "license", "card", "openness"],
    "top level",
  );
  expect(doc.schemaVersion).toBe(1);
  expectKeysFirst(doc.tool, ["name", "version"], "tool");
  expect(doc.tool.name).toBe("modelgate");
  expect(doc.tool.version).toMatch(/^\d+\.\d+\.\d+/);
  expect(doc.target).toBeTypeOf("string");
  expect(["approved", "rejected", "needs-review"]).toContain(doc.verdict);

  expect(Array.isArray(doc.reasons)).toBe(true);
  for (const r of doc.reasons) {
    expectKeysFirst(r, ["rule", "outcome", "message", "evidence"], "reason");
    expect(r.rule).toBeTypeOf("string");
    expect(["pass", "fail", "warn", "waived"]).toContain(r.outcome);
    expect(r.message).toBeTypeOf("string");
    expect(r.message).not.toContain("\n");
    for (const p of r.evidence) {
      expect(p).toMatch(/^\//);
      expect(resolve(doc, p), `evidence ${p} of ${r.rule} resolves in the report`).not.toBeUndefined();
    }
  }

  expectKeysFirst(doc.scan, ["schemaVersion", "tool", "target", "files", "findings"], "scan");
  expect(doc.scan.summary).toBeTypeOf("object");
  for (const k of ["files", "bytesRead", "bytesTotal", "durationMs"])
    expect(doc.scan.summary[k]).toBeTypeOf("number");

  const l = doc.license;
  expectKeysFirst(l, ["key", "hub", "spdx", "name", "sources", "obligations", "conflicts"], "license");
  expect(l.key).toBeTypeOf("string");
  expect(l.hub).toBeTypeOf("string");
  expect(stringOrNull(l.spdx)).toBe(true);
  expect(l.name).toBeTypeOf("string");
  for (const s of l.sources) {
    expectKeysFirst(s, ["kind", "path", "value"], "license source");
    expect(["card", "file", "body", "base-model"]).toContain(s.kind);
  }
  const o = l.obligations;
  // Written out rather than OBLIGATION_KEYS: this is the contract the renderer's order is checked against.
  expectKeysFirst(
    o,
    [
      "commercialUse",
      "attribution",
      "shareAlike",
      "useRestrictions",
      "restrictionsFlowDown",
      "threshold",
      "naming",
      "derivativesInherit",
      "outputsForTraining",
    ],
    "obligations",
  );
  expect(COMMERCIAL).toContain(o.commercialUse);
  expect(COMMERCIAL).toContain(o.outputsForTraining);
  for (const k of [
    "attribution",
    "shareAlike",
    "useRestrictions",
    "restrictionsFlowDown",
    "derivativesInherit",
  ])
    expect(boolOrNull(o[k]), `obligations.${k}`).toBe(true);
  expect(stringOrNull(o.threshold)).toBe(true);
  expect(stringOrNull(o.naming)).toBe(true);
  for (const c of l.conflicts) {
    expectKeysFirst(c, ["kind", "message", "between"], "conflict");
    expect(["source-disagreement", "lineage", "merge"]).toContain(c.kind);
    expect(c.between).toHaveLength(2);
  }

  const card = doc.card;
  expectKeysFirst(card, ["present", "completeness", "missing", "baseModels", "relation"], "card");
  expect(card.present).toBeTypeOf("boolean");
  expect(card.completeness).toBeGreaterThanOrEqual(0);
  expect(card.completeness).toBeLessThanOrEqual(1);
  expect(Array.isArray(card.missing)).toBe(true);
  expect(Array.isArray(card.baseModels)).toBe(true);
  expect([null, "finetune", "adapter", "merge", "quantized"]).toContain(card.relation);

  expectKeysFirst(doc.openness, ["mofClass", "osaidLicenses"], "openness");
  expect(["I", "II", "III", "none"]).toContain(doc.openness.mofClass);
  expect(doc.openness.osaidLicenses).toBeTypeOf("boolean");
}

function resolve(doc: unknown, pointer: string): unknown {
  let at: any = doc;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (at === null || typeof at !== "object" || !Object.hasOwn(at, key)) return undefined;
    at = at[key];
  }
  return at;
}
