import { NnsizeError } from '../errors.js'
import { bool, coerceInts, device, dtype, int, ints, str } from '../bind/args.js'
import type { ArgSpec } from '../bind/args.js'
import type { Tensor } from '../forward/trace.js'
import type { ModuleNode } from '../model/module.js'
import { formatShape, numel } from '../tensor/shape.js'
import { defineLayer } from './define-layer.js'
import { applyPad } from './padding.js'
import type { ForwardContext } from '../forward/trace.js'
import type { LayerDefinition } from './define-layer.js'

/** Bound arguments shared by every convolution. */
export interface ConvArgs {
  in_channels: number
  out_channels: number
  kernel_size: number[]
  stride: number[]
  padding: number[] | 'same' | 'valid'
  dilation: number[]
  groups: number
  bias: boolean
  padding_mode: 'zeros' | 'reflect' | 'replicate' | 'circular'
  output_padding: number[]
}

function padding(dims: number, allowStrings: boolean): ArgSpec<number[] | 'same' | 'valid'> {
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
      return coerceInts(value, span, name, dims)
    },
  }
}

function validate(dims: number, transposed: boolean) {
  return (a: ConvArgs, fail: (arg: string, message: string) => never): void => {
    if (a.groups <= 0) fail('groups', '`groups` must be a positive integer.')
    if (a.in_channels % a.groups !== 0) fail('groups', `\`in_channels\` must be divisible by \`groups\` (got ${a.in_channels} and ${a.groups}).`)
    if (a.out_channels % a.groups !== 0) fail('groups', `\`out_channels\` must be divisible by \`groups\` (got ${a.out_channels} and ${a.groups}).`)
    if (a.stride.some((s) => s <= 0)) fail('stride', `\`stride\` must be positive, got ${formatShape(a.stride)}.`)
    if (a.dilation.some((d) => d <= 0)) fail('dilation', `\`dilation\` must be positive, got ${formatShape(a.dilation)}.`)
    if (a.padding === 'same' && a.stride.some((s) => s !== 1)) fail('padding', "`padding='same'` is not supported for strided convolutions.")
    if (transposed && a.padding_mode !== 'zeros') fail('padding_mode', `Only \`'zeros'\` padding mode is supported for ${`ConvTranspose${dims}d`}.`)
  }
}

function checkInput(self: ModuleNode & { args: ConvArgs }, x: Tensor, dims: number, ctx: ForwardContext): boolean {
  const rank = x.shape.length
  if (rank !== dims + 1 && rank !== dims + 2) {
    throw ctx.error(`expects a ${dims + 1}-D (unbatched) or ${dims + 2}-D (batched) input, got ${rank}-D input of shape ${formatShape(x.shape)}.`)
  }
  const batched = rank === dims + 2
  const channels = x.shape[batched ? 1 : 0]!
  if (channels !== self.args.in_channels) {
    throw ctx.error(`expects ${self.args.in_channels} input channels, got ${channels} (input of shape ${formatShape(x.shape)}).`)
  }
  return batched
}

function makeConv(dims: 1 | 2 | 3): LayerDefinition<ConvArgs> {
  return defineLayer<ConvArgs>({
    name: `Conv${dims}d`,
    signature: [
      int('in_channels'),
      int('out_channels'),
      ints('kernel_size', dims, { min: 1 }),
      ints('stride', dims, { default: new Array<number>(dims).fill(1) }),
      padding(dims, true),
      ints('dilation', dims, { default: new Array<number>(dims).fill(1) }),
      int('groups', { default: 1, min: -Infinity }),
      bool('bias', { default: true }),
      str('padding_mode', { default: 'zeros', choices: ['zeros', 'reflect', 'replicate', 'circular'] as const }),
      device(),
      dtype(),
    ],
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
      checkInput(self, x, dims, ctx)
      const { input, padding } = paddedInput(a, x, dims, ctx)
      const spatial = input.shape.slice(-dims)
      const extent = a.kernel_size.map((k, i) => a.dilation[i]! * (k - 1) + 1)
      const inner = spatial.map((size, i) => size + 2 * padding[i]!)
      if (inner.some((size, i) => size < extent[i]!)) {
        throw ctx.error(`got an input of shape ${formatShape(x.shape)}: calculated padded input size per channel: (${inner.join(' x ')}). Kernel size: (${extent.join(' x ')}). Kernel size can't be greater than actual input size.`)
      }
      const out = inner.map((size, i) => Math.floor((size - extent[i]!) / a.stride[i]!) + 1)
      const y = ctx.tensor([...x.shape.slice(0, -dims - 1), a.out_channels, ...out], x.dtype)
      ctx.macs(numel(y.shape) * BigInt(a.in_channels / a.groups) * numel(a.kernel_size))
      ctx.save(input, ctx.state(self, 'weight'))
      ctx.use(input)
      return y
    },
  })
}

