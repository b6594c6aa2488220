import { describe, expect, it } from 'vitest'
import { analyze, analyzeModule } from '../../analyze.js'
import { layers } from '../../layers/index.js'
import type { LayerDefinition } from '../../layers/define-layer.js'
import { ModuleFactory } from './modules.js'

const has = (name: string) => (layers as readonly LayerDefinition[]).some((l) => l.name === name)
const tensorsOf = (node: Parameters<typeof analyzeModule>[0]) => analyzeModule(node, '').tensors.map((t) => [t.name, t.kind, t.shape, t.trainable])

describe('ModuleFactory', () => {
  it('makes the same Linear as nn.Linear, with its layer definition and arguments', () => {
    const f = new ModuleFactory()
    const node = f.linear(3, 5, true)
    const core = analyze('nn.Linear(3, 5)')
    expect(tensorsOf(node)).toEqual(tensorsOf(core.root))
    expect(node.layer).toBe(core.root.layer)
    expect(node.args).toEqual(core.root.args)
    expect([...f.linear(3, 5, false).params]).toEqual([
      ['weight', { kind: 'parameter', shape: [5, 3], dtype: 'float32', requiresGrad: true, persistent: true }],
      ['bias', null],
    ])
  })

  it.runIf(has('Embedding'))('makes the same Embedding as nn.Embedding', () => {
    expect(tensorsOf(new ModuleFactory().embedding(10, 4))).toEqual(tensorsOf(analyze('nn.Embedding(10, 4)').root))
  })

  it.runIf(has('LayerNorm'))('makes the same LayerNorm as nn.LayerNorm, affine or not', () => {
    const f = new ModuleFactory()
    expect(tensorsOf(f.layerNorm(6))).toEqual(tensorsOf(analyze('nn.LayerNorm(6)').root))
    expect(tensorsOf(f.layerNorm(6, { affine: false }))).toEqual(tensorsOf(analyze('nn.LayerNorm(6, elementwise_affine=False)').root))
  })

  it('makes Embedding and LayerNorm modules with PyTorch\'s tensors', () => {
    const f = new ModuleFactory()
    const embedding = f.embedding(10, 4, 'BartScaledWordEmbedding')
    expect(embedding.type).toBe('BartScaledWordEmbedding')
    expect(tensorsOf(embedding)).toEqual([['weight', 'parameter', [10, 4], true]])
    expect(tensorsOf(f.layerNorm(6))).toEqual([
      ['weight', 'parameter', [6], true],
      ['bias', 'parameter', [6], true],
    ])
    expect(tensorsOf(f.layerNorm(6, { bias: false }))).toEqual([['weight', 'parameter', [6], true]])
    expect(tensorsOf(f.layerNorm(6, { affine: false, type: 'OlmoLayerNorm' }))).toEqual([])
  })

  it('stores GPT-2 Conv1D weights as (in, out)', () => {
    expect(tensorsOf(new ModuleFactory().conv1D(4, 12))).toEqual([
      ['weight', 'parameter', [4, 12], true],
      ['bias', 'parameter', [12], true],
    ])
  })

  it('gives a rotary embedding no parameters and non-persistent inv_freq and original_inv_freq buffers', () => {
    const node = new ModuleFactory().rotary('LlamaRotaryEmbedding', 64)
    expect(analyzeModule(node, '').params.total).toBe(0n)
    expect(analyzeModule(node, '').tensors).toMatchObject([
      { name: 'inv_freq', kind: 'buffer', shape: [32], persistent: false },
      { name: 'original_inv_freq', kind: 'buffer', shape: [32], persistent: false },
    ])
  })

  it('prefixes one pair of rotary buffers per attention type', () => {
    const node = new ModuleFactory().rotary('Gemma3RotaryEmbedding', 10, { prefixes: ['full_attention_', 'sliding_attention_'] })
    expect(analyzeModule(node, '').tensors.map((t) => t.name)).toEqual(['full_attention_inv_freq', 'full_attention_original_inv_freq', 'sliding_attention_inv_freq', 'sliding_attention_original_inv_freq'])
  })

  it('ties a head to an embedding so that the weight is counted once', () => {
    const f = new ModuleFactory()
    const embedding = f.embedding(10, 4)
    const head = f.linear(4, 10, false)
    f.tie(head, embedding)
    const root = f.module('Model', [
      ['embed', embedding],
      ['head', head],
    ])
    expect(analyzeModule(root, '').params.total).toBe(40n)
  })

  it('refuses to plan more modules than the limit', () => {
    expect(() => new ModuleFactory().reserve(2_000_000, 'This model')).toThrow('This model needs about 2,000,000 modules; the limit is 100,000.')
  })
})
