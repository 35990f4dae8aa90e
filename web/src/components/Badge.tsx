/**
 * Verdict, severity and license commercial-class badges: the text always says the value, so colour is
 * never the only signal. Unknown values (a newer server) still render as text.
 */
const VERDICT_TEXT: Record<string, string> = {
  approved: "Approved",
  rejected: "Rejected",
  "needs-review": "Needs review",
};

const SEVERITY_TEXT: Record<string, string> = {
  critical: "Critical",
  high: "High",
  medium: "Medium",
  low: "Low",
  info: "Info",
};

const COMMERCIAL_TEXT: Record<string, string> = {
  allowed: "Commercial use allowed",
  conditional: "Commercial use conditional",
  prohibited: "Commercial use prohibited",
  unknown: "Commercial use unknown",
};

export function verdictLabel(verdict: string): string {
  return VERDICT_TEXT[verdict] ?? verdict;
}

export function severityLabel(severity: string): string {
  return SEVERITY_TEXT[severity] ?? severity;
}

export function commercialLabel(value: string): string {
  return COMMERCIAL_TEXT[value] ?? `Commercial use ${value}`;
}

export function VerdictBadge({ verdict }: { verdict: string | null | undefined }) {
  if (!verdict) return <span className="badge badge-none">Not vetted</span>;
  return <span className={`badge verdict-${verdict}`}>{verdictLabel(verdict)}</span>;
}

/** `null`: the version has no findings at all. */
export function SeverityBadge({ severity }: { severity: string | null | undefined }) {
  if (!severity) return <span className="badge badge-none">No findings</span>;
  return <span className={`badge sev-${severity}`}>{severityLabel(severity)}</span>;
}

export function CommercialBadge({ value }: { value: string | null | undefined }) {
  const v = value || "unknown";
  return <span className={`badge commercial-${v}`}>{commercialLabel(v)}</span>;
}
