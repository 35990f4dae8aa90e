/**
 * Hugging Face configs that make a loader import Python: transformers `auto_map` and `custom_pipelines`,
 * `trust_remote_code: true`, diffusers `model_index.json` components and sentence-transformers
 * `modules.json` module types.
 */
import { push, type ScanContext } from "../../context.js";
import type { RemoteCodeFact } from "../../facts.js";
import { formatLocation } from "../../location.js";
import { judgeDottedCallable } from "./hydra.js";
import { dirPrefix, type TextFile } from "./text.js";
import { isObject, type JsonObject } from "./walk.js";

/** At most this many class references are read from one `auto_map`/`custom_pipelines`. */
const MAX_REFERENCES = 1000;

const PY_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A transformers class reference: `module.Class` or `org/repo--module.Class` (code from another repo). */
interface ClassReference {
  raw: string;
  /** `org/repo` when the code lives in another repository. */
  repo: string | null;
  module: string;
  className: string;
}

function parseClassReference(raw: string): ClassReference | null {
  const sep = raw.indexOf("--");
  const repo = sep >= 0 ? raw.slice(0, sep) : null;
  const ref = sep >= 0 ? raw.slice(sep + 2) : raw;
  const dot = ref.lastIndexOf(".");
  if (dot <= 0 || dot === ref.length - 1) return null;
  return { raw, repo, module: ref.slice(0, dot), className: ref.slice(dot + 1) };
}

/** Where a module of this repository lives, relative to the repository root. */
function modulePath(ctx: ScanContext, module: string): string {
  return `${dirPrefix(ctx.file)}${module.split(".").join("/")}.py`;
}

interface Group {
  ref: ClassReference;
  keys: string[];
}

/**
 * One finding per module file (a config maps several Auto classes to one `modeling_x.py`); code from
 * another repository is high since none of it is in what was scanned.
 */
function reportReferences(
  ctx: ScanContext,
  file: TextFile,
  member: string,
  refs: { key: string; raw: string }[],
  what: string,
  kind: RemoteCodeFact["kind"],
): void {
  const groups = new Map<string, Group>();
  for (const { key, raw } of refs.slice(0, MAX_REFERENCES)) {
    const ref = parseClassReference(raw);
    if (ref === null) continue;
    const id = `${ref.repo ?? ""}--${ref.module}`;
    const g = groups.get(id);
    if (g) g.keys.push(key);
    else groups.set(id, { ref, keys: [key] });
  }
  for (const { ref, keys } of groups.values()) {
    const location = formatLocation(member, file.locate(keys[0]!, ref.raw));
    const evidence = { [what]: keys, reference: ref.raw, module: ref.module, className: ref.className };
    if (ref.repo !== null) {
      push(ctx, {
        ruleId: "CONFIG_REMOTE_CODE_EXTERNAL",
        severity: "high",
        location,
        message: `loading needs trust_remote_code=True and downloads and runs ${ref.module}.py from another repository, ${ref.repo} (${keys.join(", ")}); that code was not scanned`,
        evidence: { ...evidence, repository: ref.repo },
      });
      ctx.facts.remoteCode.push({
        kind,
        detail: `${keys.join(", ")} -> ${ref.module}.py from repository ${ref.repo}`,
        location,
      });
      continue;
    }
    const path = modulePath(ctx, ref.module);
    push(ctx, {
      ruleId: "CONFIG_REMOTE_CODE",
      severity: "medium",
      location,
      message: `loading needs trust_remote_code=True and runs ${ref.module.split(".").join("/")}.py from this repository (${keys.join(", ")}); review that code`,
      evidence: { ...evidence, path },
    });
    ctx.facts.remoteCode.push({ kind, detail: `${keys.join(", ")} -> ${path}`, location });
    if (member === "") ctx.facts.references.push({ path, kind: "remote-code", location });
  }
}

/** `auto_map`: Auto class -> "module.Class", or [slow, fast] for tokenizers (either may be null). */
function checkAutoMap(ctx: ScanContext, file: TextFile, member: string, autoMap: unknown): void {
  if (!isObject(autoMap)) return;
  const refs: { key: string; raw: string }[] = [];
  for (const [key, value] of Object.entries(autoMap)) {
    for (const raw of Array.isArray(value) ? value : [value]) {
      if (typeof raw === "string") refs.push({ key, raw });
    }
  }
  reportReferences(ctx, file, member, refs, "autoClasses", "auto_map");
}

