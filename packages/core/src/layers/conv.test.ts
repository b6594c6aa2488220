import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { NnsizeError } from '../errors.js'
import type { DeviceProfile } from '../forward/trace.js'

// Expected values were measured with PyTorch 1.13 (parameters via named_parameters(), saved bytes with
// saved_tensors_hooks grouped by storage); MACs are worked out by hand in the comments.

function run(source: string, input: number[], device: DeviceProfile = 'cpu') {
  const r = analyze(source, { input, device })
  const f = r.forward!
  return {
    params: r.params.total,
    names: r.tensors.map((t) => [t.name, t.shape]),
    output: f.outputs[0]!.shape,
    saved: f.savedBytes,
    withInput: f.savedBytesWithInput,
    macs: f.macs,
  }
}

function failure(source: string, input?: number[]): NnsizeError {
  try {
    analyze(source, input ? { input, device: 'cpu' } : {})
  } catch (error) {
    if (NnsizeError.isInstance(error)) return error
    throw error
  }
  throw new Error(`expected ${source} to fail`)
}

/** The source text an error's span points at. */
function pointedAt(source: string, error: NnsizeError): string {
  return source.slice(error.span!.start, error.span!.end)
}

describe('conv1d', () => {
  it("pads with F.pad first for padding_mode='reflect' and saves both the input and the padded copy", () => {
    const r = run("nn.Conv1d(80, 80, 7, padding='same', groups=80, padding_mode='reflect')", [2, 80, 50])
    expect(r.names).toEqual([
      ['weight', [80, 1, 7]],
      ['bias', [80]],
    ])
    expect(r.params).toBe(640n)
    expect(r.output).toEqual([2, 80, 50])
    expect(r.saved).toBe(35840n) // padded copy (2, 80, 56) float32
    expect(r.withInput).toBe(67840n) // + the input (2, 80, 50) that reflection padding saves
    expect(r.macs).toBe(56000n) // 2·80·50 outputs × 1 channel per group × 7
  })

  it("makes a zero-padded copy for padding='same' when the total padding is odd", () => {
    const r = run("nn.Conv1d(4, 6, 4, padding='same', bias=False)", [2, 4, 50])
    expect(r.output).toEqual([2, 6, 50])
    expect(r.saved).toBe(1632n) // (2, 4, 51): one extra element on the right, the rest padded by the kernel
    expect(r.withInput).toBe(1632n)
    expect(r.macs).toBe(9600n) // 2·6·50 × 4 × 4
  })

  it('saves only the padded copy for circular padding, which saves nothing itself', () => {
    const r = run("nn.Conv1d(2, 2, 3, padding=2, padding_mode='circular')", [1, 2, 2])
    expect(r.output).toEqual([1, 2, 4])
    expect(r.saved).toBe(48n)
    expect(r.withInput).toBe(48n)
  })

  it('still copies the input through F.pad when a padding mode pads by zero', () => {
    const r = run("nn.Conv1d(2, 2, 1, padding_mode='replicate')", [1, 2, 2])
    expect(r.saved).toBe(16n)
    expect(r.withInput).toBe(32n)
  })

  it('counts the same on the cuda profile', () => {
    const r = run("nn.Conv1d(80, 80, 7, padding='same', groups=80, padding_mode='reflect')", [2, 80, 50], 'cuda')
    expect([r.saved, r.withInput]).toEqual([35840n, 67840n])
  })

  it("rejects a kernel larger than the padded input with PyTorch's sizes", () => {
    expect(failure('nn.Conv1d(2, 2, 5, padding=1)', [1, 2, 2]).message).toContain('calculated padded input size per channel: (4). Kernel size: (5).')
  })

  it('rejects reflection padding as large as the input', () => {
    const e = failure("nn.Conv1d(2, 2, 3, padding=2, padding_mode='reflect')", [1, 2, 2])
    expect(e.code).toBe('shape')
    expect(e.message).toContain('reflection padding (2, 2) for dimension 2 of size 2')
  })

  it('rejects circular padding that wraps around more than once', () => {
    expect(failure("nn.Conv1d(2, 2, 3, padding=3, padding_mode='circular')", [1, 2, 2]).message).toContain('wrapping around more than once')
  })

  it('rejects an input with the wrong number of channels', () => {
    expect(failure('nn.Conv1d(4, 8, 3)', [1, 3, 10]).message).toBe('`Conv1d` expects 4 input channels, got 3 (input of shape (1, 3, 10)).')
  })
})

