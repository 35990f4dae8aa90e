import { push, type ScanContext } from "./context.js";
import { formatLocation } from "./location.js";
import { type Finding, type Severity, severityRank } from "./types.js";

/** Past this many findings of one rule in one view the rest are summarized, so a flood stays readable. */
export const MAX_FINDINGS_PER_RULE = 20;

/**
 * Pushes a view's findings, listing at most MAX_FINDINGS_PER_RULE per rule. `flush` then adds one
 * finding per capped rule that counts the rest, at the worst severity among them so none is understated.
 */
export class CappedReporter {
  /** Per rule: findings seen, and the worst severity among those not listed. */
  private readonly perRule = new Map<string, { seen: number; omittedWorst: Severity | null }>();

  /** `prefix` starts every message (the format's name, e.g. "ONNX: "). */
  constructor(
    private readonly ctx: ScanContext,
    private readonly member: string,
    private readonly prefix = "",
  ) {}

  add(
    ruleId: string,
    severity: Severity,
    offset: number,
    message: string,
    evidence: Finding["evidence"],
  ): void {
    const rule = this.perRule.get(ruleId) ?? { seen: 0, omittedWorst: null };
    this.perRule.set(ruleId, rule);
    if (++rule.seen > MAX_FINDINGS_PER_RULE) {
      if (rule.omittedWorst === null || severityRank(severity) > severityRank(rule.omittedWorst))
        rule.omittedWorst = severity;
      return;
    }
    push(this.ctx, {
      ruleId,
      severity,
      location: formatLocation(this.member, offset),
      message: `${this.prefix}${message}`,
      evidence,
    });
  }

  flush(): void {
    for (const [ruleId, { seen, omittedWorst }] of this.perRule) {
      if (omittedWorst === null) continue;
      const omitted = seen - MAX_FINDINGS_PER_RULE;
      push(this.ctx, {
        ruleId,
        severity: omittedWorst,
        location: formatLocation(this.member, 0),
        message: `${this.prefix}${omitted} more ${ruleId} finding${omitted === 1 ? "" : "s"} like the ones above ${omitted === 1 ? "was" : "were"} not listed`,
        evidence: { omitted },
      });
    }
  }
}
