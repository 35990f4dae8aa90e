import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_CARD_CHARS, readModelCard } from "./read-model-card.js";

const FIXTURES = new URL("../../test/fixtures/cards/", import.meta.url);

function fixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), "utf8");
}

describe("readModelCard", () => {
  it("reports a missing README as an absent card with every item missing", () => {
    const card = readModelCard(null);
    expect(card.present).toBe(false);
    expect(card.metadata).toBeNull();
    expect(card.completeness).toBe(0);
    expect(card.missing).toHaveLength(7);
    expect(card.presentItems).toEqual([]);
  });

  it("reads an empty README as a present card with nothing in it", () => {
    const card = readModelCard("");
    expect(card.present).toBe(true);
    expect(card.sections).toEqual([]);
    expect(card.completeness).toBe(0);
  });

  it("truncates a card over the size bound, with a problem", () => {
    const text = `---\nlicense: mit\n---\n## Limitations\nSmall.\n${"x".repeat(MAX_CARD_CHARS)}\n## Model Card Contact\nme\n`;
    const card = readModelCard(text);
    expect(card.problems.map((p) => p.kind)).toEqual(["truncated"]);
    expect(card.license.id).toBe("mit");
    expect(card.presentItems).toEqual(["limitations", "license"]);
  });

  it("does not split a surrogate pair when truncating", () => {
    const text = `${"a".repeat(MAX_CARD_CHARS - 1)}😀tail`;
    const card = readModelCard(text);
    const last = card.sections.at(-1)!.text;
    expect(last.endsWith("a")).toBe(true);
  });
});

interface Expected {
  file: string;
  license: { id: string | null; name?: string | null; link?: string | null; source: string | null };
  baseModels: string[];
  relation: string | null;
  gated: boolean;
  presentItems: string[];
  missing: string[];
  problems?: string[];
}

const EXPECTED: Expected[] = [
  {
    file: "llama-3.1-8b-instruct.md",
    license: { id: "llama3.1", source: "license" },
    baseModels: ["meta-llama/Meta-Llama-3.1-8B"],
    relation: "finetune",
    gated: true,
    presentItems: [
      "intended-use",
      "out-of-scope-use",
      "limitations",
      "training-data",
      "evaluation-results",
      "license",
      "contact",
    ],
    missing: [],
  },
  {
    file: "mistral-7b-instruct-v0.3.md",
    license: { id: "apache-2.0", source: "license" },
    baseModels: ["mistralai/Mistral-7B-v0.3"],
    relation: "finetune",
    gated: true,
    presentItems: ["limitations", "license", "contact"],
    missing: ["intended-use", "out-of-scope-use", "training-data", "evaluation-results"],
  },
  {
    file: "thebloke-gguf.md",
    license: { id: "apache-2.0", source: "license" },
    baseModels: ["mistralai/Mistral-7B-Instruct-v0.2"],
    relation: "quantized",
    gated: false,
    presentItems: ["limitations", "license", "contact"],
    missing: ["intended-use", "out-of-scope-use", "training-data", "evaluation-results"],
  },
  {
    file: "peft-lora-adapter.md",
    license: { id: null, source: null },
    baseModels: ["meta-llama/Llama-2-7b-hf"],
    relation: "adapter",
    gated: false,
    presentItems: [],
    missing: [
      "intended-use",
      "out-of-scope-use",
      "limitations",
      "training-data",
      "evaluation-results",
      "license",
      "contact",
    ],
  },
  {
    file: "mergekit-slerp.md",
    license: { id: null, source: null },
    baseModels: ["mistralai/Mistral-7B-Instruct-v0.2", "NousResearch/Nous-Hermes-2-Mistral-7B-DPO"],
    relation: "merge",
    gated: false,
    presentItems: [],
    missing: [
      "intended-use",
      "out-of-scope-use",
      "limitations",
      "training-data",
      "evaluation-results",
      "license",
      "contact",
    ],
  },
  {
    file: "qwen-license-other.md",
    license: {
      id: "other",
      name: "qwen-research",
      link: "https://huggingface.co/Qwen/Qwen2.5-3B-Instruct/blob/main/LICENSE",
      source: "license",
    },
    baseModels: ["Qwen/Qwen2.5-3B"],
    relation: "finetune",
    gated: false,
    presentItems: ["evaluation-results", "license"],
    missing: ["intended-use", "out-of-scope-use", "limitations", "training-data", "contact"],
  },
  {
    file: "bert-no-front-matter.md",
    license: { id: null, source: null },
    baseModels: [],
    relation: null,
    gated: false,
    presentItems: ["intended-use", "limitations", "training-data", "evaluation-results"],
    missing: ["out-of-scope-use", "license", "contact"],
  },
  {
    file: "broken-yaml.md",
    license: { id: "mit", source: "body" },
    baseModels: [],
    relation: null,
    gated: false,
    presentItems: ["intended-use", "limitations", "training-data", "license"],
    missing: ["out-of-scope-use", "evaluation-results", "contact"],
    problems: ["front-matter-unparseable"],
  },
];

