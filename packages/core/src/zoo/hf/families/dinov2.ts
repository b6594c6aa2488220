import type { ModuleNode } from '../../../model/module.js'
import { defineFamily } from '../family.js'
import type { HFBuild } from '../model.js'
import { numLabels } from './bert.js'
import { encoderAttention, fcMLP, patchEmbeddings, patchGrid, visionEncoderNote } from './vision.js'

/**
 * DINOv2 (`Dinov2Config`: 768 wide, 12 layers, 12 heads, `mlp_ratio` 4, 224 × 224 images in patches of 14): class
 * and mask tokens, learned position embeddings, pre-norm blocks with a layer scale after attention and after the
 * MLP; with `use_swiglu_ffn` (giant) a SwiGLU of ⌈2/3 × hidden × `mlp_ratio`⌉ rounded up to a multiple of 8. The
 * classifier reads the class token and the mean patch token (2 × hidden).
 */
export const dinov2 = defineFamily({
  name: 'DINOv2',
  modelTypes: ['dinov2'],
  architectures: ['Dinov2Model', 'Dinov2ForImageClassification'],
  build(c, architecture, f) {
    const hidden = c.int('hidden_size', 768)
    const layers = c.count('num_hidden_layers', 12)
    const heads = c.int('num_attention_heads', 12)
    const channels = c.int('num_channels', 3)
    c.headDim({ key: 'hidden_size', value: hidden }, { key: 'num_attention_heads', value: heads }, null)
    const mlpHidden = Math.floor(hidden * c.float('mlp_ratio', 4))
    const swiglu = c.bool('use_swiglu_ffn', false)
    const swigluHidden = Math.floor((Math.floor((mlpHidden * 2) / 3) + 7) / 8) * 8
    const { patch, patches } = patchGrid(c, 224, 14)
    f.reserve(layers * 14 + 20, `A ${layers}-layer DINOv2`)
    const layerScale = (): ModuleNode => f.module('Dinov2LayerScale', [], [['lambda1', [hidden]]])
    const layer = (): ModuleNode =>
      f.module('Dinov2Layer', [
        ['norm1', f.layerNorm(hidden)],
        ['attention', encoderAttention(f, 'Dinov2Attention', hidden, hidden, c.bool('qkv_bias', true))],
        ['layer_scale1', layerScale()],
        ['norm2', f.layerNorm(hidden)],
        [
          'mlp',
          swiglu
            ? f.module('Dinov2SwiGLUFFN', [
                ['gate_proj', f.linear(hidden, swigluHidden, true)],
                ['up_proj', f.linear(hidden, swigluHidden, true)],
                ['down_proj', f.linear(swigluHidden, hidden, true)],
              ])
            : fcMLP(f, 'Dinov2MLP', hidden, mlpHidden),
        ],
        ['layer_scale2', layerScale()],
      ])
    const embeddings = f.module('Dinov2Embeddings', [['patch_embeddings', patchEmbeddings(f, 'Dinov2PatchEmbeddings', channels, hidden, patch)]], [
      ['cls_token', [1, 1, hidden]],
      ...(c.bool('use_mask_token', true) ? ([['mask_token', [1, hidden]]] as const) : []),
      ['position_embeddings', [1, patches + 1, hidden]],
    ])
    const base = f.module('Dinov2Model', [
      ['embeddings', embeddings],
      ['encoder', f.module('Dinov2Encoder', [['layer', f.list(layers, layer)]])],
      ['layernorm', f.layerNorm(hidden)],
    ])
    const labels = numLabels(c)
    const classify = architecture === 'Dinov2ForImageClassification'
    const root = classify ? f.module(architecture, [['dinov2', base], ...(labels > 0 ? ([['classifier', f.linear(2 * hidden, labels, true)]] as const) : [])]) : base
    const p = classify ? 'dinov2.' : ''
    const build: HFBuild = {
      root,
      parts: [['embeddings', [`${p}embeddings`]], ['layers', [`${p}encoder`]], ['final_norm', [`${p}layernorm`]], ...(classify ? ([['classifier', ['classifier']]] as const) : [])],
      perBlock: [['per_layer', `${p}encoder.layer.0`]],
      tiedWeight: null,
      kvCache: null,
      kvCacheNote: visionEncoderNote,
      notes: [],
    }
    return build
  },
})
