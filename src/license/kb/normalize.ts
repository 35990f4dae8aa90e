/**
 * Normalizes license text for fingerprint matching, so that the same license reads the same whether it comes
 * as the SPDX plain text, a Markdown rendering (headings, emphasis, bullets, links) or a re-wrapped copy:
 * lower case, typographic quotes and dashes unified, Markdown markup removed, all whitespace one space.
 */
export function normalizeLicenseText(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[\u2018\u2019\u201a\u201b\u2032\u0060\u00b4]/g, "'")
      .replace(/[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/g, '"')
      .replace(/[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]/g, "-")
      .replace(/[\u00a0\u2000-\u200b\u202f\u205f\u3000\ufeff]/g, " ")
      // Autolinks `<https://...>` keep the URL, lose the brackets.
      .replace(/<((?:https?|ftp|mailto):[^>\s]*)>/g, "$1")
      // Markdown links `[text](url)` keep the text.
      .replace(/\[([^\]\n]*)\]\([^)\s]*\)/g, "$1")
      // Headings, block quotes and list bullets at the start of a line.
      .replace(/^[ \t]*(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+)/gm, "")
      // Emphasis and code markers; `_` only at word edges so identifiers like `snake_case` survive.
      .replace(/\*+|`+/g, "")
      .replace(/(^|[\s(])_+|_+(?=[\s).,;:!?]|$)/gm, "$1")
      // Horizontal rules and underlined (setext) headings.
      .replace(/^[ \t]*(?:[-=_]{3,}|\*{3,})[ \t]*$/gm, " ")
      .replace(/\s+/g, " ")
      .trim()
  );
}
