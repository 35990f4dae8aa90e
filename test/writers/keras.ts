/**
 * Keras model files for tests, as Keras writes them:
 * - Keras 3 `.keras` archives (keras/src/saving/saving_lib.py): a stored zip holding `metadata.json`
 *   (`keras_version`, `date_saved`), `config.json` (`serialize_keras_object(model)` plus `compile_config`
 *   and `build_config`) and `model.weights.h5` (H5IOStore: `layers/<name>/vars/<i>` datasets).
 * - legacy `.h5` files (keras/src/legacy/saving/legacy_h5_format.py, tf.keras hdf5_format.py): root
 *   attributes `keras_version`/`backend` (str: variable-length), `model_config`/`training_config`
 *   (`json.dumps(...).encode("utf8")`: fixed-length bytes), and a `model_weights` group.
 * Config builders follow what Keras 3.5 and tf.keras 2.x serialize for their own layers.
 */
import { buildHdf5, type Hdf5Dataset, type Hdf5Group, type Hdf5WriteOptions } from "./hdf5.js";
import { buildZip, type ZipEntrySpec } from "./zip.js";

type Json = Record<string, unknown>;

/** `base64(marshal.dumps((lambda x: __import__('os').system('id')).__code__))` from CPython 3.11.2. */
export const PY311_LAMBDA_OS_SYSTEM =
  "4wEAAAAAAAAAAAAAAAMAAAADAAAA80YAAACXAHQBAAAAAAAAAAAAAGQBpgEAAKsBAAAAAAAAAACgAQAAAAAAAAAAAAAAAAAAAAAAAAAAZAKmAQAAqwEAAAAAAAAAAFMAKQNO2gJvc9oCaWQpAtoKX19pbXBvcnRfX9oGc3lzdGVtKQHaAXhzAQAAACD6CDxzdHJpbmc++gg8bGFtYmRhPnIIAAAAAQAAAHMcAAAAgACNKpBU0Qoa1Aoa1woh0gohoCTRCifUCieAAPMAAAAA";

/** Keras' `func_dump` encodes with `codecs.encode(raw, "base64")`: a newline every 76 characters. */
export function codecsBase64(b64: string): string {
  return `${b64.match(/.{1,76}/g)!.join("\n")}\n`;
}

// ---------- Keras 3 configs ----------

export function k3(module: string, className: string, config: unknown, extra: Json = {}): Json {
  return { module, class_name: className, config, registered_name: null, ...extra };
}

const policy = (): Json => k3("keras", "DTypePolicy", { name: "float32" });
const init = (cls: string, config: Json = {}): Json => k3("keras.initializers", cls, config);

function layerBase(name: string): Json {
  return { name, trainable: true, dtype: policy() };
}

function tensor(shape: (number | null)[], history: [string, number, number]): Json {
  return { class_name: "__keras_tensor__", config: { shape, dtype: "float32", keras_history: history } };
}

/** A layer as a Functional model lists it: its config plus `name` and `inbound_nodes`. */
function inFunctional(layer: Json, from: [string, (number | null)[]] | null): Json {
  const name = (layer.config as Json).name as string;
  return {
    ...layer,
    name,
    inbound_nodes: from === null ? [] : [{ args: [tensor(from[1], [from[0], 0, 0])], kwargs: {} }],
  };
}

export function k3Input(name: string, shape: (number | null)[]): Json {
  return k3("keras.layers", "InputLayer", { batch_shape: shape, dtype: "float32", sparse: false, name });
}

export function k3Dense(name: string, units: number, activation = "relu"): Json {
  return k3("keras.layers", "Dense", {
    ...layerBase(name),
    units,
    activation,
    use_bias: true,
    kernel_initializer: init("GlorotUniform", { seed: null }),
    bias_initializer: init("Zeros"),
    kernel_regularizer: null,
    bias_regularizer: null,
    kernel_constraint: null,
    bias_constraint: null,
  });
}

export function k3Dropout(name: string, rate: number): Json {
  return k3("keras.layers", "Dropout", { ...layerBase(name), rate, seed: null, noise_shape: null });
}

export function k3Lstm(name: string, units: number): Json {
  return k3("keras.layers", "LSTM", {
    ...layerBase(name),
    return_sequences: false,
    return_state: false,
    go_backwards: false,
    stateful: false,
    unroll: false,
    zero_output_for_mask: true,
    units,
    activation: "tanh",
    recurrent_activation: "sigmoid",
    use_bias: true,
    kernel_initializer: init("GlorotUniform", { seed: null }),
    recurrent_initializer: init("OrthogonalInitializer", { gain: 1.0, seed: null }),
    bias_initializer: init("Zeros"),
    unit_forget_bias: true,
    kernel_regularizer: null,
    recurrent_regularizer: null,
    bias_regularizer: null,
    activity_regularizer: null,
    kernel_constraint: null,
    recurrent_constraint: null,
    bias_constraint: null,
    dropout: 0.0,
    recurrent_dropout: 0.0,
    seed: null,
  });
}

