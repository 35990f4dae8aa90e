/**
 * Model repositories as exporters write them, for the config and Python source checks: transformers
 * (config.json, tokenizer files, a chat template), remote-code repos (auto_map + modeling_x.py), NeMo
 * and Hydra YAML, skops schemas, diffusers and sentence-transformers indexes.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export type RepoFiles = Record<string, string | Uint8Array>;

/** Writes files (paths with `/`) into a fresh temporary folder and returns it. */
export function writeRepo(files: RepoFiles, prefix = "modelgate-configs-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, ...path.split("/"));
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return dir;
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

/** A Llama-3-style chat template as tokenizer_config.json ships it. */
export const BENIGN_CHAT_TEMPLATE =
  "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

/** The published server-side template injection chain (class graph walk to subprocess). */
export const MALICIOUS_CHAT_TEMPLATE =
  "{{ ''.__class__.__mro__[1].__subclasses__()[40]('/etc/passwd').read() }}{% for m in messages %}{{ m['content'] }}{% endfor %}";

function tokenizerJson(): unknown {
  const vocab: Record<string, number> = { "<s>": 0, "</s>": 1 };
  const letters = "abcdefghijklmnopqrstuvwxyz";
  for (const c of letters) vocab[c] = Object.keys(vocab).length;
  const merges: string[] = [];
  for (const a of letters.slice(0, 6)) {
    for (const b of letters.slice(0, 6)) {
      merges.push(`${a} ${b}`);
      vocab[a + b] = Object.keys(vocab).length;
    }
  }
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [
      {
        id: 0,
        content: "<s>",
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      },
      {
        id: 1,
        content: "</s>",
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      },
    ],
    normalizer: null,
    pre_tokenizer: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  };
}

/** config.json of a Llama-style causal LM, as transformers' save_pretrained writes it. */
export function llamaConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    architectures: ["LlamaForCausalLM"],
    attention_bias: false,
    bos_token_id: 0,
    eos_token_id: 1,
    hidden_act: "silu",
    hidden_size: 64,
    initializer_range: 0.02,
    intermediate_size: 128,
    max_position_embeddings: 512,
    model_type: "llama",
    num_attention_heads: 4,
    num_hidden_layers: 2,
    num_key_value_heads: 4,
    rms_norm_eps: 1e-5,
    rope_scaling: null,
    rope_theta: 10000.0,
    tie_word_embeddings: false,
    torch_dtype: "bfloat16",
    transformers_version: "4.44.2",
    use_cache: true,
    vocab_size: 64,
    ...extra,
  };
}

export function tokenizerConfig(chatTemplate: unknown, extra: Record<string, unknown> = {}): string {
  return json({
    add_bos_token: true,
    add_eos_token: false,
    added_tokens_decoder: {
      "0": {
        content: "<s>",
        lstrip: false,
        normalized: false,
        rstrip: false,
        single_word: false,
        special: true,
      },
      "1": {
        content: "</s>",
        lstrip: false,
        normalized: false,
        rstrip: false,
        single_word: false,
        special: true,
      },
    },
    bos_token: "<s>",
    chat_template: chatTemplate,
    clean_up_tokenization_spaces: true,
    eos_token: "</s>",
    model_max_length: 512,
    tokenizer_class: "PreTrainedTokenizerFast",
    ...extra,
  });
}

/** A benign transformers repository: nothing in it loads code. */
export function benignTransformersRepo(): RepoFiles {
  return {
    "config.json": json(llamaConfig()),
    "generation_config.json": json({
      _from_model_config: true,
      bos_token_id: 0,
      do_sample: true,
      eos_token_id: 1,
      temperature: 0.6,
      top_p: 0.9,
      transformers_version: "4.44.2",
    }),
    "tokenizer_config.json": tokenizerConfig(BENIGN_CHAT_TEMPLATE),
    "special_tokens_map.json": json({
      bos_token: { content: "<s>", lstrip: false, normalized: false, rstrip: false, single_word: false },
      eos_token: { content: "</s>", lstrip: false, normalized: false, rstrip: false, single_word: false },
    }),
    "tokenizer.json": JSON.stringify(tokenizerJson()),
    "README.md":
      "---\nlicense: apache-2.0\nlibrary_name: transformers\n---\n# Tiny Llama\n\n```python\nimport os\nos.system('nvidia-smi')\n```\n",
    // trainer_state.json as json.dump writes it: NaN is valid for Python's json module.
    "trainer_state.json":
      '{"best_metric": NaN, "log_history": [{"loss": Infinity, "grad_norm": -Infinity}]}\n',
  };
}

