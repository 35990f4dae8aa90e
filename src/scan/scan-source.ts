import { looksLikeText, sniff } from "../formats/sniff.js";
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
      format = await (await import("./views/safetensors-view.js")).scanSafetensorsView(
        ctx,
        src,
        member,
        depth,
      );
      break;
    case "gguf":
      format = await (await import("./views/gguf-view.js")).scanGgufView(ctx, src, member);
      break;
    case "hdf5":
      format = await (await import("./views/keras-view.js")).scanHdf5View(ctx, src, member, depth);
      break;
    case "executable":
      push(ctx, {
        ruleId: "NATIVE_CODE",
        severity: "high",
        location: formatLocation(member, 0),
        message: `${found.executable} machine code ships with the model; a custom-op registration or remote code can load it into the process, and nothing here can verify it`,
        evidence: { executable: found.executable, size: src.size },
      });
      return "executable";
    case "tflite":
      format = await (await import("./views/tensorflow-view.js")).scanTfliteView(ctx, src, member);
      break;
    default:
      break;
  }
  if (format === "unknown" && (found.kind === null || found.kind === "maybe-pickle") && !options.mayBeData)
    format = await scanUntyped(ctx, src, member, depth, head);
  // The safetensors view scans every byte no tensor covers, an appended zip included.
  if (found.appendedZip && format !== "safetensors") return scanPolyglot(ctx, src, member, depth, format);
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
 * Formats without a magic number: protobuf models (ONNX, SavedModel, GraphDef), judged by whether their
 * top-level fields fit the schema, and text (configs that load code, Python source), by parsing it.
 */
async function scanUntyped(
  ctx: ScanContext,
  src: ByteSource,
  member: string,
  depth: number,
  head: Uint8Array,
): Promise<FormatName> {
  const { classifyProtobuf } = await import("../formats/protobuf-kind.js");
  const proto = classifyProtobuf(src);
  if (proto === "onnx") return (await import("./views/onnx-view.js")).scanOnnxView(ctx, src, member);
  if (proto !== null)
    return (await import("./views/tensorflow-view.js")).scanTfGraphView(ctx, src, member, proto);
  if (!looksLikeText(head)) return "unknown";
  const name = member || ctx.file;
  if (/\.py$/i.test(name) || /^#!.*python/.test(new TextDecoder().decode(head.subarray(0, 64))))
    return (await import("./views/python-view.js")).scanPythonView(ctx, src, member);
  return (await import("./views/config-view.js")).scanConfigView(ctx, src, member, depth);
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
