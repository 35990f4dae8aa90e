import { useState } from "react";
import { formatBytes } from "./evidence.ts";
import type { VetReport } from "./vet-types.ts";

interface Row {
  path: string;
  size: number;
  format: string;
  role: string | null;
  sha256: string | null;
}

/** Every file with size, format, role and full SHA-256 (repository inventory when the scan has one). */
export function FileInventory({ scan }: { scan: VetReport["scan"] }) {
  const rows: Row[] = scan.repository?.inventory
    ? scan.repository.inventory.map((e) => ({ ...e, role: e.role }))
    : scan.files.map((f) => ({ ...f, role: null }));
  if (rows.length === 0) return <p className="state">The scan recorded no files.</p>;
  return (
    <div className="table-wrap">
      <table className="inventory stacked">
        <thead>
          <tr>
            <th scope="col">Path</th>
            <th scope="col">Size</th>
            <th scope="col">Format</th>
            <th scope="col">Role</th>
            <th scope="col">SHA-256</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.path}>
              <td>
                <code>{r.path}</code>
              </td>
              <td data-label="Size" className="num" title={`${r.size} bytes`}>
                {formatBytes(r.size)}
              </td>
              <td data-label="Format">{r.format}</td>
              <td data-label="Role">{r.role ?? "—"}</td>
              <td data-label="SHA-256">
                {r.sha256 ? (
                  <Digest value={r.sha256} label={r.path} />
                ) : (
                  <span className="muted">not hashed</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A full digest, selectable, with a copy button. */
export function Digest({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    navigator.clipboard?.writeText(value).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  return (
    <span className="digest">
      <code className="hash">{value}</code>
      <button type="button" className="small" onClick={copy} aria-label={`Copy SHA-256 of ${label}`}>
        {copied ? "Copied" : "Copy"}
      </button>
    </span>
  );
}