export function k3Bidirectional(name: string, layer: Json): Json {
  const backward = structuredClone(layer);
  (backward.config as Json).name = `backward_${(layer.config as Json).name}`;
  (backward.config as Json).go_backwards = true;
  return k3("keras.layers", "Bidirectional", {
    ...layerBase(name),
    merge_mode: "concat",
    layer,
    backward_layer: backward,
  });
}

export function k3TimeDistributed(name: string, layer: Json): Json {
  return k3("keras.layers", "TimeDistributed", { ...layerBase(name), layer });
}

export function k3Sequential(name: string, layers: Json[], inputShape: (number | null)[]): Json {
  return k3(
    "keras",
    "Sequential",
    { name, trainable: true, dtype: policy(), layers: [k3Input(`${name}_input`, inputShape), ...layers] },
    { build_config: { input_shape: inputShape } },
  );
}

/** A Keras 3 serialized function: `{"module", "class_name": "function", "config": name}`. */
export function k3Function(module: string, name: string): Json {
  return { module, class_name: "function", config: name, registered_name: "function" };
}

/** Keras 3 `Lambda.get_config()` for a Python lambda: `__lambda__` holding `func_dump`'s output. */
export function k3LambdaBytecode(name: string, b64 = PY311_LAMBDA_OS_SYSTEM): Json {
  return k3("keras.layers", "Lambda", {
    ...layerBase(name),
    function: {
      class_name: "__lambda__",
      config: { code: codecsBase64(b64), defaults: null, closure: null },
    },
    arguments: {},
  });
}

/** A Lambda whose function is a named (importable) function. */
export function k3LambdaFunction(name: string, module: string, fn: string, args: Json = {}): Json {
  return k3("keras.layers", "Lambda", {
    ...layerBase(name),
    function: k3Function(module, fn),
    arguments: args,
  });
}

export function k3CompileConfig(loss: unknown = "mean_squared_error"): Json {
  return {
    optimizer: k3("keras.optimizers", "Adam", {
      name: "adam",
      learning_rate: 0.001,
      weight_decay: null,
      clipnorm: null,
      global_clipnorm: null,
      clipvalue: null,
      use_ema: false,
      ema_momentum: 0.99,
      ema_overwrite_frequency: null,
      loss_scale_factor: null,
      gradient_accumulation_steps: null,
      beta_1: 0.9,
      beta_2: 0.999,
      epsilon: 1e-7,
      amsgrad: false,
    }),
    loss,
    loss_weights: null,
    metrics: [k3("keras.metrics", "MeanAbsoluteError", { name: "mae", dtype: "float32" })],
    weighted_metrics: null,
    run_eagerly: false,
    steps_per_execution: 1,
    jit_compile: false,
  };
}

/**
 * A Functional model as `model.save("m.keras")` writes it: an input, a nested Sequential, a
 * Bidirectional LSTM branch over a TimeDistributed Dense, and a Dense head. `inner` replaces the
 * layers inside the TimeDistributed of the nested Sequential (where a trick can hide three levels deep).
 */
export function k3FunctionalModel(options: { timeDistributed?: Json; compile?: Json } = {}): Json {
  const seq = k3Sequential(
    "encoder",
    [
      k3TimeDistributed("time_distributed", options.timeDistributed ?? k3Dense("per_step", 16)),
      k3Bidirectional("bidirectional", k3Lstm("lstm", 8)),
      k3Dropout("dropout", 0.2),
    ],
    [null, 10, 4],
  );
  const layers = [
    inFunctional(k3Input("tokens", [null, 10, 4]), null),
    inFunctional(seq, ["tokens", [null, 10, 4]]),
    inFunctional(k3Dense("head", 3, "softmax"), ["encoder", [null, 16]]),
  ];
  return k3(
    "keras.src.models.functional",
    "Functional",
    {
      name: "functional",
      trainable: true,
      layers,
      input_layers: [["tokens", 0, 0]],
      output_layers: [["head", 0, 0]],
    },
    {
      registered_name: "Functional",
      build_config: { input_shape: null },
      compile_config: options.compile ?? k3CompileConfig(),
    },
  );
}

