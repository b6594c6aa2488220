import { bool, float, int } from '../../bind/args.js'
import type { ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, nn, sequential } from '../torchvision/core.js'
import { actLayerSpec, commonSignature, defineFamily, forwardNotModelled, normLayerSpec } from './family.js'
import type { CommonArgs } from './family.js'
import type { ActName } from './layers/activations.js'
import { createClassifier } from './layers/classifier.js'
import { convNormAct } from './layers/conv.js'
import type { NormName } from './layers/norm.js'
import { relu as reluLayer } from '../../layers/activation.js'
import { conv2d } from '../../layers/conv.js'
import { dropout } from '../../layers/dropout.js'
import { linear } from '../../layers/linear.js'
import { avgPool2d, maxPool2d } from '../../layers/pool.js'

/**
 * timm's Inception networks (`timm.models.inception_v3`, `inception_resnet_v2`): every convolution
 * is a `ConvNormAct` without padding unless given (BatchNorm eps 1e-3, in-place ReLU). The forward
 * pass is not modelled.
 */

/** Arguments of both Inception classes. */
export interface InceptionArgs extends CommonArgs {
  aux_logits: boolean
  norm_layer: NormName
  norm_eps: number
  act_layer: ActName
}

type Conv = (inCh: number, outCh: number, kernel: number | readonly [number, number], stride?: number, padding?: number | readonly [number, number]) => ModuleNode

/** `partial(ConvNormAct, padding=0, norm_layer, act_layer, norm_kwargs=dict(eps=norm_eps))`. */
function convBlock(m: ModuleBuilder, a: InceptionArgs): Conv {
  return (inCh, outCh, kernel, stride = 1, padding = 0) =>
    convNormAct(m, {
      in_channels: inCh,
      out_channels: outCh,
      kernel_size: typeof kernel === 'number' ? kernel : 1,
      ...(typeof kernel === 'number' ? {} : { kernel_hw: kernel, padding_hw: typeof padding === 'number' ? [padding, padding] : padding }),
      stride,
      padding: typeof padding === 'number' ? padding : 0,
      norm: [a.norm_layer, { eps: a.norm_eps }],
      normAct: { act: a.act_layer, inplace: true },
    })
}

/** A block class of named children, its forward not modelled. */
function named(name: string, family: string) {
  return defineBlock<{ children: ReadonlyArray<readonly [string, ModuleNode | null]> }>({
    name,
    build(a, m) {
      for (const [key, child] of a.children) if (child) m.child(key, child)
    },
    forward: forwardNotModelled(family),
  })
}

const v3 = (name: string) => named(name, 'Inception')
const InceptionA = v3('InceptionA')
const InceptionB = v3('InceptionB')
const InceptionC = v3('InceptionC')
const InceptionD = v3('InceptionD')
const InceptionE = v3('InceptionE')
const InceptionAux = v3('InceptionAux')

function inceptionA(m: ModuleBuilder, c: Conv, inCh: number, pool: number): ModuleNode {
  return block(m, InceptionA, {
    children: [['branch1x1', c(inCh, 64, 1)], ['branch5x5_1', c(inCh, 48, 1)], ['branch5x5_2', c(48, 64, 5, 1, 2)], ['branch3x3dbl_1', c(inCh, 64, 1)], ['branch3x3dbl_2', c(64, 96, 3, 1, 1)], ['branch3x3dbl_3', c(96, 96, 3, 1, 1)], ['branch_pool', c(inCh, pool, 1)]],
  })
}

function inceptionC(m: ModuleBuilder, c: Conv, c7: number): ModuleNode {
  return block(m, InceptionC, {
    children: [
      ['branch1x1', c(768, 192, 1)],
      ['branch7x7_1', c(768, c7, 1)],
      ['branch7x7_2', c(c7, c7, [1, 7], 1, [0, 3])],
      ['branch7x7_3', c(c7, 192, [7, 1], 1, [3, 0])],
      ['branch7x7dbl_1', c(768, c7, 1)],
      ['branch7x7dbl_2', c(c7, c7, [7, 1], 1, [3, 0])],
      ['branch7x7dbl_3', c(c7, c7, [1, 7], 1, [0, 3])],
      ['branch7x7dbl_4', c(c7, c7, [7, 1], 1, [3, 0])],
      ['branch7x7dbl_5', c(c7, 192, [1, 7], 1, [0, 3])],
      ['branch_pool', c(768, 192, 1)],
    ],
  })
}

