import type { ModuleNode, TensorDef } from '../../../model/module.js'
import { defineFamily } from '../family.js'
import type { HFBuild } from '../model.js'
import type { ModuleFactory } from '../modules.js'
import { conv1d } from '../../../layers/conv.js'

/** Whisper's attention: `k_proj` without bias, `v_proj`, `q_proj`, `out_proj` with. */
function whisperAttention(f: ModuleFactory, d: number): ModuleNode {
  return f.module('WhisperAttention', [
    ['k_proj', f.linear(d, d, false)],
    ['v_proj', f.linear(d, d, true)],
    ['q_proj', f.linear(d, d, true)],
    ['out_proj', f.linear(d, d, true)],
  ])
}

/**
 * Whisper (`WhisperConfig`: `d_model` 384, 4 + 4 layers, 6 heads, FFN 1536, 80 mel bins, 1500 source and 448 target
 * positions, vocabulary 51865 — whisper-tiny). The encoder reads the mel spectrogram through two Conv1d (the second
 * halves the frames) and adds a frozen sinusoidal position table; the decoder has token and learned position
 * embeddings and cross-attention. `WhisperForConditionalGeneration`'s `proj_out` shares the token embedding.
 */
export const whisper = defineFamily({
  name: 'Whisper',
  modelTypes: ['whisper'],
  architectures: ['WhisperForConditionalGeneration', 'WhisperModel'],
  build(c, architecture, f) {
    const vocab = c.int('vocab_size', 51865)
    const d = c.int('d_model', 384)
    const mels = c.int('num_mel_bins', 80)
    const encoderLayers = c.count('encoder_layers', 4)
    const decoderLayers = c.count('decoder_layers', 4)
    const encoderHeads = c.int('encoder_attention_heads', 6)
    const decoderHeads = c.int('decoder_attention_heads', 6)
    c.headDim({ key: 'd_model', value: d }, { key: 'encoder_attention_heads', value: encoderHeads }, null)
    const decoderHeadDim = c.headDim({ key: 'd_model', value: d }, { key: 'decoder_attention_heads', value: decoderHeads }, null).headDim
    const encoderFfn = c.int('encoder_ffn_dim', 1536)
    const decoderFfn = c.int('decoder_ffn_dim', 1536)
    const sourcePositions = c.int('max_source_positions', 1500)
    const targetPositions = c.int('max_target_positions', 448)
    f.reserve((encoderLayers + decoderLayers) * 14 + 20, `A ${encoderLayers}+${decoderLayers}-layer Whisper`)
    const encoderPositions = f.embedding(sourcePositions, d)
    encoderPositions.params.get('weight')!.requiresGrad = false
    const encoder = f.module('WhisperEncoder', [
      ['conv1', f.layer(conv1d, { in_channels: mels, out_channels: d, kernel_size: [3], padding: [1] })],
      ['conv2', f.layer(conv1d, { in_channels: d, out_channels: d, kernel_size: [3], stride: [2], padding: [1] })],
      ['embed_positions', encoderPositions],
      [
        'layers',
        f.list(encoderLayers, () =>
          f.module('WhisperEncoderLayer', [
            ['self_attn', whisperAttention(f, d)],
            ['self_attn_layer_norm', f.layerNorm(d)],
            ['fc1', f.linear(d, encoderFfn, true)],
            ['fc2', f.linear(encoderFfn, d, true)],
            ['final_layer_norm', f.layerNorm(d)],
          ]),
        ),
      ],
      ['layer_norm', f.layerNorm(d)],
    ])
    const tokens = f.embedding(vocab, d)
    const decoder = f.module('WhisperDecoder', [
      ['embed_tokens', tokens],
      ['embed_positions', f.embedding(targetPositions, d, 'WhisperPositionalEmbedding')],
      [
        'layers',
        f.list(decoderLayers, () =>
          f.module('WhisperDecoderLayer', [
            ['self_attn', whisperAttention(f, d)],
            ['self_attn_layer_norm', f.layerNorm(d)],
            ['encoder_attn', whisperAttention(f, d)],
            ['encoder_attn_layer_norm', f.layerNorm(d)],
            ['fc1', f.linear(d, decoderFfn, true)],
            ['fc2', f.linear(decoderFfn, d, true)],
            ['final_layer_norm', f.layerNorm(d)],
          ]),
        ),
      ],
      ['layer_norm', f.layerNorm(d)],
    ])
    const base = f.module('WhisperModel', [
      ['encoder', encoder],
      ['decoder', decoder],
    ])
    const withHead = architecture === 'WhisperForConditionalGeneration'
    let root = base
    let tiedWeight: TensorDef | null = null
    if (withHead) {
      const head = f.linear(d, vocab, false)
      if (c.bool('tie_word_embeddings', true)) tiedWeight = f.tie(head, tokens)
      root = f.module(architecture, [
        ['model', base],
        ['proj_out', head],
      ])
    }
    const p = withHead ? 'model.' : ''
    // The encoder turns 2 × max_source_positions mel frames (30 s) into max_source_positions states.
    const crossBytes = 4n * BigInt(decoderLayers) * BigInt(sourcePositions) * BigInt(d)
    const build: HFBuild = {
      root,
      parts: [
        ['encoder_embeddings', [`${p}encoder.conv1`, `${p}encoder.conv2`, `${p}encoder.embed_positions`]],
        ['encoder_layers', [`${p}encoder.layers`]],
        ['embeddings', [`${p}decoder.embed_tokens`, `${p}decoder.embed_positions`]],
        ['decoder_layers', [`${p}decoder.layers`]],
        ['final_norm', [`${p}encoder.layer_norm`, `${p}decoder.layer_norm`]],
        ['lm_head', withHead ? ['proj_out'] : []],
      ],
      perBlock: [
        ['encoder_per_layer', `${p}encoder.layers.0`],
        ['decoder_per_layer', `${p}decoder.layers.0`],
      ],
      tiedWeight,
      kvCache: null,
      kvCacheNote: `encoder-decoder model: the decoder caches its own keys and values (2 × ${decoderLayers} layers × ${decoderHeads} heads × head_dim ${decoderHeadDim} × 2 bytes per generated token in fp16) and the cross-attention keys and values of the ${sourcePositions} encoder states (${crossBytes} bytes per sequence in fp16); not reported as a per-token figure`,
      notes: [],
    }
    return build
  },
})
