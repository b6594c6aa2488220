import { bool, float, int, ints, str } from '../../bind/args.js'
import { NnsizeError } from '../../errors.js'
import type { SourceSpan } from '../../errors.js'
import type { Value } from '../../contract/values.js'
import type { ForwardFn, ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, moduleList, nn, sequential } from '../torchvision/core.js'
import { actLayerSpec, defineFamily, ignoredSpecs, imgSizeSpec, normLayerSpec } from './family.js'
import type { ActName } from './layers/activations.js'
import { classifierHead } from './layers/classifier.js'
import { dropPathOrIdentity, dropPathRates } from './layers/drop.js'
import { pair } from './layers/helpers.js'
import { Mlp } from './layers/mlp.js'
import { createNorm } from './layers/norm.js'
import type { NormSpec } from './layers/norm.js'
import { PatchEmbed, patchGrid } from './layers/patch-embed.js'
import { relu, softmax } from '../../layers/activation.js'
import { dropout } from '../../layers/dropout.js'
import { identity, linear } from '../../layers/linear.js'

/**
 * timm's Swin Transformers (`timm.models.swin_transformer`, `swin_transformer_v2`): windowed
 * attention with a relative position bias table (v1) or a continuous position bias MLP with
 * cosine attention (v2), shifted windows with a precomputed `attn_mask` buffer, patch merging.
 * The forward pass is not modelled.
 */

/** Swin's blocks have no forward here: the error says so. */
const noSwinForward: ForwardFn<unknown> = (_self, _inputs, ctx) => {
  throw ctx.error("cannot run a forward pass: nnsize does not model the forward of timm's Swin Transformers yet; parameters and buffers are counted.")
}

/** `WindowAttention` (v1: relative position bias table; v2: continuous position bias MLP, `logit_scale`, q/v biases). */
function windowAttention(version: 1 | 2) {
  return defineBlock<{ dim: number; num_heads: number; head_dim: number | null; window: [number, number]; qkv_bias: boolean }>({
    name: 'WindowAttention',
    build(a, m) {
      const [wh, ww] = a.window
      const attnDim = (a.head_dim ?? a.dim / a.num_heads) * a.num_heads
      if (version === 1) {
        m.param('relative_position_bias_table', [(2 * wh - 1) * (2 * ww - 1), a.num_heads])
        m.buffer('relative_position_index', [wh * ww, wh * ww], { dtype: 'int64', persistent: false })
        m.child('qkv', nn(m, linear, { in_features: a.dim, out_features: attnDim * 3, bias: a.qkv_bias }))
      } else {
        m.param('logit_scale', [a.num_heads, 1, 1])
        m.child('cpb_mlp', sequential(m, [nn(m, linear, { in_features: 2, out_features: 512, bias: true }), nn(m, relu, { inplace: true }), nn(m, linear, { in_features: 512, out_features: a.num_heads, bias: false })]))
        m.child('qkv', nn(m, linear, { in_features: a.dim, out_features: a.dim * 3, bias: false }))
        if (a.qkv_bias) {
          m.param('q_bias', [a.dim])
          m.buffer('k_bias', [a.dim], { persistent: false })
          m.param('v_bias', [a.dim])
        }
      }
      m.child('attn_drop', nn(m, dropout, { p: 0 }))
      m.child('proj', nn(m, linear, { in_features: version === 1 ? attnDim : a.dim, out_features: a.dim }))
      m.child('proj_drop', nn(m, dropout, { p: 0 }))
      m.child('softmax', nn(m, softmax, { dim: -1 }))
      if (version === 2) {
        m.buffer('relative_coords_table', [1, 2 * wh - 1, 2 * ww - 1, 2], { persistent: false })
        m.buffer('relative_position_index', [wh * ww, wh * ww], { dtype: 'int64', persistent: false })
      }
    },
    forward: noSwinForward,
  })
}

const WindowAttentionV1 = windowAttention(1)
const WindowAttentionV2 = windowAttention(2)

