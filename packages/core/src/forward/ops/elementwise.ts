import type { DType } from '../../tensor/dtype.js'
import type { ForwardContext, Tensor } from '../trace.js'
import { layOutElementwise } from '../layout.js'
import { anyRequiresGrad, broadcastShapes, checkInPlace, isTensor, result, saveIf, saveScalarOperand } from './common.js'
import type { Operand } from './common.js'

// Element-wise arithmetic and activations: no multiply-accumulates are counted (docs/compute.md), and each op
// saves what its derivative in PyTorch's derivatives.yaml reads, for the operands whose gradient is needed.

function shapeOf(value: Operand): readonly number[] {
  return isTensor(value) ? value.shape : []
}

function dtypeOf(a: Operand, b: Operand): DType {
  if (isTensor(a)) return a.dtype
  if (isTensor(b)) return b.dtype
  return 'float32'
}

/** The result of an element-wise op of `a` and `b`: broadcast shape, `dtype` (default: the first tensor's). */
export function binaryResult(ctx: ForwardContext, a: Operand, b: Operand, dtype: DType = dtypeOf(a, b)): Tensor {
  const shape = broadcastShapes(ctx, shapeOf(a), shapeOf(b))
  const operands = [isTensor(a) ? a : undefined, isTensor(b) ? b : undefined]
  return layOutElementwise(result(ctx, shape, dtype, operands), operands)
}

const binary = binaryResult

/**
 * `a + b` (`torch.add`, `+`): tensors or a tensor and a Python number; saves nothing. `dtype` is the promoted
 * result type (`torch.result_type`) when the caller knows it; by default the first tensor's.
 */
export function add(ctx: ForwardContext, a: Operand, b: Operand, dtype?: DType): Tensor {
  return binary(ctx, a, b, dtype)
}

/** `a - b` (`torch.sub`, `-`): saves nothing. */
export function sub(ctx: ForwardContext, a: Operand, b: Operand, dtype?: DType): Tensor {
  return binary(ctx, a, b, dtype)
}

/**
 * `a += b` (`add_`): writes into `a`, which must already have the broadcast shape; saves nothing. The result is
 * `a`'s storage, and requires grad when either operand does.
 */
export function addInPlace(ctx: ForwardContext, a: Tensor, b: Operand): Tensor {
  checkInPlace(ctx, a.shape, shapeOf(b))
  if (isTensor(b)) ctx.use(b)
  return inPlaceResult(a, anyRequiresGrad(a, b))
}

function inPlaceResult(a: Tensor, requiresGrad: boolean): Tensor {
  return requiresGrad === a.requiresGrad ? a : { ...a, requiresGrad }
}

/**
 * `a * b` (`torch.mul`, `*`). Of two tensors, each is saved when the other's gradient is needed. With a Python
 * number, PyTorch 1.13 saves the number as a 0-dim tensor; 2.x saves nothing.
 */
export function mul(ctx: ForwardContext, a: Operand, b: Operand, dtype?: DType): Tensor {
  const out = binary(ctx, a, b, dtype)
  if (isTensor(a) && isTensor(b)) {
    saveIf(ctx, b.requiresGrad, a)
    saveIf(ctx, a.requiresGrad, b)
  } else if (isTensor(a)) saveScalarOperand(ctx, b as Exclude<Operand, Tensor>, a.requiresGrad)
  else if (isTensor(b)) saveScalarOperand(ctx, a, b.requiresGrad)
  return out
}

/**
 * `a / b` (`torch.div`, `/`). A tensor divisor is saved when either gradient is needed, the dividend when the
 * divisor's is; a Python-number divisor as {@link mul}'s number.
 */
export function div(ctx: ForwardContext, a: Operand, b: Operand, dtype?: DType): Tensor {
  const out = binary(ctx, a, b, dtype)
  if (isTensor(b)) {
    saveIf(ctx, anyRequiresGrad(a, b), b)
    if (isTensor(a)) saveIf(ctx, b.requiresGrad, a)
  } else if (isTensor(a)) saveScalarOperand(ctx, b, a.requiresGrad)
  return out
}

