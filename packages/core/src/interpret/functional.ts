import { NnsizeError } from '../errors.js'
import type { SourceSpan } from '../errors.js'
import * as ops from '../forward/ops/index.js'
import type { Tensor } from '../forward/trace.js'
import { scalarTypeName } from '../tensor/dtype.js'
import type { DType } from '../tensor/dtype.js'
import { raise } from './exceptions.js'
import { preservedStrides, setStrides, stridesOf, viewStrides } from '../forward/layout.js'
import { traceOf, viewOf, wrapTensor } from './tensor-methods.js'
import type { TraceOps } from './tensor-methods.js'
import { broadcastShapes, promoteTypes, wrapDimension } from './tensor.js'
import { sdpBackendsOf } from './modules/torch-backends.js'
import { NONE, tuple, typeName } from '../contract/values.js'
import type { ArgValue, TensorValue, Value } from '../contract/values.js'

/**
 * `torch.nn.functional` in a traced `forward`: each function binds its arguments as Python does and runs the
 * kernel of `forward/ops/` that the `nn` layer of the same name runs.
 */

/** Binds call arguments to parameter names, positional first, as Python would. */
function bind(name: string, args: readonly ArgValue[], params: readonly string[], span: SourceSpan): Map<string, Value> {
  const out = new Map<string, Value>()
  let position = 0
  for (const a of args) {
    if (a.name === undefined) {
      const p = params[position++]
      if (p === undefined) raise('TypeError', 'too-many-arguments', `\`F.${name}\` takes at most ${params.length} arguments.`, span)
      out.set(p, a.value)
    } else {
      if (!params.includes(a.name)) raise('TypeError', 'unknown-argument', `\`F.${name}\` has no argument \`${a.name}\`.`, a.span)
      out.set(a.name, a.value)
    }
  }
  return out
}

/** The bound arguments of an `F.<fn>` call ({@link bind}), read as the values PyTorch takes; traced tensors are {@link Args}'. */
class BoundArgs {
  constructor(
    readonly fn: string,
    readonly values: Map<string, Value>,
    readonly span: SourceSpan,
  ) {}
  has(name: string): boolean {
    const v = this.values.get(name)
    return v !== undefined && v.kind !== 'none'
  }
  /** The tensor value `name`, traced or not. */
  tensorValue(name: string): TensorValue {
    const v = this.values.get(name)
    if (v?.kind !== 'tensor') return raise('TypeError', 'argument-type', `\`F.${this.fn}\` needs a tensor \`${name}\`, got ${v ? typeName(v) : 'nothing'}.`, this.span)
    return v
  }
  number(name: string, fallback: number): number {
    const v = this.values.get(name)
    if (v === undefined || v.kind === 'none') return fallback
    if (v.kind === 'int') return Number(v.value)
    if (v.kind === 'float') return v.value
    if (v.kind === 'bool') return v.value ? 1 : 0
    return raise('TypeError', 'argument-type', `\`${name}\` of \`F.${this.fn}\` must be a number, got ${typeName(v)}.`, this.span)
  }
  str(name: string, fallback: string): string {
    const v = this.values.get(name)
    if (v === undefined || v.kind === 'none') return fallback
    if (v.kind !== 'str') return raise('TypeError', 'argument-type', `\`${name}\` of \`F.${this.fn}\` must be a string, got ${typeName(v)}.`, this.span)
    return v.value
  }
  /** An int or a tuple of ints, repeated to `n` values. */
  ints(name: string, n: number, fallback: readonly number[] | undefined): number[] {
    const v = this.values.get(name)
    if (v === undefined || v.kind === 'none') {
      if (fallback === undefined) return raise('TypeError', 'missing-argument', `\`F.${this.fn}\` needs \`${name}\`.`, this.span)
      return [...fallback]
    }
    const items = v.kind === 'tuple' || v.kind === 'list' ? v.items : Array<Value>(n).fill(v)
    return items.map((x) => (x.kind === 'int' ? Number(x.value) : raise('TypeError', 'argument-type', `\`${name}\` of \`F.${this.fn}\` must be ints.`, this.span)))
  }
  intsOrNull(name: string): number[] | null {
    const v = this.values.get(name)
    if (v === undefined || v.kind === 'none') return null
    const items = v.kind === 'tuple' || v.kind === 'list' ? v.items : [v]
    return items.map((x) => (x.kind === 'int' ? Number(x.value) : x.kind === 'float' ? x.value : raise('TypeError', 'argument-type', `\`${name}\` of \`F.${this.fn}\` must be numbers.`, this.span)))
  }
}

/** The bound arguments of an `F.<fn>` call in a traced `forward`. */
class Args extends BoundArgs {
  constructor(
    readonly t: TraceOps,
    fn: string,
    values: Map<string, Value>,
    span: SourceSpan,
  ) {
    super(fn, values, span)
  }
  tensor(name: string): Tensor {
    return traceOf(this.t, this.tensorValue(name))
  }
  optionalTensor(name: string): Tensor | null {
    return this.has(name) ? this.tensor(name) : null
  }
  bool(name: string, fallback: boolean): boolean {
    const v = this.values.get(name)
    return v === undefined || v.kind === 'none' ? fallback : this.t.it.truthy(v, this.span)
  }
}

