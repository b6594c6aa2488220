import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

const tiny = { vocab_size: 16, hidden_size: 8, intermediate_size: 12, num_hidden_layers: 2, num_attention_heads: 2, num_key_value_heads: 1 }
const paramNames = (config: Record<string, unknown>) => analyze(config).tensors.filter((t) => t.kind === 'parameter').map((t) => t.name)

describe('llama', () => {
  const config = { ...tiny, model_type: 'llama', architectures: ['LlamaForCausalLM'] }

  it('registers self_attn, mlp, then the two RMSNorms in each LlamaDecoderLayer', () => {
    expect(paramNames(config).slice(0, 10)).toEqual([
      'model.embed_tokens.weight',
      'model.layers.0.self_attn.q_proj.weight',
      'model.layers.0.self_attn.k_proj.weight',
      'model.layers.0.self_attn.v_proj.weight',
      'model.layers.0.self_attn.o_proj.weight',
      'model.layers.0.mlp.gate_proj.weight',
      'model.layers.0.mlp.up_proj.weight',
      'model.layers.0.mlp.down_proj.weight',
      'model.layers.0.input_layernorm.weight',
      'model.layers.0.post_attention_layernorm.weight',
    ])
  })

  it('counts grouped-query attention, a SwiGLU MLP and an untied head', () => {
    // head_dim 4: q 8×8, k 8×4, v 8×4, o 8×8 = 192; MLP 3 × 8 × 12 = 288; norms 16 → 496 per layer.
    // 2 layers 992 + embed 128 + norm 8 + lm_head 128 = 1256.
    const r = analyze(config)
    expect(r.params.total).toBe(1256n)
    expect(r.model?.breakdown).toEqual({ embeddings: 128n, layers: 992n, final_norm: 8n, lm_head: 128n, per_layer: 496n })
    expect(r.model?.tiedEmbeddings).toBe(false)
    expect(r.model?.paramsUntied).toBe(1256n)
    // 2 (K, V) × 2 layers × 1 KV head × 4 × 2 bytes
    expect(r.model?.kvCache).toEqual({ layers: 2, kvHeads: 1, headDim: 4, bytesPerTokenFp16: 32n })
  })

  it('adds biases with attention_bias (q, k, v, o) and mlp_bias', () => {
    expect(analyze({ ...config, attention_bias: true }).params.total).toBe(1256n + 2n * (8n + 4n + 4n + 8n))
    expect(analyze({ ...config, mlp_bias: true }).params.total).toBe(1256n + 2n * (12n + 12n + 8n))
  })

  it('takes head_dim from the config when given (Llama 3.2)', () => {
    const r = analyze({ ...config, head_dim: 2 })
    expect(r.tensors.find((t) => t.name === 'model.layers.0.self_attn.q_proj.weight')?.shape).toEqual([4, 8])
    expect(r.model?.kvCache?.headDim).toBe(2)
    expect(r.model?.kvCacheNote).toContain('config.head_dim')
  })

  it('keeps the rotary embedding as a module without parameters', () => {
    const r = analyze(config)
    expect(r.modules.find((m) => m.path === 'model.rotary_emb')).toMatchObject({ type: 'LlamaRotaryEmbedding' })
    expect(r.tensors.find((t) => t.name === 'model.rotary_emb.inv_freq')).toMatchObject({ kind: 'buffer', shape: [2], persistent: false })
  })

  it('builds LlamaModel without the head', () => {
    const r = analyze({ ...config, architectures: ['LlamaModel'] })
    expect(r.params.total).toBe(1256n - 128n)
    expect(r.tensors[0]?.name).toBe('embed_tokens.weight')
  })

  it('matches published Llama sizes', () => {
    expect(analyze('llama-2-70b').params.total).toBe(68_976_648_192n)
    expect(analyze('llama-3-70b').params.total).toBe(70_553_706_496n)
    expect(analyze('meta-llama/Llama-3.1-405B').params.total).toBe(405_853_388_800n)
    expect(analyze('llama-3.2-3b').params.total).toBe(3_212_749_824n)
    expect(analyze('llama-13b').params.total).toBe(13_015_864_320n)
  })

  it('rejects hidden_size not divisible by num_attention_heads without head_dim, naming the keys', () => {
    expect(() => analyze({ ...config, hidden_size: 10, num_attention_heads: 4, num_key_value_heads: 4 })).toThrow(
      '`hidden_size` (10) is not divisible by `num_attention_heads` (4), and the config has no `head_dim`',
    )
  })

  it('rejects num_attention_heads not divisible by num_key_value_heads', () => {
    expect(() => analyze({ ...config, num_attention_heads: 4, num_key_value_heads: 3 })).toThrow('`num_attention_heads` (4) must be divisible by `num_key_value_heads` (3)')
  })
})

