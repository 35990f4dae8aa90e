/**
 * A bounded walker of TensorFlow's protobuf model files: SavedModel (`saved_model.pb`), frozen GraphDef
 * (`.pb`) and Keras 2's `keras_metadata.pb`. It reports every operation (graph nodes and the nodes of every
 * library function) with the string attributes a caller asks for, and never reads tensor constants.
 *
 * Field numbers, from tensorflow/core/protobuf/saved_model.proto, meta_graph.proto and
 * tensorflow/core/framework/{graph,node_def,function,attr_value,op_def}.proto:
 *   SavedModel      1 saved_model_schema_version, 2 meta_graphs (MetaGraphDef)
 *   MetaGraphDef    1 meta_info_def (MetaInfoDef: 4 tags), 2 graph_def, 5 signature_def (map, key 1)
 *   GraphDef        1 node (NodeDef), 2 library (FunctionDefLibrary), 4 versions
 *   NodeDef         1 name, 2 op, 3 input, 4 device, 5 attr (map<string, AttrValue>: 1 key, 2 value)
 *   FunctionDefLib  1 function (FunctionDef)
 *   FunctionDef     1 signature (OpDef: 1 name), 3 node_def (NodeDef)
 *   AttrValue       1 list (ListValue: 2 s), 2 s, 10 func (NameAttrList: 1 name)
 * keras/protobuf/saved_metadata.proto: SavedMetadata 1 nodes (SavedObject: 3 node_path, 4 identifier,
 * 5 metadata as JSON).
 */
import { BoundExceededError, FormatError } from "../errors.js";
import { type PbField, readFields, WIRE_LEN } from "./protobuf.js";
import { type ByteSource, bufferSource } from "./source.js";

export interface TfLimits {
  /** Nodes in all graphs and functions together. */
  maxNodes: number;
  maxFunctions: number;
  maxMetaGraphs: number;
  /** Attributes of one node. */
  maxAttrs: number;
  /** Bytes of a name, an op type or a device. */
  maxNameBytes: number;
  /** Bytes of an attribute string kept (longer ones are kept truncated, with their length). */
  maxAttrStringBytes: number;
  /** Strings in one list attribute. */
  maxListItems: number;
  /** Keras metadata: nodes, and bytes of one node's JSON. */
  maxKerasNodes: number;
  maxKerasJsonBytes: number;
}

export const DEFAULT_TF_LIMITS: TfLimits = {
  maxNodes: 2_000_000,
  maxFunctions: 200_000,
  maxMetaGraphs: 64,
  maxAttrs: 4096,
  maxNameBytes: 16 * 1024,
  maxAttrStringBytes: 4096,
  maxListItems: 4096,
  maxKerasNodes: 1_000_000,
  maxKerasJsonBytes: 64 * 1024 * 1024,
};

/** A string attribute value; `length` is the stored length when `value` was cut at the limit. */
export interface TfAttrString {
  value: string;
  length: number;
}

export interface TfNode {
  name: string;
  op: string;
  device: string;
  /** "graph" for the main graph, else the name of the library function holding the node. */
  where: string;
  /** Index of the MetaGraphDef in a SavedModel (0 for a frozen GraphDef). */
  metaGraph: number;
  /** Offset of the NodeDef in the source. */
  offset: number;
  /** The requested attributes: `s`, each `list.s`, or a `func` name, as strings. */
  attrs: Map<string, TfAttrString[]>;
}

export interface TfVisitor {
  /** Attribute names whose string values the visitor wants (others are skipped unread). */
  attrNames: ReadonlySet<string>;
  node(node: TfNode): void;
  /** A library function's name, with where its FunctionDef starts. */
  func?(name: string, offset: number, metaGraph: number): void;
  metaGraph?(index: number, tags: string[], offset: number): void;
}

interface WalkState {
  limits: TfLimits;
  visitor: TfVisitor;
  nodes: number;
  functions: number;
}

const decoder = new TextDecoder();

function lenField(f: PbField, what: string): void {
  if (f.wireType !== WIRE_LEN)
    throw new FormatError(
      "FORMAT_MALFORMED",
      `${what} (field ${f.field}) is not length-delimited`,
      f.tagOffset,
    );
}

function name(src: ByteSource, f: PbField, limits: TfLimits, what: string): string {
  lenField(f, what);
  if (f.length > limits.maxNameBytes)
    throw new FormatError("FORMAT_MALFORMED", `${what} is ${f.length} bytes long`, f.offset);
  return decoder.decode(src.read(f.offset, f.length));
}

function attrString(src: ByteSource, f: PbField, limits: TfLimits): TfAttrString {
  lenField(f, "attribute string");
  const keep = Math.min(f.length, limits.maxAttrStringBytes);
  return { value: decoder.decode(src.read(f.offset, keep)), length: f.length };
}