function inceptionE(m: ModuleBuilder, c: Conv, inCh: number): ModuleNode {
  return block(m, InceptionE, {
    children: [
      ['branch1x1', c(inCh, 320, 1)],
      ['branch3x3_1', c(inCh, 384, 1)],
      ['branch3x3_2a', c(384, 384, [1, 3], 1, [0, 1])],
      ['branch3x3_2b', c(384, 384, [3, 1], 1, [1, 0])],
      ['branch3x3dbl_1', c(inCh, 448, 1)],
      ['branch3x3dbl_2', c(448, 384, 3, 1, 1)],
      ['branch3x3dbl_3a', c(384, 384, [1, 3], 1, [0, 1])],
      ['branch3x3dbl_3b', c(384, 384, [3, 1], 1, [1, 0])],
      ['branch_pool', c(inCh, 192, 1)],
    ],
  })
}

const inceptionDefaults: InceptionArgs = { num_classes: 1000, in_chans: 3, drop_rate: 0, drop_path_rate: 0, global_pool: 'avg', aux_logits: false, norm_layer: 'batchnorm2d', norm_eps: 1e-3, act_layer: 'relu' }
const inceptionSignature = [...commonSignature.filter((s) => s.name !== 'drop_path_rate'), float('norm_eps'), actLayerSpec(), normLayerSpec('norm_layer', ['batchnorm2d', 'groupnorm', 'groupnorm1', 'layernorm2d'] as const)]

/** `create_classifier(..., drop_rate=drop_rate)`: `global_pool`, `head_drop` and the classifier (`fc` or `classif`). */
function head(m: ModuleBuilder, a: InceptionArgs, features: number, fc: string): void {
  const [pool, classifier] = createClassifier(m, features, a.num_classes, a.global_pool)
  m.child('global_pool', pool)
  m.child('head_drop', nn(m, dropout, { p: a.drop_rate }))
  m.child(fc, classifier)
}

/** timm's `InceptionV3`. */
export const inceptionV3 = defineFamily<InceptionArgs>({
  module: 'inception_v3',
  className: 'InceptionV3',
  defaults: inceptionDefaults,
  signature: [...inceptionSignature, bool('aux_logits')],
  build(a, m) {
    const c = convBlock(m, a)
    m.child('Conv2d_1a_3x3', c(a.in_chans, 32, 3, 2))
    m.child('Conv2d_2a_3x3', c(32, 32, 3))
    m.child('Conv2d_2b_3x3', c(32, 64, 3, 1, 1))
    m.child('Pool1', nn(m, maxPool2d, { kernel_size: 3, stride: 2 }))
    m.child('Conv2d_3b_1x1', c(64, 80, 1))
    m.child('Conv2d_4a_3x3', c(80, 192, 3))
    m.child('Pool2', nn(m, maxPool2d, { kernel_size: 3, stride: 2 }))
    m.child('Mixed_5b', inceptionA(m, c, 192, 32))
    m.child('Mixed_5c', inceptionA(m, c, 256, 64))
    m.child('Mixed_5d', inceptionA(m, c, 288, 64))
    m.child('Mixed_6a', block(m, InceptionB, { children: [['branch3x3', c(288, 384, 3, 2)], ['branch3x3dbl_1', c(288, 64, 1)], ['branch3x3dbl_2', c(64, 96, 3, 1, 1)], ['branch3x3dbl_3', c(96, 96, 3, 2)]] }))
    m.child('Mixed_6b', inceptionC(m, c, 128))
    m.child('Mixed_6c', inceptionC(m, c, 160))
    m.child('Mixed_6d', inceptionC(m, c, 160))
    m.child('Mixed_6e', inceptionC(m, c, 192))
    if (a.aux_logits) {
      m.child('AuxLogits', block(m, InceptionAux, { children: [['conv0', c(768, 128, 1)], ['conv1', c(128, 768, 5)], ['fc', nn(m, linear, { in_features: 768, out_features: a.num_classes })]] }))
    }
    m.child(
      'Mixed_7a',
      block(m, InceptionD, {
        children: [['branch3x3_1', c(768, 192, 1)], ['branch3x3_2', c(192, 320, 3, 2)], ['branch7x7x3_1', c(768, 192, 1)], ['branch7x7x3_2', c(192, 192, [1, 7], 1, [0, 3])], ['branch7x7x3_3', c(192, 192, [7, 1], 1, [3, 0])], ['branch7x7x3_4', c(192, 192, 3, 2)]],
      }),
    )
    m.child('Mixed_7b', inceptionE(m, c, 1280))
    m.child('Mixed_7c', inceptionE(m, c, 2048))
    head(m, a, 2048, 'fc')
  },
  variants: {
    inception_v3: {},
  },
})

