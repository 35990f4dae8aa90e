/**
 * skops `.skops` files: a zip whose `schema.json` describes the object tree. Every node names the type
 * or function `skops.io.load` imports (`__module__` + `__class__`, and in protocol 0 files
 * `content.module_path` + `content.function`); `__loader__` says how it is rebuilt. skops refuses types
 * outside its trusted list unless the caller passes them in `trusted=`, and users routinely pass
 * `get_untrusted_types()` back in, so each name is judged here like a pickle global.
 */
import { push, type ScanContext } from "../../context.js";
import { classifyGlobal } from "../../globals/index.js";
import { formatLocation } from "../../location.js";
import type { TextFile } from "./text.js";
import { isObject, type JsonObject, objectsIn } from "./walk.js";

/** skops' default trusted primitives and containers (skops/io/_trusted_types.py), minus `map`. */
const SKOPS_BUILTINS: ReadonlySet<string> = new Set([
  "int",
  "float",
  "str",
  "bool",
  "complex",
  "bytes",
  "bytearray",
  "list",
  "set",
  "frozenset",
  "tuple",
  "dict",
  "slice",
  "NoneType",
]);

/** Whether parsed JSON is a skops schema: the root node of an object tree with skops' keys. */
export function isSkopsSchema(json: JsonObject): boolean {
  return (
    "_skops_version" in json ||
    (typeof json.__loader__ === "string" &&
      typeof json.__module__ === "string" &&
      typeof json.__class__ === "string")
  );
}

/** skops trusts numpy/scipy ufuncs and numpy dtypes by default (lower-case names, `dtype[float64]`). */
function skopsTrusts(module: string, name: string): boolean {
  if (module === "builtins") return SKOPS_BUILTINS.has(name);
  if (/^(?:numpy|scipy\.special)(?:\.|$)/.test(module)) {
    return /^[a-z][a-z0-9_]*$/.test(name) || /^dtype\[[A-Za-z0-9_]+\]$/.test(name) || /DType$/.test(name);
  }
  return false;
}

/**
 * The (module, name) pairs a node makes skops import. Protocol-0 function and type nodes carry the real
 * name in `content` (their own `__class__` is just `function`/`type`); a method node calls `func` on the
 * object in `content.obj`.
 */
function namedTypes(o: JsonObject): [string, string][] {
  const content = isObject(o.content) ? o.content : undefined;
  const loader = typeof o.__loader__ === "string" ? o.__loader__ : "";
  if (content && typeof content.module_path === "string" && typeof content.function === "string") {
    return [[content.module_path, content.function]];
  }
  if (o.__class__ === "type" && o.__module__ === "builtins" && typeof content?.__class__ === "string") {
    return []; // the content is itself a node with __module__/__class__, judged on its own
  }
  if ((loader === "MethodNode" || o.__class__ === "method") && content && typeof content.func === "string") {
    const obj = content.obj;
    if (isObject(obj) && typeof obj.__module__ === "string" && typeof obj.__class__ === "string") {
      return [[obj.__module__, `${obj.__class__}.${content.func}`]];
    }
  }
  if (typeof o.__module__ !== "string" || typeof o.__class__ !== "string") return [];
  // JSON primitives are parsed as JSON; a partial's own type is fixed, what it wraps is its own node.
  if (loader === "JsonNode" || (loader === "PartialNode" && o.__class__ === "partial")) return [];
  return [[o.__module__, o.__class__]];
}

export function checkSkopsSchema(ctx: ScanContext, file: TextFile, member: string, json: JsonObject): void {
  const seen = new Set<string>();
  for (const node of objectsIn(json)) {
    const o = node.obj;
    for (const [module, name] of namedTypes(o)) {
      const full = `${module}.${name}`;
      if (seen.has(full) || skopsTrusts(module, name)) continue;
      seen.add(full);
      const v = classifyGlobal(module, name, ctx.allow);
      if (v.verdict === "allowed") continue;
      const location = formatLocation(member, file.locate("__module__", module));
      const evidence = {
        type: full,
        loader: typeof o.__loader__ === "string" ? o.__loader__ : null,
        path: node.path(),
        reason: v.reason,
        ...(v.capability ? { capability: v.capability } : {}),
      };
      if (v.verdict === "dangerous") {
        push(ctx, {
          ruleId: "SKOPS_DANGEROUS_TYPE",
          severity: "critical",
          location,
          message: `skops.io.load imports ${full} (${v.capability ?? "dangerous"}) when this type is trusted; never pass it in trusted=`,
          evidence,
        });
      } else {
        push(ctx, {
          ruleId: "SKOPS_UNTRUSTED_TYPE",
          severity: "high",
          location,
          message: `skops.io.load imports ${full}, which is not on the allow-list; trusting it runs that module's code`,
          evidence,
        });
      }
    }
  }
}
