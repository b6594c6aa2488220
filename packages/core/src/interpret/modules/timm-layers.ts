import type { SourceSpan } from '../../errors.js'
import { any } from '../../bind/args.js'
import { bindArguments } from '../../bind/bind.js'
import { layerNorm } from '../../layers/norm.js'
import { conv2d } from '../../layers/conv.js'
import { identity } from '../../layers/linear.js'
import { makeDivisible } from '../../tensor/divisible.js'
import { modelCollections } from '../collections.js'
import { raise } from '../exceptions.js'
import { layerClass } from '../nn-module.js'
import { binary } from '../operators.js'
import { markWritten } from '../tensor-values.js'
import { FALSE, NONE, TRUE, bool, float, int, list, namespace, native, str, tuple, typeName } from '../../contract/values.js'
import type { ArgValue, CallableValue, NamespaceValue, PyClass, Value } from '../../contract/values.js'
import { functionalNamespace } from './functional.js'
import { fans, tensorArg } from './init.js'
import { ntuple, ntupleFunction } from './ntuple.js'
import { callArgs, method, nnClass, timmModuleClass } from './timm-classes.js'
import { timmMlps } from './timm-mlp.js'
import { timmAttentionClass } from './timm-attention.js'

/**
 * What model files import from timm 1.0.29 (`from timm.models.layers import DropPath, to_2tuple, trunc_normal_`,
 * `from timm.layers import Mlp, LayerNorm2d, LayerScale`, `from timm.models.vision_transformer import Mlp, PatchEmbed, Attention`,
 * `from timm.models.registry import register_model`), with timm's arguments, module names and order. `DropPath`,
 * `DropBlock2d`, `LayerScale` and `LayerScale2d` are the timm zoo's definitions (given through the model collections);
 * the MLPs are in `timm-mlp.ts`, `Attention` in `timm-attention.ts`.
 */

/** `to_ntuple(n)`: the function that makes `n`-tuples. */
const toNtuple = native('timm.layers.to_ntuple', (args, span) => {
  const n = args[0]?.value
  if (n?.kind !== 'int' || n.value < 0n || n.value > 64n) return raise('TypeError', 'argument-type', `\`to_ntuple\` takes a small int, got ${n ? typeName(n) : 'nothing'}.`, span)
  return ntupleFunction(Number(n.value), 'timm.layers.helpers.parse', 'parse', 'repeat')
})

/**
 * `trunc_normal_` and `trunc_normal_tf_` of `timm.layers.weight_init`: nnsize keeps no random values, so they check
 * their tensor, mark it written and return it.
 */
function initialiser(name: string): CallableValue {
  return native(`timm.layers.${name}`, (args: ArgValue[], span) => {
    const t = tensorArg(name, args, span)
    markWritten(t)
    return t
  })
}

/**
 * timm's `variance_scaling_(tensor, scale=1.0, mode='fan_in', distribution='normal')`, and `lecun_normal_(tensor)`
 * (`mode='fan_in', distribution='truncated_normal'`): the fans of the tensor (at least 2 dimensions), `scale / fan`
 * for `fan_in`, `fan_out` or `fan_avg`, a distribution of `truncated_normal`, `normal` or `uniform`; they mark the
 * tensor written and return `None`, as timm's do.
 */