export const MODELING_X_PY = `# coding=utf-8
"""Modeling code for X. Never calls os.system("rm -rf /") or eval(user_input) itself."""
import math

import torch
from torch import nn
from transformers import PreTrainedModel

from .configuration_x import XConfig


class XModel(PreTrainedModel):
    config_class = XConfig

    def __init__(self, config):
        super().__init__(config)
        self.proj = nn.Linear(config.hidden_size, config.hidden_size)  # not subprocess.run(...)
        self.note = 'exec(base64.b64decode("..."))'

    def forward(self, x):
        self.eval()
        return self.proj(x) / math.sqrt(x.shape[-1])
`;

export const CONFIGURATION_X_PY = `from transformers import PretrainedConfig


class XConfig(PretrainedConfig):
    model_type = "x"

    def __init__(self, hidden_size=64, **kwargs):
        self.hidden_size = hidden_size
        super().__init__(**kwargs)
`;

/** A remote-code repository: config.json maps Auto classes to files shipped beside it. */
export function autoMapRepo(modeling = MODELING_X_PY): RepoFiles {
  return {
    "config.json": json(
      llamaConfig({
        architectures: ["XModel"],
        model_type: "x",
        auto_map: { AutoConfig: "configuration_x.XConfig", AutoModel: "modeling_x.XModel" },
      }),
    ),
    "configuration_x.py": CONFIGURATION_X_PY,
    "modeling_x.py": modeling,
  };
}

/** A NeMo model_config.yaml (abridged from a Conformer-CTC checkpoint). */
export function nemoConfig(encoderTarget = "nemo.collections.asr.modules.ConformerEncoder"): string {
  return `sample_rate: 16000
log_prediction: true
ctc_reduction: mean_batch
skip_nan_grad: false
train_ds:
  manifest_filepath: null
  sample_rate: 16000
  batch_size: 32
  shuffle: true
  trim_silence: false
preprocessor:
  _target_: nemo.collections.asr.modules.AudioToMelSpectrogramPreprocessor
  sample_rate: 16000
  normalize: per_feature
  window_size: 0.025
  window_stride: 0.01
  window: hann
  features: 80
  n_fft: 512
spec_augment:
  _target_: nemo.collections.asr.modules.SpectrogramAugmentation
  freq_masks: 2
  time_masks: 10
encoder:
  _target_: ${encoderTarget}
  feat_in: 80
  n_layers: 2
  d_model: 64
  subsampling: striding
decoder:
  _target_: nemo.collections.asr.modules.ConvASRDecoder
  feat_in: 64
  num_classes: 28
  vocabulary: [" ", "a", "b", "c"]
optim:
  name: adamw
  lr: 0.001
  betas: [0.9, 0.98]
  weight_decay: 0.001
  sched:
    name: CosineAnnealing
    warmup_steps: 1000
target: nemo.collections.asr.models.ctc_models.EncDecCTCModel
nemo_version: 1.20.0
`;
}

