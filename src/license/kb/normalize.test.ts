import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeLicenseText } from "./normalize.js";

describe("normalizeLicenseText", () => {
  it("lower-cases and collapses all whitespace", () => {
    expect(normalizeLicenseText("  Apache\tLicense\r\n\r\n  Version 2.0\u00a0 ")).toBe(
      "apache license version 2.0",
    );
  });

  it("unifies typographic quotes and dashes", () => {
    expect(
      normalizeLicenseText(
        "\u201cLicensor\u201d \u2018s\u2019 the Foundation\u2019s non\u2013commercial \u2014 x",
      ),
    ).toBe("\"licensor\" 's' the foundation's non-commercial - x");
  });

  it("strips Markdown headings, emphasis, bullets, block quotes and rules", () => {
    const md =
      "# MIT License\n\n**Permission** is _hereby_ granted\n- to *any* person\n* obtaining\n> a `copy`\n\n---\n===\n+ of";
    expect(normalizeLicenseText(md)).toBe(
      "mit license permission is hereby granted to any person obtaining a copy of",
    );
  });

  it("keeps link text in brackets and autolinked URLs without theirs", () => {
    expect(
      normalizeLicenseText("see <https://www.apache.org/licenses/> or [the FAQ](https://x.org/faq)"),
    ).toBe("see https://www.apache.org/licenses/ or [the faq]");
  });

  it("keeps hyphenated words, SPDX templates and a dash inside a line", () => {
    expect(normalizeLicenseText("Copyright <year> [name]: machine-executable - Version 1.0")).toBe(
      "copyright <year> [name]: machine-executable - version 1.0",
    );
  });

  it("gives the same result for a text and its re-wrapped Markdown copy", () => {
    const plain =
      "Redistribution and use in source and binary forms,\nwith or without modification, are permitted";
    const md =
      "## Redistribution and **use** in source\nand binary forms, with or without\nmodification, are permitted";
    expect(normalizeLicenseText(md)).toBe(normalizeLicenseText(plain));
  });

  it("is idempotent, so fingerprints and texts can both be normalized", () => {
    const piece = fc.constantFrom(
      ..."ab \n\t\r\f\u2028-*_#>+`()[]<=.\u00a0\u2014\u2019".split(""),
      "https:",
      "http:a",
      "(u)",
      "](u)",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const once = normalizeLicenseText(pieces.join(""));
        return normalizeLicenseText(once) === once;
      }),
      { numRuns: 20_000 },
    );
  });

  it("finishes on hostile input that would make a backtracking pattern quadratic", () => {
    const n = 1 << 20;
    const hostile = [
      "\n".repeat(n) + "x",
      "<".repeat(n),
      "<http:".repeat(n / 6),
      "](".repeat(n / 2),
      " ".repeat(n) + "=x",
    ];
    for (const text of hostile) expect(normalizeLicenseText(text).length).toBeLessThanOrEqual(text.length);
  });
});
