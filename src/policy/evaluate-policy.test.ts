import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cleanFacts, finding, withFindings } from "../../test/helpers/vet-facts.js";
import type { PolicyConfig, PolicyRuleId } from "../config/load-config.js";
import { DEFAULT_RULES, POLICY_RULE_DOCS, POLICY_RULE_IDS, resolvePolicy } from "./default-policy.js";
import { evaluatePolicy, globMatch, modelNames, type VetFacts, verdictOf } from "./evaluate-policy.js";
import { resolvePointer } from "./render/text.js";
import type { VetReason } from "./types.js";

const NOW = new Date("2026-11-30T12:00:00Z");

function evaluate(facts: VetFacts, config?: PolicyConfig, names?: string[]) {
  return evaluatePolicy(resolvePolicy(config), facts, { now: NOW, ...(names ? { modelNames: names } : {}) });
}

function reasonOf(result: { reasons: VetReason[] }, rule: string): VetReason {
  const r = result.reasons.find((x) => x.rule === rule);
  if (!r) throw new Error(`no reason for ${rule}`);
  return r;
}

/** The outcome of one rule after `change` is applied to clean facts. */
function outcome(rule: PolicyRuleId, change: (f: VetFacts) => void, config?: PolicyConfig): VetReason {
  const facts = cleanFacts();
  change(facts);
  return reasonOf(evaluate(facts, config), rule);
}

describe("evaluatePolicy: the default policy", () => {
  it("approves a clean, permissive, documented model with one passing reason per rule", () => {
    const result = evaluate(cleanFacts());
    expect(result.verdict).toBe("approved");
    expect(result.reasons.map((r) => r.rule)).toEqual(POLICY_RULE_IDS);
    expect(result.reasons.every((r) => r.outcome === "pass")).toBe(true);
  });

  it("documents every rule it reports", () => {
    for (const id of POLICY_RULE_IDS) expect(POLICY_RULE_DOCS[id].help.length).toBeGreaterThan(20);
  });
});

describe("scan.max-severity", () => {
  it.each([
    ["critical", "fail"],
    ["high", "fail"],
    ["medium", "warn"],
    ["low", "pass"],
    ["info", "pass"],
  ] as const)("a %s finding is %s by default", (severity, expected) => {
    const r = outcome("scan.max-severity", (f) => withFindings(f, [finding("info"), finding(severity)]));
    expect(r.outcome).toBe(expected);
    if (expected !== "pass") expect(r.evidence).toEqual(["/scan/findings/1"]);
  });

  it("points at every finding at or above the threshold and follows configured thresholds", () => {
    const change = (f: VetFacts) => withFindings(f, [finding("high"), finding("low"), finding("critical")]);
    expect(outcome("scan.max-severity", change).evidence).toEqual(["/scan/findings/0", "/scan/findings/2"]);
    const relaxed = outcome("scan.max-severity", change, {
      rules: { "scan.max-severity": { reject: "critical", review: "none" } },
    });
    expect(relaxed).toMatchObject({ outcome: "fail", evidence: ["/scan/findings/2"] });
    const off = outcome("scan.max-severity", change, {
      rules: { "scan.max-severity": { reject: "none", review: "none" } },
    });
    expect(off.outcome).toBe("pass");
  });
});

