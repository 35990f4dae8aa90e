import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readModelCard } from "../card/read-model-card.js";
import { ModelgateError } from "../errors.js";
import {
  LineageFileError,
  lineageFileResolver,
  localBaseResolver,
  parseLineageFile,
  resolveLineage,
} from "./lineage.js";
import type { BaseModelResolver } from "./types.js";

const card = (front: string) => readModelCard(`---\n${front}\n---\n# M\n`);
/** A resolver over in-memory cards: id -> front matter. */
const memory =
  (cards: Record<string, string>, from = "mem"): BaseModelResolver =>
  async (id) =>
    id in cards ? { from: `${from}:${id}`, readme: `---\n${cards[id]}\n---\n# ${id}\n`, files: [] } : null;

describe("resolveLineage", () => {
  it("follows base_model through the first resolver that answers, bases first", async () => {
    const calls: string[] = [];
    const silent: BaseModelResolver = async (id) => {
      calls.push(id);
      return null;
    };
    const nodes = await resolveLineage(card("license: mit\nbase_model: org/ft"), [
      silent,
      memory({ "org/ft": "license: llama3.1\nbase_model: meta/base", "meta/base": "license: llama3.1" }),
      memory({ "org/ft": "license: apache-2.0" }, "never"),
    ]);
    expect(calls).toEqual(["org/ft", "meta/base"]);
    expect(nodes).toEqual([
      {
        id: "org/ft",
        relation: "finetune",
        license: "llama3.1",
        resolvedFrom: "mem:org/ft",
        parents: [
          {
            id: "meta/base",
            relation: "finetune",
            license: "llama3.1",
            resolvedFrom: "mem:meta/base",
            parents: [],
          },
        ],
      },
    ]);
  });

  it("marks a base no resolver knows as unknown, with the reason", async () => {
    const [node] = await resolveLineage(card("base_model: nowhere/x"), [memory({})]);
    expect(node).toMatchObject({
      license: "unknown",
      resolvedFrom: null,
      unresolvedReason: "no resolver knows it",
    });
  });

  it("records a resolver's error and tries the next", async () => {
    const failing: BaseModelResolver = async () => {
      throw new Error("hub unreachable");
    };
    const [a] = await resolveLineage(card("base_model: x/y"), [failing]);
    expect(a?.unresolvedReason).toBe("hub unreachable");
    const [b] = await resolveLineage(card("base_model: x/y"), [failing, memory({ "x/y": "license: mit" })]);
    expect(b?.license).toBe("mit");
  });

  it("cuts a cycle", async () => {
    const nodes = await resolveLineage(card("base_model: a"), [
      memory({ a: "license: mit\nbase_model: b", b: "license: mit\nbase_model: a" }),
    ]);
    const b = nodes[0]!.parents[0]!;
    expect(b.id).toBe("b");
    expect(b.parents[0]).toMatchObject({
      id: "a",
      license: "unknown",
      unresolvedReason: "cycle: a -> b -> a",
    });
  });

  it("stops at the depth cap", async () => {
    const chain: Record<string, string> = {};
    for (let i = 0; i < 10; i++) chain[`m${i}`] = `license: mit\nbase_model: m${i + 1}`;
    const nodes = await resolveLineage(card("base_model: m0"), [memory(chain)], { maxDepth: 3 });
    const third = nodes[0]!.parents[0]!.parents[0]!;
    expect(third.resolvedFrom).toBe("mem:m2");
    expect(third.parents[0]).toMatchObject({
      id: "m3",
      license: "unknown",
      unresolvedReason: "lineage deeper than 3 generations",
    });
  });

  it("stops at the node cap", async () => {
    const wide = memory({
      root: `license: mit\nbase_model: [${Array.from({ length: 8 }, (_, i) => `p${i}`).join(", ")}]`,
    });
    const nodes = await resolveLineage(
      card("base_model: root"),
      [wide, memory(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`p${i}`, "license: mit"])))],
      { maxNodes: 4 },
    );
    const parents = nodes[0]!.parents;
    expect(parents.filter((p) => p.license === "mit")).toHaveLength(3);
    expect(parents.at(-1)?.unresolvedReason).toBe("more than 4 base models");
  });

  it("gives the merge relation to several bases without one", async () => {
    const nodes = await resolveLineage(card("base_model: [a, b]"), [
      memory({ a: "license: mit", b: "license: mit" }),
    ]);
    expect(nodes.map((n) => n.relation)).toEqual(["merge", "merge"]);
  });
});

