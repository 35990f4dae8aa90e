/**
 * TensorFlow protobuf files for tests, shaped the way TensorFlow writes them: a SavedModel directory as
 * `tf.saved_model.save` / Keras 2 `model.save(format="tf")` leave it (saved_model.pb with a serving
 * signature, the saver and restore functions, a function library called through StatefulPartitionedCall;
 * variables/; fingerprint.pb; keras_metadata.pb), a frozen GraphDef, and malicious variants.
 * Field numbers: see src/formats/tensorflow.ts.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { k2LambdaConfig } from "./keras.js";
import { type Pb, pb } from "./protobuf.js";

const DT_FLOAT = 1;
const DT_INT32 = 3;
const DT_STRING = 7;
const DT_RESOURCE = 20;

/** TensorShapeProto: one Dim (size) per dimension. */
const shapeProto = (dims: number[]) => dims.reduce((s, d) => s.len(2, pb().varint(1, d)), pb());

/** AttrValue builders. */
export const attr = {
  s: (v: string) => pb().len(2, v),
  i: (v: number) => pb().varint(3, v),
  b: (v: boolean) => pb().varint(5, v ? 1 : 0),
  type: (v: number) => pb().varint(6, v),
  shape: (dims: number[]) => pb().len(7, shapeProto(dims)),
  listS: (vs: string[]) =>
    pb().len(
      1,
      vs.reduce((l, v) => l.len(2, v), pb()),
    ),
  listType: (vs: number[]) => pb().len(1, pb().packedVarints(6, vs)),
  listI: (vs: number[]) => pb().len(1, pb().packedVarints(3, vs)),
  func: (name: string) => pb().len(10, pb().len(1, name)),
  /** A Const value: TensorProto with dtype, shape and raw content (never read by the scanner). */
  tensor: (dtype: number, dims: number[], content: Uint8Array) =>
    pb().len(8, pb().varint(1, dtype).len(2, shapeProto(dims)).len(4, content)),
};

export interface NodeSpec {
  name: string;
  op: string;
  inputs?: string[];
  device?: string;
  attrs?: Record<string, Pb>;
}

export function nodeDef(n: NodeSpec): Pb {
  const m = pb().len(1, n.name).len(2, n.op);
  for (const i of n.inputs ?? []) m.len(3, i);
  if (n.device) m.len(4, n.device);
  for (const [k, v] of Object.entries(n.attrs ?? {})) m.len(5, pb().len(1, k).len(2, v));
  return m;
}

export interface FunctionSpec {
  name: string;
  inputs?: [string, number][];
  outputs?: [string, number][];
  nodes: NodeSpec[];
  ret?: Record<string, string>;
}

export function functionDef(f: FunctionSpec): Pb {
  const sig = pb().len(1, f.name);
  for (const [n, t] of f.inputs ?? []) sig.len(2, pb().len(1, n).varint(3, t));
  for (const [n, t] of f.outputs ?? []) sig.len(3, pb().len(1, n).varint(3, t));
  const m = pb().len(1, sig);
  for (const n of f.nodes) m.len(3, nodeDef(n));
  for (const [k, v] of Object.entries(f.ret ?? {})) m.len(4, pb().len(1, k).len(2, v));
  // FunctionDef.attr: _input_shapes etc. exist on real functions; one is enough to exercise the map.
  m.len(5, pb().len(1, "_construction_context").len(2, attr.s("kEagerRuntime")));
  return m;
}

export function graphDef(nodes: NodeSpec[], functions: FunctionSpec[] = []): Pb {
  const g = pb();
  for (const n of nodes) g.len(1, nodeDef(n));
  if (functions.length > 0)
    g.len(
      2,
      functions.reduce((lib, f) => lib.len(1, functionDef(f)), pb()),
    );
  g.len(4, pb().varint(1, 1645).varint(2, 12));
  return g;
}

const floats = (n: number) => {
  const out = new Uint8Array(4 * n);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < n; i++) dv.setFloat32(4 * i, Math.sin(i + 1) * 0.1, true);
  return out;
};

