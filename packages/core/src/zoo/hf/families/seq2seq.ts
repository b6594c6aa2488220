import { NnsizeError } from '../../../errors.js'
import type { ModuleNode, TensorDef } from '../../../model/module.js'
import type { HFConfig } from '../config.js'
import { defineFamily } from '../family.js'
import type { HFFamily } from '../family.js'
import type { HFBuild } from '../model.js'
import type { ModuleFactory } from '../modules.js'

const encoderDecoderNote = 'encoder-decoder model: the decoder caches its own keys and values plus the cross-attention keys and values of the whole source, which depend on the source length; not reported'

/**
 * Whether T5's feed-forward is gated: `feed_forward_proj` is `ACT` or `gated-ACT` (anything else is
 * rejected, as `T5Config` does); an explicit `is_gated_act` in the file overrides, as `T5Config`'s
 * keyword arguments do.
 */
function t5Gated(c: HFConfig, fallback: string): boolean {
  const proj = c.str('feed_forward_proj', fallback)
  const parts = proj.split('-')
  if ((parts.length > 1 && parts[0] !== 'gated') || parts.length > 2) {
    throw new NnsizeError('config', `\`feed_forward_proj\` is \`${proj}\`: it must be \`gated-{ACT_FN}\` or \`{ACT_FN}\`, e.g. \`gated-gelu\` or \`relu\` (model type \`${c.modelType}\`).`)
  }
  return c.bool('is_gated_act', parts[0] === 'gated')
}

function t5Family(o: { name: string; cls: string; modelType: string; defaults: { vocab: number; dModel: number; dKv: number; dFf: number; layers: number; heads: number; proj: string; tie: boolean } }): HFFamily {
  const { cls } = o
  return defineFamily({
    name: o.name,
    modelTypes: [o.modelType],
    architectures: [`${cls}ForConditionalGeneration`, `${cls}Model`, `${cls}EncoderModel`],
    build(c, architecture, f) {
      const d = o.defaults
      const vocab = c.int('vocab_size', d.vocab)
      const dModel = c.int('d_model', d.dModel)
      const dKv = c.int('d_kv', d.dKv)
      const dFf = c.int('d_ff', d.dFf)
      const layers = c.count('num_layers', d.layers)
      const decoderLayers = c.count('num_decoder_layers', layers)
      const heads = c.int('num_heads', d.heads)
      const buckets = c.int('relative_attention_num_buckets', 32)
      const gated = t5Gated(c, d.proj)
      const inner = heads * dKv
      f.reserve((layers + decoderLayers) * 16 + 10, `A ${layers}+${decoderLayers}-layer ${o.name}`)
      const attention = (relativeBias: boolean): ModuleNode =>
        f.module(`${cls}Attention`, [
          ['q', f.linear(dModel, inner, false)],
          ['k', f.linear(dModel, inner, false)],
          ['v', f.linear(dModel, inner, false)],
          ['o', f.linear(inner, dModel, false)],
          ...(relativeBias ? ([['relative_attention_bias', f.embedding(buckets, heads)]] as const) : []),
        ])
      const norm = (): ModuleNode => f.rmsNorm(`${cls}LayerNorm`, dModel)
      const ff = (): ModuleNode =>
        f.module(`${cls}LayerFF`, [
          [
            'DenseReluDense',
            gated
              ? f.module(`${cls}DenseGatedActDense`, [['wi_0', f.linear(dModel, dFf, false)], ['wi_1', f.linear(dModel, dFf, false)], ['wo', f.linear(dFf, dModel, false)]])
              : f.module(`${cls}DenseActDense`, [['wi', f.linear(dModel, dFf, false)], ['wo', f.linear(dFf, dModel, false)]]),
          ],
          ['layer_norm', norm()],
        ])
      const block = (isDecoder: boolean, i: number): ModuleNode =>
        f.module(`${cls}Block`, [
          [
            'layer',
            f.module('ModuleList', [
              ['0', f.module(`${cls}LayerSelfAttention`, [['SelfAttention', attention(i === 0)], ['layer_norm', norm()]])],
              ...(isDecoder ? ([['1', f.module(`${cls}LayerCrossAttention`, [['EncDecAttention', attention(false)], ['layer_norm', norm()]])]] as const) : []),
              [isDecoder ? '2' : '1', ff()],
            ]),
          ],
        ])
      const shared = f.embedding(vocab, dModel)
      const tiedEmbedding = (): ModuleNode => {
        const embed = f.embedding(vocab, dModel)
        f.tie(embed, shared)
        return embed
      }
      const stack = (isDecoder: boolean, n: number): ModuleNode =>
        f.module(`${cls}Stack`, [
          ['embed_tokens', tiedEmbedding()],
          ['block', f.list(n, (i) => block(isDecoder, i))],
          ['final_layer_norm', norm()],
        ])
      const encoderOnly = architecture === `${cls}EncoderModel`
      const withHead = architecture === `${cls}ForConditionalGeneration`
      const children: Array<readonly [string, ModuleNode]> = [
        ['shared', shared],
        ['encoder', stack(false, layers)],
      ]
      if (!encoderOnly) children.push(['decoder', stack(true, decoderLayers)])
      let tiedWeight: TensorDef | null = null
      if (withHead) {
        const head = f.linear(dModel, vocab, false)
        if (c.bool('tie_word_embeddings', d.tie)) tiedWeight = f.tie(head, shared)
        children.push(['lm_head', head])
      }
      const root = f.module(architecture, children)
      const bias = (stackName: string): string => `${stackName}.block.0.layer.0.SelfAttention.relative_attention_bias`
      const stacks = encoderOnly ? ['encoder'] : ['encoder', 'decoder']
      return {
        root,
        parts: [
          ['embeddings', ['shared']],
          ['relative_attention_bias', stacks.map(bias)],
          ['encoder_layers', ['encoder.block']],
          ...(encoderOnly ? [] : ([['decoder_layers', ['decoder.block']]] as const)),
          ['final_norm', stacks.map((s) => `${s}.final_layer_norm`)],
          ['lm_head', withHead ? ['lm_head'] : []],
        ],
        perBlock: [['encoder_per_layer', 'encoder.block.0', [bias('encoder')]], ...(encoderOnly ? [] : ([['decoder_per_layer', 'decoder.block.0', [bias('decoder')]]] as const))],
        tiedWeight,
        kvCache: null,
        kvCacheNote: encoderOnly ? 'encoder-only model: no KV cache' : encoderDecoderNote,
        // `_keep_in_fp32_modules` of T5 and mT5: loaded in float16, the feed-forward output `wo` stays float32.
        keepFloat32: { float16: ['wo'] },
        notes: [
          `Feed-forward: ${gated ? 'gated (`wi_0`, `wi_1`, `wo`)' : 'not gated (`wi`, `wo`)'}.`,
          ...(withHead && tiedWeight === null
            ? ['The config unties the head, and its checkpoints store their own `lm_head`: it is counted. transformers 5 ties every T5 head to `shared` whatever the config says, and so counts one matrix fewer.']
            : []),
        ],
      }
    },
  })
}

