import { NnsizeError } from '../../errors.js'
import { didYouMean, suggest } from '../../suggest.js'
import type { DType } from '../../tensor/dtype.js'
import type { JSONObject } from './json.js'

/** A well-known checkpoint: its Hugging Face id, other names it answers to, and its config (the keys that shape it). */
export interface CatalogueEntry {
  /** `org/Name` as on the Hub. */
  id: string
  /** Other names (`llama-2-7b` for `meta-llama/Llama-2-7b-hf`). */
  aliases?: readonly string[]
  /** The published `config.json`, reduced to the keys that shape the model and its `torch_dtype` when it has one. */
  config: JSONObject
  /** Where the config is published: `https://huggingface.co/<id>/blob/main/config.json`. */
  source: string
  /** The dtype of the checkpoint's weight files when its published config names none (GPT-2- and BERT-era checkpoints: float32). */
  dtype?: DType
}

type Config = Record<string, unknown>

const gpt2 = (n_embd: number, n_layer: number, n_head: number): Config => ({ architectures: ['GPT2LMHeadModel'], model_type: 'gpt2', vocab_size: 50257, n_positions: 1024, n_ctx: 1024, n_embd, n_layer, n_head })

const bert = (hidden_size: number, num_hidden_layers: number, num_attention_heads: number, intermediate_size: number): Config => ({
  architectures: ['BertForMaskedLM'],
  model_type: 'bert',
  vocab_size: 30522,
  hidden_size,
  num_hidden_layers,
  num_attention_heads,
  intermediate_size,
  max_position_embeddings: 512,
  type_vocab_size: 2,
})

const roberta = (hidden_size: number, num_hidden_layers: number, num_attention_heads: number, intermediate_size: number): Config => ({
  architectures: ['RobertaForMaskedLM'],
  model_type: 'roberta',
  vocab_size: 50265,
  hidden_size,
  num_hidden_layers,
  num_attention_heads,
  intermediate_size,
  max_position_embeddings: 514,
  type_vocab_size: 1,
})

const t5 = (d_model: number, d_ff: number, num_layers: number, num_heads: number, extra: Config = {}): Config => ({
  architectures: ['T5ForConditionalGeneration'],
  model_type: 't5',
  vocab_size: 32128,
  d_model,
  d_kv: 64,
  d_ff,
  num_layers,
  num_heads,
  relative_attention_num_buckets: 32,
  feed_forward_proj: 'relu',
  ...extra,
})

const flanT5 = (d_model: number, d_ff: number, num_layers: number, num_heads: number): Config => t5(d_model, d_ff, num_layers, num_heads, { num_decoder_layers: num_layers, feed_forward_proj: 'gated-gelu', tie_word_embeddings: false })

const opt = (hidden_size: number, num_hidden_layers: number, num_attention_heads: number, ffn_dim: number, extra: Config = {}): Config => ({
  architectures: ['OPTForCausalLM'],
  model_type: 'opt',
  torch_dtype: 'float16',
  vocab_size: 50272,
  hidden_size,
  num_hidden_layers,
  num_attention_heads,
  ffn_dim,
  max_position_embeddings: 2048,
  word_embed_proj_dim: hidden_size,
  do_layer_norm_before: true,
  ...extra,
})

const pythia = (hidden_size: number, num_hidden_layers: number, num_attention_heads: number, vocab_size = 50304): Config => ({
  architectures: ['GPTNeoXForCausalLM'],
  model_type: 'gpt_neox',
  vocab_size,
  hidden_size,
  num_hidden_layers,
  num_attention_heads,
  intermediate_size: 4 * hidden_size,
  max_position_embeddings: 2048,
  rotary_pct: 0.25,
  use_parallel_residual: true,
  tie_word_embeddings: false,
  torch_dtype: 'float16',
})

const llama = (hidden_size: number, intermediate_size: number, num_hidden_layers: number, num_attention_heads: number, num_key_value_heads: number, extra: Config = {}): Config => ({
  architectures: ['LlamaForCausalLM'],
  model_type: 'llama',
  vocab_size: 32000,
  hidden_size,
  intermediate_size,
  num_hidden_layers,
  num_attention_heads,
  num_key_value_heads,
  max_position_embeddings: 4096,
  tie_word_embeddings: false,
  torch_dtype: 'float16',
  ...extra,
})

const llama3 = (hidden_size: number, intermediate_size: number, num_hidden_layers: number, num_attention_heads: number, context: number, extra: Config = {}): Config =>
  llama(hidden_size, intermediate_size, num_hidden_layers, num_attention_heads, 8, { vocab_size: 128256, max_position_embeddings: context, rope_theta: 500000.0, torch_dtype: 'bfloat16', ...extra })

const qwen2 = (hidden_size: number, intermediate_size: number, num_hidden_layers: number, num_attention_heads: number, num_key_value_heads: number, tie: boolean, vocab_size = 151936): Config => ({
  architectures: ['Qwen2ForCausalLM'],
  model_type: 'qwen2',
  vocab_size,
  hidden_size,
  intermediate_size,
  num_hidden_layers,
  num_attention_heads,
  num_key_value_heads,
  max_position_embeddings: 32768,
  tie_word_embeddings: tie,
  use_sliding_window: false,
  torch_dtype: 'bfloat16',
})

const qwen3 = (hidden_size: number, intermediate_size: number, num_hidden_layers: number, num_attention_heads: number, tie: boolean): Config => ({
  architectures: ['Qwen3ForCausalLM'],
  model_type: 'qwen3',
  vocab_size: 151936,
  hidden_size,
  intermediate_size,
  num_hidden_layers,
  num_attention_heads,
  num_key_value_heads: 8,
  head_dim: 128,
  max_position_embeddings: 40960,
  tie_word_embeddings: tie,
  use_sliding_window: false,
  torch_dtype: 'bfloat16',
})

const qwen3Moe = (hidden_size: number, num_hidden_layers: number, num_attention_heads: number, moe_intermediate_size: number, intermediate_size: number): Config => ({
  architectures: ['Qwen3MoeForCausalLM'],
  model_type: 'qwen3_moe',
  vocab_size: 151936,
  hidden_size,
  intermediate_size,
  moe_intermediate_size,
  num_hidden_layers,
  num_attention_heads,
  num_key_value_heads: 4,
  head_dim: 128,
  num_experts: 128,
  num_experts_per_tok: 8,
  decoder_sparse_step: 1,
  mlp_only_layers: [],
  max_position_embeddings: 40960,
  tie_word_embeddings: false,
  torch_dtype: 'bfloat16',
})

