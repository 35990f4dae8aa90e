import { useEffect, useState } from "react";
import type { Me } from "../App.tsx";
import { ApiError, api } from "../api.ts";
import { AliasHistory } from "../components/AliasHistory.tsx";
import { VerdictBadge } from "../components/Badge.tsx";
import { formatBytes, formatDate } from "../components/evidence.ts";
import { Link } from "../components/Link.tsx";
import { Empty, ErrorView, Loading } from "../components/states.tsx";
import { useApi } from "../components/use-api.ts";
import type { AliasState, Model, ModelVersion, Page } from "../components/vet-types.ts";

type VersionRow = Omit<ModelVersion, "vetReport">;

export function ModelPage({ model, me }: { model: string; me: Me }) {
  const base = `/models/${encodeURIComponent(model)}`;
  const info = useApi<Model>(base);
  if (info.state === "loading") return <Loading what={`model ${model}`} />;
  if (info.state === "error") {
    if (info.error instanceof ApiError && info.error.status === 404)
      return (
        <div className="state" role="alert">
          <h1>No model named “{model}”</h1>
          <p>
            It is not in the registry. <Link href="/models">Back to the inventory</Link>.
          </p>
        </div>
      );
    return <ErrorView error={info.error} retry={info.reload} />;
  }
  const m = info.data;
  return (
    <article className="model-page">
      <nav aria-label="Breadcrumb" className="crumbs">
        <Link href="/models">Inventory</Link> / <span aria-current="page">{m.name}</span>
      </nav>
      <header className="page-head">
        <h1>{m.name}</h1>
        <Link className="button-link" href={`/approvals?model=${encodeURIComponent(m.name)}`}>
          {me.role === "viewer" ? "Promotion requests" : "Request promotion"}
        </Link>
      </header>
      {m.description && <p>{m.description}</p>}
      <dl className="kv kv-row">
        <div>
          <dt>Owner</dt>
          <dd>{m.owner ?? "none recorded"}</dd>
        </div>
        <div>
          <dt>Source</dt>
          <dd>{m.source ? <code>{m.source}</code> : "none recorded"}</dd>
        </div>
        <div>
          <dt>Tags</dt>
          <dd>
            {m.tags.length === 0 ? (
              "none"
            ) : (
              <ul className="tags">
                {m.tags.map((t) => (
                  <li key={t}>{t}</li>
                ))}
              </ul>
            )}
          </dd>
        </div>
        <div>
          <dt>Updated</dt>
          <dd>
            <time dateTime={m.updatedAt}>{formatDate(m.updatedAt)}</time>
          </dd>
        </div>
      </dl>

      <section aria-labelledby="aliases-h">
        <h2 id="aliases-h">Aliases</h2>
        <Aliases base={base} />
      </section>
      <section aria-labelledby="versions-h">
        <h2 id="versions-h">Versions</h2>
        <Versions base={base} />
      </section>
      <section aria-labelledby="history-h">
        <h2 id="history-h">Alias history</h2>
        <AliasHistory model={m.name} />
      </section>
    </article>
  );
}

function Aliases({ base }: { base: string }) {
  const aliases = useApi<{ items: AliasState[] }>(`${base}/aliases`);
  if (aliases.state === "loading") return <Loading what="aliases" />;
  if (aliases.state === "error") return <ErrorView error={aliases.error} retry={aliases.reload} />;
  if (aliases.data.items.length === 0) return <Empty>No alias points at a version of this model yet.</Empty>;
  return (
    <ul className="alias-list">
      {aliases.data.items.map((a) => (
        <li key={a.alias}>
          <code>{a.alias}</code> → <Link href={`${base}/versions/${a.version}`}>version {a.version}</Link>{" "}
          <span className="muted">
            since <time dateTime={a.updatedAt}>{formatDate(a.updatedAt)}</time>
          </span>
        </li>
      ))}
    </ul>
  );
}

function Versions({ base }: { base: string }) {
  const [rows, setRows] = useState<VersionRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<"loading" | "ready" | "more" | { error: unknown }>("loading");
  const load = (after: string | null) => {
    setState(after ? "more" : "loading");
    api<Page<VersionRow>>(`${base}/versions${after ? `?cursor=${encodeURIComponent(after)}` : ""}`).then(
      (page) => {
        setRows((r) => (after ? [...r, ...page.items] : page.items));
        setCursor(page.nextCursor);
        setState("ready");
      },
      (error: unknown) => setState({ error }),
    );
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload only when the model changes.
  useEffect(() => load(null), [base]);

  if (state === "loading") return <Loading what="versions" />;
  if (typeof state === "object" && rows.length === 0)
    return <ErrorView error={state.error} retry={() => load(null)} />;
  if (rows.length === 0)
    return (
      <Empty>
        No version has been pushed yet. Push one with <code>modelgate registry push DIR --model NAME</code>.
      </Empty>
    );
  return (
    <>
      <div className="table-wrap">
        <table className="stacked">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Created</th>
              <th scope="col">Verdict</th>
              <th scope="col">License</th>
              <th scope="col">Formats</th>
              <th scope="col">Size</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((v) => (
              <tr key={v.number}>
                <td>
                  <Link href={`${base}/versions/${v.number}`}>Version {v.number}</Link>
                </td>
                <td data-label="Created">
                  <div>
                    <time dateTime={v.createdAt}>{formatDate(v.createdAt)}</time>
                    <div className="muted">by {v.createdBy}</div>
                  </div>
                </td>
                <td data-label="Verdict">
                  <VerdictBadge verdict={v.verdict} />
                </td>
                <td data-label="License">
                  <code>{v.licenseKey}</code>
                </td>
                <td data-label="Formats">{v.formats.join(", ") || "—"}</td>
                <td data-label="Size" className="num">
                  {formatBytes(v.size)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {typeof state === "object" && <ErrorView error={state.error} retry={() => load(cursor)} />}
      {cursor && (
        <button type="button" onClick={() => load(cursor)} disabled={state === "more"}>
          {state === "more" ? "Loading…" : "Show older versions"}
        </button>
      )}
    </>
  );
}
