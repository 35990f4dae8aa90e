/**
 * The built-in allow-list: (module, qualname) pairs that real exporters legitimately write and
 * that only build data when a loader calls them. Keys are canonical module names (see
 * normalize.ts). Anything not here, and not matched by a pattern below, is not allowed.
 *
 * Sources of fact (not code): PyTorch's `torch/_weights_only_unpickler.py` `_get_allowed_globals`
 * and `_tensor_rebuild_functions`; the globals real `torch.save(model)`, TorchScript, numpy,
 * joblib, scikit-learn, xgboost and lightgbm pickles contain; modelaudit's `ML_SAFE_GLOBALS` and
 * fickling's `ML_ALLOWLIST` for cross-checking. docs/allowlist.md explains every group.
 */

const set = (...names: string[]): ReadonlySet<string> => new Set(names);

// ---------------------------------------------------------------------------------------------
// PyTorch
// ---------------------------------------------------------------------------------------------

/** torch dtypes (`str(torch.float32)` == "torch.float32"), as `_get_allowed_globals` lists them. */
const TORCH_DTYPES = [
  "float32",
  "float",
  "float64",
  "double",
  "float16",
  "half",
  "bfloat16",
  "complex32",
  "chalf",
  "complex64",
  "cfloat",
  "complex128",
  "cdouble",
  "uint8",
  "uint16",
  "uint32",
  "uint64",
  "uint1",
  "uint2",
  "uint3",
  "uint4",
  "uint5",
  "uint6",
  "uint7",
  "int1",
  "int2",
  "int3",
  "int4",
  "int5",
  "int6",
  "int7",
  "int8",
  "int16",
  "short",
  "int32",
  "int",
  "int64",
  "long",
  "bool",
  "qint8",
  "quint8",
  "qint32",
  "quint4x2",
  "quint2x4",
  "bits1x8",
  "bits2x4",
  "bits4x2",
  "bits8",
  "bits16",
  "float8_e5m2",
  "float8_e4m3fn",
  "float8_e5m2fnuz",
  "float8_e4m3fnuz",
  "float8_e8m0fnu",
  "float4_e2m1fn_x2",
  // quantization schemes
  "per_tensor_affine",
  "per_tensor_symmetric",
  "per_channel_affine",
  "per_channel_symmetric",
  "per_channel_affine_float_qparams",
];

/** Layout and memory-format constants (they pickle as a global naming the constant). */
const TORCH_LAYOUTS = [
  "strided",
  "sparse_coo",
  "sparse_csr",
  "sparse_csc",
  "sparse_bsr",
  "sparse_bsc",
  "_mkldnn",
  "jagged",
  "contiguous_format",
  "channels_last",
  "channels_last_3d",
  "preserve_format",
];

/** Legacy typed storages (`torch._storage_classes`); the weights-only loader maps them to dtypes. */
const TORCH_STORAGES = [
  "DoubleStorage",
  "FloatStorage",
  "HalfStorage",
  "LongStorage",
  "IntStorage",
  "ShortStorage",
  "CharStorage",
  "ByteStorage",
  "BoolStorage",
  "BFloat16Storage",
  "ComplexDoubleStorage",
  "ComplexFloatStorage",
  "QUInt8Storage",
  "QInt8Storage",
  "QInt32Storage",
  "QUInt4x2Storage",
  "QUInt2x4Storage",
  "UntypedStorage",
  "TypedStorage",
];

/** Legacy tensor types (`torch._tensor_classes`), CPU spelling. */
const TORCH_TENSOR_TYPES = [
  "Tensor",
  "DoubleTensor",
  "FloatTensor",
  "HalfTensor",
  "BFloat16Tensor",
  "LongTensor",
  "IntTensor",
  "ShortTensor",
  "CharTensor",
  "ByteTensor",
  "BoolTensor",
];

/** `torch._utils._rebuild_*`: rebuild a tensor from a storage and its metadata, nothing else. */
const TORCH_REBUILD = [
  "_rebuild_tensor",
  "_rebuild_tensor_v2",
  "_rebuild_tensor_v3",
  "_rebuild_parameter",
  "_rebuild_parameter_with_state",
  "_rebuild_qtensor",
  "_rebuild_sparse_tensor",
  "_rebuild_sparse_csr_tensor",
  "_rebuild_nested_tensor",
  "_rebuild_meta_tensor_no_storage",
  "_rebuild_wrapper_subclass",
  "_rebuild_device_tensor_from_numpy",
  "_rebuild_device_tensor_from_cpu_tensor",
  "_rebuild_xla_tensor",
];

