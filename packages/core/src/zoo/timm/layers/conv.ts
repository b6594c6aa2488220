import { conv2d } from '../../../layers/conv.js'
import { pad } from '../../../forward/ops/index.js'
import type { LayerDefinition, ModuleBuilder } from '../../../layers/define-layer.js'
import type { ModuleNode } from '../../../model/module.js'
import type { ForwardContext, Tensor } from '../../../forward/trace.js'
import { formatShape, numel } from '../../../tensor/shape.js'
import * as ops from '../../torchvision/ops.js'
import { defineBlock, nn, block, runChild } from '../../torchvision/core.js'
import type { PyArg, PyArgs } from '../../torchvision/core.js'
import { createAa } from './pool.js'
import type { AaName } from './pool.js'
import { getPadding, isStaticPad, pair, runBase, samePaddingTotal, subclass } from './helpers.js'
import { createNormAct } from './norm-act.js'
import type { NormActOptions } from './norm-act.js'
import type { NormSpec } from './norm.js'
import { sequential } from '../../../layers/containers.js'

/**
 * timm's convolutions: `create_conv2d` (an `nn.Conv2d`, or `Conv2dSame` for TensorFlow `SAME`
 * padding that depends on the input size), the weight-standardised `StdConv2d` and
 * `ScaledStdConv2d`, and `ConvNormAct` (conv, norm + activation, optional anti-aliasing).
 */

/** A padding argument: `''` (symmetric, `get_padding`), `'same'` (TensorFlow), `'valid'` (none) or a number. */
export type PadType = '' | 'same' | 'valid' | number

/** Pads `x` as TensorFlow's `SAME` does for this kernel, stride and dilation (`pad_same`): a zero-padded copy. */
export function padSame(ctx: ForwardContext, x: Tensor, kernel: readonly number[], stride: readonly number[], dilation: readonly number[]): Tensor {
  const [h, w] = x.shape.slice(-2) as [number, number]
  const padH = samePaddingTotal(h, kernel[0]!, stride[0]!, dilation[0]!)
  const padW = samePaddingTotal(w, kernel[1]!, stride[1]!, dilation[1]!)
  if (padH === 0 && padW === 0) return x
  return pad(ctx, x, [Math.floor(padW / 2), padW - Math.floor(padW / 2), Math.floor(padH / 2), padH - Math.floor(padH / 2)], 'constant')
}

interface ConvShape {
  kernel_size: number[]
  stride: number[]
  dilation: number[]
}

const sameConvForward: LayerDefinition['forward'] = (self, inputs, ctx) => {
  const a = self.args as unknown as ConvShape
  return runBase(conv2d, self, padSame(ctx, inputs[0]!, a.kernel_size, a.stride, a.dilation), ctx)
}

/** `Conv2dSame`: an `nn.Conv2d` without padding that pads its input as TensorFlow's `SAME` does first. */
export const Conv2dSame = defineBlock({ name: 'Conv2dSame', build() {}, forward: sameConvForward })

/** `StdConv2d`: `nn.Conv2d` whose weight is standardised per output channel in the forward. */
export const StdConv2d = defineBlock({ name: 'StdConv2d', build() {}, forward: (self, inputs, ctx) => runBase(conv2d, self, inputs[0]!, ctx) })

/** `StdConv2dSame`: {@link StdConv2d} with TensorFlow `SAME` padding. */
export const StdConv2dSame = defineBlock({ name: 'StdConv2dSame', build() {}, forward: sameConvForward })

/** `ScaledStdConv2d`: weight-standardised `nn.Conv2d` with a learned `gain` per output channel. */
export const ScaledStdConv2d = defineBlock({ name: 'ScaledStdConv2d', build() {}, forward: (self, inputs, ctx) => runBase(conv2d, self, inputs[0]!, ctx) })

/** `ScaledStdConv2dSame`: {@link ScaledStdConv2d} with TensorFlow `SAME` padding. */
export const ScaledStdConv2dSame = defineBlock({ name: 'ScaledStdConv2dSame', build() {}, forward: sameConvForward })

/** timm's `_split_channels`: equal parts, the remainder added to the first. */
export function splitChannels(channels: number, groups: number): number[] {
  const split = new Array<number>(groups).fill(Math.floor(channels / groups))
  split[0]! += channels - split.reduce((s, c) => s + c, 0)
  return split
}

