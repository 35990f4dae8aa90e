/**
 * A light lexical review of Python source: calls a reviewer must see before running a model's remote
 * code (process start, exec/eval, dynamic import, native code, network, unsafe deserialization,
 * deleting trees, writing outside the repository). Patterns run over the source with strings and
 * comments blanked (mask.ts), so a mention in a docstring is not a call. Not a Python parser: an
 * obfuscated call can escape it, which is why every Python file is also reported for review.
 */
import { type MaskedSource, maskPython } from "./mask.js";

export type CallKind =
  | "process"
  | "code-execution"
  | "exec-decoded"
  | "dynamic-import"
  | "native-code"
  | "network"
  | "deserialization"
  | "file-delete"
  | "file-write"
  | "sensitive-path";

export interface CallHit {
  kind: CallKind;
  /** String index of the call in the source. */
  index: number;
  /** What the pattern matched, e.g. `os.system(`. */
  call: string;
}

/** Characters of a call's argument list read at most (to its closing parenthesis). */
const MAX_ARGS_CHARS = 4000;
/** Hits kept per file: enough for the evidence, bounded for hostile files. */
const MAX_HITS = 500;

/** Decoders whose output, passed to exec/eval, is the signature of an obfuscated payload. */
const DECODED =
  /\b(?:b64decode|b32decode|b16decode|a85decode|b85decode|decodebytes|decodestring|unhexlify|fromhex|decompress|marshal\s*\.\s*loads?|codecs\s*\.\s*decode|rot13|rot_13)\b|\[\s*::\s*-1\s*\]/;

interface Pattern {
  kind: CallKind;
  re: RegExp;
  /** Decides from the call's arguments whether this is a hit (absent: always). */
  when?: (args: Args) => boolean;
}

interface Args {
  /** Masked argument text between the parentheses. */
  code: string;
  /** The first argument's literal content when it is a string literal. */
  firstLiteral: string | null;
  /** Contents of every string literal among the arguments. */
  literals: string[];
}