interface SwinBlockArgs {
  dim: number
  resolution: [number, number]
  num_heads: number
  head_dim: number | null
  window: [number, number]
  shifted: boolean
  mlp_ratio: number
  qkv_bias: boolean
  drop_path: number
  act: ActName
  norm: NormSpec
  dynamic_mask: boolean
  always_partition: boolean
}

/** `_calc_window_shift`: the window shrinks to the feature map when it is smaller, and then does not shift. */
function windowShift(a: SwinBlockArgs): { window: [number, number]; shift: boolean } {
  // `always_partition=True`: the full window, shifted in odd blocks, whatever the feature map's size.
  if (a.always_partition) return { window: a.window, shift: a.shifted }
  const window = a.window.map((w, i) => Math.min(w, a.resolution[i]!)) as [number, number]
  const shift = a.shifted && a.resolution.some((r, i) => r > window[i]!)
  return { window, shift }
}

/**
 * v2's `get_attn_mask` partitions the `(1, H, W, 1)` mask into windows without padding (v1 pads to a multiple of the
 * window): a feature map the window does not divide fails while the model is built, as `view` does.
 */
function checkWindowsDivide(a: SwinBlockArgs, window: [number, number]): void {
  const [h, w] = a.resolution
  const [wh, ww] = window
  if (h % wh === 0 && w % ww === 0) return
  throw new NnsizeError(
    'shape',
    `shape '[1, ${Math.floor(h / wh)}, ${wh}, ${Math.floor(w / ww)}, ${ww}, 1]' is invalid for input of size ${h * w}: SwinTransformerV2Block builds its shifted-window attention mask over the ${h}×${w} feature map of its stage, which ${wh}×${ww} windows do not divide (timm raises this while building). Choose an \`img_size\` whose stage maps are multiples of the window, or \`strict_img_size=False\` (masks made in the forward pass).`,
  )
}

function attnMask(m: ModuleBuilder, a: SwinBlockArgs, window: [number, number], shift: boolean): void {
  if (shift && !a.dynamic_mask) {
    const windows = Math.ceil(a.resolution[0] / window[0]) * Math.ceil(a.resolution[1] / window[1])
    const area = window[0] * window[1]
    m.buffer('attn_mask', [windows, area, area], { persistent: false })
  } else {
    m.none('attn_mask', 'buffer')
  }
}

function swinBlock(name: string) {
  return defineBlock<SwinBlockArgs>({
    name,
    build(a, m) {
      const { window, shift } = windowShift(a)
      const attention = (def: typeof WindowAttentionV1): ModuleNode => block(m, def, { dim: a.dim, num_heads: a.num_heads, head_dim: a.head_dim, window, qkv_bias: a.qkv_bias })
      const mlp = (): ModuleNode => block(m, Mlp, { in_features: a.dim, hidden_features: Math.trunc(a.dim * a.mlp_ratio), act: a.act })
      if (name === 'SwinTransformerBlock') {
        m.child('norm1', createNorm(m, a.norm, a.dim))
        m.child('attn', attention(WindowAttentionV1))
        m.child('drop_path1', dropPathOrIdentity(m, a.drop_path))
        m.child('norm2', createNorm(m, a.norm, a.dim))
        m.child('mlp', mlp())
      } else {
        m.child('attn', attention(WindowAttentionV2))
        m.child('norm1', createNorm(m, a.norm, a.dim))
        m.child('drop_path1', dropPathOrIdentity(m, a.drop_path))
        m.child('mlp', mlp())
        m.child('norm2', createNorm(m, a.norm, a.dim))
      }
      m.child('drop_path2', dropPathOrIdentity(m, a.drop_path))
      if (name === 'SwinTransformerV2Block' && shift && !a.dynamic_mask) checkWindowsDivide(a, window)
      attnMask(m, a, window, shift)
    },
    forward: noSwinForward,
  })
}

/** `SwinTransformerBlock`: pre-norm windowed attention (shifted in odd blocks) and MLP. */
const SwinTransformerBlock = swinBlock('SwinTransformerBlock')
/** `SwinTransformerV2Block`: post-norm (res-post) cosine windowed attention and MLP. */
const SwinTransformerV2Block = swinBlock('SwinTransformerV2Block')

