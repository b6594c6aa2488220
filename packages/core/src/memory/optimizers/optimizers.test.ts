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
    // transformers 5.18, nn.Linear(8, 4, dtype=torch.bfloat16): 72 B (row 4 + col 8 + exp_avg_sq 4 elements, and a
    // 0-dim float32 `RMS` per parameter), 216 B with beta1=0.9 (+ exp_avg 36 elements)
    const t = linear(4, 8, 'bfloat16')
    expect(optimizerStateBytes(t, 'transformers.Adafactor()')).toBe(72n)
    expect(optimizerStateBytes(t, 'transformers.Adafactor(beta1=0.9)')).toBe(216n)
    // float64 parameters keep it in float64: 144 B
    expect(optimizerStateBytes(linear(4, 8, 'float64'), 'transformers.Adafactor()')).toBe(144n)
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
    // the constructor checks every parameter it is given, frozen ones too (PyTorch 2.13, nn.Linear(50, 30) with a
    // frozen bias: "Muon only supports 2D parameters whereas we found a parameter with size: torch.Size([30])")
    expect(() => optimizerStateBytes([linear(30, 50)[0]!, { ...linear(30, 50)[1]!, trainable: false }], 'Muon()')).toThrow(/torch\.Size\(\[30\]\) \(PyTorch's error\): `bias` has 1 dimension \(frozen, but given to the optimizer/)
    // given the weight's submodule only, it keeps 6,000 B (PyTorch: Muon([m.weight]) after one step)
    const model = analyze('nn.Sequential(nn.Linear(50, 30, bias=False), nn.LayerNorm(30))')
    expect(optimizerStateBytes(model.tensors, 'Muon(model[0].parameters())')).toBe(6000n)
    // step() refuses complex parameters: nn.Linear(4, 4, bias=False, dtype=torch.cfloat)
    const complex: OptimizerTensor[] = [{ name: 'weight', shape: [4, 4], dtype: 'complex64', trainable: true }]
    expect(() => optimizerStateBytes(complex, 'Muon()')).toThrow(/^Muon does not support complex parameters \(PyTorch's error\): `weight` is complex64/)
    // … but not frozen ones, which get no gradient (PyTorch: 0 B)
    expect(optimizerStateBytes([{ ...complex[0]!, trainable: false }], 'Muon()')).toBe(0n)
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

describe('the parameters argument', () => {
  // PyTorch 2.13, model = nn.Sequential(nn.Linear(50, 30), nn.Linear(30, 10)), one forward/backward and step() on the CPU
  const two = analyze('nn.Sequential(nn.Linear(50, 30), nn.Linear(30, 10))').tensors

  it('gives the optimizer one submodule\'s parameters: those named after its path', () => {
    expect(optimizerStateBytes(two, 'Adam(model[1].parameters())')).toBe(2488n)
    expect(optimizerStateBytes(two, 'SGD(model[0].parameters(), lr=0.1, momentum=0.9)')).toBe(6120n)
    expect(optimizerStateBytes(two, 'Adagrad(model[1].parameters())')).toBe(1248n)
    expect(optimizerStateBytes(two, 'LBFGS(model[1].parameters(), history_size=2)')).toBe(7460n)
    expect(optimizerStateBytes(two, 'Adam(params=model[1].parameters())')).toBe(2488n)
    expect(optimizerStateBytes(two, 'Adam(list(model[1].named_parameters()))')).toBe(2488n)
    const spec = parseOptimizer('torch.optim.Adam(net[1].parameters(), lr=1e-4)')
    expect(spec.parameters).toEqual({ module: '1', python: 'model[1].parameters()' })
    expect(spec.text).toBe('torch.optim.Adam(model[1].parameters(), lr=0.0001)')
  })

  it('counts every parameter for the whole model, however it is written', () => {
    for (const text of ['Adam()', 'Adam(model.parameters())', 'Adam(m.parameters())', 'Adam(self.named_parameters())', 'Adam(params)', 'Adam(params=model.parameters())']) {
      expect([text, optimizerStateBytes(two, text)]).toEqual([text, 14736n])
      expect(parseOptimizer(text).text).toBe('torch.optim.Adam()')
    }
  })

  it('follows attribute, index and key paths, and tied weights under their other names', () => {
    // model.enc['a'][1] of a ModuleDict of a Sequential: nn.Linear(4, 2), 88 B with Adam
    const source = "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.enc = nn.ModuleDict({'a': nn.Sequential(nn.Linear(4, 4), nn.Linear(4, 2))})\n        self.head = nn.Linear(2, 3)\n\nM()"
    const { tensors } = analyze(source)
    expect(optimizerStateBytes(tensors, "Adam(model.enc['a'][1].parameters())")).toBe(88n)
    expect(parseOptimizer("Adam(model.enc['a'][1].parameters())").parameters).toEqual({ module: 'enc.a.1', python: "model.enc['a'][1].parameters()" })
    // head.weight tied to emb.weight: named_parameters() lists it as emb.weight; Adam(model.head.parameters()) holds 324 B
    const tied: OptimizerTensor[] = [
      { name: 'emb.weight', shape: [10, 4], dtype: 'float32', trainable: true, aliases: ['head.weight'] },
      { name: 'body.weight', shape: [4, 4], dtype: 'float32', trainable: true },
    ]
    expect(optimizerStateBytes(tied, 'Adam(model.head.parameters())')).toBe(324n)
  })

  it('refuses a submodule without parameters, with PyTorch\'s reason and the paths that have some', () => {
    const e = optionError(() => optimizerStateBytes(two, 'Adam(model.fc.parameters())'))
    expect(e.message).toContain('`model.fc.parameters()` has no parameters in this model')
    expect(e.message).toContain('optimizer got an empty parameter list')
    expect(optionError(() => optimizerStateBytes(two, 'Adam(model[2].parameters())')).message).toContain('Its top-level submodules with parameters: `0`, `1`.')
    const nested = analyze("class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.encoder = nn.Sequential(nn.Linear(4, 4))\n\nM()").tensors
    expect(optionError(() => optimizerStateBytes(nested, 'Adam(model.encodr.parameters())')).suggestions).toEqual(['encoder'])
  })

  it('refuses filters, lists, parameter groups and paths it cannot follow, never counting the whole model', () => {
    const comprehension = 'Adam([p for p in model.parameters() if p.ndim == 2])'
    const e = optionError(() => parseOptimizer(comprehension))
    expect(e.message).toMatch(/^`\[p for p in model\.parameters\(\) if p\.ndim == 2\]` selects parameters by a condition, which nnsize does not evaluate\. Give `model\.parameters\(\)`/)
    expect(comprehension.slice(e.span!.start, e.span!.end)).toBe('[p for p in model.parameters() if p.ndim == 2]')
    const groups = optionError(() => parseOptimizer("AdamW([{'params': model[0].parameters()}, {'params': model[1].parameters(), 'lr': 1e-4}])"))
    expect(groups.message).toMatch(/^Parameter groups \(a list of dicts with their own hyper-parameters\) are not supported/)
    expect(groups.message).not.toContain('lr=[')
    expect(optionError(() => parseOptimizer('Adam(filter(lambda p: p.requires_grad, model.parameters()))')).message).toContain('selects parameters by a condition')
    expect(optionError(() => parseOptimizer('Adam(model[-1].parameters())')).message).toContain('only a non-negative index or a key selects a submodule here')
    expect(optionError(() => parseOptimizer('Adam(model[1:].parameters())')).message).toContain('not `1:`')
    expect(optionError(() => parseOptimizer('Adam(model.parameters(recurse=False))')).message).toContain('`recurse=False`')
    expect(optionError(() => parseOptimizer('Adam(decay_params)')).message).toContain('`decay_params` is not a set of parameters nnsize can read')
    expect(optionError(() => parseOptimizer('Adam(model.parameters(), params=model.parameters())')).message).toContain('multiple values for argument `params`')
  })
})

describe('checks PyTorch makes on the parameters', () => {
  const embedding: OptimizerTensor[] = [{ name: 'weight', shape: [100, 16], dtype: 'float32', trainable: true, sparseGradient: true }]

  it('refuses sparse gradients where step() does, with its message', () => {
    // PyTorch 2.13, nn.Embedding(100, 16, sparse=True)
    const refusals: Array<[string, string]> = [
      ['Adam()', 'Adam does not support sparse gradients, please consider SparseAdam instead'],
      ['AdamW()', 'Adam does not support sparse gradients, please consider SparseAdam instead'],
      ['RMSprop()', 'RMSprop does not support sparse gradients'],
      ['Adafactor()', 'Adafactor does not support sparse gradients'],
      ['NAdam()', 'NAdam does not support sparse gradients'],
      ['ASGD()', 'ASGD does not support sparse gradients'],
      ['Rprop()', 'Rprop does not support sparse gradients'],
      ['Adadelta()', 'Adadelta does not support sparse gradients'],
      ['Adamax()', 'Adamax does not support sparse gradients'],
      ['RAdam()', 'RAdam does not support sparse gradients'],
      ['Muon()', 'Muon does not support sparse gradients'],
      ['SGD(momentum=0.9, fused=True)', '`_fused_sgd` does not support sparse gradients'],
      ['Adagrad(fused=True)', '`fused` does not support sparse grad or complex param'],
      ['transformers.Adafactor()', 'Adafactor does not support sparse gradients.'],
    ]
    for (const [text, message] of refusals) {
      const e = optionError(() => optimizerStateBytes(embedding, text))
      expect([text, e.message.slice(0, message.length + " (PyTorch's error)".length)]).toEqual([text, `${message} (PyTorch's error)`])
      expect(e.field).toBe('optimizer')
    }
    expect(optionError(() => optimizerStateBytes(embedding, 'Adam()')).message).toContain('`SGD`, `Adagrad`, `SparseAdam`, `LBFGS` accept sparse gradients')
  })

  it('accepts them in SGD, Adagrad and SparseAdam, and ignores frozen sparse weights', () => {
    // PyTorch 2.13: SGD(momentum=0.9) 6,400 B (a sparse momentum buffer, numel × element_size), Adagrad 6,404 B, SparseAdam 12,800 B
    expect(optimizerStateBytes(embedding, 'SGD(lr=0.1, momentum=0.9)')).toBe(6400n)
    expect(optimizerStateBytes(embedding, 'Adagrad()')).toBe(6404n)
    expect(optimizerStateBytes(embedding, 'SparseAdam()')).toBe(12800n)
    expect(optimizerStateBytes([{ ...embedding[0]!, trainable: false }], 'Adam()')).toBe(0n)
  })

  it('refuses complex parameters in Adafactor and fused kernels, and views them as real in LBFGS', () => {
    // PyTorch 2.13, nn.Linear(4, 4, dtype=torch.cfloat)
    const complex: OptimizerTensor[] = [
      { name: 'weight', shape: [4, 4], dtype: 'complex64', trainable: true },
      { name: 'bias', shape: [4], dtype: 'complex64', trainable: true },
    ]
    expect(optionError(() => optimizerStateBytes(complex, 'Adafactor()')).message).toMatch(/^Adafactor does not support complex parameters \(PyTorch's error\): `weight` is complex64/)
    const fused = "`fused=True` requires all the params to be floating point Tensors of supported devices: ['mps', 'cuda', 'xpu', 'hpu', 'cpu', 'mtia', 'privateuseone'] but torch.complex64 and cpu (PyTorch's error): `weight` is complex64"
    for (const text of ['Adam(fused=True)', 'AdamW(fused=True)', 'Adagrad(fused=True)', 'SGD(lr=0.1, momentum=0.9, fused=True)']) {
      expect(optionError(() => optimizerStateBytes(complex, text, { device: 'cpu' })).message).toMatch(new RegExp(`^${fused.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
    }
    // SGD and Adagrad check the first parameter only; a later complex one fails in the kernel
    const mixed: OptimizerTensor[] = [{ name: 'a', shape: [3], dtype: 'float32', trainable: true }, ...complex.map((t) => ({ ...t, name: `l.${t.name}` }))]
    expect(optionError(() => optimizerStateBytes(mixed, 'Adagrad(fused=True)')).message).toMatch(/^`fused` does not support sparse grad or complex param/)
    expect(optionError(() => optimizerStateBytes(mixed, 'SGD(lr=0.1, momentum=0.9, fused=True)')).message).toMatch(/^"fused_sgd_kernel" not implemented for 'ComplexFloat'/)
    expect(optionError(() => optimizerStateBytes(mixed, 'Adam(fused=True)')).message).toContain('`l.weight` is complex64')
    // the others accept them: Adam 328 B, Adagrad 168 B
    expect(optimizerStateBytes(complex, 'Adam()')).toBe(328n)
    expect(optimizerStateBytes(complex, 'Adagrad()')).toBe(168n)
    // LBFGS flattens complex gradients as real float32 pairs: d, prev_flat_grad 40 elements, history 2 × 40 each, and
    // ro, al, H_diag float32: 980 B; with a float32 (3,) parameter first, 1,052 B, frozen complex bias or not
    expect(optimizerStateBytes(complex, 'LBFGS(history_size=2)')).toBe(980n)
    expect(optimizerStateBytes(mixed, 'LBFGS(history_size=2)')).toBe(1052n)
    expect(optimizerStateBytes(mixed.map((t) => (t.name === 'l.bias' ? { ...t, trainable: false } : t)), 'LBFGS(history_size=2)')).toBe(1052n)
  })
})

describe('constructor and step() flags', () => {
  it('refuses fused with foreach or differentiable, with PyTorch\'s messages', () => {
    for (const name of ['Adam', 'AdamW', 'SGD', 'Adagrad']) {
      expect(optionError(() => parseOptimizer(`${name}(fused=True, foreach=True)`)).message).toBe(`\`torch.optim.${name}\`: \`fused\` and \`foreach\` cannot be \`True\` together.`)
      const e = optionError(() => parseOptimizer(`${name}(fused=True, differentiable=True)`))
      expect(e.message).toBe(`\`torch.optim.${name}\`: \`fused\` does not support \`differentiable\`.`)
    }
    expect(parseOptimizer('Adam(fused=True, foreach=False)').name).toBe('Adam')
  })

  it('refuses capturable=True on the CPU, with the message of the path step() takes, and accepts it on CUDA', () => {
    const t = linear(4, 8)
    const cpu = { device: 'cpu' } as const
    expect(optionError(() => optimizerStateBytes(t, 'Adam(capturable=True)', cpu)).message).toMatch(/^If capturable=True, params and state_steps must be on supported devices: \['cuda', 'xpu', 'hpu', 'privateuseone', 'xla'\]\. \(PyTorch's error\)/)
    expect(optionError(() => optimizerStateBytes(t, 'Adam(capturable=True, foreach=True)', cpu)).message).toContain("['cuda', 'xpu', 'hpu', 'privateuseone'].")
    expect(optionError(() => optimizerStateBytes(t, 'NAdam(capturable=True)', cpu)).message).toContain('If capturable=True, params, mu_products and state_steps must be on supported devices')
    expect(optionError(() => optimizerStateBytes(t, 'ASGD(capturable=True)', cpu)).message).toContain('If capturable=True, params, mus, etas, and state_steps must be on supported devices')
    expect(optionError(() => optimizerStateBytes(t, 'Adadelta(capturable=True)', cpu)).message).toContain("['cuda', 'xpu', 'hpu', 'privateuseone'].")
    expect(optionError(() => optimizerStateBytes(t, 'RMSprop(capturable=True, foreach=True)', cpu)).message).toContain("'privateuseone', 'xla'].")
    // fused takes its own path; frozen parameters are not checked; on CUDA (the default) it is valid
    expect(optimizerStateBytes(t, 'Adam(fused=True, capturable=True)', cpu)).toBe(296n)
    expect(optimizerStateBytes(linear(4, 8, 'float32', false), 'Adam(capturable=True)', cpu)).toBe(0n)
    expect(optimizerStateBytes(t, 'Adam(capturable=True)')).toBe(296n)
  })

  it('reads Hugging Face\'s adamw_torch_fused as AdamW(fused=True), its step beside the parameters', () => {
    const spec = parseOptimizer('adamw_torch_fused')
    expect(spec.text).toBe('torch.optim.AdamW(fused=True)')
    expect(optimizerStateBreakdown(linear(4, 8), spec).hostBytes).toBe(0n)
    expect(optimizerStateBreakdown(linear(4, 8), 'adamw_torch').hostBytes).toBe(8n)
    expect(parseOptimizer('adamw_torch_fused(lr=1e-4)').text).toBe('torch.optim.AdamW(lr=0.0001, fused=True)')
    expect(optionError(() => parseOptimizer('adamw_torch_fused(fused=False)')).message).toContain('multiple values for argument `fused`')
  })

  it('takes one-element tensors for lr (and Adam\'s betas), which leave the state as it is', () => {
    // PyTorch 2.13, nn.Sequential(nn.Linear(50, 30), nn.Linear(30, 10)): Adam 14,736 B, SGD(momentum=0.9) 7,360 B either way
    const { tensors } = analyze('nn.Sequential(nn.Linear(50, 30), nn.Linear(30, 10))')
    const spec = parseOptimizer('Adam(lr=torch.tensor(1e-3), fused=True)')
    expect(spec.text).toBe('torch.optim.Adam(lr=torch.tensor(0.001), fused=True)')
    expect(optimizerStateBytes(tensors, spec)).toBe(14736n)
    expect(optimizerStateBytes(tensors, 'SGD(lr=torch.tensor(0.1), momentum=0.9)')).toBe(7360n)
    expect(parseOptimizer('Adam(betas=(torch.tensor(0.9), torch.tensor(0.999)))').givenArgs).toEqual(['betas=(torch.tensor(0.9), torch.tensor(0.999))'])
    expect(optionError(() => parseOptimizer('Adam(betas=(torch.tensor(0.9), 0.999))')).message).toBe('`torch.optim.Adam`: betas must be either both floats or both Tensors.')
    expect(optionError(() => parseOptimizer('Adam(lr=torch.tensor(1e-3), foreach=True)')).message).toBe('`torch.optim.Adam`: lr as a Tensor is not supported for capturable=False and foreach=True.')
    expect(parseOptimizer('Adam(lr=torch.tensor(1e-3), foreach=True, capturable=True)').name).toBe('Adam')
    expect(optionError(() => parseOptimizer('Adam(lr=torch.tensor([1e-3, 2e-3]))')).message).toContain('Tensor lr must be 1-element')
    expect(optionError(() => parseOptimizer('SparseAdam(lr=torch.tensor(1e-3))')).message).toContain('takes `lr` as a number, not a tensor')
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
