import { describe, expect, it } from "vitest";
import { readModelCard } from "./read-model-card.js";

/** A card whose front matter is the given YAML lines, with an empty body. */
function card(...yaml: string[]) {
  return readModelCard(`---\n${yaml.join("\n")}\n---\n`);
}

function kinds(c: ReturnType<typeof card>) {
  return c.problems.map((p) => `${p.kind}:${p.key ?? ""}`);
}

describe("license", () => {
  it("reads quoted values", () => {
    expect(card('license: "apache-2.0"').license.id).toBe("apache-2.0");
    expect(card("license: 'mit'").license.id).toBe("mit");
  });

  it("drops trailing comments", () => {
    expect(card("license: apache-2.0 # see LICENSE").license.id).toBe("apache-2.0");
  });

  it("lower-cases upper-case ids", () => {
    const c = card("license: Apache-2.0");
    expect(c.license).toEqual({
      id: "apache-2.0",
      ids: ["apache-2.0"],
      name: null,
      link: null,
      source: "license",
    });
  });

  it.each(["license:", "license: ''", "license: null", "license: []"])("treats `%s` as empty", (line) => {
    const c = card(line);
    expect(c.license.id).toBeNull();
    expect(c.license.source).toBeNull();
    expect(kinds(c)).toContain("empty-value:license");
    expect(c.missing).toContain("license");
  });

  it.each([
    ["licence: mit", "licence"],
    ["License: MIT", "License"],
    ["licenses: mit", "licenses"],
    ["LICENCE: mit", "LICENCE"],
  ])("reads the misspelt key in `%s` and records it", (line, key) => {
    const c = card(line);
    expect(c.license.id).toBe("mit");
    expect(c.license.source).toBe(key);
    expect(kinds(c)).toContain(`misspelt-key:${key}`);
  });

  it("prefers the canonical key over a variant", () => {
    const c = card("licence: mit", "license: apache-2.0");
    expect(c.license.id).toBe("apache-2.0");
    expect(kinds(c)).toEqual([]);
  });

  it("reads `license: other` with license_name and license_link", () => {
    const c = card("license: other", "license_name: deepseek", "license_link: LICENSE");
    expect(c.license).toEqual({
      id: "other",
      ids: ["other"],
      name: "deepseek",
      link: "LICENSE",
      source: "license",
    });
    expect(c.problems).toEqual([]);
  });

  it("records `license: other` that names nothing", () => {
    expect(kinds(card("license: other"))).toContain("empty-value:license");
  });

  it("records license_name next to a license that is not `other`", () => {
    const c = card("license: mit", "license_name: custom");
    expect(c.license.name).toBe("custom");
    expect(kinds(c)).toContain("invalid-value:license_name");
  });

  it("reads misspelt licence_name / licence_link", () => {
    const c = card("license: other", "licence_name: qwen", "licence_link: https://example.com/LICENSE");
    expect(c.license.name).toBe("qwen");
    expect(c.license.link).toBe("https://example.com/LICENSE");
    expect(kinds(c)).toEqual(["misspelt-key:licence_name", "misspelt-key:licence_link"]);
  });

  it("reads a one-item list as the id", () => {
    expect(card("license: [MIT]").license).toMatchObject({ id: "mit", ids: ["mit"] });
    expect(card("license:", "  - cc-by-4.0").license.id).toBe("cc-by-4.0");
  });

  it("does not choose among several listed licenses", () => {
    const c = card("license: [mit, apache-2.0]");
    expect(c.license.id).toBeNull();
    expect(c.license.ids).toEqual(["mit", "apache-2.0"]);
    expect(kinds(c)).toContain("invalid-value:license");
    expect(c.presentItems).toContain("license");
  });

  it("records a license that is a mapping", () => {
    const c = card("license:", "  name: mit");
    expect(c.license.id).toBeNull();
    expect(kinds(c)).toContain("invalid-value:license");
  });

  it("takes the license from a body License section when the metadata has none", () => {
    const c = readModelCard("---\ntags: [a]\n---\n## License\n\nApache-2.0\n");
    expect(c.license).toMatchObject({ id: "apache-2.0", source: "body" });
  });

  it("takes the license from a **License:** label, keeping prose out of the id", () => {
    const c = readModelCard(
      "**License:** A custom commercial license, available at https://example.com/LICENSE\n",
    );
    expect(c.license.id).toBeNull();
    expect(c.license.name).toMatch(/^A custom commercial license/);
    expect(c.license.link).toBe("https://example.com/LICENSE");
    expect(c.license.source).toBe("body");
  });

  it("ignores a template License label holding only the placeholder", () => {
    const c = readModelCard("- **License:** [More Information Needed]\n");
    expect(c.license.source).toBeNull();
    expect(c.missing).toContain("license");
  });
});

