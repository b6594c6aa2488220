import { float, int } from '../../bind/args.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, nn, sequential } from '../torchvision/core.js'
import { actLayerSpec, commonSignature, defineFamily, forwardNotModelled, normLayerSpec } from './family.js'
import { createAct } from './layers/activations.js'
import type { ActName } from './layers/activations.js'
import type { CommonArgs } from './family.js'
import { classifierHead } from './layers/classifier.js'
import { conv2d } from '../../layers/conv.js'
import { dropout } from '../../layers/dropout.js'
import { batchNorm2d } from '../../layers/norm.js'
import { maxPool2d } from '../../layers/pool.js'

/** timm's `VGG` (`timm.models.vgg`): the convolution stack, then a convolutional `pre_logits` MLP (`ConvMlp`) and a classifier head. */

/** VGG's `ConvMlp`: a 7×7 convolution to 4096 channels and a 1×1 one, each followed by ReLU (dropout between). */
const ConvMlp = defineBlock<{ in_features: number; out_features: number; kernel_size: number; mlp_ratio: number; drop_rate: number; act: ActName }>({
  name: 'ConvMlp',
  build(a, m) {
    const mid = Math.trunc(a.out_features * a.mlp_ratio)
    m.child('fc1', nn(m, conv2d, { in_channels: a.in_features, out_channels: mid, kernel_size: a.kernel_size, bias: true }))
    m.child('act1', createAct(m, a.act, true)!)
    m.child('drop', nn(m, dropout, { p: a.drop_rate }))
    m.child('fc2', nn(m, conv2d, { in_channels: mid, out_channels: a.out_features, kernel_size: 1, bias: true }))
    m.child('act2', createAct(m, a.act, true)!)
  },
  forward: forwardNotModelled('VGG'),
})

/** Arguments of timm's `VGG`. */
export interface VggArgs extends CommonArgs {
  /** Channels per convolution, `'M'` for a max pool. */
  cfg: ReadonlyArray<number | 'M'>
  mlp_ratio: number
  /** A `torch.nn` class the model calls with `inplace=True`. */
  act_layer: ActName
  norm_layer: 'batchnorm2d' | null
}

/** timm's `VGG` and its models. */
export const vgg = defineFamily<VggArgs>({
  module: 'vgg',
  className: 'VGG',
  defaults: { cfg: [], num_classes: 1000, in_chans: 3, mlp_ratio: 1, act_layer: 'relu', norm_layer: null, global_pool: 'avg', drop_rate: 0, drop_path_rate: 0 },
  signature: [...commonSignature.filter((s) => s.name !== 'drop_path_rate'), float('mlp_ratio'), int('output_stride', { min: 32 }), actLayerSpec('act_layer', { classOnly: true, inplace: true }), normLayerSpec('norm_layer', ['batchnorm2d'] as const, { strings: false })],
  // `vgg11_bn` is `dict(norm_layer=nn.BatchNorm2d, **kwargs)`; `cfg` comes from the name, not from a keyword.
  builderKeywords: { except: ['cfg'] },
  build(a, m) {
    const layers: ModuleNode[] = []
    let prev = a.in_chans
    for (const v of a.cfg) {
      if (v === 'M') {
        layers.push(nn(m, maxPool2d, { kernel_size: 2, stride: 2 }))
        continue
      }
      layers.push(nn(m, conv2d, { in_channels: prev, out_channels: v, kernel_size: 3, padding: 1 }))
      if (a.norm_layer) layers.push(nn(m, batchNorm2d, { num_features: v }))
      layers.push(createAct(m, a.act_layer, true)!)
      prev = v
    }
    m.child('features', sequential(m, layers))
    m.child('pre_logits', block(m, ConvMlp, { in_features: prev, out_features: 4096, kernel_size: 7, mlp_ratio: a.mlp_ratio, drop_rate: a.drop_rate, act: a.act_layer }))
    m.child('head', classifierHead(m, { in_features: 4096, num_classes: a.num_classes, pool_type: a.global_pool, drop_rate: a.drop_rate }))
  },
  variants: {
    vgg11: { cfg: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'] },
    vgg11_bn: { cfg: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'], norm_layer: 'batchnorm2d' },
    vgg13: { cfg: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'] },
    vgg13_bn: { cfg: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'], norm_layer: 'batchnorm2d' },
    vgg16: { cfg: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'] },
    vgg16_bn: { cfg: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'], norm_layer: 'batchnorm2d' },
    vgg19: { cfg: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'] },
    vgg19_bn: { cfg: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'], norm_layer: 'batchnorm2d' },
  },
})
