import { NnsizeError } from '../../../errors.js'
import type { ModuleNode } from '../../../model/module.js'
import type { HFConfig } from '../config.js'
import { defineFamily } from '../family.js'
import type { HFBuild } from '../model.js'
import type { Child } from '../modules.js'
import { numLabels } from './bert.js'
import { conv1d } from '../../../layers/conv.js'
import { groupNorm } from '../../../layers/norm.js'

/** A list of integers such as `conv_dim` (default `fallback`), each at least 1. */
function intList(c: HFConfig, key: string, fallback: readonly number[]): number[] {
  const found = c.get(key)
  if (!found) return [...fallback]
  if (!Array.isArray(found.value) || found.value.length === 0 || found.value.length > 64 || found.value.some((v) => typeof v !== 'number' || !Number.isInteger(v) || v < 1)) {
    throw new NnsizeError('config', `\`${key}\` must be a list of positive integers, e.g. \`[${fallback.join(', ')}]\` (model type \`${c.modelType}\`).`)
  }
  return found.value as number[]
}

/**
 * Wav2Vec2 (`Wav2Vec2Config`: 768 wide, 12 layers, 12 heads, FFN 3072; a feature encoder of 7 Conv1d of 512
 * channels, strides 5, 2, 2, 2, 2, 2, 2 and kernels 10, 3, 3, 3, 3, 2, 2, without bias). With `feat_extract_norm`
 * `group` the first convolution has a GroupNorm of one group per channel; with `layer` each has a LayerNorm. The
 * encoder adds a positional Conv1d of `num_conv_pos_embeddings` taps in `num_conv_pos_embedding_groups` groups,
 * weight-normalised (`parametrizations.weight.original0`/`original1`), before its layers.
 * `masked_spec_embed` exists when masking is on (`mask_time_prob` or `mask_feature_prob` > 0).
 */