/** An AttrValue's strings: `s`, `list.s`, and the name of a `func`; tensors and shapes are skipped. */
function attrValueStrings(src: ByteSource, value: PbField, limits: TfLimits): TfAttrString[] {
  const out: TfAttrString[] = [];
  for (const f of readFields(src, value.offset, value.offset + value.length)) {
    if (f.field === 2) out.push(attrString(src, f, limits));
    else if (f.field === 1 && f.wireType === WIRE_LEN) {
      for (const item of readFields(src, f.offset, f.offset + f.length)) {
        if (item.field !== 2) continue;
        if (out.length >= limits.maxListItems)
          throw new BoundExceededError(
            "tf.maxListItems",
            limits.maxListItems,
            `a list attribute holds more than ${limits.maxListItems} strings`,
          );
        out.push(attrString(src, item, limits));
      }
    } else if (f.field === 10 && f.wireType === WIRE_LEN) {
      for (const g of readFields(src, f.offset, f.offset + f.length))
        if (g.field === 1) out.push(attrString(src, g, limits));
    }
  }
  return out;
}

/** Nodes up to this size are read in one piece and parsed in memory (most are a few hundred bytes). */
const NODE_READ_BYTES = 64 * 1024;

function readNode(src: ByteSource, at: PbField, state: WalkState, where: string, metaGraph: number): void {
  const { limits, visitor } = state;
  if (++state.nodes > limits.maxNodes)
    throw new BoundExceededError("tf.maxNodes", limits.maxNodes, `more than ${limits.maxNodes} graph nodes`);
  lenField(at, "NodeDef");
  // A small node is read once; a large one (a Const holding its tensor) is walked in place, unread.
  const local = at.length <= NODE_READ_BYTES;
  const s = local ? bufferSource(src.read(at.offset, at.length)) : src;
  const base = local ? 0 : at.offset;
  try {
    const node = parseNode(s, base, base + at.length, state, where, metaGraph, at.tagOffset);
    if (!node.op)
      throw new FormatError("FORMAT_MALFORMED", `graph node '${node.name}' has no op type`, at.tagOffset);
    visitor.node(node);
  } catch (err) {
    // Offsets inside an in-memory node are relative to it: report them in the file.
    if (local && err instanceof FormatError && err.offset !== at.tagOffset)
      throw new FormatError(err.code as "FORMAT_MALFORMED", err.message, at.offset + err.offset, {
        cause: err,
      });
    throw err;
  }
}

function parseNode(
  src: ByteSource,
  start: number,
  end: number,
  state: WalkState,
  where: string,
  metaGraph: number,
  offset: number,
): TfNode {
  const { limits, visitor } = state;
  const node: TfNode = { name: "", op: "", device: "", where, metaGraph, offset, attrs: new Map() };
  let attrs = 0;
  for (const f of readFields(src, start, end)) {
    if (f.field === 1) node.name = name(src, f, limits, "node name");
    else if (f.field === 2) node.op = name(src, f, limits, "op type");
    else if (f.field === 4) node.device = name(src, f, limits, "device");
    else if (f.field === 5) {
      if (++attrs > limits.maxAttrs)
        throw new BoundExceededError(
          "tf.maxAttrs",
          limits.maxAttrs,
          `a node has more than ${limits.maxAttrs} attributes`,
        );
      lenField(f, "attribute");
      let key: string | null = null;
      let value: PbField | null = null;
      for (const e of readFields(src, f.offset, f.offset + f.length)) {
        if (e.field === 1) key = name(src, e, limits, "attribute name");
        else if (e.field === 2 && e.wireType === WIRE_LEN) value = e;
      }
      if (key !== null && value && visitor.attrNames.has(key))
        node.attrs.set(key, attrValueStrings(src, value, limits));
    }
  }
  return node;
}

function readFunction(src: ByteSource, at: PbField, state: WalkState, metaGraph: number): void {
  const { limits } = state;
  if (++state.functions > limits.maxFunctions)
    throw new BoundExceededError(
      "tf.maxFunctions",
      limits.maxFunctions,
      `more than ${limits.maxFunctions} library functions`,
    );
  lenField(at, "FunctionDef");
  let fname: string | null = null;
  // Writers put the signature (field 1) before the body (field 3), so nodes are read in file order; a
  // body written first waits until the function's name is known.
  const early: PbField[] = [];
  for (const f of readFields(src, at.offset, at.offset + at.length)) {
    if (f.field === 1) {
      lenField(f, "function signature");
      fname = "";
      for (const g of readFields(src, f.offset, f.offset + f.length))
        if (g.field === 1) fname = name(src, g, limits, "function name");
      state.visitor.func?.(fname, at.tagOffset, metaGraph);
    } else if (f.field === 3) {
      if (fname === null) early.push(f);
      else readNode(src, f, state, fname || "<unnamed function>", metaGraph);
    }
  }
  if (fname === null) state.visitor.func?.("", at.tagOffset, metaGraph);
  for (const body of early) readNode(src, body, state, fname || "<unnamed function>", metaGraph);
}