/** `custom_pipelines`: task -> { impl: "module.Class", pt: [...], tf: [...] }. */
function checkCustomPipelines(ctx: ScanContext, file: TextFile, member: string, pipelines: unknown): void {
  if (!isObject(pipelines)) return;
  const refs: { key: string; raw: string }[] = [];
  for (const [task, spec] of Object.entries(pipelines)) {
    if (isObject(spec) && typeof spec.impl === "string") refs.push({ key: task, raw: spec.impl });
  }
  reportReferences(ctx, file, member, refs, "tasks", "custom-pipeline");
}

/** A transformers/processor config: `auto_map` and `custom_pipelines` at the top level. */
export function checkTransformersConfig(
  ctx: ScanContext,
  file: TextFile,
  member: string,
  json: JsonObject,
): void {
  if ("auto_map" in json) checkAutoMap(ctx, file, member, json.auto_map);
  if ("custom_pipelines" in json) checkCustomPipelines(ctx, file, member, json.custom_pipelines);
}

/** `trust_remote_code: true` set by the config itself (sentence-transformers/NeMo model kwargs). */
export function reportTrustRemoteCode(ctx: ScanContext, file: TextFile, member: string, path: string): void {
  const location = formatLocation(member, file.locate("trust_remote_code"));
  push(ctx, {
    ruleId: "CONFIG_TRUST_REMOTE_CODE",
    severity: "medium",
    location,
    message: `the config sets trust_remote_code: true (at ${path || "the root"}), so loading runs Python code from the model repository without asking; review that code`,
    evidence: { path },
  });
  ctx.facts.remoteCode.push({ kind: "other", detail: `trust_remote_code: true at ${path}`, location });
}

/**
 * Libraries a diffusers pipeline component may name without running model code: the Hub libraries and
 * diffusers' own pipeline modules that real `model_index.json` files reference (`stable_diffusion` for
 * the safety checker). Anything else is imported as an installed package, or with trust_remote_code
 * run from `<component>/<library>.py` in the repository.
 */
const DIFFUSERS_LIBRARIES: ReadonlySet<string> = new Set([
  "diffusers",
  "transformers",
  "onnxruntime",
  "peft",
  "stable_diffusion",
  "stable_diffusion_safe",
  "stable_diffusion_xl",
  "stable_diffusion_3",
  "paint_by_example",
  "alt_diffusion",
  "deepfloyd_if",
  "kandinsky",
  "kandinsky2_2",
  "latent_diffusion",
  "audioldm2",
  "wuerstchen",
  "stable_cascade",
  "blip_diffusion",
  "deprecated",
]);

/** diffusers `model_index.json`: `_class_name` and components `[library, Class]`. */
export function isDiffusersIndex(json: JsonObject): boolean {
  return "_class_name" in json && "_diffusers_version" in json;
}

