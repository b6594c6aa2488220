import { adaptiveAvgPool2d, adaptiveMaxPool2d, avgPool2d, maxPool2d } from '../../../layers/pool.js'
import * as forwardOps from '../../../forward/ops/index.js'
import { pad } from '../../../forward/ops/index.js'
import type { ModuleBuilder } from '../../../layers/define-layer.js'
import type { ModuleNode } from '../../../model/module.js'
import { formatShape } from '../../../tensor/shape.js'
import type { ForwardContext, Tensor } from '../../../forward/trace.js'
import { block, defineBlock, nn, runChild } from '../../torchvision/core.js'
import * as ops from '../../torchvision/ops.js'
import { getPadding, pair, runBase, subclass } from './helpers.js'
import { padSame } from './conv.js'
import { identity as identityLayer } from '../../../layers/linear.js'
import { flatten as flattenLayer } from '../../../layers/reshape.js'

/**
 * timm's pooling layers: `SelectAdaptivePool2d` (the global pooling of every classifier head),
 * anti-aliasing (`BlurPool2d`, `create_aa`) and the TensorFlow-`SAME` pools.
 */

/** Global pooling types: `''` (none), `avg`, `max`, `avgmax`, `catavgmax` (twice the features), and their `fast` forms. */
export type PoolType = '' | 'avg' | 'max' | 'avgmax' | 'catavgmax' | 'fast' | 'fastavg' | 'fastmax' | 'fastavgmax' | 'fastcatavgmax'

/** Every pooling type {@link SelectAdaptivePool2d} accepts. */
export const poolTypes: readonly PoolType[] = ['', 'avg', 'max', 'avgmax', 'catavgmax', 'fast', 'fastavg', 'fastmax', 'fastavgmax', 'fastcatavgmax']

/** `adaptive_pool_feat_mult`: 2 for concatenated average and max pooling, else 1. */
export function poolFeatMult(pool: PoolType): number {
  return pool.endsWith('catavgmax') ? 2 : 1
}

type GlobalPoolKind = 'avg' | 'max' | 'avgmax' | 'catavgmax'

/**
 * The `Fast*` pools: `x.mean` and `x.amax` over the spatial dimensions (`(2, 3)`, or `(1, 2)` channels last), as timm
 * writes them: `avgmax` is `0.5 * x_avg + 0.5 * x_max`, `catavgmax` concatenates the two. `mean` keeps nothing
 * (PyTorch 2.x), `amax` its input and result.
 */
function fastGlobalPool(ctx: ForwardContext, x: Tensor, kind: GlobalPoolKind, flatten: boolean, channelsLast: boolean): Tensor {
  if (x.shape.length !== 4) throw ctx.error(`expects a 4-D input, got shape ${formatShape(x.shape)}.`)
  const dims = channelsLast ? [1, 2] : [2, 3]
  const avg = (): Tensor => forwardOps.mean(ctx, x, dims, !flatten)
  const max = (): Tensor => forwardOps.amax(ctx, x, dims, !flatten)
  if (kind === 'avg') return avg()
  if (kind === 'max') return max()
  const both = [avg(), max()]
  if (kind === 'avgmax') return forwardOps.add(ctx, forwardOps.mul(ctx, both[0]!, 0.5), forwardOps.mul(ctx, both[1]!, 0.5))
  return ops.cat(ctx, both, flatten || !channelsLast ? 1 : 3)
}

/**
 * `adaptive_avgmax_pool2d` / `adaptive_catavgmax_pool2d` at output size 1: `F.adaptive_avg_pool2d` (a `mean`, which
 * keeps nothing) and `F.adaptive_max_pool2d` (which keeps its input and its int64 indices), then
 * `0.5 * (x_avg + x_max)` or `torch.cat((x_avg, x_max), 1)`.
 */
function adaptiveGlobalPool(ctx: ForwardContext, x: Tensor, kind: 'avgmax' | 'catavgmax'): Tensor {
  if (x.shape.length !== 3 && x.shape.length !== 4) throw ctx.error(`expects a 3-D or 4-D input, got shape ${formatShape(x.shape)}.`)
  const avg = forwardOps.adaptiveAvgPool(ctx, x, 2, [1, 1])
  const max = forwardOps.adaptiveMaxPool(ctx, x, 2, [1, 1]).values
  if (kind === 'avgmax') return forwardOps.mul(ctx, forwardOps.add(ctx, avg, max), 0.5)
  return ops.cat(ctx, [avg, max], 1)
}

