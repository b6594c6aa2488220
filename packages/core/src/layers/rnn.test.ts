import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { maxRecurrentSteps } from './rnn.js'
import type { TorchVersion } from '../forward/torch-version.js'
import { errorOf } from '../../test/support.js'

// Expected values were measured with PyTorch 1.13 (the default of `cpu` here) and, for the oneDNN LSTM of
// PyTorch 2.x, with 2.13 (CPU, training mode, saved_tensors_hooks, each storage counted once); MACs are the
// multiply-accumulates of every mm/addmm PyTorch ran.

function cpu(expr: string, input: number[][], torch: TorchVersion = '1.13') {
  const r = analyze(expr, { input, device: 'cpu', torch })
  const f = r.forward!
  return { r, f, saved: f.savedBytes, withInput: f.savedBytesWithInput, shapes: f.outputs.map((t) => [...t.shape]) }
}

function parameterShapes(expr: string): Array<[string, number[]]> {
  return analyze(expr)
    .tensors.filter((t) => t.kind === 'parameter')
    .map((t) => [t.name, t.shape])
}

describe('rnn', () => {
  it('registers weights per layer and direction in PyTorch order, `_reverse` last', () => {
    expect(parameterShapes('nn.RNN(10, 20, 2, bidirectional=True)')).toEqual([
      ['weight_ih_l0', [20, 10]],
      ['weight_hh_l0', [20, 20]],
      ['bias_ih_l0', [20]],
      ['bias_hh_l0', [20]],
      ['weight_ih_l0_reverse', [20, 10]],
      ['weight_hh_l0_reverse', [20, 20]],
      ['bias_ih_l0_reverse', [20]],
      ['bias_hh_l0_reverse', [20]],
      ['weight_ih_l1', [20, 40]],
      ['weight_hh_l1', [20, 20]],
      ['bias_ih_l1', [20]],
      ['bias_hh_l1', [20]],
      ['weight_ih_l1_reverse', [20, 40]],
      ['weight_hh_l1_reverse', [20, 20]],
      ['bias_ih_l1_reverse', [20]],
      ['bias_hh_l1_reverse', [20]],
    ])
    expect(analyze('nn.RNN(10, 20, 2, bidirectional=True)').params.total).toBe(3760n)
  })

  it('registers no biases with bias=False', () => {
    expect(parameterShapes('nn.RNN(100, 20, bias=False)')).toEqual([
      ['weight_ih_l0', [20, 100]],
      ['weight_hh_l0', [20, 20]],
    ])
  })

  it('takes nonlinearity as the fourth positional argument', () => {
    expect(analyze("nn.RNN(4, 8, 1, 'relu')").root.args['nonlinearity']).toBe('relu')
    expect(analyze('nn.RNN(4, 8)').root.args['nonlinearity']).toBe('tanh')
  })

  it('explains each tensor by its factors', () => {
    const terms = analyze('nn.RNN(10, 20, 2, bidirectional=True)').formula
    expect(terms[0]).toEqual({ tensor: 'weight_ih_l0', factors: [['hidden_size', 20], ['input_size', 10]] })
    expect(terms[8]).toEqual({ tensor: 'weight_ih_l1', factors: [['hidden_size', 20], ['2 × hidden_size', 40]] })
  })

  it('saves every step output and the zero initial state', () => {
    // (seq 3, batch 2, in 4), hidden 8: h_0 zeros (2·8) + h_1..h_3 (3·2·8) = 64 floats; input 3·2·4 floats.
    const { saved, withInput, shapes, f } = cpu('nn.RNN(4, 8)', [[3, 2, 4]])
    expect(saved).toBe(256n)
    expect(withInput).toBe(352n)
    expect(shapes).toEqual([[3, 2, 8], [1, 2, 8]])
    // 3 steps × batch 2 × (4·8 + 8·8)
    expect(f.macs).toBe(576n)
  })

  it('returns (output, h_n) for two layers and both directions', () => {
    const { saved, withInput, shapes, f } = cpu('nn.RNN(10, 20, 2, bidirectional=True)', [[5, 3, 10]])
    expect(shapes).toEqual([[5, 3, 40], [4, 3, 20]])
    expect(saved).toBe(8160n)
    expect(withInput).toBe(8760n)
    expect(f.macs).toBe(54000n)
  })

  it('copies a non-contiguous batch-first input once per direction', () => {
    // Two copies of the (3, 2, 4) input: 2·24 floats, plus zeros 2·2·8 and 2·3·2·8 step outputs.
    const { saved, withInput, shapes } = cpu('nn.RNN(4, 8, batch_first=True, bidirectional=True)', [[2, 3, 4]])
    expect(shapes[0]).toEqual([2, 3, 16])
    expect(saved).toBe(704n)
    expect(withInput).toBe(704n)
  })

  it('saves float noise for dropout between layers only in training mode', () => {
    expect(cpu('nn.RNN(4, 8, 2, dropout=0.5)', [[3, 2, 4]]).saved).toBe(896n)
    expect(cpu('nn.RNN(4, 8, 2, dropout=0.5).eval()', [[3, 2, 4]]).saved).toBe(704n)
    // p = 1 multiplies by a saved zero scalar (4 bytes) instead of drawing noise.
    expect(cpu('nn.RNN(4, 8, 2, dropout=1.0)', [[3, 2, 4]]).saved).toBe(708n)
  })

  it('accepts dropout with a single layer, where PyTorch only warns', () => {
    expect(cpu('nn.RNN(4, 8, dropout=0.5)', [[3, 2, 4]]).saved).toBe(256n)
  })

  it('takes an unbatched input', () => {
    const { saved, withInput, shapes, f } = cpu('nn.RNN(4, 8)', [[3, 4]])
    expect(shapes).toEqual([[3, 8], [1, 8]])
    expect(saved).toBe(128n)
    expect(withInput).toBe(176n)
    expect(f.macs).toBe(288n)
  })

  it('takes an initial hidden state as a second input', () => {
    const { saved, withInput } = cpu('nn.RNN(4, 8, 2)', [[3, 2, 4], [2, 2, 8]])
    expect(saved).toBe(576n)
    expect(withInput).toBe(800n)
  })

  it('rejects a non-positive hidden_size', () => {
    expect(() => analyze('nn.RNN(4, 0)')).toThrow('`hidden_size` must be greater than zero, got `0`.')
  })

  it('rejects a non-positive num_layers', () => {
    expect(() => analyze('nn.RNN(4, 8, 0)')).toThrow('`num_layers` must be greater than zero, got `0`.')
  })

  it('rejects dropout outside [0, 1]', () => {
    const error = errorOf(() => analyze('nn.RNN(4, 8, 2, dropout=1.5)'))
    expect(error.code).toBe('argument-value')
    expect(error.message).toContain('`dropout` should be a number in range [0, 1] representing the probability of an element being zeroed, got `1.5`.')
  })

  it('rejects proj_size, which only LSTM supports', () => {
    expect(() => analyze('nn.RNN(4, 8, proj_size=2)')).toThrow('`proj_size` argument is only supported for LSTM, not RNN or GRU')
  })

  it('rejects an unknown nonlinearity', () => {
    expect(() => analyze("nn.RNN(4, 8, nonlinearity='sigmoid')")).toThrow("`nonlinearity` must be one of 'tanh', 'relu', got 'sigmoid'.")
  })

  it('rejects an input of the wrong rank', () => {
    expect(() => cpu('nn.RNN(4, 8)', [[1, 3, 2, 4]])).toThrow('RNN: Expected input to be 2D or 3D, got 4D instead.')
  })

  it('rejects an input with the wrong feature size', () => {
    const error = errorOf(() => cpu('nn.RNN(4, 8)', [[3, 2, 5]]))
    expect(error.code).toBe('shape')
    expect(error.message).toContain('input.size(-1) must be equal to input_size. Expected 4, got 5.')
  })

  it('rejects an initial state of the wrong shape', () => {
    expect(() => cpu('nn.RNN(4, 8, 2)', [[3, 2, 4], [1, 2, 8]])).toThrow('Expected hidden size (2, 2, 8), got (1, 2, 8).')
  })

  it('rejects more inputs than the input and h_0', () => {
    expect(() => cpu('nn.RNN(4, 8)', [[3, 2, 4], [1, 2, 8], [1, 2, 8]])).toThrow('at most 2 tensors, got 3.')
  })

  it('refuses more layers than the tensor limit', () => {
    const error = errorOf(() => analyze('nn.RNN(4, 8, 1000000)'))
    expect(error.code).toBe('limit')
    expect(error.message).toContain('would register 5,000,000 tensors')
  })

  it('uses the same per-step accounting for the cuda profile, and says that cuDNN runs instead', () => {
    const expr = 'nn.LSTM(4, 8, 2, dropout=0.5, bidirectional=True)'
    expect(analyze(expr, { input: '3,2,4', device: 'cuda', torch: '1.13' }).forward!.savedBytes).toBe(cpu(expr, [[3, 2, 4]]).saved)
    const current = analyze(expr, { input: '3,2,4', device: 'cuda' }).forward!
    expect(current.savedBytes).toBe(cpu(expr, [[3, 2, 4]]).saved)
    expect(current.kernels).toEqual([expect.objectContaining({ path: '', op: 'lstm', kernel: 'native (per-step) figures for cuDNN' })])
  })
})