/**
 * `torch.nn.modules.<file>` layer classes a whole-module `torch.save(model)` pickles. Explicit
 * names: these files also hold functions (hook registration in `module`), which stay out.
 */
const TORCH_NN_MODULES: Record<string, string[]> = {
  module: ["Module"],
  container: ["Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict", "Container"],
  linear: ["Linear", "Bilinear", "Identity", "LazyLinear", "NonDynamicallyQuantizableLinear"],
  conv: [
    "Conv1d",
    "Conv2d",
    "Conv3d",
    "ConvTranspose1d",
    "ConvTranspose2d",
    "ConvTranspose3d",
    "LazyConv1d",
    "LazyConv2d",
    "LazyConv3d",
    "LazyConvTranspose1d",
    "LazyConvTranspose2d",
    "LazyConvTranspose3d",
  ],
  activation: [
    "ReLU",
    "ReLU6",
    "LeakyReLU",
    "PReLU",
    "RReLU",
    "ELU",
    "SELU",
    "CELU",
    "GELU",
    "SiLU",
    "Mish",
    "Sigmoid",
    "Tanh",
    "Hardtanh",
    "Hardsigmoid",
    "Hardswish",
    "Hardshrink",
    "Softshrink",
    "Tanhshrink",
    "Softplus",
    "Softsign",
    "Softmax",
    "Softmax2d",
    "Softmin",
    "LogSoftmax",
    "LogSigmoid",
    "GLU",
    "Threshold",
    "MultiheadAttention",
  ],
  normalization: ["LayerNorm", "GroupNorm", "LocalResponseNorm", "CrossMapLRN2d", "RMSNorm"],
  batchnorm: [
    "BatchNorm1d",
    "BatchNorm2d",
    "BatchNorm3d",
    "SyncBatchNorm",
    "LazyBatchNorm1d",
    "LazyBatchNorm2d",
    "LazyBatchNorm3d",
  ],
  instancenorm: [
    "InstanceNorm1d",
    "InstanceNorm2d",
    "InstanceNorm3d",
    "LazyInstanceNorm1d",
    "LazyInstanceNorm2d",
    "LazyInstanceNorm3d",
  ],
  dropout: ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"],
  sparse: ["Embedding", "EmbeddingBag"],
  rnn: ["RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell", "RNNBase", "RNNCellBase"],
  transformer: [
    "Transformer",
    "TransformerEncoder",
    "TransformerDecoder",
    "TransformerEncoderLayer",
    "TransformerDecoderLayer",
  ],
  pooling: [
    "MaxPool1d",
    "MaxPool2d",
    "MaxPool3d",
    "AvgPool1d",
    "AvgPool2d",
    "AvgPool3d",
    "AdaptiveAvgPool1d",
    "AdaptiveAvgPool2d",
    "AdaptiveAvgPool3d",
    "AdaptiveMaxPool1d",
    "AdaptiveMaxPool2d",
    "AdaptiveMaxPool3d",
    "LPPool1d",
    "LPPool2d",
    "LPPool3d",
    "FractionalMaxPool2d",
    "FractionalMaxPool3d",
    "MaxUnpool1d",
    "MaxUnpool2d",
    "MaxUnpool3d",
  ],
  loss: [
    "L1Loss",
    "MSELoss",
    "CrossEntropyLoss",
    "NLLLoss",
    "BCELoss",
    "BCEWithLogitsLoss",
    "KLDivLoss",
    "HuberLoss",
    "SmoothL1Loss",
    "SoftMarginLoss",
    "MarginRankingLoss",
    "HingeEmbeddingLoss",
    "MultiLabelMarginLoss",
    "MultiLabelSoftMarginLoss",
    "MultiMarginLoss",
    "CosineEmbeddingLoss",
    "TripletMarginLoss",
    "CTCLoss",
    "PoissonNLLLoss",
    "GaussianNLLLoss",
  ],
  flatten: ["Flatten", "Unflatten"],
  padding: [
    "ConstantPad1d",
    "ConstantPad2d",
    "ConstantPad3d",
    "ZeroPad1d",
    "ZeroPad2d",
    "ZeroPad3d",
    "ReflectionPad1d",
    "ReflectionPad2d",
    "ReflectionPad3d",
    "ReplicationPad1d",
    "ReplicationPad2d",
    "ReplicationPad3d",
    "CircularPad1d",
    "CircularPad2d",
    "CircularPad3d",
  ],
  pixelshuffle: ["PixelShuffle", "PixelUnshuffle"],
  upsampling: ["Upsample", "UpsamplingNearest2d", "UpsamplingBilinear2d"],
  distance: ["PairwiseDistance", "CosineSimilarity"],
  channelshuffle: ["ChannelShuffle"],
  fold: ["Fold", "Unfold"],
};

