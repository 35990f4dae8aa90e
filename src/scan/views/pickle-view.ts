import { joblibArrayExtent } from "../../formats/joblib.js";
import type { PickleAnalysis, PickleLimits } from "../../formats/pickle/types.js";
import { analyzePickle, analyzePickleStream, type PickleHooks } from "../../formats/pickle/vm.js";
import { type ByteSource, sliceSource } from "../../formats/source.js";
import { push, type ScanContext, type ViewOptions } from "../context.js";
import { classifyGlobal, isDottedIdentifier } from "../globals/index.js";
import { formatLocation } from "../location.js";
import { pickleFindings } from "../pickle-findings.js";
import { scanSource } from "../scan-source.js";
import type { FormatName } from "../types.js";

/** The first pickle of a legacy (pre-1.6, non-zip) torch.save file is this number. */
const LEGACY_TORCH_MAGIC = 0x1950a86a20f9469cfc6cn;
/** Magic, protocol version, sys info, the object, the storage keys; raw storages follow. */
const LEGACY_TORCH_PICKLES = 5;

export interface PickleViewOptions extends ViewOptions {
  /** The bytes start with PROTO (0x80): a parse failure is a malformed pickle, not "some other format". */
  certain: boolean;
  /** Where the pickle starts in `src` (a numpy object array's data, for instance). */
  offset?: number;
}

/**
 * Runs the symbolic VM over every pickle in the view and reports what loading would do. Returns
 * `unknown` (and reports nothing) when uncertain bytes turn out not to be a pickle at all.
 */
export async function scanPickleView(
  ctx: ScanContext,
  src: ByteSource,
  member: string,
  depth: number,
  options: PickleViewOptions,
): Promise<FormatName> {
  // Object arrays inside a joblib stream are whole pickles of their own, read in passing.
  const embedded: PickleAnalysis[] = [];
  const hooks: PickleHooks = {
    afterBuild(inst, state, end) {
      const extent = joblibArrayExtent(src, inst, state, end);
      if (!extent) return undefined;
      if (extent.kind === "raw") return extent.end;
      const inner = analyzePickle(src, extent.start, ctx.limits.pickle);
      embedded.push(inner);
      return inner.complete ? inner.end : undefined;
    },
  };
  let analyses = analyzePickleStream(src, options.offset ?? 0, ctx.limits.pickle, hooks);
  const first = analyses[0];
  if (!first) return "unknown";
  // Text that happens to start with a protocol-0 opcode ('c' of "class", '(' ...) breaks without
  // importing anything a loader could resolve: that is not a pickle.
  const notAPickle = (a: PickleAnalysis) =>
    a.error !== undefined &&
    a.calls.length === 0 &&
    a.globals.every((g) => !isDottedIdentifier(g.module) || !isDottedIdentifier(g.name));
  if (notAPickle(first) && (!options.certain || options.mayBeData)) return "unknown";
  // Without a PROTO opcode, text can look like GLOBAL lines ("click\nnumpy\n" in a requirements.txt
  // reads as `lick.numpy`): a stream that breaks before calling anything, and names nothing the
  // catalogue or allow-list knows, is text. A known name (`builtins.exec`) keeps it a pickle.
  if (
    !options.certain &&
    first.error !== undefined &&
    first.calls.length === 0 &&
    first.globals.every((g) => classifyGlobal(g.module, g.name, ctx.allow).verdict === "unknown")
  ) {
    return "unknown";
  }

  let format: FormatName = "pickle";
  if (first.complete && first.result?.kind === "int" && first.result.value === LEGACY_TORCH_MAGIC) {
    format = "pytorch-legacy";
    analyses = legacyTorchPickles(src, first, ctx.limits.pickle);
  }
  // Bytes after a complete pickle that do not parse as one are data no pickle loader reads.
  const trailing = analyses.length > 1 ? analyses[analyses.length - 1]! : undefined;
  if (format === "pickle" && trailing && notAPickle(trailing)) {
    analyses = analyses.slice(0, -1);
    push(ctx, {
      ruleId: "FORMAT_MALFORMED",
      severity: "low",
      location: formatLocation(member, trailing.start),
      message: `${src.size - trailing.start} bytes after the last pickle are not a pickle; pickle loaders ignore them`,
      evidence: { trailingBytes: src.size - trailing.start, error: trailing.error?.message },
    });
  }

  analyses = [...analyses, ...embedded];
  ctx.findings.push(...pickleFindings(analyses, { file: ctx.file, member }, ctx.allow));
  if (analyses.some((a) => a.globals.some((g) => g.module.startsWith("joblib.")))) format = "joblib";

  for (const analysis of analyses) {
    for (const nested of analysis.nested) {
      await scanSource(
        ctx,
        sliceSource(src, nested.offset, nested.length),
        `${member}[${nested.offset}]`,
        depth + 1,
      );
    }
  }
  return format;
}

function legacyTorchPickles(src: ByteSource, first: PickleAnalysis, limits: PickleLimits): PickleAnalysis[] {
  const out = [first];
  let at = first.end;
  while (out.length < LEGACY_TORCH_PICKLES && at < src.size) {
    const next = analyzePickle(src, at, limits);
    out.push(next);
    if (!next.complete) break;
    at = next.end;
  }
  return out;
}
