import type { CardLicense, CardResult, CardSection } from "./types.js";

export type ChecklistItemId =
  | "intended-use"
  | "out-of-scope-use"
  | "limitations"
  | "training-data"
  | "evaluation-results"
  | "license"
  | "contact";

export interface ChecklistItem {
  id: ChecklistItemId;
  title: string;
  /** Patterns over a normalized heading (lower case, no numbering, emoji or punctuation). */
  headings: RegExp[];
}

/** The completeness checklist, documented in docs/model-card.md (keep the two in step). */
export const CARD_CHECKLIST: readonly ChecklistItem[] = [
  {
    id: "intended-use",
    title: "Intended use",
    headings: [/^(model )?uses?$/, /\b(intended|direct|downstream|primary) uses?\b/, /\buse cases?\b/],
  },
  {
    id: "out-of-scope-use",
    title: "Out-of-scope use",
    headings: [
      /\bout of scope\b/,
      /\bmisuse\b/,
      /\b(prohibited|forbidden|restricted|malicious) uses?\b/,
      /\bnot intended\b/,
    ],
  },
  {
    id: "limitations",
    title: "Bias, risks and limitations",
    headings: [
      /\blimitations?\b/,
      /\bbias(es)?\b/,
      /\brisks?\b/,
      /\bethic(s|al)\b/,
      /\bcaveats?\b/,
      /\bknown issues\b/,
      /\bfairness\b/,
      /\bsafety\b/,
    ],
  },
  {
    id: "training-data",
    title: "Training data",
    headings: [
      /\b(training|train|pre ?training|fine ?tuning) (data|dataset|datasets|corpus)\b/,
      /\btraining details\b/,
      /\btraining and evaluation data\b/,
      /^(data|datasets?|data sources)$/,
    ],
  },
  {
    id: "evaluation-results",
    title: "Evaluation results",
    headings: [
      // "Training and evaluation data" is about data, not results.
      /\bevaluations?\b(?! (data|dataset|datasets)\b)/,
      /\beval\b/,
      /\bresults?\b/,
      /\bbenchmarks?\b/,
      /\bperformance\b/,
      /\bscores\b/,
    ],
  },
  {
    id: "license",
    title: "License",
    headings: [/\blicen[cs](e|es|ing)\b/, /\bterms of use\b/, /\bterms and conditions\b/],
  },
  {
    id: "contact",
    title: "Contact",
    headings: [
      /\bcontacts?\b/,
      /\bauthors?\b/,
      /\bmaintainers?\b/,
      /\bcontributors?\b/,
      /\bteam$/,
      /\bquestions or comments\b/,
      /\bfeedback\b/,
    ],
  },
];

/** Folds `## 3. 🚫 Out-of-Scope Use [optional]` to `out of scope use`. */
export function normalizeHeading(heading: string): string {
  return (
    heading
      .replace(/<[^>]*>/g, " ")
      .replace(/!\[[^\]]*\]\([^)]*\)/g, " ")
      .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/\[optional\]/gi, " ")
      // Letters such as U+2139 (information source) are emoji too.
      .replace(/\p{Extended_Pictographic}/gu, " ")
      .replace(/&/g, " and ")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, " ")
      .trim()
      .replace(/^(?:\d+ )+|^(?:[ivx]+|[a-h]) (?=\p{L}{2})/u, "")
      .trim()
  );
}

function matchItems(heading: string): ChecklistItemId[] {
  const normalized = normalizeHeading(heading);
  if (normalized === "") return [];
  return CARD_CHECKLIST.filter((item) => item.headings.some((h) => h.test(normalized))).map(
    (item) => item.id,
  );
}

const PLACEHOLDERS: RegExp[] = [
  /<!--[\s\S]*?(?:-->|$)/g,
  /\[More Information Needed\](?:\([^)\n]{0,500}\))?/gi,
  /^[ \t]*More information needed\.?[ \t]*$/gim,
  /\{\{[^{}]{0,500}\}\}/g,
  // Sentences the Hugging Face template writes whether or not anything was filled in.
  /Use the code below to get started with the model\.?/gi,
  /Users \(both direct and downstream\) should be made aware of the risks, biases and limitations of the model\.\s*More information needed for further recommendations\.?/gi,
  /Carbon emissions can be estimated using the[\s\S]{0,500}?Lacoste et al\. \(2019\)\]\([^)\n]{0,200}\)\.?/gi,
];
// Tested on trimmed lines: adjacent `\s*` would backtrack without bound on long blank runs.
const LABEL_ONLY = /^(?:[-*+]\s*)?(?:\*\*[^*]*\*\*|__[^_]*__)?(?:\s?:)?$/;
const FILLER = /^(?:tbd|tba|todo|coming soon|n\/?a|none|\.\.\.|-+)\.?$/i;

/** Whether text says something beyond the template's placeholders and empty `**Label:**` lines. */
export function isMeaningful(text: string): boolean {
  let rest = text;
  for (const placeholder of PLACEHOLDERS) rest = rest.replace(placeholder, " ");
  const kept = rest
    .split("\n")
    .filter((line) => !LABEL_ONLY.test(line.trim()))
    .join(" ")
    .trim();
  return /[\p{L}\p{N}]/u.test(kept) && !FILLER.test(kept);
}

