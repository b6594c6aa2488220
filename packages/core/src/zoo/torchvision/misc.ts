import type { LayerDefinition, ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, defineSequentialBlock, nn, runChild } from './core.js'
import type { PyArg } from './core.js'
import * as ops from './ops.js'
import { conv2d, conv3d } from '../../layers/conv.js'
import { dropout as dropoutLayer } from '../../layers/dropout.js'
import { linear } from '../../layers/linear.js'
import { batchNorm2d, batchNorm3d } from '../../layers/norm.js'
import { adaptiveAvgPool2d } from '../../layers/pool.js'
import { relu, sigmoid } from '../../layers/activation.js'

/**
 * torchvision's shared building blocks (`torchvision.ops.misc` and
 * `torchvision.ops.stochastic_depth`), used by many model families.
 */

/** Makes a normalisation layer for `channels` channels (`norm_layer(channels)` in torchvision). */
export type NormFactory = (m: ModuleBuilder, channels: number) => ModuleNode

/** Makes an activation layer; `inplace` is `null` where torchvision passes no `inplace` argument. */
export type ActivationFactory = (m: ModuleBuilder, inplace: boolean | null) => ModuleNode

/** `nn.BatchNorm2d` with the given `eps` and `momentum` (torchvision's `partial(nn.BatchNorm2d, ...)`). */
export function batchNorm(options: { eps?: number; momentum?: number } = {}): NormFactory {
  if (options.eps === undefined && options.momentum === undefined) return (m, channels) => nn(m, batchNorm2d, { num_features: channels })
  return (m, channels) => nn(m, batchNorm2d, { num_features: channels, ...options })
}

/** An activation class such as `nn.ReLU` or `nn.Hardswish` (`activation(relu)`). */
export function activation(layer: LayerDefinition): ActivationFactory {
  return (m, inplace) => nn(m, layer, inplace === null ? {} : { inplace })
}

/** Arguments of {@link conv2dNormActivation} and {@link conv3dNormActivation}: an int or one value per spatial dimension. */
export interface ConvNormActivationArgs {
  in_channels: number
  out_channels: number
  kernel_size?: number | readonly number[]
  stride?: number | readonly number[]
  /** `null`: `(kernel_size - 1) // 2 * dilation`. */
  padding?: number | readonly number[] | null
  groups?: number
  norm_layer?: NormFactory | null
  activation_layer?: ActivationFactory | null
  dilation?: number
  inplace?: boolean | null
  /** `null`: a bias only without a normalisation layer. */
  bias?: boolean | null
}

/** `torchvision.ops.ConvNormActivation` for `Conv2d` or `Conv3d`: a Sequential of the convolution, the norm layer (`1`) and the activation (`2`). */
function convNormActivation(name: string, conv: typeof conv2d | typeof conv3d, defaultNorm: NormFactory) {
  const dims = conv === conv2d ? 2 : 3
  const tuple = (v: number | readonly number[]): number[] => (typeof v === 'number' ? new Array<number>(dims).fill(v) : [...v])
  return defineSequentialBlock<ConvNormActivationArgs>(name, (a, m) => {
    const kernel = tuple(a.kernel_size ?? 3)
    const dilation = a.dilation ?? 1
    const padding = a.padding ?? kernel.map((k) => Math.floor((k - 1) / 2) * dilation)
    const norm = a.norm_layer === undefined ? defaultNorm : a.norm_layer
    const act = a.activation_layer === undefined ? activation(relu) : a.activation_layer
    const bias = a.bias ?? norm === null
    let index = 0
    m.child(
      String(index++),
      nn(m, conv, {
        in_channels: a.in_channels,
        out_channels: a.out_channels,
        kernel_size: kernel,
        stride: typeof a.stride === 'object' ? [...a.stride] : (a.stride ?? 1),
        padding: typeof padding === 'number' ? padding : [...padding],
        dilation,
        groups: a.groups ?? 1,
        bias,
      }),
    )
    if (norm) m.child(String(index++), norm(m, a.out_channels))
    if (act) m.child(String(index++), act(m, a.inplace === undefined ? true : a.inplace))
  })
}

/** `torchvision.ops.Conv2dNormActivation` (BatchNorm2d and ReLU by default). */
export const Conv2dNormActivation = convNormActivation('Conv2dNormActivation', conv2d, batchNorm())

