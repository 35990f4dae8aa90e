/**
 * PyTorch checkpoint layouts for tests, examples and benchmarks, written the way `torch.save` writes
 * them (protocol 2 pickles, persistent ids for storages), so the scanner meets real structure.
 */
import { type PickleWriter, pickle } from "./pickle.js";
import { buildZip, type ZipEntrySpec } from "./zip.js";

export interface TensorSpec {
  name: string;
  /** Storage key (the member `archive/data/<key>`). */
  key: string;
  shape: number[];
  storageType?: string;
}

function tuple(w: PickleWriter, items: number[]): PickleWriter {
  w.mark();
  for (const n of items) w.binint(n);
  return w.op("TUPLE");
}

/** `torch._utils._rebuild_tensor_v2(persistent_load(('storage', torch.FloatStorage, key, 'cpu', numel)), ...)`. */
export function writeTensor(w: PickleWriter, t: TensorSpec): PickleWriter {
  const numel = t.shape.reduce((a, b) => a * b, 1);
  const stride = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((a, b) => a * b, 1));
  w.global("torch._utils", "_rebuild_tensor_v2").mark();
  w.mark()
    .binunicode("storage")
    .global("torch", t.storageType ?? "FloatStorage")
    .binunicode(t.key)
    .binunicode("cpu")
    .binint(numel)
    .op("TUPLE")
    .op("BINPERSID");
  w.binint(0);
  tuple(w, t.shape);
  tuple(w, stride);
  w.op("NEWFALSE");
  w.global("collections", "OrderedDict").op("EMPTY_TUPLE").op("REDUCE");
  return w.op("TUPLE").op("REDUCE");
}

/**
 * A state dict pickle (`OrderedDict` of name -> tensor). `extra` may append more SETITEMS pairs (a
 * payload, for malicious examples) before the dict closes.
 */
export function stateDictPickle(tensors: TensorSpec[], extra?: (w: PickleWriter) => void): Uint8Array {
  const w = pickle().proto(2).global("collections", "OrderedDict").op("EMPTY_TUPLE").op("REDUCE").mark();
  for (const t of tensors) writeTensor(w.binunicode(t.name), t);
  extra?.(w);
  return w.op("SETITEMS").stop().bytes();
}

/** The members `torch.save` writes for a zip checkpoint, around a given data.pkl. */
export function torchZipEntries(
  dataPkl: Uint8Array,
  storages: { key: string; bytes: Uint8Array }[],
  prefix = "archive",
): ZipEntrySpec[] {
  return [
    { name: `${prefix}/data.pkl`, data: dataPkl },
    { name: `${prefix}/byteorder`, data: "little" },
    ...storages.map((s) => ({ name: `${prefix}/data/${s.key}`, data: s.bytes })),
    { name: `${prefix}/version`, data: "3\n" },
    { name: `${prefix}/.data/serialization_id`, data: "0123456789012345678901234567890123456789" },
  ];
}

export function torchZip(dataPkl: Uint8Array, storages: { key: string; bytes: Uint8Array }[]): Uint8Array {
  return buildZip(torchZipEntries(dataPkl, storages));
}

/**
 * A legacy (pre-1.6) `torch.save` file: five pickles — magic number, protocol version, system info, the
 * object, the storage keys — then each storage as an 8-byte element count and its raw bytes.
 * `objectPickle` replaces the fourth pickle (where a payload would go).
 */
export function legacyTorch(tensors: TensorSpec[], objectPickle?: Uint8Array): Uint8Array {
  const magic = pickle().proto(2).long1(0x1950a86a20f9469cfc6cn).stop().bytes();
  const version = pickle().proto(2).binint(1001).stop().bytes();
  const sysInfo = pickle()
    .proto(2)
    .op("EMPTY_DICT")
    .mark()
    .binunicode("protocol_version")
    .binint(1001)
    .binunicode("little_endian")
    .op("NEWTRUE")
    .binunicode("type_sizes")
    .op("EMPTY_DICT")
    .mark()
    .binunicode("short")
    .binint(2)
    .binunicode("int")
    .binint(4)
    .binunicode("long")
    .binint(4)
    .op("SETITEMS")
    .op("SETITEMS")
    .stop()
    .bytes();
  const obj = objectPickle ?? stateDictPickle(tensors);
  const keys = pickle().proto(2).mark();
  for (const t of tensors) keys.binunicode(t.key);
  const keysPkl = keys.op("LIST").stop().bytes();
  const storages: Uint8Array[] = tensors.map((t) => {
    const numel = t.shape.reduce((a, b) => a * b, 1);
    const out = new Uint8Array(8 + numel * 4);
    new DataView(out.buffer).setBigUint64(0, BigInt(numel), true);
    return out;
  });
  return Buffer.concat([magic, version, sysInfo, obj, keysPkl, ...storages]);
}