/**
 * `F.pad`'s padding and mode, with the shape they give an input of `shape` ({@link ops.paddedShape}); PyTorch's refusal
 * is raised at the call.
 */
function padArguments(a: BoundArgs, shape: readonly number[]): { padding: number[]; mode: string; padded: bigint[] } {
  const mode = a.str('mode', 'constant')
  const padding = a.ints('pad', 1, undefined)
  const padded = ops.paddedShape(shape, padding, mode)
  if ('refusal' in padded) return raise(padded.exception, 'argument-value', `\`F.pad\` ${padded.refusal}`, a.span)
  return { padding, mode, padded: padded.shape }
}

const activations: Record<string, { params: string[]; run: (t: TraceOps, x: Tensor, inplace: boolean) => Tensor }> = {
  relu: { params: ['input', 'inplace'], run: (t, x, inplace) => ops.relu(t.ctx, x, { inplace }) },
  relu6: { params: ['input', 'inplace'], run: (t, x, inplace) => ops.relu6(t.ctx, x, { inplace }) },
  hardtanh: { params: ['input', 'min_val', 'max_val', 'inplace'], run: (t, x, inplace) => ops.hardtanh(t.ctx, x, { inplace }) },
  leaky_relu: { params: ['input', 'negative_slope', 'inplace'], run: (t, x, inplace) => ops.leakyRelu(t.ctx, x, { inplace }) },
  elu: { params: ['input', 'alpha', 'inplace'], run: (t, x, inplace) => ops.elu(t.ctx, x, { inplace }) },
  selu: { params: ['input', 'inplace'], run: (t, x, inplace) => ops.selu(t.ctx, x, { inplace }) },
  celu: { params: ['input', 'alpha', 'inplace'], run: (t, x, inplace) => ops.celu(t.ctx, x, { inplace }) },
  silu: { params: ['input', 'inplace'], run: (t, x, inplace) => ops.silu(t.ctx, x, { inplace }) },
  mish: { params: ['input', 'inplace'], run: (t, x, inplace) => ops.mish(t.ctx, x, { inplace }) },
  hardsigmoid: { params: ['input', 'inplace'], run: (t, x, inplace) => ops.hardsigmoid(t.ctx, x, { inplace }) },
  hardswish: { params: ['input', 'inplace'], run: (t, x, inplace) => ops.hardswish(t.ctx, x, { inplace }) },
  threshold: { params: ['input', 'threshold', 'value', 'inplace'], run: (t, x, inplace) => ops.threshold(t.ctx, x, { inplace }) },
  gelu: { params: ['input', 'approximate'], run: (t, x) => ops.gelu(t.ctx, x) },
  sigmoid: { params: ['input'], run: (t, x) => ops.sigmoid(t.ctx, x) },
  tanh: { params: ['input'], run: (t, x) => ops.tanh(t.ctx, x) },
  softplus: { params: ['input', 'beta', 'threshold'], run: (t, x) => ops.softplus(t.ctx, x) },
  hardshrink: { params: ['input', 'lambd'], run: (t, x) => ops.hardshrink(t.ctx, x) },
  softshrink: { params: ['input', 'lambd'], run: (t, x) => ops.softshrink(t.ctx, x) },
  tanhshrink: { params: ['input'], run: (t, x) => ops.tanhshrink(t.ctx, x) },
  softsign: { params: ['input'], run: (t, x) => ops.softsign(t.ctx, x) },
  logsigmoid: { params: ['input'], run: (t, x) => ops.logsigmoid(t.ctx, x) },
}

function reduction(a: Args): ops.Reduction {
  const r = a.str('reduction', 'mean')
  if (r !== 'none' && r !== 'mean' && r !== 'sum') return raise('ValueError', 'argument-value', `\`${r}\` is not a valid value for reduction: use \`mean\`, \`sum\` or \`none\`.`, a.span)
  return r
}

type Functional = (a: Args) => Tensor | Tensor[]

