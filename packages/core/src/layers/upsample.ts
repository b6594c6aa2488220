import { NnsizeError } from '../errors.js'
import { coerceInt, str } from '../bind/args.js'
import type { ArgSpec, ArgsOf } from '../bind/args.js'
import { showValue, typeName } from '../contract/values.js'
import type { Value } from '../contract/values.js'
import * as ops from '../forward/ops/index.js'
import type { ForwardContext, Tensor } from '../forward/trace.js'
import { defineLayer } from './define-layer.js'

/** The interpolation modes of `nn.Upsample` / `F.interpolate`. */
export const upsampleModes = ops.interpolateModes

/** One of {@link upsampleModes}. */
export type UpsampleMode = ops.InterpolateMode

const sizeArg: ArgSpec<number | number[] | null, 'size', false> = {
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
const scaleArg: ArgSpec<number | number[] | null, 'scale_factor', false> = {
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

function optionalBool<const N extends string>(name: N): ArgSpec<boolean | null, N, false> {
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

const upsampleSignature = [sizeArg, scaleArg, str('mode', { default: 'nearest', choices: upsampleModes }), optionalBool('align_corners'), optionalBool('recompute_scale_factor')]

/** `F.interpolate` with the module's arguments ({@link ops.interpolate}). */
function interpolate(x: Tensor, a: ArgsOf<typeof upsampleSignature>, ctx: ForwardContext): Tensor {
  return ops.interpolate(ctx, x, { size: a.size, scaleFactor: a.scale_factor, mode: a.mode, alignCorners: a.align_corners, recomputeScaleFactor: a.recompute_scale_factor })
}

/**
 * `nn.Upsample(size=None, scale_factor=None, mode='nearest', align_corners=None, recompute_scale_factor=None)`:
 * output size `size`, or `floor(input size × scale_factor)`. No compute is counted (area mode counts its averaging).
 */
export const upsample = defineLayer({
  name: 'Upsample',
  signature: upsampleSignature,
  build() {},
  forward: (self, inputs, ctx) => interpolate(inputs[0]!, self.args, ctx),
})

/** `nn.UpsamplingNearest2d(size=None, scale_factor=None)`: `Upsample` with `mode='nearest'`. */
export const upsamplingNearest2d = defineLayer({
  name: 'UpsamplingNearest2d',
  signature: [sizeArg, scaleArg],
  build() {},
  forward: (self, inputs, ctx) => interpolate(inputs[0]!, { ...self.args, mode: 'nearest', align_corners: null, recompute_scale_factor: null }, ctx),
})

/** `nn.UpsamplingBilinear2d(size=None, scale_factor=None)`: `Upsample` with `mode='bilinear', align_corners=True`. */
export const upsamplingBilinear2d = defineLayer({
  name: 'UpsamplingBilinear2d',
  signature: [sizeArg, scaleArg],
  build() {},
  forward: (self, inputs, ctx) => interpolate(inputs[0]!, { ...self.args, mode: 'bilinear', align_corners: true, recompute_scale_factor: null }, ctx),
})