describe("formats", () => {
  const pickleBeside = (safe: boolean) => (f: VetFacts) => {
    f.scan.files.push({
      path: "pytorch_model.bin",
      size: 9,
      sha256: null,
      format: "pytorch-zip",
      findings: 0,
    });
    f.scan.repository!.weights.pickle = ["pytorch_model.bin"];
    f.scan.repository!.weights.safeAlternative = safe;
  };

  it("formats.deny: pickle weights need review beside safetensors, and pass alone by default", () => {
    expect(outcome("formats.deny", pickleBeside(true))).toMatchObject({
      outcome: "warn",
      evidence: ["/scan/files/3"],
    });
    expect(outcome("formats.deny", pickleBeside(false)).outcome).toBe("pass");
    const always = {
      rules: { "formats.deny": { unlessNoSafeAlternative: false, action: "reject" as const } },
    };
    expect(outcome("formats.deny", pickleBeside(false), always).outcome).toBe("fail");
  });

  it("formats.allow: judges model files only, and only when a list is set", () => {
    expect(outcome("formats.allow", pickleBeside(true)).outcome).toBe("pass");
    const onlySafetensors = { rules: { "formats.allow": { formats: ["safetensors"] } } };
    expect(outcome("formats.allow", pickleBeside(true), onlySafetensors)).toMatchObject({
      outcome: "fail",
      evidence: ["/scan/files/3"],
    });
    // README (unknown) and config.json (config) are not model formats.
    expect(outcome("formats.allow", () => {}, onlySafetensors).outcome).toBe("pass");
    const withPickle = { rules: { "formats.allow": { formats: ["safetensors", "pickle"] } } };
    expect(outcome("formats.allow", pickleBeside(true), withPickle).outcome).toBe("pass");
  });
});