function varianceScaling(name: 'variance_scaling_' | 'lecun_normal_'): CallableValue {
  const signature = name === 'lecun_normal_' ? [any('tensor')] : [any('tensor'), any('scale', { default: float(1) }), any('mode', { default: str('fan_in') }), any('distribution', { default: str('normal') })]
  return native(`timm.layers.${name}`, (args, span) => {
    const a = bindArguments(name, signature, args, span).values as Record<string, Value>
    const t = tensorArg(name, [{ value: a['tensor']!, span, valueSpan: span }], span)
    const [fanIn, fanOut] = fans(t, span)
    const mode = a['mode'] ?? str('fan_in')
    const denominator = mode.kind !== 'str' ? undefined : mode.value === 'fan_in' ? fanIn : mode.value === 'fan_out' ? fanOut : mode.value === 'fan_avg' ? (fanIn + fanOut) / 2 : undefined
    if (denominator === undefined) return raise('UnboundLocalError', 'argument-value', "cannot access local variable 'denom' where it is not associated with a value", span)
    if (denominator === 0) return raise('ZeroDivisionError', 'argument-value', 'float division by zero', span)
    const distribution = a['distribution'] ?? str('truncated_normal')
    if (distribution.kind !== 'str' || !['truncated_normal', 'normal', 'uniform'].includes(distribution.value)) return raise('ValueError', 'argument-value', `invalid distribution ${distribution.kind === 'str' ? distribution.value : typeName(distribution)}`, span)
    markWritten(t)
    return NONE
  })
}

/** timm's `to_1tuple` … `to_4tuple` (each named `parse`, as `_ntuple(n)` makes them): a string is repeated, not iterated. */
const toTuple = (n: number): CallableValue => ntupleFunction(n, 'timm.layers.helpers.parse', 'parse', 'repeat')

/**
 * `timm.layers.use_fused_attn(experimental=False)`: whether timm's attention calls `F.scaled_dot_product_attention`.
 * With PyTorch 2 and timm's defaults (no `TIMM_FUSED_ATTN` in the environment, not exportable): `True`, and `False`
 * for `experimental=True`.
 */
const useFusedAttn = native('timm.layers.use_fused_attn', (args, span, it) => {
  const bound = bindArguments('use_fused_attn', [any('experimental', { default: FALSE })], args, span)
  return bool(!it!.truthy(bound.values['experimental'] as Value, span))
})

/** A number argument of `drop_path` (`drop_prob`), as a JS number. */
function numberOf(v: Value, name: string, span: SourceSpan): number {
  if (v.kind === 'int') return Number(v.value)
  if (v.kind === 'float') return v.value
  if (v.kind === 'bool') return v.value ? 1 : 0
  return raise('TypeError', 'argument-type', `\`drop_path\` takes a number for \`${name}\`, got ${typeName(v)}.`, span)
}

/**
 * `timm.layers.drop_path(x, drop_prob=0., training=False, scale_by_keep=True)`, run as timm writes it: `x` itself when
 * `drop_prob == 0` or not `training`; else `x * mask`, the mask `x.new_empty((N, 1, …)).bernoulli_(keep_prob)`
 * (divided in place by `keep_prob` when it is above 0 and `scale_by_keep`), which autograd keeps when `x` needs grad.
 */
const dropPathFunction = native('timm.layers.drop.drop_path', (args, span, it) => {
  const signature = [any('x'), any('drop_prob', { default: float(0) }), any('training', { default: FALSE }), any('scale_by_keep', { default: TRUE })]
  const a = bindArguments('drop_path', signature, args, span).values as Record<string, Value>
  const x = a['x']!
  const p = numberOf(a['drop_prob']!, 'drop_prob', span)
  if (p === 0 || !it!.truthy(a['training']!, span)) return x
  if (x.kind !== 'tensor') return raise('AttributeError', 'type', `\`drop_path\` takes a tensor, got ${typeName(x)}.`, span)
  if (x.shape.length === 0) return raise('IndexError', 'shape', 'tuple index out of range', span)
  const keep = binary(it!, 'Sub', int(1), a['drop_prob']!, span)
  const shape = tuple([int(x.shape[0]!), ...x.shape.slice(1).map(() => int(1))])
  const mask = method(it!, method(it!, x, 'new_empty', span, [shape]), 'bernoulli_', span, [keep])
  if (1 - p > 0 && it!.truthy(a['scale_by_keep']!, span)) method(it!, mask, 'div_', span, [keep])
  return binary(it!, 'Mult', x, mask, span)
})

let functional: NamespaceValue | undefined

