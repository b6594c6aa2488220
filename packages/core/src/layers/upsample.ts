import { NnsizeError } from '../errors.js'
import { coerceInt, str } from '../bind/args.js'
import type { ArgSpec } from '../bind/args.js'
import { showValue, typeName } from '../interpret/values.js'
import type { Value } from '../interpret/values.js'
import type { ForwardContext, Tensor } from '../forward/trace.js'
import { formatShape } from '../tensor/shape.js'
import { defineLayer } from './define-layer.js'
import { adaptiveAvgPool } from './pool.js'

/** The interpolation modes of `nn.Upsample` / `F.interpolate`. */
export const upsampleModes = ['nearest', 'linear', 'bilinear', 'bicubic', 'trilinear', 'area', 'nearest-exact'] as const

/** One of {@link upsampleModes}. */
export type UpsampleMode = (typeof upsampleModes)[number]

/** Bound arguments of `nn.Upsample`: a scalar `size`/`scale_factor` applies to every spatial dimension. */
export interface UpsampleArgs {
  size: number | number[] | null
  scale_factor: number | number[] | null
  mode: UpsampleMode
  align_corners: boolean | null
  recompute_scale_factor: boolean | null
}

const sizeArg: ArgSpec<number | number[] | null> = {
  name: 'size',
  required: false,
  default: null,
  coerce(v, span, name) {
    if (v.kind === 'none') return null
    if (v.kind === 'int') return coerceInt(v, span, name)
    if (v.kind === 'tuple' || v.kind === 'list') return v.items.map((item) => coerceInt(item, span, name))
    throw new NnsizeError('argument-type', `\`${name}\` must be an int, a tuple of ints or \`None\`, got ${typeName(v)} \`${showValue(v)}\`.`, { span })
  },
}

/** `scale_factor`: stored as `float(scale_factor) if scale_factor else None`, so `0` means "not given", as in PyTorch. */
const scaleArg: ArgSpec<number | number[] | null> = {
  name: 'scale_factor',
  required: false,
  default: null,
  coerce(v, span, name) {
    const toFloat = (item: Value): number => {
      if (item.kind === 'float') return item.value
      if (item.kind === 'int') return Number(item.value)
      throw new NnsizeError('argument-type', `\`${name}\` must be a float, a tuple of floats or \`None\`, got ${typeName(v)} \`${showValue(v)}\`.`, { span })
    }
    if (v.kind === 'none') return null
    if (v.kind === 'tuple' || v.kind === 'list') return v.items.map(toFloat)
    const value = toFloat(v)
    return value === 0 ? null : value
  },
}

function optionalBool(name: string): ArgSpec<boolean | null> {
  return {
    name,
    required: false,
    default: null,
    coerce(v, span, n) {
      if (v.kind === 'none') return null
      if (v.kind === 'bool') return v.value
      throw new NnsizeError('argument-type', `\`${n}\` must be \`True\`, \`False\` or \`None\`, got ${typeName(v)} \`${showValue(v)}\`.`, { span })
    },
  }
}

const ranks: Partial<Record<UpsampleMode, number>> = { linear: 3, bilinear: 4, bicubic: 4, trilinear: 5 }
const letters = ['D', 'H', 'W']

