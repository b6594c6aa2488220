import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { analyze } from '../../analyze.js'
import { failure, python } from '../../../test/interpret.js'

/** What PyTorch 2.13 (CPU) builds and saves for small programs (`test/fixtures/nn-utils/measure.py`). */
interface NormCase {
  id: string
  code: string
  inputs: Array<[number[], string]>
  param_shapes: Array<[string, number[]]>
  buffer_shapes: Array<[string, number[]]>
  state_dict: string[]
  modules: Array<[string, string]>
  output_shape: number[]
  saved_activation_bytes: number
  flops_fwd_flopcounter: number
  flops_fwd_by_op: Record<string, number>
}

const cases = JSON.parse(readFileSync(new URL('../../../test/fixtures/nn-utils/nn-utils.json', import.meta.url), 'utf8')) as NormCase[]
const prelude =
  'import copy\nimport torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n' +
  'from torch.nn.utils import weight_norm, spectral_norm, remove_weight_norm, remove_spectral_norm\n' +
  'from torch.nn.utils import parametrizations as P, parametrize\n'

describe('torch.nn.utils weight normalisations build, trace and save as in PyTorch 2.13', () => {
  it('has the cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50)
  })
  for (const c of cases) {
    it(c.id, () => {
      const input = c.inputs.map(([shape, dtype]) => `${shape.join(',')}:${dtype}`).join(';')
      const a = analyze(`${prelude}${c.code}`, { input, device: 'cpu' })
      expect(a.tensors.filter((t) => t.kind === 'parameter').map((t) => [t.name, t.shape])).toEqual(c.param_shapes)
      expect(a.tensors.filter((t) => t.kind === 'buffer').map((t) => [t.name, t.shape])).toEqual(c.buffer_shapes)
      expect(a.modules.map((m) => [m.path, m.type])).toEqual(c.modules)
      const f = a.forward!
      expect(f, a.forwardNote?.message).toBeDefined()
      expect(f.outputShape).toEqual(c.output_shape)
      expect(f.savedBytes).toBe(BigInt(c.saved_activation_bytes))
      expect(f.flopCounter.total).toBe(BigInt(c.flops_fwd_flopcounter))
      expect(Object.fromEntries(Object.entries(f.flopCounter.byOp).map(([op, n]) => [op, Number(n)]))).toEqual(c.flops_fwd_by_op)
    })
  }
})

const header = 'import torch\nimport torch.nn as nn\nfrom torch.nn.utils import weight_norm, spectral_norm, remove_weight_norm, remove_spectral_norm\nfrom torch.nn.utils import parametrizations as P, parametrize\n'