// ---------------------------------------------------------------------------------------------
// numpy
// ---------------------------------------------------------------------------------------------

/** numpy scalar and abstract number types (`numpy.float64` appears as an estimator's `dtype`). */
const NUMPY_TYPES = [
  "ndarray",
  "dtype",
  "matrix",
  "generic",
  "number",
  "integer",
  "signedinteger",
  "unsignedinteger",
  "inexact",
  "floating",
  "complexfloating",
  "bool_",
  "bool",
  "int8",
  "int16",
  "int32",
  "int64",
  "uint8",
  "uint16",
  "uint32",
  "uint64",
  "intc",
  "uintc",
  "int_",
  "uint",
  "intp",
  "uintp",
  "longlong",
  "ulonglong",
  "byte",
  "ubyte",
  "short",
  "ushort",
  "long",
  "ulong",
  "float16",
  "float32",
  "float64",
  "float96",
  "float128",
  "half",
  "single",
  "double",
  "longdouble",
  "complex64",
  "complex128",
  "complex192",
  "complex256",
  "csingle",
  "cdouble",
  "clongdouble",
  "str_",
  "bytes_",
  "unicode_",
  "string_",
  "object_",
  "void",
  "datetime64",
  "timedelta64",
];

/** numpy >= 1.25 dtype classes (`type(np.dtype('f8'))` is `numpy.dtypes.Float64DType`). */
const NUMPY_DTYPE_CLASSES = [
  "BoolDType",
  "Int8DType",
  "Int16DType",
  "Int32DType",
  "Int64DType",
  "UInt8DType",
  "UInt16DType",
  "UInt32DType",
  "UInt64DType",
  "ByteDType",
  "UByteDType",
  "ShortDType",
  "UShortDType",
  "IntDType",
  "UIntDType",
  "LongDType",
  "ULongDType",
  "LongLongDType",
  "ULongLongDType",
  "Float16DType",
  "Float32DType",
  "Float64DType",
  "LongDoubleDType",
  "Complex64DType",
  "Complex128DType",
  "CLongDoubleDType",
  "ObjectDType",
  "BytesDType",
  "StrDType",
  "VoidDType",
  "DateTime64DType",
  "TimeDelta64DType",
  "StringDType",
];

// ---------------------------------------------------------------------------------------------
// scipy.sparse
// ---------------------------------------------------------------------------------------------

/**
 * Sparse matrix containers, which fitted scikit-learn estimators keep as attributes (sklearn 1.2's
 * `TfidfTransformer._idf_diag` is a `scipy.sparse._csr.csr_matrix`; estimators fitted on sparse
 * input keep `support_vectors_`, `_fit_X`, sparsified `coef_`). They unpickle as
 * `cls.__new__(cls)` plus a state dict of numpy arrays and a shape; none defines `__setstate__`.
 * Only the concrete classes, by the modules their `__module__` names in each scipy generation.
 */
const SCIPY_SPARSE_FORMATS = ["csr", "csc", "coo", "bsr", "dia", "lil", "dok"];

const SCIPY_SPARSE_ENTRIES: Array<[string, ReadonlySet<string>]> = [
  // scipy >= 1.8 (matrices), >= 1.11 (arrays): `scipy.sparse._csr.csr_matrix` / `csr_array`.
  ...SCIPY_SPARSE_FORMATS.map((f): [string, ReadonlySet<string>] => [
    `scipy.sparse._${f}`,
    new Set([`${f}_matrix`, `${f}_array`]),
  ]),
  // scipy 1.8-1.10 defined the sparse arrays in one module.
  ["scipy.sparse._arrays", new Set(SCIPY_SPARSE_FORMATS.map((f) => `${f}_array`))],
  // scipy < 1.8: `scipy.sparse.csr.csr_matrix`.
  ...SCIPY_SPARSE_FORMATS.map((f): [string, ReadonlySet<string>] => [
    `scipy.sparse.${f}`,
    new Set([`${f}_matrix`]),
  ]),
];

// ---------------------------------------------------------------------------------------------
// The map
// ---------------------------------------------------------------------------------------------