describe("license rules", () => {
  const nc = (f: VetFacts) => {
    Object.assign(f.license, {
      key: "cc-by-nc-4.0",
      hub: "cc-by-nc-4.0",
      spdx: "CC-BY-NC-4.0",
      name: "CC BY-NC 4.0",
    });
    f.license.obligations.commercialUse = "prohibited";
    f.license.citations = { commercialUse: "§2(a)(1)" };
  };
  const llama = (f: VetFacts) => {
    Object.assign(f.license, {
      key: "llama3.1",
      hub: "llama3.1",
      spdx: "LicenseRef-llama3.1",
      name: "Llama 3.1",
    });
    Object.assign(f.license.obligations, {
      commercialUse: "conditional",
      useRestrictions: true,
      restrictionsFlowDown: true,
      threshold: "700M monthly active users",
    });
  };

  it("license.unknown: reviews an unidentified license by default, rejects when configured", () => {
    const unknown = (f: VetFacts) => {
      Object.assign(f.license, {
        key: "unknown",
        hub: "unknown",
        spdx: null,
        unresolved: "add a LICENSE file",
      });
    };
    expect(outcome("license.unknown", unknown)).toMatchObject({
      outcome: "warn",
      evidence: ["/license/key", "/license/sources"],
    });
    expect(outcome("license.unknown", unknown).message).toContain("add a LICENSE file");
    expect(
      outcome("license.unknown", unknown, { rules: { "license.unknown": { action: "reject" } } }).outcome,
    ).toBe("fail");
    // The obligation rules do not judge what nobody knows: license.unknown alone decides.
    expect(outcome("license.commercial-use", unknown).outcome).toBe("pass");
    expect(outcome("license.use-restrictions", unknown).outcome).toBe("pass");
  });

  it("license.commercial-use: prohibited needs review by default; conditional fails a policy requiring allowed", () => {
    expect(outcome("license.commercial-use", nc)).toMatchObject({
      outcome: "warn",
      evidence: ["/license/obligations/commercialUse"],
    });
    expect(outcome("license.commercial-use", nc).message).toContain("§2(a)(1)");
    expect(outcome("license.commercial-use", llama).outcome).toBe("pass");
    const strict = {
      rules: { "license.commercial-use": { require: "allowed" as const, action: "reject" as const } },
    };
    expect(outcome("license.commercial-use", llama, strict).outcome).toBe("fail");
    expect(outcome("license.commercial-use", () => {}, strict).outcome).toBe("pass");
    const unknownUse = (f: VetFacts) => {
      f.license.obligations.commercialUse = "unknown";
    };
    expect(outcome("license.commercial-use", unknownUse).outcome).toBe("warn");
  });

  it("license.use-restrictions and license.threshold: review by default", () => {
    expect(outcome("license.use-restrictions", llama)).toMatchObject({ outcome: "warn" });
    expect(outcome("license.use-restrictions", llama).message).toContain("passed on");
    expect(outcome("license.threshold", llama)).toMatchObject({
      outcome: "warn",
      evidence: ["/license/obligations/threshold"],
    });
    expect(outcome("license.threshold", llama).message).toContain("700M");
    const allow = { rules: { "license.use-restrictions": { action: "allow" as const } } };
    const allowed = outcome("license.use-restrictions", llama, allow);
    expect(allowed.outcome).toBe("pass");
    expect(allowed.message).toContain("allowed by the policy");
    const unknownRestrictions = (f: VetFacts) => {
      f.license.obligations.useRestrictions = null;
    };
    expect(outcome("license.use-restrictions", unknownRestrictions).outcome).toBe("warn");
  });

  it("license.share-alike: allowed by default, rejected when configured", () => {
    const sa = (f: VetFacts) => {
      f.license.obligations.shareAlike = true;
    };
    expect(outcome("license.share-alike", sa).outcome).toBe("pass");
    expect(outcome("license.share-alike", () => {}).outcome).toBe("pass");
    expect(
      outcome("license.share-alike", sa, { rules: { "license.share-alike": { action: "reject" } } }),
    ).toMatchObject({
      outcome: "fail",
      evidence: ["/license/obligations/shareAlike"],
    });
  });

  it("license.allowed / license.denied: match key, SPDX id or Hub id, and base models' licenses", () => {
    const allowList = { rules: { "license.allowed": { licenses: ["MIT", "Apache-2.0"] } } };
    expect(outcome("license.allowed", () => {}, allowList).outcome).toBe("pass");
    expect(outcome("license.allowed", nc, allowList)).toMatchObject({
      outcome: "fail",
      evidence: ["/license/key"],
    });
    const denyList = { rules: { "license.denied": { licenses: ["llama3.1"], action: "review" as const } } };
    expect(outcome("license.denied", llama, denyList)).toMatchObject({
      outcome: "warn",
      evidence: ["/license/key"],
    });
    const llamaBase = (f: VetFacts) => {
      f.license.lineage = [
        {
          id: "org/merge",
          relation: "merge",
          license: "apache-2.0",
          resolvedFrom: "local:../merge",
          parents: [
            { id: "meta/llama", relation: null, license: "llama3.1", resolvedFrom: "hf", parents: [] },
          ],
        },
      ];
    };
    expect(outcome("license.denied", llamaBase, denyList)).toMatchObject({
      outcome: "warn",
      evidence: ["/license/lineage/0/parents/0"],
    });
    expect(outcome("license.denied", () => {}, denyList).outcome).toBe("pass");
  });

  it("license.conflicts: reviews every conflict by default, with a pointer to each", () => {
    const conflicts = (f: VetFacts) => {
      f.license.conflicts = [
        { kind: "lineage", message: "declares MIT; base is Llama 3.1", between: ["card", "meta/llama"] },
        {
          kind: "source-disagreement",
          message: "card MIT, LICENSE Llama",
          between: ["README.md", "LICENSE"],
        },
      ];
    };
    const r = outcome("license.conflicts", conflicts);
    expect(r).toMatchObject({ outcome: "warn", evidence: ["/license/conflicts/0", "/license/conflicts/1"] });
    expect(r.message).toContain("lineage conflict");
    expect(
      outcome("license.conflicts", conflicts, { rules: { "license.conflicts": { action: "reject" } } })
        .outcome,
    ).toBe("fail");
  });
});

