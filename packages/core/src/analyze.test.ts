import { describe, expect, it } from 'vitest'
import { analyze } from './analyze.js'

const tiny = { architectures: ['LlamaForCausalLM'], model_type: 'llama', hidden_size: 64, intermediate_size: 128, num_attention_heads: 4, num_hidden_layers: 2, vocab_size: 100 }

describe('analyze', () => {
  it('stores a config’s parameters in its torch_dtype, and in float32 without one', () => {
    const bf16 = analyze({ ...tiny, torch_dtype: 'bfloat16' })
    const fp32 = analyze(tiny)
    expect(bf16.params.total).toBe(fp32.params.total)
    expect(bf16.params.bytes * 2n).toBe(fp32.params.bytes)
    expect(bf16.tensors.find((t) => t.name.endsWith('inv_freq'))?.dtype).toBe('float32')
  })

  it('calls a bare torchvision builder with its defaults', () => {
    expect(analyze('resnet18').module).toBe('ResNet')
  })
})
