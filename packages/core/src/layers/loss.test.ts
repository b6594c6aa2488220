import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { errorOf } from '../../test/support.js'

// Saved bytes were measured with PyTorch 2.13 on CPU (saved_tensors_hooks, each storage once, buffers
// excluded), every float input requiring grad as in the reference measurement.

function run(source: string, input: string) {
  const f = analyze(source, { input, device: 'cpu' }).forward!
  return { saved: Number(f.savedBytes), withInput: Number(f.savedBytesWithInput), output: [...f.outputs[0]!.shape] }
}

function buffers(source: string) {
  return analyze(source)
    .tensors.filter((t) => t.kind === 'buffer')
    .map((t) => [t.name, t.shape])
}

describe('the loss modules', () => {
  it('register class weights as buffers, or nothing without them', () => {
    expect(buffers('nn.CrossEntropyLoss(weight=torch.ones(10))')).toEqual([['weight', [10]]])
    expect(buffers('nn.NLLLoss(torch.ones(5))')).toEqual([['weight', [5]]])
    expect(buffers('nn.BCEWithLogitsLoss(weight=torch.ones(3), pos_weight=torch.ones(3))')).toEqual([
      ['weight', [3]],
      ['pos_weight', [3]],
    ])
    expect(buffers('nn.BCEWithLogitsLoss(pos_weight=torch.ones(3))')).toEqual([['pos_weight', [3]]])
    expect(buffers('nn.CrossEntropyLoss()')).toEqual([])
    expect(analyze('nn.MultiMarginLoss(weight=torch.ones(4))').buffers.total).toBe(4n)
    expect(analyze('nn.MSELoss()').params.total).toBe(0n)
  })

  it('keep what their kernels keep', () => {
    expect(run('nn.L1Loss()', '4,10; 4,10')).toEqual({ saved: 160, withInput: 160, output: [] })
    expect(run("nn.L1Loss(reduction='none')", '4,10; 4,10').output).toEqual([4, 10])
    expect(run('nn.MSELoss()', '4,10; 4,10')).toEqual({ saved: 0, withInput: 320, output: [] })
    expect(run('nn.HuberLoss()', '4,10; 4,10').withInput).toBe(320)
    expect(run('nn.SmoothL1Loss()', '4,10; 4,10').withInput).toBe(320)
    expect(run('nn.BCEWithLogitsLoss(pos_weight=torch.ones(10))', '4,10; 4,10')).toEqual({ saved: 0, withInput: 320, output: [] })
    expect(run("nn.KLDivLoss(reduction='batchmean')", '4,10; 4,10')).toEqual({ saved: 0, withInput: 320, output: [] })
    expect(run("nn.KLDivLoss(reduction='batchmean', log_target=True)", '4,10; 4,10')).toEqual({ saved: 320, withInput: 320, output: [] })
    expect(run('nn.PairwiseDistance()', '4,10; 4,10')).toEqual({ saved: 176, withInput: 176, output: [4] })
    expect(run('nn.PairwiseDistance(p=1, keepdim=True)', '4,10; 4,10').output).toEqual([4, 1])
  })

  it('take class indices as an int64 target: log_softmax keeps its output, nll_loss the target and a 0-dim total weight', () => {
    expect(run('nn.CrossEntropyLoss()', '4,10; 4:int64')).toEqual({ saved: 164, withInput: 196, output: [] })
    expect(run('nn.CrossEntropyLoss(weight=torch.ones(10))', '4,10; 4:int64').saved).toBe(164)
    expect(run("nn.CrossEntropyLoss(reduction='none')", '4,10; 4:int64')).toEqual({ saved: 164, withInput: 196, output: [4] })
    expect(run('nn.CrossEntropyLoss()', '4,10,5; 4,5:int64')).toEqual({ saved: 804, withInput: 964, output: [] })
    expect(run('nn.NLLLoss()', '4,10,3,3; 4,3,3:int64')).toEqual({ saved: 4, withInput: 1732, output: [] })
  })

  it('take class probabilities as a float target of the input shape', () => {
    expect(run('nn.CrossEntropyLoss()', '4,10; 4,10')).toEqual({ saved: 160, withInput: 320, output: [] })
  })

  it('apply the legacy size_average and reduce arguments', () => {
    expect(run('nn.L1Loss(reduce=False)', '4,10; 4,10').output).toEqual([4, 10])
    expect(run('nn.MSELoss(size_average=False)', '4,10; 4,10').output).toEqual([])
  })

  it('refuse what PyTorch refuses, and forwards nnsize does not model', () => {
    expect(errorOf(() => run('nn.SoftMarginLoss()', '4,10; 4,10')).message).toContain("'soft_margin_loss' is not differentiable with respect to argument 'target'")
    expect(errorOf(() => run('nn.CrossEntropyLoss()', '4,10; 4,10:int64')).message).toContain('expects a target of shape (4) for an input of shape (4, 10)')
    expect(errorOf(() => run('nn.CrossEntropyLoss()', '4,10')).message).toContain('takes 2 tensors (input, target), got 1')
    expect(errorOf(() => run('nn.TripletMarginLoss()', '4,10; 4,10; 4,10')).message).toContain('has no modelled forward pass')
    expect(errorOf(() => analyze('nn.CrossEntropyLoss(weight=torch.ones(2, 5))')).message).toContain('`weight` must be a 1-D tensor')
  })
})