/**
 * The tensor the convolution kernel reads and the symmetric padding it applies itself, as `nn.ConvNd` arranges them:
 * a `padding_mode` other than `'zeros'` runs `F.pad` first (always, even with zero padding) and convolves without
 * padding; `padding='same'` whose total padding is odd pads a zero copy by the extra element (PyTorch's
 * `_convolution_mode`) and convolves with the smaller half. CPU and CUDA kernels save the same: the tensor the
 * kernel reads and the weight.
 */
function paddedInput(a: ConvArgs, x: Tensor, dims: number, ctx: ForwardContext): { input: Tensor; padding: number[] } {
  const pairs: Array<readonly [number, number]> =
    a.padding === 'valid'
      ? a.kernel_size.map(() => [0, 0] as const)
      : a.padding === 'same'
        ? a.kernel_size.map((k, i) => {
            const total = a.dilation[i]! * (k - 1)
            return [Math.floor(total / 2), total - Math.floor(total / 2)] as const
          })
        : a.padding.map((p) => [p, p] as const)
  const zeros = new Array<number>(dims).fill(0)
  if (a.padding_mode !== 'zeros') {
    const flat = [...pairs].reverse().flat()
    return { input: applyPad(x, flat, a.padding_mode, ctx), padding: zeros }
  }
  if (pairs.every(([l, r]) => l === r)) return { input: x, padding: pairs.map(([l]) => l) }
  const shape = [...x.shape]
  pairs.forEach(([l, r], i) => (shape[shape.length - dims + i]! += r - l))
  const copy = ctx.tensor(shape, x.dtype)
  ctx.use(x)
  return { input: copy, padding: pairs.map(([l]) => l) }
}

function makeConvTranspose(dims: 1 | 2 | 3): LayerDefinition<ConvArgs> {
  return defineLayer<ConvArgs>({
    name: `ConvTranspose${dims}d`,
    signature: [
      int('in_channels'),
      int('out_channels'),
      ints('kernel_size', dims, { min: 1 }),
      ints('stride', dims, { default: new Array<number>(dims).fill(1) }),
      padding(dims, false),
      ints('output_padding', dims, { default: new Array<number>(dims).fill(0) }),
      int('groups', { default: 1, min: -Infinity }),
      bool('bias', { default: true }),
      ints('dilation', dims, { default: new Array<number>(dims).fill(1) }),
      str('padding_mode', { default: 'zeros', choices: ['zeros', 'reflect', 'replicate', 'circular'] as const }),
      device(),
      dtype(),
    ],
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
    forward(self, inputs, ctx) {
      const x = inputs[0]!
      const a = self.args
      const batched = checkInput(self, x, dims, ctx)
      const lead = x.shape.slice(0, batched ? 1 : 0)
      const spatial = x.shape.slice(-dims)
      const pad = a.padding as number[]
      a.output_padding.forEach((op, i) => {
        if (op >= a.stride[i]! && op >= a.dilation[i]!) {
          throw ctx.error(`needs \`output_padding\` smaller than either \`stride\` or \`dilation\`, got output_padding=${formatShape(a.output_padding)}, stride=${formatShape(a.stride)} and dilation=${formatShape(a.dilation)}.`)
        }
      })
      const out = spatial.map((size, i) => (size - 1) * a.stride[i]! - 2 * pad[i]! + a.dilation[i]! * (a.kernel_size[i]! - 1) + a.output_padding[i]! + 1)
      const outShape = [...lead, a.out_channels, ...out]
      if (out.some((o) => o <= 0)) {
        throw ctx.error(`got an input of shape ${formatShape(x.shape)}: given input size per channel: (${spatial.join(' x ')}). Calculated output size per channel: (${out.join(' x ')}). Output size is too small.`)
      }
      const y = ctx.tensor(outShape, x.dtype)
      ctx.macs(numel(x.shape) * BigInt(a.out_channels / a.groups) * numel(a.kernel_size))
      ctx.save(x, ctx.state(self, 'weight'))
      return y
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
