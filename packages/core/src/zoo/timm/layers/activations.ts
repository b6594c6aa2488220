import type { LayerDefinition, ModuleBuilder } from '../../../layers/define-layer.js'
import type { ModuleNode } from '../../../model/module.js'
import { defineBlock, block, nn } from '../../torchvision/core.js'
import type { PyArg } from '../../torchvision/core.js'
import { celu as celuLayer, elu as eluLayer, gelu as geluLayer, hardsigmoid as hardsigmoidLayer, hardswish as hardswishLayer, leakyRelu as leakyReluLayer, mish as mishLayer, prelu as preluLayer, relu as reluLayer, relu6 as relu6Layer, selu as seluLayer, sigmoid as sigmoidLayer, silu as siluLayer, tanh as tanhLayer } from '../../../layers/activation.js'
import { identity as identityLayer } from '../../../layers/linear.js'

/**
 * timm's activation factory (`create_act_layer`): a name (`'relu'`, `'gelu_tanh'`, `'hard_swish'`)
 * picks the class. Most are `torch.nn` classes; `GELU`, `Sigmoid`, `Tanh` and `PReLU` are timm's own
 * classes of the same name and behaviour, `GELUTanh` is `nn.GELU(approximate='tanh')` under timm's name.
 */
export type ActName =
  | 'relu'
  | 'relu6'
  | 'silu'
  | 'swish'
  | 'mish'
  | 'gelu'
  | 'gelu_tanh'
  | 'quick_gelu'
  | 'sigmoid'
  | 'tanh'
  | 'hard_sigmoid'
  | 'hard_swish'
  | 'elu'
  | 'celu'
  | 'selu'
  | 'leaky_relu'
  | 'prelu'
  | 'identity'

/** Every name {@link createAct} takes. */
export const actNames: readonly ActName[] = ['relu', 'relu6', 'silu', 'swish', 'mish', 'gelu', 'gelu_tanh', 'quick_gelu', 'sigmoid', 'tanh', 'hard_sigmoid', 'hard_swish', 'elu', 'celu', 'selu', 'leaky_relu', 'prelu', 'identity']

const torchClasses: Record<Exclude<ActName, 'quick_gelu' | 'gelu_tanh'>, [layer: LayerDefinition, takesInplace: boolean]> = {
  relu: [reluLayer, true],
  relu6: [relu6Layer, true],
  silu: [siluLayer, true],
  swish: [siluLayer, true],
  mish: [mishLayer, true],
  gelu: [geluLayer, false],
  sigmoid: [sigmoidLayer, false],
  tanh: [tanhLayer, false],
  hard_sigmoid: [hardsigmoidLayer, true],
  hard_swish: [hardswishLayer, true],
  elu: [eluLayer, true],
  celu: [celuLayer, true],
  selu: [seluLayer, true],
  leaky_relu: [leakyReluLayer, true],
  prelu: [preluLayer, false],
  identity: [identityLayer, false],
}

/** timm's `QuickGELU`: `x * sigmoid(1.702 x)`; saves its input and the sigmoid. */
export const QuickGELU = defineBlock<Record<string, never>>({
  name: 'QuickGELU',
  build() {},
  forward(_self, inputs, ctx) {
    const x = inputs[0]!
    const gate = ctx.tensor(x.shape, x.dtype)
    ctx.save(x, gate)
    return ctx.tensor(x.shape, x.dtype)
  },
})

/**
 * `create_act_layer(name, inplace=...)`: the activation module, or `null` for no activation.
 * `inplace` is passed only where timm passes it (`undefined`: the class default).
 */
export function createAct(m: ModuleBuilder, name: ActName | null, inplace?: boolean): ModuleNode | null {
  if (name === null) return null
  if (name === 'quick_gelu') return block(m, QuickGELU, {})
  if (name === 'gelu_tanh') {
    const node = nn(m, geluLayer, { approximate: 'tanh' })
    node.type = 'GELUTanh'
    return node
  }
  const [layer, takesInplace] = torchClasses[name]
  const args: Record<string, PyArg> = takesInplace && inplace !== undefined ? { inplace } : {}
  return nn(m, layer, args)
}

/** {@link createAct}, with `nn.Identity` for no activation (timm's `_create_act` in the norm+act layers). */
export function createActOrIdentity(m: ModuleBuilder, name: ActName | null, inplace?: boolean): ModuleNode {
  return createAct(m, name, inplace) ?? nn(m, identityLayer)
}
