import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_RULES, POLICY_RULE_IDS } from "./default-policy.js";

const schema = JSON.parse(
  readFileSync(join(import.meta.dirname, "..", "..", "schemas", "modelgate.schema.json"), "utf8"),
);
const policy = schema.properties.policy.properties;
const docs = readFileSync(join(import.meta.dirname, "..", "..", "docs", "policy.md"), "utf8");

describe("the default policy, the schema and docs/policy.md agree", () => {
  it("the schema lists every rule, with the default policy's values as its defaults", () => {
    expect(Object.keys(policy.rules.properties)).toEqual(POLICY_RULE_IDS);
    expect(policy.waivers.items.properties.rule.enum).toEqual(POLICY_RULE_IDS);
    for (const id of POLICY_RULE_IDS) {
      const options = policy.rules.properties[id].properties as Record<string, { default: unknown }>;
      const defaults = Object.fromEntries(Object.entries(options).map(([k, v]) => [k, v.default]));
      expect(defaults, id).toEqual(DEFAULT_RULES[id]);
    }
  });

  it("docs/policy.md documents every rule and shows the default policy as it is", () => {
    for (const id of POLICY_RULE_IDS) expect(docs).toContain(`| \`${id}\` |`);
    for (const id of POLICY_RULE_IDS) {
      const line = docs.split("\n").find((l) => l.trimStart().startsWith(`${id}: {`));
      expect(line, `default policy block line for ${id}`).toBeDefined();
      for (const [k, v] of Object.entries(DEFAULT_RULES[id])) {
        const shown = Array.isArray(v) ? `[${v.join(", ")}]` : String(v);
        expect(line, `${id}.${k}`).toContain(`${k}: ${shown}`);
      }
    }
  });
});
