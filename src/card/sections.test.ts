import { describe, expect, it } from "vitest";
import { MAX_SECTIONS, readSections } from "./sections.js";

describe("readSections", () => {
  it("splits at ATX headings, keeping text before the first as a level-0 section", () => {
    expect(readSections("Intro\n# Title\nA\n## Uses ##\nB\n")).toEqual([
      { heading: "", level: 0, text: "Intro" },
      { heading: "Title", level: 1, text: "A" },
      { heading: "Uses", level: 2, text: "B" },
    ]);
  });

  it("reads setext headings but not a thematic break after a blank line", () => {
    expect(readSections("Uses\n====\nA\n\n---\nLimitations\n---\nB")).toEqual([
      { heading: "Uses", level: 1, text: "A\n\n---" },
      { heading: "Limitations", level: 2, text: "B" },
    ]);
  });

  it("does not turn a list item over --- into a heading", () => {
    expect(readSections("- item\n---\n").map((s) => s.level)).toEqual([0]);
  });

  it("reads HTML headings", () => {
    expect(readSections('<h2 align="center">Model <b>Card</b> Contact</h2>\nme@example.com')).toEqual([
      { heading: "Model Card Contact", level: 2, text: "me@example.com" },
    ]);
  });

  it("ignores # lines inside fenced code, backticks and tildes", () => {
    const body = "## Usage\n```bash\n# License: not a heading\n```\n~~~\n# Uses\n~~~\n";
    const sections = readSections(body);
    expect(sections.map((s) => s.heading)).toEqual(["Usage"]);
    expect(sections[0]!.text).toContain("# License: not a heading");
  });

  it("needs a space after the hashes", () => {
    expect(readSections("#hashtag\n#### \n").map((s) => [s.heading, s.level])).toEqual([
      ["", 0],
      ["", 4],
    ]);
  });

  it("stops opening sections at the bound and keeps the rest as text", () => {
    const body = Array.from({ length: MAX_SECTIONS + 50 }, (_, i) => `## S${i}\nx`).join("\n");
    const sections = readSections(body);
    expect(sections).toHaveLength(MAX_SECTIONS);
    expect(sections.at(-1)!.text).toContain(`## S${MAX_SECTIONS + 49}`);
  });
});