/** `MixedConv2d` (MixNet): a `ModuleDict` of convolutions, one per kernel size, over splits of the channels; outputs concatenated. */
export const MixedConv2d = defineBlock<{ in_splits: number[]; out_splits: number[] }>({
  name: 'MixedConv2d',
  build() {},
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const outs: Tensor[] = []
    let offset = 0
    for (const [i, [name, conv]] of [...self.children.entries()].entries()) {
      const width = self.args.in_splits[i]!
      const part = ctx.view(x, [x.shape[0]!, width, ...x.shape.slice(2)])
      offset += width
      outs.push(ctx.run(conv!, [part], name)[0]!)
    }
    if (offset !== x.shape[1]) throw ctx.error(`expects ${offset} input channels, got shape ${formatShape(x.shape)}.`)
    return ops.cat(ctx, outs, 1)
  },
})

/**
 * `CondConv2d`: `num_experts` convolution kernels mixed per sample by routing weights; `weight` is
 * `(experts, out × in/groups × k × k)`. The forward makes each sample's kernel (`routing @ weight`,
 * kept for backward with the input) and runs one grouped convolution over the batch.
 */
export const CondConv2d = defineBlock<{ in_channels: number; out_channels: number; kernel_size: number; stride: number; padding: number; dilation: number; groups: number; num_experts: number; bias: boolean }>({
  name: 'CondConv2d',
  build(a, m) {
    m.param('weight', [a.num_experts, a.out_channels * (a.in_channels / a.groups) * a.kernel_size * a.kernel_size])
    if (a.bias) m.param('bias', [a.num_experts, a.out_channels])
    else m.none('bias')
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const a = self.args
    const [n, , h, w] = x.shape as [number, number, number, number]
    const extent = a.dilation * (a.kernel_size - 1) + 1
    const out = [n, a.out_channels, Math.floor((h + 2 * a.padding - extent) / a.stride) + 1, Math.floor((w + 2 * a.padding - extent) / a.stride) + 1]
    const kernel = a.out_channels * (a.in_channels / a.groups) * a.kernel_size * a.kernel_size
    ctx.macs(BigInt(n) * BigInt(a.num_experts) * BigInt(kernel))
    ctx.macs(numel(out) * BigInt((a.in_channels / a.groups) * a.kernel_size * a.kernel_size))
    ctx.save(x, ctx.tensor([n, kernel], x.dtype))
    if (a.bias) ctx.tensor([n, a.out_channels], x.dtype)
    return ctx.tensor(out, x.dtype)
  },
})

/** Options of {@link createConv2d} (timm's keyword arguments; `bias` defaults to false there). */
export interface ConvOptions {
  stride?: number
  dilation?: number
  padding?: PadType
  groups?: number
  depthwise?: boolean
  bias?: boolean
  /** `CondConv2d` with this many experts. */
  num_experts?: number
}

/** `get_padding_value`: the symmetric padding, and whether `SAME` padding depends on the input. */
export function paddingValue(padding: PadType, kernel: number, stride: number, dilation: number): [number, boolean] {
  if (typeof padding === 'number') return [padding, false]
  if (padding === 'same') return isStaticPad(kernel, stride, dilation) ? [getPadding(kernel, stride, dilation), false] : [0, true]
  if (padding === 'valid') return [0, false]
  return [getPadding(kernel, stride, dilation), false]
}

/**
 * `create_conv2d(in, out, kernel, ...)`: `nn.Conv2d`, or `Conv2dSame` where `SAME` padding is
 * dynamic, `MixedConv2d` for a list of kernel sizes, `CondConv2d` with experts.
 */
export function createConv2d(m: ModuleBuilder, inChannels: number, outChannels: number, kernel: number | readonly number[], o: ConvOptions = {}): ModuleNode {
  const stride = o.stride ?? 1
  const dilation = o.dilation ?? 1
  if (typeof kernel !== 'number') {
    const depthwise = o.depthwise || (o.groups !== undefined && o.groups === inChannels)
    const inSplits = splitChannels(inChannels, kernel.length)
    const outSplits = splitChannels(outChannels, kernel.length)
    const node = block(m, MixedConv2d, { in_splits: inSplits, out_splits: outSplits })
    kernel.forEach((k, i) => {
      node.children.set(String(i), createConv2d(m, inSplits[i]!, outSplits[i]!, k, { stride, dilation, padding: o.padding ?? '', groups: depthwise ? inSplits[i]! : 1, bias: o.bias ?? false }))
    })
    return node
  }
  const groups = o.depthwise ? inChannels : (o.groups ?? 1)
  const [padding, dynamic] = paddingValue(o.padding ?? '', kernel, stride, dilation)
  if (o.num_experts) {
    return block(m, CondConv2d, { in_channels: inChannels, out_channels: outChannels, kernel_size: kernel, stride, padding: dynamic ? 0 : padding, dilation, groups, num_experts: o.num_experts, bias: o.bias ?? false })
  }
  const args: PyArgs<typeof conv2d.signature> = { in_channels: inChannels, out_channels: outChannels, kernel_size: kernel, stride, padding, dilation, groups, bias: o.bias ?? false }
  return dynamic ? subclass(m, conv2d, args, Conv2dSame) : nn(m, conv2d, args)
}

