import { NnsizeError } from '../../errors.js'
import { float, int, str } from '../../bind/args.js'
import type { ArgSpec } from '../../bind/args.js'
import { coerceInts } from '../../bind/args.js'
import type { ArgFailure, ForwardFn, LayerDefinition, ModuleBuilder } from '../../layers/define-layer.js'
import type { ForwardContext } from '../../forward/trace.js'
import { poolTypes } from './layers/pool.js'
import type { PoolType } from './layers/pool.js'

/**
 * A timm model family: one model class (`ResNet`, `VisionTransformer`), the arguments its
 * `__init__` takes with their defaults, and the models timm registers for it (`resnet50`,
 * `resnet50d`, …) with the arguments each passes. `timm.create_model` merges, in order: the class
 * defaults, the pretrained configuration's `num_classes` (and `img_size` for fixed-size models),
 * the model's own arguments and the caller's keyword arguments.
 */
export interface TimmFamily<A extends object = Record<string, unknown>> {
  /** The timm module that registers the models (`resnet`, `vision_transformer`). */
  module: string
  /** The model class and its build; `forward` throws where the forward pass is not modelled. */
  def: LayerDefinition<A>
  /** Every argument of the class with its default. */
  defaults: A
  /** The keyword arguments a caller may pass to `create_model`, converted and checked. */
  signature: readonly ArgSpec[]
  /** The models timm registers, with the arguments each passes to the class. */
  variants: Readonly<Record<string, Partial<A>>>
  /** Whether the family takes `img_size` (fixed-size models take it from their pretrained configuration). */
  takesImgSize: boolean
  /** Whether the forward pass is modelled. */
  forward: boolean
}

/** Arguments every timm classifier takes. */
export interface CommonArgs {
  num_classes: number
  in_chans: number
  drop_rate: number
  drop_path_rate: number
  global_pool: PoolType
}

/** `num_classes`, `in_chans`, `drop_rate`, `drop_path_rate` and `global_pool` (`'avg'`, `'max'`, `'catavgmax'`, `''`, …). */
export const commonSignature: readonly ArgSpec[] = [
  int('num_classes', { min: 0 }),
  int('in_chans', { min: 1 }),
  float('drop_rate'),
  float('drop_path_rate'),
  str('global_pool', { choices: poolTypes }),
]

/** An `img_size` argument: an int or an `(H, W)` pair. */
export const imgSizeSpec: ArgSpec<[number, number]> = {
  name: 'img_size',
  required: true,
  coerce: (value, span, name) => coerceInts(value, span, name, 2, 1) as [number, number],
}

/** Checks a drop rate: a probability. */
export function checkRate(a: { drop_rate?: number; drop_path_rate?: number }, fail: ArgFailure): void {
  for (const key of ['drop_rate', 'drop_path_rate'] as const) {
    const p = a[key]
    if (p !== undefined && (p < 0 || p > 1)) fail(key, `\`${key}\` must be between 0 and 1, got ${p}.`)
  }
}

/** The forward of a family whose forward pass nnsize does not model: a clear error, parameters still counted. */
export function forwardNotModelled(family: string): ForwardFn<unknown> {
  return (_self, _inputs, ctx: ForwardContext) => {
    throw ctx.error(`cannot run a forward pass: nnsize models the forward of timm's ResNet, ConvNeXt, ViT and EfficientNet families, not of ${family} yet. Its parameters and buffers are counted; leave out the input shape.`)
  }
}

/** Declares a timm family (see {@link TimmFamily}). */
export function defineFamily<A extends object>(family: {
  module: string
  className: string
  defaults: A
  signature: readonly ArgSpec[]
  variants: Readonly<Record<string, Partial<A>>>
  validate?: (args: A, fail: ArgFailure) => void
  build: (args: A, m: ModuleBuilder) => void
  forward?: ForwardFn<A>
  takesImgSize?: boolean
}): TimmFamily<A> {
  return {
    module: family.module,
    def: {
      name: family.className,
      signature: [],
      validate: (args, fail) => {
        checkRate(args as Partial<CommonArgs>, fail)
        family.validate?.(args, fail)
      },
      build: family.build,
      forward: family.forward ?? (forwardNotModelled(family.className) as ForwardFn<A>),
    },
    defaults: family.defaults,
    signature: family.signature.map((s) => ({ ...s, required: false, default: undefined, keywordOnly: true })),
    variants: family.variants,
    takesImgSize: family.takesImgSize ?? false,
    forward: family.forward !== undefined,
  }
}

/** An internal check that fails loudly: a family's own arguments are inconsistent. */
export function invalid(model: string, message: string): never {
  throw new NnsizeError('argument-value', `\`${model}\`: ${message}`)
}
