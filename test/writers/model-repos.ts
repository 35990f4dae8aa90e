/**
 * Realistic model repositories for the license engine and `modelgate vet` (test/fixtures/repos/README.md):
 * cards with front matter, LICENSE files, config.json, small safetensors weights, base models in sibling
 * folders or in a lineage file. Each writer takes a root folder and returns the model repository's path.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { buildSafetensors, llamaTensors, pythonJsonDumps } from "./safetensors.js";

const spdxFull = createRequire(import.meta.url)("spdx-license-list/full") as Record<
  string,
  { licenseText: string }
>;
const AI_LICENSES = join(import.meta.dirname, "..", "fixtures", "licenses");

/** The SPDX list's text of a license. */
export function spdxText(id: string): string {
  const l = spdxFull[id];
  if (!l) throw new Error(`no SPDX text for ${id}`);
  return l.licenseText;
}

/** An AI model license text from test/fixtures/licenses (the knowledge base's copies). */
export function aiLicenseText(name: string): string {
  return readFileSync(join(AI_LICENSES, `${name}.txt`), "utf8");
}

export interface WrittenRepo {
  /** The model repository to vet. */
  path: string;
}

export interface CardOptions {
  front: string[];
  title: string;
  license?: string;
  extraSections?: string;
}

/** A card with the sections of the documented checklist, as careful publishers write it. */
export function cardText({ front, title, license, extraSections = "" }: CardOptions): string {
  return `---
${front.join("\n")}
---

# ${title}

## Model Details

${title} is a decoder-only transformer language model for English text generation.

## Intended Uses

Text generation and chat assistants; research on instruction following.

## Out-of-Scope Use

Medical, legal or financial advice without human review; any use that violates applicable law.

## Limitations and Bias

The model can produce inaccurate or biased statements and has no moderation mechanism.

## Training Data

Trained on publicly available web data; see the data card linked in the repository.

## Evaluation Results

| Benchmark | Score |
|-----------|-------|
| MMLU      | 62.5  |
${extraSections}
${license === undefined ? "" : `## License\n\n${license}\n\n`}## Contact

Open a discussion on the repository page.
`;
}

function writeModelFiles(dir: string, architecture = "LlamaForCausalLM", modelType = "llama"): void {
  mkdirSync(dir, { recursive: true });
  const config = {
    architectures: [architecture],
    hidden_size: 8,
    intermediate_size: 16,
    model_type: modelType,
    num_attention_heads: 2,
    num_hidden_layers: 2,
    torch_dtype: "bfloat16",
    vocab_size: 16,
  };
  writeFileSync(join(dir, "config.json"), `${pythonJsonDumps(config)}\n`);
  writeFileSync(join(dir, "model.safetensors"), buildSafetensors(llamaTensors()));
}

function writeAdapterFiles(dir: string, base: string): void {
  mkdirSync(dir, { recursive: true });
  const config = {
    base_model_name_or_path: base,
    lora_alpha: 16,
    lora_dropout: 0.05,
    peft_type: "LORA",
    r: 4,
    target_modules: ["q_proj", "v_proj"],
    task_type: "CAUSAL_LM",
  };
  writeFileSync(join(dir, "adapter_config.json"), `${pythonJsonDumps(config)}\n`);
  const tensors = [0, 1].flatMap((l) =>
    ["q_proj", "v_proj"].flatMap((m) => [
      {
        name: `base_model.model.model.layers.${l}.self_attn.${m}.lora_A.weight`,
        dtype: "F32",
        shape: [4, 8],
      },
      {
        name: `base_model.model.model.layers.${l}.self_attn.${m}.lora_B.weight`,
        dtype: "F32",
        shape: [8, 4],
      },
    ]),
  );
  writeFileSync(join(dir, "adapter_model.safetensors"), buildSafetensors(tensors));
}

/** 1. Permissive: an Apache-2.0 Mistral-style release whose card and LICENSE agree. */
export function writePermissiveRepo(root: string): WrittenRepo {
  const path = join(root, "mistral-style-apache");
  writeModelFiles(path, "MistralForCausalLM", "mistral");
  writeFileSync(
    join(path, "README.md"),
    cardText({
      front: ["license: apache-2.0", "library_name: transformers", "pipeline_tag: text-generation"],
      title: "Mistral-style 7B Instruct",
      license: "This model is released under the Apache 2.0 license.",
    }),
  );
  writeFileSync(join(path, "LICENSE"), spdxText("Apache-2.0"));
  return { path };
}

export const LLAMA31_BASE = "meta-llama/Llama-3.1-8B-Instruct";

/**
 * 2. A Llama 3.1 fine-tune mislabelled MIT: the card and its LICENSE say MIT, `base_model` is Meta's
 * Llama 3.1 Instruct, which `modelgate.lineage.yaml` records as `llama3.1` (offline), or, with
 * `base: "local"`, a sibling folder carrying the Llama 3.1 license text.
 */
export function writeLlamaFinetuneMislabelledMit(
  root: string,
  options: { base?: "lineage-file" | "local" } = {},
): WrittenRepo {
  const path = join(root, "llama31-finetune-mit");
  writeModelFiles(path);
  const base = options.base === "local" ? "../Llama-3.1-8B-Instruct" : LLAMA31_BASE;
  writeFileSync(
    join(path, "README.md"),
    cardText({
      front: [
        "license: mit",
        `base_model: ${base}`,
        "library_name: transformers",
        "tags:",
        "  - llama-3.1",
        "  - fine-tuned",
      ],
      title: "Helpful Assistant 8B",
      license: "MIT",
    }),
  );
  writeFileSync(
    join(path, "LICENSE"),
    spdxText("MIT").replace("<year> <copyright holders>", "2024 Acme Labs"),
  );
  if (options.base === "local") {
    const basePath = join(root, "Llama-3.1-8B-Instruct");
    writeModelFiles(basePath);
    writeFileSync(
      join(basePath, "README.md"),
      cardText({ front: ["license: llama3.1", "language: [en]"], title: "Llama 3.1 8B Instruct" }),
    );
    writeFileSync(join(basePath, "LICENSE"), aiLicenseText("llama3.1"));
  } else {
    writeFileSync(
      join(path, "modelgate.lineage.yaml"),
      `# Bases this repository is built on, for offline license lineage.\n${LLAMA31_BASE}:\n  license: llama3.1\n`,
    );
  }
  return { path };
}

