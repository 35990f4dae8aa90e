import { useState } from "react";
import { type AuditEntry, formatWhen, modelHref, versionHref } from "./governance.ts";
import { Link } from "./Link.tsx";

/** A subject as a link where the dashboard has a page for it. */
export function SubjectLink({ subject }: { subject: string }) {
  const [type, rest] = splitSubject(subject);
  if (type === "model") return <Link href={modelHref(rest)}>{subject}</Link>;
  if (type === "version") {
    const slash = rest.lastIndexOf("/");
    const n = Number(rest.slice(slash + 1));
    if (slash > 0 && Number.isInteger(n))
      return <Link href={versionHref(rest.slice(0, slash), n)}>{subject}</Link>;
  }
  if (type === "alias") {
    const slash = rest.indexOf("/");
    if (slash > 0) return <Link href={modelHref(rest.slice(0, slash))}>{subject}</Link>;
  }
  if (type === "request") {
    return <Link href={`/audit?subject=${encodeURIComponent(subject)}`}>{subject}</Link>;
  }
  return <code>{subject}</code>;
}

function splitSubject(subject: string): [string, string] {
  const colon = subject.indexOf(":");
  return colon < 0 ? ["", subject] : [subject.slice(0, colon), subject.slice(colon + 1)];
}

export function AuditTable({ entries }: { entries: AuditEntry[] }) {
  return (
    <div className="table-wrap">
      <table className="audit-table">
        <caption className="visually-hidden">Audit entries, newest first</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">When</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Subject</th>
            <th scope="col">Request id</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <AuditRow key={e.seq} entry={e} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function AuditRow({ entry }: { entry: AuditEntry }) {
  const [open, setOpen] = useState(false);
  const diffId = `audit-diff-${entry.seq}`;
  return (
    <>
      <tr data-seq={entry.seq}>
        <td className="mono" data-label="#">
          {entry.seq}
        </td>
        <td data-label="When">
          <time dateTime={entry.at}>{formatWhen(entry.at)}</time>
        </td>
        <td data-label="Actor">{entry.actor}</td>
        <td data-label="Action">
          <code>{entry.action}</code>
        </td>
        <td className="subject" data-label="Subject">
          <SubjectLink subject={entry.subject} />
        </td>
        <td className="mono request-id" data-label="Request id">
          {entry.requestId ?? "—"}
        </td>
        <td data-label="Change">
          <button
            type="button"
            className="diff-toggle"
            aria-expanded={open}
            aria-controls={diffId}
            onClick={() => setOpen(!open)}
          >
            {open ? "Hide" : "Show"} change<span className="visually-hidden"> of entry {entry.seq}</span>
          </button>
        </td>
      </tr>
      {open && (
        <tr id={diffId} className="diff-row">
          <td colSpan={7}>
            <ChangeDiff before={entry.before} after={entry.after} />
          </td>
        </tr>
      )}
    </>
  );
}

/** Before and after side by side, with the top-level fields that changed called out. */
function ChangeDiff({ before, after }: { before: unknown; after: unknown }) {
  const changed = changedKeys(before, after);
  return (
    <div className="diff">
      {changed.length > 0 && (
        <p>
          Changed:{" "}
          {changed.map((k, i) => (
            <span key={k}>
              {i > 0 && ", "}
              <code>{k}</code>
            </span>
          ))}
        </p>
      )}
      <div className="diff-sides">
        <figure>
          <figcaption>Before</figcaption>
          <pre>
            {before === null || before === undefined ? "(nothing: created)" : JSON.stringify(before, null, 2)}
          </pre>
        </figure>
        <figure>
          <figcaption>After</figcaption>
          <pre>
            {after === null || after === undefined ? "(nothing: removed)" : JSON.stringify(after, null, 2)}
          </pre>
        </figure>
      </div>
    </div>
  );
}

function changedKeys(before: unknown, after: unknown): string[] {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isObject(before) || !isObject(after)) return [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}