/** A skops schema.json node tree for a fitted LogisticRegression, as skops 0.9 writes it. */
export function skopsSchema(extraAttrs: Record<string, unknown> = {}): string {
  const jsonNode = (v: unknown) => ({
    __class__:
      typeof v === "number"
        ? Number.isInteger(v)
          ? "int"
          : "float"
        : typeof v === "string"
          ? "str"
          : "bool",
    __module__: "builtins",
    __loader__: "JsonNode",
    content: JSON.stringify(v),
    is_json: true,
  });
  const attrs: Record<string, unknown> = {
    penalty: jsonNode("l2"),
    C: jsonNode(1.0),
    max_iter: jsonNode(100),
    fit_intercept: jsonNode(true),
    coef_: {
      __class__: "ndarray",
      __module__: "numpy",
      __loader__: "NdArrayNode",
      type: "numpy",
      file: "a1.npy",
    },
    classes_: {
      __class__: "ndarray",
      __module__: "numpy",
      __loader__: "NdArrayNode",
      type: "numpy",
      file: "a2.npy",
    },
    n_iter_: {
      __class__: "ndarray",
      __module__: "numpy",
      __loader__: "NdArrayNode",
      type: "numpy",
      file: "a3.npy",
    },
    _sklearn_version: jsonNode("1.5.1"),
    ...extraAttrs,
  };
  return json({
    __class__: "LogisticRegression",
    __module__: "sklearn.linear_model._logistic",
    __loader__: "ObjectNode",
    content: {
      __class__: "dict",
      __module__: "builtins",
      __loader__: "DictNode",
      content: attrs,
      key_types: {
        __class__: "list",
        __module__: "builtins",
        __loader__: "ListNode",
        content: Object.keys(attrs).map(() => ({
          __class__: "str",
          __module__: "builtins",
          __loader__: "TypeNode",
        })),
      },
    },
    protocol: 2,
    _skops_version: "0.9.0",
  });
}

/** A skops FunctionNode, the way a FunctionTransformer's `func` is stored. */
export function skopsFunction(module: string, name: string): Record<string, unknown> {
  return { __class__: name, __module__: module, __loader__: "FunctionNode" };
}

/** diffusers model_index.json of Stable Diffusion 1.5. */
export function diffusersIndex(extra: Record<string, unknown> = {}): string {
  return json({
    _class_name: "StableDiffusionPipeline",
    _diffusers_version: "0.6.0",
    feature_extractor: ["transformers", "CLIPImageProcessor"],
    image_encoder: [null, null],
    requires_safety_checker: true,
    safety_checker: ["stable_diffusion", "StableDiffusionSafetyChecker"],
    scheduler: ["diffusers", "PNDMScheduler"],
    text_encoder: ["transformers", "CLIPTextModel"],
    tokenizer: ["transformers", "CLIPTokenizer"],
    unet: ["diffusers", "UNet2DConditionModel"],
    vae: ["diffusers", "AutoencoderKL"],
    ...extra,
  });
}

/** sentence-transformers modules.json. */
export function stModules(types: string[] = ["sentence_transformers.models.Transformer"]): string {
  const modules = types.map((type, idx) => ({
    idx,
    name: String(idx),
    path: idx === 0 ? "" : `${idx}_Module`,
    type,
  }));
  modules.push({
    idx: modules.length,
    name: String(modules.length),
    path: "1_Pooling",
    type: "sentence_transformers.models.Pooling",
  });
  return json(modules);
}

/**
 * A Lightning `hparams.yaml` holding an OmegaConf DictConfig and a path, as `yaml.dump` writes them
 * (python/ tags for framework classes; loaded by Lightning with an unsafe loader).
 */
export const LIGHTNING_HPARAMS = `cfg: !!python/object:omegaconf.dictconfig.DictConfig
  _metadata: !!python/object:omegaconf.base.ContainerMetadata
    ref_type: !!python/name:typing.Any ''
    object_type: !!python/name:builtins.dict ''
    optional: true
    key: null
    flags: {}
    flags_root: false
    resolver_cache: &id001 !!python/object/apply:collections.defaultdict
    - !!python/name:builtins.dict ''
    key_type: !!python/name:typing.Any ''
    element_type: !!python/name:typing.Any ''
  _parent: null
  _flags_cache: null
  _content:
    lr: !!python/object:omegaconf.nodes.AnyNode
      _metadata: !!python/object:omegaconf.base.Metadata
        ref_type: !!python/name:typing.Any ''
        object_type: null
        optional: true
        key: lr
        flags: {}
        flags_root: false
        resolver_cache: *id001
      _val: 0.001
data_dir: !!python/object/apply:pathlib.PosixPath
- /
- data
- librispeech
batch_size: 32
betas: !!python/tuple
- 0.9
- 0.98
`;
