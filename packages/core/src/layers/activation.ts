import { bool, device, dtype, float, int, optionalFloat, optionalInt, str } from '../bind/args.js'
import type { ArgSpec } from '../bind/args.js'
import type { ForwardContext } from '../forward/trace.js'
import { formatShape } from '../tensor/shape.js'
import { defineLayer } from './define-layer.js'
import type { ArgFailure, LayerDefinition } from './define-layer.js'

/**
 * What autograd keeps for backward when an element-wise activation runs out of place
 * (PyTorch's CPU kernels, checked with `saved_tensors_hooks`):
 * - `output`: the result (ReLU, Sigmoid, Tanh, the softmaxes);
 * - `input`: the input (GELU, SiLU, ELU, LeakyReLU, ...);
 * - `input+temp`: the input and one new tensor of the input's size (Softsign's `1 + |x|`, LogSigmoid's buffer on CPU);
 * - `temp`: one new tensor of the input's size that is neither (Tanhshrink's `tanh(x)`).
 */
type Saves = 'output' | 'input' | 'input+temp' | 'temp'

/**
 * What an in-place call keeps: `result` saves the modified input (its storage is the input's),
 * `clone` means autograd first copies the original input, because the backward formula needs
 * the values from before the write (ReLU6, Hardtanh, SiLU, Mish, Hardsigmoid, Hardswish, Threshold).
 */
type InplaceSaves = 'result' | 'clone'

interface ActivationSpec<A> {
  name: string
  signature: readonly ArgSpec[]
  validate?: (args: A, fail: ArgFailure) => void
  /** What it saves, fixed or depending on the device profile. */
  saves: Saves | ((ctx: ForwardContext) => Saves)
  /** Present when the layer takes `inplace`. */
  inplace?: InplaceSaves
}

/** An element-wise activation: same output shape, no compute counted (activations cost 0 MACs by convention). */
function activation<A extends object>(spec: ActivationSpec<A>): LayerDefinition<A> {
  return defineLayer<A>({
    name: spec.name,
    signature: spec.signature,
    ...(spec.validate ? { validate: spec.validate } : {}),
    build() {},
    forward(self, inputs, ctx) {
      const x = inputs[0]!
      const inplace = spec.inplace !== undefined && (self.args as { inplace?: boolean }).inplace === true
      if (inplace) {
        if (spec.inplace === 'clone') ctx.save(ctx.tensor(x.shape, x.dtype))
        else ctx.save(x)
        return x
      }
      const y = ctx.tensor(x.shape, x.dtype)
      const saves = typeof spec.saves === 'function' ? spec.saves(ctx) : spec.saves
      if (saves === 'output') ctx.save(y)
      if (saves === 'input' || saves === 'input+temp') ctx.save(x)
      if (saves === 'temp' || saves === 'input+temp') ctx.save(ctx.tensor(x.shape, x.dtype))
      return y
    },
  })
}

const inplaceArg = bool('inplace', { default: false })

/** `nn.ReLU(inplace=False)`: saves its output (in place: the modified input). */
export const relu = activation<{ inplace: boolean }>({ name: 'ReLU', signature: [inplaceArg], saves: 'output', inplace: 'result' })

/** `nn.ReLU6(inplace=False)`: `hardtanh(x, 0, 6)`; saves its input (in place: a copy of it). */
export const relu6 = activation<{ inplace: boolean }>({ name: 'ReLU6', signature: [inplaceArg], saves: 'input', inplace: 'clone' })

/** `nn.LeakyReLU(negative_slope=0.01, inplace=False)`: saves its input (in place: the result). */
export const leakyRelu = activation<{ negative_slope: number; inplace: boolean }>({
  name: 'LeakyReLU',
  signature: [float('negative_slope', { default: 0.01 }), inplaceArg],
  saves: 'input',
  inplace: 'result',
})

/** `nn.ELU(alpha=1.0, inplace=False)`: saves its input (in place: the result). */
export const elu = activation<{ alpha: number; inplace: boolean }>({
  name: 'ELU',
  signature: [float('alpha', { default: 1.0 }), inplaceArg],
  saves: 'input',
  inplace: 'result',
})

/** `nn.SELU(inplace=False)`: ELU with fixed scale; saves its input (in place: the result). */
export const selu = activation<{ inplace: boolean }>({ name: 'SELU', signature: [inplaceArg], saves: 'input', inplace: 'result' })

/** `nn.CELU(alpha=1.0, inplace=False)`: saves its input (in place: the result). */
export const celu = activation<{ alpha: number; inplace: boolean }>({
  name: 'CELU',
  signature: [float('alpha', { default: 1.0 }), inplaceArg],
  saves: 'input',
  inplace: 'result',
})

/** `nn.GELU(approximate='none')`: `'none'` (erf) or `'tanh'`; saves its input. */
export const gelu = activation<{ approximate: 'none' | 'tanh' }>({
  name: 'GELU',
  signature: [str('approximate', { default: 'none', choices: ['none', 'tanh'] as const })],
  saves: 'input',
})