/**
 * `timm.layers.LayerNorm2d(num_channels, eps=1e-6, affine=True, **kwargs)`: an `nn.LayerNorm(num_channels, eps=eps,
 * elementwise_affine=affine, **kwargs)` (its `weight` and `bias`, `normalized_shape`, `eps`, `elementwise_affine`),
 * with `_fast_norm` False, whose forward normalises the channels of `(N, C, H, W)`: `x.permute(0, 2, 3, 1)`,
 * `F.layer_norm`, `.permute(0, 3, 1, 2)`.
 */
function layerNorm2dClass(): PyClass {
  const base = layerClass(layerNorm)
  return timmModuleClass({
    name: 'LayerNorm2d',
    module: 'timm.layers.norm',
    base,
    kwargs: true,
    signature: [any('num_channels'), any('eps', { default: float(1e-6) }), any('affine', { default: TRUE })],
    init(self, a, span, it, kwargs) {
      it.call(it.getattr(base.value, '__init__', span), callArgs(span, [self, a['num_channels']!], { eps: a['eps']!, elementwise_affine: a['affine']!, ...kwargs }), span)
      // nn.LayerNorm's attributes, kept on the instance (its forward is timm's, not nn.LayerNorm's).
      for (const name of ['normalized_shape', 'eps', 'elementwise_affine']) it.setattr(self, name, it.getattr(self, name, span), span)
      it.setattr(self, '_fast_norm', FALSE, span)
    },
    forward(self, x, span, it) {
      functional ??= functionalNamespace()
      const attr = (name: string): Value => it.getattr(self, name, span)
      const y = method(it, x, 'permute', span, [int(0), int(2), int(3), int(1)])
      const normed = it.call(functional.members['layer_norm']!, callArgs(span, [y, attr('normalized_shape'), attr('weight'), attr('bias'), attr('eps')]), span)
      return method(it, normed, 'permute', span, [int(0), int(3), int(1), int(2)])
    },
  })
}

/** timm's `make_divisible(v, divisor=8, min_value=None, round_limit=.9)`. */
const makeDivisibleFunction = native('timm.layers.make_divisible', (args, span) => {
  const value = (position: number, name: string): Value | undefined => args.find((a) => a.name === name)?.value ?? (args[position]?.name === undefined ? args[position]?.value : undefined)
  const number = (v: Value | undefined, fallback: number): number => (v === undefined || v.kind === 'none' ? fallback : v.kind === 'int' ? Number(v.value) : v.kind === 'float' ? v.value : raise('TypeError', 'argument-type', `\`make_divisible\` takes numbers, got ${typeName(v)}.`, span))
  const v = number(value(0, 'v'), Number.NaN)
  const divisor = number(value(1, 'divisor'), 8)
  const minGiven = value(2, 'min_value')
  const minValue = minGiven === undefined || minGiven.kind === 'none' || number(minGiven, 0) === 0 ? divisor : number(minGiven, divisor)
  const roundLimit = number(value(3, 'round_limit'), 0.9)
  if (!Number.isFinite(v) || divisor === 0) return raise('ValueError', 'argument-value', '`make_divisible` needs a finite value and a nonzero divisor.', span)
  const rounded = makeDivisible(v, divisor, minValue, roundLimit)
  const divisorGiven = value(1, 'divisor')
  const whole = (divisorGiven === undefined || divisorGiven.kind === 'int') && (minGiven === undefined || minGiven.kind === 'none' || minGiven.kind === 'int')
  return whole ? int(BigInt(rounded)) : float(rounded)
})

/** `timm.models.register_model`: returns the function, and adds its name to its module's `__all__`, as timm does. */
const registerModel = native('timm.models.register_model', (args, span) => {
  const fn = args[0]?.value
  if (fn?.kind !== 'function') return raise('TypeError', 'argument-type', `\`register_model\` decorates a function, got ${fn ? typeName(fn) : 'nothing'}.`, span)
  const all = fn.globals.get('__all__')
  if (all?.kind === 'list') all.items.push(str(fn.name))
  else if (all === undefined) fn.globals.set('__all__', list([str(fn.name)]))
  else return raise('AttributeError', 'type', `\`__all__\` of the module of \`${fn.name}\` must be a list for \`register_model\` to append to it.`, span)
  return fn
})

