import { describe, expect, it } from "vitest";
import { cleanFacts, finding, reportOf, withFindings } from "../../../test/helpers/vet-facts.js";
import { describePointer, renderVetText, resolvePointer } from "./text.js";

describe("renderVetText", () => {
  it("puts the verdict first, failures before passes, evidence in words and what to do", () => {
    const facts = withFindings(cleanFacts(), [finding("critical", "evil.pkl", "PICKLE_DANGEROUS_GLOBAL")]);
    facts.license.conflicts = [
      {
        kind: "lineage",
        message: "declares MIT; the base is Llama 3.1",
        between: ["README.md", "meta/llama"],
      },
    ];
    const text = renderVetText(reportOf(facts), { color: false });
    const lines = text.split("\n");
    expect(lines[0]).toBe("Verdict: REJECTED  models/acme-7b");
    expect(text).toContain("FAIL   scan.max-severity: 1 scan finding at or above high");
    expect(text).toContain("evidence /scan/findings/0: critical PICKLE_DANGEROUS_GLOBAL in evil.pkl (@12)");
    expect(text).toContain("REVIEW license.conflicts: lineage conflict: declares MIT");
    expect(text).toContain(
      "evidence /license/conflicts/0: lineage: declares MIT; the base is Llama 3.1 (README.md vs meta/llama)",
    );
    expect(text).toMatch(/what to do: .*safe-format/);
    expect(text.indexOf("FAIL")).toBeLessThan(text.indexOf("REVIEW"));
    expect(text.indexOf("REVIEW")).toBeLessThan(text.indexOf("pass  "));
    expect(text).toContain("commercial use: allowed (§2)");
    expect(text).toContain("share-alike: no");
    expect(text).toContain("86% complete; missing: contact");
    expect(text).toContain("Model Openness Framework class: III");
    expect(text).toContain("read 120 B of 1.1 KiB (10%)");
    expect(text).not.toContain("\x1b[");
  });

  it("says unknown obligations as unknown, and escapes control characters from the model", () => {
    const facts = cleanFacts();
    facts.license.obligations.attribution = null;
    facts.license.name = "Evil\x1b[2J License";
    const text = renderVetText(reportOf(facts), { color: true });
    expect(text).toContain("attribution: unknown");
    expect(text).toContain("Evil\\x1b[2J License");
    expect(text).not.toContain("\x1b[2J");
    expect(text).toContain("\x1b[1;32mVerdict: APPROVED");
  });

  it("prints the share of bytes read for a remote repository", () => {
    const facts = cleanFacts();
    facts.target = "hf:acme/big@main";
    facts.scan.summary.bytesRead = 3 * 1024 * 1024;
    facts.scan.summary.bytesTotal = 100 * 1024 * 1024 * 1024;
    expect(renderVetText(reportOf(facts), { color: false })).toContain("read 3.0 MiB of 100 GiB (0.0029%)");
  });

  it("resolves JSON pointers, escaped segments included, and says when one leads nowhere", () => {
    const report = reportOf(cleanFacts());
    expect(resolvePointer({ "a/b": { "~c": 1 } }, "/a~1b/~0c")).toBe(1);
    expect(resolvePointer(report, "/card/completeness")).toBe(0.86);
    expect(describePointer(report, "/scan/findings/9")).toBe("(not in this report)");
    expect(describePointer(report, "/scan/files/2")).toBe("model.safetensors (safetensors, 1000 B)");
  });
});