/** `PatchMerging`: 2×2 neighbours concatenated (4 × dim), a norm and a linear reduction (v2: reduction, then norm). */
const PatchMerging = (version: 1 | 2) =>
  defineBlock<{ dim: number; out_dim: number; norm: NormSpec }>({
    name: 'PatchMerging',
    build(a, m) {
      if (version === 1) m.child('norm', createNorm(m, a.norm, 4 * a.dim))
      m.child('reduction', nn(m, linear, { in_features: 4 * a.dim, out_features: a.out_dim, bias: false }))
      if (version === 2) m.child('norm', createNorm(m, a.norm, a.out_dim))
    },
    forward: noSwinForward,
  })
const PatchMergingV1 = PatchMerging(1)
const PatchMergingV2 = PatchMerging(2)

/** Arguments of timm's `SwinTransformer` and `SwinTransformerV2`. */
export interface SwinArgs {
  img_size: number | readonly [number, number]
  patch_size: number
  in_chans: number
  num_classes: number
  global_pool: '' | 'avg'
  embed_dim: number
  depths: readonly number[]
  num_heads: readonly number[]
  head_dim: number | null
  window_size: number | readonly number[]
  strict_img_size: boolean
  always_partition: boolean
  mlp_ratio: number
  qkv_bias: boolean
  drop_rate: number
  drop_path_rate: number
  act_layer: ActName
  norm_layer: NormSpec
  pretrained_window_sizes: readonly number[]
}

function buildSwin(version: 1 | 2) {
  return (a: SwinArgs, m: ModuleBuilder): void => {
    const layers = a.depths.length
    const dims = Array.from({ length: layers }, (_, i) => Math.trunc(a.embed_dim * 2 ** i))
    const imgSize = pair(a.img_size)
    m.child('patch_embed', block(m, PatchEmbed, { img_size: imgSize, patch_size: a.patch_size, in_chans: a.in_chans, embed_dim: dims[0]!, norm: a.norm_layer, strict_img_size: a.strict_img_size, output_fmt: 'NHWC' }))
    const grid = patchGrid({ img_size: imgSize, patch_size: a.patch_size })
    const windows: Array<[number, number]> =
      typeof a.window_size === 'number' ? dims.map(() => [a.window_size as number, a.window_size as number]) : a.window_size.length === 2 ? dims.map(() => a.window_size as [number, number]) : (a.window_size as number[]).map((w) => [w, w])
    const rates = dropPathRates(a.drop_path_rate, a.depths.reduce((s, d) => s + d, 0))
    const stages: ModuleNode[] = []
    let inDim = dims[0]!
    let offset = 0
    for (let i = 0; i < layers; i++) {
      const scale = 2 ** i
      const resolution: [number, number] = [Math.floor(grid[0] / scale), Math.floor(grid[1] / scale)]
      const stage: Array<[string, ModuleNode]> = []
      const downsample = i > 0 ? block(m, version === 1 ? PatchMergingV1 : PatchMergingV2, { dim: inDim, out_dim: dims[i]!, norm: a.norm_layer }) : nn(m, identity)
      const blocks: ModuleNode[] = []
      for (let j = 0; j < a.depths[i]!; j++) {
        blocks.push(
          block(m, version === 1 ? SwinTransformerBlock : SwinTransformerV2Block, {
            dim: dims[i]!,
            resolution,
            num_heads: a.num_heads[i]!,
            head_dim: a.head_dim,
            window: windows[i]!,
            shifted: j % 2 === 1,
            mlp_ratio: a.mlp_ratio,
            qkv_bias: a.qkv_bias,
            drop_path: rates[offset + j]!,
            act: a.act_layer,
            norm: a.norm_layer,
            dynamic_mask: !a.strict_img_size,
            always_partition: a.always_partition,
          }),
        )
      }
      stage.push(['downsample', downsample], ['blocks', version === 1 ? sequential(m, blocks) : moduleList(m, blocks)])
      const node = block(m, version === 1 ? SwinTransformerStage : SwinTransformerV2Stage, {})
      for (const [name, child] of stage) node.children.set(name, child)
      stages.push(node)
      inDim = dims[i]!
      offset += a.depths[i]!
    }
    m.child('layers', sequential(m, stages))
    m.child('norm', createNorm(m, a.norm_layer, dims.at(-1)!))
    m.child('head', classifierHead(m, { in_features: dims.at(-1)!, num_classes: a.num_classes, pool_type: a.global_pool, drop_rate: a.drop_rate, input_fmt: 'NHWC' }))
  }
}

