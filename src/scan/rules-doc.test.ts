import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RULES } from "./rules.js";
import { rulesMarkdown } from "./rules-doc.js";

describe("docs/rules.md", () => {
  it("is what scripts/gen-rules-doc.ts writes from src/scan/rules.ts (run it after changing a rule)", () => {
    const onDisk = readFileSync(join(import.meta.dirname, "..", "..", "docs", "rules.md"), "utf8");
    expect(onDisk).toBe(rulesMarkdown());
  });

  it("documents every rule with a severity, a meaning and what to do", () => {
    for (const rule of RULES.values()) {
      expect(rule.id).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(rule.shortDescription.length).toBeGreaterThan(20);
      expect(rule.help.length).toBeGreaterThan(20);
    }
  });
});
