import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import type { DeviceProfile } from '../forward/trace.js'
import { errorOf, spanText } from '../../test/support.js'

/** `[expression, input shape, output shape, saved bytes, saved bytes with the input]`. */
type Measured = [string, number[], number[], number, number]

/**
 * Measured with PyTorch 1.13 on CPU in training mode: `saved_tensors_hooks`, each storage once, parameters
 * excluded. In-place rows ran on a non-leaf copy of a `requires_grad` input, which plays the input here.
 */
const measured: Record<string, Measured[]> = {
  relu: [
    ['nn.ReLU()', [2, 4, 3, 6], [2, 4, 3, 6], 576, 576],
    ['nn.ReLU(inplace=True)', [2, 4, 3, 6], [2, 4, 3, 6], 0, 576],
    ['nn.Sequential(nn.Linear(6, 8), nn.ReLU(True))', [4, 6], [4, 8], 128, 224],
  ],
  relu6: [
    ['nn.ReLU6()', [2, 4, 3, 6], [2, 4, 3, 6], 0, 576],
    ['nn.ReLU6(True)', [2, 4, 3, 6], [2, 4, 3, 6], 576, 576],
    ['nn.Sequential(nn.Linear(6, 8), nn.ReLU6(True))', [4, 6], [4, 8], 128, 224],
  ],
  leakyRelu: [
    ['nn.LeakyReLU(0.2)', [2, 4, 3, 6], [2, 4, 3, 6], 0, 576],
    ['nn.LeakyReLU(0.2, True)', [2, 4, 3, 6], [2, 4, 3, 6], 0, 576],
    ['nn.Sequential(nn.Linear(6, 8), nn.LeakyReLU(0.2, True), nn.Linear(8, 2))', [4, 6], [4, 2], 128, 224],
  ],
  prelu: [
    ['nn.PReLU()', [2, 4, 3, 6], [2, 4, 3, 6], 0, 576],
    ['nn.PReLU(4, 0.1)', [2, 4, 3, 6], [2, 4, 3, 6], 0, 576],
    ['nn.PReLU(4).requires_grad_(False)', [2, 4, 3, 6], [2, 4, 3, 6], 0, 576],
    ['nn.PReLU()', [], [], 0, 4],
  ],
  rrelu: [
    ['nn.RReLU()', [2, 4, 3, 6], [2, 4, 3, 6], 576, 1152],
    ['nn.RReLU(0.1, 0.3).eval()', [2, 4, 3, 6], [2, 4, 3, 6], 576, 1152],
    ['nn.RReLU(inplace=True)', [2, 4, 3, 6], [2, 4, 3, 6], 576, 1152],
    ['nn.Sequential(nn.Linear(6, 8), nn.RReLU(inplace=True), nn.Linear(8, 2))', [4, 6], [4, 2], 256, 352],
  ],
  elu: [
    ['nn.ELU()', [2, 4, 3, 6], [2, 4, 3, 6], 0, 576],
    ['nn.ELU(0.5, inplace=True)', [2, 4, 3, 6], [2, 4, 3, 6], 0, 576],
  ],
  selu: [
    ['nn.SELU()', [2, 4, 3, 6], [2, 4, 3, 6], 0, 576],
    ['nn.SELU(inplace=True)', [2, 4, 3, 6], [2, 4, 3, 6], 0, 576],
  ],
  celu: [
    ['nn.CELU(2.0)', [2, 4, 3, 6], [2, 4, 3, 6], 0, 576],
    ['nn.CELU(inplace=True)', [2, 4, 3, 6], [2, 4, 3, 6], 0, 576],
  ],
  gelu: [
    ['nn.GELU()', [2, 4, 3, 6], [2, 4, 3, 6], 0, 576],
    ["nn.GELU(approximate='tanh')", [2, 4, 3, 6], [2, 4, 3, 6], 0, 576],
  ],
  silu: [
    ['nn.SiLU()', [2, 4, 3, 6], [2, 4, 3, 6], 0, 576],
    ['nn.SiLU(inplace=True)', [2, 4, 3, 6], [2, 4, 3, 6], 576, 576],
    ['nn.Sequential(nn.Linear(6, 8), nn.SiLU(True), nn.Linear(8, 2))', [4, 6], [4, 2], 256, 352],
  ],
  mish: [
    ['nn.Mish()', [2, 4, 3, 6], [2, 4, 3, 6], 0, 576],
    ['nn.Mish(inplace=True)', [2, 4, 3, 6], [2, 4, 3, 6], 576, 576],
  ],
  sigmoid: [['nn.Sigmoid()', [2, 4, 3, 6], [2, 4, 3, 6], 576, 576]],
  tanh: [
    ['nn.Tanh()', [2, 4, 3, 6], [2, 4, 3, 6], 576, 576],
    ['nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 2), nn.Softmax(-1))', [4, 6], [4, 2], 160, 256],
  ],
  hardtanh: [
    ['nn.Hardtanh(-2.0, 2.0)', [2, 4, 3, 6], [2, 4, 3, 6], 0, 576],
    ['nn.Hardtanh(inplace=True)', [2, 4, 3, 6], [2, 4, 3, 6], 576, 576],
    ['nn.Sequential(nn.Linear(6, 8), nn.Hardtanh(-2.0, 2.0, min_value=-3.0))', [4, 6], [4, 8], 128, 224],
  ],
  hardsigmoid: [
    ['nn.Hardsigmoid()', [2, 4, 3, 6], [2, 4, 3, 6], 0, 576],
    ['nn.Hardsigmoid(inplace=True)', [2, 4, 3, 6], [2, 4, 3, 6], 576, 576],
  ],
  hardswish: [
    ['nn.Hardswish()', [2, 4, 3, 6], [2, 4, 3, 6], 0, 576],
    ['nn.Hardswish(inplace=True)', [2, 4, 3, 6], [2, 4, 3, 6], 576, 576],
  ],
  hardshrink: [['nn.Hardshrink(0.3)', [2, 4, 3, 6], [2, 4, 3, 6], 0, 576]],
  softshrink: [['nn.Softshrink()', [2, 4, 3, 6], [2, 4, 3, 6], 0, 576]],
  tanhshrink: [['nn.Tanhshrink()', [2, 4, 3, 6], [2, 4, 3, 6], 576, 576]],
  softplus: [['nn.Softplus(2.0, 10.0)', [2, 4, 3, 6], [2, 4, 3, 6], 0, 576]],
  softsign: [['nn.Softsign()', [2, 4, 3, 6], [2, 4, 3, 6], 576, 1152]],
  logSigmoid: [['nn.LogSigmoid()', [2, 4, 3, 6], [2, 4, 3, 6], 576, 1152]],
  threshold: [
    ['nn.Threshold(0.1, 20.0)', [2, 4, 3, 6], [2, 4, 3, 6], 0, 576],
    ['nn.Threshold(0.1, 20.0, inplace=True)', [2, 4, 3, 6], [2, 4, 3, 6], 576, 576],
  ],
  glu: [
    ['nn.GLU()', [2, 4, 3, 6], [2, 4, 3, 3], 0, 576],
    ['nn.GLU(dim=1)', [2, 4, 3, 6], [2, 2, 3, 6], 0, 576],
    ['nn.GLU(-3)', [2, 4, 3, 6], [2, 2, 3, 6], 0, 576],
  ],
  softmax: [
    ['nn.Softmax(dim=-1)', [2, 4, 3, 6], [2, 4, 3, 6], 576, 576],
    ['nn.Softmax()', [2, 4, 3], [2, 4, 3], 96, 96],
  ],
  logSoftmax: [['nn.LogSoftmax(1)', [2, 4, 3, 6], [2, 4, 3, 6], 576, 576]],
  softmin: [['nn.Softmin(dim=2)', [2, 4, 3, 6], [2, 4, 3, 6], 576, 576]],
  softmax2d: [
    ['nn.Softmax2d()', [2, 4, 3, 6], [2, 4, 3, 6], 576, 576],
    ['nn.Softmax2d()', [4, 3, 6], [4, 3, 6], 288, 288],
  ],
}

