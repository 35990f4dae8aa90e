import type { VetReport } from "./vet-types.ts";

/** The model card's completeness, its missing sections, and what it says the model derives from. */
export function CardPanel({ card }: { card: VetReport["card"] }) {
  if (!card.present)
    return (
      <div className="callout" role="note">
        <strong>No model card.</strong> The repository has no README.md model card: add one with the sections
        the checklist names.
      </div>
    );
  const percent = Math.round(card.completeness * 100);
  return (
    <>
      <div className="meter-row">
        <label htmlFor="card-meter">Completeness</label>
        <meter id="card-meter" min={0} max={1} low={0.5} high={0.8} optimum={1} value={card.completeness}>
          {percent}%
        </meter>
        <span>{percent}%</span>
      </div>
      <dl className="kv">
        <div>
          <dt>Missing sections</dt>
          <dd>{card.missing.length === 0 ? "none" : card.missing.join(", ")}</dd>
        </div>
        <div>
          <dt>Base models</dt>
          <dd>
            {card.baseModels.length === 0
              ? "none named"
              : card.baseModels.map((b, i) => (
                  <span key={b}>
                    {i > 0 && ", "}
                    <code>{b}</code>
                  </span>
                ))}
          </dd>
        </div>
        <div>
          <dt>Relation</dt>
          <dd>{card.relation ?? "none"}</dd>
        </div>
      </dl>
    </>
  );
}

/** The Model Openness Framework class and whether the licenses meet the OSAID's condition. */
export function OpennessPanel({ openness }: { openness: VetReport["openness"] }) {
  return (
    <dl className="kv">
      <div>
        <dt>MOF class</dt>
        <dd>
          {openness.mofClass === "none" ? "none (does not reach class III)" : `Class ${openness.mofClass}`}
        </dd>
      </div>
      <div>
        <dt>OSAID license condition</dt>
        <dd>{openness.osaidLicenses ? "met (OSI-approved licenses)" : "not met"}</dd>
      </div>
      {openness.components && (
        <div>
          <dt>Components found</dt>
          <dd>{openness.components.length ? openness.components.join(", ") : "none"}</dd>
        </div>
      )}
      {openness.missingForNext && openness.missingForNext.length > 0 && (
        <div>
          <dt>Missing for the next class</dt>
          <dd>{openness.missingForNext.join(", ")}</dd>
        </div>
      )}
    </dl>
  );
}
