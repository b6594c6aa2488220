import { NnsizeError } from '../errors.js'
import type { ArgSpec } from '../bind/args.js'
import type { ForwardContext, Tensor } from '../forward/trace.js'
import { constructLayer } from '../model/construct.js'
import { walkModules } from '../model/module.js'
import type { ModuleNode } from '../model/module.js'
import { formatShape } from '../tensor/shape.js'
import { defineLayer } from './define-layer.js'
import type { LayerDefinition } from './define-layer.js'
import { conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d } from './conv.js'
import { linear } from './linear.js'
import { batchNorm1d, batchNorm2d, batchNorm3d, instanceNorm1d, instanceNorm2d, instanceNorm3d } from './norm.js'

// The `Lazy*` modules (`LazyModuleMixin`): their first constructor argument is inferred from the input on the
// first forward call, which then materialises the parameters and buffers and turns the module into the
// concrete class (`cls_to_become`). Before that, their tensors have no shape.

/** The lazy layer kinds, with the concrete layer each becomes. */
const concreteOf = new Map<LayerDefinition, LayerDefinition>()

/** Whether `layer` is a lazy kind whose tensors are not known until its first forward pass. */
export function isLazy(layer: LayerDefinition | undefined): boolean {
  return layer !== undefined && concreteOf.has(layer)
}

/**
 * The `limit`-free error for a model with lazy modules and no input: their sizes are unknown until PyTorch runs
 * the first forward pass, as they are here until an input shape is given.
 */
export function lazyWithoutInput(root: ModuleNode): NnsizeError | undefined {
  for (const { path, node } of walkModules(root)) {
    if (!isLazy(node.layer)) continue
    const where = path === '' ? `\`nn.${node.type}\`` : `\`${path}\` (nn.${node.type})`
    const reason = `is needed: ${where} infers its input size on its first forward pass, so its parameters have no shape until one is given (PyTorch: "Can't access the shape of an uninitialized parameter"). With an input shape nnsize infers it as PyTorch does.`
    return new NnsizeError('option', `\`input\` ${reason}`, { span: node.span, field: 'input', reason })
  }
  return undefined
}

/**
 * Declares `Lazy<Name>`: the concrete layer's signature without its first argument (`in_features`,
 * `in_channels`, `num_features`), with `defaults` replacing some of its defaults, and `infer` reading that
 * argument from the first input.
 */
function makeLazy(concrete: LayerDefinition, infer: (x: Tensor, ctx: ForwardContext) => number, defaults: Record<string, unknown> = {}): LayerDefinition {
  const [first, ...rest] = concrete.signature
  const signature: ArgSpec[] = rest.map((spec) => (spec.name in defaults ? { ...spec, default: defaults[spec.name] } : spec))
  const lazy = defineLayer({
    name: `Lazy${concrete.name}`,
    signature,
    ...(concrete.argsSince ? { argsSince: concrete.argsSince } : {}),
    build() {},
    forward(self, inputs, ctx, options) {
      const x = inputs[0]
      if (!x) throw ctx.error('takes one input.')
      materialize(self, concrete, { ...self.args, [first!.name]: infer(x, ctx) })
      return concrete.forward!(self as ModuleNode & { args: never }, inputs, ctx, options)
    },
  })
  concreteOf.set(lazy, concrete)
  return lazy
}

/**
 * Turns the lazy module `self` into `concrete` built with `args` (`initialize_parameters`, then
 * `self.__class__ = cls_to_become`): its class name, arguments, parameters and buffers become the concrete
 * module's, in the concrete module's registration order.
 */
function materialize(self: ModuleNode, concrete: LayerDefinition, args: Record<string, unknown>): void {
  const built = constructLayer(concrete, args, { modules: 0 }, self.span)
  self.type = built.type
  self.layer = built.layer
  self.args = built.args
  self.params = built.params
  self.buffers = built.buffers
}

/** `in_features` of `LazyLinear`: the input's last dimension. */
function lastDimension(x: Tensor, ctx: ForwardContext): number {
  if (x.shape.length === 0) throw ctx.error('cannot infer `in_features` from a zero-dim input.')
  return x.shape.at(-1)!
}

