import { describe, expect, it } from 'vitest'
import { analyze } from '../../analyze.js'
import { optimizerCatalogue, optimizerNames, optimizerStateBreakdown, optimizerStateBytes, parseOptimizer } from './index.js'
import type { OptimizerTensor } from './index.js'
import { errorOf as optionError } from '../../../test/support.js'

const linear = (out: number, inp: number, dtype: OptimizerTensor['dtype'] = 'float32', trainable = true): OptimizerTensor[] => [
  { name: 'weight', shape: [out, inp], dtype, trainable },
  { name: 'bias', shape: [out], dtype, trainable },
]


describe('parseOptimizer', () => {
  it('reads PyTorch syntax and keeps the given arguments', () => {
    const spec = parseOptimizer('AdamW(lr=1e-4)')
    expect(spec.qualifiedName).toBe('torch.optim.AdamW')
    expect(spec.args['lr']).toBe(1e-4)
    expect(spec.args['weight_decay']).toBe(1e-2)
    expect(spec.text).toBe('torch.optim.AdamW(lr=0.0001)')
  })

  it('reads qualified names, keyword tuples and booleans', () => {
    const spec = parseOptimizer('torch.optim.SGD(lr=0.1, momentum=0.9, nesterov=True)')
    expect(spec.name).toBe('SGD')
    expect(spec.args['nesterov']).toBe(true)
    expect(parseOptimizer('Adam(betas=(0.9, 0.95), amsgrad=True)').args['betas']).toEqual([0.9, 0.95])
  })

  it('accepts the parameters as first argument, then positional arguments in PyTorch order', () => {
    const spec = parseOptimizer('torch.optim.SGD(model.parameters(), 0.1, 0.9)')
    expect(spec.args['lr']).toBe(0.1)
    expect(spec.args['momentum']).toBe(0.9)
  })

  it('reads short names, Hugging Face optim names and bitsandbytes classes', () => {
    expect(parseOptimizer('adamw').qualifiedName).toBe('torch.optim.AdamW')
    expect(parseOptimizer('sgd').qualifiedName).toBe('torch.optim.SGD')
    expect(parseOptimizer('adam8bit').qualifiedName).toBe('bnb.optim.Adam8bit')
    expect(parseOptimizer('paged_adamw_8bit').qualifiedName).toBe('bnb.optim.PagedAdamW8bit')
    expect(parseOptimizer('bnb.optim.AdamW8bit()').library).toBe('bitsandbytes')
    expect(parseOptimizer('lion').qualifiedName).toBe('lion_pytorch.Lion')
    expect(parseOptimizer('transformers.Adafactor(beta1=0.9)').library).toBe('transformers')
  })

  it('evaluates constant arithmetic without running code', () => {
    expect(parseOptimizer('Adam(lr=3e-4 * 2)').args['lr']).toBeCloseTo(6e-4, 12)
    expect(parseOptimizer('Adam(lr=-0.0 + 1)').args['lr']).toBe(1)
  })

  it('raises PyTorch\'s own error for nesterov without momentum, pointing at the argument', () => {
    const text = 'SGD(lr=0.1, nesterov=True)'
    const e = optionError(() => parseOptimizer(text))
    expect(e.code).toBe('option')
    expect(e.message).toContain('Nesterov momentum requires a momentum and zero dampening')
    expect(text.slice(e.span!.start, e.span!.end)).toBe('True')
  })

  it('raises PyTorch\'s own errors for invalid hyper-parameters', () => {
    expect(optionError(() => parseOptimizer('SGD(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True)')).message).toContain('Nesterov momentum requires a momentum and zero dampening')
    expect(optionError(() => parseOptimizer('Adam(betas=(1.0, 0.9))')).message).toContain('Invalid beta parameter at index 0: 1.0')
    expect(optionError(() => parseOptimizer('Adam(eps=-1e-5)')).message).toContain('Invalid epsilon value: -1e-05')
    expect(optionError(() => parseOptimizer('RMSprop(lr=-1)')).message).toContain('Invalid learning rate: -1.0')
    expect(optionError(() => parseOptimizer('Adadelta(rho=1.5)')).message).toContain('Invalid rho value: 1.5')
    expect(optionError(() => parseOptimizer('Rprop(etas=(1.5, 2))')).message).toContain('Invalid eta values: 1.5, 2.0')
    expect(optionError(() => parseOptimizer('SparseAdam(lr=0)')).message).toContain('Invalid learning rate: 0.0')
    expect(optionError(() => parseOptimizer('bnb.optim.AdamW8bit(amsgrad=True)')).message).toContain('AdamW8bit does not support amsgrad=True')
    expect(optionError(() => parseOptimizer('transformers.Adafactor(lr=1e-3)')).message).toContain('Cannot combine manual `lr` and `relative_step=True` options')
    expect(optionError(() => parseOptimizer('Adafactor(d=0.5)')).message).toContain('Clipping threshold d should be >= 1 but is: 0.5')
  })

  it('suggests the closest optimizer for an unknown name', () => {
    const e = optionError(() => parseOptimizer('AdamWW(lr=1e-4)'))
    expect(e.code).toBe('option')
    expect(e.field).toBe('optimizer')
    expect(e.message).toContain('Unknown optimizer `AdamWW`')
    expect(e.suggestions).toContain('AdamW')
    expect(e.span).toEqual({ start: 0, end: 6 })
    expect(optionError(() => parseOptimizer('adamx')).suggestions.length).toBeGreaterThan(0)
    expect(optionError(() => parseOptimizer('torch.optim.Adamm()')).message).toContain('Unknown optimizer `torch.optim.Adamm`')
  })

  it('suggests the closest argument for an unknown keyword, with its span', () => {
    const e = optionError(() => parseOptimizer('AdamW(lrr=1e-4)'))
    expect(e.code).toBe('option')
    expect(e.message).toContain('has no argument `lrr`')
    expect(e.suggestions).toEqual(['lr'])
    expect(e.span).toEqual({ start: 6, end: 14 })
  })

  it('rejects non-constant values, a bare positional learning rate, syntax errors and empty text', () => {
    expect(optionError(() => parseOptimizer('AdamW(lr=x)')).message).toContain('Only constants')
    expect(optionError(() => parseOptimizer('SGD(0.1)')).message).toContain('first argument of `SGD` is the parameters')
    expect(optionError(() => parseOptimizer('AdamW(lr=')).code).toBe('option')
    expect(optionError(() => parseOptimizer('  ')).message).toContain('empty')
    expect(optionError(() => parseOptimizer('Adam(**kw)')).message).toContain('`**kwargs`')
    expect(optionError(() => parseOptimizer('Adam(betas=0.9)')).message).toContain('tuple of 2 numbers')
    expect(optionError(() => parseOptimizer('Adam(lr=1e308 * 10)')).message).toContain('finite')
    expect(optionError(() => parseOptimizer(42 as unknown as string)).code).toBe('option')
  })
})

