import type { MofClass, PolicyAction, PolicyRuleId, Waiver } from "../config/load-config.js";
import type { LineageNode } from "../license/types.js";
import { type FormatName, type Severity, severityRank } from "../scan/types.js";
import { POLICY_RULE_IDS, type ResolvedPolicy, WAIVER_EXPIRED_RULE } from "./default-policy.js";
import type { Verdict, VetReason, VetReport } from "./types.js";

/** What the policy judges: the vet report without its verdict and reasons. */
export type VetFacts = Omit<VetReport, "verdict" | "reasons">;

export interface EvaluateOptions {
  /** Names the model goes by, for waivers (see `modelNames`); default: the target. */
  modelNames?: string[];
  /** Today, for waiver expiry; default now. */
  now?: Date;
}

/** Formats whose loaders unpickle; `pickle` in a format list means all of them. */
const PICKLE_FORMATS: readonly FormatName[] = [
  "pickle",
  "pytorch-zip",
  "pytorch-legacy",
  "torchscript",
  "joblib",
];
/** Files `formats.allow` does not judge: they are not a model format (remote code has its own rule). */
const NOT_MODEL_FORMATS: ReadonlySet<FormatName> = new Set(["config", "python", "unknown"]);
/** Evidence lists stop here; the message gives the full count. */
const MAX_POINTERS = 50;

const MOF_RANK: Record<MofClass, number> = { none: 0, III: 1, II: 2, I: 3 };
const COMMERCIAL_RANK = { prohibited: 0, conditional: 1, allowed: 2 } as const;

/**
 * Applies a policy to the facts of a vet: one reason per rule, in rule order, then the waivers. Any fail
 * rejects; otherwise any warn needs review; otherwise the model is approved.
 */
export function evaluatePolicy(
  policy: ResolvedPolicy,
  facts: VetFacts,
  options: EvaluateOptions = {},
): { verdict: Verdict; reasons: VetReason[] } {
  const reasons = POLICY_RULE_IDS.map((id) => judge(id, policy, facts));
  const names = options.modelNames ?? [facts.target];
  const today = (options.now ?? new Date()).toISOString().slice(0, 10);
  const expiredNotes: VetReason[] = [];
  reasons.forEach((reason, index) => {
    if (reason.outcome !== "fail" && reason.outcome !== "warn") return;
    const matching = policy.waivers.filter(
      (w) => w.rule === reason.rule && names.some((n) => globMatch(w.model, n)),
    );
    const valid = matching.find((w) => today <= w.expires);
    if (valid) {
      reason.outcome = "waived";
      reason.message += ` (waived until ${valid.expires} by ${valid.approver}: ${valid.reason})`;
      reason.waiver = { reason: valid.reason, approver: valid.approver, expires: valid.expires };
      return;
    }
    for (const w of matching) expiredNotes.push(expiredWaiver(w, index));
  });
  reasons.push(...expiredNotes);
  return { verdict: verdictOf(reasons), reasons };
}

export function verdictOf(reasons: readonly VetReason[]): Verdict {
  if (reasons.some((r) => r.outcome === "fail")) return "rejected";
  if (reasons.some((r) => r.outcome === "warn")) return "needs-review";
  return "approved";
}

/**
 * The names a waiver's `model` is matched against: the target as given, without `hf:` and a revision,
 * its last path segment, and the card's own model name.
 */
export function modelNames(target: string, cardMetadata: Record<string, unknown> | null): string[] {
  const names = new Set<string>([target]);
  const bare = target
    .replace(/^hf:/, "")
    .replace(/@[^/]*$/, "")
    .replace(/[\\/]+$/, "");
  names.add(bare);
  const last = bare.split(/[\\/]/).pop();
  if (last) names.add(last);
  const modelName = cardMetadata?.model_name ?? cardMetadata?.model_id;
  if (typeof modelName === "string" && modelName !== "") names.add(modelName);
  const index = cardMetadata?.["model-index"];
  const indexName = Array.isArray(index) ? (index[0] as { name?: unknown } | undefined)?.name : undefined;
  if (typeof indexName === "string" && indexName !== "") names.add(indexName);
  return [...names];
}

