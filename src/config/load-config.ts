import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { ModelgateError } from "../errors.js";
import type { Severity } from "../scan/types.js";

/** A user allow-list entry of `scan.allowGlobals`. */
export interface AllowEntry {
  /**
   * Module as written in a pickle (aliases are normalized). `pkg.*` covers `pkg` and every
   * submodule; a plain name covers that module only.
   */
  module: string;
  /** Qualnames (dotted allowed), or "*" for every name in the module. */
  names: string[] | "*";
  reason?: string;
}

export interface ScanLimitsConfig {
  maxDepth?: number;
  maxMembers?: number;
  maxExpandedBytes?: number;
  maxOpcodes?: number;
  maxMemo?: number;
}

export interface ModelgateConfig {
  version?: 1;
  scan?: { failOn?: Severity; allowGlobals?: AllowEntry[]; limits?: ScanLimitsConfig };
  /** The policy of `modelgate vet` (docs/policy.md); merged rule by rule over the default policy. */
  policy?: PolicyConfig;
}

/** What a policy rule does when it is not met: `reject` fails, `review` warns, `allow` only reports. */
export type PolicyAction = "reject" | "review" | "allow";

/** Severity threshold of `scan.max-severity`; `none` turns that threshold off. */
export type SeverityThreshold = Severity | "none";

export type MofClass = "I" | "II" | "III" | "none";

/** Options of every policy rule, by rule id (docs/policy.md lists each with its default). */
export interface PolicyRules {
  "scan.max-severity": { reject: SeverityThreshold; review: SeverityThreshold };
  "formats.deny": { formats: string[]; unlessNoSafeAlternative: boolean; action: PolicyAction };
  "formats.allow": { formats: string[]; action: PolicyAction };
  "license.allowed": { licenses: string[]; action: PolicyAction };
  "license.denied": { licenses: string[]; action: PolicyAction };
  "license.unknown": { action: PolicyAction };
  "license.commercial-use": { require: "allowed" | "conditional"; action: PolicyAction };
  "license.share-alike": { action: PolicyAction };
  "license.use-restrictions": { action: PolicyAction };
  "license.threshold": { action: PolicyAction };
  "license.conflicts": { action: PolicyAction };
  "card.required-sections": { sections: string[]; action: PolicyAction };
  "card.min-completeness": { min: number; action: PolicyAction };
  "hashes.required": { action: PolicyAction };
  "remote-code": { action: PolicyAction };
  "openness.min-mof-class": { min: MofClass; action: PolicyAction };
}

export type PolicyRuleId = keyof PolicyRules;

export interface Waiver {
  rule: PolicyRuleId;
  /** Model name or glob (`*` any characters), matched against the target, its folder or repo name, the card's name. */
  model: string;
  reason: string;
  approver: string;
  /** Last day the waiver holds (`YYYY-MM-DD`, UTC). */
  expires: string;
}

export interface PolicyConfig {
  rules?: { [K in PolicyRuleId]?: Partial<PolicyRules[K]> };
  waivers?: Waiver[];
}

export const CONFIG_FILE_NAME = "modelgate.yaml";
const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Reads and validates modelgate.yaml. Errors name the file, the line and what to change, because the
 * person reading them is editing that file.
 */
export async function loadConfig(path: string): Promise<ModelgateConfig> {
  let text: string;
  try {
    if (statSync(path).size > MAX_CONFIG_BYTES) {
      throw new Error(`larger than ${MAX_CONFIG_BYTES} bytes; a configuration file is a few lines of YAML`);
    }
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new ModelgateError(
      "CONFIG_INVALID",
      `cannot read config file ${path}: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
  return parseConfig(text, path);
}

export async function parseConfig(text: string, path = CONFIG_FILE_NAME): Promise<ModelgateConfig> {
  const { parseDocument, LineCounter } = await import("yaml");
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const { line, col } = lineCounter.linePos(err.pos[0]);
    throw new ModelgateError(
      "CONFIG_INVALID",
      `${path}:${line}:${col}: invalid YAML: ${err.message.split("\n")[0]}`,
    );
  }
  let value: unknown;
  try {
    // Aliases resolve here: an alias to a missing anchor (or a merge that cannot apply) throws.
    value = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (cause) {
    throw new ModelgateError("CONFIG_INVALID", `${path}: invalid YAML: ${(cause as Error).message}`, {
      cause,
    });
  }
  const validate = await configValidator();
  if (!validate(value)) {
    // An unknown key explains the other errors it causes (a misspelt required key), so it goes first.
    const errors = validate.errors ?? [];
    const first = errors.find((e) => e.keyword === "additionalProperties") ?? errors[0];
    const pointer = first?.instancePath ?? "";
    const segments = pointer.split("/").slice(1).map(decodePointer);
    const node = segments.length > 0 ? doc.getIn(segments, true) : doc.contents;
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    const where = range ? `:${lineCounter.linePos(range[0]).line}` : "";
    const field = pointer === "" ? "the top level" : pointer.slice(1).replaceAll("/", ".");
    const detail =
      first?.keyword === "additionalProperties"
        ? `unknown key '${(first.params as { additionalProperty: string }).additionalProperty}'`
        : first?.keyword === "enum"
          ? `must be one of ${(first.params as { allowedValues: unknown[] }).allowedValues.join(", ")}`
          : (first?.message ?? "invalid");
    throw new ModelgateError(
      "CONFIG_INVALID",
      `${path}${where}: ${field}: ${detail} (see schemas/modelgate.schema.json, docs/configuration.md and docs/policy.md)`,
    );
  }
  return value as ModelgateConfig;
}

function decodePointer(segment: string): string | number {
  const s = segment.replaceAll("~1", "/").replaceAll("~0", "~");
  return /^\d+$/.test(s) ? Number(s) : s;
}

async function configValidator() {
  const { default: Ajv } = await import("ajv");
  const require = createRequire(import.meta.url);
  const schema = require("../../schemas/modelgate.schema.json") as object;
  const ajv = new Ajv.default({ allErrors: true, strict: true });
  return ajv.compile(schema);
}
