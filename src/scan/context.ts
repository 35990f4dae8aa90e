import type { AllowEntry } from "../config/load-config.js";
import { BoundExceededError, FormatError } from "../errors.js";
import type { FileFacts } from "./facts.js";
import type { ScanLimits } from "./limits.js";
import { formatLocation } from "./location.js";
import type { Finding } from "./types.js";

/** What one file's scan shares across every nested view of it. */
export interface ScanContext {
  /** Relative path of the outer file (forward slashes). */
  file: string;
  /** The outer file on disk, for formats that name files beside them (ONNX external data). */
  filePath: string;
  /** The scanned directory on disk (the file's own directory when a single file is scanned). */
  root: string;
  /** What the views learned about this file for the repository view. */
  facts: FileFacts;
  findings: Finding[];
  limits: ScanLimits;
  allow: AllowEntry[];
  /** Bytes produced by decompression so far for this file (bounded by limits.maxTotalExpandedBytes). */
  expandedBytes: number;
}

/** How a view is reached from its parent, for messages. Member paths join archive names with `/`. */
export interface ViewOptions {
  /** Bytes that may be plain data (tensor storage): a failed pickle parse with nothing in it is not a finding. */
  mayBeData?: boolean;
  /** Content a container format defines as data (tensor bytes, version stamps): unrecognized is expected. */
  quiet?: boolean;
}

export function push(ctx: ScanContext, finding: Omit<Finding, "file">): void {
  ctx.findings.push({ file: ctx.file, ...finding });
}

/**
 * Identifies a view by its bytes and hands it to the reader for that format. Any failure inside becomes
 * a finding on this view (fail closed), and what was found before the failure is kept.
 */
export function reportFailure(ctx: ScanContext, err: unknown, member: string): void {
  if (err instanceof BoundExceededError) {
    push(ctx, {
      ruleId: "ARCHIVE_UNVERIFIABLE",
      severity: "medium",
      location: formatLocation(member, 0),
      message: `${err.message}; the rest was not verified`,
      evidence: { bound: err.bound, limit: err.limit },
    });
  } else if (err instanceof FormatError) {
    const encrypted = err.code === "ENCRYPTED";
    const unsupported = err.code === "FORMAT_UNSUPPORTED";
    push(ctx, {
      ruleId: encrypted || unsupported ? "ARCHIVE_UNVERIFIABLE" : "FORMAT_MALFORMED",
      severity: "medium",
      location: formatLocation(member, err.offset),
      message: encrypted
        ? `${err.message}: its content cannot be verified`
        : unsupported
          ? `${err.message}; it was not verified`
          : `${err.message}; the rest was not verified`,
      evidence: { error: err.message, code: err.code },
    });
  } else {
    const message = err instanceof Error ? err.message : String(err);
    push(ctx, {
      ruleId: "SCANNER_ERROR",
      severity: "medium",
      location: formatLocation(member, 0),
      message: `the reader failed (${message}); this content is not verified`,
      evidence: { error: message },
    });
  }
}
