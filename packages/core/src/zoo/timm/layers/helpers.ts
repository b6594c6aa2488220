import type { LayerDefinition, ModuleBuilder } from '../../../layers/define-layer.js'
import type { ModuleNode } from '../../../model/module.js'
import type { ForwardContext, Tensor } from '../../../forward/trace.js'
import { nn } from '../../torchvision/core.js'
import type { PyArg } from '../../torchvision/core.js'
import { makeDivisible as roundToDivisible } from '../../../tensor/divisible.js'

/**
 * Helpers shared by timm's building blocks (`timm.layers`): its channel rounding and padding
 * rules, and the way its classes extend `torch.nn` layers (`BatchNormAct2d` is an
 * `nn.BatchNorm2d` with two more children).
 */

/** timm's `make_divisible`: the nearest multiple of `divisor`, at least `minValue`, never below `roundLimit` of `value`. */
export function makeDivisible(value: number, divisor = 8, minValue?: number | null, roundLimit = 0.9): number {
  return roundToDivisible(value, divisor, minValue || divisor, roundLimit)
}

/** timm's `get_padding`: symmetric padding that keeps `ceil(size / stride)` for odd kernels. */
export function getPadding(kernel: number, stride = 1, dilation = 1): number {
  return Math.floor((stride - 1 + dilation * (kernel - 1)) / 2)
}

/** timm's `is_static_pad`: TensorFlow `SAME` padding that needs no input-dependent padding. */
export function isStaticPad(kernel: number, stride = 1, dilation = 1): boolean {
  return stride === 1 && (dilation * (kernel - 1)) % 2 === 0
}

/** timm's `get_same_padding` for one dimension: the total padding TensorFlow's `SAME` adds. */
export function samePaddingTotal(size: number, kernel: number, stride: number, dilation: number): number {
  return Math.max((Math.ceil(size / stride) - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)
}

/** A pair from an int or a pair (`to_2tuple`). */
export function pair(value: number | readonly number[]): [number, number] {
  return typeof value === 'number' ? [value, value] : [value[0]!, value[1] ?? value[0]!]
}

/**
 * Makes a `torch.nn` layer and turns it into a timm subclass of it: the node keeps the layer's
 * parameters and buffers (registered first, as `super().__init__` does), takes the subclass's
 * class name and definition, and gets `extra` arguments and the children `addChildren` registers.
 */
export function subclass<A>(
  m: ModuleBuilder,
  base: LayerDefinition,
  baseArgs: Record<string, PyArg>,
  def: LayerDefinition<A>,
  extra: Record<string, unknown> = {},
  addChildren?: (node: ModuleNode) => void,
): ModuleNode {
  const node = nn(m, base, baseArgs)
  node.type = def.className ?? def.name
  node.layer = def as LayerDefinition
  node.args = { ...node.args, ...extra }
  addChildren?.(node)
  return node
}

/** Runs the `torch.nn` layer a timm subclass extends on `x`. */
export function runBase(base: LayerDefinition, self: ModuleNode, x: Tensor, ctx: ForwardContext): Tensor {
  const out = base.forward!(self as ModuleNode & { args: never }, [x], ctx)
  return Array.isArray(out) ? out[0]! : out
}

/** Runs the child `name` when it exists, else returns `x`. */
export function runOptional(self: ModuleNode, name: string, x: Tensor, ctx: ForwardContext): Tensor {
  const child = self.children.get(name)
  return child ? ctx.run(child, [x], name)[0]! : x
}
