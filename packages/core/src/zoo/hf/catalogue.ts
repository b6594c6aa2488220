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
  /** The published `config.json`, reduced to the keys that shape the model (with its `torch_dtype` when it has one). */
  config: JSONObject
  /** The dtype of the checkpoint's weights when the published config names none (read from its weight files). */
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
  ...extra,
})

const llama3 = (hidden_size: number, intermediate_size: number, num_hidden_layers: number, num_attention_heads: number, context: number, extra: Config = {}): Config =>
  llama(hidden_size, intermediate_size, num_hidden_layers, num_attention_heads, 8, { vocab_size: 128256, max_position_embeddings: context, rope_theta: 500000.0, ...extra })

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
})

const starcoder2 = (hidden_size: number, intermediate_size: number, num_hidden_layers: number, num_attention_heads: number, num_key_value_heads: number, tie: boolean): Config => ({
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
})

const entries: ReadonlyArray<readonly [id: string, aliases: readonly string[], config: Config]> = [
  // GPT-2
  ['openai-community/gpt2', ['gpt2'], gpt2(768, 12, 12)],
  ['openai-community/gpt2-medium', ['gpt2-medium'], gpt2(1024, 24, 16)],
  ['openai-community/gpt2-large', ['gpt2-large'], gpt2(1280, 36, 20)],
  ['openai-community/gpt2-xl', ['gpt2-xl'], gpt2(1600, 48, 25)],
  // BERT family
  ['google-bert/bert-base-uncased', ['bert-base-uncased'], bert(768, 12, 12, 3072)],
  ['google-bert/bert-base-cased', ['bert-base-cased'], { ...bert(768, 12, 12, 3072), vocab_size: 28996 }],
  ['google-bert/bert-large-uncased', ['bert-large-uncased'], bert(1024, 24, 16, 4096)],
  ['FacebookAI/roberta-base', ['roberta-base'], roberta(768, 12, 12, 3072)],
  ['FacebookAI/roberta-large', ['roberta-large'], roberta(1024, 24, 16, 4096)],
  ['distilbert/distilbert-base-uncased', ['distilbert-base-uncased'], { architectures: ['DistilBertForMaskedLM'], model_type: 'distilbert', vocab_size: 30522, dim: 768, n_layers: 6, n_heads: 12, hidden_dim: 3072, max_position_embeddings: 512, sinusoidal_pos_embds: false }],
  ['albert/albert-base-v2', ['albert-base-v2'], { architectures: ['AlbertForMaskedLM'], model_type: 'albert', vocab_size: 30000, embedding_size: 128, hidden_size: 768, num_hidden_layers: 12, num_hidden_groups: 1, inner_group_num: 1, num_attention_heads: 12, intermediate_size: 3072, max_position_embeddings: 512, type_vocab_size: 2 }],
  // T5
  ['google-t5/t5-small', ['t5-small'], t5(512, 2048, 6, 8)],
  ['google-t5/t5-base', ['t5-base'], t5(768, 3072, 12, 12)],
  ['google-t5/t5-large', ['t5-large'], t5(1024, 4096, 24, 16)],
  ['google/flan-t5-small', ['flan-t5-small'], flanT5(512, 1024, 8, 6)],
  ['google/flan-t5-base', ['flan-t5-base'], flanT5(768, 2048, 12, 12)],
  ['google/flan-t5-large', ['flan-t5-large'], flanT5(1024, 2816, 24, 16)],
  ['google/flan-t5-xl', ['flan-t5-xl'], flanT5(2048, 5120, 24, 32)],
  ['google/mt5-small', ['mt5-small'], { architectures: ['MT5ForConditionalGeneration'], model_type: 'mt5', vocab_size: 250112, d_model: 512, d_kv: 64, d_ff: 1024, num_layers: 8, num_decoder_layers: 8, num_heads: 6, feed_forward_proj: 'gated-gelu', tie_word_embeddings: false }],
  // BART
  ['facebook/bart-base', ['bart-base'], { architectures: ['BartModel'], model_type: 'bart', vocab_size: 50265, d_model: 768, encoder_layers: 6, decoder_layers: 6, encoder_attention_heads: 12, decoder_attention_heads: 12, encoder_ffn_dim: 3072, decoder_ffn_dim: 3072, max_position_embeddings: 1024 }],
  ['facebook/bart-large', ['bart-large'], { architectures: ['BartModel'], model_type: 'bart', vocab_size: 50265, d_model: 1024, encoder_layers: 12, decoder_layers: 12, encoder_attention_heads: 16, decoder_attention_heads: 16, encoder_ffn_dim: 4096, decoder_ffn_dim: 4096, max_position_embeddings: 1024 }],
  // OPT
  ['facebook/opt-125m', ['opt-125m'], opt(768, 12, 12, 3072)],
  ['facebook/opt-350m', ['opt-350m'], opt(1024, 24, 16, 4096, { word_embed_proj_dim: 512, do_layer_norm_before: false })],
  ['facebook/opt-1.3b', ['opt-1.3b'], opt(2048, 24, 32, 8192)],
  ['facebook/opt-2.7b', ['opt-2.7b'], opt(2560, 32, 32, 10240)],
  ['facebook/opt-6.7b', ['opt-6.7b'], opt(4096, 32, 32, 16384)],
  // Pythia (GPT-NeoX)
  ['EleutherAI/pythia-70m', ['pythia-70m'], pythia(512, 6, 8)],
  ['EleutherAI/pythia-160m', ['pythia-160m'], pythia(768, 12, 12)],
  ['EleutherAI/pythia-410m', ['pythia-410m'], pythia(1024, 24, 16)],
  ['EleutherAI/pythia-1b', ['pythia-1b'], pythia(2048, 16, 8)],
  ['EleutherAI/pythia-1.4b', ['pythia-1.4b'], pythia(2048, 24, 16)],
  ['EleutherAI/pythia-2.8b', ['pythia-2.8b'], pythia(2560, 32, 32)],
  ['EleutherAI/pythia-6.9b', ['pythia-6.9b'], pythia(4096, 32, 32, 50432)],
  ['EleutherAI/pythia-12b', ['pythia-12b'], pythia(5120, 36, 40, 50688)],
  ['EleutherAI/gpt-j-6b', ['gpt-j-6b', 'gpt-j'], { architectures: ['GPTJForCausalLM'], model_type: 'gptj', vocab_size: 50400, n_positions: 2048, n_embd: 4096, n_layer: 28, n_head: 16, rotary_dim: 64, tie_word_embeddings: false }],
  // Falcon
  ['tiiuae/falcon-7b', ['falcon-7b'], { architectures: ['FalconForCausalLM'], model_type: 'falcon', vocab_size: 65024, hidden_size: 4544, num_hidden_layers: 32, num_attention_heads: 71, multi_query: true, parallel_attn: true, new_decoder_architecture: false, bias: false, alibi: false }],
  ['tiiuae/falcon-40b', ['falcon-40b'], { architectures: ['FalconForCausalLM'], model_type: 'falcon', vocab_size: 65024, hidden_size: 8192, num_hidden_layers: 60, num_attention_heads: 128, num_kv_heads: 8, new_decoder_architecture: true, parallel_attn: true, bias: false, alibi: false }],
  // Llama
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
  ['TinyLlama/TinyLlama-1.1B-Chat-v1.0', ['tinyllama-1.1b', 'tinyllama'], llama(2048, 5632, 22, 32, 4, { max_position_embeddings: 2048 })],
  // Mistral, Mixtral
  ['mistralai/Mistral-7B-v0.1', ['mistral-7b', 'mistral-7b-v0.1'], { architectures: ['MistralForCausalLM'], model_type: 'mistral', vocab_size: 32000, hidden_size: 4096, intermediate_size: 14336, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 8, max_position_embeddings: 32768, sliding_window: 4096, tie_word_embeddings: false }],
  ['mistralai/Mistral-7B-v0.3', ['mistral-7b-v0.3'], { architectures: ['MistralForCausalLM'], model_type: 'mistral', vocab_size: 32768, hidden_size: 4096, intermediate_size: 14336, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 8, max_position_embeddings: 32768, sliding_window: null, tie_word_embeddings: false }],
  ['mistralai/Mixtral-8x7B-v0.1', ['mixtral-8x7b'], { architectures: ['MixtralForCausalLM'], model_type: 'mixtral', vocab_size: 32000, hidden_size: 4096, intermediate_size: 14336, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 8, num_local_experts: 8, num_experts_per_tok: 2, max_position_embeddings: 32768, sliding_window: null, tie_word_embeddings: false }],
  ['mistralai/Mixtral-8x22B-v0.1', ['mixtral-8x22b'], { architectures: ['MixtralForCausalLM'], model_type: 'mixtral', vocab_size: 32000, hidden_size: 6144, intermediate_size: 16384, num_hidden_layers: 56, num_attention_heads: 48, num_key_value_heads: 8, num_local_experts: 8, num_experts_per_tok: 2, max_position_embeddings: 65536, sliding_window: null, tie_word_embeddings: false }],
  // Qwen
  ['Qwen/Qwen2-0.5B', ['qwen2-0.5b'], qwen2(896, 4864, 24, 14, 2, true)],
  ['Qwen/Qwen2.5-0.5B', ['qwen2.5-0.5b'], qwen2(896, 4864, 24, 14, 2, true)],
  ['Qwen/Qwen2.5-1.5B', ['qwen2.5-1.5b'], qwen2(1536, 8960, 28, 12, 2, true)],
  ['Qwen/Qwen2.5-3B', ['qwen2.5-3b'], qwen2(2048, 11008, 36, 16, 2, true)],
  ['Qwen/Qwen2.5-7B', ['qwen2.5-7b'], qwen2(3584, 18944, 28, 28, 4, false, 152064)],
  ['Qwen/Qwen2.5-14B', ['qwen2.5-14b'], qwen2(5120, 13824, 48, 40, 8, false, 152064)],
  ['Qwen/Qwen2.5-32B', ['qwen2.5-32b'], qwen2(5120, 27648, 64, 40, 8, false, 152064)],
  ['Qwen/Qwen2.5-72B', ['qwen2.5-72b'], qwen2(8192, 29568, 80, 64, 8, false, 152064)],
  ['Qwen/Qwen1.5-MoE-A2.7B', ['qwen1.5-moe-a2.7b', 'qwen2-moe'], { architectures: ['Qwen2MoeForCausalLM'], model_type: 'qwen2_moe', vocab_size: 151936, hidden_size: 2048, intermediate_size: 5632, num_hidden_layers: 24, num_attention_heads: 16, num_key_value_heads: 16, decoder_sparse_step: 1, moe_intermediate_size: 1408, shared_expert_intermediate_size: 5632, num_experts_per_tok: 4, num_experts: 60, tie_word_embeddings: false }],
  ['Qwen/Qwen3-0.6B', ['qwen3-0.6b'], qwen3(1024, 3072, 28, 16, true)],
  ['Qwen/Qwen3-1.7B', ['qwen3-1.7b'], qwen3(2048, 6144, 28, 16, true)],
  ['Qwen/Qwen3-4B', ['qwen3-4b'], qwen3(2560, 9728, 36, 32, true)],
  ['Qwen/Qwen3-8B', ['qwen3-8b'], qwen3(4096, 12288, 36, 32, false)],
  ['Qwen/Qwen3-14B', ['qwen3-14b'], qwen3(5120, 17408, 40, 40, false)],
  ['Qwen/Qwen3-32B', ['qwen3-32b'], qwen3(5120, 25600, 64, 64, false)],
  ['Qwen/Qwen3-30B-A3B', ['qwen3-30b-a3b'], qwen3Moe(2048, 48, 32, 768, 6144)],
  ['Qwen/Qwen3-235B-A22B', ['qwen3-235b-a22b'], qwen3Moe(4096, 94, 64, 1536, 12288)],
  // Gemma
  ['google/gemma-2b', ['gemma-2b'], { architectures: ['GemmaForCausalLM'], model_type: 'gemma', vocab_size: 256000, hidden_size: 2048, intermediate_size: 16384, num_hidden_layers: 18, num_attention_heads: 8, num_key_value_heads: 1, head_dim: 256, max_position_embeddings: 8192 }],
  ['google/gemma-7b', ['gemma-7b'], { architectures: ['GemmaForCausalLM'], model_type: 'gemma', vocab_size: 256000, hidden_size: 3072, intermediate_size: 24576, num_hidden_layers: 28, num_attention_heads: 16, num_key_value_heads: 16, head_dim: 256, max_position_embeddings: 8192 }],
  ['google/gemma-2-2b', ['gemma-2-2b'], gemma2(2304, 9216, 26, 8, 4, 256)],
  ['google/gemma-2-9b', ['gemma-2-9b'], gemma2(3584, 14336, 42, 16, 8, 256)],
  ['google/gemma-2-27b', ['gemma-2-27b'], gemma2(4608, 36864, 46, 32, 16, 128)],
  ['google/gemma-3-1b-pt', ['gemma-3-1b'], gemma3(1152, 6912, 26, 4, 1, 256, 512, 262144)],
  ['google/gemma-3-4b-pt', ['gemma-3-4b'], gemma3(2560, 10240, 34, 8, 4, 256, 1024, 262208)],
  ['google/gemma-3-12b-pt', ['gemma-3-12b'], gemma3(3840, 15360, 48, 16, 8, 256, 1024, 262208)],
  ['google/gemma-3-27b-pt', ['gemma-3-27b'], gemma3(5376, 21504, 62, 32, 16, 128, 1024, 262208)],
  // Phi
  ['microsoft/phi-1_5', ['phi-1.5', 'phi-1_5'], { architectures: ['PhiForCausalLM'], model_type: 'phi', vocab_size: 51200, hidden_size: 2048, intermediate_size: 8192, num_hidden_layers: 24, num_attention_heads: 32, partial_rotary_factor: 0.5, tie_word_embeddings: false }],
  ['microsoft/phi-2', ['phi-2'], { architectures: ['PhiForCausalLM'], model_type: 'phi', vocab_size: 51200, hidden_size: 2560, intermediate_size: 10240, num_hidden_layers: 32, num_attention_heads: 32, partial_rotary_factor: 0.4, tie_word_embeddings: false }],
  ['microsoft/Phi-3-mini-4k-instruct', ['phi-3-mini', 'phi-3-mini-4k'], { architectures: ['Phi3ForCausalLM'], model_type: 'phi3', vocab_size: 32064, hidden_size: 3072, intermediate_size: 8192, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 32, max_position_embeddings: 4096, sliding_window: 2047, tie_word_embeddings: false }],
  ['microsoft/Phi-3.5-mini-instruct', ['phi-3.5-mini'], { architectures: ['Phi3ForCausalLM'], model_type: 'phi3', vocab_size: 32064, hidden_size: 3072, intermediate_size: 8192, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 32, max_position_embeddings: 131072, sliding_window: 262144, tie_word_embeddings: false }],
  // StarCoder2
  ['bigcode/starcoder2-3b', ['starcoder2-3b'], starcoder2(3072, 12288, 30, 24, 2, true)],
  ['bigcode/starcoder2-7b', ['starcoder2-7b'], starcoder2(4608, 18432, 32, 36, 4, true)],
  ['bigcode/starcoder2-15b', ['starcoder2-15b'], starcoder2(6144, 24576, 40, 48, 4, false)],
  // DeepSeek
  ['deepseek-ai/DeepSeek-V2-Lite', ['deepseek-v2-lite'], { architectures: ['DeepseekV2ForCausalLM'], model_type: 'deepseek_v2', vocab_size: 102400, hidden_size: 2048, intermediate_size: 10944, moe_intermediate_size: 1408, num_hidden_layers: 27, num_attention_heads: 16, num_key_value_heads: 16, n_shared_experts: 2, n_routed_experts: 64, num_experts_per_tok: 6, first_k_dense_replace: 1, moe_layer_freq: 1, q_lora_rank: null, kv_lora_rank: 512, qk_nope_head_dim: 128, qk_rope_head_dim: 64, v_head_dim: 128, tie_word_embeddings: false }],
  ['deepseek-ai/DeepSeek-V3', ['deepseek-v3'], { architectures: ['DeepseekV3ForCausalLM'], model_type: 'deepseek_v3', vocab_size: 129280, hidden_size: 7168, intermediate_size: 18432, moe_intermediate_size: 2048, num_hidden_layers: 61, num_attention_heads: 128, num_key_value_heads: 128, n_shared_experts: 1, n_routed_experts: 256, num_experts_per_tok: 8, first_k_dense_replace: 3, moe_layer_freq: 1, q_lora_rank: 1536, kv_lora_rank: 512, qk_nope_head_dim: 128, qk_rope_head_dim: 64, v_head_dim: 128, num_nextn_predict_layers: 1, tie_word_embeddings: false }],
  // OLMo
  ['allenai/OLMo-1B-hf', ['olmo-1b'], { architectures: ['OlmoForCausalLM'], model_type: 'olmo', vocab_size: 50304, hidden_size: 2048, intermediate_size: 8192, num_hidden_layers: 16, num_attention_heads: 16, num_key_value_heads: 16, tie_word_embeddings: true }],
  ['allenai/OLMo-7B-hf', ['olmo-7b'], { architectures: ['OlmoForCausalLM'], model_type: 'olmo', vocab_size: 50304, hidden_size: 4096, intermediate_size: 11008, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 32, tie_word_embeddings: false }],
  ['allenai/OLMo-2-1124-7B', ['olmo-2-7b'], { architectures: ['Olmo2ForCausalLM'], model_type: 'olmo2', vocab_size: 100352, hidden_size: 4096, intermediate_size: 11008, num_hidden_layers: 32, num_attention_heads: 32, num_key_value_heads: 32, tie_word_embeddings: false }],
  ['allenai/OLMo-2-1124-13B', ['olmo-2-13b'], { architectures: ['Olmo2ForCausalLM'], model_type: 'olmo2', vocab_size: 100352, hidden_size: 5120, intermediate_size: 13824, num_hidden_layers: 40, num_attention_heads: 40, num_key_value_heads: 40, tie_word_embeddings: false }],
]

/** Every checkpoint of the built-in catalogue. */
export const catalogue: readonly CatalogueEntry[] = entries.map(([id, aliases, config]) => ({ id, aliases, config: config as JSONObject }))

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
