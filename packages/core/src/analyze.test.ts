import { describe, expect, it } from 'vitest'
import { analyze } from './analyze.js'
import { analyzeExpression, mayNeedModels } from './analysis.js'
import { errorOf } from '../test/support.js'

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


describe('analyze refuses what it cannot take with typed errors that name the field', () => {
  it('checks the options before building anything', () => {
    expect(errorOf(() => analyze('nn.Linear(2, 3)', { input: 5 as never }))).toMatchObject({ code: 'option', field: 'input', reason: expect.stringContaining('got number `5`') })
    expect(errorOf(() => analyze('nn.Linear(2, 3)', { input: {} as never }))).toMatchObject({ code: 'option', field: 'input' })
    expect(errorOf(() => analyze('nn.Linear(2, 3)', { input: [[2, 3], 'x'] as never }))).toMatchObject({ code: 'option', field: 'input' })
    expect(errorOf(() => analyze('nn.Linear(2, 3)', null as never))).toMatchObject({ code: 'option', message: expect.stringContaining('got null') })
    expect(errorOf(() => analyze('nn.Linear(2, 3)', { device: 'tpu' as never }))).toMatchObject({ code: 'option', field: 'device', message: '`device` must be `cpu` or `cuda`, got string `tpu`.' })
    expect(errorOf(() => analyze('nn.Linear(2, 3)', { torch: '3.0' as never }))).toMatchObject({ code: 'option', field: 'torch' })
    expect(errorOf(() => analyze(new String('nn.Linear(2, 3)') as never))).toMatchObject({ code: 'type', field: 'source' })
    expect(analyze('nn.Linear(2, 3)', { input: [[4, 2]], device: 'cpu', torch: '1.13' }).forward?.outputs[0]?.shape).toEqual([4, 3])
  })

  it('names the input field for a malformed shape, and keeps the place of an input the model cannot take', () => {
    expect(errorOf(() => analyze('nn.Linear(2, 3)', { input: '1,abc' }))).toMatchObject({ code: 'option', field: 'input' })
    const e = errorOf(() => analyze('nn.Conv2d(1, 2, 3)', { input: '1,2' }))
    expect(e.code).toBe('shape')
    expect(e.span).toEqual({ start: 0, end: 18 })
  })
})

describe('analyze suggests what was meant, and nothing misleading', () => {
  it('points a torchvision name written as a model id at the builder', () => {
    const e = errorOf(() => analyze('resnet-50'))
    expect(e).toMatchObject({ code: 'unknown-model', suggestions: ['resnet50'], span: { start: 0, end: 9 } })
    expect(e.message).toBe("No model named `resnet-50`. Did you mean torchvision's `resnet50`?")
  })
  it('does not take Keras or TensorFlow names for PyTorch ones', () => {
    expect(errorOf(() => analyze('Dense(128)')).suggestions).toEqual([])
    expect(errorOf(() => analyze('tf.keras.layers.Dense(128)')).suggestions).toEqual([])
  })
})

describe('analyzeExpression and mayNeedModels', () => {
  it('answers expressions of layers without the model collections, and says when they may help', () => {
    expect(analyzeExpression('nn.Linear(4, 2)', { input: '3,4' }).forward?.outputs[0]?.shape).toEqual([3, 2])
    const builder = errorOf(() => analyzeExpression('resnet18()'))
    expect(builder.code).toBe('unknown-name')
    expect(mayNeedModels('resnet18()', builder)).toBe(true)
    expect(mayNeedModels('torchvision.models.vgg11()', errorOf(() => analyzeExpression('torchvision.models.vgg11()')))).toBe(true)
    expect(mayNeedModels('llama-3.1-8b')).toBe(true)
    expect(mayNeedModels('{"model_type": "gpt2"}')).toBe(true)
    expect(mayNeedModels('nn.Conv2D(1, 2, 3)', errorOf(() => analyzeExpression('nn.Conv2D(1, 2, 3)')))).toBe(false)
    expect(mayNeedModels('nn.Linear(4, 2', errorOf(() => analyzeExpression('nn.Linear(4, 2')))).toBe(false)
  })
})
