import spdxFull from "spdx-license-list/full.js";
import { describe, expect, it } from "vitest";
import { OBLIGATION_KEYS, type Obligations } from "../types.js";
import { LICENSES, licenseByHubId, licenseByKey } from "./index.js";
import { normalizeLicenseText } from "./normalize.js";
import { OPEN_SOURCE_LICENSES } from "./open-source.js";

const COMMERCIAL_VALUES = ["allowed", "conditional", "prohibited"];
const FAMILIES = [
  "permissive",
  "weak-copyleft",
  "copyleft",
  "public-domain",
  "creative-commons",
  "responsible-ai",
  "model-agreement",
];

/** The Hub's license ids (hub-docs, "Licenses") that name one of these licenses, and the SPDX id each means. */
const HUB_IDS: Record<string, string> = {
  "apache-2.0": "Apache-2.0",
  mit: "MIT",
  "bsd-2-clause": "BSD-2-Clause",
  "bsd-3-clause": "BSD-3-Clause",
  isc: "ISC",
  "bsl-1.0": "BSL-1.0",
  unlicense: "Unlicense",
  "gpl-2.0": "GPL-2.0-only",
  "gpl-3.0": "GPL-3.0-only",
  "lgpl-2.1": "LGPL-2.1-only",
  "lgpl-3.0": "LGPL-3.0-only",
  "agpl-3.0": "AGPL-3.0-only",
  "mpl-2.0": "MPL-2.0",
  "cc0-1.0": "CC0-1.0",
  "cc-by-2.0": "CC-BY-2.0",
  "cc-by-2.5": "CC-BY-2.5",
  "cc-by-3.0": "CC-BY-3.0",
  "cc-by-4.0": "CC-BY-4.0",
  "cc-by-sa-3.0": "CC-BY-SA-3.0",
  "cc-by-sa-4.0": "CC-BY-SA-4.0",
  "cc-by-nc-2.0": "CC-BY-NC-2.0",
  "cc-by-nc-3.0": "CC-BY-NC-3.0",
  "cc-by-nc-4.0": "CC-BY-NC-4.0",
  "cc-by-nd-4.0": "CC-BY-ND-4.0",
  "cc-by-nc-nd-3.0": "CC-BY-NC-ND-3.0",
  "cc-by-nc-nd-4.0": "CC-BY-NC-ND-4.0",
  "cc-by-nc-sa-2.0": "CC-BY-NC-SA-2.0",
  "cc-by-nc-sa-3.0": "CC-BY-NC-SA-3.0",
  "cc-by-nc-sa-4.0": "CC-BY-NC-SA-4.0",
};

const entry = (key: string) => {
  const found = licenseByKey(key);
  if (!found) throw new Error(`no entry ${key}`);
  return found;
};

describe("knowledge base: every entry", () => {
  it("has all nine obligations as facts with a citation and a value of the right kind", () => {
    for (const license of LICENSES) {
      expect(Object.keys(license.obligations).sort(), license.key).toEqual([...OBLIGATION_KEYS].sort());
      for (const key of OBLIGATION_KEYS) {
        const fact = license.obligations[key];
        expect(fact.cite.trim(), `${license.key}.${key}`).not.toBe("");
        if (fact.note !== undefined) expect(fact.note.trim(), `${license.key}.${key}`).not.toBe("");
        const value = fact.value;
        if (key === "commercialUse" || key === "outputsForTraining")
          expect(COMMERCIAL_VALUES).toContain(value);
        else if (key === "threshold" || key === "naming")
          expect(value === null || typeof value === "string").toBe(true);
        else expect(value === null || typeof value === "boolean", `${license.key}.${key}`).toBe(true);
      }
    }
  });

  it("has a unique key, SPDX id and Hub ids across the whole knowledge base", () => {
    const keys = LICENSES.map((l) => l.key);
    const spdx = LICENSES.map((l) => l.spdx);
    const hubIds = LICENSES.flatMap((l) => l.hubIds.map((id) => id.toLowerCase()));
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(spdx).size).toBe(spdx.length);
    expect(new Set(hubIds).size).toBe(hubIds.length);
  });

  it("resolves by key and by each Hub id, in any case", () => {
    for (const license of LICENSES) {
      expect(licenseByKey(license.key)).toBe(license);
      for (const id of license.hubIds) {
        expect(licenseByHubId(id)).toBe(license);
        expect(licenseByHubId(id.toUpperCase())).toBe(license);
      }
    }
  });

  it("has a family, a name and an https or http url", () => {
    for (const license of LICENSES) {
      expect(FAMILIES).toContain(license.family);
      expect(license.name.length).toBeGreaterThan(0);
      expect(license.url).toMatch(/^https?:\/\//);
    }
  });

  it("takes osiApproved from the SPDX list where SPDX knows the id", () => {
    for (const license of LICENSES) {
      const spdx = spdxFull[license.spdx];
      if (spdx) expect(license.osiApproved, license.key).toBe(spdx.osiApproved);
      else expect(license.spdx, license.key).toMatch(/^LicenseRef-/);
    }
  });
});

