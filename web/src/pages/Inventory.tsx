import { useEffect, useId, useRef, useState } from "react";
import {
  CommercialBadge,
  SeverityBadge,
  severityLabel,
  VerdictBadge,
  verdictLabel,
} from "../components/Badge.tsx";
import { readInventory } from "../components/inventory-data.ts";
import {
  FILTER_KEYS,
  type FilterKey,
  type InventoryQuery,
  inventoryApiPath,
  inventoryHref,
  type Order,
  parseInventoryQuery,
  type SortKey,
} from "../components/inventory-query.ts";
import { Link } from "../components/Link.tsx";
import { Empty, ErrorView, Loading } from "../components/states.tsx";
import { useApi } from "../components/use-api.ts";
import { navigate, useLocation } from "../router.ts";

const PAGE_SIZE = 50;
const SEARCH_DELAY_MS = 300;

const FILTER_LABELS: Record<FilterKey, string> = {
  verdict: "Verdict",
  severity: "Highest severity",
  licenseClass: "License class",
  alias: "Alias",
  format: "Format",
  owner: "Owner",
};

const FORMATS = [
  "safetensors",
  "gguf",
  "onnx",
  "pytorch-zip",
  "pytorch-legacy",
  "torchscript",
  "pickle",
  "joblib",
  "numpy",
  "numpy-npz",
  "keras",
  "keras-h5",
  "hdf5",
  "savedmodel",
  "tf-graph",
  "tflite",
  "config",
  "python",
  "executable",
  "archive",
];

const COMMON_ALIASES = ["production", "staging", "candidate"];

/** Values every server knows; aliases come from the rows too, owners are typed. */
const FIXED_OPTIONS: Partial<Record<FilterKey, { value: string; label: string }[]>> = {
  verdict: ["approved", "needs-review", "rejected"].map((v) => ({ value: v, label: verdictLabel(v) })),
  severity: [
    ...["critical", "high", "medium", "low", "info"].map((v) => ({ value: v, label: severityLabel(v) })),
    { value: "none", label: "No findings" },
  ],
  licenseClass: ["allowed", "conditional", "prohibited", "unknown"].map((v) => ({
    value: v,
    label: `Commercial use ${v}`,
  })),
  format: FORMATS.map((f) => ({ value: f, label: f })),
};

const COLUMNS: { key: SortKey | null; label: string; firstOrder: Order }[] = [
  { key: "name", label: "Name", firstOrder: "asc" },
  { key: null, label: "Version", firstOrder: "asc" },
  { key: "verdict", label: "Verdict", firstOrder: "asc" },
  { key: "severity", label: "Highest severity", firstOrder: "desc" },
  { key: null, label: "License", firstOrder: "asc" },
  { key: null, label: "Owner", firstOrder: "asc" },
  { key: "updated", label: "Last change", firstOrder: "desc" },
];

