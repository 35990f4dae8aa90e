/**
 * Obligations with their citations, and how they combine: sources that disagree, bases passing their terms
 * to derivatives, merged parents. Combining always keeps the stricter value, field by field.
 */
import { type CommercialUse, type LicenseEntry, OBLIGATION_KEYS, type Obligations } from "./types.js";

export type CitedObligations = { [K in keyof Obligations]: { value: Obligations[K]; cite: string | null } };

/** Strictness of a use permission: not knowing is stricter than a condition, less than a prohibition. */
const USE_RANK: Record<CommercialUse, number> = { allowed: 0, conditional: 1, unknown: 2, prohibited: 3 };

export const UNKNOWN_CITED: CitedObligations = {
  commercialUse: { value: "unknown", cite: null },
  attribution: { value: null, cite: null },
  shareAlike: { value: null, cite: null },
  useRestrictions: { value: null, cite: null },
  restrictionsFlowDown: { value: null, cite: null },
  threshold: { value: null, cite: null },
  naming: { value: null, cite: null },
  derivativesInherit: { value: null, cite: null },
  outputsForTraining: { value: "unknown", cite: null },
};

/** A knowledge-base entry's obligations, each cited as `<key> <section>`; all unknown without an entry. */
export function citedObligationsOf(entry: LicenseEntry | null): CitedObligations {
  if (!entry) return UNKNOWN_CITED;
  const o = entry.obligations;
  const cite = (c: string) => `${entry.key} ${c}`;
  return {
    commercialUse: { value: o.commercialUse.value ?? "unknown", cite: cite(o.commercialUse.cite) },
    attribution: { value: o.attribution.value, cite: cite(o.attribution.cite) },
    shareAlike: { value: o.shareAlike.value, cite: cite(o.shareAlike.cite) },
    useRestrictions: { value: o.useRestrictions.value, cite: cite(o.useRestrictions.cite) },
    restrictionsFlowDown: { value: o.restrictionsFlowDown.value, cite: cite(o.restrictionsFlowDown.cite) },
    threshold: { value: o.threshold.value, cite: cite(o.threshold.cite) },
    naming: { value: o.naming.value, cite: cite(o.naming.cite) },
    derivativesInherit: { value: o.derivativesInherit.value, cite: cite(o.derivativesInherit.cite) },
    outputsForTraining: {
      value: o.outputsForTraining.value ?? "unknown",
      cite: cite(o.outputsForTraining.cite),
    },
  };
}

type Cited<T> = { value: T; cite: string | null };

function stricterUse(a: Cited<CommercialUse>, b: Cited<CommercialUse>): Cited<CommercialUse> {
  return USE_RANK[b.value] > USE_RANK[a.value] ? b : a;
}

/** A duty: true beats not knowing, which beats false. */
function stricterDuty(a: Cited<boolean | null>, b: Cited<boolean | null>): Cited<boolean | null> {
  const rank = (v: boolean | null) => (v === true ? 2 : v === null ? 1 : 0);
  return rank(b.value) > rank(a.value) ? b : a;
}

/** Thresholds and naming duties add up: both apply. */
function bothTexts(a: Cited<string | null>, b: Cited<string | null>): Cited<string | null> {
  if (b.value === null || a.value === b.value) return a;
  if (a.value === null) return b;
  return { value: `${a.value}; ${b.value}`, cite: [a.cite, b.cite].filter(Boolean).join("; ") };
}

export function stricter(a: CitedObligations, b: CitedObligations): CitedObligations {
  return {
    commercialUse: stricterUse(a.commercialUse, b.commercialUse),
    attribution: stricterDuty(a.attribution, b.attribution),
    shareAlike: stricterDuty(a.shareAlike, b.shareAlike),
    useRestrictions: stricterDuty(a.useRestrictions, b.useRestrictions),
    restrictionsFlowDown: stricterDuty(a.restrictionsFlowDown, b.restrictionsFlowDown),
    threshold: bothTexts(a.threshold, b.threshold),
    naming: bothTexts(a.naming, b.naming),
    derivativesInherit: stricterDuty(a.derivativesInherit, b.derivativesInherit),
    outputsForTraining: stricterUse(a.outputsForTraining, b.outputsForTraining),
  };
}

/** Whether `a` is stricter than `b` in some field. */
export function moreRestrictive(a: CitedObligations, b: CitedObligations): boolean {
  return OBLIGATION_KEYS.some((f) => a[f].value !== b[f].value);
}

/** One number to rank licenses by how much they restrict, for picking among disagreeing sources. */
export function restrictiveness(o: Obligations): number {
  const duty = (v: boolean | null, weight: number) => (v === true ? weight : v === null ? weight / 2 : 0);
  return (
    USE_RANK[o.commercialUse] * 3 +
    USE_RANK[o.outputsForTraining] +
    duty(o.useRestrictions, 2) +
    duty(o.shareAlike, 2) +
    duty(o.derivativesInherit, 1) +
    duty(o.restrictionsFlowDown, 1) +
    duty(o.attribution, 0.5) +
    (o.threshold ? 1 : 0) +
    (o.naming ? 0.5 : 0)
  );
}

export function splitCited(o: CitedObligations): {
  values: Obligations;
  citations: Partial<Record<keyof Obligations, string>>;
} {
  const values = {} as Record<keyof Obligations, unknown>;
  const citations: Partial<Record<keyof Obligations, string>> = {};
  for (const f of OBLIGATION_KEYS) {
    values[f] = o[f].value;
    const cite = o[f].cite;
    if (cite) citations[f] = cite;
  }
  return { values: values as unknown as Obligations, citations };
}

/**
 * What a derivative carries from a base (`effective`: the base's obligations with its own lineage's):
 * everything when its terms travel with derivatives; its use restrictions when they must flow down; a
 * prohibition of commercial use in any case (the base's weights are in the derivative); everything,
 * as unknown, when the base's license is not known.
 */
export function inheritedFrom(entry: LicenseEntry | null, effective: CitedObligations): CitedObligations {
  if (!entry) return UNKNOWN_CITED;
  const inherits = entry.obligations.derivativesInherit.value;
  if (inherits !== false) return effective;
  const carried: CitedObligations = {
    ...UNKNOWN_CITED,
    commercialUse: { value: "allowed", cite: null },
    outputsForTraining: { value: "allowed", cite: null },
    attribution: { value: false, cite: null },
    shareAlike: { value: false, cite: null },
    useRestrictions: { value: false, cite: null },
    restrictionsFlowDown: { value: false, cite: null },
    derivativesInherit: { value: false, cite: null },
  };
  if (effective.restrictionsFlowDown.value !== false) {
    carried.useRestrictions = effective.useRestrictions;
    carried.restrictionsFlowDown = effective.restrictionsFlowDown;
  }
  if (effective.commercialUse.value === "prohibited") carried.commercialUse = effective.commercialUse;
  return carried;
}

/** What a base requires of derivatives, cited, for a lineage conflict's message; null when nothing. */
export function describeDuty(entry: LicenseEntry, effective: CitedObligations): string | null {
  const o = entry.obligations;
  if (o.derivativesInherit.value === true)
    return `${o.derivativesInherit.cite} requires derivatives to carry its terms`;
  if (effective.restrictionsFlowDown.value === true && effective.useRestrictions.value === true)
    return `${o.restrictionsFlowDown.cite} requires its use restrictions to flow down to derivatives`;
  if (effective.commercialUse.value === "prohibited")
    return `${o.commercialUse.cite} prohibits commercial use`;
  return null;
}
