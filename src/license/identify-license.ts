import type { ModelCard } from "../card/types.js";
import { licenseByHubId, licenseByKey } from "./kb/index.js";
import { licenseByName, licenseByUrl, licensesNamedInProse } from "./license-names.js";
import { matchLicenseText, spdxLicense } from "./match-text.js";
import {
  type CitedObligations,
  citedObligationsOf,
  describeDuty,
  inheritedFrom,
  moreRestrictive,
  restrictiveness,
  splitCited,
  stricter,
  UNKNOWN_CITED,
} from "./obligations.js";
import type { LicenseConflict, LicenseEntry, LicenseReport, LicenseSource, LineageNode } from "./types.js";

export interface LicenseInputs {
  card: ModelCard | null;
  /** License-bearing files of the repository (LICENSE*, NOTICE*, USE_POLICY*, COPYING*), with their text. */
  files: { path: string; text: string }[];
  /** Base models already resolved (see resolveLineage). */
  lineage: LineageNode[];
}

/** A license as one source names it. */
interface Resolved {
  key: string;
  hub: string;
  spdx: string | null;
  name: string;
  entry: LicenseEntry | null;
}

interface Found {
  source: LicenseSource;
  /** null: the source names a license modelgate cannot identify. */
  license: Resolved | null;
  /** NOTICE / USE_POLICY: evidence of a license, not its text. */
  supporting: boolean;
  /** What is needed when `license` is null. */
  need?: string;
}

const CARD_PATH = "README.md";
/** Files that carry the license itself; anything else handed in (NOTICE, USE_POLICY) supports it. */
const PRIMARY_FILE = /(^|\/)(licen[cs]e|copying)[^/]*$/i;
/** Precedence among equally restrictive sources: the file a lawyer reads, then the metadata, then prose. */
const KIND_RANK: Record<LicenseSource["kind"], number> = { file: 0, card: 1, body: 2, "base-model": 3 };
/** The longest license texts are about 60 KB; past this a file is read no further. */
const MAX_LICENSE_CHARS = 256 * 1024;
/** Lineage is already capped by resolveLineage; this guards hand-built cyclic node graphs. */
const MAX_LINEAGE_DEPTH = 32;

