import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

/**
 * One test file's temporary folder, removed after its tests. Each case gets a directory of its own, so
 * files a model names beside it (external data, shards) never come from another case.
 */
export function tempFiles(name: string) {
  const root = mkdtempSync(join(tmpdir(), `modelgate-${name}-`));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  let cases = 0;
  const dir = (): string => {
    const d = join(root, `case${cases++}`);
    mkdirSync(d);
    return d;
  };
  /** Writes `content` as `file` in a fresh directory and returns its path. */
  const write = (file: string, content: Uint8Array | string): string => {
    const path = join(dir(), file);
    writeFileSync(path, content);
    return path;
  };
  return { dir, write };
}
