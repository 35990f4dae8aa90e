import { BoundExceededError } from "../../errors.js";
import { type CompressionKind, decompress } from "../../formats/archive/compression.js";
import { type ByteSource, bufferSource } from "../../formats/source.js";
import type { ScanContext, ViewOptions } from "../context.js";
import { scanSource } from "../scan-source.js";
import type { FormatName } from "../types.js";

/**
 * gzip/bzip2/xz/lzma/zlib wrappers (joblib's compressed dumps among them): decompressed within the
 * file's expansion budget, then scanned as a view of their own. The inner format is the file's format.
 */
export async function scanCompressedView(
  ctx: ScanContext,
  src: ByteSource,
  member: string,
  depth: number,
  kind: CompressionKind,
  options: ViewOptions,
): Promise<FormatName> {
  const budget = Math.max(
    0,
    Math.min(ctx.limits.maxExpandedBytes, ctx.limits.maxTotalExpandedBytes - ctx.expandedBytes),
  );
  // The decoders take their whole input at once: a compressed stream larger than what it may expand to
  // is not read at all (no encoder shrinks data by growing it).
  if (src.size > budget) {
    throw new BoundExceededError(
      "maxExpandedBytes",
      budget,
      `${kind} stream of ${src.size} bytes is larger than the ${budget}-byte expansion limit`,
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = await decompress(kind, src, budget);
  } catch (err) {
    // Tensor bytes can start like a compression header by chance; a failed decode there means "not
    // compressed", not "broken". So does zlib's two-byte header on a short file.
    if (options.mayBeData || (kind === "zlib" && src.size < 64)) return "unknown";
    throw err;
  }
  ctx.expandedBytes += bytes.length;
  const inner = await scanSource(ctx, bufferSource(bytes), `${member}[${kind}]`, depth + 1, {
    quiet: options.quiet,
  });
  return inner;
}
