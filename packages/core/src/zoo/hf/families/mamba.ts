import { NnsizeError } from '../../../errors.js'
import type { ModuleNode } from '../../../model/module.js'
import type { HFConfig } from '../config.js'
import { causalLM } from '../decoder.js'
import { defineFamily } from '../family.js'
import type { HFFamily } from '../family.js'
import { stateCache } from '../model.js'
import type { StateCacheInfo } from '../model.js'
import type { Child, ModuleFactory } from '../modules.js'
import { conv1d } from '../../../layers/conv.js'

/** The KV-cache note of a model whose layers keep a fixed-size state instead. */
export const stateSpaceNote = 'state-space model: no KV cache; each layer keeps a convolution state and an SSM state per sequence, the same size at any length (see the state cache)'

/** `time_step_rank`: an integer, or `"auto"` (the default) for `ceil(hidden_size / 16)`. */
export function timeStepRank(c: HFConfig, key: string, hidden: number): number {
  const found = c.get(key)
  if (!found || found.value === 'auto') return Math.ceil(hidden / 16)
  return c.int(key)
}

/** The sizes of one Mamba (selective-scan) mixer. */
export interface MambaMixerSizes {
  hidden: number
  /** `expand × hidden_size`. */
  intermediate: number
  /** The SSM state size (`state_size`, Jamba's `mamba_d_state`). */
  state: number
  convKernel: number
  timeStepRank: number
  convBias: boolean
  projBias: boolean
}

/**
 * A Mamba mixer: `A_log` (intermediate × state) and `D` of its own, a depthwise `conv1d` over the intermediate
 * channels, `in_proj` (hidden → 2 × intermediate), `x_proj` (intermediate → rank + 2 × state, no bias), `dt_proj`
 * (rank → intermediate, biased) and `out_proj`; `extra` children come last (Jamba's and Falcon-Mamba's norms).
 */
export function mambaMixer(f: ModuleFactory, type: string, s: MambaMixerSizes, extra: readonly Child[] = []): ModuleNode {
  return f.module(
    type,
    [
      ['conv1d', f.layer(conv1d, { in_channels: s.intermediate, out_channels: s.intermediate, kernel_size: [s.convKernel], groups: s.intermediate, padding: [s.convKernel - 1], bias: s.convBias })],
      ['in_proj', f.linear(s.hidden, 2 * s.intermediate, s.projBias)],
      ['x_proj', f.linear(s.intermediate, s.timeStepRank + 2 * s.state, false)],
      ['dt_proj', f.linear(s.timeStepRank, s.intermediate, true)],
      ['out_proj', f.linear(s.intermediate, s.hidden, s.projBias)],
      ...extra,
    ],
    [
      ['A_log', [s.intermediate, s.state]],
      ['D', [s.intermediate]],
    ],
  )
}

/**
 * The state a Mamba mixer keeps per sequence: the last `conv_kernel` inputs of each channel (in the model's dtype),
 * and the SSM state, which transformers 5.18 keeps in float32 (the scan runs in float32 and its last state is cached as it is).
 */
export function mambaState(layers: number, s: MambaMixerSizes): StateCacheInfo {
  return stateCache({ layers, convElementsPerLayer: s.intermediate * s.convKernel, recurrentElementsPerLayer: s.intermediate * s.state, recurrentDType: 'float32' })
}

/**
 * Mamba and Falcon-Mamba (`MambaConfig`: 768 wide, 32 layers, `state_size` 16, `expand` 2, `conv_kernel` 4,
 * vocabulary 50280, tied): `backbone.layers.N` = RMSNorm + mixer, no attention and so no KV cache. Falcon-Mamba's
 * mixer adds weightless RMSNorms on Δ, B and C, whose unit weights are non-persistent buffers.
 */
function mambaFamily(o: { name: string; modelType: string; cls: string; weightlessNorms: boolean }): HFFamily {
  const { cls } = o
  return defineFamily({
    name: o.name,
    modelTypes: [o.modelType],
    architectures: [`${cls}ForCausalLM`, `${cls}Model`],
    build(c, architecture, f) {
      const vocab = c.int('vocab_size', 50280)
      const hidden = c.int('hidden_size', 768)
      const layers = c.count('num_hidden_layers', 32)
      const expand = c.float('expand', 2)
      const intermediate = Math.floor(expand * hidden)
      if (intermediate < 1) throw new NnsizeError('config', `\`expand\` (${expand}) × \`hidden_size\` (${hidden}) leaves no channels (model type \`${c.modelType}\`).`)
      const s: MambaMixerSizes = {
        hidden,
        intermediate,
        state: c.int('state_size', 16),
        convKernel: c.int('conv_kernel', 4),
        timeStepRank: timeStepRank(c, 'time_step_rank', hidden),
        convBias: c.bool('use_conv_bias', true),
        projBias: c.bool('use_bias', false),
      }
      f.reserve(layers * 12 + 10, `A ${layers}-layer ${o.name}`)
      const weightless = (dim: number): ModuleNode => f.buffer(f.module(`${cls}WeightlessRMSNorm`), 'weight', [dim])
      const built = causalLM(f, {
        architecture,
        headClass: `${cls}ForCausalLM`,
        baseClass: `${cls}Model`,
        basePrefix: 'backbone',
        embed: ['embeddings', f.embedding(vocab, hidden)],
        layersName: 'layers',
        layers,
        layer: () =>
          f.module(`${cls}Block`, [
            ['norm', f.rmsNorm(`${cls}RMSNorm`, hidden)],
            [
              'mixer',
              mambaMixer(
                f,
                `${cls}Mixer`,
                s,
                o.weightlessNorms
                  ? [
                      ['dt_layernorm', weightless(intermediate)],
                      ['b_layernorm', weightless(s.state)],
                      ['c_layernorm', weightless(s.state)],
                    ]
                  : [],
              ),
            ],
          ]),
        after: [['norm_f', f.rmsNorm(`${cls}RMSNorm`, hidden)]],
        finalNorm: 'norm_f',
        head: { name: 'lm_head', inFeatures: hidden, outFeatures: vocab, bias: false, tie: c.bool('tie_word_embeddings', true) },
      })
      return { ...built, kvCache: null, kvCacheNote: stateSpaceNote, stateCache: mambaState(layers, s), notes: [] }
    },
  })
}

/** Mamba (`MambaConfig`, `state-spaces/mamba-*-hf`). */
export const mamba = mambaFamily({ name: 'Mamba', modelType: 'mamba', cls: 'Mamba', weightlessNorms: false })

/** Falcon-Mamba (`FalconMambaConfig`, `tiiuae/falcon-mamba-7b`): Mamba with weightless Δ/B/C RMSNorms in the mixer. */
export const falconMamba = mambaFamily({ name: 'Falcon-Mamba', modelType: 'falcon_mamba', cls: 'FalconMamba', weightlessNorms: true })
