import { ModelgateError } from "../errors.js";

export interface HubTarget {
  /** `org/name`, or `name` for the few legacy repositories without an owner. */
  repo: string;
  /** A branch, tag or commit as the user gave it; `main` when absent. */
  revision: string;
}

// The Hub's own rule: word characters, '-' and '.', at most 96, no "--" or "..", word characters at both ends.
const NAME_PART = /^\w(?:[\w.-]{0,94}\w)?$/;
const MAX_REVISION_LENGTH = 256;

/** Parses `hf:org/name[@revision]` (also `hf:name`, legacy). Throws a USAGE error for anything else. */
export function parseHubTarget(target: string): HubTarget {
  if (!target.startsWith("hf:")) throw usage(target, "it does not start with 'hf:'");
  const rest = target.slice(3);
  const at = rest.indexOf("@");
  const repo = at === -1 ? rest : rest.slice(0, at);
  const revision = at === -1 ? "main" : rest.slice(at + 1);
  return { repo: checkRepoId(repo, target), revision: checkRevision(revision, target) };
}

/** A repository id (`org/name` or `name`) as the Hub accepts it; throws a USAGE error otherwise. */
export function checkRepoId(repo: string, shownAs = repo): string {
  const parts = repo.split("/");
  const valid =
    parts.length >= 1 &&
    parts.length <= 2 &&
    parts.every((p) => NAME_PART.test(p) && !p.includes("--") && !p.includes(".."));
  if (!valid) throw usage(shownAs, `'${repo}' is not a Hub repository id (org/name)`);
  return repo;
}

function checkRevision(revision: string, target: string): string {
  // Revisions are URL-encoded whole (`refs/pr/1` stays one segment), but "." and ".." would still be
  // resolved away by URL parsing, and control characters have no place in a ref name.
  const valid =
    revision.length > 0 &&
    revision.length <= MAX_REVISION_LENGTH &&
    revision !== "." &&
    revision !== ".." &&
    !/[\u0000-\u001f\u007f]/.test(revision);
  if (!valid) throw usage(target, `'${revision}' is not a revision (a branch, tag or commit)`);
  return revision;
}

function usage(target: string, why: string): ModelgateError {
  return new ModelgateError(
    "USAGE",
    `${JSON.stringify(target)} is not a Hub target: ${why}; write hf:org/name or hf:org/name@revision`,
  );
}