/** `in_channels` of a lazy convolution (`_get_in_channels`): dimension 1 of a batched input, 0 of an unbatched one. */
function channels(dims: number, name: string) {
  return (x: Tensor, ctx: ForwardContext): number => {
    const rank = x.shape.length
    if (rank !== dims + 1 && rank !== dims + 2) {
      throw ctx.error(`Expected ${dims + 1}D (unbatched) or ${dims + 2}D (batched) input to ${name}, but got input of size: ${formatShape(x.shape)}.`)
    }
    return x.shape[rank === dims + 2 ? 1 : 0]!
  }
}

/** `num_features` of a lazy batch norm: the input's dimension 1. */
function batchNormFeatures(x: Tensor, ctx: ForwardContext): number {
  if (x.shape.length < 2) throw ctx.error(`cannot infer \`num_features\` from an input of shape ${formatShape(x.shape)}: it reads dimension 1.`)
  return x.shape[1]!
}

/** `num_features` of a lazy instance norm: dimension 0 of an unbatched input, else dimension 1. */
function instanceNormFeatures(dims: number) {
  return (x: Tensor, ctx: ForwardContext): number => {
    if (x.shape.length < 2) throw ctx.error(`cannot infer \`num_features\` from an input of shape ${formatShape(x.shape)}.`)
    return x.shape[x.shape.length === dims + 1 ? 0 : 1]!
  }
}

/** `nn.LazyLinear(out_features, bias=True)`: `in_features` is the first input's last dimension; becomes `Linear`. */
export const lazyLinear = makeLazy(linear, lastDimension)
/** `nn.LazyConv1d(out_channels, kernel_size, …)`: `in_channels` from the first input; becomes `Conv1d`. */
export const lazyConv1d = makeLazy(conv1d, channels(1, 'LazyConv1d'))
/** `nn.LazyConv2d(out_channels, kernel_size, …)`: becomes `Conv2d`. */
export const lazyConv2d = makeLazy(conv2d, channels(2, 'LazyConv2d'))
/** `nn.LazyConv3d(out_channels, kernel_size, …)`: becomes `Conv3d`. */
export const lazyConv3d = makeLazy(conv3d, channels(3, 'LazyConv3d'))
/** `nn.LazyConvTranspose1d(out_channels, kernel_size, …)`: becomes `ConvTranspose1d`. */
export const lazyConvTranspose1d = makeLazy(convTranspose1d, channels(1, 'LazyConvTranspose1d'))
/** `nn.LazyConvTranspose2d(out_channels, kernel_size, …)`: becomes `ConvTranspose2d`. */
export const lazyConvTranspose2d = makeLazy(convTranspose2d, channels(2, 'LazyConvTranspose2d'))
/** `nn.LazyConvTranspose3d(out_channels, kernel_size, …)`: becomes `ConvTranspose3d`. */
export const lazyConvTranspose3d = makeLazy(convTranspose3d, channels(3, 'LazyConvTranspose3d'))
/** `nn.LazyBatchNorm1d(eps=1e-5, momentum=0.1, affine=True, track_running_stats=True)`: `num_features` from dimension 1; becomes `BatchNorm1d`. */
export const lazyBatchNorm1d = makeLazy(batchNorm1d, batchNormFeatures)
/** `nn.LazyBatchNorm2d(...)`: becomes `BatchNorm2d`. */
export const lazyBatchNorm2d = makeLazy(batchNorm2d, batchNormFeatures)
/** `nn.LazyBatchNorm3d(...)`: becomes `BatchNorm3d`. */
export const lazyBatchNorm3d = makeLazy(batchNorm3d, batchNormFeatures)
/**
 * `nn.LazyInstanceNorm1d(eps=1e-5, momentum=0.1, affine=True, track_running_stats=True)`: note the defaults,
 * `affine` and `track_running_stats` are true here (false for `InstanceNorm1d`); becomes `InstanceNorm1d`.
 */
export const lazyInstanceNorm1d = makeLazy(instanceNorm1d, instanceNormFeatures(1), { affine: true, track_running_stats: true })
/** `nn.LazyInstanceNorm2d(...)`: becomes `InstanceNorm2d`. */
export const lazyInstanceNorm2d = makeLazy(instanceNorm2d, instanceNormFeatures(2), { affine: true, track_running_stats: true })
/** `nn.LazyInstanceNorm3d(...)`: becomes `InstanceNorm3d`. */
export const lazyInstanceNorm3d = makeLazy(instanceNorm3d, instanceNormFeatures(3), { affine: true, track_running_stats: true })
