import { NnsizeError } from '../errors.js'
import { bool, coerceInts, device, dtype, int, ints, str } from '../bind/args.js'
import type { ArgSpec, ArgsOf } from '../bind/args.js'
import * as ops from '../forward/ops/index.js'
import { formatShape } from '../tensor/shape.js'
import type { ForwardContext, Tensor } from '../forward/trace.js'
import { defineLayer } from './define-layer.js'
import { intsOption } from './forward-options.js'

function padding(dims: number, allowStrings: boolean): ArgSpec<number[] | 'same' | 'valid', 'padding', false> {
  return {
    name: 'padding',
    required: false,
    default: new Array<number>(dims).fill(0),
    coerce(value, span, name) {
      if (value.kind === 'str') {
        if (!allowStrings) throw new NnsizeError('argument-type', `\`${name}\` of a transposed convolution must be an int or a tuple of ${dims} ints; 'same' and 'valid' are not supported.`, { span })
        if (value.value !== 'same' && value.value !== 'valid') {
          throw new NnsizeError('argument-value', `Invalid padding string '${value.value}', should be one of 'valid', 'same'.`, { span, suggestions: ['same', 'valid'] })
        }
        return value.value
      }
      return coerceInts(value, span, name, dims, 0, true)
    },
  }
}

const paddingModes = ['zeros', 'reflect', 'replicate', 'circular'] as const

/** `nn.ConvNd`'s arguments, in its order. */
function convSignature(dims: 1 | 2 | 3) {
  return [
    int('in_channels'),
    int('out_channels'),
    ints('kernel_size', dims, { min: 1 }),
    ints('stride', dims, { default: new Array<number>(dims).fill(1), single: true }),
    padding(dims, true),
    ints('dilation', dims, { default: new Array<number>(dims).fill(1), single: true }),
    int('groups', { default: 1, min: -Infinity }),
    bool('bias', { default: true }),
    str('padding_mode', { default: 'zeros', choices: paddingModes }),
    device(),
    dtype(),
  ]
}

/** `nn.ConvTransposeNd`'s arguments, in its order. */
function convTransposeSignature(dims: 1 | 2 | 3) {
  return [
    int('in_channels'),
    int('out_channels'),
    ints('kernel_size', dims, { min: 1 }),
    ints('stride', dims, { default: new Array<number>(dims).fill(1), single: true }),
    padding(dims, false),
    ints('output_padding', dims, { default: new Array<number>(dims).fill(0) }),
    int('groups', { default: 1, min: -Infinity }),
    bool('bias', { default: true }),
    ints('dilation', dims, { default: new Array<number>(dims).fill(1), single: true }),
    str('padding_mode', { default: 'zeros', choices: paddingModes }),
    device(),
    dtype(),
  ]
}

type ConvArgs = ArgsOf<ReturnType<typeof convSignature>>

function validate(dims: number, transposed: boolean) {
  return (a: ConvArgs | ArgsOf<ReturnType<typeof convTransposeSignature>>, fail: (arg: string, message: string) => never): void => {
    if (a.groups <= 0) fail('groups', '`groups` must be a positive integer.')
    if (a.in_channels % a.groups !== 0) fail('groups', `\`in_channels\` must be divisible by \`groups\` (got ${a.in_channels} and ${a.groups}).`)
    if (a.out_channels % a.groups !== 0) fail('groups', `\`out_channels\` must be divisible by \`groups\` (got ${a.out_channels} and ${a.groups}).`)
    if (a.stride.some((s) => s <= 0)) fail('stride', `\`stride\` must be positive, got ${formatShape(a.stride)}.`)
    if (a.dilation.some((d) => d <= 0)) fail('dilation', `\`dilation\` must be positive, got ${formatShape(a.dilation)}.`)
    if (a.padding === 'same' && a.stride.some((s) => s !== 1)) fail('padding', "`padding='same'` is not supported for strided convolutions.")
    if (transposed && a.padding_mode !== 'zeros') fail('padding_mode', `Only \`'zeros'\` padding mode is supported for ${`ConvTranspose${dims}d`}.`)
  }
}

function makeConv(dims: 1 | 2 | 3) {
  return defineLayer({
    name: `Conv${dims}d`,
    signature: convSignature(dims),
    validate: validate(dims, false),
    build(a, m) {
      m.param('weight', [a.out_channels, a.in_channels / a.groups, ...a.kernel_size])
      if (a.bias) m.param('bias', [a.out_channels])
      else m.none('bias')
    },
    explain: (a) => [
      {
        tensor: 'weight',
        factors: [
          [a.groups === 1 ? 'in_channels' : 'in_channels / groups', a.in_channels / a.groups],
          ['out_channels', a.out_channels],
          ...a.kernel_size.map((k) => ['kernel_size', k] as const),
        ],
      },
      ...(a.bias ? [{ tensor: 'bias', factors: [['out_channels', a.out_channels]] as const }] : []),
    ],
    forward(self, inputs, ctx) {
      const x = inputs[0]!
      const a = self.args
      ops.checkConvInput(ctx, x, dims, a.in_channels)
      const options = { stride: a.stride, padding: a.padding, dilation: a.dilation, groups: a.groups }
      const weight = ctx.state(self, 'weight')
      const bias = a.bias ? ctx.state(self, 'bias') : null
      if (a.padding_mode === 'zeros') return ops.conv(ctx, x, weight, bias, options)
      // A `padding_mode` other than 'zeros' runs `F.pad` first (always, even with zero padding) and convolves without padding.
      const padded = ops.pad(ctx, x, paddingPairs(a).reverse().flat(), a.padding_mode)
      return ops.conv(ctx, padded, weight, bias, { ...options, padding: a.kernel_size.map(() => 0) })
    },
  })
}

