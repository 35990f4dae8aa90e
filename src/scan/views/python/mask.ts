/**
 * Python source with the contents of string literals and comments blanked out (same length, newlines
 * kept), so that a pattern search for calls only meets code: `"os.system"` in a docstring or `# eval(x)`
 * is not a call. Quote characters stay, so a literal argument is still visible as `"   "`.
 * f-strings keep their `{...}` replacement fields, which are code.
 */
export interface MaskedSource {
  code: string;
  /** [start, end) string indexes of each literal's content (without prefix and quotes). */
  literals: [number, number][];
}

/** Literal ranges kept per file at most; past it an argument counts as non-literal (more hits, never fewer). */
const MAX_LITERALS = 200_000;

export function maskPython(text: string): MaskedSource {
  const out: string[] = [];
  const literals: [number, number][] = [];
  let last = 0;
  const blank = (from: number, to: number) => {
    out.push(text.slice(last, from), text.slice(from, to).replace(/[^\n]/g, " "));
    last = to;
  };
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === "#") {
      let end = text.indexOf("\n", i);
      if (end < 0) end = n;
      blank(i, end);
      i = end;
      continue;
    }
    if (c === '"' || c === "'") {
      i = scanString(text, i, isFString(text, i), blank, literals);
      continue;
    }
    i++;
  }
  out.push(text.slice(last));
  return { code: out.join(""), literals };
}

/** Whether the letters before a quote (at most two: r, b, u, f and pairs) make it an f-string. */
function isFString(text: string, quote: number): boolean {
  let start = quote;
  while (start > 0 && quote - start < 2 && /[rRbBuUfF]/.test(text[start - 1]!)) start--;
  if (start > 0 && /[A-Za-z0-9_]/.test(text[start - 1]!)) return false;
  return /[fF]/.test(text.slice(start, quote));
}

/** Scans one literal starting at its opening quote; returns the index after it. */
function scanString(
  text: string,
  at: number,
  isF: boolean,
  blank: (from: number, to: number) => void,
  literals: [number, number][],
): number {
  const q = text[at]!;
  const triple = text.startsWith(q.repeat(3), at);
  const delim = triple ? q.repeat(3) : q;
  let i = at + delim.length;
  const n = text.length;
  let segment = i;
  const contentStart = i;
  while (i < n) {
    const c = text[i]!;
    if (c === "\\") {
      i += 2;
      continue;
    }
    if (!triple && c === "\n") break;
    if (text.startsWith(delim, i)) break;
    if (isF && c === "{") {
      if (text[i + 1] === "{") {
        i += 2;
        continue;
      }
      blank(segment, i + 1);
      i = skipReplacementField(text, i + 1, delim);
      segment = i;
      continue;
    }
    i++;
  }
  const end = Math.min(i, n);
  blank(segment, end);
  if (literals.length < MAX_LITERALS) literals.push([contentStart, end]);
  return text.startsWith(delim, end) ? end + delim.length : end;
}

/** Skips an f-string's `{expression}` (left as code), up to its closing brace or the literal's end. */
function skipReplacementField(text: string, from: number, delim: string): number {
  let depth = 1;
  let i = from;
  while (i < text.length && depth > 0) {
    if (text.startsWith(delim, i)) return i;
    const c = text[i]!;
    if (c === "{") depth++;
    else if (c === "}") depth--;
    else if (c === "\n" && delim.length === 1) return i;
    i++;
  }
  return i;
}
