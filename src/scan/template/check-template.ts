import type { Severity } from "../types.js";

/** One problem in a Jinja chat template; the caller places it (file, location). */
export interface TemplateIssue {
  ruleId: string;
  severity: Severity;
  message: string;
  evidence: Record<string, unknown>;
}

/** Loose view of @huggingface/jinja's AST: every node has a `type`, children are fields. */
interface Node {
  type: string;
  [field: string]: unknown;
}

const EVIDENCE_CHARS = 200;

/**
 * Attribute names that reach Python internals. Jinja's sandbox refuses every `_`-prefixed name; these
 * others are the frame/code/function attributes and calls of the published SSTI chains.
 */
const INTERNAL_ATTRS = new Set([
  "mro",
  "func_globals",
  "func_code",
  "func_closure",
  "func_dict",
  "gi_frame",
  "gi_code",
  "gi_yieldfrom",
  "cr_frame",
  "cr_code",
  "ag_frame",
  "ag_code",
  "f_globals",
  "f_locals",
  "f_builtins",
  "f_back",
  "tb_frame",
  "tb_next",
  "im_func",
  "im_self",
  "im_class",
  "co_code",
  "popen",
  "format_map",
]);

/** Jinja/Flask globals that lead to Python's builtins or the host application. Any reference is suspect. */
const DANGEROUS_GLOBALS = new Set([
  "os",
  "subprocess",
  "sys",
  "builtins",
  "importlib",
  "self",
  "config",
  "request",
  "session",
  "lipsum",
  "url_for",
  "get_flashed_messages",
  "eval",
  "exec",
  "getattr",
  "setattr",
  "globals",
  "locals",
  "vars",
  "open",
  "compile",
]);

/** Callables chat templates use legitimately, but whose attributes are a way into Python (`cycler.__init__`). */
const GADGET_CALLABLES = new Set(["cycler", "joiner", "namespace", "range", "dict"]);

/** Filters whose argument names an attribute to read. */
const ATTRIBUTE_FILTERS = new Set([
  "attr",
  "map",
  "selectattr",
  "rejectattr",
  "sort",
  "groupby",
  "sum",
  "unique",
  "min",
  "max",
]);

/** `{% import %}`, `{% include %}`, `{% extends %}`, `{% from %}`: load other templates (not parsed by the library). */
const LOAD_TAG = /\{%[-+]?\s*(import|include|extends|from)\b[\s\S]*?%\}/g;
const RAW_BLOCK = /\{%[-+]?\s*raw\s*[-+]?%\}[\s\S]*?\{%[-+]?\s*endraw\s*[-+]?%\}/g;

function isInternalName(name: string): boolean {
  return name.startsWith("_") || INTERNAL_ATTRS.has(name);
}

function clip(text: string): string {
  return text.length > EVIDENCE_CHARS ? `${text.slice(0, EVIDENCE_CHARS - 3)}...` : text;
}

function lineOf(template: string, needle: string): number | undefined {
  const at = template.indexOf(needle);
  return at < 0 ? undefined : template.slice(0, at).split("\n").length;
}

/**
 * A chat template (GGUF `tokenizer.chat_template`, `tokenizer_config.json` `chat_template`) parsed as
 * Jinja and checked for server-side template injection: rendered outside a sandbox (llama-cpp-python
 * before 0.2.72, CVE-2024-34359; others since) a template runs Python.
 */
export async function checkChatTemplate(template: string): Promise<TemplateIssue[]> {
  const issues: TemplateIssue[] = [];
  for (const m of template.matchAll(LOAD_TAG)) {
    issues.push({
      ruleId: "TEMPLATE_DANGEROUS_GLOBAL",
      severity: "high",
      message: `the chat template loads another template ({% ${m[1]} %}); chat templates never do`,
      evidence: { expression: clip(m[0]), line: lineOf(template, m[0]) },
    });
  }
  // Neither construct is known to the parser; removed, the rest of the template can still be verified.
  const source = template.replace(LOAD_TAG, "").replace(RAW_BLOCK, "");
  const jinja = await import("@huggingface/jinja");
  let program: Node;
  try {
    program = jinja.parse(
      jinja.tokenize(source, { lstrip_blocks: true, trim_blocks: true }),
    ) as unknown as Node;
  } catch (err) {
    issues.push({
      ruleId: "TEMPLATE_UNPARSEABLE",
      severity: "medium",
      message: `the chat template cannot be parsed (${err instanceof Error ? err.message : String(err)}), so it cannot be verified`,
      evidence: { error: err instanceof Error ? err.message : String(err) },
    });
    issues.push(...scanText(source));
    return issues;
  }
  new Walker(template, issues).run(program);
  return longestChains(issues);
}

