import { NnsizeError } from '../errors.js'
import { any, bool, coerceInt, coerceInts, float, ints, optionalInt } from '../bind/args.js'
import type { ArgSpec } from '../bind/args.js'
import { showValue, typeName } from '../contract/values.js'
import type { Value } from '../contract/values.js'
import * as ops from '../forward/ops/index.js'
import { formatShape } from '../tensor/shape.js'
import { defineLayer } from './define-layer.js'
import { intsOption } from './forward-options.js'

// The pooling layers: argument handling and checks; what each kernel computes and keeps is in
// forward/ops/pool.ts.

type Dims = 1 | 2 | 3

/** An int, a tuple of `dims` ints, or `None`. */
function optionalInts<const N extends string>(name: N, dims: number): ArgSpec<number[] | null, N, false> {
  return { name, required: false, default: null, coerce: (v, span, n) => (v.kind === 'none' ? null : coerceInts(v, span, n, dims)) }
}

/** Adaptive pooling's `output_size`: an int or a tuple of `dims` ints or `None`s (keep that input size). */
function outputSizeArg(dims: number): ArgSpec<Array<number | null>, 'output_size', true> {
  return {
    name: 'output_size',
    required: true,
    coerce(v, span, name) {
      if (v.kind === 'int') return new Array<number>(dims).fill(coerceInt(v, span, name, 0))
      if ((v.kind === 'tuple' || v.kind === 'list') && v.items.length === dims) {
        return v.items.map((item) => (item.kind === 'none' && dims > 1 ? null : coerceInt(item, span, name, 0)))
      }
      throw new NnsizeError('argument-type', `\`${name}\` must be an int${dims > 1 ? ` or a tuple of ${dims} ints or \`None\`s` : ''}, got ${typeName(v)} \`${showValue(v)}\`.`, { span })
    },
  }
}

// ---------------------------------------------------------------------------------------------------------------
// MaxPool

function makeMaxPool(dims: Dims) {
  return defineLayer({
    name: `MaxPool${dims}d`,
    signature: [
      ints('kernel_size', dims),
      optionalInts('stride', dims),
      ints('padding', dims, { default: new Array<number>(dims).fill(0) }),
      ints('dilation', dims, { default: new Array<number>(dims).fill(1) }),
      bool('return_indices', { default: false }),
      bool('ceil_mode', { default: false }),
    ],
    build() {},
    forward(self, inputs, ctx) {
      const a = self.args
      const { values, indices } = ops.maxPool(ctx, inputs[0]!, dims, { kernel: a.kernel_size, stride: a.stride ?? a.kernel_size, padding: a.padding, dilation: a.dilation, ceilMode: a.ceil_mode })
      return a.return_indices ? [values, indices] : values
    },
  })
}

/** `nn.MaxPool1d(kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False)`: saves its input and int64 indices. */
export const maxPool1d = makeMaxPool(1)
/** `nn.MaxPool2d(...)`: as {@link maxPool1d} over two dimensions. */
export const maxPool2d = makeMaxPool(2)
/** `nn.MaxPool3d(...)`: as {@link maxPool1d} over three dimensions. */
export const maxPool3d = makeMaxPool(3)

// ---------------------------------------------------------------------------------------------------------------
// AvgPool

function makeAvgPool(dims: Dims) {
  return defineLayer({
    name: `AvgPool${dims}d`,
    signature: [
      ints('kernel_size', dims),
      optionalInts('stride', dims),
      ints('padding', dims, { default: new Array<number>(dims).fill(0) }),
      bool('ceil_mode', { default: false }),
      bool('count_include_pad', { default: true }),
      ...(dims === 1 ? [] : [optionalInt('divisor_override', { default: null, min: -Number.MAX_SAFE_INTEGER })]),
    ],
    build() {},
    forward(self, inputs, ctx) {
      const a = self.args
      if (a.divisor_override === 0) throw ctx.error('needs a non-zero `divisor_override`, got `0`: divisor must be not zero.')
      return ops.avgPool(ctx, inputs[0]!, dims, { kernel: a.kernel_size, stride: a.stride ?? a.kernel_size, padding: a.padding, ceilMode: a.ceil_mode })
    },
  })
}

/** `nn.AvgPool1d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True)`: saves its input. */
export const avgPool1d = makeAvgPool(1)
/** `nn.AvgPool2d(kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None)`. */
export const avgPool2d = makeAvgPool(2)
/** `nn.AvgPool3d(...)`: as {@link avgPool2d} over three dimensions. */
export const avgPool3d = makeAvgPool(3)