/** `nn.SiLU(inplace=False)`: `x · σ(x)`; saves its input (in place: a copy of it). */
export const silu = activation<{ inplace: boolean }>({ name: 'SiLU', signature: [inplaceArg], saves: 'input', inplace: 'clone' })

/** `nn.Mish(inplace=False)`: `x · tanh(softplus(x))`; saves its input (in place: a copy of it). */
export const mish = activation<{ inplace: boolean }>({ name: 'Mish', signature: [inplaceArg], saves: 'input', inplace: 'clone' })

/** `nn.Sigmoid()`: saves its output. */
export const sigmoid = activation<Record<string, never>>({ name: 'Sigmoid', signature: [], saves: 'output' })

/** `nn.Tanh()`: saves its output. */
export const tanh = activation<Record<string, never>>({ name: 'Tanh', signature: [], saves: 'output' })

/** `nn.Hardtanh(min_val=-1.0, max_val=1.0, inplace=False)`: saves its input (in place: a copy of it). */
export const hardtanh = activation<{ min_val: number; max_val: number; inplace: boolean; min_value: number | null; max_value: number | null }>({
  name: 'Hardtanh',
  signature: [
    float('min_val', { default: -1.0 }),
    float('max_val', { default: 1.0 }),
    inplaceArg,
    optionalFloat('min_value', { default: null }),
    optionalFloat('max_value', { default: null }),
  ],
  validate(a, fail) {
    // The deprecated `min_value`/`max_value` replace `min_val`/`max_val` when given.
    const min = a.min_value ?? a.min_val
    const max = a.max_value ?? a.max_val
    if (!(max > min)) {
      const arg = a.max_value !== null ? 'max_value' : 'max_val'
      fail(arg, `\`max_val\` must be greater than \`min_val\` (got min_val=${min}, max_val=${max}).`)
    }
  },
  saves: 'input',
  inplace: 'clone',
})

/** `nn.Hardsigmoid(inplace=False)`: saves its input (in place: a copy of it). */
export const hardsigmoid = activation<{ inplace: boolean }>({ name: 'Hardsigmoid', signature: [inplaceArg], saves: 'input', inplace: 'clone' })

/** `nn.Hardswish(inplace=False)`: saves its input (in place: a copy of it). */
export const hardswish = activation<{ inplace: boolean }>({ name: 'Hardswish', signature: [inplaceArg], saves: 'input', inplace: 'clone' })

/** `nn.Hardshrink(lambd=0.5)`: saves its input. */
export const hardshrink = activation<{ lambd: number }>({ name: 'Hardshrink', signature: [float('lambd', { default: 0.5 })], saves: 'input' })

/** `nn.Softshrink(lambd=0.5)`: saves its input. */
export const softshrink = activation<{ lambd: number }>({ name: 'Softshrink', signature: [float('lambd', { default: 0.5 })], saves: 'input' })

/** `nn.Tanhshrink()`: `x − tanh(x)`; saves the intermediate `tanh(x)`. */
export const tanhshrink = activation<Record<string, never>>({ name: 'Tanhshrink', signature: [], saves: 'temp' })

/** `nn.Softplus(beta=1.0, threshold=20.0)`: saves its input. */
export const softplus = activation<{ beta: number; threshold: number }>({
  name: 'Softplus',
  signature: [float('beta', { default: 1.0 }), float('threshold', { default: 20.0 })],
  saves: 'input',
})

/** `nn.Softsign()`: `x / (1 + |x|)`; the division saves its input and the denominator. */
export const softsign = activation<Record<string, never>>({ name: 'Softsign', signature: [], saves: 'input+temp' })

/**
 * `nn.LogSigmoid()`: saves its input; the CPU kernel also saves a buffer of the input's size,
 * the CUDA kernel an empty one.
 */
export const logSigmoid = activation<Record<string, never>>({
  name: 'LogSigmoid',
  signature: [],
  saves: (ctx) => (ctx.device === 'cpu' ? 'input+temp' : 'input'),
})

/** `nn.Threshold(threshold, value, inplace=False)`: saves its input (in place: a copy of it). */
export const threshold = activation<{ threshold: number; value: number; inplace: boolean }>({
  name: 'Threshold',
  signature: [float('threshold'), float('value'), inplaceArg],
  saves: 'input',
  inplace: 'clone',
})

/**
 * `nn.RReLU(lower=1/8, upper=1/3, inplace=False)`: a random negative slope per element in training
 * mode, the mean slope in eval mode. Both modes allocate a noise tensor of the input's size and save
 * it with the input (in place: with the result).
 */