describe("realistic cards", () => {
  it.each(EXPECTED)("$file", (expected) => {
    const card = readModelCard(fixture(expected.file));
    expect(card.present).toBe(true);
    expect(card.license).toMatchObject(expected.license);
    expect(card.baseModels).toEqual(expected.baseModels);
    expect(card.relation).toBe(expected.relation);
    expect(card.gated).toBe(expected.gated);
    expect(card.presentItems).toEqual(expected.presentItems);
    expect(card.missing).toEqual(expected.missing);
    expect(card.completeness).toBeCloseTo(expected.presentItems.length / 7);
    expect(card.problems.map((p) => p.kind)).toEqual(expected.problems ?? []);
  });

  it("reads the Llama 3.1 gate: the prompt and the fields a user fills in", () => {
    const card = readModelCard(fixture("llama-3.1-8b-instruct.md"));
    expect(String(card.metadata?.extra_gated_prompt)).toMatch(/^### LLAMA 3.1 COMMUNITY LICENSE AGREEMENT/);
    expect(card.gatedFields).toEqual(expect.arrayContaining(["Country", "Job title", "geo"]));
    expect(card.languages).toEqual(["en", "de", "fr", "it", "pt", "hi", "es", "th"]);
    expect(card.pipelineTag).toBe("text-generation");
  });

  it("reads TheBloke's quantization keys and keeps the original card's sections", () => {
    const card = readModelCard(fixture("thebloke-gguf.md"));
    expect(card.metadata).toMatchObject({ quantized_by: "TheBloke", model_creator: "Mistral AI_" });
    expect(card.sections.map((s) => s.heading)).toContain(
      "Original model card: Mistral AI_'s Mistral 7B Instruct v0.2",
    );
  });

  it("has no metadata and no problem for a card without front matter", () => {
    const card = readModelCard(fixture("bert-no-front-matter.md"));
    expect(card.metadata).toBeNull();
    expect(card.sections[0]).toMatchObject({ heading: "BERT base model (uncased)", level: 1 });
  });
});

describe("hostile shapes finish and stay bounded", () => {
  const MIB = 1024 * 1024;
  it.each([
    ["a heading line of spaces", `# a${" ".repeat(MIB - 10)}b`],
    ["unclosed comments", `## Uses\n${"<!--".repeat(MIB / 4 - 4)}`],
    ["unclosed template braces", `## Uses\n${"{{".repeat(MIB / 2 - 8)}`],
    ["unclosed placeholder links", `## Uses\n${"[More Information Needed](".repeat(MIB / 27)}`],
    ["bold labels only", "**Uses** \n".repeat(MIB / 10)],
    ["nested containers", "# Uses\n## Uses\n### Uses\n#### Uses\n##### Uses\n###### Uses\n".repeat(MIB / 60)],
    ["deep flow YAML", `---\n${"a: [".repeat(20_000)}\n---\n`],
  ])("%s", (_name, text) => {
    const card = readModelCard(text);
    expect(card.sections.length).toBeLessThanOrEqual(2000);
    expect(card.completeness).toBeGreaterThanOrEqual(0);
    expect(card.completeness).toBeLessThanOrEqual(1);
  });
});

describe("properties", () => {
  it("never throws on arbitrary text, and completeness stays within [0, 1]", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 2000 }), (text) => {
        const card = readModelCard(text);
        expect(card.completeness).toBeGreaterThanOrEqual(0);
        expect(card.completeness).toBeLessThanOrEqual(1);
        expect(card.presentItems.length + card.missing.length).toBe(7);
      }),
      { numRuns: 500 },
    );
  });

  it("never throws on front matter built from YAML-ish pieces", () => {
    const piece = fc.constantFrom(
      "license: ",
      "licence: ",
      "base_model:",
      "model-index:",
      "  - ",
      "- ",
      "&a ",
      "*a",
      "[",
      "]",
      "{",
      "}",
      ": ",
      '"',
      "'",
      "\n",
      "\t",
      "# ",
      "---\n",
      "results:",
      "metrics:",
      "extra_gated_fields:",
      "mit",
      "null",
      "~",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), fc.string({ maxLength: 200 }), (pieces, body) => {
        const card = readModelCard(`---\n${pieces.join("")}\n---\n${body}`);
        expect(card.completeness).toBeGreaterThanOrEqual(0);
        expect(card.completeness).toBeLessThanOrEqual(1);
      }),
      { numRuns: 500 },
    );
  });

  it("never throws on mutated realistic cards", () => {
    const cards = EXPECTED.map((e) => fixture(e.file));
    fc.assert(
      fc.property(
        fc.constantFrom(...cards),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 40 }), fc.string({ maxLength: 8 })), { maxLength: 8 }),
        (text, edits) => {
          let mutated = text;
          for (const [at, cut, insert] of edits) {
            const i = at % (mutated.length + 1);
            mutated = mutated.slice(0, i) + insert + mutated.slice(i + cut);
          }
          const card = readModelCard(mutated);
          expect(card.completeness).toBeGreaterThanOrEqual(0);
          expect(card.completeness).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 300 },
    );
  });
});
