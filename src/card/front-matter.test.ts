import { describe, expect, it } from "vitest";
import { MAX_FRONT_MATTER_CHARS, parseFrontMatter, splitFrontMatter } from "./front-matter.js";
import { readModelCard } from "./read-model-card.js";
import type { CardProblem } from "./types.js";

describe("splitFrontMatter", () => {
  it("splits YAML between the first two --- lines from the body", () => {
    const problems: CardProblem[] = [];
    expect(splitFrontMatter("---\nlicense: mit\n---\n# Title\n", problems)).toEqual({
      yaml: "license: mit",
      body: "# Title\n",
    });
    expect(problems).toEqual([]);
  });

  it("skips blank lines before the opening ---", () => {
    expect(splitFrontMatter("\n  \n---\nlicense: mit\n---\nbody", []).yaml).toBe("license: mit");
  });

  it("accepts ... as the closing line and trailing spaces on the markers", () => {
    expect(splitFrontMatter("---  \nlicense: mit\n...\nbody", [])).toEqual({
      yaml: "license: mit",
      body: "body",
    });
  });

  it("reads a card whose first line is not --- as body only", () => {
    expect(splitFrontMatter("# Title\n---\nlicense: mit\n---\n", [])).toEqual({
      yaml: null,
      body: "# Title\n---\nlicense: mit\n---\n",
    });
  });

  it("records an unclosed front matter and keeps the whole text as body", () => {
    const problems: CardProblem[] = [];
    const split = splitFrontMatter("---\nlicense: mit\n# Title", problems);
    expect(split.yaml).toBeNull();
    expect(split.body).toContain("# Title");
    expect(problems.map((p) => p.kind)).toEqual(["front-matter-unparseable"]);
  });
});

describe("parseFrontMatter", () => {
  it("returns an empty mapping for empty front matter", () => {
    expect(parseFrontMatter("  \n", [])).toEqual({});
  });

  it("records YAML that is not a mapping", () => {
    const problems: CardProblem[] = [];
    expect(parseFrontMatter("- a\n- b", problems)).toBeNull();
    expect(problems[0]?.kind).toBe("front-matter-unparseable");
  });

  it("stops an alias bomb at the alias limit without throwing", () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 8; i++) {
      const prev = String.fromCharCode(97 + i);
      const next = String.fromCharCode(98 + i);
      lines.push(
        `${next}: &${next} [*${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}, *${prev}]`,
      );
    }
    const problems: CardProblem[] = [];
    expect(parseFrontMatter(lines.join("\n"), problems)).toBeNull();
    expect(problems[0]?.kind).toBe("front-matter-unparseable");
  });

  it("refuses front matter over the size bound", () => {
    const problems: CardProblem[] = [];
    const yaml = `license: mit\nx: "${"a".repeat(MAX_FRONT_MATTER_CHARS)}"`;
    expect(parseFrontMatter(yaml, problems)).toBeNull();
    expect(problems[0]?.message).toMatch(/over the/);
  });

  it("does not let a __proto__ key reach the prototype", () => {
    const meta = parseFrontMatter("__proto__:\n  polluted: yes\nlicense: mit", []);
    expect(meta?.license).toBe("mit");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("front matter through readModelCard", () => {
  it("reads a card with a BOM and CRLF line ends", () => {
    const card = readModelCard("\uFEFF---\r\nlicense: MIT\r\ntags:\r\n- a\r\n---\r\n## License\r\nMIT\r\n");
    expect(card.license.id).toBe("mit");
    expect(card.tags).toEqual(["a"]);
    expect(card.sections).toEqual([{ heading: "License", level: 2, text: "MIT" }]);
  });

  it("reads the body when the YAML is broken, and says so", () => {
    const card = readModelCard('---\nlicense: "mit\n  - : :\n---\n## Intended Use\nChat.\n');
    expect(card.metadata).toBeNull();
    expect(card.problems.map((p) => p.kind)).toContain("front-matter-unparseable");
    expect(card.presentItems).toContain("intended-use");
  });

  it("records tab-indented YAML (invalid in YAML) without throwing", () => {
    const card = readModelCard("---\nlicense:\n\t- mit\n---\nbody");
    expect(card.present).toBe(true);
    expect(card.problems.some((p) => p.kind === "front-matter-unparseable")).toBe(true);
  });
});
