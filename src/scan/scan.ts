import type { ModelgateConfig } from "../config/load-config.js";
import { ModelgateError } from "../errors.js";
import type { ByteRange, FileSet, FileSetEntry, FileSetSource } from "../formats/file-set.js";
import { VERSION } from "../version.js";
import type { ScanContext } from "./context.js";
import { localFileSet } from "./enumerate.js";
import { emptyFacts, type FileFacts } from "./facts.js";
import { resolveLimits } from "./limits.js";
import { buildRepositoryView, type RepositoryView } from "./repository.js";
import { scanSource } from "./scan-source.js";
import { type FileReport, type Finding, type ScanReport, SEVERITIES, type Severity } from "./types.js";

export interface ScanOptions {
  /** SHA-256 of every file (default true). */
  hash?: boolean;
  config?: ModelgateConfig;
  /** Called as work advances: bytes scanned or hashed so far out of the total, and what is being read. */
  onProgress?: (done: number, total: number, label: string) => void;
}

/**
 * Scans a file or a directory of model artifacts without executing, importing or deserializing any of
 * it. Throws ModelgateError TARGET_UNREADABLE only when the target itself cannot be read; everything a
 * reader meets inside becomes a finding.
 */
export async function scan(target: string | FileSet, options: ScanOptions = {}): Promise<ScanReport> {
  const started = performance.now();
  const fileSet = typeof target === "string" ? localFileSet(target) : target;
  const { files, isDirectory } = fileSet;
  // A remote repository has no folder on disk: readers that look beside a file find nothing there.
  const root = fileSet.root ?? "/nonexistent";
  const bytesTotal = files.reduce((n, f) => n + f.size, 0);
  // Files on disk are hashed here; a remote file's digest comes from its source (the Hub's LFS id).
  const hashable = files.filter((f) => !f.problem && f.path !== null).map((f) => f.path!);
  const wantHash = options.hash !== false;

  let hashedBytes = 0;
  let scannedBytes = 0;
  // Both passes read every byte (the scan mostly skips them); progress is their average over the model.
  const report = (label: string) =>
    options.onProgress?.(wantHash ? (hashedBytes + scannedBytes) / 2 : scannedBytes, bytesTotal, label);
  // hash.js (worker threads, node:crypto) loads only when hashing: `--no-hash` starts faster.
  const hashes = wantHash
    ? (await import("./hash.js")).hashFiles(hashable, {
        onProgress: (done) => {
          hashedBytes = done;
          report("hashing");
        },
      })
    : Promise.resolve(new Map<string, string>());
  // Hashing runs in worker threads; give it a turn to start before the synchronous readers take the loop.
  await new Promise((resolve) => setImmediate(resolve));

  const limits = resolveLimits(options.config?.scan?.limits);
  const allow = options.config?.scan?.allowGlobals ?? [];
  const findings: Finding[] = [];
  const fileReports: FileReport[] = [];
  const facts: FileFacts[] = [];
  let bytesRead = 0;
  for (const file of files) {
    const before = findings.length;
    const fileFacts = emptyFacts();
    facts.push(fileFacts);
    const format = await scanOneFile(file, { findings, limits, allow, root, facts: fileFacts }, (n) => {
      bytesRead += n;
    });
    scannedBytes += file.size;
    report(file.relativePath);
    fileReports.push({
      path: file.relativePath,
      size: file.size,
      sha256: null,
      format,
      findings: findings.length - before,
    });
  }

  let digests: Map<string, string>;
  try {
    digests = await hashes;
  } catch (cause) {
    throw new ModelgateError("TARGET_UNREADABLE", `hashing failed: ${(cause as Error).message}`, { cause });
  }
  files.forEach((f, i) => {
    fileReports[i]!.sha256 = (f.path !== null ? digests.get(f.path) : undefined) ?? f.sha256 ?? null;
  });

  let repository: RepositoryView | undefined;
  if (isDirectory) {
    const built = buildRepositoryView(fileReports, facts);
    repository = built.view;
    // External tensor data is read through the model that names it; "unscanned" would be noise there.
    for (let i = findings.length - 1; i >= 0; i--) {
      const f = findings[i]!;
      if (f.ruleId !== "UNSCANNED_CONTENT" || !built.tensorData.has(f.file) || f.location !== "@0") continue;
      findings.splice(i, 1);
      const owner = fileReports.find((r) => r.path === f.file);
      if (owner) owner.findings--;
    }
    for (const f of built.findings) {
      findings.push(f);
      const owner = fileReports.find((r) => r.path === f.file);
      if (owner) owner.findings++;
    }
  }

  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) bySeverity[f.severity]++;
  return {
    schemaVersion: 1,
    tool: { name: "modelgate", version: VERSION },
    target: fileSet.target,
    files: fileReports,
    findings,
    ...(repository ? { repository } : {}),
    summary: {
      files: files.length,
      bytesRead,
      bytesTotal,
      durationMs: Math.round(performance.now() - started),
      bySeverity,
    },
  };
}

/** Passes over one remote file before its reads are taken as they are (each pass fetches what the last asked for). */
const MAX_FETCH_PASSES = 16;

async function scanOneFile(
  file: FileSetEntry,
  shared: Pick<ScanContext, "findings" | "limits" | "allow" | "root" | "facts">,
  countRead: (n: number) => void,
): Promise<FileReport["format"]> {
  const unreadable = (why: string) => {
    shared.findings.push({
      ruleId: "FILE_UNREADABLE",
      severity: "medium",
      file: file.relativePath,
      location: "@0",
      message: why,
      evidence: { error: why },
    });
    return "unknown" as const;
  };
  if (file.problem) return unreadable(`cannot read this file: ${file.problem}`);
  for (let pass = 1; ; pass++) {
    let source: FileSetSource;
    try {
      source = file.open();
    } catch (cause) {
      return unreadable(`cannot open this file: ${(cause as Error).message}`);
    }
    const ctx: ScanContext = {
      ...shared,
      findings: [],
      facts: emptyFacts(),
      file: file.relativePath,
      filePath: file.path ?? `${shared.root}/${file.relativePath}`,
      expandedBytes: 0,
    };
    let format: FileReport["format"];
    let missing: ByteRange[];
    try {
      format = await scanSource(ctx, source, "", 0);
      missing = source.missing?.() ?? [];
    } finally {
      countRead(source.bytesRead);
      source.close();
    }
    if (missing.length > 0 && file.fetch && pass < MAX_FETCH_PASSES) {
      try {
        await file.fetch(missing);
        continue;
      } catch (cause) {
        return unreadable(`cannot fetch this file's bytes: ${(cause as Error).message}`);
      }
    }
    if (missing.length > 0)
      ctx.findings.push({
        ruleId: "FILE_UNREADABLE",
        severity: "medium",
        file: file.relativePath,
        location: "@0",
        message: `${missing.length} byte range(s) the readers asked for could not be fetched in ${MAX_FETCH_PASSES} passes; the file is not fully verified`,
        evidence: { missing: missing.slice(0, 10) },
      });
    shared.findings.push(...ctx.findings);
    Object.assign(shared.facts, ctx.facts);
    return format;
  }
}
