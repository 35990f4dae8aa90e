/**
 * A byte-exact HDF5 writer for tests: a root group whose object header holds attributes, laid out as
 * libhdf5 writes them. `superblock: 0` gives the "earliest" layout h5py uses by default (superblock v0,
 * object header v1, attribute messages v1, a root symbol table entry); `superblock: 2 | 3` gives the
 * "latest" one (OHDR v2 with Jenkins lookup3 checksums, attribute messages v3). Variable-length strings
 * live in a global heap collection ("GCOL"). Options write the malformations a reader must survive:
 * continuation blocks, continuation cycles, addresses past the end, dense attribute storage.
 */

export type Hdf5AttrValue =
  /** A fixed-length string (what h5py writes for `bytes`). */
  | { kind: "fixed"; strings: string[]; padding?: "nullterm" | "nullpad" | "spacepad"; array?: boolean }
  /** A variable-length UTF-8 string (what h5py writes for `str`), in the global heap. */
  | { kind: "vlen"; strings: string[]; array?: boolean }
  | { kind: "int32"; values: number[]; array?: boolean }
  | { kind: "float64"; values: number[]; array?: boolean };

export interface Hdf5Attr {
  name: string;
  /** A plain string is a scalar fixed-length string. */
  value: string | Hdf5AttrValue;
}

export interface Hdf5WriteOptions {
  superblock?: 0 | 1 | 2 | 3;
  /** Zero bytes before the superblock (a user block): 512, 1024 or 2048. */
  userBlock?: number;
  /** Put the attributes in a continuation block after the first chunk. */
  continuation?: boolean;
  /** The continuation block continues back to itself. */
  continuationCycle?: boolean;
  /** The continuation message points past the end of the file. */
  continuationPastEnd?: boolean;
  /** An attribute info message announcing dense storage (a fractal heap address). */
  denseAttributes?: boolean;
  /** Attribute message version (default: 1 with superblock 0/1, 3 with 2/3, as libhdf5 writes). */
  attributeVersion?: 1 | 2 | 3;
  /** Override the root object header address (relative to the superblock). */
  rootAddress?: number;
}

const enc = new TextEncoder();
const UNDEFINED = 0xffff_ffff_ffff_ffffn;

