import type { ModuleNode, TensorDef } from '../../../model/module.js'
import { HFConfig } from '../config.js'
import { defineFamily } from '../family.js'
import type { HFFamily } from '../family.js'
import { nestedParts } from '../model.js'
import type { HFBuild } from '../model.js'
import type { ModuleFactory } from '../modules.js'
import { llamaStyle, qkvBias, qwenWindow } from './llama-style.js'
import { conv3d } from '../../../layers/conv.js'

const qwenVLText = (cls: string): HFFamily =>
  llamaStyle({
    name: `${cls} text`,
    modelTypes: [],
    cls,
    baseClass: `${cls}TextModel`,
    defaults: { vocab: 152064, hidden: 8192, layers: 80, heads: 64, kvHeads: 8, intermediate: 29568 },
    tie: false,
    bias: qkvBias,
    window: qwenWindow(80),
  })

/** Sizes shared by both vision towers. */
interface TowerSizes {
  width: number
  heads: number
  depth: number
  patch: number
  temporal: number
  merge: number
  channels: number
}

function towerSizes(v: HFConfig, widthKey: string, widthDefault: number): TowerSizes {
  const width = v.int(widthKey, widthDefault)
  const heads = v.int(['num_heads', 'num_attention_heads'], 16)
  v.headDim({ key: widthKey, value: width }, { key: 'num_heads', value: heads }, null)
  return { width, heads, depth: v.count('depth', 32), patch: v.int('patch_size', 14), temporal: v.int('temporal_patch_size', 2), merge: v.int('spatial_merge_size', 2), channels: v.int('in_channels', 3) }
}

/** The parts of a tower every version has: the Conv3d patch embedding (no bias), the 2-D rotary frequencies, the blocks and the merger. */
function tower(f: ModuleFactory, type: string, cls: string, s: TowerSizes, block: () => ModuleNode, mergerNorm: (dim: number) => ModuleNode, outWidth: number, mergerType: string, embedType: string): ModuleNode {
  const merged = s.width * s.merge * s.merge
  return f.module(type, [
    ['patch_embed', f.module(embedType, [['proj', f.layer(conv3d, { in_channels: s.channels, out_channels: s.width, kernel_size: [s.temporal, s.patch, s.patch], stride: [s.temporal, s.patch, s.patch], bias: false })]])],
    ['rotary_pos_emb', f.rotary(`${cls}VisionRotaryEmbedding`, Math.floor(s.width / s.heads / 2))],
    ['blocks', f.list(s.depth, block)],
    [
      'merger',
      f.module(mergerType, [
        ['ln_q', mergerNorm(s.width)],
        ['mlp', f.module('Sequential', [['0', f.linear(merged, merged, true)], ['1', f.module('GELU')], ['2', f.linear(merged, outWidth, true)]])],
      ]),
    ],
  ])
}

/** Qwen2-VL's vision tower: LayerNorm blocks with a fused `qkv`, an `fc1`/`fc2` MLP of `mlp_ratio` × `embed_dim`, merged to the text width. */
function qwen2VisionTower(f: ModuleFactory, v: HFConfig): ModuleNode {
  const s = towerSizes(v, 'embed_dim', 1280)
  const mlp = Math.floor(s.width * v.float('mlp_ratio', 4))
  const block = (): ModuleNode =>
    f.module('Qwen2VLVisionBlock', [
      ['norm1', f.layerNorm(s.width)],
      ['norm2', f.layerNorm(s.width)],
      ['attn', f.module('VisionAttention', [['qkv', f.linear(s.width, 3 * s.width, true)], ['proj', f.linear(s.width, s.width, true)]])],
      ['mlp', f.module('VisionMlp', [['fc1', f.linear(s.width, mlp, true)], ['fc2', f.linear(mlp, s.width, true)]])],
    ])
  return tower(f, 'Qwen2VisionTransformerPretrainedModel', 'Qwen2VL', s, block, (dim) => f.layerNorm(dim), v.int('hidden_size', 3584), 'PatchMerger', 'PatchEmbed')
}