/** T5, T5 v1.1 and Flan-T5 (`T5Config`: `d_model` 512, `d_kv` 64, `d_ff` 2048, 6 layers, 8 heads, ReLU, tied). */
export const t5 = t5Family({
  name: 'T5',
  cls: 'T5',
  modelType: 't5',
  defaults: { vocab: 32128, dModel: 512, dKv: 64, dFf: 2048, layers: 6, heads: 8, proj: 'relu', tie: true },
})

/**
 * mT5 (`MT5Config`: vocabulary 250112, `d_ff` 1024, 8 layers, 6 heads, gated GELU). transformers 5 ties the head
 * unless the config unties it — which the published mT5 configs do, and then the head is their own.
 */
export const mt5 = t5Family({
  name: 'mT5',
  cls: 'MT5',
  modelType: 'mt5',
  defaults: { vocab: 250112, dModel: 512, dKv: 64, dFf: 1024, layers: 8, heads: 6, proj: 'gated-gelu', tie: true },
})

function bartLayer(f: ModuleFactory, isDecoder: boolean, dModel: number, heads: number, ffn: number): ModuleNode {
  if (dModel % heads !== 0) {
    throw new NnsizeError('config', `\`d_model\` (${dModel}) is not divisible by \`${isDecoder ? 'decoder' : 'encoder'}_attention_heads\` (${heads}) (model type \`bart\`).`)
  }
  const attention = (): ModuleNode =>
    f.module('BartAttention', [
      ['k_proj', f.linear(dModel, dModel, true)],
      ['v_proj', f.linear(dModel, dModel, true)],
      ['q_proj', f.linear(dModel, dModel, true)],
      ['out_proj', f.linear(dModel, dModel, true)],
    ])
  return f.module(isDecoder ? 'BartDecoderLayer' : 'BartEncoderLayer', [
    ['self_attn', attention()],
    ['self_attn_layer_norm', f.layerNorm(dModel)],
    ...(isDecoder
      ? ([
          ['encoder_attn', attention()],
          ['encoder_attn_layer_norm', f.layerNorm(dModel)],
        ] as const)
      : []),
    ['fc1', f.linear(dModel, ffn, true)],
    ['fc2', f.linear(ffn, dModel, true)],
    ['final_layer_norm', f.layerNorm(dModel)],
  ])
}

