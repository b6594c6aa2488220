import type { LayerDefinition, ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, nn, roundHalfEven, sequential } from '../torchvision/core.js'
import { float, int } from '../../bind/args.js'
import { commonSignature, defineFamily, forwardNotModelled, ignoredSpecs } from './family.js'
import type { CommonArgs } from './family.js'
import { createAct } from './layers/activations.js'
import type { ActName } from './layers/activations.js'
import { classifierHead } from './layers/classifier.js'
import { convNormAct } from './layers/conv.js'
import type { DropBlockOptions } from './layers/norm-act.js'
import { dropPathOrIdentity, dropPathRates } from './layers/drop.js'
import { makeDivisible } from './layers/helpers.js'
import { createAttn } from './layers/squeeze-excite.js'
import type { AttnSpec } from './layers/squeeze-excite.js'
import { identity } from '../../layers/linear.js'

/**
 * timm's `ByobNet` (`timm.models.byobnet`, "bring your own blocks"): a stem, stages of configured
 * blocks, an optional 1×1 `final_conv` and a classifier. nnsize builds its bottleneck blocks (the
 * RegNetZ models here, the MobileViT models in `mobilevit.ts` with their own blocks). The forward
 * pass is not modelled.
 */

const noForward = forwardNotModelled('ByobNet')

/** One `ByoBlockCfg`: block type, repeats `d`, channels `c`, stride `s`, group size `gs`, bottleneck ratio `br` and its own keyword arguments. */
export interface ByoBlockCfg {
  type: string
  d: number
  c: number
  s: number
  gs: number | null
  br: number
  block_kwargs: { bottle_in?: boolean; linear_out?: boolean; transformer_dim?: number; transformer_depth?: number; patch_size?: number; mlp_ratio?: number }
}

/** The `ByoModelCfg` fields nnsize's ByobNet models use. */
export interface ByoModelCfg {
  blocks: ReadonlyArray<ByoBlockCfg | readonly ByoBlockCfg[]>
  /** `''` or `'3x3'`: one strided 3×3 conv; `'tiered'`: three 3×3 convs (3/8, 1/2, all of the width), stride 4. */
  stem_type?: '' | '3x3' | 'tiered'
  stem_chs: number
  width_factor: number
  num_features: number
  act_layer: ActName
  /** The channel attention inside each bottleneck (`attn_layer='se'` with its `attn_kwargs`). */
  attn?: AttnSpec
}

/** What every ByobNet block is built from. */
export interface ByoBlockArgs {
  in_chs: number
  out_chs: number
  stride: number
  /** `(first_dilation, dilation)`: dilated stages replace strides past `output_stride`. */
  dilation: readonly [number, number]
  /** The stage's `DropBlock2d` (the last two stages, with `drop_block_rate`), for the blocks that take one. */
  drop_block: DropBlockOptions | null
  group_size: number | null
  bottle_ratio: number
  drop_path: number
  act: ActName
  attn: AttnSpec
  kwargs: ByoBlockCfg['block_kwargs']
}

/** `num_groups(group_size, channels)`: 1 for a dense conv, `channels / group_size` otherwise. */
export const byoGroups = (groupSize: number | null, channels: number): number => (groupSize ? channels / groupSize : 1)

/** `LayerFn.conv_norm_act`: `ConvNormAct` with a BatchNorm and the model's activation. */
export function byoConvNormAct(m: ModuleBuilder, act: ActName, inCh: number, outCh: number, kernel: number, extra: { stride?: number; dilation?: number; groups?: number; applyAct?: boolean; dropBlock?: DropBlockOptions | null } = {}): ModuleNode {
  return convNormAct(m, { in_channels: inCh, out_channels: outCh, kernel_size: kernel, stride: extra.stride ?? 1, dilation: extra.dilation ?? 1, groups: extra.groups ?? 1, norm: 'batchnorm2d', normAct: { act, applyAct: extra.applyAct ?? true, dropBlock: extra.dropBlock ?? null } })
}

/** ByobNet's `BottleneckBlock`: 1×1, grouped k×k, attention, 1×1, shortcut (none when the shape changes and `downsample=''`). */
export const BottleneckBlock = defineBlock<ByoBlockArgs>({
  name: 'BottleneckBlock',
  build(b, m) {
    const mid = makeDivisible((b.kwargs.bottle_in ? b.in_chs : b.out_chs) * b.bottle_ratio)
    // `create_shortcut` with `downsample=''`: none where the shape or the dilation changes
    if (b.in_chs === b.out_chs && b.stride === 1 && b.dilation[0] === b.dilation[1]) m.child('shortcut', nn(m, identity))
    m.child('conv1_1x1', byoConvNormAct(m, b.act, b.in_chs, mid, 1))
    m.child('conv2_kxk', byoConvNormAct(m, b.act, mid, mid, 3, { stride: b.stride, dilation: b.dilation[0], groups: byoGroups(b.group_size, mid), dropBlock: b.drop_block }))
    m.child('conv2b_kxk', nn(m, identity))
    m.child('attn', (b.attn && createAttn(m, b.attn, mid)) ?? nn(m, identity))
    m.child('conv3_1x1', byoConvNormAct(m, b.act, mid, b.out_chs, 1, { applyAct: false }))
    m.child('attn_last', nn(m, identity))
    m.child('drop_path', dropPathOrIdentity(m, b.drop_path))
    m.child('act', b.kwargs.linear_out ? nn(m, identity) : createAct(m, b.act, true)!)
  },
  forward: noForward,
})

