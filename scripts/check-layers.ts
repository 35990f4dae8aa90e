/**
 * Module boundaries (DESIGN.md, "Layers"): data flows cli -> scan -> formats, never back. Fails with
 * the offending import so a change that crosses a boundary is caught in CI, not in review.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

// cli/server -> policy -> scan / license / card / bom / hub -> formats (DESIGN.md, "Layers").
const forbidden: Record<string, string[]> = {
  formats: ["scan", "cli", "config", "license", "card", "policy", "bom", "hub"],
  scan: ["cli", "policy", "license", "card", "bom", "hub"],
  config: ["cli", "formats", "policy"],
  card: ["cli", "policy", "scan", "license", "bom", "hub"],
  license: ["cli", "policy", "scan", "bom", "hub"],
  hub: ["cli", "policy", "scan", "license", "card", "bom"],
  bom: ["cli", "hub", "registry", "server"],
  policy: ["cli", "registry", "server"],
  registry: ["cli", "server"],
  server: ["cli"],
};

const root = join(import.meta.dirname, "..", "src");
const problems: string[] = [];
const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith(".ts") && !p.endsWith(".test.ts") ? [p] : [];
  });
for (const file of walk(root)) {
  const layer = relative(root, file).split("/")[0]!;
  const banned = forbidden[layer];
  if (!banned) continue;
  const text = readFileSync(file, "utf8");
  for (const m of text.matchAll(/from\s+"(\.[^"]+)"/g)) {
    const target = relative(root, join(file, "..", m[1]!)).split("/")[0]!;
    if (banned.includes(target))
      problems.push(`${relative(root, file)} imports ${m[1]} (${layer} -> ${target})`);
  }
}
if (problems.length > 0) {
  console.error(`layer boundaries crossed:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log("layers: ok");
