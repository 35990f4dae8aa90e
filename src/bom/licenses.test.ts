import { describe, expect, it } from "vitest";
import { factsOfKey, licenseChoice, obligationProperties } from "./licenses.js";

describe("licenseChoice", () => {
  it("an SPDX id goes as license.id, with its URL", () => {
    expect(
      licenseChoice(
        { spdx: "MIT", name: "MIT License", url: "https://opensource.org/license/mit" },
        "concluded",
      ),
    ).toEqual([
      { license: { id: "MIT", url: "https://opensource.org/license/mit", acknowledgement: "concluded" } },
    ]);
  });

  it("a LicenseRef- id is not an SPDX id: it goes as a named license", () => {
    expect(licenseChoice({ spdx: "LicenseRef-gemma", name: "Gemma Terms of Use" }, "declared")).toEqual([
      { license: { name: "Gemma Terms of Use", acknowledgement: "declared" } },
    ]);
  });

  it("a compound expression goes as the one expression", () => {
    expect(licenseChoice({ spdx: "Apache-2.0 WITH LLVM-exception", name: "x" }, "concluded")).toEqual([
      { expression: "Apache-2.0 WITH LLVM-exception", acknowledgement: "concluded" },
    ]);
  });

  it("an id of another case or spelling is not trusted as an SPDX id", () => {
    expect(licenseChoice({ spdx: "apache-2.0", name: "Apache License 2.0" }, "concluded")).toEqual([
      { license: { name: "Apache License 2.0", acknowledgement: "concluded" } },
    ]);
  });

  it("a name without SPDX id falls back to the id; a URL that is not http(s) is left out", () => {
    expect(licenseChoice({ spdx: "LicenseRef-x", name: " ", url: "LICENSE" }, "concluded")).toEqual([
      { license: { name: "LicenseRef-x", acknowledgement: "concluded" } },
    ]);
    expect(licenseChoice({ spdx: null, name: "" }, "concluded")).toBeNull();
    expect(licenseChoice(null, "concluded")).toBeNull();
  });
});

describe("factsOfKey", () => {
  it("unknown is no license; a key the lookup does not know keeps its key as name", () => {
    expect(factsOfKey("unknown", () => ({ spdx: "MIT", name: "MIT" }))).toBeNull();
    expect(factsOfKey("mystery-license", () => undefined)).toEqual({ spdx: null, name: "mystery-license" });
    expect(factsOfKey("mit", () => ({ spdx: "MIT", name: "MIT License" }))).toEqual({
      spdx: "MIT",
      name: "MIT License",
    });
  });
});

describe("obligationProperties", () => {
  it("writes every obligation, null as unknown", () => {
    const props = obligationProperties({
      commercialUse: "conditional",
      attribution: true,
      shareAlike: null,
      useRestrictions: true,
      restrictionsFlowDown: true,
      threshold: "700M monthly active users",
      naming: null,
      derivativesInherit: false,
      outputsForTraining: "prohibited",
    });
    expect(props).toEqual([
      { name: "modelgate:license:commercialUse", value: "conditional" },
      { name: "modelgate:license:attribution", value: "true" },
      { name: "modelgate:license:shareAlike", value: "unknown" },
      { name: "modelgate:license:useRestrictions", value: "true" },
      { name: "modelgate:license:restrictionsFlowDown", value: "true" },
      { name: "modelgate:license:threshold", value: "700M monthly active users" },
      { name: "modelgate:license:naming", value: "unknown" },
      { name: "modelgate:license:derivativesInherit", value: "false" },
      { name: "modelgate:license:outputsForTraining", value: "prohibited" },
    ]);
  });
});
