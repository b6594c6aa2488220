import { bool, device, dtype, float, int, optionalInt } from '../bind/args.js'
import type { ForwardContext, Tensor } from '../forward/trace.js'
import type { ModuleNode } from '../model/module.js'
import type { DType } from '../tensor/dtype.js'
import { formatShape } from '../tensor/shape.js'
import { defineLayer } from './define-layer.js'
import type { FormulaTerm } from './define-layer.js'

// The forward follows `F.multi_head_attention_forward` with explicit attention (the path PyTorch
// takes in training mode and whenever attention weights are requested). What autograd saves:
// - each input projection saves its input (a copy when a batch-first input's transposed view is
//   not contiguous);
// - `q / √head_dim` saves the scalar divisor (a 0-dim float64 tensor, 8 bytes) and `bmm(q, kᵀ)`
//   saves the scaled `q` and `k`;
// - softmax saves its output; dropout on the attention weights saves its noise (cpu: float32 of
//   the weights' shape; cuda: a 1-byte bool mask) and its output;
// - `bmm(attn, v)` saves `v`; the output projection saves its (re-laid-out) input;
// - averaging the returned weights over heads (`need_weights=True`) divides by an int: an 8-byte
//   int64 scalar.
// The output projection runs as `F.linear` with `out_proj`'s tensors, as in PyTorch, so
// `out_proj` itself is never called.

/** Bound arguments of `nn.MultiheadAttention`. */
export interface MultiheadAttentionArgs {
  embed_dim: number
  num_heads: number
  dropout: number
  bias: boolean
  add_bias_kv: boolean
  add_zero_attn: boolean
  kdim: number | null
  vdim: number | null
  batch_first: boolean
  dtype: DType | null
}

/**
 * Runs a `MultiheadAttention` child as the transformer layers do, `need_weights=False`:
 * the averaged attention weights are then neither computed nor returned.
 */
export function runAttentionWithoutWeights(ctx: ForwardContext, attention: ModuleNode, inputs: readonly Tensor[], name: string): Tensor {
  return ctx.run(attention, inputs, name, { need_weights: false })[0]!
}

function kvDims(a: MultiheadAttentionArgs): { kdim: number; vdim: number; packed: boolean } {
  const kdim = a.kdim ?? a.embed_dim
  const vdim = a.vdim ?? a.embed_dim
  return { kdim, vdim, packed: kdim === a.embed_dim && vdim === a.embed_dim }
}

/**
 * `nn.MultiheadAttention(embed_dim, num_heads, dropout=0.0, bias=True, add_bias_kv=False,
 * add_zero_attn=False, kdim=None, vdim=None, batch_first=False)`. One packed `in_proj_weight`
 * `(3·embed_dim, embed_dim)` when keys and values have `embed_dim` features, else separate
 * `q_proj_weight`, `k_proj_weight`, `v_proj_weight`; `in_proj_bias`, `out_proj`
 * (a `NonDynamicallyQuantizableLinear`), and `bias_k`/`bias_v` with `add_bias_kv`.
 * Forward takes `(query)`, `(query, key_value)` or `(query, key, value)` and returns
 * `(attn_output, attn_weights averaged over heads)`.
 */