const pools = (dims: number): Record<string, { params: string[]; run: Functional }> => ({
  [`max_pool${dims}d`]: {
    params: ['input', 'kernel_size', 'stride', 'padding', 'dilation', 'ceil_mode', 'return_indices'],
    run: (a) => {
      const kernel = a.ints('kernel_size', dims, undefined)
      const w = { kernel, stride: a.ints('stride', dims, kernel), padding: a.ints('padding', dims, Array(dims).fill(0)), dilation: a.ints('dilation', dims, Array(dims).fill(1)), ceilMode: a.bool('ceil_mode', false) }
      const { values, indices } = ops.maxPool(a.t.ctx, a.tensor('input'), dims, w)
      return a.bool('return_indices', false) ? [values, indices] : values
    },
  },
  [`max_unpool${dims}d`]: {
    params: ['input', 'indices', 'kernel_size', 'stride', 'padding', 'output_size'],
    run: (a) => {
      const kernel = a.ints('kernel_size', dims, undefined)
      const outputSize = a.intsOrNull('output_size')
      return ops.maxUnpool(a.t.ctx, a.tensor('input'), a.tensor('indices'), dims, kernel, a.ints('stride', dims, kernel), a.ints('padding', dims, Array(dims).fill(0)), outputSize ?? undefined)
    },
  },
  [`avg_pool${dims}d`]: {
    params: ['input', 'kernel_size', 'stride', 'padding', 'ceil_mode', 'count_include_pad', 'divisor_override'],
    run: (a) => {
      const kernel = a.ints('kernel_size', dims, undefined)
      return ops.avgPool(a.t.ctx, a.tensor('input'), dims, { kernel, stride: a.ints('stride', dims, kernel), padding: a.ints('padding', dims, Array(dims).fill(0)), ceilMode: a.bool('ceil_mode', false) })
    },
  },
  [`adaptive_avg_pool${dims}d`]: {
    params: ['input', 'output_size'],
    run: (a) => ops.adaptiveAvgPool(a.t.ctx, a.tensor('input'), dims, a.ints('output_size', dims, undefined)),
  },
  [`adaptive_max_pool${dims}d`]: {
    params: ['input', 'output_size', 'return_indices'],
    run: (a) => {
      const { values, indices } = ops.adaptiveMaxPool(a.t.ctx, a.tensor('input'), dims, a.ints('output_size', dims, undefined))
      return a.bool('return_indices', false) ? [values, indices] : values
    },
  },
  [`conv${dims}d`]: {
    params: ['input', 'weight', 'bias', 'stride', 'padding', 'dilation', 'groups'],
    run: (a) => {
      const pad = a.values.get('padding')
      const padding = pad?.kind === 'str' ? (pad.value as 'same' | 'valid') : a.ints('padding', dims, Array(dims).fill(0))
      const [x, weight] = [a.tensor('input'), a.tensor('weight')]
      if (weight.shape.length !== dims + 2 || (x.shape.length !== dims + 1 && x.shape.length !== dims + 2)) {
        return raise('RuntimeError', 'shape', `\`F.conv${dims}d\` takes a weight of ${dims + 2} dimensions and an input of ${dims + 1} or ${dims + 2}, got (${weight.shape.join(', ')}) and (${x.shape.join(', ')}).`, a.span)
      }
      return ops.conv(a.t.ctx, x, weight, a.optionalTensor('bias'), { stride: a.ints('stride', dims, Array(dims).fill(1)), padding, dilation: a.ints('dilation', dims, Array(dims).fill(1)), groups: a.number('groups', 1) })
    },
  },
})

/**
 * The input of `F.softmax(x, dim, dtype=…)` (and `log_softmax`, `softmin`): with a `dtype`, PyTorch first casts `x`
 * to it (a new tensor, which the cast's backward keeps nothing of), so the result and what it saves are of that dtype.
 */
function castForSoftmax(a: Args): Tensor {
  const x = a.tensor('input')
  const d = a.values.get('dtype')
  if (d === undefined || d.kind === 'none') return x
  if (d.kind !== 'dtype') return raise('TypeError', 'argument-type', `\`dtype\` of \`F.${a.fn}\` must be a torch.dtype, got ${typeName(d)}.`, a.span)
  return d.dtype === x.dtype ? x : ops.result(a.t.ctx, x.shape, d.dtype, [x])
}

