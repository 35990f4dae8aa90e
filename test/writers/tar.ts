/** A tar writer for tests: ustar headers, GNU long names, pax records, wrong checksums on request. */

export interface TarEntrySpec {
  name: string;
  data?: Uint8Array | string;
  /** "0" file (default), "1" hardlink, "2" symlink, "5" directory, or any flag. */
  type?: string;
  linkName?: string;
  /** "ustar" (default, name split into prefix when long), "gnu" (././@LongLink), "pax" (path record). */
  longName?: "ustar" | "gnu" | "pax";
  pax?: Record<string, string>;
  badChecksum?: boolean;
  /** Write the size field in GNU base-256. */
  base256Size?: boolean;
}

const enc = new TextEncoder();

function header(
  name: string,
  size: number,
  type: string,
  linkName: string,
  opts: { prefix?: string; bad?: boolean; base256?: boolean } = {},
): Uint8Array {
  const h = new Uint8Array(512);
  const put = (s: string | Uint8Array, at: number, len: number) =>
    h.set((typeof s === "string" ? enc.encode(s) : s).subarray(0, len), at);
  const oct = (v: number, at: number, len: number) =>
    put(`${v.toString(8).padStart(len - 1, "0")}\0`, at, len);
  put(name, 0, 100);
  oct(0o644, 100, 8);
  oct(0, 108, 8);
  oct(0, 116, 8);
  if (opts.base256) {
    const f = new Uint8Array(12);
    let v = size;
    for (let i = 11; i > 0; i--) {
      f[i] = v % 256;
      v = Math.floor(v / 256);
    }
    f[0] = 0x80;
    put(f, 124, 12);
  } else oct(size, 124, 12);
  oct(0, 136, 12);
  h[156] = type.charCodeAt(0);
  put(linkName, 157, 100);
  put("ustar\x0000", 257, 8);
  if (opts.prefix) put(opts.prefix, 345, 155);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  put(`${(opts.bad ? sum + 1 : sum).toString(8).padStart(6, "0")}\0 `, 148, 8);
  return h;
}

function pad(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(b.length / 512) * 512);
  out.set(b);
  return out;
}

function paxBody(rec: Record<string, string>): Uint8Array {
  let s = "";
  for (const [k, v] of Object.entries(rec)) {
    const body = ` ${k}=${v}\n`;
    const bodyBytes = enc.encode(body).length;
    let n = bodyBytes + 1;
    while (String(n).length + bodyBytes !== n) n = String(n).length + bodyBytes;
    s += `${n}${body}`;
  }
  return enc.encode(s);
}

export function buildTar(entries: TarEntrySpec[], opts: { omitEnd?: boolean } = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    const data = typeof e.data === "string" ? enc.encode(e.data) : (e.data ?? new Uint8Array(0));
    const type = e.type ?? "0";
    let name = e.name;
    let prefix: string | undefined;
    const pax = { ...(e.pax ?? {}) };
    if (enc.encode(name).length > 100) {
      if (e.longName === "gnu") {
        const ln = enc.encode(`${name}\0`);
        parts.push(header("././@LongLink", ln.length, "L", ""), pad(ln));
        name = name.slice(0, 99);
      } else if (e.longName === "pax") {
        pax.path = name;
        name = name.slice(0, 99);
      } else {
        const cut = name.lastIndexOf("/", 155);
        prefix = name.slice(0, cut);
        name = name.slice(cut + 1);
      }
    }
    if (Object.keys(pax).length) {
      const body = paxBody(pax);
      parts.push(header(`PaxHeaders/${name.slice(0, 80)}`, body.length, "x", ""), pad(body));
    }
    const size = type === "0" || type === "7" ? data.length : 0;
    parts.push(
      header(name, size, type, e.linkName ?? "", { prefix, bad: e.badChecksum, base256: e.base256Size }),
    );
    if (size) parts.push(pad(data));
  }
  if (!opts.omitEnd) parts.push(new Uint8Array(1024));
  return Buffer.concat(parts);
}