describe('lstm', () => {
  it('registers weight_hr after the biases when projecting', () => {
    expect(parameterShapes('nn.LSTM(10, 20, 2, proj_size=5, bidirectional=True)').slice(0, 10)).toEqual([
      ['weight_ih_l0', [80, 10]],
      ['weight_hh_l0', [80, 5]],
      ['bias_ih_l0', [80]],
      ['bias_hh_l0', [80]],
      ['weight_hr_l0', [5, 20]],
      ['weight_ih_l0_reverse', [80, 10]],
      ['weight_hh_l0_reverse', [80, 5]],
      ['bias_ih_l0_reverse', [80]],
      ['bias_hh_l0_reverse', [80]],
      ['weight_hr_l0_reverse', [5, 20]],
    ])
    expect(parameterShapes('nn.LSTM(10, 20, 2, proj_size=5, bidirectional=True)')[10]).toEqual(['weight_ih_l1', [80, 10]])
    expect(analyze('nn.LSTM(10, 20, 2, proj_size=5, bidirectional=True)').params.total).toBe(5840n)
  })

  it('saves per step the gate buffer, c_{t-1}, tanh(c_t) and h_{t-1}', () => {
    // seq 3, batch 2, hidden 8 (B·H = 16): 3 × (4·16 gates + 16 tanh(c)) + c_1, c_2, h_1, h_2 (4·16)
    // + zero h_0 and c_0 (2·16) = 336 floats.
    const { saved, withInput, shapes, f } = cpu('nn.LSTM(4, 8)', [[3, 2, 4]])
    expect(saved).toBe(1344n)
    expect(withInput).toBe(1440n)
    expect(shapes).toEqual([[3, 2, 8], [1, 2, 8], [1, 2, 8]])
    // 3 steps × batch 2 × (4·32 + 8·32)
    expect(f.macs).toBe(2304n)
  })

  it('counts the projection matmul and saves its input', () => {
    const { saved, withInput, shapes, f } = cpu('nn.LSTM(4, 8, proj_size=3)', [[2, 2, 4]])
    expect(shapes).toEqual([[2, 2, 3], [1, 2, 3], [1, 2, 8]])
    expect(saved).toBe(944n)
    expect(withInput).toBe(1008n)
    // 2 steps × batch 2 × (in 4 · 32 gates + proj 3 · 32 + hidden 8 · proj 3) = 4 × 248
    expect(f.macs).toBe(992n)
  })

  it('sizes two stacked bidirectional projected layers', () => {
    const { saved, withInput, shapes, f } = cpu('nn.LSTM(10, 20, 2, proj_size=5, bidirectional=True)', [[5, 3, 10]])
    expect(shapes).toEqual([[5, 3, 10], [4, 3, 5], [4, 3, 20]])
    expect(saved).toBe(35400n)
    expect(withInput).toBe(36000n)
    expect(f.macs).toBe(78000n)
  })

  it('takes (h_0, c_0) as second and third inputs', () => {
    const { saved, withInput } = cpu('nn.LSTM(4, 8)', [[3, 2, 4], [1, 2, 8], [1, 2, 8]])
    expect(saved).toBe(1216n)
    expect(withInput).toBe(1440n)
  })

  it('copies a batch-first input whose transposed view is not contiguous', () => {
    const { saved, withInput, shapes } = cpu('nn.LSTM(4, 8, batch_first=True)', [[2, 3, 4]])
    expect(shapes[0]).toEqual([2, 3, 8])
    expect(saved).toBe(1440n)
    expect(withInput).toBe(1440n)
  })

  it('rejects proj_size not smaller than hidden_size', () => {
    expect(() => analyze('nn.LSTM(4, 8, proj_size=8)')).toThrow('`proj_size` has to be smaller than `hidden_size` (got proj_size=8 and hidden_size=8).')
  })

  it('rejects a negative proj_size', () => {
    expect(() => analyze('nn.LSTM(4, 8, proj_size=-1)')).toThrow('`proj_size` should be a positive integer or zero to disable projections, got `-1`.')
  })

  it('rejects h_0 without c_0', () => {
    expect(() => cpu('nn.LSTM(4, 8)', [[3, 2, 4], [1, 2, 8]])).toThrow('takes its initial state as two tensors (h_0, c_0)')
  })
})