const functions: Record<string, { params: string[]; run: Functional }> = {
  ...pools(1),
  ...pools(2),
  ...pools(3),
  softmax: { params: ['input', 'dim', '_stacklevel', 'dtype'], run: (a) => ops.softmax(a.t.ctx, castForSoftmax(a), dimOf(a, 'dim')) },
  log_softmax: { params: ['input', 'dim', '_stacklevel', 'dtype'], run: (a) => ops.logSoftmax(a.t.ctx, castForSoftmax(a), dimOf(a, 'dim')) },
  softmin: { params: ['input', 'dim', '_stacklevel', 'dtype'], run: (a) => ops.softmin(a.t.ctx, castForSoftmax(a), dimOf(a, 'dim')) },
  dropout: { params: ['input', 'p', 'training', 'inplace'], run: (a) => ops.dropout(a.t.ctx, a.tensor('input'), { p: a.number('p', 0.5), training: a.bool('training', true), inplace: a.bool('inplace', false) }) },
  dropout1d: { params: ['input', 'p', 'training', 'inplace'], run: (a) => featureDropout(a) },
  dropout2d: { params: ['input', 'p', 'training', 'inplace'], run: (a) => featureDropout(a) },
  dropout3d: { params: ['input', 'p', 'training', 'inplace'], run: (a) => featureDropout(a) },
  alpha_dropout: { params: ['input', 'p', 'training', 'inplace'], run: (a) => ops.alphaDropout(a.t.ctx, a.tensor('input'), { p: a.number('p', 0.5), training: a.bool('training', false) }) },
  linear: { params: ['input', 'weight', 'bias'], run: (a) => ops.linear(a.t.ctx, a.tensor('input'), a.tensor('weight'), a.optionalTensor('bias')) },
  embedding: { params: ['input', 'weight', 'padding_idx', 'max_norm', 'norm_type', 'scale_grad_by_freq', 'sparse'], run: (a) => ops.embedding(a.t.ctx, a.tensor('input'), a.tensor('weight')) },
  layer_norm: { params: ['input', 'normalized_shape', 'weight', 'bias', 'eps'], run: (a) => ops.layerNorm(a.t.ctx, a.tensor('input'), a.ints('normalized_shape', 1, undefined), a.optionalTensor('weight'), a.optionalTensor('bias')) },
  rms_norm: { params: ['input', 'normalized_shape', 'weight', 'eps'], run: (a) => ops.rmsNorm(a.t.ctx, a.tensor('input'), a.ints('normalized_shape', 1, undefined), a.optionalTensor('weight')) },
  group_norm: { params: ['input', 'num_groups', 'weight', 'bias', 'eps'], run: (a) => groupNorm(a) },
  glu: { params: ['input', 'dim'], run: (a) => glu(a) },
  prelu: { params: ['input', 'weight'], run: (a) => prelu(a) },
  one_hot: { params: ['tensor', 'num_classes'], run: (a) => oneHot(a) },
  scaled_dot_product_attention: {
    params: ['query', 'key', 'value', 'attn_mask', 'dropout_p', 'is_causal', 'scale', 'enable_gqa'],
    run: (a) => attention(a),
  },
  cross_entropy: {
    params: ['input', 'target', 'weight', 'size_average', 'ignore_index', 'reduce', 'reduction', 'label_smoothing'],
    run: (a) => ops.crossEntropy(a.t.ctx, a.tensor('input'), a.tensor('target'), a.optionalTensor('weight'), reduction(a), a.number('label_smoothing', 0)),
  },
  nll_loss: {
    params: ['input', 'target', 'weight', 'size_average', 'ignore_index', 'reduce', 'reduction'],
    run: (a) => ops.nllLoss(a.t.ctx, a.tensor('input'), a.tensor('target'), a.optionalTensor('weight'), reduction(a)),
  },
  mse_loss: { params: ['input', 'target', 'size_average', 'reduce', 'reduction', 'weight'], run: (a) => ops.fusedPairLoss(a.t.ctx, a.tensor('input'), a.tensor('target'), reduction(a)) },
  kl_div: {
    params: ['input', 'target', 'size_average', 'reduce', 'reduction', 'log_target'],
    run: (a) => ops.klDiv(a.t.ctx, a.tensor('input'), a.tensor('target'), a.str('reduction', 'mean') === 'batchmean' ? 'batchmean' : reduction(a), a.bool('log_target', false)),
  },
  l1_loss: { params: ['input', 'target', 'size_average', 'reduce', 'reduction'], run: (a) => ops.l1Loss(a.t.ctx, a.tensor('input'), a.tensor('target'), reduction(a)) },
  smooth_l1_loss: { params: ['input', 'target', 'size_average', 'reduce', 'reduction', 'beta'], run: (a) => ops.smoothL1Loss(a.t.ctx, a.tensor('input'), a.tensor('target'), reduction(a), a.number('beta', 1)) },
  binary_cross_entropy: { params: ['input', 'target', 'weight', 'size_average', 'reduce', 'reduction'], run: (a) => ops.fusedPairLoss(a.t.ctx, a.tensor('input'), a.tensor('target'), reduction(a), [a.optionalTensor('weight')]) },
  binary_cross_entropy_with_logits: { params: ['input', 'target', 'weight', 'size_average', 'reduce', 'reduction', 'pos_weight'], run: (a) => ops.fusedPairLoss(a.t.ctx, a.tensor('input'), a.tensor('target'), reduction(a), [a.optionalTensor('weight'), a.optionalTensor('pos_weight')]) },
  pad: {
    params: ['input', 'pad', 'mode', 'value'],
    run: (a) => {
      const x = a.tensor('input')
      const { padding, mode, padded } = padArguments(a, x.shape)
      return ops.pad(a.t.ctx, x, padding, mode, padded)
    },
  },
  interpolate: { params: ['input', 'size', 'scale_factor', 'mode', 'align_corners', 'recompute_scale_factor', 'antialias'], run: (a) => interpolate(a) },
  // the deprecated aliases: `upsample` is `interpolate` without the last two arguments, `upsample_nearest` its
  // nearest mode and `upsample_bilinear` its bilinear mode with `align_corners=True`
  upsample: { params: ['input', 'size', 'scale_factor', 'mode', 'align_corners'], run: (a) => interpolate(a) },
  upsample_nearest: { params: ['input', 'size', 'scale_factor'], run: (a) => interpolate(a, { mode: 'nearest', alignCorners: null }) },
  upsample_bilinear: { params: ['input', 'size', 'scale_factor'], run: (a) => interpolate(a, { mode: 'bilinear', alignCorners: true }) },
  multi_head_attention_forward: {
    params: ['query', 'key', 'value', 'embed_dim_to_check', 'num_heads', 'in_proj_weight', 'in_proj_bias', 'bias_k', 'bias_v', 'add_zero_attn', 'dropout_p', 'out_proj_weight', 'out_proj_bias', 'training', 'key_padding_mask', 'need_weights', 'attn_mask', 'use_separate_proj_weight', 'q_proj_weight', 'k_proj_weight', 'v_proj_weight', 'static_k', 'static_v', 'average_attn_weights', 'is_causal'],
    run: (a) => multiHeadAttentionForward(a),
  },
  cosine_similarity: { params: ['x1', 'x2', 'dim', 'eps'], run: (a) => cosineSimilarity(a) },
  pairwise_distance: { params: ['x1', 'x2', 'p', 'eps', 'keepdim'], run: (a) => pairwiseDistance(a) },
  normalize: {
    params: ['input', 'p', 'dim', 'eps', 'out'],
    run: (a) => {
      // `x / x.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(x)`: the norm keeps its input and result,
      // `clamp_min` its input, the division both operands.
      const x = a.tensor('input')
      const dim = wrapDimension(a.number('dim', 1), x.shape.length, a.span)
      const reduced = x.shape.map((d, i) => (i === dim ? 1 : d))
      const norm = ops.result(a.t.ctx, reduced, x.dtype, [x])
      ops.saveIf(a.t.ctx, x.requiresGrad, x, norm)
      const clamped = ops.result(a.t.ctx, reduced, x.dtype, [norm])
      ops.saveIf(a.t.ctx, x.requiresGrad, norm)
      const expanded = viewOf(a.t, clamped, x.shape, reduced.map((d, i) => (d === 1 && x.shape[i] !== 1 ? 0 : 1)))
      return ops.div(a.t.ctx, x, expanded)
    },
  },
}