/** `x ** exponent` (`torch.pow` with a number exponent): saves its input. `dtype`: the promoted result type. */
export function pow(ctx: ForwardContext, x: Tensor, _exponent: number, dtype: DType = x.dtype): Tensor {
  const out = layOutElementwise(result(ctx, x.shape, dtype, [x]), [x])
  saveIf(ctx, x.requiresGrad, x)
  return out
}

/** What a point-wise op keeps for backward (PyTorch's CPU kernels, checked with saved-tensor hooks). */
export type PointwiseSaves =
  /** the result (ReLU, Sigmoid, Tanh, ELU, rsqrt) */
  | 'output'
  /** the input (GELU, SiLU, LeakyReLU, abs, …) */
  | 'input'
  /** the input and one new tensor of its size (Softsign's `1 + |x|`, LogSigmoid's CPU buffer) */
  | 'input+temp'
  /** one new tensor of the input's size that is neither (Tanhshrink's `tanh(x)`) */
  | 'temp'
  /** nothing (sign, neg) */
  | 'nothing'

/**
 * What an in-place call keeps: `result` saves the written input, `clone` means autograd first copies the
 * original input because the backward formula needs the values from before the write.
 */
export type InplaceSaves = 'result' | 'clone'

/** Options of the point-wise activations that have an in-place form. */
export interface InplaceOptions {
  inplace?: boolean
}

/**
 * A point-wise op on `x`: same shape and dtype, 0 MACs, `saves` out of place; with `inplace`, the input is
 * written (`inplaceSaves` decides what is kept).
 */
export function pointwise(ctx: ForwardContext, x: Tensor, saves: PointwiseSaves, options: { inplace?: boolean; inplaceSaves?: InplaceSaves } = {}): Tensor {
  const grad = x.requiresGrad
  if (options.inplace) {
    if (grad) {
      if (options.inplaceSaves === 'clone') ctx.save(ctx.tensor(x.shape, x.dtype, false))
      else ctx.save(x)
    }
    return x
  }
  const y = layOutElementwise(result(ctx, x.shape, x.dtype, [x]), [x])
  if (!grad) return y
  if (saves === 'output') ctx.save(y)
  if (saves === 'input' || saves === 'input+temp') ctx.save(x)
  if (saves === 'temp' || saves === 'input+temp') ctx.save(ctx.tensor(x.shape, x.dtype, false))
  return y
}