export const wav2vec2 = defineFamily({
  name: 'Wav2Vec2',
  modelTypes: ['wav2vec2'],
  architectures: ['Wav2Vec2ForCTC', 'Wav2Vec2Model', 'Wav2Vec2ForPreTraining', 'Wav2Vec2ForSequenceClassification'],
  build(c, architecture, f) {
    if (c.bool('add_adapter', false)) throw new NnsizeError('config', 'Wav2Vec2 configs with `add_adapter` are not built: the adapter layers are not modelled (model type `wav2vec2`).')
    const hidden = c.int('hidden_size', 768)
    const layers = c.count('num_hidden_layers', 12)
    const heads = c.int('num_attention_heads', 12)
    c.headDim({ key: 'hidden_size', value: hidden }, { key: 'num_attention_heads', value: heads }, null)
    const intermediate = c.int('intermediate_size', 3072)
    const convDim = intList(c, 'conv_dim', [512, 512, 512, 512, 512, 512, 512])
    const convStride = intList(c, 'conv_stride', [5, 2, 2, 2, 2, 2, 2])
    const convKernel = intList(c, 'conv_kernel', [10, 3, 3, 3, 3, 2, 2])
    if (convStride.length !== convDim.length || convKernel.length !== convDim.length) {
      throw new NnsizeError('config', `\`conv_dim\`, \`conv_stride\` and \`conv_kernel\` must have the same length, got ${convDim.length}, ${convStride.length} and ${convKernel.length} (model type \`wav2vec2\`).`)
    }
    const convBias = c.bool('conv_bias', false)
    const norm = c.str('feat_extract_norm', 'group')
    if (norm !== 'group' && norm !== 'layer') throw new NnsizeError('config', `\`feat_extract_norm\` must be \`group\` or \`layer\`, got \`${norm}\` (model type \`wav2vec2\`).`)
    const posTaps = c.int('num_conv_pos_embeddings', 128)
    const posGroups = c.int('num_conv_pos_embedding_groups', 16)
    if (hidden % posGroups !== 0) throw new NnsizeError('config', `\`hidden_size\` (${hidden}) is not divisible by \`num_conv_pos_embedding_groups\` (${posGroups}) (model type \`wav2vec2\`).`)
    const stable = c.bool('do_stable_layer_norm', false)
    const masked = c.float('mask_time_prob', 0.05) > 0 || c.float('mask_feature_prob', 0) > 0
    f.reserve(layers * 14 + convDim.length * 3 + 30, `A ${layers}-layer Wav2Vec2`)
    const convLayer = (i: number): ModuleNode => {
      const conv = f.layer(conv1d, { in_channels: i === 0 ? 1 : convDim[i - 1]!, out_channels: convDim[i]!, kernel_size: [convKernel[i]!], stride: [convStride[i]!], bias: convBias })
      if (norm === 'layer') return f.module('Wav2Vec2LayerNormConvLayer', [['conv', conv], ['layer_norm', f.layerNorm(convDim[i]!)]])
      if (i === 0) return f.module('Wav2Vec2GroupNormConvLayer', [['conv', conv], ['layer_norm', f.layer(groupNorm, { num_groups: convDim[0]!, num_channels: convDim[0]!, affine: true })]])
      return f.module('Wav2Vec2NoLayerNormConvLayer', [['conv', conv]])
    }
    const last = convDim[convDim.length - 1]!
    // weight_norm(conv, dim=2): original0 is the magnitude g (1, 1, taps), original1 the direction v.
    const positionalConv = f.module(
      'ParametrizedConv1d',
      [['parametrizations', f.module('ModuleDict', [['weight', f.module('ParametrizationList', [], [['original0', [1, 1, posTaps]], ['original1', [hidden, hidden / posGroups, posTaps]]])]])]],
      [['bias', [hidden]]],
    )
    const encoderLayer = (): ModuleNode =>
      f.module(stable ? 'Wav2Vec2EncoderLayerStableLayerNorm' : 'Wav2Vec2EncoderLayer', [
        [
          'attention',
          f.module('Wav2Vec2Attention', [
            ['k_proj', f.linear(hidden, hidden, true)],
            ['v_proj', f.linear(hidden, hidden, true)],
            ['q_proj', f.linear(hidden, hidden, true)],
            ['out_proj', f.linear(hidden, hidden, true)],
          ]),
        ],
        ['layer_norm', f.layerNorm(hidden)],
        ['feed_forward', f.module('Wav2Vec2FeedForward', [['intermediate_dense', f.linear(hidden, intermediate, true)], ['output_dense', f.linear(intermediate, hidden, true)]])],
        ['final_layer_norm', f.layerNorm(hidden)],
      ])
    const base = f.module(
      'Wav2Vec2Model',
      [
        ['feature_extractor', f.module('Wav2Vec2FeatureEncoder', [['conv_layers', f.list(convDim.length, convLayer)]])],
        ['feature_projection', f.module('Wav2Vec2FeatureProjection', [['layer_norm', f.layerNorm(last)], ['projection', f.linear(last, hidden, true)]])],
        [
          'encoder',
          f.module(stable ? 'Wav2Vec2EncoderStableLayerNorm' : 'Wav2Vec2Encoder', [
            ['pos_conv_embed', f.module('Wav2Vec2PositionalConvEmbedding', [['conv', positionalConv]])],
            ['layer_norm', f.layerNorm(hidden)],
            ['layers', f.list(layers, encoderLayer)],
          ]),
        ],
      ],
      masked ? [['masked_spec_embed', [hidden]]] : [],
    )
    let headModules: Child[] = []
    let headParts: Array<readonly [string, readonly string[]]> = []
    const rootParams: Array<readonly [string, readonly number[]]> = []
    if (architecture === 'Wav2Vec2ForCTC') {
      headModules = [['lm_head', f.linear(hidden, c.int('vocab_size', 32), true)]]
      headParts = [['lm_head', ['lm_head']]]
    } else if (architecture === 'Wav2Vec2ForPreTraining') {
      const groups = c.int('num_codevector_groups', 2)
      const perGroup = c.int('num_codevectors_per_group', 320)
      const codevector = c.int('codevector_dim', 256)
      if (codevector % groups !== 0) throw new NnsizeError('config', `\`codevector_dim\` (${codevector}) must be divisible by \`num_codevector_groups\` (${groups}) (model type \`wav2vec2\`).`)
      const projected = c.int('proj_codevector_dim', 256)
      const quantizer = f.module('Wav2Vec2GumbelVectorQuantizer', [['weight_proj', f.linear(last, groups * perGroup, true)]], [['codevectors', [1, groups * perGroup, codevector / groups]]])
      // `nn.Parameter(torch.FloatTensor(...))`: float32 whatever the default dtype, so it stays float32 in a
      // half-precision checkpoint (loading keeps the dtype a tensor was made in).
      f.ownDType(quantizer.params.get('codevectors')!)
      headModules = [
        ['quantizer', quantizer],
        ['project_hid', f.linear(hidden, projected, true)],
        ['project_q', f.linear(codevector, projected, true)],
      ]
      headParts = [['pretraining_heads', ['quantizer', 'project_hid', 'project_q']]]
    } else if (architecture === 'Wav2Vec2ForSequenceClassification') {
      const projector = c.int('classifier_proj_size', 256)
      if (c.bool('use_weighted_layer_sum', false)) rootParams.push(['layer_weights', [layers + 1]])
      headModules = [
        ['projector', f.linear(hidden, projector, true)],
        ['classifier', f.linear(projector, numLabels(c), true)],
      ]
      headParts = [['classifier', ['layer_weights', 'projector', 'classifier']]]
    }
    const root = architecture === 'Wav2Vec2Model' ? base : f.module(architecture, [['wav2vec2', base], ...headModules], rootParams)
    const p = root === base ? '' : 'wav2vec2.'
    const build: HFBuild = {
      root,
      parts: [
        ['feature_encoder', [`${p}feature_extractor`, `${p}feature_projection`, `${p}masked_spec_embed`]],
        ['positional_conv', [`${p}encoder.pos_conv_embed`]],
        ['layers', [`${p}encoder.layers`]],
        ['final_norm', [`${p}encoder.layer_norm`]],
        ...headParts,
      ],
      perBlock: [['per_layer', `${p}encoder.layers.0`]],
      tiedWeight: null,
      kvCache: null,
      kvCacheNote: 'audio encoder: no KV cache',
      notes: [],
    }
    return build
  },
})
