import type { SourceSpan } from '../../errors.js'
import { any, bool, float as floatArg } from '../../bind/args.js'
import { bindArguments } from '../../bind/bind.js'
import * as ops from '../../forward/ops/index.js'
import { defineLayer } from '../../layers/define-layer.js'
import { formatShape } from '../../tensor/shape.js'
import { raise } from '../exceptions.js'
import type { Interpreter } from '../interpreter.js'
import { lookupInMro, makeClass } from '../classes.js'
import { layerClass, moduleClass } from '../nn-module.js'
import { gelu } from '../../layers/activation.js'
import { conv2d } from '../../layers/conv.js'
import { dropout } from '../../layers/dropout.js'
import { identity, linear } from '../../layers/linear.js'
import { markWritten } from '../tensor-values.js'
import { NONE, float, int, list, namespace, native, str, tuple, typeName } from '../../contract/values.js'
import type { ArgValue, CallableValue, NamespaceValue, PyClass, Value } from '../../contract/values.js'
import { makeDivisible } from '../../tensor/divisible.js'
import { tensorArg } from './init.js'

/**
 * What model files import from timm 1.0.29 (`from timm.models.layers import DropPath, to_2tuple, trunc_normal_`,
 * `from timm.layers import Mlp, PatchEmbed`, `from timm.models.vision_transformer import Mlp, PatchEmbed`,
 * `from timm.models.registry import register_model`), with timm's arguments, module names and order.
 */

/**
 * `timm.layers.DropPath(drop_prob=0., scale_by_keep=True)`: stochastic depth per sample. No parameters; in training
 * mode with `drop_prob > 0` its forward is `x * mask`, where the mask of shape `(N, 1, …)` is drawn with `bernoulli_`
 * (and divided by the keep probability in place), so autograd keeps the mask when `x` requires grad.
 */
export const dropPath = defineLayer({
  name: 'DropPath',
  signature: [floatArg('drop_prob', { default: 0 }), bool('scale_by_keep', { default: true })],
  build() {},
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    if (self.args.drop_prob === 0 || !self.training) return x
    if (x.shape.length === 0) throw ctx.error(`needs a batch dimension, got shape ${formatShape(x.shape)}.`)
    const mask = ctx.tensor([x.shape[0]!, ...x.shape.slice(1).map(() => 1)], x.dtype, false)
    return ops.mul(ctx, x, mask)
  },
})

/** Whether `to_ntuple` takes `v` as an iterable (`collections.abc.Iterable`, strings excepted). */
function iterable(v: Value): boolean {
  switch (v.kind) {
    case 'list':
    case 'tuple':
    case 'dict':
    case 'set':
    case 'range':
    case 'iterator':
    case 'tensor':
      return true
    case 'instance':
      return lookupInMro(v.cls, '__iter__') !== undefined
    default:
      return false
  }
}

/** `to_ntuple(n)(x)`: `tuple(x)` for an iterable other than a string, else `x` repeated `n` times. */
function ntuple(it: Interpreter, n: number, x: Value, span: SourceSpan): Value {
  if (iterable(x)) return tuple([...it.toArray(x, span)])
  it.budget.allocate(n, span)
  return tuple(Array.from({ length: n }, () => x))
}

function ntupleFunction(n: number, name: string): CallableValue {
  return native(name, (args, span, it) => {
    const x = args[0]?.value ?? raise('TypeError', 'missing-argument', `parse() missing 1 required positional argument: 'x'`, span)
    return ntuple(it!, n, x, span)
  })
}

/** `to_ntuple(n)`: the function that makes `n`-tuples. */
const toNtuple = native('timm.layers.to_ntuple', (args, span) => {
  const n = args[0]?.value
  if (n?.kind !== 'int' || n.value < 0n || n.value > 64n) return raise('TypeError', 'argument-type', `\`to_ntuple\` takes a small int, got ${n ? typeName(n) : 'nothing'}.`, span)
  return ntupleFunction(Number(n.value), 'parse')
})

