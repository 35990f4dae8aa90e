import type { ScanContext } from "../../src/scan/context.js";
import { emptyFacts } from "../../src/scan/facts.js";
import { DEFAULT_SCAN_LIMITS } from "../../src/scan/limits.js";

/**
 * A fresh context for scanning `file` with the default limits, as `scan()` builds one for a file it opened.
 * The root is a directory that does not exist unless `overrides` name one, so views that look beside the
 * model (ONNX external data) find nothing there; `filePath` follows the root.
 */
export function testScanContext(file = "input", overrides: Partial<ScanContext> = {}): ScanContext {
  const root = overrides.root ?? "/nonexistent";
  return {
    file,
    filePath: `${root}/${file}`,
    root,
    facts: emptyFacts(),
    findings: [],
    limits: DEFAULT_SCAN_LIMITS,
    allow: [],
    expandedBytes: 0,
    ...overrides,
  };
}