describe("base_model and relation", () => {
  it("reads a string", () => {
    const c = card("base_model: meta-llama/Llama-3.1-8B");
    expect(c.baseModels).toEqual(["meta-llama/Llama-3.1-8B"]);
    expect(c.relation).toBe("finetune");
    expect(c.relationSource).toBe("inferred");
  });

  it("reads a list (a merge) and drops duplicates", () => {
    const c = card("base_model:", "- a/one", "- b/two", "- a/one");
    expect(c.baseModels).toEqual(["a/one", "b/two"]);
    expect(c.relation).toBe("merge");
  });

  it("reads a Hub URL as the model id", () => {
    expect(card("base_model: https://huggingface.co/org/model/tree/main").baseModels).toEqual(["org/model"]);
  });

  it("records an empty base_model, as the PEFT template writes it", () => {
    const c = card("base_model:", "library_name: peft");
    expect(c.baseModels).toEqual([]);
    expect(c.relation).toBeNull();
    expect(kinds(c)).toContain("empty-value:base_model");
  });

  it("reads ids nested under a relation key and takes the relation from it", () => {
    const c = card("base_model:", "  adapter: org/base");
    expect(c.baseModels).toEqual(["org/base"]);
    expect(c.relation).toBe("adapter");
    expect(kinds(c)).toContain("invalid-value:base_model");
  });

  it("reads misspelt base_models", () => {
    const c = card("base_models: org/base");
    expect(c.baseModels).toEqual(["org/base"]);
    expect(kinds(c)).toContain("misspelt-key:base_models");
  });

  it.each(["adapter", "merge", "quantized", "finetune", "Quantized"])(
    "takes a declared base_model_relation: %s",
    (relation) => {
      const c = card("base_model: org/base", `base_model_relation: ${relation}`, "tags: [gguf]");
      expect(c.relation).toBe(relation.toLowerCase());
      expect(c.relationSource).toBe("metadata");
    },
  );

  it("records an unknown base_model_relation and infers instead", () => {
    const c = card("base_model: org/base", "base_model_relation: distilled", "library_name: peft");
    expect(c.relation).toBe("adapter");
    expect(c.relationSource).toBe("inferred");
    expect(kinds(c)).toContain("invalid-value:base_model_relation");
  });

  it.each([
    [["library_name: peft"], "adapter"],
    [["tags: [lora]"], "adapter"],
    [["tags: [mergekit, merge]"], "merge"],
    [["library_name: mergekit"], "merge"],
    [["tags: [GGUF]"], "quantized"],
    [["tags: [gptq, 4-bit]"], "quantized"],
    [["quantized_by: TheBloke"], "quantized"],
    [["quantized_by: TheBloke", "tags: [merge]"], "quantized"],
    [["library_name: transformers", "tags: [chat]"], "finetune"],
  ])("infers from %j: %s", (lines, relation) => {
    expect(card("base_model: org/base", ...lines).relation).toBe(relation);
  });

  it("has no relation without a base model", () => {
    const c = card("library_name: peft", "tags: [gguf]");
    expect(c.relation).toBeNull();
    expect(c.relationSource).toBeNull();
  });
});