describe("card, hashes, remote code, openness", () => {
  it("card.min-completeness: reviews a thin card and a missing one", () => {
    expect(
      outcome("card.min-completeness", (f) => Object.assign(f.card, { completeness: 0.3 })),
    ).toMatchObject({
      outcome: "warn",
      evidence: ["/card/completeness", "/card/missing"],
    });
    const none = outcome("card.min-completeness", (f) =>
      Object.assign(f.card, { present: false, completeness: 0 }),
    );
    expect(none.outcome).toBe("warn");
    expect(none.message).toContain("no model card");
    const strict = { rules: { "card.min-completeness": { min: 0.9 } } };
    expect(outcome("card.min-completeness", () => {}, strict).outcome).toBe("warn");
  });

  it("card.required-sections: names the missing ones with pointers into card.missing", () => {
    const required = { rules: { "card.required-sections": { sections: ["Contact", "training data"] } } };
    const r = outcome(
      "card.required-sections",
      (f) => Object.assign(f.card, { missing: ["training data", "contact"] }),
      required,
    );
    expect(r).toMatchObject({ outcome: "warn", evidence: ["/card/missing/1", "/card/missing/0"] });
    expect(
      outcome("card.required-sections", (f) => Object.assign(f.card, { missing: [] }), required).outcome,
    ).toBe("pass");
  });

  it("hashes.required: allowed by default, points at unhashed files when required", () => {
    const unhashed = (f: VetFacts) => {
      f.scan.files[2]!.sha256 = null;
    };
    expect(outcome("hashes.required", unhashed).outcome).toBe("pass");
    expect(
      outcome("hashes.required", unhashed, { rules: { "hashes.required": { action: "reject" } } }),
    ).toMatchObject({
      outcome: "fail",
      evidence: ["/scan/files/2"],
    });
  });

  it("remote-code: reviews code a loader would run, with a pointer to each", () => {
    const code = (f: VetFacts) => {
      f.scan.repository!.remoteCode = [
        { kind: "auto_map", detail: "AutoModel -> modeling_x.XModel", location: "@0", file: "config.json" },
        { kind: "python-source", detail: "modeling_x.py", location: "@0", file: "modeling_x.py" },
      ];
    };
    expect(outcome("remote-code", code)).toMatchObject({
      outcome: "warn",
      evidence: ["/scan/repository/remoteCode/0", "/scan/repository/remoteCode/1"],
    });
    expect(outcome("remote-code", code, { rules: { "remote-code": { action: "reject" } } }).outcome).toBe(
      "fail",
    );
  });

  it("openness.min-mof-class: off by default; class I is above II above III", () => {
    expect(outcome("openness.min-mof-class", () => {}).outcome).toBe("pass");
    const min = (c: "I" | "II" | "III") => ({ rules: { "openness.min-mof-class": { min: c } } });
    expect(outcome("openness.min-mof-class", () => {}, min("III")).outcome).toBe("pass");
    expect(outcome("openness.min-mof-class", () => {}, min("II"))).toMatchObject({
      outcome: "warn",
      evidence: ["/openness/mofClass"],
    });
    expect(outcome("openness.min-mof-class", (f) => (f.openness.mofClass = "I"), min("II")).outcome).toBe(
      "pass",
    );
  });
});