const entries: Array<[string, ReadonlySet<string>]> = [
  // --- Python standard library: plain data only ---
  [
    "builtins",
    set(
      // containers and scalars (protocol 0-2 pickles and `defaultdict(list)` name them)
      "set",
      "frozenset",
      "bytearray",
      "bytes",
      "complex",
      "slice",
      "range",
      "list",
      "dict",
      "tuple",
      "int",
      "float",
      "str",
      "bool",
      // `copyreg._reconstructor(cls, object, None)` is how protocol 0/1 pickles every plain
      // object; calling `object()` yields an inert instance. Reaching `object.__subclasses__`
      // needs a getattr chain, which is judged on its dunder step.
      "object",
    ),
  ],
  ["collections", set("OrderedDict", "defaultdict", "deque", "Counter")],
  // Pure function: protocol 2 pickles of `bytes` and numpy arrays are `_codecs.encode(str, 'latin1')`.
  ["codecs", set("encode")],
  // Object builders. `_reconstructor(cls, base, state)` calls `base.__new__(cls)`: safe only when
  // `cls` and `base` are themselves allowed; the pickle rules check those arguments separately.
  ["copyreg", set("_reconstructor", "__newobj__", "__newobj_ex__")],
  ["datetime", set("datetime", "date", "time", "timedelta", "timezone")],
  ["decimal", set("Decimal")],
  ["fractions", set("Fraction")],
  // Only the class: `UUID.__setstate__` sets an int. The module's private helpers run processes.
  ["uuid", set("UUID")],
  // Training scripts save their arguments and paths in checkpoints (fairseq, Lightning hparams). Building
  // these only stores values; their methods (Path.write_text, ...) stay out of reach: dotted names are
  // judged on their own, and pathlib's other names remain catalogued.
  ["argparse", set("Namespace")],
  ["pathlib", set("Path", "PosixPath", "WindowsPath", "PurePath", "PurePosixPath", "PureWindowsPath")],

  // --- PyTorch ---
  [
    "torch",
    set(...TORCH_DTYPES, ...TORCH_LAYOUTS, ...TORCH_STORAGES, ...TORCH_TENSOR_TYPES, "Size", "device"),
  ],
  // CUDA spellings of the legacy types (`torch._tensor_classes` / `_storage_classes` hold both).
  [
    "torch.cuda",
    set(
      ...TORCH_STORAGES.filter((s) => s !== "UntypedStorage" && s !== "TypedStorage"),
      ...TORCH_TENSOR_TYPES,
    ),
  ],
  ["torch.storage", set("UntypedStorage", "TypedStorage", "_StorageBase")],
  ["torch._utils", set(...TORCH_REBUILD)],
  ["torch._tensor", set("_rebuild_from_type_v2", "Tensor")],
  ["torch.serialization", set("_get_layout", "StorageType")],
  ["torch.nn.parameter", set("Parameter", "Buffer", "UninitializedParameter", "UninitializedBuffer")],
  // TransformerEncoderLayer/DecoderLayer keep `activation=F.relu` (a function) in their __dict__.
  ["torch.nn.functional", set("relu", "gelu", "silu", "tanh", "sigmoid")],
  ...Object.entries(TORCH_NN_MODULES).map(([file, names]): [string, ReadonlySet<string>] => [
    `torch.nn.modules.${file}`,
    new Set(names),
  ]),
  // TorchScript archives: data.pkl/constants.pkl build lists and tensors with these helpers.
  [
    "torch.jit._pickle",
    set(
      "build_intlist",
      "build_tensorlist",
      "build_doublelist",
      "build_boollist",
      "build_complexlist",
      "build_tensor_from_id",
      "restore_type_tag",
    ),
  ],

  // --- numpy (numpy._core.* is normalized to numpy.core.*) ---
  ["numpy", set(...NUMPY_TYPES)],
  ["numpy.core.multiarray", set("_reconstruct", "scalar")],
  ["numpy.core.numeric", set("_frombuffer")],
  ["numpy.dtypes", set(...NUMPY_DTYPE_CLASSES)],
  ["numpy.ma.core", set("_mareconstruct", "MaskedArray", "MaskedConstant")],
  ["numpy.random._pickle", set("__randomstate_ctor", "__bit_generator_ctor", "__generator_ctor")],
  ["numpy.random.mtrand", set("RandomState")],
  ["numpy.random._generator", set("Generator")],
  ["numpy.random._mt19937", set("MT19937")],
  ["numpy.random._pcg64", set("PCG64", "PCG64DXSM")],
  ["numpy.random._philox", set("Philox")],
  ["numpy.random._sfc64", set("SFC64")],
  ["numpy.random.bit_generator", set("SeedSequence")],

  // --- joblib (sklearn.externals.joblib.* is normalized to joblib.*) ---
  ["joblib.numpy_pickle", set("NumpyArrayWrapper")],
  ["joblib.numpy_pickle_compat", set("NDArrayWrapper", "ZNDArrayWrapper")],

  // --- scikit-learn: explicit extras beside the estimator-class patterns below ---
  ["sklearn.utils._bunch", set("Bunch")],
  ["sklearn.utils", set("Bunch")],
  ["sklearn.compose._column_transformer", set("make_column_selector")],
  ["sklearn.tree._tree", set("Tree")],

  // --- scipy (sparse matrices inside fitted scikit-learn estimators) ---
  ...SCIPY_SPARSE_ENTRIES,

  // --- xgboost / lightgbm ---
  ["xgboost.core", set("Booster")],
  [
    "xgboost.sklearn",
    set("XGBModel", "XGBClassifier", "XGBRegressor", "XGBRanker", "XGBRFClassifier", "XGBRFRegressor"),
  ],
  ["lightgbm.basic", set("Booster")],
  ["lightgbm.sklearn", set("LGBMModel", "LGBMClassifier", "LGBMRegressor", "LGBMRanker")],
];

