import type { ModuleNode } from '../../../model/module.js'
import { defineFamily } from '../family.js'
import type { HFBuild } from '../model.js'
import type { Child } from '../modules.js'
import { numLabels } from './bert.js'
import { encoderAttention, fcMLP, patchEmbeddings, patchGrid, visionEncoderNote } from './vision.js'

/**
 * BEiT (`BeitConfig`: 768 wide, 12 layers, 12 heads, FFN 3072, 224 × 224 images in patches of 16): keys without bias,
 * per-layer scales `lambda_1`/`lambda_2` when `layer_scale_init_value` > 0 (0.1), a relative-position bias table of
 * (2h − 1)(2w − 1) + 3 rows per head in each layer (`use_relative_position_bias`) or once for the model
 * (`use_shared_relative_position_bias`), absolute position embeddings only with `use_absolute_position_embeddings`.
 * With `use_mean_pooling` (default) the final norm is in the pooler, otherwise after the layers.
 */
export const beit = defineFamily({
  name: 'BEiT',
  modelTypes: ['beit'],
  architectures: ['BeitForImageClassification', 'BeitModel'],
  build(c, architecture, f) {
    const hidden = c.int('hidden_size', 768)
    const layers = c.count('num_hidden_layers', 12)
    const heads = c.int('num_attention_heads', 12)
    const intermediate = c.int('intermediate_size', 3072)
    const channels = c.int('num_channels', 3)
    c.headDim({ key: 'hidden_size', value: hidden }, { key: 'num_attention_heads', value: heads }, null)
    const { patch, grid, patches } = patchGrid(c, 224, 16)
    const layerScale = c.float('layer_scale_init_value', 0.1) > 0
    const relative = c.bool('use_relative_position_bias', false)
    const shared = c.bool('use_shared_relative_position_bias', false)
    const meanPooling = c.bool('use_mean_pooling', true)
    const maskToken = c.bool('use_mask_token', false)
    const absolute = c.bool('use_absolute_position_embeddings', false)
    const table = (2 * grid[0] - 1) * (2 * grid[1] - 1) + 3
    f.reserve(layers * 12 + 20, `A ${layers}-layer BEiT`)
    const positionBias = (): ModuleNode => f.module('BeitRelativePositionBias', [], [['relative_position_bias_table', [table, heads]]])
    const layer = (): ModuleNode =>
      f.module(
        'BeitLayer',
        [
          ['attention', encoderAttention(f, 'BeitAttention', hidden, hidden, true, { kBias: false })],
          ['layernorm_before', f.layerNorm(hidden)],
          ['layernorm_after', f.layerNorm(hidden)],
          ['mlp', fcMLP(f, 'BeitMLP', hidden, intermediate)],
          ...(relative ? ([['relative_position_bias', positionBias()]] as const) : []),
        ],
        layerScale
          ? [
              ['lambda_1', [hidden]],
              ['lambda_2', [hidden]],
            ]
          : [],
      )
    const pooled = architecture === 'BeitForImageClassification' || architecture === 'BeitModel'
    const embeddings = f.module('BeitEmbeddings', [['patch_embeddings', patchEmbeddings(f, 'BeitPatchEmbeddings', channels, hidden, patch)]], [
      ['cls_token', [1, 1, hidden]],
      ...(maskToken ? ([['mask_token', [1, 1, hidden]]] as const) : []),
      ...(absolute ? ([['position_embeddings', [1, patches + 1, hidden]]] as const) : []),
    ])
    const base = f.module('BeitModel', [
      ['embeddings', embeddings],
      ...(shared ? ([['shared_position_bias', positionBias()]] as const) : []),
      ['layers', f.list(layers, layer)],
      ['layernorm', meanPooling ? f.module('Identity') : f.layerNorm(hidden)],
      ['pooler', pooled ? f.module('BeitPooler', [['layernorm', meanPooling ? f.layerNorm(hidden) : null]]) : null],
    ])
    const labels = numLabels(c)
    const headModules: Child[] = architecture === 'BeitForImageClassification' && labels > 0 ? [['classifier', f.linear(hidden, labels, true)]] : []
    const root = architecture === 'BeitModel' ? base : f.module(architecture, [['beit', base], ...headModules])
    const p = root === base ? '' : 'beit.'
    const build: HFBuild = {
      root,
      parts: [
        ['embeddings', [`${p}embeddings`, `${p}shared_position_bias`]],
        ['layers', [`${p}layers`]],
        ['final_norm', [`${p}layernorm`, `${p}pooler`]],
        ...(headModules.length > 0 ? ([['classifier', ['classifier']]] as const) : []),
      ],
      perBlock: [['per_layer', `${p}layers.0`]],
      tiedWeight: null,
      kvCache: null,
      kvCacheNote: visionEncoderNote,
      notes: [],
    }
    return build
  },
})