describe('lstm under PyTorch 2.13 (oneDNN on CPU)', () => {
  it('keeps per layer its input, h_0 and c_0, its output, h_n, c_n and a oneDNN workspace', () => {
    // h_0, c_0 (64 B each), output 192 B, h_n and c_n 64 B each, workspace 28,672 B (seven 4 KiB pages).
    const { saved, withInput, shapes, f } = cpu('nn.LSTM(4, 8)', [[3, 2, 4]], '2.13')
    expect([saved, withInput]).toEqual([29120n, 29216n])
    expect(shapes).toEqual([[3, 2, 8], [1, 2, 8], [1, 2, 8]])
    expect(f.macs).toBe(2304n)
    expect(f.kernels).toEqual([{ path: '', op: 'lstm', kernel: 'oneDNN mkldnn_rnn_layer', note: 'with a workspace per layer and direction (the oneDNN 3.x layout)' }])
  })

  it('matches PyTorch 2.13 for stacked, bidirectional, biasless, batch-first, unbatched and given-state LSTMs', () => {
    expect(cpu('nn.LSTM(10, 20, 2)', [[5, 3, 10]], '2.13').saved).toBe(94432n)
    expect(cpu('nn.LSTM(4, 8, 2, dropout=0.5, bidirectional=True)', [[3, 2, 4]], '2.13').saved).toBe(117248n)
    // Without biases PyTorch passes zero tensors of the weights' sizes, which it keeps.
    expect(cpu('nn.LSTM(4, 8, bias=False)', [[3, 2, 4]], '2.13').saved).toBe(30656n)
    expect(cpu('nn.LSTM(4, 8, batch_first=True)', [[2, 3, 4]], '2.13').withInput).toBe(29216n)
    expect(cpu('nn.LSTM(4, 8)', [[3, 4]], '2.13').saved).toBe(28896n)
    const given = cpu('nn.LSTM(4, 8)', [[3, 2, 4], [1, 2, 8], [1, 2, 8]], '2.13')
    expect([given.saved, given.withInput]).toEqual([28992n, 29216n])
  })

  it('keeps the native per-step kernel with projections, and says why', () => {
    const { saved, f } = cpu('nn.LSTM(4, 8, proj_size=3)', [[2, 2, 4]], '2.13')
    expect(saved).toBe(944n)
    expect(f.kernels[0]).toMatchObject({ kernel: 'native (per-step)', note: 'oneDNN has no LSTM projections' })
  })
})

