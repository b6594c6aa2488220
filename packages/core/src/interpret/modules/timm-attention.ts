import type { SourceSpan } from '../../errors.js'
import { any } from '../../bind/args.js'
import { bindArguments } from '../../bind/bind.js'
import { dropout } from '../../layers/dropout.js'
import { identity, linear } from '../../layers/linear.js'
import { raise } from '../exceptions.js'
import type { Interpreter } from '../interpreter.js'
import { binary, unary } from '../operators.js'
import { FALSE, NONE, TRUE, bool, float, int, native, tuple } from '../../contract/values.js'
import type { CallableValue, NamespaceValue, PyClass, Value } from '../../contract/values.js'
import { functionalNamespace } from './functional.js'
import { callArgs, method, nnClass, timmModuleClass } from './timm-classes.js'

/**
 * timm 1.0.29's `Attention(dim, num_heads=8, attn_head_dim=None, dim_out=None, qkv_bias=False, qk_norm=False,
 * scale_norm=False, proj_bias=True, gated=False, attn_drop=0., proj_drop=0., norm_layer=None, device=None,
 * dtype=None)` (`timm.layers.attention`, imported by model files from `timm.models.vision_transformer`): the
 * attributes `num_heads`, `head_dim` (`dim // num_heads` unless given), `attn_dim`, `scale` and `fused_attn`
 * (`use_fused_attn()`), then the children `qkv`, `q_norm`, `k_norm` (`norm_layer(head_dim)` with `qk_norm`, else
 * `nn.Identity`), `attn_drop`, `norm` (`norm_layer(attn_dim)` with `scale_norm`), `gate` (a linear with `gated`, else
 * the plain attribute `None`), `proj`, `proj_drop`. Its forward `(x, attn_mask=None, is_causal=False)` runs as
 * timm's: `qkv` reshaped to `(3, B, heads, N, head_dim)` and unbound, `F.scaled_dot_product_attention` when
 * `fused_attn` (dropout `attn_drop.p` in training), else `q * scale @ kᵀ`, the causal or given mask added, softmax
 * and `attn_drop`, `@ v`; then `norm`, the sigmoid gate, `proj`, `proj_drop`.
 */

const MODULE = 'timm.layers.attention'

let functional: NamespaceValue | undefined

const signature = [
  any('dim'),
  any('num_heads', { default: int(8) }),
  any('attn_head_dim', { default: NONE }),
  any('dim_out', { default: NONE }),
  any('qkv_bias', { default: FALSE }),
  any('qk_norm', { default: FALSE }),
  any('scale_norm', { default: FALSE }),
  any('proj_bias', { default: TRUE }),
  any('gated', { default: FALSE }),
  any('attn_drop', { default: float(0) }),
  any('proj_drop', { default: float(0) }),
  any('norm_layer', { default: NONE }),
  any('device', { default: NONE }),
  any('dtype', { default: NONE }),
]

/** `assert condition, message`. */
function check(condition: boolean, message: string, span: SourceSpan): void {
  if (!condition) raise('AssertionError', 'argument-value', message, span)
}

/**
 * timm's `resolve_self_attn_mask(N, attn, attn_mask, is_causal)` added to the scores (`maybe_add_mask`): an upper
 * triangle of `-inf` (`attn.new_full((N, N), -inf).triu_(1)`) when causal, a boolean mask turned into `-inf` where it
 * is False (`zeros_like(mask, dtype=attn.dtype).masked_fill_(~mask, -inf)`), any other mask as it is.
 */
function maskedScores(it: Interpreter, attn: Value, n: Value, mask: Value, causal: boolean, span: SourceSpan): Value {
  let bias: Value | undefined
  if (causal) bias = method(it, method(it, attn, 'new_full', span, [tuple([n, n]), float(-Infinity)]), 'triu_', span, [int(1)])
  else if (mask.kind === 'none') bias = undefined
  else if (mask.kind === 'tensor' && mask.dtype === 'bool') {
    // `torch.zeros_like(mask, dtype=attn.dtype)`: a new tensor of the mask's shape in the scores' dtype.
    const zeros = method(it, attn, 'new_zeros', span, [it.getattr(mask, 'shape', span)])
    bias = method(it, zeros, 'masked_fill_', span, [unary(it, 'Invert', mask, span), float(-Infinity)])
  } else bias = mask
  return bias === undefined ? attn : binary(it, 'Add', attn, bias, span)
}

