import { sniff } from "../formats/sniff.js";
import { type ByteSource, sliceSource } from "../formats/source.js";
import { push, reportFailure, type ScanContext, type ViewOptions } from "./context.js";
import { formatLocation } from "./location.js";
import type { FormatName } from "./types.js";
import { scanCompressedView } from "./views/compressed-view.js";
import { scanNpyView } from "./views/numpy-view.js";
import { scanPickleView } from "./views/pickle-view.js";
import { scanSevenZipView, scanTarView } from "./views/tar-view.js";
import { scanZipView } from "./views/zip-view.js";

const HEAD_BYTES = 4096;
/** A zip's end record sits in the last 64 KiB + 22 bytes (its comment is at most 64 KiB). */
const TAIL_BYTES = 65_557;

/**
 * Identifies a view by its bytes and hands it to the reader for that format. Any failure inside becomes
 * a finding on this view (fail closed), and what was found before the failure is kept.
 */
export async function scanSource(
  ctx: ScanContext,
  src: ByteSource,
  member: string,
  depth: number,
  options: ViewOptions = {},
): Promise<FormatName> {
  if (depth > ctx.limits.maxDepth) {
    push(ctx, {
      ruleId: "ARCHIVE_UNVERIFIABLE",
      severity: "medium",
      location: formatLocation(member, 0),
      message: `nested deeper than ${ctx.limits.maxDepth} levels; this content was not scanned`,
      evidence: { bound: "maxDepth", limit: ctx.limits.maxDepth },
    });
    return "unknown";
  }
  try {
    return await dispatch(ctx, src, member, depth, options);
  } catch (err) {
    reportFailure(ctx, err, member);
    return "unknown";
  }
}

async function dispatch(
  ctx: ScanContext,
  src: ByteSource,
  member: string,
  depth: number,
  options: ViewOptions,
): Promise<FormatName> {
  const head = src.read(0, HEAD_BYTES);
  // Tensor bytes are never opened as an archive by any loader: an appended zip there is no second view.
  const tail =
    src.size > HEAD_BYTES && !options.mayBeData
      ? src.read(Math.max(0, src.size - TAIL_BYTES), TAIL_BYTES)
      : undefined;
  const found = sniff(head, src.size, tail);
  let format: FormatName = "unknown";
  switch (found.kind) {
    case "zip":
      // A zip found only by its end record: the bytes before it are another view (a polyglot).
      if (found.appendedZip) return scanPolyglot(ctx, src, member, depth, "unknown");
      return scanZipView(ctx, src, member, depth);
    case "tar":
      return scanTarView(ctx, src, member, depth);
    case "7z":
      return scanSevenZipView(ctx, src, member, depth);
    case "gzip":
    case "bzip2":
    case "xz":
    case "zlib":
    case "lzma":
      format = await scanCompressedView(ctx, src, member, depth, found.kind, options);
      // The decompressed view reported its own content; the wrapper itself was read.
      if (format === "unknown") return format;
      break;
    case "npy":
      format = await scanNpyView(ctx, src, member, depth);
      break;
    case "pickle":
    case "pytorch-legacy":
    case "maybe-pickle":
      format = await scanPickleView(ctx, src, member, depth, {
        ...options,
        certain: found.kind !== "maybe-pickle",
      });
      break;
    case "safetensors":
    case "gguf":
      push(ctx, {
        ruleId: "UNSCANNED_CONTENT",
        severity: "info",
        location: formatLocation(member, 0),
        message: `recognized as ${found.kind}, which this release does not verify yet`,
        evidence: { detected: found.kind },
      });
      return "unknown";
    default:
      break;
  }
  if (found.appendedZip) return scanPolyglot(ctx, src, member, depth, format);
  if (format === "unknown" && !options.quiet && !options.mayBeData) {
    push(ctx, {
      ruleId: "UNSCANNED_CONTENT",
      severity: "info",
      location: formatLocation(member, 0),
      message: "no reader recognizes this content; it was not scanned",
      evidence: { size: src.size },
    });
  }
  return format;
}

/**
 * A file that is another format with a zip appended: `torch.load` and `pickle.load` read the front,
 * `zipfile` reads the back. Both views are scanned; the file itself is reported.
 */
async function scanPolyglot(
  ctx: ScanContext,
  src: ByteSource,
  member: string,
  depth: number,
  frontFormat: FormatName,
): Promise<FormatName> {
  const { zipPrefixOffset } = await import("../formats/archive/zip.js");
  const prefix = zipPrefixOffset(src);
  let front = frontFormat;
  if (front === "unknown" && prefix > 0) {
    front = await scanPickleView(ctx, sliceSource(src, 0, prefix), member, depth, { certain: false });
  }
  const back = await scanZipView(ctx, src, member, depth);
  push(ctx, {
    ruleId: "POLYGLOT_FILE",
    severity: "medium",
    location: formatLocation(member, prefix),
    message: `this file is ${front === "unknown" ? `${prefix} bytes of other content` : `a ${front} file`} with a zip archive appended at byte ${prefix}; loaders disagree on which one they read`,
    evidence: { front, back, zipOffset: prefix },
  });
  return front === "unknown" ? back : front;
}
