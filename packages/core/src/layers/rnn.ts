import { NnsizeError } from '../errors.js'
import { bool, device, dtype, float, int, str } from '../bind/args.js'
import type { ArgSpec, ArgsOf } from '../bind/args.js'
import type { Value } from '../contract/values.js'
import { limits } from '../limits.js'
import * as ops from '../forward/ops/index.js'
import type { ForwardContext, Tensor } from '../forward/trace.js'
import type { ModuleNode } from '../model/module.js'
import { formatShape } from '../tensor/shape.js'
import { defineLayer } from './define-layer.js'
import type { ArgFailure, Factor, FormulaTerm, ModuleBuilder } from './define-layer.js'

// The recurrent layers: arguments, parameters and input checks. What each kernel computes and keeps (the
// native per-step kernels, oneDNN's fused LSTM of PyTorch 2.x on CPU) is in forward/ops/rnn.ts.

/** Most time steps one forward pass of the native kernels models (see {@link ops.maxRecurrentSteps}). */
export const maxRecurrentSteps = ops.maxRecurrentSteps

type RecurrentMode = ops.RecurrentMode

/** Bound arguments of `nn.RNN`, `nn.LSTM` and `nn.GRU`. */
type RecurrentArgs = ArgsOf<ReturnType<typeof recurrentSignature>>

/** Bound arguments of `nn.RNNCell`, `nn.LSTMCell` and `nn.GRUCell`. */
type CellArgs = ArgsOf<ReturnType<typeof cellSignature>>

const gateMultiple = ops.gateMultiple

function modeOf(kind: 'RNN' | 'LSTM' | 'GRU', nonlinearity: 'tanh' | 'relu' | undefined): RecurrentMode {
  if (kind === 'RNN') return nonlinearity === 'relu' ? 'RNN_RELU' : 'RNN_TANH'
  return kind
}

function gateLabel(mode: RecurrentMode): string {
  const k = gateMultiple(mode)
  return k === 1 ? 'hidden_size' : `${k} × hidden_size`
}

/** `proj_size` on RNN/GRU: PyTorch takes it only by keyword and then refuses it. */
const rejectedProjSize: ArgSpec<Value | null, 'proj_size', false> = { name: 'proj_size', required: false, default: null, keywordOnly: true, coerce: (v) => v }

/** The projection size of an LSTM (0 = none); RNN and GRU, which refuse `proj_size`, have none. */
function projSize(a: RecurrentArgs): number {
  return typeof a.proj_size === 'number' ? a.proj_size : 0
}

function recurrentSignature(kind: 'RNN' | 'LSTM' | 'GRU') {
  return [
    int('input_size'),
    int('hidden_size', { min: -Infinity }),
    int('num_layers', { default: 1, min: -Infinity }),
    ...(kind === 'RNN' ? [str('nonlinearity', { default: 'tanh', choices: ['tanh', 'relu'] as const })] : []),
    bool('bias', { default: true }),
    bool('batch_first', { default: false }),
    float('dropout', { default: 0 }),
    bool('bidirectional', { default: false }),
    ...(kind === 'LSTM' ? [int('proj_size', { default: 0, min: -Infinity })] : []),
    device(),
    dtype(),
    ...(kind !== 'LSTM' ? [rejectedProjSize] : []),
  ]
}

function validateRecurrent(kind: 'RNN' | 'LSTM' | 'GRU') {
  return (a: RecurrentArgs, fail: ArgFailure): void => {
    if (kind !== 'LSTM' && a.proj_size !== null) fail('proj_size', `\`proj_size\` argument is only supported for LSTM, not RNN or GRU (got \`nn.${kind}(..., proj_size=...)\`).`)
    if (!(a.dropout >= 0 && a.dropout <= 1)) {
      fail('dropout', `\`dropout\` should be a number in range [0, 1] representing the probability of an element being zeroed, got \`${a.dropout}\`.`)
    }
    // PyTorch only warns when dropout > 0 with one layer: dropout applies between layers, so it has no effect.
    if (a.hidden_size <= 0) fail('hidden_size', `\`hidden_size\` must be greater than zero, got \`${a.hidden_size}\`.`)
    if (a.num_layers <= 0) fail('num_layers', `\`num_layers\` must be greater than zero, got \`${a.num_layers}\`.`)
    const proj = projSize(a)
    if (proj < 0) fail('proj_size', `\`proj_size\` should be a positive integer or zero to disable projections, got \`${proj}\`.`)
    if (kind === 'LSTM' && proj >= a.hidden_size) fail('proj_size', `\`proj_size\` has to be smaller than \`hidden_size\` (got proj_size=${proj} and hidden_size=${a.hidden_size}).`)
    const tensors = a.num_layers * (a.bidirectional ? 2 : 1) * 5
    if (tensors > limits.maxModules) {
      throw new NnsizeError('limit', `\`nn.${kind}\` with num_layers=${a.num_layers} would register ${tensors.toLocaleString('en-US')} tensors; the limit is ${limits.maxModules.toLocaleString('en-US')}.`)
    }
  }
}

