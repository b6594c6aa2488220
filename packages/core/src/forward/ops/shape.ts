import { formatShape } from '../../tensor/shape.js'
import type { ForwardContext, Tensor } from '../trace.js'
import { isContiguous, setStrides, stridesOf, viewStrides } from '../layout.js'
import { exactSize, floorDiv, product, result, saveIf, wrapDim } from './common.js'

// Ops that move or rearrange data: views share their input's storage; copies allocate; none of them is
// counted as compute. Sizes are computed exactly (bigint) and a size beyond 2^53 − 1 is a `limit` error.

/** `x.view(shape)` / `x.reshape(shape)` of contiguous data: the same storage under another shape. */
export function view(ctx: ForwardContext, x: Tensor, shape: readonly number[]): Tensor {
  return ctx.view(x, shape)
}

/** A copy with its own storage (`.contiguous()` of a permuted view, a `reshape` that cannot view); saves nothing. */
export function copy(ctx: ForwardContext, x: Tensor, shape: readonly number[] = x.shape): Tensor {
  return result(ctx, shape, x.dtype, [x])
}

/**
 * `torch.flatten(x, start_dim, end_dim)` (dimensions already wrapped, `start ≤ end`): `reshape`, a view where the
 * strides allow one, else a contiguous copy (a channels-last activation flattened for a linear layer).
 */
export function flatten(ctx: ForwardContext, x: Tensor, start: number, end: number): Tensor {
  const merged = exactSize(ctx, product(x.shape.slice(start, end + 1)), `a flattened dimension (${x.shape.slice(start, end + 1).join(' × ')})`)
  const shape = [...x.shape.slice(0, start), merged, ...x.shape.slice(end + 1)]
  if (isContiguous(x)) return ctx.view(x, shape)
  const strides = viewStrides(x.shape, stridesOf(x), shape)
  return strides === undefined ? result(ctx, shape, x.dtype, [x]) : setStrides(ctx.view(x, shape), strides)
}

/**
 * `x.unflatten(dim, sizes)` (dimension wrapped): splits dimension `dim` into `sizes`, one of which may be
 * `-1` (inferred); a view. Throws PyTorch's message when the sizes do not multiply up to the dimension.
 */
export function unflatten(ctx: ForwardContext, x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  if (sizes.length === 0) throw ctx.error('needs a non-empty `unflattened_size`.')
  const inferred = sizes.flatMap((s, i) => (s === -1 ? [i] : []))
  if (inferred.length > 1) throw ctx.error(`got \`unflattened_size\` ${formatShape(sizes)}: only one dimension can be inferred.`)
  const size = BigInt(x.shape[dim]!)
  const known = product(sizes.filter((s) => s !== -1))
  const resolved = [...sizes]
  if (inferred.length === 1 && known > 0n && size % known === 0n) resolved[inferred[0]!] = Number(size / known)
  if (product(resolved) !== size || resolved.some((s) => s < 0)) {
    throw ctx.error(`got an input of shape ${formatShape(x.shape)}: provided sizes ${formatShape(sizes)} don't multiply up to the size of dim ${dim} (${size}).`)
  }
  return ctx.view(x, [...x.shape.slice(0, dim), ...resolved, ...x.shape.slice(dim + 1)])
}

/** `torch.cat(tensors, dim)`: a new tensor; saves nothing. */
export function cat(ctx: ForwardContext, tensors: readonly Tensor[], dim: number): Tensor {
  const first = tensors[0]!
  const d = wrapDim(ctx, dim, first.shape.length)
  let size = 0n
  for (const t of tensors) {
    if (t.shape.length !== first.shape.length || t.shape.some((s, i) => i !== d && s !== first.shape[i])) {
      throw ctx.error(`cannot concatenate tensors of shapes ${tensors.map((x) => formatShape(x.shape)).join(', ')} along dimension ${d}.`)
    }
    size += BigInt(t.shape[d]!)
  }
  const total = exactSize(ctx, size, 'a concatenated dimension')
  return result(
    ctx,
    first.shape.map((s, i) => (i === d ? total : s)),
    first.dtype,
    tensors,
  )
}

