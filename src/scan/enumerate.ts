import { lstatSync, readdirSync, realpathSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { ModelgateError } from "../errors.js";
import type { FileSet, FileSetEntry } from "../formats/file-set.js";
import { FileSource } from "../formats/source.js";

interface TargetFile {
  path: string;
  relativePath: string;
  size: number;
  problem?: string;
}

/** A file or folder on disk as a FileSet. Throws ModelgateError TARGET_UNREADABLE when the target itself cannot be read. */
export function localFileSet(target: string): FileSet {
  const { files, isDirectory } = enumerateTarget(target);
  const entries: FileSetEntry[] = files.map((f) => ({
    relativePath: f.relativePath,
    size: f.size,
    path: f.path,
    ...(f.problem ? { problem: f.problem } : {}),
    open: () => new FileSource(f.path),
  }));
  return {
    target,
    isDirectory,
    root: isDirectory ? realpathSync(target) : dirname(resolve(target)),
    files: entries,
  };
}

/**
 * Every regular file under the target, whatever its name. Symlinks to files are followed (Hugging Face
 * caches are made of them); symlinked directories are not, so a link loop cannot trap the walk.
 */
function enumerateTarget(target: string): { files: TargetFile[]; isDirectory: boolean } {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(target);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file or directory"
        : code === "EACCES"
          ? "permission denied"
          : String(code);
    throw new ModelgateError("TARGET_UNREADABLE", `cannot read ${target}: ${why}`, { cause });
  }
  if (stat.isFile()) {
    const name = target.split(/[\\/]/).filter(Boolean).pop() ?? target;
    return { files: [{ path: target, relativePath: name, size: stat.size }], isDirectory: false };
  }
  if (!stat.isDirectory()) {
    throw new ModelgateError("TARGET_UNREADABLE", `cannot scan ${target}: not a regular file or directory`);
  }
  const out: TargetFile[] = [];
  const root = realpathSync(target);
  const walk = (dir: string) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch (cause) {
      if (dir === root) throw new ModelgateError("TARGET_UNREADABLE", `cannot list ${target}`, { cause });
      return;
    }
    for (const name of names) {
      const full = join(dir, name);
      let st: ReturnType<typeof lstatSync>;
      try {
        st = lstatSync(full);
        if (st.isSymbolicLink()) {
          st = statSync(full);
          if (st.isDirectory()) continue;
        }
      } catch (cause) {
        out.push({
          path: full,
          relativePath: relativeTo(root, full),
          size: 0,
          problem: (cause as Error).message,
        });
        continue;
      }
      if (st.isDirectory()) walk(full);
      else if (st.isFile()) out.push({ path: full, relativePath: relativeTo(root, full), size: st.size });
      // A FIFO would block a reader and a device never ends: reported, never opened.
      else
        out.push({
          path: full,
          relativePath: relativeTo(root, full),
          size: 0,
          problem: "not a regular file (a FIFO, socket or device); it was not opened",
        });
    }
  };
  walk(root);
  return { files: out, isDirectory: true };
}

function relativeTo(root: string, full: string): string {
  return relative(root, full).split(sep).join("/");
}