/** `SwinTransformerStage`: `downsample` (patch merging after the first stage) and `blocks`. */
const SwinTransformerStage = defineBlock<Record<string, never>>({ name: 'SwinTransformerStage', build() {}, forward: noSwinForward })
/** `SwinTransformerV2Stage`: as v1, its `blocks` a `ModuleList`. */
const SwinTransformerV2Stage = defineBlock<Record<string, never>>({ name: 'SwinTransformerV2Stage', build() {}, forward: noSwinForward })

const swinSignature = [
  imgSizeSpec,
  int('patch_size', { min: 1 }),
  int('in_chans', { min: 1 }),
  int('num_classes', { min: 0 }),
  str('global_pool', { choices: ['', 'avg'] as const }),
  int('embed_dim', { min: 1 }),
  ints('depths', 4, { min: 0 }),
  ints('num_heads', 4, { min: 1 }),
  int('window_size', { min: 1 }),
  bool('always_partition'),
  bool('strict_img_size'),
  float('mlp_ratio'),
  bool('qkv_bias'),
  float('drop_rate'),
  float('drop_path_rate'),
  normLayerSpec('norm_layer', ['torch_layernorm'] as const, { strings: false }),
  // The dropout rates change no tensor, and the forward pass is not modelled.
  ...ignoredSpecs('proj_drop_rate', 'attn_drop_rate', 'weight_init'),
]

/** `SwinTransformer`'s own keywords: `head_dim`. */
const swinV1Signature = [...swinSignature, { ...int('head_dim', { min: 1 }), coerce: (v: Value, span: SourceSpan, n: string) => (v.kind === 'none' ? null : int('head_dim', { min: 1 }).coerce(v, span, n)) }]

/** `SwinTransformerV2`'s own keywords: `act_layer` and `pretrained_window_sizes` (the bias tables' values only). */
const swinV2Signature = [...swinSignature, actLayerSpec(), ...ignoredSpecs('pretrained_window_sizes')]

const swinDefaults: SwinArgs = {
  img_size: 224,
  patch_size: 4,
  in_chans: 3,
  num_classes: 1000,
  global_pool: 'avg',
  embed_dim: 96,
  depths: [2, 2, 6, 2],
  num_heads: [3, 6, 12, 24],
  head_dim: null,
  window_size: 7,
  strict_img_size: true,
  mlp_ratio: 4,
  qkv_bias: true,
  drop_rate: 0,
  drop_path_rate: 0.1,
  act_layer: 'gelu',
  norm_layer: 'torch_layernorm',
  pretrained_window_sizes: [0, 0, 0, 0],
  always_partition: false,
}

