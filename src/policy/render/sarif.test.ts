// biome-ignore-all lint/suspicious/noExplicitAny: walking parsed SARIF JSON in assertions
import { describe, expect, it } from "vitest";
import { sarifValidator } from "../../../test/helpers/sarif-validator.js";
import { cleanFacts, finding, reportOf, withFindings } from "../../../test/helpers/vet-facts.js";
import { renderVetSarif } from "./sarif.js";

const validate = sarifValidator();

describe("renderVetSarif", () => {
  it("is valid SARIF 2.1.0 with scan findings and policy failures as results", () => {
    const facts = withFindings(cleanFacts(), [finding("critical", "evil.pkl", "PICKLE_DANGEROUS_GLOBAL")]);
    facts.scan.files.push({ path: "evil.pkl", size: 40, sha256: null, format: "pickle", findings: 1 });
    facts.license.obligations.useRestrictions = true;
    facts.license.citations = { useRestrictions: "Attachment A" };
    const report = reportOf(facts);
    const doc = JSON.parse(renderVetSarif(report, { exitCode: 1 })) as any;
    expect(validate(doc), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const run = doc.runs[0];
    const ids = run.results.map((r: any) => r.ruleId);
    expect(ids).toEqual(["PICKLE_DANGEROUS_GLOBAL", "scan.max-severity", "license.use-restrictions"]);
    const policyFail = run.results[1];
    expect(policyFail.level).toBe("error");
    expect(policyFail.locations[0].physicalLocation.artifactLocation.uri).toBe("models/acme-7b/evil.pkl");
    const review = run.results[2];
    expect(review.level).toBe("warning");
    expect(review.locations[0].physicalLocation.artifactLocation.uri).toBe("models/acme-7b/LICENSE");
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId);
    expect(run.properties.verdict).toBe("rejected");
    expect(run.invocations[0].exitCode).toBe(1);
  });

  it("an approved model has no results and is still valid", () => {
    const doc = JSON.parse(renderVetSarif(reportOf(cleanFacts()), { exitCode: 0 })) as any;
    expect(validate(doc)).toBe(true);
    expect(doc.runs[0].results).toEqual([]);
    expect(doc.runs[0].properties.verdict).toBe("approved");
  });
});
