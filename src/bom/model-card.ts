import type { CardSection, ModelCard } from "../card/types.js";
import type { VetReport } from "../policy/types.js";
import { properties } from "./cyclonedx.js";

/** A section's text in the BOM is capped: the BOM points at the card, it does not carry it. */
const MAX_TEXT = 4000;
const MAX_PER_CONSIDERATION = 8;

type Consideration = "useCases" | "technicalLimitations" | "ethicalConsiderations";

/**
 * Which `considerations` list a card heading feeds, first match wins. The Hugging Face card template's
 * headings (Uses / Direct Use / Out-of-Scope Use / Bias, Risks, and Limitations) and the older
 * "Intended uses & limitations" / "Limitations and bias" ones are what cards really carry.
 */
const HEADINGS: { test: RegExp; into: Consideration; prefix?: string }[] = [
  { test: /out[- ]of[- ]scope|misuse/, into: "technicalLimitations", prefix: "Out of scope: " },
  { test: /ethic|bias|risk|fairness/, into: "ethicalConsiderations" },
  { test: /intended use|direct use|downstream use|use cases?\b|^uses?$/, into: "useCases" },
  { test: /limitation/, into: "technicalLimitations" },
];

/** The Hugging Face template's placeholder for a section nobody filled in. */
const PLACEHOLDER = /^\s*\[?more information needed\]?\s*$/i;

/** Dataset ids of the card, each once, as the `bom-ref`s of their `data` components. */
export function datasetRef(id: string): string {
  return `dataset:${id}`;
}

/**
 * The model component's `modelCard`: parameters (task, datasets by reference), quantitative analysis from
 * `model-index`, considerations from the card's sections, and the report's card review as properties.
 */
export function buildModelCard(report: VetReport, card: ModelCard | undefined, datasets: string[]) {
  const task =
    card?.pipelineTag ??
    stringField(card?.metadata?.pipeline_tag) ??
    card?.results.find((r) => r.task)?.task ??
    null;
  const modelParameters = {
    ...(task ? { task } : {}),
    ...(datasets.length > 0 ? { datasets: datasets.map((id) => ({ ref: datasetRef(id) })) } : {}),
  };
  const performanceMetrics = (card?.results ?? []).flatMap((r) =>
    r.value === null || r.value === ""
      ? []
      : [
          {
            type: r.metric ?? "unspecified",
            value: String(r.value),
            ...(r.dataset ? { slice: r.dataset } : {}),
          },
        ],
  );
  const considerations = card ? considerationsOf(card.sections) : {};
  return {
    ...(Object.keys(modelParameters).length > 0 ? { modelParameters } : {}),
    ...(performanceMetrics.length > 0 ? { quantitativeAnalysis: { performanceMetrics } } : {}),
    ...(Object.keys(considerations).length > 0 ? { considerations } : {}),
    properties: properties([
      ["modelgate:card:present", report.card.present],
      ["modelgate:card:completeness", report.card.completeness],
      ...report.card.missing.map((m): [string, string] => ["modelgate:card:missing", m]),
      ["modelgate:card:relation", report.card.relation],
      ["modelgate:card:gated", card?.gated],
    ]),
  };
}

function considerationsOf(sections: CardSection[]) {
  const found: Record<Consideration, string[]> = {
    useCases: [],
    technicalLimitations: [],
    ethicalConsiderations: [],
  };
  for (const section of sections) {
    const heading = section.heading
      .toLowerCase()
      .replace(/\[optional\]/g, "")
      .trim();
    const text = section.text.trim();
    if (!text || PLACEHOLDER.test(text)) continue;
    const rule = HEADINGS.find((h) => h.test.test(heading));
    if (rule && found[rule.into].length < MAX_PER_CONSIDERATION)
      found[rule.into].push(clip((rule.prefix ?? "") + text));
  }
  const { useCases, technicalLimitations, ethicalConsiderations } = found;
  return {
    ...(useCases.length > 0 ? { useCases } : {}),
    ...(technicalLimitations.length > 0 ? { technicalLimitations } : {}),
    // A risk without a stated mitigation: the schema's `risk` is a name and an optional strategy.
    ...(ethicalConsiderations.length > 0
      ? { ethicalConsiderations: ethicalConsiderations.map((name) => ({ name })) }
      : {}),
  };
}

function clip(text: string): string {
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…`;
}

function stringField(value: unknown): string | null {
  return typeof value === "string" && value.trim() ? value.trim() : null;
}