const irv2 = (name: string) => named(name, 'Inception-ResNet-v2')
const Mixed5b = irv2('Mixed_5b')
const Block35 = irv2('Block35')
const Mixed6a = irv2('Mixed_6a')
const Block17 = irv2('Block17')
const Mixed7a = irv2('Mixed_7a')
const Block8 = irv2('Block8')

function residualBlock(m: ModuleBuilder, def: typeof Block35, branches: ReadonlyArray<readonly [string, ModuleNode]>, concat: number, out: number, relu: boolean): ModuleNode {
  return block(m, def, { children: [...branches, ['conv2d', nn(m, conv2d, { in_channels: concat, out_channels: out, kernel_size: 1, stride: 1 })], [relu ? (def === Block8 ? 'relu' : 'act') : 'relu', relu ? nn(m, reluLayer) : null]] })
}

/** timm's `InceptionResnetV2`. */
export const inceptionResnetV2 = defineFamily<InceptionArgs>({
  module: 'inception_resnet_v2',
  className: 'InceptionResnetV2',
  defaults: inceptionDefaults,
  signature: [...inceptionSignature, int('output_stride', { min: 32 })],
  build(a, m) {
    const c = convBlock(m, a)
    m.child('conv2d_1a', c(a.in_chans, 32, 3, 2))
    m.child('conv2d_2a', c(32, 32, 3))
    m.child('conv2d_2b', c(32, 64, 3, 1, 1))
    m.child('maxpool_3a', nn(m, maxPool2d, { kernel_size: 3, stride: 2 }))
    m.child('conv2d_3b', c(64, 80, 1))
    m.child('conv2d_4a', c(80, 192, 3))
    m.child('maxpool_5a', nn(m, maxPool2d, { kernel_size: 3, stride: 2 }))
    m.child(
      'mixed_5b',
      block(m, Mixed5b, {
        children: [
          ['branch0', c(192, 96, 1)],
          ['branch1', sequential(m, [c(192, 48, 1), c(48, 64, 5, 1, 2)])],
          ['branch2', sequential(m, [c(192, 64, 1), c(64, 96, 3, 1, 1), c(96, 96, 3, 1, 1)])],
          ['branch3', sequential(m, [nn(m, avgPool2d, { kernel_size: 3, stride: 1, padding: 1, count_include_pad: false }), c(192, 64, 1)])],
        ],
      }),
    )
    const block35 = (): ModuleNode =>
      residualBlock(m, Block35, [['branch0', c(320, 32, 1)], ['branch1', sequential(m, [c(320, 32, 1), c(32, 32, 3, 1, 1)])], ['branch2', sequential(m, [c(320, 32, 1), c(32, 48, 3, 1, 1), c(48, 64, 3, 1, 1)])]], 128, 320, true)
    m.child('repeat', sequential(m, Array.from({ length: 10 }, block35)))
    m.child('mixed_6a', block(m, Mixed6a, { children: [['branch0', c(320, 384, 3, 2)], ['branch1', sequential(m, [c(320, 256, 1), c(256, 256, 3, 1, 1), c(256, 384, 3, 2)])], ['branch2', nn(m, maxPool2d, { kernel_size: 3, stride: 2 })]] }))
    const block17 = (): ModuleNode => residualBlock(m, Block17, [['branch0', c(1088, 192, 1)], ['branch1', sequential(m, [c(1088, 128, 1), c(128, 160, [1, 7], 1, [0, 3]), c(160, 192, [7, 1], 1, [3, 0])])]], 384, 1088, true)
    m.child('repeat_1', sequential(m, Array.from({ length: 20 }, block17)))
    m.child(
      'mixed_7a',
      block(m, Mixed7a, {
        children: [
          ['branch0', sequential(m, [c(1088, 256, 1), c(256, 384, 3, 2)])],
          ['branch1', sequential(m, [c(1088, 256, 1), c(256, 288, 3, 2)])],
          ['branch2', sequential(m, [c(1088, 256, 1), c(256, 288, 3, 1, 1), c(288, 320, 3, 2)])],
          ['branch3', nn(m, maxPool2d, { kernel_size: 3, stride: 2 })],
        ],
      }),
    )
    const block8 = (relu: boolean): ModuleNode => residualBlock(m, Block8, [['branch0', c(2080, 192, 1)], ['branch1', sequential(m, [c(2080, 192, 1), c(192, 224, [1, 3], 1, [0, 1]), c(224, 256, [3, 1], 1, [1, 0])])]], 448, 2080, relu)
    m.child('repeat_2', sequential(m, Array.from({ length: 9 }, () => block8(true))))
    m.child('block8', block8(false))
    m.child('conv2d_7b', c(2080, 1536, 1))
    head(m, a, 1536, 'classif')
  },
  variants: {
    inception_resnet_v2: {},
  },
})