/** ByobNet's `Stem`: a `Sequential` of 3×3 `ConvNormAct`s named `conv1`, `conv2`, …, the first and (stride 4, no pool) last strided. */
const Stem = defineBlock<{ in_chs: number; chs: readonly number[]; act: ActName }>({
  name: 'Stem',
  build(a, m) {
    let prev = a.in_chs
    a.chs.forEach((ch, i) => {
      m.child(`conv${i + 1}`, byoConvNormAct(m, a.act, prev, ch, 3, { stride: i === 0 || i === a.chs.length - 1 ? 2 : 1 }))
      prev = ch
    })
  },
  forward: noForward,
})

/** Arguments of timm's `ByobNet`. */
export interface ByobNetArgs extends CommonArgs {
  cfg: ByoModelCfg
  output_stride: number
  drop_block_rate: number
  drop_block_size: number
}

/** `ByobNet`'s keywords beyond the common ones (`img_size` sizes only self-attention blocks; `zero_init_last` is init). */
export const byobSignature = [...commonSignature, int('output_stride', { min: 1 }), float('drop_block_rate'), int('drop_block_size', { min: 1 }), ...ignoredSpecs('img_size', 'zero_init_last')]

/** `drop_blocks`: a `DropBlock2d` for each of the last two stages (twice the block size less one, then the size), none before. */
function dropBlocks(rate: number, size: number, stages: number): Array<DropBlockOptions | null> {
  const blocks: Array<DropBlockOptions | null> = new Array<DropBlockOptions | null>(stages).fill(null)
  if (rate && stages >= 2) {
    blocks[stages - 2] = { drop_prob: rate, block_size: size * 2 - 1, gamma_scale: 0.25 }
    blocks[stages - 1] = { drop_prob: rate, block_size: size, gamma_scale: 1 }
  }
  return blocks
}

/** Builds a `ByobNet` whose block types come from `blockTypes` (`bottle` and the family's own). */
export function buildByobNet(a: ByobNetArgs, m: ModuleBuilder, blockTypes: Readonly<Record<string, LayerDefinition<ByoBlockArgs>>>): void {
  const { cfg } = a
  const stem = Math.trunc(roundHalfEven(cfg.stem_chs * cfg.width_factor))
  m.child(
    'stem',
    cfg.stem_type === 'tiered'
      ? block(m, Stem, { in_chs: a.in_chans, chs: [Math.floor((3 * stem) / 8), Math.floor(stem / 2), stem], act: cfg.act_layer })
      : byoConvNormAct(m, cfg.act_layer, a.in_chans, stem, 3, { stride: 2 }),
  )
  const stages = cfg.blocks.map((s) => (Array.isArray(s) ? (s as ByoBlockCfg[]) : [s as ByoBlockCfg]).flatMap((bc) => Array.from({ length: bc.d }, () => bc)))
  const rates = dropPathRates(a.drop_path_rate, stages.reduce((t, s) => t + s.length, 0))
  const drops = dropBlocks(a.drop_block_rate, a.drop_block_size, stages.length)
  // `create_byob_stages`: past `output_stride`, a stage's stride becomes dilation
  let netStride = cfg.stem_type === 'tiered' ? 4 : 2
  let dilation = 1
  let prev = stem
  let index = 0
  const built: ModuleNode[] = []
  stages.forEach((stage, stageIndex) => {
    let stride = stage[0]!.s
    if (netStride >= a.output_stride && stride > 1) {
      dilation *= stride
      stride = 1
    }
    netStride *= stride
    let first = dilation === 1 || dilation === 2 ? 1 : 2
    built.push(
      sequential(
        m,
        stage.map((bc, i) => {
          const out = makeDivisible(bc.c * cfg.width_factor)
          const def = blockTypes[bc.type]
          if (!def) throw new Error(`internal: no ByobNet block type ${bc.type}`)
          const node = block(m, def, { in_chs: prev, out_chs: out, stride: i === 0 ? stride : 1, dilation: [first, dilation], drop_block: drops[stageIndex]!, group_size: bc.gs, bottle_ratio: bc.br, drop_path: rates[index++]!, act: cfg.act_layer, attn: cfg.attn ?? null, kwargs: bc.block_kwargs })
          first = dilation
          prev = out
          return node
        }),
      ),
    )
  })
  m.child('stages', sequential(m, built))
  let features = prev
  if (cfg.num_features) {
    features = Math.trunc(roundHalfEven(cfg.width_factor * cfg.num_features))
    m.child('final_conv', byoConvNormAct(m, cfg.act_layer, prev, features, 1))
  } else {
    m.child('final_conv', nn(m, identity))
  }
  m.child('head', classifierHead(m, { in_features: features, num_classes: a.num_classes, pool_type: a.global_pool, drop_rate: a.drop_rate }))
}

