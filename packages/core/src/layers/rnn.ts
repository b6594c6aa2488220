import { NnsizeError } from '../errors.js'
import { bool, device, dtype, float, int, str } from '../bind/args.js'
import type { ArgSpec } from '../bind/args.js'
import { limits } from '../limits.js'
import type { ForwardContext, Tensor } from '../forward/trace.js'
import type { ModuleNode } from '../model/module.js'
import type { DType } from '../tensor/dtype.js'
import { formatShape } from '../tensor/shape.js'
import { defineLayer } from './define-layer.js'
import type { ArgFailure, Factor, FormulaTerm, LayerDefinition, ModuleBuilder } from './define-layer.js'

// Saved tensors follow PyTorch's native (non-cuDNN) recurrent kernels in ATen's RNN.cpp, the ones
// a CPU forward runs. Per layer and direction the input projection `x Wᵢₕᵀ (+ bᵢₕ)` is computed for
// the whole sequence at once and saves the layer input; then every time step computes
// `h Wₕₕᵀ (+ bₕₕ)` (saving `h`) and its gate nonlinearities in place:
//   RNN:  the activated output `h_t` (tanh and relu both save their output);
//   LSTM: the gate buffer (4·hidden), `c_{t-1}`, `tanh(c_t)` and, with `proj_size`, `o ⊙ tanh(c_t)`;
//   GRU:  the gate buffer (3·hidden), a copy of its `n` chunk (for the in-place `mul_`), the new
//         gate `n_t` and a copy of `h_{t-1} − n_t` (again for an in-place `mul_`).
// The zero initial state is one tensor `(num_layers × directions, batch, size)` whose slices every
// layer reads, so it counts once. Between layers, training-mode dropout saves a float noise tensor.
// The cuda profile uses the same accounting. On CUDA PyTorch runs cuDNN's fused kernels instead,
// which save the layer inputs, outputs and a reserve buffer whose size depends on the cuDNN
// version; nnsize does not model it, and reports these native-kernel figures for both profiles.

/**
 * Most time steps (sequence length × layers × directions) one forward pass models. Every step
 * allocates its own tensors, so the work grows with it; past this bound the analysis stops with a
 * `limit` error instead of taking seconds.
 */
export const maxRecurrentSteps = 200_000

/** Which recurrence a module runs. */
type RecurrentMode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU'

/** Bound arguments of `nn.RNN`, `nn.LSTM` and `nn.GRU`. */
export interface RecurrentArgs {
  input_size: number
  hidden_size: number
  num_layers: number
  /** `nn.RNN` only. */
  nonlinearity?: 'tanh' | 'relu'
  bias: boolean
  batch_first: boolean
  dropout: number
  bidirectional: boolean
  /** `nn.LSTM`: the projection size (0 = none). `nn.RNN`/`nn.GRU`: `null` unless (wrongly) given. */
  proj_size: number | null
}

/** Bound arguments of `nn.RNNCell`, `nn.LSTMCell` and `nn.GRUCell`. */
export interface CellArgs {
  input_size: number
  hidden_size: number
  bias: boolean
  /** `nn.RNNCell` only. */
  nonlinearity?: 'tanh' | 'relu'
}

function gateMultiple(mode: RecurrentMode): number {
  return mode === 'LSTM' ? 4 : mode === 'GRU' ? 3 : 1
}

function modeOf(kind: 'RNN' | 'LSTM' | 'GRU', nonlinearity: 'tanh' | 'relu' | undefined): RecurrentMode {
  if (kind === 'RNN') return nonlinearity === 'relu' ? 'RNN_RELU' : 'RNN_TANH'
  return kind
}

function gateLabel(mode: RecurrentMode): string {
  const k = gateMultiple(mode)
  return k === 1 ? 'hidden_size' : `${k} × hidden_size`
}

/** `proj_size` on RNN/GRU: PyTorch takes it only by keyword and then refuses it. */
const rejectedProjSize: ArgSpec<unknown> = { name: 'proj_size', required: false, default: null, keywordOnly: true, coerce: (v) => v }