/** `torchvision.ops.Conv3dNormActivation` (BatchNorm3d and ReLU by default). */
export const Conv3dNormActivation = convNormActivation('Conv3dNormActivation', conv3d, (m, channels) => nn(m, batchNorm3d, { num_features: channels }))

/** Builds a {@link Conv2dNormActivation} block. */
export function conv2dNormActivation(m: ModuleBuilder, args: ConvNormActivationArgs): ModuleNode {
  return block(m, Conv2dNormActivation, args)
}

/** Builds a {@link Conv3dNormActivation} block. */
export function conv3dNormActivation(m: ModuleBuilder, args: ConvNormActivationArgs): ModuleNode {
  return block(m, Conv3dNormActivation, args)
}

/** Arguments of `torchvision.ops.SqueezeExcitation`. */
export interface SqueezeExcitationArgs {
  input_channels: number
  squeeze_channels: number
  activation?: ActivationFactory
  scale_activation?: ActivationFactory
  /** `inplace` passed to the activation (`partial(nn.SiLU, inplace=True)`); `null` passes none. */
  activation_inplace?: boolean | null
}

/** `torchvision.ops.SqueezeExcitation`: global pool, two 1×1 convolutions, a gate that scales the input. */
export const SqueezeExcitation = defineBlock<SqueezeExcitationArgs>({
  name: 'SqueezeExcitation',
  build(a, m) {
    m.child('avgpool', nn(m, adaptiveAvgPool2d, { output_size: 1 }))
    m.child('fc1', nn(m, conv2d, { in_channels: a.input_channels, out_channels: a.squeeze_channels, kernel_size: 1 }))
    m.child('fc2', nn(m, conv2d, { in_channels: a.squeeze_channels, out_channels: a.input_channels, kernel_size: 1 }))
    m.child('activation', (a.activation ?? activation(relu))(m, a.activation_inplace ?? null))
    m.child('scale_activation', (a.scale_activation ?? activation(sigmoid))(m, null))
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    let scale = runChild(self, 'avgpool', x, ctx)
    scale = runChild(self, 'fc1', scale, ctx)
    scale = runChild(self, 'activation', scale, ctx)
    scale = runChild(self, 'fc2', scale, ctx)
    scale = runChild(self, 'scale_activation', scale, ctx)
    return ops.mul(ctx, scale, x)
  },
})

/** `torchvision.ops.StochasticDepth(p, mode='row')`: drops whole residual branches per sample while training. */
export const StochasticDepth = defineBlock<{ p: number; mode: 'row' }>({
  name: 'StochasticDepth',
  build() {},
  forward: (self, inputs, ctx) => ops.stochasticDepth(ctx, inputs[0]!, self.args.p, self.training),
})

/** `torchvision.ops.Permute(dims)`: a view with its dimensions reordered. */
export const Permute = defineBlock<{ dims: readonly number[] }>({
  name: 'Permute',
  build() {},
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    if (x.shape.length !== self.args.dims.length) throw ctx.error(`permutes ${self.args.dims.length} dimensions, got an input of shape (${x.shape.join(', ')}).`)
    return ctx.view(x, self.args.dims.map((d) => x.shape[d]!))
  },
})

/** Arguments of `torchvision.ops.MLP`. */
export interface MLPArgs {
  in_channels: number
  hidden_channels: readonly number[]
  activation_layer: ActivationFactory
  inplace: boolean | null
  bias?: boolean
  dropout: number
}

/** `torchvision.ops.MLP`: `Linear`, activation, `Dropout` per hidden layer, then `Linear`, `Dropout`. */
export const MLP = defineSequentialBlock<MLPArgs>('MLP', (a, m) => {
  let index = 0
  let inDim = a.in_channels
  const dropoutArgs: Record<string, PyArg> = a.inplace === null ? { p: a.dropout } : { p: a.dropout, inplace: a.inplace }
  for (const hidden of a.hidden_channels.slice(0, -1)) {
    m.child(String(index++), nn(m, linear, { in_features: inDim, out_features: hidden, bias: a.bias ?? true }))
    m.child(String(index++), a.activation_layer(m, a.inplace))
    m.child(String(index++), nn(m, dropoutLayer, dropoutArgs))
    inDim = hidden
  }
  m.child(String(index++), nn(m, linear, { in_features: inDim, out_features: a.hidden_channels.at(-1)!, bias: a.bias ?? true }))
  m.child(String(index++), nn(m, dropoutLayer, dropoutArgs))
})
