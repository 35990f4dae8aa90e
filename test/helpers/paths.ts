import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

export const REPO_ROOT = resolve(import.meta.dirname, "..", "..");
/** Peer corpora beside the clone (`../shared/corpus`), present in CI and in sessions, absent elsewhere. */
export const CORPUS_DIR = join(REPO_ROOT, "..", "shared", "corpus");
export const PICKLESCAN_DIR = join(CORPUS_DIR, "picklescan");

/** Whether the picklescan corpus is there; when it is not, says plainly which tests did not run. */
export function picklescanCorpus(what: string): boolean {
  const present = existsSync(join(PICKLESCAN_DIR, "manifest.tsv"));
  if (!present) console.warn(`NOT RUN: ${what} (${PICKLESCAN_DIR} is absent)`);
  return present;
}
