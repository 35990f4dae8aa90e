import type { LineageNode } from "./vet-types.ts";

/** Node width follows the longest id, within bounds (ids longer than the widest node are clipped). */
const NODE_MIN_W = 180;
const NODE_MAX_W = 340;
/** Approximate advance of a 13px bold character, to size nodes without measuring text. */
const CHAR_W = 7.8;
const NODE_H = 52;
const GAP_X = 24;
const GAP_Y = 56;

interface Placed {
  key: string;
  id: string;
  license: string;
  unresolved: string | null;
  x: number;
  y: number;
}

interface Edge {
  from: Placed;
  to: Placed;
  relation: string | null;
}

/**
 * The model's license lineage drawn as a tree, this model at the top and its bases below (a merge has
 * several parents). Drawn by hand: a handful of nodes needs no graph library. A list says the same in text.
 */
export function LineageGraph({
  model,
  license,
  lineage,
}: {
  model: string;
  license: string;
  lineage: LineageNode[];
}) {
  if (lineage.length === 0)
    return <p className="state">The model card names no base model: there is no lineage to follow.</p>;
  const { nodes, edges, width, height, nodeW } = layout(model, license, lineage);
  const maxChars = Math.floor((nodeW - 20) / CHAR_W);
  return (
    <>
      <div className="lineage-scroll">
        <svg
          className="lineage"
          viewBox={`0 0 ${width} ${height}`}
          width={width}
          height={height}
          role="img"
          aria-labelledby="lineage-title"
        >
          <title id="lineage-title">
            License lineage of {model}: {describe(lineage)}
          </title>
          <defs>
            <marker
              id="lineage-arrow"
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto"
            >
              <path d="M0,0 L10,5 L0,10 z" className="lineage-arrowhead" />
            </marker>
          </defs>
          {edges.map((e) => {
            const x1 = e.from.x + nodeW / 2;
            const y1 = e.from.y + NODE_H;
            const x2 = e.to.x + nodeW / 2;
            const y2 = e.to.y;
            return (
              <g key={`${e.from.key}>${e.to.key}`}>
                <line
                  x1={x1}
                  y1={y1}
                  x2={x2}
                  y2={y2 - 2}
                  className="lineage-edge"
                  markerEnd="url(#lineage-arrow)"
                />
                {e.relation && (
                  <text x={(x1 + x2) / 2 + 6} y={(y1 + y2) / 2 + 4} className="lineage-relation">
                    {e.relation}
                  </text>
                )}
              </g>
            );
          })}
          {nodes.map((n) => (
            <g key={n.key} className={n.unresolved ? "lineage-node unresolved" : "lineage-node"}>
              <title>{`${n.id}, license ${n.license}${n.unresolved ? `, unresolved: ${n.unresolved}` : ""}`}</title>
              <rect x={n.x} y={n.y} width={nodeW} height={NODE_H} rx={6} />
              <text x={n.x + 10} y={n.y + 21} className="lineage-id">
                {clip(n.id, maxChars)}
              </text>
              <text x={n.x + 10} y={n.y + 40} className="lineage-license">
                {n.unresolved ? `${n.license} · unresolved` : n.license}
              </text>
            </g>
          ))}
        </svg>
      </div>
      <details className="lineage-text" open>
        <summary>Lineage as a list</summary>
        <ul>
          <li>
            <strong>{model}</strong> (this model), license <code>{license}</code>
            <LineageList nodes={lineage} />
          </li>
        </ul>
      </details>
    </>
  );
}

function LineageList({ nodes }: { nodes: LineageNode[] }) {
  if (nodes.length === 0) return null;
  return (
    <ul>
      {nodes.map((n) => (
        <li key={n.id}>
          {relationPhrase(n.relation)} <strong>{n.id}</strong>, license <code>{n.license}</code>
          {n.resolvedFrom ? ` (read from ${n.resolvedFrom})` : ""}
          {n.resolvedFrom === null && (
            <span className="unresolved-note">
              {" "}
              — unresolved{n.unresolvedReason ? `: ${n.unresolvedReason}` : ""}
            </span>
          )}
          <LineageList nodes={n.parents} />
        </li>
      ))}
    </ul>
  );
}

function layout(model: string, license: string, lineage: LineageNode[]) {
  const nodeW = Math.min(NODE_MAX_W, Math.max(NODE_MIN_W, longestId(model, lineage) * CHAR_W + 24));
  const nodes: Placed[] = [];
  const edges: Edge[] = [];
  let nextLeaf = 0;
  let depthMax = 0;
  // Leaves take the next free column; an inner node sits centred over its parents.
  const place = (
    id: string,
    lic: string,
    unresolved: string | null,
    parents: LineageNode[],
    depth: number,
    key: string,
  ): Placed => {
    depthMax = Math.max(depthMax, depth);
    const placedParents = parents.map((p, i) =>
      place(
        p.id,
        p.license,
        p.resolvedFrom === null ? (p.unresolvedReason ?? "unresolved") : null,
        p.parents,
        depth + 1,
        `${key}.${i}`,
      ),
    );
    let x: number;
    if (placedParents.length === 0) x = nextLeaf++ * (nodeW + GAP_X);
    else x = (placedParents[0]!.x + placedParents[placedParents.length - 1]!.x) / 2;
    const node: Placed = { key, id, license: lic, unresolved, x, y: depth * (NODE_H + GAP_Y) };
    nodes.push(node);
    for (const [i, p] of parents.entries())
      edges.push({ from: node, to: placedParents[i]!, relation: p.relation });
    return node;
  };
  place(model, license, null, lineage, 0, "0");
  const width = Math.max(1, nextLeaf) * (nodeW + GAP_X) - GAP_X + 2;
  const height = (depthMax + 1) * (NODE_H + GAP_Y) - GAP_Y + 2;
  for (const n of nodes) {
    n.x += 1;
    n.y += 1;
  }
  return { nodes, edges, width, height, nodeW };
}

function describe(nodes: LineageNode[]): string {
  return nodes
    .map(
      (n) =>
        `${relationPhrase(n.relation)} ${n.id} (${n.license})${n.parents.length ? `, which comes from ${describe(n.parents)}` : ""}`,
    )
    .join("; ");
}

const RELATION_PHRASE: Record<string, string> = {
  finetune: "fine-tuned from",
  adapter: "adapter on",
  merge: "merged from",
  quantized: "quantized from",
};

function relationPhrase(relation: string | null): string {
  return (relation && RELATION_PHRASE[relation]) || "derived from";
}

function longestId(model: string, lineage: LineageNode[]): number {
  const walk = (nodes: LineageNode[]): number =>
    Math.max(0, ...nodes.map((n) => Math.max(n.id.length, walk(n.parents))));
  return Math.max(model.length, walk(lineage));
}

function clip(s: string, n: number): string {
  return s.length > n ? `…${s.slice(s.length - n + 1)}` : s;
}
