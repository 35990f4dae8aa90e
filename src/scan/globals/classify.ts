/**
 * Judge one pickle global: allowed (a real exporter writes it and it only builds data), dangerous
 * (a catalogued gadget: critical), or unknown (not on the allow-list: high, since loading it
 * imports and runs that module). Never throws, whatever the strings hold.
 */

import type { AllowEntry } from "../../config/load-config.js";
import { BUILTIN_ALLOWLIST, isBuiltinAllowed, matchAllowPattern } from "./allowlist.js";
import {
  type Capability,
  type DangerousEntry,
  dangerousModules,
  lookupDangerousExact,
  lookupDangerousModule,
} from "./dangerous.js";
import { isDottedIdentifier, normalizeGlobal } from "./normalize.js";

export type { AllowEntry };

export type Verdict = "allowed" | "unknown" | "dangerous";

export interface GlobalVerdict {
  /** Normalized module. */
  module: string;
  /** Normalized qualname. */
  name: string;
  verdict: Verdict;
  capability?: Capability;
  advisory?: string;
  reason: string;
}

/** Dunder steps that walk from any object to code, globals or the class graph. */
const NOTABLE_DUNDERS = new Set([
  "__globals__",
  "__builtins__",
  "__class__",
  "__subclasses__",
  "__init__",
  "__dict__",
  "__reduce__",
  "__reduce_ex__",
  "__getattribute__",
  "__self__",
  "__func__",
  "__code__",
  "__closure__",
  "__mro__",
  "__bases__",
  "__base__",
  "__import__",
  "__loader__",
  "__spec__",
  "__call__",
  "__new__",
  "__setattr__",
  "__delattr__",
  "__setstate__",
  "__getstate__",
  "__module__",
  "__wrapped__",
]);

const isDunder = (s: string): boolean => s.length > 4 && s.startsWith("__") && s.endsWith("__");

/** Modules whose name is known: a global equal to one of these yields a module object. */
let knownModules: Set<string> | undefined;
function getKnownModules(): Set<string> {
  if (knownModules === undefined) {
    knownModules = new Set<string>();
    const add = (m: string): void => {
      let cur = m;
      for (;;) {
        knownModules!.add(cur);
        const dot = cur.lastIndexOf(".");
        if (dot <= 0) break;
        cur = cur.slice(0, dot);
      }
    };
    for (const m of BUILTIN_ALLOWLIST.keys()) add(m);
    for (const m of dangerousModules()) add(m);
    for (const m of [
      "torch.nn",
      "torch.utils",
      "torch.nn.modules",
      "sklearn",
      "xgboost",
      "lightgbm",
      "joblib",
    ])
      add(m);
  }
  return knownModules;
}

function fromEntry(module: string, name: string, e: DangerousEntry, how: string): GlobalVerdict {
  const v: GlobalVerdict = {
    module,
    name,
    verdict: "dangerous",
    capability: e.capability,
    reason: `${module}.${name} ${how} (${e.capability})${e.note ? `: ${e.note}` : ""}`,
  };
  if (e.advisory !== undefined) v.advisory = e.advisory;
  return v;
}

interface NormalizedUserEntry {
  module: string;
  subtree: boolean;
  names: Set<string> | "*";
}

function normalizeUser(extra: readonly AllowEntry[] | undefined): NormalizedUserEntry[] {
  const out: NormalizedUserEntry[] = [];
  if (!Array.isArray(extra)) return out;
  for (const raw of extra) {
    if (raw === null || typeof raw !== "object" || typeof raw.module !== "string") continue;
    let mod = raw.module;
    let subtree = false;
    if (mod.endsWith(".*")) {
      subtree = true;
      mod = mod.slice(0, -2);
    }
    if (raw.names === "*") {
      out.push({ module: normalizeGlobal(mod, "x").module, subtree, names: "*" });
    } else if (Array.isArray(raw.names)) {
      const canon = normalizeGlobal(mod, "x").module;
      const names = new Set<string>();
      for (const n of raw.names) {
        if (typeof n !== "string") continue;
        const nn = normalizeGlobal(mod, n);
        // A name alias may move the module (e.g. `__builtin__.reduce` -> `functools.reduce`).
        if (nn.module === canon) names.add(nn.name);
        else out.push({ module: nn.module, subtree: false, names: new Set([nn.name]) });
      }
      out.push({ module: canon, subtree, names });
    }
  }
  return out;
}

function userMatches(u: NormalizedUserEntry, module: string): boolean {
  return u.module === module || (u.subtree && module.startsWith(u.module + "."));
}

/** A string for anything a caller might pass; never throws. */
function safeString(v: unknown): string {
  if (typeof v === "string") return v;
  try {
    return String(v);
  } catch {
    return "<unprintable>";
  }
}

/**
 * Classify one global. `extra` extends the built-in allow-list; it can allow any name, but it
 * only overrides a dangerous catalogue entry (or a dangerous dunder chain) when it names that
 * exact qualname: a `"*"` entry never un-flags a catalogued gadget.
 */
export function classifyGlobal(module: string, name: string, extra?: readonly AllowEntry[]): GlobalVerdict {
  try {
    return classifyUnsafe(safeString(module), safeString(name), extra);
  } catch (err) {
    return {
      module: safeString(module),
      name: safeString(name),
      verdict: "unknown",
      reason: `could not be judged (${err instanceof Error ? err.message : "internal error"}); treated as not allowed`,
    };
  }
}

