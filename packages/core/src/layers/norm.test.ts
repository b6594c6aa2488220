import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import type { DeviceProfile } from '../forward/trace.js'
import type { TorchVersion } from '../forward/torch-version.js'
import { errorOf, spanText } from '../../test/support.js'

/**
 * `[expression, input shape, saved bytes, saved bytes with the input]` under PyTorch 1.13, then the same two
 * figures under PyTorch 2.13 where they differ; the output shape is the input's.
 */
type Measured = [string, number[], number, number, number?, number?]

/**
 * Measured with PyTorch 1.13 and 2.13 on CPU in training mode (`saved_tensors_hooks`, each storage once,
 * parameters and buffers excluded).
 */
const measured: Record<string, Measured[]> = {
  batchNorm1d: [
    ['nn.BatchNorm1d(4)', [2, 4], 32, 64],
    ['nn.BatchNorm1d(4, 1e-3, None, False)', [2, 4, 5], 32, 192],
    ['nn.BatchNorm1d(4).eval()', [2, 4], 0, 32],
    ['nn.BatchNorm1d(4).eval()', [1, 4], 0, 16],
    ['nn.BatchNorm1d(4, track_running_stats=False).eval()', [2, 4], 32, 64],
    ['nn.BatchNorm1d(4, affine=False, track_running_stats=False)', [2, 5], 40, 80],
  ],
  batchNorm2d: [
    ['nn.BatchNorm2d(6, momentum=0.3)', [2, 6, 3, 3], 48, 480],
    ['nn.BatchNorm2d(6).requires_grad_(False)', [2, 6, 3, 3], 48, 480],
  ],
  batchNorm3d: [['nn.BatchNorm3d(3, affine=False)', [2, 3, 2, 3, 3], 24, 456]],
  instanceNorm1d: [
    ['nn.InstanceNorm1d(4)', [2, 4, 3], 64, 160],
    ['nn.InstanceNorm1d(4)', [4, 3], 32, 80],
    ['nn.InstanceNorm1d(4, track_running_stats=True).eval()', [2, 4, 3], 64, 160],
    ['nn.InstanceNorm1d(4, affine=True, track_running_stats=True).eval()', [2, 4, 3], 96, 192],
    ['nn.InstanceNorm1d(4, affine=True, track_running_stats=True)', [2, 4, 3], 160, 256],
    ['nn.InstanceNorm1d(4)', [2, 5, 3], 80, 200],
  ],
  instanceNorm2d: [['nn.InstanceNorm2d(4, affine=True)', [2, 4, 3, 3], 96, 384]],
  instanceNorm3d: [['nn.InstanceNorm3d(2, affine=True, track_running_stats=True)', [2, 2, 3, 3], 40, 184]],
  layerNorm: [
    ['nn.LayerNorm(4)', [2, 3, 4], 48, 144],
    ['nn.LayerNorm(4)', [4], 8, 24],
    ['nn.LayerNorm([3, 4], eps=1e-6, elementwise_affine=False)', [2, 3, 4], 16, 112],
    ['nn.LayerNorm((3, 4))', [5, 2, 3, 4], 80, 560],
    ['nn.LayerNorm(4).requires_grad_(False)', [2, 3, 4], 48, 144],
  ],
  groupNorm: [
    ['nn.GroupNorm(2, 4)', [2, 4, 3], 32, 128],
    ['nn.GroupNorm(2, 4)', [2, 4], 32, 64],
    ['nn.GroupNorm(1, 6, affine=False)', [3, 6, 2, 2], 24, 312],
    ['nn.GroupNorm(2, 4, affine=False)', [2, 6, 3], 32, 176],
  ],
  localResponseNorm: [
    // PyTorch 2.x no longer saves the `alpha` multiplier as an 8-byte float64 tensor.
    ['nn.LocalResponseNorm(3)', [2, 16, 20], 8008, 10568, 8000, 10560],
    ['nn.LocalResponseNorm(1)', [2, 16, 20], 7688, 10248, 7680, 10240],
    ['nn.LocalResponseNorm(2)', [2, 4, 3, 5, 6], 9368, 12248, 9360, 12240],
    ['nn.LocalResponseNorm(4, 1e-3, 0.5, 2.0)', [2, 4, 3, 5], 1808, 2288, 1800, 2280],
  ],
}

