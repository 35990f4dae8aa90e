import { createHash } from "node:crypto";
import { RegistryError } from "../errors.js";
import type { ScanReport } from "../scan/types.js";
import type { ManifestEntry } from "./types.js";

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** JSON with object keys sorted at every depth: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** The manifest of a scanned folder, sorted by path; every file must carry its sha256. */
export function manifestOf(scan: ScanReport): ManifestEntry[] {
  if (scan.files.length === 0) throw new RegistryError("INVALID_INPUT", "the vet report lists no files");
  const unhashed = scan.files.filter((f) => !f.sha256).map((f) => f.path);
  if (unhashed.length > 0) {
    throw new RegistryError(
      "INVALID_INPUT",
      `the vet report has no sha256 for ${unhashed.length} file(s) (${unhashed.slice(0, 3).join(", ")}): vet with hashing enabled`,
    );
  }
  return scan.files
    .map((f) => ({ path: f.path, size: f.size, sha256: f.sha256 }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** sha256 over `path\tsize\tsha256` lines: the identity of a version's content. */
export function manifestDigest(manifest: ManifestEntry[]): string {
  return sha256Hex(manifest.map((f) => `${f.path}\t${f.size}\t${f.sha256}\n`).join(""));
}
