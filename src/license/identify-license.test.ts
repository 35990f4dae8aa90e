import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UNKNOWN_OBLIGATIONS } from "../../test/helpers/obligations.js";
import { readModelCard } from "../card/read-model-card.js";
import { identifyLicense } from "./identify-license.js";
import type { LineageNode } from "./types.js";

const full = createRequire(import.meta.url)("spdx-license-list/full") as Record<
  string,
  { licenseText: string }
>;
const aiText = (name: string) =>
  readFileSync(join(import.meta.dirname, "..", "..", "test", "fixtures", "licenses", `${name}.txt`), "utf8");
const mitText = full.MIT!.licenseText.replace("<year> <copyright holders>", "2024 Acme Labs");

const card = (front: string, body = "# Model\n\nA model.\n") => readModelCard(`---\n${front}\n---\n${body}`);
const base = (id: string, license: string, extra: Partial<LineageNode> = {}): LineageNode => ({
  id,
  relation: null,
  license,
  resolvedFrom: "lineage-file:modelgate.lineage.yaml",
  parents: [],
  ...extra,
});

describe("identifyLicense: sources", () => {
  it("maps a card's Hub id to the knowledge base, with obligations and their citations", () => {
    const r = identifyLicense({ card: card("license: apache-2.0"), files: [], lineage: [] });
    expect(r).toMatchObject({ key: "apache-2.0", hub: "apache-2.0", spdx: "Apache-2.0", conflicts: [] });
    expect(r.sources).toEqual([{ kind: "card", path: "README.md", value: "license: apache-2.0" }]);
    expect(r.obligations).toMatchObject({
      commercialUse: "allowed",
      shareAlike: false,
      useRestrictions: false,
    });
    expect(r.citations?.commercialUse).toMatch(/^apache-2\.0 /);
    expect(r.unresolved).toBeUndefined();
  });

  it("reads an upper-case Hub id the same", () => {
    expect(identifyLicense({ card: card("license: MIT"), files: [], lineage: [] }).key).toBe("mit");
  });

  it("resolves license: other by license_name", () => {
    const r = identifyLicense({
      card: card('license: other\nlicense_name: "GNU General Public License v3.0"'),
      files: [],
      lineage: [],
    });
    expect(r).toMatchObject({ key: "gpl-3.0", hub: "other" });
  });

  it("resolves license: other by a license_link to the license's published URL", () => {
    const r = identifyLicense({
      card: card(
        "license: other\nlicense_name: my license\nlicense_link: https://www.apache.org/licenses/LICENSE-2.0",
      ),
      files: [],
      lineage: [],
    });
    expect(r.key).toBe("apache-2.0");
  });

  it("resolves license: other with a Llama 3.1 license_name (AI knowledge base)", () => {
    const r = identifyLicense({
      card: card("license: other\nlicense_name: llama3.1 community license"),
      files: [],
      lineage: [],
    });
    expect(r.key).toBe("llama3.1");
  });

  it("leaves an unknown license: other unknown and says what is needed", () => {
    const r = identifyLicense({
      card: card("license: other\nlicense_name: Frobnicator Model License v7"),
      files: [],
      lineage: [],
    });
    expect(r).toMatchObject({ key: "unknown", hub: "other", spdx: null });
    expect(r.unresolved).toContain("Frobnicator Model License v7");
    expect(r.obligations.commercialUse).toBe("unknown");
  });

  it("takes a Hub id outside the knowledge base that is an SPDX id, with unknown obligations", () => {
    const r = identifyLicense({ card: card("license: zlib"), files: [], lineage: [] });
    expect(r).toMatchObject({ key: "zlib", spdx: "Zlib", hub: "zlib" });
    expect(r.obligations).toEqual(UNKNOWN_OBLIGATIONS);
  });

  it("identifies a LICENSE file alone by its full text", () => {
    const r = identifyLicense({ card: null, files: [{ path: "LICENSE", text: mitText }], lineage: [] });
    expect(r).toMatchObject({ key: "mit", spdx: "MIT", conflicts: [] });
    expect(r.sources).toEqual([{ kind: "file", path: "LICENSE", value: "MIT License" }]);
  });

  it("identifies a LICENSE.md outside the knowledge base by SPDX similarity", () => {
    const r = identifyLicense({
      card: null,
      files: [{ path: "LICENSE.md", text: `# License\n\n${full["Artistic-2.0"]!.licenseText}` }],
      lineage: [],
    });
    expect(r).toMatchObject({ key: "artistic-2.0", spdx: "Artistic-2.0", hub: "other" });
    expect(r.obligations.commercialUse).toBe("unknown");
  });

  it("finds 'licensed under the Apache 2.0 license' in the card body", () => {
    const r = identifyLicense({
      card: card(
        "library_name: transformers",
        "# M\n\nThis model is licensed under the Apache 2.0 license.\n",
      ),
      files: [],
      lineage: [],
    });
    expect(r.key).toBe("apache-2.0");
    expect(r.sources[0]?.kind).toBe("body");
  });

  it("finds a license named in a ## License section", () => {
    const r = identifyLicense({
      card: card("tags: [x]", "# M\n\n## License\n\nMIT\n"),
      files: [],
      lineage: [],
    });
    expect(r.key).toBe("mit");
  });

  it("does not take a license named outside a licensing phrase or section", () => {
    const r = identifyLicense({
      card: card("tags: [x]", "# M\n\nWe compare against models trained with MIT and Apache tooling.\n"),
      files: [],
      lineage: [],
    });
    expect(r.key).toBe("unknown");
  });

  it("reports card metadata and LICENSE that disagree, keeping the more restrictive", () => {
    const r = identifyLicense({
      card: card("license: mit"),
      files: [{ path: "LICENSE", text: full["GPL-3.0-only"]!.licenseText }],
      lineage: [],
    });
    expect(r.key).toBe("gpl-3.0");
    expect(r.conflicts).toHaveLength(1);
    expect(r.conflicts[0]).toMatchObject({
      kind: "source-disagreement",
      between: ["file:LICENSE", "card:README.md"],
    });
    expect(r.conflicts[0]!.message).toMatch(/MIT.*\(mit\)/);
    expect(r.obligations.shareAlike).toBe(true);
  });

  it("keeps the stricter of disagreeing sources field by field (non-commercial binds)", () => {
    const r = identifyLicense({
      card: card("license: cc-by-nc-4.0"),
      files: [{ path: "LICENSE", text: mitText }],
      lineage: [],
    });
    expect(r.key).toBe("cc-by-nc-4.0");
    expect(r.obligations.commercialUse).toBe("prohibited");
    expect(r.conflicts.map((c) => c.kind)).toEqual(["source-disagreement"]);
  });

  it("does not report sources that agree", () => {
    const r = identifyLicense({
      card: card("license: mit", "# M\n\n## License\n\nReleased under the MIT license.\n"),
      files: [{ path: "LICENSE", text: mitText }],
      lineage: [],
    });
    expect(r.conflicts).toEqual([]);
    expect(r.sources.map((s) => s.kind)).toEqual(["card", "file", "body"]);
  });

  it("flags a LICENSE file that is no license text modelgate knows, beside a declared license", () => {
    const r = identifyLicense({
      card: card("license: apache-2.0"),
      files: [
        {
          path: "LICENSE",
          text: "All rights reserved. You may not copy, modify or distribute these weights.",
        },
      ],
      lineage: [],
    });
    expect(r.key).toBe("apache-2.0");
    expect(r.conflicts[0]).toMatchObject({
      kind: "source-disagreement",
      between: ["card:README.md", "file:LICENSE"],
    });
  });

  it("reports nothing found as unknown with everything unknown and what to add", () => {
    const r = identifyLicense({ card: card("tags: [x]"), files: [], lineage: [] });
    expect(r).toMatchObject({ key: "unknown", hub: "unknown", spdx: null, sources: [], conflicts: [] });
    expect(r.obligations.commercialUse).toBe("unknown");
    expect(r.obligations.attribution).toBeNull();
    expect(r.unresolved).toMatch(/add a license to the card metadata .* or a LICENSE file/);
    expect(r.citations).toBeUndefined();
  });

  it("takes a NOTICE naming the license as supporting evidence of the same license", () => {
    const r = identifyLicense({
      card: card("license: apache-2.0"),
      files: [
        {
          path: "NOTICE",
          text: "Acme Model\nThis product is licensed under the Apache License, Version 2.0.\n",
        },
      ],
      lineage: [],
    });
    expect(r.conflicts).toEqual([]);
    expect(r.sources.map((s) => s.path)).toEqual(["README.md", "NOTICE"]);
  });

  it("takes license: other with license_link LICENSE from the file, without a conflict", () => {
    const r = identifyLicense({
      card: card("license: other\nlicense_name: llama3.1-community\nlicense_link: LICENSE"),
      files: [{ path: "LICENSE", text: aiText("llama3.1") }],
      lineage: [],
    });
    expect(r).toMatchObject({ key: "llama3.1", hub: "llama3.1", conflicts: [] });
    expect(r.obligations.threshold).toMatch(/700 million/);
  });

  it("identifies the Llama 3.1 agreement in a LICENSE file (AI knowledge base)", () => {
    const r = identifyLicense({
      card: null,
      files: [{ path: "LICENSE", text: aiText("llama3.1") }],
      lineage: [],
    });
    expect(r.key).toBe("llama3.1");
  });

  it("counts a Llama USE_POLICY.md as evidence of a Llama license, which an MIT card contradicts", () => {
    const policy =
      "# Llama 3.1 Acceptable Use Policy\n\nMeta is committed to promoting safe and fair use of its tools.\n";
    const agreeing = identifyLicense({
      card: card("license: llama3.1"),
      files: [{ path: "USE_POLICY.md", text: policy }],
      lineage: [],
    });
    expect(agreeing.conflicts).toEqual([]);
    const contradicting = identifyLicense({
      card: card("license: mit"),
      files: [{ path: "USE_POLICY.md", text: policy }],
      lineage: [],
    });
    expect(contradicting.key).toBe("mit");
    expect(contradicting.conflicts[0]).toMatchObject({
      kind: "source-disagreement",
      between: ["card:README.md", "file:USE_POLICY.md"],
    });
  });
});

