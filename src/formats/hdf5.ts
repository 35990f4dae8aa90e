/**
 * A bounded HDF5 reader for what a scanner needs: the attributes of the root group (a legacy Keras
 * `.h5` keeps its `model_config` there). It follows the HDF5 File Format Specification 3.0: superblock
 * versions 0-3, object headers v1 and v2 ("OHDR", continuations in "OCHK" blocks), attribute messages
 * v1-v3 with their datatype and dataspace, and variable-length strings in global heap collections
 * ("GCOL"), and dense attribute storage: a v2 B-tree name index (a leaf root, or one internal level)
 * over a fractal heap (a root direct block, or a root indirect block of direct blocks). Datasets are never
 * read. Deeper trees and heaps, filtered heaps, huge heap objects and shared messages are reported as
 * unsupported. Checksums are not verified: libhdf5 refuses a file whose
 * checksums fail, so a forged one cannot hide anything a loader would read.
 */
import { BoundExceededError, FormatError } from "../errors.js";
import type { ByteSource } from "./source.js";

export const HDF5_SIGNATURE = Uint8Array.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Where libhdf5 looks for the superblock (after a user block of 512 bytes or a larger power of two). */
const SUPERBLOCK_OFFSETS = [0, 512, 1024, 2048];

export interface Hdf5Limits {
  /** Header messages read across every chunk of the root object header. */
  maxMessages: number;
  /** Continuation blocks followed (a chain or a cycle ends here). */
  maxContinuations: number;
  /** Bytes of one object header chunk (read whole). */
  maxChunkBytes: number;
  /** Bytes one attribute's value may take (a variable-length string's heap objects included). */
  maxAttributeBytes: number;
  /** Bytes a global heap collection may declare. */
  maxGlobalHeapBytes: number;
  /** Objects walked in one global heap collection. */
  maxGlobalHeapObjects: number;
  /** Elements in one attribute's dataspace. */
  maxElements: number;
}

export const DEFAULT_HDF5_LIMITS: Hdf5Limits = {
  maxMessages: 10_000,
  maxContinuations: 256,
  maxChunkBytes: 16 * 1024 * 1024,
  maxAttributeBytes: 64 * 1024 * 1024,
  maxGlobalHeapBytes: 64 * 1024 * 1024,
  maxGlobalHeapObjects: 100_000,
  maxElements: 1_000_000,
};

export type Hdf5Value =
  | { type: "string"; values: string[] }
  | { type: "number"; values: number[] }
  /** A datatype this reader does not decode (compound, enum, array, reference, ...). */
  | { type: "other"; datatypeClass: number };

export interface Hdf5Attribute {
  name: string;
  /** Absolute offset of the attribute message in the file. */
  offset: number;
  value: Hdf5Value;
}

export interface Hdf5RootInfo {
  superblockOffset: number;
  superblockVersion: number;
  /** Absolute offset of the root group's object header. */
  rootHeaderOffset: number;
  rootHeaderVersion: 1 | 2;
  attributes: Hdf5Attribute[];
}

interface DirectBlock {
  /** Absolute offset, or null for a block not allocated yet. */
  address: number | null;
  heapOffset: number;
  size: number;
}

interface FractalHeap {
  at: number;
  /** Filled on first use. */
  blocks?: DirectBlock[];
  tableWidth: number;
  startBlockSize: number;
  maxDirectBlockSize: number;
  /** Bytes of a heap offset and of an object length in a managed object's heap ID. */
  offsetBytes: number;
  lengthBytes: number;
  root: number | null;
  rootRows: number;
}

const MSG_CONTINUATION = 0x10;
const MSG_ATTRIBUTE = 0x0c;
const MSG_ATTRIBUTE_INFO = 0x15;

const utf8 = new TextDecoder("utf-8");

/** Offset of the HDF5 signature in `src`, or -1. */
export function findHdf5Superblock(src: ByteSource): number {
  for (const at of SUPERBLOCK_OFFSETS) {
    const b = src.read(at, 8);
    if (b.length === 8 && b.every((v, i) => v === HDF5_SIGNATURE[i])) return at;
  }
  return -1;
}