/** `*` matches any characters (slashes too), `?` one; case-insensitive, whole name. */
export function globMatch(glob: string, name: string): boolean {
  const pattern = glob
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${pattern}$`, "is").test(name);
}

function expiredWaiver(w: Waiver, reasonIndex: number): VetReason {
  return {
    rule: WAIVER_EXPIRED_RULE,
    outcome: "warn",
    message: `the waiver of ${w.rule} for '${w.model}' (${w.reason}; approved by ${w.approver}) expired on ${w.expires}`,
    evidence: [`/reasons/${reasonIndex}`],
  };
}

function outcomeOf(action: PolicyAction): VetReason["outcome"] {
  return action === "reject" ? "fail" : action === "review" ? "warn" : "pass";
}

function reason(
  rule: PolicyRuleId,
  outcome: VetReason["outcome"],
  message: string,
  evidence: string[] = [],
): VetReason {
  return { rule, outcome, message, evidence: evidence.slice(0, MAX_POINTERS) };
}

/** A rule whose condition holds: the configured action decides; `allow` says the policy accepts it. */
function found(rule: PolicyRuleId, action: PolicyAction, message: string, evidence: string[]): VetReason {
  return reason(
    rule,
    outcomeOf(action),
    action === "allow" ? `${message}; allowed by the policy` : message,
    evidence,
  );
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function expandFormats(formats: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const f of formats) {
    if (f === "pickle") for (const p of PICKLE_FORMATS) out.add(p);
    else out.add(f);
  }
  return out;
}

function licenseMatches(list: readonly string[], ids: (string | null)[]): boolean {
  const wanted = new Set(list.map((l) => l.toLowerCase()));
  return ids.some((id) => id !== null && id !== "unknown" && wanted.has(id.toLowerCase()));
}

/** The license text's section for an obligation (the citation names the license: `llama3.1 §2`). */
function cite(facts: VetFacts, key: keyof VetFacts["license"]["obligations"]): string {
  const c = facts.license.citations?.[key];
  return c ? ` (${c})` : "";
}

const LICENSE_UNKNOWN_NOTE = "not judged: the license is unknown (see license.unknown)";

function judge(id: PolicyRuleId, policy: ResolvedPolicy, facts: VetFacts): VetReason {
  const { scan, license, card, openness } = facts;
  const ob = license.obligations;
  const licenseKnown = license.key !== "unknown";
  switch (id) {
    case "scan.max-severity": {
      const { reject, review } = policy.rules[id];
      const atOrAbove = (t: Severity | "none") =>
        t === "none"
          ? []
          : scan.findings.flatMap((f, i) => (severityRank(f.severity) >= severityRank(t) ? [i] : []));
      // The findings at or above `t` as a reason with `outcome`; null when there are none.
      const over = (outcome: "fail" | "warn", t: Severity | "none"): VetReason | null => {
        const idx = atOrAbove(t);
        if (idx.length === 0) return null;
        const first = scan.findings[idx[0]!]!;
        return reason(
          id,
          outcome,
          `${plural(idx.length, "scan finding")} at or above ${t}, e.g. ${first.severity} ${first.ruleId} in ${first.file}: ${first.message}`,
          idx.map((i) => `/scan/findings/${i}`),
        );
      };
      const judged = over("fail", reject) ?? over("warn", review);
      if (judged) return judged;
      const lowest = review !== "none" ? review : reject;
      return reason(
        id,
        "pass",
        lowest === "none"
          ? `${plural(scan.findings.length, "scan finding")}; the policy judges none of them`
          : `no scan finding at or above ${lowest} (${plural(scan.findings.length, "finding")} below)`,
      );
    }
    case "formats.deny": {
      const rule = policy.rules[id];
      const denied = expandFormats(rule.formats);
      const safeAlternative = scan.repository?.weights.safeAlternative === true;
      const hits = scan.files.flatMap((f, i) => {
        if (!denied.has(f.format)) return [];
        if (rule.unlessNoSafeAlternative && PICKLE_FORMATS.includes(f.format) && !safeAlternative) return [];
        return [i];
      });
      if (hits.length === 0)
        return reason(id, "pass", denied.size === 0 ? "no format is denied" : "no file in a denied format");
      const names = hits.slice(0, 3).map((i) => `${scan.files[i]!.path} (${scan.files[i]!.format})`);
      const more = hits.length > 3 ? ` and ${hits.length - 3} more` : "";
      const why =
        safeAlternative && rule.unlessNoSafeAlternative
          ? " although a safe-format alternative is present"
          : "";
      return found(
        id,
        rule.action,
        `${plural(hits.length, "file")} in a denied format${why}: ${names.join(", ")}${more}`,
        hits.map((i) => `/scan/files/${i}`),
      );
    }
    case "formats.allow": {
      const rule = policy.rules[id];
      if (rule.formats.length === 0) return reason(id, "pass", "no format allow-list is set");
      const allowed = expandFormats(rule.formats);
      const hits = scan.files.flatMap((f, i) =>
        !NOT_MODEL_FORMATS.has(f.format) && !allowed.has(f.format) ? [i] : [],
      );
      if (hits.length === 0)
        return reason(id, "pass", `every model file is in an allowed format (${rule.formats.join(", ")})`);
      const names = hits.slice(0, 3).map((i) => `${scan.files[i]!.path} (${scan.files[i]!.format})`);
      return found(
        id,
        rule.action,
        `${plural(hits.length, "file")} not in an allowed format: ${names.join(", ")}${hits.length > 3 ? ` and ${hits.length - 3} more` : ""}`,
        hits.map((i) => `/scan/files/${i}`),
      );
    }
    case "license.allowed": {
      const rule = policy.rules[id];
      if (rule.licenses.length === 0) return reason(id, "pass", "no license allow-list is set");
      if (licenseMatches(rule.licenses, [license.key, license.spdx, license.hub]))
        return reason(id, "pass", `${license.name} is on the allow-list`);
      return found(id, rule.action, `the license ${license.name} (${license.key}) is not on the allow-list`, [
        "/license/key",
      ]);
    }
    case "license.denied": {
      const rule = policy.rules[id];
      if (rule.licenses.length === 0) return reason(id, "pass", "no license is denied");
      const hits: string[] = [];
      if (licenseMatches(rule.licenses, [license.key, license.spdx, license.hub])) hits.push("/license/key");
      const lineageHits = deniedInLineage(rule.licenses, license.lineage ?? [], "/license/lineage");
      hits.push(...lineageHits.map((h) => h.pointer));
      if (hits.length === 0)
        return reason(id, "pass", "neither the license nor any base model's license is denied");
      const what = [
        ...(hits[0] === "/license/key" ? [`the license ${license.key}`] : []),
        ...lineageHits.map((h) => `base model ${h.node.id} (${h.node.license})`),
      ];
      return found(id, rule.action, `denied license: ${what.join(", ")}`, hits);
    }
    case "license.unknown": {
      if (licenseKnown)
        return reason(id, "pass", `the license is identified: ${license.name}`, ["/license/key"]);
      const need =
        license.unresolved ?? "declare it in the card metadata and add the license text as LICENSE";
      return found(id, policy.rules[id].action, `the license could not be identified: ${need}`, [
        "/license/key",
        "/license/sources",
      ]);
    }
    case "license.commercial-use": {
      const rule = policy.rules[id];
      if (!licenseKnown) return reason(id, "pass", LICENSE_UNKNOWN_NOTE);
      const evidence = ["/license/obligations/commercialUse"];
      if (ob.commercialUse === "unknown")
        return found(id, rule.action, `whether ${license.name} allows commercial use is not known`, evidence);
      if (COMMERCIAL_RANK[ob.commercialUse] >= COMMERCIAL_RANK[rule.require])
        return reason(
          id,
          "pass",
          `commercial use is ${ob.commercialUse}${cite(facts, "commercialUse")}`,
          evidence,
        );
      const detail =
        ob.commercialUse === "conditional" && ob.threshold ? ` (threshold: ${ob.threshold})` : "";
      return found(
        id,
        rule.action,
        `commercial use is ${ob.commercialUse}${detail}${cite(facts, "commercialUse")}; the policy requires ${rule.require}`,
        evidence,
      );
    }
    case "license.share-alike":
      return obligationRule(
        id,
        policy.rules[id].action,
        facts,
        ob.shareAlike,
        "shareAlike",
        "derivatives must be shared under the same license",
        "derivatives need not be shared alike",
      );
    case "license.use-restrictions": {
      const flow = ob.restrictionsFlowDown ? " and must be passed on to downstream users" : "";
      return obligationRule(
        id,
        policy.rules[id].action,
        facts,
        ob.useRestrictions,
        "useRestrictions",
        `the license restricts how the model may be used${flow}`,
        "the license places no restrictions on use",
      );
    }
    case "license.threshold": {
      if (!licenseKnown) return reason(id, "pass", LICENSE_UNKNOWN_NOTE);
      if (ob.threshold === null) return reason(id, "pass", "no user or revenue threshold");
      return found(
        id,
        policy.rules[id].action,
        `the license sets a threshold: ${ob.threshold}${cite(facts, "threshold")}`,
        ["/license/obligations/threshold"],
      );
    }
    case "license.conflicts": {
      if (license.conflicts.length === 0)
        return reason(id, "pass", "the license sources and base models agree");
      const first = license.conflicts[0]!;
      const more = license.conflicts.length > 1 ? ` (and ${license.conflicts.length - 1} more)` : "";
      return found(
        id,
        policy.rules[id].action,
        `${first.kind} conflict: ${first.message}${more}`,
        license.conflicts.map((_, i) => `/license/conflicts/${i}`),
      );
    }
    case "card.required-sections": {
      const rule = policy.rules[id];
      if (rule.sections.length === 0) return reason(id, "pass", "no card section is required");
      const norm = (s: string) =>
        s
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, " ")
          .trim();
      const missing = card.missing.map(norm);
      const absent = rule.sections.filter((s) => !card.present || missing.includes(norm(s)));
      if (absent.length === 0)
        return reason(id, "pass", `the card has every required section (${rule.sections.join(", ")})`);
      const pointers = card.present
        ? absent.flatMap((s) => {
            const i = missing.indexOf(norm(s));
            return i >= 0 ? [`/card/missing/${i}`] : [];
          })
        : ["/card/present"];
      const what = card.present ? "the model card lacks" : "there is no model card (README.md), so it lacks";
      return found(id, rule.action, `${what} required sections: ${absent.join(", ")}`, pointers);
    }
    case "card.min-completeness": {
      const rule = policy.rules[id];
      const pct = (n: number) => `${Math.round(n * 100)}%`;
      if (card.present && card.completeness >= rule.min)
        return reason(
          id,
          "pass",
          `the model card is ${pct(card.completeness)} complete (minimum ${pct(rule.min)})`,
          ["/card/completeness"],
        );
      if (!card.present)
        return found(id, rule.action, "there is no model card (README.md)", [
          "/card/present",
          "/card/missing",
        ]);
      return found(
        id,
        rule.action,
        `the model card is ${pct(card.completeness)} complete, below the minimum ${pct(rule.min)}; missing: ${card.missing.join(", ")}`,
        ["/card/completeness", "/card/missing"],
      );
    }
    case "hashes.required": {
      const hits = scan.files.flatMap((f, i) => (f.sha256 === null ? [i] : []));
      if (hits.length === 0)
        return reason(id, "pass", `every file has a SHA-256 (${plural(scan.files.length, "file")})`);
      return found(
        id,
        policy.rules[id].action,
        `${plural(hits.length, "file")} without a SHA-256`,
        hits.map((i) => `/scan/files/${i}`),
      );
    }
    case "remote-code": {
      const code = scan.repository?.remoteCode ?? [];
      if (code.length === 0) return reason(id, "pass", "loading the model runs no code from the repository");
      const first = code[0]!;
      const more = code.length > 1 ? ` (and ${code.length - 1} more)` : "";
      return found(
        id,
        policy.rules[id].action,
        `loading the model runs repository code: ${first.detail} in ${first.file}${more}`,
        code.map((_, i) => `/scan/repository/remoteCode/${i}`),
      );
    }
    case "openness.min-mof-class": {
      const rule = policy.rules[id];
      if (rule.min === "none")
        return reason(id, "pass", `no minimum openness is set (MOF class: ${openness.mofClass})`, [
          "/openness/mofClass",
        ]);
      if (MOF_RANK[openness.mofClass] >= MOF_RANK[rule.min])
        return reason(id, "pass", `MOF class ${openness.mofClass} meets the minimum ${rule.min}`, [
          "/openness/mofClass",
        ]);
      const missing = openness.missingForNext?.length
        ? `; missing: ${openness.missingForNext.join(", ")}`
        : "";
      return found(
        id,
        rule.action,
        `MOF class ${openness.mofClass} is below the minimum ${rule.min}${missing}`,
        ["/openness/mofClass"],
      );
    }
  }
}

function obligationRule(
  id: PolicyRuleId,
  action: PolicyAction,
  facts: VetFacts,
  value: boolean | null,
  key: keyof VetFacts["license"]["obligations"],
  whenTrue: string,
  whenFalse: string,
): VetReason {
  if (facts.license.key === "unknown") return reason(id, "pass", LICENSE_UNKNOWN_NOTE);
  const evidence = [`/license/obligations/${key}`];
  if (value === null)
    return found(id, action, `${facts.license.name}: not known whether ${whenTrue}`, evidence);
  if (!value) return reason(id, "pass", `${whenFalse}${cite(facts, key)}`, evidence);
  return found(id, action, `${whenTrue}${cite(facts, key)}`, evidence);
}

function deniedInLineage(
  denied: readonly string[],
  nodes: readonly LineageNode[],
  at: string,
): { node: LineageNode; pointer: string }[] {
  return nodes.flatMap((node, i) => [
    ...(licenseMatches(denied, [node.license]) ? [{ node, pointer: `${at}/${i}` }] : []),
    ...deniedInLineage(denied, node.parents, `${at}/${i}/parents`),
  ]);
}