function forward(source: string, input: number[], device: DeviceProfile = 'cpu', torch: TorchVersion = '2.13') {
  return analyze(source, { input, device, torch }).forward!
}

/** `[name, shape, dtype]` of every parameter, then of every buffer. */
function tensorsOf(source: string) {
  const r = analyze(source)
  return {
    params: r.tensors.filter((t) => t.kind === 'parameter').map((t) => [t.name, t.shape, t.dtype]),
    buffers: r.tensors.filter((t) => t.kind === 'buffer').map((t) => [t.name, t.shape, t.dtype]),
    paramBytes: r.params.bytes,
    bufferBytes: r.buffers.bytes,
  }
}

function checkMeasured(kind: string): void {
  for (const [source, input, saved, savedWithInput, saved213 = saved, savedWithInput213 = savedWithInput] of measured[kind]!) {
    it(`${source} on (${input.join(', ')}) saves ${saved} B, ${savedWithInput} B with its input, as PyTorch 1.13 does`, () => {
      const f = forward(source, input, 'cpu', '1.13')
      expect(f.outputs[0]!.shape).toEqual(input)
      expect(f.savedBytes).toBe(BigInt(saved))
      expect(f.savedBytesWithInput).toBe(BigInt(savedWithInput))
    })
    it(`${source} on (${input.join(', ')}) saves ${saved213} B, ${savedWithInput213} B with its input, as PyTorch 2.13 does`, () => {
      const f = forward(source, input)
      expect(f.savedBytes).toBe(BigInt(saved213))
      expect(f.savedBytesWithInput).toBe(BigInt(savedWithInput213))
    })
  }
}

const batchNormState = (n: number, dtype = 'float32') => ({
  params: [
    ['weight', [n], dtype],
    ['bias', [n], dtype],
  ],
  buffers: [
    ['running_mean', [n], dtype],
    ['running_var', [n], dtype],
    ['num_batches_tracked', [], 'int64'],
  ],
})

describe('batchNorm1d', () => {
  checkMeasured('batchNorm1d')
  it('registers weight, bias, running_mean, running_var and an int64 num_batches_tracked', () => {
    const t = tensorsOf('nn.BatchNorm1d(4)')
    expect({ params: t.params, buffers: t.buffers }).toEqual(batchNormState(4))
    expect(t.bufferBytes).toBe(40n)
  })
  it('registers no buffers without running statistics and no parameters without affine', () => {
    expect(tensorsOf('nn.BatchNorm1d(4, affine=False, track_running_stats=False)')).toEqual({ params: [], buffers: [], paramBytes: 0n, bufferBytes: 0n })
  })
  it('counts 1 MAC per element', () => {
    expect(forward('nn.BatchNorm1d(4)', [2, 4, 5]).macs).toBe(40n)
  })
  it('rejects a 4-D input', () => {
    const source = 'nn.BatchNorm1d(4)'
    const e = errorOf(() => forward(source, [2, 4, 3, 3]))
    expect(e.code).toBe('shape')
    expect(e.message).toBe('`BatchNorm1d` expected 2D or 3D input (got 4D input of shape (2, 4, 3, 3)).')
    expect(spanText(source, e)).toBe(source)
  })
  it('rejects one value per channel in training mode', () => {
    const e = errorOf(() => forward('nn.BatchNorm1d(4)', [1, 4]))
    expect(e.message).toContain('got input size torch.Size([1, 4]): Expected more than 1 value per channel when training.')
  })
  it('rejects an input with other channels than `num_features`', () => {
    const e = errorOf(() => forward('nn.BatchNorm1d(4)', [2, 5]))
    expect(e.message).toContain('expects 4 channels (`num_features`), got 5')
    expect(e.message).toContain('running_mean should contain 5 elements not 4')
  })
  it('names the module path inside a model', () => {
    const e = errorOf(() => forward('nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(5))', [2, 3]))
    expect(e.message.startsWith('`1` (BatchNorm1d) expects 5 channels')).toBe(true)
  })
})