describe('conv2d', () => {
  it("pads 'same' per dimension: one extra row for the even kernel, none for the dilated odd one", () => {
    const r = run("nn.Conv2d(4, 8, (4, 3), padding='same', dilation=(1, 3))", [2, 4, 5, 5])
    expect(r.params).toBe(392n)
    expect(r.output).toEqual([2, 8, 5, 5])
    expect(r.saved).toBe(960n) // (2, 4, 6, 5)
    expect(r.macs).toBe(19200n) // 2·8·5·5 × 4 × 12
  })

  it('pads an unbatched input through F.pad', () => {
    const r = run("nn.Conv2d(384, 96, 1, padding='same', padding_mode='reflect')", [384, 16, 16])
    expect(r.output).toEqual([96, 16, 16])
    expect([r.saved, r.withInput]).toEqual([393216n, 786432n])
  })

  it('computes strided output sizes and saves the input', () => {
    const r = run('nn.Conv2d(3, 8, 3, stride=2, padding=1)', [2, 3, 7, 7])
    expect(r.output).toEqual([2, 8, 4, 4])
    expect([r.saved, r.withInput]).toEqual([0n, 1176n])
    expect(r.macs).toBe(6912n) // 2·8·4·4 × 3 × 9
  })

  it('takes a stride, padding and dilation of one item for every dimension, as its kernel expands them', () => {
    // PyTorch 2.13: nn.Conv2d(3, 8, 3, stride=[2], padding=[1], dilation=[2]) on (1, 3, 9, 9) gives (1, 8, 4, 4).
    const r = run('nn.Conv2d(3, 8, 3, stride=[2], padding=[1], dilation=[2])', [1, 3, 9, 9])
    expect(r.params).toBe(224n)
    expect(r.output).toEqual([1, 8, 4, 4])
    expect(failure('nn.Conv2d(3, 8, 3, stride=[2, 2, 2])').code).toBe('argument-value')
  })

  it('rejects in_channels not divisible by groups, pointing at groups', () => {
    const source = 'nn.Conv2d(30, 64, 3, groups=4)'
    const e = failure(source)
    expect(e.code).toBe('argument-value')
    expect(e.message).toBe('`in_channels` must be divisible by `groups` (got 30 and 4).')
    expect(pointedAt(source, e)).toBe('4')
  })

  it('rejects out_channels not divisible by groups', () => {
    const source = 'nn.Conv2d(32, 30, 3, groups=4)'
    const e = failure(source)
    expect(e.message).toBe('`out_channels` must be divisible by `groups` (got 30 and 4).')
    expect(pointedAt(source, e)).toBe('4')
  })

  it('rejects non-positive groups', () => {
    const source = 'nn.Conv2d(32, 32, 3, groups=0)'
    expect(pointedAt(source, failure(source))).toBe('0')
  })

  it("rejects padding='same' with a stride", () => {
    const source = "nn.Conv2d(3, 8, 3, stride=2, padding='same')"
    const e = failure(source)
    expect(e.message).toContain("`padding='same'` is not supported for strided convolutions")
    expect(pointedAt(source, e)).toBe("'same'")
  })

  it('rejects an unknown padding string', () => {
    const source = "nn.Conv2d(3, 8, 3, padding='full')"
    const e = failure(source)
    expect(e.message).toBe("Invalid padding string 'full', should be one of 'valid', 'same'.")
    expect(pointedAt(source, e)).toBe("'full'")
  })

  it('rejects an unknown padding mode', () => {
    const source = "nn.Conv2d(3, 8, 3, padding_mode='mirror')"
    const e = failure(source)
    expect(e.message).toContain("'mirror'")
    expect(pointedAt(source, e)).toBe("'mirror'")
  })

  it('rejects a zero stride', () => {
    const source = 'nn.Conv2d(3, 8, 3, stride=(1, 0))'
    const e = failure(source)
    expect(e.message).toBe('`stride` must be positive, got (1, 0).')
    expect(pointedAt(source, e)).toBe('(1, 0)')
  })

  it('rejects a zero dilation', () => {
    const source = 'nn.Conv2d(3, 8, 3, dilation=0)'
    expect(pointedAt(source, failure(source))).toBe('0')
  })
})

