// biome-ignore-all lint/suspicious/noExplicitAny: walking the BOM's JSON in assertions
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import spdxIds from "spdx-license-list/simple.js";
import { afterAll, describe, expect, it } from "vitest";
import { buildMlBom, type MlBomOptions } from "../src/bom/build-ml-bom.js";
import type { LicenseLookup } from "../src/bom/licenses.js";
import type { ModelCard } from "../src/card/types.js";
import { LICENSES } from "../src/license/kb/index.js";
import type { LicenseReport, LineageNode } from "../src/license/types.js";
import type { VetReport } from "../src/policy/types.js";
import type { RepositoryView } from "../src/scan/repository.js";
import type { FileReport, Finding } from "../src/scan/types.js";
import { bomSchemaErrors, cyclonedxSpdxIds } from "./helpers/bom-schema.js";
import { modelCard } from "./helpers/model-card.js";
import { PERMISSIVE_OBLIGATIONS, UNKNOWN_OBLIGATIONS } from "./helpers/obligations.js";
import { runCli } from "./helpers/run-cli.js";

const HASH_A = "a".repeat(64);
const HASH_B = "b".repeat(64);
const HASH_C = "c".repeat(64);
const FIXED: MlBomOptions = {
  serialNumber: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
  timestamp: "2026-11-30T07:00:00.000Z",
};

/** A test's own license table, so these tests do not depend on the knowledge base's data. */
const lookup: LicenseLookup = (key) =>
  ({
    "apache-2.0": {
      spdx: "Apache-2.0",
      name: "Apache License 2.0",
      url: "https://www.apache.org/licenses/LICENSE-2.0",
    },
    "llama3.1": {
      spdx: "LicenseRef-llama3.1",
      name: "Llama 3.1 Community License",
      url: "https://www.llama.com/llama3_1/license/",
    },
  })[key];

const apache: LicenseReport = {
  key: "apache-2.0",
  hub: "apache-2.0",
  spdx: "Apache-2.0",
  name: "Apache License 2.0",
  sources: [{ kind: "card", path: "README.md", value: "apache-2.0" }],
  obligations: PERMISSIVE_OBLIGATIONS,
  conflicts: [],
};

function file(path: string, sha256: string | null, format: FileReport["format"], findings = 0): FileReport {
  return { path, size: 1000, sha256, format, findings };
}

function report(over: Partial<VetReport> & { files: FileReport[]; repository?: RepositoryView }): VetReport {
  const { files, repository, ...rest } = over;
  const findings: Finding[] = [];
  return {
    schemaVersion: 1,
    tool: { name: "modelgate", version: "0.9.0" },
    target: "models/tiny",
    verdict: "approved",
    reasons: [{ rule: "scan.maxSeverity", outcome: "pass", message: "no findings", evidence: [] }],
    scan: {
      schemaVersion: 1,
      tool: { name: "modelgate", version: "0.9.0" },
      target: "models/tiny",
      files,
      findings,
      ...(repository ? { repository } : {}),
      summary: {
        files: files.length,
        bytesRead: 4096,
        bytesTotal: files.length * 1000,
        durationMs: 3,
        bySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
      },
    },
    license: apache,
    card: { present: true, completeness: 0.5, missing: ["training data"], baseModels: [], relation: null },
    openness: { mofClass: "III", osaidLicenses: true },
    ...rest,
  };
}

function repositoryOf(files: FileReport[], roles: Record<string, string>): RepositoryView {
  return {
    formats: {},
    weights: {
      formats: { safetensors: files.filter((f) => f.format === "safetensors").map((f) => f.path) },
      pickle: [],
      safeAlternative: false,
    },
    parameters: { total: 124_000_000, byDtype: { F16: 124_000_000 }, source: "safetensors" },
    remoteCode: [],
    inventory: files.map((f) => ({
      path: f.path,
      size: f.size,
      sha256: f.sha256,
      format: f.format,
      role: (roles[f.path] ?? "other") as RepositoryView["inventory"][number]["role"],
      parameters: f.format === "safetensors" ? 62_000_000 : null,
    })),
  };
}

