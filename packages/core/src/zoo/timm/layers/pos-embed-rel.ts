import type { ModuleBuilder } from '../../../layers/define-layer.js'
import type { ModuleNode } from '../../../model/module.js'
import { block, defineBlock, nn } from '../../torchvision/core.js'
import { forwardNotModelled } from '../family.js'
import { Mlp } from './mlp.js'
import { identity } from '../../../layers/linear.js'

/**
 * timm's relative position biases for windowed attention (`timm.layers.pos_embed_rel`):
 * `RelPosBias` (a learned table indexed by relative offset), `RelPosMlp` (an MLP over log-spaced
 * relative coordinates) and `RelPosBiasTf` (TensorFlow MaxViT's per-axis table and one-hot
 * lookups). Their index and coordinate buffers are not persistent: they are not in `state_dict()`.
 */

/** Arguments of the relative position layers: the attention window and its heads. */
export interface RelPosArgs {
  window_size: readonly [number, number]
  num_heads: number
  /** `RelPosMlp`'s hidden width. */
  hidden_dim?: number
}

/** `RelPosBias(window_size, num_heads)`: `relative_position_bias_table` and the `relative_position_index` buffer. */
export const RelPosBias = defineBlock<RelPosArgs>({
  name: 'RelPosBias',
  build(a, m) {
    const [h, w] = a.window_size
    m.param('relative_position_bias_table', [(2 * h - 1) * (2 * w - 1), a.num_heads])
    m.buffer('relative_position_index', [(h * w) ** 2], { dtype: 'int64', persistent: false })
  },
  forward: forwardNotModelled('RelPosBias'),
})

/** `RelPosMlp(window_size, num_heads, hidden_dim)` in timm's default `'cr'` mode: `bias_act`, `mlp`, then its index and log-coordinate buffers. */
export const RelPosMlp = defineBlock<RelPosArgs>({
  name: 'RelPosMlp',
  build(a, m) {
    const [h, w] = a.window_size
    m.child('bias_act', nn(m, identity))
    m.child('mlp', block(m, Mlp, { in_features: 2, hidden_features: a.hidden_dim ?? 128, out_features: a.num_heads, act: 'relu', bias: true, drop: [0.125, 0] }))
    m.buffer('relative_position_index', [(h * w) ** 2], { dtype: 'int64', persistent: false })
    m.buffer('rel_coords_log', [2 * h - 1, 2 * w - 1, 2], { persistent: false })
  },
  forward: forwardNotModelled('RelPosMlp'),
})

/** `RelPosBiasTf(window_size, num_heads)`: a `(heads, 2H-1, 2W-1)` table and one-hot `height_lookup` / `width_lookup` buffers. */
export const RelPosBiasTf = defineBlock<RelPosArgs>({
  name: 'RelPosBiasTf',
  build(a, m) {
    const [h, w] = a.window_size
    m.param('relative_position_bias_table', [a.num_heads, 2 * h - 1, 2 * w - 1])
    m.buffer('height_lookup', [h, h, 2 * h - 1], { persistent: false })
    m.buffer('width_lookup', [w, w, 2 * w - 1], { persistent: false })
  },
  forward: forwardNotModelled('RelPosBiasTf'),
})

/** The relative position kinds of timm's MaxxViT configurations (`''`: none). */
export type RelPosType = 'bias' | 'mlp' | 'bias_tf' | ''

/** `get_rel_pos_cls(cfg, window_size)(num_heads=...)`: the layer for a kind, or `null`. */
export function createRelPos(m: ModuleBuilder, type: RelPosType, args: RelPosArgs): ModuleNode | null {
  if (type === 'bias') return block(m, RelPosBias, args)
  if (type === 'mlp') return block(m, RelPosMlp, args)
  if (type === 'bias_tf') return block(m, RelPosBiasTf, args)
  return null
}