describe('batchNorm2d', () => {
  checkMeasured('batchNorm2d')
  it('casts floating tensors with dtype= and .half(), keeping num_batches_tracked int64', () => {
    for (const source of ['nn.BatchNorm2d(8, dtype=torch.float16)', 'nn.BatchNorm2d(8).half()']) {
      const t = tensorsOf(source)
      expect({ params: t.params, buffers: t.buffers }).toEqual(batchNormState(8, 'float16'))
      expect(t.paramBytes).toBe(32n)
      expect(t.bufferBytes).toBe(40n)
    }
  })
  it('rejects a 3-D input', () => {
    const e = errorOf(() => forward('nn.BatchNorm2d(4)', [2, 4, 3]))
    expect(e.message).toContain('expected 4D input (got 3D input')
  })
  it('explains its parameters by `num_features`', () => {
    expect(analyze('nn.BatchNorm2d(8)').formula).toEqual([
      { tensor: 'weight', factors: [['num_features', 8]] },
      { tensor: 'bias', factors: [['num_features', 8]] },
    ])
  })
})

describe('batchNorm3d', () => {
  checkMeasured('batchNorm3d')
  it('rejects a 4-D input', () => {
    expect(errorOf(() => forward('nn.BatchNorm3d(4)', [2, 4, 3, 3])).message).toContain('expected 5D input (got 4D input')
  })
})

describe('syncBatchNorm', () => {
  it('has BatchNorm tensors and accepts `process_group`', () => {
    const t = tensorsOf('nn.SyncBatchNorm(8, process_group=None)')
    expect({ params: t.params, buffers: t.buffers }).toEqual(batchNormState(8))
    expect(t.bufferBytes).toBe(72n)
    expect(tensorsOf('nn.SyncBatchNorm(8, affine=False, track_running_stats=False)').params).toEqual([])
  })
  it('cannot run on the cpu profile, as PyTorch cannot', () => {
    const e = errorOf(() => forward('nn.SyncBatchNorm(6)', [2, 6, 3, 3]))
    expect(e.code).toBe('shape')
    expect(e.message).toContain('SyncBatchNorm expected input tensor to be on GPU')
  })
  it('runs as one process of BatchNorm on the cuda profile', () => {
    const f = forward('nn.SyncBatchNorm(6)', [2, 6, 3, 3], 'cuda')
    expect(f.savedBytes).toBe(48n)
    expect(f.savedBytesWithInput).toBe(480n)
    expect(f.macs).toBe(108n)
  })
  it('rejects a 1-D input', () => {
    expect(errorOf(() => forward('nn.SyncBatchNorm(6)', [6], 'cuda')).message).toContain('expected at least 2D input (got 1D input')
  })
})

describe('instanceNorm1d', () => {
  checkMeasured('instanceNorm1d')
  it('has no parameters and no buffers by default', () => {
    expect(tensorsOf('nn.InstanceNorm1d(4)')).toEqual({ params: [], buffers: [], paramBytes: 0n, bufferBytes: 0n })
  })
  it('rejects one spatial element in training mode', () => {
    const e = errorOf(() => forward('nn.InstanceNorm1d(4)', [2, 4, 1]))
    expect(e.message).toContain('got input size torch.Size([2, 4, 1]): Expected more than 1 spatial element when training.')
  })
  it('rejects a 4-D input', () => {
    expect(errorOf(() => forward('nn.InstanceNorm1d(4)', [2, 4, 3, 3])).message).toContain('expected 2D or 3D input (got 4D input')
  })
  it('rejects other channels than `num_features` when affine', () => {
    const e = errorOf(() => forward('nn.InstanceNorm1d(4, affine=True)', [2, 5, 3]))
    expect(e.message).toContain("expected input's size at dim=1 to match num_features (4), but got: 5")
  })
})

describe('instanceNorm2d', () => {
  checkMeasured('instanceNorm2d')
  it('registers affine and running tensors in the layer dtype', () => {
    const t = tensorsOf('nn.InstanceNorm2d(8, affine=True, track_running_stats=True, dtype=torch.float64)')
    expect({ params: t.params, buffers: t.buffers }).toEqual(batchNormState(8, 'float64'))
    expect(t.paramBytes).toBe(128n)
    expect(t.bufferBytes).toBe(136n)
  })
  it('counts 1 MAC per element', () => {
    expect(forward('nn.InstanceNorm2d(4)', [2, 4, 3, 3]).macs).toBe(72n)
  })
})

describe('instanceNorm3d', () => {
  checkMeasured('instanceNorm3d')
})