const card = (over: Partial<ModelCard>): ModelCard =>
  modelCard({
    metadata: { pipeline_tag: "text-generation" },
    license: { id: "apache-2.0", name: null, link: null, source: "license" },
    completeness: 0.5,
    ...over,
  });

function expectValid(bom: Record<string, unknown>) {
  expect(bomSchemaErrors(bom)).toEqual([]);
  return bom as any;
}

const prop = (component: any, name: string) =>
  (component.properties as { name: string; value: string }[])
    .filter((p) => p.name === name)
    .map((p) => p.value);

const singleFile = () =>
  report({
    target: "downloads/model.safetensors",
    files: [file("model.safetensors", HASH_A, "safetensors")],
  });

const shardedFiles = [
  file("config.json", HASH_C, "config"),
  file("model-00001-of-00002.safetensors", HASH_A, "safetensors"),
  file("model-00002-of-00002.safetensors", HASH_B, "safetensors"),
  file("README.md", HASH_C, "unknown"),
];
const sharded = () =>
  report({
    files: shardedFiles,
    repository: repositoryOf(shardedFiles, {
      "config.json": "config",
      "model-00001-of-00002.safetensors": "weights",
      "model-00002-of-00002.safetensors": "weights",
      "README.md": "docs",
    }),
  });
const shardedCard = card({
  datasets: ["wikitext", "openwebtext", "wikitext"],
  results: [
    { task: "text-generation", dataset: "wikitext", metric: "perplexity", value: 29.4 },
    { task: "text-generation", dataset: "lambada", metric: "accuracy", value: "45.9" },
    { task: "text-generation", dataset: "hellaswag", metric: "acc_norm", value: null },
  ],
  sections: [
    { heading: "Uses", level: 2, text: "" },
    { heading: "Direct Use", level: 3, text: "Text generation research." },
    { heading: "Downstream Use [optional]", level: 3, text: "[More Information Needed]" },
    { heading: "Out-of-Scope Use", level: 3, text: "Medical advice." },
    { heading: "Bias, Risks, and Limitations", level: 2, text: "Reproduces biases of web text." },
    { heading: "Limitations", level: 2, text: "English only; 1024-token context." },
    { heading: "Training Details", level: 2, text: "Trained on 8 GPUs." },
  ],
});

