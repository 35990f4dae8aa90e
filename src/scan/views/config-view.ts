import type { ByteSource } from "../../formats/source.js";
import { push, type ScanContext } from "../context.js";
import { formatLocation } from "../location.js";
import { checkChatTemplate } from "../template/check-template.js";
import type { FormatName } from "../types.js";
import {
  checkDiffusersIndex,
  checkSentenceTransformersModules,
  checkTransformersConfig,
  isDiffusersIndex,
  isSentenceTransformersModules,
  reportTrustRemoteCode,
} from "./config/hub-code.js";
import { checkHydraTarget } from "./config/hydra.js";
import { parsePythonJson } from "./config/json-lenient.js";
import { checkSkopsSchema, isSkopsSchema } from "./config/skops.js";
import { MAX_TEXT_BYTES, TextFile } from "./config/text.js";
import { isObject, type JsonObject, objectsIn } from "./config/walk.js";
import { parseYamlConfig } from "./config/yaml-config.js";
import { isKerasConfig, scanKerasConfig } from "./keras-view.js";
import { recordShardIndex } from "./safetensors-index.js";

/** A dotted Python name with at least one dot (`a.b.C`). */
const DOTTED_NAME = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$/;

/**
 * Text that is not Python: JSON and YAML configs that make a loader run code (`auto_map`, Hydra
 * `_target_`, chat templates, Keras configs, shard indexes), routed by what they contain.
 */
export async function scanConfigView(
  ctx: ScanContext,
  src: ByteSource,
  member: string,
  depth: number,
): Promise<FormatName> {
  // Nothing that large is a config a loader turns into code (a huge tokenizer.json loads none).
  if (src.size > MAX_TEXT_BYTES) return "unknown";
  const file = TextFile.read(src);
  const name = member || ctx.file;
  const lower = name.toLowerCase();
  if (lower.endsWith(".jinja")) {
    // transformers saves `chat_template.jinja` (and `additional_chat_templates/*.jinja`) beside the tokenizer.
    await reportTemplateIssues(ctx, member, file.text, 0, "template");
    return "config";
  }
  const isYamlName = /\.ya?ml$/.test(lower);
  const first = /[^\s\uFEFF]/.exec(file.text)?.[0];
  if (first === "{" || first === "[" || lower.endsWith(".json")) {
    const parsed = parsePythonJson(file.text);
    if (parsed.ok) {
      await checkJsonConfig(ctx, file, member, depth, parsed.value);
      return "config";
    }
    if (lower.endsWith(".json")) {
      reportMalformed(ctx, member, "JSON", parsed.error);
      return "config";
    }
  }
  // Anything else that is not YAML by name is text no loader reads as a config (README.md, merges.txt).
  if (!isYamlName) return "unknown";
  const yaml = await parseYamlConfig(ctx, file, member);
  if (yaml.error !== null) {
    reportMalformed(ctx, member, "YAML", yaml.error);
    return "config";
  }
  for (const value of yaml.values) {
    // NeMo's model_config.yaml names the model class at the root: `target: nemo.collections...Model`.
    if (isObject(value) && typeof value.target === "string" && DOTTED_NAME.test(value.target)) {
      checkHydraTarget(ctx, file, member, { obj: value, path: () => "" }, new Set(), "target");
    }
    checkTree(ctx, file, member, value);
  }
  return "config";
}

function reportMalformed(ctx: ScanContext, member: string, syntax: "JSON" | "YAML", error: string): void {
  push(ctx, {
    ruleId: "CONFIG_MALFORMED",
    severity: "low",
    location: formatLocation(member, 0),
    message: `not valid ${syntax} (${error}); a loader rejects this config, so nothing in it runs`,
    evidence: { error },
  });
}

async function checkJsonConfig(
  ctx: ScanContext,
  file: TextFile,
  member: string,
  depth: number,
  json: unknown,
): Promise<void> {
  // A Keras config may hold a pickled torch module (TorchModuleWrapper): scanned as a nested view.
  if (isKerasConfig(json)) await scanKerasConfig(ctx, json, member, depth);
  if (isSentenceTransformersModules(json)) checkSentenceTransformersModules(ctx, file, member, json);
  if (isObject(json)) {
    if (isObject(json.weight_map)) recordShardIndex(ctx, json, member);
    checkTransformersConfig(ctx, file, member, json);
    if (isDiffusersIndex(json)) checkDiffusersIndex(ctx, file, member, json);
    if (isSkopsSchema(json)) checkSkopsSchema(ctx, file, member, json);
    await checkChatTemplates(ctx, file, member, json);
  }
  checkTree(ctx, file, member, json);
}

/**
 * Keys that matter at any depth: Hydra `_target_` and `trust_remote_code: true`. The raw text is
 * searched first, so a large tokenizer.json without them is never walked.
 */
function checkTree(ctx: ScanContext, file: TextFile, member: string, root: unknown): void {
  const hasTarget = file.find("_target_") >= 0;
  const hasTrust = file.find("trust_remote_code") >= 0;
  if (!hasTarget && !hasTrust) return;
  const targets = new Set<string>();
  let trustReported = false;
  for (const node of objectsIn(root)) {
    if (hasTarget && "_target_" in node.obj) checkHydraTarget(ctx, file, member, node, targets);
    if (hasTrust && !trustReported && node.obj.trust_remote_code === true) {
      const at = node.path();
      reportTrustRemoteCode(ctx, file, member, at ? `${at}.trust_remote_code` : "trust_remote_code");
      trustReported = true;
    }
  }
}

/**
 * `chat_template` as one string or a list of {name, template} (tokenizer_config.json,
 * chat_template.json, processor_config.json): transformers renders it with Jinja on every chat.
 */
async function checkChatTemplates(ctx: ScanContext, file: TextFile, member: string, json: JsonObject) {
  const value = json.chat_template;
  if (value === undefined) return;
  const offset = file.locate("chat_template");
  if (typeof value === "string") {
    await reportTemplateIssues(ctx, member, value, offset, "chat_template");
  } else if (Array.isArray(value)) {
    for (const entry of value) {
      if (isObject(entry) && typeof entry.template === "string") {
        const label = typeof entry.name === "string" ? entry.name : "chat_template";
        await reportTemplateIssues(ctx, member, entry.template, offset, label);
      }
    }
  }
}

async function reportTemplateIssues(
  ctx: ScanContext,
  member: string,
  template: string,
  offset: number,
  label: string,
): Promise<void> {
  for (const issue of await checkChatTemplate(template)) {
    push(ctx, {
      ruleId: issue.ruleId,
      severity: issue.severity,
      location: formatLocation(member, offset),
      message: issue.message,
      evidence: { template: label, ...issue.evidence },
    });
  }
}