/** Size of the hidden state a layer emits: `proj_size` when projecting, else `hidden_size`. */
function outputSize(a: RecurrentArgs): number {
  return projSize(a) > 0 ? projSize(a) : a.hidden_size
}

function buildRecurrent(mode: RecurrentMode, a: RecurrentArgs, m: ModuleBuilder): void {
  const directions = a.bidirectional ? 2 : 1
  const gates = gateMultiple(mode) * a.hidden_size
  const proj = projSize(a)
  const out = outputSize(a)
  for (let layer = 0; layer < a.num_layers; layer++) {
    for (let direction = 0; direction < directions; direction++) {
      const suffix = `_l${layer}${direction === 1 ? '_reverse' : ''}`
      m.param(`weight_ih${suffix}`, [gates, layer === 0 ? a.input_size : out * directions])
      m.param(`weight_hh${suffix}`, [gates, out])
      if (a.bias) {
        m.param(`bias_ih${suffix}`, [gates])
        m.param(`bias_hh${suffix}`, [gates])
      }
      if (proj > 0) m.param(`weight_hr${suffix}`, [proj, a.hidden_size])
    }
  }
}

function explainRecurrent(mode: RecurrentMode, a: RecurrentArgs): FormulaTerm[] {
  const directions = a.bidirectional ? 2 : 1
  const gate: Factor = [gateLabel(mode), gateMultiple(mode) * a.hidden_size]
  const proj = projSize(a)
  const stateName = proj > 0 ? 'proj_size' : 'hidden_size'
  const state: Factor = [stateName, outputSize(a)]
  const terms: FormulaTerm[] = []
  for (let layer = 0; layer < a.num_layers; layer++) {
    for (let direction = 0; direction < directions; direction++) {
      const suffix = `_l${layer}${direction === 1 ? '_reverse' : ''}`
      const input: Factor = layer === 0 ? ['input_size', a.input_size] : [directions === 2 ? `2 × ${stateName}` : stateName, outputSize(a) * directions]
      terms.push({ tensor: `weight_ih${suffix}`, factors: [gate, input] }, { tensor: `weight_hh${suffix}`, factors: [gate, state] })
      if (a.bias) terms.push({ tensor: `bias_ih${suffix}`, factors: [gate] }, { tensor: `bias_hh${suffix}`, factors: [gate] })
      if (proj > 0) terms.push({ tensor: `weight_hr${suffix}`, factors: [['proj_size', proj], ['hidden_size', a.hidden_size]] })
    }
  }
  return terms
}

function checkState(ctx: ForwardContext, label: string, given: Tensor, expected: number[], batched: boolean): void {
  if (given.shape.length !== expected.length || given.shape.some((d, i) => d !== expected[i])) {
    const rank = batched ? 'batched 3-D' : 'unbatched 2-D'
    throw ctx.error(`expects \`${label}\` of shape ${formatShape(expected)} for a ${rank} input, got ${formatShape(given.shape)}: Expected hidden size ${formatShape(expected)}, got ${formatShape(given.shape)}.`)
  }
}