/**
 * `F.interpolate(input, size, scale_factor, mode, align_corners, recompute_scale_factor)`, and its aliases with their
 * `mode` and `align_corners` fixed (`fixed`).
 */
function interpolate(a: Args, fixed?: { mode: ops.InterpolateMode; alignCorners: boolean | null }): Tensor {
  const mode = fixed?.mode ?? a.str('mode', 'nearest')
  if (!(ops.interpolateModes as readonly string[]).includes(mode)) return raise('ValueError', 'argument-value', `\`${mode}\` is not an interpolation mode.`, a.span)
  const size = a.intsOrNull('size')
  const scale = a.intsOrNull('scale_factor')
  const one = (v: number[] | null): number | number[] | null => (v === null ? null : a.values.get(v === size ? 'size' : 'scale_factor')?.kind === 'tuple' || a.values.get(v === size ? 'size' : 'scale_factor')?.kind === 'list' ? v : v[0]!)
  const alignCorners = fixed ? fixed.alignCorners : a.has('align_corners') ? a.bool('align_corners', false) : null
  const recompute = a.has('recompute_scale_factor') ? a.bool('recompute_scale_factor', false) : null
  return ops.interpolate(a.t.ctx, a.tensor('input'), { size: one(size), scaleFactor: one(scale), mode: mode as ops.InterpolateMode, alignCorners, recomputeScaleFactor: recompute })
}

/**
 * `F.multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, …)`, which
 * `nn.MultiheadAttention` runs (sequence first): the same rule as the module, with the weights given as arguments
 * (`use_separate_proj_weight=True` takes `q_proj_weight`, `k_proj_weight`, `v_proj_weight`), its masks and
 * `is_causal`. Returns the output and the weights (averaged over heads unless `average_attn_weights=False`), or the
 * output alone with `need_weights=False`.
 */
function multiHeadAttentionForward(a: Args): Tensor[] {
  if (a.optionalTensor('static_k') || a.optionalTensor('static_v')) return raise('RuntimeError', 'unsupported', '`F.multi_head_attention_forward` with `static_k` or `static_v` is not supported yet.', a.span)
  const query = a.tensor('query')
  const embedDim = query.shape.at(-1)
  if (embedDim !== a.number('embed_dim_to_check', 0)) return raise('AssertionError', 'shape', `was expecting embedding dimension of ${a.number('embed_dim_to_check', 0)}, but got ${embedDim ?? 0}`, a.span)
  const separate = a.bool('use_separate_proj_weight', false)
  return ops.multiheadAttention(
    a.t.ctx,
    query,
    a.tensor('key'),
    a.tensor('value'),
    {
      inProj: separate ? null : a.tensor('in_proj_weight'),
      qProj: separate ? a.tensor('q_proj_weight') : null,
      kProj: separate ? a.tensor('k_proj_weight') : null,
      vProj: separate ? a.tensor('v_proj_weight') : null,
      inProjBias: a.optionalTensor('in_proj_bias'),
      biasK: a.optionalTensor('bias_k'),
      biasV: a.optionalTensor('bias_v'),
      outProj: a.tensor('out_proj_weight'),
      outProjBias: a.optionalTensor('out_proj_bias'),
    },
    {
      numHeads: a.number('num_heads', 1),
      dropoutP: a.number('dropout_p', 0),
      training: a.bool('training', true),
      addZeroAttn: a.bool('add_zero_attn', false),
      batchFirst: false,
      needWeights: a.bool('need_weights', true),
      averageWeights: a.bool('average_attn_weights', true),
      attnMask: a.optionalTensor('attn_mask'),
      keyPaddingMask: a.optionalTensor('key_padding_mask'),
      isCausal: a.bool('is_causal', false),
    },
  )
}