describe('layerNorm', () => {
  checkMeasured('layerNorm')
  it('has weight and bias of `normalized_shape`', () => {
    const r = analyze('nn.LayerNorm([3, 4])')
    expect(r.tensors.map((t) => [t.name, t.shape])).toEqual([
      ['weight', [3, 4]],
      ['bias', [3, 4]],
    ])
    expect(r.formula).toEqual([
      { tensor: 'weight', factors: [['normalized_shape', 3], ['normalized_shape', 4]] },
      { tensor: 'bias', factors: [['normalized_shape', 3], ['normalized_shape', 4]] },
    ])
  })
  it('drops the bias with bias=False (PyTorch 2.1+)', () => {
    expect(tensorsOf('nn.LayerNorm(8, bias=False)').params).toEqual([['weight', [8], 'float32']])
  })
  it('takes 2 bytes an element with dtype=torch.float16', () => {
    expect(tensorsOf('nn.LayerNorm(8, dtype=torch.float16)').paramBytes).toBe(32n)
  })
  it('rejects an input that does not end with `normalized_shape`, with PyTorch\'s message', () => {
    const e = errorOf(() => forward('nn.LayerNorm([3, 4])', [2, 4, 3]))
    expect(e.message).toContain('Given normalized_shape=[3, 4], expected input with shape [*, 3, 4], but got input of size[2, 4, 3].')
  })
  it('counts 1 MAC per element', () => {
    expect(forward('nn.LayerNorm(4)', [2, 3, 4]).macs).toBe(24n)
  })
})

describe('rmsNorm', () => {
  // PyTorch 2.4+ (refused under torch 1.13): weight only.
  it('has a weight of `normalized_shape` only, or nothing without elementwise_affine', () => {
    expect(tensorsOf('nn.RMSNorm([3, 4])').params).toEqual([['weight', [3, 4], 'float32']])
    expect(tensorsOf('nn.RMSNorm(8, eps=1e-6, elementwise_affine=False)').params).toEqual([])
  })
  it('runs the composite form on CPU: the input, one rstd per row and, with a trainable weight, the normalised tensor (PyTorch 2.13)', () => {
    const f = forward('nn.RMSNorm(4)', [2, 3, 4])
    expect([f.savedBytes, f.savedBytesWithInput]).toEqual([120n, 216n])
    expect(f.macs).toBe(24n)
    const plain = forward('nn.RMSNorm(4, elementwise_affine=False)', [2, 3, 4])
    expect([plain.savedBytes, plain.savedBytesWithInput]).toEqual([24n, 120n])
    const frozen = forward('nn.RMSNorm(4).requires_grad_(False)', [2, 3, 4])
    expect([frozen.savedBytes, frozen.savedBytesWithInput]).toEqual([24n, 120n])
  })
  it('runs the fused kernel on CUDA: the input and one float32 rstd per row', () => {
    const f = forward('nn.RMSNorm(4)', [2, 3, 4], 'cuda')
    expect([f.savedBytes, f.savedBytesWithInput]).toEqual([24n, 120n])
  })
  it('computes in float32 for a half-precision input', () => {
    // upcast input 96 B, rstd 24 B, normalised float32 96 B.
    expect(forward('nn.RMSNorm(4).half()', [2, 3, 4]).savedBytes).toBe(216n)
  })
  it('rejects an input that does not end with `normalized_shape`', () => {
    expect(errorOf(() => forward('nn.RMSNorm(4)', [2, 5])).message).toContain('expected input with shape [*, 4]')
  })
})

describe('groupNorm', () => {
  checkMeasured('groupNorm')
  it('has weight and bias of `num_channels`, in the layer dtype', () => {
    const t = tensorsOf('nn.GroupNorm(4, 8, dtype=torch.float64)')
    expect(t.params).toEqual([
      ['weight', [8], 'float64'],
      ['bias', [8], 'float64'],
    ])
    expect(t.paramBytes).toBe(128n)
  })
  it('rejects `num_channels` not divisible by `num_groups`, pointing at `num_channels`', () => {
    const source = 'nn.GroupNorm(3, 4)'
    const e = errorOf(() => analyze(source))
    expect(e.code).toBe('argument-value')
    expect(e.message).toBe('`num_channels` must be divisible by `num_groups` (got 4 and 3).')
    expect(spanText(source, e)).toBe('4')
  })
  it('rejects zero groups', () => {
    const source = 'nn.GroupNorm(0, 4)'
    const e = errorOf(() => analyze(source))
    expect(e.message).toBe('`num_groups` must be positive, got `0`.')
    expect(spanText(source, e)).toBe('0')
  })
  it('rejects channels not divisible by the groups, or other channels than `num_channels`', () => {
    expect(errorOf(() => forward('nn.GroupNorm(2, 4)', [2, 5, 3])).message).toContain('divisible by num_groups, but got input of shape (2, 5, 3) and num_groups=2')
    expect(errorOf(() => forward('nn.GroupNorm(2, 4)', [2, 6, 3])).message).toContain('expects 4 channels (`num_channels`), got 6')
  })
  it('rejects a single value per group', () => {
    expect(errorOf(() => forward('nn.GroupNorm(4, 4)', [1, 4])).message).toContain('got input size [1, 4]: Expected more than 1 value per channel when training.')
  })
  it('rejects a 1-D input', () => {
    expect(errorOf(() => forward('nn.GroupNorm(2, 4)', [4])).message).toContain('expected at least 2 dimensions for input tensor but received 1')
  })
})