const PATTERNS: Pattern[] = [
  {
    kind: "process",
    re: /\bos\s*\.\s*(?:system|popen|exec[lv]p?e?|spawn[lv]p?e?|posix_spawnp?|startfile|fork|forkpty)\s*\(/g,
  },
  {
    kind: "process",
    re: /\bsubprocess\s*\.\s*(?:run|call|check_call|check_output|Popen|getoutput|getstatusoutput)\s*\(/g,
  },
  { kind: "process", re: /\bpty\s*\.\s*spawn\s*\(/g },
  {
    kind: "process",
    re: /\bfrom\s+(?:os|subprocess|pty|commands)\s+import\s+[^\n;]*?\b(?:system|popen|exec[lv]p?e?|spawn[lv]p?e?|run|call|check_call|check_output|Popen|getoutput|getstatusoutput|spawn)\b/g,
  },
  {
    kind: "code-execution",
    // Not a method (`model.eval()`) and not a definition (`def eval(self):`).
    re: /(?<![\w.]|\bdef\s+)(?:eval|exec|compile)\s*\(/g,
    when: (a) => a.firstLiteral === null,
  },
  { kind: "code-execution", re: /\bbuiltins\s*\.\s*(?:eval|exec|compile)\s*\(/g },
  { kind: "code-execution", re: /\bfrom\s+builtins\s+import\s+[^\n;]*?\b(?:eval|exec|compile)\b/g },
  { kind: "code-execution", re: /\b(?:types\s*\.\s*)?(?:FunctionType|CodeType)\s*\(/g },
  { kind: "dynamic-import", re: /(?<![\w.]|\bdef\s+)__import__\s*\(/g },
  {
    kind: "dynamic-import",
    re: /\bimportlib\s*\.\s*import_module\s*\(/g,
    when: (a) => a.firstLiteral === null,
  },
  {
    kind: "dynamic-import",
    re: /\b(?:spec_from_file_location|module_from_spec|SourceFileLoader|load_source)\s*\(/g,
  },
  { kind: "native-code", re: /\b(?:import\s+ctypes|from\s+ctypes\s+import)\b/g },
  { kind: "native-code", re: /\bcffi\s*\.\s*FFI\s*\(|\bload_inline\s*\(/g },
  { kind: "network", re: /\bsocket\s*\.\s*(?:socket|create_connection|create_server)\s*\(/g },
  { kind: "network", re: /\bfrom\s+socket\s+import\b/g },
  {
    kind: "network",
    re: /\b(?:requests|httpx)\s*\.\s*(?:get|post|put|patch|delete|head|request|stream|Session|Client|AsyncClient)\s*\(/g,
  },
  { kind: "network", re: /(?<![\w])(?:urllib\s*\.\s*request\s*\.\s*)?(?:urlopen|urlretrieve)\s*\(/g },
  { kind: "network", re: /\bhttp\s*\.\s*client\s*\.\s*HTTPS?Connection\s*\(|\bHTTPS?Connection\s*\(/g },
  { kind: "network", re: /\baiohttp\s*\.\s*ClientSession\s*\(|\bwget\s*\.\s*download\s*\(/g },
  {
    kind: "deserialization",
    re: /\b(?:pickle|cPickle|_pickle|dill|cloudpickle|marshal|jsonpickle)\s*\.\s*(?:loads?|Unpickler|decode)\s*\(/g,
  },
  { kind: "deserialization", re: /\bjoblib\s*\.\s*load\s*\(|\bshelve\s*\.\s*open\s*\(/g },
  {
    kind: "deserialization",
    re: /\btorch\s*\.\s*load\s*\(/g,
    when: (a) => !/\bweights_only\s*=\s*True\b/.test(a.code),
  },
  {
    kind: "deserialization",
    re: /\b(?:np|numpy)\s*\.\s*load\s*\(/g,
    when: (a) => /\ballow_pickle\s*=\s*True\b/.test(a.code),
  },
  { kind: "deserialization", re: /\byaml\s*\.\s*unsafe_load(?:_all)?\s*\(/g },
  {
    kind: "deserialization",
    re: /\byaml\s*\.\s*load(?:_all)?\s*\(/g,
    when: (a) => !/\b(?:C?SafeLoader|BaseLoader|safe_load)\b/.test(a.code),
  },
  { kind: "file-delete", re: /\bshutil\s*\.\s*rmtree\s*\(/g },
  {
    kind: "file-write",
    re: /(?<![\w.])(?:io\s*\.\s*)?open\s*\(/g,
    when: (a) =>
      a.firstLiteral !== null &&
      /^(?:\/|~|\.\.[/\\]|[A-Za-z]:[/\\])/.test(a.firstLiteral) &&
      a.literals.slice(1).some((l) => /^[rbt]*[wax+][bt+]*$/.test(l)),
  },
];

/** Paths no model code needs: credentials, shell start-up files, system configuration. */
const SENSITIVE_PATH =
  /(?:^|[/\\~])\.(?:ssh|aws|netrc|bashrc|bash_profile|profile|zshrc|gitconfig|git-credentials|docker\/config\.json|kube\/config)\b|\/etc\/(?:passwd|shadow|sudoers|crontab|hosts)\b|\.huggingface\/token\b|\bid_(?:rsa|ed25519|ecdsa)\b/;

/** Every hit in a Python source, in order of appearance, at most MAX_HITS. */
export function findDangerousCalls(text: string): CallHit[] {
  const hits = scan(maskPython(text), text, 0, true);
  hits.sort((a, b) => a.index - b.index);
  return hits.slice(0, MAX_HITS);
}

function scan(masked: MaskedSource, text: string, base: number, nested: boolean): CallHit[] {
  const hits: CallHit[] = [];
  const { code } = masked;
  for (const p of PATTERNS) {
    // matchAll iterates a copy of the pattern: the nested scan below reuses the same patterns.
    for (const m of code.matchAll(p.re)) {
      if (hits.length >= MAX_HITS) break;
      const call = m[0].replace(/\s+/g, "");
      const needsArgs = p.when !== undefined || p.kind === "code-execution";
      const args = needsArgs && call.endsWith("(") ? readArgs(masked, text, m.index + m[0].length) : null;
      if (p.when && args && !p.when(args)) {
        // A literal passed to exec/eval/compile is code too: review what it holds (one level deep).
        if (nested && p.kind === "code-execution" && args.firstLiteral !== null) {
          for (const h of scan(maskPython(args.firstLiteral), args.firstLiteral, 0, false)) {
            hits.push({ ...h, index: base + m.index, call: `${call}...${h.call}` });
          }
        }
        continue;
      }
      const decoded = p.kind === "code-execution" && args !== null && DECODED.test(args.code);
      hits.push({ kind: decoded ? "exec-decoded" : p.kind, index: base + m.index, call });
    }
  }
  for (const [start, end] of masked.literals) {
    if (hits.length >= MAX_HITS) break;
    if (end - start < 512 && SENSITIVE_PATH.test(text.slice(start, end))) {
      hits.push({ kind: "sensitive-path", index: base + start, call: text.slice(start, end) });
    }
  }
  return hits;
}

/** The argument list after an opening parenthesis, to its matching close (bounded). */
function readArgs(masked: MaskedSource, text: string, from: number): Args {
  const { code } = masked;
  let depth = 1;
  let i = from;
  const limit = Math.min(code.length, from + MAX_ARGS_CHARS);
  for (; i < limit && depth > 0; i++) {
    const c = code[i];
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
  }
  const end = depth === 0 ? i - 1 : i;
  const literals = literalsIn(masked, from, end).map(([s, e]) => text.slice(s, e));
  const firstNonSpace = /\S/.exec(code.slice(from, end));
  const firstAt = firstNonSpace ? from + firstNonSpace.index : end;
  const first = literalsIn(masked, firstAt, firstAt + 5)[0];
  // The first argument is a literal when it is nothing but that literal (not `"a" + x`, not `"".join(x)`).
  const afterFirst = first ? code.slice(first[1], end).replace(/^["']{0,3}\s*/, "") : "";
  const isPlainLiteral = first !== undefined && (afterFirst === "" || afterFirst.startsWith(","));
  return {
    code: code.slice(from, end),
    firstLiteral: isPlainLiteral ? text.slice(first[0], first[1]) : null,
    literals,
  };
}

/** Literal ranges whose content starts in [from, to). */
function literalsIn(masked: MaskedSource, from: number, to: number): [number, number][] {
  const lits = masked.literals;
  let lo = 0;
  let hi = lits.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lits[mid]![0] < from) lo = mid + 1;
    else hi = mid;
  }
  const out: [number, number][] = [];
  for (let k = lo; k < lits.length && lits[k]![0] < to; k++) out.push(lits[k]!);
  return out;
}
