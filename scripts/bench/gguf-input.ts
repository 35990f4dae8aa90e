/**
 * A 7B-style GGUF of any size as a sparse file: header, metadata (a 128k-token vocabulary, the Llama 3.1
 * chat template) and tensor infos written, tensor data left as a hole by `ftruncate`. Offsets follow
 * llama.cpp's layout exactly, so the file scans clean: the scan must judge it from its first megabytes.
 */
import {
  GGML,
  type GgufTensorSpec,
  ggufHeader,
  llamaMetadata,
  llamaTensors,
  tensorBytes,
} from "../../test/writers/gguf.js";
import { writeSparseFile } from "../../test/writers/sparse-file.js";

const EMBEDDING = 4096;
const FFN = 14336;
const VOCAB = 128_256;

export function writeSparseGguf(path: string, bytes: number): void {
  const options = { vocab: VOCAB, embedding: EMBEDDING, ffn: FFN, weightType: GGML.Q8_0.id };
  const sizeOf = (tensors: GgufTensorSpec[]): number =>
    tensors.reduce((sum, t) => sum + Math.ceil(tensorBytes(t) / 32) * 32, 0);
  // As many layers as the size allows (a 7B model in Q8_0 is ~8 GB; 10 GiB holds a few more layers).
  // Metadata and tensor infos grow a little with each layer; 64 KiB per layer is far above it.
  const base = ggufHeader({ kv: llamaMetadata(options), tensors: [] }).header.length;
  let layers = 1;
  while (base + (layers + 1) * 65_536 + sizeOf(llamaTensors({ ...options, layers: layers + 1 })) <= bytes)
    layers++;
  const spec = {
    version: 3 as const,
    kv: llamaMetadata({ ...options, layers }),
    tensors: llamaTensors({ ...options, layers }),
  };
  const { header, dataBytes } = ggufHeader(spec);
  if (header.length + dataBytes > bytes) throw new Error(`${bytes} bytes cannot hold a one-layer model`);
  writeSparseFile(path, header, bytes);
}