/** Keras 3 metadata.json. */
export function k3Metadata(version = "3.5.0"): string {
  return JSON.stringify({ keras_version: version, date_saved: "2024-09-12@10:21:33" });
}

/** `model.weights.h5` as H5IOStore lays it out: `layers/<name>/vars/<index>`, `optimizer/vars/<index>`. */
export function k3WeightsH5(layers: Record<string, number[][]>, options: Hdf5WriteOptions = {}): Uint8Array {
  const groups: Record<string, Hdf5Group> = {};
  for (const [name, vars] of Object.entries(layers)) {
    const children: Record<string, Hdf5Dataset> = {};
    vars.forEach((v, i) => {
      children[String(i)] = { dataset: v, shape: [v.length] };
    });
    groups[name] = { children: { vars: { children } } };
  }
  return buildHdf5([], options, {
    layers: { children: groups },
    optimizer: { children: { vars: { children: { "0": { dataset: [0], shape: [1] } } } } },
  });
}

/** A `.keras` archive: stored members in the order saving_lib writes them. */
export function kerasArchive(
  config: unknown,
  options: { extra?: ZipEntrySpec[]; weights?: Uint8Array } = {},
) {
  return buildZip([
    { name: "metadata.json", data: k3Metadata() },
    { name: "config.json", data: JSON.stringify(config) },
    {
      name: "model.weights.h5",
      data:
        options.weights ??
        k3WeightsH5({
          head: [
            [0.1, 0.2, 0.3],
            [0, 0, 0],
          ],
        }),
    },
    ...(options.extra ?? []),
  ]);
}

// ---------- Keras 2 / tf.keras configs ----------

export function k2(className: string, config: Json): Json {
  return { class_name: className, config };
}

/** What tf.keras writes after `use_bias` for a layer with weights left at their defaults. */
function k2WeightDefaults(): Json {
  return {
    kernel_initializer: k2("GlorotUniform", { seed: null }),
    bias_initializer: k2("Zeros", {}),
    kernel_regularizer: null,
    bias_regularizer: null,
    activity_regularizer: null,
    kernel_constraint: null,
    bias_constraint: null,
  };
}

export function k2Dense(name: string, units: number, activation = "relu"): Json {
  return k2("Dense", {
    name,
    trainable: true,
    dtype: "float32",
    units,
    activation,
    use_bias: true,
    ...k2WeightDefaults(),
  });
}

export function k2Input(name: string, shape: (number | null)[]): Json {
  return k2("InputLayer", { batch_input_shape: shape, dtype: "float32", sparse: false, ragged: false, name });
}

export function k2Sequential(layers: Json[]): Json {
  return k2("Sequential", { name: "sequential", layers });
}

/**
 * tf.keras `Lambda.get_config()` for a Python lambda; `func` is `func_dump`'s (code, defaults, closure),
 * a list in a model config, a `__tuple__` object in keras_metadata.pb.
 */
export function k2LambdaConfig(name: string, func: unknown): Json {
  return {
    name,
    trainable: true,
    dtype: "float32",
    function: func,
    function_type: "lambda",
    module: "__main__",
    output_shape: null,
    output_shape_type: "raw",
    output_shape_module: null,
    arguments: {},
  };
}

export function k2LambdaBytecode(name: string, b64 = PY311_LAMBDA_OS_SYSTEM): Json {
  return k2("Lambda", k2LambdaConfig(name, [codecsBase64(b64), null, null]));
}