/** The namespaces of timm 1.0's layer helpers and model registry. */
export interface TimmLayerNamespaces {
  /** `timm.layers`, with its modules `helpers`, `drop`, `mlp`, `norm`, `layer_scale`, `config`, `patch_embed`, `attention` and `weight_init`. */
  layers: NamespaceValue
  /** `timm.models.layers`: the deprecated path, a module of the same names without submodules (less those timm leaves out). */
  modelsLayers: NamespaceValue
  /** `timm.models.registry`. */
  registry: NamespaceValue
  /** `timm.models.vision_transformer`, for the layers model files import from it (`Mlp`, `PatchEmbed`, `Attention`, `LayerScale`); its other names are placeholders. */
  visionTransformer: NamespaceValue
}

const patchFormats = new Set(['NCHW', 'NHWC', 'NCL', 'NLC'])

/**
 * timm's `PatchEmbed(img_size=224, patch_size=16, in_chans=3, embed_dim=768, norm_layer=None, flatten=True,
 * output_fmt=None, bias=True, strict_img_size=True, dynamic_img_pad=False, device=None, dtype=None)`: `proj`, a
 * convolution with kernel and stride `patch_size`, then `norm`; the attributes `patch_size`, `img_size`,
 * `grid_size`, `num_patches`, `flatten`, `output_fmt`, `strict_img_size`, `dynamic_img_pad`. Its forward checks the
 * image size as timm asserts it, then flattens to `(N, tokens, C)` or lays the result out as `output_fmt` says.
 * Padding a dynamic image size is not read.
 */
