import spdxIds from "spdx-license-list/simple.js";
import { licenseByKey } from "../license/kb/index.js";
import type { Obligations } from "../license/types.js";
import type { BomProperty } from "./cyclonedx.js";

/** What the BOM needs of a modelgate license key: its SPDX id or expression, name and text URL. */
export interface LicenseFacts {
  spdx: string | null;
  name: string;
  url?: string;
}

export type LicenseLookup = (key: string) => LicenseFacts | undefined;

/** The obligations knowledge base as the BOM reads it. */
export const knowledgeBaseLookup: LicenseLookup = (key) => {
  const entry = licenseByKey(key);
  return entry ? { spdx: entry.spdx, name: entry.name, url: entry.url } : undefined;
};

/** A CycloneDX 1.6 `licenseChoice`: a list of licenses, or exactly one expression. */
export type LicenseChoice =
  | { license: { id?: string; name?: string; url?: string; acknowledgement: "declared" | "concluded" } }[]
  | [{ expression: string; acknowledgement: "declared" | "concluded" }];

const COMPOUND = /\s(AND|OR|WITH)\s|[()]/;

/**
 * The `licenses` of a component. The 1.6 schema takes `license.id` only from its SPDX enum (which holds every
 * id of the spdx-license-list package: a test checks it), so a `LicenseRef-` id goes as a named license with
 * its URL, and a compound expression as `expression`. Null when the license is unknown: a BOM states no
 * license rather than a made-up one (the `modelgate:license:*` properties say why).
 */
export function licenseChoice(
  license: LicenseFacts | null,
  acknowledgement: "declared" | "concluded",
): LicenseChoice | null {
  if (!license) return null;
  const spdx = license.spdx?.trim() || null;
  const url = license.url && /^https?:\/\//.test(license.url) ? { url: license.url } : {};
  if (spdx && COMPOUND.test(spdx)) return [{ expression: spdx, acknowledgement }];
  if (spdx && spdxIds.has(spdx)) return [{ license: { id: spdx, ...url, acknowledgement } }];
  const name = license.name.trim() || spdx;
  if (!name) return null;
  return [{ license: { name, ...url, acknowledgement } }];
}

/** Facts of a license key for a base model; null when the key is `unknown`. */
export function factsOfKey(key: string, lookup: LicenseLookup): LicenseFacts | null {
  if (key === "unknown") return null;
  return lookup(key) ?? { spdx: null, name: key };
}

/** The obligations block as `modelgate:license:<obligation>` properties; `null` reads `unknown`. */
export function obligationProperties(obligations: Obligations): BomProperty[] {
  return (Object.keys(obligations) as (keyof Obligations)[]).map((k) => ({
    name: `modelgate:license:${k}`,
    value: String(obligations[k] ?? "unknown"),
  }));
}
