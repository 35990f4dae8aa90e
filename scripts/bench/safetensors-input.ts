/**
 * Input for the header-only benchmark: a sparse safetensors file of any size with a realistic header (a
 * llama-7B-style decoder in BF16, as many layers as fit, a few hundred tensors) whose offsets tile the
 * data region exactly, so the scan must judge it clean reading only the header.
 */
import { headerJson, type StEntry } from "../../test/writers/safetensors.js";
import { writeSparseFile } from "../../test/writers/sparse-file.js";

interface Decoder {
  hidden: number;
  ffn: number;
  vocab: number;
}

/** Largest first: the 7B shape when it fits, smaller ones for small targets. */
const DECODERS: Decoder[] = [
  { hidden: 4096, ffn: 11008, vocab: 32000 },
  { hidden: 1024, ffn: 2816, vocab: 32000 },
  { hidden: 64, ffn: 176, vocab: 256 },
];
const MAX_LAYERS = 32;
const BF16 = 2;

function decoderShapes(d: Decoder, layers: number): [string, number[]][] {
  const { hidden: h, ffn, vocab } = d;
  const out: [string, number[]][] = [
    ["lm_head.weight", [vocab, h]],
    ["model.embed_tokens.weight", [vocab, h]],
    ["model.norm.weight", [h]],
  ];
  for (let l = 0; l < layers; l++) {
    const p = `model.layers.${l}`;
    out.push(
      [`${p}.input_layernorm.weight`, [h]],
      [`${p}.mlp.down_proj.weight`, [h, ffn]],
      [`${p}.mlp.gate_proj.weight`, [ffn, h]],
      [`${p}.mlp.up_proj.weight`, [ffn, h]],
      [`${p}.post_attention_layernorm.weight`, [h]],
      [`${p}.self_attn.k_proj.weight`, [h, h]],
      [`${p}.self_attn.o_proj.weight`, [h, h]],
      [`${p}.self_attn.q_proj.weight`, [h, h]],
      [`${p}.self_attn.v_proj.weight`, [h, h]],
    );
  }
  return out;
}

const elements = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const bytesOf = (shapes: [string, number[]][]) =>
  shapes.reduce((n, [, shape]) => n + elements(shape) * BF16, 0);

/** Entries in the Rust writer's order (BF16 before U8, then by name), offsets contiguous from 0. */
function entries(tensors: { name: string; dtype: "BF16" | "U8"; shape: number[] }[]): StEntry[] {
  const sorted = [...tensors].sort(
    (a, b) =>
      (a.dtype === b.dtype ? 0 : a.dtype === "BF16" ? -1 : 1) ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  let offset = 0;
  return sorted.map(({ name, dtype, shape }) => {
    const length = elements(shape) * (dtype === "BF16" ? BF16 : 1);
    const info = { dtype, shape, data_offsets: [offset, offset + length] };
    offset += length;
    return { name, info };
  });
}

const padded = (json: string) => json + " ".repeat((8 - (Buffer.byteLength(json) % 8)) % 8);

/**
 * Writes a valid safetensors file of exactly `bytes` bytes as a sparse file: the header, then
 * ftruncate. What the decoder layers leave is one more BF16 tensor (a U8 one for an odd remainder).
 */
export function writeSparseSafetensors(path: string, bytes: number): void {
  const headroom = 64 * 1024;
  const decoder = DECODERS.find((d) => bytesOf(decoderShapes(d, 1)) + headroom <= bytes);
  if (!decoder) throw new Error(`writeSparseSafetensors: ${bytes} bytes is too small for a model`);
  let layers = MAX_LAYERS;
  while (layers > 1 && bytesOf(decoderShapes(decoder, layers)) + headroom > bytes) layers--;
  const shapes = decoderShapes(decoder, layers);
  const modelBytes = bytesOf(shapes);

  // The filler's shape changes the header's length, which changes the filler: iterate to the fixed point.
  let header = "";
  let filler = bytes - 8 - modelBytes;
  for (let round = 0; round < 8; round++) {
    const dtype = filler % 2 === 0 ? "BF16" : "U8";
    const tensors: Parameters<typeof entries>[0] = shapes.map(([name, shape]) => ({
      name,
      dtype: "BF16",
      shape,
    }));
    tensors.push({
      name: "model.rotary_emb.inv_freq",
      dtype,
      shape: [dtype === "BF16" ? filler / 2 : filler],
    });
    header = padded(headerJson(entries(tensors), { format: "pt" }));
    const next = bytes - 8 - Buffer.byteLength(header) - modelBytes;
    if (next === filler) break;
    filler = next;
  }
  if (8 + Buffer.byteLength(header) + modelBytes + filler !== bytes) {
    throw new Error("writeSparseSafetensors: header length did not settle");
  }
  const out = Buffer.alloc(8 + Buffer.byteLength(header));
  out.writeBigUInt64LE(BigInt(Buffer.byteLength(header)), 0);
  out.write(header, 8, "utf8");
  writeSparseFile(path, out, bytes);
}