const callAttrs = (f: string, tin: number[], tout: number[]) => ({
  f: attr.func(f),
  Tin: attr.listType(tin),
  Tout: attr.listType(tout),
  config: attr.s(""),
  config_proto: attr.s("\n\x07\n\x03CPU\x10\x01\n\x07\n\x03GPU\x10\x002\x02J\x008\x01\x82\x01\x00"),
  executor_type: attr.s(""),
  _collective_manager_ids: attr.listI([]),
  _read_only_resource_inputs: attr.listI([]),
});

/** The saver function TF >= 2.13 writes into every SavedModel (`__inference__traced_save_*`). */
export const SAVE_FUNCTION: FunctionSpec = {
  name: "__inference__traced_save_123",
  inputs: [
    ["file_prefix", DT_STRING],
    ["read_disablecopyonread_dense_kernel", DT_RESOURCE],
    ["savev2_const", DT_STRING],
  ],
  outputs: [["identity_1", DT_STRING]],
  nodes: [
    {
      name: "StaticRegexFullMatch",
      op: "StaticRegexFullMatch",
      inputs: ["file_prefix"],
      attrs: { pattern: attr.s("^s3://.*") },
    },
    {
      name: "Const",
      op: "Const",
      attrs: {
        dtype: attr.type(DT_STRING),
        value: attr.tensor(DT_STRING, [], new TextEncoder().encode(".part")),
      },
    },
    {
      name: "Const_1",
      op: "Const",
      attrs: {
        dtype: attr.type(DT_STRING),
        value: attr.tensor(DT_STRING, [], new TextEncoder().encode("_temp/part")),
      },
    },
    {
      name: "Select",
      op: "Select",
      inputs: ["StaticRegexFullMatch:output:0", "Const:output:0", "Const_1:output:0"],
      attrs: { T: attr.type(DT_STRING) },
    },
    {
      name: "StringJoin",
      op: "StringJoin",
      inputs: ["file_prefix", "Select:output:0"],
      attrs: { N: attr.i(2), separator: attr.s("") },
    },
    {
      name: "num_shards",
      op: "Const",
      attrs: { dtype: attr.type(DT_INT32), value: attr.tensor(DT_INT32, [], new Uint8Array([1, 0, 0, 0])) },
    },
    {
      name: "ShardedFilename/shard",
      op: "Const",
      attrs: { dtype: attr.type(DT_INT32), value: attr.tensor(DT_INT32, [], new Uint8Array(4)) },
    },
    {
      name: "ShardedFilename",
      op: "ShardedFilename",
      inputs: ["StringJoin:output:0", "ShardedFilename/shard:output:0", "num_shards:output:0"],
    },
    {
      name: "Read/DisableCopyOnRead",
      op: "DisableCopyOnRead",
      inputs: ["read_disablecopyonread_dense_kernel"],
    },
    {
      name: "Read/ReadVariableOp",
      op: "ReadVariableOp",
      inputs: ["read_disablecopyonread_dense_kernel", "^Read/DisableCopyOnRead"],
      attrs: { dtype: attr.type(DT_FLOAT) },
    },
    {
      name: "Identity",
      op: "Identity",
      inputs: ["Read/ReadVariableOp:value:0"],
      attrs: { T: attr.type(DT_FLOAT) },
    },
    {
      name: "SaveV2/tensor_names",
      op: "Const",
      attrs: {
        dtype: attr.type(DT_STRING),
        value: attr.tensor(
          DT_STRING,
          [2],
          new TextEncoder().encode("variables/0/.ATTRIBUTES/VARIABLE_VALUE_CHECKPOINTABLE_OBJECT_GRAPH"),
        ),
      },
    },
    {
      name: "SaveV2",
      op: "SaveV2",
      inputs: [
        "ShardedFilename:filename:0",
        "SaveV2/tensor_names:output:0",
        "savev2_const",
        "Identity:output:0",
      ],
      attrs: { dtypes: attr.listType([DT_FLOAT, DT_STRING]) },
    },
    {
      name: "MergeV2Checkpoints/checkpoint_prefixes",
      op: "Pack",
      inputs: ["ShardedFilename:filename:0", "^SaveV2"],
      attrs: { N: attr.i(1), T: attr.type(DT_STRING), axis: attr.i(0) },
    },
    {
      name: "MergeV2Checkpoints",
      op: "MergeV2Checkpoints",
      inputs: ["MergeV2Checkpoints/checkpoint_prefixes:output:0", "file_prefix"],
      attrs: { allow_missing_files: attr.b(false), delete_old_dirs: attr.b(true) },
    },
    {
      name: "Identity_1",
      op: "Identity",
      inputs: ["file_prefix", "^MergeV2Checkpoints"],
      attrs: { T: attr.type(DT_STRING) },
    },
    { name: "NoOp", op: "NoOp", inputs: ["^MergeV2Checkpoints"] },
  ],
  ret: { identity_1: "Identity_1:output:0" },
};