describe("identifyLicense: lineage", () => {
  it("a fine-tune declaring MIT of a base whose terms travel (GPL-3.0) carries them, and conflicts", () => {
    const r = identifyLicense({
      card: card("license: mit\nbase_model: acme/gpl-base"),
      files: [],
      lineage: [base("acme/gpl-base", "gpl-3.0")],
    });
    expect(r.key).toBe("gpl-3.0");
    expect(r.obligations.shareAlike).toBe(true);
    expect(r.conflicts).toHaveLength(1);
    expect(r.conflicts[0]).toMatchObject({ kind: "lineage", between: ["card:README.md", "acme/gpl-base"] });
    expect(r.conflicts[0]!.message).toMatch(
      /declares MIT License \(mit\) but is a finetune of acme\/gpl-base \(gpl-3\.0\), whose §5\(c\)/,
    );
    expect(r.sources.at(-1)).toEqual({ kind: "base-model", path: "acme/gpl-base", value: "gpl-3.0" });
    expect(r.lineage).toHaveLength(1);
  });

  it("a fine-tune of Llama 3.1 declaring MIT carries Llama's threshold and naming duty (AI knowledge base)", () => {
    const r = identifyLicense({
      card: card("license: mit\nbase_model: meta-llama/Llama-3.1-8B-Instruct"),
      files: [],
      lineage: [base("meta-llama/Llama-3.1-8B-Instruct", "llama3.1")],
    });
    expect(r.key).toBe("llama3.1");
    expect(r.obligations.threshold).toMatch(/700/);
    expect(r.obligations.naming).not.toBeNull();
    expect(r.conflicts[0]!.message).toMatch(
      /declares MIT License \(mit\) but is a finetune of meta-llama\/Llama-3\.1-8B-Instruct \(llama3\.1\)/,
    );
  });

  it("a derivative declaring its base's license has no conflict", () => {
    const r = identifyLicense({
      card: card("license: cc-by-nc-4.0\nbase_model: acme/nc"),
      files: [],
      lineage: [base("acme/nc", "cc-by-nc-4.0")],
    });
    expect(r.conflicts).toEqual([]);
    expect(r.obligations.commercialUse).toBe("prohibited");
  });

  it("an adapter of a non-commercial base declaring Apache-2.0 cannot be used commercially", () => {
    const r = identifyLicense({
      card: card("license: apache-2.0\nbase_model: acme/nc\nbase_model_relation: adapter"),
      files: [],
      lineage: [base("acme/nc", "cc-by-nc-4.0", { relation: "adapter" })],
    });
    expect(r.obligations.commercialUse).toBe("prohibited");
    expect(r.key).toBe("cc-by-nc-4.0");
    expect(r.conflicts[0]!.message).toMatch(/is an adapter of acme\/nc/);
  });

  it("a permissive base passes nothing down and conflicts with nothing", () => {
    const r = identifyLicense({
      card: card("license: mit\nbase_model: acme/apache"),
      files: [],
      lineage: [base("acme/apache", "apache-2.0")],
    });
    expect(r).toMatchObject({ key: "mit", conflicts: [] });
    expect(r.obligations.shareAlike).toBe(false);
  });

  it("passes a grandparent's terms through a permissive-looking base", () => {
    const r = identifyLicense({
      card: card("license: mit\nbase_model: acme/mid"),
      files: [],
      lineage: [base("acme/mid", "cc-by-sa-4.0", { parents: [base("acme/root", "cc-by-nc-4.0")] })],
    });
    expect(r.obligations.commercialUse).toBe("prohibited");
    expect(r.obligations.shareAlike).toBe(true);
  });

  it("use restrictions that must flow down (RAIL) reach a derivative declaring Apache-2.0 (AI knowledge base)", () => {
    const r = identifyLicense({
      card: card("license: apache-2.0\nbase_model: acme/sd"),
      files: [],
      lineage: [base("acme/sd", "creativeml-openrail-m")],
    });
    expect(r.obligations.useRestrictions).toBe(true);
    expect(r.conflicts.map((c) => c.kind)).toEqual(["lineage"]);
  });

  it("an unreadable base makes the inherited obligations unknown and says which base", () => {
    const r = identifyLicense({
      card: card("license: apache-2.0\nbase_model: acme/private"),
      files: [],
      lineage: [
        base("acme/private", "unknown", { resolvedFrom: null, unresolvedReason: "no resolver knows it" }),
      ],
    });
    expect(r.key).toBe("apache-2.0");
    expect(r.obligations.commercialUse).toBe("unknown");
    expect(r.conflicts[0]).toMatchObject({ kind: "lineage", between: ["card:README.md", "acme/private"] });
    expect(r.conflicts[0]!.message).toContain("acme/private could not be read (no resolver knows it)");
    expect(r.unresolved).toContain("acme/private");
  });

  it("a repository with no license of its own stays unknown but carries its base's obligations", () => {
    const r = identifyLicense({
      card: card("base_model: acme/nc"),
      files: [],
      lineage: [base("acme/nc", "cc-by-nc-4.0")],
    });
    expect(r.key).toBe("unknown");
    expect(r.obligations.commercialUse).toBe("prohibited");
    expect(r.unresolved).toContain("acme/nc (cc-by-nc-4.0)");
  });

  it("a merge combines all parents", () => {
    const r = identifyLicense({
      card: card("license: cc-by-nc-4.0\nbase_model: [a/nc, b/apache]\nbase_model_relation: merge"),
      files: [],
      lineage: [
        base("a/nc", "cc-by-nc-4.0", { relation: "merge" }),
        base("b/apache", "apache-2.0", { relation: "merge" }),
      ],
    });
    expect(r.conflicts).toEqual([]);
    expect(r.obligations.commercialUse).toBe("prohibited");
  });

  it("a merge of two licenses that each require derivatives under their own terms is a merge conflict", () => {
    const r = identifyLicense({
      card: card("license: gpl-3.0\nbase_model: [a/gpl, b/sa]\nbase_model_relation: merge"),
      files: [],
      lineage: [base("a/gpl", "gpl-3.0"), base("b/sa", "cc-by-sa-4.0")],
    });
    const merge = r.conflicts.filter((c) => c.kind === "merge");
    expect(merge).toHaveLength(1);
    expect(merge[0]).toMatchObject({ between: ["a/gpl", "b/sa"] });
    expect(merge[0]!.message).toMatch(/each requires derivatives under its own terms/);
  });

  it("a merge of a copyleft parent and a use-restricted parent is one merge conflict (AI knowledge base)", () => {
    const r = identifyLicense({
      card: card("license: creativeml-openrail-m\nbase_model: [a/gpl, b/sd]"),
      files: [],
      lineage: [base("a/gpl", "gpl-3.0"), base("b/sd", "creativeml-openrail-m")],
    });
    const merge = r.conflicts.filter((c) => c.kind === "merge");
    expect(merge).toHaveLength(1);
    expect(merge[0]!.message).toMatch(
      /gpl-3\.0.*allow no further restrictions, with b\/sd \(creativeml-openrail-m\), which restricts use/,
    );
  });

  it("a merge of a non-commercial parent with a copyleft parent is a merge conflict", () => {
    const r = identifyLicense({
      card: card("license: cc-by-nc-4.0\nbase_model: [a/gpl, b/nc]\nbase_model_relation: merge"),
      files: [],
      lineage: [base("a/gpl", "gpl-3.0"), base("b/nc", "cc-by-nc-4.0")],
    });
    const merge = r.conflicts.filter((c) => c.kind === "merge");
    expect(merge.map((c) => c.between)).toEqual([["a/gpl", "b/nc"]]);
    expect(merge[0]!.message).toMatch(/which restricts commercial use/);
  });

  it("two bases without a relation are a merge", () => {
    const r = identifyLicense({
      card: card("license: gpl-3.0\nbase_model: [a/gpl, b/sa]"),
      files: [],
      lineage: [base("a/gpl", "gpl-3.0"), base("b/sa", "cc-by-sa-4.0")],
    });
    expect(r.conflicts.some((c) => c.kind === "merge")).toBe(true);
  });

  it("survives a hand-built cyclic lineage graph", () => {
    const a = base("a", "mit");
    a.parents.push(a);
    const r = identifyLicense({ card: card("license: mit\nbase_model: a"), files: [], lineage: [a] });
    expect(r.key).toBe("mit");
  });
});

