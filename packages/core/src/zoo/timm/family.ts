import { NnsizeError } from '../../errors.js'
import { float, int, str } from '../../bind/args.js'
import type { ArgSpec } from '../../bind/args.js'
import { coerceInts } from '../../bind/args.js'
import type { ArgFailure, ForwardFn, LayerDefinition, ModuleBuilder } from '../../layers/define-layer.js'
import type { ForwardContext } from '../../forward/trace.js'
import { poolTypes } from './layers/pool.js'
import type { PoolType } from './layers/pool.js'
import { actNames } from './layers/activations.js'
import type { ActName } from './layers/activations.js'
import type { NormName } from './layers/norm.js'
import { showValue, typeName } from '../../contract/values.js'
import type { Value } from '../../contract/values.js'
import { batchNorm2d, layerNorm as torchLayerNorm } from '../../layers/norm.js'
import { avgPool2d } from '../../layers/pool.js'
import type { AaName } from './layers/pool.js'

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
  /**
   * The class keywords a model's builder function passes itself (`stem_size` for `efficientnet_b0`, `norm_layer` for
   * `efficientnet_b0_gn`): given again to `create_model`, Python raises `TypeError` (multiple values for the keyword).
   */
  fixedByBuilder: (model: string) => readonly string[]
  /** What the class does with a keyword it does not name: absent, Python's `TypeError` (an unexpected keyword). */
  otherKeywords?: OtherKeywords
}

/**
 * What a class with `**kwargs` does with keywords it does not name: it takes them and nothing counted changes, except
 * those it passes on with its own value too (`collide`: Python's `TypeError`, multiple values) and those `refuse`
 * gives a reason for (they reach layers that read them, which nnsize does not model).
 */
export interface OtherKeywords {
  collide?: ReadonlySet<string>
  refuse?: (name: string) => string | undefined
}

/**
 * Which keywords a model's builder passes itself. Builders written `dict(model_args, **kwargs)` let the caller
 * override every argument (no option); builders written `dict(key=value, ..., **kwargs)` or
 * `_create(variant, key=value, **kwargs)` pass their variant's arguments themselves, except `except` (read from the
 * caller's keywords first: `kwargs.pop('norm_layer', None) or ...`, `resolve_act_layer(kwargs, 'swish')`,
 * `kwargs.setdefault('pad_type', 'same')`), plus `also` (keywords the model function gives its generator).
 */
