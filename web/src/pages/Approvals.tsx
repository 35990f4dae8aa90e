import { useState } from "react";
import type { Me } from "../App.tsx";
import {
  canDecide,
  canRequest,
  type Page,
  type PromotionRequest,
  type RequestStatus,
} from "../components/governance.ts";
import { PromotionForm } from "../components/PromotionForm.tsx";
import { RequestCard } from "../components/RequestCard.tsx";
import { Empty, ErrorView, Loading } from "../components/states.tsx";
import { useApi } from "../components/use-api.ts";
import { navigate, useLocation } from "../router.ts";

const STATUSES: { value: RequestStatus; label: string }[] = [
  { value: "pending", label: "Pending" },
  { value: "approved", label: "Approved" },
  { value: "rejected", label: "Rejected" },
];

function statusFrom(query: URLSearchParams): RequestStatus {
  const s = query.get("status");
  return s === "approved" || s === "rejected" ? s : "pending";
}

/** The promotion queue: `?status=` picks the tab, `?model=` narrows it to one model. */
export function Approvals({ me }: { me: Me }) {
  const { query } = useLocation();
  const status = statusFrom(query);
  const model = query.get("model") ?? "";
  const params = new URLSearchParams({ status, limit: "100" });
  if (model) params.set("model", model);
  const list = useApi<Page<PromotionRequest>>(`/requests?${params}`);
  const [announcement, setAnnouncement] = useState("");

  const hrefFor = (next: { status?: RequestStatus; model?: string }) => {
    const q = new URLSearchParams();
    const s = next.status ?? status;
    const m = next.model ?? model;
    if (s !== "pending") q.set("status", s);
    if (m) q.set("model", m);
    const qs = q.toString();
    return qs ? `/approvals?${qs}` : "/approvals";
  };

  const onDecided = (decided: PromotionRequest, decision: "approve" | "reject") => {
    setAnnouncement(
      `${decision === "approve" ? "Approved" : "Rejected"}: ${decided.model} v${decided.version} → ${decided.alias}.` +
        (decision === "approve" ? ` The ${decided.alias} alias now points at v${decided.version}.` : ""),
    );
    list.reload();
  };
  const onRequested = (created: PromotionRequest) => {
    setAnnouncement(
      `Requested: ${created.model} v${created.version} → ${created.alias}. It waits for an approver.`,
    );
    if (status === "pending") list.reload();
    else navigate(hrefFor({ status: "pending" }));
  };

  return (
    <div className="approvals">
      <h1>Approvals</h1>
      <p className="lede">
        Promotion requests move a protected alias (such as <code>production</code>) only once an approver who
        did not request them agrees, with a written rationale.
        {!canDecide(me) && (
          <>
            {" "}
            <strong>Only an approver or an administrator can approve or reject</strong>; you are signed in as
            a {me.role}.
          </>
        )}
      </p>
      <p className="announce" role="status" aria-live="polite">
        {announcement}
      </p>
      <div className="toolbar">
        <fieldset className="tabs">
          <legend className="visually-hidden">Request status</legend>
          {STATUSES.map((s) => (
            <button
              key={s.value}
              type="button"
              aria-pressed={s.value === status}
              onClick={() => navigate(hrefFor({ status: s.value }))}
            >
              {s.label}
            </button>
          ))}
        </fieldset>
        <form
          className="model-filter"
          onSubmit={(e) => {
            e.preventDefault();
            const value = new FormData(e.currentTarget).get("model");
            navigate(hrefFor({ model: typeof value === "string" ? value.trim() : "" }));
          }}
        >
          <label>
            Model
            <input name="model" defaultValue={model} key={model} placeholder="all models" />
          </label>
          <button type="submit">Filter</button>
          {model && (
            <button type="button" onClick={() => navigate(hrefFor({ model: "" }))}>
              Show all models
            </button>
          )}
        </form>
      </div>
      <section aria-labelledby="queue-title">
        <h2 id="queue-title">
          {STATUSES.find((s) => s.value === status)?.label} requests{model ? ` for ${model}` : ""}
        </h2>
        <Queue list={list} me={me} status={status} onDecided={onDecided} />
      </section>
      {canRequest(me) ? (
        <PromotionForm initialModel={model} onRequested={onRequested} />
      ) : (
        <p className="decision-note">A developer, approver or administrator can request a promotion.</p>
      )}
    </div>
  );
}

function Queue({
  list,
  me,
  status,
  onDecided,
}: {
  list: ReturnType<typeof useApi<Page<PromotionRequest>>>;
  me: Me;
  status: RequestStatus;
  onDecided: (decided: PromotionRequest, decision: "approve" | "reject") => void;
}) {
  if (list.state === "loading") return <Loading what="requests" />;
  if (list.state === "error") return <ErrorView error={list.error} retry={list.reload} />;
  if (list.data.items.length === 0) {
    return (
      <Empty>
        <p>
          No {status} requests.
          {status === "pending" && " Nothing is waiting for a decision."}
        </p>
      </Empty>
    );
  }
  return (
    <div className="request-list">
      {list.data.items.map((r) => (
        <RequestCard key={r.id} request={r} me={me} onDecided={onDecided} />
      ))}
    </div>
  );
}