function recurrentForward(kind: 'RNN' | 'LSTM' | 'GRU') {
  return (self: ModuleNode & { args: RecurrentArgs }, inputs: readonly Tensor[], ctx: ForwardContext): Tensor[] => {
    const a = self.args
    const mode = modeOf(kind, a.nonlinearity)
    const x = inputs[0]!
    const stateCount = kind === 'LSTM' ? 2 : 1
    if (inputs.length > 1 + stateCount) {
      throw ctx.error(`takes the input and ${kind === 'LSTM' ? 'optionally (h_0, c_0)' : 'optionally h_0'}: at most ${1 + stateCount} tensors, got ${inputs.length}.`)
    }
    if (kind === 'LSTM' && inputs.length === 2) throw ctx.error('takes its initial state as two tensors (h_0, c_0); got h_0 only.')
    const rank = x.shape.length
    if (rank !== 2 && rank !== 3) {
      throw ctx.error(`expects a 2-D (unbatched) or 3-D (batched) input, got ${rank}-D input of shape ${formatShape(x.shape)}: ${kind}: Expected input to be 2D or 3D, got ${rank}D instead.`)
    }
    const batched = rank === 3
    const steps = batched ? x.shape[a.batch_first ? 1 : 0]! : x.shape[0]!
    const batch = batched ? x.shape[a.batch_first ? 0 : 1]! : 1
    const features = x.shape[rank - 1]!
    if (features !== a.input_size) {
      throw ctx.error(`expects ${a.input_size} input features, got ${features} (input of shape ${formatShape(x.shape)}): input.size(-1) must be equal to input_size. Expected ${a.input_size}, got ${features}.`)
    }
    const directions = a.bidirectional ? 2 : 1
    const hidden = a.hidden_size
    const proj = projSize(a)
    const out = outputSize(a)
    const stacked = a.num_layers * directions
    const stateShape = (size: number): number[] => (batched ? [stacked, batch, size] : [stacked, size])
    const h0 = inputs[1]
    const c0 = inputs[2]
    if (h0) checkState(ctx, 'h_0', h0, stateShape(out), batched)
    if (c0) checkState(ctx, 'c_0', c0, stateShape(hidden), batched)
    const view = (t: Tensor | undefined, size: number): Tensor | undefined => (t ? ctx.view(t, [stacked, batch, size]) : undefined)
    return ops.recurrent(
      ctx,
      x,
      { steps, batch, batched },
      { h0: view(h0, out), c0: view(c0, hidden) },
      { mode, inputSize: a.input_size, hiddenSize: hidden, numLayers: a.num_layers, bias: a.bias, batchFirst: a.batch_first, dropout: a.dropout, bidirectional: a.bidirectional, projSize: proj, training: self.training },
    )
  }
}

function makeRecurrent(kind: 'RNN' | 'LSTM' | 'GRU') {
  return defineLayer({
    name: kind,
    forwardInputs: ['input', 'hx'],
    signature: recurrentSignature(kind),
    validate: validateRecurrent(kind),
    build: (a, m) => buildRecurrent(modeOf(kind, a.nonlinearity), a, m),
    explain: (a) => explainRecurrent(modeOf(kind, a.nonlinearity), a),
    forward: recurrentForward(kind),
  })
}

/**
 * `nn.RNN(input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True, batch_first=False,
 * dropout=0.0, bidirectional=False)`: Elman RNN. Per layer and direction `weight_ih_l{k}`,
 * `weight_hh_l{k}`, `bias_ih_l{k}`, `bias_hh_l{k}` (`_reverse` for the backward direction).
 * Forward returns `(output, h_n)`.
 */
export const rnn = makeRecurrent('RNN')
/**
 * `nn.LSTM(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
 * bidirectional=False, proj_size=0)`: four gates per layer, plus `weight_hr_l{k}` when projecting.
 * Forward returns `(output, h_n, c_n)` (PyTorch nests the last two as a tuple).
 */
export const lstm = makeRecurrent('LSTM')
/** `nn.GRU(input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0, bidirectional=False)`: three gates per layer. */
export const gru = makeRecurrent('GRU')

function cellSignature(kind: 'RNN' | 'LSTM' | 'GRU') {
  return [
    int('input_size'),
    int('hidden_size'),
    bool('bias', { default: true }),
    ...(kind === 'RNN' ? [str('nonlinearity', { default: 'tanh', choices: ['tanh', 'relu'] as const })] : []),
    device(),
    dtype(),
  ]
}

