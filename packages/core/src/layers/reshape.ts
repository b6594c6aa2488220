import { NnsizeError } from '../errors.js'
import { coerceInt, int, ints } from '../bind/args.js'
import type { ArgSpec } from '../bind/args.js'
import { showValue, typeName } from '../contract/values.js'
import * as ops from '../forward/ops/index.js'
import type { ForwardContext, Tensor } from '../forward/trace.js'
import { formatShape } from '../tensor/shape.js'
import { defineLayer } from './define-layer.js'

/** `nn.Flatten(start_dim=1, end_dim=-1)`: merges dimensions `start_dim`…`end_dim`; a view of its input, saves nothing. */
export const flatten = defineLayer({
  name: 'Flatten',
  signature: [int('start_dim', { default: 1, min: -Number.MAX_SAFE_INTEGER }), int('end_dim', { default: -1, min: -Number.MAX_SAFE_INTEGER })],
  build() {},
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const start = ops.wrapDim(ctx, self.args.start_dim, x.shape.length)
    const end = ops.wrapDim(ctx, self.args.end_dim, x.shape.length)
    if (start > end) {
      throw ctx.error(`has invalid arguments for an input of shape ${formatShape(x.shape)}: \`start_dim\` (${self.args.start_dim}) cannot come after \`end_dim\` (${self.args.end_dim}).`)
    }
    return ops.flatten(ctx, x, start, end)
  },
})

/** `unflattened_size`: a tuple or list of ints (one of them may be `-1`), or a `torch.Size`. */
const unflattenedSize: ArgSpec<number[], 'unflattened_size', true> = {
  name: 'unflattened_size',
  required: true,
  coerce(v, span, name) {
    if (v.kind !== 'tuple' && v.kind !== 'list') {
      throw new NnsizeError('argument-type', `\`${name}\` must be a tuple of ints, but found ${typeName(v)} \`${showValue(v)}\`.`, { span })
    }
    return v.items.map((item, i) => {
      if (item.kind !== 'int') throw new NnsizeError('argument-type', `\`${name}\` must be a tuple of ints, but found element of type ${typeName(item)} at position ${i} (\`${showValue(item)}\`).`, { span })
      return coerceInt(item, span, name, -1)
    })
  },
}

/** `nn.Unflatten(dim, unflattened_size)`: splits dimension `dim` into `unflattened_size` (one `-1` is inferred); a view. */
export const unflatten = defineLayer({
  name: 'Unflatten',
  signature: [int('dim', { min: -Number.MAX_SAFE_INTEGER }), unflattenedSize],
  build() {},
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    return ops.unflatten(ctx, x, ops.wrapDim(ctx, self.args.dim, x.shape.length), self.args.unflattened_size)
  },
})

function atLeast3D(x: Tensor, what: string, ctx: ForwardContext): void {
  if (x.shape.length < 3) throw ctx.error(`expects an input with at least 3 dimensions (${what}), got ${x.shape.length}-D input of shape ${formatShape(x.shape)}.`)
}

/** `nn.PixelShuffle(upscale_factor)`: `(*, C·r², H, W)` → `(*, C, H·r, W·r)`; a new tensor, saves nothing. */
export const pixelShuffle = defineLayer({
  name: 'PixelShuffle',
  signature: [int('upscale_factor', { min: -Number.MAX_SAFE_INTEGER })],
  build() {},
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const r = self.args.upscale_factor
    atLeast3D(x, '*, C, H, W', ctx)
    if (r <= 0) throw ctx.error(`expects a positive \`upscale_factor\`, got ${r}.`)
    const c = x.shape.at(-3)!
    const square = BigInt(r) * BigInt(r)
    if (BigInt(c) % square !== 0n) {
      throw ctx.error(`expects its input's channel dimension to be divisible by the square of \`upscale_factor\`, but input.size(-3)=${c} is not divisible by ${square} (input of shape ${formatShape(x.shape)}).`)
    }
    return ops.pixelShuffle(ctx, x, r)
  },
})

/** `nn.PixelUnshuffle(downscale_factor)`: `(*, C, H·r, W·r)` → `(*, C·r², H, W)`; a new tensor, saves nothing. */
export const pixelUnshuffle = defineLayer({
  name: 'PixelUnshuffle',
  signature: [int('downscale_factor', { min: -Number.MAX_SAFE_INTEGER })],
  build() {},
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const r = self.args.downscale_factor
    atLeast3D(x, '*, C, H, W', ctx)
    if (r <= 0) throw ctx.error(`expects a positive \`downscale_factor\`, got ${r}.`)
    const [h, w] = x.shape.slice(-2) as [number, number]
    for (const [name, size, index] of [['height', h, -2], ['width', w, -1]] as const) {
      if (size % r !== 0) throw ctx.error(`expects ${name} to be divisible by \`downscale_factor\`, but input.size(${index})=${size} is not divisible by ${r} (input of shape ${formatShape(x.shape)}).`)
    }
    return ops.pixelUnshuffle(ctx, x, r)
  },
})

