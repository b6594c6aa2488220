import { bool, int, ints } from '../../bind/args.js'
import type { ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, moduleList, nn, sequential } from '../torchvision/core.js'
import { commonSignature, defineFamily, forwardNotModelled } from './family.js'
import type { CommonArgs } from './family.js'
import { createClassifier } from './layers/classifier.js'
import { relu } from '../../layers/activation.js'
import { conv2d } from '../../layers/conv.js'
import { dropout } from '../../layers/dropout.js'
import { identity } from '../../layers/linear.js'
import { batchNorm2d } from '../../layers/norm.js'
import { avgPool2d, maxPool2d } from '../../layers/pool.js'
import { flatten } from '../../layers/reshape.js'

/** timm's `DLA` (`timm.models.dla`): Deep Layer Aggregation trees of basic, bottleneck or Res2Net blocks. */

const noForward = forwardNotModelled('DLA')
type BlockKind = 'DlaBasic' | 'DlaBottleneck' | 'DlaBottle2neck'

interface BlockArgs {
  inplanes: number
  planes: number
  stride: number
  cardinality: number
  base_width: number
}

const conv = (m: ModuleBuilder, inCh: number, outCh: number, kernel: number, stride = 1, padding = 0, groups = 1): ModuleNode =>
  nn(m, conv2d, { in_channels: inCh, out_channels: outCh, kernel_size: kernel, stride, padding, groups, bias: false })
const bn = (m: ModuleBuilder, channels: number): ModuleNode => nn(m, batchNorm2d, { num_features: channels })

const blocks: Record<BlockKind, ReturnType<typeof defineBlock<BlockArgs>>> = {
  /** `DlaBasic`: two 3×3 convolutions. */
  DlaBasic: defineBlock<BlockArgs>({
    name: 'DlaBasic',
    build(a, m) {
      m.child('conv1', conv(m, a.inplanes, a.planes, 3, a.stride, 1))
      m.child('bn1', bn(m, a.planes))
      m.child('relu', nn(m, relu, { inplace: true }))
      m.child('conv2', conv(m, a.planes, a.planes, 3, 1, 1))
      m.child('bn2', bn(m, a.planes))
    },
    forward: noForward,
  }),
  /** `DlaBottleneck`: 1×1, grouped 3×3, 1×1 (expansion 2). */
  DlaBottleneck: defineBlock<BlockArgs>({
    name: 'DlaBottleneck',
    build(a, m) {
      const mid = Math.floor(Math.floor(a.planes * (a.base_width / 64)) * a.cardinality / 2)
      m.child('conv1', conv(m, a.inplanes, mid, 1))
      m.child('bn1', bn(m, mid))
      m.child('conv2', conv(m, mid, mid, 3, a.stride, 1, a.cardinality))
      m.child('bn2', bn(m, mid))
      m.child('conv3', conv(m, mid, a.planes, 1))
      m.child('bn3', bn(m, a.planes))
      m.child('relu', nn(m, relu, { inplace: true }))
    },
    forward: noForward,
  }),
  /** `DlaBottle2neck`: a Res2Net bottleneck, its 3×3 convolutions over four channel splits. */
  DlaBottle2neck: defineBlock<BlockArgs>({
    name: 'DlaBottle2neck',
    build(a, m) {
      const scale = 4
      const mid = Math.floor(Math.floor(a.planes * (a.base_width / 64)) * a.cardinality / 2)
      m.child('conv1', conv(m, a.inplanes, mid * scale, 1))
      m.child('bn1', bn(m, mid * scale))
      const count = Math.max(1, scale - 1)
      m.child('convs', moduleList(m, Array.from({ length: count }, () => conv(m, mid, mid, 3, a.stride, 1, a.cardinality))))
      m.child('bns', moduleList(m, Array.from({ length: count }, () => bn(m, mid))))
      if (a.stride > 1) m.child('pool', nn(m, avgPool2d, { kernel_size: 3, stride: a.stride, padding: 1 }))
      m.child('conv3', conv(m, mid * scale, a.planes, 1))
      m.child('bn3', bn(m, a.planes))
      m.child('relu', nn(m, relu, { inplace: true }))
    },
    forward: noForward,
  }),
}

/** `DlaRoot`: a 1×1 convolution over the concatenated children, BatchNorm, ReLU. */
const DlaRoot = defineBlock<{ in_channels: number; out_channels: number }>({
  name: 'DlaRoot',
  build(a, m) {
    m.child('conv', conv(m, a.in_channels, a.out_channels, 1))
    m.child('bn', bn(m, a.out_channels))
    m.child('relu', nn(m, relu, { inplace: true }))
  },
  forward: noForward,
})

interface TreeArgs {
  levels: number
  kind: BlockKind
  in_channels: number
  out_channels: number
  stride: number
  cardinality: number
  base_width: number
  level_root: boolean
  root_dim: number
}

