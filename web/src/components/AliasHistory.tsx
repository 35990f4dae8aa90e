import { useEffect, useState } from "react";
import { api } from "../api.ts";
import { formatDate } from "./evidence.ts";
import { Link } from "./Link.tsx";
import { ErrorView, Loading } from "./states.tsx";
import type { AliasMove, Page } from "./vet-types.ts";

/** Every alias move of a model, newest first, a page at a time. */
export function AliasHistory({ model }: { model: string }) {
  const base = `/models/${encodeURIComponent(model)}`;
  const [moves, setMoves] = useState<AliasMove[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [state, setState] = useState<"loading" | "ready" | "more" | { error: unknown }>("loading");

  const load = (after: string | null) => {
    setState(after ? "more" : "loading");
    const q = after ? `?cursor=${encodeURIComponent(after)}` : "";
    api<Page<AliasMove>>(`${base}/history${q}`).then(
      (page) => {
        setMoves((m) => (after ? [...m, ...page.items] : page.items));
        setCursor(page.nextCursor);
        setState("ready");
      },
      (error: unknown) => setState({ error }),
    );
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload only when the model changes.
  useEffect(() => load(null), [model]);

  if (state === "loading") return <Loading what="alias history" />;
  if (typeof state === "object" && moves.length === 0)
    return <ErrorView error={state.error} retry={() => load(null)} />;
  if (moves.length === 0) return <p className="muted">No alias has been set yet.</p>;
  return (
    <>
      <div className="table-wrap">
        <table className="stacked">
          <thead>
            <tr>
              <th scope="col">Alias</th>
              <th scope="col">Move</th>
              <th scope="col">Kind</th>
              <th scope="col">By</th>
              <th scope="col">When</th>
              <th scope="col">Request</th>
            </tr>
          </thead>
          <tbody>
            {moves.map((m) => (
              <tr key={`${m.alias}-${m.at}-${m.to}`}>
                <td>
                  <code>{m.alias}</code>
                </td>
                <td data-label="Move">
                  <span>
                    {m.from === null ? "none" : <Link href={`${base}/versions/${m.from}`}>v{m.from}</Link>} →{" "}
                    <Link href={`${base}/versions/${m.to}`}>v{m.to}</Link>
                  </span>
                </td>
                <td data-label="Kind">
                  <span className={`move-kind move-${m.kind}`}>{m.kind}</span>
                </td>
                <td data-label="By">{m.by}</td>
                <td data-label="When">
                  <time dateTime={m.at}>{formatDate(m.at)}</time>
                </td>
                <td data-label="Request">
                  {m.requestId ? (
                    <Link
                      href={`/approvals?model=${encodeURIComponent(model)}&request=${encodeURIComponent(m.requestId)}`}
                    >
                      {m.requestId.slice(0, 8)}
                    </Link>
                  ) : (
                    <span className="muted">direct</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {typeof state === "object" && <ErrorView error={state.error} retry={() => load(cursor)} />}
      {cursor && (
        <button type="button" onClick={() => load(cursor)} disabled={state === "more"}>
          {state === "more" ? "Loading…" : "Show older moves"}
        </button>
      )}
    </>
  );
}