export const RESTORE_FUNCTION: FunctionSpec = {
  name: "__inference__traced_restore_234",
  inputs: [
    ["file_prefix", DT_STRING],
    ["assignvariableop_dense_kernel", DT_RESOURCE],
  ],
  outputs: [["identity_2", DT_STRING]],
  nodes: [
    {
      name: "RestoreV2/tensor_names",
      op: "Const",
      attrs: { dtype: attr.type(DT_STRING), value: attr.tensor(DT_STRING, [2], new Uint8Array(8)) },
    },
    {
      name: "RestoreV2/shape_and_slices",
      op: "Const",
      attrs: { dtype: attr.type(DT_STRING), value: attr.tensor(DT_STRING, [2], new Uint8Array(2)) },
    },
    {
      name: "RestoreV2",
      op: "RestoreV2",
      inputs: ["file_prefix", "RestoreV2/tensor_names:output:0", "RestoreV2/shape_and_slices:output:0"],
      attrs: { dtypes: attr.listType([DT_FLOAT, DT_STRING]) },
    },
    { name: "Identity", op: "Identity", inputs: ["RestoreV2:tensors:0"], attrs: { T: attr.type(DT_FLOAT) } },
    {
      name: "AssignVariableOp",
      op: "AssignVariableOp",
      inputs: ["assignvariableop_dense_kernel", "Identity:output:0"],
      attrs: { dtype: attr.type(DT_FLOAT), validate_shape: attr.b(false) },
    },
    { name: "NoOp_1", op: "NoOp" },
    {
      name: "Identity_1",
      op: "Identity",
      inputs: ["file_prefix", "^AssignVariableOp", "^NoOp_1"],
      attrs: { T: attr.type(DT_STRING) },
    },
    {
      name: "Identity_2",
      op: "Identity",
      inputs: ["Identity_1:output:0"],
      attrs: { T: attr.type(DT_STRING) },
    },
  ],
  ret: { identity_2: "Identity_2:output:0" },
};

/** The model's forward function: the place a hidden op would sit. `extra` nodes are appended. */
export function servingFunction(extra: NodeSpec[] = []): FunctionSpec {
  return {
    name: "__inference_serving_default_345",
    inputs: [
      ["inputs", DT_FLOAT],
      ["dense_matmul_readvariableop_resource", DT_RESOURCE],
      ["dense_biasadd_readvariableop_resource", DT_RESOURCE],
    ],
    outputs: [["identity", DT_FLOAT]],
    nodes: [
      {
        name: "dense/MatMul/ReadVariableOp",
        op: "ReadVariableOp",
        inputs: ["dense_matmul_readvariableop_resource"],
        attrs: { dtype: attr.type(DT_FLOAT) },
      },
      {
        name: "dense/MatMul",
        op: "MatMul",
        inputs: ["inputs", "dense/MatMul/ReadVariableOp:value:0"],
        attrs: { T: attr.type(DT_FLOAT), transpose_a: attr.b(false), transpose_b: attr.b(false) },
      },
      {
        name: "dense/BiasAdd/ReadVariableOp",
        op: "ReadVariableOp",
        inputs: ["dense_biasadd_readvariableop_resource"],
        attrs: { dtype: attr.type(DT_FLOAT) },
      },
      {
        name: "dense/BiasAdd",
        op: "BiasAdd",
        inputs: ["dense/MatMul:product:0", "dense/BiasAdd/ReadVariableOp:value:0"],
        attrs: { T: attr.type(DT_FLOAT), data_format: attr.s("NHWC") },
      },
      {
        name: "dense/Softmax",
        op: "Softmax",
        inputs: ["dense/BiasAdd:output:0"],
        attrs: { T: attr.type(DT_FLOAT) },
      },
      ...extra,
      {
        name: "Identity",
        op: "Identity",
        inputs: ["dense/Softmax:softmax:0"],
        attrs: { T: attr.type(DT_FLOAT) },
      },
    ],
    ret: { identity: "Identity:output:0" },
  };
}

