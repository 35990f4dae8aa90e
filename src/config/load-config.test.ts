import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ModelgateError } from "../errors.js";
import { parseConfig } from "./load-config.js";

describe("parseConfig", () => {
  it("reads a full configuration", async () => {
    const config = await parseConfig(
      [
        "version: 1",
        "scan:",
        "  failOn: high   # trailing comment",
        "  allowGlobals:",
        "    - module: myproject.models",
        "      names: [Net, 'Encoder.Block']",
        "      reason: reviewed",
        "    - module: myproject.layers",
        '      names: "*"',
        "  limits: { maxDepth: 4, maxOpcodes: 1000 }",
      ].join("\n"),
    );
    expect(config.scan?.failOn).toBe("high");
    expect(config.scan?.allowGlobals).toEqual([
      { module: "myproject.models", names: ["Net", "Encoder.Block"], reason: "reviewed" },
      { module: "myproject.layers", names: "*" },
    ]);
    expect(config.scan?.limits).toEqual({ maxDepth: 4, maxOpcodes: 1000 });
    expect(await parseConfig("")).toEqual({});
  });

  it.each([
    ["scan:\n  failOn: severe\n", /modelgate.yaml:2: scan.failOn/],
    ["scan:\n  limts: {}\n", /unknown key 'limts'/],
    [
      "scan:\n  allowGlobals:\n    - module: 'os; rm'\n      names: [x]\n",
      /modelgate.yaml:3: scan.allowGlobals.0.module/,
    ],
    ["scan:\n  limits:\n    maxDepth: 0\n", /modelgate.yaml:3: scan.limits.maxDepth/],
    ["scan: [1, 2\n", /modelgate.yaml:\d+:\d+: invalid YAML/],
    ["a: *missing\n", /invalid YAML: .*alias/i],
    ["a: 1\na: 2\n", /invalid YAML/],
    ["- just\n- a list\n", /the top level/],
  ])("rejects %j naming where and what", async (text, message) => {
    await expect(parseConfig(text)).rejects.toThrow(message);
    await expect(parseConfig(text)).rejects.toMatchObject({ code: "CONFIG_INVALID" });
  });

  it("answers any text with a configuration or a CONFIG_INVALID error, nothing else", async () => {
    const yamlish = fc.stringMatching(/^[a-zA-Z0-9 :\-\n[\]{}'"*#,.|>&!%@`]{0,120}$/);
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), yamlish), async (text) => {
        try {
          const config = await parseConfig(text);
          expect(typeof config).toBe("object");
        } catch (err) {
          expect(err).toBeInstanceOf(ModelgateError);
          expect((err as ModelgateError).code).toBe("CONFIG_INVALID");
        }
      }),
      { numRuns: 1500 },
    );
  });
});
