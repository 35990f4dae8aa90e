import { useId, useState } from "react";
import { ApiError, api } from "../api.ts";
import type { PromotionRequest } from "./governance.ts";
import { ErrorView } from "./states.tsx";

type Decision = "approve" | "reject";

/**
 * Approve or reject with a rationale: the server refuses an empty one, so the buttons stay disabled
 * until there is text, and the server's refusal (already decided, own request) is shown as it said it.
 */
export function DecisionForm({
  request,
  onDecided,
}: {
  request: PromotionRequest;
  onDecided: (decided: PromotionRequest, decision: Decision) => void;
}) {
  const id = useId();
  const [rationale, setRationale] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const ready = rationale.trim().length > 0 && !busy;

  const decide = async (decision: Decision) => {
    setBusy(true);
    setError(null);
    try {
      const decided = await api<PromotionRequest>(`/requests/${encodeURIComponent(request.id)}/${decision}`, {
        method: "POST",
        body: JSON.stringify({ rationale: rationale.trim() }),
      });
      onDecided(decided, decision);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };

  return (
    <form className="decision" onSubmit={(e) => e.preventDefault()}>
      <label htmlFor={`${id}-rationale`}>
        Rationale{" "}
        <span className="hint">(required: why you approve or reject; it goes into the audit log)</span>
      </label>
      <textarea
        id={`${id}-rationale`}
        rows={3}
        value={rationale}
        required
        onChange={(e) => setRationale(e.target.value)}
      />
      <div className="decision-buttons">
        <button type="button" className="primary" disabled={!ready} onClick={() => decide("approve")}>
          Approve
        </button>
        <button type="button" className="danger" disabled={!ready} onClick={() => decide("reject")}>
          Reject
        </button>
      </div>
      {error !== null && <ActionError error={error} />}
    </form>
  );
}

/** A refused action: the server's own words; a role or session problem gets the shared views. */
export function ActionError({ error }: { error: unknown }) {
  if (error instanceof ApiError && error.status !== 403 && error.status !== 401) {
    return (
      <div className="refusal" role="alert">
        <strong>The registry refused: {error.title}.</strong> {error.detail}
      </div>
    );
  }
  return <ErrorView error={error} />;
}