function forward(source: string, input: number[] | number[][], device: DeviceProfile = 'cpu') {
  return analyze(source, { input, device }).forward!
}

function checkMeasured(kind: string): void {
  for (const [source, input, output, saved, savedWithInput] of measured[kind]!) {
    it(`${source} on (${input.join(', ')}) saves ${saved} B, ${savedWithInput} B with its input, as PyTorch does`, () => {
      const f = forward(source, input)
      expect(f.outputs[0]!.shape).toEqual(output)
      expect(f.savedBytes).toBe(BigInt(saved))
      expect(f.savedBytesWithInput).toBe(BigInt(savedWithInput))
    })
  }
}

describe('relu', () => {
  checkMeasured('relu')
  it('returns its input tensor when in place', () => {
    const f = forward('nn.ReLU(inplace=True)', [2, 3])
    expect(f.outputs[0]!.storage.origin).toBe('input')
  })
  it('costs no MACs', () => {
    expect(forward('nn.ReLU()', [8, 1024]).macs).toBe(0n)
  })
  it('has no parameters', () => {
    expect(analyze('nn.ReLU()').params.total).toBe(0n)
  })
})

describe('relu6', () => {
  checkMeasured('relu6')
})

describe('leakyRelu', () => {
  checkMeasured('leakyRelu')
  it('rejects a non-number slope, pointing at it', () => {
    const source = "nn.LeakyReLU('0.1')"
    const e = errorOf(() => analyze(source))
    expect(e.code).toBe('argument-type')
    expect(e.message).toContain('`negative_slope`')
    expect(spanText(source, e)).toBe("'0.1'")
  })
})

