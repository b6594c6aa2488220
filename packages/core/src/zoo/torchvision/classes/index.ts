import type { Value } from '../../../contract/values.js'
import { denseNetClass, densenetMembers } from './densenet.js'
import { makeDivisibleFunction, mobileNetV2Class, mobilenetv2Members } from './mobilenetv2.js'
import { resNetClass, resnetMembers } from './resnet.js'
import { vggClass, vggMembers } from './vgg.js'

export { miscMembers } from './misc.js'

/**
 * A module of `torchvision.models` whose classes and helpers model files import (`torchvision.models.resnet`): the
 * names it defines besides its builders, each made on first read, and the builders of `torchvision.models` it holds
 * (with their weights enums). A name the module has and nnsize does not make is a placeholder of the import, as
 * for a module nnsize does not read.
 */
export interface TorchvisionFamily {
  /** The module's name under `torchvision.models` (`resnet`). */
  name: string
  /** Its classes and helpers, by name, each made on first read. */
  members: () => Record<string, () => Value>
  /** The builders it defines or imports (`resnet18`). */
  builders: readonly string[]
  /** Module-level values a program may change (`cfgs`): made afresh at each read, so that no run sees another's changes. */
  fresh?: readonly string[]
}

/** The modules of `torchvision.models` whose classes nnsize makes. */
export const torchvisionFamilies: readonly TorchvisionFamily[] = [
  {
    name: 'resnet',
    members: resnetMembers,
    builders: ['resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152', 'resnext50_32x4d', 'resnext101_32x8d', 'resnext101_64x4d', 'wide_resnet50_2', 'wide_resnet101_2'],
  },
  { name: 'vgg', members: vggMembers, builders: ['vgg11', 'vgg11_bn', 'vgg13', 'vgg13_bn', 'vgg16', 'vgg16_bn', 'vgg19', 'vgg19_bn'], fresh: ['cfgs'] },
  { name: 'mobilenetv2', members: mobilenetv2Members, builders: ['mobilenet_v2'] },
  // `torchvision.models.mobilenet` re-exports `mobilenetv2` and `mobilenetv3` (whose classes nnsize does not make).
  { name: 'mobilenet', members: () => ({ MobileNetV2: mobileNetV2Class }), builders: ['mobilenet_v2', 'mobilenet_v3_large', 'mobilenet_v3_small'] },
  { name: 'densenet', members: densenetMembers, builders: ['densenet121', 'densenet161', 'densenet169', 'densenet201'] },
  { name: '_utils', members: () => ({ _make_divisible: makeDivisibleFunction }), builders: [] },
]

/** The model classes `torchvision.models` names itself (`from torchvision.models import ResNet`). */
export function modelClasses(): Record<string, () => Value> {
  return { ResNet: resNetClass, VGG: vggClass, MobileNetV2: mobileNetV2Class, DenseNet: denseNetClass }
}

/** The classes of `torchvision.ops.misc` that `torchvision.ops` names too. */
export const opsClassNames: readonly string[] = ['Conv2dNormActivation', 'Conv3dNormActivation', 'SqueezeExcitation', 'MLP', 'Permute']