/**
 * `cycler.__init__.__globals__.os.popen` is one gadget chain, though every step of it is suspect: keep
 * the longest expression and drop the ones it extends, so the report shows one finding per chain.
 */
function longestChains(issues: TemplateIssue[]): TemplateIssue[] {
  const expr = (i: TemplateIssue) => String(i.evidence.expression ?? "");
  return issues.filter(
    (i) =>
      !issues.some(
        (other) =>
          other !== i &&
          other.ruleId === i.ruleId &&
          other.evidence.line === i.evidence.line &&
          expr(other).length > expr(i).length &&
          expr(other).startsWith(expr(i)),
      ),
  );
}

/** Without an AST: dunder names and dangerous globals anywhere inside `{{ }}` / `{% %}`. */
function scanText(source: string): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const seen = new Set<string>();
  for (const block of source.matchAll(/\{[{%][\s\S]*?[}%]\}/g)) {
    const code = block[0];
    const dunder = /\b__[A-Za-z]\w*__\b|\.(mro|popen|func_globals|gi_frame|f_globals)\b/.exec(code);
    const global =
      /(?<![.\w'"])(lipsum|cycler|joiner|url_for|get_flashed_messages|self|config|request|os|subprocess)\s*[.[(]/.exec(
        code,
      );
    const hit = dunder ?? global;
    if (!hit || seen.has(code)) continue;
    seen.add(code);
    issues.push({
      ruleId: dunder ? "TEMPLATE_INJECTION" : "TEMPLATE_DANGEROUS_GLOBAL",
      severity: dunder ? "critical" : "high",
      message: dunder
        ? `the chat template reaches Python internals (${hit[0].replace(/^\./, "")}): a server-side template injection payload`
        : `the chat template references ${hit[1]}, a way out of the template's data`,
      evidence: { expression: clip(code), line: lineOf(source, code) },
    });
  }
  return issues;
}

class Walker {
  /** Names the template binds itself ({% set %}, loop variables, macros and their parameters). */
  private readonly locals = new Set<string>();
  private readonly reported = new Set<string>();
  /** Identifiers that are names, not variables: `x.name`, `f(key=...)`, `|filter`, `is test`. */
  private readonly names = new WeakSet<Node>();

  constructor(
    private readonly template: string,
    private readonly issues: TemplateIssue[],
  ) {}

  run(program: Node): void {
    this.collectLocals(program);
    this.visit(program);
  }

