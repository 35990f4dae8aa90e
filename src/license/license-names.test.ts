import { describe, expect, it } from "vitest";
import {
  findLicenseNames,
  licenseByName,
  licenseByUrl,
  licensesNamedInProse,
  looseForm,
} from "./license-names.js";

describe("license names in prose", () => {
  it("reads spellings of one license the same", () => {
    for (const s of [
      "Apache License, Version 2.0",
      "apache-2.0",
      "the Apache 2.0 license",
      "Apache License v2.0",
    ])
      expect(looseForm(s)).toBe("apache 2 0");
  });

  it("takes the longest name where names overlap (Llama 3.1, not Llama 3)", () => {
    expect(findLicenseNames("Llama 3.1 Community License").map((e) => e.key)).toEqual(["llama3.1"]);
    expect(findLicenseNames("CC BY-NC-SA 4.0").map((e) => e.key)).toEqual(["cc-by-nc-sa-4.0"]);
  });

  it("finds no license inside other words or in family ids", () => {
    expect(findLicenseNames("Submit your results; we admit GPL and other licenses exist.")).toEqual([]);
  });

  it("resolves a name only when it names exactly one license", () => {
    expect(licenseByName("MIT")?.key).toBe("mit");
    expect(licenseByName("MIT or Apache 2.0")).toBeNull();
  });

  it("resolves a link to a license's published URL, ignoring scheme, www and a trailing slash", () => {
    expect(licenseByUrl("http://apache.org/licenses/LICENSE-2.0/")?.key).toBe("apache-2.0");
    expect(licenseByUrl("LICENSE")).toBeNull();
  });

  it("reads prose only in licensing sentences unless the text is a License section", () => {
    const text =
      "We compare with MIT-licensed baselines.\nThe weights are released under the CC BY 4.0 license.";
    expect(licensesNamedInProse(text, false).map((e) => e.key)).toEqual(["cc-by-4.0"]);
    expect(licensesNamedInProse(text, true).map((e) => e.key)).toEqual(["mit", "cc-by-4.0"]);
  });

  it("skips sentences about the code, the data or the base model, not about this model", () => {
    const text = [
      "The training code is released under the MIT license.",
      "The dataset is available under CC BY 4.0.",
      "The base model is licensed under the Llama 3.1 Community License.",
      "The model weights are licensed under the Apache 2.0 license.",
    ].join("\n");
    expect(licensesNamedInProse(text, true).map((e) => e.key)).toEqual(["apache-2.0"]);
  });
});