/**
 * The (left, right) padding of each spatial dimension that `nn.ConvNd` with a `padding_mode` other than
 * `'zeros'` hands to `F.pad` (`_reversed_padding_repeated_twice`, in PyTorch's order from the first dimension):
 * `padding='same'` splits the total `dilation·(kernel − 1)` with the larger half on the right.
 */
function paddingPairs(a: ConvArgs): Array<[number, number]> {
  if (a.padding === 'valid') return a.kernel_size.map(() => [0, 0])
  if (a.padding === 'same') {
    return a.kernel_size.map((k, i) => {
      const total = a.dilation[i]! * (k - 1)
      return [Math.floor(total / 2), total - Math.floor(total / 2)]
    })
  }
  return a.padding.map((p) => [p, p])
}

/**
 * The output padding that makes a transposed convolution's output `outputSize` (`forward(input, output_size=…)`), as
 * `_ConvTransposeNd._output_padding` computes it: `output_size` may include the batch and channel sizes; each spatial
 * size must lie between the size without output padding and that plus `stride − 1`.
 */
function outputPaddingFor(ctx: ForwardContext, x: Tensor, outputSize: readonly number[], dims: number, kernel: readonly number[], stride: readonly number[], padding: readonly number[], dilation: readonly number[]): number[] {
  const nonSpatial = x.shape.length === dims + 2 ? 2 : 1
  const sizes = outputSize.length === nonSpatial + dims ? outputSize.slice(nonSpatial) : outputSize
  if (sizes.length !== dims) {
    throw ctx.error(`ConvTranspose${dims}D: for ${x.shape.length}D input, output_size must have ${dims} or ${nonSpatial + dims} elements (got ${sizes.length})`)
  }
  const spatial = x.shape.slice(nonSpatial)
  const minSizes = spatial.map((size, d) => (size - 1) * stride[d]! - 2 * padding[d]! + dilation[d]! * (kernel[d]! - 1) + 1)
  const maxSizes = minSizes.map((size, d) => size + stride[d]! - 1)
  if (sizes.some((size, d) => size < minSizes[d]! || size > maxSizes[d]!)) {
    throw ctx.error(`requested an output size of [${sizes.join(', ')}], but valid sizes range from [${minSizes.join(', ')}] to [${maxSizes.join(', ')}] (for an input of ${formatShape(spatial)})`)
  }
  return sizes.map((size, d) => size - minSizes[d]!)
}

function makeConvTranspose(dims: 1 | 2 | 3) {
  return defineLayer({
    name: `ConvTranspose${dims}d`,
    signature: convTransposeSignature(dims),
    validate: validate(dims, true),
    build(a, m) {
      m.param('weight', [a.in_channels, a.out_channels / a.groups, ...a.kernel_size])
      if (a.bias) m.param('bias', [a.out_channels])
      else m.none('bias')
    },
    explain: (a) => [
      {
        tensor: 'weight',
        factors: [
          ['in_channels', a.in_channels],
          [a.groups === 1 ? 'out_channels' : 'out_channels / groups', a.out_channels / a.groups],
          ...a.kernel_size.map((k) => ['kernel_size', k] as const),
        ],
      },
      ...(a.bias ? [{ tensor: 'bias', factors: [['out_channels', a.out_channels]] as const }] : []),
    ],
    forwardOptions: ['output_size'],
    forward(self, inputs, ctx, options) {
      const a = self.args
      const x = inputs[0]!
      const padding = a.padding as number[]
      const outputSize = intsOption(ctx, options, 'output_size')
      return ops.convTranspose(ctx, x, ctx.state(self, 'weight'), a.bias ? ctx.state(self, 'bias') : null, {
        stride: a.stride,
        padding,
        outputPadding: outputSize === undefined ? a.output_padding : outputPaddingFor(ctx, x, outputSize, dims, a.kernel_size, a.stride, padding, a.dilation),
        groups: a.groups,
        dilation: a.dilation,
      })
    },
  })
}

/** `nn.Conv1d`, `nn.Conv2d`, `nn.Conv3d`: weight `(out, in/groups, *kernel)`, bias `(out)`. */
export const conv1d = makeConv(1)
export const conv2d = makeConv(2)
export const conv3d = makeConv(3)
/** `nn.ConvTranspose1d/2d/3d`: weight `(in, out/groups, *kernel)`, bias `(out)`. */
export const convTranspose1d = makeConvTranspose(1)
export const convTranspose2d = makeConvTranspose(2)
export const convTranspose3d = makeConvTranspose(3)