describe('gru', () => {
  it('registers three gates per layer', () => {
    expect(parameterShapes('nn.GRU(4, 8)')).toEqual([
      ['weight_ih_l0', [24, 4]],
      ['weight_hh_l0', [24, 8]],
      ['bias_ih_l0', [24]],
      ['bias_hh_l0', [24]],
    ])
  })

  it('saves per step the gate buffer, two copies for in-place products and the new gate', () => {
    // seq 2, batch 2, hidden 8 (B·H = 16): 2 × (3·16 + 3·16) + h_1 (16) + zero h_0 (16) = 224 floats.
    const { saved, withInput, f } = cpu('nn.GRU(4, 8)', [[2, 2, 4]])
    expect(saved).toBe(896n)
    expect(withInput).toBe(960n)
    expect(f.macs).toBe(1152n)
  })

  it('sizes three layers without bias', () => {
    const { saved, withInput, shapes, f } = cpu('nn.GRU(4, 8, 3, bias=False)', [[2, 2, 4]])
    expect(shapes).toEqual([[2, 2, 8], [3, 2, 8]])
    expect(saved).toBe(2944n)
    expect(withInput).toBe(3008n)
    expect(f.macs).toBe(4224n)
  })

  it('rejects proj_size', () => {
    expect(() => analyze('nn.GRU(4, 8, proj_size=2)')).toThrow('only supported for LSTM')
  })
})

