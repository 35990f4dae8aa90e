import { describe, expect, it } from "vitest";
import { UNKNOWN_OBLIGATIONS } from "../../../test/helpers/obligations.js";
import { expectVetContract } from "../../../test/helpers/vet-contract.js";
import { cleanFacts, finding, reportOf, withFindings } from "../../../test/helpers/vet-facts.js";
import { renderVetJson } from "./json.js";

describe("renderVetJson", () => {
  it("writes the contract, keys in order, whatever order the report object has", () => {
    const report = reportOf(withFindings(cleanFacts(), [finding("critical")]));
    // Build the same report with keys in reverse order: the output must not depend on it.
    const shuffled = Object.fromEntries(Object.entries(report).reverse()) as typeof report;
    shuffled.license = Object.fromEntries(Object.entries(report.license).reverse()) as typeof report.license;
    const doc = JSON.parse(renderVetJson(shuffled));
    expectVetContract(doc);
    expect(doc.verdict).toBe("rejected");
    expect(doc.reasons[0]).toMatchObject({
      rule: "scan.max-severity",
      outcome: "fail",
      evidence: ["/scan/findings/0"],
    });
  });

  it("keeps unknown values as values: null booleans and spdx, the unknown key", () => {
    const facts = cleanFacts();
    Object.assign(facts.license, {
      key: "unknown",
      hub: "unknown",
      spdx: null,
      name: "unknown",
      sources: [],
    });
    Object.assign(facts.license.obligations, UNKNOWN_OBLIGATIONS);
    const doc = JSON.parse(renderVetJson(reportOf(facts)));
    expectVetContract(doc);
    expect(doc.license.spdx).toBeNull();
    expect(doc.license.obligations.attribution).toBeNull();
    expect(doc.license.obligations.threshold).toBeNull();
    expect(doc.card.relation).toBeNull();
    expect(doc.verdict).toBe("needs-review");
  });
});