function cellForward(kind: 'RNN' | 'LSTM' | 'GRU') {
  return (self: ModuleNode & { args: CellArgs }, inputs: readonly Tensor[], ctx: ForwardContext): Tensor[] => {
    const a = self.args
    const mode = modeOf(kind, a.nonlinearity)
    const name = `${kind}Cell`
    const x = inputs[0]!
    const stateCount = kind === 'LSTM' ? 2 : 1
    if (inputs.length > 1 + stateCount) throw ctx.error(`takes the input and ${kind === 'LSTM' ? 'optionally (h, c)' : 'optionally hx'}: at most ${1 + stateCount} tensors, got ${inputs.length}.`)
    if (kind === 'LSTM' && inputs.length === 2) throw ctx.error('takes its state as two tensors (h, c); got h only.')
    const rank = x.shape.length
    if (rank !== 1 && rank !== 2) throw ctx.error(`expects a 1-D (unbatched) or 2-D (batched) input, got ${rank}-D input of shape ${formatShape(x.shape)}: ${name}: Expected input to be 1D or 2D, got ${rank}D instead.`)
    const batched = rank === 2
    const batch = batched ? x.shape[0]! : 1
    const features = x.shape[rank - 1]!
    if (features !== a.input_size) throw ctx.error(`expects ${a.input_size} input features, got ${features} (input of shape ${formatShape(x.shape)}): input has inconsistent input_size: got ${features} expected ${a.input_size}.`)
    const dt = x.dtype
    const hidden = a.hidden_size
    const stateShape = batched ? [batch, hidden] : [hidden]
    for (const [i, label] of [[1, 'hx'], [2, 'cx']] as const) {
      const given = inputs[i]
      if (given && (given.shape.length !== stateShape.length || given.shape.some((d, j) => d !== stateShape[j]))) {
        throw ctx.error(`expects \`${label}\` of shape ${formatShape(stateShape)}, got ${formatShape(given.shape)}.`)
      }
    }
    // Without a state PyTorch makes one zero tensor; LSTMCell uses it as both h and c.
    const zeros = inputs[1] ? undefined : ctx.tensor([batch, hidden], dt)
    const h = inputs[1] ? ctx.view(inputs[1], [batch, hidden]) : zeros!
    const c = kind === 'LSTM' ? (inputs[2] ? ctx.view(inputs[2], [batch, hidden]) : zeros!) : undefined
    const step = ops.recurrentCell(ctx, x, batch, h, c, mode, a.input_size, hidden)
    const squeeze = (t: Tensor): Tensor => (batched ? t : ctx.view(t, [hidden]))
    return step.c ? [squeeze(step.h), squeeze(step.c)] : [squeeze(step.h)]
  }
}

function buildCell(mode: RecurrentMode, a: CellArgs, m: ModuleBuilder): void {
  const gates = gateMultiple(mode) * a.hidden_size
  m.param('weight_ih', [gates, a.input_size])
  m.param('weight_hh', [gates, a.hidden_size])
  if (a.bias) {
    m.param('bias_ih', [gates])
    m.param('bias_hh', [gates])
  } else {
    m.none('bias_ih')
    m.none('bias_hh')
  }
}

function makeCell(kind: 'RNN' | 'LSTM' | 'GRU') {
  return defineLayer({
    name: `${kind}Cell`,
    forwardInputs: ['input', 'hx'],
    signature: cellSignature(kind),
    build: (a, m) => buildCell(modeOf(kind, a.nonlinearity), a, m),
    explain: (a) => {
      const mode = modeOf(kind, a.nonlinearity)
      const gate: Factor = [gateLabel(mode), gateMultiple(mode) * a.hidden_size]
      return [
        { tensor: 'weight_ih', factors: [gate, ['input_size', a.input_size]] },
        { tensor: 'weight_hh', factors: [gate, ['hidden_size', a.hidden_size]] },
        ...(a.bias ? [{ tensor: 'bias_ih', factors: [gate] }, { tensor: 'bias_hh', factors: [gate] }] : []),
      ]
    },
    forward: cellForward(kind),
  })
}

/** `nn.RNNCell(input_size, hidden_size, bias=True, nonlinearity='tanh')`: one Elman step; returns `h'`. */
export const rnnCell = makeCell('RNN')
/** `nn.LSTMCell(input_size, hidden_size, bias=True)`: one LSTM step; returns `(h', c')`. */
export const lstmCell = makeCell('LSTM')
/** `nn.GRUCell(input_size, hidden_size, bias=True)`: one GRU step; returns `h'`. */
export const gruCell = makeCell('GRU')
