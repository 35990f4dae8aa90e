import type { RuleDoc } from "../rules.js";

/** Rules of the keras reader (docs/rules.md is generated from these). */
export const KERAS_RULES: RuleDoc[] = [
  {
    id: "KERAS_LAMBDA_BYTECODE",
    name: "KerasLambdaBytecode",
    defaultSeverity: "critical",
    shortDescription:
      "A Lambda layer holds marshalled Python bytecode (Keras 2 `function_type: lambda`, Keras 3 `__lambda__`) that runs when the model is loaded or called.",
    help: "Do not load this model. Legacy .h5 files load Lambda bytecode whatever safe_mode says (Keras before 3.11.3); .keras files do when safe_mode is off or bypassed. The evidence lists the names and strings the bytecode uses. Ask the publisher for a model without Lambda layers.",
    source:
      "CVE-2024-3660 (Keras < 2.13 Lambda code injection), CVE-2025-9905 / GHSA-36rr-ww3j-vrjv (safe_mode ignored for .h5), CVE-2025-9906",
  },
  {
    id: "KERAS_LAMBDA",
    name: "KerasLambdaLayer",
    defaultSeverity: "high",
    shortDescription:
      "A Lambda layer calls a function that Keras resolves by name when the model is loaded; it may be any importable function.",
    help: "Check that the function named in the evidence is one you trust. Lambda layers are the standard way Keras models carry arbitrary code; prefer a model built from standard layers.",
    source: "CVE-2025-9906 (Lambda calling keras.models.load_model to disable safe_mode)",
  },
  {
    id: "KERAS_DANGEROUS_FUNCTION",
    name: "KerasDangerousFunction",
    defaultSeverity: "critical",
    shortDescription:
      "The config names a function that runs code, starts processes, downloads files, or turns safe_mode off (`builtins.exec`, `os.system`, `keras.utils.get_file`, `keras.config.enable_unsafe_deserialization`, `keras.saving` loaders).",
    help: "Do not load this model: this is a known way to run code from a Keras config even with safe_mode=True on vulnerable Keras versions. Upgrade Keras (3.11.3 or later) and obtain the model from a trusted publisher.",
    source:
      "CVE-2025-1550 / GHSA-48g7-3x6r-xfhp (arbitrary module in config.json, Keras < 3.9), CVE-2025-8747 / GHSA-c9rc-mg46-23w3 (get_file gadget, Keras < 3.11), CVE-2025-9906 (enable_unsafe_deserialization)",
  },
  {
    id: "KERAS_UNSAFE_MODULE",
    name: "KerasModuleOutsideKeras",
    defaultSeverity: "high",
    shortDescription:
      "The config names a class or function in a module outside Keras' own packages; loading the model imports that module.",
    help: "If the module is your own code or a library you trust (a registered custom layer), add it to scan.allowGlobals in modelgate.yaml; otherwise treat the model as untrusted.",
    source: "CVE-2025-1550 / GHSA-48g7-3x6r-xfhp",
  },
  {
    id: "KERAS_TFSM_LAYER",
    name: "KerasTFSMLayer",
    defaultSeverity: "high",
    shortDescription:
      "A TFSMLayer loads and runs a TensorFlow SavedModel from a path named in the config, outside this file.",
    help: "Scan the SavedModel at that path as well, and make sure the path cannot be replaced by someone else; prefer a self-contained model.",
    source: "Keras 3 TFSMLayer (keras.layers.TFSMLayer) documentation",
  },
  {
    id: "KERAS_EXTERNAL_FILE",
    name: "KerasExternalVocabulary",
    defaultSeverity: "high",
    shortDescription:
      "A lookup layer (StringLookup, IntegerLookup, TextVectorization) reads its vocabulary from a path or URL named in the config when the model is loaded.",
    help: "Loading reads that file (or fetches that URL through tf.io.gfile) even with safe_mode=True on vulnerable Keras versions: a way to read local files or reach internal endpoints. Use a model whose vocabulary is stored in the model file itself.",
    source:
      "CVE-2025-12058 / GHSA-qg93-c7p6-gg7f (StringLookup vocabulary path: arbitrary file read and SSRF)",
  },
  {
    id: "KERAS_TORCH_MODULE",
    name: "KerasTorchModuleWrapper",
    defaultSeverity: "high",
    shortDescription:
      "A TorchModuleWrapper layer holds a pickled torch module that is unpickled (torch.load) when the model is loaded.",
    help: "The pickle was scanned as its own view (see the findings at `#...config.module`); a pickled module still imports its classes. Prefer a model whose torch part is saved as a state_dict in safetensors.",
    source: "Keras 3 TorchModuleWrapper.get_config/from_config (torch.save / torch.load of the module)",
  },
  {
    id: "KERAS_CONFIG_MALFORMED",
    name: "MalformedKerasConfig",
    defaultSeverity: "medium",
    shortDescription: "A legacy .h5 file's model_config or training_config attribute is not a JSON string.",
    help: "Keras cannot load such a file as written; re-export the model, and do not load this one until it scans clean.",
  },
  {
    id: "KERAS_CONFIG_UNVERIFIABLE",
    name: "UnverifiableKerasConfig",
    defaultSeverity: "medium",
    shortDescription:
      "The Keras config is nested deeper or is larger than the scanner's bounds; the rest was not verified.",
    help: "Real model configs stay far below these bounds. Treat the model as unverified.",
  },
];