/** The license of a model from every source in its repository and its lineage; never a guess. */
export function identifyLicense(inputs: LicenseInputs): LicenseReport {
  const card = inputs.card;
  const metadata = card?.license.source === "body" ? [] : fromCard(card, "card");
  const body = fromBody(card);
  // The card reader's own reading of the body counts only where the body names no license modelgate knows.
  const cardBody = card?.license.source === "body" && body.length === 0 ? fromCard(card, "body") : [];
  const found = [...metadata, ...inputs.files.flatMap(fromFile), ...body, ...cardBody];
  const conflicts: LicenseConflict[] = [];
  const resolved = found.filter((f): f is Found & { license: Resolved } => f.license !== null);
  const primary = resolved.filter((f) => !f.supporting);
  // Supporting files decide only where nothing else does.
  const deciding = primary.length > 0 ? primary : resolved;
  const winner = pickMostRestrictive(deciding);

  if (winner) {
    const reported = new Set<string>();
    for (const f of deciding)
      if (f.license.key !== winner.license.key && !reported.has(`${label(f)} ${f.license.key}`)) {
        reported.add(`${label(f)} ${f.license.key}`);
        conflicts.push({
          kind: "source-disagreement",
          message: `${describe(winner)} but ${describe(f)}; ${winner.license.key} is reported, as the more restrictive`,
          between: [label(winner), label(f)],
        });
      }
    const primaryFamilies = new Set(primary.map((f) => familyOf(f.license.key)));
    for (const f of resolved)
      if (f.supporting && primary.length > 0 && !primaryFamilies.has(familyOf(f.license.key)))
        conflicts.push({
          kind: "source-disagreement",
          message: `${f.source.path} is evidence of ${f.license.name} (${f.license.key}), but ${describe(winner)}`,
          between: [label(winner), label(f)],
        });
    for (const f of found)
      if (f.license === null && f.source.kind === "file" && !f.supporting)
        conflicts.push({
          kind: "source-disagreement",
          message: `${f.source.path} is not a license text modelgate knows, while ${describe(winner)}: have the file reviewed`,
          between: [label(winner), label(f)],
        });
  }

  let license: Resolved = winner?.license ?? unknownLicense(inputs.card);
  const declared: CitedObligations = winner ? mergedObligations([winner, ...deciding]) : UNKNOWN_CITED;
  // The obligations of the license reported: the declared one, or a base's whose terms travel.
  let governing = declared;
  let obligations = declared;
  const sources = found.map((f) => f.source);
  const lineageNotes: string[] = [];

  const merge = inputs.card?.relation === "merge" || inputs.lineage.length > 1;
  for (const node of inputs.lineage) {
    const relation = node.relation ?? inputs.card?.relation ?? (merge ? "merge" : "finetune");
    sources.push({ kind: "base-model", path: node.id, value: node.license });
    const base = effectiveObligations(node, 0);
    const baseEntry = licenseByKey(node.license) ?? null;
    const inherited = inheritedFrom(baseEntry, base);
    if (node.license === "unknown") {
      conflicts.push({
        kind: "lineage",
        message: `base model ${node.id} could not be read${node.unresolvedReason ? ` (${node.unresolvedReason})` : ""}: its license, which this ${relation} may have to carry, is unknown; make it readable (local folder, lineage file or the Hub)`,
        between: [winner ? label(winner) : CARD_PATH, node.id],
      });
      lineageNotes.push(`the license of base model ${node.id}`);
    } else if (winner && baseEntry && winner.license.key !== node.license) {
      const duty = describeDuty(baseEntry, base);
      if (duty && moreRestrictive(stricter(declared, inherited), declared))
        conflicts.push({
          kind: "lineage",
          message: `declares ${winner.license.name} (${winner.license.key}) but is ${article(relation)} ${relation} of ${node.id} (${node.license}), whose ${duty}`,
          between: [label(winner), node.id],
        });
    }
    obligations = stricter(obligations, inherited);
    // A base whose terms travel with every derivative governs it: report that license.
    if (
      winner &&
      baseEntry?.obligations.derivativesInherit.value === true &&
      restrictiveness(splitCited(base).values) > restrictiveness(splitCited(governing).values)
    ) {
      license = fromEntry(baseEntry);
      governing = base;
      // Same values; where they tie, the governing license's citations.
      obligations = stricter(inherited, obligations);
    }
  }
  if (merge) conflicts.push(...mergeConflicts(inputs.lineage));

  const { values, citations } = splitCited(obligations);
  const report: LicenseReport = {
    key: license.key,
    hub: license.hub,
    spdx: license.spdx,
    name: license.name,
    sources,
    obligations: values,
    conflicts,
  };
  if (Object.keys(citations).length > 0) report.citations = citations;
  if (inputs.lineage.length > 0) report.lineage = inputs.lineage;
  if (!winner) report.unresolved = unresolvedMessage(found, inputs.lineage);
  else if (lineageNotes.length > 0)
    report.unresolved = `needed to confirm the obligations: ${lineageNotes.join(", ")}`;
  return report;
}

function fromCard(card: ModelCard | null, kind: "card" | "body"): Found[] {
  if (!card?.present) return [];
  const { id, name, link, source } = card.license;
  const key = source && source !== "body" ? source : "license";
  const ids = card.license.ids && card.license.ids.length > 0 ? card.license.ids : id ? [id] : [];
  const out: Found[] = [];
  for (const hubId of ids.filter((i) => i !== "other" && i !== "unknown")) {
    const value = `${key}: ${hubId}`;
    const entry = licenseByHubId(hubId);
    const spdx = entry ? null : spdxLicense(hubId);
    out.push({
      source: { kind, path: CARD_PATH, value },
      license: entry ? fromEntry(entry, hubId) : spdx ? fromSpdx(spdx, hubId) : null,
      supporting: false,
      need: `the card's license "${hubId}" is not a Hub license id modelgate knows: use a Hub id, or license: other with license_name and license_link`,
    });
  }
  if (out.length > 0 || (!name && !link && !ids.includes("other"))) return out;
  const value = [`${key}: other`, name && `license_name: ${name}`, link && `license_link: ${link}`]
    .filter(Boolean)
    .join(", ");
  const entry = (name ? licenseByName(name) : null) ?? (link ? licenseByUrl(link) : null);
  return [
    {
      source: { kind, path: CARD_PATH, value },
      license: entry ? fromEntry(entry, "other") : null,
      supporting: false,
      need: `the card declares license: other${name ? ` ("${name}")` : ""}, which modelgate's knowledge base does not know: add the license text as a LICENSE file or have it reviewed`,
    },
  ];
}