export function Inventory() {
  const { query: search } = useLocation();
  const query = parseInventoryQuery(search);
  const go = (change: Partial<InventoryQuery>) =>
    navigate(inventoryHref({ ...query, cursor: "", ...change }));

  // Cursors of the pages seen since the filters last changed: "" is the first page.
  const listKey = inventoryHref({ ...query, cursor: "" });
  const [trail, setTrail] = useState<{ key: string; cursors: string[] }>({ key: listKey, cursors: [""] });
  const cursors = trail.key === listKey ? trail.cursors : [""];
  const at = cursors.indexOf(query.cursor);
  const previousCursor = query.cursor === "" ? null : at > 0 ? cursors[at - 1]! : "";
  const pageNumber = at >= 0 ? at + 1 : null;

  const result = useApi<unknown>(inventoryApiPath(query, PAGE_SIZE));
  const page = result.state === "ready" ? readInventory(result.data) : null;
  // Aliases are free-form: the usual ones, and any the rows shown have.
  const aliases = [...new Set([...COMMON_ALIASES, ...(page?.rows.flatMap((r) => r.aliases) ?? [])])];

  const nextPage = (next: string) => {
    const base = at >= 0 ? cursors.slice(0, at + 1) : ["", query.cursor];
    setTrail({ key: listKey, cursors: [...base, next] });
    navigate(inventoryHref({ ...query, cursor: next }));
  };
  const filtered = query.q !== "" || FILTER_KEYS.some((k) => query.filters[k]);
  const clearFilters = () => navigate(inventoryHref({ ...query, q: "", filters: {}, cursor: "" }));

  return (
    <>
      <h1>Inventory</h1>
      <search className="toolbar inventory-toolbar" aria-label="Filter models">
        <TypedFilter
          label="Search models"
          type="search"
          placeholder="Name or description"
          value={query.q}
          onApply={(q) => go({ q })}
          className="inventory-search"
        />
        {FILTER_KEYS.filter((key) => key !== "owner").map((key) => (
          <FilterSelect
            key={key}
            name={key}
            value={query.filters[key] ?? ""}
            options={
              FIXED_OPTIONS[key] ?? (key === "alias" ? aliases : []).map((a) => ({ value: a, label: a }))
            }
            onChange={(value) => go({ filters: { ...query.filters, [key]: value || undefined } })}
          />
        ))}
        <TypedFilter
          label="Owner"
          type="text"
          placeholder="e.g. team-nlp"
          value={query.filters.owner ?? ""}
          onApply={(owner) => go({ filters: { ...query.filters, owner: owner || undefined } })}
        />
        {filtered && (
          <button type="button" onClick={clearFilters}>
            Clear filters
          </button>
        )}
      </search>
      <p className="inventory-summary" role="status" aria-live="polite">
        {page
          ? `${page.total === null ? page.rows.length : page.total.toLocaleString()} ${
              (page.total ?? page.rows.length) === 1 ? "model" : "models"
            }${pageNumber && (page.nextCursor || pageNumber > 1) ? `, page ${pageNumber}` : ""}`
          : ""}
      </p>
      {result.state === "loading" && <Loading what="models" />}
      {result.state === "error" && <ErrorView error={result.error} retry={result.reload} />}
      {page && page.rows.length === 0 && (
        <Empty>
          <h2>{filtered ? "No model matches these filters" : "No models yet"}</h2>
          {filtered ? (
            <>
              <p>Try another search or fewer filters.</p>
              <button type="button" onClick={clearFilters}>
                Clear filters
              </button>
            </>
          ) : (
            <p>
              The registry has no models yet. Register one with <code>modelgate registry push</code>.
            </p>
          )}
        </Empty>
      )}
      {page && page.rows.length > 0 && (
        <div className="table-wrap inventory-wrap">
          <table className="inventory-table">
            <caption className="visually-hidden">Models, one row per model</caption>
            <thead>
              <tr>
                {COLUMNS.map((c) => (
                  <SortHeader
                    key={c.label}
                    label={c.label}
                    column={c.key}
                    query={query}
                    onSort={(sort, order) => go({ sort, order })}
                    firstOrder={c.firstOrder}
                  />
                ))}
              </tr>
            </thead>
            <tbody>
              {page.rows.map((row) => (
                <tr key={row.name}>
                  <th scope="row" className="inventory-name">
                    <Link href={`/models/${encodeURIComponent(row.name)}`}>{row.name}</Link>
                  </th>
                  <td>
                    {row.version === null ? (
                      <span className="muted">no versions</span>
                    ) : (
                      <>
                        <Link href={`/models/${encodeURIComponent(row.name)}/versions/${row.version}`}>
                          v{row.version}
                        </Link>{" "}
                        <span className="muted">{row.inProduction ? "production" : "latest"}</span>
                      </>
                    )}
                  </td>
                  <td>
                    <VerdictBadge verdict={row.verdict} />
                  </td>
                  <td>
                    {row.version === null ? (
                      <span className="muted">—</span>
                    ) : (
                      <SeverityBadge severity={row.highestSeverity} />
                    )}
                  </td>
                  <td>
                    <span className="mono" title={row.licenseName ?? undefined}>
                      {row.licenseKey ?? "unknown"}
                    </span>
                    <br />
                    <CommercialBadge value={row.licenseClass} />
                  </td>
                  <td>{row.owner ?? <span className="muted">no owner</span>}</td>
                  <td>
                    {row.updatedAt ? (
                      <time dateTime={row.updatedAt} title={row.updatedAt}>
                        {row.updatedAt.slice(0, 10)}
                      </time>
                    ) : (
                      "—"
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {page && (previousCursor !== null || page.nextCursor) && (
        <nav className="pager" aria-label="Pages">
          <button
            type="button"
            disabled={previousCursor === null}
            onClick={() =>
              previousCursor !== null && navigate(inventoryHref({ ...query, cursor: previousCursor }))
            }
          >
            Previous page
          </button>
          <button
            type="button"
            disabled={!page.nextCursor}
            onClick={() => page.nextCursor && nextPage(page.nextCursor)}
          >
            Next page
          </button>
        </nav>
      )}
    </>
  );
}

/** Typing applies after a pause (or on Enter); the URL, and so the back button, follows. */
function TypedFilter({
  label,
  type,
  placeholder,
  value,
  onApply,
  className,
}: {
  label: string;
  type: "search" | "text";
  placeholder: string;
  value: string;
  onApply: (value: string) => void;
  className?: string;
}) {
  const [text, setText] = useState(value);
  const latest = useRef(onApply);
  latest.current = onApply;
  // The URL changed underneath (back button, clear filters): show what it says.
  useEffect(() => setText(value), [value]);
  useEffect(() => {
    if (text.trim() === value) return;
    const timer = setTimeout(() => latest.current(text.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, value]);
  return (
    <label className={className}>
      {label}
      <input
        type={type}
        value={text}
        placeholder={placeholder}
        spellCheck={false}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && text.trim() !== value) latest.current(text.trim());
        }}
      />
    </label>
  );
}

function FilterSelect({
  name,
  value,
  options,
  onChange,
}: {
  name: FilterKey;
  value: string;
  options: { value: string; label: string }[];
  onChange: (value: string) => void;
}) {
  const id = useId();
  // A value from a shared link that the option list does not know still shows as selected.
  const all =
    value && !options.some((o) => o.value === value) ? [...options, { value, label: value }] : options;
  return (
    <label htmlFor={id}>
      {FILTER_LABELS[name]}
      <select id={id} name={name} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">Any</option>
        {all.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function SortHeader({
  label,
  column,
  query,
  onSort,
  firstOrder,
}: {
  label: string;
  column: SortKey | null;
  query: InventoryQuery;
  onSort: (sort: SortKey, order: Order) => void;
  firstOrder: Order;
}) {
  if (!column) return <th scope="col">{label}</th>;
  const active = query.sort === column;
  const ariaSort = active ? (query.order === "asc" ? "ascending" : "descending") : "none";
  const nextOrder: Order = active ? (query.order === "asc" ? "desc" : "asc") : firstOrder;
  return (
    <th scope="col" aria-sort={ariaSort}>
      <button type="button" className="sort-button" onClick={() => onSort(column, nextOrder)}>
        {label}
        <span aria-hidden="true" className="sort-mark">
          {active ? (query.order === "asc" ? " ▲" : " ▼") : " ↕"}
        </span>
      </button>
    </th>
  );
}
