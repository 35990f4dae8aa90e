import type { ReactNode } from "react";
import { CommercialBadge, SeverityBadge, VerdictBadge } from "../components/Badge.tsx";
import { type FilterKey, inventoryHref } from "../components/inventory-query.ts";
import { Link } from "../components/Link.tsx";
import { type CountEntry, type OverviewData, readOverview } from "../components/overview-data.ts";
import { Empty, ErrorView, Loading } from "../components/states.tsx";
import { useApi } from "../components/use-api.ts";

const VERDICT_ORDER = ["rejected", "needs-review", "approved"];
const SEVERITY_ORDER = ["critical", "high", "medium", "low", "info", "none"];
const COMMERCIAL_ORDER = ["prohibited", "conditional", "unknown", "allowed"];

function ordered(entries: CountEntry[], order: string[]): CountEntry[] {
  const rank = (key: string) => (order.includes(key) ? order.indexOf(key) : order.length);
  return [...entries].sort((a, b) => rank(a.key) - rank(b.key) || a.key.localeCompare(b.key));
}

function filterHref(key: FilterKey, value: string): string {
  return inventoryHref({ q: "", filters: { [key]: value }, sort: "name", order: "asc", cursor: "" });
}

export function Overview() {
  const result = useApi<unknown>("/overview");
  return (
    <>
      <h1>Overview</h1>
      {result.state === "loading" && <Loading what="the overview" />}
      {result.state === "error" && <ErrorView error={result.error} retry={result.reload} />}
      {result.state === "ready" && <OverviewBody data={readOverview(result.data)} />}
    </>
  );
}

function OverviewBody({ data }: { data: OverviewData }) {
  const counted = [data.verdict, data.alias, data.licenseClass].some((e) => e.some((c) => c.count > 0));
  const empty = data.totalModels === 0 || (data.totalModels === null && !counted);
  if (empty)
    return (
      <Empty>
        <h2>No models yet</h2>
        <p>
          Register a model with <code>modelgate registry push</code> and it appears here with its verdict,
          findings and license.
        </p>
      </Empty>
    );
  return (
    <>
      <div className="cards overview-cards">
        {data.totalModels !== null && (
          <section className="card" aria-labelledby="ov-total">
            <h2 id="ov-total">Models</h2>
            <p className="overview-big">
              <Link href="/models">{data.totalModels.toLocaleString()}</Link>
            </p>
          </section>
        )}
        <section className="card" aria-labelledby="ov-pending">
          <h2 id="ov-pending">Pending approvals</h2>
          <p className="overview-big">
            <Link href="/approvals" aria-label={`${data.pendingApprovals ?? 0} pending approvals`}>
              {(data.pendingApprovals ?? 0).toLocaleString()}
            </Link>
          </p>
        </section>
        <CountCard
          id="ov-verdict"
          title="By verdict"
          entries={ordered(data.verdict, VERDICT_ORDER)}
          label={(key) => <VerdictBadge verdict={key === "none" ? null : key} />}
          href={(key) => (key === "none" ? null : filterHref("verdict", key))}
        />
        <CountCard
          id="ov-severity"
          title="By highest severity"
          entries={ordered(data.severity, SEVERITY_ORDER)}
          label={(key) => <SeverityBadge severity={key === "none" ? null : key} />}
          href={(key) => filterHref("severity", key)}
        />
        <CountCard
          id="ov-license"
          title="By license commercial class"
          entries={ordered(data.licenseClass, COMMERCIAL_ORDER)}
          label={(key) => <CommercialBadge value={key} />}
          href={(key) => filterHref("licenseClass", key)}
        />
        <CountCard
          id="ov-alias"
          title="By alias"
          entries={ordered(data.alias, ["production", "staging"])}
          label={(key) => <span className="mono">{key}</span>}
          href={(key) => filterHref("alias", key)}
        />
      </div>
      <ExpiringWaivers waivers={data.expiringWaivers} />
    </>
  );
}

function CountCard({
  id,
  title,
  entries,
  label,
  href,
}: {
  id: string;
  title: string;
  entries: CountEntry[];
  label: (key: string) => ReactNode;
  href: (key: string) => string | null;
}) {
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {entries.length === 0 ? (
        <p className="muted">Nothing to count yet.</p>
      ) : (
        <ul className="overview-counts">
          {entries.map((e) => {
            const target = href(e.key);
            return (
              <li key={e.key} data-count-key={e.key}>
                {label(e.key)}
                {target ? (
                  <Link
                    href={target}
                    className="overview-count"
                    aria-label={`${e.count} ${e.count === 1 ? "model" : "models"}: ${e.key}`}
                  >
                    {e.count.toLocaleString()}
                  </Link>
                ) : (
                  <span className="overview-count">{e.count.toLocaleString()}</span>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

function ExpiringWaivers({ waivers }: { waivers: OverviewData["expiringWaivers"] }) {
  return (
    <section className="overview-waivers" aria-labelledby="ov-waivers">
      <h2 id="ov-waivers">Waivers expiring soon</h2>
      {waivers.length === 0 ? (
        <p className="muted">No waiver expires soon.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Version</th>
                <th scope="col">Alias</th>
                <th scope="col">Waiver</th>
                <th scope="col">Expires</th>
                <th scope="col">Days left</th>
              </tr>
            </thead>
            <tbody>
              {[...waivers]
                .sort((a, b) => a.expires.localeCompare(b.expires))
                .map((w) => (
                  <tr key={`${w.model}/${w.version}/${w.alias}/${w.expires}`}>
                    <th scope="row">
                      <Link href={`/models/${encodeURIComponent(w.model)}`}>{w.model}</Link>
                    </th>
                    <td>
                      {w.version === null ? (
                        "—"
                      ) : (
                        <Link href={`/models/${encodeURIComponent(w.model)}/versions/${w.version}`}>
                          v{w.version}
                        </Link>
                      )}
                    </td>
                    <td className="mono">{w.alias ?? "—"}</td>
                    <td>{w.status === "pending" ? "Request pending" : "In place"}</td>
                    <td>
                      <time dateTime={w.expires}>{w.expires.slice(0, 10)}</time>
                    </td>
                    <td>{w.daysLeft === null ? "—" : daysText(w.daysLeft)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function daysText(days: number): string {
  if (days <= 0) return "expired";
  return days === 1 ? "1 day" : `${days} days`;
}