class Bytes {
  parts: number[] = [];
  get length(): number {
    return this.parts.length;
  }
  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.u8(v).u8(v >>> 8);
  }
  u32(v: number): this {
    return this.u16(v & 0xffff).u16(v >>> 16);
  }
  u64(v: number | bigint): this {
    const b = BigInt(v);
    for (let i = 0n; i < 8n; i++) this.u8(Number((b >> (8n * i)) & 0xffn));
    return this;
  }
  bytes(b: Uint8Array | number[]): this {
    for (const x of b) this.parts.push(x);
    return this;
  }
  zeros(n: number): this {
    for (let i = 0; i < n; i++) this.parts.push(0);
    return this;
  }
  pad8(): this {
    while (this.parts.length % 8) this.parts.push(0);
    return this;
  }
  out(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

/** Bob Jenkins' lookup3 `hashlittle`, the checksum of HDF5's version 2 metadata. */
export function lookup3(k: Uint8Array, initval = 0): number {
  let length = k.length;
  let a = (0xdeadbeef + length + initval) >>> 0;
  let b = a;
  let c = a;
  const rot = (x: number, n: number): number => ((x << n) | (x >>> (32 - n))) >>> 0;
  let i = 0;
  const word = (at: number): number =>
    (k[at]! | (k[at + 1]! << 8) | (k[at + 2]! << 16) | (k[at + 3]! << 24)) >>> 0;
  while (length > 12) {
    a = (a + word(i)) >>> 0;
    b = (b + word(i + 4)) >>> 0;
    c = (c + word(i + 8)) >>> 0;
    a = (a - c) >>> 0;
    a = (a ^ rot(c, 4)) >>> 0;
    c = (c + b) >>> 0;
    b = (b - a) >>> 0;
    b = (b ^ rot(a, 6)) >>> 0;
    a = (a + c) >>> 0;
    c = (c - b) >>> 0;
    c = (c ^ rot(b, 8)) >>> 0;
    b = (b + a) >>> 0;
    a = (a - c) >>> 0;
    a = (a ^ rot(c, 16)) >>> 0;
    c = (c + b) >>> 0;
    b = (b - a) >>> 0;
    b = (b ^ rot(a, 19)) >>> 0;
    a = (a + c) >>> 0;
    c = (c - b) >>> 0;
    c = (c ^ rot(b, 4)) >>> 0;
    b = (b + a) >>> 0;
    length -= 12;
    i += 12;
  }
  if (length === 0) return c;
  const tail = new Uint8Array(12);
  tail.set(k.subarray(i, i + length));
  const t = (at: number): number =>
    (tail[at]! | (tail[at + 1]! << 8) | (tail[at + 2]! << 16) | (tail[at + 3]! << 24)) >>> 0;
  a = (a + t(0)) >>> 0;
  b = (b + t(4)) >>> 0;
  c = (c + t(8)) >>> 0;
  c = (c ^ b) >>> 0;
  c = (c - rot(b, 14)) >>> 0;
  a = (a ^ c) >>> 0;
  a = (a - rot(c, 11)) >>> 0;
  b = (b ^ a) >>> 0;
  b = (b - rot(a, 25)) >>> 0;
  c = (c ^ b) >>> 0;
  c = (c - rot(b, 16)) >>> 0;
  a = (a ^ c) >>> 0;
  a = (a - rot(c, 4)) >>> 0;
  b = (b ^ a) >>> 0;
  b = (b - rot(a, 14)) >>> 0;
  c = (c ^ b) >>> 0;
  c = (c - rot(b, 24)) >>> 0;
  return c;
}

interface HeapObject {
  index: number;
  data: Uint8Array;
}

function datatype(v: Hdf5AttrValue): { bytes: Uint8Array; elementSize: number; count: number } {
  const b = new Bytes();
  switch (v.kind) {
    case "fixed": {
      const size = Math.max(1, ...v.strings.map((s) => enc.encode(s).length));
      const padding = { nullterm: 0, nullpad: 1, spacepad: 2 }[v.padding ?? "nullpad"];
      b.u8(0x13).u8(padding).u8(0).u8(0).u32(size);
      return { bytes: b.out(), elementSize: size, count: v.strings.length };
    }
    case "vlen":
      // class 9 v1, type string, null-terminated, UTF-8; base type: 1-byte unsigned integer.
      b.u8(0x19).u8(0x01).u8(0x01).u8(0).u32(16);
      b.u8(0x10).u8(0).u8(0).u8(0).u32(1).u16(0).u16(8);
      return { bytes: b.out(), elementSize: 16, count: v.strings.length };
    case "int32":
      b.u8(0x10).u8(0x08).u8(0).u8(0).u32(4).u16(0).u16(32);
      return { bytes: b.out(), elementSize: 4, count: v.values.length };
    case "float64":
      b.u8(0x11).u8(0x20).u8(63).u8(0).u32(8).u16(0).u16(64).u8(52).u8(11).u8(0).u8(52).u32(1023);
      return { bytes: b.out(), elementSize: 8, count: v.values.length };
  }
}

function dataspace(version: 1 | 2, count: number, scalar: boolean): Uint8Array {
  const b = new Bytes();
  const rank = scalar ? 0 : 1;
  if (version === 1) b.u8(1).u8(rank).u8(0).u8(0).u32(0);
  else
    b.u8(2)
      .u8(rank)
      .u8(0)
      .u8(scalar ? 0 : 1);
  if (!scalar) b.u64(count);
  return b.out();
}

/** The attribute's data; vlen strings add objects to the heap, addressed once the heap is placed. */
function attributeData(v: Hdf5AttrValue, heap: HeapObject[], heapAddress: () => number): () => Uint8Array {
  switch (v.kind) {
    case "fixed": {
      const size = Math.max(1, ...v.strings.map((s) => enc.encode(s).length));
      const b = new Bytes();
      for (const s of v.strings) {
        const e = enc.encode(s);
        b.bytes(e);
        for (let i = e.length; i < size; i++) b.u8(v.padding === "spacepad" ? 0x20 : 0);
      }
      const out = b.out();
      return () => out;
    }
    case "vlen": {
      const ids = v.strings.map((s) => {
        const index = heap.length + 1;
        heap.push({ index, data: enc.encode(s) });
        return { index, length: enc.encode(s).length };
      });
      return () => {
        const b = new Bytes();
        for (const id of ids) b.u32(id.length).u64(heapAddress()).u32(id.index);
        return b.out();
      };
    }
    case "int32": {
      const b = new Bytes();
      for (const x of v.values) b.u32(x >>> 0);
      const out = b.out();
      return () => out;
    }
    case "float64": {
      const b = new Bytes();
      const view = new DataView(new ArrayBuffer(8));
      for (const x of v.values) {
        view.setFloat64(0, x, true);
        b.bytes(new Uint8Array(view.buffer));
      }
      const out = b.out();
      return () => out;
    }
  }
}

interface Message {
  type: number;
  /** Length of the body, known before the addresses it holds are. */
  size: number;
  body: () => Uint8Array;
}

function attributeMessage(
  attr: Hdf5Attr,
  version: 1 | 2 | 3,
  heap: HeapObject[],
  heapAddress: () => number,
): Message {
  const value: Hdf5AttrValue =
    typeof attr.value === "string" ? { kind: "fixed", strings: [attr.value] } : attr.value;
  const name = enc.encode(`${attr.name}\0`);
  const dt = datatype(value);
  // One value is a scalar unless asked for a 1-D array (h5py writes `[b"dense"]` as one).
  const scalar = !value.array && dt.count === 1;
  const ds = dataspace(version === 1 ? 1 : 2, dt.count, scalar);
  const data = attributeData(value, heap, heapAddress);
  const message: Message = {
    type: 0x0c,
    size: 0,
    body: () => {
      const b = new Bytes();
      if (version === 1) {
        b.u8(1).u8(0).u16(name.length).u16(dt.bytes.length).u16(ds.length);
        b.bytes(name).pad8().bytes(dt.bytes).pad8().bytes(ds).pad8();
      } else {
        b.u8(version).u8(0).u16(name.length).u16(dt.bytes.length).u16(ds.length);
        if (version === 3) b.u8(1); // name character set: UTF-8
        b.bytes(name).bytes(dt.bytes).bytes(ds);
      }
      return b.bytes(data()).out();
    },
  };
  message.size = message.body().length;
  return message;
}

/** A group below the root: its attributes and children (groups, or float32 datasets). */
export interface Hdf5Group {
  attrs?: Hdf5Attr[];
  children?: Record<string, Hdf5Group | Hdf5Dataset>;
}

export interface Hdf5Dataset {
  dataset: number[];
  shape: number[];
}

interface Block {
  size: number;
  address: number;
  bytes: () => Uint8Array;
}

/**
 * A whole HDF5 file: superblock, root object header with `attrs` (and `children`, as compact links),
 * the children's object headers and raw data, and a global heap when a variable-length string needs one.
 */
export function buildHdf5(
  attrs: Hdf5Attr[],
  options: Hdf5WriteOptions = {},
  children: Record<string, Hdf5Group | Hdf5Dataset> = {},
): Uint8Array {
  const sbVersion = options.superblock ?? 0;
  const v2 = sbVersion >= 2;
  const user = options.userBlock ?? 0;
  const heap: HeapObject[] = [];
  const blocks: Block[] = [];
  const place = (size: number, bytes: () => Uint8Array): Block => {
    const block = { size, address: 0, bytes };
    blocks.push(block);
    return block;
  };
  const superblockSize = v2 ? 48 : sbVersion === 1 ? 100 : 96;
  let heapBlock: Block | undefined;
  let end = 0;
  const heapAddress = (): number => heapBlock?.address ?? 0;
  const attributeMessages = (list: Hdf5Attr[]): Message[] =>
    list.map((a) => attributeMessage(a, options.attributeVersion ?? (v2 ? 3 : 1), heap, heapAddress));

  place(superblockSize, () => superblock(sbVersion, end, options.rootAddress ?? root.address));
  // The root: a new-style group (link info, group info, one link message per child).
  const first: Message[] = groupMessages();
  const second: Message[] = [];
  if (options.denseAttributes) {
    first.push({
      type: 0x15,
      size: 18,
      body: () => new Bytes().u8(0).u8(0).u64(0x100).u64(0x200).out(),
    });
  }
  const split = options.continuation || options.continuationCycle || options.continuationPastEnd;
  (split ? second : first).push(...attributeMessages(attrs));
  let continuationBlock: Block | undefined;
  const continuationMessage = (): Message => ({
    type: 0x10,
    size: 16,
    body: () => {
      const target = options.continuationPastEnd ? end + 4096 : continuationBlock!.address;
      return new Bytes().u64(target).u64(chunkLength(second, v2)).out();
    },
  });
  if (split) first.push(continuationMessage());
  if (options.continuationCycle) second.push(continuationMessage());
  const root = place(headerLength(first, v2), () => objectHeader(first, v2));
  if (split) continuationBlock = place(chunkLength(second, v2), () => chunk(second, v2));

  const addChildren = (messages: Message[], entries: Record<string, Hdf5Group | Hdf5Dataset>): void => {
    for (const [name, child] of Object.entries(entries)) {
      let target: Block;
      if ("dataset" in child) {
        const data = new Bytes();
        const view = new DataView(new ArrayBuffer(4));
        for (const x of child.dataset) {
          view.setFloat32(0, x, true);
          data.bytes(new Uint8Array(view.buffer));
        }
        const raw = data.out();
        let rawBlock: Block | undefined;
        const msgs = datasetMessages(child.shape, raw.length, () => rawBlock!.address, v2);
        target = place(headerLength(msgs, v2), () => objectHeader(msgs, v2));
        rawBlock = place(raw.length, () => raw);
      } else {
        const msgs = [...groupMessages(), ...attributeMessages(child.attrs ?? [])];
        target = place(0, () => objectHeader(msgs, v2));
        addChildren(msgs, child.children ?? {});
        target.size = headerLength(msgs, v2);
      }
      messages.splice(
        2,
        0,
        linkMessage(name, () => target.address),
      );
    }
  };
  addChildren(first, children);
  root.size = headerLength(first, v2);
  if (heap.length > 0) {
    const bytes = heapCollection(heap);
    heapBlock = place(bytes.length, () => bytes);
  }
  let at = 0;
  for (const b of blocks) {
    b.address = at;
    at = alignUp(at + b.size, 8);
  }
  end = at;
  const file = new Uint8Array(user + end);
  for (const b of blocks) {
    const bytes = b.bytes();
    if (bytes.length !== b.size) throw new Error(`hdf5 writer: block size ${bytes.length} != ${b.size}`);
    file.set(bytes, user + b.address);
  }
  return file;
}

function groupMessages(): Message[] {
  return [
    { type: 0x02, size: 18, body: () => new Bytes().u8(0).u8(0).u64(UNDEFINED).u64(UNDEFINED).out() },
    { type: 0x0a, size: 2, body: () => new Bytes().u8(0).u8(0).out() },
  ];
}

/** A hard link: version 1, flags 0 (1-byte name length), the name, the object's address. */
function linkMessage(name: string, address: () => number): Message {
  const n = enc.encode(name);
  return {
    type: 0x06,
    size: 3 + n.length + 8,
    body: () => new Bytes().u8(1).u8(0).u8(n.length).bytes(n).u64(address()).out(),
  };
}

/** A contiguous little-endian float32 dataset: dataspace, datatype, fill value, layout. */
function datasetMessages(shape: number[], bytes: number, address: () => number, v2: boolean): Message[] {
  const space = new Bytes();
  if (v2) space.u8(2).u8(shape.length).u8(0).u8(1);
  else space.u8(1).u8(shape.length).u8(0).u8(0).u32(0);
  for (const d of shape) space.u64(d);
  const spaceBytes = space.out();
  const type = new Bytes()
    .u8(0x11)
    .u8(0x20)
    .u8(31)
    .u8(0)
    .u32(4)
    .u16(0)
    .u16(32)
    .u8(23)
    .u8(8)
    .u8(0)
    .u8(23)
    .u32(127)
    .out();
  return [
    { type: 0x01, size: spaceBytes.length, body: () => spaceBytes },
    { type: 0x03, size: type.length, body: () => type },
    { type: 0x05, size: 4, body: () => new Bytes().u8(2).u8(2).u8(2).u8(0).out() },
    { type: 0x08, size: 18, body: () => new Bytes().u8(3).u8(1).u64(address()).u64(bytes).out() },
  ];
}

function alignUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}

