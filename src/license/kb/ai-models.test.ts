import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import spdxLicenses from "spdx-license-list";
import { describe, expect, it } from "vitest";
import { type LicenseEntry, OBLIGATION_KEYS } from "../types.js";
import { AI_MODEL_LICENSES } from "./ai-models.js";
import { entriesMatchingText, matchesFingerprints } from "./fingerprints.js";
import { LICENSES, licenseByHubId, licenseByKey } from "./index.js";
import { normalizeLicenseText } from "./normalize.js";

const FIXTURES = join(import.meta.dirname, "../../../test/fixtures/licenses");

/** test/fixtures/licenses/<key>.txt: the agreement texts (or verbatim excerpts), by knowledge-base key. */
const fixtures = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".txt"))
  .map((f) => ({ key: f.slice(0, -".txt".length), text: readFileSync(join(FIXTURES, f), "utf8") }));

function entry(key: string): LicenseEntry {
  const found = licenseByKey(key);
  if (found === undefined) throw new Error(`no knowledge-base entry ${key}`);
  return found;
}

const fixtureText = (key: string): string => fixtures.find((f) => f.key === key)?.text ?? "";

/** A LICENSE.md rendering: a `#` title, paragraphs re-wrapped at `width`, some words in `**`, CRLF ends. */
function asMarkdown(text: string, width: number): string {
  const [title = "", ...rest] = text.split("\n");
  const paragraphs = rest
    .join("\n")
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p) => {
      const lines: string[] = [];
      let line = "";
      p.split(/\s+/).forEach((word, i) => {
        const w = i % 7 === 3 && /^[A-Za-z]+$/.test(word) ? `**${word}**` : word;
        if (line.length > 0 && line.length + w.length + 1 > width) {
          lines.push(line);
          line = w;
        } else line = line.length > 0 ? `${line} ${w}` : w;
      });
      lines.push(line);
      return lines.join("\r\n");
    });
  return [`# ${title.trim()}`, ...paragraphs].join("\r\n\r\n");
}

