import { CommercialBadge } from "./Badge.tsx";
import { OBLIGATION_LABELS } from "./evidence.ts";
import type { LicenseReport } from "./vet-types.ts";

/** The license section: what it is, where it was read, every obligation with its citation, conflicts. */
export function LicensePanel({ license }: { license: LicenseReport }) {
  const citations = license.citations ?? {};
  return (
    <>
      <dl className="kv kv-row">
        <div>
          <dt>Name</dt>
          <dd>{license.name}</dd>
        </div>
        <div>
          <dt>Key</dt>
          <dd>
            <code>{license.key}</code>
          </dd>
        </div>
        <div>
          <dt>SPDX</dt>
          <dd>{license.spdx ? <code>{license.spdx}</code> : "none"}</dd>
        </div>
        <div>
          <dt>Hub id</dt>
          <dd>{license.hub ? <code>{license.hub}</code> : "none"}</dd>
        </div>
        <div>
          <dt>Commercial</dt>
          <dd>
            <CommercialBadge value={String(license.obligations.commercialUse ?? "unknown")} />
          </dd>
        </div>
      </dl>
      {license.key === "unknown" && (
        <div className="callout" role="note">
          <strong>License not identified.</strong>{" "}
          {license.unresolved ?? "No source named a license modelgate knows."}
        </div>
      )}

      <h3>Where the license was read</h3>
      {license.sources.length === 0 ? (
        <p className="muted">No source named a license.</p>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">Path</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {license.sources.map((s) => (
                <tr key={`${s.kind}:${s.path}:${s.value}`}>
                  <td>{s.kind}</td>
                  <td>
                    <code>{s.path}</code>
                  </td>
                  <td>
                    <code>{s.value}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h3 id="obligations">Obligations</h3>
      <div className="table-wrap">
        <table className="obligations">
          <thead>
            <tr>
              <th scope="col">Obligation</th>
              <th scope="col">Value</th>
              <th scope="col">Citation</th>
            </tr>
          </thead>
          <tbody>
            {OBLIGATION_LABELS.map(([key, label]) => (
              <tr key={key} id={`obligation-${key}`}>
                <th scope="row">{label}</th>
                <td>{obligationText(license.obligations[key])}</td>
                <td>
                  {citations[key] ? (
                    <span className="cite">{citations[key]}</span>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h3>Conflicts</h3>
      {license.conflicts.length === 0 ? (
        <p className="muted">No conflicts between sources or with base models.</p>
      ) : (
        <ul className="conflicts">
          {license.conflicts.map((c, i) => (
            <li
              key={`${c.kind}:${c.between.join("|")}:${c.message}`}
              id={`conflict-${i}`}
              tabIndex={-1}
              className="conflict"
            >
              <span className="badge conflict-kind">{c.kind}</span> {c.message}
              <div className="muted">
                Between <code>{c.between[0]}</code> and <code>{c.between[1]}</code>
              </div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function obligationText(value: string | boolean | null | undefined): string {
  if (value === null || value === undefined || value === "unknown") return "unknown";
  if (value === true) return "yes";
  if (value === false) return "no";
  return value;
}
