import type { ByteSource } from "./source.js";

/**
 * The files of a model, wherever they live: a folder on disk, or a remote repository whose bytes are
 * fetched on demand (the Hugging Face Hub). Readers see ByteSources either way.
 */
export interface FileSet {
  /** The target as the user gave it (`./model`, `hf:org/name@rev`). */
  target: string;
  /** A folder or repository (the scan report gets a repository view), not a single file. */
  isDirectory: boolean;
  /** The folder on disk that relative paths start from; null for a remote repository. */
  root: string | null;
  files: FileSetEntry[];
}

export interface FileSetEntry {
  /** Relative to the root, forward slashes (the file name when the target is one file). */
  relativePath: string;
  size: number;
  /** Where the file is on disk (hashing, readers that look beside a file); null when remote. */
  path: string | null;
  /** Set when the entry exists but cannot be read (a dangling symlink, permission denied). */
  problem?: string;
  /** A SHA-256 the source already knows (the Hub's LFS object id), used when the bytes are not hashed here. */
  sha256?: string;
  open(): FileSetSource;
  /**
   * For sources that fetch on demand: fetches the ranges reads asked for but did not get. The scanner then
   * reads the file again, until a pass asks for nothing new.
   */
  fetch?(ranges: ByteRange[]): Promise<void>;
}

export interface ByteRange {
  offset: number;
  length: number;
}

export interface FileSetSource extends ByteSource {
  /** Bytes read from storage or the network so far. */
  readonly bytesRead: number;
  close(): void;
  /** Ranges reads asked for that were not there yet (returned as zeros); empty for local files. */
  missing?(): ByteRange[];
}
