import type { MouseEvent } from "react";
import type { Me } from "../App.tsx";
import { ApiError } from "../api.ts";
import { VerdictBadge } from "../components/Badge.tsx";
import { CardPanel, OpennessPanel } from "../components/CardPanel.tsx";
import { DownloadLink } from "../components/DownloadLink.tsx";
import { formatBytes, formatDate, resolveEvidence } from "../components/evidence.ts";
import { FileInventory } from "../components/FileInventory.tsx";
import { Findings } from "../components/Findings.tsx";
import { LicensePanel } from "../components/LicensePanel.tsx";
import { LineageGraph } from "../components/LineageGraph.tsx";
import { Link } from "../components/Link.tsx";
import { useRuleCatalogue } from "../components/rule-catalogue.ts";
import { ErrorView, Loading } from "../components/states.tsx";
import { useApi } from "../components/use-api.ts";
import type { ModelVersion, VetReport } from "../components/vet-types.ts";

/** One version's evidence: verdict and reasons first, then what each reason points at. */
export function VersionPage({ model, number }: { model: string; number: number; me: Me }) {
  const modelPath = `/models/${encodeURIComponent(model)}`;
  const base = `${modelPath}/versions/${number}`;
  const version = useApi<ModelVersion>(base);
  const catalogue = useRuleCatalogue();
  if (version.state === "loading") return <Loading what={`${model} version ${number}`} />;
  if (version.state === "error") {
    if (version.error instanceof ApiError && version.error.status === 404)
      return (
        <div className="state" role="alert">
          <h1>
            {model} has no version {number}
          </h1>
          <p>
            The model or the version does not exist in the registry.{" "}
            <Link href={modelPath}>Back to {model}</Link> or <Link href="/models">to the inventory</Link>.
          </p>
        </div>
      );
    return <ErrorView error={version.error} retry={version.reload} />;
  }
  const v = version.data;
  const report = v.vetReport;
  const slug = `${model.replace(/[^A-Za-z0-9_.-]+/g, "_")}-v${number}`;
  return (
    <article className="version-page">
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link href="/models">Inventory</Link> / <Link href={modelPath}>{model}</Link> /{" "}
        <span aria-current="page">version {number}</span>
      </nav>
      <header className="page-head">
        <h1>
          {model} <span className="muted">version {number}</span>
        </h1>
        <VerdictBadge verdict={v.verdict} />
      </header>
      <dl className="kv kv-row">
        <div>
          <dt>Created</dt>
          <dd>
            <time dateTime={v.createdAt}>{formatDate(v.createdAt)}</time> by {v.createdBy}
          </dd>
        </div>
        <div>
          <dt>Size</dt>
          <dd>{formatBytes(v.size)}</dd>
        </div>
        <div>
          <dt>Formats</dt>
          <dd>{v.formats.join(", ") || "—"}</dd>
        </div>
        <div>
          <dt>Source revision</dt>
          <dd>{v.sourceRevision ? <code>{v.sourceRevision}</code> : "none recorded"}</dd>
        </div>
        <div className="wide">
          <dt>Digest</dt>
          <dd>
            <code className="hash">{v.digest}</code>
          </dd>
        </div>
      </dl>
      <ul className="downloads" aria-label="Downloads">
        <li>
          <DownloadLink path={`${base}/bom`} filename={`${slug}.cdx.json`}>
            Download ML-BOM (CycloneDX JSON)
          </DownloadLink>
        </li>
        <li>
          <DownloadLink path={`${base}/vet-report`} filename={`${slug}.vet.json`}>
            Download vet report (JSON)
          </DownloadLink>
        </li>
      </ul>

      <nav aria-label="On this page" className="toc">
        <a href="#reasons">Reasons</a> <a href="#findings">Findings</a> <a href="#license">License</a>{" "}
        <a href="#lineage">Lineage</a> <a href="#card">Model card</a> <a href="#openness">Openness</a>{" "}
        <a href="#files">Files</a>
      </nav>

      <section aria-labelledby="reasons">
        <h2 id="reasons">Why {verdictWord(v.verdict)}</h2>
        <Reasons report={report} />
      </section>
      <section aria-labelledby="findings">
        <h2 id="findings">Findings ({report.scan.findings.length})</h2>
        {catalogue.failed && report.scan.findings.length > 0 && (
          <p className="muted">
            The rule descriptions could not be loaded; each finding's rule id is listed in docs/rules.md.
          </p>
        )}
        <Findings findings={report.scan.findings} rules={catalogue.rules} />
      </section>
      <section aria-labelledby="license">
        <h2 id="license">License</h2>
        <LicensePanel license={report.license} />
      </section>
      <section aria-labelledby="lineage">
        <h2 id="lineage">Lineage</h2>
        <LineageGraph model={model} license={report.license.key} lineage={report.license.lineage ?? []} />
      </section>
      <section aria-labelledby="card">
        <h2 id="card">Model card</h2>
        <CardPanel card={report.card} />
      </section>
      <section aria-labelledby="openness">
        <h2 id="openness">Openness</h2>
        <OpennessPanel openness={report.openness} />
      </section>
      <section aria-labelledby="files">
        <h2 id="files">Files</h2>
        <FileInventory scan={report.scan} />
      </section>
    </article>
  );
}

function verdictWord(verdict: string): string {
  if (verdict === "approved") return "approved";
  if (verdict === "rejected") return "rejected";
  return "it needs review";
}

const OUTCOME_ORDER = ["fail", "warn", "waived", "pass"];

function Reasons({ report }: { report: VetReport }) {
  if (report.reasons.length === 0) return <p className="muted">The policy recorded no reasons.</p>;
  // What decided the verdict first; the passes after, in the report's order.
  const ordered = [...report.reasons].sort(
    (a, b) => OUTCOME_ORDER.indexOf(a.outcome) - OUTCOME_ORDER.indexOf(b.outcome),
  );
  return (
    <ol className="reasons">
      {ordered.map((r) => (
        <li key={`${r.rule}:${r.message}`} className={`reason outcome-${r.outcome}`}>
          <span className={`badge outcome outcome-${r.outcome}`}>{r.outcome}</span> <code>{r.rule}</code>{" "}
          <span>{r.message}</span>
          {r.waiver && (
            <div className="muted">
              Waived by {r.waiver.approver} until {formatDate(r.waiver.expires)}: {r.waiver.reason}
            </div>
          )}
          {r.evidence.length > 0 && (
            <ul className="evidence" aria-label={`Evidence for ${r.rule}`}>
              {r.evidence.map((pointer) => {
                const target = resolveEvidence(report, pointer);
                return (
                  <li key={pointer}>
                    <a href={target.href} onClick={(e) => focusTarget(e, target.href)}>
                      {target.label}
                    </a>{" "}
                    <code className="muted pointer">{pointer}</code>
                  </li>
                );
              })}
            </ul>
          )}
        </li>
      ))}
    </ol>
  );
}

/** Moves focus to the evidence too, so a keyboard user lands on it (the hash alone only scrolls). */
function focusTarget(e: MouseEvent<HTMLAnchorElement>, href: string) {
  const el = document.getElementById(href.slice(1));
  if (!el) return;
  e.preventDefault();
  history.replaceState(null, "", href);
  if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
  el.scrollIntoView({ block: "start" });
  el.focus({ preventScroll: true });
}
