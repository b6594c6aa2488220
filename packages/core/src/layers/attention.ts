import { bool, device, dtype, float, int, optionalInt } from '../bind/args.js'
import * as ops from '../forward/ops/index.js'
import type { ForwardContext, Tensor } from '../forward/trace.js'
import type { ModuleNode } from '../model/module.js'
import { defineLayer } from './define-layer.js'
import type { FormulaTerm } from './define-layer.js'
import { linear } from './linear.js'

// The forward is `F.multi_head_attention_forward` ({@link ops.multiheadAttention}): PyTorch 1.13 always
// computes the attention matrix; PyTorch 2.x does so only with `need_weights=True` and otherwise runs
// scaled-dot-product attention. The output projection runs as `F.linear` with `out_proj`'s tensors, as in
// PyTorch, so `out_proj` itself is never called.


/** The masks a transformer layer hands its attention (`attn_mask`, `key_padding_mask`, `is_causal`). */
export interface AttentionMasks {
  attn_mask?: Tensor | null
  key_padding_mask?: Tensor | null
  is_causal?: boolean
}

/**
 * Runs a `MultiheadAttention` child as the transformer layers do, `need_weights=False`, with the masks given:
 * the attention weights are then neither computed nor returned.
 */
export function runAttentionWithoutWeights(ctx: ForwardContext, attention: ModuleNode, inputs: readonly Tensor[], name: string, masks: AttentionMasks = {}): Tensor {
  return ctx.run(attention, inputs, name, { ...masks, need_weights: false })[0]!
}

function kvDims(a: { embed_dim: number; kdim: number | null; vdim: number | null }): { kdim: number; vdim: number; packed: boolean } {
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
 * Forward takes `(query)`, `(query, key_value)` or `(query, key, value)` and the keywords of
 * `F.multi_head_attention_forward` (`key_padding_mask`, `need_weights`, `attn_mask`, `average_attn_weights`,
 * `is_causal`), and returns `(attn_output, attn_weights averaged over heads or per head)`.
 */
export const multiheadAttention = defineLayer({
  name: 'MultiheadAttention',
  // as the constructor sets them: `kdim`/`vdim` default to `embed_dim`, `head_dim = embed_dim // num_heads`
  attributes: (a) => {
    const { kdim, vdim, packed } = kvDims(a)
    return { kdim, vdim, head_dim: Math.floor(a.embed_dim / a.num_heads), _qkv_same_embed_dim: packed }
  },
  forwardInputs: ['query', 'key', 'value'],
  forwardOptions: ['key_padding_mask', 'need_weights', 'attn_mask', 'average_attn_weights', 'is_causal'],
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
    const outProj = m.create(linear, { in_features: e, out_features: e, bias: a.bias, dtype: a.dtype })
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
    const a = self.args
    if (inputs.length > 3) throw ctx.error(`takes query, key and value: at most 3 tensors, got ${inputs.length}.`)
    const query = inputs[0]!
    const key = inputs[1] ?? query
    const value = inputs[2] ?? key
    const tensor = (module: ModuleNode, name: string): Tensor | null => ((module.params.get(name) ?? null) === null ? null : ctx.state(module, name))
    const outProj = self.children.get('out_proj')!
    return ops.multiheadAttention(
      ctx,
      query,
      key,
      value,
      {
        inProj: tensor(self, 'in_proj_weight'),
        qProj: tensor(self, 'q_proj_weight'),
        kProj: tensor(self, 'k_proj_weight'),
        vProj: tensor(self, 'v_proj_weight'),
        inProjBias: tensor(self, 'in_proj_bias'),
        biasK: tensor(self, 'bias_k'),
        biasV: tensor(self, 'bias_v'),
        outProj: ctx.state(outProj, 'weight'),
        outProjBias: tensor(outProj, 'bias'),
      },
      {
        numHeads: a.num_heads,
        dropoutP: a.dropout,
        training: self.training,
        addZeroAttn: a.add_zero_attn,
        batchFirst: a.batch_first,
        needWeights: options?.['need_weights'] !== false,
        averageWeights: options?.['average_attn_weights'] !== false,
        attnMask: maskOption(options?.['attn_mask']),
        keyPaddingMask: maskOption(options?.['key_padding_mask']),
        isCausal: options?.['is_causal'] === true,
      },
    )
  },
})

/** A forward-call argument as a mask tensor, or null when it is absent or `None`. */
function maskOption(value: unknown): Tensor | null {
  return typeof value === 'object' && value !== null && 'storage' in value ? (value as Tensor) : null
}