// ---------------------------------------------------------------------------------------------------------------
// Adaptive pooling

function makeAdaptiveAvgPool(dims: Dims) {
  return defineLayer({
    name: `AdaptiveAvgPool${dims}d`,
    signature: [outputSizeArg(dims)],
    build() {},
    forward: (self, inputs, ctx) => ops.adaptiveAvgPool(ctx, inputs[0]!, dims, self.args.output_size),
  })
}

function makeAdaptiveMaxPool(dims: Dims) {
  return defineLayer({
    name: `AdaptiveMaxPool${dims}d`,
    signature: [outputSizeArg(dims), bool('return_indices', { default: false })],
    build() {},
    forward(self, inputs, ctx) {
      const { values, indices } = ops.adaptiveMaxPool(ctx, inputs[0]!, dims, self.args.output_size)
      return self.args.return_indices === true ? [values, indices] : values
    },
  })
}

/** `nn.AdaptiveAvgPool1d(output_size)`: saves its input. */
export const adaptiveAvgPool1d = makeAdaptiveAvgPool(1)
/** `nn.AdaptiveAvgPool2d(output_size)`: `None` entries keep the input size. */
export const adaptiveAvgPool2d = makeAdaptiveAvgPool(2)
/** `nn.AdaptiveAvgPool3d(output_size)`. */
export const adaptiveAvgPool3d = makeAdaptiveAvgPool(3)
/** `nn.AdaptiveMaxPool1d(output_size, return_indices=False)`: saves its input and int64 indices. */
export const adaptiveMaxPool1d = makeAdaptiveMaxPool(1)
/** `nn.AdaptiveMaxPool2d(output_size, return_indices=False)`. */
export const adaptiveMaxPool2d = makeAdaptiveMaxPool(2)
/** `nn.AdaptiveMaxPool3d(output_size, return_indices=False)`. */
export const adaptiveMaxPool3d = makeAdaptiveMaxPool(3)

// ---------------------------------------------------------------------------------------------------------------
// LPPool

function makeLPPool(dims: Dims) {
  return defineLayer({
    name: `LPPool${dims}d`,
    ...(dims === 3 ? { since: '2.2' } : {}),
    signature: [float('norm_type'), ints('kernel_size', dims), optionalInts('stride', dims), bool('ceil_mode', { default: false })],
    build() {},
    forward(self, inputs, ctx) {
      const a = self.args
      if (a.norm_type === 0) throw ctx.error('needs a non-zero `norm_type`, got `0.0`: it takes the 1/norm_type power.')
      return ops.lpPool(ctx, inputs[0]!, dims, a.norm_type, a.kernel_size, a.stride, a.ceil_mode)
    },
  })
}

/** `nn.LPPool1d(norm_type, kernel_size, stride=None, ceil_mode=False)`: power-average pooling, composed of several saved ops. */
export const lpPool1d = makeLPPool(1)
/** `nn.LPPool2d(norm_type, kernel_size, stride=None, ceil_mode=False)`. */
export const lpPool2d = makeLPPool(2)
/** `nn.LPPool3d(norm_type, kernel_size, stride=None, ceil_mode=False)`. */
export const lpPool3d = makeLPPool(3)

// ---------------------------------------------------------------------------------------------------------------
// FractionalMaxPool

function ratioArg(dims: number): ArgSpec<number[] | null, 'output_ratio', false> {
  return {
    name: 'output_ratio',
    required: false,
    default: null,
    coerce(v, span, name) {
      const one = (item: Value): number => {
        if (item.kind === 'float') return item.value
        if (item.kind === 'int') return Number(item.value)
        throw new NnsizeError('argument-type', `\`${name}\` must be a float or a tuple of ${dims} floats, got ${typeName(v)} \`${showValue(v)}\`.`, { span })
      }
      if (v.kind === 'none') return null
      if (v.kind === 'tuple' || v.kind === 'list') {
        if (v.items.length !== dims) throw new NnsizeError('argument-value', `\`${name}\` must be a float or a tuple of ${dims} floats, got ${v.items.length} values \`${showValue(v)}\`.`, { span })
        return v.items.map(one)
      }
      return new Array<number>(dims).fill(one(v))
    },
  }
}

const spatialNames = { 1: ['width'], 2: ['height', 'width'], 3: ['time', 'height', 'width'] } as const