describe('mistral', () => {
  it('windows every layer with sliding_window, 4096 when the key is absent, none when null', () => {
    const base = { ...tiny, model_type: 'mistral' }
    expect(analyze(base).model?.kvCache?.slidingWindow).toBe(4096)
    expect(analyze({ ...base, sliding_window: 8 }).model?.kvCache?.slidingWindow).toBe(8)
    expect(analyze({ ...base, sliding_window: null }).model?.kvCache).not.toHaveProperty('slidingWindow')
  })

  it('matches the published Mistral 7B v0.1 and v0.3 counts', () => {
    expect(analyze('mistral-7b').params.total).toBe(7_241_732_096n)
    expect(analyze('mistral-7b-v0.3').params.total).toBe(7_248_023_552n)
  })
})

describe('qwen2', () => {
  it('has biases on q/k/v only', () => {
    const r = analyze({ ...tiny, model_type: 'qwen2' })
    const biases = r.tensors.filter((t) => t.name.startsWith('model.layers.0.') && t.name.endsWith('.bias')).map((t) => t.name)
    expect(biases).toEqual(['model.layers.0.self_attn.q_proj.bias', 'model.layers.0.self_attn.k_proj.bias', 'model.layers.0.self_attn.v_proj.bias'])
  })

  it('windows the layers from max_window_layers on only when use_sliding_window is set', () => {
    const base = { ...tiny, model_type: 'qwen2', num_hidden_layers: 4, sliding_window: 64, max_window_layers: 1 }
    expect(analyze(base).model?.kvCache).not.toHaveProperty('windowedLayers')
    expect(analyze({ ...base, use_sliding_window: true }).model?.kvCache?.windowedLayers).toEqual({ count: 3, window: 64 })
  })

  it('takes the window from Qwen2Config: 4096 by default, and the layers layer_types lists when it has them', () => {
    // transformers 5.18: DynamicCache(config) of 4 layers, use_sliding_window, max_window_layers 1 and no
    // sliding_window: DynamicSlidingWindowLayer(4096) at layers 1-3; Qwen3 with layer_types sliding/full/sliding/full
    // and sliding_window 64: windows at layers 0 and 2.
    expect(analyze({ ...tiny, model_type: 'qwen2', num_hidden_layers: 4, use_sliding_window: true, max_window_layers: 1 }).model?.kvCache?.windowedLayers).toEqual({ count: 3, window: 4096 })
    const types = ['sliding_attention', 'full_attention', 'sliding_attention', 'full_attention']
    expect(analyze({ ...tiny, model_type: 'qwen3', num_hidden_layers: 4, use_sliding_window: true, sliding_window: 64, max_window_layers: 1, layer_types: types }).model?.kvCache?.windowedLayers).toEqual({ count: 2, window: 64 })
  })

  it('matches published Qwen2.5 sizes', () => {
    expect(analyze('qwen2.5-1.5b').params.total).toBe(1_543_714_304n)
    expect(analyze('qwen2.5-7b').params.total).toBe(7_615_616_512n)
    expect(analyze('qwen2.5-72b').params.total).toBe(72_706_203_648n)
  })
})

describe('qwen3', () => {
  it('adds q_norm and k_norm of head_dim (128 by default) after o_proj', () => {
    const r = analyze({ ...tiny, model_type: 'qwen3', num_attention_heads: 2, num_key_value_heads: 1 })
    const attention = r.tensors.filter((t) => t.name.startsWith('model.layers.0.self_attn.')).map((t) => [t.name.slice('model.layers.0.self_attn.'.length), t.shape])
    expect(attention).toEqual([
      ['q_proj.weight', [256, 8]],
      ['k_proj.weight', [128, 8]],
      ['v_proj.weight', [128, 8]],
      ['o_proj.weight', [8, 256]],
      ['q_norm.weight', [128]],
      ['k_norm.weight', [128]],
    ])
  })

  it('matches published Qwen3 sizes', () => {
    expect(analyze('qwen3-0.6b').params.total).toBe(596_049_920n)
    expect(analyze('qwen3-8b').params.total).toBe(8_190_735_360n)
  })
})

describe('gemma', () => {
  it('ties the head and uses head_dim 256 by default', () => {
    const r = analyze({ ...tiny, model_type: 'gemma' })
    expect(r.model?.tiedEmbeddings).toBe(true)
    expect(r.model?.kvCache?.headDim).toBe(256)
  })

  it('matches the published Gemma 7B count', () => {
    expect(analyze('gemma-7b').params.total).toBe(8_537_680_896n)
  })
})

describe('gemma2', () => {
  it('has four norms per block and a window on the even layers', () => {
    const r = analyze({ ...tiny, model_type: 'gemma2', num_hidden_layers: 3, head_dim: 4 })
    const norms = r.tensors.filter((t) => t.name.startsWith('model.layers.0.') && t.name.includes('layernorm')).map((t) => t.name.slice(15))
    expect(norms).toEqual(['input_layernorm.weight', 'post_attention_layernorm.weight', 'pre_feedforward_layernorm.weight', 'post_feedforward_layernorm.weight'])
    expect(r.model?.kvCache?.windowedLayers).toEqual({ count: 2, window: 4096 })
  })

  it('matches published Gemma 2 sizes', () => {
    expect(analyze('gemma-2-2b').params.total).toBe(2_614_341_888n)
    expect(analyze('gemma-2-9b').params.total).toBe(9_241_705_984n)
    expect(analyze('gemma-2-27b').params.total).toBe(27_227_128_320n)
  })
})

