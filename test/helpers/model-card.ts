import type { ModelCard } from "../../src/card/types.js";

/** A card that is present and says nothing; `over` sets what a test needs. */
export function modelCard(over: Partial<ModelCard> = {}): ModelCard {
  return {
    present: true,
    metadata: null,
    problems: [],
    license: { id: null, name: null, link: null, source: null },
    baseModels: [],
    relation: null,
    datasets: [],
    results: [],
    gated: false,
    sections: [],
    completeness: 0,
    missing: [],
    presentItems: [],
    ...over,
  };
}