describe('smooth L1 and Huber losses', () => {
  it('SmoothL1Loss(beta=0) runs l1_loss, whose abs keeps the difference', () => {
    expect(run('nn.SmoothL1Loss(beta=0.)', '2,3; 2,3')).toEqual({ saved: 24, withInput: 24, output: [] })
    expect(run("nn.SmoothL1Loss(beta=0, reduction='none')", '2,3; 2,3')).toEqual({ saved: 24, withInput: 24, output: [2, 3] })
    // PyTorch 1.13 (Debian's python3-torch, CPU) keeps only the input and the target for `beta=0` too
    expect(Number(analyze('nn.SmoothL1Loss(beta=0.)', { input: '2,3; 2,3', device: 'cpu', torch: '1.13' }).forward!.savedBytes)).toBe(0)
    expect(run('nn.SmoothL1Loss(beta=0.)', '2,3; 3')).toEqual({ saved: 24, withInput: 24, output: [] })
    expect(run('nn.SmoothL1Loss()', '2,3; 2,3')).toEqual({ saved: 0, withInput: 48, output: [] })
    const source = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\nclass Net(nn.Module):\n    def forward(self, x, y):\n        return F.smooth_l1_loss(x, y, beta=0.)\n'
    expect(analyze(source, { input: '2,3; 2,3', device: 'cpu' }).forward!.savedBytes).toBe(24n)
  })

  it('refuse a negative beta and a non-positive delta as ATen does', () => {
    expect(errorOf(() => run('nn.SmoothL1Loss(beta=-1.)', '2,3; 2,3')).message).toContain('smooth_l1_loss does not support negative values for beta')
    expect(errorOf(() => run('nn.HuberLoss(delta=0.)', '2,3; 2,3')).message).toContain('huber_loss does not support non-positive values for delta')
    expect(run('nn.HuberLoss(delta=0.5)', '2,3; 2,3')).toEqual({ saved: 0, withInput: 48, output: [] })
  })
})