describe('gemma3', () => {
  it('adds per-head q/k norms and windows 5 of every 6 layers', () => {
    const r = analyze({ ...tiny, model_type: 'gemma3_text', num_hidden_layers: 12, head_dim: 4, sliding_window: 512 })
    expect(r.model?.architecture).toBe('Gemma3ForCausalLM')
    expect(r.tensors.find((t) => t.name === 'model.layers.0.self_attn.q_norm.weight')?.shape).toEqual([4])
    expect(r.model?.kvCache?.windowedLayers).toEqual({ count: 10, window: 512 })
    expect(r.modules.find((m) => m.path === 'model.embed_tokens')?.type).toBe('Gemma3TextScaledWordEmbedding')
  })

  it('follows layer_types when the config lists them', () => {
    const r = analyze({ ...tiny, model_type: 'gemma3_text', head_dim: 4, layer_types: ['sliding_attention', 'full_attention'] })
    expect(r.model?.kvCache?.windowedLayers).toEqual({ count: 1, window: 4096 })
  })

  it('builds Gemma3ForCausalLM from a multimodal config’s text_config, and says so', () => {
    const r = analyze({ architectures: ['Gemma3ForCausalLM'], model_type: 'gemma3', text_config: { ...tiny, head_dim: 4 }, vision_config: { hidden_size: 1152 } })
    expect(r.model?.architecture).toBe('Gemma3ForCausalLM')
    expect(r.model?.modelType).toBe('gemma3_text')
    expect(r.model?.notes.join(' ')).toContain('built from its `text_config`')
    expect(r.params.total).toBe(analyze({ ...tiny, head_dim: 4, model_type: 'gemma3_text' }).params.total)
  })

  it('matches the published Gemma 3 1B count', () => {
    expect(analyze('gemma-3-1b').params.total).toBe(999_885_952n)
  })
})

describe('olmo', () => {
  it('has LayerNorms without parameters', () => {
    const r = analyze({ ...tiny, model_type: 'olmo' })
    expect(r.tensors.some((t) => t.name.includes('layernorm') || t.name.startsWith('model.norm'))).toBe(false)
    expect(r.modules.find((m) => m.path === 'model.norm')?.type).toBe('OlmoLayerNorm')
  })

  it('matches published OLMo sizes', () => {
    expect(analyze('olmo-1b').params.total).toBe(1_176_764_416n)
    expect(analyze('olmo-7b').params.total).toBe(6_888_095_744n)
  })
})

describe('olmo2', () => {
  it('norms after attention and MLP, and over all query and key heads', () => {
    const r = analyze({ ...tiny, model_type: 'olmo2' })
    expect(r.tensors.find((t) => t.name === 'model.layers.0.self_attn.q_norm.weight')?.shape).toEqual([8])
    expect(r.tensors.find((t) => t.name === 'model.layers.0.self_attn.k_norm.weight')?.shape).toEqual([4])
    expect(r.tensors.filter((t) => t.name.startsWith('model.layers.0.post')).map((t) => t.name)).toEqual(['model.layers.0.post_attention_layernorm.weight', 'model.layers.0.post_feedforward_layernorm.weight'])
  })
})

describe('starcoder2', () => {
  it('has biased projections, a c_fc/c_proj MLP and LayerNorms with bias', () => {
    const r = analyze({ ...tiny, model_type: 'starcoder2' })
    const names = r.tensors.map((t) => t.name)
    expect(names).toContain('model.layers.0.mlp.c_fc.bias')
    expect(names).toContain('model.layers.0.self_attn.o_proj.bias')
    expect(names).toContain('model.norm.bias')
    expect(r.model?.tiedEmbeddings).toBe(true)
  })

  it('matches the published StarCoder2 sizes (3.03B, 7.17B, 15.96B)', () => {
    // Per layer (3B): q, o 2 × (3072² + 3072); k, v 2 × (3072 × 256 + 256); c_fc + c_proj 2 × 3072 × 12288 + 12288 + 3072; 4 × 3072 norms.
    expect(analyze('starcoder2-3b').params.total).toBe(30n * (2n * (3072n * 3072n + 3072n) + 2n * (3072n * 256n + 256n) + 2n * 3072n * 12288n + 12288n + 3072n + 4n * 3072n) + 49152n * 3072n + 2n * 3072n)
    expect(analyze('starcoder2-7b').params.total).toBe(7_173_923_840n)
    expect(analyze('starcoder2-15b').params.total).toBe(15_957_889_024n)
  })
})
