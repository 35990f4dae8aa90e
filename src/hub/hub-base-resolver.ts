import { HubClient, HubHttpError } from "./hub-client.js";
import type { HubOptions } from "./hub-file-set.js";
import { checkRepoId } from "./parse-hub-target.js";

/** The texts lineage reads of a base model (the structural twin of BaseModelTexts in src/license/types.ts). */
export interface HubBaseModelTexts {
  from: string;
  readme: string | null;
  files: { path: string; text: string }[];
}

/** A card or license text larger than this is not a card or a license. */
const MAX_TEXT_BYTES = 1024 * 1024;
const LICENSE_FILE = /^(?:LICEN[CS]E|NOTICE|USE[_-]POLICY)[^/]*$/i;
const HUB_URL = /^https?:\/\/(?:www\.)?(?:huggingface\.co|hf\.co)\/(.+)$/;

/**
 * Resolves a `base_model` id (`org/name`, `hf:org/name[@rev]`, a huggingface.co URL) to its README and
 * root LICENSE*, NOTICE*, USE_POLICY* texts; null when the id is not a Hub id or the Hub does not have it.
 * Files the token may not read (a gated model's license) are left out; network failures throw.
 */
export function hubBaseResolver(options: HubOptions): (id: string) => Promise<HubBaseModelTexts | null> {
  const client = new HubClient(options);
  return async (id) => {
    const parsed = parseBaseId(id.trim());
    if (!parsed) return null;
    let info: Awaited<ReturnType<HubClient["modelInfo"]>>;
    try {
      info = await client.modelInfo(parsed.repo, parsed.revision);
    } catch (cause) {
      // The Hub answers 401 for a repository that does not exist when no token is sent.
      if (cause instanceof HubHttpError && (cause.status === 404 || cause.errorCode === "RepoNotFound"))
        return null;
      throw cause;
    }
    const readText = async (path: string): Promise<string | null> => {
      try {
        const { bytes } = await client.fetchFile(parsed.repo, info.sha, path, MAX_TEXT_BYTES);
        return new TextDecoder().decode(bytes);
      } catch (cause) {
        if (cause instanceof HubHttpError && [401, 403, 404].includes(cause.status)) return null;
        throw cause;
      }
    };
    const root = info.siblings.filter((s) => !s.path.includes("/") && s.size <= MAX_TEXT_BYTES);
    const readme = root.some((s) => s.path === "README.md") ? await readText("README.md") : null;
    const files: HubBaseModelTexts["files"] = [];
    for (const s of root.filter((f) => LICENSE_FILE.test(f.path))) {
      const text = await readText(s.path);
      if (text !== null) files.push({ path: s.path, text });
    }
    return { from: `hf:${parsed.repo}@${info.sha}`, readme, files };
  };
}

function parseBaseId(id: string): { repo: string; revision: string } | null {
  let rest = id;
  if (rest.startsWith("hf:")) rest = rest.slice(3);
  else {
    const url = HUB_URL.exec(rest);
    if (url) rest = url[1]!.replace(/\/(?:tree|blob|resolve)\/([^/]+).*$/, "@$1").replace(/\/+$/, "");
  }
  const at = rest.indexOf("@");
  const repo = at === -1 ? rest : rest.slice(0, at);
  const revision = at === -1 ? "main" : rest.slice(at + 1);
  if (revision === "" || revision === "." || revision === "..") return null;
  try {
    checkRepoId(repo);
  } catch {
    return null; // a local path or something else that is not a Hub id
  }
  return { repo, revision };
}
