import type { RuleDoc } from "../rules.js";

/** Rules of the tensorflow reader (docs/rules.md is generated from these). */
export const TENSORFLOW_RULES: RuleDoc[] = [
  {
    id: "TF_PYFUNC_OP",
    name: "TensorFlowPythonOp",
    defaultSeverity: "critical",
    shortDescription:
      "The graph calls back into Python (PyFunc, PyFuncStateless, EagerPyFunc): running the model runs Python code outside the graph.",
    help: "Do not load or serve this model. TensorFlow's own guidance is that models are programs; a graph that calls Python cannot be verified from its bytes. Re-export it without tf.py_function/tf.numpy_function, or treat it as untrusted code.",
    source:
      "TensorFlow SECURITY.md ('TensorFlow models are programs'); TensorAbuse (Zhu et al., 2024) on tf.py_function in SavedModels",
    helpUri: "https://github.com/tensorflow/tensorflow/blob/master/SECURITY.md",
  },
  {
    id: "TF_DANGEROUS_OP",
    name: "TensorFlowFileOrNetworkOp",
    defaultSeverity: "high",
    shortDescription:
      "The graph holds an op that reads or writes files, lists directories, maps files into memory, sends tensors to a debug URL, prints to a file or reaches the network.",
    help: "Inference graphs do not need these ops. Inspect the node (location, function) and the model's serving signatures; re-export the model without the op, or run it only in a sandbox without file or network access.",
    source:
      "modelscan unsafe TensorFlow operators (ReadFile, WriteFile: HIGH); saved_model_cli scan default denylist (ReadFile, WriteFile, PrintV2); TensorAbuse (Zhu et al., 2024): file read/write, MatchingFiles, DebugIdentityV2 debug_urls",
  },
  {
    id: "TF_CUSTOM_OP",
    name: "TensorFlowCustomOp",
    defaultSeverity: "medium",
    shortDescription:
      "The graph uses an op that is not one of TensorFlow's built-in ops: loading it needs a native library (tf.load_op_library) that this scan cannot verify.",
    help: "Find out which library provides the op (TensorFlow Text, Addons, a vendor plugin) and install it from a trusted source; never load a .so shipped beside the model. If the library is trusted, accept the finding.",
    source: "TensorFlow custom ops guide (tf.load_op_library loads native code)",
  },
  {
    id: "TFLITE_CUSTOM_OP",
    name: "TfliteCustomOp",
    defaultSeverity: "medium",
    shortDescription:
      "The TFLite model uses a custom operator that the stock interpreter does not register: the application must register a kernel (native code) for it.",
    help: "Check which library implements the custom op (the app's op resolver); the model alone cannot run it. If it is a Flex op, the TensorFlow op it names was judged too.",
    source: "TFLite custom operators guide; TensorFlow Lite schema (BuiltinOperator.CUSTOM with custom_code)",
  },
  {
    id: "TFLITE_FLEX_DANGEROUS_OP",
    name: "TfliteFlexDangerousOp",
    defaultSeverity: "high",
    shortDescription:
      "The TFLite model runs a TensorFlow op through the Flex delegate (custom code Flex followed by the op name, e.g. FlexReadFile) that reads or writes files, reaches the network or calls Python.",
    help: "Do not run this model with the Flex (select TF ops) delegate. Re-convert it without the op.",
    source: "TFLite select TF ops (Flex delegate); modelscan unsafe TensorFlow operators",
  },
];