describe("identifyLicense: hostile and mangled input", () => {
  it("never throws on arbitrary file and card text, and always reports every field", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 3000 }), fc.string({ maxLength: 3000 }), (text, body) => {
        const r = identifyLicense({
          card: readModelCard(
            `---\nlicense: other\nlicense_name: ${JSON.stringify(text.slice(0, 80))}\n---\n${body}`,
          ),
          files: [
            { path: "LICENSE", text },
            { path: "NOTICE", text: body },
          ],
          lineage: [],
        });
        expect(typeof r.key).toBe("string");
        expect(Object.keys(r.obligations)).toHaveLength(9);
      }),
      { numRuns: 60 },
    );
  });

  it("still recognizes Apache-2.0 with a few words dropped or changed", () => {
    const words = full["Apache-2.0"]!.licenseText.split(/\s+/);
    fc.assert(
      fc.property(fc.array(fc.nat(words.length - 1), { maxLength: 40 }), (hits) => {
        const mangled = words.map((w, i) => (hits.includes(i) ? (i % 2 ? "" : "zzz") : w)).join(" ");
        expect(
          identifyLicense({ card: null, files: [{ path: "LICENSE", text: mangled }], lineage: [] }).key,
        ).toBe("apache-2.0");
      }),
      { numRuns: 30 },
    );
  });
});
