import type { ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import type { ForwardContext, Tensor } from '../../forward/trace.js'
import { block, defineBlock, nn } from './core.js'
import * as ops from './ops.js'
import { relu as reluLayer } from '../../layers/activation.js'
import { identity } from '../../layers/linear.js'

/**
 * The float modules torchvision's quantizable models (`torchvision.models.quantization`, with
 * `quantize=False`) add to the classifiers: `QuantStub` / `DeQuantStub` around the network and
 * `FloatFunctional` for the additions, products and concatenations that a quantized model must observe.
 */

/** `torch.ao.quantization.QuantStub` / `DeQuantStub` before calibration: the identity, no parameters. */
function stub(name: string) {
  return defineBlock<Record<string, never>>({
    name,
    build() {},
    forward: (_self, inputs) => inputs[0]!,
  })
}

/** `QuantStub()`. */
export const QuantStub = stub('QuantStub')
/** `DeQuantStub()`. */
export const DeQuantStub = stub('DeQuantStub')

/** `torch.nn.quantized.FloatFunctional()`: holds an `Identity` `activation_post_process`; its methods are plain tensor operations. */
const FloatFunctional = defineBlock<Record<string, never>>({
  name: 'FloatFunctional',
  build(_a, m) {
    m.child('activation_post_process', nn(m, identity))
  },
  forward(_self, _inputs, ctx) {
    throw ctx.error('has no forward: its methods (`add`, `add_relu`, `mul`, `cat`) are called by the module that holds it.')
  },
})

/** Makes a `FloatFunctional`. */
export function floatFunctional(m: ModuleBuilder): ModuleNode {
  return block(m, FloatFunctional, {})
}

/** `FloatFunctional.add(x, y)`: `torch.add`, a new tensor; nothing saved. */
export function floatAdd(ctx: ForwardContext, x: Tensor, y: Tensor): Tensor {
  return ops.add(ctx, x, y)
}

/** `FloatFunctional.add_relu(x, y)`: `torch.add`, then `F.relu` out of place, which keeps its output. */
export function floatAddRelu(ctx: ForwardContext, x: Tensor, y: Tensor): Tensor {
  return ops.relu(ctx, ops.add(ctx, x, y), false)
}

/** `FloatFunctional.mul(x, y)`: `torch.mul`, which keeps both factors. */
export function floatMul(ctx: ForwardContext, x: Tensor, y: Tensor): Tensor {
  return ops.mul(ctx, x, y)
}

/**
 * torchvision's `_replace_relu`: every `ReLU` and `ReLU6` below `module` becomes `nn.ReLU(inplace=False)`
 * in the same place (a quantized ReLU6 would clip, so the float model uses ReLU).
 */
export function replaceRelu(m: ModuleBuilder, module: ModuleNode): void {
  for (const [name, child] of module.children) {
    if (!child) continue
    replaceRelu(m, child)
    if (child.type === 'ReLU' || child.type === 'ReLU6') module.children.set(name, nn(m, reluLayer, { inplace: false }))
  }
}

/** Adds `quant` and `dequant` at the end of a quantizable model, as its `__init__` does after the float model's. */
export function addStubs(m: ModuleBuilder): void {
  m.child('quant', block(m, QuantStub, {}))
  m.child('dequant', block(m, DeQuantStub, {}))
}
