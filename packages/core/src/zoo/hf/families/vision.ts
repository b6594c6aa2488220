import { NnsizeError } from '../../../errors.js'
import type { ModuleNode } from '../../../model/module.js'
import type { HFConfig } from '../config.js'
import type { ModuleFactory } from '../modules.js'
import { conv2d } from '../../../layers/conv.js'

/** The KV-cache note of an image or audio encoder. */
export const visionEncoderNote = 'vision encoder: no KV cache'

/** A size that configs give as one integer or as `[height, width]`. */
function pair(c: HFConfig, key: string, fallback: number): [number, number] {
  const found = c.get(key)
  if (found && Array.isArray(found.value)) {
    const [h, w] = found.value
    if (found.value.length !== 2 || typeof h !== 'number' || typeof w !== 'number' || !Number.isInteger(h) || !Number.isInteger(w) || h < 1 || w < 1) {
      throw new NnsizeError('config', `\`${key}\` must be an integer or a list of two, e.g. \`224\` or \`[224, 224]\` (model type \`${c.modelType}\`).`)
    }
    return [h, w]
  }
  const n = c.int(key, fallback)
  return [n, n]
}

/** The patch grid of a ViT-style model: `image_size / patch_size` in each direction, and the patch count. */
export interface PatchGrid {
  patch: [number, number]
  grid: [number, number]
  patches: number
}

/** Reads `image_size` and `patch_size` (integers or pairs); the patches are `⌊h / p⌋ × ⌊w / p⌋`. */
export function patchGrid(c: HFConfig, imageDefault: number, patchDefault: number): PatchGrid {
  const image = pair(c, 'image_size', imageDefault)
  const patch = pair(c, 'patch_size', patchDefault)
  const grid: [number, number] = [Math.floor(image[0] / patch[0]), Math.floor(image[1] / patch[1])]
  if (grid[0] < 1 || grid[1] < 1) throw new NnsizeError('config', `\`image_size\` (${image.join(' × ')}) is smaller than \`patch_size\` (${patch.join(' × ')}) (model type \`${c.modelType}\`).`)
  return { patch, grid, patches: grid[0] * grid[1] }
}

/** `<cls>PatchEmbeddings`: a `projection` Conv2d from the image channels to `hidden`, kernel and stride the patch size. */
export function patchEmbeddings(f: ModuleFactory, type: string, channels: number, hidden: number, patch: readonly [number, number], name = 'projection', bias = true): ModuleNode {
  return f.module(type, [[name, f.layer(conv2d, { in_channels: channels, out_channels: hidden, kernel_size: [...patch], stride: [...patch], bias })]])
}

/** Bidirectional attention with `q_proj`, `k_proj`, `v_proj` (biased per `qkvBias`; `kBias` overrides for keys) and a biased `o_proj`. */
export function encoderAttention(f: ModuleFactory, type: string, hidden: number, inner: number, qkvBias: boolean, options: { kBias?: boolean; oName?: string } = {}): ModuleNode {
  return f.module(type, [
    ['q_proj', f.linear(hidden, inner, qkvBias)],
    ['k_proj', f.linear(hidden, inner, options.kBias ?? qkvBias)],
    ['v_proj', f.linear(hidden, inner, qkvBias)],
    [options.oName ?? 'o_proj', f.linear(inner, hidden, true)],
  ])
}

/** A two-layer MLP `fc1` → `fc2` with biases (`ViTMLP`, `CLIPMLP`, `SiglipMLP`). */
export function fcMLP(f: ModuleFactory, type: string, hidden: number, intermediate: number): ModuleNode {
  return f.module(type, [
    ['fc1', f.linear(hidden, intermediate, true)],
    ['fc2', f.linear(intermediate, hidden, true)],
  ])
}

/**
 * The encoder of CLIP-style towers (`<cls>Encoder` with `layers`): each `<cls>EncoderLayer` has `self_attn`
 * (`k_proj`, `v_proj`, `q_proj`, `out_proj`, all biased), two LayerNorms and an `fc1`/`fc2` MLP; CLIP registers
 * `self_attn, layer_norm1, mlp, layer_norm2`, SigLIP `layer_norm1, self_attn, layer_norm2, mlp`.
 */
export function clipStyleEncoder(f: ModuleFactory, cls: string, s: { hidden: number; intermediate: number; layers: number }, order: 'clip' | 'siglip'): ModuleNode {
  const layer = (): ModuleNode => {
    const attention = f.module(`${cls}Attention`, [
      ['k_proj', f.linear(s.hidden, s.hidden, true)],
      ['v_proj', f.linear(s.hidden, s.hidden, true)],
      ['q_proj', f.linear(s.hidden, s.hidden, true)],
      ['out_proj', f.linear(s.hidden, s.hidden, true)],
    ])
    const mlp = fcMLP(f, `${cls}MLP`, s.hidden, s.intermediate)
    return f.module(
      `${cls}EncoderLayer`,
      order === 'clip'
        ? [['self_attn', attention], ['layer_norm1', f.layerNorm(s.hidden)], ['mlp', mlp], ['layer_norm2', f.layerNorm(s.hidden)]]
        : [['layer_norm1', f.layerNorm(s.hidden)], ['self_attn', attention], ['layer_norm2', f.layerNorm(s.hidden)], ['mlp', mlp]],
    )
  }
  return f.module(`${cls}Encoder`, [['layers', f.list(s.layers, layer)]])
}

/** The sizes of one tower of a CLIP-style model, read from its sub-config with the family's defaults. */
export interface TowerSizes {
  hidden: number
  intermediate: number
  layers: number
  heads: number
}

/** Reads `hidden_size`, `intermediate_size`, `num_hidden_layers`, `num_attention_heads` of a tower's config. */
export function towerSizes(c: HFConfig, d: TowerSizes): TowerSizes {
  const hidden = c.int('hidden_size', d.hidden)
  const heads = c.int('num_attention_heads', d.heads)
  c.headDim({ key: 'hidden_size', value: hidden }, { key: 'num_attention_heads', value: heads }, null)
  return { hidden, heads, intermediate: c.int('intermediate_size', d.intermediate), layers: c.count('num_hidden_layers', d.layers) }
}
