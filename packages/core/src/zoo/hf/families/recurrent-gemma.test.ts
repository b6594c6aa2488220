import { describe, expect, it } from 'vitest'
import { analyze } from '../../../analyze.js'

describe('recurrentGemma', () => {
  it('alternates recurrent and attention blocks, with a windowed KV cache and a float32 recurrent state', () => {
    const r = analyze({ model_type: 'recurrent_gemma', vocab_size: 10, hidden_size: 16, intermediate_size: 24, num_hidden_layers: 6, num_attention_heads: 2, attention_window_size: 32 })
    expect(r.model?.kvCache).toMatchObject({ layers: 2, kvHeads: 2, headDim: 8, slidingWindow: 32 })
    // conv state 16 × 3 in fp16, RG-LRU state 16 in float32, in 4 recurrent layers
    expect(r.model?.stateCache).toEqual({ layers: 4, convElementsPerLayer: 48, recurrentElementsPerLayer: 16, recurrentDType: 'float32', bytesPerSequenceFp16: 4n * (48n * 2n + 16n * 4n) })
    expect(r.tensors.find((t) => t.name === 'model.normalizer')).toMatchObject({ dtype: 'bfloat16', persistent: false })
    expect(r.tensors.find((t) => t.name === 'model.layers.0.mlp_block.up_proj.weight')?.shape).toEqual([12, 16])
  })
})