const gemma2 = (hidden_size: number, intermediate_size: number, num_hidden_layers: number, num_attention_heads: number, num_key_value_heads: number, head_dim: number): Config => ({
  architectures: ['Gemma2ForCausalLM'],
  model_type: 'gemma2',
  vocab_size: 256000,
  hidden_size,
  intermediate_size,
  num_hidden_layers,
  num_attention_heads,
  num_key_value_heads,
  head_dim,
  sliding_window: 4096,
  max_position_embeddings: 8192,
  torch_dtype: 'float32',
})

const gemma3 = (hidden_size: number, intermediate_size: number, num_hidden_layers: number, num_attention_heads: number, num_key_value_heads: number, head_dim: number, sliding_window: number, vocab_size: number): Config => ({
  architectures: ['Gemma3ForCausalLM'],
  model_type: 'gemma3_text',
  vocab_size,
  hidden_size,
  intermediate_size,
  num_hidden_layers,
  num_attention_heads,
  num_key_value_heads,
  head_dim,
  sliding_window,
  sliding_window_pattern: 6,
  torch_dtype: 'bfloat16',
})

/** A Gemma 3 checkpoint with vision: the text model of `gemma3(...)` and the SigLIP-so400m tower every size shares. */
const gemma3Vision = (text: Config): Config => {
  const { architectures: _a, torch_dtype: _d, ...text_config } = text
  return {
    architectures: ['Gemma3ForConditionalGeneration'],
    model_type: 'gemma3',
    mm_tokens_per_image: 256,
    text_config,
    vision_config: { model_type: 'siglip_vision_model', hidden_size: 1152, intermediate_size: 4304, num_hidden_layers: 27, num_attention_heads: 16, image_size: 896, patch_size: 14, vision_use_head: false },
    torch_dtype: 'bfloat16',
  }
}

const starcoder2 = (hidden_size: number, intermediate_size: number, num_hidden_layers: number, num_attention_heads: number, num_key_value_heads: number, tie: boolean, dtype: string): Config => ({
  architectures: ['Starcoder2ForCausalLM'],
  model_type: 'starcoder2',
  vocab_size: 49152,
  hidden_size,
  intermediate_size,
  num_hidden_layers,
  num_attention_heads,
  num_key_value_heads,
  max_position_embeddings: 16384,
  sliding_window: 4096,
  use_bias: true,
  tie_word_embeddings: tie,
  torch_dtype: dtype,
})


/** Llama 4 (Scout: 16 experts in every layer; Maverick: 128 experts in every other layer), as published with its vision tower. */
const llama4 = (experts: number, step: number, qkNorm: boolean, context: number): Config => ({
  architectures: ['Llama4ForConditionalGeneration'],
  model_type: 'llama4',
  text_config: {
    model_type: 'llama4_text',
    vocab_size: 202048,
    hidden_size: 5120,
    intermediate_size: 8192,
    intermediate_size_mlp: 16384,
    num_hidden_layers: 48,
    num_attention_heads: 40,
    num_key_value_heads: 8,
    head_dim: 128,
    num_local_experts: experts,
    num_experts_per_tok: 1,
    interleave_moe_layer_step: step,
    attention_chunk_size: 8192,
    use_qk_norm: qkNorm,
    max_position_embeddings: context,
    torch_dtype: 'bfloat16',
  },
  vision_config: { model_type: 'llama4_vision_model', hidden_size: 1408, intermediate_size: 5632, num_hidden_layers: 34, num_attention_heads: 16, num_channels: 3, image_size: 336, patch_size: 14, pixel_shuffle_ratio: 0.5, projector_input_dim: 4096, projector_output_dim: 4096, vision_output_dim: 4096 },
  tie_word_embeddings: false,
  torch_dtype: 'bfloat16',
})

/** GPT-OSS: the experts are published in MXFP4 (`quantization_config`), the rest in bfloat16. */
const gptOss = (layers: number, experts: number): Config => ({
  architectures: ['GptOssForCausalLM'],
  model_type: 'gpt_oss',
  vocab_size: 201088,
  hidden_size: 2880,
  intermediate_size: 2880,
  num_hidden_layers: layers,
  num_attention_heads: 64,
  num_key_value_heads: 8,
  head_dim: 64,
  num_local_experts: experts,
  num_experts_per_tok: 4,
  sliding_window: 128,
  attention_bias: true,
  tie_word_embeddings: false,
  quantization_config: { quant_method: 'mxfp4' },
  torch_dtype: 'bfloat16',
})

const whisper = (d_model: number, layers: number, heads: number, ffn: number, num_mel_bins: number, vocab_size: number, dtype: string): Config => ({
  architectures: ['WhisperForConditionalGeneration'],
  model_type: 'whisper',
  vocab_size,
  num_mel_bins,
  d_model,
  encoder_layers: layers,
  decoder_layers: layers,
  encoder_attention_heads: heads,
  decoder_attention_heads: heads,
  encoder_ffn_dim: ffn,
  decoder_ffn_dim: ffn,
  max_source_positions: 1500,
  max_target_positions: 448,
  torch_dtype: dtype,
})

const clip = (projection_dim: number, text: readonly [number, number, number, number], vision: readonly [number, number, number, number, number]): Config => ({
  architectures: ['CLIPModel'],
  model_type: 'clip',
  projection_dim,
  text_config: { vocab_size: 49408, hidden_size: text[0], intermediate_size: text[1], num_hidden_layers: text[2], num_attention_heads: text[3], max_position_embeddings: 77 },
  vision_config: { hidden_size: vision[0], intermediate_size: vision[1], num_hidden_layers: vision[2], num_attention_heads: vision[3], image_size: 224, patch_size: vision[4] },
  torch_dtype: 'float32',
})

/** The checkpoint's weights are float32 and its published config names no `torch_dtype`. */
const unpublishedFloat32 = { dtype: 'float32' } as const