describe("waivers", () => {
  const remote = (f: VetFacts) => {
    f.scan.repository!.remoteCode = [
      { kind: "auto_map", detail: "AutoModel", location: "@0", file: "config.json" },
    ];
  };
  const waiver = (model: string, expires: string) => ({
    rules: { "remote-code": { action: "reject" as const } },
    waivers: [
      { rule: "remote-code" as const, model, reason: "code reviewed in SEC-12", approver: "ana", expires },
    ],
  });

  it("a matching, unexpired waiver turns a fail into waived and approves", () => {
    const facts = cleanFacts();
    remote(facts);
    const result = evaluate(facts, waiver("acme-*", "2026-11-30"), modelNames("models/acme-7b/", null));
    const r = reasonOf(result, "remote-code");
    expect(r.outcome).toBe("waived");
    expect(r.waiver).toEqual({ reason: "code reviewed in SEC-12", approver: "ana", expires: "2026-11-30" });
    expect(r.message).toContain("SEC-12");
    expect(result.verdict).toBe("approved");
  });

  it("an expired waiver leaves the failure and adds a warn reason saying so", () => {
    const facts = cleanFacts();
    remote(facts);
    const result = evaluate(facts, waiver("models/acme-7b", "2026-11-29"));
    expect(reasonOf(result, "remote-code").outcome).toBe("fail");
    const expired = reasonOf(result, "waiver.expired");
    expect(expired.outcome).toBe("warn");
    expect(expired.message).toContain("expired on 2026-11-29");
    expect(expired.evidence).toEqual([`/reasons/${POLICY_RULE_IDS.indexOf("remote-code")}`]);
    expect(result.verdict).toBe("rejected");
  });

  it("a waiver for another model or another rule changes nothing", () => {
    const facts = cleanFacts();
    remote(facts);
    expect(evaluate(facts, waiver("other-*", "2030-01-01")).verdict).toBe("rejected");
    const otherRule = waiver("*", "2030-01-01");
    otherRule.waivers[0]!.rule = "license.unknown" as "remote-code";
    expect(evaluate(facts, otherRule).verdict).toBe("rejected");
  });

  it("matches names from hf: targets and the card", () => {
    expect(modelNames("hf:Acme/Llama-FT@v1", { model_name: "acme-ft" })).toEqual(
      expect.arrayContaining(["hf:Acme/Llama-FT@v1", "Acme/Llama-FT", "Llama-FT", "acme-ft"]),
    );
    expect(globMatch("acme/*", "ACME/llama-ft")).toBe(true);
    expect(globMatch("acme/?lama*", "acme/llama-ft")).toBe(true);
    expect(globMatch("acme", "acme/llama")).toBe(false);
    expect(globMatch("a.c", "abc")).toBe(false);
  });
});

describe("verdict precedence", () => {
  const r = (outcome: VetReason["outcome"]): VetReason => ({ rule: "x", outcome, message: "", evidence: [] });
  it("any fail rejects, else any warn needs review, else approved", () => {
    expect(verdictOf([r("pass"), r("warn"), r("fail"), r("waived")])).toBe("rejected");
    expect(verdictOf([r("pass"), r("warn"), r("waived")])).toBe("needs-review");
    expect(verdictOf([r("pass"), r("waived")])).toBe("approved");
    expect(verdictOf([])).toBe("approved");
  });

  it("a critical finding and a license warning together reject", () => {
    const facts = withFindings(cleanFacts(), [finding("critical")]);
    facts.license.obligations.useRestrictions = true;
    const result = evaluate(facts);
    expect(result.verdict).toBe("rejected");
    expect(reasonOf(result, "license.use-restrictions").outcome).toBe("warn");
  });
});

