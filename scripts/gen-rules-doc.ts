/** Writes docs/rules.md from src/scan/rules.ts, the one place rules are defined. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { rulesMarkdown } from "../src/scan/rules-doc.js";

const out = join(import.meta.dirname, "..", "docs", "rules.md");
writeFileSync(out, rulesMarkdown());
console.log(`wrote ${out}`);
