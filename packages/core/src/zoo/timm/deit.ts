import { defineFamily } from './family.js'
import type { VisionTransformerArgs } from './vision-transformer.js'
import { buildVit, validateVit, vitDefaults, vitForward, vitSignature } from './vision-transformer.js'

/**
 * timm's DeiT models (`timm.models.deit`): DeiT and DeiT-III are `VisionTransformer`s; the
 * distilled DeiTs are `VisionTransformerDistilled`, with a distillation token beside the class
 * token and a second head `head_dist`.
 */

/** DeiT and DeiT-III (`VisionTransformer`). */
export const deit = defineFamily<VisionTransformerArgs>({
  module: 'deit',
  className: 'VisionTransformer',
  defaults: vitDefaults,
  signature: vitSignature,
  takesImgSize: true,
  validate: validateVit,
  build: buildVit,
  forward: vitForward,
  variants: {
    deit3_base_patch16_224: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, no_embed_class: true, init_values: 1e-06 },
    deit3_base_patch16_384: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, no_embed_class: true, init_values: 1e-06 },
    deit3_huge_patch14_224: { patch_size: 14, embed_dim: 1280, depth: 32, num_heads: 16, no_embed_class: true, init_values: 1e-06 },
    deit3_large_patch16_224: { patch_size: 16, embed_dim: 1024, depth: 24, num_heads: 16, no_embed_class: true, init_values: 1e-06 },
    deit3_large_patch16_384: { patch_size: 16, embed_dim: 1024, depth: 24, num_heads: 16, no_embed_class: true, init_values: 1e-06 },
    deit3_medium_patch16_224: { patch_size: 16, embed_dim: 512, depth: 12, num_heads: 8, no_embed_class: true, init_values: 1e-06 },
    deit3_small_patch16_224: { patch_size: 16, embed_dim: 384, depth: 12, num_heads: 6, no_embed_class: true, init_values: 1e-06 },
    deit3_small_patch16_384: { patch_size: 16, embed_dim: 384, depth: 12, num_heads: 6, no_embed_class: true, init_values: 1e-06 },
    deit_base_patch16_224: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12 },
    deit_base_patch16_384: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12 },
    deit_small_patch16_224: { patch_size: 16, embed_dim: 384, depth: 12, num_heads: 6 },
    deit_tiny_patch16_224: { patch_size: 16, embed_dim: 192, depth: 12, num_heads: 3 },
  },
})

/** The distilled DeiTs (`VisionTransformerDistilled`). */
export const deitDistilled = defineFamily<VisionTransformerArgs>({
  module: 'deit',
  className: 'VisionTransformerDistilled',
  defaults: { ...vitDefaults, distilled: true },
  signature: vitSignature,
  takesImgSize: true,
  validate: validateVit,
  build: buildVit,
  forward: vitForward,
  variants: {
    deit_base_distilled_patch16_224: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12 },
    deit_base_distilled_patch16_384: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12 },
    deit_small_distilled_patch16_224: { patch_size: 16, embed_dim: 384, depth: 12, num_heads: 6 },
    deit_tiny_distilled_patch16_224: { patch_size: 16, embed_dim: 192, depth: 12, num_heads: 3 },
  },
})