function makeFractionalMaxPool(dims: 2 | 3) {
  const name = `FractionalMaxPool${dims}d`
  return defineLayer({
    name,
    signature: [ints('kernel_size', dims), optionalInts('output_size', dims), ratioArg(dims), bool('return_indices', { default: false }), any('_random_samples', { default: { kind: 'none' } })],
    validate(a, fail) {
      if (a.output_size === null && a.output_ratio === null) fail('output_size', `\`${name}\` requires specifying either an \`output_size\` or an \`output_ratio\`.`)
      if (a.output_size !== null && a.output_ratio !== null) fail('output_ratio', 'Only one of `output_size` and `output_ratio` may be specified.')
      if (a.output_ratio !== null && a.output_ratio.some((r) => !(r > 0 && r < 1))) {
        fail('output_ratio', `\`output_ratio\` must be between 0 and 1 (got ${formatShape(a.output_ratio)}).`)
      }
      const samples = a._random_samples
      if (samples.kind !== 'none' && samples.kind !== 'tensor') fail('_random_samples', `\`_random_samples\` must be a tensor or \`None\`, got ${typeName(samples)} \`${showValue(samples)}\`.`)
    },
    build(a, m) {
      const samples = a._random_samples
      if (samples.kind === 'tensor') m.buffer('_random_samples', samples.shape, { dtype: samples.dtype })
      else m.none('_random_samples', 'buffer')
    },
    forward(self, inputs, ctx) {
      const x = inputs[0]!
      const a = self.args
      const { batched, spatial } = ops.spatialInput(ctx, x, dims)
      if (a.kernel_size.some((k) => k <= 0)) throw ctx.error(`needs \`kernel_size\` greater than zero, got ${formatShape(a.kernel_size)}.`)
      const out = a.output_size ?? spatial.map((s, i) => Math.floor(s * a.output_ratio![i]!))
      out.forEach((o, i) => {
        if (o + a.kernel_size[i]! - 1 > spatial[i]!) {
          throw ctx.error(`got an input of shape ${formatShape(x.shape)}: pool ${spatialNames[dims][i]} ${a.kernel_size[i]} too large relative to input ${spatialNames[dims][i]} ${spatial[i]} for output ${spatialNames[dims][i]} ${o}.`)
        }
      })
      // Without given samples, each call draws torch.rand(N, C, dims); they are read, not saved.
      const channels = x.shape[x.shape.length - dims - 1]!
      const samples = a._random_samples.kind === 'none' ? ctx.tensor([batched ? x.shape[0]! : 1, channels, dims], x.dtype) : undefined
      const { values, indices } = ops.maxPoolResult(ctx, x, [...x.shape.slice(0, -dims), ...out])
      if (samples) ctx.use(samples)
      return a.return_indices ? [values, indices] : values
    },
  })
}

/** `nn.FractionalMaxPool2d(kernel_size, output_size=None, output_ratio=None, return_indices=False)`: saves input and int64 indices. */
export const fractionalMaxPool2d = makeFractionalMaxPool(2)
/** `nn.FractionalMaxPool3d(kernel_size, output_size=None, output_ratio=None, return_indices=False)`. */
export const fractionalMaxPool3d = makeFractionalMaxPool(3)

// ---------------------------------------------------------------------------------------------------------------
// MaxUnpool

function makeMaxUnpool(dims: Dims) {
  return defineLayer({
    name: `MaxUnpool${dims}d`,
    signature: [ints('kernel_size', dims), optionalInts('stride', dims), ints('padding', dims, { default: new Array<number>(dims).fill(0) })],
    build() {},
    forwardInputs: ['input', 'indices'],
    forwardOptions: ['output_size'],
    forward(self, inputs, ctx, options) {
      // forward(input, indices): the second input holds the indices a max pooling returned with return_indices=True.
      const [x, indices] = inputs
      if (!x || !indices) {
        throw ctx.error(`takes two inputs, the pooled values and their \`indices\` (from a \`MaxPool${dims}d\` with \`return_indices=True\`): give two shapes, e.g. \`1,16,8,8; 1,16,8,8\`.`)
      }
      const a = self.args
      return ops.maxUnpool(ctx, x, indices, dims, a.kernel_size, a.stride ?? a.kernel_size, a.padding, intsOption(ctx, options, 'output_size'))
    },
  })
}

/** `nn.MaxUnpool1d(kernel_size, stride=None, padding=0)`: forward takes the pooled values and their indices; saves the indices. */
export const maxUnpool1d = makeMaxUnpool(1)
/** `nn.MaxUnpool2d(kernel_size, stride=None, padding=0)`. */
export const maxUnpool2d = makeMaxUnpool(2)
/** `nn.MaxUnpool3d(kernel_size, stride=None, padding=0)`. */
export const maxUnpool3d = makeMaxUnpool(3)