/** timm's `SwinTransformer` (v1) and its models. */
export const swinTransformer = defineFamily<SwinArgs>({
  module: 'swin_transformer',
  className: 'SwinTransformer',
  defaults: swinDefaults,
  signature: swinV1Signature,
  takesImgSize: true,
  // `SwinTransformer.__init__(..., **kwargs)` takes any other keyword and uses none.
  otherKeywords: {},
  build: buildSwin(1),
  variants: {
    swin_base_patch4_window7_224: { patch_size: 4, window_size: 7, embed_dim: 128, depths: [2, 2, 18, 2], num_heads: [4, 8, 16, 32] },
    swin_base_patch4_window12_384: { patch_size: 4, window_size: 12, embed_dim: 128, depths: [2, 2, 18, 2], num_heads: [4, 8, 16, 32] },
    swin_large_patch4_window7_224: { patch_size: 4, window_size: 7, embed_dim: 192, depths: [2, 2, 18, 2], num_heads: [6, 12, 24, 48] },
    swin_large_patch4_window12_384: { patch_size: 4, window_size: 12, embed_dim: 192, depths: [2, 2, 18, 2], num_heads: [6, 12, 24, 48] },
    swin_s3_base_224: { patch_size: 4, window_size: [7, 7, 14, 7], embed_dim: 96, depths: [2, 2, 30, 2], num_heads: [3, 6, 12, 24] },
    swin_s3_small_224: { patch_size: 4, window_size: [14, 14, 14, 7], embed_dim: 96, depths: [2, 2, 18, 2], num_heads: [3, 6, 12, 24] },
    swin_s3_tiny_224: { patch_size: 4, window_size: [7, 7, 14, 7], embed_dim: 96, depths: [2, 2, 6, 2], num_heads: [3, 6, 12, 24] },
    swin_small_patch4_window7_224: { patch_size: 4, window_size: 7, embed_dim: 96, depths: [2, 2, 18, 2], num_heads: [3, 6, 12, 24] },
    swin_tiny_patch4_window7_224: { patch_size: 4, window_size: 7, embed_dim: 96, depths: [2, 2, 6, 2], num_heads: [3, 6, 12, 24] },
  },
})

/** timm's `SwinTransformerV2` and its models. */
export const swinTransformerV2 = defineFamily<SwinArgs>({
  module: 'swin_transformer_v2',
  className: 'SwinTransformerV2',
  defaults: swinDefaults,
  signature: swinV2Signature,
  takesImgSize: true,
  // `SwinTransformerV2.__init__(..., **kwargs)` takes any other keyword and uses none.
  otherKeywords: {},
  build: buildSwin(2),
  variants: {
    swinv2_base_window8_256: { window_size: 8, embed_dim: 128, depths: [2, 2, 18, 2], num_heads: [4, 8, 16, 32] },
    swinv2_base_window12_192: { window_size: 12, embed_dim: 128, depths: [2, 2, 18, 2], num_heads: [4, 8, 16, 32] },
    swinv2_base_window12to16_192to256: { window_size: 16, embed_dim: 128, depths: [2, 2, 18, 2], num_heads: [4, 8, 16, 32], pretrained_window_sizes: [12, 12, 12, 6] },
    swinv2_base_window12to24_192to384: { window_size: 24, embed_dim: 128, depths: [2, 2, 18, 2], num_heads: [4, 8, 16, 32], pretrained_window_sizes: [12, 12, 12, 6] },
    swinv2_base_window16_256: { window_size: 16, embed_dim: 128, depths: [2, 2, 18, 2], num_heads: [4, 8, 16, 32] },
    swinv2_large_window12_192: { window_size: 12, embed_dim: 192, depths: [2, 2, 18, 2], num_heads: [6, 12, 24, 48] },
    swinv2_large_window12to16_192to256: { window_size: 16, embed_dim: 192, depths: [2, 2, 18, 2], num_heads: [6, 12, 24, 48], pretrained_window_sizes: [12, 12, 12, 6] },
    swinv2_large_window12to24_192to384: { window_size: 24, embed_dim: 192, depths: [2, 2, 18, 2], num_heads: [6, 12, 24, 48], pretrained_window_sizes: [12, 12, 12, 6] },
    swinv2_small_window8_256: { window_size: 8, embed_dim: 96, depths: [2, 2, 18, 2], num_heads: [3, 6, 12, 24] },
    swinv2_small_window16_256: { window_size: 16, embed_dim: 96, depths: [2, 2, 18, 2], num_heads: [3, 6, 12, 24] },
    swinv2_tiny_window8_256: { window_size: 8, embed_dim: 96, depths: [2, 2, 6, 2], num_heads: [3, 6, 12, 24] },
    swinv2_tiny_window16_256: { window_size: 16, embed_dim: 96, depths: [2, 2, 6, 2], num_heads: [3, 6, 12, 24] },
  },
})