/** `nn.ChannelShuffle(groups)`: permutes the channels of `(N, C, *)` in `groups`; a new tensor, saves nothing. */
export const channelShuffle = defineLayer({
  name: 'ChannelShuffle',
  signature: [int('groups', { min: -Number.MAX_SAFE_INTEGER })],
  build() {},
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const groups = self.args.groups
    atLeast3D(x, 'N, C, *', ctx)
    if (groups <= 0) throw ctx.error(`needs a positive number of groups to divide channels in, got ${groups}.`)
    const channels = x.shape[1]!
    if (channels % groups !== 0) throw ctx.error(`needs the number of channels to be divisible by groups: got ${channels} channels and ${groups} groups (input of shape ${formatShape(x.shape)}).`)
    return ops.copy(ctx, x)
  },
})

/** What Fold and Unfold share: the sliding blocks' `kernel_size`, `dilation`, `padding` and `stride`. */
interface BlockArgs {
  kernel_size: readonly number[]
  dilation: readonly number[]
  padding: readonly number[]
  stride: readonly number[]
}

/** Number of sliding blocks along each dimension, with PyTorch's checks ({@link ops.slidingBlocks}). */
function slidingBlocks(spatial: readonly number[], a: BlockArgs, ctx: ForwardContext): bigint[] {
  return ops.slidingBlocks(ctx, spatial, { kernel: a.kernel_size, dilation: a.dilation, padding: a.padding, stride: a.stride })
}

const describeFold = (a: BlockArgs): string =>
  `kernel_size=${formatShape(a.kernel_size)}, dilation=${formatShape(a.dilation)}, padding=${formatShape(a.padding)}, stride=${formatShape(a.stride)}`

/** `nn.Fold(output_size, kernel_size, dilation=1, padding=0, stride=1)`: sums sliding blocks `(N, C·∏k, L)` into `(N, C, *output_size)`. */
export const fold = defineLayer({
  name: 'Fold',
  signature: [ints('output_size', 2), ints('kernel_size', 2), ints('dilation', 2, { default: [1, 1] }), ints('padding', 2, { default: [0, 0] }), ints('stride', 2, { default: [1, 1] })],
  build() {},
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const a = self.args
    const output = a.output_size
    if (x.shape.length !== 2 && x.shape.length !== 3) {
      throw ctx.error(`expects a 2-D (unbatched) or 3-D (batched) input (C·∏kernel_size, L), got ${x.shape.length}-D input of shape ${formatShape(x.shape)}.`)
    }
    if (output.some((o) => o <= 0)) throw ctx.error(`needs \`output_size\` greater than zero, got ${formatShape(output)}.`)
    const blocks = slidingBlocks(output, a, ctx)
    const [rowsOut, colsOut] = blocks as [bigint, bigint]
    const window = BigInt(a.kernel_size[0]!) * BigInt(a.kernel_size[1]!)
    const [planes, length] = x.shape.slice(-2) as [number, number]
    if (BigInt(planes) % window !== 0n) {
      throw ctx.error(`expects the size of input dimension ${x.shape.length - 2} to be divisible by the product of \`kernel_size\`, but got input.size(${x.shape.length - 2})=${planes} and kernel_size=${formatShape(a.kernel_size)}.`)
    }
    if (blocks.some((b) => b < 1n)) {
      throw ctx.error(`given output_size=${formatShape(output)}, ${describeFold(a)}: calculated shape of the array of sliding blocks as (${blocks.join(', ')}), which is too small (non-positive).`)
    }
    if (rowsOut * colsOut !== BigInt(length)) {
      throw ctx.error(`given output_size=${formatShape(output)}, ${describeFold(a)}: expected size of input dimension ${x.shape.length - 1} to match the calculated number of sliding blocks ${rowsOut} * ${colsOut} = ${rowsOut * colsOut}, but got input.size(${x.shape.length - 1})=${length}.`)
    }
    return ops.copy(ctx, x, [...x.shape.slice(0, -2), Number(BigInt(planes) / window), ...output])
  },
})

/**
 * `nn.Unfold(kernel_size, dilation=1, padding=0, stride=1)`: extracts sliding blocks, `(N, C, H, W)` → `(N, C·∏k, L)`.
 * PyTorch 1.13's `im2col` keeps its input for backward, 2.x only its sizes ({@link ops.unfold}).
 */
export const unfold = defineLayer({
  name: 'Unfold',
  signature: [ints('kernel_size', 2), ints('dilation', 2, { default: [1, 1] }), ints('padding', 2, { default: [0, 0] }), ints('stride', 2, { default: [1, 1] })],
  build() {},
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const a = self.args
    if (x.shape.length !== 3 && x.shape.length !== 4) {
      throw ctx.error(`expects a 3-D (unbatched) or 4-D (batched) input, got ${x.shape.length}-D input of shape ${formatShape(x.shape)}.`)
    }
    const spatial = x.shape.slice(-2)
    const blocks = slidingBlocks(spatial, a, ctx)
    if (blocks.some((b) => b < 1n)) {
      throw ctx.error(`given input with spatial size ${formatShape(spatial)}, ${describeFold(a)}: calculated shape of the array of sliding blocks as (${blocks.join(', ')}), but its components must be at least one.`)
    }
    return ops.unfold(ctx, x, a.kernel_size, blocks)
  },
})
