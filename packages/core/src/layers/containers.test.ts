import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { errorOf } from '../../test/support.js'

function parameters(source: string) {
  const r = analyze(source)
  return { total: r.params.total, trainable: r.params.trainable, names: r.tensors.filter((t) => t.kind === 'parameter').map((t) => [t.name, t.shape, t.trainable]) }
}

describe('parameterList', () => {
  it('names its tensors 0, 1, … and makes every tensor a trainable parameter (measured with PyTorch 2.13)', () => {
    expect(parameters('nn.ParameterList([nn.Parameter(torch.randn(3, 4)), torch.zeros(5)])')).toEqual({
      total: 17n,
      trainable: 17n,
      names: [
        ['0', [3, 4], true],
        ['1', [5], true],
      ],
    })
  })

  it('counts one nn.Parameter given twice once, under its first name', () => {
    const source = "p = nn.Parameter(torch.randn(3))\nnn.ModuleList([nn.ParameterList([p, p]), nn.ParameterDict({'a': p, 'b': nn.Parameter(torch.ones(2), requires_grad=False)})])"
    expect(parameters(source)).toEqual({
      total: 5n,
      trainable: 3n,
      names: [
        ['0.0', [3], true],
        ['1.b', [2], false],
      ],
    })
  })

  it('refuses modules and integer tensors that would require grad', () => {
    expect(errorOf(() => analyze('nn.ParameterList([nn.Linear(2, 2)])')).message).toContain('use `nn.ModuleList`')
    expect(errorOf(() => analyze('nn.ParameterList([torch.zeros(3, dtype=torch.long)])')).message).toContain('cannot be a parameter that requires grad')
  })

  it('has no forward pass', () => {
    expect(errorOf(() => analyze('nn.ParameterList([torch.zeros(3)])', { input: '3' })).message).toContain('has no forward pass')
  })
})

describe('parameterDict', () => {
  it('names its tensors by key, in insertion order', () => {
    expect(parameters("nn.ParameterDict({'w': nn.Parameter(torch.randn(2, 2)), 'b': torch.zeros(2)})").names).toEqual([
      ['w', [2, 2], true],
      ['b', [2], true],
    ])
    expect(parameters("nn.ParameterDict([('x', torch.zeros(4))])").total).toBe(4n)
  })

  it('refuses keys PyTorch refuses', () => {
    expect(errorOf(() => analyze("nn.ParameterDict({'a.b': torch.zeros(2)})")).message).toContain('parameter name can\'t contain ".", got: a.b.')
  })
})