const entries: ReadonlyArray<readonly [id: string, aliases: readonly string[], config: Config, extra?: { dtype: DType }]> = [
  // GPT-2: the configs predate `torch_dtype`; the weights are float32.
  ['openai-community/gpt2', ['gpt2'], gpt2(768, 12, 12), unpublishedFloat32],
  ['openai-community/gpt2-medium', ['gpt2-medium'], gpt2(1024, 24, 16), unpublishedFloat32],
  ['openai-community/gpt2-large', ['gpt2-large'], gpt2(1280, 36, 20), unpublishedFloat32],
  ['openai-community/gpt2-xl', ['gpt2-xl'], gpt2(1600, 48, 25), unpublishedFloat32],
  // BERT family: no `torch_dtype`; float32 weights.
  ['google-bert/bert-base-uncased', ['bert-base-uncased'], bert(768, 12, 12, 3072), unpublishedFloat32],
  ['google-bert/bert-base-cased', ['bert-base-cased'], { ...bert(768, 12, 12, 3072), vocab_size: 28996 }, unpublishedFloat32],
  ['google-bert/bert-large-uncased', ['bert-large-uncased'], bert(1024, 24, 16, 4096), unpublishedFloat32],
  ['FacebookAI/roberta-base', ['roberta-base'], roberta(768, 12, 12, 3072), unpublishedFloat32],
  ['FacebookAI/roberta-large', ['roberta-large'], roberta(1024, 24, 16, 4096), unpublishedFloat32],
  ['FacebookAI/xlm-roberta-base', ['xlm-roberta-base'], { ...roberta(768, 12, 12, 3072), architectures: ['XLMRobertaForMaskedLM'], model_type: 'xlm-roberta', vocab_size: 250002 }, unpublishedFloat32],
  ['FacebookAI/xlm-roberta-large', ['xlm-roberta-large'], { ...roberta(1024, 24, 16, 4096), architectures: ['XLMRobertaForMaskedLM'], model_type: 'xlm-roberta', vocab_size: 250002 }, unpublishedFloat32],
  ['distilbert/distilbert-base-uncased', ['distilbert-base-uncased'], { architectures: ['DistilBertForMaskedLM'], model_type: 'distilbert', vocab_size: 30522, dim: 768, n_layers: 6, n_heads: 12, hidden_dim: 3072, max_position_embeddings: 512, sinusoidal_pos_embds: false }, unpublishedFloat32],
  ['albert/albert-base-v2', ['albert-base-v2'], { architectures: ['AlbertForMaskedLM'], model_type: 'albert', vocab_size: 30000, embedding_size: 128, hidden_size: 768, num_hidden_layers: 12, num_hidden_groups: 1, inner_group_num: 1, num_attention_heads: 12, intermediate_size: 3072, max_position_embeddings: 512, type_vocab_size: 2 }, unpublishedFloat32],
  ['google/electra-base-discriminator', ['electra-base-discriminator', 'electra-base'], { architectures: ['ElectraForPreTraining'], model_type: 'electra', vocab_size: 30522, embedding_size: 768, hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12, intermediate_size: 3072, max_position_embeddings: 512, type_vocab_size: 2 }, unpublishedFloat32],
  ['microsoft/deberta-v3-base', ['deberta-v3-base'], { model_type: 'deberta-v2', vocab_size: 128100, hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12, intermediate_size: 3072, max_position_embeddings: 512, relative_attention: true, position_buckets: 256, norm_rel_ebd: 'layer_norm', share_att_key: true, pos_att_type: 'p2c|c2p', position_biased_input: false, max_relative_positions: -1, type_vocab_size: 0 }, unpublishedFloat32],
  ['answerdotai/ModernBERT-base', ['modernbert-base'], { architectures: ['ModernBertForMaskedLM'], model_type: 'modernbert', vocab_size: 50368, hidden_size: 768, intermediate_size: 1152, num_hidden_layers: 22, num_attention_heads: 12, global_attn_every_n_layers: 3, local_attention: 128, max_position_embeddings: 8192, torch_dtype: 'float32' }],
  ['answerdotai/ModernBERT-large', ['modernbert-large'], { architectures: ['ModernBertForMaskedLM'], model_type: 'modernbert', vocab_size: 50368, hidden_size: 1024, intermediate_size: 2624, num_hidden_layers: 28, num_attention_heads: 16, global_attn_every_n_layers: 3, local_attention: 128, max_position_embeddings: 8192, torch_dtype: 'float32' }],
  // T5 and mT5: no `torch_dtype` (flan-t5-large's published config has none); float32 weights.
  ['google-t5/t5-small', ['t5-small'], t5(512, 2048, 6, 8), unpublishedFloat32],
  ['google-t5/t5-base', ['t5-base'], t5(768, 3072, 12, 12), unpublishedFloat32],
  ['google-t5/t5-large', ['t5-large'], t5(1024, 4096, 24, 16), unpublishedFloat32],
  ['google/flan-t5-small', ['flan-t5-small'], flanT5(512, 1024, 8, 6), unpublishedFloat32],
  ['google/flan-t5-base', ['flan-t5-base'], flanT5(768, 2048, 12, 12), unpublishedFloat32],
  ['google/flan-t5-large', ['flan-t5-large'], flanT5(1024, 2816, 24, 16), unpublishedFloat32],
  ['google/flan-t5-xl', ['flan-t5-xl'], flanT5(2048, 5120, 24, 32), unpublishedFloat32],
  ['google/mt5-small', ['mt5-small'], { architectures: ['MT5ForConditionalGeneration'], model_type: 'mt5', vocab_size: 250112, d_model: 512, d_kv: 64, d_ff: 1024, num_layers: 8, num_decoder_layers: 8, num_heads: 6, feed_forward_proj: 'gated-gelu', tie_word_embeddings: false }, unpublishedFloat32],
  // BART: no `torch_dtype`; float32 weights.
  ['facebook/bart-base', ['bart-base'], { architectures: ['BartModel'], model_type: 'bart', vocab_size: 50265, d_model: 768, encoder_layers: 6, decoder_layers: 6, encoder_attention_heads: 12, decoder_attention_heads: 12, encoder_ffn_dim: 3072, decoder_ffn_dim: 3072, max_position_embeddings: 1024 }, unpublishedFloat32],
  ['facebook/bart-large', ['bart-large'], { architectures: ['BartModel'], model_type: 'bart', vocab_size: 50265, d_model: 1024, encoder_layers: 12, decoder_layers: 12, encoder_attention_heads: 16, decoder_attention_heads: 16, encoder_ffn_dim: 4096, decoder_ffn_dim: 4096, max_position_embeddings: 1024 }, unpublishedFloat32],
  // OPT (float16)
  ['facebook/opt-125m', ['opt-125m'], opt(768, 12, 12, 3072)],
  ['facebook/opt-350m', ['opt-350m'], opt(1024, 24, 16, 4096, { word_embed_proj_dim: 512, do_layer_norm_before: false })],
  ['facebook/opt-1.3b', ['opt-1.3b'], opt(2048, 24, 32, 8192)],
  ['facebook/opt-2.7b', ['opt-2.7b'], opt(2560, 32, 32, 10240)],
  ['facebook/opt-6.7b', ['opt-6.7b'], opt(4096, 32, 32, 16384)],
  // Pythia (GPT-NeoX, float16)
  ['EleutherAI/pythia-70m', ['pythia-70m'], pythia(512, 6, 8)],
  ['EleutherAI/pythia-160m', ['pythia-160m'], pythia(768, 12, 12)],
  ['EleutherAI/pythia-410m', ['pythia-410m'], pythia(1024, 24, 16)],
  ['EleutherAI/pythia-1b', ['pythia-1b'], pythia(2048, 16, 8)],
  ['EleutherAI/pythia-1.4b', ['pythia-1.4b'], pythia(2048, 24, 16)],
  ['EleutherAI/pythia-2.8b', ['pythia-2.8b'], pythia(2560, 32, 32)],
  ['EleutherAI/pythia-6.9b', ['pythia-6.9b'], pythia(4096, 32, 32, 50432)],
  ['EleutherAI/pythia-12b', ['pythia-12b'], pythia(5120, 36, 40, 50688)],
  // GPT-J: the main branch's config names no `torch_dtype`; its weights are float32.
  ['EleutherAI/gpt-j-6b', ['gpt-j-6b', 'gpt-j'], { architectures: ['GPTJForCausalLM'], model_type: 'gptj', vocab_size: 50400, n_positions: 2048, n_embd: 4096, n_layer: 28, n_head: 16, rotary_dim: 64, tie_word_embeddings: false }, unpublishedFloat32],
  // BLOOM: bloom-560m's config names no `torch_dtype`; float32 weights.
  ['bigscience/bloom-560m', ['bloom-560m'], { architectures: ['BloomForCausalLM'], model_type: 'bloom', vocab_size: 250880, n_embed: 1024, n_layer: 24, num_attention_heads: 16 }, unpublishedFloat32],
  // Falcon
  ['tiiuae/falcon-7b', ['falcon-7b'], { architectures: ['FalconForCausalLM'], model_type: 'falcon', vocab_size: 65024, hidden_size: 4544, num_hidden_layers: 32, num_attention_heads: 71, multi_query: true, parallel_attn: true, new_decoder_architecture: false, bias: false, alibi: false, torch_dtype: 'bfloat16' }],
  ['tiiuae/falcon-40b', ['falcon-40b'], { architectures: ['FalconForCausalLM'], model_type: 'falcon', vocab_size: 65024, hidden_size: 8192, num_hidden_layers: 60, num_attention_heads: 128, num_kv_heads: 8, new_decoder_architecture: true, parallel_attn: true, bias: false, alibi: false, torch_dtype: 'bfloat16' }],
  // Llama (Llama 1 and 2: float16; Llama 3: bfloat16)
  ['huggyllama/llama-7b', ['llama-7b'], llama(4096, 11008, 32, 32, 32, { max_position_embeddings: 2048 })],
  ['huggyllama/llama-13b', ['llama-13b'], llama(5120, 13824, 40, 40, 40, { max_position_embeddings: 2048 })],
  ['meta-llama/Llama-2-7b-hf', ['llama-2-7b', 'llama2-7b'], llama(4096, 11008, 32, 32, 32)],
  ['meta-llama/Llama-2-13b-hf', ['llama-2-13b', 'llama2-13b'], llama(5120, 13824, 40, 40, 40)],
  ['meta-llama/Llama-2-70b-hf', ['llama-2-70b', 'llama2-70b'], llama(8192, 28672, 80, 64, 8)],
  ['meta-llama/Meta-Llama-3-8B', ['llama-3-8b', 'llama3-8b'], llama3(4096, 14336, 32, 32, 8192)],
  ['meta-llama/Meta-Llama-3-70B', ['llama-3-70b', 'llama3-70b'], llama3(8192, 28672, 80, 64, 8192)],
  ['meta-llama/Llama-3.1-8B', ['llama-3.1-8b', 'meta-llama/meta-llama-3.1-8b', 'meta-llama-3.1-8b', 'llama3.1-8b'], llama3(4096, 14336, 32, 32, 131072)],
  ['meta-llama/Llama-3.1-70B', ['llama-3.1-70b', 'meta-llama/meta-llama-3.1-70b', 'meta-llama-3.1-70b', 'llama3.1-70b'], llama3(8192, 28672, 80, 64, 131072)],
  ['meta-llama/Llama-3.1-405B', ['llama-3.1-405b', 'meta-llama/meta-llama-3.1-405b', 'meta-llama-3.1-405b', 'llama3.1-405b'], llama3(16384, 53248, 126, 128, 131072)],
  ['meta-llama/Llama-3.2-1B', ['llama-3.2-1b', 'llama3.2-1b'], llama3(2048, 8192, 16, 32, 131072, { head_dim: 64, tie_word_embeddings: true })],
  ['meta-llama/Llama-3.2-3B', ['llama-3.2-3b', 'llama3.2-3b'], llama3(3072, 8192, 28, 24, 131072, { head_dim: 128, tie_word_embeddings: true })],
  ['TinyLlama/TinyLlama-1.1B-Chat-v1.0', ['tinyllama-1.1b', 'tinyllama'], llama(2048, 5632, 22, 32, 4, { max_position_embeddings: 2048, torch_dtype: 'bfloat16' })],
  // Llama 4 (text_config and vision_config as published)
  ['meta-llama/Llama-4-Scout-17B-16E-Instruct', ['llama-4-scout', 'llama4-scout', 'llama-4-scout-17b-16e'], llama4(16, 1, true, 2 ** 18)],
  ['meta-llama/Llama-4-Maverick-17B-128E-Instruct', ['llama-4-maverick', 'llama4-maverick', 'llama-4-maverick-17b-128e'], llama4(128, 2, false, 2 ** 20)],
  // Mistral, Mixtral, Codestral Mamba
  ['mistralai/Mistral-7B-v0.1', ['mistral-7b', 'mistral-7b-v0.1'], { architectures: ['MistralForCausalLM'], model_type: 'mistral', vocab_size: 32000, hidden_size: 4096, intermediate_size: 14336, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 8, max_position_embeddings: 32768, sliding_window: 4096, tie_word_embeddings: false, torch_dtype: 'bfloat16' }],
  ['mistralai/Mistral-7B-v0.3', ['mistral-7b-v0.3'], { architectures: ['MistralForCausalLM'], model_type: 'mistral', vocab_size: 32768, hidden_size: 4096, intermediate_size: 14336, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 8, max_position_embeddings: 32768, sliding_window: null, tie_word_embeddings: false, torch_dtype: 'bfloat16' }],
  ['mistralai/Mixtral-8x7B-v0.1', ['mixtral-8x7b'], { architectures: ['MixtralForCausalLM'], model_type: 'mixtral', vocab_size: 32000, hidden_size: 4096, intermediate_size: 14336, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 8, num_local_experts: 8, num_experts_per_tok: 2, max_position_embeddings: 32768, sliding_window: null, tie_word_embeddings: false, torch_dtype: 'bfloat16' }],
  ['mistralai/Mixtral-8x22B-v0.1', ['mixtral-8x22b'], { architectures: ['MixtralForCausalLM'], model_type: 'mixtral', vocab_size: 32000, hidden_size: 6144, intermediate_size: 16384, num_hidden_layers: 56, num_attention_heads: 48, num_key_value_heads: 8, num_local_experts: 8, num_experts_per_tok: 2, max_position_embeddings: 65536, sliding_window: null, tie_word_embeddings: false, torch_dtype: 'bfloat16' }],
  ['mistralai/Mamba-Codestral-7B-v0.1', ['mamba-codestral-7b', 'codestral-mamba'], { architectures: ['Mamba2ForCausalLM'], model_type: 'mamba2', vocab_size: 32768, hidden_size: 4096, num_hidden_layers: 64, num_heads: 128, head_dim: 64, n_groups: 8, state_size: 128, expand: 2, conv_kernel: 4, use_bias: false, use_conv_bias: true, tie_word_embeddings: false, torch_dtype: 'bfloat16' }],
  // Qwen
  ['Qwen/Qwen2-0.5B', ['qwen2-0.5b'], qwen2(896, 4864, 24, 14, 2, true)],
  ['Qwen/Qwen2.5-0.5B', ['qwen2.5-0.5b'], qwen2(896, 4864, 24, 14, 2, true)],
  ['Qwen/Qwen2.5-1.5B', ['qwen2.5-1.5b'], qwen2(1536, 8960, 28, 12, 2, true)],
  ['Qwen/Qwen2.5-3B', ['qwen2.5-3b'], qwen2(2048, 11008, 36, 16, 2, true)],
  ['Qwen/Qwen2.5-7B', ['qwen2.5-7b'], qwen2(3584, 18944, 28, 28, 4, false, 152064)],
  ['Qwen/Qwen2.5-14B', ['qwen2.5-14b'], qwen2(5120, 13824, 48, 40, 8, false, 152064)],
  ['Qwen/Qwen2.5-32B', ['qwen2.5-32b'], qwen2(5120, 27648, 64, 40, 8, false, 152064)],
  ['Qwen/Qwen2.5-72B', ['qwen2.5-72b'], qwen2(8192, 29568, 80, 64, 8, false, 152064)],
  ['Qwen/Qwen1.5-MoE-A2.7B', ['qwen1.5-moe-a2.7b', 'qwen2-moe'], { architectures: ['Qwen2MoeForCausalLM'], model_type: 'qwen2_moe', vocab_size: 151936, hidden_size: 2048, intermediate_size: 5632, num_hidden_layers: 24, num_attention_heads: 16, num_key_value_heads: 16, decoder_sparse_step: 1, moe_intermediate_size: 1408, shared_expert_intermediate_size: 5632, num_experts_per_tok: 4, num_experts: 60, tie_word_embeddings: false, torch_dtype: 'bfloat16' }],
  ['Qwen/Qwen3-0.6B', ['qwen3-0.6b'], qwen3(1024, 3072, 28, 16, true)],
  ['Qwen/Qwen3-1.7B', ['qwen3-1.7b'], qwen3(2048, 6144, 28, 16, true)],
  ['Qwen/Qwen3-4B', ['qwen3-4b'], qwen3(2560, 9728, 36, 32, true)],
  ['Qwen/Qwen3-8B', ['qwen3-8b'], qwen3(4096, 12288, 36, 32, false)],
  ['Qwen/Qwen3-14B', ['qwen3-14b'], qwen3(5120, 17408, 40, 40, false)],
  ['Qwen/Qwen3-32B', ['qwen3-32b'], qwen3(5120, 25600, 64, 64, false)],
  ['Qwen/Qwen3-30B-A3B', ['qwen3-30b-a3b'], qwen3Moe(2048, 48, 32, 768, 6144)],
  ['Qwen/Qwen3-235B-A22B', ['qwen3-235b-a22b'], qwen3Moe(4096, 94, 64, 1536, 12288)],
  ['Qwen/Qwen2-VL-7B-Instruct', ['qwen2-vl-7b'], { architectures: ['Qwen2VLForConditionalGeneration'], model_type: 'qwen2_vl', vocab_size: 152064, hidden_size: 3584, intermediate_size: 18944, num_hidden_layers: 28, num_attention_heads: 28, num_key_value_heads: 4, max_position_embeddings: 32768, tie_word_embeddings: false, use_sliding_window: false, vision_config: { depth: 32, embed_dim: 1280, hidden_size: 3584, mlp_ratio: 4, num_heads: 16, in_chans: 3, patch_size: 14, spatial_merge_size: 2, temporal_patch_size: 2 }, torch_dtype: 'bfloat16' }],
  ['Qwen/Qwen2.5-VL-7B-Instruct', ['qwen2.5-vl-7b'], { architectures: ['Qwen2_5_VLForConditionalGeneration'], model_type: 'qwen2_5_vl', vocab_size: 152064, hidden_size: 3584, intermediate_size: 18944, num_hidden_layers: 28, num_attention_heads: 28, num_key_value_heads: 4, max_position_embeddings: 128000, tie_word_embeddings: false, use_sliding_window: false, vision_config: { depth: 32, hidden_size: 1280, intermediate_size: 3420, num_heads: 16, in_chans: 3, out_hidden_size: 3584, patch_size: 14, spatial_merge_size: 2, temporal_patch_size: 2, window_size: 112, fullatt_block_indexes: [7, 15, 23, 31] }, torch_dtype: 'bfloat16' }],
  // Gemma (Gemma 2's pretrained checkpoints are published in float32)
  ['google/gemma-2b', ['gemma-2b'], { architectures: ['GemmaForCausalLM'], model_type: 'gemma', vocab_size: 256000, hidden_size: 2048, intermediate_size: 16384, num_hidden_layers: 18, num_attention_heads: 8, num_key_value_heads: 1, head_dim: 256, max_position_embeddings: 8192, torch_dtype: 'bfloat16' }],
  ['google/gemma-7b', ['gemma-7b'], { architectures: ['GemmaForCausalLM'], model_type: 'gemma', vocab_size: 256000, hidden_size: 3072, intermediate_size: 24576, num_hidden_layers: 28, num_attention_heads: 16, num_key_value_heads: 16, head_dim: 256, max_position_embeddings: 8192, torch_dtype: 'bfloat16' }],
  ['google/gemma-2-2b', ['gemma-2-2b'], gemma2(2304, 9216, 26, 8, 4, 256)],
  ['google/gemma-2-9b', ['gemma-2-9b'], gemma2(3584, 14336, 42, 16, 8, 256)],
  ['google/gemma-2-27b', ['gemma-2-27b'], gemma2(4608, 36864, 46, 32, 16, 128)],
  ['google/gemma-3-1b-pt', ['gemma-3-1b'], gemma3(1152, 6912, 26, 4, 1, 256, 512, 262144)],
  ['google/gemma-3-4b-pt', ['gemma-3-4b'], gemma3Vision(gemma3(2560, 10240, 34, 8, 4, 256, 1024, 262208))],
  ['google/gemma-3-12b-pt', ['gemma-3-12b'], gemma3Vision(gemma3(3840, 15360, 48, 16, 8, 256, 1024, 262208))],
  ['google/gemma-3-27b-pt', ['gemma-3-27b'], gemma3Vision(gemma3(5376, 21504, 62, 32, 16, 128, 1024, 262208))],
  ['google/gemma-3-4b-it', ['gemma-3-4b-it'], gemma3Vision(gemma3(2560, 10240, 34, 8, 4, 256, 1024, 262208))],
  ['google/recurrentgemma-2b', ['recurrentgemma-2b'], { architectures: ['RecurrentGemmaForCausalLM'], model_type: 'recurrent_gemma', vocab_size: 256000, hidden_size: 2560, intermediate_size: 15360, num_hidden_layers: 26, num_attention_heads: 10, num_key_value_heads: 1, lru_width: 2560, attention_window_size: 2048, conv1d_width: 4, block_types: ['recurrent', 'recurrent', 'attention'], torch_dtype: 'float32' }],
  // Phi (Phi-1.5 and Phi-2: float16)
  ['microsoft/phi-1_5', ['phi-1.5', 'phi-1_5'], { architectures: ['PhiForCausalLM'], model_type: 'phi', vocab_size: 51200, hidden_size: 2048, intermediate_size: 8192, num_hidden_layers: 24, num_attention_heads: 32, partial_rotary_factor: 0.5, tie_word_embeddings: false, torch_dtype: 'float16' }],
  ['microsoft/phi-2', ['phi-2'], { architectures: ['PhiForCausalLM'], model_type: 'phi', vocab_size: 51200, hidden_size: 2560, intermediate_size: 10240, num_hidden_layers: 32, num_attention_heads: 32, partial_rotary_factor: 0.4, tie_word_embeddings: false, torch_dtype: 'float16' }],
  ['microsoft/Phi-3-mini-4k-instruct', ['phi-3-mini', 'phi-3-mini-4k'], { architectures: ['Phi3ForCausalLM'], model_type: 'phi3', vocab_size: 32064, hidden_size: 3072, intermediate_size: 8192, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 32, max_position_embeddings: 4096, sliding_window: 2047, tie_word_embeddings: false, torch_dtype: 'bfloat16' }],
  ['microsoft/Phi-3.5-mini-instruct', ['phi-3.5-mini'], { architectures: ['Phi3ForCausalLM'], model_type: 'phi3', vocab_size: 32064, hidden_size: 3072, intermediate_size: 8192, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 32, max_position_embeddings: 131072, sliding_window: 262144, tie_word_embeddings: false, torch_dtype: 'bfloat16' }],
  // StarCoder2 (3B and 15B published in float32, 7B in bfloat16)
  ['bigcode/starcoder2-3b', ['starcoder2-3b'], starcoder2(3072, 12288, 30, 24, 2, true, 'float32')],
  ['bigcode/starcoder2-7b', ['starcoder2-7b'], starcoder2(4608, 18432, 32, 36, 4, true, 'bfloat16')],
  ['bigcode/starcoder2-15b', ['starcoder2-15b'], starcoder2(6144, 24576, 40, 48, 4, false, 'float32')],
  // DeepSeek (V3's linear weights are published in FP8: see its `quantization_config`)
  ['deepseek-ai/DeepSeek-V2-Lite', ['deepseek-v2-lite'], { architectures: ['DeepseekV2ForCausalLM'], model_type: 'deepseek_v2', vocab_size: 102400, hidden_size: 2048, intermediate_size: 10944, moe_intermediate_size: 1408, num_hidden_layers: 27, num_attention_heads: 16, num_key_value_heads: 16, n_shared_experts: 2, n_routed_experts: 64, num_experts_per_tok: 6, first_k_dense_replace: 1, moe_layer_freq: 1, q_lora_rank: null, kv_lora_rank: 512, qk_nope_head_dim: 128, qk_rope_head_dim: 64, v_head_dim: 128, tie_word_embeddings: false, torch_dtype: 'bfloat16' }],
  ['deepseek-ai/DeepSeek-V3', ['deepseek-v3'], { architectures: ['DeepseekV3ForCausalLM'], model_type: 'deepseek_v3', vocab_size: 129280, hidden_size: 7168, intermediate_size: 18432, moe_intermediate_size: 2048, num_hidden_layers: 61, num_attention_heads: 128, num_key_value_heads: 128, n_shared_experts: 1, n_routed_experts: 256, num_experts_per_tok: 8, first_k_dense_replace: 3, moe_layer_freq: 1, q_lora_rank: 1536, kv_lora_rank: 512, qk_nope_head_dim: 128, qk_rope_head_dim: 64, v_head_dim: 128, num_nextn_predict_layers: 1, tie_word_embeddings: false, quantization_config: { quant_method: 'fp8', fmt: 'e4m3', activation_scheme: 'dynamic', weight_block_size: [128, 128] }, torch_dtype: 'bfloat16' }],
  // OLMo (float32)
  ['allenai/OLMo-1B-hf', ['olmo-1b'], { architectures: ['OlmoForCausalLM'], model_type: 'olmo', vocab_size: 50304, hidden_size: 2048, intermediate_size: 8192, num_hidden_layers: 16, num_attention_heads: 16, num_key_value_heads: 16, tie_word_embeddings: true, torch_dtype: 'float32' }],
  ['allenai/OLMo-7B-hf', ['olmo-7b'], { architectures: ['OlmoForCausalLM'], model_type: 'olmo', vocab_size: 50304, hidden_size: 4096, intermediate_size: 11008, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 32, tie_word_embeddings: false, torch_dtype: 'float32' }],
  ['allenai/OLMo-2-1124-7B', ['olmo-2-7b'], { architectures: ['Olmo2ForCausalLM'], model_type: 'olmo2', vocab_size: 100352, hidden_size: 4096, intermediate_size: 11008, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 32, tie_word_embeddings: false, torch_dtype: 'float32' }],
  ['allenai/OLMo-2-1124-13B', ['olmo-2-13b'], { architectures: ['Olmo2ForCausalLM'], model_type: 'olmo2', vocab_size: 100352, hidden_size: 5120, intermediate_size: 13824, num_hidden_layers: 40, num_attention_heads: 40, num_key_value_heads: 40, tie_word_embeddings: false, torch_dtype: 'float32' }],
  // Cohere, StableLM, Granite, GLM, ERNIE, GPT-OSS
  ['CohereForAI/c4ai-command-r-v01', ['command-r', 'c4ai-command-r-v01'], { architectures: ['CohereForCausalLM'], model_type: 'cohere', vocab_size: 256000, hidden_size: 8192, intermediate_size: 22528, num_hidden_layers: 40, num_attention_heads: 64, num_key_value_heads: 64, logit_scale: 0.0625, use_qk_norm: false, tie_word_embeddings: true, torch_dtype: 'float16' }],
  ['stabilityai/stablelm-2-1_6b', ['stablelm-2-1.6b', 'stablelm-2-1_6b'], { architectures: ['StableLmForCausalLM'], model_type: 'stablelm', vocab_size: 100352, hidden_size: 2048, intermediate_size: 5632, num_hidden_layers: 24, num_attention_heads: 32, num_key_value_heads: 32, partial_rotary_factor: 0.25, use_qkv_bias: true, qk_layernorm: false, use_parallel_residual: false, tie_word_embeddings: false, torch_dtype: 'float16' }],
  ['ibm-granite/granite-3.1-8b-instruct', ['granite-3.1-8b'], { architectures: ['GraniteForCausalLM'], model_type: 'granite', vocab_size: 49155, hidden_size: 4096, intermediate_size: 12800, num_hidden_layers: 40, num_attention_heads: 32, num_key_value_heads: 8, attention_bias: false, mlp_bias: false, tie_word_embeddings: true, torch_dtype: 'bfloat16' }],
  ['ibm-granite/granite-3.1-3b-a800m-instruct', ['granite-3.1-3b-a800m'], { architectures: ['GraniteMoeForCausalLM'], model_type: 'granitemoe', vocab_size: 49155, hidden_size: 1536, intermediate_size: 512, num_hidden_layers: 32, num_attention_heads: 24, num_key_value_heads: 8, num_local_experts: 40, num_experts_per_tok: 8, attention_bias: false, tie_word_embeddings: true, torch_dtype: 'bfloat16' }],
  ['THUDM/glm-4-9b-chat-hf', ['glm-4-9b', 'glm-4-9b-chat'], { architectures: ['GlmForCausalLM'], model_type: 'glm', vocab_size: 151552, hidden_size: 4096, intermediate_size: 13696, num_hidden_layers: 40, num_attention_heads: 32, num_key_value_heads: 2, head_dim: 128, attention_bias: true, partial_rotary_factor: 0.5, tie_word_embeddings: false, torch_dtype: 'bfloat16' }],
  ['THUDM/GLM-4-9B-0414', ['glm-4-9b-0414'], { architectures: ['Glm4ForCausalLM'], model_type: 'glm4', vocab_size: 151552, hidden_size: 4096, intermediate_size: 13696, num_hidden_layers: 40, num_attention_heads: 32, num_key_value_heads: 2, head_dim: 128, attention_bias: true, partial_rotary_factor: 0.5, tie_word_embeddings: false, torch_dtype: 'bfloat16' }],
  ['baidu/ERNIE-4.5-0.3B-PT', ['ernie-4.5-0.3b'], { architectures: ['Ernie4_5ForCausalLM'], model_type: 'ernie4_5', vocab_size: 103424, hidden_size: 1024, intermediate_size: 3072, num_hidden_layers: 18, num_attention_heads: 16, num_key_value_heads: 2, head_dim: 128, use_bias: false, tie_word_embeddings: true, torch_dtype: 'bfloat16' }],
  ['baidu/ERNIE-4.5-21B-A3B-PT', ['ernie-4.5-21b-a3b'], { architectures: ['Ernie4_5_MoeForCausalLM'], model_type: 'ernie4_5_moe', vocab_size: 103424, hidden_size: 2560, intermediate_size: 12288, num_hidden_layers: 28, num_attention_heads: 20, num_key_value_heads: 4, moe_num_experts: 64, moe_k: 6, moe_intermediate_size: 1536, moe_num_shared_experts: 2, moe_layer_start_index: 1, moe_layer_end_index: 27, moe_layer_interval: 1, use_bias: false, tie_word_embeddings: true, torch_dtype: 'bfloat16' }],
  ['openai/gpt-oss-20b', ['gpt-oss-20b'], gptOss(24, 32)],
  ['openai/gpt-oss-120b', ['gpt-oss-120b'], gptOss(36, 128)],
  // State-space and hybrid models
  ['state-spaces/mamba-2.8b-hf', ['mamba-2.8b'], { architectures: ['MambaForCausalLM'], model_type: 'mamba', vocab_size: 50280, hidden_size: 2560, num_hidden_layers: 64, state_size: 16, expand: 2, conv_kernel: 4, time_step_rank: 160, use_bias: false, use_conv_bias: true, tie_word_embeddings: true, torch_dtype: 'float32' }],
  ['tiiuae/falcon-mamba-7b', ['falcon-mamba-7b'], { architectures: ['FalconMambaForCausalLM'], model_type: 'falcon_mamba', vocab_size: 65024, hidden_size: 4096, num_hidden_layers: 64, state_size: 16, expand: 2, conv_kernel: 4, time_step_rank: 256, use_bias: false, use_conv_bias: true, tie_word_embeddings: false, torch_dtype: 'bfloat16' }],
  ['ai21labs/Jamba-v0.1', ['jamba-v0.1', 'jamba'], { architectures: ['JambaForCausalLM'], model_type: 'jamba', vocab_size: 65536, hidden_size: 4096, intermediate_size: 14336, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 8, num_experts: 16, num_experts_per_tok: 2, expert_layer_period: 2, expert_layer_offset: 1, attn_layer_period: 8, attn_layer_offset: 4, mamba_d_state: 16, mamba_d_conv: 4, mamba_expand: 2, mamba_dt_rank: 256, mamba_conv_bias: true, mamba_proj_bias: false, tie_word_embeddings: false, torch_dtype: 'bfloat16' }],
  // Speech
  ['openai/whisper-small', ['whisper-small'], whisper(768, 12, 12, 3072, 80, 51865, 'float32')],
  ['openai/whisper-large-v3', ['whisper-large-v3'], whisper(1280, 32, 20, 5120, 128, 51866, 'float16')],
  ['facebook/wav2vec2-base-960h', ['wav2vec2-base-960h'], { architectures: ['Wav2Vec2ForCTC'], model_type: 'wav2vec2', vocab_size: 32, hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12, intermediate_size: 3072, feat_extract_norm: 'group', conv_bias: false, do_stable_layer_norm: false, num_conv_pos_embeddings: 128, num_conv_pos_embedding_groups: 16 }, unpublishedFloat32],
  // Vision and vision-language encoders
  ['google/vit-base-patch16-224', ['vit-base-patch16-224'], { architectures: ['ViTForImageClassification'], model_type: 'vit', hidden_size: 768, intermediate_size: 3072, num_hidden_layers: 12, num_attention_heads: 12, image_size: 224, patch_size: 16, num_labels: 1000 }, unpublishedFloat32],
  ['facebook/deit-base-distilled-patch16-224', ['deit-base-distilled'], { architectures: ['DeiTForImageClassificationWithTeacher'], model_type: 'deit', hidden_size: 768, intermediate_size: 3072, num_hidden_layers: 12, num_attention_heads: 12, image_size: 224, patch_size: 16, num_labels: 1000 }, unpublishedFloat32],
  ['microsoft/beit-base-patch16-224', ['beit-base-patch16-224'], { architectures: ['BeitForImageClassification'], model_type: 'beit', hidden_size: 768, intermediate_size: 3072, num_hidden_layers: 12, num_attention_heads: 12, image_size: 224, patch_size: 16, use_relative_position_bias: true, use_absolute_position_embeddings: false, use_mean_pooling: true, layer_scale_init_value: 0.1, num_labels: 1000 }, unpublishedFloat32],
  ['facebook/dinov2-base', ['dinov2-base'], { architectures: ['Dinov2Model'], model_type: 'dinov2', hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12, mlp_ratio: 4, image_size: 518, patch_size: 14, torch_dtype: 'float32' }],
  ['facebook/dinov2-large', ['dinov2-large'], { architectures: ['Dinov2Model'], model_type: 'dinov2', hidden_size: 1024, num_hidden_layers: 24, num_attention_heads: 16, mlp_ratio: 4, image_size: 518, patch_size: 14, torch_dtype: 'float32' }],
  ['openai/clip-vit-base-patch32', ['clip-vit-base-patch32'], clip(512, [512, 2048, 12, 8], [768, 3072, 12, 12, 32])],
  ['openai/clip-vit-large-patch14', ['clip-vit-large-patch14'], clip(768, [768, 3072, 12, 12], [1024, 4096, 24, 16, 14])],
  ['google/siglip-so400m-patch14-384', ['siglip-so400m'], { architectures: ['SiglipModel'], model_type: 'siglip', text_config: { vocab_size: 32000, hidden_size: 1152, intermediate_size: 4304, num_hidden_layers: 27, num_attention_heads: 16, max_position_embeddings: 64 }, vision_config: { hidden_size: 1152, intermediate_size: 4304, num_hidden_layers: 27, num_attention_heads: 16, image_size: 384, patch_size: 14 }, torch_dtype: 'float32' }],
]

