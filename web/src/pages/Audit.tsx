import { type FormEvent, type ReactNode, useState } from "react";
import { getToken } from "../api.ts";
import { AuditTable } from "../components/AuditTable.tsx";
import type { AuditEntry, AuditVerification, Page } from "../components/governance.ts";
import { Link } from "../components/Link.tsx";
import { Empty, ErrorView, Loading } from "../components/states.tsx";
import { useApi } from "../components/use-api.ts";
import { navigate, useLocation } from "../router.ts";

const SERVER_FILTERS = ["actor", "action", "subject"] as const;

/** `?limit=` as the API takes it (1 to 200); anything else is the default page of 50. */
function pageSize(asked: string | null): string {
  const n = Number(asked);
  return Number.isInteger(n) && n >= 1 && n <= 200 ? String(n) : "50";
}

const DAY_MS = 86_400_000;

/**
 * A date field's day as the API's instant: `from` is the start of that day (UTC), `to` the start of the
 * next (the API's `to` is exclusive, and the person meant "up to the end of that day"). A value that is not
 * a date (a hand-edited link) goes as it is, for the server to refuse with an explanation.
 */
function dayBound(date: string, edge: "from" | "to"): string {
  const start = /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(start)) return date;
  return new Date(edge === "to" ? start + DAY_MS : start).toISOString();
}

/**
 * The audit log, every filter applied by the server: actor, action and subject exactly, from/to as UTC
 * days. Every filter and the page cursor live in the URL, so a filtered view can be shared and Back works.
 */
export function Audit() {
  const { query } = useLocation();
  const from = query.get("from") ?? "";
  const to = query.get("to") ?? "";
  const cursor = query.get("cursor");
  const params = new URLSearchParams({ limit: pageSize(query.get("limit")) });
  for (const name of SERVER_FILTERS) {
    const value = query.get(name);
    if (value) params.set(name, value);
  }
  if (from) params.set("from", dayBound(from, "from"));
  if (to) params.set("to", dayBound(to, "to"));
  if (cursor) params.set("cursor", cursor);
  const page = useApi<Page<AuditEntry>>(`/audit?${params}`);

  const applyFilters = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const q = new URLSearchParams();
    for (const name of [...SERVER_FILTERS, "from", "to"]) {
      const value = form.get(name);
      if (typeof value === "string" && value.trim()) q.set(name, value.trim());
    }
    const qs = q.toString();
    navigate(qs ? `/audit?${qs}` : "/audit");
  };
  const withCursor = (next: string | null) => {
    const q = new URLSearchParams(query);
    if (next) q.set("cursor", next);
    else q.delete("cursor");
    const qs = q.toString();
    return qs ? `/audit?${qs}` : "/audit";
  };
  const filtered = [...SERVER_FILTERS, "from", "to"].some((n) => query.get(n));

  return (
    <div className="audit">
      <h1>Audit log</h1>
      <Verification />
      <div className="audit-actions">
        <ExportLink />
      </div>
      <form className="toolbar audit-filters" onSubmit={applyFilters} key={query.toString()}>
        <label>
          Actor
          <input name="actor" defaultValue={query.get("actor") ?? ""} placeholder="token name" />
        </label>
        <label>
          Action
          <input name="action" defaultValue={query.get("action") ?? ""} placeholder="e.g. request.approve" />
        </label>
        <label>
          Subject
          <input name="subject" defaultValue={query.get("subject") ?? ""} placeholder="e.g. model:llama" />
        </label>
        <label>
          From
          <input name="from" type="date" defaultValue={from} />
        </label>
        <label>
          To
          <input name="to" type="date" defaultValue={to} />
        </label>
        <button type="submit" className="primary">
          Filter
        </button>
        {filtered && (
          <button type="button" onClick={() => navigate("/audit")}>
            Clear filters
          </button>
        )}
      </form>
      <p className="hint">Actor, action and subject match exactly. Dates are in UTC.</p>
      <section aria-labelledby="entries-title">
        <h2 id="entries-title">Entries</h2>
        <Entries page={page} />
        {page.state === "ready" && (
          <nav className="audit-pager" aria-label="Audit pages">
            {cursor && <Link href={withCursor(null)}>Newest entries</Link>}
            {page.data.nextCursor && <Link href={withCursor(page.data.nextCursor)}>Older entries</Link>}
          </nav>
        )}
      </section>
    </div>
  );
}

function Entries({ page }: { page: ReturnType<typeof useApi<Page<AuditEntry>>> }) {
  if (page.state === "loading") return <Loading what="audit entries" />;
  if (page.state === "error") return <ErrorView error={page.error} retry={page.reload} />;
  if (page.data.items.length === 0) {
    return (
      <Empty>
        <p>No audit entries match these filters. Change or clear the filters to see more.</p>
      </Empty>
    );
  }
  return <AuditTable entries={page.data.items} />;
}

/** The hash chain's state, recomputed by the server on each ask. */
function Verification() {
  const result = useApi<AuditVerification>("/audit/verify");
  let body: ReactNode;
  if (result.state === "loading") body = <p>Verifying the chain…</p>;
  else if (result.state === "error") body = <ErrorView error={result.error} />;
  else if (result.data.ok)
    body = (
      <p>
        <strong>Chain verified:</strong> {result.data.entries} entries, every hash and link checks out.
      </p>
    );
  else
    body = (
      <div role="alert">
        <p>
          <strong>Chain BROKEN at entry #{result.data.firstBroken?.seq}</strong>:{" "}
          {result.data.firstBroken?.reason}
        </p>
        <p>
          Entries from there on cannot be trusted as recorded. Keep the database as it is and tell your
          security team; compare with the last export.
        </p>
      </div>
    );
  const state = result.state === "ready" ? (result.data.ok ? "ok" : "broken") : result.state;
  return (
    <section className={`verify verify-${state}`} aria-labelledby="verify-title" aria-live="polite">
      <h2 id="verify-title">Chain verification</h2>
      {body}
      <button type="button" onClick={result.reload} disabled={result.state === "loading"}>
        Verify again
      </button>
    </section>
  );
}

/** The export needs the token header, which a plain link cannot send: fetch it, then save a Blob URL. */
function ExportLink() {
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const save = async () => {
    setState({ busy: true, error: null });
    try {
      const token = getToken();
      const res = await fetch("/api/v1/audit/export", {
        headers: token ? { Authorization: `Bearer ${token}` } : {},
      });
      if (!res.ok) throw new Error(`the server answered ${res.status} ${res.statusText}`);
      const url = URL.createObjectURL(await res.blob());
      const a = document.createElement("a");
      a.href = url;
      a.download = `modelgate-audit-${new Date().toISOString().slice(0, 10)}.jsonl`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setState({ busy: false, error: null });
    } catch (e) {
      setState({ busy: false, error: e instanceof Error ? e.message : String(e) });
    }
  };
  return (
    <>
      <button type="button" onClick={save} disabled={state.busy}>
        {state.busy ? "Exporting…" : "Export (JSON Lines)"}
      </button>
      {state.error && (
        <p role="alert" className="refusal">
          The export failed: {state.error}. Check that you are still signed in, then try again.
        </p>
      )}
    </>
  );
}