interface BoldLabel {
  label: string;
  value: string;
}

/** Real cards have tens; the cap keeps a card of nothing but labels cheap. */
const MAX_BOLD_LABELS = 2000;
const BOLD_LABEL = /^\s*(?:[-*+]\s+)?(?:\*\*([^*\n]{1,100}?)\*\*|__([^_\n]{1,100}?)__)\s*:?\s*(.*)$/;

/** `**Out-of-scope** Use in any manner...` and `- **License:** apache-2.0`: labels that act as headings. */
export function boldLabels(text: string): BoldLabel[] {
  const labels: BoldLabel[] = [];
  let current: BoldLabel | null = null;
  for (const line of text.split("\n")) {
    const m = BOLD_LABEL.exec(line);
    if (m) {
      if (labels.length >= MAX_BOLD_LABELS) break;
      current = { label: (m[1] ?? m[2] ?? "").trim(), value: m[3] ?? "" };
      labels.push(current);
    } else if (line.trim() === "") {
      current = null;
    } else if (current !== null) {
      current.value += `\n${line}`;
    }
  }
  return labels;
}

export interface ChecklistInputs {
  sections: CardSection[];
  license: CardLicense;
  results: CardResult[];
  datasets: string[];
}

export interface ChecklistOutcome {
  completeness: number;
  missing: ChecklistItemId[];
  presentItems: ChecklistItemId[];
}

/** Items the body documents: under a matching heading (with its unclaimed subsections) or a bold label. */
function itemsInBody(sections: CardSection[]): Set<ChecklistItemId> {
  const found = new Set<ChecklistItemId>();
  const itemsOf = sections.map((s) => (s.level > 0 ? matchItems(s.heading) : []));
  const meaningful: (boolean | undefined)[] = [];
  const isFilled = (i: number) => {
    meaningful[i] ??= isMeaningful(sections[i]!.text);
    return meaningful[i];
  };
  sections.forEach((section, i) => {
    for (const item of itemsOf[i]!) {
      if (found.has(item)) continue;
      if (isFilled(i)) {
        found.add(item);
        continue;
      }
      // `## Uses` is filled in through `### Direct Use`; a subsection claimed by another item does not count.
      // Only a heading that holds nothing of its own is such a container: the PEFT template appends
      // `### Framework versions` under `## Model Card Contact` [More Information Needed].
      if (section.text.replace(/<!--[\s\S]*?(?:-->|$)/g, "").trim() !== "") continue;
      for (let j = i + 1; j < sections.length && sections[j]!.level > section.level; j++) {
        const sub = itemsOf[j]!;
        if ((sub.length === 0 || sub.includes(item)) && isFilled(j)) {
          found.add(item);
          break;
        }
      }
    }
    for (const { label, value } of boldLabels(section.text)) {
      for (const item of matchItems(label)) if (isMeaningful(value)) found.add(item);
    }
  });
  return found;
}

export function scoreChecklist({ sections, license, results, datasets }: ChecklistInputs): ChecklistOutcome {
  const found = itemsInBody(sections);
  if ((license.ids?.length ?? 0) > 0 || license.name !== null || license.link !== null) found.add("license");
  if (results.length > 0) found.add("evaluation-results");
  if (datasets.length > 0) found.add("training-data");
  const presentItems = CARD_CHECKLIST.map((item) => item.id).filter((id) => found.has(id));
  const missing = CARD_CHECKLIST.map((item) => item.id).filter((id) => !found.has(id));
  return { completeness: presentItems.length / CARD_CHECKLIST.length, missing, presentItems };
}

const MAX_LICENSE_LINE = 500;

function firstLine(text: string): string {
  const trimmed = text.trimStart();
  const end = trimmed.indexOf("\n");
  return (end < 0 ? trimmed : trimmed.slice(0, end)).slice(0, MAX_LICENSE_LINE).trim();
}

const URL = /https?:\/\/[^\s)>\]"']+/;
const LICENSE_TOKEN = /^[a-z0-9][a-z0-9.+-]{0,63}$/i;

/**
 * The license the body states when the metadata names none: a `License` section or a `**License:**`
 * label. Only a value shaped like a Hub id becomes `id`; prose stays out of it (never a guess).
 */
export function bodyLicense(sections: CardSection[]): CardLicense | null {
  for (const section of sections) {
    for (const { label, value } of boldLabels(section.text)) {
      if (!matchItems(label).includes("license") || !isMeaningful(value)) continue;
      const text = firstLine(value).replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
      const id = LICENSE_TOKEN.test(text) ? text.toLowerCase() : null;
      return {
        id,
        ids: id ? [id] : [],
        name: id ? null : text.slice(0, 200),
        link: URL.exec(value)?.[0] ?? null,
        source: "body",
      };
    }
    if (section.level > 0 && matchItems(section.heading).includes("license") && isMeaningful(section.text)) {
      const first = firstLine(section.text);
      const id = LICENSE_TOKEN.test(first) ? first.toLowerCase() : null;
      return {
        id,
        ids: id ? [id] : [],
        name: id ? null : first.slice(0, 200),
        link: URL.exec(section.text)?.[0] ?? null,
        source: "body",
      };
    }
  }
  return null;
}