/**
 * BART (`BartConfig`: `d_model` 1024, 12 + 12 layers, 16 heads, FFN 4096, 1024 positions): one `shared`
 * embedding, learned positions with 2 extra rows, an embedding LayerNorm in each stack; the
 * generation head has a `final_logits_bias` buffer.
 */
export const bart = defineFamily({
  name: 'BART',
  modelTypes: ['bart'],
  architectures: ['BartForConditionalGeneration', 'BartModel'],
  build(c, architecture, f) {
    const vocab = c.int('vocab_size', 50265)
    const dModel = c.int('d_model', 1024)
    const positions = c.int('max_position_embeddings', 1024)
    const encoderLayers = c.count('encoder_layers', 12)
    const decoderLayers = c.count('decoder_layers', 12)
    const encoderHeads = c.int('encoder_attention_heads', 16)
    const decoderHeads = c.int('decoder_attention_heads', 16)
    const encoderFfn = c.int('encoder_ffn_dim', 4096)
    const decoderFfn = c.int('decoder_ffn_dim', 4096)
    f.reserve((encoderLayers + decoderLayers) * 14 + 10, `A ${encoderLayers}+${decoderLayers}-layer BART`)
    // `_tied_weights_keys` (the stacks' `embed_tokens` → `shared`, `lm_head` → `shared`) apply only when
    // `tie_word_embeddings` is true; otherwise every one of them is a matrix of its own.
    const tie = c.bool('tie_word_embeddings', true)
    const shared = f.embedding(vocab, dModel, 'BartScaledWordEmbedding')
    const stack = (isDecoder: boolean): ModuleNode => {
      const embed = f.embedding(vocab, dModel, 'BartScaledWordEmbedding')
      if (tie) f.tie(embed, shared)
      const n = isDecoder ? decoderLayers : encoderLayers
      return f.module(isDecoder ? 'BartDecoder' : 'BartEncoder', [
        ['embed_tokens', embed],
        ['embed_positions', f.embedding(positions + 2, dModel, 'BartLearnedPositionalEmbedding')],
        ['layers', f.list(n, () => bartLayer(f, isDecoder, dModel, isDecoder ? decoderHeads : encoderHeads, isDecoder ? decoderFfn : encoderFfn))],
        ['layernorm_embedding', f.layerNorm(dModel)],
      ])
    }
    const base = f.module('BartModel', [
      ['shared', shared],
      ['encoder', stack(false)],
      ['decoder', stack(true)],
    ])
    const withHead = architecture === 'BartForConditionalGeneration'
    let root = base
    let tiedWeight: TensorDef | null = null
    if (withHead) {
      const head = f.linear(dModel, vocab, false)
      if (tie) tiedWeight = f.tie(head, shared)
      root = f.module('BartForConditionalGeneration', [
        ['model', base],
        ['lm_head', head],
      ])
      root.buffers.set('final_logits_bias', { kind: 'buffer', shape: [1, vocab], dtype: 'float32', requiresGrad: false, persistent: true })
    }
    const p = withHead ? 'model.' : ''
    const build: HFBuild = {
      root,
      parts: [
        ['embeddings', [`${p}shared`, ...['encoder', 'decoder'].flatMap((s) => [`${p}${s}.embed_tokens`, `${p}${s}.embed_positions`, `${p}${s}.layernorm_embedding`])]],
        ['encoder_layers', [`${p}encoder.layers`]],
        ['decoder_layers', [`${p}decoder.layers`]],
        ['final_norm', []],
        ['lm_head', withHead ? ['lm_head'] : []],
      ],
      perBlock: [
        ['encoder_per_layer', `${p}encoder.layers.0`],
        ['decoder_per_layer', `${p}decoder.layers.0`],
      ],
      tiedWeight,
      kvCache: null,
      kvCacheNote: encoderDecoderNote,
      notes: [],
    }
    return build
  },
})