/** Reads the root group's attributes (never a dataset). Throws FormatError or BoundExceededError. */
export function readHdf5RootAttributes(
  src: ByteSource,
  limits: Hdf5Limits = DEFAULT_HDF5_LIMITS,
): Hdf5RootInfo {
  const superblockOffset = findHdf5Superblock(src);
  if (superblockOffset < 0) throw new FormatError("FORMAT_MALFORMED", "no HDF5 superblock signature", 0);
  const file = new Hdf5File(src, limits, superblockOffset);
  const rootHeaderOffset = file.rootHeaderOffset;
  const { version, messages } = file.readObjectHeader(rootHeaderOffset);
  const attributes: Hdf5Attribute[] = [];
  for (const m of messages) {
    if (m.type === MSG_ATTRIBUTE_INFO) attributes.push(...file.readDenseAttributes(m));
    else if (m.type === MSG_ATTRIBUTE) attributes.push(file.readAttribute(m));
  }
  return {
    superblockOffset,
    superblockVersion: file.superblockVersion,
    rootHeaderOffset,
    rootHeaderVersion: version,
    attributes,
  };
}

interface RawMessage {
  type: number;
  flags: number;
  /** Absolute offset of the message's data. */
  offset: number;
  data: Uint8Array;
}

/** Little-endian fields of one block of bytes, with offsets reported in file terms. */
class Cursor {
  pos = 0;
  constructor(
    private readonly bytes: Uint8Array,
    /** Absolute offset of bytes[0], for error messages. */
    private readonly base: number,
    private readonly what: string,
  ) {}
  get remaining(): number {
    return this.bytes.length - this.pos;
  }
  at(): number {
    return this.base + this.pos;
  }
  need(n: number): void {
    if (n < 0 || this.pos + n > this.bytes.length)
      throw new FormatError("FORMAT_TRUNCATED", `HDF5 ${this.what} is truncated`, this.at());
  }
  u8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }
  uint(size: number): number {
    this.need(size);
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + this.bytes[this.pos + i]!;
    this.pos += size;
    return v;
  }
  /** An address or length field; null for the "undefined address" (all bits set). */
  addr(size: number): number | null {
    this.need(size);
    const slice = this.bytes.subarray(this.pos, this.pos + size);
    if (slice.every((b) => b === 0xff)) {
      this.pos += size;
      return null;
    }
    const at = this.at();
    const v = this.uint(size);
    if (!Number.isSafeInteger(v))
      throw new FormatError("FORMAT_MALFORMED", `HDF5 ${this.what}: address out of range`, at);
    return v;
  }
  take(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }
}

const pad8 = (n: number): number => (n + 7) & ~7;

class Hdf5File {
  superblockVersion = 0;
  offsetSize = 8;
  lengthSize = 8;
  /** Addresses in the file are relative to this absolute offset. */
  baseAddress = 0;
  rootHeaderOffset = 0;
  private readonly heaps = new Map<number, Map<number, { offset: number; size: number }>>();

  constructor(
    private readonly src: ByteSource,
    private readonly limits: Hdf5Limits,
    superblockOffset: number,
  ) {
    const head = this.bytesAt(superblockOffset, Math.min(256, src.size - superblockOffset), "superblock");
    const c = new Cursor(head, superblockOffset, "superblock");
    c.skip(8);
    this.superblockVersion = c.u8();
    if (this.superblockVersion <= 1) {
      c.skip(4); // free-space, root symbol table entry, reserved, shared header message versions
      this.offsetSize = c.u8();
      this.lengthSize = c.u8();
      this.checkSizes(c.at());
      c.skip(1 + 4 + 4); // reserved, group leaf/internal node K, consistency flags
      if (this.superblockVersion === 1) c.skip(4); // indexed storage K, reserved
      const base = c.addr(this.offsetSize);
      c.addr(this.offsetSize); // free-space info
      c.addr(this.offsetSize); // end of file
      c.addr(this.offsetSize); // driver info
      this.setBase(base, superblockOffset, c.at());
      // The root group's symbol table entry: link name offset, then the object header address.
      c.addr(this.offsetSize);
      const at = c.at();
      const root = c.addr(this.offsetSize);
      this.rootHeaderOffset = this.resolve(root, at, "root object header");
    } else if (this.superblockVersion <= 3) {
      this.offsetSize = c.u8();
      this.lengthSize = c.u8();
      this.checkSizes(c.at());
      c.skip(1); // consistency flags
      const base = c.addr(this.offsetSize);
      c.addr(this.offsetSize); // superblock extension
      c.addr(this.offsetSize); // end of file
      this.setBase(base, superblockOffset, c.at());
      const at = c.at();
      const root = c.addr(this.offsetSize);
      this.rootHeaderOffset = this.resolve(root, at, "root object header");
    } else {
      throw new FormatError(
        "FORMAT_UNSUPPORTED",
        `HDF5 superblock version ${this.superblockVersion} is not supported`,
        superblockOffset + 8,
      );
    }
  }