function fromFile({ path, text: whole }: { path: string; text: string }): Found[] {
  const file = { path, text: whole.slice(0, MAX_LICENSE_CHARS) };
  const supporting = !PRIMARY_FILE.test(file.path);
  const match = matchLicenseText(file.text);
  if (match) {
    const license = match.kind === "kb" ? fromEntry(match.entry) : fromSpdx(match);
    return [{ source: { kind: "file", path: file.path, value: license.name }, license, supporting }];
  }
  // A NOTICE or a use policy names the license it belongs to ("Llama 3.1 Acceptable Use Policy").
  const named = licensesNamedInProse(file.text.slice(0, 4_000), supporting);
  if (named.length > 0)
    return named.map((entry) => ({
      source: { kind: "file" as const, path: file.path, value: `names ${entry.name}` },
      license: fromEntry(entry),
      supporting: true,
    }));
  if (supporting) return [];
  return [
    {
      source: { kind: "file", path: file.path, value: "unrecognized license text" },
      license: null,
      supporting: false,
      need: `${file.path} is not a license text modelgate knows: have it reviewed and name the license in the card`,
    },
  ];
}

function fromBody(card: ModelCard | null): Found[] {
  if (!card?.present) return [];
  const seen = new Set<string>();
  const out: Found[] = [];
  for (const section of card.sections) {
    const aboutLicense = /licen[cs]/i.test(section.heading);
    for (const entry of licensesNamedInProse(section.text, aboutLicense)) {
      if (seen.has(entry.key)) continue;
      seen.add(entry.key);
      out.push({
        source: { kind: "body", path: CARD_PATH, value: `${section.heading || "body"}: ${entry.name}` },
        license: fromEntry(entry),
        supporting: false,
      });
    }
  }
  return out;
}

function fromEntry(entry: LicenseEntry, hubId?: string): Resolved {
  const hub = hubId ?? entry.hubIds[0] ?? "other";
  return { key: entry.key, hub, spdx: entry.spdx, name: entry.name, entry };
}

function fromSpdx(l: { spdx?: string; id?: string; name: string }, hubId?: string): Resolved {
  const spdx = l.spdx ?? l.id ?? "";
  return { key: spdx.toLowerCase(), hub: hubId ?? "other", spdx, name: l.name, entry: null };
}

function unknownLicense(card: ModelCard | null): Resolved {
  return {
    key: "unknown",
    hub: card?.license.id === "other" ? "other" : "unknown",
    spdx: null,
    name: "Unknown",
    entry: null,
  };
}

function pickMostRestrictive<T extends Found & { license: Resolved }>(found: T[]): T | null {
  let best: T | null = null;
  for (const f of found) {
    if (!best) {
      best = f;
      continue;
    }
    const a = restrictiveness(splitCited(citedObligationsOf(f.license.entry)).values);
    const b = restrictiveness(splitCited(citedObligationsOf(best.license.entry)).values);
    if (a > b || (a === b && KIND_RANK[f.source.kind] < KIND_RANK[best.source.kind])) best = f;
  }
  return best;
}

/**
 * Every deciding source's obligations, the stricter field by field (sources that disagree all bind); on
 * equal values the first source's citation stays.
 */
function mergedObligations(found: (Found & { license: Resolved })[]): CitedObligations {
  const distinct = [...new Map(found.map((f) => [f.license.key, f.license.entry])).values()];
  return distinct.map(citedObligationsOf).reduce(stricter);
}

