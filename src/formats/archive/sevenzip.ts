/**
 * 7z archives, listed and extracted with 7z-wasm (7-Zip compiled to WebAssembly, loaded only when a 7z
 * file is met). Extraction is bounded by the members' declared sizes (7-Zip's decoders stop at them)
 * and every extracted size is checked again. Encrypted archives and members are reported, never guessed.
 */
import { BoundExceededError, FormatError } from "../../errors.js";
import type { ByteSource } from "../source.js";

export interface SevenZipLimits {
  maxMembers: number;
  /** Bytes of the archive itself (it is copied into the WebAssembly file system). */
  maxArchiveBytes: number;
  maxMemberBytes: number;
  maxTotalBytes: number;
}

export const DEFAULT_SEVENZIP_LIMITS: SevenZipLimits = {
  maxMembers: 100_000,
  maxArchiveBytes: 1024 * 1024 * 1024,
  maxMemberBytes: 1024 * 1024 * 1024,
  maxTotalBytes: 2 * 1024 * 1024 * 1024,
};

export interface SevenZipMember {
  index: number;
  name: string;
  size: number;
  packedSize: number;
  encrypted: boolean;
  isDirectory: boolean;
  method: string;
  crc32: number | null;
}

export interface SevenZipAnomaly {
  kind:
    | "encrypted"
    | "encrypted-headers"
    | "member-limit"
    | "missing-after-extract"
    | "size-mismatch"
    | "error";
  index: number;
  message: string;
}

export interface SevenZipArchive {
  members: SevenZipMember[];
  /** The listing itself is encrypted: no member names can be read. */
  encryptedHeaders: boolean;
  anomalies: SevenZipAnomaly[];
  /** Extracted bytes by member index (files only, not encrypted, when `extract` was asked for). */
  contents: Map<number, Uint8Array>;
}

interface SzModule {
  FS: {
    writeFile(path: string, data: Uint8Array): void;
    readFile(path: string): Uint8Array;
    mkdir(path: string): void;
    stat(path: string): { size: number; mode: number };
    isDir(mode: number): boolean;
  };
  callMain(args: string[]): number | undefined;
}

let factory: Promise<(opts: object) => Promise<SzModule>> | null = null;

async function load(): Promise<{ mod: SzModule; out: string[]; exit: { code: number } }> {
  factory ??= import("7z-wasm").then((m) => m.default as unknown as (opts: object) => Promise<SzModule>);
  const make = await factory;
  const out: string[] = [];
  const exit = { code: 0 };
  const mod = await make({
    print: (s: string) => out.push(s),
    printErr: (s: string) => out.push(s),
    quit: (code: number) => {
      exit.code = code;
    },
  });
  return { mod, out, exit };
}

function run(
  ctx: { mod: SzModule; out: string[]; exit: { code: number } },
  args: string[],
): { code: number; text: string } {
  ctx.out.length = 0;
  ctx.exit.code = 0;
  // 7z-wasm's Node glue ignores the `quit` option and sets `process.exitCode` to 7-Zip's status (2 on a
  // malformed archive): a library caller's exit code must not change because a file was scanned.
  const hostExitCode = process.exitCode;
  try {
    const ret = ctx.mod.callMain(args);
    if (typeof ret === "number") ctx.exit.code = ret;
  } catch (e) {
    const status = (e as { status?: number }).status;
    ctx.exit.code = typeof status === "number" ? status : 255;
    if (typeof status !== "number") ctx.out.push(String((e as Error)?.message ?? e));
  } finally {
    process.exitCode = hostExitCode;
  }
  return { code: ctx.exit.code, text: ctx.out.join("\n") };
}

function parseListing(text: string): { props: Map<string, string>; entries: Map<string, string>[] } {
  const sections = text.split(/\n-{10}\n/);
  const parseBlock = (b: string) => {
    const m = new Map<string, string>();
    for (const line of b.split("\n")) {
      const eq = line.indexOf(" = ");
      if (eq > 0) m.set(line.slice(0, eq), line.slice(eq + 3));
    }
    return m;
  };
  const props = parseBlock(sections[0] ?? "");
  const entries: Map<string, string>[] = [];
  for (const block of (sections[1] ?? "").split(/\n\s*\n/)) {
    const m = parseBlock(block);
    if (m.has("Path")) entries.push(m);
  }
  return { props, entries };
}

