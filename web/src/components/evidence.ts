import type { VetReport } from "./vet-types.ts";

/** Where a vet reason's evidence pointer leads on the version page, and what to call it. */
export interface EvidenceTarget {
  /** In-page anchor (`#finding-3`). */
  href: string;
  label: string;
}

/** Resolves a JSON pointer into the vet report to the section of the page that shows what it points at. */
export function resolveEvidence(report: VetReport, pointer: string): EvidenceTarget {
  const parts = pointer.split("/").slice(1).map(unescapePointer);
  const [section, list, index] = parts;
  const n = Number(index);
  if (section === "scan" && list === "findings" && Number.isInteger(n)) {
    const f = report.scan.findings[n];
    if (f) return { href: `#finding-${n}`, label: `${f.severity} finding ${f.ruleId} in ${f.file}` };
  }
  if (section === "scan" && list === "files") return { href: "#files", label: "File inventory" };
  if (section === "scan" && list === "repository") return { href: "#files", label: "Repository inventory" };
  if (section === "license" && list === "conflicts" && Number.isInteger(n)) {
    const c = report.license.conflicts[n];
    if (c) return { href: `#conflict-${n}`, label: `License conflict (${c.kind}): ${c.message}` };
  }
  if (section === "license" && list === "obligations" && index === undefined && parts.length === 2)
    return { href: "#obligations", label: "License obligations" };
  if (section === "license" && list === "obligations" && parts[2])
    return { href: `#obligation-${parts[2]}`, label: `Obligation: ${obligationLabel(parts[2])}` };
  if (section === "license" && list === "lineage") return { href: "#lineage", label: "License lineage" };
  if (section === "license") return { href: "#license", label: `License ${report.license.key}` };
  if (section === "card") return { href: "#card", label: list ? `Model card: ${list}` : "Model card" };
  if (section === "openness") return { href: "#openness", label: "Openness" };
  if (section === "scan") return { href: "#findings", label: "Scan findings" };
  return { href: "#reasons", label: pointer };
}

function unescapePointer(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

const SEVERITY_ORDER = ["critical", "high", "medium", "low", "info"];

export function severityRank(severity: string): number {
  const i = SEVERITY_ORDER.indexOf(severity);
  return i === -1 ? SEVERITY_ORDER.length : i;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

export function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** The vet report's obligations in the contract's order, with the words the page uses for them. */
export const OBLIGATION_LABELS: [string, string][] = [
  ["commercialUse", "Commercial use"],
  ["attribution", "Attribution required"],
  ["shareAlike", "Share-alike"],
  ["useRestrictions", "Use restrictions"],
  ["restrictionsFlowDown", "Restrictions flow down to users"],
  ["threshold", "User or revenue threshold"],
  ["naming", "Naming or branding duty"],
  ["derivativesInherit", "Derivatives inherit the license"],
  ["outputsForTraining", "Outputs usable for training"],
];

function obligationLabel(key: string): string {
  return OBLIGATION_LABELS.find(([k]) => k === key)?.[1] ?? key;
}