/** The defaults of a `ByobNet` family's arguments. */
export const byobDefaults: ByobNetArgs = { cfg: { blocks: [], stem_chs: 16, width_factor: 1, num_features: 0, act_layer: 'silu' }, num_classes: 1000, in_chans: 3, global_pool: 'avg', drop_rate: 0, drop_path_rate: 0, output_stride: 32, drop_block_rate: 0, drop_block_size: 3 }

const z = { bottle_in: true, linear_out: true } as const
const se = ['se', { rd_ratio: 0.25 }] as const

/** RegNetZ-B/C/D/E (`timm.models.byobnet`): bottleneck blocks with SE, grouped 3×3 convs, linear outputs. */
export const byobnet = defineFamily<ByobNetArgs>({
  module: 'byobnet',
  className: 'ByobNet',
  defaults: byobDefaults,
  signature: byobSignature,
  build: (a, m) => buildByobNet(a, m, { bottle: BottleneckBlock }),
  variants: {
    regnetz_b16: { cfg: { blocks: [{ type: 'bottle', d: 2, c: 48, s: 2, gs: 16, br: 3, block_kwargs: z }, { type: 'bottle', d: 6, c: 96, s: 2, gs: 16, br: 3, block_kwargs: z }, { type: 'bottle', d: 12, c: 192, s: 2, gs: 16, br: 3, block_kwargs: z }, { type: 'bottle', d: 2, c: 288, s: 2, gs: 16, br: 3, block_kwargs: z }], stem_type: '3x3', stem_chs: 32, width_factor: 1, num_features: 1536, act_layer: 'silu', attn: se } },
    regnetz_c16: { cfg: { blocks: [{ type: 'bottle', d: 2, c: 48, s: 2, gs: 16, br: 4, block_kwargs: z }, { type: 'bottle', d: 6, c: 96, s: 2, gs: 16, br: 4, block_kwargs: z }, { type: 'bottle', d: 12, c: 192, s: 2, gs: 16, br: 4, block_kwargs: z }, { type: 'bottle', d: 2, c: 288, s: 2, gs: 16, br: 4, block_kwargs: z }], stem_type: '3x3', stem_chs: 32, width_factor: 1, num_features: 1536, act_layer: 'silu', attn: se } },
    regnetz_d8: { cfg: { blocks: [{ type: 'bottle', d: 3, c: 64, s: 1, gs: 8, br: 4, block_kwargs: z }, { type: 'bottle', d: 6, c: 128, s: 2, gs: 8, br: 4, block_kwargs: z }, { type: 'bottle', d: 12, c: 256, s: 2, gs: 8, br: 4, block_kwargs: z }, { type: 'bottle', d: 3, c: 384, s: 2, gs: 8, br: 4, block_kwargs: z }], stem_type: 'tiered', stem_chs: 64, width_factor: 1, num_features: 1792, act_layer: 'silu', attn: se } },
    regnetz_d32: { cfg: { blocks: [{ type: 'bottle', d: 3, c: 64, s: 1, gs: 32, br: 4, block_kwargs: z }, { type: 'bottle', d: 6, c: 128, s: 2, gs: 32, br: 4, block_kwargs: z }, { type: 'bottle', d: 12, c: 256, s: 2, gs: 32, br: 4, block_kwargs: z }, { type: 'bottle', d: 3, c: 384, s: 2, gs: 32, br: 4, block_kwargs: z }], stem_type: 'tiered', stem_chs: 64, width_factor: 1, num_features: 1792, act_layer: 'silu', attn: se } },
    regnetz_e8: { cfg: { blocks: [{ type: 'bottle', d: 3, c: 96, s: 1, gs: 8, br: 4, block_kwargs: z }, { type: 'bottle', d: 8, c: 192, s: 2, gs: 8, br: 4, block_kwargs: z }, { type: 'bottle', d: 16, c: 384, s: 2, gs: 8, br: 4, block_kwargs: z }, { type: 'bottle', d: 3, c: 512, s: 2, gs: 8, br: 4, block_kwargs: z }], stem_type: 'tiered', stem_chs: 64, width_factor: 1, num_features: 2048, act_layer: 'silu', attn: se } },
  },
})