  private report(severity: Severity, ruleId: string, message: string, node: Node, name?: string): void {
    const expression = clip(render(node));
    const key = `${ruleId}|${expression}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    const line = name === undefined ? undefined : lineOf(this.template, name);
    this.issues.push({
      ruleId,
      severity,
      message,
      evidence: line === undefined ? { expression } : { expression, line },
    });
  }

  private collectLocals(node: unknown): void {
    for (const n of children(node)) {
      if (n.type === "SetStatement") this.bind(n.assignee);
      else if (n.type === "For") this.bind(n.loopvar);
      else if (n.type === "Macro") {
        this.bind(n.name);
        for (const a of (n.args as Node[]) ?? [])
          this.bind(a.type === "KeywordArgumentExpression" ? a.key : a);
      } else if (n.type === "CallStatement")
        for (const a of (n.callerArgs as Node[] | null) ?? []) this.bind(a);
      this.collectLocals(n);
    }
  }

  private bind(target: unknown): void {
    const t = target as Node | undefined;
    if (!t) return;
    if (t.type === "Identifier") this.locals.add(t.value as string);
    else if (t.type === "TupleLiteral" || t.type === "ArrayLiteral")
      for (const e of t.value as Node[]) this.bind(e);
  }

  private visit(node: unknown): void {
    for (const n of children(node)) {
      this.check(n);
      this.visit(n);
    }
  }

  private check(n: Node): void {
    if (this.names.has(n)) return;
    if (n.type === "MemberExpression" && !n.computed) this.names.add(n.property as Node);
    else if (n.type === "KeywordArgumentExpression") this.names.add(n.key as Node);
    else if (n.type === "TestExpression") this.names.add(n.test as Node);
    else if (n.type === "FilterExpression" || n.type === "FilterStatement") {
      const filter = n.filter as Node;
      this.names.add(filter.type === "CallExpression" ? (filter.callee as Node) : filter);
    }
    if (n.type === "MemberExpression") {
      const property = n.property as Node;
      const name = n.computed ? constantString(property) : (property.value as string);
      if (name !== undefined && isInternalName(name)) {
        this.report(
          "critical",
          "TEMPLATE_INJECTION",
          `the chat template reads ${name} from an object: the start of a gadget chain into Python internals`,
          n,
          name,
        );
        return;
      }
      const object = n.object as Node;
      if (object.type === "Identifier" && !this.locals.has(object.value as string)) {
        const root = object.value as string;
        if (GADGET_CALLABLES.has(root))
          this.report(
            "high",
            "TEMPLATE_DANGEROUS_GLOBAL",
            `the chat template reads an attribute of the ${root} function itself, a known way out of the template`,
            n,
            root,
          );
      }
      // `"{0.__class__}".format(x)`: str.format walks attributes itself.
      if (!n.computed && name === "format") {
        const fmt = constantString(object);
        if (fmt !== undefined && /\{[^{}]*[.[][^{}]*\}/.test(fmt))
          this.report(
            /__|\{[^}]*\._/.test(fmt) ? "critical" : "high",
            /__|\{[^}]*\._/.test(fmt) ? "TEMPLATE_INJECTION" : "TEMPLATE_DANGEROUS_GLOBAL",
            "the chat template calls str.format with a field that reads attributes, a sandbox escape",
            n,
          );
      }
    } else if (n.type === "Identifier") {
      const name = n.value as string;
      if (DANGEROUS_GLOBALS.has(name) && !this.locals.has(name))
        this.report(
          "high",
          "TEMPLATE_DANGEROUS_GLOBAL",
          `the chat template references ${name}, which is not template data but a way into the host application or Python`,
          n,
          name,
        );
      else if (isInternalName(name) && name.startsWith("__"))
        this.report("critical", "TEMPLATE_INJECTION", `the chat template names ${name}`, n, name);
    } else if (n.type === "FilterExpression" || n.type === "FilterStatement") {
      this.checkFilter(n);
    } else if (n.type === "StringLiteral" || n.type === "BinaryExpression") {
      // A dunder name spelled as data (`'__cla' ~ 'ss__'`, `'__class__'|...`) to be used as an attribute.
      const text = n.type === "StringLiteral" ? (n.value as string) : constantString(n);
      if (text !== undefined && /^__\w+__$/.test(text))
        this.report(
          "critical",
          "TEMPLATE_INJECTION",
          `the chat template builds the name ${text}`,
          n,
          text.slice(0, 8),
        );
    }
  }

  private checkFilter(n: Node): void {
    const filter = n.filter as Node;
    const call = filter.type === "CallExpression" ? filter : undefined;
    const name = ((call ? (call.callee as Node) : filter).value as string | undefined) ?? "";
    const args = (call?.args as Node[] | undefined) ?? [];
    if (ATTRIBUTE_FILTERS.has(name)) {
      for (const arg of args) {
        const value = arg.type === "KeywordArgumentExpression" ? (arg.value as Node) : arg;
        if (arg.type === "KeywordArgumentExpression" && (arg.key as Node).value !== "attribute") continue;
        const text = constantString(value);
        if (text?.split(".").some(isInternalName)) {
          this.report(
            "critical",
            "TEMPLATE_INJECTION",
            `the chat template reads ${text} through |${name}`,
            n,
            text,
          );
          return;
        }
        if (name === "attr" && text === undefined) {
          this.report(
            "high",
            "TEMPLATE_DANGEROUS_GLOBAL",
            "the chat template reads an attribute whose name is built at run time (|attr)",
            n,
          );
          return;
        }
      }
    }
    // A dunder name assembled by a filter: `['__cla','ss__']|join`, `'%s%s'|format(...)`, `'__x__'|replace(...)`.
    const built = constantString(n);
    if (built !== undefined && /__\w+__/.test(built))
      this.report(
        "critical",
        "TEMPLATE_INJECTION",
        `the chat template builds the name ${built.slice(0, 60)} at run time`,
        n,
      );
  }
}

/** Child nodes of a node, in field order (arrays and Maps of nodes included). */
function children(node: unknown): Node[] {
  const out: Node[] = [];
  if (!node || typeof node !== "object") return out;
  const push = (v: unknown): void => {
    if (v && typeof v === "object" && typeof (v as Node).type === "string") out.push(v as Node);
  };
  for (const [field, v] of Object.entries(node)) {
    if (field === "operator") continue;
    if (Array.isArray(v)) v.forEach(push);
    else if (v instanceof Map)
      for (const [k, val] of v) {
        push(k);
        push(val);
      }
    else push(v);
  }
  return out;
}

/** The value of an expression made only of string literals and the string operations that build names. */
function constantString(node: Node | undefined, depth = 0): string | undefined {
  if (!node || depth > 32) return undefined;
  const next = (n: unknown): string | undefined => constantString(n as Node, depth + 1);
  switch (node.type) {
    case "StringLiteral":
      return node.value as string;
    case "IntegerLiteral":
    case "FloatLiteral":
      return String(node.value);
    case "BinaryExpression": {
      const op = (node.operator as { value: string }).value;
      const l = next(node.left);
      const r = next(node.right);
      if (l === undefined || r === undefined) return undefined;
      if (op === "~" || op === "+") return l + r;
      if (op === "%") return l.replace(/%s/, r);
      return undefined;
    }
    case "FilterExpression": {
      const filter = node.filter as Node;
      const call = filter.type === "CallExpression" ? filter : undefined;
      const name = (call ? (call.callee as Node) : filter).value as string;
      const args = ((call?.args as Node[] | undefined) ?? []).map((a) => next(a));
      if (name === "join") {
        const operand = node.operand as Node;
        if (operand.type !== "ArrayLiteral" && operand.type !== "TupleLiteral") return undefined;
        const parts = (operand.value as Node[]).map((p) => next(p));
        if (parts.some((p) => p === undefined)) return undefined;
        return parts.join(args[0] ?? "");
      }
      const base = next(node.operand);
      if (base === undefined) return undefined;
      if (name === "format") {
        let i = 0;
        return base.replace(/%s/g, () => args[i++] ?? "");
      }
      if (name === "replace" && args[0] !== undefined && args[1] !== undefined)
        return base.split(args[0]).join(args[1]);
      if (name === "lower") return base.toLowerCase();
      if (name === "upper") return base.toUpperCase();
      if (name === "reverse") return [...base].reverse().join("");
      if (name === "trim") return base.trim();
      if (name === "string") return base;
      return undefined;
    }
    default:
      return undefined;
  }
}

/** An expression written back as Jinja-like text, for evidence. */
function render(node: unknown, depth = 0): string {
  const n = node as Node;
  if (!n || depth > 40) return "…";
  const r = (x: unknown): string => render(x, depth + 1);
  switch (n.type) {
    case "Identifier":
      return n.value as string;
    case "StringLiteral":
      return JSON.stringify(n.value);
    case "IntegerLiteral":
    case "FloatLiteral":
      return String(n.value);
    case "MemberExpression":
      return n.computed ? `${r(n.object)}[${r(n.property)}]` : `${r(n.object)}.${r(n.property)}`;
    case "CallExpression":
      return `${r(n.callee)}(${(n.args as unknown[]).map(r).join(", ")})`;
    case "FilterExpression":
      return `${r(n.operand)}|${r(n.filter)}`;
    case "BinaryExpression":
      return `${r(n.left)} ${(n.operator as { value: string }).value} ${r(n.right)}`;
    case "KeywordArgumentExpression":
      return `${r(n.key)}=${r(n.value)}`;
    case "ArrayLiteral":
      return `[${(n.value as unknown[]).map(r).join(", ")}]`;
    case "TupleLiteral":
      return `(${(n.value as unknown[]).map(r).join(", ")})`;
    case "UnaryExpression":
      return `${(n.operator as { value: string }).value} ${r(n.argument)}`;
    case "SliceExpression":
      return `${n.start ? r(n.start) : ""}:${n.stop ? r(n.stop) : ""}`;
    case "FilterStatement":
      return `{% filter ${r(n.filter)} %}`;
    default:
      return n.type;
  }
}