describe('rnnCell', () => {
  it('registers weight_ih, weight_hh, bias_ih, bias_hh', () => {
    expect(parameterShapes('nn.RNNCell(4, 8)')).toEqual([
      ['weight_ih', [8, 4]],
      ['weight_hh', [8, 8]],
      ['bias_ih', [8]],
      ['bias_hh', [8]],
    ])
  })

  it('saves the zero state and the output', () => {
    const { saved, withInput, shapes, f } = cpu('nn.RNNCell(4, 8)', [[2, 4]])
    expect(shapes).toEqual([[2, 8]])
    expect(saved).toBe(128n)
    expect(withInput).toBe(160n)
    expect(f.macs).toBe(192n)
  })

  it('takes an unbatched input', () => {
    const { saved, withInput, shapes } = cpu("nn.RNNCell(4, 8, nonlinearity='relu')", [[4]])
    expect(shapes).toEqual([[8]])
    expect(saved).toBe(64n)
    expect(withInput).toBe(80n)
  })

  it('rejects an input with the wrong feature size', () => {
    expect(() => cpu('nn.RNNCell(4, 8)', [[2, 5]])).toThrow('input has inconsistent input_size: got 5 expected 4.')
  })

  it('rejects an input of the wrong rank', () => {
    expect(() => cpu('nn.RNNCell(4, 8)', [[1, 2, 4]])).toThrow('RNNCell: Expected input to be 1D or 2D, got 3D instead.')
  })
})

