import { block, defineBlock, nn, sequential } from '../torchvision/core.js'
import { BottleneckBlock, buildByobNet, byobDefaults, byobSignature, byoConvNormAct, byoGroups } from './byobnet.js'
import type { ByoBlockArgs, ByobNetArgs } from './byobnet.js'
import { defineFamily, forwardNotModelled } from './family.js'
import type { ActName } from './layers/activations.js'
import { DropPath } from './layers/drop.js'
import { makeDivisible } from './layers/helpers.js'
import { ConvMlp } from './layers/mlp.js'
import { createNorm } from './layers/norm.js'
import { Block } from './vision-transformer.js'
import { conv2d } from '../../layers/conv.js'
import { dropout } from '../../layers/dropout.js'

/**
 * timm's MobileViT models (`timm.models.mobilevit`), built by its `ByobNet` class: bottleneck
 * stages with MobileViT blocks (convolutions around a small ViT over unfolded patches; v2 with
 * separable linear attention). The forward pass is not modelled.
 */

const noForward = forwardNotModelled('MobileViT')

/** `MobileVitBlock`: local k×k and 1×1 convolutions, ViT blocks over unfolded patches, a norm, projection and fusion convolutions. */
const MobileVitBlock = defineBlock<ByoBlockArgs>({
  name: 'MobileVitBlock',
  build(b, m) {
    const dim = b.kwargs.transformer_dim ?? makeDivisible(b.bottle_ratio * b.in_chs)
    m.child('conv_kxk', byoConvNormAct(m, b.act, b.in_chs, b.in_chs, 3, { stride: b.stride, dilation: b.dilation[0], groups: byoGroups(b.group_size, b.in_chs) }))
    m.child('conv_1x1', nn(m, conv2d, { in_channels: b.in_chs, out_channels: dim, kernel_size: 1, bias: false }))
    const blocks = Array.from({ length: b.kwargs.transformer_depth ?? 2 }, () =>
      block(m, Block, { dim, num_heads: 4, mlp_ratio: b.kwargs.mlp_ratio ?? 2, qkv_bias: true, qk_norm: false, scale_attn_norm: false, scale_mlp_norm: false, proj_bias: true, proj_drop: 0, attn_drop: 0, init_values: null, drop_path: b.drop_path, act: b.act, norm: 'torch_layernorm', mlp: 'Mlp' }),
    )
    m.child('transformer', sequential(m, blocks))
    m.child('norm', createNorm(m, 'torch_layernorm', dim))
    m.child('conv_proj', byoConvNormAct(m, b.act, dim, b.out_chs, 1))
    m.child('conv_fusion', byoConvNormAct(m, b.act, b.in_chs + b.out_chs, b.out_chs, 3))
  },
  forward: noForward,
})

/** `LinearSelfAttention` (MobileViT-v2): one 1×1 projection to a context score, keys and values; 1×1 output projection. */
const LinearSelfAttention = defineBlock<{ dim: number }>({
  name: 'LinearSelfAttention',
  build(a, m) {
    m.child('qkv_proj', nn(m, conv2d, { in_channels: a.dim, out_channels: 1 + 2 * a.dim, kernel_size: 1, bias: true }))
    m.child('attn_drop', nn(m, dropout, { p: 0 }))
    m.child('out_proj', nn(m, conv2d, { in_channels: a.dim, out_channels: a.dim, kernel_size: 1, bias: true }))
    m.child('out_drop', nn(m, dropout, { p: 0 }))
  },
  forward: noForward,
})