/**
 * `F.cosine_similarity(x1, x2, dim=1, eps=1e-8)` with PyTorch 2.13's checks (a floating common dtype, broadcastable
 * operands, `dim` within the broadcast shape), run as ATen composes it ({@link ops.cosineSimilarity}).
 */
function cosineSimilarity(a: Args): Tensor {
  const [x1, x2] = [a.tensor('x1'), a.tensor('x2')]
  const dtype = promoteTypes(x1.dtype, x2.dtype)
  if (ops.cosineSimilarityDType(x1.dtype, x2.dtype) === undefined) raise('RuntimeError', 'type', `expected common dtype to be floating point, yet common dtype is ${scalarTypeName(dtype)}`, a.span)
  const shape = broadcastShapes([x1.shape, x2.shape], a.span)
  a.number('eps', 1e-8)
  return ops.cosineSimilarity(a.t.ctx, x1, x2, wrapDimension(a.number('dim', 1), shape.length, a.span))
}

/**
 * `F.pairwise_distance(x1, x2, p=2, eps=1e-6, keepdim=False)` as ATen composes it: `(x1 - x2 + eps).norm(p, -1)`
 * over the last dimension of the broadcast shape; NormBackward1 keeps the shifted difference and the norms (measured
 * with PyTorch 2.13's saved-tensor hooks).
 */
function pairwiseDistance(a: Args): Tensor {
  const [x1, x2] = [a.tensor('x1'), a.tensor('x2')]
  const shape = broadcastShapes([x1.shape, x2.shape], a.span)
  const promoted = promoteTypes(x1.dtype, x2.dtype)
  const dtype = promoted === 'float64' || promoted === 'float32' || promoted === 'float16' || promoted === 'bfloat16' ? promoted : 'float32'
  a.number('p', 2)
  a.number('eps', 1e-6)
  const keepdim = a.bool('keepdim', false)
  const difference = ops.result(a.t.ctx, shape, promoted, [x1, x2])
  const shifted = ops.result(a.t.ctx, shape, dtype, [difference])
  const last = shape.length - 1
  const reduced = last < 0 ? [] : shape.flatMap((d, i) => (i !== last ? [d] : keepdim ? [1] : []))
  const out = ops.result(a.t.ctx, reduced, dtype, [shifted])
  ops.saveIf(a.t.ctx, shifted.requiresGrad, shifted, out)
  return out
}

/** `F.glu(input, dim=-1)` with PyTorch 2.13's checks: no 0-dim input, an even size along `dim`. */
function glu(a: Args): Tensor {
  const x = a.tensor('input')
  if (x.shape.length === 0) return raise('RuntimeError', 'shape', 'glu does not support scalars because halving size must be even', a.span)
  const dim = dimOf(a, 'dim', -1)
  if (x.shape[dim]! % 2 !== 0) return raise('RuntimeError', 'shape', `Halving dimension must be even, but dimension ${dim} is size ${x.shape[dim]}`, a.span)
  return ops.glu(a.t.ctx, x, dim)
}

/**
 * `F.group_norm(input, num_groups, weight, bias, eps)` with PyTorch 2.13's checks, in its order: at least 2
 * dimensions, more than one value per group (`_verify_batch_size`, also in eval mode), a positive number of groups
 * that divides the channels, and a weight and bias of one value per channel.
 */
function groupNorm(a: Args): Tensor {
  const x = a.tensor('input')
  const groups = a.number('num_groups', 1)
  const [weight, bias] = [a.optionalTensor('weight'), a.optionalTensor('bias')]
  if (x.shape.length < 2) return raise('RuntimeError', 'shape', `Expected at least 2 dimensions for input tensor but received ${x.shape.length}`, a.span)
  if (groups === 0) return raise('ZeroDivisionError', 'argument-value', 'integer division or modulo by zero', a.span)
  const [n, c] = x.shape as [number, number]
  const spatial = x.shape.slice(2)
  // Python's `n * c // num_groups` rounds down, also for a negative number of groups.
  const rows = Math.floor((n * c) / groups)
  if (rows * spatial.reduce((p, d) => p * d, 1) === 1) return raise('ValueError', 'shape', `Expected more than 1 value per channel when training, got input size [${[rows, groups, ...spatial].join(', ')}]`, a.span)
  if (groups < 0) return raise('RuntimeError', 'argument-value', `Expected num groups to be greater than 0, got ${groups}`, a.span)
  const shape = `input of shape [${x.shape.join(', ')}]`
  if (c % groups !== 0) return raise('RuntimeError', 'shape', `Expected number of channels in input to be divisible by num_groups, but got ${shape} and num_groups=${groups}`, a.span)
  const perChannel = (t: Tensor | null): boolean => t === null || (t.shape.length === 1 && t.shape[0] === c)
  if (!perChannel(weight)) return raise('RuntimeError', 'shape', `Expected weight to be a vector of size equal to the number of channels in input, but got weight of shape [${weight!.shape.join(', ')}] and ${shape}`, a.span)
  // PyTorch's message about the bias shows the weight's shape (`[0]` without a weight).
  if (!perChannel(bias)) return raise('RuntimeError', 'shape', `Expected bias to be a vector of size equal to the number of channels in input, but got bias of shape [${weight ? weight.shape.join(', ') : '0'}] and ${shape}`, a.span)
  return ops.groupNorm(a.t.ctx, x, groups, weight, bias)
}

