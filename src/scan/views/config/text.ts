import type { ByteSource } from "../../../formats/source.js";

/** Text files larger than this are not configs any loader reads as code; they are reported unscanned. */
export const MAX_TEXT_BYTES = 64 * 1024 * 1024;

/**
 * A text file held whole (configs and source are small; the caller caps the size) with byte offsets for
 * findings: offsets in reports are bytes, JavaScript string indexes are UTF-16 code units.
 */
export class TextFile {
  readonly bytes: Buffer;
  readonly text: string;
  private readonly ascii: boolean;

  constructor(raw: Uint8Array) {
    this.bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    // The BOM stays in the text as U+FEFF so that string indexes and byte offsets stay aligned.
    this.text = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true }).decode(raw);
    this.ascii = this.text.length === raw.byteLength;
  }

  static read(src: ByteSource): TextFile {
    return new TextFile(src.read(0, src.size));
  }

  /** Byte offset of a string index. */
  byteOffset(index: number): number {
    if (this.ascii || index <= 0) return Math.max(0, index);
    return Buffer.byteLength(this.text.slice(0, index), "utf8");
  }

  /** Byte offset of the first occurrence of `needle` at or after byte `from`, or -1. */
  find(needle: string, from = 0): number {
    return needle === "" ? -1 : this.bytes.indexOf(needle, from, "utf8");
  }

  /**
   * Where a key and (when given) its value sit, for a finding's location: the value as JSON writes it
   * after the key, else the key, else the value anywhere, else 0. Good enough to point a reader at it.
   */
  locate(key: string, value?: string): number {
    const quoted = this.find(JSON.stringify(key));
    const keyAt = Math.max(0, quoted >= 0 ? quoted : this.find(key));
    if (value === undefined) return keyAt;
    for (const needle of [JSON.stringify(value), value]) {
      const at = this.find(needle, keyAt);
      if (at >= 0) return at;
    }
    return keyAt;
  }
}

/** The directory part of a relative path, with a trailing slash, or "" at the root. */
export function dirPrefix(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash >= 0 ? path.slice(0, slash + 1) : "";
}