describe('prelu', () => {
  checkMeasured('prelu')
  it('has one weight of `num_parameters` elements, in the layer dtype', () => {
    const r = analyze('nn.PReLU(8, 0.1, dtype=torch.float16)')
    expect(r.tensors.map((t) => [t.name, t.shape, t.dtype])).toEqual([['weight', [8], 'float16']])
    expect(r.params.total).toBe(8n)
    expect(r.params.bytes).toBe(16n)
    expect(r.formula).toEqual([{ tensor: 'weight', factors: [['num_parameters', 8]] }])
  })
  it('freezes with requires_grad_(False)', () => {
    const r = analyze('nn.PReLU(4).requires_grad_(False)')
    expect(r.params.trainable).toBe(0n)
    expect(r.params.frozen).toBe(4n)
  })
  it('rejects an input whose channels differ from `num_parameters`', () => {
    const source = 'nn.PReLU(3)'
    const e = errorOf(() => forward(source, [2, 4, 5]))
    expect(e.code).toBe('shape')
    expect(e.message).toContain('has 3 parameters but its input has 4 channels')
    expect(e.message).toContain('Mismatch of parameter numbers and input channel size')
    expect(spanText(source, e)).toBe(source)
  })
  it('rejects a zero-dim input with several parameters', () => {
    const e = errorOf(() => forward('nn.PReLU(3)', []))
    expect(e.message).toContain('Not allow zero-dim input tensor')
  })
})

describe('rrelu', () => {
  checkMeasured('rrelu')
  it('rejects `lower` above `upper` when it runs, as PyTorch does', () => {
    expect(analyze('nn.RReLU(0.5, 0.1)').params.total).toBe(0n)
    const e = errorOf(() => forward('nn.RReLU(0.5, 0.1)', [2, 4]))
    expect(e.code).toBe('shape')
    expect(e.message).toContain('lower=0.5, upper=0.1')
  })
})

describe('elu', () => {
  checkMeasured('elu')
})

describe('selu', () => {
  checkMeasured('selu')
})

describe('celu', () => {
  checkMeasured('celu')
})

describe('gelu', () => {
  checkMeasured('gelu')
  it('rejects an unknown `approximate`, naming the valid ones', () => {
    const source = "nn.GELU(approximate='fast')"
    const e = errorOf(() => analyze(source))
    expect(e.code).toBe('argument-value')
    expect(e.message).toBe("`approximate` must be one of 'none', 'tanh', got 'fast'.")
    expect(spanText(source, e)).toBe("'fast'")
  })
})

describe('silu', () => {
  checkMeasured('silu')
})

describe('mish', () => {
  checkMeasured('mish')
})

