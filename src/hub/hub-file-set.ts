import type { FileSet } from "../formats/file-set.js";

export interface HubOptions {
  /** Default https://huggingface.co (or HF_ENDPOINT). */
  baseUrl?: string;
  /** Default HF_TOKEN from the environment. */
  token?: string;
  fetch?: typeof fetch;
}

/** `hf:org/name[@revision]` as a FileSet whose weight files are read with HTTP range requests. */
export async function hubFileSet(_target: string, _options: HubOptions = {}): Promise<FileSet> {
  throw new Error("hubFileSet: not built yet");
}