/** Every checkpoint of the built-in catalogue. */
export const catalogue: readonly CatalogueEntry[] = entries.map(([id, aliases, config, extra]) => ({
  id,
  aliases,
  config: config as JSONObject,
  source: `https://huggingface.co/${id}/blob/main/config.json`,
  ...(extra ? { dtype: extra.dtype } : {}),
}))

const index = new Map<string, CatalogueEntry>()
for (const entry of catalogue) {
  const names = [entry.id, entry.id.slice(entry.id.indexOf('/') + 1), ...(entry.aliases ?? [])]
  for (const name of names) index.set(name.toLowerCase(), entry)
}

/** Every name the catalogue answers to (lower case), for suggestions. */
export function catalogueNames(): string[] {
  return [...index.keys()]
}

/** The catalogue entry for a name (case-insensitive; `org/Name` as on the Hub, or the name alone), or undefined. */
export function findModel(name: string): CatalogueEntry | undefined {
  return index.get(name.trim().toLowerCase())
}

/** The catalogue names closest to `name`, best first (at most 3). */
export function modelSuggestions(name: string): string[] {
  const key = name.trim().toLowerCase()
  const bare = key.includes('/') ? key.slice(key.indexOf('/') + 1) : key
  const primary = (entry: CatalogueEntry): string => entry.aliases?.[0] ?? entry.id
  return [...new Set(suggest(bare, index.keys(), 6).map((n) => primary(index.get(n)!)))].slice(0, 3)
}

/** Like {@link findModel}, but an unknown name is an `unknown-model` error with the closest names. */
export function resolveModel(name: string): CatalogueEntry {
  const found = findModel(name)
  if (found) return found
  const suggestions = modelSuggestions(name)
  throw new NnsizeError('unknown-model', `No model named \`${name.trim()}\` in the catalogue.${didYouMean(suggestions)} Pass its \`config.json\` instead.`, { suggestions })
}