/** `DlaTree`: a tree of `levels` levels, `tree1` and `tree2` (blocks at the leaves) joined by a `root`. */
const DlaTree = defineBlock<TreeArgs>({
  name: 'DlaTree',
  build(a, m) {
    let rootDim = a.root_dim === 0 ? 2 * a.out_channels : a.root_dim
    if (a.level_root) rootDim += a.in_channels
    m.child('downsample', a.stride > 1 ? nn(m, maxPool2d, { kernel_size: a.stride, stride: a.stride }) : nn(m, identity))
    m.child('project', nn(m, identity))
    const cargs = { cardinality: a.cardinality, base_width: a.base_width }
    if (a.levels === 1) {
      m.child('tree1', block(m, blocks[a.kind], { inplanes: a.in_channels, planes: a.out_channels, stride: a.stride, ...cargs }))
      m.child('tree2', block(m, blocks[a.kind], { inplanes: a.out_channels, planes: a.out_channels, stride: 1, ...cargs }))
      if (a.in_channels !== a.out_channels) m.child('project', sequential(m, [conv(m, a.in_channels, a.out_channels, 1), bn(m, a.out_channels)]))
      m.child('root', block(m, DlaRoot, { in_channels: rootDim, out_channels: a.out_channels }))
    } else {
      m.child('tree1', block(m, DlaTree, { ...a, levels: a.levels - 1, level_root: false, root_dim: 0 }))
      m.child('tree2', block(m, DlaTree, { ...a, levels: a.levels - 1, in_channels: a.out_channels, stride: 1, level_root: false, root_dim: rootDim + a.out_channels }))
    }
  },
  forward: noForward,
})

/** Arguments of timm's `DLA`. */
export interface DlaArgs extends CommonArgs {
  levels: readonly number[]
  channels: readonly number[]
  cardinality: number
  base_width: number
  block: BlockKind
  shortcut_root: boolean
}

/** timm's `DLA` and its models. */
export const dla = defineFamily<DlaArgs>({
  module: 'dla',
  className: 'DLA',
  defaults: { levels: [], channels: [], num_classes: 1000, in_chans: 3, global_pool: 'avg', cardinality: 1, base_width: 64, block: 'DlaBottle2neck', shortcut_root: false, drop_rate: 0, drop_path_rate: 0 },
  signature: [...commonSignature.filter((s) => s.name !== 'drop_path_rate'), int('output_stride', { min: 32 }), ints('levels', 6, { min: 1 }), ints('channels', 6, { min: 1 }), int('cardinality', { min: 1 }), int('base_width', { min: 1 }), bool('shortcut_root')],
  build(a, m) {
    const c = a.channels
    m.child('base_layer', sequential(m, [conv(m, a.in_chans, c[0]!, 7, 1, 3), bn(m, c[0]!), nn(m, relu, { inplace: true })]))
    const convLevel = (inCh: number, outCh: number, count: number, stride: number): ModuleNode =>
      sequential(m, Array.from({ length: count }, (_, i) => [conv(m, i === 0 ? inCh : outCh, outCh, 3, i === 0 ? stride : 1, 1), bn(m, outCh), nn(m, relu, { inplace: true })]).flat())
    m.child('level0', convLevel(c[0]!, c[0]!, a.levels[0]!, 1))
    m.child('level1', convLevel(c[0]!, c[1]!, a.levels[1]!, 2))
    for (let i = 2; i < 6; i++) {
      m.child(`level${i}`, block(m, DlaTree, { levels: a.levels[i]!, kind: a.block, in_channels: c[i - 1]!, out_channels: c[i]!, stride: 2, cardinality: a.cardinality, base_width: a.base_width, level_root: i > 2, root_dim: 0 }))
    }
    const [pool, fc] = createClassifier(m, c[5]!, a.num_classes, a.global_pool, { useConv: true })
    m.child('global_pool', pool)
    m.child('head_drop', nn(m, dropout, { p: a.drop_rate }))
    m.child('fc', fc)
    m.child('flatten', a.global_pool ? nn(m, flatten, { start_dim: 1 }) : nn(m, identity))
  },
  variants: {
    dla34: { levels: [1, 1, 1, 2, 2, 1], channels: [16, 32, 64, 128, 256, 512], block: 'DlaBasic' },
    dla46_c: { levels: [1, 1, 1, 2, 2, 1], channels: [16, 32, 64, 64, 128, 256], block: 'DlaBottleneck' },
    dla46x_c: { levels: [1, 1, 1, 2, 2, 1], channels: [16, 32, 64, 64, 128, 256], block: 'DlaBottleneck', cardinality: 32, base_width: 4 },
    dla60: { levels: [1, 1, 1, 2, 3, 1], channels: [16, 32, 128, 256, 512, 1024], block: 'DlaBottleneck' },
    dla60_res2net: { levels: [1, 1, 1, 2, 3, 1], channels: [16, 32, 128, 256, 512, 1024], block: 'DlaBottle2neck', cardinality: 1, base_width: 28 },
    dla60_res2next: { levels: [1, 1, 1, 2, 3, 1], channels: [16, 32, 128, 256, 512, 1024], block: 'DlaBottle2neck', cardinality: 8, base_width: 4 },
    dla60x: { levels: [1, 1, 1, 2, 3, 1], channels: [16, 32, 128, 256, 512, 1024], block: 'DlaBottleneck', cardinality: 32, base_width: 4 },
    dla60x_c: { levels: [1, 1, 1, 2, 3, 1], channels: [16, 32, 64, 64, 128, 256], block: 'DlaBottleneck', cardinality: 32, base_width: 4 },
    dla102: { levels: [1, 1, 1, 3, 4, 1], channels: [16, 32, 128, 256, 512, 1024], block: 'DlaBottleneck', shortcut_root: true },
    dla102x: { levels: [1, 1, 1, 3, 4, 1], channels: [16, 32, 128, 256, 512, 1024], block: 'DlaBottleneck', cardinality: 32, base_width: 4, shortcut_root: true },
    dla102x2: { levels: [1, 1, 1, 3, 4, 1], channels: [16, 32, 128, 256, 512, 1024], block: 'DlaBottleneck', cardinality: 64, base_width: 4, shortcut_root: true },
    dla169: { levels: [1, 1, 2, 3, 5, 1], channels: [16, 32, 128, 256, 512, 1024], block: 'DlaBottleneck', shortcut_root: true },
  },
})