export interface SavedModelSpec {
  /** Nodes appended to the main graph. */
  graphNodes?: NodeSpec[];
  /** Nodes appended to the serving function's body. */
  servingNodes?: NodeSpec[];
  /** Further library functions. */
  functions?: FunctionSpec[];
}

/** saved_model.pb as tf.saved_model.save writes it for a one-layer model. */
export function savedModel(spec: SavedModelSpec = {}): Uint8Array {
  const serving = servingFunction(spec.servingNodes);
  const wrapper: FunctionSpec = {
    name: "__inference_signature_wrapper_456",
    inputs: [
      ["inputs", DT_FLOAT],
      ["unknown", DT_RESOURCE],
      ["unknown_0", DT_RESOURCE],
    ],
    outputs: [["identity", DT_FLOAT]],
    nodes: [
      {
        name: "StatefulPartitionedCall",
        op: "StatefulPartitionedCall",
        inputs: ["inputs", "unknown", "unknown_0"],
        attrs: callAttrs(serving.name, [DT_FLOAT, DT_RESOURCE, DT_RESOURCE], [DT_FLOAT]),
      },
      {
        name: "Identity",
        op: "Identity",
        inputs: ["StatefulPartitionedCall:output:0", "^NoOp"],
        attrs: { T: attr.type(DT_FLOAT) },
      },
      { name: "NoOp", op: "NoOp", inputs: ["^StatefulPartitionedCall"] },
    ],
    ret: { identity: "Identity:output:0" },
  };
  const graph = graphDef(
    [
      {
        name: "dense/kernel",
        op: "VarHandleOp",
        attrs: {
          dtype: attr.type(DT_FLOAT),
          shape: attr.shape([4, 2]),
          shared_name: attr.s("dense/kernel"),
          container: attr.s(""),
          allowed_devices: attr.listS([]),
        },
      },
      {
        name: "dense/bias",
        op: "VarHandleOp",
        attrs: {
          dtype: attr.type(DT_FLOAT),
          shape: attr.shape([2]),
          shared_name: attr.s("dense/bias"),
          container: attr.s(""),
          allowed_devices: attr.listS([]),
        },
      },
      {
        name: "Const",
        op: "Const",
        attrs: {
          dtype: attr.type(DT_STRING),
          value: attr.tensor(DT_STRING, [], new TextEncoder().encode("\n\x0f\n\x07\x08\x01\x12\x03dense")),
        },
      },
      {
        name: "serving_default_inputs",
        op: "Placeholder",
        attrs: { dtype: attr.type(DT_FLOAT), shape: attr.shape([-1, 4]) },
      },
      {
        name: "StatefulPartitionedCall",
        op: "StatefulPartitionedCall",
        inputs: ["serving_default_inputs", "dense/kernel", "dense/bias"],
        attrs: callAttrs(wrapper.name, [DT_FLOAT, DT_RESOURCE, DT_RESOURCE], [DT_FLOAT]),
      },
      {
        name: "saver_filename",
        op: "Placeholder",
        attrs: { dtype: attr.type(DT_STRING), shape: attr.shape([]) },
      },
      {
        name: "StatefulPartitionedCall_1",
        op: "StatefulPartitionedCall",
        inputs: ["saver_filename", "dense/kernel", "Const"],
        attrs: callAttrs(SAVE_FUNCTION.name, [DT_STRING, DT_RESOURCE, DT_STRING], [DT_STRING]),
      },
      {
        name: "StatefulPartitionedCall_2",
        op: "StatefulPartitionedCall",
        inputs: ["saver_filename", "dense/kernel"],
        attrs: callAttrs(RESTORE_FUNCTION.name, [DT_STRING, DT_RESOURCE], [DT_STRING]),
      },
      { name: "NoOp", op: "NoOp" },
      ...(spec.graphNodes ?? []),
    ],
    [serving, wrapper, SAVE_FUNCTION, RESTORE_FUNCTION, ...(spec.functions ?? [])],
  );
  const metaInfo = pb()
    .len(2, pb().len(1, pb().len(1, "MatMul")).len(1, pb().len(1, "SaveV2")))
    .len(4, "serve")
    .len(5, "2.15.0")
    .len(6, "v2.15.0-rc1-8-g6887368d6d4");
  const tensorInfo = (n: string, dims: number[]) =>
    pb().len(1, n).varint(2, DT_FLOAT).len(3, shapeProto(dims));
  const signature = pb()
    .len(
      1,
      pb()
        .len(1, "inputs")
        .len(2, tensorInfo("serving_default_inputs:0", [-1, 4])),
    )
    .len(
      2,
      pb()
        .len(1, "output_0")
        .len(2, tensorInfo("StatefulPartitionedCall:0", [-1, 2])),
    )
    .len(3, "tensorflow/serving/predict");
  const initSig = pb().len(2, pb().len(1, "__saved_model_init_op").len(2, pb().len(1, "NoOp")));
  const objectGraph = pb()
    .len(1, pb().len(1, pb().varint(1, 1).len(2, "dense")).len(7, pb()))
    .len(2, pb().len(1, serving.name).len(2, pb().len(2, pb())));
  const meta = pb()
    .len(1, metaInfo)
    .len(2, graph)
    .len(
      3,
      pb()
        .len(1, "saver_filename:0")
        .len(2, "StatefulPartitionedCall_1:0")
        .len(3, "StatefulPartitionedCall_2")
        .varint(5, 1)
        .varint(7, 2),
    )
    .len(5, pb().len(1, "serving_default").len(2, signature))
    .len(5, pb().len(1, "__saved_model_init_op").len(2, initSig))
    .len(7, objectGraph);
  return pb().varint(1, 1).len(2, meta).bytes();
}