  private checkSizes(at: number): void {
    for (const s of [this.offsetSize, this.lengthSize]) {
      if (s !== 2 && s !== 4 && s !== 8)
        throw new FormatError("FORMAT_MALFORMED", `HDF5 superblock: field size ${s} is invalid`, at);
    }
  }

  private setBase(base: number | null, superblockOffset: number, at: number): void {
    // libhdf5 requires the base address to be where the superblock is.
    const value = base ?? 0;
    if (value !== 0 && value !== superblockOffset)
      throw new FormatError("FORMAT_MALFORMED", `HDF5 base address ${value} is not the superblock's`, at);
    this.baseAddress = superblockOffset;
  }

  /** The absolute offset of a file address, checked against the file size. */
  private resolve(address: number | null, at: number, what: string): number {
    if (address === null) throw new FormatError("FORMAT_MALFORMED", `HDF5 ${what} address is undefined`, at);
    const abs = this.baseAddress + address;
    if (abs >= this.src.size)
      throw new FormatError(
        "FORMAT_MALFORMED",
        `HDF5 ${what} address ${address} is past the end of the file (${this.src.size} bytes)`,
        at,
      );
    return abs;
  }

  private bytesAt(offset: number, length: number, what: string): Uint8Array {
    if (length < 0 || offset + length > this.src.size)
      throw new FormatError("FORMAT_TRUNCATED", `HDF5 ${what} runs past the end of the file`, offset);
    const b = this.src.read(offset, length);
    if (b.length < length)
      throw new FormatError("FORMAT_TRUNCATED", `HDF5 ${what} runs past the end of the file`, offset);
    return b;
  }

  readObjectHeader(offset: number): { version: 1 | 2; messages: RawMessage[] } {
    const messages: RawMessage[] = [];
    const visited = new Set<number>();
    const sig = this.bytesAt(offset, 4, "object header");
    const v2 = sig[0] === 0x4f && sig[1] === 0x48 && sig[2] === 0x44 && sig[3] === 0x52; // OHDR
    let chunks: { offset: number; length: number }[];
    let creationOrder = false;
    if (v2) {
      const head = new Cursor(
        this.bytesAt(offset, Math.min(48, this.src.size - offset), "object header"),
        offset,
        "object header",
      );
      head.skip(4);
      const version = head.u8();
      if (version !== 2)
        throw new FormatError("FORMAT_MALFORMED", `HDF5 object header version ${version}`, offset + 4);
      const flags = head.u8();
      creationOrder = (flags & 0x04) !== 0;
      if (flags & 0x20) head.skip(16); // access, modification, change, birth times
      if (flags & 0x10) head.skip(4); // attribute phase change thresholds
      const chunkSize = head.uint(1 << (flags & 0x03));
      chunks = [{ offset: head.at(), length: chunkSize }];
    } else {
      const head = new Cursor(this.bytesAt(offset, 16, "object header"), offset, "object header");
      const version = head.u8();
      if (version !== 1)
        throw new FormatError("FORMAT_MALFORMED", `HDF5 object header version ${version} is unknown`, offset);
      head.skip(1 + 2 + 4); // reserved, message count, reference count
      const size = head.uint(4);
      chunks = [{ offset: offset + 16, length: size }];
    }
    let followed = 0;
    while (chunks.length > 0) {
      const chunk = chunks.shift()!;
      if (visited.has(chunk.offset))
        throw new FormatError(
          "FORMAT_MALFORMED",
          "HDF5 object header continuations form a cycle",
          chunk.offset,
        );
      visited.add(chunk.offset);
      if (chunk.length > this.limits.maxChunkBytes)
        throw new BoundExceededError(
          "hdf5.maxChunkBytes",
          this.limits.maxChunkBytes,
          `an HDF5 object header chunk is larger than ${this.limits.maxChunkBytes} bytes`,
        );
      const bytes = this.bytesAt(chunk.offset, chunk.length, "object header chunk");
      const c = new Cursor(bytes, chunk.offset, "object header chunk");
      let end = bytes.length;
      // Chunk #0's size counts its messages only; an OCHK block's length counts its signature and checksum.
      if (v2 && visited.size > 1) {
        end -= 4;
        const sig = c.take(4);
        if (!(sig[0] === 0x4f && sig[1] === 0x43 && sig[2] === 0x48 && sig[3] === 0x4b))
          throw new FormatError(
            "FORMAT_MALFORMED",
            "HDF5 continuation block lacks its OCHK signature",
            chunk.offset,
          );
      }
      const headerSize = v2 ? (creationOrder ? 6 : 4) : 8;
      while (end - c.pos >= headerSize) {
        const at = c.at();
        const type = v2 ? c.u8() : c.uint(2);
        const size = c.uint(2);
        const flags = c.u8();
        if (v2) {
          if (creationOrder) c.skip(2);
        } else c.skip(3);
        if (c.pos + size > end)
          throw new FormatError("FORMAT_MALFORMED", `HDF5 header message runs past its chunk`, at);
        const data = c.take(size);
        if (messages.length >= this.limits.maxMessages)
          throw new BoundExceededError(
            "hdf5.maxMessages",
            this.limits.maxMessages,
            `the HDF5 object header has more than ${this.limits.maxMessages} messages`,
          );
        const msg = { type, flags, offset: at + headerSize, data };
        messages.push(msg);
        if (type === MSG_CONTINUATION) {
          if (++followed > this.limits.maxContinuations)
            throw new BoundExceededError(
              "hdf5.maxContinuations",
              this.limits.maxContinuations,
              `the HDF5 object header has more than ${this.limits.maxContinuations} continuation blocks`,
            );
          const m = new Cursor(data, msg.offset, "continuation message");
          const target = this.resolve(m.addr(this.offsetSize), msg.offset, "continuation block");
          const length = m.addr(this.lengthSize) ?? 0;
          chunks.push({ offset: target, length });
        }
      }
    }
    return { version: v2 ? 2 : 1, messages };
  }

