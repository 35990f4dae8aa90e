/** The parts of CycloneDX 1.6 JSON that modelgate writes (bom-1.6.schema.json names them the same). */

export interface BomProperty {
  name: string;
  value: string;
}

export interface BomHash {
  alg: "SHA-256";
  content: string;
}

export interface BomComponent {
  type: "machine-learning-model" | "file" | "data" | "application";
  "bom-ref"?: string;
  group?: string;
  name: string;
  version?: string;
  purl?: string;
  hashes?: BomHash[];
  licenses?: unknown[];
  pedigree?: { ancestors: BomComponent[] };
  modelCard?: Record<string, unknown>;
  data?: { type: "dataset"; name: string }[];
  properties?: BomProperty[];
}

/** Properties with a value; `undefined` and `null` values are left out. */
export function properties(entries: [string, string | number | boolean | null | undefined][]): BomProperty[] {
  return entries.flatMap(([name, value]) =>
    value === undefined || value === null ? [] : [{ name, value: String(value) }],
  );
}