function patchEmbedClass(): PyClass {
  const signature = [
    any('img_size', { default: int(224) }),
    any('patch_size', { default: int(16) }),
    any('in_chans', { default: int(3) }),
    any('embed_dim', { default: int(768) }),
    any('norm_layer', { default: NONE }),
    any('flatten', { default: { kind: 'bool', value: true } }),
    any('output_fmt', { default: NONE }),
    any('bias', { default: { kind: 'bool', value: true } }),
    any('strict_img_size', { default: { kind: 'bool', value: true } }),
    any('dynamic_img_pad', { default: { kind: 'bool', value: false } }),
    any('device', { default: NONE }),
    any('dtype', { default: NONE }),
  ]
  const number = (v: Value | undefined): number => (v?.kind === 'int' ? Number(v.value) : Number.NaN)
  return timmModuleClass({
    name: 'PatchEmbed',
    module: 'timm.layers.patch_embed',
    signature,
    init(self, a, span, it) {
      const dd = { device: a['device']!, dtype: a['dtype']! }
      const set = (name: string, value: Value): void => it.setattr(self, name, value, span)
      const patch = ntuple(it, 2, a['patch_size']!, 'repeat', span)
      set('patch_size', patch)
      const imgSize = a['img_size']!
      if (imgSize.kind === 'none') {
        for (const name of ['img_size', 'grid_size', 'num_patches']) set(name, NONE)
      } else {
        const img = ntuple(it, 2, imgSize, 'repeat', span)
        const sizes = it.toArray(img, span).map(number)
        const patches = it.toArray(patch, span).map(number)
        if (sizes.some((x) => !Number.isSafeInteger(x)) || patches.some((x) => !Number.isSafeInteger(x) || x <= 0)) raise('TypeError', 'argument-type', '`PatchEmbed` takes int sizes for `img_size` and `patch_size`.', span)
        const grid = sizes.map((x, i) => Math.floor(x / patches[i]!))
        set('img_size', img)
        set('grid_size', tuple(grid.map((g) => int(g))))
        set('num_patches', int(grid[0]! * grid[1]!))
      }
      const fmt = a['output_fmt']!
      if (fmt.kind !== 'none') {
        if (fmt.kind !== 'str' || !patchFormats.has(fmt.value)) raise('ValueError', 'argument-value', `\`output_fmt\` must be one of 'NCHW', 'NHWC', 'NCL' or 'NLC', got ${typeName(fmt)}.`, span)
        set('flatten', { kind: 'bool', value: false })
        set('output_fmt', fmt)
      } else {
        set('flatten', a['flatten']!)
        set('output_fmt', str('NCHW'))
      }
      set('strict_img_size', a['strict_img_size']!)
      set('dynamic_img_pad', a['dynamic_img_pad']!)
      set('proj', it.call(nnClass(conv2d), callArgs(span, [a['in_chans']!, a['embed_dim']!], { kernel_size: a['patch_size']!, stride: a['patch_size']!, bias: a['bias']!, ...dd }), span))
      const norm = a['norm_layer']!
      set('norm', it.truthy(norm, span) ? it.call(norm, callArgs(span, [a['embed_dim']!], dd), span) : it.call(nnClass(identity), [], span))
    },
    forward(self, x, span, it) {
      if (x.kind !== 'tensor' || x.shape.length !== 4) return raise('ValueError', 'shape', `\`PatchEmbed\` expects images (N, C, H, W), got ${x.kind === 'tensor' ? `shape (${x.shape.join(', ')})` : typeName(x)}.`, span)
      const [, , h, w] = x.shape as [number, number, number, number]
      const attr = (name: string): Value => it.getattr(self, name, span)
      const [ph, pw] = it.toArray(attr('patch_size'), span).map(number) as [number, number]
      const img = attr('img_size')
      const dynamicPad = it.truthy(attr('dynamic_img_pad'), span)
      if (img.kind !== 'none') {
        const [ih, iw] = it.toArray(img, span).map(number) as [number, number]
        if (it.truthy(attr('strict_img_size'), span)) {
          if (h !== ih) raise('AssertionError', 'shape', `Input height (${h}) doesn't match model (${ih}).`, span)
          if (w !== iw) raise('AssertionError', 'shape', `Input width (${w}) doesn't match model (${iw}).`, span)
        } else if (!dynamicPad) {
          if (h % ph !== 0) raise('AssertionError', 'shape', `Input height (${h}) should be divisible by patch size (${ph}).`, span)
          if (w % pw !== 0) raise('AssertionError', 'shape', `Input width (${w}) should be divisible by patch size (${pw}).`, span)
        }
      }
      if (dynamicPad && (h % ph !== 0 || w % pw !== 0)) raise('RuntimeError', 'unsupported', '`PatchEmbed` with `dynamic_img_pad=True` on an image size that is not a multiple of the patch size is not read yet.', span)
      let y = it.call(attr('proj'), callArgs(span, [x]), span)
      const fmt = attr('output_fmt')
      const fmtName = fmt.kind === 'str' ? fmt.value : 'NCHW'
      if (it.truthy(attr('flatten'), span) || fmtName === 'NLC') y = method(it, method(it, y, 'flatten', span, [int(2)]), 'transpose', span, [int(1), int(2)])
      else if (fmtName === 'NHWC') y = method(it, y, 'permute', span, [int(0), int(2), int(3), int(1)])
      else if (fmtName === 'NCL') y = method(it, y, 'flatten', span, [int(2)])
      return it.call(attr('norm'), callArgs(span, [y]), span)
    },
  })
}

let made: TimmLayerNamespaces | undefined

/**
 * A module of timm that nnsize models in part: a name it does not list exists in timm, so it is a placeholder, an
 * error saying it is not supported yet only where construction uses it (never a "has no attribute").
 */
function partial(name: string, members: Record<string, Value>): NamespaceValue {
  return namespace(name, members, (attribute) => ({ kind: 'placeholder', name: `${name}.${attribute}`, reason: { type: 'attribute', owner: name, attribute, suggestions: [], span: { start: 0, end: 0 } } }))
}

