import { bool, float, int, ints, str } from '../../bind/args.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, nn, sequentialNamed } from '../torchvision/core.js'
import { actLayerSpec, commonSignature, defineFamily, forwardNotModelled, normLayerSpec } from './family.js'
import type { CommonArgs } from './family.js'
import type { ActName } from './layers/activations.js'
import { createClassifier } from './layers/classifier.js'
import { createNormAct } from './layers/norm-act.js'
import type { NormSpec } from './layers/norm.js'
import { createAa } from './layers/pool.js'
import type { AaName } from './layers/pool.js'
import { conv2d } from '../../layers/conv.js'
import { dropout } from '../../layers/dropout.js'
import { avgPool2d, maxPool2d } from '../../layers/pool.js'

/** timm's `DenseNet` (`timm.models.densenet`): dense blocks of `BatchNormAct2d`-conv layers, transitions, deep and anti-aliased stems. */

const noForward = forwardNotModelled('DenseNet')

/** `DenseLayer`: `norm1`, 1×1 `conv1` to `bn_size × growth_rate`, `norm2`, 3×3 `conv2` to `growth_rate`. */
const DenseLayer = defineBlock<{ in_chs: number; growth_rate: number; bn_size: number; norm: NormSpec; act: ActName }>({
  name: 'DenseLayer',
  build(a, m) {
    const mid = a.bn_size * a.growth_rate
    m.child('norm1', createNormAct(m, a.norm, a.in_chs, { act: a.act }))
    m.child('conv1', nn(m, conv2d, { in_channels: a.in_chs, out_channels: mid, kernel_size: 1, bias: false }))
    m.child('norm2', createNormAct(m, a.norm, mid, { act: a.act }))
    m.child('conv2', nn(m, conv2d, { in_channels: mid, out_channels: a.growth_rate, kernel_size: 3, padding: 1, bias: false }))
  },
  forward: noForward,
})

/** `DenseBlock` (a `ModuleDict`): `denselayer1` … `denselayerN`. */
const DenseBlock = defineBlock<Record<string, never>>({ name: 'DenseBlock', build() {}, forward: noForward })
/** `DenseTransition` (a `Sequential`): `norm`, 1×1 `conv` halving the channels, `pool`. */
const DenseTransition = defineBlock<Record<string, never>>({ name: 'DenseTransition', build() {}, forward: noForward })

/** Arguments of timm's `DenseNet`. */
export interface DenseNetArgs extends CommonArgs {
  growth_rate: number
  block_config: readonly number[]
  bn_size: number
  stem_type: '' | 'deep' | 'deep_tiered' | 'deep_tiered_narrow'
  act_layer: ActName
  norm_layer: NormSpec
  aa_layer: AaName | null
  proj_drop_rate: number
  memory_efficient: boolean
  aa_stem_only: boolean
}

/** timm's `DenseNet` and its models. */
export const densenet = defineFamily<DenseNetArgs>({
  module: 'densenet',
  className: 'DenseNet',
  defaults: { growth_rate: 32, block_config: [6, 12, 24, 16], num_classes: 1000, in_chans: 3, global_pool: 'avg', bn_size: 4, stem_type: '', act_layer: 'relu', norm_layer: 'batchnorm2d', aa_layer: null, drop_rate: 0, drop_path_rate: 0, proj_drop_rate: 0, memory_efficient: false, aa_stem_only: true },
  signature: [...commonSignature.filter((s) => s.name !== 'drop_path_rate'), int('growth_rate', { min: 1 }), ints('block_config', 4, { min: 0 }), int('bn_size', { min: 1 }), str('stem_type', { choices: ['', 'deep', 'deep_tiered', 'deep_tiered_narrow'] as const }), float('proj_drop_rate'), bool('memory_efficient'), actLayerSpec(), normLayerSpec('norm_layer', ['batchnorm2d', 'groupnorm', 'groupnorm1', 'layernorm2d'] as const)],
  build(a, m) {
    const normAct = (channels: number): ModuleNode => createNormAct(m, a.norm_layer, channels, { act: a.act_layer })
    const conv = (inCh: number, outCh: number, kernel: number, stride: number, padding: number): ModuleNode => nn(m, conv2d, { in_channels: inCh, out_channels: outCh, kernel_size: kernel, stride, padding, bias: false })
    const init = a.growth_rate * 2
    const pool = a.aa_layer === null ? nn(m, maxPool2d, { kernel_size: 3, stride: 2, padding: 1 }) : sequentialNamed(m, [['0', nn(m, maxPool2d, { kernel_size: 3, stride: 1, padding: 1 })], ['1', createAa(m, a.aa_layer, init, 2)]])
    const features: Array<[string, ModuleNode]> = []
    if (a.stem_type.includes('deep')) {
      let s1 = a.growth_rate
      let s2 = a.growth_rate
      if (a.stem_type.includes('tiered')) {
        s1 = 3 * Math.floor(a.growth_rate / 4)
        s2 = a.stem_type.includes('narrow') ? init : 6 * Math.floor(a.growth_rate / 4)
      }
      features.push(['conv0', conv(a.in_chans, s1, 3, 2, 1)], ['norm0', normAct(s1)], ['conv1', conv(s1, s2, 3, 1, 1)], ['norm1', normAct(s2)], ['conv2', conv(s2, init, 3, 1, 1)], ['norm2', normAct(init)], ['pool0', pool])
    } else {
      features.push(['conv0', conv(a.in_chans, init, 7, 2, 3)], ['norm0', normAct(init)], ['pool0', pool])
    }
    let channels = init
    a.block_config.forEach((layers, i) => {
      const dense = block(m, DenseBlock, {})
      for (let j = 0; j < layers; j++) dense.children.set(`denselayer${j + 1}`, block(m, DenseLayer, { in_chs: channels + j * a.growth_rate, growth_rate: a.growth_rate, bn_size: a.bn_size, norm: a.norm_layer, act: a.act_layer }))
      features.push([`denseblock${i + 1}`, dense])
      channels += layers * a.growth_rate
      if (i !== a.block_config.length - 1) {
        const transition = block(m, DenseTransition, {})
        transition.children.set('norm', normAct(channels))
        transition.children.set('conv', conv(channels, Math.floor(channels / 2), 1, 1, 0))
        transition.children.set('pool', a.aa_stem_only || a.aa_layer === null ? nn(m, avgPool2d, { kernel_size: 2, stride: 2 }) : createAa(m, a.aa_layer, Math.floor(channels / 2), 2))
        features.push([`transition${i + 1}`, transition])
        channels = Math.floor(channels / 2)
      }
    })
    features.push(['norm5', normAct(channels)])
    m.child('features', sequentialNamed(m, features))
    const [globalPool, classifier] = createClassifier(m, channels, a.num_classes, a.global_pool)
    m.child('global_pool', globalPool)
    m.child('head_drop', nn(m, dropout, { p: a.drop_rate }))
    m.child('classifier', classifier)
  },
  variants: {
    densenet121: { growth_rate: 32, block_config: [6, 12, 24, 16] },
    densenet161: { growth_rate: 48, block_config: [6, 12, 36, 24] },
    densenet169: { growth_rate: 32, block_config: [6, 12, 32, 32] },
    densenet201: { growth_rate: 32, block_config: [6, 12, 48, 32] },
    densenet264d: { stem_type: 'deep', growth_rate: 48, block_config: [6, 12, 64, 48] },
    densenetblur121d: { stem_type: 'deep', aa_layer: 'blur', growth_rate: 32, block_config: [6, 12, 24, 16] },
  },
})