describe("evaluatePolicy: any facts, any policy", () => {
  const severity = fc.constantFrom("critical", "high", "medium", "low", "info" as const);
  const action = fc.constantFrom("reject", "review", "allow" as const);
  const tri = fc.constantFrom(true, false, null);
  const use = fc.constantFrom("allowed", "conditional", "prohibited", "unknown" as const);
  const format = fc.constantFrom(
    "pickle",
    "pytorch-zip",
    "safetensors",
    "gguf",
    "config",
    "python",
    "unknown" as const,
  );
  const facts = fc.record({
    findings: fc.array(severity, { maxLength: 6 }),
    formats: fc.array(format, { maxLength: 5 }),
    hashed: fc.boolean(),
    safeAlternative: fc.boolean(),
    key: fc.constantFrom("apache-2.0", "llama3.1", "unknown"),
    commercialUse: use,
    shareAlike: tri,
    useRestrictions: tri,
    threshold: fc.option(fc.constant("700M monthly active users")),
    conflicts: fc.nat({ max: 3 }),
    remoteCode: fc.nat({ max: 3 }),
    cardPresent: fc.boolean(),
    completeness: fc.double({ min: 0, max: 1, noNaN: true }),
    mof: fc.constantFrom("I", "II", "III", "none" as const),
  });
  const policy = fc.record({
    rules: fc.record(
      {
        "scan.max-severity": fc.record({
          reject: severity,
          review: fc.constantFrom("medium", "none" as const),
        }),
        "formats.deny": fc.record({ formats: fc.array(format, { maxLength: 3 }), action }),
        "formats.allow": fc.record({ formats: fc.array(format, { maxLength: 3 }), action }),
        "license.denied": fc.record({
          licenses: fc.array(fc.constantFrom("llama3.1", "MIT"), { maxLength: 2 }),
          action,
        }),
        "license.commercial-use": fc.record({
          require: fc.constantFrom("allowed", "conditional" as const),
          action,
        }),
        "license.share-alike": fc.record({ action }),
        "hashes.required": fc.record({ action }),
        "openness.min-mof-class": fc.record({
          min: fc.constantFrom("I", "II", "III", "none" as const),
          action,
        }),
      },
      { requiredKeys: [] },
    ),
    waivers: fc.array(
      fc.record({
        rule: fc.constantFrom(...POLICY_RULE_IDS),
        model: fc.constantFrom("*", "acme-*", "other"),
        reason: fc.constant("r"),
        approver: fc.constant("a"),
        expires: fc.constantFrom("2020-01-01", "2999-12-31"),
      }),
      { maxLength: 4 },
    ),
  });

  it("gives one reason per rule (plus expired waivers), pointers that resolve, and the verdict of its reasons", () => {
    fc.assert(
      fc.property(facts, policy, (f, p) => {
        const v = cleanFacts();
        withFindings(
          v,
          f.findings.map((sev) => finding(sev)),
        );
        v.scan.files = f.formats.map((fmt, i) => ({
          path: `f${i}`,
          size: 1,
          sha256: f.hashed ? "0".repeat(64) : null,
          format: fmt,
          findings: 0,
        }));
        v.scan.repository!.weights.safeAlternative = f.safeAlternative;
        v.scan.repository!.remoteCode = Array.from({ length: f.remoteCode }, (_, i) => ({
          kind: "auto_map" as const,
          detail: `C${i}`,
          location: "@0",
          file: "config.json",
        }));
        v.license.key = f.key;
        Object.assign(v.license.obligations, {
          commercialUse: f.commercialUse,
          shareAlike: f.shareAlike,
          useRestrictions: f.useRestrictions,
          threshold: f.threshold,
        });
        v.license.conflicts = Array.from({ length: f.conflicts }, () => ({
          kind: "merge" as const,
          message: "m",
          between: ["a", "b"] as [string, string],
        }));
        v.card.present = f.cardPresent;
        v.card.completeness = f.completeness;
        v.openness.mofClass = f.mof;
        const result = evaluate(v, p as PolicyConfig, ["models/acme-7b", "acme-7b"]);
        const rules = result.reasons.map((r) => r.rule);
        expect(rules.slice(0, POLICY_RULE_IDS.length)).toEqual(POLICY_RULE_IDS);
        expect(rules.slice(POLICY_RULE_IDS.length).every((r) => r === "waiver.expired")).toBe(true);
        const report = { ...v, verdict: result.verdict, reasons: result.reasons };
        for (const r of result.reasons)
          for (const e of r.evidence) expect(resolvePointer(report, e)).not.toBeUndefined();
        expect(result.verdict).toBe(verdictOf(result.reasons));
      }),
      { numRuns: 500 },
    );
  });

  it("merges a configured rule over the default option by option", () => {
    const merged = resolvePolicy({ rules: { "license.commercial-use": { action: "reject" } } });
    expect(merged.rules["license.commercial-use"]).toEqual({ require: "conditional", action: "reject" });
    expect(merged.rules["remote-code"]).toEqual(DEFAULT_RULES["remote-code"]);
    expect(resolvePolicy(undefined)).toEqual({ rules: DEFAULT_RULES, waivers: [] });
  });
});
