/** .npy and .npz writers for tests: any header text, any version, any member names. */
import { buildZip, type ZipWriteOptions } from "./zip.js";

export interface NpySpec {
  /** The dtype as numpy writes it: "<f4", "|O", or a structured list as Python text: "[('a', '<i4')]". */
  descr?: string;
  fortranOrder?: boolean;
  shape?: number[];
  /** Replaces the whole header dict text. */
  header?: string;
  version?: 1 | 2 | 3;
  /** The data region (raw items, or a pickle for object arrays). */
  data?: Uint8Array;
  /** Pad so that the data starts at a multiple of 64 (numpy's choice); false leaves the header unpadded. */
  align?: boolean;
}

function pyShape(shape: number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

export function buildNpy(spec: NpySpec = {}): Uint8Array {
  const version = spec.version ?? 1;
  const descr = spec.descr ?? "<f4";
  const descrText = descr.startsWith("[") ? descr : `'${descr}'`;
  let header =
    spec.header ??
    `{'descr': ${descrText}, 'fortran_order': ${spec.fortranOrder ? "True" : "False"}, 'shape': ${pyShape(spec.shape ?? [0])}, }`;
  const pre = version === 1 ? 10 : 12;
  if (spec.align !== false) {
    const total = pre + header.length + 1;
    header += " ".repeat((64 - (total % 64)) % 64);
    header += "\n";
  }
  const hb =
    version === 3 ? new TextEncoder().encode(header) : Uint8Array.from(header, (c) => c.charCodeAt(0) & 0xff);
  const data = spec.data ?? new Uint8Array(0);
  const out = new Uint8Array(pre + hb.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, hb.length, true);
  else dv.setUint32(8, hb.length, true);
  out.set(hb, pre);
  out.set(data, pre + hb.length);
  return out;
}

/** An .npz: a zip of .npy members (names as given: numpy adds ".npy", an attacker need not). */
export function buildNpz(
  members: { name: string; npy: Uint8Array }[],
  opts: { compress?: boolean } & ZipWriteOptions = {},
): Uint8Array {
  return buildZip(
    members.map((m) => ({ name: m.name, data: m.npy, method: opts.compress ? 8 : 0 })),
    opts,
  );
}
