import type { ModelCard } from "./types.js";

/** Reads a model card (README.md text; null when the repository has none). */
export function readModelCard(_text: string | null): ModelCard {
  throw new Error("readModelCard: not built yet");
}
