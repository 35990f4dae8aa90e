import type { CardSection } from "./types.js";

export const MAX_SECTIONS = 2000;
const MAX_HEADING_CHARS = 300;

const ATX_OPENING = /^ {0,3}(#{1,6})(?:[ \t]|$)/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const HTML_HEADING = /^\s*<h([1-6])\b[^>]*>(.*?)<\/h\1>\s*$/i;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * Splits a Markdown body into sections at ATX (`## Uses`), setext (`Uses` over `---`) and HTML (`<h2>`)
 * headings, outside fenced code. Text before the first heading is a level-0 section with an empty heading.
 */
export function readSections(body: string): CardSection[] {
  const lines = body.split("\n");
  const sections: CardSection[] = [];
  let current: { heading: string; level: number; lines: string[] } = { heading: "", level: 0, lines: [] };
  let fence: string | null = null;
  const close = () => {
    const text = current.lines.join("\n").trim();
    if (current.level > 0 || text !== "")
      sections.push({ heading: current.heading, level: current.level, text });
  };
  const open = (heading: string, level: number) => {
    close();
    current = { heading: heading.trim().slice(0, MAX_HEADING_CHARS), level, lines: [] };
  };
  for (const line of lines) {
    if (sections.length >= MAX_SECTIONS - 1) {
      current.lines.push(line);
      continue;
    }
    const fenceMatch = FENCE.exec(line);
    if (fence !== null) {
      if (fenceMatch && fenceMatch[1]![0] === fence[0] && fenceMatch[1]!.length >= fence.length) fence = null;
      current.lines.push(line);
      continue;
    }
    if (fenceMatch) {
      fence = fenceMatch[1]!;
      current.lines.push(line);
      continue;
    }
    const atx = ATX_OPENING.exec(line);
    if (atx) {
      open(atxHeading(line.slice(atx[0].length)), atx[1]!.length);
      continue;
    }
    const html = HTML_HEADING.exec(line);
    if (html) {
      open(html[2]!.replace(/<[^>]*>/g, ""), Number(html[1]));
      continue;
    }
    const setext = SETEXT.exec(line);
    const previous = current.lines.at(-1);
    // A setext underline turns the single paragraph line above it into a heading; `---` after a blank
    // line is a thematic break instead.
    if (setext && previous !== undefined && previous.trim() !== "" && isParagraphLine(previous)) {
      current.lines.pop();
      open(previous, setext[1]![0] === "=" ? 1 : 2);
      continue;
    }
    current.lines.push(line);
  }
  close();
  return sections;
}

/** The text of an ATX heading without its optional closing hashes (`## Uses ##`), done without a regex
 * whose backtracking grows with the square of a long line. */
function atxHeading(rest: string): string {
  const text = rest.trim();
  let end = text.length;
  while (end > 0 && text[end - 1] === "#") end--;
  if (end === text.length) return text;
  if (end === 0) return "";
  const before = text[end - 1];
  return before === " " || before === "\t" ? text.slice(0, end).trim() : text;
}

function isParagraphLine(line: string): boolean {
  const trimmed = line.trim();
  return !/^(?:[-*+>|]|\d+[.)]\s|<)/.test(trimmed);
}