/** The class (see the file's comment). */
export function timmAttentionClass(useFusedAttn: CallableValue): PyClass {
  const cls = timmModuleClass({
    name: 'Attention',
    module: MODULE,
    signature,
    init(self, a, span, it) {
      const dd = { device: a['device']!, dtype: a['dtype']! }
      const set = (name: string, value: Value): void => it.setattr(self, name, value, span)
      const make = (c: Value, values: readonly Value[], keywords: Record<string, Value> = {}): Value => it.call(c, callArgs(span, values, keywords), span)
      const dim = a['dim']!
      const heads = a['num_heads']!
      const dimOut = it.truthy(a['dim_out']!, span) ? a['dim_out']! : dim
      let headDim = a['attn_head_dim']!
      if (headDim.kind === 'none') {
        check(!it.truthy(binary(it, 'Mod', dim, heads, span), span), 'dim should be divisible by num_heads', span)
        headDim = binary(it, 'FloorDiv', dim, heads, span)
      }
      const norm = a['norm_layer']!
      const qkNorm = it.truthy(a['qk_norm']!, span)
      const scaleNorm = it.truthy(a['scale_norm']!, span)
      if (qkNorm || scaleNorm) check(norm.kind !== 'none', 'norm_layer must be provided if qk_norm or scale_norm is True', span)
      const attnDim = binary(it, 'Mult', heads, headDim, span)
      set('num_heads', heads)
      set('head_dim', headDim)
      set('attn_dim', attnDim)
      set('scale', binary(it, 'Pow', headDim, float(-0.5), span))
      set('fused_attn', it.call(useFusedAttn, [], span))
      const identityModule = (): Value => make(nnClass(identity), [])
      set('qkv', make(nnClass(linear), [dim, binary(it, 'Mult', attnDim, int(3), span)], { bias: a['qkv_bias']!, ...dd }))
      set('q_norm', qkNorm ? make(norm, [headDim], dd) : identityModule())
      set('k_norm', qkNorm ? make(norm, [headDim], dd) : identityModule())
      set('attn_drop', make(nnClass(dropout), [a['attn_drop']!]))
      set('norm', scaleNorm ? make(norm, [attnDim], dd) : identityModule())
      set('gate', it.truthy(a['gated']!, span) ? make(nnClass(linear), [dim, attnDim], { bias: a['qkv_bias']!, ...dd }) : NONE)
      set('proj', make(nnClass(linear), [attnDim, dimOut], { bias: a['proj_bias']!, ...dd }))
      set('proj_drop', make(nnClass(dropout), [a['proj_drop']!]))
    },
    // Replaced below: timm's forward takes `attn_mask` and `is_causal` besides the tensor.
    forward: () => NONE,
  })
  cls.dict.set(
    'forward',
    native(
      `${MODULE}.Attention.forward`,
      (args, span, it) => {
        const bound = bindArguments('Attention.forward', [any('self'), any('x'), any('attn_mask', { default: NONE }), any('is_causal', { default: FALSE })], args, span).values as Record<string, Value>
        return attentionForward(it!, bound['self']!, bound['x']!, bound['attn_mask']!, it!.truthy(bound['is_causal']!, span), span)
      },
      { binds: true },
    ),
  )
  return cls
}

function attentionForward(it: Interpreter, self: Value, x: Value, mask: Value, causal: boolean, span: SourceSpan): Value {
  functional ??= functionalNamespace()
  const attr = (name: string): Value => it.getattr(self, name, span)
  const run = (name: string, input: Value): Value => it.call(attr(name), callArgs(span, [input]), span)
  const sizes = it.toArray(it.getattr(x, 'shape', span), span)
  if (sizes.length !== 3) raise('ValueError', 'shape', sizes.length < 3 ? `not enough values to unpack (expected 3, got ${sizes.length})` : 'too many values to unpack (expected 3)', span)
  const [b, n] = sizes as [Value, Value, Value]
  const gateModule = attr('gate')
  const gate = gateModule.kind === 'none' ? undefined : method(it, run('gate', x), 'sigmoid', span)
  const qkv = method(it, method(it, run('qkv', x), 'reshape', span, [b, n, int(3), attr('num_heads'), attr('head_dim')]), 'permute', span, [int(2), int(0), int(3), int(1), int(4)])
  const [q0, k0, v] = it.toArray(method(it, qkv, 'unbind', span, [int(0)]), span) as [Value, Value, Value]
  let q = run('q_norm', q0)
  const k = run('k_norm', k0)
  let y: Value
  if (it.truthy(attr('fused_attn'), span)) {
    const training = it.truthy(attr('training'), span)
    const p = training ? it.getattr(attr('attn_drop'), 'p', span) : float(0)
    y = it.call(functional.members['scaled_dot_product_attention']!, callArgs(span, [q, k, v], { attn_mask: mask, dropout_p: p, is_causal: bool(causal) }), span)
  } else {
    q = binary(it, 'Mult', q, attr('scale'), span)
    let scores = binary(it, 'MatMult', q, method(it, k, 'transpose', span, [int(-2), int(-1)]), span)
    scores = maskedScores(it, scores, n, mask, causal, span)
    scores = method(it, scores, 'softmax', span, [], { dim: int(-1) })
    scores = run('attn_drop', scores)
    y = binary(it, 'MatMult', scores, v, span)
  }
  y = method(it, method(it, y, 'transpose', span, [int(1), int(2)]), 'reshape', span, [b, n, attr('attn_dim')])
  y = run('norm', y)
  if (gate !== undefined) y = binary(it, 'Mult', y, gate, span)
  return run('proj_drop', run('proj', y))
}
