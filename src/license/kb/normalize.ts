/** Whitespace that does not end a line: rules here never look past the end of their line. */
const H = "[^\\S\\n\\r\\u2028\\u2029]";

/**
 * Normalizes license text for fingerprint matching, so that the same license reads the same whether it comes
 * as the SPDX plain text, a Markdown rendering (headings, emphasis, bullets, links) or a re-wrapped copy:
 * lower case, typographic quotes and dashes unified, Markdown markup removed, all whitespace one space.
 * One pass, linear in the text's length, and normalizing twice gives the same text as normalizing once.
 */
export function normalizeLicenseText(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[\u2018\u2019\u201a\u201b\u2032\u00b4]/g, "'")
      .replace(/[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/g, '"')
      .replace(/[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]/g, "-")
      // Emphasis and code markers carry no wording; `_` goes too, so no marker can hide another.
      .replace(/[*_`]+/g, "")
      // Markdown links `[text](url)` keep `[text]`, as plain text writes it.
      .replace(/\](?:\([^()[\]\s]*\))+/g, "]")
      // Autolinks `<https://...>` keep the URL, lose the brackets.
      .replace(/(?<!<)<+((?:https?|ftp|mailto):[^<>\s]*)>+/g, "$1")
      // Heading marks, block quotes and list bullets at the start of a line, then lines that are only a rule.
      .replace(/^\s*(?:(?:#{1,6}|[-+])(?=\s|$)\s*|>\s*)*/gm, "")
      .replace(new RegExp(`^${H}*[-=]{3,}${H}*$`, "gm"), "")
      .replace(/\s+/g, " ")
      .trim()
  );
}