function recurrentSignature(kind: 'RNN' | 'LSTM' | 'GRU'): ArgSpec[] {
  const head: ArgSpec[] = [int('input_size'), int('hidden_size', { min: -Infinity }), int('num_layers', { default: 1, min: -Infinity })]
  if (kind === 'RNN') head.push(str('nonlinearity', { default: 'tanh', choices: ['tanh', 'relu'] as const }))
  head.push(bool('bias', { default: true }), bool('batch_first', { default: false }), float('dropout', { default: 0 }), bool('bidirectional', { default: false }))
  if (kind === 'LSTM') head.push(int('proj_size', { default: 0, min: -Infinity }))
  head.push(device(), dtype())
  if (kind !== 'LSTM') head.push(rejectedProjSize)
  return head
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
    const proj = a.proj_size ?? 0
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
  return a.proj_size !== null && a.proj_size > 0 ? a.proj_size : a.hidden_size
}

function buildRecurrent(mode: RecurrentMode, a: RecurrentArgs, m: ModuleBuilder): void {
  const directions = a.bidirectional ? 2 : 1
  const gates = gateMultiple(mode) * a.hidden_size
  const proj = a.proj_size ?? 0
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
  const proj = a.proj_size ?? 0
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

/** The tensors one time step of a cell leaves behind. */
interface StepResult {
  /** The hidden state passed on (and emitted as output). */
  h: Tensor
  /** LSTM only: the cell state passed on. */
  c?: Tensor
}

/**
 * One time step of the native kernel after the input projection: `h Wₕₕᵀ` plus the gates.
 * Saves what the step's autograd nodes save and counts the hidden matmuls.
 */
function cellStep(ctx: ForwardContext, mode: RecurrentMode, batch: number, hidden: number, proj: number, h: Tensor, c: Tensor | undefined, dt: DType): StepResult {
  const inSize = h.shape.at(-1)!
  const gates = ctx.tensor([batch, gateMultiple(mode) * hidden], dt)
  ctx.save(h)
  ctx.use(h)
  ctx.macs(BigInt(batch) * BigInt(inSize) * BigInt(gateMultiple(mode) * hidden))
  switch (mode) {
    case 'RNN_TANH':
    case 'RNN_RELU': {
      // tanh / relu out of place: saves its result, the next hidden state.
      const hy = ctx.tensor([batch, hidden], dt)
      ctx.save(hy)
      return { h: hy }
    }
    case 'LSTM': {
      // sigmoid_/tanh_ in place on the gate buffer save it; f * c_{t-1} saves c_{t-1}.
      ctx.save(gates, c!)
      ctx.use(c!)
      const cy = ctx.tensor([batch, hidden], dt)
      const tanhC = ctx.tensor([batch, hidden], dt)
      ctx.save(tanhC)
      let hy = ctx.tensor([batch, hidden], dt)
      if (proj > 0) {
        // h_t = (o ⊙ tanh(c_t)) W_hrᵀ: the matmul saves its input.
        ctx.save(hy)
        ctx.macs(BigInt(batch) * BigInt(hidden) * BigInt(proj))
        hy = ctx.tensor([batch, proj], dt)
      }
      return { h: hy, c: cy }
    }
    case 'GRU': {
      // r, z: sigmoid_ in place on the gate buffer; hn.mul_(r) saves a copy of hn;
      // n = tanh_(…) saves n; (h − n).mul_(z) saves a copy of (h − n), whose storage becomes h_t.
      ctx.save(gates)
      const hnCopy = ctx.tensor([batch, hidden], dt)
      const n = ctx.tensor([batch, hidden], dt)
      const hy = ctx.tensor([batch, hidden], dt)
      const diffCopy = ctx.tensor([batch, hidden], dt)
      ctx.save(hnCopy, n, diffCopy)
      return { h: hy }
    }
  }
}

/** Applies `at::dropout(x, p, train=True)` of the CPU kernel: saves a float noise tensor (a scalar zero when p = 1). */
function sequenceDropout(ctx: ForwardContext, x: Tensor, p: number): Tensor {
  if (p === 1) ctx.save(ctx.tensor([], x.dtype))
  else ctx.save(ctx.tensor(x.shape, x.dtype))
  ctx.use(x)
  return ctx.tensor(x.shape, x.dtype)
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
    const dt = x.dtype
    const directions = a.bidirectional ? 2 : 1
    const totalSteps = steps * a.num_layers * directions
    if (totalSteps > maxRecurrentSteps) {
      throw new NnsizeError(
        'limit',
        `\`${self.type}\` would run ${totalSteps.toLocaleString('en-US')} recurrent steps (sequence length ${steps} × ${a.num_layers} layer${a.num_layers === 1 ? '' : 's'} × ${directions} direction${directions === 1 ? '' : 's'}); nnsize models each step and stops at ${maxRecurrentSteps.toLocaleString('en-US')}.`,
        { span: self.span },
      )
    }
    const hidden = a.hidden_size
    const proj = a.proj_size ?? 0
    const out = outputSize(a)
    const stacked = a.num_layers * directions

    // Initial state: the given tensors, or zeros `(layers × directions, batch, size)`.
    const stateShape = (size: number): number[] => (batched ? [stacked, batch, size] : [stacked, size])
    let h0 = inputs[1]
    let c0 = inputs[2]
    if (h0) checkState(ctx, 'h_0', h0, stateShape(out), batched)
    if (c0) checkState(ctx, 'c_0', c0, stateShape(hidden), batched)
    h0 ??= ctx.tensor([stacked, batch, out], dt)
    if (kind === 'LSTM') c0 ??= ctx.tensor([stacked, batch, hidden], dt)

    // batch_first transposes the input to (seq, batch, feature); the projection then copies it unless the view is contiguous.
    const transposedCopy = batched && a.batch_first && steps > 1 && batch > 1
    let layerInput = x
    for (let layer = 0; layer < a.num_layers; layer++) {
      const inSize = layer === 0 ? a.input_size : out * directions
      const directionOutputs: Tensor[] = []
      for (let direction = 0; direction < directions; direction++) {
        const projected = layer === 0 && transposedCopy ? ctx.tensor([steps, batch, inSize], dt) : layerInput
        ctx.save(projected)
        ctx.use(layerInput)
        ctx.macs(BigInt(steps) * BigInt(batch) * BigInt(inSize) * BigInt(gateMultiple(mode) * hidden))
        const inputGates = ctx.tensor([steps, batch, gateMultiple(mode) * hidden], dt)
        let h = ctx.view(h0, [batch, out])
        let c = c0 ? ctx.view(c0, [batch, hidden]) : undefined
        for (let t = 0; t < steps; t++) {
          ctx.use(inputGates)
          const next = cellStep(ctx, mode, batch, hidden, proj, h, c, dt)
          h = next.h
          c = next.c
        }
        directionOutputs.push(ctx.tensor([steps, batch, out], dt))
      }
      layerInput = directions === 2 ? ctx.tensor([steps, batch, 2 * out], dt) : directionOutputs[0]!
      if (self.training && a.dropout > 0 && layer < a.num_layers - 1) layerInput = sequenceDropout(ctx, layerInput, a.dropout)
    }
    const hN = ctx.tensor(stateShape(out), dt)
    const cN = kind === 'LSTM' ? ctx.tensor(stateShape(hidden), dt) : undefined
    const output = batched ? (a.batch_first ? ctx.view(layerInput, [batch, steps, out * directions]) : layerInput) : ctx.view(layerInput, [steps, out * directions])
    return cN ? [output, hN, cN] : [output, hN]
  }
}

function makeRecurrent(kind: 'RNN' | 'LSTM' | 'GRU'): LayerDefinition<RecurrentArgs> {
  return defineLayer<RecurrentArgs>({
    name: kind,
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

function cellSignature(kind: 'RNN' | 'LSTM' | 'GRU'): ArgSpec[] {
  const specs: ArgSpec[] = [int('input_size'), int('hidden_size'), bool('bias', { default: true })]
  if (kind === 'RNN') specs.push(str('nonlinearity', { default: 'tanh', choices: ['tanh', 'relu'] as const }))
  specs.push(device(), dtype())
  return specs
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
    // The cell computes x Wᵢₕᵀ itself (no sequence-wide precomputation): it saves x.
    ctx.save(x)
    ctx.use(x)
    ctx.macs(BigInt(batch) * BigInt(a.input_size) * BigInt(gateMultiple(mode) * hidden))
    const step = cellStep(ctx, mode, batch, hidden, 0, h, c, dt)
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

function makeCell(kind: 'RNN' | 'LSTM' | 'GRU'): LayerDefinition<CellArgs> {
  return defineLayer<CellArgs>({
    name: `${kind}Cell`,
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
