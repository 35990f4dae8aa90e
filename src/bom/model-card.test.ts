import { describe, expect, it } from "vitest";
import { modelCard } from "../../test/helpers/model-card.js";
import type { CardSection } from "../card/types.js";
import type { VetReport } from "../policy/types.js";
import { buildModelCard } from "./model-card.js";

const reportCard: VetReport["card"] = {
  present: true,
  completeness: 0.25,
  missing: ["contact", "license"],
  baseModels: [],
  relation: "adapter",
};
const report = { card: reportCard } as VetReport;

const section = (heading: string, text: string): CardSection => ({ heading, level: 2, text });

describe("buildModelCard", () => {
  it("without a card: the report's review as properties only", () => {
    expect(buildModelCard(report, undefined, [])).toEqual({
      properties: [
        { name: "modelgate:card:present", value: "true" },
        { name: "modelgate:card:completeness", value: "0.25" },
        { name: "modelgate:card:missing", value: "contact" },
        { name: "modelgate:card:missing", value: "license" },
        { name: "modelgate:card:relation", value: "adapter" },
      ],
    });
  });

  it("the task comes from pipeline_tag, else from the first model-index result with one", () => {
    const fromTag = buildModelCard(
      report,
      modelCard({ metadata: { pipeline_tag: "image-classification" } }),
      [],
    );
    expect(fromTag.modelParameters).toEqual({ task: "image-classification" });
    const fromResults = buildModelCard(
      report,
      modelCard({
        metadata: { pipeline_tag: 42 },
        results: [
          { task: null, dataset: "d", metric: "m", value: 1 },
          { task: "summarization", dataset: "d", metric: "rouge1", value: 40.1 },
        ],
      }),
      [],
    );
    expect(fromResults.modelParameters).toEqual({ task: "summarization" });
    expect(fromResults.quantitativeAnalysis?.performanceMetrics).toEqual([
      { type: "m", value: "1", slice: "d" },
      { type: "rouge1", value: "40.1", slice: "d" },
    ]);
    expect(fromResults.properties).toContainEqual({ name: "modelgate:card:gated", value: "false" });
  });

  it("older card headings map too: 'Intended uses & limitations' is use, 'Limitations and bias' is ethics", () => {
    const mc = buildModelCard(
      report,
      modelCard({
        sections: [
          section("Intended uses & limitations", "Classify reviews."),
          section("Limitations and bias", "Trained on English reviews only."),
          section("Ethical Considerations", "Do not profile people."),
          section("Misuse and Malicious Use", "Spam generation."),
          section("How to use", "```python\npipeline(...)\n```"),
        ],
      }),
      [],
    );
    expect(mc.considerations).toEqual({
      useCases: ["Classify reviews."],
      technicalLimitations: ["Out of scope: Spam generation."],
      ethicalConsiderations: [
        { name: "Trained on English reviews only." },
        { name: "Do not profile people." },
      ],
    });
  });

  it("bounds what it copies: at most 8 entries per list, each clipped to 4000 characters", () => {
    const sections = Array.from({ length: 20 }, (_, i) =>
      section("Limitations", `${i}${"x".repeat(10_000)}`),
    );
    const limits =
      buildModelCard(report, modelCard({ sections }), []).considerations?.technicalLimitations ?? [];
    expect(limits).toHaveLength(8);
    expect(limits[0]).toHaveLength(4000);
    expect(limits[0]!.endsWith("…")).toBe(true);
    expect(limits[7]!.startsWith("7x")).toBe(true);
  });
});
