import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkChatTemplate } from "./check-template.js";

const FIXTURES = join(import.meta.dirname, "../../../test/fixtures/templates");
const read = (kind: string, name: string): string => readFileSync(join(FIXTURES, kind, name), "utf8");

describe("checkChatTemplate", () => {
  const benign = readdirSync(join(FIXTURES, "benign")).filter((f) => f.endsWith(".jinja"));
  it.each(benign)("passes the real %s template", async (name) => {
    expect(await checkChatTemplate(read("benign", name))).toEqual([]);
  });

  const malicious = readdirSync(join(FIXTURES, "malicious")).filter((f) => f.endsWith(".jinja"));
  it.each(malicious)("flags %s", async (name) => {
    const issues = await checkChatTemplate(read("malicious", name));
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.some((i) => i.severity === "critical" || i.severity === "high")).toBe(true);
  });

  it("rates a dunder chain critical and shows the expression", async () => {
    const issues = await checkChatTemplate("{{ cycler.__init__.__globals__.os.popen('id').read() }}");
    const critical = issues.filter((i) => i.severity === "critical");
    expect(critical[0]?.ruleId).toBe("TEMPLATE_INJECTION");
    expect(String(critical[0]?.evidence.expression)).toContain("cycler.__init__");
  });

  it("rates the CVE-2024-34359 payload critical although the parser cannot read `()`", async () => {
    const issues = await checkChatTemplate(read("malicious", "cve-2024-34359-llama-drama.jinja"));
    expect(issues.map((i) => i.ruleId)).toContain("TEMPLATE_UNPARSEABLE");
    expect(issues.some((i) => i.ruleId === "TEMPLATE_INJECTION" && i.severity === "critical")).toBe(true);
  });

  it("finds names built at run time", async () => {
    for (const t of [
      "{{ x|attr('__cla' ~ 'ss__') }}",
      "{{ x[['__cla','ss__']|join] }}",
      "{{ x['%s%s'|format('__cla','ss__')] }}",
      "{{ x|attr('_x_classx_x'|replace('x','_')) }}",
      "{{ x|map(attribute='__class__')|list }}",
      "{{ x['__getitem__'] }}",
    ]) {
      const issues = await checkChatTemplate(t);
      expect(
        issues.some((i) => i.severity === "critical"),
        t,
      ).toBe(true);
    }
  });

  it("rates dangerous globals high, gadgets on local names not at all", async () => {
    expect((await checkChatTemplate("{{ config.items() }}"))[0]?.severity).toBe("high");
    expect((await checkChatTemplate("{{ lipsum }}"))[0]?.ruleId).toBe("TEMPLATE_DANGEROUS_GLOBAL");
    expect((await checkChatTemplate("{{ namespace.x }}"))[0]?.severity).toBe("high");
    expect(await checkChatTemplate("{% set ns = namespace(a=1) %}{% set ns.a = 2 %}{{ ns.a }}")).toEqual([]);
    expect(await checkChatTemplate("{% for config in messages %}{{ config.content }}{% endfor %}")).toEqual(
      [],
    );
    expect(await checkChatTemplate("{{ message.config }}{{ tojson(indent=4) }}")).toEqual([]);
  });

  it("flags template loading tags and keeps checking the rest", async () => {
    const issues = await checkChatTemplate("{% import 'x.j2' as x %}{{ ''.__class__ }}");
    expect(issues.map((i) => i.ruleId)).toEqual(["TEMPLATE_DANGEROUS_GLOBAL", "TEMPLATE_INJECTION"]);
  });

  it("reports an unparseable template as medium", async () => {
    const issues = await checkChatTemplate("{% for %}");
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ ruleId: "TEMPLATE_UNPARSEABLE", severity: "medium" });
  });

  it("truncates evidence to 200 characters", async () => {
    const long = `{{ x.__class__(${"'a', ".repeat(100)}'b') }}`;
    const issues = await checkChatTemplate(long);
    expect(String(issues[0]?.evidence.expression).length).toBeLessThanOrEqual(200);
  });
});
