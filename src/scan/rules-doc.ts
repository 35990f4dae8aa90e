import { RULES } from "./rules.js";

/** docs/rules.md, generated so the documentation and the SARIF rules cannot drift apart. */
export function rulesMarkdown(): string {
  const lines = [
    "# Scanner rules",
    "",
    "Every finding carries one of these rule ids. Ids are stable: they never change meaning or disappear.",
    "The same descriptions are published in SARIF output (`tool.driver.rules`). Generated from",
    "`src/scan/rules.ts` by `npx tsx scripts/gen-rules-doc.ts`; a test fails when this file is stale.",
    "",
    "| id | default severity | meaning |",
    "| --- | --- | --- |",
  ];
  for (const r of RULES.values())
    lines.push(`| [\`${r.id}\`](#${r.id.toLowerCase()}) | ${r.defaultSeverity} | ${r.shortDescription} |`);
  for (const r of RULES.values()) {
    lines.push(
      "",
      `## ${r.id}`,
      "",
      `Severity: **${r.defaultSeverity}**. ${r.shortDescription}`,
      "",
      `What to do: ${r.help}`,
    );
    if (r.source) lines.push("", `Source: ${r.source}.`);
  }
  lines.push(
    "",
    "## Severities and exit codes",
    "",
    "`critical` and `high` mean loading the file runs code that is not known to be safe; `medium` means the",
    "file could not be fully verified and is never reported as clean; `low` is worth knowing; `info` is",
    "content no reader recognizes. `modelgate scan` exits 1 when a finding is at or above `--fail-on`",
    "(default `medium`).",
    "",
  );
  return lines.join("\n");
}
