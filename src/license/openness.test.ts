import { describe, expect, it } from "vitest";
import { readModelCard } from "../card/read-model-card.js";
import { identifyLicense } from "./identify-license.js";
import { assessOpenness, type InventoryItem, MOF_COMPONENTS } from "./openness.js";

const licenseOf = (front: string) =>
  identifyLicense({ card: readModelCard(`---\n${front}\n---\n# M\n`), files: [], lineage: [] });
const fullCard = readModelCard(`---
license: apache-2.0
datasets: [allenai/c4]
model-index:
  - name: m
    results:
      - task: {type: text-generation}
        dataset: {name: MMLU, type: mmlu}
        metrics: [{type: accuracy, value: 0.62}]
---
# M

## Training Data

Trained on C4.

## Evaluation

See the table; details in the technical report at https://arxiv.org/abs/2401.00001.
`);
const item = (path: string, role: string, format = "unknown"): InventoryItem => ({ path, role, format });
const classIII = [
  item("config.json", "config", "config"),
  item("model.safetensors", "weights", "safetensors"),
];
const classII = [
  ...classIII,
  item("train.py", "code", "python"),
  item("inference.py", "code", "python"),
  item("eval_harness.py", "code", "python"),
  item("eval/data.jsonl", "other"),
];
const classI = [
  ...classII,
  item("data/train-00000.parquet", "other"),
  item("preprocess.py", "code", "python"),
  item("checkpoint-1000/model.safetensors", "weights", "safetensors"),
];

describe("assessOpenness", () => {
  it("Class III: weights, architecture, card, data card, report and evaluation under an open license", () => {
    const o = assessOpenness({
      license: licenseOf("license: apache-2.0"),
      card: fullCard,
      inventory: classIII,
    });
    expect(o.mofClass).toBe("III");
    expect(o.components).toEqual([...MOF_COMPONENTS.III, "Research paper"]);
    expect(o.missingForNext).toEqual([...MOF_COMPONENTS.II]);
    expect(o.osaidLicenses).toBe(true);
  });

  it("Class II adds training, inference and evaluation code and evaluation data", () => {
    const o = assessOpenness({ license: licenseOf("license: mit"), card: fullCard, inventory: classII });
    expect(o.mofClass).toBe("II");
    expect(o.missingForNext).toEqual([
      "Datasets",
      "Data preprocessing code",
      "Model parameters (Intermediate)",
    ]);
  });

  it("Class I adds datasets, preprocessing code, intermediate checkpoints and a paper", () => {
    const o = assessOpenness({
      license: licenseOf("license: apache-2.0"),
      card: fullCard,
      inventory: classI,
    });
    expect(o.mofClass).toBe("I");
    expect(o.missingForNext).toEqual([]);
  });

  it("an open content license (CC-BY-4.0) meets MOF but not OSAID's OSI condition", () => {
    const o = assessOpenness({
      license: licenseOf("license: cc-by-4.0"),
      card: fullCard,
      inventory: classIII,
    });
    expect(o).toMatchObject({ mofClass: "III", osaidLicenses: false });
  });

  it("no class without weights, and says what is missing", () => {
    const o = assessOpenness({
      license: licenseOf("license: apache-2.0"),
      card: fullCard,
      inventory: [classIII[0]!],
    });
    expect(o.mofClass).toBe("none");
    expect(o.missingForNext).toEqual(["Model parameters (Final)"]);
  });

  it("no class without a card's data card, report and evaluation", () => {
    const o = assessOpenness({ license: licenseOf("license: apache-2.0"), card: null, inventory: classIII });
    expect(o.mofClass).toBe("none");
    expect(o.missingForNext).toEqual(["Model card", "Data card", "Technical report", "Evaluation results"]);
  });

  it.each(["llama3.1", "cc-by-nc-4.0", "creativeml-openrail-m", "gemma"])(
    "no class and no OSAID for %s weights (use or commercial restrictions)",
    (id) => {
      const o = assessOpenness({ license: licenseOf(`license: ${id}`), card: fullCard, inventory: classI });
      expect(o.mofClass).toBe("none");
      expect(o.osaidLicenses).toBe(false);
      expect(o.missingForNext?.[0]).toContain(`the license is ${id}`);
    },
  );

  it("no OSAID for an unknown license or one whose sources conflict", () => {
    expect(assessOpenness({ license: licenseOf("tags: [x]"), card: null, inventory: [] }).osaidLicenses).toBe(
      false,
    );
    const conflicting = identifyLicense({
      card: readModelCard("---\nlicense: mit\nbase_model: a\n---\n"),
      files: [],
      lineage: [{ id: "a", relation: null, license: "gpl-3.0", resolvedFrom: "x", parents: [] }],
    });
    expect(assessOpenness({ license: conflicting, card: null, inventory: classIII }).osaidLicenses).toBe(
      false,
    );
  });

  it("an OSI license outside the knowledge base meets OSAID through the SPDX list", () => {
    expect(
      assessOpenness({ license: licenseOf("license: zlib"), card: null, inventory: [] }).osaidLicenses,
    ).toBe(true);
  });
});
