import { bool, device, dtype, float, int, optionalFloat, optionalInt, str } from '../bind/args.js'
import type { ArgSpec, ArgsOf } from '../bind/args.js'
import * as ops from '../forward/ops/index.js'
import type { ForwardContext, Tensor } from '../forward/trace.js'
import { formatShape } from '../tensor/shape.js'
import { defineLayer } from './define-layer.js'
import type { ArgFailure, LayerDefinition } from './define-layer.js'

interface ActivationSpec<S extends readonly ArgSpec[]> {
  name: string
  signature: S
  validate?: (args: ArgsOf<S>, fail: ArgFailure) => void
  /** The functional op it runs (what it saves is defined there, per release and device). */
  op: (ctx: ForwardContext, x: Tensor, options: ops.InplaceOptions) => Tensor
}

/** An element-wise activation: same output shape, no compute counted (activations cost 0 MACs by convention). */
function activation<const S extends readonly ArgSpec[]>(spec: ActivationSpec<S>) {
  return defineLayer({
    name: spec.name,
    signature: spec.signature,
    ...(spec.validate ? { validate: spec.validate } : {}),
    build() {},
    forward: (self, inputs, ctx) => spec.op(ctx, inputs[0]!, { inplace: (self.args as { inplace?: boolean }).inplace === true }),
  })
}

const inplaceArg = bool('inplace', { default: false })

/** `nn.ReLU(inplace=False)`: saves its output (in place: the modified input). */
export const relu = activation({ name: 'ReLU', signature: [inplaceArg], op: ops.relu })

/** `nn.ReLU6(inplace=False)`: `hardtanh(x, 0, 6)`; saves its input (in place: a copy of it). */
export const relu6 = activation({ name: 'ReLU6', signature: [inplaceArg], op: ops.relu6 })

/** `nn.LeakyReLU(negative_slope=0.01, inplace=False)`: saves its input (in place: the result). */
export const leakyRelu = activation({
  name: 'LeakyReLU',
  signature: [float('negative_slope', { default: 0.01 }), inplaceArg],
  op: ops.leakyRelu,
})

/** `nn.ELU(alpha=1.0, inplace=False)`: saves its input (in place: the result). */
export const elu = activation({
  name: 'ELU',
  signature: [float('alpha', { default: 1.0 }), inplaceArg],
  op: ops.elu,
})

/** `nn.SELU(inplace=False)`: ELU with fixed scale; saves its input (in place: the result). */
export const selu = activation({ name: 'SELU', signature: [inplaceArg], op: ops.selu })

/** `nn.CELU(alpha=1.0, inplace=False)`: saves its input (in place: the result). */
export const celu = activation({
  name: 'CELU',
  signature: [float('alpha', { default: 1.0 }), inplaceArg],
  op: ops.celu,
})

/** `nn.GELU(approximate='none')`: `'none'` (erf) or `'tanh'`; saves its input. */
export const gelu = activation({
  name: 'GELU',
  signature: [str('approximate', { default: 'none', choices: ['none', 'tanh'] as const })],
  op: ops.gelu,
})

/** `nn.SiLU(inplace=False)`: `x · σ(x)`; saves its input (in place: a copy of it). */
export const silu = activation({ name: 'SiLU', signature: [inplaceArg], op: ops.silu })

/** `nn.Mish(inplace=False)`: `x · tanh(softplus(x))`; saves its input (in place: a copy of it). */
export const mish = activation({ name: 'Mish', signature: [inplaceArg], op: ops.mish })

/** `nn.Sigmoid()`: saves its output. */
export const sigmoid = activation({ name: 'Sigmoid', signature: [], op: ops.sigmoid })

/** `nn.Tanh()`: saves its output. */
export const tanh = activation({ name: 'Tanh', signature: [], op: ops.tanh })

/** `nn.Hardtanh(min_val=-1.0, max_val=1.0, inplace=False)`: saves its input (in place: a copy of it). */
export const hardtanh = activation({
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
  op: ops.hardtanh,
})

/** `nn.Hardsigmoid(inplace=False)`: saves its input (in place: a copy of it). */
export const hardsigmoid = activation({ name: 'Hardsigmoid', signature: [inplaceArg], op: ops.hardsigmoid })

/** `nn.Hardswish(inplace=False)`: saves its input (in place: a copy of it). */
export const hardswish = activation({ name: 'Hardswish', signature: [inplaceArg], op: ops.hardswish })