/** The names of `timm.layers` that timm 1.0.29's deprecated `timm.models.layers` does not re-export (placeholders there). */
const notInModelsLayers = new Set(['SwiGLUPacked', 'SwiGLU', 'LayerScale', 'LayerScale2d', 'use_fused_attn', 'Attention'])

/** `timm.layers`, `timm.models.layers` and `timm.models.registry`, as timm 1.0.29 has them. */
export function timmLayerNamespaces(): TimmLayerNamespaces {
  if (made) return made
  const definitions = modelCollections()!.timmLayers
  const DropPath = layerClass(definitions.DropPath, 'timm.layers.drop', 'timm.layers').value
  const DropBlock2d = layerClass(definitions.DropBlock2d, 'timm.layers.drop', 'timm.layers').value
  const LayerScale = layerClass(definitions.LayerScale, 'timm.layers.layer_scale', 'timm.layers').value
  const LayerScale2d = layerClass(definitions.LayerScale2d, 'timm.layers.layer_scale', 'timm.layers').value
  const LayerNorm2d = layerNorm2dClass().value
  const helpers: Record<string, Value> = {
    to_1tuple: toTuple(1),
    to_2tuple: toTuple(2),
    to_3tuple: toTuple(3),
    to_4tuple: toTuple(4),
    to_ntuple: toNtuple,
    make_divisible: makeDivisibleFunction,
  }
  const inits: Record<string, Value> = {}
  for (const name of ['trunc_normal_', 'trunc_normal_tf_']) inits[name] = initialiser(name)
  for (const name of ['variance_scaling_', 'lecun_normal_'] as const) inits[name] = varianceScaling(name)
  // The package exports every helper but `to_1tuple`.
  const { to_1tuple: _, ...exported } = helpers
  const mlps = timmMlps()
  const PatchEmbed = patchEmbedClass().value
  const drop = { DropPath, drop_path: dropPathFunction, DropBlock2d }
  const layerScale = { LayerScale, LayerScale2d }
  const Attention = timmAttentionClass(useFusedAttn).value
  const members: Record<string, Value> = { ...drop, ...mlps, PatchEmbed, LayerNorm2d, ...layerScale, Attention, use_fused_attn: useFusedAttn, ...exported, ...inits }
  const modelsLayers: Record<string, Value> = {}
  for (const [name, value] of Object.entries(members)) if (!notInModelsLayers.has(name)) modelsLayers[name] = value
  made = {
    layers: partial('timm.layers', {
      ...members,
      helpers: namespace('timm.layers.helpers', helpers),
      drop: partial('timm.layers.drop', drop),
      mlp: partial('timm.layers.mlp', { ...mlps, to_2tuple: helpers['to_2tuple']! }),
      norm: partial('timm.layers.norm', { LayerNorm2d }),
      layer_scale: namespace('timm.layers.layer_scale', layerScale),
      config: partial('timm.layers.config', { use_fused_attn: useFusedAttn }),
      patch_embed: partial('timm.layers.patch_embed', { PatchEmbed }),
      attention: partial('timm.layers.attention', { Attention, use_fused_attn: useFusedAttn }),
      weight_init: partial('timm.layers.weight_init', inits),
    }),
    modelsLayers: partial('timm.models.layers', modelsLayers),
    registry: namespace('timm.models.registry', { register_model: registerModel }),
    visionTransformer: partial('timm.models.vision_transformer', {
      Mlp: mlps.Mlp,
      SwiGLUPacked: mlps.SwiGLUPacked,
      SwiGLU: mlps.SwiGLU,
      PatchEmbed,
      Attention,
      DropPath,
      LayerScale,
      use_fused_attn: useFusedAttn,
      trunc_normal_: inits['trunc_normal_']!,
      lecun_normal_: inits['lecun_normal_']!,
    }),
  }
  return made
}
