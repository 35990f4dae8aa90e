import { SeverityBadge } from "./Badge.tsx";
import { severityRank } from "./evidence.ts";
import type { RuleCatalogue, RuleInfo } from "./rule-catalogue.ts";
import type { Finding } from "./vet-types.ts";

/** Keys of a finding's evidence that are shown on their own, not in the generic list. */
const SHOWN_APART = new Set(["call", "help", "whatToDo"]);

/**
 * Findings grouped by file, the file with the worst finding first; each keeps its report index as anchor.
 * `rules` (the scanner's catalogue) gives each finding its rule's description and what to do.
 */
export function Findings({ findings, rules }: { findings: Finding[]; rules: RuleCatalogue }) {
  if (findings.length === 0) return <p className="state">The scan found nothing to report.</p>;
  const groups = new Map<string, { finding: Finding; index: number }[]>();
  findings.forEach((finding, index) => {
    const list = groups.get(finding.file) ?? [];
    list.push({ finding, index });
    groups.set(finding.file, list);
  });
  const ordered = [...groups.entries()].map(([file, list]) => {
    list.sort(
      (a, b) => severityRank(a.finding.severity) - severityRank(b.finding.severity) || a.index - b.index,
    );
    return { file, list, worst: severityRank(list[0]!.finding.severity) };
  });
  ordered.sort((a, b) => a.worst - b.worst || a.file.localeCompare(b.file));
  return (
    <div className="finding-groups">
      {ordered.map(({ file, list }) => (
        <section key={file} className="finding-group" aria-labelledby={`file-${slug(file)}`}>
          <h3 id={`file-${slug(file)}`}>
            <code>{file}</code>{" "}
            <span className="muted">
              ({list.length} finding{list.length === 1 ? "" : "s"})
            </span>
          </h3>
          <ol className="findings">
            {list.map(({ finding, index }) => (
              <FindingItem key={index} finding={finding} index={index} rule={rules.get(finding.ruleId)} />
            ))}
          </ol>
        </section>
      ))}
    </div>
  );
}

function FindingItem({ finding, index, rule }: { finding: Finding; index: number; rule?: RuleInfo }) {
  const call = typeof finding.evidence.call === "string" ? finding.evidence.call : null;
  // The finding's own advice is the more specific; the rule's applies to every finding of it.
  const help = [finding.evidence.help, finding.evidence.whatToDo, rule?.help].find(
    (v) => typeof v === "string",
  ) as string | undefined;
  const rest = Object.entries(finding.evidence).filter(([k]) => !SHOWN_APART.has(k));
  return (
    <li id={`finding-${index}`} className={`finding finding-${finding.severity}`} tabIndex={-1}>
      <div className="finding-head">
        <SeverityBadge severity={finding.severity} /> <code className="rule-id">{finding.ruleId}</code>{" "}
        <span className="muted">
          at <code>{finding.location || finding.file}</code>
        </span>
      </div>
      <p className="finding-message">{finding.message}</p>
      {rule && (
        <p className="rule-description muted">
          <strong>{rule.name}:</strong> {rule.shortDescription}
          {rule.source && <> (source: {rule.source})</>}
        </p>
      )}
      {call && (
        <figure className="call">
          <figcaption>Reconstructed call</figcaption>
          <pre>
            <code>{call}</code>
          </pre>
        </figure>
      )}
      {help && (
        <p className="what-to-do">
          <strong>What to do:</strong> {help}
        </p>
      )}
      {rest.length > 0 && (
        <details>
          <summary>Evidence</summary>
          <dl className="kv">
            {rest.map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>
                  <code>{typeof v === "string" ? v : JSON.stringify(v)}</code>
                </dd>
              </div>
            ))}
          </dl>
        </details>
      )}
    </li>
  );
}

function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]+/g, "-");
}