/** Walks the GraphDef in [start, end): its nodes, then its library's functions and their nodes. */
function readGraph(src: ByteSource, start: number, end: number, state: WalkState, metaGraph: number): void {
  for (const f of readFields(src, start, end)) {
    if (f.field === 1) readNode(src, f, state, "graph", metaGraph);
    else if (f.field === 2) {
      lenField(f, "function library");
      for (const g of readFields(src, f.offset, f.offset + f.length))
        if (g.field === 1) readFunction(src, g, state, metaGraph);
    }
  }
}

const newState = (visitor: TfVisitor, limits: Partial<TfLimits>): WalkState => ({
  limits: { ...DEFAULT_TF_LIMITS, ...limits },
  visitor,
  nodes: 0,
  functions: 0,
});

/** A frozen GraphDef (`.pb`). */
export function walkGraphDef(src: ByteSource, visitor: TfVisitor, limits: Partial<TfLimits> = {}): void {
  readGraph(src, 0, src.size, newState(visitor, limits), 0);
}

/** A SavedModel (`saved_model.pb`): each MetaGraphDef's tags, graph and function library. */
export function walkSavedModel(src: ByteSource, visitor: TfVisitor, limits: Partial<TfLimits> = {}): void {
  const state = newState(visitor, limits);
  let index = 0;
  for (const f of readFields(src, 0, src.size)) {
    if (f.field !== 2) continue;
    if (index >= state.limits.maxMetaGraphs)
      throw new BoundExceededError(
        "tf.maxMetaGraphs",
        state.limits.maxMetaGraphs,
        `more than ${state.limits.maxMetaGraphs} meta graphs`,
      );
    lenField(f, "MetaGraphDef");
    const tags: string[] = [];
    const graphs: PbField[] = [];
    for (const g of readFields(src, f.offset, f.offset + f.length)) {
      if (g.field === 1) {
        lenField(g, "MetaInfoDef");
        for (const h of readFields(src, g.offset, g.offset + g.length))
          if (h.field === 4) tags.push(name(src, h, state.limits, "meta graph tag"));
      } else if (g.field === 2) graphs.push(g);
    }
    visitor.metaGraph?.(index, tags, f.tagOffset);
    for (const g of graphs) {
      lenField(g, "GraphDef");
      readGraph(src, g.offset, g.offset + g.length, state, index);
    }
    index++;
  }
}

/**
 * Keras writes this JSON with its json_utils encoder, which turns tuples into
 * `{"class_name": "__tuple__", "items": [...]}` (a Lambda's `function` is such a tuple: bytecode, defaults,
 * closure); Keras decodes them back to tuples, and so do we, to arrays.
 */
function decodeTuple(_key: string, value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const v = value as { class_name?: unknown; items?: unknown };
  return v.class_name === "__tuple__" && Array.isArray(v.items) ? v.items : value;
}

export interface KerasMetadataNode {
  nodePath: string;
  identifier: string;
  /** The parsed `metadata` JSON (undefined when the node has none). */
  metadata: unknown;
  offset: number;
}

/**
 * Keras 2's `keras_metadata.pb`: every SavedObject's identifier, path and metadata, whose JSON holds the
 * layer's config (`class_name`, `config`) that Keras revives the layer from.
 */
export function* readKerasMetadata(
  src: ByteSource,
  limits: Partial<TfLimits> = {},
): Generator<KerasMetadataNode> {
  const lim = { ...DEFAULT_TF_LIMITS, ...limits };
  let count = 0;
  for (const f of readFields(src, 0, src.size)) {
    if (f.field !== 1) continue;
    if (++count > lim.maxKerasNodes)
      throw new BoundExceededError(
        "tf.maxKerasNodes",
        lim.maxKerasNodes,
        `more than ${lim.maxKerasNodes} Keras nodes`,
      );
    lenField(f, "SavedObject");
    const node: KerasMetadataNode = {
      nodePath: "",
      identifier: "",
      metadata: undefined,
      offset: f.tagOffset,
    };
    for (const g of readFields(src, f.offset, f.offset + f.length)) {
      if (g.field === 3) node.nodePath = name(src, g, lim, "node path");
      else if (g.field === 4) node.identifier = name(src, g, lim, "identifier");
      else if (g.field === 5) {
        lenField(g, "metadata");
        if (g.length > lim.maxKerasJsonBytes)
          throw new BoundExceededError(
            "tf.maxKerasJsonBytes",
            lim.maxKerasJsonBytes,
            `Keras metadata of ${g.length} bytes is larger than ${lim.maxKerasJsonBytes}`,
          );
        const text = decoder.decode(src.read(g.offset, g.length));
        if (text.length === 0) continue;
        try {
          node.metadata = JSON.parse(text, decodeTuple);
        } catch (cause) {
          throw new FormatError("FORMAT_MALFORMED", "Keras metadata is not valid JSON", g.offset, { cause });
        }
      }
    }
    yield node;
  }
}