/** `LinearTransformerBlock`: `GroupNorm1`, linear self-attention, `GroupNorm1`, convolutional MLP, each with `DropPath`. */
const LinearTransformerBlock = defineBlock<{ dim: number; mlp_ratio: number; drop_path: number; act: ActName }>({
  name: 'LinearTransformerBlock',
  build(a, m) {
    m.child('norm1', createNorm(m, 'groupnorm1', a.dim))
    m.child('attn', block(m, LinearSelfAttention, { dim: a.dim }))
    m.child('drop_path1', nn(m, DropPath, { drop_prob: a.drop_path }))
    m.child('norm2', createNorm(m, 'groupnorm1', a.dim))
    m.child('mlp', block(m, ConvMlp, { in_features: a.dim, hidden_features: Math.trunc(a.dim * a.mlp_ratio), act: a.act }))
    m.child('drop_path2', nn(m, DropPath, { drop_prob: a.drop_path }))
  },
  forward: noForward,
})

/** `MobileVitV2Block`: depthwise k×k, 1×1, linear transformer blocks, `GroupNorm1`, projection without activation. */
const MobileVitV2Block = defineBlock<ByoBlockArgs>({
  name: 'MobileVitV2Block',
  build(b, m) {
    const dim = b.kwargs.transformer_dim ?? makeDivisible(b.bottle_ratio * b.in_chs)
    m.child('conv_kxk', byoConvNormAct(m, b.act, b.in_chs, b.in_chs, 3, { dilation: b.dilation[0], groups: byoGroups(b.group_size, b.in_chs) }))
    m.child('conv_1x1', nn(m, conv2d, { in_channels: b.in_chs, out_channels: dim, kernel_size: 1, bias: false }))
    m.child('transformer', sequential(m, Array.from({ length: b.kwargs.transformer_depth ?? 2 }, () => block(m, LinearTransformerBlock, { dim, mlp_ratio: b.kwargs.mlp_ratio ?? 2, drop_path: b.drop_path, act: b.act }))))
    m.child('norm', createNorm(m, 'groupnorm1', dim))
    m.child('conv_proj', byoConvNormAct(m, b.act, dim, b.out_chs, 1, { applyAct: false }))
  },
  forward: noForward,
})

const blockTypes = { bottle: BottleneckBlock, mobilevit: MobileVitBlock, mobilevit2: MobileVitV2Block }

