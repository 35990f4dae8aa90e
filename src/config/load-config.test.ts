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

describe("parseConfig: the vet policy", () => {
  it("reads a policy with rules and waivers beside the scan section", async () => {
    const config = await parseConfig(
      [
        "version: 1",
        "scan:",
        "  failOn: high",
        "policy:",
        "  rules:",
        "    scan.max-severity: { reject: critical, review: high }",
        "    formats.deny:",
        "      formats: [pickle, keras-h5]",
        "      unlessNoSafeAlternative: false",
        "      action: reject",
        "    license.commercial-use: { require: allowed, action: reject }",
        "    license.denied: { licenses: [AGPL-3.0, cc-by-nc-4.0] }",
        "    card.min-completeness: { min: 0.7 }",
        "    openness.min-mof-class: { min: III, action: review }",
        "  waivers:",
        "    - rule: remote-code",
        "      model: acme/*",
        "      reason: modeling code reviewed in SEC-12",
        "      approver: ana@example.com",
        "      expires: 2027-01-31 # unquoted: still the date as written",
      ].join("\n"),
    );
    expect(config.scan?.failOn).toBe("high");
    expect(config.policy?.rules?.["scan.max-severity"]).toEqual({ reject: "critical", review: "high" });
    expect(config.policy?.rules?.["formats.deny"]?.formats).toEqual(["pickle", "keras-h5"]);
    expect(config.policy?.rules?.["license.commercial-use"]).toEqual({
      require: "allowed",
      action: "reject",
    });
    expect(config.policy?.waivers).toEqual([
      {
        rule: "remote-code",
        model: "acme/*",
        reason: "modeling code reviewed in SEC-12",
        approver: "ana@example.com",
        expires: "2027-01-31",
      },
    ]);
  });

  it.each([
    ["policy:\n  rulez: {}\n", /modelgate.yaml:2: policy: unknown key 'rulez'/],
    [
      "policy:\n  rules:\n    license.comercial-use: {}\n",
      /modelgate.yaml:3: policy.rules: unknown key 'license.comercial-use'/,
    ],
    [
      "policy:\n  rules:\n    scan.max-severity:\n      reject: severe\n",
      /modelgate.yaml:4: policy.rules.scan.max-severity.reject: must be one of critical, high, medium, low, info, none/,
    ],
    [
      "policy:\n  rules:\n    remote-code:\n      action: deny\n",
      /modelgate.yaml:4: policy.rules.remote-code.action: must be one of reject, review, allow/,
    ],
    [
      "policy:\n  rules:\n    card.min-completeness: { min: 1.5 }\n",
      /modelgate.yaml:3: policy.rules.card.min-completeness.min/,
    ],
    [
      "policy:\n  rules:\n    license.denied: { licenses: mit }\n",
      /modelgate.yaml:3: policy.rules.license.denied.licenses: must be array/,
    ],
    [
      "policy:\n  waivers:\n    - rule: remote-code\n      model: x\n      reason: r\n      approver: a\n      expires: 2027-02-40\n",
      /modelgate.yaml:7: policy.waivers.0.expires/,
    ],
    [
      "policy:\n  waivers:\n    - rule: remote-code\n      model: x\n      reason: r\n      expires: 2027-02-01\n",
      /modelgate.yaml:3: policy.waivers.0: must have required property 'approver'/,
    ],
    [
      "policy:\n  waivers:\n    - rule: no-such-rule\n      model: x\n      reason: r\n      approver: a\n      expires: 2027-02-01\n",
      /modelgate.yaml:3: policy.waivers.0.rule: must be one of scan.max-severity/,
    ],
  ])("rejects %j naming the line", async (text, message) => {
    await expect(parseConfig(text)).rejects.toThrow(message);
    await expect(parseConfig(text)).rejects.toMatchObject({ code: "CONFIG_INVALID" });
  });
});