/** 3. A LoRA adapter of a CC-BY-NC-4.0 base (a sibling folder), declaring the base's license. */
export function writeNcAdapterRepo(root: string): WrittenRepo {
  const basePath = join(root, "nc-base");
  writeModelFiles(basePath);
  writeFileSync(
    join(basePath, "README.md"),
    cardText({ front: ["license: cc-by-nc-4.0"], title: "Research Base 7B (non-commercial)" }),
  );
  writeFileSync(join(basePath, "LICENSE"), spdxText("CC-BY-NC-4.0"));
  const path = join(root, "nc-lora-adapter");
  writeAdapterFiles(path, "../nc-base");
  writeFileSync(
    join(path, "README.md"),
    cardText({
      front: ["license: cc-by-nc-4.0", "base_model: ../nc-base", "library_name: peft", "tags: [lora, peft]"],
      title: "Summarizer LoRA",
      license: "CC BY-NC 4.0, as the base model.",
    }),
  );
  return { path };
}

/** 4. A merge of a CreativeML OpenRAIL-M parent and an Apache-2.0 parent (sibling folders). */
export function writeRailApacheMergeRepo(root: string): WrittenRepo {
  const rail = join(root, "rail-parent");
  writeModelFiles(rail);
  writeFileSync(
    join(rail, "README.md"),
    cardText({ front: ["license: creativeml-openrail-m"], title: "Diffusion Parent A" }),
  );
  if (existsSync(join(AI_LICENSES, "creativeml-openrail-m.txt")))
    writeFileSync(join(rail, "LICENSE"), aiLicenseText("creativeml-openrail-m"));
  const apache = join(root, "apache-parent");
  writeModelFiles(apache);
  writeFileSync(join(apache, "README.md"), cardText({ front: ["license: apache-2.0"], title: "Parent B" }));
  writeFileSync(join(apache, "LICENSE"), spdxText("Apache-2.0"));
  const path = join(root, "rail-apache-merge");
  writeModelFiles(path);
  writeFileSync(
    join(path, "README.md"),
    cardText({
      front: [
        "license: creativeml-openrail-m",
        "base_model:",
        "  - ../rail-parent",
        "  - ../apache-parent",
        "base_model_relation: merge",
        "tags: [merge, mergekit]",
      ],
      title: "Blend 7B (SLERP merge)",
      license: "CreativeML OpenRAIL-M; the use restrictions of Attachment A apply.",
    }),
  );
  return { path };
}

/** 5. The card says MIT; the LICENSE file is the GPL-3.0 text. */
export function writeCardLicenseDisagreementRepo(root: string): WrittenRepo {
  const path = join(root, "card-mit-license-gpl");
  writeModelFiles(path);
  writeFileSync(
    join(path, "README.md"),
    cardText({ front: ["license: mit", "library_name: transformers"], title: "Tiny Coder 1B" }),
  );
  writeFileSync(join(path, "LICENSE"), spdxText("GPL-3.0-only"));
  return { path };
}

/** 6. No license anywhere: no metadata, no License section, no LICENSE file. */
export function writeMissingLicenseRepo(root: string): WrittenRepo {
  const path = join(root, "no-license");
  writeModelFiles(path);
  writeFileSync(
    join(path, "README.md"),
    cardText({
      front: ["library_name: transformers", "pipeline_tag: text-generation"],
      title: "Untitled 3B",
    }),
  );
  return { path };
}

export interface ModelRepoFixture {
  name: string;
  write: (root: string) => WrittenRepo;
  /** The license key the engine reports. */
  licenseKey: string;
  /** Conflict kinds the license report carries, in order. */
  conflicts: string[];
}

/** The six repositories of test/fixtures/repos/README.md, with what the license engine reports. */
export const MODEL_REPOS: ModelRepoFixture[] = [
  { name: "permissive", write: writePermissiveRepo, licenseKey: "apache-2.0", conflicts: [] },
  {
    name: "llama-finetune-mislabelled-mit",
    write: writeLlamaFinetuneMislabelledMit,
    licenseKey: "llama3.1",
    conflicts: ["lineage"],
  },
  { name: "nc-adapter", write: writeNcAdapterRepo, licenseKey: "cc-by-nc-4.0", conflicts: [] },
  {
    name: "rail-apache-merge",
    write: writeRailApacheMergeRepo,
    licenseKey: "creativeml-openrail-m",
    conflicts: [],
  },
  {
    name: "card-license-disagreement",
    write: writeCardLicenseDisagreementRepo,
    licenseKey: "gpl-3.0",
    conflicts: ["source-disagreement"],
  },
  { name: "missing-license", write: writeMissingLicenseRepo, licenseKey: "unknown", conflicts: [] },
];
