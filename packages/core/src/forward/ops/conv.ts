import { formatShape } from '../../tensor/shape.js'
import type { ForwardContext, Tensor } from '../trace.js'
import { anyRequiresGrad, checkSameDType, exactSize, floorDiv, product, result, saveIf } from './common.js'
import { channelsLastStrides, isLaidOutChannelsLast, setStrides } from '../layout.js'

/** Options of {@link conv}: PyTorch's `F.conv{1,2,3}d` arguments after `_single`/`_pair`/`_triple`. */
export interface ConvOptions {
  stride: readonly number[]
  /** Symmetric padding per spatial dimension, or `'same'` / `'valid'`. */
  padding: readonly number[] | 'same' | 'valid'
  dilation: readonly number[]
  groups: number
}

/**
 * Checks a convolution input against its channel count: `(C, *spatial)` or `(N, C, *spatial)` with `dims`
 * spatial dimensions. Returns whether it is batched.
 */
export function checkConvInput(ctx: ForwardContext, x: Tensor, dims: number, inChannels: number): boolean {
  const rank = x.shape.length
  if (rank !== dims + 1 && rank !== dims + 2) {
    throw ctx.error(`expects a ${dims + 1}-D (unbatched) or ${dims + 2}-D (batched) input, got ${rank}-D input of shape ${formatShape(x.shape)}.`)
  }
  const batched = rank === dims + 2
  const channels = x.shape[batched ? 1 : 0]!
  if (channels !== inChannels) throw ctx.error(`expects ${inChannels} input channels, got ${channels} (input of shape ${formatShape(x.shape)}).`)
  return batched
}

/**
 * `F.conv{1,2,3}d(x, weight, bias, stride, padding, dilation, groups)` with a `(out, in / groups, *kernel)`
 * weight. Output size per dimension: `⌊(size + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1`, exact at
 * any size. `padding='same'` whose total is odd pads a copy by the extra element first (PyTorch's
 * `_convolution_mode`). MACs: `output elements × in / groups × prod(kernel)`. CPU and CUDA kernels keep the
 * tensor they read and the weight whenever a gradient is needed (one backward formula serves all).
 */
export function conv(ctx: ForwardContext, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, options: ConvOptions): Tensor {
  const dims = weight.shape.length - 2
  const kernel = weight.shape.slice(2)
  const inChannels = weight.shape[1]! * options.groups
  // a layer of no output channels builds, but its forward is refused (vit-pytorch's crossformer with 0 heads)
  if (weight.shape[0] === 0) throw ctx.error(`Given groups=${options.groups}, expected weight to be at least 1 at dimension 0, but got weight of size [${weight.shape.join(', ')}] instead`)
  checkConvInput(ctx, x, dims, inChannels)
  checkSameDType(ctx, x, weight, bias, 'conv')
  let input = x
  let padding: number[]
  if (options.padding === 'valid') padding = kernel.map(() => 0)
  else if (options.padding === 'same') {
    const totals = kernel.map((k, i) => options.dilation[i]! * (k - 1))
    padding = totals.map((t) => Math.floor(t / 2))
    if (totals.some((t) => t % 2 !== 0)) {
      const shape = [...x.shape]
      totals.forEach((t, i) => (shape[shape.length - dims + i]! += t % 2))
      input = ctx.tensor(shape, x.dtype, x.requiresGrad)
      ctx.use(x)
    }
  } else padding = [...options.padding]
  const spatial = input.shape.slice(-dims)
  const extent = kernel.map((k, i) => BigInt(options.dilation[i]!) * BigInt(k - 1) + 1n)
  const inner = spatial.map((size, i) => BigInt(size) + 2n * BigInt(padding[i]!))
  if (inner.some((size, i) => size < extent[i]!)) {
    throw ctx.error(`got an input of shape ${formatShape(x.shape)}: calculated padded input size per channel: (${inner.join(' x ')}). Kernel size: (${extent.join(' x ')}). Kernel size can't be greater than actual input size.`)
  }
  const out = inner.map((size, i) => exactSize(ctx, floorDiv(size - extent[i]!, BigInt(options.stride[i]!)) + 1n, 'an output size'))
  let y = result(ctx, [...x.shape.slice(0, -dims - 1), weight.shape[0]!, ...out], x.dtype, [input, weight, bias ?? undefined])
  // A batched 2-D input laid out channels-last (`x.permute(0, 3, 1, 2)`, a transposed view reshaped), or a
  // channels-last weight (`model.to(memory_format=torch.channels_last)`), gives a channels-last output, as the
  // kernels allocate it in the memory format the input or the weight suggests.
  if (dims === 2 && input.shape.length === 4 && (isLaidOutChannelsLast(input) || isLaidOutChannelsLast(weight))) y = setStrides(y, channelsLastStrides(y.shape))
  ctx.macs(product(y.shape) * BigInt(weight.shape[1]!) * product(kernel))
  ctx.flops('aten.convolution', 2n * product(y.shape) * BigInt(weight.shape[1]!) * product(kernel))
  // `convolution_backward` is one formula for every gradient: the node keeps both whenever it exists.
  saveIf(ctx, anyRequiresGrad(input, weight, bias), input, weight)
  return y
}