/** The MobileViT models (timm's `ByobNet`). */
export const mobilevit = defineFamily<ByobNetArgs>({
  module: 'mobilevit',
  className: 'ByobNet',
  defaults: byobDefaults,
  signature: byobSignature,
  build: (a, m) => buildByobNet(a, m, blockTypes),
  variants: {
    mobilevit_s: { cfg: { blocks: [{ type: 'bottle', d: 1, c: 32, s: 1, gs: 1, br: 4.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'bottle', d: 3, c: 64, s: 2, gs: 1, br: 4.0, block_kwargs: { bottle_in: true, linear_out: true } }, [{ type: 'bottle', d: 1, c: 96, s: 2, gs: 1, br: 4.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit', d: 1, c: 96, s: 1, gs: null, br: 1.0, block_kwargs: { transformer_dim: 144, transformer_depth: 2, patch_size: 2 } }], [{ type: 'bottle', d: 1, c: 128, s: 2, gs: 1, br: 4.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit', d: 1, c: 128, s: 1, gs: null, br: 1.0, block_kwargs: { transformer_dim: 192, transformer_depth: 4, patch_size: 2 } }], [{ type: 'bottle', d: 1, c: 160, s: 2, gs: 1, br: 4.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit', d: 1, c: 160, s: 1, gs: null, br: 1.0, block_kwargs: { transformer_dim: 240, transformer_depth: 3, patch_size: 2 } }]], stem_chs: 16, width_factor: 1.0, num_features: 640, act_layer: 'silu' } },
    mobilevit_xs: { cfg: { blocks: [{ type: 'bottle', d: 1, c: 32, s: 1, gs: 1, br: 4.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'bottle', d: 3, c: 48, s: 2, gs: 1, br: 4.0, block_kwargs: { bottle_in: true, linear_out: true } }, [{ type: 'bottle', d: 1, c: 64, s: 2, gs: 1, br: 4.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit', d: 1, c: 64, s: 1, gs: null, br: 1.0, block_kwargs: { transformer_dim: 96, transformer_depth: 2, patch_size: 2 } }], [{ type: 'bottle', d: 1, c: 80, s: 2, gs: 1, br: 4.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit', d: 1, c: 80, s: 1, gs: null, br: 1.0, block_kwargs: { transformer_dim: 120, transformer_depth: 4, patch_size: 2 } }], [{ type: 'bottle', d: 1, c: 96, s: 2, gs: 1, br: 4.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit', d: 1, c: 96, s: 1, gs: null, br: 1.0, block_kwargs: { transformer_dim: 144, transformer_depth: 3, patch_size: 2 } }]], stem_chs: 16, width_factor: 1.0, num_features: 384, act_layer: 'silu' } },
    mobilevit_xxs: { cfg: { blocks: [{ type: 'bottle', d: 1, c: 16, s: 1, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'bottle', d: 3, c: 24, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, [{ type: 'bottle', d: 1, c: 48, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit', d: 1, c: 48, s: 1, gs: null, br: 1.0, block_kwargs: { transformer_dim: 64, transformer_depth: 2, patch_size: 2 } }], [{ type: 'bottle', d: 1, c: 64, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit', d: 1, c: 64, s: 1, gs: null, br: 1.0, block_kwargs: { transformer_dim: 80, transformer_depth: 4, patch_size: 2 } }], [{ type: 'bottle', d: 1, c: 80, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit', d: 1, c: 80, s: 1, gs: null, br: 1.0, block_kwargs: { transformer_dim: 96, transformer_depth: 3, patch_size: 2 } }]], stem_chs: 16, width_factor: 1.0, num_features: 320, act_layer: 'silu' } },
    mobilevitv2_050: { cfg: { blocks: [{ type: 'bottle', d: 1, c: 32, s: 1, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'bottle', d: 2, c: 64, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, [{ type: 'bottle', d: 1, c: 128, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit2', d: 1, c: 128, s: 1, gs: 1, br: 0.5, block_kwargs: { transformer_depth: 2, patch_size: 2 } }], [{ type: 'bottle', d: 1, c: 192, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit2', d: 1, c: 192, s: 1, gs: 1, br: 0.5, block_kwargs: { transformer_depth: 4, patch_size: 2 } }], [{ type: 'bottle', d: 1, c: 256, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit2', d: 1, c: 256, s: 1, gs: 1, br: 0.5, block_kwargs: { transformer_depth: 3, patch_size: 2 } }]], stem_chs: 16, width_factor: 1.0, num_features: 0, act_layer: 'silu' } },
    mobilevitv2_075: { cfg: { blocks: [{ type: 'bottle', d: 1, c: 48, s: 1, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'bottle', d: 2, c: 96, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, [{ type: 'bottle', d: 1, c: 192, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit2', d: 1, c: 192, s: 1, gs: 1, br: 0.5, block_kwargs: { transformer_depth: 2, patch_size: 2 } }], [{ type: 'bottle', d: 1, c: 288, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit2', d: 1, c: 288, s: 1, gs: 1, br: 0.5, block_kwargs: { transformer_depth: 4, patch_size: 2 } }], [{ type: 'bottle', d: 1, c: 384, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit2', d: 1, c: 384, s: 1, gs: 1, br: 0.5, block_kwargs: { transformer_depth: 3, patch_size: 2 } }]], stem_chs: 24, width_factor: 1.0, num_features: 0, act_layer: 'silu' } },
    mobilevitv2_100: { cfg: { blocks: [{ type: 'bottle', d: 1, c: 64, s: 1, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'bottle', d: 2, c: 128, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, [{ type: 'bottle', d: 1, c: 256, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit2', d: 1, c: 256, s: 1, gs: 1, br: 0.5, block_kwargs: { transformer_depth: 2, patch_size: 2 } }], [{ type: 'bottle', d: 1, c: 384, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit2', d: 1, c: 384, s: 1, gs: 1, br: 0.5, block_kwargs: { transformer_depth: 4, patch_size: 2 } }], [{ type: 'bottle', d: 1, c: 512, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit2', d: 1, c: 512, s: 1, gs: 1, br: 0.5, block_kwargs: { transformer_depth: 3, patch_size: 2 } }]], stem_chs: 32, width_factor: 1.0, num_features: 0, act_layer: 'silu' } },
    mobilevitv2_125: { cfg: { blocks: [{ type: 'bottle', d: 1, c: 80, s: 1, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'bottle', d: 2, c: 160, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, [{ type: 'bottle', d: 1, c: 320, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit2', d: 1, c: 320, s: 1, gs: 1, br: 0.5, block_kwargs: { transformer_depth: 2, patch_size: 2 } }], [{ type: 'bottle', d: 1, c: 480, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit2', d: 1, c: 480, s: 1, gs: 1, br: 0.5, block_kwargs: { transformer_depth: 4, patch_size: 2 } }], [{ type: 'bottle', d: 1, c: 640, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit2', d: 1, c: 640, s: 1, gs: 1, br: 0.5, block_kwargs: { transformer_depth: 3, patch_size: 2 } }]], stem_chs: 40, width_factor: 1.0, num_features: 0, act_layer: 'silu' } },
    mobilevitv2_150: { cfg: { blocks: [{ type: 'bottle', d: 1, c: 96, s: 1, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'bottle', d: 2, c: 192, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, [{ type: 'bottle', d: 1, c: 384, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit2', d: 1, c: 384, s: 1, gs: 1, br: 0.5, block_kwargs: { transformer_depth: 2, patch_size: 2 } }], [{ type: 'bottle', d: 1, c: 576, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit2', d: 1, c: 576, s: 1, gs: 1, br: 0.5, block_kwargs: { transformer_depth: 4, patch_size: 2 } }], [{ type: 'bottle', d: 1, c: 768, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit2', d: 1, c: 768, s: 1, gs: 1, br: 0.5, block_kwargs: { transformer_depth: 3, patch_size: 2 } }]], stem_chs: 48, width_factor: 1.0, num_features: 0, act_layer: 'silu' } },
    mobilevitv2_175: { cfg: { blocks: [{ type: 'bottle', d: 1, c: 112, s: 1, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'bottle', d: 2, c: 224, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, [{ type: 'bottle', d: 1, c: 448, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit2', d: 1, c: 448, s: 1, gs: 1, br: 0.5, block_kwargs: { transformer_depth: 2, patch_size: 2 } }], [{ type: 'bottle', d: 1, c: 672, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit2', d: 1, c: 672, s: 1, gs: 1, br: 0.5, block_kwargs: { transformer_depth: 4, patch_size: 2 } }], [{ type: 'bottle', d: 1, c: 896, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit2', d: 1, c: 896, s: 1, gs: 1, br: 0.5, block_kwargs: { transformer_depth: 3, patch_size: 2 } }]], stem_chs: 56, width_factor: 1.0, num_features: 0, act_layer: 'silu' } },
    mobilevitv2_200: { cfg: { blocks: [{ type: 'bottle', d: 1, c: 128, s: 1, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'bottle', d: 2, c: 256, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, [{ type: 'bottle', d: 1, c: 512, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit2', d: 1, c: 512, s: 1, gs: 1, br: 0.5, block_kwargs: { transformer_depth: 2, patch_size: 2 } }], [{ type: 'bottle', d: 1, c: 768, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit2', d: 1, c: 768, s: 1, gs: 1, br: 0.5, block_kwargs: { transformer_depth: 4, patch_size: 2 } }], [{ type: 'bottle', d: 1, c: 1024, s: 2, gs: 1, br: 2.0, block_kwargs: { bottle_in: true, linear_out: true } }, { type: 'mobilevit2', d: 1, c: 1024, s: 1, gs: 1, br: 0.5, block_kwargs: { transformer_depth: 3, patch_size: 2 } }]], stem_chs: 64, width_factor: 1.0, num_features: 0, act_layer: 'silu' } },
  },
})