export function checkDiffusersIndex(
  ctx: ScanContext,
  file: TextFile,
  member: string,
  json: JsonObject,
): void {
  const custom: { key: string; module: string; className: string; path: string }[] = [];
  const cls = json._class_name;
  // A custom pipeline names its own file: ["pipeline_module", "MyPipeline"].
  if (Array.isArray(cls) && typeof cls[0] === "string" && typeof cls[1] === "string") {
    custom.push({ key: "_class_name", module: cls[0], className: cls[1], path: modulePath(ctx, cls[0]) });
  }
  if (typeof json.custom_pipeline === "string") {
    // A community pipeline name or a Hub repository: its code is downloaded, not shipped here.
    const name = json.custom_pipeline;
    const location = formatLocation(member, file.locate("custom_pipeline", name));
    push(ctx, {
      ruleId: "CONFIG_REMOTE_CODE_EXTERNAL",
      severity: "high",
      location,
      message: `diffusers downloads and runs the custom pipeline ${name}, which is not in this repository; that code was not scanned`,
      evidence: { customPipeline: name },
    });
    ctx.facts.remoteCode.push({ kind: "custom-pipeline", detail: `custom_pipeline ${name}`, location });
  }
  for (const [key, value] of Object.entries(json)) {
    if (key.startsWith("_") || !Array.isArray(value) || value.length !== 2) continue;
    const [library, className] = value;
    if (typeof library !== "string" || typeof className !== "string") continue;
    if (DIFFUSERS_LIBRARIES.has(library)) continue;
    const judged = judgeDottedCallable(ctx, `${library}.${className}`);
    if (judged.verdict === "dangerous") {
      const location = formatLocation(member, file.locate(key, library));
      push(ctx, {
        ruleId: "CONFIG_DANGEROUS_CLASS",
        severity: "critical",
        location,
        message: `diffusers imports ${library}.${className} for component ${key} (${judged.capability ?? "dangerous"}); do not load this pipeline`,
        evidence: { component: key, library, className, reason: judged.reason },
      });
      ctx.facts.remoteCode.push({
        kind: "custom-module",
        detail: `${key}: ${library}.${className}`,
        location,
      });
      continue;
    }
    if (judged.verdict === "allowed") continue;
    const path = `${dirPrefix(ctx.file)}${key}/${library}.py`;
    custom.push({ key, module: library, className, path });
  }
  for (const c of custom) {
    const location = formatLocation(member, file.locate(c.key, c.module));
    push(ctx, {
      ruleId: "CONFIG_REMOTE_CODE",
      severity: "medium",
      location,
      message: `diffusers loads ${c.key} from module ${c.module}${c.className ? ` (class ${c.className})` : ""}, which is not part of diffusers or transformers: an installed package, or with trust_remote_code=True ${c.path} from this repository; review that code`,
      evidence: { component: c.key, library: c.module, className: c.className, path: c.path },
    });
    ctx.facts.remoteCode.push({
      kind: c.key === "_class_name" || c.key === "custom_pipeline" ? "custom-pipeline" : "custom-module",
      detail: `${c.key}: ${c.module}${c.className ? `.${c.className}` : ""} (${c.path})`,
      location,
    });
    if (member === "") ctx.facts.references.push({ path: c.path, kind: "remote-code", location });
  }
}

/** sentence-transformers `modules.json`: a list of {idx, name, path, type}. */
export function isSentenceTransformersModules(json: unknown): json is JsonObject[] {
  return (
    Array.isArray(json) &&
    json.length > 0 &&
    json.every((m) => isObject(m) && typeof m.type === "string" && ("path" in m || "idx" in m))
  );
}

export function checkSentenceTransformersModules(
  ctx: ScanContext,
  file: TextFile,
  member: string,
  modules: JsonObject[],
): void {
  for (const m of modules.slice(0, MAX_REFERENCES)) {
    const type = (m.type as string).trim();
    if (type.startsWith("sentence_transformers.")) continue;
    const judged = judgeDottedCallable(ctx, type);
    const location = formatLocation(member, file.locate("type", type));
    const evidence = { type, path: typeof m.path === "string" ? m.path : null, reason: judged.reason };
    if (judged.verdict === "allowed") continue;
    if (judged.verdict === "dangerous") {
      push(ctx, {
        ruleId: "CONFIG_DANGEROUS_CLASS",
        severity: "critical",
        location,
        message: `sentence-transformers imports and calls ${type} (${judged.capability ?? "dangerous"}); do not load this model`,
        evidence,
      });
      ctx.facts.remoteCode.push({ kind: "custom-module", detail: `modules.json type ${type}`, location });
      continue;
    }
    const dot = type.lastIndexOf(".");
    const module = dot > 0 ? type.slice(0, dot) : type;
    // A single module name is a file shipped beside modules.json (custom_st.py); a package is installed code.
    if (PY_NAME.test(module)) {
      const path = modulePath(ctx, module);
      push(ctx, {
        ruleId: "CONFIG_REMOTE_CODE",
        severity: "medium",
        location,
        message: `sentence-transformers loads module type ${type}: with trust_remote_code=True it runs ${path} from this repository; review that code`,
        evidence: { ...evidence, file: path },
      });
      ctx.facts.remoteCode.push({
        kind: "custom-module",
        detail: `modules.json type ${type} (${path})`,
        location,
      });
      if (member === "") ctx.facts.references.push({ path, kind: "remote-code", location });
    } else {
      push(ctx, {
        ruleId: "CONFIG_UNLISTED_CLASS",
        severity: "high",
        location,
        message: `sentence-transformers imports and instantiates ${type}, which is not part of sentence-transformers; review that package`,
        evidence,
      });
      ctx.facts.remoteCode.push({ kind: "custom-module", detail: `modules.json type ${type}`, location });
    }
  }
}