/** `F.interpolate`'s checks and output size; area mode is adaptive average pooling and saves its input, the others save nothing. */
function interpolate(x: Tensor, a: UpsampleArgs, ctx: ForwardContext): Tensor {
  const rank = x.shape.length
  const dims = rank - 2
  if (a.align_corners !== null && (a.mode === 'nearest' || a.mode === 'area' || a.mode === 'nearest-exact')) {
    throw ctx.error(`has \`align_corners\` set with mode '${a.mode}': align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear.`)
  }
  if (rank < 3 || rank > 5) {
    throw ctx.error(`supports only 3-D, 4-D and 5-D inputs (N, C, *spatial), got ${rank}-D input of shape ${formatShape(x.shape)}.`)
  }
  const needed = ranks[a.mode]
  if (needed !== undefined && needed !== rank) {
    throw ctx.error(`got ${rank}D input of shape ${formatShape(x.shape)}, but ${a.mode} mode needs ${needed}D input.`)
  }
  const spatial = x.shape.slice(2)
  if (a.size !== null && a.scale_factor !== null) throw ctx.error('has both `size` and `scale_factor`: only one of them should be defined.')
  let out: number[]
  if (a.size !== null) {
    if (a.recompute_scale_factor === true) throw ctx.error('has `recompute_scale_factor=True`, which is not meaningful with an explicit `size`.')
    if (Array.isArray(a.size) && a.size.length !== dims) {
      throw ctx.error(`got an input with spatial dimensions ${formatShape(spatial)} and output size ${formatShape(a.size)}: input and output must have the same number of spatial dimensions.`)
    }
    out = Array.isArray(a.size) ? [...a.size] : new Array<number>(dims).fill(a.size)
  } else if (a.scale_factor !== null) {
    if (Array.isArray(a.scale_factor) && a.scale_factor.length !== dims) {
      throw ctx.error(`got an input with spatial dimensions ${formatShape(spatial)} and scale_factor ${formatShape(a.scale_factor)}: input and scale_factor must have the same number of spatial dimensions.`)
    }
    const scales = Array.isArray(a.scale_factor) ? a.scale_factor : new Array<number>(dims).fill(a.scale_factor)
    out = spatial.map((size, i) => Math.floor(size * scales[i]!))
  } else {
    throw ctx.error('needs either `size` or `scale_factor`.')
  }
  if (out.some((o) => !Number.isSafeInteger(o))) {
    throw ctx.error(`calculated an output size ${formatShape(out)} beyond the largest supported size ${Number.MAX_SAFE_INTEGER} for an input of shape ${formatShape(x.shape)}.`)
  }
  if (a.mode === 'area') {
    if (out.some((o) => o < 0)) throw ctx.error(`calculated a negative output size ${formatShape(out)} for an input of shape ${formatShape(x.shape)}.`)
    return adaptiveAvgPool(x, dims, out, ctx)
  }
  if (out.some((o) => o <= 0)) {
    const name = letters.slice(3 - dims)
    const show = (sizes: readonly number[]): string => sizes.map((s, i) => `${name[i]}: ${s}`).join(', ')
    throw ctx.error(`needs input and output sizes greater than 0, but got input (${show(spatial)}) and output (${show(out)}).`)
  }
  return ctx.tensor([...x.shape.slice(0, 2), ...out], x.dtype)
}

/**
 * `nn.Upsample(size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None)`:
 * output size `size`, or `floor(input size × scale_factor)`. No compute is counted (area mode counts its averaging).
 */
export const upsample = defineLayer<UpsampleArgs>({
  name: 'Upsample',
  signature: [sizeArg, scaleArg, str('mode', { default: 'nearest', choices: upsampleModes }), optionalBool('align_corners'), optionalBool('recompute_scale_factor')],
  build() {},
  forward: (self, inputs, ctx) => interpolate(inputs[0]!, self.args, ctx),
})

/** `nn.UpsamplingNearest2d(size=None, scale_factor=None)`: `Upsample` with `mode='nearest'`. */
export const upsamplingNearest2d = defineLayer<Pick<UpsampleArgs, 'size' | 'scale_factor'>>({
  name: 'UpsamplingNearest2d',
  signature: [sizeArg, scaleArg],
  build() {},
  forward: (self, inputs, ctx) => interpolate(inputs[0]!, { ...self.args, mode: 'nearest', align_corners: null, recompute_scale_factor: null }, ctx),
})

/** `nn.UpsamplingBilinear2d(size=None, scale_factor=None)`: `Upsample` with `mode='bilinear', align_corners=True`. */
export const upsamplingBilinear2d = defineLayer<Pick<UpsampleArgs, 'size' | 'scale_factor'>>({
  name: 'UpsamplingBilinear2d',
  signature: [sizeArg, scaleArg],
  build() {},
  forward: (self, inputs, ctx) => interpolate(inputs[0]!, { ...self.args, mode: 'bilinear', align_corners: true, recompute_scale_factor: null }, ctx),
})