describe("localBaseResolver", () => {
  it("reads a base folder's card and license files, relative to the repository", async () => {
    const root = mkdtempSync(join(tmpdir(), "mg-lineage-"));
    mkdirSync(join(root, "repo"));
    mkdirSync(join(root, "base"));
    writeFileSync(join(root, "base", "README.md"), "---\nlicense: apache-2.0\n---\n# Base\n");
    writeFileSync(join(root, "base", "LICENSE.txt"), "license text");
    writeFileSync(join(root, "base", "NOTICE"), "notice");
    writeFileSync(join(root, "base", "model.safetensors"), "x");
    const resolve = localBaseResolver(join(root, "repo"));
    const texts = await resolve("../base");
    expect(texts?.from).toBe("local:../base");
    expect(texts?.readme).toContain("apache-2.0");
    expect(texts?.files.map((f) => f.path).sort()).toEqual(["LICENSE.txt", "NOTICE"]);
    expect(await resolve(join(root, "base"))).not.toBeNull();
    expect(await resolve("meta-llama/Llama-3.1-8B")).toBeNull();
  });
});

describe("lineageFileResolver", () => {
  it("answers for the bases modelgate.lineage.yaml lists, with their own bases and relation", async () => {
    const root = mkdtempSync(join(tmpdir(), "mg-lineage-"));
    writeFileSync(
      join(root, "modelgate.lineage.yaml"),
      "org/ft:\n  license: llama3.1\n  relation: finetune\n  base_model: [meta/base]\nmeta/base: llama3.1\nqwen/r: qwen-research\n",
    );
    const resolver = lineageFileResolver(root);
    const nodes = await resolveLineage(card("license: mit\nbase_model: [org/ft]"), [resolver]);
    expect(nodes[0]).toMatchObject({
      license: "llama3.1",
      resolvedFrom: "lineage-file:modelgate.lineage.yaml",
    });
    expect(nodes[0]!.parents[0]).toMatchObject({
      id: "meta/base",
      license: "llama3.1",
      relation: "finetune",
    });
    // A modelgate key that is not a Hub id still resolves.
    const [q] = await resolveLineage(card("base_model: qwen/r"), [resolver]);
    expect(q?.license).toBe("qwen-research");
    expect(await resolver("not/listed")).toBeNull();
  });

  it("reads lineage.yaml too, and answers nothing without a file", async () => {
    const root = mkdtempSync(join(tmpdir(), "mg-lineage-"));
    expect(await lineageFileResolver(root)("a/b")).toBeNull();
    writeFileSync(join(root, "lineage.yaml"), "a/b: {license: mit}\n");
    expect((await lineageFileResolver(root)("a/b"))?.from).toBe("lineage-file:lineage.yaml");
  });

  it("rejects a malformed file with what is wrong, which lineage reports as the reason", async () => {
    expect(() => parseLineageFile("- a\n- b\n", "lineage.yaml")).toThrow(/expected a map/);
    expect(() => parseLineageFile("a/b: {relation: finetune}\n", "lineage.yaml")).toThrow(
      /a\/b: needs a license/,
    );
    expect(() => parseLineageFile("a/b: {license: mit, relation: cousin}\n", "x")).toThrow(
      /relation must be one of/,
    );
    expect(() => parseLineageFile("a: [unclosed\n", "x")).toThrow(/not valid YAML/);
    const root = mkdtempSync(join(tmpdir(), "mg-lineage-"));
    writeFileSync(join(root, "lineage.yaml"), "a/b: {relation: finetune}\n");
    const [node] = await resolveLineage(card("base_model: a/b"), [lineageFileResolver(root)]);
    expect(node?.unresolvedReason).toMatch(/needs a license/);
  });

  it("throws a CONFIG_INVALID error that keeps the YAML parser's error as its cause", () => {
    let error: unknown;
    try {
      parseLineageFile("a: [unclosed\n", "lineage.yaml");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ModelgateError);
    expect(error).toMatchObject({ name: "LineageFileError", code: "CONFIG_INVALID" });
    expect((error as Error).cause).toBeInstanceOf(Error);
  });
});

describe("parseLineageFile on arbitrary text", () => {
  it("returns a map or throws LineageFileError, nothing else", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (text) => {
        try {
          parseLineageFile(text, "lineage.yaml");
        } catch (e) {
          expect(e).toBeInstanceOf(LineageFileError);
        }
      }),
      { numRuns: 200 },
    );
  });
});
