import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { testScanContext } from "../../../test/helpers/scan-context.js";
import { autoMapRepo, nemoConfig, skopsSchema } from "../../../test/writers/configs.js";
import { BoundExceededError, FormatError } from "../../errors.js";
import { bufferSource } from "../../formats/source.js";
import { parsePythonJson } from "./config/json-lenient.js";
import { MAX_TEXT_BYTES } from "./config/text.js";
import { objectsIn } from "./config/walk.js";
import { yamlNesting } from "./config/yaml-config.js";
import { scanConfigView } from "./config-view.js";
import { MAX_PYTHON_BYTES, scanPythonView } from "./python-view.js";

async function config(file: string, text: string, member = "") {
  const ctx = testScanContext(file);
  const format = await scanConfigView(ctx, bufferSource(new TextEncoder().encode(text)), member, 0);
  return { ctx, format };
}

describe("scanConfigView facts", () => {
  it("records auto_map code and the files it names, relative to the repository root", async () => {
    const { ctx, format } = await config("sub/config.json", autoMapRepo()["config.json"] as string);
    expect(format).toBe("config");
    expect(ctx.facts.remoteCode.map((r) => r.kind)).toEqual(["auto_map", "auto_map"]);
    expect(ctx.facts.references.map((r) => [r.kind, r.path])).toEqual([
      ["remote-code", "sub/configuration_x.py"],
      ["remote-code", "sub/modeling_x.py"],
    ]);
  });

  it("records no file reference for a config inside an archive", async () => {
    const { ctx } = await config("x.zip", autoMapRepo()["config.json"] as string, "inner/config.json");
    expect(ctx.facts.remoteCode).toHaveLength(2);
    expect(ctx.facts.references).toEqual([]);
    expect(ctx.findings[0]!.location.startsWith("inner/config.json@")).toBe(true);
  });

  it("records a Hydra target outside the frameworks as remote code", async () => {
    const { ctx } = await config("model_config.yaml", nemoConfig("mypkg.Encoder"));
    expect(ctx.facts.remoteCode).toMatchObject([
      { kind: "hydra-target", detail: "Hydra imports and calls mypkg.Encoder" },
    ]);
  });

  it("places YAML findings at byte offsets, after multi-byte characters too", async () => {
    const text = "title: Modèle – ünïcode\nx: !!python/object/apply:os.system ['id']\n";
    const { ctx } = await config("conf.yaml", text);
    const offset = Buffer.byteLength(text.slice(0, text.indexOf("os.system")));
    expect(ctx.findings.map((f) => f.location)).toEqual([`@${offset}`]);
  });

  it("leaves text that is neither JSON nor a YAML-named file unknown", async () => {
    expect((await config("merges.txt", "#version: 0.2\nĠ t\n")).format).toBe("unknown");
    expect((await config("notes.md", "{ not json }")).format).toBe("unknown");
    expect((await config("data.jsonl", '{"a": 1}\n{"a": 2}\n')).format).toBe("unknown");
  });

  it("judges skops schemas by content, whatever the member is called", async () => {
    const { ctx } = await config(
      "m.skops",
      skopsSchema({ f: { __class__: "eval", __module__: "builtins", __loader__: "FunctionNode" } }),
      "x.json",
    );
    expect(ctx.findings.map((f) => f.ruleId)).toEqual(["SKOPS_DANGEROUS_TYPE"]);
  });
});

describe("scanConfigView edge cases", () => {
  const huge = (size: number) => ({ size, read: () => new Uint8Array(0) });

  it("leaves a text file over the size cap unscanned without reading it", async () => {
    const ctx = testScanContext("tokenizer.json");
    expect(await scanConfigView(ctx, huge(MAX_TEXT_BYTES + 1), "", 0)).toBe("unknown");
    expect(ctx.findings).toEqual([]);
  });

  it("reads JSON after a byte order mark, with offsets counted in bytes", async () => {
    const text = `\uFEFF${JSON.stringify({ auto_map: { AutoModel: "modeling_é.M" } })}`;
    const { ctx } = await config("config.json", text);
    expect(ctx.findings.map((f) => f.location)).toEqual([
      `@${Buffer.byteLength(text.slice(0, text.indexOf('"modeling_é.M"')))}`,
    ]);
  });

  it("reads YAML 1.1 booleans as PyYAML does", async () => {
    const { ctx } = await config("conf.yaml", "model:\n  trust_remote_code: yes\n");
    expect(ctx.findings.map((f) => f.ruleId)).toEqual(["CONFIG_TRUST_REMOTE_CODE"]);
  });

  it("lets functools.partial through as a Hydra target but not what it wraps", async () => {
    const yaml = "opt:\n  _target_: functools.partial\n  _args_:\n    - _target_: os.system\n";
    const { ctx } = await config("conf.yaml", yaml);
    expect(ctx.findings.map((f) => [f.ruleId, f.evidence.target])).toEqual([
      ["HYDRA_DANGEROUS_TARGET", "os.system"],
    ]);
  });

  it("judges skops function, type and method nodes by the name they import", async () => {
    const schema = skopsSchema({
      // protocol 0: the name is in content; the node's own class is just "function" / "type"
      f: {
        __class__: "function",
        __module__: "numpy",
        content: { module_path: "posix", function: "system" },
      },
      t: {
        __class__: "type",
        __module__: "builtins",
        content: { __class__: "float64", __module__: "numpy" },
      },
      m: {
        __class__: "method",
        __module__: "builtins",
        __loader__: "MethodNode",
        content: {
          func: "transform",
          obj: {
            __class__: "StandardScaler",
            __module__: "sklearn.preprocessing._data",
            __loader__: "ObjectNode",
          },
        },
      },
    });
    const { ctx } = await config("schema.json", schema);
    expect(ctx.findings.map((f) => [f.ruleId, f.evidence.type])).toEqual([
      ["SKOPS_DANGEROUS_TYPE", "posix.system"],
      ["SKOPS_UNTRUSTED_TYPE", "sklearn.preprocessing._data.StandardScaler.transform"],
    ]);
  });
});

