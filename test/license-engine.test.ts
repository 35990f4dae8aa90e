/** The license engine over the fixture repositories of test/fixtures/repos/README.md. */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readModelCard } from "../src/card/read-model-card.js";
import { identifyLicense } from "../src/license/identify-license.js";
import { lineageFileResolver, localBaseResolver, resolveLineage } from "../src/license/lineage.js";
import { assessOpenness, type InventoryItem } from "../src/license/openness.js";
import type { LicenseReport } from "../src/license/types.js";
import { MODEL_REPOS, writeLlamaFinetuneMislabelledMit } from "./writers/model-repos.js";

async function licenseOf(path: string): Promise<{ report: LicenseReport; inventory: InventoryItem[] }> {
  const own = await localBaseResolver(path)(".");
  const card = readModelCard(own?.readme ?? null);
  const lineage = await resolveLineage(card, [localBaseResolver(path), lineageFileResolver(path)]);
  const report = identifyLicense({ card, files: own?.files ?? [], lineage });
  const inventory = readdirSync(path).map((name) => ({
    path: name,
    role: name.endsWith(".safetensors") ? "weights" : name.endsWith(".json") ? "config" : "docs",
    format: name.endsWith(".safetensors") ? "safetensors" : "unknown",
  }));
  return { report, inventory };
}

describe("fixture repositories", () => {
  it.each(MODEL_REPOS)("$name: license $licenseKey, conflicts $conflicts", async (fixture) => {
    const { path } = fixture.write(mkdtempSync(join(tmpdir(), "mg-repos-")));
    const { report } = await licenseOf(path);
    expect(report.key).toBe(fixture.licenseKey);
    expect(report.conflicts.map((c) => c.kind)).toEqual(fixture.conflicts);
  });

  it("permissive: card, LICENSE and body agree on Apache-2.0; OSAID license conditions met", async () => {
    const { path } = MODEL_REPOS[0]!.write(mkdtempSync(join(tmpdir(), "mg-repos-")));
    const { report, inventory } = await licenseOf(path);
    expect(report.sources.map((s) => s.kind)).toEqual(["card", "file", "body"]);
    const card = readModelCard(readFileSync(join(path, "README.md"), "utf8"));
    const openness = assessOpenness({ license: report, card, inventory });
    expect(openness.osaidLicenses).toBe(true);
    expect(openness.components).toEqual(
      expect.arrayContaining(["Model architecture", "Model parameters (Final)", "Model card"]),
    );
  });

  it("Llama 3.1 fine-tune mislabelled MIT: the lineage conflict names the base and its clause", async () => {
    const { path } = writeLlamaFinetuneMislabelledMit(mkdtempSync(join(tmpdir(), "mg-repos-")));
    const { report } = await licenseOf(path);
    expect(report.conflicts[0]).toMatchObject({
      kind: "lineage",
      between: ["file:LICENSE", "meta-llama/Llama-3.1-8B-Instruct"],
    });
    expect(report.conflicts[0]!.message).toMatch(
      /^declares MIT License \(mit\) but is a finetune of meta-llama\/Llama-3\.1-8B-Instruct \(llama3\.1\), whose §/,
    );
    expect(report.obligations).toMatchObject({ commercialUse: "conditional", useRestrictions: true });
    expect(report.obligations.threshold).toMatch(/700 million/);
    expect(Object.values(report.citations ?? {}).every((c) => c.startsWith("llama3.1 "))).toBe(true);
    expect(report.lineage?.[0]?.resolvedFrom).toBe("lineage-file:modelgate.lineage.yaml");
  });

  it("Llama 3.1 fine-tune with the base in a local folder carrying the Llama 3.1 text", async () => {
    const { path } = writeLlamaFinetuneMislabelledMit(mkdtempSync(join(tmpdir(), "mg-repos-")), {
      base: "local",
    });
    const { report } = await licenseOf(path);
    expect(report.key).toBe("llama3.1");
    expect(report.lineage?.[0]).toMatchObject({
      license: "llama3.1",
      resolvedFrom: "local:../Llama-3.1-8B-Instruct",
    });
  });

  it("NC adapter: commercial use prohibited through the base", async () => {
    const { path } = MODEL_REPOS[2]!.write(mkdtempSync(join(tmpdir(), "mg-repos-")));
    const { report, inventory } = await licenseOf(path);
    expect(report.obligations.commercialUse).toBe("prohibited");
    expect(report.lineage?.[0]).toMatchObject({
      id: "../nc-base",
      relation: "adapter",
      license: "cc-by-nc-4.0",
    });
    expect(assessOpenness({ license: report, card: null, inventory }).osaidLicenses).toBe(false);
  });

  it("RAIL + Apache merge: both parents read, RAIL use restrictions carried", async () => {
    const { path } = MODEL_REPOS[3]!.write(mkdtempSync(join(tmpdir(), "mg-repos-")));
    const { report } = await licenseOf(path);
    expect(report.lineage?.map((n) => [n.relation, n.license])).toEqual([
      ["merge", "creativeml-openrail-m"],
      ["merge", "apache-2.0"],
    ]);
    expect(report.obligations).toMatchObject({ useRestrictions: true, restrictionsFlowDown: true });
  });

  it("missing license: unknown, saying what to add", async () => {
    const { path } = MODEL_REPOS[5]!.write(mkdtempSync(join(tmpdir(), "mg-repos-")));
    const { report } = await licenseOf(path);
    expect(report).toMatchObject({ hub: "unknown", spdx: null, sources: [] });
    expect(report.unresolved).toMatch(/add a license/);
  });
});