describe("open-source and Creative Commons entries", () => {
  it("map every Hub id of these licenses to the right SPDX id", () => {
    for (const [hubId, spdx] of Object.entries(HUB_IDS))
      expect(licenseByHubId(hubId)?.spdx, hubId).toBe(spdx);
    const mapped = OPEN_SOURCE_LICENSES.flatMap((l) => l.hubIds).sort();
    expect(mapped).toEqual(Object.keys(HUB_IDS).sort());
  });

  it("have 3 to 6 fingerprints each and an SPDX full text", () => {
    for (const license of OPEN_SOURCE_LICENSES) {
      expect(license.fingerprints.length, license.key).toBeGreaterThanOrEqual(3);
      expect(license.fingerprints.length, license.key).toBeLessThanOrEqual(6);
      expect(spdxFull[license.spdx], license.key).toBeDefined();
    }
  });

  it("carry the headline obligations of each license", () => {
    const expected: Record<string, [Obligations["commercialUse"], boolean, boolean, boolean]> = {
      // key: commercialUse, attribution, shareAlike, derivativesInherit
      "apache-2.0": ["allowed", true, false, false],
      mit: ["allowed", true, false, false],
      "bsd-2-clause": ["allowed", true, false, false],
      "bsd-3-clause": ["allowed", true, false, false],
      isc: ["allowed", true, false, false],
      "bsl-1.0": ["allowed", true, false, false],
      unlicense: ["allowed", false, false, false],
      "cc0-1.0": ["allowed", false, false, false],
      "gpl-2.0": ["allowed", true, true, true],
      "gpl-3.0": ["allowed", true, true, true],
      "lgpl-2.1": ["allowed", true, true, true],
      "lgpl-3.0": ["allowed", true, true, true],
      "agpl-3.0": ["allowed", true, true, true],
      "mpl-2.0": ["allowed", true, true, true],
      "cc-by-4.0": ["allowed", true, false, false],
      "cc-by-sa-4.0": ["allowed", true, true, true],
      "cc-by-nc-4.0": ["prohibited", true, false, true],
      "cc-by-nc-sa-4.0": ["prohibited", true, true, true],
      "cc-by-nd-4.0": ["allowed", true, false, true],
      "cc-by-nc-nd-4.0": ["prohibited", true, false, true],
      "cc-by-2.0": ["allowed", true, false, false],
      "cc-by-2.5": ["allowed", true, false, false],
      "cc-by-3.0": ["allowed", true, false, false],
      "cc-by-sa-3.0": ["allowed", true, true, true],
      "cc-by-nc-2.0": ["prohibited", true, false, true],
      "cc-by-nc-3.0": ["prohibited", true, false, true],
      "cc-by-nc-nd-3.0": ["prohibited", true, false, true],
      "cc-by-nc-sa-2.0": ["prohibited", true, true, true],
      "cc-by-nc-sa-3.0": ["prohibited", true, true, true],
    };
    expect(OPEN_SOURCE_LICENSES.map((l) => l.key).sort()).toEqual(Object.keys(expected).sort());
    for (const [key, [commercial, attribution, shareAlike, inherit]] of Object.entries(expected)) {
      const o = entry(key).obligations;
      expect(
        [o.commercialUse.value, o.attribution.value, o.shareAlike.value, o.derivativesInherit.value],
        key,
      ).toEqual([commercial, attribution, shareAlike, inherit]);
    }
  });

  it("have no use restrictions, thresholds or naming duties", () => {
    for (const license of OPEN_SOURCE_LICENSES) {
      const o = license.obligations;
      expect(o.useRestrictions.value, license.key).toBe(false);
      expect(o.restrictionsFlowDown.value, license.key).toBe(false);
      expect(o.threshold.value, license.key).toBeNull();
      expect(o.naming.value, license.key).toBeNull();
      const nonCommercial = o.commercialUse.value === "prohibited";
      expect(o.outputsForTraining.value, license.key).toBe(nonCommercial ? "conditional" : "allowed");
      expect(o.outputsForTraining.note, license.key).toBeDefined();
    }
  });

  it("cite the sections the brief names", () => {
    expect(entry("apache-2.0").obligations.attribution.cite).toBe("§4(a)-(d)");
    expect(entry("cc-by-nc-4.0").obligations.commercialUse.cite).toBe("§1(i) NonCommercial; §2(a)(1)");
    expect(entry("gpl-3.0").obligations.shareAlike.cite).toContain("§5(c)");
    expect(entry("agpl-3.0").obligations.shareAlike.cite).toContain("§13");
    expect(entry("cc-by-sa-4.0").obligations.shareAlike.cite).toBe("§3(b)");
    expect(entry("mpl-2.0").obligations.shareAlike.note).toContain("File-level");
  });

  it("note that copyleft on weights is unsettled", () => {
    for (const key of [
      "gpl-2.0",
      "gpl-3.0",
      "lgpl-2.1",
      "lgpl-3.0",
      "agpl-3.0",
      "cc-by-sa-4.0",
      "cc-by-nc-sa-4.0",
    ])
      expect(entry(key).obligations.shareAlike.note, key).toMatch(/unsettled/);
  });
});

