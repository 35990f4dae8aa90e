import type { ScanLimitsConfig } from "../config/load-config.js";
import { DEFAULT_PICKLE_LIMITS, type PickleLimits } from "../formats/pickle/types.js";

/** Bounds on work for one scan. Exceeding one is a finding on the file, never a hang or a crash. */
export interface ScanLimits {
  /** Containers inside containers (zip in tar in gzip ...). */
  maxDepth: number;
  /** Members listed per archive. */
  maxMembers: number;
  /** Bytes a single member may expand to when decompressed. */
  maxExpandedBytes: number;
  /** Bytes all decompressed members of one file may expand to together. */
  maxTotalExpandedBytes: number;
  pickle: PickleLimits;
}

export const DEFAULT_SCAN_LIMITS: ScanLimits = {
  maxDepth: 8,
  maxMembers: 100_000,
  maxExpandedBytes: 1024 * 1024 * 1024,
  maxTotalExpandedBytes: 4 * 1024 * 1024 * 1024,
  pickle: DEFAULT_PICKLE_LIMITS,
};

export function resolveLimits(config: ScanLimitsConfig | undefined): ScanLimits {
  if (!config) return DEFAULT_SCAN_LIMITS;
  return {
    ...DEFAULT_SCAN_LIMITS,
    maxDepth: config.maxDepth ?? DEFAULT_SCAN_LIMITS.maxDepth,
    maxMembers: config.maxMembers ?? DEFAULT_SCAN_LIMITS.maxMembers,
    maxExpandedBytes: config.maxExpandedBytes ?? DEFAULT_SCAN_LIMITS.maxExpandedBytes,
    pickle: {
      ...DEFAULT_PICKLE_LIMITS,
      maxOpcodes: config.maxOpcodes ?? DEFAULT_PICKLE_LIMITS.maxOpcodes,
      maxMemo: config.maxMemo ?? DEFAULT_PICKLE_LIMITS.maxMemo,
    },
  };
}