/** A frozen inference graph (`tf.compat.v1.graph_util.convert_variables_to_constants`). */
export function frozenGraph(extra: NodeSpec[] = []): Uint8Array {
  return graphDef([
    { name: "input", op: "Placeholder", attrs: { dtype: attr.type(DT_FLOAT), shape: attr.shape([-1, 4]) } },
    {
      name: "dense/kernel",
      op: "Const",
      attrs: { dtype: attr.type(DT_FLOAT), value: attr.tensor(DT_FLOAT, [4, 2], floats(8)) },
    },
    {
      name: "dense/bias",
      op: "Const",
      attrs: { dtype: attr.type(DT_FLOAT), value: attr.tensor(DT_FLOAT, [2], floats(2)) },
    },
    {
      name: "dense/MatMul",
      op: "MatMul",
      inputs: ["input", "dense/kernel"],
      attrs: { T: attr.type(DT_FLOAT), transpose_a: attr.b(false), transpose_b: attr.b(false) },
    },
    {
      name: "dense/BiasAdd",
      op: "BiasAdd",
      inputs: ["dense/MatMul", "dense/bias"],
      attrs: { T: attr.type(DT_FLOAT), data_format: attr.s("NHWC") },
    },
    { name: "dense/Relu", op: "Relu", inputs: ["dense/BiasAdd"], attrs: { T: attr.type(DT_FLOAT) } },
    { name: "output", op: "Softmax", inputs: ["dense/Relu"], attrs: { T: attr.type(DT_FLOAT) } },
    ...extra,
  ]).bytes();
}

