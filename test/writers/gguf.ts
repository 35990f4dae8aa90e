/**
 * A byte-exact GGUF writer for tests (v1-v3, every value type, nested arrays, tensor infos, alignment
 * padding), with knobs to break each field, and a builder of a llama-family file as llama.cpp's
 * convert_hf_to_gguf.py writes it. Tensor sizes come from its own table, not the reader's.
 */

export type ScalarType = "u8" | "i8" | "u16" | "i16" | "u32" | "i32" | "f32" | "bool" | "u64" | "i64" | "f64";
export type ValueType = ScalarType | "string" | "array";

const TYPE_ID: Record<ValueType, number> = {
  u8: 0,
  i8: 1,
  u16: 2,
  i16: 3,
  u32: 4,
  i32: 5,
  f32: 6,
  bool: 7,
  string: 8,
  array: 9,
  u64: 10,
  i64: 11,
  f64: 12,
};

export type GgufValue =
  | { type: ScalarType; value: number | bigint | boolean }
  /** `length` replaces the written length (the bytes written stay `value`). */
  | { type: "string"; value: string; length?: bigint }
  /** `typeId` replaces the element type id written; `length` the count written. */
  | { type: "array"; of: ValueType; items: GgufValue[]; length?: bigint; typeId?: number };

export interface GgufKvSpec {
  key: string;
  value: GgufValue;
  /** Written instead of the value's own type id. */
  typeId?: number;
}

export interface GgufTensorSpec {
  name: string;
  /** ggml dimensions, innermost first (ne[0] is the row length). */
  dims: (number | bigint)[];
  /** ggml type id. */
  type: number;
  /** Offset written (relative to the data region); default: packed in order, each aligned. */
  offset?: bigint;
  /** n_dims written instead of dims.length. */
  nDims?: number;
  /** Data bytes accounted for this tensor; default computed from the type. */
  byteSize?: number;
}

export interface GgufSpec {
  version?: 1 | 2 | 3;
  kv?: GgufKvSpec[];
  tensors?: GgufTensorSpec[];
  /** Written instead of the real counts. */
  tensorCount?: bigint;
  kvCount?: bigint;
  /** Writes the version byte-swapped, as a big-endian writer does. */
  bigEndian?: boolean;
  /** Alignment used for padding and default offsets (default: general.alignment if set, else 32). */
  alignment?: number;
  /** Bytes appended after the tensor data. */
  trailer?: Uint8Array;
  /** Data region size to write instead of the tensors' (shorter truncates the file). */
  dataBytes?: number;
}

export const s = (value: string): GgufValue => ({ type: "string", value });
export const u32 = (value: number): GgufValue => ({ type: "u32", value });
export const i32 = (value: number): GgufValue => ({ type: "i32", value });
export const f32 = (value: number): GgufValue => ({ type: "f32", value });
export const bool = (value: boolean): GgufValue => ({ type: "bool", value });
export const arr = (of: ValueType, items: GgufValue[]): GgufValue => ({ type: "array", of, items });
export const strings = (items: string[]): GgufValue => arr("string", items.map(s));

/** ggml types this writer sizes: id -> [elements per block, bytes per block]. */
export const GGML = {
  F32: { id: 0, block: 1, bytes: 4 },
  F16: { id: 1, block: 1, bytes: 2 },
  Q4_0: { id: 2, block: 32, bytes: 18 },
  Q8_0: { id: 8, block: 32, bytes: 34 },
  Q4_K: { id: 12, block: 256, bytes: 144 },
  Q6_K: { id: 14, block: 256, bytes: 210 },
  BF16: { id: 30, block: 1, bytes: 2 },
} as const;

export function tensorBytes(t: GgufTensorSpec): number {
  if (t.byteSize !== undefined) return t.byteSize;
  const g = Object.values(GGML).find((x) => x.id === t.type);
  if (!g) return 0;
  const n = t.dims.reduce<number>((a, d) => a * Number(d), 1);
  return (n / g.block) * g.bytes;
}

