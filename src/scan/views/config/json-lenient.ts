/**
 * JSON as Python's `json.loads` reads it: configs written by `json.dump` may hold the bare tokens `NaN`,
 * `Infinity` and `-Infinity` (allow_nan is on by default; `trainer_state.json` often has them), which
 * JSON.parse rejects. Those tokens become null; everything else is plain JSON.parse.
 */
export function parsePythonJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    if (!/NaN|Infinity/.test(body)) return { ok: false, error };
    try {
      return { ok: true, value: JSON.parse(replaceNonFinite(body)) };
    } catch {
      return { ok: false, error };
    }
  }
}

/** Rewrites `NaN`, `Infinity`, `-Infinity` outside strings as `null`. */
function replaceNonFinite(text: string): string {
  const out: string[] = [];
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    const token = text.startsWith("-Infinity", i)
      ? "-Infinity"
      : text.startsWith("Infinity", i)
        ? "Infinity"
        : text.startsWith("NaN", i)
          ? "NaN"
          : null;
    if (token !== null) {
      out.push(text.slice(last, i), "null");
      i += token.length - 1;
      last = i + 1;
    }
  }
  out.push(text.slice(last));
  return out.join("");
}