describe("scanPythonView", () => {
  it("lists a Python file over the size cap and says its calls were not reviewed", async () => {
    const ctx = testScanContext("big.py");
    const src = { size: MAX_PYTHON_BYTES + 1, read: () => new Uint8Array(0) };
    expect(await scanPythonView(ctx, src, "")).toBe("python");
    expect(ctx.findings.map((f) => [f.ruleId, f.severity])).toEqual([
      ["PYTHON_REMOTE_CODE", "low"],
      ["ARCHIVE_UNVERIFIABLE", "medium"],
    ]);
  });

  it("records every Python file as remote code with a low finding", async () => {
    const ctx = testScanContext("modeling_x.py");
    const format = await scanPythonView(ctx, bufferSource(new TextEncoder().encode("x = 1\n")), "");
    expect(format).toBe("python");
    expect(ctx.facts.remoteCode).toEqual([
      { kind: "python-source", detail: "Python source modeling_x.py", location: "@0" },
    ]);
    expect(ctx.findings.map((f) => [f.ruleId, f.severity])).toEqual([["PYTHON_REMOTE_CODE", "low"]]);
  });
});

describe("config helpers", () => {
  it("reads NaN and Infinity as Python's json module does, and only outside strings", () => {
    expect(parsePythonJson('{"a": NaN, "b": [-Infinity, Infinity], "c": "NaN Infinity"}')).toEqual({
      ok: true,
      value: { a: null, b: [null, null], c: "NaN Infinity" },
    });
    expect(parsePythonJson('{"a": NaNx}').ok).toBe(false);
    expect(parsePythonJson('{"a": 1,}').ok).toBe(false);
  });

  it("walks deep and cyclic trees without recursion", () => {
    let deep: unknown = { leaf: true };
    for (let i = 0; i < 100_000; i++) deep = { next: deep };
    expect([...objectsIn(deep)]).toHaveLength(100_001);
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = loop;
    loop.list = [loop, { b: 2 }];
    expect([...objectsIn(loop)]).toHaveLength(2);
    expect(() => [...objectsIn(new Array(100).fill(0), 50)]).toThrow(BoundExceededError);
  });

  it("over-estimates YAML nesting before the parser sees it", () => {
    expect(yamlNesting("a:\n  b:\n    c: [1, {d: 2}]\n")).toEqual({ flow: 2, indent: 4 });
    expect(yamlNesting("- - - x\n").indent).toBe(6);
  });
});

describe("views on arbitrary text (property)", () => {
  const acceptable = (err: unknown) => err instanceof FormatError || err instanceof BoundExceededError;
  const names = ["config.json", "model_config.yaml", "conf.yml", "chat_template.jinja", "notes.txt"];
  const yamlish = fc
    .array(
      fc.oneof(
        fc.constantFrom(
          "a: ",
          "- ",
          "  ",
          "\n",
          "[",
          "]",
          "{",
          "}",
          ", ",
          "&x ",
          "*x ",
          "!!python/object/apply:",
          "os.system",
          "_target_: ",
          "'",
          '"',
          "#",
          "? ",
          "%TAG !p! tag:yaml.org,2002:python/\n---\n",
          "!p!name:x",
        ),
        fc.string({ maxLength: 8 }),
      ),
      { maxLength: 80 },
    )
    .map((parts) => parts.join(""));
  const text = fc.oneof(
    fc.string({ maxLength: 400 }),
    fc.json({ maxDepth: 6 }),
    yamlish,
    fc
      .jsonValue({ maxDepth: 4 })
      .map((v) => JSON.stringify({ auto_map: v, _target_: v, chat_template: v, weight_map: v })),
  );

  it("never throws anything but bounded-reader errors out of the config view", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names), text, async (name, body) => {
        try {
          await config(name, body);
        } catch (err) {
          expect(acceptable(err)).toBe(true);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("never throws on arbitrary bytes either", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...names, "x.py"),
        fc.uint8Array({ maxLength: 300 }),
        async (name, bytes) => {
          const ctx = testScanContext(name);
          try {
            if (name.endsWith(".py")) await scanPythonView(ctx, bufferSource(bytes), "");
            else await scanConfigView(ctx, bufferSource(bytes), "", 0);
          } catch (err) {
            expect(acceptable(err)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("never throws out of the Python view", async () => {
    const pyish = fc
      .array(
        fc.oneof(
          fc.constantFrom(
            "os.system(",
            "exec(",
            "eval(",
            "'",
            '"',
            '"""',
            "'''",
            "f'{",
            "}",
            "#",
            "\\",
            "\n",
            "(",
            ")",
            "rb'",
            "torch.load(",
            "b64decode(",
          ),
          fc.string({ maxLength: 6 }),
        ),
        { maxLength: 120 },
      )
      .map((parts) => parts.join(""));
    await fc.assert(
      fc.asyncProperty(pyish, async (body) => {
        const ctx = testScanContext("x.py");
        expect(await scanPythonView(ctx, bufferSource(new TextEncoder().encode(body)), "")).toBe("python");
        expect(ctx.findings[0]!.ruleId).toBe("PYTHON_REMOTE_CODE");
      }),
      { numRuns: 400 },
    );
  });
});
