import type { ModelgateConfig } from "../config/load-config.js";
import type { VetReport } from "./types.js";

export interface VetOptions {
  config?: ModelgateConfig;
  /** SHA-256 of every file (default true). */
  hash?: boolean;
  /** Hugging Face Hub base URL and token, for `hf:` targets and base models. */
  hub?: { baseUrl?: string; token?: string; fetch?: typeof fetch };
  onProgress?: (done: number, total: number, label: string) => void;
}

/** Vets a model folder or `hf:org/name[@revision]`: scan, license, card, lineage, openness, policy verdict. */
export async function vet(_target: string, _options: VetOptions = {}): Promise<VetReport> {
  throw new Error("vet: not built yet");
}