  /**
   * Attributes in dense storage (libhdf5 moves them there past 8 attributes with the v2 object header):
   * the name index (a v2 B-tree) lists heap IDs of attribute messages kept in a fractal heap.
   */
  readDenseAttributes(m: RawMessage): Hdf5Attribute[] {
    const c = new Cursor(m.data, m.offset, "attribute info message");
    c.skip(1);
    const flags = c.u8();
    if (flags & 0x01) c.skip(2);
    const heapAddress = c.addr(this.offsetSize);
    const nameIndex = c.addr(this.offsetSize);
    if (heapAddress === null) return [];
    const heap = this.fractalHeap(this.resolve(heapAddress, m.offset, "fractal heap"));
    const records = this.btreeRecords(this.resolve(nameIndex, m.offset, "attribute name index"), 17);
    return records.map((record) => {
      const object = this.heapObject(heap, record.bytes.subarray(0, 8), record.offset);
      if (record.bytes[8]! & 0x02)
        throw new FormatError(
          "FORMAT_UNSUPPORTED",
          "a shared HDF5 attribute message is not read",
          record.offset,
        );
      return this.readAttribute({ type: MSG_ATTRIBUTE, flags: 0, offset: object.offset, data: object.data });
    });
  }

  private fractalHeap(at: number): FractalHeap {
    const c = new Cursor(
      this.bytesAt(at, Math.min(256, this.src.size - at), "fractal heap"),
      at,
      "fractal heap",
    );
    this.signature(c, "FRHP", "fractal heap");
    c.skip(1); // version
    c.skip(2); // heap ID length
    const filters = c.uint(2);
    c.skip(1); // flags: ID wrap-around, checksummed direct blocks (neither moves an object)
    const maxManagedObject = c.uint(4);
    c.skip(this.lengthSize); // next huge object ID
    c.addr(this.offsetSize); // huge objects' B-tree
    c.skip(this.lengthSize); // free space in managed blocks
    c.addr(this.offsetSize); // free space manager
    c.skip(4 * this.lengthSize); // managed space, allocated space, iterator offset, managed object count
    c.skip(4 * this.lengthSize); // huge and tiny object sizes and counts
    const tableWidth = c.uint(2);
    const startBlockSize = c.uint(this.lengthSize);
    const maxDirectBlockSize = c.uint(this.lengthSize);
    const maxHeapBits = c.uint(2);
    c.skip(2); // starting rows in the root indirect block
    const root = c.addr(this.offsetSize);
    const rootRows = c.uint(2);
    if (filters > 0)
      throw new FormatError(
        "FORMAT_UNSUPPORTED",
        "a filtered (compressed) HDF5 fractal heap is not read",
        at,
      );
    const pow2 = (n: number): boolean => n > 0 && (n & (n - 1)) === 0 && n <= 2 ** 30;
    if (!pow2(startBlockSize) || !pow2(maxDirectBlockSize) || startBlockSize > maxDirectBlockSize)
      throw new FormatError("FORMAT_MALFORMED", "HDF5 fractal heap block sizes are not powers of two", at);
    // libhdf5 writes a width of 4; 1024 keeps a forged root indirect block to a few hundred kilobytes.
    if (tableWidth === 0 || tableWidth > 1024 || maxHeapBits === 0 || maxHeapBits > 64)
      throw new FormatError("FORMAT_MALFORMED", "HDF5 fractal heap doubling table is invalid", at);
    return {
      at,
      tableWidth,
      startBlockSize,
      maxDirectBlockSize,
      offsetBytes: Math.ceil(maxHeapBits / 8),
      lengthBytes: Math.min(
        Math.ceil(Math.log2(maxDirectBlockSize) / 8),
        Math.floor(Math.log2(Math.max(1, maxManagedObject)) / 8) + 1,
      ),
      root,
      rootRows,
    };
  }