/** `nn.Hardshrink(lambd=0.5)`: saves its input. */
export const hardshrink = activation({ name: 'Hardshrink', signature: [float('lambd', { default: 0.5 })], op: ops.hardshrink })

/** `nn.Softshrink(lambd=0.5)`: saves its input. */
export const softshrink = activation({ name: 'Softshrink', signature: [float('lambd', { default: 0.5 })], op: ops.softshrink })

/** `nn.Tanhshrink()`: `x − tanh(x)`; saves the intermediate `tanh(x)`. */
export const tanhshrink = activation({ name: 'Tanhshrink', signature: [], op: ops.tanhshrink })

/** `nn.Softplus(beta=1.0, threshold=20.0)`: saves its input. */
export const softplus = activation({
  name: 'Softplus',
  signature: [float('beta', { default: 1.0 }), float('threshold', { default: 20.0 })],
  op: ops.softplus,
})

/** `nn.Softsign()`: `x / (1 + |x|)`; the division saves its input and the denominator. */
export const softsign = activation({ name: 'Softsign', signature: [], op: ops.softsign })

/**
 * `nn.LogSigmoid()`: saves its input; the CPU kernel also saves a buffer of the input's size,
 * the CUDA kernel an empty one.
 */
export const logSigmoid = activation({
  name: 'LogSigmoid',
  signature: [],
  op: ops.logsigmoid,
})

/** `nn.Threshold(threshold, value, inplace=False)`: saves its input (in place: a copy of it). */
export const threshold = activation({
  name: 'Threshold',
  signature: [float('threshold'), float('value'), inplaceArg],
  op: ops.threshold,
})

/**
 * `nn.RReLU(lower=1/8, upper=1/3, inplace=False)`: a random negative slope per element in training
 * mode, the mean slope in eval mode. Both modes allocate a noise tensor of the input's size and save
 * it with the input (in place: with the result).
 */
export const rrelu = defineLayer({
  name: 'RReLU',
  signature: [float('lower', { default: 1 / 8 }), float('upper', { default: 1 / 3 }), inplaceArg],
  build() {},
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const { lower, upper, inplace } = self.args
    if (lower > upper) throw ctx.error(`has \`lower\` greater than \`upper\` (got lower=${lower}, upper=${upper}): Lower bound should be less than or equal to the upper bound.`)
    return ops.rrelu(ctx, x, { inplace })
  },
})

/** `nn.PReLU(num_parameters=1, init=0.25)`: one learnable slope, or one per channel (dimension 1). Saves its input. */
export const prelu = defineLayer({
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
    return ops.prelu(ctx, x, ctx.state(self, 'weight'))
  },
})

/** `nn.GLU(dim=-1)`: splits `dim` in halves `a, b` and returns `a · σ(b)`; saves its input. */
export const glu = defineLayer({
  name: 'GLU',
  signature: [int('dim', { default: -1, min: -Infinity })],
  build() {},
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    if (x.shape.length === 0) throw ctx.error('cannot take a zero-dim input: glu does not support scalars because halving size must be even.')
    const d = ops.wrapDim(ctx, self.args.dim, x.shape.length)
    const size = x.shape[d]!
    if (size % 2 !== 0) throw ctx.error(`halves dimension ${d}, which has odd size ${size} (input of shape ${formatShape(x.shape)}): Halving dimension must be even.`)
    return ops.glu(ctx, x, d)
  },
})

/** PyTorch's `_get_softmax_dim`: the legacy choice when `dim=None` (0 for 0-, 1- and 3-dim inputs, else 1). */
function softmaxDim(dim: number | null, rank: number): number {
  if (dim !== null) return dim
  return rank === 0 || rank === 1 || rank === 3 ? 0 : 1
}

function makeSoftmax(name: 'Softmax' | 'LogSoftmax' | 'Softmin'): LayerDefinition<{ dim: number | null }> {
  return defineLayer({
    name,
    signature: [optionalInt('dim', { default: null, min: -Infinity })],
    build() {},
    forward(self, inputs, ctx) {
      const x = inputs[0]!
      return ops.softmax(ctx, x, softmaxDim(self.args.dim, x.shape.length))
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
export const softmax2d = defineLayer({
  name: 'Softmax2d',
  signature: [],
  build() {},
  forward(_self, inputs, ctx) {
    const x = inputs[0]!
    if (x.shape.length !== 3 && x.shape.length !== 4) {
      throw ctx.error(`expected input to be 3D or 4D, got ${x.shape.length}D instead (input of shape ${formatShape(x.shape)}).`)
    }
    return ops.softmax(ctx, x, -3)
  },
})
