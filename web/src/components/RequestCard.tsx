import type { Me } from "../App.tsx";
import { VerdictBadge } from "./Badge.tsx";
import { DecisionForm } from "./DecisionForm.tsx";
import {
  canDecide,
  expiryPhrase,
  formatWhen,
  modelHref,
  type PromotionRequest,
  versionHref,
} from "./governance.ts";
import { Link } from "./Link.tsx";

/** One promotion (or rollback) request, and what the signed-in person may do about it. */
export function RequestCard({
  request,
  me,
  onDecided,
}: {
  request: PromotionRequest;
  me: Me;
  onDecided: (decided: PromotionRequest, decision: "approve" | "reject") => void;
}) {
  const headingId = `request-${request.id}`;
  const rollback = request.kind === "rollback";
  return (
    <article className="card request-card" aria-labelledby={headingId} data-request-id={request.id}>
      <h3 id={headingId}>
        <span className={`kind kind-${request.kind}`}>{rollback ? "Rollback" : "Promotion"}</span>{" "}
        <Link href={modelHref(request.model)}>{request.model}</Link>{" "}
        <Link href={versionHref(request.model, request.version)}>v{request.version}</Link> →{" "}
        <code>{request.alias}</code>
      </h3>
      <dl className="facts">
        <div>
          <dt>Verdict</dt>
          <dd>
            <VerdictBadge verdict={request.verdict} />
          </dd>
        </div>
        <div>
          <dt>Requested by</dt>
          <dd>{request.requestedBy}</dd>
        </div>
        <div>
          <dt>When</dt>
          <dd>
            <time dateTime={request.requestedAt}>{formatWhen(request.requestedAt)}</time>
          </dd>
        </div>
        {request.note && (
          <div className="wide">
            <dt>Note</dt>
            <dd>{request.note}</dd>
          </div>
        )}
        {request.waiver && (
          <div className="wide waiver">
            <dt>Waiver</dt>
            <dd>
              {request.waiver.reason}{" "}
              <span className="expiry">
                (until <time dateTime={request.waiver.expires}>{formatWhen(request.waiver.expires)}</time>,{" "}
                {expiryPhrase(request.waiver.expires)})
              </span>
            </dd>
          </div>
        )}
        {request.status !== "pending" && (
          <div className="wide">
            <dt>{request.status === "approved" ? "Approved by" : "Rejected by"}</dt>
            <dd>
              {request.decidedBy}
              {request.decidedAt && (
                <>
                  {" "}
                  on <time dateTime={request.decidedAt}>{formatWhen(request.decidedAt)}</time>
                </>
              )}
              {request.rationale && <q className="rationale">{request.rationale}</q>}
            </dd>
          </div>
        )}
      </dl>
      {request.status === "pending" && <DecisionArea request={request} me={me} onDecided={onDecided} />}
    </article>
  );
}

function DecisionArea({
  request,
  me,
  onDecided,
}: {
  request: PromotionRequest;
  me: Me;
  onDecided: (decided: PromotionRequest, decision: "approve" | "reject") => void;
}) {
  if (request.requestedBy === me.name) {
    return (
      <p className="decision-note">
        You requested this {request.kind}; another approver must decide it (separation of duties).
      </p>
    );
  }
  if (!canDecide(me)) {
    return (
      <p className="decision-note">
        Only an approver or an administrator can approve or reject; you are signed in as a {me.role}.
      </p>
    );
  }
  return <DecisionForm request={request} onDecided={onDecided} />;
}