describe("AI model licenses: knowledge-base invariants", () => {
  it("has an entry for every license the issue names", () => {
    const keys = AI_MODEL_LICENSES.map((e) => e.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        "llama2",
        "llama3",
        "llama3.1",
        "llama3.2",
        "llama3.3",
        "llama4",
        "gemma",
        "creativeml-openrail-m",
        "bigscience-openrail-m",
        "bigscience-bloom-rail-1.0",
        "openrail++",
        "bigcode-openrail-m",
        "tongyi-qianwen",
        "tongyi-qianwen-research",
        "qwen",
        "qwen-research",
        "deepseek",
        "stabilityai-community",
        "flux-1-dev-non-commercial",
        "mistral-research",
        "mistral-non-production",
        "apple-ascl",
        "apple-amlr",
        "opt-175b",
        "openmdw-1.0",
      ]),
    );
  });

  it("every entry in the whole knowledge base has all nine obligations, each with a citation", () => {
    for (const e of LICENSES) {
      expect(Object.keys(e.obligations).sort(), e.key).toEqual([...OBLIGATION_KEYS].sort());
      for (const name of OBLIGATION_KEYS) {
        expect(e.obligations[name].cite.trim(), `${e.key}.${name}`).not.toBe("");
      }
    }
  });

  it("AI entries record known values of the right kind (no `unknown` commercial answers)", () => {
    const uses = ["allowed", "conditional", "prohibited"];
    for (const { key, obligations: o } of AI_MODEL_LICENSES) {
      expect(uses, `${key}.commercialUse`).toContain(o.commercialUse.value);
      expect(uses, `${key}.outputsForTraining`).toContain(o.outputsForTraining.value);
      for (const name of ["attribution", "shareAlike", "useRestrictions", "restrictionsFlowDown"] as const) {
        expect(typeof o[name].value, `${key}.${name}`).toBe("boolean");
      }
      expect(typeof o.derivativesInherit.value, key).toBe("boolean");
      for (const name of ["threshold", "naming"] as const) {
        const v = o[name].value;
        expect(v === null || (typeof v === "string" && v.length > 0), `${key}.${name}`).toBe(true);
      }
    }
  });

  it("keys, SPDX ids and Hub ids are unique across the whole knowledge base", () => {
    const dupes = (xs: string[]) => xs.filter((x, i) => xs.indexOf(x) !== i);
    expect(dupes(LICENSES.map((e) => e.key))).toEqual([]);
    expect(dupes(LICENSES.map((e) => e.spdx))).toEqual([]);
    expect(dupes(LICENSES.flatMap((e) => e.hubIds.map((id) => id.toLowerCase())))).toEqual([]);
  });

  it("uses a real SPDX id where SPDX has one, else a well-formed LicenseRef", () => {
    for (const e of AI_MODEL_LICENSES) {
      const valid = e.spdx in spdxLicenses || /^LicenseRef-[A-Za-z0-9.-]+$/.test(e.spdx);
      expect(valid, `${e.key}: ${e.spdx}`).toBe(true);
    }
    expect(entry("openmdw-1.0").spdx).toBe("OpenMDW-1.0");
    // SPDX's "Apple MIT License" is the Apple Sample Code License text.
    expect(entry("apple-ascl").spdx).toBe("AML");
    expect(entry("llama3.1").spdx).toBe("LicenseRef-llama3.1");
  });

  it("resolves the Hugging Face Hub ids and the `license_name` values used with `license: other`", () => {
    const hub: Record<string, string> = {
      llama2: "llama2",
      llama3: "llama3",
      "llama3.1": "llama3.1",
      "LLAMA3.2": "llama3.2",
      "llama3.3": "llama3.3",
      llama4: "llama4",
      gemma: "gemma",
      "creativeml-openrail-m": "creativeml-openrail-m",
      "bigscience-openrail-m": "bigscience-openrail-m",
      "bigscience-bloom-rail-1.0": "bigscience-bloom-rail-1.0",
      "openrail++": "openrail++",
      "bigcode-openrail-m": "bigcode-openrail-m",
      "apple-ascl": "apple-ascl",
      "apple-amlr": "apple-amlr",
      "openmdw-1.0": "openmdw-1.0",
      qwen: "qwen",
      "qwen-research": "qwen-research",
      "tongyi-qianwen": "tongyi-qianwen",
      "tongyi-qianwen-research": "tongyi-qianwen-research",
      deepseek: "deepseek",
      mrl: "mistral-research",
      mnpl: "mistral-non-production",
      "stabilityai-ai-community": "stabilityai-community",
      "flux-1-dev-non-commercial-license": "flux-1-dev-non-commercial",
    };
    for (const [id, key] of Object.entries(hub)) expect(licenseByHubId(id)?.key, id).toBe(key);
  });
});

describe("AI model licenses: identification by fingerprints", () => {
  it("every AI entry has a fixture text and every fixture an entry", () => {
    expect(fixtures.map((f) => f.key).sort()).toEqual(AI_MODEL_LICENSES.map((e) => e.key).sort());
  });

  it("fingerprints are normalized, at least 15 characters, and at least two per entry", () => {
    for (const e of AI_MODEL_LICENSES) {
      expect(e.fingerprints.length, e.key).toBeGreaterThanOrEqual(2);
      for (const f of e.fingerprints) {
        expect(normalizeLicenseText(f), e.key).toBe(f);
        expect(f.length, `${e.key}: ${f}`).toBeGreaterThanOrEqual(15);
      }
    }
  });

  for (const { key, text } of fixtures) {
    it(`${key}: its text and Markdown re-wraps identify as ${key} alone`, () => {
      for (const copy of [text, asMarkdown(text, 58), asMarkdown(text, 91)]) {
        const normalized = normalizeLicenseText(copy);
        expect(entry(key).fingerprints.filter((f) => !normalized.includes(f))).toEqual([]);
        expect(entriesMatchingText(copy).map((e) => e.key)).toEqual([key]);
      }
    });

    // Stricter than the matching rule: not one phrase of another agreement, so that near-identical texts
    // (the RAIL family, the Llama versions) stay apart even when a copy is partial.
    it(`${key}: contains no fingerprint of any other AI agreement`, () => {
      const normalized = normalizeLicenseText(text);
      const foreign = AI_MODEL_LICENSES.filter((e) => e.key !== key).flatMap((e) =>
        e.fingerprints.filter((f) => normalized.includes(f)).map((f) => `${e.key}: ${f}`),
      );
      expect(foreign).toEqual([]);
    });
  }

  it("tells the Llama versions apart when only the version header differs", () => {
    const llama31 = fixtureText("llama3.1");
    const relabelled = llama31.replaceAll("3.1", "3.2").replace("July 23, 2024", "September 25, 2024");
    expect(entriesMatchingText(relabelled).map((e) => e.key)).toEqual(["llama3.2"]);
    // The right title with another version's date line is no known agreement.
    expect(entriesMatchingText(llama31.replace("July 23, 2024", "September 25, 2024"))).toEqual([]);
  });

  it("a Notice file or a bare title alone identifies nothing", () => {
    const notice =
      "Llama 3.1 is licensed under the Llama 3.1 Community License, Copyright © Meta Platforms, Inc.";
    expect(entriesMatchingText(notice)).toEqual([]);
    expect(matchesFingerprints(normalizeLicenseText("Gemma Terms of Use"), entry("gemma"))).toBe(false);
  });
});

