import { parseDocument } from "yaml";
import type { CardProblem } from "./types.js";

/** Cards that put a whole license agreement in `extra_gated_prompt` stay far below this. */
export const MAX_FRONT_MATTER_CHARS = 256 * 1024;
const MAX_YAML_ALIASES = 100;

export interface SplitCard {
  /** The YAML between the `---` lines, or null when the card has no front matter. */
  yaml: string | null;
  body: string;
}

const OPENING = /^---[ \t]*$/;
const CLOSING = /^(?:---|\.\.\.)[ \t]*$/;

/**
 * Splits front matter from body the way the Hub does: `---` on the first non-blank line, closed by `---`
 * (or `...`). A BOM and CRLF line ends are tolerated; the caller has already normalized line ends.
 */
export function splitFrontMatter(text: string, problems: CardProblem[]): SplitCard {
  const lines = text.split("\n");
  let first = 0;
  while (first < lines.length && lines[first]!.trim() === "") first++;
  if (first >= lines.length || !OPENING.test(lines[first]!)) return { yaml: null, body: text };
  for (let i = first + 1; i < lines.length; i++) {
    if (CLOSING.test(lines[i]!)) {
      return { yaml: lines.slice(first + 1, i).join("\n"), body: lines.slice(i + 1).join("\n") };
    }
  }
  problems.push({
    kind: "front-matter-unparseable",
    message: "The card opens front matter with `---` but never closes it; it was read as Markdown only.",
  });
  return { yaml: null, body: text };
}

/** Parses front matter YAML; any failure is a problem, never a throw. */
export function parseFrontMatter(yaml: string, problems: CardProblem[]): Record<string, unknown> | null {
  if (yaml.length > MAX_FRONT_MATTER_CHARS) {
    problems.push({
      kind: "front-matter-unparseable",
      message: `The front matter is ${yaml.length} characters, over the ${MAX_FRONT_MATTER_CHARS} read; metadata was ignored.`,
    });
    return null;
  }
  if (yaml.trim() === "") return {};
  let value: unknown;
  try {
    // YAML 1.2 (core schema): `language: no` stays the string "no", not false.
    const doc = parseDocument(yaml, {
      uniqueKeys: false,
      prettyErrors: false,
      strict: false,
      logLevel: "silent",
    });
    if (doc.errors.length > 0) {
      const detail = doc.errors[0]!.message.split("\n")[0];
      problems.push({
        kind: "front-matter-unparseable",
        message: `The front matter is not valid YAML (${detail}); metadata was ignored, the body was read.`,
      });
      return null;
    }
    value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (err) {
    // Alias bombs, unresolved aliases and pathological nesting all end here.
    problems.push({
      kind: "front-matter-unparseable",
      message: `The front matter could not be read (${String((err as Error)?.message ?? err).split("\n")[0]}); metadata was ignored.`,
    });
    return null;
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    problems.push({
      kind: "front-matter-unparseable",
      message: "The front matter is not a mapping of keys to values; metadata was ignored.",
    });
    return null;
  }
  return value as Record<string, unknown>;
}