/** Options of {@link convTranspose}: PyTorch's `F.conv_transpose{1,2,3}d` arguments. */
export interface ConvTransposeOptions {
  stride: readonly number[]
  padding: readonly number[]
  outputPadding: readonly number[]
  groups: number
  dilation: readonly number[]
}

/**
 * `F.conv_transpose{1,2,3}d` with an `(in, out / groups, *kernel)` weight. Output size per dimension:
 * `(size − 1)·stride − 2·padding + dilation·(kernel − 1) + output_padding + 1`, exact at any size. MACs:
 * `input elements × out / groups × prod(kernel)`. Keeps its input and the weight.
 */
export function convTranspose(ctx: ForwardContext, x: Tensor, weight: Tensor, bias: Tensor | null | undefined, options: ConvTransposeOptions): Tensor {
  const dims = weight.shape.length - 2
  const kernel = weight.shape.slice(2)
  const outChannels = weight.shape[1]! * options.groups
  const batched = checkConvInput(ctx, x, dims, weight.shape[0]!)
  checkSameDType(ctx, x, weight, bias, 'conv')
  options.outputPadding.forEach((op, i) => {
    if (op >= options.stride[i]! && op >= options.dilation[i]!) {
      throw ctx.error(`needs \`output_padding\` smaller than either \`stride\` or \`dilation\`, got output_padding=${formatShape(options.outputPadding)}, stride=${formatShape(options.stride)} and dilation=${formatShape(options.dilation)}.`)
    }
  })
  const spatial = x.shape.slice(-dims)
  const sizes = spatial.map(
    (size, i) =>
      (BigInt(size) - 1n) * BigInt(options.stride[i]!) - 2n * BigInt(options.padding[i]!) + BigInt(options.dilation[i]!) * BigInt(kernel[i]! - 1) + BigInt(options.outputPadding[i]!) + 1n,
  )
  if (sizes.some((o) => o <= 0n)) {
    throw ctx.error(`got an input of shape ${formatShape(x.shape)}: given input size per channel: (${spatial.join(' x ')}). Calculated output size per channel: (${sizes.join(' x ')}). Output size is too small.`)
  }
  const out = sizes.map((o) => exactSize(ctx, o, 'an output size'))
  const y = result(ctx, [...x.shape.slice(0, batched ? 1 : 0), outChannels, ...out], x.dtype, [x, weight, bias ?? undefined])
  ctx.macs(product(x.shape) * BigInt(weight.shape[1]!) * product(kernel))
  ctx.flops('aten.convolution', 2n * product(x.shape) * BigInt(weight.shape[1]!) * product(kernel))
  saveIf(ctx, anyRequiresGrad(x, weight, bias), x, weight)
  return y
}