  /** A heap object by its ID: tiny objects sit in the ID, managed ones in a direct block. */
  private heapObject(heap: FractalHeap, id: Uint8Array, at: number): { offset: number; data: Uint8Array } {
    const type = (id[0]! >> 4) & 0x03;
    if (id[0]! >> 6 !== 0) throw new FormatError("FORMAT_MALFORMED", "HDF5 heap ID version is unknown", at);
    if (type === 2) return { offset: at + 1, data: id.subarray(1, 1 + (id[0]! & 0x0f) + 1) };
    if (type !== 0)
      throw new FormatError("FORMAT_UNSUPPORTED", "a huge HDF5 fractal heap object is not read", at);
    const c = new Cursor(id, at, "heap ID");
    c.skip(1);
    const offset = c.uint(heap.offsetBytes);
    const length = c.uint(heap.lengthBytes);
    if (length > this.limits.maxAttributeBytes)
      throw new BoundExceededError(
        "hdf5.maxAttributeBytes",
        this.limits.maxAttributeBytes,
        `an HDF5 attribute is larger than ${this.limits.maxAttributeBytes} bytes`,
      );
    const block = this.directBlockFor(heap, offset, at);
    if (offset + length > block.heapOffset + block.size)
      throw new FormatError("FORMAT_MALFORMED", "an HDF5 heap object runs past its block", at);
    const abs = block.address + (offset - block.heapOffset);
    return { offset: abs, data: this.bytesAt(abs, length, "fractal heap object") };
  }