class Bytes {
  private buf = new Uint8Array(1 << 16);
  private view = new DataView(this.buf.buffer);
  length = 0;
  private grow(n: number): number {
    if (this.length + n > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    const at = this.length;
    this.length += n;
    return at;
  }
  // grow() may replace buf and view, so it runs before either is read.
  u8(v: number): void {
    const at = this.grow(1);
    this.view.setUint8(at, v);
  }
  u32(v: number): void {
    const at = this.grow(4);
    this.view.setUint32(at, v >>> 0, true);
  }
  u64(v: bigint): void {
    const at = this.grow(8);
    this.view.setBigUint64(at, BigInt.asUintN(64, v), true);
  }
  raw(b: Uint8Array): void {
    const at = this.grow(b.length);
    this.buf.set(b, at);
  }
  zeros(n: number): void {
    this.grow(n);
  }
  scalar(type: ScalarType, v: number | bigint | boolean): void {
    const at = this.grow(
      { u8: 1, i8: 1, bool: 1, u16: 2, i16: 2, u32: 4, i32: 4, f32: 4, u64: 8, i64: 8, f64: 8 }[type],
    );
    const d = this.view;
    if (type === "bool") d.setUint8(at, v ? 1 : 0);
    else if (type === "u8") d.setUint8(at, Number(v));
    else if (type === "i8") d.setInt8(at, Number(v));
    else if (type === "u16") d.setUint16(at, Number(v), true);
    else if (type === "i16") d.setInt16(at, Number(v), true);
    else if (type === "u32") d.setUint32(at, Number(v), true);
    else if (type === "i32") d.setInt32(at, Number(v), true);
    else if (type === "f32") d.setFloat32(at, Number(v), true);
    else if (type === "u64") d.setBigUint64(at, BigInt(v as number | bigint), true);
    else if (type === "i64") d.setBigInt64(at, BigInt(v as number | bigint), true);
    else d.setFloat64(at, Number(v), true);
  }
  done(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

const enc = new TextEncoder();

/** The header, metadata and tensor infos, padded to the alignment; and where each tensor's data goes. */
export function ggufHeader(spec: GgufSpec): { header: Uint8Array; dataBytes: number } {
  const version = spec.version ?? 3;
  const out = new Bytes();
  const size = (n: bigint): void => (version === 1 ? out.u32(Number(n)) : out.u64(n));
  const str = (text: string, length?: bigint): void => {
    const b = enc.encode(text);
    size(length ?? BigInt(b.length));
    out.raw(b);
  };
  const value = (v: GgufValue): void => {
    if (v.type === "string") str(v.value, v.length);
    else if (v.type === "array") {
      out.u32(v.typeId ?? TYPE_ID[v.of]);
      size(v.length ?? BigInt(v.items.length));
      for (const item of v.items) value(item);
    } else out.scalar(v.type, v.value);
  };
  const kv = spec.kv ?? [];
  const tensors = spec.tensors ?? [];
  const alignKv = kv.find((k) => k.key === "general.alignment");
  const alignment =
    spec.alignment ?? (alignKv && alignKv.value.type === "u32" ? Number(alignKv.value.value) : 32);

  out.raw(enc.encode("GGUF"));
  const v = spec.bigEndian ? (version << 24) >>> 0 : version;
  out.u32(v);
  size(spec.tensorCount ?? BigInt(tensors.length));
  size(spec.kvCount ?? BigInt(kv.length));
  for (const k of kv) {
    str(k.key);
    out.u32(k.typeId ?? TYPE_ID[k.value.type]);
    value(k.value);
  }
  let next = 0;
  for (const t of tensors) {
    str(t.name);
    out.u32(t.nDims ?? t.dims.length);
    for (const d of t.dims) size(BigInt(d));
    out.u32(t.type);
    out.u64(t.offset ?? BigInt(next));
    next += Math.ceil(tensorBytes(t) / alignment) * alignment;
  }
  if (tensors.length > 0) out.zeros((alignment - (out.length % alignment)) % alignment);
  return { header: out.done(), dataBytes: spec.dataBytes ?? next };
}

/** A whole GGUF file, tensor data as zeros. */
export function buildGguf(spec: GgufSpec): Uint8Array {
  const { header, dataBytes } = ggufHeader(spec);
  const trailer = spec.trailer ?? new Uint8Array(0);
  const file = new Uint8Array(header.length + dataBytes + trailer.length);
  file.set(header, 0);
  file.set(trailer, header.length + dataBytes);
  return file;
}

/** Llama 3.1 Instruct's chat template, verbatim from its tokenizer_config.json. */
export const LLAMA31_TEMPLATE =
  '{{- bos_token }}\n{%- if custom_tools is defined %}\n    {%- set tools = custom_tools %}\n{%- endif %}\n{%- if not tools_in_user_message is defined %}\n    {%- set tools_in_user_message = true %}\n{%- endif %}\n{%- if not date_string is defined %}\n    {%- set date_string = "26 Jul 2024" %}\n{%- endif %}\n{%- if not tools is defined %}\n    {%- set tools = none %}\n{%- endif %}\n\n{#- This block extracts the system message, so we can slot it into the right place. #}\n{%- if messages[0][\'role\'] == \'system\' %}\n    {%- set system_message = messages[0][\'content\']|trim %}\n    {%- set messages = messages[1:] %}\n{%- else %}\n    {%- set system_message = "" %}\n{%- endif %}\n\n{#- System message + builtin tools #}\n{{- "<|start_header_id|>system<|end_header_id|>\\n\\n" }}\n{%- if builtin_tools is defined or tools is not none %}\n    {{- "Environment: ipython\\n" }}\n{%- endif %}\n{%- if builtin_tools is defined %}\n    {{- "Tools: " + builtin_tools | reject(\'equalto\', \'code_interpreter\') | join(", ") + "\\n\\n"}}\n{%- endif %}\n{{- "Cutting Knowledge Date: December 2023\\n" }}\n{{- "Today Date: " + date_string + "\\n\\n" }}\n{%- if tools is not none and not tools_in_user_message %}\n    {{- "You have access to the following functions. To call a function, please respond with JSON for a function call." }}\n    {{- \'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.\' }}\n    {{- "Do not use variables.\\n\\n" }}\n    {%- for t in tools %}\n        {{- t | tojson(indent=4) }}\n        {{- "\\n\\n" }}\n    {%- endfor %}\n{%- endif %}\n{{- system_message }}\n{{- "<|eot_id|>" }}\n\n{#- Custom tools are passed in a user message with some extra guidance #}\n{%- if tools_in_user_message and not tools is none %}\n    {#- Extract the first user message so we can plug it in here #}\n    {%- if messages | length != 0 %}\n        {%- set first_user_message = messages[0][\'content\']|trim %}\n        {%- set messages = messages[1:] %}\n    {%- else %}\n        {{- raise_exception("Cannot put tools in the first user message when there\'s no first user message!") }}\n{%- endif %}\n    {{- \'<|start_header_id|>user<|end_header_id|>\\n\\n\' -}}\n    {{- "Given the following functions, please respond with a JSON for a function call " }}\n    {{- "with its proper arguments that best answers the given prompt.\\n\\n" }}\n    {{- \'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.\' }}\n    {{- "Do not use variables.\\n\\n" }}\n    {%- for t in tools %}\n        {{- t | tojson(indent=4) }}\n        {{- "\\n\\n" }}\n    {%- endfor %}\n    {{- first_user_message + "<|eot_id|>"}}\n{%- endif %}\n\n{%- for message in messages %}\n    {%- if not (message.role == \'ipython\' or message.role == \'tool\' or \'tool_calls\' in message) %}\n        {{- \'<|start_header_id|>\' + message[\'role\'] + \'<|end_header_id|>\\n\\n\'+ message[\'content\'] | trim + \'<|eot_id|>\' }}\n    {%- elif \'tool_calls\' in message %}\n        {%- if not message.tool_calls|length == 1 %}\n            {{- raise_exception("This model only supports single tool-calls at once!") }}\n        {%- endif %}\n        {%- set tool_call = message.tool_calls[0].function %}\n        {%- if builtin_tools is defined and tool_call.name in builtin_tools %}\n            {{- \'<|start_header_id|>assistant<|end_header_id|>\\n\\n\' -}}\n            {{- "<|python_tag|>" + tool_call.name + ".call(" }}\n            {%- for arg_name, arg_val in tool_call.arguments | items %}\n                {{- arg_name + \'="\' + arg_val + \'"\' }}\n                {%- if not loop.last %}\n                    {{- ", " }}\n                {%- endif %}\n                {%- endfor %}\n            {{- ")" }}\n        {%- else  %}\n            {{- \'<|start_header_id|>assistant<|end_header_id|>\\n\\n\' -}}\n            {{- \'{"name": "\' + tool_call.name + \'", \' }}\n            {{- \'"parameters": \' }}\n            {{- tool_call.arguments | tojson }}\n            {{- "}" }}\n        {%- endif %}\n        {%- if builtin_tools is defined %}\n            {#- This means we\'re in ipython mode #}\n            {{- "<|eom_id|>" }}\n        {%- else %}\n            {{- "<|eot_id|>" }}\n        {%- endif %}\n    {%- elif message.role == "tool" or message.role == "ipython" %}\n        {{- "<|start_header_id|>ipython<|end_header_id|>\\n\\n" }}\n        {%- if message.content is mapping or message.content is iterable %}\n            {{- message.content | tojson }}\n        {%- else %}\n            {{- message.content }}\n        {%- endif %}\n        {{- "<|eot_id|>" }}\n    {%- endif %}\n{%- endfor %}\n{%- if add_generation_prompt %}\n    {{- \'<|start_header_id|>assistant<|end_header_id|>\\n\\n\' }}\n{%- endif %}\n';

/** A byte-level BPE vocabulary of `n` tokens the way a gpt2-style tokenizer lists them. */
export function bpeVocabulary(n: number): { tokens: string[]; types: number[]; merges: string[] } {
  const tokens: string[] = [];
  const types: number[] = [];
  for (let i = 0; i < n; i++) {
    const special = i >= n - 256;
    tokens.push(
      special
        ? `<|reserved_special_token_${i - (n - 256)}|>`
        : i < 256
          ? `Ġ${String.fromCharCode(33 + (i % 94))}`
          : `Ġtok${i.toString(36)}`,
    );
    types.push(special ? 3 : 1);
  }
  const merges: string[] = [];
  for (let i = 0; i < Math.max(0, n - 512); i++) merges.push(`Ġ t${i.toString(36)}`);
  return { tokens, types, merges };
}

export interface LlamaOptions {
  vocab?: number;
  embedding?: number;
  ffn?: number;
  layers?: number;
  /** ggml type of the 2-D weights. */
  weightType?: number;
  template?: string;
  version?: 1 | 2 | 3;
  name?: string;
}

/** Metadata key/values as convert_hf_to_gguf.py writes them for a Llama 3.1 Instruct model. */
export function llamaMetadata(o: LlamaOptions = {}): GgufKvSpec[] {
  const vocab = o.vocab ?? 3000;
  const embedding = o.embedding ?? 256;
  const { tokens, types, merges } = bpeVocabulary(vocab);
  return [
    { key: "general.architecture", value: s("llama") },
    { key: "general.type", value: s("model") },
    { key: "general.name", value: s(o.name ?? "Meta Llama 3.1 8B Instruct") },
    { key: "general.finetune", value: s("Instruct") },
    { key: "general.basename", value: s("Meta-Llama-3.1") },
    { key: "general.size_label", value: s("8B") },
    { key: "general.license", value: s("llama3.1") },
    {
      key: "general.tags",
      value: strings(["facebook", "meta", "pytorch", "llama", "llama-3", "text-generation"]),
    },
    { key: "general.languages", value: strings(["en", "de", "fr", "it", "pt", "hi", "es", "th"]) },
    { key: "llama.block_count", value: u32(o.layers ?? 2) },
    { key: "llama.context_length", value: u32(131072) },
    { key: "llama.embedding_length", value: u32(embedding) },
    { key: "llama.feed_forward_length", value: u32(o.ffn ?? 512) },
    { key: "llama.attention.head_count", value: u32(8) },
    { key: "llama.attention.head_count_kv", value: u32(2) },
    { key: "llama.rope.freq_base", value: f32(500000) },
    { key: "llama.attention.layer_norm_rms_epsilon", value: f32(1e-5) },
    { key: "llama.attention.key_length", value: u32(embedding / 8) },
    { key: "llama.attention.value_length", value: u32(embedding / 8) },
    { key: "general.file_type", value: u32(15) },
    { key: "llama.vocab_size", value: u32(vocab) },
    { key: "llama.rope.dimension_count", value: u32(embedding / 8) },
    { key: "tokenizer.ggml.model", value: s("gpt2") },
    { key: "tokenizer.ggml.pre", value: s("llama-bpe") },
    { key: "tokenizer.ggml.tokens", value: strings(tokens) },
    { key: "tokenizer.ggml.token_type", value: arr("i32", types.map(i32)) },
    { key: "tokenizer.ggml.merges", value: strings(merges) },
    { key: "tokenizer.ggml.bos_token_id", value: u32(vocab - 256) },
    { key: "tokenizer.ggml.eos_token_id", value: u32(vocab - 247) },
    { key: "tokenizer.chat_template", value: s(o.template ?? LLAMA31_TEMPLATE) },
    { key: "general.quantization_version", value: u32(2) },
  ];
}

/** Tensor infos of a llama-family model: F32 norms, `weightType` matrices, a Q6_K output head. */
export function llamaTensors(o: LlamaOptions = {}): GgufTensorSpec[] {
  const vocab = o.vocab ?? 3000;
  const e = o.embedding ?? 256;
  const ffn = o.ffn ?? 512;
  const kv = e / 4;
  const w = o.weightType ?? GGML.Q4_K.id;
  const tensors: GgufTensorSpec[] = [
    { name: "rope_freqs.weight", dims: [e / 16], type: GGML.F32.id },
    { name: "token_embd.weight", dims: [e, vocab], type: w },
  ];
  for (let l = 0; l < (o.layers ?? 2); l++) {
    tensors.push(
      { name: `blk.${l}.attn_norm.weight`, dims: [e], type: GGML.F32.id },
      { name: `blk.${l}.ffn_down.weight`, dims: [ffn, e], type: GGML.Q6_K.id },
      { name: `blk.${l}.ffn_gate.weight`, dims: [e, ffn], type: w },
      { name: `blk.${l}.ffn_up.weight`, dims: [e, ffn], type: w },
      { name: `blk.${l}.ffn_norm.weight`, dims: [e], type: GGML.F32.id },
      { name: `blk.${l}.attn_k.weight`, dims: [e, kv], type: w },
      { name: `blk.${l}.attn_output.weight`, dims: [e, e], type: w },
      { name: `blk.${l}.attn_q.weight`, dims: [e, e], type: w },
      { name: `blk.${l}.attn_v.weight`, dims: [e, kv], type: GGML.Q6_K.id },
    );
  }
  tensors.push(
    { name: "output.weight", dims: [e, vocab], type: GGML.Q6_K.id },
    { name: "output_norm.weight", dims: [e], type: GGML.F32.id },
  );
  return tensors;
}

/** A small but realistic Llama 3.1 Instruct Q4_K_M GGUF. */
export function buildLlamaGguf(o: LlamaOptions = {}): Uint8Array {
  return buildGguf({ version: o.version ?? 3, kv: llamaMetadata(o), tensors: llamaTensors(o) });
}
