import type { Value } from '../../../contract/values.js'
import { denseNetClass, densenetMembers } from './densenet.js'
import { efficientNetClass, efficientnetMembers } from './efficientnet.js'
import { inception3Class, inceptionMembers, inceptionOutputsClass } from './inception.js'
import { makeDivisibleFunction, mobileNetV2Class, mobilenetv2Members } from './mobilenetv2.js'
import { mobileNetV3Class, mobilenetv3Members } from './mobilenetv3.js'
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
  { name: 'mobilenetv3', members: mobilenetv3Members, builders: ['mobilenet_v3_large', 'mobilenet_v3_small'] },
  // `torchvision.models.mobilenet` re-exports what the `__all__` of `mobilenetv2` and `mobilenetv3` name.
  { name: 'mobilenet', members: () => ({ MobileNetV2: mobileNetV2Class, MobileNetV3: mobileNetV3Class }), builders: ['mobilenet_v2', 'mobilenet_v3_large', 'mobilenet_v3_small'] },
  { name: 'densenet', members: densenetMembers, builders: ['densenet121', 'densenet161', 'densenet169', 'densenet201'] },
  {
    name: 'efficientnet',
    members: efficientnetMembers,
    builders: [
      'efficientnet_b0',
      'efficientnet_b1',
      'efficientnet_b2',
      'efficientnet_b3',
      'efficientnet_b4',
      'efficientnet_b5',
      'efficientnet_b6',
      'efficientnet_b7',
      'efficientnet_v2_s',
      'efficientnet_v2_m',
      'efficientnet_v2_l',
    ],
  },
  { name: 'inception', members: inceptionMembers, builders: ['inception_v3'] },
  { name: '_utils', members: () => ({ _make_divisible: makeDivisibleFunction }), builders: [] },
]

/** The model classes `torchvision.models` names itself (`from torchvision.models import ResNet`). */
export function modelClasses(): Record<string, () => Value> {
  return {
    ResNet: resNetClass,
    VGG: vggClass,
    MobileNetV2: mobileNetV2Class,
    MobileNetV3: mobileNetV3Class,
    DenseNet: denseNetClass,
    EfficientNet: efficientNetClass,
    Inception3: inception3Class,
    InceptionOutputs: inceptionOutputsClass,
    _InceptionOutputs: inceptionOutputsClass,
  }
}

/** The classes of `torchvision.ops.misc` that `torchvision.ops` names too. */
export const opsClassNames: readonly string[] = ['Conv2dNormActivation', 'Conv3dNormActivation', 'SqueezeExcitation', 'MLP', 'Permute']
