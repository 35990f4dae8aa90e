import type { AllowEntry } from "../config/load-config.js";
import { renderCall } from "../formats/pickle/repr.js";
import type { GlobalRef, PickleAnalysis, PickleCall, PickleValue } from "../formats/pickle/types.js";
import { classifyGlobal } from "./globals/index.js";
import { formatLocation } from "./location.js";
import type { Finding } from "./types.js";

export interface FindingPlace {
  file: string;
  /** Inner member path; empty for the file itself. */
  member: string;
}

const DUNDER_STATE = /^__\w+__$/;

/**
 * Turns what the VM saw into findings: one per distinct non-allowed global (with every offset counted),
 * BUILD on classes or modules, extension codes, and a break or bound that left the rest unverified.
 */
export function pickleFindings(
  analyses: PickleAnalysis[],
  place: FindingPlace,
  allow: AllowEntry[],
): Finding[] {
  const findings: Finding[] = [];
  for (const analysis of analyses) {
    const evidenceFor = callEvidence(
      analysis.calls,
      (ref) => classifyGlobal(ref.module, ref.name, allow).verdict !== "allowed",
    );
    const seen = new Map<string, Finding>();
    for (const ref of analysis.globals) {
      const verdict = classifyGlobal(ref.module, ref.name, allow);
      if (verdict.verdict === "allowed") continue;
      if (loadsOnlyScannedBytes(verdict, ref, analysis)) continue;
      const key = `${verdict.module}\u0000${verdict.name}`;
      const previous = seen.get(key);
      if (previous) {
        previous.evidence.occurrences = (previous.evidence.occurrences as number) + 1;
        continue;
      }
      const written = `${ref.module}.${ref.name}`;
      const call = evidenceFor(ref) ?? written;
      const dangerous = verdict.verdict === "dangerous";
      const finding: Finding = {
        ruleId: dangerous ? "PICKLE_DANGEROUS_GLOBAL" : "PICKLE_UNSAFE_GLOBAL",
        severity: dangerous ? "critical" : "high",
        file: place.file,
        location: formatLocation(place.member, ref.offset),
        message: dangerous
          ? `loading runs ${verdict.module}.${verdict.name} (${verdict.capability ?? "dangerous"})`
          : `loading imports ${verdict.module}.${verdict.name}, which is not on the allow-list`,
        evidence: {
          call,
          global: `${verdict.module}.${verdict.name}`,
          ...(written !== `${verdict.module}.${verdict.name}` ? { written } : {}),
          opcode: ref.opcode,
          ...(verdict.capability ? { capability: verdict.capability } : {}),
          ...(verdict.advisory ? { advisory: verdict.advisory } : {}),
          reason: verdict.reason,
          occurrences: 1,
        },
      };
      seen.set(key, finding);
      findings.push(finding);
    }
    for (const call of analysis.calls) {
      if (call.kind !== "build" || call.callee.kind !== "global") continue;
      const state = call.args[0];
      const hostile = state !== undefined && touchesDunder(state, 0);
      findings.push({
        ruleId: "PICKLE_SETATTR_GADGET",
        severity: hostile ? "critical" : "high",
        file: place.file,
        location: formatLocation(place.member, call.offset),
        message: `BUILD changes attributes of ${call.callee.ref.module}.${call.callee.ref.name} itself${hostile ? ", including special (dunder) attributes" : ""}`,
        evidence: { call: renderCall(call) },
      });
    }
    for (const ext of analysis.extensions ?? []) {
      findings.push({
        ruleId: "PICKLE_EXT_CODE",
        severity: "high",
        file: place.file,
        location: formatLocation(place.member, ext.offset),
        message: `extension code ${ext.code} names a global through the copyreg registry; the import cannot be verified`,
        evidence: { extensionCode: ext.code },
      });
    }
    if (analysis.error) {
      const bound = analysis.error.kind === "bound";
      findings.push({
        ruleId: bound ? "PICKLE_UNVERIFIABLE" : "PICKLE_MALFORMED",
        severity: "medium",
        file: place.file,
        location: formatLocation(place.member, analysis.error.offset),
        message: bound
          ? `stopped verifying: ${analysis.error.message}`
          : `pickle breaks at byte ${analysis.error.offset} (${analysis.error.message}); everything before the break was checked`,
        evidence: { error: analysis.error.message, kind: analysis.error.kind, opcodes: analysis.opcodeCount },
      });
    }
  }
  return findings;
}

/**
 * PyTorch < 2 pickles tensors held by plain pickles as `torch.storage._load_from_bytes(b'<a torch.save
 * file>')`. Its danger is exactly that of its bytes, which are scanned as a nested view; when every use
 * passes literal bytes, the findings of those bytes are the verdict.
 */
const BYTES_LOADERS = new Set(["torch.storage._load_from_bytes"]);

