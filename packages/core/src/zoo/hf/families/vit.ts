import type { ModuleNode } from '../../../model/module.js'
import type { HFConfig } from '../config.js'
import { defineFamily } from '../family.js'
import type { HFFamily } from '../family.js'
import type { HFBuild } from '../model.js'
import type { Child, ModuleFactory } from '../modules.js'
import { numLabels } from './bert.js'
import { encoderAttention, fcMLP, patchEmbeddings, patchGrid, visionEncoderNote } from './vision.js'

/** The sizes of a ViT-style encoder. */
interface ViTSizes {
  hidden: number
  layers: number
  heads: number
  intermediate: number
  channels: number
  qkvBias: boolean
}

function vitSizes(c: HFConfig): ViTSizes {
  const hidden = c.int('hidden_size', 768)
  const heads = c.int('num_attention_heads', 12)
  c.headDim({ key: 'hidden_size', value: hidden }, { key: 'num_attention_heads', value: heads }, null)
  return { hidden, layers: c.count('num_hidden_layers', 12), heads, intermediate: c.int('intermediate_size', 3072), channels: c.int('num_channels', 3), qkvBias: c.bool('qkv_bias', true) }
}

/** A `<cls>Layer`: attention, `layernorm_before`, `layernorm_after`, MLP (transformers 5's ViT and DeiT). */
function vitLayer(f: ModuleFactory, cls: string, s: ViTSizes): ModuleNode {
  return f.module(`${cls}Layer`, [
    ['attention', encoderAttention(f, `${cls}Attention`, s.hidden, s.hidden, s.qkvBias)],
    ['layernorm_before', f.layerNorm(s.hidden)],
    ['layernorm_after', f.layerNorm(s.hidden)],
    ['mlp', fcMLP(f, `${cls}MLP`, s.hidden, s.intermediate)],
  ])
}

/**
 * ViT and DeiT (`ViTConfig`/`DeiTConfig`: 768 wide, 12 layers, 12 heads, FFN 3072, 224 × 224 images in patches of 16,
 * `qkv_bias`). Embeddings: `cls_token`, learned `position_embeddings` for every patch plus the class token (and
 * DeiT's `distillation_token`), a Conv2d patch projection. `<cls>Model` has a pooler (dense to
 * `pooler_output_size`, default hidden); the classifiers have none. `ViTForMaskedImageModeling` is not built.
 */
function vitFamily(o: { name: string; modelType: string; cls: string; prefix: string; distilled: boolean }): HFFamily {
  const { cls } = o
  const architectures = [`${cls}ForImageClassification`, `${cls}Model`, ...(o.distilled ? [`${cls}ForImageClassificationWithTeacher`] : [])]
  return defineFamily({
    name: o.name,
    modelTypes: [o.modelType],
    architectures,
    build(c, architecture, f) {
      const s = vitSizes(c)
      const { patch, patches } = patchGrid(c, 224, 16)
      f.reserve(s.layers * 12 + 20, `A ${s.layers}-layer ${o.name}`)
      const pooled = architecture === `${cls}Model`
      const tokens = o.distilled ? 2 : 1
      const embeddings = f.module(`${cls}Embeddings`, [['patch_embeddings', patchEmbeddings(f, `${cls}PatchEmbeddings`, s.channels, s.hidden, patch)]], [
        ['cls_token', [1, 1, s.hidden]],
        ['position_embeddings', [1, patches + tokens, s.hidden]],
        ...(o.distilled ? ([['distillation_token', [1, 1, s.hidden]]] as const) : []),
      ])
      const base = f.module(`${cls}Model`, [
        ['embeddings', embeddings],
        ['layers', f.list(s.layers, () => vitLayer(f, cls, s))],
        ['layernorm', f.layerNorm(s.hidden)],
        ['pooler', pooled ? f.module(`${cls}Pooler`, [['dense', f.linear(s.hidden, c.int('pooler_output_size', s.hidden), true)]]) : null],
      ])
      let headModules: Child[] = []
      let headParts: Array<readonly [string, readonly string[]]> = []
      const labels = numLabels(c)
      if (architecture === `${cls}ForImageClassification`) {
        headModules = labels > 0 ? [['classifier', f.linear(s.hidden, labels, true)]] : []
        headParts = [['classifier', ['classifier']]]
      } else if (architecture === `${cls}ForImageClassificationWithTeacher`) {
        headModules = [
          ['cls_classifier', f.linear(s.hidden, labels, true)],
          ['distillation_classifier', f.linear(s.hidden, labels, true)],
        ]
        headParts = [['classifier', ['cls_classifier', 'distillation_classifier']]]
      }
      const root = pooled ? base : f.module(architecture, [[o.prefix, base], ...headModules])
      const p = pooled ? '' : `${o.prefix}.`
      const build: HFBuild = {
        root,
        parts: [['embeddings', [`${p}embeddings`]], ['layers', [`${p}layers`]], ['final_norm', [`${p}layernorm`]], ...(pooled ? ([['pooler', ['pooler']]] as const) : []), ...headParts],
        perBlock: [['per_layer', `${p}layers.0`]],
        tiedWeight: null,
        kvCache: null,
        kvCacheNote: visionEncoderNote,
        notes: [],
      }
      return build
    },
  })
}

/** ViT (`google/vit-base-patch16-224`, …). */
export const vit = vitFamily({ name: 'ViT', modelType: 'vit', cls: 'ViT', prefix: 'vit', distilled: false })

/** DeiT (`facebook/deit-base-distilled-patch16-224`, …): ViT with a distillation token and, with a teacher, two classifiers. */
export const deit = vitFamily({ name: 'DeiT', modelType: 'deit', cls: 'DeiT', prefix: 'deit', distilled: true })
