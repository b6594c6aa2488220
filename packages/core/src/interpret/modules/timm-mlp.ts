import type { SourceSpan } from '../../errors.js'
import { any } from '../../bind/args.js'
import { gelu, sigmoid, silu } from '../../layers/activation.js'
import { conv2d } from '../../layers/conv.js'
import { dropout } from '../../layers/dropout.js'
import { identity, linear } from '../../layers/linear.js'
import { raise } from '../exceptions.js'
import type { Interpreter } from '../interpreter.js'
import { binary } from '../operators.js'
import { FALSE, NONE, TRUE, float, int, native } from '../../contract/values.js'
import type { ArgValue, PyClass, Value } from '../../contract/values.js'
import { ntuple } from './ntuple.js'
import { callArgs, method, nnClass, runChildren, timmModuleClass } from './timm-classes.js'
import type { TimmSignature } from './timm-classes.js'

/**
 * The MLPs of `timm.layers.mlp` (timm 1.0.29) that model files import: `Mlp`, `GluMlp` (and `SwiGLUPacked`, a
 * `partial` of it), `SwiGLU` and `GatedMlp`, with timm's arguments, child names and order. `bias` and `drop` may be
 * pairs (timm's `to_2tuple`); `act_layer`, `norm_layer` and `gate_layer` are any classes or callables.
 */

const MODULE = 'timm.layers.mlp'

/** The arguments the MLPs share, in timm's order: `in_features, hidden_features=None, out_features=None`. */
const sizes = [any('in_features'), any('hidden_features', { default: NONE }), any('out_features', { default: NONE })]
const tail = [any('device', { default: NONE }), any('dtype', { default: NONE })]
const bias = any('bias', { default: TRUE })
const drop = any('drop', { default: float(0) })

/** What building an MLP needs: its bound arguments and the interpreter. */
class Build {
  readonly dd: Record<string, Value>
  constructor(
    readonly self: Value,
    readonly a: Record<string, Value>,
    readonly span: SourceSpan,
    readonly it: Interpreter,
  ) {
    this.dd = { device: a['device']!, dtype: a['dtype']! }
  }

  /** `x or fallback`. */
  or(x: Value, fallback: Value): Value {
    return this.it.truthy(x, this.span) ? x : fallback
  }

  /** timm's `to_2tuple(x)` as two values. */
  pair(x: Value): [Value, Value] {
    const items = this.it.toArray(ntuple(this.it, 2, x, 'repeat', this.span), this.span)
    return [items[0] ?? NONE, items[1] ?? NONE]
  }

  set(name: string, value: Value): void {
    this.it.setattr(this.self, name, value, this.span)
  }

  call(cls: Value, values: readonly Value[], keywords: Record<string, Value> = {}): Value {
    return this.it.call(cls, callArgs(this.span, values, keywords), this.span)
  }

  linear(inF: Value, outF: Value, b: Value): Value {
    return this.call(nnClass(linear), [inF, outF], { bias: b, ...this.dd })
  }

  conv1x1(inF: Value, outF: Value, b: Value): Value {
    return this.call(nnClass(conv2d), [inF, outF], { kernel_size: int(1), bias: b, ...this.dd })
  }

  dropout(p: Value): Value {
    return this.call(nnClass(dropout), [p])
  }

  /** `norm_layer(features, **dd) if norm_layer is not None else nn.Identity()`. */
  norm(features: Value): Value {
    const norm = this.a['norm_layer']!
    return norm.kind === 'none' ? this.call(nnClass(identity), []) : this.call(norm, [features], this.dd)
  }

  /** `assert features % 2 == 0`, then `features // 2`. */
  half(features: Value): Value {
    const rest = binary(this.it, 'Mod', features, int(2), this.span)
    if (this.it.truthy(rest, this.span)) raise('AssertionError', 'argument-value', '', this.span)
    return binary(this.it, 'FloorDiv', features, int(2), this.span)
  }
}

function mlpClass(name: string, signature: TimmSignature, init: (b: Build) => void, forward: (self: Value, x: Value, span: SourceSpan, it: Interpreter) => Value): PyClass {
  return timmModuleClass({ name, module: MODULE, signature, init: (self, a, span, it) => init(new Build(self, a, span, it)), forward })
}

/**
 * `Mlp(in_features, hidden_features=None, out_features=None, act_layer=nn.GELU, norm_layer=None, bias=True, drop=0.,
 * use_conv=False, device=None, dtype=None)`: `fc1`, `act`, `drop1`, `norm`, `fc2`, `drop2`; 1×1 convolutions with
 * `use_conv`.
 */