describe("the CycloneDX 1.6 schema accepts every BOM modelgate writes", () => {
  it("rejects what it should (the validator is live)", () => {
    expect(bomSchemaErrors({ bomFormat: "CycloneDX", specVersion: "1.6", serialNumber: "nope" })).not.toEqual(
      [],
    );
    const bom = buildMlBom(singleFile(), { ...FIXED, licenses: lookup }) as any;
    expect(bomSchemaErrors({ ...bom, metadata: { ...bom.metadata, timestamp: "yesterday" } })).not.toEqual(
      [],
    );
    bom.metadata.component.licenses = [{ license: { id: "LicenseRef-llama3.1" } }];
    expect(bomSchemaErrors(bom)).not.toEqual([]);
  });

  it("a single file: the model carries the file's digest, the file is a file component", () => {
    const bom = expectValid(buildMlBom(singleFile(), { ...FIXED, licenses: lookup }));
    expect(bom).toMatchObject({ bomFormat: "CycloneDX", specVersion: "1.6", version: 1 });
    expect(bom.metadata.tools.components).toEqual([
      { type: "application", name: "modelgate", version: "0.9.0" },
    ]);
    const model = bom.metadata.component;
    expect(model).toMatchObject({
      type: "machine-learning-model",
      name: "model.safetensors",
      "bom-ref": "model",
    });
    expect(model.hashes).toEqual([{ alg: "SHA-256", content: HASH_A }]);
    expect(bom.components).toEqual([
      {
        type: "file",
        "bom-ref": "file:model.safetensors",
        name: "model.safetensors",
        hashes: [{ alg: "SHA-256", content: HASH_A }],
        properties: [
          { name: "modelgate:file:format", value: "safetensors" },
          { name: "modelgate:file:size", value: "1000" },
          { name: "modelgate:file:findings", value: "0" },
        ],
      },
    ]);
    expect(bom.vulnerabilities).toBeUndefined();
  });

  it("a folder with shards and a full card: files, datasets, metrics, considerations", () => {
    const bom = expectValid(buildMlBom(sharded(), { ...FIXED, licenses: lookup, card: shardedCard }));
    const model = bom.metadata.component;
    expect(model.name).toBe("tiny");
    // A folder has no digest of its own; its files do, and the manifest digest covers them all.
    expect(model.hashes).toBeUndefined();
    const byRef = new Map<string, any>(bom.components.map((c: any) => [c["bom-ref"], c]));
    for (const f of shardedFiles)
      expect(byRef.get(`file:${f.path}`).hashes).toEqual([{ alg: "SHA-256", content: f.sha256 }]);
    expect(prop(byRef.get("file:model-00001-of-00002.safetensors"), "modelgate:file:role")).toEqual([
      "weights",
    ]);
    expect(prop(byRef.get("file:model-00001-of-00002.safetensors"), "modelgate:file:parameters")).toEqual([
      "62000000",
    ]);
    expect(prop(byRef.get("file:config.json"), "modelgate:file:role")).toEqual(["config"]);
    expect(prop(model, "modelgate:files:sha256Manifest")[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(prop(model, "modelgate:parameters")).toEqual(["124000000"]);
    expect(prop(model, "modelgate:weights:format")).toEqual(["safetensors"]);

    // Datasets: one data component each (deduplicated), referenced from modelParameters.
    const data = bom.components.filter((c: any) => c.type === "data");
    expect(data).toEqual([
      {
        type: "data",
        "bom-ref": "dataset:wikitext",
        name: "wikitext",
        data: [{ type: "dataset", name: "wikitext" }],
      },
      {
        type: "data",
        "bom-ref": "dataset:openwebtext",
        name: "openwebtext",
        data: [{ type: "dataset", name: "openwebtext" }],
      },
    ]);
    expect(model.modelCard.modelParameters).toEqual({
      task: "text-generation",
      datasets: [{ ref: "dataset:wikitext" }, { ref: "dataset:openwebtext" }],
    });
    // A result without a value is not a metric.
    expect(model.modelCard.quantitativeAnalysis.performanceMetrics).toEqual([
      { type: "perplexity", value: "29.4", slice: "wikitext" },
      { type: "accuracy", value: "45.9", slice: "lambada" },
    ]);
    // Empty and placeholder sections are left out; unrelated ones (training) are not considerations.
    expect(model.modelCard.considerations).toEqual({
      useCases: ["Text generation research."],
      technicalLimitations: ["Out of scope: Medical advice.", "English only; 1024-token context."],
      ethicalConsiderations: [{ name: "Reproduces biases of web text." }],
    });
    expect(prop(model.modelCard, "modelgate:card:completeness")).toEqual(["0.5"]);
    expect(prop(model.modelCard, "modelgate:card:missing")).toEqual(["training data"]);
    // Every component the model depends on exists in the BOM.
    const deps = bom.dependencies.find((d: any) => d.ref === "model").dependsOn;
    expect(deps.sort()).toEqual([...byRef.keys()].sort());
  });

  it("the manifest digest changes when any file's digest does", () => {
    const a = buildMlBom(sharded(), FIXED) as any;
    const changed = sharded();
    changed.scan.repository!.inventory[2]!.sha256 = "d".repeat(64);
    const b = buildMlBom(changed, FIXED) as any;
    expect(prop(a.metadata.component, "modelgate:files:sha256Manifest")).not.toEqual(
      prop(b.metadata.component, "modelgate:files:sha256Manifest"),
    );
  });

  it("without hashes (--no-hash) no component has hashes and there is no manifest digest", () => {
    const files = shardedFiles.map((f) => ({ ...f, sha256: null }));
    const bom = expectValid(buildMlBom(report({ files, repository: repositoryOf(files, {}) }), FIXED));
    expect(bom.components.some((c: any) => c.hashes)).toBe(false);
    expect(prop(bom.metadata.component, "modelgate:files:sha256Manifest")).toEqual([]);
  });

  it("a fine-tune with lineage: ancestors with their licenses, relation and nested bases", () => {
    const llamaFinetune = report({
      files: [file("model.safetensors", HASH_A, "safetensors")],
      target: "hf:acme/llama-chat@0123456789abcdef0123456789abcdef01234567",
      license: {
        ...apache,
        key: "llama3.1",
        hub: "llama3.1",
        spdx: "LicenseRef-llama3.1",
        name: "Llama 3.1 Community License",
        obligations: {
          ...PERMISSIVE_OBLIGATIONS,
          commercialUse: "conditional",
          useRestrictions: true,
          threshold: "700M monthly active users",
          naming: "Built with Llama",
        },
        conflicts: [
          {
            kind: "lineage",
            message: "declares MIT but is a fine-tune of Llama 3.1",
            between: ["card", "meta-llama/Llama-3.1-8B"],
          },
        ],
        lineage: [
          {
            id: "meta-llama/Llama-3.1-8B-Instruct",
            relation: "finetune",
            license: "llama3.1",
            resolvedFrom: "hf",
            parents: [
              {
                id: "meta-llama/Llama-3.1-8B",
                relation: "finetune",
                license: "apache-2.0",
                resolvedFrom: "hf",
                parents: [],
              },
            ],
          },
          { id: "../unknown-base", relation: "merge", license: "unknown", resolvedFrom: null, parents: [] },
        ],
      },
      card: {
        present: true,
        completeness: 1,
        missing: [],
        baseModels: ["meta-llama/Llama-3.1-8B-Instruct"],
        relation: "finetune",
      },
    });
    const bom = expectValid(buildMlBom(llamaFinetune, { ...FIXED, licenses: lookup }));
    const model = bom.metadata.component;
    expect(model).toMatchObject({
      group: "acme",
      name: "llama-chat",
      version: "0123456789abcdef0123456789abcdef01234567",
      purl: "pkg:huggingface/acme/llama-chat@0123456789abcdef0123456789abcdef01234567",
    });
    // LicenseRef- is not in the schema's SPDX enum: it goes as a named license with its URL.
    expect(model.licenses).toEqual([
      {
        license: {
          name: "Llama 3.1 Community License",
          url: "https://www.llama.com/llama3_1/license/",
          acknowledgement: "concluded",
        },
      },
    ]);
    expect(prop(model, "modelgate:license:spdx")).toEqual(["LicenseRef-llama3.1"]);
    expect(prop(model, "modelgate:license:commercialUse")).toEqual(["conditional"]);
    expect(prop(model, "modelgate:license:threshold")).toEqual(["700M monthly active users"]);
    expect(prop(model, "modelgate:license:naming")).toEqual(["Built with Llama"]);
    expect(prop(model, "modelgate:license:conflict:lineage")).toEqual([
      "declares MIT but is a fine-tune of Llama 3.1",
    ]);

    const [instruct, unknownBase] = model.pedigree.ancestors;
    expect(instruct).toMatchObject({
      type: "machine-learning-model",
      name: "meta-llama/Llama-3.1-8B-Instruct",
      "bom-ref": "base:0",
    });
    expect(instruct.licenses[0].license.name).toBe("Llama 3.1 Community License");
    expect(prop(instruct, "modelgate:relation")).toEqual(["finetune"]);
    const [base] = instruct.pedigree.ancestors;
    expect(base).toMatchObject({ name: "meta-llama/Llama-3.1-8B", "bom-ref": "base:0.0" });
    expect(base.licenses).toEqual([
      {
        license: {
          id: "Apache-2.0",
          url: "https://www.apache.org/licenses/LICENSE-2.0",
          acknowledgement: "concluded",
        },
      },
    ]);
    // An unresolved base states no license, and says so.
    expect(unknownBase.licenses).toBeUndefined();
    expect(prop(unknownBase, "modelgate:license:key")).toEqual(["unknown"]);
    expect(prop(unknownBase, "modelgate:relation")).toEqual(["merge"]);
  });

  it("base models from the card become ancestors when lineage was not followed", () => {
    const r = singleFile();
    r.card = { ...r.card, baseModels: ["gpt2"], relation: "quantized" };
    const bom = expectValid(buildMlBom(r, FIXED));
    expect(bom.metadata.component.pedigree.ancestors).toEqual([
      {
        type: "machine-learning-model",
        "bom-ref": "base:0",
        name: "gpt2",
        properties: [
          { name: "modelgate:relation", value: "quantized" },
          { name: "modelgate:license:key", value: "unknown" },
        ],
      },
    ]);
  });

  it("an unknown license: no license is stated, the properties say what is needed", () => {
    const r = singleFile();
    r.license = {
      key: "unknown",
      hub: "unknown",
      spdx: null,
      name: "unknown",
      sources: [],
      obligations: UNKNOWN_OBLIGATIONS,
      conflicts: [],
      unresolved: "add a LICENSE file or a license key to the card",
    };
    const bom = expectValid(buildMlBom(r, FIXED));
    const model = bom.metadata.component;
    expect(model.licenses).toBeUndefined();
    expect(prop(model, "modelgate:license:unresolved")).toEqual([
      "add a LICENSE file or a license key to the card",
    ]);
    expect(prop(model, "modelgate:license:commercialUse")).toEqual(["unknown"]);
    expect(prop(model, "modelgate:license:attribution")).toEqual(["unknown"]);
  });

  it("an SPDX id, a compound expression and a LicenseRef expression", () => {
    const withSpdx = (spdx: string) => {
      const r = singleFile();
      r.license = { ...apache, spdx };
      return expectValid(buildMlBom(r, { ...FIXED, licenses: lookup })).metadata.component.licenses;
    };
    expect(withSpdx("Apache-2.0")).toEqual([
      {
        license: {
          id: "Apache-2.0",
          url: "https://www.apache.org/licenses/LICENSE-2.0",
          acknowledgement: "concluded",
        },
      },
    ]);
    expect(withSpdx("Apache-2.0 AND LicenseRef-llama3.1")).toEqual([
      { expression: "Apache-2.0 AND LicenseRef-llama3.1", acknowledgement: "concluded" },
    ]);
    expect(withSpdx("(MIT OR CC-BY-4.0)")).toEqual([
      { expression: "(MIT OR CC-BY-4.0)", acknowledgement: "concluded" },
    ]);
  });

  it("a malicious finding is a vulnerability affecting its file; medium findings are not", () => {
    const files = [
      file("pytorch_model.bin", HASH_A, "pytorch-zip", 2),
      file("config.json", HASH_B, "config", 1),
    ];
    const r = report({
      files,
      repository: repositoryOf(files, { "pytorch_model.bin": "weights", "config.json": "config" }),
    });
    r.verdict = "rejected";
    r.reasons = [
      {
        rule: "scan.maxSeverity",
        outcome: "fail",
        message: "a critical finding",
        evidence: ["/scan/findings/0"],
      },
    ];
    r.scan.findings = [
      {
        ruleId: "PICKLE_DANGEROUS_GLOBAL",
        severity: "critical",
        file: "pytorch_model.bin",
        location: "archive/data.pkl@112",
        message: "loading runs os.system",
        evidence: { global: "os.system" },
      },
      {
        ruleId: "PICKLE_MALFORMED",
        severity: "medium",
        file: "pytorch_model.bin",
        location: "archive/data.pkl@300",
        message: "truncated",
        evidence: {},
      },
      {
        ruleId: "SOME_FUTURE_RULE",
        severity: "high",
        file: "config.json",
        location: "@0",
        message: "config loads custom code",
        evidence: {},
      },
    ];
    r.scan.summary.bySeverity = { critical: 1, high: 1, medium: 1, low: 0, info: 0 };
    const bom = expectValid(buildMlBom(r, FIXED));
    expect(bom.vulnerabilities).toHaveLength(2);
    const [pickle, config] = bom.vulnerabilities;
    expect(pickle).toMatchObject({
      "bom-ref": "finding:0",
      id: "PICKLE_DANGEROUS_GLOBAL",
      source: { name: "modelgate" },
      ratings: [{ source: { name: "modelgate" }, severity: "critical" }],
      detail: "loading runs os.system",
      affects: [{ ref: "file:pytorch_model.bin" }],
    });
    // The rule's documentation travels with it.
    expect(pickle.recommendation).toMatch(/Do not load this file/);
    expect(prop(pickle, "modelgate:location")).toEqual(["archive/data.pkl@112"]);
    expect(prop(pickle, "modelgate:evidence")).toEqual(["/scan/findings/0"]);
    expect(config).toMatchObject({ id: "SOME_FUTURE_RULE", affects: [{ ref: "file:config.json" }] });
    expect(config.recommendation).toBeUndefined();
    const model = bom.metadata.component;
    expect(prop(model, "modelgate:verdict")).toEqual(["rejected"]);
    expect(prop(model, "modelgate:reason:fail")).toEqual(["scan.maxSeverity: a critical finding"]);
    expect(prop(model, "modelgate:scan:findings:critical")).toEqual(["1"]);
    expect(prop(model, "modelgate:scan:findings:medium")).toEqual(["1"]);
    // Every vulnerability points at a component of this BOM.
    const refs = new Set(bom.components.map((c: any) => c["bom-ref"]));
    for (const v of bom.vulnerabilities) expect(refs.has(v.affects[0].ref)).toBe(true);
  });

  it("is reproducible with an injected serial number and timestamp, random and current without", () => {
    const options = { ...FIXED, licenses: lookup, card: shardedCard };
    const a = JSON.stringify(buildMlBom(sharded(), options));
    expect(JSON.stringify(buildMlBom(sharded(), options))).toBe(a);
    const parsed = JSON.parse(a);
    expect(parsed.serialNumber).toBe(FIXED.serialNumber);
    expect(parsed.metadata.timestamp).toBe(FIXED.timestamp);
    const x = expectValid(buildMlBom(sharded()));
    const y = buildMlBom(sharded()) as any;
    expect(x.serialNumber).not.toBe(y.serialNumber);
    expect(Date.parse(x.metadata.timestamp)).not.toBeNaN();
  });

  it("file order does not depend on the report's order", () => {
    const r = sharded();
    const reversed = sharded();
    reversed.scan.repository!.inventory.reverse();
    expect(JSON.stringify(buildMlBom(reversed, FIXED))).toBe(JSON.stringify(buildMlBom(r, FIXED)));
  });
});

describe("whatever the report holds, the BOM validates and its references resolve", () => {
  const text = fc.string({ maxLength: 40 });
  const digest = fc.oneof(fc.constant(null), fc.stringMatching(/^[0-9a-f]{64}$/), text);
  const lineageNode: fc.Memo<LineageNode> = fc.memo((n) =>
    fc.record({
      id: text,
      relation: fc.constantFrom("finetune", "adapter", "merge", "quantized", null),
      license: fc.constantFrom("apache-2.0", "llama3.1", "unknown", "made-up"),
      resolvedFrom: fc.option(text),
      parents: n > 1 ? fc.array(lineageNode(n - 1), { maxLength: 3 }) : fc.constant([]),
    }),
  );

  it("holds for arbitrary names, digests, licenses, lineage, card results and findings", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(text, { maxLength: 6 }),
        fc.array(digest, { minLength: 6, maxLength: 6 }),
        fc.option(text),
        fc.array(lineageNode(4), { maxLength: 3 }),
        fc.array(text, { maxLength: 5 }),
        fc.array(
          fc.record({
            task: fc.option(text),
            dataset: fc.option(text),
            metric: fc.option(text),
            value: fc.oneof(fc.double(), text, fc.constant(null)),
          }),
          { maxLength: 4 },
        ),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom("critical", "high", "medium"), text), { maxLength: 4 }),
        (paths, digests, spdx, lineage, datasets, results, findings) => {
          const files = paths.map((p, i) => file(p, digests[i]!, "safetensors"));
          const r = report({ files, repository: repositoryOf(files, {}) });
          r.license = { ...apache, spdx, name: spdx ?? "", lineage };
          r.scan.findings = findings.map(([at, severity, message]) => ({
            ruleId: "PICKLE_DANGEROUS_GLOBAL",
            severity: severity as Finding["severity"],
            file: paths.length > 0 ? paths[at % paths.length]! : "gone.bin",
            location: "@0",
            message,
            evidence: {},
          }));
          const bom = buildMlBom(r, { licenses: lookup, card: card({ datasets, results }) }) as any;
          expect(bomSchemaErrors(bom)).toEqual([]);
          const refs = [...bom.components.map((c: any) => c["bom-ref"]), bom.metadata.component["bom-ref"]];
          expect(new Set(refs).size).toBe(refs.length);
          for (const v of bom.vulnerabilities ?? []) expect(refs).toContain(v.affects[0].ref);
          for (const d of bom.metadata.component.modelCard.modelParameters?.datasets ?? [])
            expect(refs).toContain(d.ref);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("license ids the BOM may write", () => {
  it("every SPDX id the runtime treats as an id is in the 1.6 schema's enum", () => {
    const enumIds = cyclonedxSpdxIds();
    expect([...spdxIds].filter((id) => !enumIds.has(id))).toEqual([]);
  });

  it("every knowledge-base license validates as the model's license", () => {
    for (const entry of LICENSES) {
      const r = singleFile();
      r.license = { ...apache, key: entry.key, spdx: entry.spdx, name: entry.name };
      expect(bomSchemaErrors(buildMlBom(r, FIXED)), entry.key).toEqual([]);
    }
  });
});

describe("modelgate bom (CLI)", () => {
  const dir = mkdtempSync(join(tmpdir(), "modelgate-bom-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const repo = join(dir, "tiny-model");
  const header = Buffer.from(JSON.stringify({ w: { dtype: "F32", shape: [2], data_offsets: [0, 8] } }));
  const safetensors = Buffer.concat([Buffer.alloc(8), header, Buffer.alloc(8)]);
  safetensors.writeBigUInt64LE(BigInt(header.length), 0);
  mkdirSync(repo);
  writeFileSync(join(repo, "model.safetensors"), safetensors);
  writeFileSync(join(repo, "config.json"), JSON.stringify({ model_type: "gpt2" }));
  writeFileSync(
    join(repo, "README.md"),
    "---\nlicense: apache-2.0\ndatasets:\n- wikitext\npipeline_tag: text-generation\n---\n# Tiny\n\n## Limitations\n\nA toy.\n",
  );

  it("writes a valid BOM of the folder to stdout and exits 0", async () => {
    const r = await runCli(["bom", repo]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const bom = expectValid(JSON.parse(r.stdout));
    expect(bom.metadata.component.name).toBe("tiny-model");
    const weights = bom.components.find((c: any) => c.name === "model.safetensors");
    expect(weights.hashes).toEqual([
      { alg: "SHA-256", content: createHash("sha256").update(safetensors).digest("hex") },
    ]);
    expect(bom.components.some((c: any) => c.type === "data" && c.name === "wikitext")).toBe(true);
    expect(bom.metadata.component.modelCard.modelParameters.task).toBe("text-generation");
  });

  it("writes to --output and says so; --no-hash lists no hashes", async () => {
    const out = join(dir, "bom.json");
    const r = await runCli(["bom", repo, "--output", out, "--no-hash"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/BOM written to .*bom\.json \(verdict: /);
    const bom = expectValid(JSON.parse(readFileSync(out, "utf8")));
    expect(bom.components.some((c: any) => c.hashes)).toBe(false);
  });

  it("exits 2 on a target that cannot be read and on a missing target", async () => {
    const missing = await runCli(["bom", join(dir, "does-not-exist")]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toMatch(/cannot read/);
    expect((await runCli(["bom"])).code).toBe(2);
    const unwritable = await runCli([
      "bom",
      repo,
      "--no-hash",
      "--output",
      join(dir, "no-such-dir", "bom.json"),
    ]);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toMatch(/cannot write the BOM/);
  });
});