export const multiheadAttention = defineLayer<MultiheadAttentionArgs>({
  name: 'MultiheadAttention',
  signature: [
    int('embed_dim', { min: -Infinity }),
    int('num_heads', { min: -Infinity }),
    float('dropout', { default: 0 }),
    bool('bias', { default: true }),
    bool('add_bias_kv', { default: false }),
    bool('add_zero_attn', { default: false }),
    optionalInt('kdim', { default: null }),
    optionalInt('vdim', { default: null }),
    bool('batch_first', { default: false }),
    device(),
    dtype(),
  ],
  validate(a, fail) {
    if (a.embed_dim <= 0 || a.num_heads <= 0) {
      fail(a.embed_dim <= 0 ? 'embed_dim' : 'num_heads', `\`embed_dim\` and \`num_heads\` must be greater than 0, got embed_dim=${a.embed_dim} and num_heads=${a.num_heads} instead.`)
    }
    if (a.embed_dim % a.num_heads !== 0) {
      fail('num_heads', `\`embed_dim\` must be divisible by \`num_heads\` (got embed_dim=${a.embed_dim} and num_heads=${a.num_heads}).`)
    }
  },
  build(a, m) {
    const e = a.embed_dim
    const { kdim, vdim, packed } = kvDims(a)
    if (!packed) {
      m.param('q_proj_weight', [e, e])
      m.param('k_proj_weight', [e, kdim])
      m.param('v_proj_weight', [e, vdim])
      m.none('in_proj_weight')
    } else {
      m.param('in_proj_weight', [3 * e, e])
      m.none('q_proj_weight')
      m.none('k_proj_weight')
      m.none('v_proj_weight')
    }
    if (a.bias) m.param('in_proj_bias', [3 * e])
    else m.none('in_proj_bias')
    const outProj = m.create('Linear', { in_features: e, out_features: e, bias: a.bias, dtype: a.dtype })
    outProj.type = 'NonDynamicallyQuantizableLinear'
    m.child('out_proj', outProj)
    if (a.add_bias_kv) {
      m.param('bias_k', [1, 1, e])
      m.param('bias_v', [1, 1, e])
    }
  },
  explain(a) {
    const e = a.embed_dim
    const { kdim, vdim, packed } = kvDims(a)
    const terms: FormulaTerm[] = packed
      ? [{ tensor: 'in_proj_weight', factors: [['3 × embed_dim', 3 * e], ['embed_dim', e]] }]
      : [
          { tensor: 'q_proj_weight', factors: [['embed_dim', e], ['embed_dim', e]] },
          { tensor: 'k_proj_weight', factors: [['embed_dim', e], ['kdim', kdim]] },
          { tensor: 'v_proj_weight', factors: [['embed_dim', e], ['vdim', vdim]] },
        ]
    if (a.bias) terms.push({ tensor: 'in_proj_bias', factors: [['3 × embed_dim', 3 * e]] })
    if (a.add_bias_kv) terms.push({ tensor: 'bias_k', factors: [['embed_dim', e]] }, { tensor: 'bias_v', factors: [['embed_dim', e]] })
    return terms
  },
  forward(self, inputs, ctx, options) {
    const needWeights = options?.['need_weights'] !== false
    const a = self.args
    if (inputs.length > 3) throw ctx.error(`takes query, key and value: at most 3 tensors, got ${inputs.length}.`)
    const query = inputs[0]!
    const key = inputs[1] ?? query
    const value = inputs[2] ?? key
    const rank = query.shape.length
    if (rank !== 2 && rank !== 3) {
      throw ctx.error(`expects an unbatched 2-D or batched 3-D query, got ${rank}-D query of shape ${formatShape(query.shape)}.`)
    }
    if (key.shape.length !== rank || value.shape.length !== rank) {
      const kind = rank === 3 ? 'batched (3-D)' : 'unbatched (2-D)'
      throw ctx.error(`For ${kind} \`query\`, expected \`key\` and \`value\` to be ${rank}-D but found ${key.shape.length}-D and ${value.shape.length}-D tensors respectively.`)
    }
    const batched = rank === 3
    // Work in PyTorch's internal (seq, batch, feature) layout.
    const seqBatch = (t: Tensor): [number, number] => (batched ? (a.batch_first ? [t.shape[1]!, t.shape[0]!] : [t.shape[0]!, t.shape[1]!]) : [t.shape[0]!, 1])
    const [tgtLen, batch] = seqBatch(query)
    const [srcLen, keyBatch] = seqBatch(key)
    const [valueLen, valueBatch] = seqBatch(value)
    const e = a.embed_dim
    const heads = a.num_heads
    const headDim = e / heads
    const { kdim, vdim, packed } = kvDims(a)
    const dt = query.dtype
    if (query.shape[rank - 1] !== e) throw ctx.error(`was expecting embedding dimension of ${e}, but got ${query.shape[rank - 1]} (query of shape ${formatShape(query.shape)}).`)
    if (packed && (key.shape.length !== value.shape.length || key.shape.some((d, i) => d !== value.shape[i]))) {
      throw ctx.error(`key shape ${formatShape(key.shape)} does not match value shape ${formatShape(value.shape)}.`)
    }
    if (!packed && (srcLen !== valueLen || keyBatch !== valueBatch)) {
      throw ctx.error(`key's sequence and batch dims (${srcLen}, ${keyBatch}) do not match value's (${valueLen}, ${valueBatch}).`)
    }
    if (key.shape[rank - 1] !== kdim) throw ctx.error(`expects keys with ${kdim} features (kdim), got key of shape ${formatShape(key.shape)}.`)
    if (value.shape[rank - 1] !== vdim) throw ctx.error(`expects values with ${vdim} features (vdim), got value of shape ${formatShape(value.shape)}.`)
    if (keyBatch !== batch) throw ctx.error(`expects key and value with the query's batch size ${batch}, got ${keyBatch} (key of shape ${formatShape(key.shape)}).`)
    if (self.training && !(a.dropout >= 0 && a.dropout <= 1)) throw ctx.error(`dropout probability has to be between 0 and 1, but got ${a.dropout}.`)

    // A projection's input: the tensor itself, or a copy of a non-contiguous batch-first view.
    const projectionInput = (t: Tensor, seq: number): Tensor => {
      const copy = batched && a.batch_first && seq > 1 && batch > 1
      ctx.use(t)
      return copy ? ctx.tensor([seq, batch, t.shape[rank - 1]!], dt) : t
    }
    const project = (t: Tensor, seq: number, inFeatures: number, outFeatures: number): Tensor => {
      ctx.save(projectionInput(t, seq))
      ctx.macs(BigInt(seq) * BigInt(batch) * BigInt(inFeatures) * BigInt(outFeatures))
      return ctx.tensor([seq, batch, outFeatures], dt)
    }
    // q, k and v are reshaped with `.contiguous().view(...)`: a chunk of a packed projection is
    // copied unless it is already contiguous (one position and one batch element), in which case
    // k and v stay views of the packed projection. `add_bias_kv` / `add_zero_attn` concatenate
    // into new tensors.
    const keyLen = srcLen + (a.add_bias_kv ? 1 : 0) + (a.add_zero_attn ? 1 : 0)
    const headShape = [batch * heads, keyLen, headDim]
    let packedKeyValue: Tensor | undefined
    // Unbatched inputs are unsqueezed one by one, so query, key and value are never the same
    // tensor object there and take the three-projection path.
    if (packed && batched && key === value && query === key) {
      const qkv = project(query, tgtLen, e, 3 * e)
      if (tgtLen === 1 && batch === 1) packedKeyValue = qkv
    } else if (packed && batched && key === value) {
      project(query, tgtLen, e, e)
      const kv = project(key, srcLen, e, 2 * e)
      if (srcLen === 1 && batch === 1) packedKeyValue = kv
    } else {
      project(query, tgtLen, e, e)
      project(key, srcLen, kdim, e)
      project(value, srcLen, vdim, e)
    }
    const concatenated = a.add_bias_kv || a.add_zero_attn
    const k = packedKeyValue && !concatenated ? ctx.view(packedKeyValue, headShape) : ctx.tensor(headShape, dt)
    const v = packedKeyValue && !concatenated ? ctx.view(packedKeyValue, headShape) : ctx.tensor(headShape, dt)

    // q / √head_dim: div by a Python float saves the 0-dim float64 divisor.
    ctx.save(ctx.tensor([], 'float64'))
    const q = ctx.tensor([batch * heads, tgtLen, headDim], dt)
    const scores = ctx.tensor([batch * heads, tgtLen, keyLen], dt)
    ctx.save(q, k)
    const attentionMacs = BigInt(batch * heads) * BigInt(tgtLen) * BigInt(keyLen) * BigInt(headDim)
    ctx.macs(attentionMacs)
    ctx.use(scores)
    let weights = ctx.tensor(scores.shape, dt)
    ctx.save(weights)
    const p = self.training ? a.dropout : 0
    if (p > 0) {
      if (p === 1) ctx.save(ctx.tensor([], dt))
      else ctx.save(ctx.tensor(weights.shape, ctx.device === 'cuda' ? 'bool' : dt))
      ctx.use(weights)
      weights = ctx.tensor(weights.shape, dt)
    }
    ctx.save(weights, v)
    ctx.macs(attentionMacs)
    ctx.use(weights, v)
    // (batch·heads, L, head_dim) → (L·batch, embed) with `.contiguous()` (a copy unless L or
    // batch·heads is 1; the same size either way), then the output projection saves it.
    const merged = ctx.tensor([tgtLen * batch, e], dt)
    ctx.save(merged, ctx.state(self.children.get('out_proj')!, 'weight'))
    ctx.macs(BigInt(tgtLen) * BigInt(batch) * BigInt(e) * BigInt(e))
    const projected = ctx.tensor([tgtLen, batch, e], dt)
    const output = !batched ? ctx.view(projected, [tgtLen, e]) : a.batch_first ? ctx.view(projected, [batch, tgtLen, e]) : projected
    if (!needWeights) return [output]
    ctx.use(weights)
    const summed = ctx.tensor([batch, tgtLen, keyLen], dt)
    ctx.use(summed)
    ctx.save(ctx.tensor([], 'int64'))
    const averaged = ctx.tensor(batched ? [batch, tgtLen, keyLen] : [tgtLen, keyLen], dt)
    return [output, averaged]
  },
})