function toBytes(input: Uint8Array | ByteSource, lim: SevenZipLimits): Uint8Array {
  if (input instanceof Uint8Array) {
    if (input.length > lim.maxArchiveBytes) {
      throw new BoundExceededError(
        "sevenzip.maxArchiveBytes",
        lim.maxArchiveBytes,
        `7z archive of ${input.length} bytes`,
      );
    }
    return input;
  }
  if (input.size > lim.maxArchiveBytes) {
    throw new BoundExceededError(
      "sevenzip.maxArchiveBytes",
      lim.maxArchiveBytes,
      `7z archive of ${input.size} bytes`,
    );
  }
  return input.read(0, input.size);
}

const AES_CODER = [0x06, 0xf1, 0x07, 0x01];

/** The archive's header is an encoded header whose coders include 7zAES (7z -mhe=on). */
export function sevenZipHeadersEncrypted(bytes: Uint8Array): boolean {
  if (bytes.length < 32) return false;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const off = Number(dv.getBigUint64(12, true));
  const size = Number(dv.getBigUint64(20, true));
  const start = 32 + off;
  if (!Number.isSafeInteger(start) || start >= bytes.length || size > 1 << 20) return false;
  const h = bytes.subarray(start, Math.min(bytes.length, start + size));
  if (h[0] !== 0x17) return false; // kEncodedHeader
  for (let i = 0; i + 4 <= h.length; i++) {
    if (AES_CODER.every((c, j) => h[i + j] === c)) return true;
  }
  return false;
}

const ARCHIVE = "/in/archive.7z";
const OUT = "/out";

/**
 * Lists a 7z archive and, with `extract`, the bytes of its readable files. Throws FormatError for what is
 * not a readable 7z archive (ENCRYPTED when its headers are encrypted) and BoundExceededError past limits.
 */