export const rrelu = defineLayer<{ lower: number; upper: number; inplace: boolean }>({
  name: 'RReLU',
  signature: [float('lower', { default: 1 / 8 }), float('upper', { default: 1 / 3 }), inplaceArg],
  build() {},
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const { lower, upper, inplace } = self.args
    if (lower > upper) throw ctx.error(`has \`lower\` greater than \`upper\` (got lower=${lower}, upper=${upper}): Lower bound should be less than or equal to the upper bound.`)
    const y = inplace ? x : ctx.tensor(x.shape, x.dtype)
    ctx.save(ctx.tensor(x.shape, x.dtype), inplace ? y : x)
    return y
  },
})

/** `nn.PReLU(num_parameters=1, init=0.25)`: one learnable slope, or one per channel (dimension 1). Saves its input. */
export const prelu = defineLayer<{ num_parameters: number; init: number }>({
  name: 'PReLU',
  signature: [int('num_parameters', { default: 1 }), float('init', { default: 0.25 }), device(), dtype()],
  build({ num_parameters }, m) {
    m.param('weight', [num_parameters])
  },
  explain: ({ num_parameters }) => [{ tensor: 'weight', factors: [['num_parameters', num_parameters]] }],
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const n = self.args.num_parameters
    if (n !== 1) {
      if (x.shape.length === 0) throw ctx.error(`with \`num_parameters=${n}\` cannot take a zero-dim input: Not allow zero-dim input tensor.`)
      const channels = x.shape.length >= 2 ? x.shape[1]! : 1
      if (channels !== n) {
        throw ctx.error(`has ${n} parameters but its input has ${channels} channels (input of shape ${formatShape(x.shape)}): Mismatch of parameter numbers and input channel size.`)
      }
    }
    ctx.save(x, ctx.state(self, 'weight'))
    return ctx.tensor(x.shape, x.dtype)
  },
})

/** Wraps `dim` into `[0, rank)` as PyTorch does (a 0-dim tensor takes dims −1 and 0), or throws its message. */
export function wrapDim(dim: number, rank: number, ctx: ForwardContext): number {
  const extent = Math.max(rank, 1)
  if (dim < -extent || dim >= extent) {
    throw ctx.error(`got \`dim=${dim}\` for an input of ${rank} dimensions: Dimension out of range (expected to be in range of [${-extent}, ${extent - 1}], but got ${dim}).`)
  }
  return dim < 0 ? dim + extent : dim
}

/** `nn.GLU(dim=-1)`: splits `dim` in halves `a, b` and returns `a · σ(b)`; saves its input. */
export const glu = defineLayer<{ dim: number }>({
  name: 'GLU',
  signature: [int('dim', { default: -1, min: -Infinity })],
  build() {},
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    if (x.shape.length === 0) throw ctx.error('cannot take a zero-dim input: glu does not support scalars because halving size must be even.')
    const d = wrapDim(self.args.dim, x.shape.length, ctx)
    const size = x.shape[d]!
    if (size % 2 !== 0) throw ctx.error(`halves dimension ${d}, which has odd size ${size} (input of shape ${formatShape(x.shape)}): Halving dimension must be even.`)
    ctx.save(x)
    return ctx.tensor(x.shape.map((s, i) => (i === d ? s / 2 : s)), x.dtype)
  },
})

/** PyTorch's `_get_softmax_dim`: the legacy choice when `dim=None` (0 for 0-, 1- and 3-dim inputs, else 1). */
function softmaxDim(dim: number | null, rank: number): number {
  if (dim !== null) return dim
  return rank === 0 || rank === 1 || rank === 3 ? 0 : 1
}

function makeSoftmax(name: 'Softmax' | 'LogSoftmax' | 'Softmin'): LayerDefinition<{ dim: number | null }> {
  return defineLayer<{ dim: number | null }>({
    name,
    signature: [optionalInt('dim', { default: null, min: -Infinity })],
    build() {},
    forward(self, inputs, ctx) {
      const x = inputs[0]!
      wrapDim(softmaxDim(self.args.dim, x.shape.length), x.shape.length, ctx)
      const y = ctx.tensor(x.shape, x.dtype)
      ctx.save(y)
      return y
    },
  })
}

/** `nn.Softmax(dim=None)`: saves its output. */
export const softmax = makeSoftmax('Softmax')
/** `nn.LogSoftmax(dim=None)`: saves its output. */
export const logSoftmax = makeSoftmax('LogSoftmax')
/** `nn.Softmin(dim=None)`: `softmax(−x)`; saves its output. */
export const softmin = makeSoftmax('Softmin')

/** `nn.Softmax2d()`: softmax over the channel dimension (−3) of a 3-D or 4-D input; saves its output. */
export const softmax2d = defineLayer<Record<string, never>>({
  name: 'Softmax2d',
  signature: [],
  build() {},
  forward(_self, inputs, ctx) {
    const x = inputs[0]!
    if (x.shape.length !== 3 && x.shape.length !== 4) {
      throw ctx.error(`expected input to be 3D or 4D, got ${x.shape.length}D instead (input of shape ${formatShape(x.shape)}).`)
    }
    const y = ctx.tensor(x.shape, x.dtype)
    ctx.save(y)
    return y
  },
})
