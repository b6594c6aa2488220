/**
 * The sizes that set a transformer's activation memory, read from a Hugging Face `config.json` (the language model's
 * own config for multimodal models: `text_config`). Read once when a config is analysed; the memory planner sizes
 * activations from it (`transformerActivationBytes`) when no forward pass can be traced.
 */
export interface TransformerShape {
  /** Blocks (`num_hidden_layers`, `n_layer`). */
  layers: number
  /** Hidden size h (`hidden_size`, `n_embd`, `d_model`). */
  hidden: number
  /** Query heads a (`num_attention_heads`, `n_head`). */
  heads: number
  /** Key/value heads (`num_key_value_heads`; `heads` without grouped-query attention). */
  kvHeads: number
  /** Elements per head (`head_dim`, else `hidden / heads`). */
  headDim: number
  /** MLP width i of a dense block (`intermediate_size`, `n_inner`, `ffn_dim`; 4h when absent). */
  intermediate: number
  /** Gated MLP (`act(gate(x)) * up(x)`, SwiGLU/GeGLU): four i-wide tensors kept instead of two. */
  glu: boolean
  /** The MLP activation keeps only its output (`relu`), which the next linear keeps anyway. */
  activationKeepsOutput: boolean
  /** Vocabulary V (`vocab_size`). */
  vocab: number
  /** The model ends in a language-model head: logits over V for every position, and a cross-entropy loss. */
  lmHead: boolean
  /** Dropout probabilities: on the attention probabilities and on the residual branches (0: no masks kept). */
  attentionDropout: number
  hiddenDropout: number
  /**
   * Mixture of experts: routed experts, experts per token, each expert's MLP width, the shared experts' width, and how
   * many of the blocks hold experts (the others are dense MLPs of `intermediate`: DeepSeek's `first_k_dense_replace`,
   * Jamba's and Llama 4's interleaving), counted from the blocks that have expert weights.
   */
  moe: { experts: number; topK: number; intermediate: number; sharedIntermediate: number; layers: number } | null
}

type Config = Readonly<Record<string, unknown>>

/**
 * Dropout probabilities a family's config class defaults to when `config.json` leaves them out, from transformers'
 * `configuration_<family>.py` (read with transformers 5.18: `GPT2Config().attn_pdrop` is 0.1). Families not listed
 * default to 0 (Llama, Mistral, Qwen, Falcon, BLOOM, Phi, GPT-J, ViT, …).
 */
const dropoutDefaults: Readonly<Record<string, Config>> = {
  gpt2: { attn_pdrop: 0.1, resid_pdrop: 0.1, embd_pdrop: 0.1 },
  gpt_bigcode: { attn_pdrop: 0.1, resid_pdrop: 0.1, embd_pdrop: 0.1 },
  bert: { hidden_dropout_prob: 0.1, attention_probs_dropout_prob: 0.1 },
  roberta: { hidden_dropout_prob: 0.1, attention_probs_dropout_prob: 0.1 },
  'xlm-roberta': { hidden_dropout_prob: 0.1, attention_probs_dropout_prob: 0.1 },
  electra: { hidden_dropout_prob: 0.1, attention_probs_dropout_prob: 0.1 },
  'deberta-v2': { hidden_dropout_prob: 0.1, attention_probs_dropout_prob: 0.1 },
  distilbert: { dropout: 0.1, attention_dropout: 0.1 },
  bart: { dropout: 0.1, attention_dropout: 0 },
  opt: { dropout: 0.1, attention_dropout: 0 },
  wav2vec2: { hidden_dropout: 0.1, attention_dropout: 0.1 },
}

/** Block indices (`layers.3.`, `h.3.`, `block.3.`) of the blocks that hold expert weights. */
const EXPERT_BLOCK = /(?:^|\.)(?:layers|h|block|blocks)\.(\d+)\.(?:.*\.)?experts(?:\.|$)/

const int = (c: Config, ...keys: string[]): number | null => {
  for (const k of keys) {
    const v = c[k]
    if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return v
  }
  return null
}
const prob = (c: Config, ...keys: string[]): number => {
  for (const k of keys) {
    const v = c[k]
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v < 1) return v
  }
  return 0
}

/**
 * The {@link TransformerShape} of a config, or null when it does not say the sizes a transformer block needs
 * (state-space models, encoders of other shapes). `parameterNames` tells whether the MLP is gated (a `gate_proj`,
 * `gate_up_proj` or `w3` weight) and whether an output head exists (`lm_head`, or a tied head: `tied`).
 */
export function transformerShapeOf(input: unknown, parameterNames: readonly string[], architecture: string): TransformerShape | null {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return null
  let c = input as Config
  const text = c['text_config']
  if (typeof text === 'object' && text !== null && !Array.isArray(text)) c = text as Config
  const modelType = c['model_type'] ?? (input as Config)['model_type']
  if (typeof modelType === 'string' && Object.hasOwn(dropoutDefaults, modelType)) c = { ...dropoutDefaults[modelType], ...c }
  const layers = int(c, 'num_hidden_layers', 'n_layer', 'num_layers')
  const hidden = int(c, 'hidden_size', 'n_embd', 'd_model')
  const heads = int(c, 'num_attention_heads', 'n_head', 'encoder_attention_heads')
  const vocab = int(c, 'vocab_size')
  if (layers === null || hidden === null || heads === null || vocab === null) return null
  const kvHeads = int(c, 'num_key_value_heads', 'num_kv_heads') ?? heads
  const headDim = int(c, 'head_dim') ?? Math.max(1, Math.floor(hidden / heads))
  const intermediate = int(c, 'intermediate_size', 'n_inner', 'ffn_dim', 'd_ff') ?? 4 * hidden
  const glu = parameterNames.some((n) => /(^|\.)(gate_proj|gate_up_proj|w3|gate_up)(\.|$)/.test(n))
  const act = String(c['hidden_act'] ?? c['activation_function'] ?? c['hidden_activation'] ?? '')
  const experts = int(c, 'num_local_experts', 'n_routed_experts', 'num_experts')
  const topK = int(c, 'num_experts_per_tok', 'num_experts_per_token', 'top_k')
  const moe =
    experts !== null && topK !== null
      ? {
          experts,
          topK,
          intermediate: int(c, 'moe_intermediate_size', 'expert_intermediate_size') ?? intermediate,
          sharedIntermediate: (int(c, 'n_shared_experts') ?? 0) * (int(c, 'moe_intermediate_size') ?? 0) + (int(c, 'shared_expert_intermediate_size') ?? 0),
          layers: moeBlocks(parameterNames, layers),
        }
      : null
  return {
    layers,
    hidden,
    heads,
    kvHeads,
    headDim,
    intermediate,
    glu,
    activationKeepsOutput: !glu && act === 'relu',
    vocab,
    lmHead: /ForCausalLM|LMHeadModel|ForConditionalGeneration/.test(architecture),
    attentionDropout: prob(c, 'attention_dropout', 'attn_pdrop', 'attention_probs_dropout_prob'),
    hiddenDropout: prob(c, 'hidden_dropout', 'resid_pdrop', 'hidden_dropout_prob', 'dropout'),
    moe,
  }
}

/** How many blocks hold expert weights; all of them when the names do not say (no block index before `experts`). */
function moeBlocks(parameterNames: readonly string[], layers: number): number {
  const blocks = new Set<string>()
  for (const name of parameterNames) {
    const m = EXPERT_BLOCK.exec(name)
    if (m) blocks.add(m[1]!)
  }
  return blocks.size === 0 ? layers : Math.min(blocks.size, layers)
}
