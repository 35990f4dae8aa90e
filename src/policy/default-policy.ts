import type { PolicyConfig, PolicyRuleId, PolicyRules, Waiver } from "../config/load-config.js";

/** A policy with every rule's options filled in: the default policy with the configuration merged over it. */
export interface ResolvedPolicy {
  rules: PolicyRules;
  waivers: Waiver[];
}

/**
 * The policy `modelgate vet` applies when modelgate.yaml has none (docs/policy.md, "The default policy").
 * It rejects only what is known to be dangerous (a high or critical scan finding) and sends to a person
 * whatever a lawyer or an engineer has to read before adoption; it never rejects on licensing by itself,
 * because what a company accepts there is its own decision.
 */
export const DEFAULT_RULES: PolicyRules = {
  "scan.max-severity": { reject: "high", review: "medium" },
  "formats.deny": { formats: ["pickle"], unlessNoSafeAlternative: true, action: "review" },
  "formats.allow": { formats: [], action: "reject" },
  "license.allowed": { licenses: [], action: "reject" },
  "license.denied": { licenses: [], action: "reject" },
  "license.unknown": { action: "review" },
  "license.commercial-use": { require: "conditional", action: "review" },
  "license.share-alike": { action: "allow" },
  "license.use-restrictions": { action: "review" },
  "license.threshold": { action: "review" },
  "license.conflicts": { action: "review" },
  "card.required-sections": { sections: [], action: "review" },
  "card.min-completeness": { min: 0.5, action: "review" },
  "hashes.required": { action: "allow" },
  "remote-code": { action: "review" },
  "openness.min-mof-class": { min: "none", action: "review" },
};

/** Rule ids in the order reasons are reported. */
export const POLICY_RULE_IDS = Object.keys(DEFAULT_RULES) as PolicyRuleId[];

/** The reason added when a waiver that would apply has expired (not configurable). */
export const WAIVER_EXPIRED_RULE = "waiver.expired";

/** What each rule checks (`summary`) and what to do when it is not met (`help`, printed by the text report). */
export const POLICY_RULE_DOCS: Record<
  PolicyRuleId | typeof WAIVER_EXPIRED_RULE,
  { summary: string; help: string }
> = {
  "scan.max-severity": {
    summary: "Scan findings at or above a severity reject or need review.",
    help: "Read each finding's evidence (modelgate scan explains them); use a safe-format copy of the weights, or allow-list your own classes in scan.allowGlobals once reviewed.",
  },
  "formats.deny": {
    summary: "Files in a denied format (pickle when a safe format is present, by default).",
    help: "Load the safe-format weights only and delete the denied files from your copy, or ask the publisher for a safetensors export.",
  },
  "formats.allow": {
    summary: "Every model file is in an allowed format.",
    help: "Convert the model to an allowed format, or extend policy.rules.formats.allow.formats.",
  },
  "license.allowed": {
    summary: "The license is on the organization's allow-list.",
    help: "Have legal review the license and add it to policy.rules.license.allowed.licenses, or choose another model.",
  },
  "license.denied": {
    summary: "Neither the license nor a base model's license is denied.",
    help: "Choose another model; this license is denied by your policy.",
  },
  "license.unknown": {
    summary: "The license could be identified.",
    help: "Find the license the publisher grants (model card metadata, a LICENSE file, the base model) and have it added to the repository, or record a waiver once legal has read it.",
  },
  "license.commercial-use": {
    summary: "The license allows commercial use as the policy requires.",
    help: "Have legal confirm the intended use is within the license's terms, or choose a model whose license allows commercial use.",
  },
  "license.share-alike": {
    summary: "The license requires derivatives to be shared alike.",
    help: "Derivatives must be released under the same license; confirm that is acceptable before fine-tuning or distributing.",
  },
  "license.use-restrictions": {
    summary: "The license restricts uses (acceptable-use policy, RAIL Attachment A).",
    help: "Read the license's use restrictions (acceptable-use policy, Attachment A); they bind your users and must be passed on to anyone you distribute to.",
  },
  "license.threshold": {
    summary: "The license sets a user or revenue threshold.",
    help: "Confirm your organization is below the user or revenue threshold, or obtain a separate license from the licensor.",
  },
  "license.conflicts": {
    summary: "License sources or base models disagree with the declared license.",
    help: "The declared license is not the one that governs the model: follow the evidence to the disagreeing sources or base models and apply the most restrictive terms.",
  },
  "card.required-sections": {
    summary: "The model card has the sections the policy requires.",
    help: "Ask the publisher for the missing model-card sections, or document them yourself before approval.",
  },
  "card.min-completeness": {
    summary: "The model card is complete enough.",
    help: "The model card leaves out what a reviewer needs (intended use, limitations, training data, evaluation); complete it or record the gaps.",
  },
  "hashes.required": {
    summary: "Every file has a SHA-256.",
    help: "Run vet without --no-hash so every file gets a SHA-256 for the record.",
  },
  "remote-code": {
    summary: "Loading the model runs code from its repository.",
    help: "Loading this model runs code from its repository (trust_remote_code): review that code, pin the revision, or use a model that needs none.",
  },
  "openness.min-mof-class": {
    summary: "The model meets the policy's minimum Model Openness Framework class.",
    help: "The repository does not show the openness your policy asks for; see openness.missingForNext for what is missing.",
  },
  [WAIVER_EXPIRED_RULE]: {
    summary: "A waiver that would apply has expired.",
    help: "Renew the waiver with a new expiry date after another review, or fix what it waived.",
  },
};

/** The default policy with the configuration's rules merged over it, option by option. */
export function resolvePolicy(config: PolicyConfig | undefined): ResolvedPolicy {
  const rules = { ...DEFAULT_RULES };
  for (const id of POLICY_RULE_IDS) {
    const override = config?.rules?.[id];
    // Each rule's options are merged on their own: the spread keeps the rule's option type.
    if (override) (rules as Record<string, object>)[id] = { ...DEFAULT_RULES[id], ...override };
  }
  return { rules, waivers: config?.waivers ?? [] };
}