function fastPool(name: string, kind: GlobalPoolKind) {
  return defineBlock<{ flatten: boolean; channels_last: boolean }>({
    name,
    build() {},
    forward: (self, inputs, ctx) => fastGlobalPool(ctx, inputs[0]!, kind, self.args.flatten, self.args.channels_last),
  })
}

function adaptivePool(name: string, kind: 'avgmax' | 'catavgmax') {
  return defineBlock<{ flatten: boolean; channels_last: boolean }>({
    name,
    build() {},
    forward: (_self, inputs, ctx) => adaptiveGlobalPool(ctx, inputs[0]!, kind),
  })
}

/** `FastAdaptiveAvgPool`: `x.mean` over the spatial dimensions. */
export const FastAdaptiveAvgPool = fastPool('FastAdaptiveAvgPool', 'avg')
/** `FastAdaptiveMaxPool`: `x.amax` over the spatial dimensions. */
export const FastAdaptiveMaxPool = fastPool('FastAdaptiveMaxPool', 'max')
/** `FastAdaptiveAvgMaxPool`: the mean of average and max pooling. */
export const FastAdaptiveAvgMaxPool = fastPool('FastAdaptiveAvgMaxPool', 'avgmax')
/** `FastAdaptiveCatAvgMaxPool`: average and max pooling concatenated. */
export const FastAdaptiveCatAvgMaxPool = fastPool('FastAdaptiveCatAvgMaxPool', 'catavgmax')
/** `AdaptiveAvgMaxPool2d(1)`: the mean of average and max pooling. */
export const AdaptiveAvgMaxPool2d = adaptivePool('AdaptiveAvgMaxPool2d', 'avgmax')
/** `AdaptiveCatAvgMaxPool2d(1)`: average and max pooling concatenated on the channels. */
export const AdaptiveCatAvgMaxPool2d = adaptivePool('AdaptiveCatAvgMaxPool2d', 'catavgmax')

/** Arguments of {@link SelectAdaptivePool2d}. */
export interface SelectAdaptivePoolArgs {
  pool_type: PoolType
  flatten: boolean
  input_fmt?: 'NCHW' | 'NHWC'
}

/** `SelectAdaptivePool2d(pool_type, flatten)`: a `pool` child chosen by type and a `flatten` child. */
export const SelectAdaptivePool2d = defineBlock<SelectAdaptivePoolArgs>({
  name: 'SelectAdaptivePool2d',
  build(a, m) {
    const fmt = a.input_fmt ?? 'NCHW'
    const identity = () => nn(m, identityLayer)
    if (a.pool_type === '') {
      m.child('pool', identity())
      m.child('flatten', a.flatten ? nn(m, flattenLayer, { start_dim: 1 }) : identity())
    } else if (a.pool_type.startsWith('fast') || fmt !== 'NCHW') {
      const t = a.pool_type
      const def = t.endsWith('catavgmax') ? FastAdaptiveCatAvgMaxPool : t.endsWith('avgmax') ? FastAdaptiveAvgMaxPool : t.endsWith('max') ? FastAdaptiveMaxPool : FastAdaptiveAvgPool
      m.child('pool', block(m, def, { flatten: a.flatten, channels_last: fmt === 'NHWC' }))
      m.child('flatten', identity())
    } else {
      const t = a.pool_type
      m.child(
        'pool',
        t === 'avg'
          ? nn(m, adaptiveAvgPool2d, { output_size: 1 })
          : t === 'max'
            ? nn(m, adaptiveMaxPool2d, { output_size: 1 })
            : block(m, t === 'avgmax' ? AdaptiveAvgMaxPool2d : AdaptiveCatAvgMaxPool2d, { flatten: false, channels_last: false }),
      )
      m.child('flatten', a.flatten ? nn(m, flattenLayer, { start_dim: 1 }) : identity())
    }
  },
  forward(self, inputs, ctx) {
    return runChild(self, 'flatten', runChild(self, 'pool', inputs[0]!, ctx), ctx)
  },
})