describe('lstmCell', () => {
  it('uses one zero tensor as both h and c', () => {
    // gates 4·16 + tanh(c) 16 + shared zeros 16 = 96 floats.
    const { saved, withInput, shapes, f } = cpu('nn.LSTMCell(4, 8)', [[2, 4]])
    expect(shapes).toEqual([[2, 8], [2, 8]])
    expect(saved).toBe(384n)
    expect(withInput).toBe(416n)
    expect(f.macs).toBe(768n)
  })

  it('takes (h, c) as second and third inputs', () => {
    const { saved, withInput } = cpu('nn.LSTMCell(4, 8)', [[2, 4], [2, 8], [2, 8]])
    expect(saved).toBe(320n)
    expect(withInput).toBe(480n)
  })

  it('rejects a state of the wrong shape', () => {
    expect(() => cpu('nn.LSTMCell(4, 8)', [[2, 4], [3, 8], [2, 8]])).toThrow('expects `hx` of shape (2, 8), got (3, 8).')
  })

  it('rejects h without c, and more than three inputs', () => {
    expect(() => cpu('nn.LSTMCell(4, 8)', [[2, 4], [2, 8]])).toThrow('takes its state as two tensors (h, c); got h only.')
    expect(() => cpu('nn.LSTMCell(4, 8)', [[2, 4], [2, 8], [2, 8], [2, 8]])).toThrow('at most 3 tensors, got 4.')
  })
})

describe('gruCell', () => {
  it('registers None biases with bias=False', () => {
    const r = analyze('nn.GRUCell(4, 8, bias=False)')
    expect([...r.root.params.keys()]).toEqual(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh'])
    expect(r.root.params.get('bias_ih')).toBeNull()
    expect(r.params.total).toBe(288n)
  })

  it('saves the gate buffer, two copies, the new gate and the zero state', () => {
    const { saved, withInput, f } = cpu('nn.GRUCell(4, 8, bias=False)', [[2, 4]])
    expect(saved).toBe(448n)
    expect(withInput).toBe(480n)
    expect(f.macs).toBe(576n)
  })
})

describe('maxRecurrentSteps', () => {
  it('stops a forward pass with more steps than the limit', () => {
    const error = errorOf(() => cpu('nn.GRU(2, 2, 2, bidirectional=True)', [[maxRecurrentSteps / 2, 1, 2]]))
    expect(error.code).toBe('limit')
    expect(error.message).toContain('would run 400,000 recurrent steps')
    expect(() => cpu('nn.RNN(2, 2)', [[1000, 1, 2]])).not.toThrow()
  })
})

describe('batch_first recurrent layers', () => {
  it('return a transposed view, which a second batch_first layer takes without a copy', () => {
    const source = `import torch, torch.nn as nn
class LG(nn.Module):
    def __init__(s, use_h=True):
        super().__init__(); s.l = nn.LSTM(8, 16, batch_first=True); s.g = nn.GRU(16, 16, batch_first=True); s.use_h = use_h
    def forward(s, x):
        y, (h, c) = s.l(x)
        z, hg = s.g(y, h) if s.use_h else s.g(y)
        return z
class LL(nn.Module):
    def __init__(s):
        super().__init__(); s.l = nn.LSTM(8, 16, batch_first=True); s.g = nn.LSTM(16, 16, batch_first=True)
    def forward(s, x):
        y, (h, c) = s.l(x)
        z, _ = s.g(y, (h, c))
        return z
class HG(nn.Module):
    def __init__(s):
        super().__init__(); s.g = nn.GRU(8, 16, batch_first=True); s.p = nn.Linear(8, 16)
    def forward(s, x):
        h = s.p(x[:, 0]).unsqueeze(0)
        z, _ = s.g(x, h)
        return z
`
    const saved = (entry: string): bigint => analyze({ files: { 'm.py': source }, main: 'm.py', entry }, { input: '2,6,8', device: 'cpu' }).forward!.savedBytes
    // PyTorch 2.13 (CPU, oneDNN LSTM): the LSTM's output is `output.transpose(0, 1)`, so the GRU or LSTM after it
    // sees a contiguous (seq, batch, feature) view; a copy would add 768 bytes to each
    expect([saved('LL()'), saved('LG()')]).toEqual([60_288n, 35_712n])
  })
})