function classifyUnsafe(
  module: string,
  name: string,
  extra: readonly AllowEntry[] | undefined,
): GlobalVerdict {
  const n = normalizeGlobal(
    typeof module === "string" ? module : String(module),
    typeof name === "string" ? name : String(name),
  );
  const mod = n.module;
  const nm = n.name;
  const chain = n.chain;
  const head = chain[0] ?? nm;
  const full = `${mod}.${nm}`;
  const users = normalizeUser(extra);

  // 1. The user named this exact global: their decision, even over the catalogue.
  for (const u of users) {
    if (u.names !== "*" && userMatches(u, mod) && u.names.has(nm)) {
      const hit =
        lookupDangerousExact(mod, nm) ?? lookupDangerousExact(mod, head) ?? lookupDangerousModule(mod);
      if (hit !== undefined) {
        const v: GlobalVerdict = {
          module: mod,
          name: nm,
          verdict: "allowed",
          capability: hit.capability,
          reason: `${full} allowed by configuration, overriding the dangerous catalogue (${hit.capability})`,
        };
        if (hit.advisory !== undefined) v.advisory = hit.advisory;
        return v;
      }
      return { module: mod, name: nm, verdict: "allowed", reason: `${full} allowed by configuration` };
    }
  }

  // 2. Catalogued gadgets, by full qualname or by the chain's first step.
  const exact =
    lookupDangerousExact(mod, nm) ?? (chain.length > 1 ? lookupDangerousExact(mod, head) : undefined);
  if (exact !== undefined) return fromEntry(mod, nm, exact, "is a known-dangerous callable");

  // 3. The built-in allow-list, exact.
  if (isBuiltinAllowed(mod, nm)) {
    return { module: mod, name: nm, verdict: "allowed", reason: `${full} is on the built-in allow-list` };
  }

  // 4. Any dunder step walks from an object to code, globals or the class graph.
  const dunder = chain.find(isDunder);
  if (dunder !== undefined) {
    const notable = NOTABLE_DUNDERS.has(dunder) ? "" : " (dunder attribute)";
    return {
      module: mod,
      name: nm,
      verdict: "dangerous",
      capability: "attribute-access",
      reason: `${full} walks to ${dunder}${notable}, an attribute-access gadget`,
    };
  }

  // 5. Whole dangerous modules, including a module reached through the qualname
  //    (`torch` + `hub.load` is `torch.hub.load`).
  const modHit = lookupDangerousModule(mod);
  if (modHit !== undefined) return fromEntry(mod, nm, modHit, `belongs to dangerous module ${modHit.module}`);
  for (let i = 1; i < chain.length; i++) {
    const m2 = `${mod}.${chain.slice(0, i).join(".")}`;
    const rest = chain.slice(i).join(".");
    const e =
      lookupDangerousExact(m2, rest) ?? lookupDangerousExact(m2, chain[i] ?? "") ?? lookupDangerousModule(m2);
    if (e !== undefined) return fromEntry(mod, nm, e, `reaches ${m2}.${rest} through module attributes`);
  }

  // 6. A global that is itself a module object: BUILD/SETITEM on it rewrites module attributes
  //    (the `sys.modules` override trick: replace `torch._utils._rebuild_tensor`).
  if (getKnownModules().has(full)) {
    return {
      module: mod,
      name: nm,
      verdict: "dangerous",
      capability: "reflection",
      reason: `${full} is a module object; a pickle can rewrite its attributes (module override)`,
    };
  }

  // 7. Names that no import could produce are evidence of a crafted file.
  if (!isDottedIdentifier(mod) || !isDottedIdentifier(nm)) {
    return {
      module: mod,
      name: nm,
      verdict: "unknown",
      reason: `${JSON.stringify(mod)} ${JSON.stringify(nm)} is not a valid Python name (crafted pickle?); not allowed`,
    };
  }

  // 8. Attribute chains: only an exact allow-list entry makes a dotted qualname safe.
  if (chain.length > 1) {
    const headAllowed = isBuiltinAllowed(mod, head) || matchAllowPattern(mod, head) !== null;
    const userWildcard = users.some((u) => u.names === "*" && userMatches(u, mod));
    if (userWildcard) {
      return {
        module: mod,
        name: nm,
        verdict: "allowed",
        reason: `${full} allowed by configuration (${mod}: *)`,
      };
    }
    return {
      module: mod,
      name: nm,
      verdict: "unknown",
      reason: headAllowed
        ? `${full} is attribute ${chain.slice(1).join(".")} of allowed ${mod}.${head}, which is not itself allowed`
        : `${full} is an attribute chain on ${mod}.${head}, which is not allowed`,
    };
  }

  // 9. Pattern entries (estimator classes) and user wildcards.
  const why = matchAllowPattern(mod, nm);
  if (why !== null) return { module: mod, name: nm, verdict: "allowed", reason: `${full}: ${why}` };
  for (const u of users) {
    if (u.names === "*" && userMatches(u, mod)) {
      return {
        module: mod,
        name: nm,
        verdict: "allowed",
        reason: `${full} allowed by configuration (${u.module}: *)`,
      };
    }
  }

  // 10. Everything else.
  const top = mod.split(".")[0] ?? mod;
  const reason =
    top === "__main__"
      ? `${full} is a class or function of the saving script; loading it runs that code (not on the allow-list)`
      : `${full} is not on the allow-list; loading it imports ${mod} and calls into it`;
  return { module: mod, name: nm, verdict: "unknown", reason };
}