describe("AI model licenses: key facts", () => {
  const o = (key: string) => entry(key).obligations;

  it("Llama 3.1: 700 million MAU threshold (§2), Built with Llama and the name prefix (§1.b.i)", () => {
    expect(o("llama3.1").threshold.value).toContain("700 million");
    expect(o("llama3.1").threshold.cite).toBe("§2");
    expect(o("llama3.1").naming.value).toContain('"Built with Llama"');
    expect(o("llama3.1").naming.value).toContain('"Llama" at the beginning of its name');
    expect(o("llama3.1").naming.cite).toBe("§1.b.i");
    expect(normalizeLicenseText(fixtureText("llama3.1"))).toContain(
      "greater than 700 million monthly active users",
    );
  });

  it("every Llama version: AUP incorporated (§1.b.iv) and passed on, commercial use conditional on MAU", () => {
    for (const key of ["llama2", "llama3", "llama3.1", "llama3.2", "llama3.3", "llama4"]) {
      expect(o(key).useRestrictions.value, key).toBe(true);
      expect(o(key).useRestrictions.cite, key).toBe("§1.b.iv");
      expect(o(key).restrictionsFlowDown.value, key).toBe(true);
      expect(o(key).commercialUse.value, key).toBe("conditional");
      expect(o(key).threshold.value, key).toContain("700 million");
      expect(o(key).derivativesInherit.value, key).toBe(true);
    }
  });

  it("Llama 2 and 3 forbid outputs improving other LLMs (§1.b.v); 3.1 onwards allow it with the name prefix", () => {
    for (const key of ["llama2", "llama3"]) {
      expect(o(key).outputsForTraining.value, key).toBe("prohibited");
      expect(o(key).outputsForTraining.cite, key).toBe("§1.b.v");
      expect(normalizeLicenseText(fixtureText(key))).toContain("to improve any other large language model");
    }
    for (const key of ["llama3.1", "llama3.2", "llama3.3", "llama4"]) {
      expect(o(key).outputsForTraining.value, key).toBe("conditional");
      expect(normalizeLicenseText(fixtureText(key))).not.toContain(
        "to improve any other large language model",
      );
      expect(normalizeLicenseText(fixtureText(key))).toContain(
        "any outputs or results of the llama materials",
      );
    }
    expect(o("llama2").naming.value).toBeNull();
    expect(o("llama3").naming.value).toContain('"Built with Meta Llama 3"');
    expect(o("llama3").naming.value).toContain('"Llama 3" at the beginning');
  });

  it("Llama 3.2 (and 4): the AUP withholds multimodal rights from EU-domiciled individuals and companies", () => {
    for (const key of ["llama3.2", "llama4"]) {
      const note = o(key).useRestrictions.note ?? "";
      expect(note, key).toContain("multimodal");
      expect(note, key).toContain("European Union");
    }
    expect(o("llama3.1").useRestrictions.note ?? "").not.toContain("European Union");
  });

  it("Gemma: Prohibited Use Policy (§3.2) flows down as an enforceable provision (§3.1); derivatives inherit", () => {
    expect(o("gemma").useRestrictions.note).toContain("Prohibited Use Policy");
    expect(o("gemma").restrictionsFlowDown).toMatchObject({ value: true, cite: "§3.1" });
    expect(o("gemma").derivativesInherit.value).toBe(true);
    expect(o("gemma").commercialUse.value).toBe("allowed");
    expect(o("gemma").outputsForTraining.value).toBe("conditional");
    expect(normalizeLicenseText(fixtureText("gemma"))).toContain(
      "you must include the use restrictions referenced in section 3.2 as an enforceable provision",
    );
  });

  it("RAIL licenses: Attachment A restrictions, passed on as enforceable provisions, outputs not claimed", () => {
    for (const key of [
      "creativeml-openrail-m",
      "bigscience-openrail-m",
      "bigscience-bloom-rail-1.0",
      "openrail++",
      "bigcode-openrail-m",
      "deepseek",
    ]) {
      expect(o(key).useRestrictions.value, key).toBe(true);
      expect(o(key).useRestrictions.cite, key).toContain("Attachment A");
      expect(o(key).restrictionsFlowDown.value, key).toBe(true);
      expect(o(key).commercialUse.value, key).toBe("allowed");
      expect(o(key).derivativesInherit.value, key).toBe(true);
      expect(o(key).outputsForTraining.value, key).toBe("conditional");
      expect(entry(key).family, key).toBe("responsible-ai");
    }
    expect(o("creativeml-openrail-m").restrictionsFlowDown.cite).toContain("§4.a");
    expect(normalizeLicenseText(fixtureText("creativeml-openrail-m"))).toContain(
      "must be included as an enforceable provision by you in any type of legal agreement",
    );
    expect(normalizeLicenseText(fixtureText("creativeml-openrail-m"))).toContain(
      "licensor claims no rights in the output you generate",
    );
  });

  it("DeepSeek: Attachment A bans military use", () => {
    expect(o("deepseek").useRestrictions.note).toContain("military");
    expect(normalizeLicenseText(fixtureText("deepseek"))).toContain("for military use in any way");
  });

  it("Stability AI Community: free under USD 1,000,000 annual revenue, Powered by Stability AI", () => {
    expect(o("stabilityai-community").commercialUse.value).toBe("conditional");
    expect(o("stabilityai-community").threshold.value).toContain("1,000,000");
    expect(o("stabilityai-community").naming.value).toContain('"Powered by Stability AI"');
    expect(o("stabilityai-community").outputsForTraining.value).toBe("prohibited");
    expect(normalizeLicenseText(fixtureText("stabilityai-community"))).toContain(
      "generate more than usd $1,000,000 in annual revenue",
    );
  });

  it("FLUX.1 [dev]: non-commercial; outputs usable commercially but not to train a competing model", () => {
    expect(o("flux-1-dev-non-commercial").commercialUse.value).toBe("prohibited");
    expect(o("flux-1-dev-non-commercial").outputsForTraining).toMatchObject({
      value: "conditional",
      cite: expect.stringContaining("§2(d)"),
    });
    expect(o("flux-1-dev-non-commercial").outputsForTraining.note).toContain("competitive");
    expect(normalizeLicenseText(fixtureText("flux-1-dev-non-commercial"))).toContain(
      "you may use output for any purpose (including for commercial purposes)",
    );
  });

  it("Tongyi Qianwen and Qwen: 100 million MAU; Qwen 2.5 allows outputs with Built with Qwen", () => {
    for (const key of ["tongyi-qianwen", "qwen"]) {
      expect(o(key).commercialUse.value, key).toBe("conditional");
      expect(o(key).threshold.value, key).toContain("100 million");
    }
    expect(o("tongyi-qianwen").outputsForTraining.value).toBe("prohibited");
    expect(o("qwen").outputsForTraining.value).toBe("conditional");
    expect(o("qwen").naming.value).toContain('"Built with Qwen"');
  });

  it("research and non-production licenses prohibit commercial use", () => {
    for (const key of [
      "tongyi-qianwen-research",
      "qwen-research",
      "mistral-research",
      "mistral-non-production",
      "apple-amlr",
      "opt-175b",
      "flux-1-dev-non-commercial",
    ]) {
      expect(o(key).commercialUse.value, key).toBe("prohibited");
      expect(o(key).derivativesInherit.value, key).toBe(true);
    }
    expect(normalizeLicenseText(fixtureText("mistral-non-production"))).toContain(
      "in non-production environments",
    );
  });

  it("permissive model licenses: OpenMDW and the Apple Sample Code License", () => {
    for (const key of ["openmdw-1.0", "apple-ascl"]) {
      expect(o(key).commercialUse.value, key).toBe("allowed");
      expect(o(key).useRestrictions.value, key).toBe(false);
      expect(o(key).outputsForTraining.value, key).toBe("allowed");
      expect(o(key).derivativesInherit.value, key).toBe(false);
    }
  });
});