function superblock(version: number, eof: number, root: number): Uint8Array {
  const b = new Bytes().bytes([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (version >= 2) {
    b.u8(version).u8(8).u8(8).u8(0).u64(0).u64(UNDEFINED).u64(eof).u64(root);
    const sum = lookup3(b.out());
    return b.u32(sum).out();
  }
  b.u8(version).u8(0).u8(0).u8(0).u8(0).u8(8).u8(8).u8(0).u16(4).u16(16).u32(0);
  if (version === 1) b.u16(32).u16(0);
  b.u64(0).u64(UNDEFINED).u64(eof).u64(UNDEFINED);
  // Root group symbol table entry: link name offset, object header address, cache type, scratch-pad.
  b.u64(0).u64(root).u32(0).u32(0).zeros(16);
  return b.out();
}

function messagesBytes(messages: Message[], v2: boolean): Uint8Array {
  const b = new Bytes();
  for (const m of messages) {
    const body = m.body();
    if (v2) {
      b.u8(m.type).u16(body.length).u8(0).bytes(body);
    } else {
      const padded = alignUp(body.length, 8);
      b.u16(m.type)
        .u16(padded)
        .u8(0)
        .zeros(3)
        .bytes(body)
        .zeros(padded - body.length);
    }
  }
  return b.out();
}

function headerLength(messages: Message[], v2: boolean): number {
  return (v2 ? 4 + 1 + 1 + 4 + 4 : 16) + messagesLength(messages, v2);
}

function messagesLength(messages: Message[], v2: boolean): number {
  return messages.reduce((n, m) => n + (v2 ? 4 + m.size : 8 + alignUp(m.size, 8)), 0);
}

function objectHeader(messages: Message[], v2: boolean): Uint8Array {
  const body = messagesBytes(messages, v2);
  if (v2) {
    // Flags 0x02: chunk #0's size takes 4 bytes.
    const b = new Bytes().bytes(enc.encode("OHDR")).u8(2).u8(0x02).u32(body.length).bytes(body);
    return b.u32(lookup3(b.out())).out();
  }
  return new Bytes().u8(1).u8(0).u16(messages.length).u32(1).u32(body.length).zeros(4).bytes(body).out();
}

function chunkLength(messages: Message[], v2: boolean): number {
  return messagesLength(messages, v2) + (v2 ? 8 : 0);
}

function chunk(messages: Message[], v2: boolean): Uint8Array {
  const body = messagesBytes(messages, v2);
  if (!v2) return body;
  const b = new Bytes().bytes(enc.encode("OCHK")).bytes(body);
  return b.u32(lookup3(b.out())).out();
}

function heapCollection(objects: HeapObject[]): Uint8Array {
  const body = new Bytes();
  for (const o of objects) {
    body.u16(o.index).u16(1).u32(0).u64(o.data.length).bytes(o.data).pad8();
  }
  // libhdf5 allocates at least 4 KiB and describes the rest as free space (object 0).
  const used = 16 + body.length;
  const size = Math.max(4096, alignUp(used + 16, 8));
  body
    .u16(0)
    .u16(0)
    .u32(0)
    .u64(size - used)
    .zeros(size - used - 16);
  return new Bytes().bytes(enc.encode("GCOL")).u8(1).zeros(3).u64(size).bytes(body.out()).out();
}