  /** The direct block holding heap offset `offset` (blocks are sorted by heap offset). */
  private directBlockFor(
    heap: FractalHeap,
    offset: number,
    at: number,
  ): { address: number; heapOffset: number; size: number } {
    const blocks = heap.blocks ?? this.directBlocks(heap);
    heap.blocks = blocks;
    let lo = 0;
    let hi = blocks.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const b = blocks[mid]!;
      if (offset < b.heapOffset) hi = mid - 1;
      else if (offset >= b.heapOffset + b.size) lo = mid + 1;
      else {
        if (b.address === null)
          throw new FormatError(
            "FORMAT_MALFORMED",
            `HDF5 heap offset ${offset} is in an unallocated block`,
            at,
          );
        return { address: b.address, heapOffset: b.heapOffset, size: b.size };
      }
    }
    throw new FormatError("FORMAT_MALFORMED", `HDF5 heap offset ${offset} is outside the heap`, at);
  }

  /** The heap's direct blocks: the root block itself, or the entries of the root indirect block. */
  private directBlocks(heap: FractalHeap): DirectBlock[] {
    if (heap.root === null)
      throw new FormatError("FORMAT_MALFORMED", "the HDF5 fractal heap is empty", heap.at);
    const rootAt = this.resolve(heap.root, heap.at, "fractal heap root block");
    if (heap.rootRows === 0) {
      const c = new Cursor(this.bytesAt(rootAt, 4, "direct block"), rootAt, "direct block");
      this.signature(c, "FHDB", "direct block");
      return [{ address: rootAt, heapOffset: 0, size: heap.startBlockSize }];
    }
    const maxDirectRows = Math.log2(heap.maxDirectBlockSize) - Math.log2(heap.startBlockSize) + 2;
    if (heap.rootRows > maxDirectRows)
      throw new FormatError(
        "FORMAT_UNSUPPORTED",
        "an HDF5 fractal heap with nested indirect blocks is not read",
        heap.at,
      );
    const headLen = 4 + 1 + this.offsetSize + heap.offsetBytes;
    const length = headLen + heap.rootRows * heap.tableWidth * this.offsetSize;
    const c = new Cursor(this.bytesAt(rootAt, length, "indirect block"), rootAt, "indirect block");
    this.signature(c, "FHIB", "indirect block");
    c.skip(headLen - 4);
    const blocks: DirectBlock[] = [];
    let heapOffset = 0;
    for (let row = 0; row < heap.rootRows; row++) {
      const size = row < 2 ? heap.startBlockSize : heap.startBlockSize * 2 ** (row - 1);
      for (let col = 0; col < heap.tableWidth; col++) {
        const entryAt = c.at();
        const address = c.addr(this.offsetSize);
        blocks.push({
          address: address === null ? null : this.resolve(address, entryAt, "fractal heap direct block"),
          heapOffset,
          size,
        });
        heapOffset += size;
      }
    }
    return blocks;
  }

  /** Every record of a v2 B-tree whose root is a leaf or an internal node over leaves. */
  private btreeRecords(at: number, recordSize: number): { offset: number; bytes: Uint8Array }[] {
    const head = new Cursor(
      this.bytesAt(at, 4 + 2 + 4 + 2 + 2 + 2 + this.offsetSize + 2 + this.lengthSize, "v2 B-tree"),
      at,
      "v2 B-tree",
    );
    this.signature(head, "BTHD", "v2 B-tree");
    head.skip(2); // version, type
    const nodeSize = head.uint(4);
    const size = head.uint(2);
    const depth = head.uint(2);
    head.skip(2); // split and merge percentages
    const rootAt = head.at();
    const root = head.addr(this.offsetSize);
    const rootRecords = head.uint(2);
    if (size !== recordSize)
      throw new FormatError(
        "FORMAT_MALFORMED",
        `HDF5 v2 B-tree record size ${size} is not ${recordSize}`,
        at,
      );
    if (depth > 1)
      throw new FormatError("FORMAT_UNSUPPORTED", `an HDF5 v2 B-tree of depth ${depth} is not read`, at);
    if (root === null || rootRecords === 0) return [];
    if (nodeSize < 16 || nodeSize > this.limits.maxChunkBytes)
      throw new FormatError("FORMAT_MALFORMED", `HDF5 v2 B-tree node size ${nodeSize} is invalid`, at);
    const maxLeafRecords = Math.floor((nodeSize - 10) / recordSize);
    const leafCountBytes = Math.floor(Math.log2(Math.max(1, maxLeafRecords)) / 8) + 1;
    const records: { offset: number; bytes: Uint8Array }[] = [];
    let nodes = 0;
    const node = (address: number, count: number, internal: boolean): void => {
      if (count > maxLeafRecords)
        throw new FormatError("FORMAT_MALFORMED", `HDF5 v2 B-tree node claims ${count} records`, address);
      // Only what the records and child pointers take, not the whole node.
      const length =
        6 + count * recordSize + (internal ? (count + 1) * (this.offsetSize + leafCountBytes) : 0);
      const c = new Cursor(this.bytesAt(address, length, "v2 B-tree node"), address, "v2 B-tree node");
      this.signature(c, internal ? "BTIN" : "BTLF", "v2 B-tree node");
      c.skip(2);
      if (++nodes + records.length + count > this.limits.maxMessages)
        throw new BoundExceededError(
          "hdf5.maxMessages",
          this.limits.maxMessages,
          `the HDF5 root group has more than ${this.limits.maxMessages} attributes`,
        );
      for (let i = 0; i < count; i++) records.push({ offset: c.at(), bytes: c.take(recordSize) });
      if (!internal) return;
      for (let i = 0; i <= count; i++) {
        const childAt = c.at();
        const child = this.resolve(c.addr(this.offsetSize), childAt, "v2 B-tree node");
        node(child, c.uint(leafCountBytes), false);
      }
    };
    node(this.resolve(root, rootAt, "v2 B-tree root"), rootRecords, depth === 1);
    return records;
  }

  private signature(c: Cursor, expected: string, what: string): void {
    const at = c.at();
    const got = c.take(4);
    if (String.fromCharCode(...got) !== expected)
      throw new FormatError("FORMAT_MALFORMED", `HDF5 ${what} lacks its ${expected} signature`, at);
  }

  readAttribute(m: RawMessage): Hdf5Attribute {
    if (m.flags & 0x02)
      throw new FormatError("FORMAT_UNSUPPORTED", "a shared HDF5 attribute message is not read", m.offset);
    const c = new Cursor(m.data, m.offset, "attribute message");
    const version = c.u8();
    if (version < 1 || version > 3)
      throw new FormatError("FORMAT_MALFORMED", `HDF5 attribute message version ${version}`, m.offset);
    const flags = c.u8();
    if (flags & 0x03)
      throw new FormatError(
        "FORMAT_UNSUPPORTED",
        "an HDF5 attribute with a shared datatype or dataspace is not read",
        m.offset,
      );
    const nameSize = c.uint(2);
    const datatypeSize = c.uint(2);
    const dataspaceSize = c.uint(2);
    if (version === 3) c.skip(1); // name character set
    const padded = version === 1 ? pad8 : (n: number) => n;
    const rawName = c.take(nameSize);
    c.skip(padded(nameSize) - nameSize);
    const nul = rawName.indexOf(0);
    const name = utf8.decode(nul >= 0 ? rawName.subarray(0, nul) : rawName);
    const datatype = c.take(datatypeSize);
    c.skip(padded(datatypeSize) - datatypeSize);
    const dataspace = c.take(dataspaceSize);
    c.skip(padded(dataspaceSize) - dataspaceSize);
    const count = this.elementCount(dataspace, m.offset);
    const data = m.data.subarray(c.pos);
    return { name, offset: m.offset, value: this.decodeValue(datatype, count, data, c.at()) };
  }

  private elementCount(dataspace: Uint8Array, at: number): number {
    const c = new Cursor(dataspace, at, "dataspace");
    const version = c.u8();
    const rank = c.u8();
    c.u8(); // flags
    let kind = 1;
    if (version === 1) c.skip(5);
    else if (version === 2) kind = c.u8();
    else throw new FormatError("FORMAT_MALFORMED", `HDF5 dataspace version ${version}`, at);
    if (kind === 2) return 0; // null dataspace
    if (rank > 32) throw new FormatError("FORMAT_MALFORMED", `HDF5 dataspace rank ${rank}`, at);
    let count = 1;
    for (let i = 0; i < rank; i++) {
      count *= c.uint(this.lengthSize);
      if (count > this.limits.maxElements)
        throw new BoundExceededError(
          "hdf5.maxElements",
          this.limits.maxElements,
          `an HDF5 attribute has more than ${this.limits.maxElements} elements`,
        );
    }
    return count;
  }

  private decodeValue(datatype: Uint8Array, count: number, data: Uint8Array, at: number): Hdf5Value {
    const c = new Cursor(datatype, at, "datatype");
    const classAndVersion = c.u8();
    const cls = classAndVersion & 0x0f;
    const bits0 = c.u8();
    c.skip(2);
    const size = c.uint(4);
    const need = (n: number): void => {
      if (n > this.limits.maxAttributeBytes)
        throw new BoundExceededError(
          "hdf5.maxAttributeBytes",
          this.limits.maxAttributeBytes,
          `an HDF5 attribute is larger than ${this.limits.maxAttributeBytes} bytes`,
        );
      if (n > data.length)
        throw new FormatError("FORMAT_TRUNCATED", "HDF5 attribute data is shorter than its type says", at);
    };
    if (cls === 3) {
      need(count * size);
      const values: string[] = [];
      const spacePadded = (bits0 & 0x0f) === 2;
      for (let i = 0; i < count; i++)
        values.push(stringOf(data.subarray(i * size, (i + 1) * size), spacePadded));
      return { type: "string", values };
    }
    if (cls === 9 && (bits0 & 0x0f) === 1) {
      const element = 4 + this.offsetSize + 4;
      need(count * element);
      const d = new Cursor(data, at, "variable-length string");
      const values: string[] = [];
      let total = 0;
      for (let i = 0; i < count; i++) {
        const length = d.uint(4);
        const collection = d.addr(this.offsetSize);
        const index = d.uint(4);
        total += length;
        if (total > this.limits.maxAttributeBytes)
          throw new BoundExceededError(
            "hdf5.maxAttributeBytes",
            this.limits.maxAttributeBytes,
            `an HDF5 attribute is larger than ${this.limits.maxAttributeBytes} bytes`,
          );
        values.push(
          collection === null || length === 0 ? "" : this.heapString(collection, index, length, at),
        );
      }
      return { type: "string", values };
    }
    if (
      (cls === 0 && [1, 2, 4, 8].includes(size)) ||
      (cls === 1 && (size === 4 || size === 8) && !(bits0 & 0x40))
    ) {
      need(count * size);
      const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
      const little = (bits0 & 0x01) === 0;
      const signed = (bits0 & 0x08) !== 0;
      const values: number[] = [];
      for (let i = 0; i < count; i++)
        values.push(readNumber(view, i * size, size, cls === 1, signed, little));
      return { type: "number", values };
    }
    return { type: "other", datatypeClass: cls };
  }

  /** The bytes of object `index` in the global heap collection at `address`, as a string. */
  private heapString(address: number, index: number, length: number, at: number): string {
    const objects = this.heapObjects(address, at);
    const obj = objects.get(index);
    if (obj === undefined)
      throw new FormatError("FORMAT_MALFORMED", `HDF5 global heap object ${index} does not exist`, at);
    if (length > obj.size)
      throw new FormatError("FORMAT_MALFORMED", "an HDF5 string is longer than its heap object", at);
    return utf8.decode(this.bytesAt(obj.offset, length, "global heap object"));
  }

  private heapObjects(address: number, at: number): Map<number, { offset: number; size: number }> {
    const cached = this.heaps.get(address);
    if (cached) return cached;
    const start = this.resolve(address, at, "global heap collection");
    const headLen = 8 + this.lengthSize;
    const head = new Cursor(
      this.bytesAt(start, headLen, "global heap collection"),
      start,
      "global heap collection",
    );
    const sig = head.take(4);
    if (!(sig[0] === 0x47 && sig[1] === 0x43 && sig[2] === 0x4f && sig[3] === 0x4c))
      // GCOL
      throw new FormatError(
        "FORMAT_MALFORMED",
        "HDF5 global heap collection lacks its GCOL signature",
        start,
      );
    head.skip(4); // version, reserved
    const size = head.uint(this.lengthSize);
    if (size > this.limits.maxGlobalHeapBytes)
      throw new BoundExceededError(
        "hdf5.maxGlobalHeapBytes",
        this.limits.maxGlobalHeapBytes,
        `an HDF5 global heap collection is larger than ${this.limits.maxGlobalHeapBytes} bytes`,
      );
    if (size < headLen || start + size > this.src.size)
      throw new FormatError("FORMAT_MALFORMED", `HDF5 global heap collection size ${size} is invalid`, start);
    const end = start + size;
    const objects = new Map<number, { offset: number; size: number }>();
    const objectHead = 8 + this.lengthSize;
    let pos = start + headLen;
    while (end - pos >= objectHead) {
      if (objects.size >= this.limits.maxGlobalHeapObjects)
        throw new BoundExceededError(
          "hdf5.maxGlobalHeapObjects",
          this.limits.maxGlobalHeapObjects,
          `an HDF5 global heap collection has more than ${this.limits.maxGlobalHeapObjects} objects`,
        );
      const o = new Cursor(this.bytesAt(pos, objectHead, "global heap object"), pos, "global heap object");
      const index = o.uint(2);
      o.skip(6); // reference count, reserved
      const objSize = o.uint(this.lengthSize);
      if (index === 0) break; // free space: the rest of the collection
      const dataStart = pos + objectHead;
      if (objSize > end - dataStart)
        throw new FormatError("FORMAT_MALFORMED", "an HDF5 global heap object runs past its collection", pos);
      objects.set(index, { offset: dataStart, size: objSize });
      pos = dataStart + pad8(objSize);
    }
    this.heaps.set(address, objects);
    return objects;
  }
}

/** A fixed-length string element: null-terminated, null-padded or space-padded. */
function stringOf(bytes: Uint8Array, spacePadded: boolean): string {
  if (spacePadded) return utf8.decode(bytes).replace(/ +$/, "");
  const nul = bytes.indexOf(0);
  return utf8.decode(nul >= 0 ? bytes.subarray(0, nul) : bytes);
}

function readNumber(
  view: DataView,
  at: number,
  size: number,
  float: boolean,
  signed: boolean,
  little: boolean,
): number {
  if (float) return size === 4 ? view.getFloat32(at, little) : view.getFloat64(at, little);
  switch (size) {
    case 1:
      return signed ? view.getInt8(at) : view.getUint8(at);
    case 2:
      return signed ? view.getInt16(at, little) : view.getUint16(at, little);
    case 4:
      return signed ? view.getInt32(at, little) : view.getUint32(at, little);
    default:
      return Number(signed ? view.getBigInt64(at, little) : view.getBigUint64(at, little));
  }
}