describe('sigmoid', () => {
  checkMeasured('sigmoid')
  it('saves a float16 output at 2 bytes an element after a float16 embedding', () => {
    // Embedding output (2, 5, 4) in float16 = 80 bytes, saved by Sigmoid as its output.
    const f = forward('nn.Sequential(nn.Embedding(10, 4, dtype=torch.float16), nn.Sigmoid())', [2, 5])
    expect(f.outputs[0]!.dtype).toBe('float16')
    expect(f.savedBytes).toBe(80n)
  })
})

describe('tanh', () => {
  checkMeasured('tanh')
})

describe('hardtanh', () => {
  checkMeasured('hardtanh')
  it('asserts `max_val` > `min_val`, pointing at `max_val`', () => {
    const source = 'nn.Hardtanh(1.0, 0.5)'
    const e = errorOf(() => analyze(source))
    expect(e.code).toBe('argument-value')
    expect(e.message).toBe('`max_val` must be greater than `min_val` (got min_val=1, max_val=0.5).')
    expect(spanText(source, e)).toBe('0.5')
  })
  it('checks the deprecated `max_value` when it is given', () => {
    const source = 'nn.Hardtanh(max_value=-2.0)'
    const e = errorOf(() => analyze(source))
    expect(e.message).toContain('min_val=-1, max_val=-2')
    expect(spanText(source, e)).toBe('-2.0')
  })
})

describe('hardsigmoid', () => {
  checkMeasured('hardsigmoid')
})

describe('hardswish', () => {
  checkMeasured('hardswish')
})

describe('hardshrink', () => {
  checkMeasured('hardshrink')
})

describe('softshrink', () => {
  checkMeasured('softshrink')
})

describe('tanhshrink', () => {
  checkMeasured('tanhshrink')
})

describe('softplus', () => {
  checkMeasured('softplus')
})

describe('softsign', () => {
  checkMeasured('softsign')
})

describe('logSigmoid', () => {
  checkMeasured('logSigmoid')
  it('saves only its input on the cuda profile, whose kernel keeps an empty buffer', () => {
    const f = forward('nn.LogSigmoid()', [2, 4, 3, 6], 'cuda')
    expect(f.savedBytes).toBe(0n)
    expect(f.savedBytesWithInput).toBe(576n)
  })
})

describe('threshold', () => {
  checkMeasured('threshold')
  it('requires `threshold` and `value`', () => {
    const e = errorOf(() => analyze('nn.Threshold(0.1)'))
    expect(e.code).toBe('missing-argument')
    expect(e.message).toContain('`value`')
  })
})

describe('glu', () => {
  checkMeasured('glu')
  it('rejects an odd halving dimension', () => {
    const e = errorOf(() => forward('nn.GLU(1)', [2, 3, 4]))
    expect(e.code).toBe('shape')
    expect(e.message).toContain('halves dimension 1, which has odd size 3')
  })
  it('rejects a zero-dim input', () => {
    const e = errorOf(() => forward('nn.GLU()', []))
    expect(e.message).toContain('glu does not support scalars')
  })
})

describe('softmax', () => {
  checkMeasured('softmax')
  it('rejects a `dim` outside the input, with the valid range', () => {
    const e = errorOf(() => forward('nn.Softmax(dim=3)', [2, 3, 4]))
    expect(e.code).toBe('shape')
    expect(e.message).toContain('Dimension out of range (expected to be in range of [-3, 2], but got 3)')
  })
})

describe('logSoftmax', () => {
  checkMeasured('logSoftmax')
})

describe('softmin', () => {
  checkMeasured('softmin')
})

describe('softmax2d', () => {
  checkMeasured('softmax2d')
  it('rejects inputs that are not 3-D or 4-D', () => {
    const e = errorOf(() => forward('nn.Softmax2d()', [2, 5]))
    expect(e.message).toContain('expected input to be 3D or 4D, got 2D instead')
  })
})

describe('wrapDim', () => {
  it('accepts -1 and 0 on a zero-dim input, as PyTorch does', () => {
    expect(forward('nn.Softmax(-1)', []).outputs[0]!.shape).toEqual([])
    expect(() => forward('nn.Softmax(1)', [])).toThrow('expected to be in range of [-1, 0]')
  })
})