/** `F.relu(x, inplace=False)`: saves its output (in place: the written input). */
export const relu = (ctx: ForwardContext, x: Tensor, options: InplaceOptions = {}): Tensor => pointwise(ctx, x, 'output', { ...options, inplaceSaves: 'result' })
/** `F.relu6(x, inplace=False)` (`hardtanh(x, 0, 6)`): saves its input (in place: a copy of it). */
export const relu6 = (ctx: ForwardContext, x: Tensor, options: InplaceOptions = {}): Tensor => pointwise(ctx, x, 'input', { ...options, inplaceSaves: 'clone' })
/** `F.hardtanh(x, min_val, max_val, inplace=False)`: saves its input (in place: a copy of it). */
export const hardtanh = relu6
/** `F.leaky_relu(x, negative_slope, inplace=False)`: saves its input (in place: the result). */
export const leakyRelu = (ctx: ForwardContext, x: Tensor, options: InplaceOptions = {}): Tensor => pointwise(ctx, x, 'input', { ...options, inplaceSaves: 'result' })
/** `F.elu(x, alpha, inplace=False)`: saves its input (in place: the result). */
export const elu = leakyRelu
/** `F.selu(x, inplace=False)`: saves its input (in place: the result). */
export const selu = leakyRelu
/** `F.celu(x, alpha, inplace=False)`: saves its input (in place: the result). */
export const celu = leakyRelu
/** `F.gelu(x, approximate='none')`: saves its input. */
export const gelu = (ctx: ForwardContext, x: Tensor): Tensor => pointwise(ctx, x, 'input')
/** `F.silu(x, inplace=False)`: saves its input (in place: a copy of it). */
export const silu = relu6
/** `F.mish(x, inplace=False)`: saves its input (in place: a copy of it). */
export const mish = relu6
/** `F.hardsigmoid(x, inplace=False)`: saves its input (in place: a copy of it). */
export const hardsigmoid = relu6
/** `F.hardswish(x, inplace=False)`: saves its input (in place: a copy of it). */
export const hardswish = relu6
/** `F.threshold(x, threshold, value, inplace=False)`: saves its input (in place: a copy of it). */
export const threshold = relu6
/** `torch.sigmoid(x)`: saves its output. */
export const sigmoid = (ctx: ForwardContext, x: Tensor): Tensor => pointwise(ctx, x, 'output')
/** `torch.tanh(x)`: saves its output. */
export const tanh = sigmoid
/** `torch.rsqrt(x)`: saves its output. */
export const rsqrt = sigmoid
/** `torch.exp(x)`: saves its output. */
export const exp = sigmoid
/** `torch.sqrt(x)`: saves its output. */
export const sqrt = sigmoid
/** `F.hardshrink(x, lambd)`: saves its input. */
export const hardshrink = gelu
/** `F.softshrink(x, lambd)`: saves its input. */
export const softshrink = gelu
/** `F.softplus(x, beta, threshold)`: saves its input. */
export const softplus = gelu
/** `torch.abs(x)`: saves its input. */
export const abs = gelu
/** `torch.log(x)`: saves its input. */
export const log = gelu
/** `torch.sign(x)`: saves nothing (its gradient is zero). */
export const sign = (ctx: ForwardContext, x: Tensor): Tensor => pointwise(ctx, x, 'nothing')
/** `torch.neg(x)`, `-x`: saves nothing. */
export const neg = sign
/** `F.tanhshrink(x)` (`x − tanh(x)`): saves the intermediate `tanh(x)`. */
export const tanhshrink = (ctx: ForwardContext, x: Tensor): Tensor => pointwise(ctx, x, 'temp')
/** `F.softsign(x)` (`x / (1 + |x|)`): the division saves its input and the denominator. */
export const softsign = (ctx: ForwardContext, x: Tensor): Tensor => pointwise(ctx, x, 'input+temp')

/** `F.logsigmoid(x)`: saves its input; the CPU kernel also saves a buffer of the input's size, the CUDA kernel an empty one. */
export function logsigmoid(ctx: ForwardContext, x: Tensor): Tensor {
  return pointwise(ctx, x, ctx.device === 'cpu' ? 'input+temp' : 'input')
}

/**
 * `F.rrelu(x, lower, upper, training, inplace=False)`: a random negative slope per element in training mode,
 * the mean slope in eval mode. Both modes allocate a noise tensor of the input's size and save it with the
 * input (in place: with the result).
 */
export function rrelu(ctx: ForwardContext, x: Tensor, options: InplaceOptions = {}): Tensor {
  const y = options.inplace ? x : result(ctx, x.shape, x.dtype, [x])
  saveIf(ctx, x.requiresGrad, ctx.tensor(x.shape, x.dtype, false), options.inplace ? y : x)
  return y
}

/** `F.prelu(x, weight)`: saves its input (the weight is a parameter). */
export function prelu(ctx: ForwardContext, x: Tensor, weight: Tensor): Tensor {
  const y = result(ctx, x.shape, x.dtype, [x, weight])
  saveIf(ctx, anyRequiresGrad(x, weight), x, weight)
  return y
}

/** `F.glu(x, dim)`: halves dimension `dim` (already wrapped and checked to be even) and saves its input. */
export function glu(ctx: ForwardContext, x: Tensor, dim: number): Tensor {
  const y = result(
    ctx,
    x.shape.map((s, i) => (i === dim ? s / 2 : s)),
    x.dtype,
    [x],
  )
  saveIf(ctx, x.requiresGrad, x)
  return y
}