describe('torch.nn.utils weight normalisations as Python code sees them', () => {
  // Each expected line is what PyTorch 2.13 prints for the same code.
  it('keeps the old hooks’ weight as a plain attribute', () => {
    expect(python(`${header}m = weight_norm(nn.Linear(3, 4))\nprint(type(m).__name__, tuple(m.weight.shape), m.weight.requires_grad, isinstance(m.weight, nn.Parameter), 'weight' in m.__dict__, tuple(m.weight_g.shape), m.weight_g.requires_grad)`)).toEqual(['Linear (4, 3) True False True (4, 1) True'])
    expect(python(`${header}m = spectral_norm(nn.Linear(3, 4))\nprint(tuple(m.weight.shape), m.weight.requires_grad, isinstance(m.weight, nn.Parameter), tuple(m.weight_u.shape), tuple(m.weight_v.shape), list(m.state_dict()))`)).toEqual([
      "(4, 3) False False (4,) (3,) ['bias', 'weight_orig', 'weight_u', 'weight_v']",
    ])
    expect(python(`${header}m = nn.Linear(3, 4)\nweight_norm(m)\nremove_weight_norm(m)\nprint([n for n, _ in m.named_parameters()], isinstance(m.weight, nn.Parameter), 'weight' in m.__dict__)`)).toEqual(["['bias', 'weight'] True False"])
  })

  it('makes parametrized modules of a Parametrized class', () => {
    const code = `${header}m = P.weight_norm(nn.Linear(3, 4))
print(type(m).__name__, type(m).__module__, isinstance(m, nn.Linear), tuple(m.weight.shape), m.weight.requires_grad, isinstance(m.weight, nn.Parameter))
print(type(m.parametrizations).__name__, type(m.parametrizations.weight).__name__, type(m.parametrizations.weight[0]).__name__, m.parametrizations.weight[0].dim, len(m.parametrizations.weight))
print(parametrize.is_parametrized(m), parametrize.is_parametrized(m, 'bias'), parametrize.type_before_parametrizations(m).__name__, tuple(m.parametrizations.weight.original0.shape), m.parametrizations.weight.is_tensor, m.parametrizations.weight.ntensors)
m.eval()
print(m.training, m.parametrizations.weight[0].training)
m = P.spectral_norm(nn.ConvTranspose2d(3, 4, 5))
sn = m.parametrizations.weight[0]
print(sn.dim, sn.eps, sn.n_power_iterations, tuple(sn._u.shape), tuple(sn._v.shape), sn.training)
parametrize.remove_parametrizations(m, 'weight')
print(type(m).__name__, hasattr(m, 'parametrizations'), [n for n, _ in m.named_parameters()], isinstance(m.weight, nn.Parameter))
m = P.spectral_norm(nn.Linear(3, 4), name='bias')
print(m.parametrizations.bias[0].dim, hasattr(m.parametrizations.bias[0], 'n_power_iterations'), [n for n, _ in m.named_buffers()])
m = P.weight_norm(nn.Conv1d(2, 4, 3), dim=None)
print(tuple(m.parametrizations.weight.original0.shape), m.parametrizations.weight[0].dim)`
    expect(python(code)).toEqual([
      'ParametrizedLinear torch.nn.utils.parametrize True (4, 3) True False',
      'ModuleDict ParametrizationList _WeightNorm 0 1',
      'True False Linear (4, 1) False 2',
      'False False',
      '1 1e-12 1 (4,) (75,) True',
      "ConvTranspose2d False ['bias', 'weight'] True",
      '0 False []',
      '() -1',
    ])
  })

  it('raises what PyTorch raises', () => {
    const raised = (call: string): string[] => python(`${header}try:\n    ${call}\nexcept Exception as e:\n    print(type(e).__name__, str(e))`)
    expect(raised('weight_norm(weight_norm(nn.Linear(3, 4)))')).toEqual(['RuntimeError Cannot register two weight_norm hooks on the same parameter weight'])
    expect(raised('spectral_norm(spectral_norm(nn.Linear(3, 4)))')).toEqual(['RuntimeError Cannot register two spectral_norm hooks on the same parameter weight'])
    expect(raised("weight_norm(nn.BatchNorm1d(3), name='running_mean')")).toEqual(["KeyError 'running_mean'"])
    expect(raised('weight_norm(nn.Linear(3, 4), dim=2)')).toEqual(['IndexError Dimension out of range (expected to be in range of [-2, 1], but got 2)'])
    expect(raised('P.weight_norm(nn.Linear(3, 4), dim=-3)')).toEqual(['IndexError Dimension out of range (expected to be in range of [-2, 1], but got -3)'])
    expect(raised('spectral_norm(nn.Linear(3, 4), n_power_iterations=0)')).toEqual(['ValueError Expected n_power_iterations to be positive, but got n_power_iterations=0'])
    expect(raised('P.spectral_norm(nn.Linear(3, 4), n_power_iterations=0)')).toEqual(['ValueError Expected n_power_iterations to be positive, but got n_power_iterations=0'])
    expect(raised('spectral_norm(nn.Linear(3, 4), dim=2)')).toEqual([
      'RuntimeError permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = 2 is not equal to len(dims) = 3',
    ])
    expect(raised('P.spectral_norm(nn.Linear(3, 4), dim=2)')).toEqual(['IndexError Dimension out of range (expected to be in range of [-2, 1] but got 2)'])
    expect(raised("parametrize.remove_parametrizations(P.weight_norm(nn.Linear(3, 4)), 'weight', leave_parametrized=False)")).toEqual([
      'ValueError Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is parametrized in terms of a sequence of tensors.',
    ])
    // PyTorch names the module by its repr (`Linear(in_features=3, out_features=4, bias=True)`), nnsize by its class.
    expect(raised('remove_weight_norm(nn.Linear(3, 4))')[0]).toMatch(/^ValueError weight_norm of 'weight' not found in Linear/)
    expect(raised('remove_spectral_norm(weight_norm(nn.Linear(3, 4)))')[0]).toMatch(/^ValueError spectral_norm of 'weight' not found in Linear/)
    expect(raised("parametrize.remove_parametrizations(nn.Linear(3, 4), 'weight')")[0]).toMatch(/^ValueError Module Linear.* does not have a parametrization on weight$/)
    expect(raised("P.weight_norm(nn.Linear(3, 4), name='foo')")[0]).toMatch(/^ValueError Module 'Linear.*' does not have a parameter, a buffer, or a parametrized element with name 'foo'$/)
    expect(raised("P.spectral_norm(nn.Linear(3, 4), name='foo')")[0]).toMatch(/^ValueError Module 'Linear.*' has no parameter or buffer with name 'foo'$/)
    expect(raised("weight_norm(nn.Linear(3, 4), name='foo')")[0]).toMatch(/^AttributeError .*foo/)
  })

  it('refuses parametrizations it does not model, rather than dropping them', () => {
    expect(failure(() => python(`${header}m = nn.Linear(3, 3)\nP.orthogonal(m)`)).message).toContain('`torch.nn.utils.parametrizations.orthogonal` is not supported yet')
    expect(failure(() => python(`${header}class Sym(nn.Module):\n    def forward(self, x):\n        return x.triu() + x.triu(1).transpose(-1, -2)\nm = nn.Linear(3, 3)\nparametrize.register_parametrization(m, 'weight', Sym())`)).message).toContain('is not supported yet')
  })
})

describe('layers whose forward rules do not read a normalised weight', () => {
  it('count the parameters and refuse the forward pass rather than measure it wrong', () => {
    // PyTorch 2.13 keeps the computed weight of these layers for backward (`weight_norm(nn.LayerNorm(4))`: 112 bytes
    // on a (5, 2, 4) input, where nnsize's LayerNorm rule would see no weight at all).
    for (const [code, input, layer, names] of [
      ['m = weight_norm(nn.LayerNorm(4))', '5,2,4', 'LayerNorm', ['bias', 'weight_g', 'weight_v']],
      ["m = weight_norm(nn.LSTM(4, 4), name='weight_hh_l0')", '5,2,4', 'LSTM', ['weight_ih_l0', 'bias_ih_l0', 'bias_hh_l0', 'weight_hh_l0_g', 'weight_hh_l0_v']],
      ['m = P.spectral_norm(nn.BatchNorm1d(4))', '5,4', 'BatchNorm1d', ['bias', 'parametrizations.weight.original']],
    ] as const) {
      const a = analyze(`${prelude}${code}\nm`, { input, device: 'cpu' })
      expect(a.tensors.filter((t) => t.kind === 'parameter').map((t) => t.name)).toEqual(names)
      expect(a.forward).toBeUndefined()
      expect(a.forwardNote?.message).toBe(`The forward pass of \`${layer}\` with a weight-normalised, spectral-normalised or parametrized tensor is not supported yet.`)
    }
  })
})