describe('CrossEntropyLoss with label_smoothing', () => {
  it('keeps the ignore mask and, for the mean, the count of kept targets (class indices)', () => {
    // log_softmax output 80, target 32 (input), total_weight 4, `target == ignore_index` (4 bools), int64 count 8.
    expect(run('nn.CrossEntropyLoss(label_smoothing=0.1)', '4,5; 4:int64')).toEqual({ saved: 96, withInput: 128, output: [] })
    expect(run('nn.CrossEntropyLoss(label_smoothing=0.1, ignore_index=1)', '4,5; 4:int64')).toEqual({ saved: 96, withInput: 128, output: [] })
    expect(run("nn.CrossEntropyLoss(label_smoothing=0.1, reduction='sum')", '4,5; 4:int64')).toEqual({ saved: 88, withInput: 120, output: [] })
    expect(run("nn.CrossEntropyLoss(label_smoothing=0.1, reduction='none')", '4,5; 4:int64')).toEqual({ saved: 88, withInput: 120, output: [4] })
    expect(run('nn.CrossEntropyLoss(label_smoothing=0.1)', '2,5,3,3; 2,3,3:int64')).toEqual({ saved: 390, withInput: 534, output: [] })
    expect(run('nn.CrossEntropyLoss(label_smoothing=0.1)', '4,5:float64; 4:int64')).toEqual({ saved: 180, withInput: 212, output: [] })
  })

  it('divides the weighted mean by the summed weights of the targets, a 0-dim of the weight\'s dtype', () => {
    expect(run('nn.CrossEntropyLoss(weight=torch.rand(5), label_smoothing=0.1)', '4,5; 4:int64')).toEqual({ saved: 92, withInput: 124, output: [] })
    expect(run("nn.CrossEntropyLoss(weight=torch.rand(5), label_smoothing=0.1, reduction='none')", '4,5; 4:int64')).toEqual({ saved: 88, withInput: 120, output: [4] })
    expect(run('nn.CrossEntropyLoss(weight=torch.rand(5), label_smoothing=0.1)', '2,5,3,3; 2,3,3:int64')).toEqual({ saved: 386, withInput: 530, output: [] })
  })

  it('smooths class probabilities into a new target, which the product keeps', () => {
    expect(run('nn.CrossEntropyLoss(label_smoothing=0.1)', '4,5; 4,5')).toEqual({ saved: 160, withInput: 160, output: [] })
    expect(run('nn.CrossEntropyLoss(weight=torch.rand(5), label_smoothing=0.1)', '4,5; 4,5:nograd')).toEqual({ saved: 160, withInput: 160, output: [] })
  })

  it('weights class probabilities after the product: the weighted product is not kept', () => {
    expect(run('nn.CrossEntropyLoss(weight=torch.rand(5))', '4,5; 4,5')).toEqual({ saved: 80, withInput: 160, output: [] })
    expect(run('nn.CrossEntropyLoss(weight=torch.rand(5))', '2,5,3,3; 2,5,3,3')).toEqual({ saved: 360, withInput: 720, output: [] })
  })

  it('is the same in F.cross_entropy', () => {
    const source = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\nclass Net(nn.Module):\n    def forward(self, x, t):\n        return F.cross_entropy(x, t, label_smoothing=0.1)\n'
    const f = analyze(source, { input: '4,5; 4:int64', device: 'cpu' }).forward!
    expect([f.savedBytes, f.savedBytesWithInput]).toEqual([96n, 128n])
  })
})

describe('linearCrossEntropyLoss', () => {
  it('holds a Linear of num_classes × ∏out_features rows and a weight buffer (PyTorch 2.13)', () => {
    const r = analyze('nn.LinearCrossEntropyLoss(768, 32000)')
    expect(r.params.total).toBe(24576000n)
    expect(r.tensors.map((t) => [t.name, t.shape])).toEqual([['linear.weight', [32000, 768]]])
    const grouped = analyze('nn.LinearCrossEntropyLoss(8, 10, out_features=(2, 3), bias=True, weight=torch.ones(10))')
    expect(grouped.tensors.map((t) => [t.name, t.shape])).toEqual([
      ['linear.weight', [60, 8]],
      ['linear.bias', [60]],
      ['weight', [10]],
    ])
  })

  it('does not exist in PyTorch 1.13', () => {
    expect(errorOf(() => analyze('nn.LinearCrossEntropyLoss(8, 10)', { torch: '1.13' })).message).toContain('has no `nn.LinearCrossEntropyLoss`')
  })

  it('keeps nll_loss\'s total weight in the input\'s dtype, half precision included', () => {
    // PyTorch 2.13 (CPU): a bfloat16 input keeps its (3, 5) log-probabilities (30 B) and a bfloat16 total weight (2 B), and the int64 target (24 B)
    expect(run('nn.CrossEntropyLoss()', '3,5:bfloat16; 3:int64')).toEqual({ saved: 32, withInput: 56, output: [] })
    expect(run('nn.NLLLoss()', '3,5:float16; 3:int64')).toEqual({ saved: 2, withInput: 56, output: [] })
  })
})