/** Keras 2 `keras_metadata.pb`: one SavedObject per Keras object, its JSON metadata at field 5. */
export function kerasMetadata(layers: { className: string; config: Record<string, unknown> }[]): Uint8Array {
  const version = pb().varint(1, 2).varint(2, 1);
  const modelConfig = {
    name: "sequential",
    layers: [
      {
        class_name: "InputLayer",
        config: { batch_input_shape: [null, 4], dtype: "float32", name: "input_1" },
      },
      ...layers.map((l) => ({ class_name: l.className, config: l.config })),
    ],
  };
  const root = {
    name: "sequential",
    trainable: true,
    expects_training_arg: true,
    dtype: "float32",
    batch_input_shape: null,
    must_restore_from_config: false,
    class_name: "Sequential",
    config: modelConfig,
    is_graph_network: true,
    keras_version: "2.15.0",
    backend: "tensorflow",
  };
  const m = pb().len(
    1,
    pb().len(3, "root").len(4, "_tf_keras_sequential").len(5, JSON.stringify(root)).len(6, version),
  );
  layers.forEach((l, i) => {
    const meta = {
      name: l.config.name,
      trainable: true,
      expects_training_arg: false,
      dtype: "float32",
      class_name: l.className,
      config: l.config,
    };
    m.len(
      1,
      pb()
        .varint(2, i + 1)
        .len(3, `root.layer_with_weights-${i}`)
        .len(4, "_tf_keras_layer")
        .len(5, JSON.stringify(meta))
        .len(6, version),
    );
  });
  return m.bytes();
}

export const DENSE_LAYER = {
  className: "Dense",
  config: {
    name: "dense",
    trainable: true,
    dtype: "float32",
    units: 2,
    activation: "softmax",
    use_bias: true,
  },
};

/** A Lambda layer as Keras 2 serializes one: the function's marshalled bytecode, base64. */
export const LAMBDA_LAYER = {
  className: "Lambda",
  config: k2LambdaConfig("lambda", {
    class_name: "__tuple__",
    items: [
      "4wEAAAAAAAAAAAAAAAEAAAACAAAAQwAAAHMMAAAAdABkAYMBAQB8AFMAKQJOegJpZCkB2gRleGVjKQHaAXipAHIDAAAA+gg8c3RkaW4+2gg8bGFtYmRhPgEAAADzAAAAAA==",
      null,
      null,
    ],
  }),
};

export function fingerprint(): Uint8Array {
  return pb()
    .varint(1, 0x1234_5678_9abc_def0n)
    .varint(2, 0x0fed_cba9_8765_4321n)
    .varint(3, 0x1111_2222_3333_4444n)
    .varint(4, 0x5555_6666_7777_8888n)
    .varint(5, 0x0999_aaaa_bbbb_ccccn)
    .len(6, pb().varint(1, 1))
    .bytes();
}

/** A checkpoint index (an SSTable ending in LevelDB's table magic) and its data shard, as TF writes them. */
export function variablesIndex(): Uint8Array {
  const body = new Uint8Array(64);
  body.set([0x00, 0x00, 0x04, 0x08, 0x01, 0x10, 0x01]);
  const footer = new Uint8Array(48);
  footer.set([0x57, 0xfb, 0x80, 0x8b, 0x24, 0x75, 0x47, 0xdb], 40);
  const out = new Uint8Array(body.length + footer.length);
  out.set(body);
  out.set(footer, body.length);
  return out;
}

/** Writes a SavedModel directory; `keras` adds Keras 2's keras_metadata.pb. */
export function writeSavedModelDir(
  dir: string,
  spec: SavedModelSpec & { keras?: { className: string; config: Record<string, unknown> }[] } = {},
): void {
  mkdirSync(join(dir, "variables"), { recursive: true });
  mkdirSync(join(dir, "assets"), { recursive: true });
  writeFileSync(join(dir, "saved_model.pb"), savedModel(spec));
  writeFileSync(join(dir, "fingerprint.pb"), fingerprint());
  writeFileSync(join(dir, "variables", "variables.index"), variablesIndex());
  writeFileSync(join(dir, "variables", "variables.data-00000-of-00001"), floats(10));
  if (spec.keras) writeFileSync(join(dir, "keras_metadata.pb"), kerasMetadata(spec.keras));
}