export interface BuilderKeywords {
  except?: readonly string[]
  also?: (model: string) => readonly string[]
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

/**
 * The leading keyword arguments of timm's vision transformers (`VisionTransformer`, `Eva`), in their classes' order:
 * image and patch size, channels, classes, pooling, width, depth and heads.
 */
export const vitShapeSpecs: readonly ArgSpec[] = [
  imgSizeSpec,
  int('patch_size', { min: 1 }),
  int('in_chans', { min: 1 }),
  int('num_classes', { min: 0 }),
  str('global_pool', { choices: ['', 'avg', 'avgmax', 'max', 'token', 'map'] as const }),
  int('embed_dim', { min: 1 }),
  int('depth', { min: 0 }),
  int('num_heads', { min: 1 }),
]

/** The `torch.nn` activation classes timm's `get_act_layer` passes through, by the name nnsize builds them under. */
const actClasses: Readonly<Record<string, ActName>> = {
  ReLU: 'relu',
  ReLU6: 'relu6',
  SiLU: 'silu',
  Mish: 'mish',
  GELU: 'gelu',
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  Hardsigmoid: 'hard_sigmoid',
  Hardswish: 'hard_swish',
  ELU: 'elu',
  CELU: 'celu',
  SELU: 'selu',
  LeakyReLU: 'leaky_relu',
  PReLU: 'prelu',
  Identity: 'identity',
}

/** The activation classes whose constructor takes `inplace` (and `nn.Identity`, which takes anything). */
const inplaceClasses: ReadonlySet<string> = new Set(['ReLU', 'ReLU6', 'SiLU', 'Mish', 'Hardsigmoid', 'Hardswish', 'ELU', 'CELU', 'SELU', 'LeakyReLU', 'Identity'])

/** The class a value names, for the layer classes of `torch.nn` (`nn.SiLU`), or undefined. */
function layerClassName(value: Value): string | undefined {
  return value.kind === 'class' ? value.cls.layer?.name : undefined
}

/**
 * An `act_layer` argument as timm's `get_act_layer` reads it: one of its names (`'silu'`, `'gelu_tanh'`) or a
 * `torch.nn` activation class (`nn.SiLU`); with `optional`, `None` is `null` (the class's default); with `inplace`, the
 * class must take `inplace` (the family calls `act_layer(inplace=True)`); with `classOnly`, a name is Python's
 * `TypeError` (the family calls `act_layer()` itself, without `get_act_layer`).
 */
export function actLayerSpec(name = 'act_layer', options: { optional?: boolean; inplace?: boolean; classOnly?: boolean } = {}): ArgSpec<ActName | null> {
  return {
    name,
    required: true,
    coerce(value, span, argName) {
      if (value.kind === 'none' && options.optional) return null
      if (value.kind === 'str' && options.classOnly) throw new NnsizeError('argument-type', `\`${argName}\` must be a \`torch.nn\` activation class here, such as \`nn.SiLU\`: the class calls it (TypeError: 'str' object is not callable), got '${value.value}'.`, { span })
      if (value.kind === 'str' && (actNames as readonly string[]).includes(value.value)) return value.value as ActName
      const cls = layerClassName(value)
      if (options.inplace && cls !== undefined && !inplaceClasses.has(cls)) throw new NnsizeError('argument-type', `\`${argName}\`: the class is called with \`inplace=True\` here, which \`nn.${cls}\` does not take (TypeError: ${cls}.__init__() got an unexpected keyword argument 'inplace').`, { span })
      if (cls !== undefined && Object.hasOwn(actClasses, cls)) return actClasses[cls]!
      throw new NnsizeError('argument-value', `\`${argName}\` must be an activation name timm knows (${actNames.map((n) => `'${n}'`).join(', ')}) or a \`torch.nn\` activation class, got ${typeName(value)} \`${showValue(value)}\`.`, { span })
    },
  }
}

/** timm's `get_norm_layer` names (`_` removed, lower case) of the norm layers nnsize builds. */
const normNames: Readonly<Record<string, NormName>> = {
  batchnorm: 'batchnorm2d',
  batchnorm2d: 'batchnorm2d',
  batchnorm1d: 'batchnorm1d',
  groupnorm: 'groupnorm',
  groupnorm1: 'groupnorm1',
  layernorm: 'layernorm',
  layernorm2d: 'layernorm2d',
  rmsnorm: 'rmsnorm',
  rmsnorm2d: 'rmsnorm2d',
  simplenorm: 'simplenorm',
  simplenorm2d: 'simplenorm2d',
}

/**
 * A `norm_layer` argument: the `torch.nn` class `nn.LayerNorm` or `nn.BatchNorm2d`, or where the class resolves it
 * with timm's `get_norm_layer` (`strings`), a name (`'rmsnorm'`, `'layer_norm'`); `None` is `null` (the class's
 * default). `allowed` limits it to the norms the family's blocks take.
 */
export function normLayerSpec<N extends NormName>(name: string, allowed: readonly N[], options: { strings?: boolean; optional?: boolean } = {}): ArgSpec<N | null> {
  const strings = options.strings ?? true
  return {
    name,
    required: true,
    coerce(value, span, argName) {
      if (value.kind === 'none' && options.optional) return null
      let found: NormName | undefined
      if (strings && value.kind === 'str') found = normNames[value.value.replaceAll('_', '').toLowerCase()]
      const layer = value.kind === 'class' ? value.cls.layer : undefined
      if (layer === torchLayerNorm) found = 'torch_layernorm'
      if (layer === batchNorm2d) found = 'batchnorm2d'
      if (found !== undefined && (allowed as readonly string[]).includes(found)) return found as N
      const names = strings ? Object.entries(normNames).filter(([, n]) => (allowed as readonly string[]).includes(n)).map(([k]) => `'${k}'`) : []
      const classes = [...(allowed.includes('torch_layernorm' as N) ? ['`nn.LayerNorm`'] : []), ...(allowed.includes('batchnorm2d' as N) ? ['`nn.BatchNorm2d`'] : [])]
      throw new NnsizeError('argument-value', `\`${argName}\` must be ${[...names, ...classes].join(', ') || 'left out'} here, got ${typeName(value)} \`${showValue(value)}\`.`, { span })
    },
  }
}

/**
 * `aa_layer`: `None` or the class `nn.AvgPool2d` (ResNet's blocks test `issubclass(aa_layer, nn.AvgPool2d)`, so a
 * name is Python's `TypeError` there); with `strings`, also timm's `create_aa` names `'avg'`, `'blur'` and `'blurpc'`.
 */
export function aaLayerSpec(options: { strings?: boolean } = {}): ArgSpec<AaName | null> {
  return {
    name: 'aa_layer',
    required: true,
    coerce(value, span, name) {
      if (value.kind === 'none') return null
      if (value.kind === 'class' && value.cls.layer === avgPool2d) return 'avg'
      if (value.kind === 'str' && !options.strings) throw new NnsizeError('argument-type', `\`${name}\` must be a class here, such as \`nn.AvgPool2d\` (TypeError: issubclass() arg 1 must be a class), got '${value.value}'.`, { span })
      const key = value.kind === 'str' ? value.value.toLowerCase().replaceAll('_', '').replaceAll('-', '') : undefined
      if (key === 'avg' || key === 'avgpool') return 'avg'
      if (key === 'blur' || key === 'blurpool') return 'blur'
      if (key === 'blurpc') return 'blurpc'
      throw new NnsizeError('argument-value', `\`${name}\` must be None${options.strings ? ", 'avg', 'blur', 'blurpc'" : ''} or \`nn.AvgPool2d\`, got ${typeName(value)} \`${showValue(value)}\`.`, { span })
    },
  }
}

/** Keyword arguments a class takes that change nothing nnsize counts (`head_init_scale`, `weight_init`): accepted and ignored. */
export function ignoredSpecs(...names: string[]): ArgSpec[] {
  return names.map((name) => ({ name, required: true, coerce: () => undefined }))
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
  builderKeywords?: BuilderKeywords
  otherKeywords?: OtherKeywords
}): TimmFamily<A> {
  const passed = family.builderKeywords
  const overridable = new Set(passed?.except ?? [])
  const fixedByBuilder = (model: string): readonly string[] => {
    const variant = passed && Object.hasOwn(family.variants, model) ? family.variants[model]! : undefined
    if (!variant) return []
    return [...Object.keys(variant).filter((key) => !overridable.has(key)), ...(passed!.also?.(model) ?? [])]
  }
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
    fixedByBuilder,
    ...(family.otherKeywords ? { otherKeywords: family.otherKeywords } : {}),
  }
}

/** An internal check that fails loudly: a family's own arguments are inconsistent. */
export function invalid(model: string, message: string): never {
  throw new NnsizeError('argument-value', `\`${model}\`: ${message}`)
}