function mlp(): PyClass {
  const signature = [...sizes, any('act_layer', { default: nnClass(gelu) }), any('norm_layer', { default: NONE }), bias, drop, any('use_conv', { default: FALSE }), ...tail]
  return mlpClass(
    'Mlp',
    signature,
    (b) => {
      const inF = b.a['in_features']!
      const out = b.or(b.a['out_features']!, inF)
      const hidden = b.or(b.a['hidden_features']!, inF)
      const [bias0, bias1] = b.pair(b.a['bias']!)
      const [drop0, drop1] = b.pair(b.a['drop']!)
      const layer = b.it.truthy(b.a['use_conv']!, b.span) ? b.conv1x1.bind(b) : b.linear.bind(b)
      b.set('fc1', layer(inF, hidden, bias0))
      b.set('act', b.call(b.a['act_layer']!, []))
      b.set('drop1', b.dropout(drop0))
      b.set('norm', b.norm(hidden))
      b.set('fc2', layer(hidden, out, bias1))
      b.set('drop2', b.dropout(drop1))
    },
    (self, x, span, it) => runChildren(it, self, ['fc1', 'act', 'drop1', 'norm', 'fc2', 'drop2'], x, span),
  )
}

/**
 * `GluMlp(in_features, hidden_features=None, out_features=None, act_layer=nn.Sigmoid, norm_layer=None, bias=True,
 * drop=0., use_conv=False, gate_last=True, device=None, dtype=None)`: `fc1` to `hidden_features` (even), whose output
 * is chunked in two along the features (`chunk_dim`: 1 with `use_conv`, else -1); one half gates the other through
 * `act` (the second half with `gate_last`); then `drop1`, `norm` and `fc2` on half the width, `drop2`.
 */
function gluMlp(): PyClass {
  const signature = [...sizes, any('act_layer', { default: nnClass(sigmoid) }), any('norm_layer', { default: NONE }), bias, drop, any('use_conv', { default: FALSE }), any('gate_last', { default: TRUE }), ...tail]
  return mlpClass(
    'GluMlp',
    signature,
    (b) => {
      const inF = b.a['in_features']!
      const out = b.or(b.a['out_features']!, inF)
      const hidden = b.or(b.a['hidden_features']!, inF)
      const half = b.half(hidden)
      const [bias0, bias1] = b.pair(b.a['bias']!)
      const [drop0, drop1] = b.pair(b.a['drop']!)
      const conv = b.it.truthy(b.a['use_conv']!, b.span)
      const layer = conv ? b.conv1x1.bind(b) : b.linear.bind(b)
      b.set('chunk_dim', int(conv ? 1 : -1))
      b.set('gate_last', b.a['gate_last']!)
      b.set('fc1', layer(inF, hidden, bias0))
      b.set('act', b.call(b.a['act_layer']!, []))
      b.set('drop1', b.dropout(drop0))
      b.set('norm', b.norm(half))
      b.set('fc2', layer(half, out, bias1))
      b.set('drop2', b.dropout(drop1))
    },
    (self, x, span, it) => {
      const h = runChildren(it, self, ['fc1'], x, span)
      const [x1, x2] = it.toArray(method(it, h, 'chunk', span, [int(2)], { dim: it.getattr(self, 'chunk_dim', span) }), span) as [Value, Value]
      const act = (v: Value): Value => runChildren(it, self, ['act'], v, span)
      const gated = it.truthy(it.getattr(self, 'gate_last', span), span) ? binary(it, 'Mult', x1, act(x2), span) : binary(it, 'Mult', act(x1), x2, span)
      return runChildren(it, self, ['drop1', 'norm', 'fc2', 'drop2'], gated, span)
    },
  )
}

/** `SwiGLUPacked = partial(GluMlp, act_layer=nn.SiLU, gate_last=False)`: makes a `GluMlp`. */
function swiGluPacked(glu: Value): Value {
  return native(`${MODULE}.SwiGLUPacked`, (args, span, it) => {
    const given = new Set(args.map((a) => a.name))
    const defaults: ArgValue[] = []
    if (!given.has('act_layer')) defaults.push({ name: 'act_layer', value: nnClass(silu), span, valueSpan: span })
    if (!given.has('gate_last')) defaults.push({ name: 'gate_last', value: FALSE, span, valueSpan: span })
    return it!.call(glu, [...args, ...defaults], span)
  })
}