/**
 * `F.prelu(input, weight)` with PyTorch 2.13's checks, in its order: equal dtypes, then for more than one slope an
 * input of at least one dimension with as many channels (dimension 1, or 1 for a 1-D input), then a weight of at most
 * one dimension.
 */
function prelu(a: Args): Tensor {
  const [x, weight] = [a.tensor('input'), a.tensor('weight')]
  if (x.dtype !== weight.dtype) return raise('RuntimeError', 'argument-type', `prelu: Type promoting not supported. Got ${scalarTypeName(x.dtype)} and ${scalarTypeName(weight.dtype)}`, a.span)
  const slopes = weight.shape.reduce((p, d) => p * d, 1)
  if (slopes !== 1) {
    if (x.shape.length === 0) return raise('RuntimeError', 'shape', 'Not allow zero-dim input tensor.', a.span)
    const channels = x.shape.length >= 2 ? x.shape[1]! : 1
    if (channels !== slopes) return raise('RuntimeError', 'shape', `Mismatch of parameter numbers and input channel size. Found parameter numbers = ${slopes} and channel size = ${channels}.`, a.span)
  }
  if (weight.shape.length > 1) return raise('RuntimeError', 'shape', `prelu: Expected \`weight\` to be a scalar or 1D tensor, but got: ndim = ${weight.shape.length}`, a.span)
  return ops.prelu(a.t.ctx, x, weight)
}

function featureDropout(a: Args): Tensor {
  const x = a.tensor('input')
  return ops.featureDropout(a.t.ctx, x, x.shape, { p: a.number('p', 0.5), training: a.bool('training', true), inplace: a.bool('inplace', false) })
}

function dimOf(a: Args, name: string, fallback?: number): number {
  const x = a.tensor(a.values.has('input') ? 'input' : 'query')
  if (!a.has(name)) {
    if (fallback === undefined) return raise('TypeError', 'missing-argument', `\`F.${a.fn}\` needs \`${name}\` (the implicit choice is deprecated in PyTorch).`, a.span)
    return wrapDimension(fallback, x.shape.length, a.span)
  }
  return wrapDimension(a.number(name, 0), x.shape.length, a.span)
}

/** Whether nnsize has a forward rule for `F.<name>` (which {@link forwardFunctional} runs). */
export function hasFunctionalRule(name: string): boolean {
  return Object.hasOwn(activations, name) || Object.hasOwn(functions, name)
}

/** Runs `F.<name>` on traced values; undefined when nnsize has no rule for it. */
export function forwardFunctional(t: TraceOps, name: string, args: readonly ArgValue[], span: SourceSpan): Value | undefined {
  const activation = activations[name]
  if (activation) {
    const a = new Args(t, name, bind(name, args, activation.params, span), span)
    return wrapTensor(activation.run(t, a.tensor('input'), a.bool('inplace', false)))
  }
  const f = functions[name]
  if (!f) return undefined
  const out = f.run(new Args(t, name, bind(name, args, f.params, span), span))
  // `F.multi_head_attention_forward` returns `(output, weights or None)`.
  if (name === 'multi_head_attention_forward' && Array.isArray(out)) return tuple([wrapTensor(out[0]!), out[1] ? wrapTensor(out[1]) : NONE])
  return Array.isArray(out) ? tuple(out.map(wrapTensor)) : wrapTensor(out)
}

/**
 * `F.one_hot(tensor, num_classes)`: int64 codes of shape `(*tensor.shape, num_classes)`, which require no grad. Without
 * `num_classes` (`-1`) the size is the largest class plus one, which depends on the values.
 */
function oneHot(a: Args): Tensor {
  const x = a.tensor('tensor')
  if (x.dtype !== 'int64') raise('RuntimeError', 'argument-type', 'one_hot is only applicable to index tensor of type LongTensor.', a.span)
  const classes = a.number('num_classes', -1)
  if (classes === -1) throw new NnsizeError('unsupported', '`F.one_hot` without `num_classes` makes as many classes as the largest value plus one, which depends on the values: give `num_classes`.', { span: a.span })
  // Class values are at least 0, so fewer than one class fails for any of them.
  if (!Number.isInteger(classes) || (classes < 1 && !x.shape.includes(0))) raise('RuntimeError', 'argument-value', 'Class values must be smaller than num_classes.', a.span)
  a.t.ctx.use(x)
  return a.t.ctx.tensor([...x.shape, classes], 'int64', false)
}