/** A base's obligations with those its own bases pass down. */
function effectiveObligations(node: LineageNode, depth: number): CitedObligations {
  const entry = licenseByKey(node.license) ?? null;
  let obligations = citedObligationsOf(entry);
  if (depth >= MAX_LINEAGE_DEPTH) return UNKNOWN_CITED;
  for (const parent of node.parents) {
    const parentEntry = licenseByKey(parent.license) ?? null;
    obligations = stricter(obligations, inheritedFrom(parentEntry, effectiveObligations(parent, depth + 1)));
  }
  return obligations;
}

/** Parents whose licenses cannot both be met by one merged model. */
function mergeConflicts(parents: LineageNode[]): LicenseConflict[] {
  const known = parents.flatMap((p) => {
    const entry = licenseByKey(p.license);
    return entry ? [{ node: p, entry }] : [];
  });
  const out: LicenseConflict[] = [];
  for (let i = 0; i < known.length; i++)
    for (let j = i + 1; j < known.length; j++) {
      const a = known[i]!;
      const b = known[j]!;
      if (a.entry.key === b.entry.key) continue;
      out.push(...pairConflict(a, b));
    }
  return out;
}

type Parent = { node: LineageNode; entry: LicenseEntry };

/**
 * One conflict at most per pair: copyleft that allows no further restrictions beside a parent that
 * restricts use (the sharper reason), else two licenses that each require derivatives under their terms.
 */
function pairConflict(a: Parent, b: Parent): LicenseConflict[] {
  for (const [c, r] of [
    [a, b],
    [b, a],
  ] as const) {
    const restricts =
      r.entry.obligations.useRestrictions.value === true ||
      r.entry.obligations.commercialUse.value === "prohibited";
    if (c.entry.obligations.shareAlike.value === true && restricts)
      return [
        {
          kind: "merge",
          message: `merges ${c.node.id} (${c.entry.key}), whose share-alike terms (${c.entry.obligations.shareAlike.cite}) allow no further restrictions, with ${r.node.id} (${r.entry.key}), which restricts ${r.entry.obligations.commercialUse.value === "prohibited" ? "commercial use" : "use"}`,
          between: [c.node.id, r.node.id],
        },
      ];
  }
  const ai = a.entry.obligations.derivativesInherit;
  const bi = b.entry.obligations.derivativesInherit;
  if (ai.value === true && bi.value === true && familyOf(a.entry.key) !== familyOf(b.entry.key))
    return [
      {
        kind: "merge",
        message: `merges ${a.node.id} (${a.entry.key}, ${ai.cite}) and ${b.node.id} (${b.entry.key}, ${bi.cite}): each requires derivatives under its own terms`,
        between: [a.node.id, b.node.id],
      },
    ];
  return [];
}

function unresolvedMessage(found: Found[], lineage: LineageNode[]): string {
  const needs = found.flatMap((f) => (f.license === null && f.need ? [f.need] : []));
  const base = lineage.filter((n) => n.license !== "unknown").map((n) => `${n.id} (${n.license})`);
  const parts =
    needs.length > 0
      ? needs
      : ["no license found: add a license to the card metadata (license: <Hub id>) or a LICENSE file"];
  if (base.length > 0) parts.push(`the base models' licenses apply at least: ${base.join(", ")}`);
  return parts.join("; ");
}

function label(f: Found): string {
  return `${f.source.kind}:${f.source.path}`;
}

function describe(f: Found & { license: Resolved }): string {
  const where =
    f.source.kind === "card"
      ? `the card metadata (${f.source.path}) declares`
      : f.source.kind === "body"
        ? `the card body (${f.source.path}) names`
        : `${f.source.path} is`;
  return `${where} ${f.license.name} (${f.license.key})`;
}

/** `llama3.1` -> `llama`, `cc-by-nc-4.0` -> `cc`: licenses of one publisher's family. */
function familyOf(key: string): string {
  return /^[a-z]+/.exec(key)?.[0] ?? key;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? "an" : "a";
}
