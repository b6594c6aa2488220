import { formatShape } from '../../tensor/shape.js'
import type { ForwardContext, Tensor } from '../trace.js'
import { adaptiveAvgPool } from './pool.js'
import { result } from './common.js'

/** The interpolation modes of `F.interpolate`. */
export const interpolateModes = ['nearest', 'linear', 'bilinear', 'bicubic', 'trilinear', 'area', 'nearest-exact'] as const

/** One of {@link interpolateModes}. */
export type InterpolateMode = (typeof interpolateModes)[number]

/** Options of {@link interpolate}: a scalar `size`/`scaleFactor` applies to every spatial dimension. */
export interface InterpolateOptions {
  size: number | readonly number[] | null
  scaleFactor: number | readonly number[] | null
  mode: InterpolateMode
  alignCorners: boolean | null
  recomputeScaleFactor: boolean | null
}

const ranks: Partial<Record<InterpolateMode, number>> = { linear: 3, bilinear: 4, bicubic: 4, trilinear: 5 }
const letters = ['D', 'H', 'W']

/**
 * `F.interpolate(x, size, scale_factor, mode, align_corners, recompute_scale_factor)`: PyTorch's checks and output
 * size (`size`, or `⌊input size × scale_factor⌋` in double precision, as PyTorch computes it). Area mode is
 * adaptive average pooling and keeps its input; the other modes keep nothing and count no MACs.
 */
export function interpolate(ctx: ForwardContext, x: Tensor, o: InterpolateOptions): Tensor {
  const rank = x.shape.length
  const dims = rank - 2
  if (o.alignCorners !== null && (o.mode === 'nearest' || o.mode === 'area' || o.mode === 'nearest-exact')) {
    throw ctx.error(`has \`align_corners\` set with mode '${o.mode}': align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear.`)
  }
  if (rank < 3 || rank > 5) throw ctx.error(`supports only 3-D, 4-D and 5-D inputs (N, C, *spatial), got ${rank}-D input of shape ${formatShape(x.shape)}.`)
  const needed = ranks[o.mode]
  if (needed !== undefined && needed !== rank) throw ctx.error(`got ${rank}D input of shape ${formatShape(x.shape)}, but ${o.mode} mode needs ${needed}D input.`)
  const spatial = x.shape.slice(2)
  if (o.size !== null && o.scaleFactor !== null) throw ctx.error('has both `size` and `scale_factor`: only one of them should be defined.')
  let out: number[]
  if (o.size !== null) {
    if (o.recomputeScaleFactor === true) throw ctx.error('has `recompute_scale_factor=True`, which is not meaningful with an explicit `size`.')
    if (typeof o.size !== 'number' && o.size.length !== dims) {
      throw ctx.error(`got an input with spatial dimensions ${formatShape(spatial)} and output size ${formatShape(o.size)}: input and output must have the same number of spatial dimensions.`)
    }
    out = typeof o.size === 'number' ? new Array<number>(dims).fill(o.size) : [...o.size]
  } else if (o.scaleFactor !== null) {
    if (typeof o.scaleFactor !== 'number' && o.scaleFactor.length !== dims) {
      throw ctx.error(`got an input with spatial dimensions ${formatShape(spatial)} and scale_factor ${formatShape(o.scaleFactor)}: input and scale_factor must have the same number of spatial dimensions.`)
    }
    const scales = typeof o.scaleFactor === 'number' ? new Array<number>(dims).fill(o.scaleFactor) : o.scaleFactor
    out = spatial.map((size, i) => Math.floor(size * scales[i]!))
  } else {
    throw ctx.error('needs either `size` or `scale_factor`.')
  }
  const unsafe = out.find((s) => !Number.isSafeInteger(s))
  if (unsafe !== undefined) {
    throw ctx.error(`would make an output size of ${Number.isFinite(unsafe) ? BigInt(unsafe) : unsafe} (input of shape ${formatShape(x.shape)}), beyond the largest supported size ${Number.MAX_SAFE_INTEGER} (\`limits.maxDimension\`).`, 'limit')
  }
  if (o.mode === 'area') {
    if (out.some((s) => s < 0)) throw ctx.error(`calculated a negative output size ${formatShape(out)} for an input of shape ${formatShape(x.shape)}.`)
    return adaptiveAvgPool(ctx, x, dims, out)
  }
  if (out.some((s) => s <= 0)) {
    const name = letters.slice(3 - dims)
    const show = (sizes: readonly number[]): string => sizes.map((s, i) => `${name[i]}: ${s}`).join(', ')
    throw ctx.error(`needs input and output sizes greater than 0, but got input (${show(spatial)}) and output (${show(out)}).`)
  }
  return result(ctx, [...x.shape.slice(0, 2), ...out], x.dtype, [x])
}
