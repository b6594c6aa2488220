import { bool, str } from '../../bind/args.js'
import type { LayerDefinition, ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import type { ForwardContext, Tensor } from '../../forward/trace.js'
import { defineModel, givenArgs, modelDefinition, nn, runChild } from './core.js'
import type { BuilderArgs } from './core.js'
import { googlenet } from './googlenet.js'
import { inception_v3 } from './inception.js'
import { mobilenet_v2, mobilenet_v3_large } from './mobilenet.js'
import * as ops from './ops.js'
import { addStubs, floatAdd, floatAddRelu, floatFunctional, replaceRelu } from './quantizable.js'
import { resnet18, resnet50, resnext101_32x8d, resnext101_64x4d } from './resnet.js'
import { shufflenet_v2_x0_5, shufflenet_v2_x1_0, shufflenet_v2_x1_5, shufflenet_v2_x2_0 } from './shufflenet.js'
import { builderWeights } from './weights.js'
import { relu } from '../../layers/activation.js'

/**
 * `torchvision.models.quantization`: the quantizable classifiers with `quantize=False`, the float
 * models a quantization-aware workflow starts from. Each is the classifier with torchvision's
 * changes: every ReLU and ReLU6 becomes `ReLU(inplace=False)`, the blocks become their `Quantizable…`
 * subclasses holding `FloatFunctional`s for additions and concatenations, and `QuantStub` /
 * `DeQuantStub` wrap the network. `quantize=True` builds quantized modules (packed int8 weights),
 * which nnsize does not model.
 */

/** Runs the named children of a block in order. */
function chain(self: ModuleNode, names: readonly string[], x: Tensor, ctx: ForwardContext): Tensor {
  for (const name of names) x = runChild(self, name, x, ctx)
  return x
}

/** A block's forward as its `Quantizable…` subclass runs it. */
type Forward = (self: ModuleNode, inputs: readonly Tensor[], ctx: ForwardContext) => Tensor | Tensor[]

const residual = (self: ModuleNode, x: Tensor, ctx: ForwardContext): Tensor => (self.children.get('downsample') ? runChild(self, 'downsample', x, ctx) : x)

/** `QuantizableBasicBlock` and `QuantizableBottleneck`: the residual sum and ReLU through `FloatFunctional.add_relu`. */
const basicBlockForward: Forward = (self, [x], ctx) => floatAddRelu(ctx, chain(self, ['conv1', 'bn1', 'relu', 'conv2', 'bn2'], x!, ctx), residual(self, x!, ctx))
const bottleneckForward: Forward = (self, [x], ctx) => floatAddRelu(ctx, chain(self, ['conv1', 'bn1', 'relu1', 'conv2', 'bn2', 'relu2', 'conv3', 'bn3'], x!, ctx), residual(self, x!, ctx))

/** MobileNetV3's `QuantizableInvertedResidual`: the residual sum through `FloatFunctional.add`, out of place. */
const invertedResidualV3Forward: Forward = (self, [x], ctx) => {
  const out = runChild(self, 'block', x!, ctx)
  const a = self.args as { stride: number; input_channels: number; out_channels: number }
  return a.stride === 1 && a.input_channels === a.out_channels ? floatAdd(ctx, x!, out) : out
}

/** `QuantizableBasicConv2d`: convolution, BatchNorm, then its own `relu` module (out of place). */
const basicConvForward: Forward = (self, [x], ctx) => chain(self, ['conv', 'bn', 'relu'], x!, ctx)

/** GoogLeNet's `QuantizableInceptionAux`: its `relu` module after `fc1`. */
const googlenetAuxForward: Forward = (self, [x], ctx) => {
  let y = ops.adaptiveAvgPool2d(ctx, x!, [4, 4])
  y = ops.flatten(ctx, runChild(self, 'conv', y, ctx), 1)
  y = chain(self, ['fc1', 'relu', 'dropout', 'fc2'], y, ctx)
  return y
}

/** How one torchvision block class becomes its quantizable subclass: the new class, the modules it appends, a new forward where it changes. */
interface Subclass {
  type: string
  children: ReadonlyArray<readonly [string, 'float-functional' | 'relu']>
  forward?: Forward
}

/** The subclass a block becomes, by class (and, for the three `InvertedResidual`s and two `InceptionAux`es, by their children). */
function subclassOf(node: ModuleNode): Subclass | undefined {
  const ff = (...names: string[]) => names.map((n) => [n, 'float-functional'] as const)
  switch (node.type) {
    case 'BasicBlock':
      return { type: 'QuantizableBasicBlock', children: ff('add_relu'), forward: basicBlockForward }
    case 'Bottleneck':
      return { type: 'QuantizableBottleneck', children: [...ff('skip_add_relu'), ['relu1', 'relu'], ['relu2', 'relu']], forward: bottleneckForward }
    case 'InvertedResidual':
      if (node.children.has('branch2')) return { type: 'QuantizableInvertedResidual', children: ff('cat') }
      return { type: 'QuantizableInvertedResidual', children: ff('skip_add'), ...(node.children.has('block') ? { forward: invertedResidualV3Forward } : {}) }
    case 'SqueezeExcitation':
      return { type: 'QuantizableSqueezeExcitation', children: ff('skip_mul') }
    case 'BasicConv2d':
      return { type: 'QuantizableBasicConv2d', children: [['relu', 'relu']], forward: basicConvForward }
    case 'Inception':
      return { type: 'QuantizableInception', children: ff('cat') }
    case 'InceptionAux':
      return node.children.has('fc1') ? { type: 'QuantizableInceptionAux', children: [['relu', 'relu']], forward: googlenetAuxForward } : { type: 'QuantizableInceptionAux', children: [] }
    case 'InceptionA':
    case 'InceptionB':
    case 'InceptionC':
    case 'InceptionD':
      return { type: `Quantizable${node.type}`, children: ff('myop') }
    case 'InceptionE':
      return { type: 'QuantizableInceptionE', children: ff('myop1', 'myop2', 'myop3') }
    default:
      return undefined
  }
}

/** Turns every block below and including `node` into its quantizable subclass. */
function subclass(m: ModuleBuilder, node: ModuleNode): void {
  for (const child of node.children.values()) if (child) subclass(m, child)
  const found = subclassOf(node)
  if (!found) return
  node.type = found.type
  for (const [name, kind] of found.children) node.children.set(name, kind === 'relu' ? nn(m, relu) : floatFunctional(m))
  if (found.forward && node.layer) node.layer = { ...node.layer, name: found.type, forward: found.forward }
}

/** A builder that makes each child it registers quantizable: blocks subclassed, then `_replace_relu`. */
function quantizableBuilder(m: ModuleBuilder): ModuleBuilder {
  const child = (name: string, module: ModuleNode | null): ModuleNode | null => {
    if (module) {
      subclass(m, module)
      replaceRelu(m, module)
      if (module.type === 'ReLU' || module.type === 'ReLU6') module = nn(m, relu, { inplace: false })
    }
    return m.child(name, module)
  }
  return {
    floatDType: m.floatDType,
    param: (name, shape, options) => m.param(name, shape, options),
    buffer: (name, shape, options) => m.buffer(name, shape, options),
    none: (name, kind) => m.none(name, kind),
    child,
    create: (def, args) => m.create(def, args),
  }
}

interface QuantizationArgs extends BuilderArgs {
  quantize: boolean
  backend: string | null
}

/**
 * The quantizable form of a classifier builder: its arguments plus `quantize` and `backend`, the
 * float weights enum with `quantize=False` (the quantized one with `quantize=True`, which nnsize
 * refuses), its checks and structure made quantizable, `quant` first and `dequant` last in the forward.
 */
function quantizable(float: LayerDefinition, className: string, options: { dropAuxWithWeights?: string } = {}) {
  const inner = modelDefinition(float)
  const fix = typeof inner.weights === 'object' ? inner.weights : undefined
  const floatEnum = typeof inner.weights === 'string' ? inner.weights : (fix?.enum as string | undefined) ?? builderWeights[float.name]!
  return defineModel<QuantizationArgs>({
    name: float.name,
    className,
    weights: { enum: (a) => (a.quantize ? builderWeights[`quantized_${float.name}`]! : floatEnum), ...(fix?.fix ? { fix: fix.fix } : {}), ...(fix?.preset ? { preset: fix.preset } : {}) },
    signature: [...inner.signature, bool('quantize', { default: false }), { ...str('backend'), required: false, default: null }],
    validate(a, fail) {
      if (a.quantize) fail('quantize', `\`quantize=True\` builds quantized int8 modules (packed weights, observers), which nnsize does not model: use \`quantize=False\` for the float model, or the classifier \`torchvision.models.${float.name}\`.`)
      inner.validate?.(a, fail)
    },
    build(a, m) {
      inner.build(a, quantizableBuilder(m))
      // With float weights the quantizable Inception3 drops its auxiliary head unless `aux_logits` was given.
      if (options.dropAuxWithWeights && a.weights !== null && !givenArgs(a).has('aux_logits')) m.child(options.dropAuxWithWeights, null)
      addStubs(m)
    },
    forward(self, inputs, ctx) {
      const quant = runChild(self, 'quant', inputs[0]!, ctx)
      const out = inner.forward!(self as never, [quant, ...inputs.slice(1)], ctx)
      const outputs = Array.isArray(out) ? out : [out]
      return [runChild(self, 'dequant', outputs[0]!, ctx), ...outputs.slice(1)]
    },
  })
}

/** `torchvision.models.quantization.resnet18` (`QuantizableResNet`, `get_model('quantized_resnet18')`). */
export const quantized_resnet18 = quantizable(resnet18, 'QuantizableResNet')
/** `torchvision.models.quantization.resnet50` (`QuantizableResNet`). */
export const quantized_resnet50 = quantizable(resnet50, 'QuantizableResNet')
/** `torchvision.models.quantization.resnext101_32x8d` (`QuantizableResNet`). */
export const quantized_resnext101_32x8d = quantizable(resnext101_32x8d, 'QuantizableResNet')
/** `torchvision.models.quantization.resnext101_64x4d` (`QuantizableResNet`). */
export const quantized_resnext101_64x4d = quantizable(resnext101_64x4d, 'QuantizableResNet')
/** `torchvision.models.quantization.mobilenet_v2` (`QuantizableMobileNetV2`): its ReLU6s become ReLUs. */
export const quantized_mobilenet_v2 = quantizable(mobilenet_v2, 'QuantizableMobileNetV2')
/** `torchvision.models.quantization.mobilenet_v3_large` (`QuantizableMobileNetV3`). */
export const quantized_mobilenet_v3_large = quantizable(mobilenet_v3_large, 'QuantizableMobileNetV3')
/** `torchvision.models.quantization.shufflenet_v2_x0_5` (`QuantizableShuffleNetV2`). */
export const quantized_shufflenet_v2_x0_5 = quantizable(shufflenet_v2_x0_5, 'QuantizableShuffleNetV2')
/** `torchvision.models.quantization.shufflenet_v2_x1_0` (`QuantizableShuffleNetV2`). */
export const quantized_shufflenet_v2_x1_0 = quantizable(shufflenet_v2_x1_0, 'QuantizableShuffleNetV2')
/** `torchvision.models.quantization.shufflenet_v2_x1_5` (`QuantizableShuffleNetV2`). */
export const quantized_shufflenet_v2_x1_5 = quantizable(shufflenet_v2_x1_5, 'QuantizableShuffleNetV2')
/** `torchvision.models.quantization.shufflenet_v2_x2_0` (`QuantizableShuffleNetV2`). */
export const quantized_shufflenet_v2_x2_0 = quantizable(shufflenet_v2_x2_0, 'QuantizableShuffleNetV2')
/** `torchvision.models.quantization.googlenet` (`QuantizableGoogLeNet`). */
export const quantized_googlenet = quantizable(googlenet, 'QuantizableGoogLeNet')
/** `torchvision.models.quantization.inception_v3` (`QuantizableInception3`): with weights, no auxiliary head unless `aux_logits=True`. */
export const quantized_inception_v3 = quantizable(inception_v3, 'QuantizableInception3', { dropAuxWithWeights: 'AuxLogits' })

