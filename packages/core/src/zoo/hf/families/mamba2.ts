import { NnsizeError } from '../../../errors.js'
import { causalLM } from '../decoder.js'
import { defineFamily } from '../family.js'
import { stateCache } from '../model.js'
import { stateSpaceNote } from './mamba.js'
import { conv1d } from '../../../layers/conv.js'

/**
 * Mamba-2 and Codestral Mamba (`Mamba2Config`: 4096 wide, 64 layers, 128 heads of 64, `state_size` 128,
 * `n_groups` 8, `expand` 2, `conv_kernel` 4, vocabulary 32768, untied). Each mixer has `dt_bias`, `A_log` and `D`
 * per head, a depthwise `conv1d` over intermediate + 2 × groups × state channels, one `in_proj` to
 * 2 × intermediate + 2 × groups × state + heads, a gated RMSNorm and `out_proj`.
 */
export const mamba2 = defineFamily({
  name: 'Mamba-2',
  modelTypes: ['mamba2'],
  architectures: ['Mamba2ForCausalLM', 'Mamba2Model'],
  build(c, architecture, f) {
    const vocab = c.int('vocab_size', 32768)
    const hidden = c.int('hidden_size', 4096)
    const layers = c.count('num_hidden_layers', 64)
    const heads = c.int('num_heads', 128)
    const headDim = c.int('head_dim', 64)
    const state = c.int('state_size', 128)
    const groups = c.int('n_groups', 8)
    const convKernel = c.int('conv_kernel', 4)
    const expand = c.float('expand', 2)
    const intermediate = Math.floor(expand * hidden)
    if (intermediate < 1) throw new NnsizeError('config', `\`expand\` (${expand}) × \`hidden_size\` (${hidden}) leaves no channels (model type \`mamba2\`).`)
    const convBias = c.bool('use_conv_bias', true)
    const bias = c.bool('use_bias', false)
    const convDim = intermediate + 2 * groups * state
    f.reserve(layers * 10 + 10, `A ${layers}-layer Mamba-2`)
    const built = causalLM(f, {
      architecture,
      headClass: 'Mamba2ForCausalLM',
      baseClass: 'Mamba2Model',
      basePrefix: 'backbone',
      embed: ['embeddings', f.embedding(vocab, hidden)],
      layersName: 'layers',
      layers,
      layer: () =>
        f.module('Mamba2Block', [
          ['norm', f.rmsNorm('Mamba2RMSNorm', hidden)],
          [
            'mixer',
            f.module(
              'Mamba2Mixer',
              [
                ['conv1d', f.layer(conv1d, { in_channels: convDim, out_channels: convDim, kernel_size: [convKernel], groups: convDim, padding: [convKernel - 1], bias: convBias })],
                ['in_proj', f.linear(hidden, intermediate + convDim + heads, bias)],
                ['norm', f.rmsNorm('MambaRMSNormGated', intermediate)],
                ['out_proj', f.linear(intermediate, hidden, bias)],
              ],
              [
                ['dt_bias', [heads]],
                ['A_log', [heads]],
                ['D', [heads]],
              ],
            ),
          ],
        ]),
      after: [['norm_f', f.rmsNorm('Mamba2RMSNorm', hidden)]],
      finalNorm: 'norm_f',
      head: { name: 'lm_head', inFeatures: hidden, outFeatures: vocab, bias: false, tie: c.bool('tie_word_embeddings', false) },
    })
    return {
      ...built,
      kvCache: null,
      kvCacheNote: stateSpaceNote,
      // the SSM state is float32 whatever the model's dtype (transformers 5.18's scan runs in float32), the conv state follows the model
      stateCache: stateCache({ layers, convElementsPerLayer: convDim * convKernel, recurrentElementsPerLayer: heads * headDim * state, recurrentDType: 'float32' }),
      notes: [],
    }
  },
})