/** An initialiser of `timm.layers.weight_init` (`trunc_normal_`, …): nnsize keeps no random values, so it checks its tensor and returns it. */
function initialiser(name: string): CallableValue {
  return native(`timm.layers.${name}`, (args: ArgValue[], span) => {
    const t = tensorArg(name, args, span)
    markWritten(t)
    return t
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
  /** `timm.layers`, with its modules `helpers`, `drop` and `weight_init`. */
  layers: NamespaceValue
  /** `timm.models.layers`: the deprecated path, a module of the same names without submodules. */
  modelsLayers: NamespaceValue
  /** `timm.models.registry`. */
  registry: NamespaceValue
  /** `timm.models.vision_transformer`, for the layers model files import from it (`Mlp`, `PatchEmbed`); its other names are placeholders. */
  visionTransformer: NamespaceValue
}

/** Positional values and keywords as call arguments, all at `span`. */
function callArgs(span: SourceSpan, values: readonly Value[], keywords: Record<string, Value> = {}): ArgValue[] {
  return [...values.map((value): ArgValue => ({ value, span, valueSpan: span })), ...Object.entries(keywords).map(([name, value]): ArgValue => ({ name, value, span, valueSpan: span }))]
}

/**
 * A module class of timm written as its Python source would run: `init` builds the module through the interpreter
 * (children are made by calling the classes given, `act_layer()`, `norm_layer(dim)`, and assigned in timm's order),
 * `forward` calls them as Python would. Its modules are ordinary module instances of this class.
 */
function timmModuleClass(name: string, module: string, init: (self: Value, values: Record<string, Value>, span: SourceSpan, it: Interpreter) => void, forward: (self: Value, x: Value, span: SourceSpan, it: Interpreter) => Value, signature: Parameters<typeof bindArguments>[1]): PyClass {
  const cls = makeClass(name, [moduleClass], { module, user: true })
  cls.dict.set(
    '__init__',
    native(
      `${module}.${name}.__init__`,
      (args, span, it) => {
        const bound = bindArguments(`${name}`, signature, args.slice(1), span)
        init(args[0]!.value, bound.values as Record<string, Value>, span, it!)
        return NONE
      },
      { binds: true },
    ),
  )
  cls.dict.set(
    'forward',
    native(
      `${module}.${name}.forward`,
      (args, span, it) => {
        if (args.length !== 2 || args[1]!.name !== undefined) return raise('TypeError', 'argument-type', `\`${name}.forward\` takes one tensor.`, span)
        return forward(args[0]!.value, args[1]!.value, span, it!)
      },
      { binds: true },
    ),
  )
  return cls
}

/** Calls the children `names` of `self` in order on `x`, as `x = self.name(x)` lines do. */
function runChildren(it: Interpreter, self: Value, names: readonly string[], x: Value, span: SourceSpan): Value {
  let y = x
  for (const name of names) y = it.call(it.getattr(self, name, span), callArgs(span, [y]), span)
  return y
}

/** Calls a tensor method (`x.flatten(2)`) through the interpreter, so that a traced forward records it. */
function method(it: Interpreter, x: Value, name: string, span: SourceSpan, ...values: Value[]): Value {
  return it.call(it.getattr(x, name, span), callArgs(span, values), span)
}

const nnClass = (def: Parameters<typeof layerClass>[0]): Value => layerClass(def).value

/**
 * timm's `Mlp(in_features, hidden_features=None, out_features=None, act_layer=nn.GELU, norm_layer=None, bias=True,
 * drop=0., use_conv=False, device=None, dtype=None)`: `fc1`, `act`, `drop1`, `norm`, `fc2`, `drop2`, in that order;
 * 1×1 convolutions with `use_conv`; `bias` and `drop` may be pairs.
 */
function mlpClass(): PyClass {
  const signature = [
    any('in_features'),
    any('hidden_features', { default: NONE }),
    any('out_features', { default: NONE }),
    any('act_layer', { default: nnClass(gelu) }),
    any('norm_layer', { default: NONE }),
    any('bias', { default: { kind: 'bool', value: true } }),
    any('drop', { default: float(0) }),
    any('use_conv', { default: { kind: 'bool', value: false } }),
    any('device', { default: NONE }),
    any('dtype', { default: NONE }),
  ]
  return timmModuleClass(
    'Mlp',
    'timm.layers.mlp',
    (self, a, span, it) => {
      const dd = { device: a['device']!, dtype: a['dtype']! }
      const inFeatures = a['in_features']!
      const out = it.truthy(a['out_features']!, span) ? a['out_features']! : inFeatures
      const hidden = it.truthy(a['hidden_features']!, span) ? a['hidden_features']! : inFeatures
      const bias = it.toArray(ntuple(it, 2, a['bias']!, span), span)
      const drop = it.toArray(ntuple(it, 2, a['drop']!, span), span)
      const conv = it.truthy(a['use_conv']!, span)
      const layer = (inF: Value, outF: Value, b: Value): Value =>
        conv
          ? it.call(nnClass(conv2d), callArgs(span, [inF, outF], { kernel_size: int(1), bias: b, ...dd }), span)
          : it.call(nnClass(linear), callArgs(span, [inF, outF], { bias: b, ...dd }), span)
      const set = (name: string, value: Value): void => it.setattr(self, name, value, span)
      set('fc1', layer(inFeatures, hidden, bias[0] ?? NONE))
      set('act', it.call(a['act_layer']!, [], span))
      set('drop1', it.call(nnClass(dropout), callArgs(span, [drop[0] ?? float(0)]), span))
      const norm = a['norm_layer']!
      set('norm', norm.kind === 'none' ? it.call(nnClass(identity), [], span) : it.call(norm, callArgs(span, [hidden], dd), span))
      set('fc2', layer(hidden, out, bias[1] ?? NONE))
      set('drop2', it.call(nnClass(dropout), callArgs(span, [drop[1] ?? float(0)]), span))
    },
    (self, x, span, it) => runChildren(it, self, ['fc1', 'act', 'drop1', 'norm', 'fc2', 'drop2'], x, span),
    signature,
  )
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
  return timmModuleClass(
    'PatchEmbed',
    'timm.layers.patch_embed',
    (self, a, span, it) => {
      const dd = { device: a['device']!, dtype: a['dtype']! }
      const set = (name: string, value: Value): void => it.setattr(self, name, value, span)
      const patch = ntuple(it, 2, a['patch_size']!, span)
      set('patch_size', patch)
      const imgSize = a['img_size']!
      if (imgSize.kind === 'none') {
        for (const name of ['img_size', 'grid_size', 'num_patches']) set(name, NONE)
      } else {
        const img = ntuple(it, 2, imgSize, span)
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
    (self, x, span, it) => {
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
      if (it.truthy(attr('flatten'), span) || fmtName === 'NLC') y = method(it, method(it, y, 'flatten', span, int(2)), 'transpose', span, int(1), int(2))
      else if (fmtName === 'NHWC') y = method(it, y, 'permute', span, int(0), int(2), int(3), int(1))
      else if (fmtName === 'NCL') y = method(it, y, 'flatten', span, int(2))
      return it.call(attr('norm'), callArgs(span, [y]), span)
    },
    signature,
  )
}

let made: TimmLayerNamespaces | undefined

/**
 * A module of timm that nnsize models in part: a name it does not list exists in timm, so it is a placeholder, an
 * error saying it is not supported yet only where construction uses it (never a "has no attribute").
 */
function partial(name: string, members: Record<string, Value>): NamespaceValue {
  return namespace(name, members, (attribute) => ({ kind: 'placeholder', name: `${name}.${attribute}`, reason: { type: 'attribute', owner: name, attribute, suggestions: [], span: { start: 0, end: 0 } } }))
}

/** `timm.layers`, `timm.models.layers` and `timm.models.registry`, as timm 1.0.29 has them. */
export function timmLayerNamespaces(): TimmLayerNamespaces {
  if (made) return made
  const DropPath = layerClass(dropPath, 'timm.layers', 'timm.layers').value
  const helpers: Record<string, Value> = {
    to_1tuple: ntupleFunction(1, 'parse'),
    to_2tuple: ntupleFunction(2, 'parse'),
    to_3tuple: ntupleFunction(3, 'parse'),
    to_4tuple: ntupleFunction(4, 'parse'),
    to_ntuple: toNtuple,
    make_divisible: makeDivisibleFunction,
  }
  const inits: Record<string, Value> = {}
  for (const name of ['trunc_normal_', 'trunc_normal_tf_', 'variance_scaling_', 'lecun_normal_']) inits[name] = initialiser(name)
  // The package exports every helper but `to_1tuple`.
  const { to_1tuple: _, ...exported } = helpers
  const Mlp = mlpClass().value
  const PatchEmbed = patchEmbedClass().value
  const members = { DropPath, Mlp, PatchEmbed, ...exported, ...inits }
  made = {
    layers: partial('timm.layers', {
      ...members,
      helpers: namespace('timm.layers.helpers', helpers),
      drop: namespace('timm.layers.drop', { DropPath }),
      mlp: namespace('timm.layers.mlp', { Mlp }),
      patch_embed: namespace('timm.layers.patch_embed', { PatchEmbed }),
      weight_init: namespace('timm.layers.weight_init', inits),
    }),
    modelsLayers: partial('timm.models.layers', members),
    registry: namespace('timm.models.registry', { register_model: registerModel }),
    visionTransformer: partial('timm.models.vision_transformer', { Mlp, PatchEmbed, DropPath, trunc_normal_: inits['trunc_normal_']!, lecun_normal_: inits['lecun_normal_']! }),
  }
  return made
}