function loadsOnlyScannedBytes(
  verdict: { module: string; name: string },
  ref: GlobalRef,
  analysis: PickleAnalysis,
): boolean {
  if (!BYTES_LOADERS.has(`${verdict.module}.${verdict.name}`)) return false;
  let uses = 0;
  const memo = new WeakMap<object, Set<number>>();
  for (const call of analysis.calls) {
    const args = [...call.args, ...(call.kwargs ? [call.kwargs] : [])];
    // Handed to anything else (functools.partial, a setattr), it escapes: judge it as usual.
    if (args.some((a) => globalsIn(a, memo, 0).has(ref.offset))) return false;
    if (call.callee.kind !== "global" || call.callee.ref.offset !== ref.offset) continue;
    const arg = call.args[0];
    if (call.args.length !== 1 || arg?.kind !== "bytes") return false;
    if (!analysis.nested.some((n) => n.offset === arg.offset)) return false;
    uses++;
  }
  return uses > 0;
}

function touchesDunder(value: PickleValue, depth: number): boolean {
  if (depth > 8) return false;
  switch (value.kind) {
    case "str":
      return DUNDER_STATE.test(value.preview);
    case "tuple":
    case "list":
      return value.items.some((v) => touchesDunder(v, depth + 1));
    case "dict":
      return value.entries.some(([k, v]) => touchesDunder(k, depth + 1) || touchesDunder(v, depth + 1));
    default:
      return false;
  }
}

type Parent = { call: PickleCall; via: "callee" | "arg" };

/**
 * The reconstructed call that shows what a global does when loaded: the call that invokes it (or, when
 * it is only passed along, the first call it is passed to), widened outward while the result is itself
 * called (`attrgetter('system')(os)('id')`) or handed to another callable that is not allowed
 * (`FunctionType(marshal.loads(...))`). Wrappers such as a state dict's `__setitem__` are left out.
 */
function callEvidence(
  calls: PickleCall[],
  notAllowed: (ref: GlobalRef) => boolean,
): (ref: GlobalRef) => string | undefined {
  let parents: Map<PickleCall, Parent> | undefined;
  let direct: Map<number, PickleCall> | undefined;
  let passed: Map<number, PickleCall> | undefined;
  const index = () => {
    parents = new Map();
    direct = new Map();
    passed = new Map();
    const memo = new WeakMap<object, Set<number>>();
    for (const call of calls) {
      if (call.callee.kind === "global" && !direct.has(call.callee.ref.offset))
        direct.set(call.callee.ref.offset, call);
      if (call.callee.kind === "call" && !parents.has(call.callee.call))
        parents.set(call.callee.call, { call, via: "callee" });
      for (const arg of [...call.args, ...(call.kwargs ? [call.kwargs] : [])]) {
        for (const child of callsIn(arg, 0))
          if (!parents.has(child)) parents.set(child, { call, via: "arg" });
        for (const offset of globalsIn(arg, memo, 0)) if (!passed.has(offset)) passed.set(offset, call);
      }
    }
  };
  return (ref) => {
    if (!parents) index();
    let current = direct!.get(ref.offset) ?? passed!.get(ref.offset);
    if (!current) return undefined;
    for (let hops = 0; hops < MAX_WALK_DEPTH; hops++) {
      const parent = parents!.get(current);
      if (!parent) break;
      const callee = parent.call.callee;
      const widen =
        parent.via === "callee" ||
        (callee.kind === "global" && notAllowed(callee.ref)) ||
        callee.kind === "call";
      if (!widen || parent.call.kind === "setitem" || parent.call.kind === "append") break;
      current = parent.call;
    }
    return renderCall(current);
  };
}

/** Calls held directly in an argument, or inside the containers it is made of. */
function callsIn(value: PickleValue, depth: number): PickleCall[] {
  if (depth > 4) return [];
  switch (value.kind) {
    case "call":
      return [value.call];
    case "tuple":
    case "list":
    case "set":
      return value.items.flatMap((v) => callsIn(v, depth + 1));
    case "dict":
      return value.entries.flatMap(([k, v]) => [...callsIn(k, depth + 1), ...callsIn(v, depth + 1)]);
    default:
      return [];
  }
}

const MAX_WALK_DEPTH = 64;
function globalsIn(value: PickleValue, memo: WeakMap<object, Set<number>>, depth: number): Set<number> {
  const cached = memo.get(value);
  if (cached) return cached;
  const out = new Set<number>();
  memo.set(value, out);
  if (depth > MAX_WALK_DEPTH) return out;
  const add = (v: PickleValue | undefined) => {
    if (v) for (const o of globalsIn(v, memo, depth + 1)) out.add(o);
  };
  switch (value.kind) {
    case "global":
      out.add(value.ref.offset);
      break;
    case "call":
      add(value.call.callee);
      value.call.args.forEach(add);
      add(value.call.kwargs);
      break;
    case "tuple":
    case "list":
    case "set":
      value.items.forEach(add);
      break;
    case "dict":
      for (const [k, v] of value.entries) {
        add(k);
        add(v);
      }
      break;
    case "persid":
      add(value.pid);
      break;
    default:
      break;
  }
  return out;
}