/** A small MobileNet-style Functional model as tf.keras 2.x serializes it (`keras.applications` style). */
export function k2MobileNetLike(): Json {
  const node = (from: string) => [[[from, 0, 0, {}]]];
  const layer = (className: string, config: Json, from: string | null) => ({
    class_name: className,
    config,
    name: config.name,
    inbound_nodes: from === null ? [] : node(from),
  });
  const conv = (name: string, filters: number) => ({
    name,
    trainable: true,
    dtype: "float32",
    filters,
    kernel_size: [3, 3],
    strides: [2, 2],
    padding: "valid",
    data_format: "channels_last",
    dilation_rate: [1, 1],
    groups: 1,
    activation: "linear",
    use_bias: false,
    ...k2WeightDefaults(),
  });
  return k2("Functional", {
    name: "mobilenet_1.00_32",
    layers: [
      layer(
        "InputLayer",
        {
          batch_input_shape: [null, 32, 32, 3],
          dtype: "float32",
          sparse: false,
          ragged: false,
          name: "input_1",
        },
        null,
      ),
      layer("Conv2D", conv("conv1", 8), "input_1"),
      layer(
        "BatchNormalization",
        {
          name: "conv1_bn",
          trainable: true,
          dtype: "float32",
          axis: [3],
          momentum: 0.999,
          epsilon: 0.001,
          center: true,
          scale: true,
          beta_initializer: k2("Zeros", {}),
          gamma_initializer: k2("Ones", {}),
          moving_mean_initializer: k2("Zeros", {}),
          moving_variance_initializer: k2("Ones", {}),
          beta_regularizer: null,
          gamma_regularizer: null,
          beta_constraint: null,
          gamma_constraint: null,
        },
        "conv1",
      ),
      layer(
        "ReLU",
        {
          name: "conv1_relu",
          trainable: true,
          dtype: "float32",
          max_value: 6.0,
          negative_slope: 0.0,
          threshold: 0.0,
        },
        "conv1_bn",
      ),
      layer(
        "DepthwiseConv2D",
        {
          ...conv("conv_dw_1", 0),
          depth_multiplier: 1,
          depthwise_initializer: k2("GlorotUniform", { seed: null }),
          depthwise_regularizer: null,
          depthwise_constraint: null,
        },
        "conv1_relu",
      ),
      layer(
        "GlobalAveragePooling2D",
        {
          name: "global_average_pooling2d",
          trainable: true,
          dtype: "float32",
          data_format: "channels_last",
          keepdims: true,
        },
        "conv_dw_1",
      ),
      layer(
        "Dropout",
        { name: "dropout", trainable: true, dtype: "float32", rate: 0.001, noise_shape: null, seed: null },
        "global_average_pooling2d",
      ),
      layer(
        "Reshape",
        { name: "reshape_2", trainable: true, dtype: "float32", target_shape: [8] },
        "dropout",
      ),
      layer(
        "Activation",
        { name: "predictions", trainable: true, dtype: "float32", activation: "softmax" },
        "reshape_2",
      ),
    ],
    input_layers: [["input_1", 0, 0]],
    output_layers: [["predictions", 0, 0]],
  });
}

/** tf.keras `training_config`: loss, metrics, optimizer. */
export function k2TrainingConfig(loss: unknown = "mean_squared_error"): Json {
  return {
    loss,
    metrics: [[k2("MeanMetricWrapper", { name: "mae", dtype: "float32", fn: "mean_absolute_error" })]],
    weighted_metrics: null,
    loss_weights: null,
    optimizer_config: k2("Adam", {
      name: "Adam",
      learning_rate: 0.001,
      beta_1: 0.9,
      beta_2: 0.999,
      epsilon: 1e-7,
      amsgrad: false,
    }),
  };
}

export interface LegacyH5Options extends Hdf5WriteOptions {
  trainingConfig?: unknown;
  kerasVersion?: string;
  backend?: string;
  /** How model_config is stored: bytes (fixed-length, what Keras writes) or str (variable-length). */
  configAs?: "fixed" | "vlen";
  /** model_config's text as given, instead of JSON of `modelConfig`. */
  rawConfig?: string;
}

/** A legacy Keras `.h5`: root attributes, then `model_weights/<layer>/<weight>` datasets. */
export function legacyKerasH5(modelConfig: unknown, options: LegacyH5Options = {}): Uint8Array {
  const text = options.rawConfig ?? JSON.stringify(modelConfig);
  const version = options.kerasVersion ?? "2.11.0";
  const attrs = [
    { name: "backend", value: { kind: "vlen" as const, strings: [options.backend ?? "tensorflow"] } },
    { name: "keras_version", value: { kind: "vlen" as const, strings: [version] } },
    {
      name: "model_config",
      value: options.configAs === "vlen" ? { kind: "vlen" as const, strings: [text] } : text,
    },
  ];
  if (options.trainingConfig !== undefined)
    attrs.push({ name: "training_config", value: JSON.stringify(options.trainingConfig) });
  return buildHdf5(attrs, options, {
    model_weights: {
      attrs: [
        { name: "layer_names", value: { kind: "fixed", strings: ["dense"], array: true } },
        { name: "backend", value: "tensorflow" },
        { name: "keras_version", value: version },
      ],
      children: {
        dense: {
          attrs: [
            {
              name: "weight_names",
              value: { kind: "fixed", strings: ["dense/kernel:0", "dense/bias:0"], array: true },
            },
          ],
          children: {
            dense: {
              children: {
                "kernel:0": { dataset: [0.5, -0.5, 0.25, 1], shape: [2, 2] },
                "bias:0": { dataset: [0, 0], shape: [2] },
              },
            },
          },
        },
      },
    },
  });
}
