import { BoundExceededError } from "../../errors.js";
import type { ByteSource } from "../../formats/source.js";
import { push, reportFailure, type ScanContext } from "../context.js";
import { formatLocation } from "../location.js";
import type { FormatName, Severity } from "../types.js";
import { TextFile } from "./config/text.js";
import { type CallHit, type CallKind, findDangerousCalls } from "./python/calls.js";

/** Python files larger than this are listed as remote code but their calls are not reviewed. */
export const MAX_PYTHON_BYTES = 16 * 1024 * 1024;
/** Lines quoted per kind of call in a finding's evidence. */
const MAX_EVIDENCE_LINES = 20;

const WHAT: Record<CallKind, string> = {
  process: "starts processes or runs shell commands",
  "code-execution": "runs dynamically built code (eval/exec/compile)",
  "exec-decoded": "decodes data and executes it, the signature of a hidden payload",
  "dynamic-import": "imports modules chosen at run time",
  "native-code": "loads native code (ctypes/cffi/inline extensions)",
  network: "makes network requests",
  deserialization:
    "deserializes data unsafely (pickle, marshal, torch.load without weights_only, unsafe YAML)",
  "file-delete": "deletes directory trees (shutil.rmtree)",
  "file-write": "writes files outside the repository",
  "sensitive-path": "names credential or system files",
};

/** Python source shipped in a model repository: remote code, listed and checked for dangerous calls. */
export async function scanPythonView(ctx: ScanContext, src: ByteSource, member: string): Promise<FormatName> {
  const name = member || ctx.file;
  const location = formatLocation(member, 0);
  ctx.facts.remoteCode.push({ kind: "python-source", detail: `Python source ${name}`, location });
  push(ctx, {
    ruleId: "PYTHON_REMOTE_CODE",
    severity: "low",
    location,
    message: `Python source ${name} runs only when the model is loaded with trust_remote_code=True (or imported); review it before trusting this repository`,
    evidence: { size: src.size },
  });
  if (src.size > MAX_PYTHON_BYTES) {
    reportFailure(
      ctx,
      new BoundExceededError(
        "pythonSourceBytes",
        MAX_PYTHON_BYTES,
        `Python source larger than ${MAX_PYTHON_BYTES} bytes; its calls were not reviewed`,
      ),
      member,
    );
    return "python";
  }
  const file = TextFile.read(src);
  const byKind = new Map<CallKind, CallHit[]>();
  for (const hit of findDangerousCalls(file.text)) {
    const list = byKind.get(hit.kind);
    if (list) list.push(hit);
    else byKind.set(hit.kind, [hit]);
  }
  const lines = lineStarts(file.text);
  for (const [kind, hits] of byKind) {
    const severity: Severity = kind === "exec-decoded" ? "critical" : "high";
    const calls = hits.slice(0, MAX_EVIDENCE_LINES).map((h) => {
      const line = lineOf(lines, h.index);
      return { line, call: h.call, code: lineText(file.text, lines, line) };
    });
    const first = calls[0]!;
    push(ctx, {
      ruleId: kind === "exec-decoded" ? "PYTHON_EXEC_DECODED" : "PYTHON_DANGEROUS_CALL",
      severity,
      location: formatLocation(member, file.byteOffset(hits[0]!.index)),
      message: `${name} ${WHAT[kind]}: ${first.call} at line ${first.line}${hits.length > 1 ? ` and ${hits.length - 1} more` : ""}; review before loading with trust_remote_code=True`,
      evidence: { kind, count: hits.length, calls },
    });
  }
  return "python";
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/** 1-based line of a string index. */
function lineOf(starts: number[], index: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= index) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

function lineText(text: string, starts: number[], line: number): string {
  const start = starts[line - 1] ?? 0;
  const end = starts[line] ?? text.length;
  const s = text.slice(start, end).trim();
  return s.length > 200 ? `${s.slice(0, 200)}...` : s;
}