describe("datasets, tags, language, pipeline_tag, library_name", () => {
  it("reads datasets as a string or a list", () => {
    expect(card("datasets: tatsu-lab/alpaca").datasets).toEqual(["tatsu-lab/alpaca"]);
    expect(card("datasets:", "- a/one", "- b/two").datasets).toEqual(["a/one", "b/two"]);
  });

  it("reads a misspelt dataset key", () => {
    const c = card("dataset: a/one");
    expect(c.datasets).toEqual(["a/one"]);
    expect(kinds(c)).toContain("misspelt-key:dataset");
  });

  it("ignores non-string list items and says so", () => {
    const c = card("datasets: [a/one, {name: x}]");
    expect(c.datasets).toEqual(["a/one"]);
    expect(kinds(c)).toContain("invalid-value:datasets");
  });

  it("satisfies training data from datasets", () => {
    expect(card("datasets: [a/one]").presentItems).toEqual(["training-data"]);
  });

  it("reads language as a string or a list; `no` (Norwegian) stays a string", () => {
    expect(card("language: en").languages).toEqual(["en"]);
    expect(card("language: [en, fr]").languages).toEqual(["en", "fr"]);
    expect(card("language:", "- no", "- sv").languages).toEqual(["no", "sv"]);
  });

  it("reads pipeline_tag and library_name lower-cased, tags as written", () => {
    const c = card("pipeline_tag: Text-Generation", "library_name: Transformers", "tags: [Llama-3, chat]");
    expect(c.pipelineTag).toBe("text-generation");
    expect(c.libraryName).toBe("transformers");
    expect(c.tags).toEqual(["Llama-3", "chat"]);
  });

  it("records a pipeline_tag that is a list", () => {
    const c = card("pipeline_tag: [a, b]");
    expect(c.pipelineTag).toBeNull();
    expect(kinds(c)).toContain("invalid-value:pipeline_tag");
  });
});

describe("model-index", () => {
  const modelIndex = [
    "model-index:",
    "- name: my-model",
    "  results:",
    "  - task:",
    "      type: text-generation",
    "      name: Text Generation",
    "    dataset:",
    "      name: MMLU (5-Shot)",
    "      type: cais/mmlu",
    "      split: test",
    "    metrics:",
    "    - type: acc",
    "      value: 64.5",
    "      name: accuracy",
    "    - type: f1",
    "      value: '0.71'",
  ];

  it("reads one result per metric with task, dataset, metric and value", () => {
    const c = card(...modelIndex);
    expect(c.results).toEqual([
      { task: "Text Generation", dataset: "MMLU (5-Shot)", metric: "accuracy", value: 64.5 },
      { task: "Text Generation", dataset: "MMLU (5-Shot)", metric: "f1", value: "0.71" },
    ]);
    expect(c.presentItems).toContain("evaluation-results");
  });

  it("records a malformed model-index and keeps what it can", () => {
    const c = card("model-index:", "- name: x", "- name: y", "  results:", "  - task: t", "    metrics: 3");
    expect(c.results).toEqual([]);
    expect(kinds(c)).toContain("invalid-value:model-index");
    expect(c.presentItems).not.toContain("evaluation-results");
  });
});

describe("gating", () => {
  it.each(["gated: true", "gated: auto", "gated: manual"])("`%s` is gated", (line) => {
    expect(card(line).gated).toBe(true);
  });

  it("extra_gated_prompt alone makes the model gated", () => {
    expect(card('extra_gated_prompt: "You agree to the license."').gated).toBe(true);
  });

  it("lists extra_gated_fields", () => {
    const c = card("extra_gated_fields:", "  Company: text", "  Country: country", "  I agree: checkbox");
    expect(c.gated).toBe(true);
    expect(c.gatedFields).toEqual(["Company", "Country", "I agree"]);
  });

  it("is not gated without gating keys, with empty ones, or with gated: false", () => {
    expect(card("license: mit").gated).toBe(false);
    expect(card("extra_gated_prompt: ''").gated).toBe(false);
    expect(card("gated: false", "extra_gated_prompt: terms").gated).toBe(false);
  });
});
