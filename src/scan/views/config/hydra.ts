import { push, type ScanContext } from "../../context.js";
import { classifyGlobal, lookupDangerousModule } from "../../globals/index.js";
import { formatLocation } from "../../location.js";
import type { TextFile } from "./text.js";
import type { Visited } from "./walk.js";

/**
 * Top-level packages whose classes Hydra/NeMo configs instantiate in real checkpoints (NeMo, Lightning,
 * Megatron, torch and its domain libraries, Hugging Face, audio front ends). A `_target_` inside them is
 * framework code the user installed, not code the model ships; the dangerous catalogue still applies
 * first, so `torch.load`, `torch.hub.load` or `numpy.load` stay critical.
 */
export const FRAMEWORK_ROOTS: ReadonlySet<string> = new Set([
  "nemo",
  "nemo_text_processing",
  "megatron",
  "apex",
  "torch",
  "torchaudio",
  "torchvision",
  "torchmetrics",
  "torchtext",
  "lightning",
  "lightning_fabric",
  "pytorch_lightning",
  "omegaconf",
  "hydra",
  "transformers",
  "tokenizers",
  "sentencepiece",
  "diffusers",
  "peft",
  "accelerate",
  "timm",
  "numpy",
  "scipy",
  "lhotse",
  "librosa",
  "einops",
  "math",
  // Type annotations only (`!!python/name:typing.Any` in OmegaConf metadata).
  "typing",
]);

/**
 * Framework callables that import or call whatever their arguments name: allowing them would let the
 * config call anything one level down (`_target_: hydra.utils.call` with `path: os.system`).
 */
const INDIRECT_CALLERS: readonly RegExp[] = [
  /^hydra\.utils\.(?:call|instantiate|get_method|get_class|get_object|get_static_method|_locate)$/,
  /^hydra\._internal\./,
  /^omegaconf\.OmegaConf\.register_(?:new_)?resolver$/,
  /^transformers\.dynamic_module_utils\./,
  /^nemo\.utils\.model_utils\.import_class_by_path$/,
];

/** `functools.partial` is what Hydra's `_partial_` builds anyway; what it wraps is judged on its own. */
const NEUTRAL_TARGETS: ReadonlySet<string> = new Set(["functools.partial"]);

export interface CallableJudgement {
  verdict: "allowed" | "dangerous" | "unknown";
  reason: string;
  capability?: string;
}

/**
 * A dotted name that a loader imports and calls (`a.b.C`), judged like a pickle global, then by the ML
 * framework list: dangerous (catalogue) > indirect caller > framework or allow-listed > unknown.
 */
export function judgeDottedCallable(ctx: ScanContext, target: string): CallableJudgement {
  const dot = target.lastIndexOf(".");
  if (dot <= 0 || dot === target.length - 1) {
    const mod = lookupDangerousModule(target);
    return mod
      ? { verdict: "dangerous", capability: mod.capability, reason: `${target} is a dangerous module` }
      : { verdict: "unknown", reason: `${target} is a bare module name; loading imports it` };
  }
  const v = classifyGlobal(target.slice(0, dot), target.slice(dot + 1), ctx.allow);
  if (v.verdict === "dangerous" && !NEUTRAL_TARGETS.has(`${v.module}.${v.name}`)) {
    return { verdict: "dangerous", reason: v.reason, ...(v.capability ? { capability: v.capability } : {}) };
  }
  if (INDIRECT_CALLERS.some((re) => re.test(target))) {
    return {
      verdict: "dangerous",
      capability: "import",
      reason: `${target} imports and calls whatever its arguments name`,
    };
  }
  const root = target.split(".")[0] ?? target;
  if (v.verdict === "allowed" || NEUTRAL_TARGETS.has(target)) return { verdict: "allowed", reason: v.reason };
  if (FRAMEWORK_ROOTS.has(root) && /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(target)) {
    return { verdict: "allowed", reason: `${target} belongs to the ${root} framework` };
  }
  return { verdict: "unknown", reason: v.reason };
}

/**
 * Hydra's `instantiate` (NeMo restores every `.nemo` this way) imports the dotted `_target_` of every
 * node and calls it with the node's other keys (`_args_` positionally; `_partial_` wraps it in
 * functools.partial, which is called later). The config chooses the callable and its arguments.
 * NeMo's `from_config_dict` also imports the model class named by the root's `target` key
 * (`import_class_by_path`) and calls it with the config: the caller passes `key: "target"` for it.
 */
export function checkHydraTarget(
  ctx: ScanContext,
  file: TextFile,
  member: string,
  node: Visited,
  seen: Set<string>,
  key: "_target_" | "target" = "_target_",
): void {
  const target = node.obj[key];
  if (typeof target !== "string" || seen.has(target)) return;
  seen.add(target);
  const judged = judgeDottedCallable(ctx, target.trim());
  if (judged.verdict === "allowed") return;
  const location = formatLocation(member, file.locate(key, target));
  const evidence: Record<string, unknown> = {
    target,
    key,
    path: node.path(),
    reason: judged.reason,
    ...(judged.capability ? { capability: judged.capability } : {}),
    ...(node.obj._partial_ === true ? { partial: true } : {}),
    ...(Array.isArray(node.obj._args_) ? { args: node.obj._args_.length } : {}),
  };
  if (judged.verdict === "dangerous") {
    push(ctx, {
      ruleId: "HYDRA_DANGEROUS_TARGET",
      severity: "critical",
      location,
      message: `Hydra instantiate imports and calls ${target} (${judged.capability ?? "dangerous"}) from ${key} at ${node.path() || "the root"}; do not load this config`,
      evidence,
    });
  } else {
    push(ctx, {
      ruleId: "HYDRA_UNLISTED_TARGET",
      severity: "high",
      location,
      message: `Hydra instantiate imports and calls ${target}, which is not in a known ML framework; review that code before loading`,
      evidence,
    });
  }
  ctx.facts.remoteCode.push({ kind: "hydra-target", detail: `Hydra imports and calls ${target}`, location });
}
