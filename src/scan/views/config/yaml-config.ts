/**
 * YAML configs (NeMo `model_config.yaml`, Hydra configs, Lightning `hparams.yaml`). Parsed with the
 * `yaml` package, which never constructs anything from tags; the tags themselves are what matter:
 * PyYAML's unsafe loaders (`yaml.load` with `Loader`/`UnsafeLoader`, `yaml.unsafe_load`, and `full_load`
 * before 5.4) import and call what `!!python/object/apply:`, `!!python/object/new:`, `!!python/object:`,
 * `!!python/name:` and `!!python/module:` name (CVE-2017-18342, CVE-2020-1747, CVE-2020-14343).
 */
import type { Document, Node as YamlNode } from "yaml";
import { BoundExceededError } from "../../../errors.js";
import { push, type ScanContext } from "../../context.js";
import { lookupDangerousModule } from "../../globals/index.js";
import { formatLocation } from "../../location.js";
import { judgeDottedCallable } from "./hydra.js";
import type { TextFile } from "./text.js";

/** Beyond these the `yaml` package exhausts the stack (and can then abort the process): refuse first. */
export const MAX_YAML_FLOW_DEPTH = 128;
export const MAX_YAML_INDENT = 256;
/** Alias expansions when converting to plain values (a "billion laughs" document is refused). */
const MAX_YAML_ALIASES = 100;

const PYTHON_TAG = "tag:yaml.org,2002:python/";
/** PyYAML's multi-constructors that import a name: what the tag suffix after `:` names. */
const CODE_TAG = /^(object\/apply|object\/new|object|name|module):(.*)$/s;
/** The same tags written in the text, for documents the `yaml` package cannot parse. */
const CODE_TAG_TEXT =
  /(?:!!|tag:yaml\.org,2002:)python\/(object\/apply|object\/new|object|name|module):([^\s[\]{},>]+)/g;

/**
 * Nesting the parser would meet, over-estimated cheaply: brackets anywhere (quotes ignored) and the
 * column where a line's content starts after its indentation and compact `- `/`? `/`: ` indicators.
 */
export function yamlNesting(text: string): { flow: number; indent: number } {
  let flow = 0;
  let maxFlow = 0;
  let maxIndent = 0;
  let lineStart = true;
  let column = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) {
      lineStart = true;
      column = 0;
      continue;
    }
    if (lineStart) {
      const indicator = (c === 0x2d || c === 0x3f || c === 0x3a) && /[ \t\r\n]/.test(text[i + 1] ?? "\n");
      if (c === 0x20 || c === 0x09 || indicator) {
        column++;
        if (column > maxIndent) maxIndent = column;
        continue;
      }
      lineStart = false;
    }
    if (c === 0x5b || c === 0x7b) {
      flow++;
      if (flow > maxFlow) maxFlow = flow;
    } else if ((c === 0x5d || c === 0x7d) && flow > 0) flow--;
  }
  return { flow: maxFlow, indent: maxIndent };
}

/**
 * The `yaml` package parses about 1 MB/s; configs are kilobytes. Larger files are searched as text for
 * the same tags and `_target_` values instead of parsed.
 */