describe('localResponseNorm', () => {
  checkMeasured('localResponseNorm')
  it('composes x·x, padding, average pooling, mul, add, pow and a division, counting 1 MAC per element', () => {
    expect(forward('nn.LocalResponseNorm(3)', [2, 16, 20]).macs).toBe(640n)
  })
  it('has no parameters', () => {
    expect(analyze('nn.LocalResponseNorm(2, k=2)').params.total).toBe(0n)
  })
  it('rejects inputs of fewer than 3 dimensions', () => {
    expect(errorOf(() => forward('nn.LocalResponseNorm(2)', [2, 4])).message).toContain('expected 3D or higher dimensionality input (got 2 dimensions')
  })
  it('rejects a window of 0, pointing at it', () => {
    const source = 'nn.LocalResponseNorm(0)'
    const e = errorOf(() => analyze(source))
    expect(e.message).toBe('`size` must be at least 1, got `0`.')
    expect(spanText(source, e)).toBe('0')
  })
})

describe('bias= on the norms (PyTorch 2.13)', () => {
  it('drops the bias and keeps the weight, saving what the norm saves', () => {
    expect(tensorsOf('nn.BatchNorm1d(4, bias=False)').params).toEqual([['weight', [4], 'float32']])
    expect(tensorsOf('nn.InstanceNorm1d(4, affine=True, bias=False)').params).toEqual([['weight', [4], 'float32']])
    expect(tensorsOf('nn.GroupNorm(2, 4, bias=False)').params).toEqual([['weight', [4], 'float32']])
    expect(tensorsOf('nn.BatchNorm1d(4, affine=False, bias=False)').params).toEqual([])
    // Measured with PyTorch 2.13.
    expect(forward('nn.BatchNorm1d(4, bias=False)', [2, 4]).savedBytes).toBe(32n)
    expect(forward('nn.GroupNorm(2, 4, bias=False)', [2, 4, 3]).savedBytes).toBe(32n)
    expect(forward('nn.InstanceNorm1d(4, affine=True, bias=False)', [2, 4, 3]).savedBytes).toBe(96n)
  })
  it('is keyword-only, as in PyTorch', () => {
    expect(errorOf(() => analyze('nn.BatchNorm2d(4, 1e-5, 0.1, True, True, None, None, False)')).code).toBe('too-many-arguments')
  })
  it('is refused under torch 1.13', () => {
    const source = 'nn.BatchNorm2d(16, bias=False)'
    const e = errorOf(() => analyze(source, { torch: '1.13' }))
    expect(e.code).toBe('option')
    expect(e.message).toContain('PyTorch 1.13 (the `torch` option) has no argument `bias` on `nn.BatchNorm2d`')
    expect(spanText(source, e)).toBe('False')
  })
})

describe('crossMapLrn2d', () => {
  it('keeps its input and output (measured with PyTorch 2.13)', () => {
    const f = forward('nn.CrossMapLRN2d(3)', [2, 4, 3, 3])
    expect([f.savedBytes, f.savedBytesWithInput]).toEqual([288n, 576n])
    expect(forward('nn.CrossMapLRN2d(2, 1e-3, 0.5, 2)', [1, 5, 2, 2], 'cpu', '1.13').savedBytes).toBe(80n)
    expect(analyze('nn.CrossMapLRN2d(3)').params.total).toBe(0n)
  })
  it('takes 4-D inputs only', () => {
    expect(errorOf(() => forward('nn.CrossMapLRN2d(3)', [4, 3, 3])).message).toContain('CrossMapLRN2d: Expected input to be 4D, got 3D instead')
  })
})