describe('a convolution of no output channels', () => {
  it('builds with no parameters, and its forward is refused, as PyTorch refuses it', () => {
    // vit-pytorch's crossformer with dim 16 and dim_head 32 has 0 heads; PyTorch 2.13 builds nn.Conv2d(16, 0, 1)
    // (a warning that initialising zero-element tensors is a no-op) and raises this RuntimeError in forward.
    expect(analyze('nn.Conv2d(16, 0, 1, bias=False)').params.total).toBe(0n)
    expect(failure('nn.Conv2d(16, 0, 1, bias=False)', [1, 16, 8, 8]).message).toContain('Given groups=1, expected weight to be at least 1 at dimension 0, but got weight of size [0, 16, 1, 1] instead')
  })
})

describe('conv3d', () => {
  it('pads all three dimensions by reflection and saves the input and the padded copy', () => {
    const r = run("nn.Conv3d(16, 2, 3, padding=1, bias=False, padding_mode='reflect')", [3, 16, 2, 16, 16])
    expect(r.names).toEqual([['weight', [2, 16, 3, 3, 3]]])
    expect(r.output).toEqual([3, 2, 2, 16, 16])
    expect([r.saved, r.withInput]).toEqual([248832n, 347136n]) // (3, 16, 4, 18, 18) and the input (3, 16, 2, 16, 16)
    expect(r.macs).toBe(1327104n) // 3·2·2·16·16 × 16 × 27
  })
})

describe('convTranspose1d', () => {
  it('takes an unbatched input and computes (L−1)·stride + dilation·(k−1) + output_padding + 1', () => {
    const r = run('nn.ConvTranspose1d(2, 6, 3, stride=2, output_padding=1, groups=2)', [2, 7])
    expect(r.names).toEqual([
      ['weight', [2, 3, 3]],
      ['bias', [6]],
    ])
    expect(r.output).toEqual([6, 16])
    expect([r.saved, r.withInput]).toEqual([0n, 56n])
    expect(r.macs).toBe(126n) // 2·7 input elements × 3 outputs per group × 3
  })

  it('rejects output_padding not smaller than stride or dilation when it runs', () => {
    expect(analyze('nn.ConvTranspose1d(2, 2, 3, output_padding=1)').params.total).toBe(14n)
    expect(failure('nn.ConvTranspose1d(2, 2, 3, output_padding=1)', [1, 2, 5]).message).toContain('output_padding=(1), stride=(1) and dilation=(1)')
  })

  it("rejects padding='same'", () => {
    const source = "nn.ConvTranspose1d(2, 2, 3, padding='same')"
    const e = failure(source)
    expect(e.code).toBe('argument-type')
    expect(pointedAt(source, e)).toBe("'same'")
  })

  it("rejects padding modes other than 'zeros'", () => {
    const source = "nn.ConvTranspose1d(2, 2, 3, padding_mode='reflect')"
    const e = failure(source)
    expect(e.message).toBe("Only `'zeros'` padding mode is supported for ConvTranspose1d.")
    expect(pointedAt(source, e)).toBe("'reflect'")
  })
})

describe('convTranspose2d', () => {
  it('handles per-dimension dilation', () => {
    const r = run('nn.ConvTranspose2d(16, 4, 3, stride=2, padding=1, dilation=(1, 2), bias=False)', [3, 16, 2, 2])
    expect(r.params).toBe(576n)
    expect(r.output).toEqual([3, 4, 3, 5])
    expect([r.saved, r.withInput]).toEqual([0n, 768n])
    expect(r.macs).toBe(6912n) // 3·16·2·2 × 4 × 9
  })

  it('rejects an output that shrinks to nothing', () => {
    expect(failure('nn.ConvTranspose2d(2, 2, 1, padding=1)', [1, 2, 2, 2]).message).toContain('Calculated output size per channel: (0 x 0). Output size is too small.')
  })
})

describe('convTranspose3d', () => {
  it('computes each dimension with its own stride and padding', () => {
    const r = run('nn.ConvTranspose3d(4, 2, (1, 2, 3), stride=(1, 2, 1), padding=(0, 1, 1))', [1, 4, 2, 3, 4])
    expect(r.params).toBe(50n)
    expect(r.output).toEqual([1, 2, 2, 4, 4])
    expect([r.saved, r.withInput]).toEqual([0n, 384n])
    expect(r.macs).toBe(1152n) // 4·2·3·4 × 2 × 6
  })
})