/** `torch.stack(tensors, dim)` of tensors of one shape: a new tensor; saves nothing. */
export function stack(ctx: ForwardContext, tensors: readonly Tensor[], dim: number): Tensor {
  const first = tensors[0]!
  const d = wrapDim(ctx, dim, first.shape.length + 1)
  return result(ctx, [...first.shape.slice(0, d), tensors.length, ...first.shape.slice(d)], first.dtype, tensors)
}

/** The modes of `F.pad`. */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular'

const padModes: readonly string[] = ['constant', 'reflect', 'replicate', 'circular'] satisfies PadMode[]

const sizeLetters = ['W', 'H', 'D'] as const

/**
 * Why PyTorch refuses an `F.pad`: a clause that follows what was padded (`` `F.pad` ``, a layer's name), and the Python
 * exception PyTorch raises.
 */
export interface PadRefusal {
  refusal: string
  exception: 'RuntimeError' | 'NotImplementedError'
}

/**
 * The shape `F.pad(x, padding, mode)` gives an input of `shape`, or the reason PyTorch refuses it: one rule for the
 * forward pass and for a tensor made while the model is built. `padding` lists (left, right) pairs starting from the
 * last dimension, as PyTorch takes them; negative values crop.
 */
export function paddedShape(shape: readonly number[], padding: readonly number[], mode: string): { shape: bigint[] } | PadRefusal {
  const refuse = (refusal: string): PadRefusal => ({ refusal, exception: 'RuntimeError' })
  if (!padModes.includes(mode)) return { refusal: `got padding mode \`${mode}\`, which is not one of ${padModes.map((m) => `\`${m}\``).join(', ')}.`, exception: 'NotImplementedError' }
  const rank = shape.length
  if (padding.length % 2 !== 0) return refuse(`got padding of length ${padding.length}: its length must be divisible by 2.`)
  const padded = padding.length / 2
  if (padded > rank) {
    return refuse(`got padding of length ${padding.length} for an input of ${rank} dimension${rank === 1 ? '' : 's'} ${formatShape(shape)}: the padding can be at most twice as long as the number of dimensions.`)
  }
  if (mode !== 'constant' && rank !== padded + 1 && rank !== padded + 2) {
    return refuse(`cannot apply ${mode} padding of length ${padding.length} to a ${rank}-D input ${formatShape(shape)}: it pads ${padded}-D data and needs a ${padded + 1}-D (unbatched) or ${padded + 2}-D (batched) input.`)
  }
  const out = shape.map(BigInt)
  const sizes: Array<{ size: number; out: bigint }> = []
  for (let i = 0; i < padded; i++) {
    const dim = rank - 1 - i
    const [left, right] = [padding[2 * i]!, padding[2 * i + 1]!]
    const size = shape[dim]!
    const where = `(${left}, ${right}) for dimension ${dim} of size ${size} (input ${formatShape(shape)})`
    out[dim] = BigInt(size) + BigInt(left) + BigInt(right)
    if (mode === 'reflect' && (left >= size || right >= size)) return refuse(`got reflection padding ${where}: padding size should be less than the corresponding input dimension.`)
    if (mode === 'circular') {
      if (left > size || right > size) return refuse(`got circular padding ${where}: padding value causes wrapping around more than once.`)
      if (out[dim]! < 0n) return refuse(`got circular padding ${where}: negative padding value is resulting in an empty dimension.`)
    }
    if (mode === 'constant' && out[dim]! < 0n) return refuse(`got padding ${where}: the padded size would be negative (narrow(): length must be non-negative).`)
    sizes.push({ size, out: out[dim]! })
  }
  if (mode === 'reflect' || mode === 'replicate') {
    // PyTorch's 1-D kernels need W ≥ 1; its 2-D and 3-D kernels check that some output size is at least 1.
    const tooSmall = sizes.some((s) => s.out < 0n) || (padded === 1 ? sizes[0]!.out < 1n : sizes.every((s) => s.out < 1n))
    if (tooSmall) {
      const inputs = sizes.map((s, i) => `${sizeLetters[i]}: ${s.size}`).reverse().join(', ')
      const outputs = sizes.map((s, i) => `${sizeLetters[i]}: ${s.out}`).reverse().join(', ')
      return refuse(`input (${inputs}) is too small for ${mode} padding ${formatShape(padding)}. Calculated output ${outputs}.`)
    }
  }
  return { shape: out }
}

/**
 * `F.pad(x, pad, mode)` ({@link paddedShape}): checks what PyTorch checks and allocates the padded tensor, of the
 * shape `padded` when the caller has already checked it. Reflection and replication padding keep their input for
 * backward; constant and circular padding keep nothing (CPU and CUDA alike).
 */
export function pad(ctx: ForwardContext, x: Tensor, padding: readonly number[], mode: string, padded?: readonly bigint[]): Tensor {
  let sizes = padded
  if (sizes === undefined) {
    const checked = paddedShape(x.shape, padding, mode)
    if ('refusal' in checked) throw ctx.error(checked.refusal)
    sizes = checked.shape
  }
  const shape = sizes.map((size, dim) => (size === BigInt(x.shape[dim]!) ? x.shape[dim]! : exactSize(ctx, size, 'a padded size')))
  const y = result(ctx, shape, x.dtype, [x])
  saveIf(ctx, (mode === 'reflect' || mode === 'replicate') && x.requiresGrad, x)
  return y
}

/** `F.pixel_shuffle(x, r)`: `(*, C·r², H, W)` → `(*, C, H·r, W·r)` (checked by the caller); a new tensor, saves nothing. */
export function pixelShuffle(ctx: ForwardContext, x: Tensor, r: number): Tensor {
  const [c, h, w] = x.shape.slice(-3) as [number, number, number]
  const grow = (size: number): number => exactSize(ctx, BigInt(size) * BigInt(r), 'an upscaled size')
  return result(ctx, [...x.shape.slice(0, -3), Number(BigInt(c) / (BigInt(r) * BigInt(r))), grow(h), grow(w)], x.dtype, [x])
}

/** `F.pixel_unshuffle(x, r)`: `(*, C, H·r, W·r)` → `(*, C·r², H, W)` (checked by the caller); a new tensor, saves nothing. */
export function pixelUnshuffle(ctx: ForwardContext, x: Tensor, r: number): Tensor {
  const [c, h, w] = x.shape.slice(-3) as [number, number, number]
  const channels = exactSize(ctx, BigInt(c) * BigInt(r) * BigInt(r), 'a channel count')
  return result(ctx, [...x.shape.slice(0, -3), channels, h / r, w / r], x.dtype, [x])
}

/** Options of `F.fold` / `F.unfold`. */
export interface SlidingBlockOptions {
  kernel: readonly number[]
  dilation: readonly number[]
  padding: readonly number[]
  stride: readonly number[]
}

/** Number of sliding blocks along each dimension (PyTorch's im2col/col2im arithmetic, exact), with its checks. */
export function slidingBlocks(ctx: ForwardContext, spatial: readonly number[], o: SlidingBlockOptions): bigint[] {
  for (const [name, values, min] of [['kernel_size', o.kernel, 1], ['dilation', o.dilation, 1], ['stride', o.stride, 1], ['padding', o.padding, 0]] as const) {
    if (values.some((v) => v < min)) throw ctx.error(`needs \`${name}\` ${min === 1 ? 'greater than zero' : 'non-negative'}, got ${formatShape(values)}.`)
  }
  return spatial.map((size, i) => floorDiv(BigInt(size) + 2n * BigInt(o.padding[i]!) - (BigInt(o.dilation[i]!) * BigInt(o.kernel[i]! - 1) + 1n), BigInt(o.stride[i]!)) + 1n)
}

/**
 * `F.unfold(x, kernel_size, dilation, padding, stride)` (`im2col`) on a checked input, given its block counts:
 * `(N, C, H, W)` → `(N, C·∏k, L)`. PyTorch 1.13 keeps the input for backward; 2.x keeps only its sizes.
 */
export function unfold(ctx: ForwardContext, x: Tensor, kernel: readonly number[], blocks: readonly bigint[]): Tensor {
  const channels = x.shape[x.shape.length - 3]!
  const planes = exactSize(ctx, BigInt(channels) * product(kernel), 'a block dimension')
  const length = exactSize(ctx, blocks.reduce((a, b) => a * b, 1n), 'a block count')
  const y = result(ctx, [...x.shape.slice(0, -3), planes, length], x.dtype, [x])
  saveIf(ctx, ctx.torch === '1.13' && x.requiresGrad, x)
  return y
}