/** The paragraph of a CC 2.x/3.0 text's section 4 under a letter, normalized. */
function section4(spdx: string, letter: string): string {
  const text = normalizeLicenseText(spdxFull[spdx]?.licenseText ?? "");
  const s4 = text.slice(text.indexOf(" 4. restrictions"), text.indexOf(" 5. representations"));
  const start = s4.indexOf(` ${letter}. `);
  const next = s4.indexOf(` ${String.fromCharCode(letter.charCodeAt(0) + 1)}. `, start + 1);
  return start < 0 ? "" : s4.slice(start, next < 0 ? undefined : next);
}

describe("citations point at the clause in the SPDX text", () => {
  it("CC 4.0 NonCommercial definitions are at the cited letters of §1", () => {
    for (const key of ["cc-by-nc-4.0", "cc-by-nc-sa-4.0", "cc-by-nc-nd-4.0"]) {
      const license = entry(key);
      const letter = /§1\(([a-z])\) NonCommercial/.exec(license.obligations.commercialUse.cite)?.[1];
      expect(letter, key).toBeDefined();
      const text = normalizeLicenseText(spdxFull[license.spdx]?.licenseText ?? "");
      expect(text, key).toContain(`${letter}. noncommercial means not primarily intended`);
    }
  });

  it("CC 2.x/3.0 section 4 letters hold NonCommercial, ShareAlike and credit", () => {
    const legacy = OPEN_SOURCE_LICENSES.filter((l) => /^CC-BY-.*[23]\.[05]$/.test(l.spdx));
    expect(legacy.length).toBe(9);
    const letterOf = (cite: string) => /^§4\(([a-z])\)/.exec(cite)?.[1];
    for (const license of legacy) {
      const o = license.obligations;
      const credit = letterOf(o.attribution.cite);
      expect(section4(license.spdx, credit ?? "?"), license.key).toMatch(/credit/);
      if (o.commercialUse.value === "prohibited") {
        const nc = letterOf(o.commercialUse.cite);
        expect(section4(license.spdx, nc ?? "?"), license.key).toContain("commercial advantage");
      }
      if (o.shareAlike.value === true) {
        const sa = letterOf(o.shareAlike.cite);
        expect(section4(license.spdx, sa ?? "?"), license.key).toMatch(
          /(adaptation|derivative work) only under/,
        );
      }
    }
  });
});
