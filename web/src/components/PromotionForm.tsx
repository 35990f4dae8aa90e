import { type FormEvent, useId, useState } from "react";
import { api } from "../api.ts";
import { VerdictBadge } from "./Badge.tsx";
import { ActionError } from "./DecisionForm.tsx";
import type { Page, PromotionRequest } from "./governance.ts";
import { useApi } from "./use-api.ts";

interface VersionSummary {
  number: number;
  verdict: string;
}

/**
 * "Request a promotion": a version whose verdict is not approved can only be promoted under a waiver
 * (a reason and an expiry), which the registry refuses to do without, so the form asks for it up front.
 */
export function PromotionForm({
  initialModel,
  onRequested,
}: {
  initialModel: string;
  onRequested: (request: PromotionRequest) => void;
}) {
  const id = useId();
  const [model, setModel] = useState(initialModel);
  const [version, setVersion] = useState("");
  const [alias, setAlias] = useState("production");
  const [kind, setKind] = useState<"promotion" | "rollback">("promotion");
  const [note, setNote] = useState("");
  const [waiverReason, setWaiverReason] = useState("");
  const [waiverExpires, setWaiverExpires] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const models = useApi<Page<{ name: string }>>("/models?limit=200");
  const trimmedModel = model.trim();
  const versions = useApi<Page<VersionSummary>>(
    trimmedModel ? `/models/${encodeURIComponent(trimmedModel)}/versions?limit=200` : null,
  );
  const versionList = versions.state === "ready" ? versions.data.items : [];
  const chosen = versionList.find((v) => String(v.number) === version);
  const needsWaiver = chosen !== undefined && chosen.verdict !== "approved";

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = {
        model: trimmedModel,
        version: Number(version),
        alias: alias.trim(),
        kind,
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(needsWaiver
          ? { waiver: { reason: waiverReason.trim(), expires: `${waiverExpires}T23:59:59Z` } }
          : {}),
      };
      const created = await api<PromotionRequest>("/requests", {
        method: "POST",
        body: JSON.stringify(body),
      });
      setVersion("");
      setNote("");
      setWaiverReason("");
      setWaiverExpires("");
      onRequested(created);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const today = new Date().toISOString().slice(0, 10);
  return (
    <form className="card promotion-form" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Request a promotion</h2>
      <p className="hint">An approver other than you decides it; the alias moves only when it is approved.</p>
      <div className="form-grid">
        <div className="field">
          <label htmlFor={`${id}-model`}>Model</label>
          <input
            id={`${id}-model`}
            list={`${id}-models`}
            value={model}
            required
            autoComplete="off"
            onChange={(e) => {
              setModel(e.target.value);
              setVersion("");
            }}
          />
          <datalist id={`${id}-models`}>
            {models.state === "ready" && models.data.items.map((m) => <option key={m.name} value={m.name} />)}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor={`${id}-version`}>Version</label>
          <select id={`${id}-version`} value={version} required onChange={(e) => setVersion(e.target.value)}>
            <option value="">
              {!trimmedModel
                ? "Choose a model first"
                : versions.state === "loading"
                  ? "Loading versions…"
                  : versions.state === "error"
                    ? "No such model"
                    : "Choose a version"}
            </option>
            {versionList.map((v) => (
              <option key={v.number} value={v.number}>
                v{v.number} ({v.verdict})
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-alias`}>Alias</label>
          <input id={`${id}-alias`} value={alias} required onChange={(e) => setAlias(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-kind`}>Kind</label>
          <select
            id={`${id}-kind`}
            value={kind}
            onChange={(e) => setKind(e.target.value as "promotion" | "rollback")}
          >
            <option value="promotion">Promotion</option>
            <option value="rollback">Rollback (to an earlier version)</option>
          </select>
        </div>
        <div className="field wide">
          <label htmlFor={`${id}-note`}>
            Note <span className="hint">(optional: evaluation results, ticket)</span>
          </label>
          <textarea id={`${id}-note`} rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
        </div>
      </div>
      {chosen && (
        <p>
          Verdict of v{chosen.number}: <VerdictBadge verdict={chosen.verdict} />
        </p>
      )}
      {needsWaiver && (
        <fieldset className="waiver-fields">
          <legend>Waiver (required)</legend>
          <p className="hint">
            This version was not approved by the vet policy, so promoting it needs a waiver: say why the risk
            is accepted and until when. The waiver is recorded with the request and shown to the approver.
          </p>
          <div className="form-grid">
            <label className="wide">
              Waiver reason
              <textarea
                rows={2}
                required
                value={waiverReason}
                onChange={(e) => setWaiverReason(e.target.value)}
              />
            </label>
            <label>
              Waiver expires on
              <input
                type="date"
                required
                min={today}
                value={waiverExpires}
                onChange={(e) => setWaiverExpires(e.target.value)}
              />
            </label>
          </div>
        </fieldset>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? "Requesting…" : "Request"}
      </button>
      {error !== null && <ActionError error={error} />}
    </form>
  );
}