/** Builds a {@link SelectAdaptivePool2d}. */
export function selectAdaptivePool(m: ModuleBuilder, poolType: PoolType, flatten: boolean, inputFmt: 'NCHW' | 'NHWC' = 'NCHW'): ModuleNode {
  return block(m, SelectAdaptivePool2d, { pool_type: poolType, flatten, input_fmt: inputFmt })
}

/** `BlurPool2d(channels, filt_size=3, stride=2)`: reflect padding and a fixed depthwise binomial filter (`filt`, not saved in `state_dict`). */
export const BlurPool2d = defineBlock<{ channels: number; filt_size: number; stride: number; pad_mode: 'reflect' | 'constant' }>({
  name: 'BlurPool2d',
  build(a, m) {
    m.buffer('filt', [a.channels, 1, a.filt_size, a.filt_size], { persistent: false })
  },
  forward(self, inputs, ctx) {
    const { filt_size: k, stride, pad_mode } = self.args
    const p = getPadding(k, stride)
    const x = pad(ctx, inputs[0]!, [p, p, p, p], pad_mode)
    // `F.conv2d(x, filt, stride=stride, groups=C)`: a depthwise convolution (FlopCounterMode's `aten.convolution`)
    // that keeps the padded input.
    return forwardOps.conv(ctx, x, ctx.state(self, 'filt'), null, { stride: [stride, stride], padding: [0, 0], dilation: [1, 1], groups: self.args.channels })
  },
})

/** Anti-aliasing layers by timm's names: `avg` (`nn.AvgPool2d(stride)`), `blur` (`BlurPool2d`), `blurpc` (constant padding). */
export type AaName = 'avg' | 'blur' | 'blurpc'

/** `create_aa(aa_layer, channels, stride)`. */
export function createAa(m: ModuleBuilder, aa: AaName, channels: number, stride = 2): ModuleNode {
  if (aa === 'avg') return nn(m, avgPool2d, { kernel_size: stride })
  return block(m, BlurPool2d, { channels, filt_size: 3, stride, pad_mode: aa === 'blur' ? 'reflect' : 'constant' })
}

/** `AvgPool2dSame`: `nn.AvgPool2d` without padding that pads its input as TensorFlow's `SAME` does. */
export const AvgPool2dSame = defineBlock<{ kernel_size: number[]; stride: number[] }>({
  name: 'AvgPool2dSame',
  build() {},
  forward: (self, inputs, ctx) => runBase(avgPool2d, self, padSame(ctx, inputs[0]!, self.args.kernel_size, self.args.stride, [1, 1]), ctx),
})

/** `MaxPool2dSame`: `nn.MaxPool2d` without padding that pads its input (with -inf) as TensorFlow's `SAME` does. */
export const MaxPool2dSame = defineBlock<{ kernel_size: number[]; stride: number[] }>({
  name: 'MaxPool2dSame',
  build() {},
  forward: (self, inputs, ctx) => runBase(maxPool2d, self, padSame(ctx, inputs[0]!, self.args.kernel_size, self.args.stride, [1, 1]), ctx),
})

/** `create_pool2d('avg' | 'max', kernel, stride, padding)`: the `Same` class where TensorFlow padding depends on the input. */
export function createPool2d(m: ModuleBuilder, kind: 'avg' | 'max', kernel: number, stride: number, padding: '' | 'same' | number = '', options: { ceil_mode?: boolean; count_include_pad?: boolean } = {}): ModuleNode {
  const dynamic = padding === 'same' && !(stride === 1 && (kernel - 1) % 2 === 0)
  const pad = typeof padding === 'number' ? padding : dynamic ? 0 : getPadding(kernel, stride)
  const [kh, kw] = pair(kernel)
  if (kind === 'avg') {
    const args = { kernel_size: [kh, kw], stride: [stride, stride], padding: pad, ceil_mode: options.ceil_mode ?? false, count_include_pad: options.count_include_pad ?? true }
    return dynamic ? subclass(m, avgPool2d, args, AvgPool2dSame) : nn(m, avgPool2d, { ...args, kernel_size: kernel, stride })
  }
  const args = { kernel_size: [kh, kw], stride: [stride, stride], padding: pad, ceil_mode: options.ceil_mode ?? false }
  return dynamic ? subclass(m, maxPool2d, args, MaxPool2dSame) : nn(m, maxPool2d, { ...args, kernel_size: kernel, stride })
}