/** Qwen2.5-VL's vision tower: RMSNorm blocks and a biased SwiGLU of `intermediate_size`, merged to `out_hidden_size`. */
function qwen25VisionTower(f: ModuleFactory, v: HFConfig): ModuleNode {
  const s = towerSizes(v, 'hidden_size', 3584)
  const intermediate = v.int('intermediate_size', 3420)
  const norm = (dim: number): ModuleNode => f.rmsNorm('Qwen2_5_VLRMSNorm', dim)
  const block = (): ModuleNode =>
    f.module('Qwen2_5_VLVisionBlock', [
      ['norm1', norm(s.width)],
      ['norm2', norm(s.width)],
      ['attn', f.module('Qwen2_5_VLVisionAttention', [['qkv', f.linear(s.width, 3 * s.width, true)], ['proj', f.linear(s.width, s.width, true)]])],
      [
        'mlp',
        f.module('Qwen2_5_VLMLP', [
          ['gate_proj', f.linear(s.width, intermediate, true)],
          ['up_proj', f.linear(s.width, intermediate, true)],
          ['down_proj', f.linear(intermediate, s.width, true)],
        ]),
      ],
    ])
  return tower(f, 'Qwen2_5_VisionTransformerPretrainedModel', 'Qwen2_5_VL', s, block, norm, v.int('out_hidden_size', 3584), 'Qwen2_5_VLPatchMerger', 'Qwen2_5_VisionPatchEmbed')
}

/**
 * Qwen2-VL and Qwen2.5-VL (`Qwen2VLConfig`, `Qwen2_5_VLConfig`): `model.visual`, the vision tower from
 * `vision_config` (Conv3d patches over 2 frames, blocks, and a merger of 2 × 2 patches to the text width);
 * `model.language_model`, a Qwen2-style text model (q/k/v biases) from `text_config` or, in the flat configs the
 * Hub holds, from the top-level keys; and `lm_head`, tied when the config or its `text_config` says so.
 */
function qwenVL(o: { name: string; modelType: string; cls: string; visionTower: (f: ModuleFactory, v: HFConfig) => ModuleNode }): HFFamily {
  const text = qwenVLText(o.cls)
  return defineFamily({
    name: o.name,
    modelTypes: [o.modelType],
    architectures: [`${o.cls}ForConditionalGeneration`, `${o.cls}Model`],
    build(c, architecture, f) {
      const nested = c.object('text_config')
      const t = nested ? new HFConfig(nested, `${o.modelType}_text`) : c
      const language = text.build(t, `${o.cls}TextModel`, f)
      const visual = o.visionTower(f, new HFConfig(c.object('vision_config') ?? {}, `${o.modelType}_vision`))
      const model = f.module(`${o.cls}Model`, [
        ['visual', visual],
        ['language_model', language.root],
      ])
      const withHead = architecture === `${o.cls}ForConditionalGeneration`
      let root = model
      let tiedWeight: TensorDef | null = null
      if (withHead) {
        const head = f.linear(t.int('hidden_size', 8192), t.int('vocab_size', 152064), false)
        if (c.bool('tie_word_embeddings', false) || (nested !== undefined && t.bool('tie_word_embeddings', false))) tiedWeight = f.tie(head, language.root.children.get('embed_tokens')!)
        root = f.module(architecture, [
          ['model', model],
          ['lm_head', head],
        ])
      }
      const p = withHead ? 'model.' : ''
      const parts = nestedParts(language, `${p}language_model.`)
      const build: HFBuild = {
        root,
        parts: [['visual', [`${p}visual`]], ...parts.parts.filter(([key]) => key !== 'lm_head'), ['lm_head', withHead ? ['lm_head'] : []]],
        perBlock: [...parts.perBlock, ['vision_per_block', `${p}visual.blocks.0`]],
        tiedWeight,
        kvCache: language.kvCache,
        kvCacheNote: `${language.kvCacheNote} (the language model's; the vision tower caches nothing)`,
        notes: language.notes,
      }
      return build
    },
  })
}

/** Qwen2-VL (`Qwen/Qwen2-VL-7B-Instruct`, …). */
export const qwen2VL = qwenVL({ name: 'Qwen2-VL', modelType: 'qwen2_vl', cls: 'Qwen2VL', visionTower: qwen2VisionTower })

/** Qwen2.5-VL (`Qwen/Qwen2.5-VL-7B-Instruct`, …). */
export const qwen25VL = qwenVL({ name: 'Qwen2.5-VL', modelType: 'qwen2_5_vl', cls: 'Qwen2_5_VL', visionTower: qwen25VisionTower })