/**
 * `SwiGLU(in_features, hidden_features=None, out_features=None, act_layer=nn.SiLU, norm_layer=None, bias=True,
 * drop=0., align_to=0, device=None, dtype=None)`: `fc1_g` and `fc1_x` to `hidden_features` (rounded up to a multiple
 * of `align_to`), `act(fc1_g(x)) * fc1_x(x)`, then `drop1`, `norm`, `fc2`, `drop2`.
 */
function swiGlu(): PyClass {
  const signature = [...sizes, any('act_layer', { default: nnClass(silu) }), any('norm_layer', { default: NONE }), bias, drop, any('align_to', { default: int(0) }), ...tail]
  return mlpClass(
    'SwiGLU',
    signature,
    (b) => {
      const inF = b.a['in_features']!
      const out = b.or(b.a['out_features']!, inF)
      let hidden = b.or(b.a['hidden_features']!, inF)
      const [bias0, bias1] = b.pair(b.a['bias']!)
      const [drop0, drop1] = b.pair(b.a['drop']!)
      const align = b.a['align_to']!
      if (b.it.truthy(align, b.span)) hidden = binary(b.it, 'Add', hidden, binary(b.it, 'Mod', binary(b.it, 'Sub', int(0), hidden, b.span), align, b.span), b.span)
      b.set('fc1_g', b.linear(inF, hidden, bias0))
      b.set('fc1_x', b.linear(inF, hidden, bias0))
      b.set('act', b.call(b.a['act_layer']!, []))
      b.set('drop1', b.dropout(drop0))
      b.set('norm', b.norm(hidden))
      b.set('fc2', b.linear(hidden, out, bias1))
      b.set('drop2', b.dropout(drop1))
    },
    (self, x, span, it) => {
      const gate = runChildren(it, self, ['fc1_g'], x, span)
      const value = runChildren(it, self, ['fc1_x'], x, span)
      const y = binary(it, 'Mult', runChildren(it, self, ['act'], gate, span), value, span)
      return runChildren(it, self, ['drop1', 'norm', 'fc2', 'drop2'], y, span)
    },
  )
}

/**
 * `GatedMlp(in_features, hidden_features=None, out_features=None, act_layer=nn.GELU, norm_layer=None,
 * gate_layer=None, bias=True, drop=0., device=None, dtype=None)` (gMLP): `fc1`, `act`, `drop1`, `gate` (made as
 * `gate_layer(hidden_features, **dd)`, after which the width is halved; `nn.Identity` without one), `norm`, `fc2`,
 * `drop2`.
 */
function gatedMlp(): PyClass {
  const signature = [...sizes, any('act_layer', { default: nnClass(gelu) }), any('norm_layer', { default: NONE }), any('gate_layer', { default: NONE }), bias, drop, ...tail]
  return mlpClass(
    'GatedMlp',
    signature,
    (b) => {
      const inF = b.a['in_features']!
      const out = b.or(b.a['out_features']!, inF)
      let hidden = b.or(b.a['hidden_features']!, inF)
      const [bias0, bias1] = b.pair(b.a['bias']!)
      const [drop0, drop1] = b.pair(b.a['drop']!)
      b.set('fc1', b.linear(inF, hidden, bias0))
      b.set('act', b.call(b.a['act_layer']!, []))
      b.set('drop1', b.dropout(drop0))
      const gate = b.a['gate_layer']!
      if (gate.kind !== 'none') {
        const half = b.half(hidden)
        b.set('gate', b.call(gate, [hidden], b.dd))
        hidden = half
      } else {
        b.set('gate', b.call(nnClass(identity), []))
      }
      b.set('norm', b.norm(hidden))
      b.set('fc2', b.linear(hidden, out, bias1))
      b.set('drop2', b.dropout(drop1))
    },
    (self, x, span, it) => runChildren(it, self, ['fc1', 'act', 'drop1', 'gate', 'norm', 'fc2', 'drop2'], x, span),
  )
}

/** The classes of `timm.layers.mlp` that nnsize models, by name. */
export interface TimmMlps {
  Mlp: Value
  GluMlp: Value
  SwiGLUPacked: Value
  SwiGLU: Value
  GatedMlp: Value
}

/** Makes the MLP classes (once per namespace). */
export function timmMlps(): TimmMlps {
  const GluMlp = gluMlp().value
  return { Mlp: mlp().value, GluMlp, SwiGLUPacked: swiGluPacked(GluMlp), SwiGLU: swiGlu().value, GatedMlp: gatedMlp().value }
}