/** Canonical module -> allowed qualnames. */
export const BUILTIN_ALLOWLIST: ReadonlyMap<string, ReadonlySet<string>> = new Map(entries);

/**
 * Modules allowed by a name pattern, for packages whose public attributes are estimator classes.
 * The module must equal a listed package or sit below it; the qualname must be a single class
 * name (no dots). Never used for packages that also hold functions with effects
 * (`sklearn.utils`, `sklearn.externals`, `sklearn.datasets`).
 */
export interface AllowPattern {
  /** Module regex (anchored). */
  module: RegExp;
  /** Qualname regex (anchored). */
  name: RegExp;
  why: string;
}

const SKLEARN_ESTIMATOR_PACKAGES = [
  "linear_model",
  "tree",
  "ensemble",
  "preprocessing",
  "pipeline",
  "compose",
  "feature_extraction",
  "feature_selection",
  "decomposition",
  "svm",
  "neighbors",
  "naive_bayes",
  "cluster",
  "impute",
  "model_selection",
  "calibration",
  "discriminant_analysis",
  "kernel_approximation",
  "kernel_ridge",
  "manifold",
  "mixture",
  "multiclass",
  "multioutput",
  "neural_network",
  "cross_decomposition",
  "covariance",
  "gaussian_process",
  "isotonic",
  "random_projection",
  "semi_supervised",
  "dummy",
  "_loss",
  "metrics._scorer",
  "frozen",
];

/** Estimator classes: `StandardScaler`, private helpers like `_BinMapper`, Cython `CyHalfSquaredError`. */
const CLASS_NAME = /^_?[A-Z][A-Za-z0-9_]*$/;

export const BUILTIN_ALLOW_PATTERNS: readonly AllowPattern[] = [
  {
    module: new RegExp(
      `^sklearn\\.(?:${SKLEARN_ESTIMATOR_PACKAGES.map((p) => p.replace(".", "\\.")).join("|")})(?:\\.[A-Za-z_][A-Za-z0-9_]*)*$`,
    ),
    name: CLASS_NAME,
    why: "scikit-learn estimator class",
  },
  {
    // GridSearchCV keeps `scorer_`, a `_Scorer` holding a metric function such as `accuracy_score`.
    module: /^sklearn\.metrics\.(?:_classification|_regression|_ranking|classification|regression|ranking)$/,
    name: /^[a-z][a-z0-9_]*$/,
    why: "scikit-learn metric function (pure computation, kept by fitted scorers)",
  },
];

/**
 * TorchScript archives reference the archive's own compiled classes as `__torch__.<path>`; their
 * code lives in the archive's `code/` folder and is judged by the TorchScript rules, not here.
 * Python's own unpickler cannot import `__torch__` at all.
 */
export const TORCHSCRIPT_MODULE = /^__torch__(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Exact built-in lookup on canonical names. */
export function isBuiltinAllowed(module: string, name: string): boolean {
  return BUILTIN_ALLOWLIST.get(module)?.has(name) === true;
}

/** Pattern lookup (single-step class names in estimator packages); returns the reason or null. */
export function matchAllowPattern(module: string, name: string): string | null {
  for (const p of BUILTIN_ALLOW_PATTERNS) {
    if (p.module.test(module) && p.name.test(name)) return p.why;
  }
  if (TORCHSCRIPT_MODULE.test(module) && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    return "TorchScript compiled class (its code is judged from the archive's code/ folder)";
  }
  return null;
}