/** Options of the weight-standardised convolutions. */
export interface StdConvOptions {
  stride?: number
  dilation?: number
  groups?: number
  bias?: boolean
  /** `null`/absent: `get_padding`; `'same'`: the `Same` class with TensorFlow padding. */
  padding?: number | 'same' | null
  /** `ScaledStdConv2d` (with `gain`) instead of `StdConv2d`. */
  scaled?: boolean
}

/** `StdConv2d`, `StdConv2dSame`, `ScaledStdConv2d` or `ScaledStdConv2dSame`. */
export function createStdConv2d(m: ModuleBuilder, inChannels: number, outChannels: number, kernel: number | readonly number[], o: StdConvOptions = {}): ModuleNode {
  const stride = o.stride ?? 1
  const dilation = o.dilation ?? 1
  const [kh] = pair(kernel)
  const same = o.padding === 'same'
  const [padding] = same ? paddingValue('same', kh, stride, dilation) : [o.padding ?? getPadding(kh, stride, dilation)]
  const dynamic = same && !isStaticPad(kh, stride, dilation)
  const def = o.scaled ? (same ? ScaledStdConv2dSame : ScaledStdConv2d) : same ? StdConv2dSame : StdConv2d
  const args: Record<string, PyArg> = {
    in_channels: inChannels,
    out_channels: outChannels,
    kernel_size: typeof kernel === 'number' ? kernel : [...kernel],
    stride,
    padding: dynamic ? 0 : padding,
    dilation,
    groups: o.groups ?? 1,
    bias: o.bias ?? (o.scaled === true),
  }
  return subclass(m, conv2d, args, def, {}, (node) => {
    if (o.scaled) node.params.set('gain', { kind: 'parameter', shape: [outChannels, 1, 1, 1], dtype: m.floatDType, requiresGrad: true, persistent: true })
  })
}

/** Arguments of {@link ConvNormAct}. */
export interface ConvNormActArgs extends ConvOptions {
  in_channels: number
  out_channels: number
  kernel_size: number | readonly number[]
  norm?: NormSpec
  /** The activation and `apply_act`/`inplace` of the norm layer; `act: null` for none. */
  normAct?: NormActOptions
  applyNorm?: boolean
  aa?: AaName | null
  /** A `(h, w)` kernel (`kernel_size=(1, 7)`), with its `(h, w)` padding: an `nn.Conv2d` with these. */
  kernel_hw?: readonly [number, number]
  padding_hw?: readonly [number, number]
}

/** `ConvNormAct`: `conv` (`create_conv2d`), `bn` (a norm + activation layer, or an empty `nn.Sequential`), `aa` when anti-aliased. */
export const ConvNormAct = defineBlock<ConvNormActArgs>({
  name: 'ConvNormAct',
  build(a, m) {
    const stride = a.stride ?? 1
    const useAa = a.aa !== undefined && a.aa !== null && stride > 1
    m.child(
      'conv',
      a.kernel_hw
        ? nn(m, conv2d, { in_channels: a.in_channels, out_channels: a.out_channels, kernel_size: [...a.kernel_hw], stride: useAa ? 1 : stride, padding: [...(a.padding_hw ?? [0, 0])], dilation: a.dilation ?? 1, groups: a.groups ?? 1, bias: a.bias ?? false })
        : createConv2d(m, a.in_channels, a.out_channels, a.kernel_size, { ...a, stride: useAa ? 1 : stride }),
    )
    m.child('bn', a.applyNorm === false ? nn(m, sequential) : createNormAct(m, a.norm ?? 'batchnorm2d', a.out_channels, a.normAct ?? {}))
    if (useAa) m.child('aa', createAa(m, a.aa!, a.out_channels, stride))
  },
  forward(self, inputs, ctx) {
    let x = runChild(self, 'conv', inputs[0]!, ctx)
    x = runChild(self, 'bn', x, ctx)
    return self.children.has('aa') ? runChild(self, 'aa', x, ctx) : x
  },
})

/** Builds a {@link ConvNormAct}. */
export function convNormAct(m: ModuleBuilder, args: ConvNormActArgs): ModuleNode {
  return block(m, ConvNormAct, args)
}