describe('optimizerStateBytes', () => {
  // Values below were read from PyTorch 1.13 and 2.13 (`opt.state` after one step) for nn.Linear(8, 4).
  it('matches torch.optim for float32, bfloat16 and float64 parameters', () => {
    expect(optimizerStateBytes(linear(4, 8), 'Adam()')).toBe(296n)
    expect(optimizerStateBytes(linear(4, 8, 'bfloat16'), 'Adam()')).toBe(152n)
    expect(optimizerStateBytes(linear(4, 8, 'float64'), 'Adam()')).toBe(584n)
    expect(optimizerStateBytes(linear(4, 8, 'bfloat16'), 'NAdam()')).toBe(160n)
    expect(optimizerStateBytes(linear(4, 8, 'bfloat16'), 'ASGD()')).toBe(96n)
    expect(optimizerStateBytes(linear(4, 8, 'float64'), 'Adagrad()')).toBe(296n)
    const torch113 = (text: string) => parseOptimizer(text, { torch: '1.13' })
    expect(optimizerStateBytes(linear(4, 8, 'float64'), torch113('RMSprop(momentum=0.9, centered=True)'))).toBe(864n)
    expect(optimizerStateBytes(linear(4, 8), torch113('RMSprop(momentum=0.5)'))).toBe(288n)
    expect(optimizerStateBytes(linear(4, 8, 'bfloat16'), torch113('Rprop()'))).toBe(144n)
    expect(optimizerStateBytes(linear(4, 8), 'SGD(lr=0.1)')).toBe(0n)
  })

  it('keeps a float32 `step` tensor per parameter in RMSprop, Adadelta and Rprop since PyTorch 2.0', () => {
    // PyTorch 2.13: `step` is `torch.zeros(())` (float32) for each of the 2 parameters of nn.Linear(8, 4)
    expect(optimizerStateBytes(linear(4, 8, 'float64'), 'RMSprop(momentum=0.9, centered=True)')).toBe(864n + 8n)
    expect(optimizerStateBytes(linear(4, 8), 'RMSprop(momentum=0.5)')).toBe(288n + 8n)
    expect(optimizerStateBytes(linear(4, 8, 'bfloat16'), 'Rprop()')).toBe(144n + 8n)
    expect(optimizerStateBreakdown(linear(4, 8), 'Adadelta()').entries.map((e) => [e.name, e.elements])).toEqual([
      ['step', 2n],
      ['square_avg', 36n],
      ['acc_delta', 36n],
    ])
    expect(optimizerStateBreakdown(linear(4, 8), parseOptimizer('Adadelta()', { torch: '1.13' })).entries.map((e) => e.name)).toEqual(['square_avg', 'acc_delta'])
    expect(parseOptimizer('rmsprop').accounting).toMatch(/^`step` \(float32 scalar\)/)
    expect(parseOptimizer('rmsprop', { torch: '1.13' }).accounting).toContain('Python int (0 bytes) in PyTorch 1.13')
  })

  it('knows which torch.optim classes a PyTorch release has', () => {
    expect(parseOptimizer('Adafactor()').qualifiedName).toBe('torch.optim.Adafactor')
    const e = optionError(() => parseOptimizer('Adafactor()', { torch: '1.13' }))
    expect(e.message).toBe('`torch.optim.Adafactor` is new in PyTorch 2.5; it does not exist in PyTorch 1.13.')
    expect(e.field).toBe('optimizer')
    expect(e.span).toEqual({ start: 0, end: 11 })
    expect(parseOptimizer('transformers.Adafactor()', { torch: '1.13' }).library).toBe('transformers')
    expect(parseOptimizer('AdamW', { torch: '1.13' }).torch).toBe('1.13')
  })

  it('gives frozen parameters no state, except Adagrad which creates it in its constructor', () => {
    const { tensors } = analyze('nn.Sequential(nn.Sequential(nn.Linear(64, 64), nn.ReLU()).requires_grad_(False), nn.Linear(64, 2))')
    expect(optimizerStateBytes(tensors, 'Adam()')).toBe(1048n)
    expect(optimizerStateBytes(tensors, 'Adagrad()')).toBe(17176n)
  })

  it('skips buffers', () => {
    const tensors: OptimizerTensor[] = [...linear(4, 8), { name: 'running_mean', shape: [4], dtype: 'float32', trainable: false, kind: 'buffer' }]
    expect(optimizerStateBytes(tensors, 'Adagrad()')).toBe(152n)
  })

  it('counts LBFGS\'s full history over all parameters, frozen included (PyTorch: 1596 B for history 3)', () => {
    const tensors: OptimizerTensor[] = [...linear(8, 4, 'float32', false), ...linear(1, 8)]
    expect(optimizerStateBytes(tensors, 'LBFGS(history_size=3)')).toBe(1596n)
    expect(optimizerStateBytes([...linear(16, 8), ...linear(1, 16)], 'LBFGS(history_size=5)')).toBe(7772n)
  })

  it('counts SparseAdam\'s dense moments for sparse-gradient weights and rejects dense gradients with PyTorch\'s error', () => {
    expect(optimizerStateBytes([{ name: 'weight', shape: [10, 4], dtype: 'float32', trainable: true, sparseGradient: true }], 'SparseAdam()')).toBe(320n)
    const e = optionError(() => optimizerStateBytes(linear(2, 3), 'SparseAdam()'))
    expect(e.message).toContain('SparseAdam does not support dense gradients, please consider Adam instead')
  })

  it('factors Adafactor\'s second moment into rows and columns for matrices', () => {
    // weight (4, 8): step 4 + row_var 4 × 4 + col_var 8 × 4; bias (4,): step 4 + variance 4 × 4
    expect(optimizerStateBytes(linear(4, 8), 'Adafactor()')).toBe(4n + 16n + 32n + 4n + 16n)
    const conv: OptimizerTensor[] = [{ name: 'weight', shape: [16, 8, 3, 3], dtype: 'float32', trainable: true }]
    // row_var (16, 8, 3, 1) = 384 elements, col_var (16, 8, 1, 3) = 384 elements
    expect(optimizerStateBytes(conv, 'Adafactor()')).toBe(4n + 384n * 4n + 384n * 4n)
  })

  it('keeps Hugging Face Adafactor\'s state in float32 for half parameters and adds exp_avg with beta1', () => {
    const t = linear(4, 8, 'bfloat16')
    expect(optimizerStateBytes(t, 'transformers.Adafactor()')).toBe((4n + 8n + 4n) * 4n)
    expect(optimizerStateBytes(t, 'transformers.Adafactor(beta1=0.9)')).toBe((4n + 8n + 4n + 32n + 4n) * 4n)
  })

  it('counts one momentum for Lion, two moments for LAMB and Sophia (plus its step), four tensors for Adan', () => {
    expect(optimizerStateBytes(linear(4, 8), 'lion')).toBe(36n * 4n)
    expect(optimizerStateBytes(linear(4, 8), 'lamb')).toBe(2n * 36n * 4n)
    expect(optimizerStateBytes(linear(4, 8), 'sophia')).toBe(2n * 36n * 4n + 2n * 4n)
    expect(optimizerStateBytes(linear(4, 8), 'adan')).toBe(4n * 36n * 4n)
  })

  it('gives torch.optim.Muon a momentum buffer per 2-D parameter and refuses others as PyTorch 2.13 does', () => {
    expect(optimizerStateBytes([linear(4, 8)[0]!], 'Muon()')).toBe(32n * 4n)
    // torch.optim.Muon(nn.Linear(8, 4).parameters()) raises
    // ValueError: Muon only supports 2D parameters whereas we found a parameter with size: torch.Size([4])
    expect(() => optimizerStateBytes(linear(4, 8), 'Muon()')).toThrow(/^Muon only supports 2D parameters whereas we found a parameter with size: torch\.Size\(\[4\]\) \(PyTorch's error\): `bias` has 1 dimension\. .*`MuonWithAuxAdam` \(`muon_aux_adam`\)/)
    const conv: OptimizerTensor[] = [{ name: 'conv.weight', shape: [8, 3, 3, 3], dtype: 'float32', trainable: true }]
    expect(() => optimizerStateBytes(conv, 'Muon()')).toThrow(/torch\.Size\(\[8, 3, 3, 3\]\).*`conv\.weight` has 4 dimensions/)
    // frozen parameters are not given to the optimizer
    expect(optimizerStateBytes([linear(4, 8)[0]!, { ...linear(4, 8)[1]!, trainable: false }], 'Muon()')).toBe(128n)
  })

  it('splits the reference MuonWithAuxAdam: Muon for hidden matrices, AdamW for embeddings, the head, norms and biases', () => {
    const tensors: OptimizerTensor[] = [
      { name: 'embed_tokens.weight', shape: [10, 4], dtype: 'float32', trainable: true, moduleType: 'Embedding' },
      { name: 'layers.0.proj.weight', shape: [4, 4], dtype: 'float32', trainable: true, moduleType: 'Linear' },
      { name: 'layers.0.proj.bias', shape: [4], dtype: 'float32', trainable: true, moduleType: 'Linear' },
      { name: 'layers.0.norm.weight', shape: [4], dtype: 'float32', trainable: true, moduleType: 'LayerNorm' },
      { name: 'lm_head.weight', shape: [10, 4], dtype: 'float32', trainable: true, moduleType: 'Linear' },
      // an embedding table named as such, without a module type: still AdamW's
      { name: 'wpe.weight', shape: [4, 4], dtype: 'float32', trainable: true },
    ]
    const r = optimizerStateBreakdown(tensors, 'MuonWithAuxAdam(param_groups)')
    expect(r.optimizer.qualifiedName).toBe('muon.MuonWithAuxAdam')
    expect(r.entries.map((e) => [e.name, e.elements, e.tensors])).toEqual([
      ['exp_avg', 40n + 4n + 4n + 40n + 16n, 5],
      ['exp_avg_sq', 40n + 4n + 4n + 40n + 16n, 5],
      ['momentum_buffer', 16n, 1],
    ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)) as unknown[])
    expect(r.bytes).toBe((2n * 104n + 16n) * 4n)
    expect(parseOptimizer('muon_aux_adam').name).toBe('MuonWithAuxAdam')
  })

  it('stores bitsandbytes 8-bit states in uint8 with a float32 scale per 256 elements: ≈ 2.03 bytes per parameter', () => {
    const big: OptimizerTensor[] = [{ name: 'weight', shape: [4096, 4096], dtype: 'bfloat16', trainable: true }]
    const bytes = optimizerStateBytes(big, 'adam8bit')
    const n = 4096n * 4096n
    expect(bytes).toBe(2n * n + 2n * (n / 256n) * 4n + 2n * 256n * 4n)
    expect(Number(bytes) / Number(n)).toBeCloseTo(2.03, 2)
  })

  it('keeps bitsandbytes states in float32 below min_8bit_size (4096 elements) and in 32-bit variants', () => {
    const small = linear(4, 8, 'bfloat16')
    expect(optimizerStateBytes(small, 'adamw8bit')).toBe(36n * 8n)
    expect(optimizerStateBytes(small, 'bnb.optim.AdamW()')).toBe(36n * 8n)
    expect(optimizerStateBytes(small, 'bnb.optim.Lion8bit()')).toBe(36n * 4n)
    const big: OptimizerTensor[] = [{ name: 'weight', shape: [1000, 1000], dtype: 'float32', trainable: true }]
    expect(optimizerStateBytes(big, 'bnb.optim.Adam(optim_bits=8)')).toBe(optimizerStateBytes(big, 'bnb.optim.Adam8bit()'))
    expect(optimizerStateBytes(big, 'bnb.optim.Adam8bit(min_8bit_size=2000000)')).toBe(8_000_000n)
    expect(optimizerStateBytes(big, 'bnb.optim.PagedLion8bit()')).toBe(1_000_000n + 3907n * 4n + 1024n)
  })

  it('matches the nn.Linear example of the reference', () => {
    expect(optimizerStateBytes(analyze('nn.Linear(500, 768)').tensors, 'Adam()')).toBe(3078152n)
  })
})

describe('optimizerStateBreakdown', () => {
  it('lists each state entry with its dtype, elements and tensors', () => {
    const b = optimizerStateBreakdown(linear(4, 8), 'Adam(amsgrad=True)')
    expect(b.entries.map((e) => [e.name, e.dtype, e.elements, e.tensors])).toEqual([
      ['step', 'float32', 2n, 2],
      ['exp_avg', 'float32', 36n, 2],
      ['exp_avg_sq', 'float32', 36n, 2],
      ['max_exp_avg_sq', 'float32', 36n, 2],
    ])
    expect(b.bytes).toBe(440n)
    expect(b.statefulParameters).toBe(2)
  })

  it('counts shared state once (bitsandbytes quantisation maps)', () => {
    const b = optimizerStateBreakdown([{ name: 'w', shape: [64, 128], dtype: 'float32', trainable: true }, { name: 'v', shape: [64, 128], dtype: 'float32', trainable: true }], 'adam8bit')
    expect(b.entries.find((e) => e.name === 'qmap1')).toMatchObject({ elements: 256n, tensors: 1 })
  })

  it('refuses a spec not made by parseOptimizer', () => {
    const fake = { ...parseOptimizer('adam') }
    expect(optionError(() => optimizerStateBreakdown(linear(4, 8), fake)).code).toBe('option')
  })
})

describe('optimizerNames', () => {
  it('lists short names and class names for help text', () => {
    const names = optimizerNames()
    for (const n of ['adamw', 'sgd', 'adam_8bit', 'lion', 'torch.optim.LBFGS', 'bnb.optim.PagedAdamW8bit', 'torch.optim.Adafactor']) expect(names).toContain(n)
  })
})

describe('optimizerCatalogue', () => {
  it('documents every optimizer with its accounting and a source', () => {
    expect(optimizerCatalogue.length).toBeGreaterThanOrEqual(30)
    for (const entry of optimizerCatalogue) {
      expect(entry.accounting.length).toBeGreaterThan(20)
      expect(entry.source).toMatch(/^https:\/\//)
    }
  })
})