export async function readSevenZip(
  input: Uint8Array | ByteSource,
  limits: Partial<SevenZipLimits> = {},
  options: { extract?: boolean } = {},
): Promise<SevenZipArchive> {
  const lim = { ...DEFAULT_SEVENZIP_LIMITS, ...limits };
  const bytes = toBytes(input, lim);
  const ctx = await load();
  ctx.mod.FS.mkdir("/in");
  ctx.mod.FS.mkdir(OUT);
  ctx.mod.FS.writeFile(ARCHIVE, bytes);
  // A wrong dummy password: 7-Zip must never wait for one on stdin.
  const listed = run(ctx, ["l", "-slt", "-t7z", "-p-", "-bd", ARCHIVE]);
  const archive: SevenZipArchive = {
    members: [],
    encryptedHeaders: false,
    anomalies: [],
    contents: new Map(),
  };
  if (listed.code !== 0) {
    if (/encrypted archive|Wrong password/i.test(listed.text) || sevenZipHeadersEncrypted(bytes)) {
      archive.encryptedHeaders = true;
      archive.anomalies.push({
        kind: "encrypted-headers",
        index: -1,
        message: "the 7z archive's headers are encrypted",
      });
      return archive;
    }
    const why =
      listed.text
        .split("\n")
        .filter((l) => /ERROR|error|Can ?not/.test(l))
        .join("; ") || `exit ${listed.code}: ${listed.text.slice(-300)}`;
    throw new FormatError("FORMAT_MALFORMED", `7z: ${why}`, 0);
  }
  const { entries } = parseListing(listed.text);
  let total = 0;
  for (const e of entries) {
    if (archive.members.length >= lim.maxMembers) {
      archive.anomalies.push({
        kind: "member-limit",
        index: -1,
        message: `more than ${lim.maxMembers} 7z members`,
      });
      break;
    }
    const attrs = e.get("Attributes") ?? "";
    const m: SevenZipMember = {
      index: archive.members.length,
      name: e.get("Path") ?? "",
      size: Number(e.get("Size") ?? 0) || 0,
      packedSize: Number(e.get("Packed Size") ?? 0) || 0,
      encrypted: e.get("Encrypted") === "+",
      isDirectory: e.get("Folder") === "+" || /^D/.test(attrs),
      method: e.get("Method") ?? "",
      crc32: e.get("CRC") ? Number.parseInt(e.get("CRC")!, 16) : null,
    };
    archive.members.push(m);
    if (m.encrypted) {
      archive.anomalies.push({
        kind: "encrypted",
        index: m.index,
        message: `7z member ${JSON.stringify(m.name)} is encrypted`,
      });
    }
    if (!m.isDirectory && !m.encrypted) total += m.size;
  }
  if (!options.extract) return archive;
  for (const m of archive.members) {
    if (!m.isDirectory && !m.encrypted && m.size > lim.maxMemberBytes) {
      throw new BoundExceededError(
        "sevenzip.maxMemberBytes",
        lim.maxMemberBytes,
        `7z member ${JSON.stringify(m.name)} declares ${m.size} bytes`,
      );
    }
  }
  if (total > lim.maxTotalBytes) {
    throw new BoundExceededError(
      "sevenzip.maxTotalBytes",
      lim.maxTotalBytes,
      `7z members declare ${total} bytes in all`,
    );
  }
  const x = run(ctx, ["x", "-t7z", "-p-", "-bd", "-y", "-snl", `-o${OUT}`, ARCHIVE]);
  if (x.code !== 0 && !archive.members.some((m) => m.encrypted)) {
    archive.anomalies.push({
      kind: "error",
      index: -1,
      message: `7z extraction reported errors (exit ${x.code})`,
    });
  }
  for (const m of archive.members) {
    if (m.isDirectory || m.encrypted) continue;
    let data: Uint8Array;
    try {
      data = ctx.mod.FS.readFile(`${OUT}/${m.name.replace(/^\/+/, "")}`);
    } catch {
      archive.anomalies.push({
        kind: "missing-after-extract",
        index: m.index,
        message: `7z member ${JSON.stringify(m.name)} was not extracted`,
      });
      continue;
    }
    if (data.length !== m.size) {
      archive.anomalies.push({
        kind: "size-mismatch",
        index: m.index,
        message: `7z member ${JSON.stringify(m.name)} gave ${data.length} bytes, declared ${m.size}`,
      });
      if (data.length > lim.maxMemberBytes) {
        throw new BoundExceededError(
          "sevenzip.maxMemberBytes",
          lim.maxMemberBytes,
          `7z member ${JSON.stringify(m.name)} expanded past the limit`,
        );
      }
    }
    archive.contents.set(m.index, data);
  }
  return archive;
}

/** Builds a 7z archive with 7z-wasm (for tests and fixture scripts). */
export async function createSevenZip(
  files: { name: string; data: Uint8Array }[],
  options: { password?: string; encryptHeaders?: boolean } = {},
): Promise<Uint8Array> {
  const ctx = await load();
  ctx.mod.FS.mkdir("/src");
  for (const f of files) {
    const parts = f.name.split("/");
    let dir = "/src";
    for (const p of parts.slice(0, -1)) {
      dir += `/${p}`;
      try {
        ctx.mod.FS.mkdir(dir);
      } catch {
        // exists
      }
    }
    ctx.mod.FS.writeFile(`/src/${f.name}`, f.data);
  }
  const args = ["a", "-t7z", "-bd", "/a.7z", ...files.map((f) => f.name)];
  if (options.password) args.push(`-p${options.password}`);
  if (options.encryptHeaders) args.push("-mhe=on");
  (ctx.mod.FS as unknown as { chdir(p: string): void }).chdir("/src");
  const r = run(ctx, args);
  if (r.code !== 0) throw new Error(`7z a failed: ${r.text}`);
  return ctx.mod.FS.readFile("/a.7z");
}
