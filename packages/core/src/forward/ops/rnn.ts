import type { DType } from '../../tensor/dtype.js'
import type { ForwardContext, Tensor } from '../trace.js'
import { isContiguous, setStrides, stridesOf } from '../layout.js'
import { cat, copy } from './shape.js'
import { dropout } from './dropout.js'

/** Which recurrence a module runs. */
export type RecurrentMode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU'

/** Gates per hidden unit: 4 for LSTM, 3 for GRU, 1 for the Elman RNN. */
export function gateMultiple(mode: RecurrentMode): number {
  return mode === 'LSTM' ? 4 : mode === 'GRU' ? 3 : 1
}

/**
 * Most time steps (sequence length × layers × directions) one forward pass of the native kernels models. Every
 * step allocates its own tensors, so the work grows with it; past this bound the analysis stops with a `limit`
 * error instead of taking seconds.
 */
export const maxRecurrentSteps = 200_000

/** The configuration of `torch.lstm` / `torch.gru` / `torch.rnn_tanh` / `torch.rnn_relu`, as `nn.RNNBase` passes it. */
export interface RecurrentOptions {
  mode: RecurrentMode
  inputSize: number
  hiddenSize: number
  numLayers: number
  bias: boolean
  batchFirst: boolean
  dropout: number
  bidirectional: boolean
  /** LSTM projection size, 0 for none. */
  projSize: number
  training: boolean
}

/** The tensors one time step of a native cell leaves behind. */
interface StepResult {
  /** The hidden state passed on (and emitted as output). */
  h: Tensor
  /** LSTM only: the cell state passed on. */
  c?: Tensor
}

/**
 * One time step of PyTorch's native (non-fused) cell after the input projection: `h Wₕₕᵀ` plus the gates, as
 * ATen's RNN.cpp computes them in place:
 * - RNN: the activated output `h_t` (tanh and relu both keep their output);
 * - LSTM: the gate buffer (4·hidden), `c_{t-1}`, `tanh(c_t)` and, with `proj_size`, `o ⊙ tanh(c_t)`;
 * - GRU: the gate buffer (3·hidden), a copy of its `n` chunk (for the in-place `mul_`), the new gate `n_t` and a
 *   copy of `h_{t-1} − n_t` (again for an in-place `mul_`).
 */