export const MAX_YAML_PARSE_BYTES = 1024 * 1024;
/** `_target_: a.b.C` on one line, as Hydra/NeMo configs write it. */
const TARGET_LINE = /^[ \t]*(?:-[ \t]+)?_target_[ \t]*:[ \t]*['"]?([^\s'"#,}\]]+)/gm;

export interface ParsedYaml {
  /** Plain values of each document, for the generic checks (`_target_`, trust_remote_code). */
  values: unknown[];
  /** The first parse error, when a document is malformed. */
  error: string | null;
}

/** Text-level reading of a YAML file too large to parse: tags and `_target_` lines, as plain values. */
function searchYamlText(ctx: ScanContext, file: TextFile, member: string): ParsedYaml {
  const seen = new Set<string>();
  for (const m of file.text.matchAll(CODE_TAG_TEXT)) {
    reportTag(ctx, member, m[1]!, m[2]!, file.byteOffset(m.index ?? 0), seen);
  }
  const targets = [...file.text.matchAll(TARGET_LINE)].map((m) => ({ _target_: m[1] }));
  return { values: [targets], error: null };
}

export async function parseYamlConfig(ctx: ScanContext, file: TextFile, member: string): Promise<ParsedYaml> {
  if (file.bytes.length > MAX_YAML_PARSE_BYTES) return searchYamlText(ctx, file, member);
  const nesting = yamlNesting(file.text);
  if (nesting.flow > MAX_YAML_FLOW_DEPTH || nesting.indent > MAX_YAML_INDENT) {
    const [bound, limit] =
      nesting.flow > MAX_YAML_FLOW_DEPTH
        ? ["yamlFlowDepth", MAX_YAML_FLOW_DEPTH]
        : ["yamlIndent", MAX_YAML_INDENT];
    throw new BoundExceededError(bound as string, limit as number, `YAML nested deeper than ${limit} levels`);
  }
  const { parseAllDocuments, visit, isNode } = await import("yaml");
  const parsed = parseAllDocuments(file.text, {
    // PyYAML reads YAML 1.1 (`yes`/`on` are booleans there); duplicate keys: the last one wins.
    version: "1.1",
    uniqueKeys: false,
    strict: false,
    prettyErrors: false,
    logLevel: "silent",
  });
  const docs: Document[] = Array.isArray(parsed) ? parsed : [parsed as unknown as Document];
  const seen = new Set<string>();
  const errors = docs.flatMap((d) => d.errors);
  if (errors.length > 0) {
    // PyYAML and this parser may disagree on what is malformed: look for the tags in the text too.
    for (const m of file.text.matchAll(CODE_TAG_TEXT)) {
      reportTag(ctx, member, m[1]!, m[2]!, file.byteOffset(m.index ?? 0), seen);
    }
    return { values: [], error: errors[0]!.message.split("\n")[0] ?? "malformed YAML" };
  }
  for (const doc of docs) {
    visit(doc, {
      Node(_key, node) {
        if (!isNode(node)) return;
        const tag = (node as YamlNode).tag;
        if (typeof tag !== "string" || !tag.startsWith(PYTHON_TAG)) return;
        const m = CODE_TAG.exec(tag.slice(PYTHON_TAG.length));
        if (!m) return;
        const at = node.range?.[0] ?? 0;
        // Point at the tag itself, which the parser places just before the node's value.
        const tagAt = file.text.lastIndexOf(m[2]!, at);
        const index = tagAt >= 0 && at - tagAt < 4096 ? tagAt : at;
        reportTag(ctx, member, m[1]!, m[2]!, file.byteOffset(index), seen);
      },
    });
  }
  const values: unknown[] = [];
  for (const doc of docs) {
    try {
      values.push(doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }));
    } catch (err) {
      if (err instanceof ReferenceError && /alias/i.test(err.message)) {
        throw new BoundExceededError(
          "yamlAliases",
          MAX_YAML_ALIASES,
          "YAML aliases expand too far (a resource exhaustion document)",
        );
      }
      throw err;
    }
  }
  return { values, error: null };
}

function reportTag(
  ctx: ScanContext,
  member: string,
  kind: string,
  target: string,
  offset: number,
  seen: Set<string>,
): void {
  const key = `${kind}:${target}`;
  if (seen.has(key)) return;
  seen.add(key);
  const tag = `!!python/${kind}:${target}`;
  let verdict: "allowed" | "dangerous" | "unknown";
  let reason: string;
  let capability: string | undefined;
  if (kind === "module") {
    const hit = lookupDangerousModule(target);
    verdict = hit ? "dangerous" : "unknown";
    capability = hit?.capability;
    reason = hit ? `${target} is a dangerous module (${hit.capability})` : `imports module ${target}`;
  } else {
    // PyYAML's find_python_name: rsplit on the last dot; no dot means builtins. Framework classes
    // (OmegaConf containers that yaml.dump writes into Lightning hparams.yaml) pass like Hydra targets.
    const v = judgeDottedCallable(ctx, target.includes(".") ? target : `builtins.${target}`);
    verdict = v.verdict;
    reason = v.reason;
    capability = v.capability;
  }
  if (verdict === "allowed") return;
  const does =
    kind === "object/apply"
      ? `imports and calls ${target}`
      : kind === "module"
        ? `imports module ${target}`
        : kind === "name"
          ? `imports ${target}`
          : `imports ${target} and builds an instance of it`;
  const evidence = { tag, reason, ...(capability ? { capability } : {}) };
  if (verdict === "dangerous") {
    push(ctx, {
      ruleId: "YAML_PYTHON_TAG",
      severity: "critical",
      location: formatLocation(member, offset),
      message: `PyYAML's unsafe loader ${does} (${capability ?? "dangerous"}) for tag ${tag}; do not load this file with yaml.load/unsafe_load`,
      evidence,
    });
  } else {
    push(ctx, {
      ruleId: "YAML_PYTHON_OBJECT",
      severity: "high",
      location: formatLocation(member, offset),
      message: `PyYAML's unsafe loader ${does} for tag ${tag}, which is not on the allow-list; load with yaml.safe_load or review that code`,
      evidence,
    });
  }
}