/**
 * `F.scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal, scale, enable_gqa)` with PyTorch
 * 2.13's checks: equal dtypes, a bool mask or one of the query's dtype (or float32) that broadcasts to the
 * weights `(…, L, S)`, a dropout probability in [0, 1], and with `enable_gqa` key/value heads that divide the
 * query's. `is_causal` and `scale` change no shape and nothing saved.
 */
function attention(a: Args): Tensor {
  const [q, k, v] = [a.tensor('query'), a.tensor('key'), a.tensor('value')]
  if (q.dtype !== k.dtype || q.dtype !== v.dtype) {
    raise('RuntimeError', 'argument-type', `Expected query, key, and value to have the same dtype, but got query.dtype: ${metaName(q.dtype)} key.dtype: ${metaName(k.dtype)} and value.dtype: ${metaName(v.dtype)} instead.`, a.span)
  }
  if (q.shape.length < 2 || k.shape.length < 2 || v.shape.length < 2) {
    raise('RuntimeError', 'shape', `Expected query, key, and value to all be at least 2 dimensional, but got query.dim: ${q.shape.length} key.dim: ${k.shape.length} and value.dim: ${v.shape.length} instead.`, a.span)
  }
  const dropoutP = a.number('dropout_p', 0)
  if (!(dropoutP >= 0 && dropoutP <= 1)) raise('RuntimeError', 'argument-value', `dropout probability has to be between 0 and 1, but got ${dropoutP}`, a.span)
  a.number('scale', 1)
  a.bool('is_causal', false)
  const gqa = a.bool('enable_gqa', false)
  const rank = q.shape.length
  const qHeads = rank >= 3 ? q.shape[rank - 3]! : 1
  const kvHeads = k.shape.length >= 3 ? k.shape.at(-3)! : 1
  const groupedHeads = gqa && rank >= 3 && qHeads !== kvHeads
  if (groupedHeads && (kvHeads === 0 || qHeads % kvHeads !== 0 || v.shape.at(-3) !== kvHeads)) {
    raise('RuntimeError', 'shape', `Number of heads in key and value must divide the number of heads in query: ${kvHeads} key heads and ${v.shape.at(-3)} value heads for ${qHeads} query heads.`, a.span)
  }
  // The weights are (batch…, L, S): the query's and key's batch sizes broadcast (grouped heads aside).
  const batchOf = (t: Tensor): number[] => (groupedHeads ? [...t.shape.slice(0, -3), qHeads] : t.shape.slice(0, -2))
  const weights = [...broadcastShapes([batchOf(q), batchOf(k)], a.span), q.shape.at(-2)!, k.shape.at(-2)!]
  const mask = a.optionalTensor('attn_mask')
  if (mask) {
    if (mask.dtype !== 'bool' && mask.dtype !== 'float32' && mask.dtype !== q.dtype) {
      raise('RuntimeError', 'argument-type', `Expected attn_mask dtype to be bool or float or to match query dtype, but got attn_mask.dtype: ${metaName(mask.dtype)} and  query.dtype: ${metaName(q.dtype)} instead.`, a.span)
    }
    broadcastShapes([weights, mask.shape], a.span)
  }
  const lead = v.shape.slice(0, -2)
  const valueNeedsCopy = lead.length > 1 && viewStrides(v.shape, stridesOf(v), [lead.reduce((p, d) => p * d, 1), ...v.shape.slice(-2)]) === undefined
  const options = { dropoutP, valueNeedsCopy, attnMask: mask, ...(mask ? { attnMaskStrides: stridesOf(mask) } : {}), groupedHeads, backends: sdpBackendsOf(a.t.it) }
  const unavailable = ops.attentionUnavailable(a.t.ctx, q, k, v, dropoutP, options)
  if (unavailable?.code === 'unsupported') throw new NnsizeError('unsupported', unavailable.message, { span: a.span })
  if (unavailable) raise('RuntimeError', unavailable.code, unavailable.message, a.span)
  const out = ops.scaledDotProductAttention(a.t.ctx, q, k, v, options)
  // The CPU flash kernel lays its output out as the query, as `torch.empty_like(q)` would: the query of
  // `x.view(b, l, h, e).transpose(1, 2)` gives an output whose `out.transpose(1, 2).contiguous()` is free, a
  // contiguous query a contiguous output.
  if (ops.attentionKernel(a.t.ctx, q, k, v, dropoutP, options) === 'flash-cpu') {
    const strides = preservedStrides(q)
    if (strides) setStrides(out, strides)
  }
  return out
}

const metaNames: Partial<Record<DType, string>> = { float32: 'float', float64: 'double', float16: 'c10::Half', bfloat16: 'c10::BFloat16', int64: 'long int', int32: 'int', bool: 'bool' }

/** A dtype as PyTorch's attention checks print it (c10's `TypeMeta` names: `float`, `double`, `c10::Half`). */
function metaName(dtype: DType): string {
  return metaNames[dtype] ?? dtype
}
