import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { errorOf } from '../../test/support.js'

/** `[expression, input shapes, output shape, saved bytes, saved bytes with the inputs]`. */
type Measured = [string, number[][], number[], number, number]

/** Measured with PyTorch 1.13 on CPU in training mode (`saved_tensors_hooks`, each storage once, parameters excluded). */
const measured: Record<string, Measured[]> = {
  linear: [
    ['nn.Linear(3, 4)', [[3]], [4], 0, 12],
    ['nn.Linear(3, 4)', [[2, 5, 3]], [2, 5, 4], 0, 120],
    ['nn.Linear(3, 4, bias=False).requires_grad_(False)', [[2, 5, 3]], [2, 5, 4], 0, 0],
    ['nn.Sequential(nn.Linear(3, 4).requires_grad_(False), nn.ReLU(), nn.Linear(4, 2))', [[5, 3]], [5, 2], 80, 80],
  ],
  bilinear: [
    ['nn.Bilinear(3, 4, 5)', [[2, 3], [2, 4]], [2, 5], 0, 56],
    ['nn.Bilinear(3, 4, 5, bias=False)', [[3], [4]], [5], 0, 28],
    ['nn.Bilinear(3, 4, 5).requires_grad_(False)', [[2, 6, 3], [2, 6, 4]], [2, 6, 5], 0, 336],
  ],
  identity: [['nn.Identity(54, unused_argument=0.1)', [[2, 3]], [2, 3], 0, 0]],
}

function forward(source: string, input: number[][]) {
  return analyze(source, { input, device: 'cpu' }).forward!
}

function checkMeasured(kind: string): void {
  for (const [source, inputs, output, saved, savedWithInput] of measured[kind]!) {
    it(`${source} on ${inputs.map((s) => `(${s.join(', ')})`).join(' and ')} saves ${saved} B, ${savedWithInput} B with its inputs`, () => {
      const f = forward(source, inputs)
      expect(f.outputs[0]!.shape).toEqual(output)
      expect(f.savedBytes).toBe(BigInt(saved))
      expect(f.savedBytesWithInput).toBe(BigInt(savedWithInput))
    })
  }
}

describe('linear', () => {
  checkMeasured('linear')
  it('counts rows × in_features × out_features MACs, bias excluded', () => {
    expect(forward('nn.Linear(3, 4)', [[2, 5, 3]]).macs).toBe(2n * 5n * 3n * 4n)
  })
  it('counts huge layers exactly', () => {
    const r = analyze('nn.Linear(18432, 73728, bias=False)')
    expect(r.params.total).toBe(18432n * 73728n)
    expect(r.params.bytes).toBe(18432n * 73728n * 4n)
  })
  it('takes 2 bytes an element with dtype=torch.float16', () => {
    expect(analyze('nn.Linear(4, 4, dtype=torch.float16)').params.bytes).toBe(40n)
  })
  it('rejects an input whose last dimension is not `in_features`', () => {
    const e = errorOf(() => forward('nn.Linear(3, 4)', [[2, 5]]))
    expect(e.code).toBe('shape')
    expect(e.message).toContain('mat1 and mat2 shapes cannot be multiplied (2x5 and 3x4)')
  })
})

describe('bilinear', () => {
  checkMeasured('bilinear')
  it('has a (out, in1, in2) weight and an (out) bias', () => {
    const r = analyze('nn.Bilinear(3, 4, 5)')
    expect(r.tensors.map((t) => [t.name, t.shape])).toEqual([
      ['weight', [5, 3, 4]],
      ['bias', [5]],
    ])
    expect(r.formula[0]!.factors).toEqual([['out_features', 5], ['in1_features', 3], ['in2_features', 4]])
  })
  it('counts rows × out × in1 × in2 MACs', () => {
    expect(forward('nn.Bilinear(3, 4, 5)', [[2, 6, 3], [2, 6, 4]]).macs).toBe(12n * 5n * 3n * 4n)
  })
  it('rejects mismatched inputs with PyTorch\'s reasons', () => {
    expect(errorOf(() => forward('nn.Bilinear(3, 4, 5)', [[2, 3], [3, 4]])).message).toContain('input batch dimensions do not match at dim 0: got 2 and 3')
    expect(errorOf(() => forward('nn.Bilinear(3, 4, 5)', [[2, 3], [2, 5]])).message).toContain('expects `input2` to end with 4 features')
    expect(errorOf(() => forward('nn.Bilinear(3, 4, 5)', [[2, 2, 3], [2, 4]])).message).toContain('got inputs of 3 and 2 dimensions')
  })
  it('needs two inputs', () => {
    expect(errorOf(() => forward('nn.Bilinear(3, 4, 5)', [[2, 3]])).message).toContain('takes two inputs')
  })
})

describe('identity', () => {
  checkMeasured('identity')
  it('returns its input and has no parameters', () => {
    const r = analyze('nn.Identity()', { input: [4, 64] })
    expect(r.params.total).toBe(0n)
    expect(r.forward!.outputs[0]!.storage.origin).toBe('input')
  })
})