export function cellStep(ctx: ForwardContext, mode: RecurrentMode, batch: number, hidden: number, proj: number, h: Tensor, c: Tensor | undefined, dt: DType, cell = false): StepResult {
  const inSize = h.shape.at(-1)!
  const gates = ctx.tensor([batch, gateMultiple(mode) * hidden], dt)
  ctx.save(h)
  ctx.use(h)
  ctx.macs(BigInt(batch) * BigInt(inSize) * BigInt(gateMultiple(mode) * hidden))
  // A layer's steps on CUDA are one cuDNN op without a FLOP formula; a cell's are `addmm` calls everywhere.
  if (cell || ctx.device === 'cpu') ctx.flops('aten.addmm', 2n * BigInt(batch) * BigInt(inSize) * BigInt(gateMultiple(mode) * hidden))
  switch (mode) {
    case 'RNN_TANH':
    case 'RNN_RELU': {
      const hy = ctx.tensor([batch, hidden], dt)
      ctx.save(hy)
      return { h: hy }
    }
    case 'LSTM': {
      ctx.save(gates, c!)
      ctx.use(c!)
      const cy = ctx.tensor([batch, hidden], dt)
      const tanhC = ctx.tensor([batch, hidden], dt)
      ctx.save(tanhC)
      let hy = ctx.tensor([batch, hidden], dt)
      if (proj > 0) {
        // h_t = (o ⊙ tanh(c_t)) W_hrᵀ: the matmul keeps its input.
        ctx.save(hy)
        ctx.macs(BigInt(batch) * BigInt(hidden) * BigInt(proj))
        if (cell || ctx.device === 'cpu') ctx.flops('aten.mm', 2n * BigInt(batch) * BigInt(hidden) * BigInt(proj))
        hy = ctx.tensor([batch, proj], dt)
      }
      return { h: hy, c: cy }
    }
    case 'GRU': {
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

/**
 * oneDNN's leading dimension for a row of `size` float32 elements: rounded up to 64 bytes, plus 64 bytes when
 * the result is a multiple of 256 elements (to avoid 4K aliasing; oneDNN's `get_good_ld`).
 */
export function onednnLeadingDim(size: number): bigint {
  const ld = BigInt(Math.ceil(size / 16) * 16)
  return ld % 256n === 0n ? ld + 16n : ld
}

/**
 * Bytes of the `uint8` workspace oneDNN's LSTM forward-training primitive allocates for one layer and direction
 * (`mkldnn_rnn_layer`, float32): seven regions, each rounded up to a 4096-byte page:
 * gates `T·N·ld(4H)`, the hidden-state copies `T·N·ld(H)`, the states `2·(T+1)·N·ld(max(H, I))`, the cell states
 * `2·(T+1)·N·H`, the layer and iteration state gradients `2·(T+1)·N·ld(max(H, I))` each, and the cell-state
 * gradients `2·(T+1)·N·H` — all in 4-byte elements, with `T` the sequence length, `N` the batch, `I` the layer's
 * input size, `H` the hidden size and `ld` {@link onednnLeadingDim}.
 */
export function lstmWorkspaceBytes(steps: number, batch: number, inputSize: number, hidden: number): bigint {
  const page = (bytes: bigint): bigint => ((bytes + 4095n) / 4096n) * 4096n
  const T = BigInt(steps)
  const N = BigInt(batch)
  const H = BigInt(hidden)
  const states = 2n * (T + 1n) * N * onednnLeadingDim(Math.max(hidden, inputSize)) * 4n
  const cells = 2n * (T + 1n) * N * H * 4n
  return page(T * N * onednnLeadingDim(4 * hidden) * 4n) + page(T * N * onednnLeadingDim(hidden) * 4n) + 3n * page(states) + 2n * page(cells)
}

/** Whether `torch.lstm` takes oneDNN's fused path: PyTorch 2.x on CPU, float32, no projections. */
function usesOnednn(ctx: ForwardContext, o: RecurrentOptions, dtype: DType): boolean {
  return ctx.torch !== '1.13' && ctx.device === 'cpu' && o.mode === 'LSTM' && o.projSize === 0 && dtype === 'float32'
}

/** Records which recurrent kernel the trace assumed. */
function assumeKernel(ctx: ForwardContext, o: RecurrentOptions, dtype: DType, onednn: boolean): void {
  if (ctx.torch === '1.13') return
  const op = o.mode === 'LSTM' ? 'lstm' : o.mode === 'GRU' ? 'gru' : o.mode === 'RNN_TANH' ? 'rnn_tanh' : 'rnn_relu'
  if (ctx.device === 'cuda') {
    ctx.assume({ op, kernel: 'native (per-step) figures for cuDNN', note: "PyTorch runs cuDNN's fused RNN on CUDA, which keeps the layer inputs and outputs and a reserve space whose size depends on the cuDNN version and algorithm; nnsize counts the native kernel's per-step tensors instead" })
  } else if (onednn) {
    ctx.assume({ op, kernel: 'oneDNN mkldnn_rnn_layer', note: 'with a workspace per layer and direction (the oneDNN 3.x layout)' })
  } else if (o.mode === 'LSTM') {
    ctx.assume({ op, kernel: 'native (per-step)', note: o.projSize > 0 ? 'oneDNN has no LSTM projections' : dtype === 'bfloat16' ? 'on CPUs with AVX-512 BF16 PyTorch runs oneDNN instead' : `oneDNN runs float32 only in training (got ${dtype})` })
  }
}

/** Strides with the first two swapped: those of `x.transpose(0, 1)`. */
function swapFirstTwo(strides: readonly number[]): number[] {
  return [strides[1]!, strides[0]!, ...strides.slice(2)]
}

/** Shapes of a recurrent module's input (already checked by the caller). */
export interface RecurrentInput {
  steps: number
  batch: number
  batched: boolean
}

/**
 * `torch.lstm` / `torch.gru` / `torch.rnn_*` of `nn.LSTM`/`nn.GRU`/`nn.RNN` on a checked input, with the initial
 * state `h0` (and `c0`) of shape `(layers × directions, batch, size)` — given, or zeros made here. Returns
 * `[output, h_n]` or `[output, h_n, c_n]`.
 *
 * - Native kernels (PyTorch 1.13; GRU and RNN; LSTM with projections or not in float32): per layer and direction
 *   the input projection `x Wᵢₕᵀ` for the whole sequence keeps the layer input, then every time step runs
 *   {@link cellStep}. Between layers, training-mode dropout keeps its noise.
 * - oneDNN (PyTorch 2.x LSTM on CPU, float32, no projections): per layer and direction `mkldnn_rnn_layer` keeps
 *   its input, the slices of `h0` and `c0`, its output, final `h` and `c`, and a workspace
 *   ({@link lstmWorkspaceBytes}); without biases PyTorch passes zero tensors of the weights' sizes, which it keeps
 *   too. A bidirectional layer's two outputs are concatenated.
 */
export function recurrent(ctx: ForwardContext, x: Tensor, shape: RecurrentInput, state: { h0?: Tensor | undefined; c0?: Tensor | undefined }, o: RecurrentOptions): Tensor[] {
  const { steps, batch, batched } = shape
  const dt = x.dtype
  const directions = o.bidirectional ? 2 : 1
  const hidden = o.hiddenSize
  const out = o.projSize > 0 ? o.projSize : hidden
  const stacked = o.numLayers * directions
  const onednn = usesOnednn(ctx, o, dt)
  assumeKernel(ctx, o, dt, onednn)
  const h0 = state.h0 ?? ctx.tensor([stacked, batch, out], dt, false)
  const c0 = o.mode === 'LSTM' ? (state.c0 ?? ctx.tensor([stacked, batch, hidden], dt, false)) : undefined
  // batch_first transposes the input to (seq, batch, feature); it is copied unless that view is contiguous (the
  // output of another batch_first recurrent layer, itself a transposed view of a (seq, batch, feature) tensor).
  const transposedCopy = batched && o.batchFirst && steps > 1 && batch > 1 && !isContiguous(setStrides(ctx.view(x, [steps, batch, x.shape[2]!]), swapFirstTwo(stridesOf(x))))
  const gates = gateMultiple(o.mode) * hidden
  let layerInput = x
  if (onednn) {
    if (transposedCopy) layerInput = copy(ctx, x, [steps, batch, o.inputSize])
    for (let layer = 0; layer < o.numLayers; layer++) {
      const inSize = layer === 0 ? o.inputSize : out * directions
      const outputs: Tensor[] = []
      for (let direction = 0; direction < directions; direction++) {
        ctx.macs(BigInt(steps) * BigInt(batch) * BigInt(gates) * BigInt(inSize + hidden))
        const y = ctx.tensor([steps, batch, hidden], dt)
        const hy = ctx.tensor([batch, hidden], dt)
        const cy = ctx.tensor([batch, hidden], dt)
        const workspace = ctx.tensor([Number(lstmWorkspaceBytes(steps, batch, inSize, hidden))], 'uint8', false)
        ctx.save(layerInput, ctx.view(h0, [batch, out]), ctx.view(c0!, [batch, hidden]), y, hy, cy, workspace)
        if (!o.bias) ctx.save(ctx.tensor([gates, inSize], dt, false), ctx.tensor([gates, hidden], dt, false))
        ctx.use(layerInput)
        outputs.push(y)
      }
      layerInput = directions === 2 ? cat(ctx, outputs, -1) : outputs[0]!
      if (o.training && o.dropout > 0 && layer < o.numLayers - 1) layerInput = dropout(ctx, layerInput, { p: o.dropout, training: true })
    }
  } else {
    const totalSteps = steps * o.numLayers * directions
    if (totalSteps > maxRecurrentSteps) {
      throw ctx.error(
        `would run ${totalSteps.toLocaleString('en-US')} recurrent steps (sequence length ${steps} × ${o.numLayers} layer${o.numLayers === 1 ? '' : 's'} × ${directions} direction${directions === 1 ? '' : 's'}); nnsize models each step and stops at ${maxRecurrentSteps.toLocaleString('en-US')}.`,
        'limit',
      )
    }
    for (let layer = 0; layer < o.numLayers; layer++) {
      const inSize = layer === 0 ? o.inputSize : out * directions
      const directionOutputs: Tensor[] = []
      for (let direction = 0; direction < directions; direction++) {
        const projected = layer === 0 && transposedCopy ? ctx.tensor([steps, batch, inSize], dt) : layerInput
        ctx.save(projected)
        ctx.use(layerInput)
        ctx.macs(BigInt(steps) * BigInt(batch) * BigInt(inSize) * BigInt(gates))
        // On CUDA, cuDNN runs the whole layer as one op without a FLOP formula.
        if (ctx.device === 'cpu') ctx.flops('aten.addmm', 2n * BigInt(steps) * BigInt(batch) * BigInt(inSize) * BigInt(gates))
        const inputGates = ctx.tensor([steps, batch, gates], dt)
        let h = ctx.view(h0, [batch, out])
        let c = c0 ? ctx.view(c0, [batch, hidden]) : undefined
        for (let t = 0; t < steps; t++) {
          ctx.use(inputGates)
          const next = cellStep(ctx, o.mode, batch, hidden, o.projSize, h, c, dt)
          h = next.h
          c = next.c
        }
        directionOutputs.push(ctx.tensor([steps, batch, out], dt))
      }
      layerInput = directions === 2 ? ctx.tensor([steps, batch, 2 * out], dt) : directionOutputs[0]!
      if (o.training && o.dropout > 0 && layer < o.numLayers - 1) {
        // `at::dropout(x, p, train=True)` of the CPU kernel: keeps a float noise tensor (a scalar zero when p = 1).
        if (o.dropout === 1) ctx.save(ctx.tensor([], dt, false))
        else ctx.save(ctx.tensor(layerInput.shape, dt, false))
        ctx.use(layerInput)
        layerInput = ctx.tensor(layerInput.shape, dt)
      }
    }
  }
  const stateShape = (size: number): number[] => (batched ? [stacked, batch, size] : [stacked, size])
  const hN = ctx.tensor(stateShape(out), dt)
  const cN = o.mode === 'LSTM' ? ctx.tensor(stateShape(hidden), dt) : undefined
  // batch_first returns `output.transpose(0, 1)`: a view of the (seq, batch, feature) result
  const output = batched ? (o.batchFirst ? setStrides(ctx.view(layerInput, [batch, steps, out * directions]), swapFirstTwo(stridesOf(layerInput))) : layerInput) : ctx.view(layerInput, [steps, out * directions])
  return cN ? [output, hN, cN] : [output, hN]
}

/**
 * `torch.rnn_tanh_cell` / `lstm_cell` / `gru_cell` of `nn.RNNCell`/`nn.LSTMCell`/`nn.GRUCell` (one step, the same
 * kernels in every release): the cell computes `x Wᵢₕᵀ` itself and keeps `x`, then {@link cellStep}.
 */
export function recurrentCell(ctx: ForwardContext, x: Tensor, batch: number, h: Tensor, c: Tensor | undefined, mode: RecurrentMode, inputSize: number, hidden: number): StepResult {
  ctx.save(x)
  ctx.use(x)
  ctx.macs(BigInt(batch) * BigInt(inputSize) * BigInt(gateMultiple(mode) * hidden))
  ctx.flops('aten.addmm', 2n * BigInt(batch) * BigInt(inputSize) * BigInt(gateMultiple(mode) * hidden))
  return cellStep(ctx, mode, batch, hidden, 0, h, c, x.dtype, true)
}
