import { describe, expect, it } from "vitest";
import { CARD_CHECKLIST, isMeaningful, normalizeHeading } from "./checklist.js";
import { readModelCard } from "./read-model-card.js";

function present(body: string): string[] {
  return readModelCard(body).presentItems;
}

describe("normalizeHeading", () => {
  it.each([
    ["Out-of-Scope Use", "out of scope use"],
    ["3. Out-of-Scope Use", "out of scope use"],
    ["2.1) Training Data", "training data"],
    ["IV. Evaluation", "evaluation"],
    ["🚫 Out-of-Scope Use [optional]", "out of scope use"],
    ["**Bias, Risks, and Limitations**", "bias risks and limitations"],
    ["Evaluation & Results", "evaluation and results"],
    ["[Model Card Contact](mailto:x@example.com)", "model card contact"],
    ["ℹ️ Uses", "uses"],
  ])("%s -> %s", (heading, normalized) => {
    expect(normalizeHeading(heading)).toBe(normalized);
  });
});

describe("isMeaningful", () => {
  it.each([
    "[More Information Needed]",
    "<!-- Provide a quick summary -->\n\n[More Information Needed]",
    "More information needed",
    "- **Developed by:** [More Information Needed]\n- **License:** [More Information Needed]",
    "Use the code below to get started with the model.\n\n[More Information Needed]",
    "Users (both direct and downstream) should be made aware of the risks, biases and limitations of the model. More information needed for further recommendations.",
    "TBD",
    "{{ model_description | default('', true) }}",
    "",
  ])("placeholder %j is not meaningful", (text) => {
    expect(isMeaningful(text)).toBe(false);
  });

  it.each(["Chat assistant for English.", "MIT", "| MMLU | 64.5 |", "- **Developed by:** Acme"])(
    "%j is meaningful",
    (text) => {
      expect(isMeaningful(text)).toBe(true);
    },
  );
});

describe("checklist items from headings", () => {
  it.each([
    ["## Uses\nChat.", "intended-use"],
    ["## Intended Use\nChat.", "intended-use"],
    ["### Direct Use\nChat.", "intended-use"],
    ["### Downstream Use [optional]\nFine-tune it.", "intended-use"],
    ["## Intended uses & limitations\nChat.", "intended-use"],
    ["### Out-of-Scope Use\nNo medical advice.", "out-of-scope-use"],
    ["## Misuse and Malicious Use\nDo not.", "out-of-scope-use"],
    ["## Bias, Risks, and Limitations\nIt is biased.", "limitations"],
    ["## Ethical Considerations and Limitations\nRisks.", "limitations"],
    ["## Limitations\nSmall.", "limitations"],
    ["## Training Details\nOn web text.", "training-data"],
    ["### Training Data\nOn web text.", "training-data"],
    ["## Evaluation\nMMLU 60.", "evaluation-results"],
    ["## Benchmark scores\nMMLU 60.", "evaluation-results"],
    ["### Results\nMMLU 60.", "evaluation-results"],
    ["## License\nMIT", "license"],
    ["## Licensing\nSee LICENSE.", "license"],
    ["## Model Card Contact\nx@example.com", "contact"],
    ["## Model Card Authors [optional]\nJane", "contact"],
    ["## 📬 Contact\nx@example.com", "contact"],
  ])("%j satisfies %s", (body, item) => {
    expect(present(body)).toContain(item);
  });

  it("a heading that matches several items satisfies each", () => {
    expect(present("## Intended uses & limitations\nChat; not for code.")).toEqual([
      "intended-use",
      "limitations",
    ]);
  });

  it("a heading holding only the template placeholder does not count", () => {
    expect(present("## Out-of-Scope Use\n\n<!-- misuse -->\n\n[More Information Needed]\n")).toEqual([]);
  });

  it("a container heading counts through its filled subsections", () => {
    expect(present("## Uses\n<!-- how -->\n### Direct Use\nChat.\n")).toEqual(["intended-use"]);
  });

  it("a subsection claimed by another item does not fill its container", () => {
    expect(
      present("## Uses\n### Direct Use\n[More Information Needed]\n### Out-of-Scope Use\nNo.\n"),
    ).toEqual(["out-of-scope-use"]);
  });

  it("a placeholder heading does not count through a later subsection (PEFT's Framework versions)", () => {
    expect(
      present(
        "## Model Card Contact\n\n[More Information Needed]\n### Framework versions\n\n- PEFT 0.13.2\n",
      ),
    ).toEqual([]);
  });

  it("bold labels act as headings", () => {
    const body =
      "## Intended Use\n\n**Intended Use Cases** Chat.\n\n**<span>Out-of-scope</span>** Use that breaks laws.\n";
    expect(present(body)).toEqual(["intended-use", "out-of-scope-use"]);
  });

  it("headings that only look related do not count", () => {
    expect(
      present(
        "## How to use\nCall it.\n## Training procedure\nAdamW.\n## Training and evaluation data\nIMDb.",
      ),
    ).toEqual(["training-data"]);
  });

  it("completeness is the fraction of items present", () => {
    const card = readModelCard("---\nlicense: mit\n---\n## Limitations\nSmall.\n");
    expect(card.completeness).toBeCloseTo(2 / CARD_CHECKLIST.length);
    expect(card.missing).toEqual([
      "intended-use",
      "out-of-scope-use",
      "training-data",
      "evaluation-results",
      "contact",
    ]);
  });
});
