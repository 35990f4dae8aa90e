/**
 * License names in prose: card bodies ("released under the Apache 2.0 license"), `license_name`, NOTICE
 * files. Names are compared in a loose form (lower case, letters split from digits, punctuation and the
 * words "the", "license", "agreement", "version" dropped) so "Apache License, Version 2.0", "apache-2.0"
 * and "Apache 2.0" read the same.
 */
import { LICENSES } from "./kb/index.js";
import type { LicenseEntry } from "./types.js";

const DROPPED_WORDS = new Set(["the", "license", "licence", "agreement", "version", "v", "a", "an"]);
/** Hub family ids and placeholders: they name no single license. */
const TOO_VAGUE = new Set([
  "other",
  "unknown",
  "cc",
  "gpl",
  "lgpl",
  "bsd",
  "gfdl",
  "openrail",
  "free",
  "open",
]);
/** Phrases after which a license is named in running text. */
const LICENSE_TRIGGER =
  /\b(licen[cs]ed|released|distributed|available|published|provided|shared|offered) (as [\w-]+ )?under\b|\bunder the terms of\b|\bgoverned by\b|\bsubject to the\b|\blicen[cs]e\s*[:=]/i;
/**
 * Sentences about something other than this model's weights: its code or data ("the training code is
 * MIT") or its base ("the base model is licensed under ..."), which lineage reads from the base itself.
 */
const OTHER_SUBJECT =
  /\b(code|codebase|scripts?|software|dataset|data|library|tokenizer|(base|original|parent|upstream) models?)\b/i;
const THIS_MODEL = /\b(this|our|the) (model|weights|checkpoint|adapter|merge)\b|\b(weights|parameters)\b/i;
/** Caps: a card body is read in sentences, at most this many, each at most this long. */
const MAX_SENTENCES = 5_000;
const MAX_SENTENCE = 2_000;

export function looseForm(text: string): string {
  return text
    .toLowerCase()
    .replace(/([a-z])(\d)/g, "$1 $2")
    .replace(/(\d)([a-z])/g, "$1 $2")
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0 && !DROPPED_WORDS.has(w))
    .join(" ");
}

interface Alias {
  form: string;
  entry: LicenseEntry;
}

/** Built once: the knowledge base is constant data. */
const ALIASES: Alias[] = aliases();

function aliases(): Alias[] {
  const out: Alias[] = [];
  for (const entry of LICENSES) {
    const names = [entry.name, entry.key, ...entry.hubIds];
    if (!entry.spdx.startsWith("LicenseRef-")) names.push(entry.spdx);
    for (const n of new Set(names.map(looseForm))) {
      if (TOO_VAGUE.has(n) || n.length < 3 || /^[\d ]+$/.test(n)) continue;
      out.push({ form: n, entry });
    }
  }
  return out;
}

/**
 * The knowledge-base licenses a text names, in order of appearance; where names overlap ("Llama 3" inside
 * "Llama 3.1") the longest wins.
 */
export function findLicenseNames(text: string): LicenseEntry[] {
  const loose = ` ${looseForm(text.slice(0, MAX_SENTENCE * 4))} `;
  const hits: { start: number; end: number; entry: LicenseEntry }[] = [];
  for (const a of ALIASES) {
    const needle = ` ${a.form} `;
    for (let at = loose.indexOf(needle); at >= 0; at = loose.indexOf(needle, at + 1))
      hits.push({ start: at, end: at + needle.length, entry: a.entry });
  }
  hits.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: typeof hits = [];
  for (const h of hits) if (!kept.some((k) => h.start < k.end - 1 && k.start < h.end - 1)) kept.push(h);
  kept.sort((a, b) => a.start - b.start);
  const seen = new Set<string>();
  return kept.map((k) => k.entry).filter((e) => !seen.has(e.key) && seen.add(e.key));
}

/** The one license a name (`license_name`) means, or null when it names none or several. */
export function licenseByName(name: string): LicenseEntry | null {
  const found = findLicenseNames(name);
  return found.length === 1 ? found[0]! : null;
}

/** The license whose published URL a link (`license_link`) is. */
export function licenseByUrl(link: string): LicenseEntry | null {
  const want = urlForm(link);
  if (!want.includes("/")) return null;
  return LICENSES.find((l) => l.url && urlForm(l.url) === want) ?? null;
}

function urlForm(url: string): string {
  return url
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, "")
    .replace(/^www\./, "")
    .replace(/[#?].*$/, "")
    .replace(/\/+$/, "");
}

/**
 * Licenses a prose text says it is under: sentences with a licensing phrase ("licensed under",
 * "released under", "License:"), or every sentence when the whole text is a License section.
 */
export function licensesNamedInProse(text: string, wholeTextIsAboutLicense: boolean): LicenseEntry[] {
  const sentences = text.split(/(?<=[.!?])\s+|\n+/).slice(0, MAX_SENTENCES);
  const seen = new Set<string>();
  const out: LicenseEntry[] = [];
  for (const raw of sentences) {
    const sentence = raw.slice(0, MAX_SENTENCE);
    if (!wholeTextIsAboutLicense && !LICENSE_TRIGGER.test(sentence)) continue;
    if (OTHER_SUBJECT.test(sentence) && !THIS_MODEL.test(sentence.replace(OTHER_SUBJECT, ""))) continue;
    for (const e of findLicenseNames(sentence))
      if (!seen.has(e.key)) {
        seen.add(e.key);
        out.push(e);
      }
  }
  return out;
}
