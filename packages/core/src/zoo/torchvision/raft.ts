import type { ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import type { ForwardContext, Tensor } from '../../forward/trace.js'
import { formatShape } from '../../tensor/shape.js'
import { block, defineBlock, defineModel, nn, runChild, sequential } from './core.js'
import { conv2dNormActivation } from './misc.js'
import type { NormFactory } from './misc.js'
import * as ops from './ops.js'
import { relu as reluLayer } from '../../layers/activation.js'
import { conv2d } from '../../layers/conv.js'
import { identity } from '../../layers/linear.js'
import { batchNorm2d, instanceNorm2d } from '../../layers/norm.js'

/**
 * RAFT (`torchvision.models.optical_flow.raft_large`, `raft_small`): a feature and a context encoder at
 * 1/8 resolution, an all-pairs correlation pyramid, and a recurrent update run `num_flow_updates`
 * (12) times; the forward takes two images and returns the 12 flow predictions, `(N, 2, H, W)` each.
 */

/** The number of recurrent updates of `RAFT.forward` (its default `num_flow_updates`). */
export const flowUpdates = 12

type BlockKind = 'residual' | 'bottleneck'

interface ResidualArgs {
  in_channels: number
  out_channels: number
  norm: NormFactory | null
  stride: number
}

function cna(m: ModuleBuilder, inC: number, outC: number, kernel: number, norm: NormFactory | null, options: { stride?: number; act?: boolean } = {}): ModuleNode {
  return conv2dNormActivation(m, { in_channels: inC, out_channels: outC, kernel_size: kernel, stride: options.stride ?? 1, norm_layer: norm, bias: true, ...(options.act === false ? { activation_layer: null } : {}) })
}

/** The residual forward of both block kinds: the convolutions, the (identity or 1×1) downsample, `relu(x + y)`. */
function residualForward(convs: readonly string[]) {
  return (self: ModuleNode, inputs: readonly Tensor[], ctx: ForwardContext): Tensor => {
    const x = inputs[0]!
    let y = x
    for (const name of convs) y = runChild(self, name, y, ctx)
    return runChild(self, 'relu', ops.add(ctx, runChild(self, 'downsample', x, ctx), y), ctx)
  }
}

/** `ResidualBlock`: two 3×3 `Conv2dNormActivation`s and a 1×1 projection when strided. */
const ResidualBlock = defineBlock<ResidualArgs>({
  name: 'ResidualBlock',
  build(a, m) {
    m.child('convnormrelu1', cna(m, a.in_channels, a.out_channels, 3, a.norm, { stride: a.stride }))
    m.child('convnormrelu2', cna(m, a.out_channels, a.out_channels, 3, a.norm))
    m.child('downsample', a.stride === 1 ? nn(m, identity) : cna(m, a.in_channels, a.out_channels, 1, a.norm, { stride: a.stride, act: false }))
    m.child('relu', nn(m, reluLayer, { inplace: true }))
  },
  forward: residualForward(['convnormrelu1', 'convnormrelu2']),
})

/** `BottleneckBlock`: 1×1 to a quarter of the channels, 3×3, 1×1 back, and a 1×1 projection when strided. */
const BottleneckBlock = defineBlock<ResidualArgs>({
  name: 'BottleneckBlock',
  build(a, m) {
    const mid = Math.floor(a.out_channels / 4)
    m.child('convnormrelu1', cna(m, a.in_channels, mid, 1, a.norm))
    m.child('convnormrelu2', cna(m, mid, mid, 3, a.norm, { stride: a.stride }))
    m.child('convnormrelu3', cna(m, mid, a.out_channels, 1, a.norm))
    m.child('relu', nn(m, reluLayer, { inplace: true }))
    m.child('downsample', a.stride === 1 ? nn(m, identity) : cna(m, a.in_channels, a.out_channels, 1, a.norm, { stride: a.stride, act: false }))
  },
  forward: residualForward(['convnormrelu1', 'convnormrelu2', 'convnormrelu3']),
})

/** `FeatureEncoder(block, layers, strides=(2, 1, 2, 2), norm_layer)`: a 7×7 stem, three stages of two blocks, a 1×1 output convolution (1/8 resolution). */
const FeatureEncoder = defineBlock<{ kind: BlockKind; layers: readonly number[]; norm: NormFactory | null }>({
  name: 'FeatureEncoder',
  build(a, m) {
    const def = a.kind === 'residual' ? ResidualBlock : BottleneckBlock
    const strides = [2, 1, 2, 2]
    m.child('convnormrelu', cna(m, 3, a.layers[0]!, 7, a.norm, { stride: strides[0]! }))
    for (let i = 1; i <= 3; i++) {
      const [inC, outC] = [a.layers[i - 1]!, a.layers[i]!]
      m.child(`layer${i}`, sequential(m, [block(m, def, { in_channels: inC, out_channels: outC, norm: a.norm, stride: strides[i]! }), block(m, def, { in_channels: outC, out_channels: outC, norm: a.norm, stride: 1 })]))
    }
    m.child('conv', nn(m, conv2d, { in_channels: a.layers[3]!, out_channels: a.layers[4]!, kernel_size: 1 }))
  },
  forward(self, inputs, ctx) {
    let x = inputs[0]!
    for (const name of ['convnormrelu', 'layer1', 'layer2', 'layer3', 'conv']) x = runChild(self, name, x, ctx)
    return x
  },
})

/** `CorrBlock(num_levels, radius)`: the correlation pyramid, no parameters; its work is part of RAFT's forward. */
const CorrBlock = defineBlock<{ num_levels: number; radius: number }>({
  name: 'CorrBlock',
  build() {},
  forward(_self, _inputs, ctx) {
    throw ctx.error('runs inside RAFT\'s forward (build_pyramid, index_pyramid), not on its own.')
  },
})

/** `MotionEncoder`: convolutions over the correlation features and over the flow, concatenated, plus the flow itself. */
const MotionEncoder = defineBlock<{ corr_channels: number; corr_layers: readonly number[]; flow_layers: readonly [number, number]; out_channels: number }>({
  name: 'MotionEncoder',
  build(a, m) {
    const [corr0, corr1] = a.corr_layers
    m.child('convcorr1', cna(m, a.corr_channels, corr0!, 1, null))
    m.child('convcorr2', corr1 === undefined ? nn(m, identity) : cna(m, corr0!, corr1, 3, null))
    m.child('convflow1', cna(m, 2, a.flow_layers[0], 7, null))
    m.child('convflow2', cna(m, a.flow_layers[0], a.flow_layers[1], 3, null))
    m.child('conv', cna(m, a.corr_layers.at(-1)! + a.flow_layers[1], a.out_channels - 2, 3, null))
  },
  forward(self, [flow, corr], ctx) {
    const c = runChild(self, 'convcorr2', runChild(self, 'convcorr1', corr!, ctx), ctx)
    const f = runChild(self, 'convflow2', runChild(self, 'convflow1', flow!, ctx), ctx)
    return ops.cat(ctx, [runChild(self, 'conv', ops.cat(ctx, [c, f], 1), ctx), flow!], 1)
  },
})

/** `ConvGRU`: update and reset gates and the candidate state as convolutions over `[h, x]`. */
const ConvGRU = defineBlock<{ input_size: number; hidden_size: number; kernel: readonly [number, number]; padding: readonly [number, number] }>({
  name: 'ConvGRU',
  build(a, m) {
    for (const name of ['convz', 'convr', 'convq']) m.child(name, nn(m, conv2d, { in_channels: a.hidden_size + a.input_size, out_channels: a.hidden_size, kernel_size: [...a.kernel], padding: [...a.padding] }))
  },
  forward(self, [h, x], ctx) {
    const hx = ops.cat(ctx, [h!, x!], 1)
    const z = ops.sigmoid(ctx, runChild(self, 'convz', hx, ctx))
    const r = ops.sigmoid(ctx, runChild(self, 'convr', hx, ctx))
    const q = ops.tanh(ctx, runChild(self, 'convq', ops.cat(ctx, [ops.mul(ctx, r, h!), x!], 1), ctx))
    // (1 - z) * h + z * q: each product keeps both factors.
    return ops.add(ctx, ops.mul(ctx, ctx.tensor(z.shape, z.dtype), h!), ops.mul(ctx, z, q))
  },
})

/** `RecurrentBlock`: one or two `ConvGRU`s (1×5 then 5×1 in `raft_large`). */
const RecurrentBlock = defineBlock<{ input_size: number; hidden_size: number; kernels: ReadonlyArray<readonly [number, number]>; paddings: ReadonlyArray<readonly [number, number]> }>({
  name: 'RecurrentBlock',
  build(a, m) {
    a.kernels.forEach((kernel, i) => m.child(`convgru${i + 1}`, block(m, ConvGRU, { input_size: a.input_size, hidden_size: a.hidden_size, kernel, padding: a.paddings[i]! })))
  },
  forward(self, [h, x], ctx) {
    let state = h!
    for (const [name, gru] of self.children) state = ctx.run(gru!, [state, x!], name)[0]!
    return state
  },
})

/** `FlowHead`: 3×3 conv, ReLU, 3×3 conv to the 2 flow channels. */
const FlowHead = defineBlock<{ in_channels: number; hidden_size: number }>({
  name: 'FlowHead',
  build(a, m) {
    m.child('conv1', nn(m, conv2d, { in_channels: a.in_channels, out_channels: a.hidden_size, kernel_size: 3, padding: 1 }))
    m.child('conv2', nn(m, conv2d, { in_channels: a.hidden_size, out_channels: 2, kernel_size: 3, padding: 1 }))
    m.child('relu', nn(m, reluLayer, { inplace: true }))
  },
  forward(self, inputs, ctx) {
    return runChild(self, 'conv2', runChild(self, 'relu', runChild(self, 'conv1', inputs[0]!, ctx), ctx), ctx)
  },
})

/** `UpdateBlock`: motion encoder, recurrent block, flow head; inputs `(hidden, context, corr, flow)`, outputs `(hidden, delta_flow)`. */
const UpdateBlock = defineBlock<{ motion: ModuleNode; recurrent: ModuleNode; head: ModuleNode }>({
  name: 'UpdateBlock',
  build(a, m) {
    m.child('motion_encoder', a.motion)
    m.child('recurrent_block', a.recurrent)
    m.child('flow_head', a.head)
  },
  forward(self, [hidden, context, corr, flow], ctx) {
    const motion = ctx.run(self.children.get('motion_encoder')!, [flow!, corr!], 'motion_encoder')[0]!
    const x = ops.cat(ctx, [context!, motion], 1)
    const state = ctx.run(self.children.get('recurrent_block')!, [hidden!, x], 'recurrent_block')[0]!
    return [state, runChild(self, 'flow_head', state, ctx)]
  },
})

/** `MaskPredictor`: 3×3 conv with ReLU, 1×1 conv to 8·8·9 upsampling weights, times 0.25. */
const MaskPredictor = defineBlock<{ in_channels: number }>({
  name: 'MaskPredictor',
  build(a, m) {
    m.child('convrelu', cna(m, a.in_channels, 256, 3, null))
    m.child('conv', nn(m, conv2d, { in_channels: 256, out_channels: 8 * 8 * 9, kernel_size: 1, padding: 0 }))
  },
  forward(self, inputs, ctx) {
    return ops.scale(ctx, runChild(self, 'conv', runChild(self, 'convrelu', inputs[0]!, ctx), ctx))
  },
})

interface RaftConfig {
  feature: readonly number[]
  context: readonly number[]
  kind: BlockKind
  contextNorm: 'batch' | null
  levels: number
  radius: number
  corrLayers: readonly number[]
  flowLayers: readonly [number, number]
  motionOut: number
  hidden: number
  kernels: ReadonlyArray<readonly [number, number]>
  paddings: ReadonlyArray<readonly [number, number]>
  flowHead: number
  mask: boolean
}

const instanceNorm: NormFactory = (m, channels) => nn(m, instanceNorm2d, { num_features: channels })

/** `RAFT.forward(image1, image2)` with the default 12 updates. */
function raftForward(config: RaftConfig, self: ModuleNode, inputs: readonly Tensor[], ctx: ForwardContext): Tensor[] {
  const [image1, image2] = inputs
  if (!image1 || !image2 || inputs.length !== 2) throw ctx.error(`takes two images, \`image1\` and \`image2\`, got ${inputs.length} input${inputs.length === 1 ? '' : 's'}: give two shapes such as \`1,3,128,128; 1,3,128,128\`.`)
  if (image1.shape.length !== 4 || image1.shape[1] !== 3) throw ctx.error(`expects images of shape (N, 3, H, W), got shape ${formatShape(image1.shape)}.`)
  const [b, , h, w] = image1.shape as [number, number, number, number]
  if (image2.shape.length !== 4 || image2.shape[0] !== b || image2.shape[2] !== h || image2.shape[3] !== w) throw ctx.error(`input images should have the same shape, instead got ${formatShape(image1.shape)} and ${formatShape(image2.shape)}.`)
  if (h % 8 !== 0 || w % 8 !== 0) throw ctx.error(`input image H and W should be divisible by 8, instead got ${h} (h) and ${w} (w).`)
  const [fh, fw] = [h / 8, w / 8]
  const minSize = 2 * 2 ** (config.levels - 1)
  if (fh < minSize || fw < minSize) throw ctx.error(`needs feature maps of at least ${minSize}×${minSize}: H and W should be at least ${8 * minSize}, got ${h}×${w}.`)
  const fmaps = runChild(self, 'feature_encoder', ops.cat(ctx, [image1, image2], 0), ctx)
  const c = fmaps.shape[1]!
  // build_pyramid: fmap1^T @ fmap2 (both views of fmaps), divided by sqrt(C) as a 0-dim tensor, then average-pooled levels.
  const corr = ops.matmul(ctx, ctx.view(fmaps, [b, fh * fw, c]), ctx.view(fmaps, [b, c, fh * fw]))
  ctx.save(ctx.tensor([]))
  let level = ctx.tensor([b * fh * fw, 1, fh, fw])
  ctx.use(corr)
  const pyramid = [level]
  for (let i = 1; i < config.levels; i++) pyramid.push((level = ops.avgPool2d(ctx, level, 2, 2)))
  const context = runChild(self, 'context_encoder', image1, ctx)
  const hiddenSize = config.hidden
  let hidden = ops.tanh(ctx, ctx.view(context, [b, hiddenSize, fh, fw]))
  const contextFeatures = ops.relu(ctx, ctx.view(context, [b, context.shape[1]! - hiddenSize, fh, fw]), false)
  const side = 2 * config.radius + 1
  const update = self.children.get('update_block')!
  const mask = self.children.get('mask_predictor')
  const predictions: Tensor[] = []
  for (let i = 0; i < flowUpdates; i++) {
    // index_pyramid: grid_sample of every level at the (detached) coordinates keeps the level and the grid.
    const sampled = pyramid.map((volume) => {
      const grid = ctx.tensor([b * fh * fw, side, side, 2])
      ctx.save(volume, grid)
      return ctx.tensor([b * fh * fw, 1, side, side])
    })
    ctx.use(...sampled)
    const corrFeatures = ctx.tensor([b, config.levels * side * side, fh, fw])
    const flow = ctx.tensor([b, 2, fh, fw])
    const [state, delta] = ctx.run(update, [hidden, contextFeatures, corrFeatures, flow], 'update_block')
    hidden = state!
    const coords = ops.add(ctx, flow, delta!)
    if (mask) {
      const upMask = ops.softmax(ctx, ctx.view(ctx.run(mask, [hidden], 'mask_predictor')[0]!, [b, 1, 9, 8, 8, fh, fw]))
      // factor * flow, unfolded 3×3 (kept for the product with the mask), summed over the 9 neighbours, permuted into place.
      const unfolded = ctx.tensor([b, 2, 9, 1, 1, fh, fw])
      ops.scale(ctx, coords)
      ops.mul(ctx, upMask, unfolded)
      predictions.push(ops.copy(ctx, ctx.tensor([b, 2, 8, 8, fh, fw]), [b, 2, h, w]))
    } else {
      predictions.push(ops.scale(ctx, ops.interpolate(ctx, coords, [h, w], 'bilinear')))
    }
  }
  return predictions
}

function raft(name: string, config: RaftConfig) {
  return defineModel<Record<string, never>>({
    name,
    className: 'RAFT',
    signature: [],
    build(_a, m) {
      const corrChannels = config.levels * (2 * config.radius + 1) ** 2
      m.child('feature_encoder', block(m, FeatureEncoder, { kind: config.kind, layers: config.feature, norm: instanceNorm }))
      m.child('context_encoder', block(m, FeatureEncoder, { kind: config.kind, layers: config.context, norm: config.contextNorm === 'batch' ? (mb, ch) => nn(mb, batchNorm2d, { num_features: ch }) : null }))
      m.child('corr_block', block(m, CorrBlock, { num_levels: config.levels, radius: config.radius }))
      const motion = block(m, MotionEncoder, { corr_channels: corrChannels, corr_layers: config.corrLayers, flow_layers: config.flowLayers, out_channels: config.motionOut })
      const recurrent = block(m, RecurrentBlock, { input_size: config.motionOut + config.context.at(-1)! - config.hidden, hidden_size: config.hidden, kernels: config.kernels, paddings: config.paddings })
      m.child('update_block', block(m, UpdateBlock, { motion, recurrent, head: block(m, FlowHead, { in_channels: config.hidden, hidden_size: config.flowHead }) }))
      m.child('mask_predictor', config.mask ? block(m, MaskPredictor, { in_channels: config.hidden }) : null)
    },
    forward: (self, inputs, ctx) => raftForward(config, self, inputs, ctx),
  })
}

/** `torchvision.models.optical_flow.raft_large` (`RAFT`): residual encoders, 4-level radius-4 correlation, a 1×5 and 5×1 ConvGRU, a convex upsampling mask. */
export const raft_large = raft('raft_large', {
  feature: [64, 64, 96, 128, 256],
  context: [64, 64, 96, 128, 256],
  kind: 'residual',
  contextNorm: 'batch',
  levels: 4,
  radius: 4,
  corrLayers: [256, 192],
  flowLayers: [128, 64],
  motionOut: 128,
  hidden: 128,
  kernels: [
    [1, 5],
    [5, 1],
  ],
  paddings: [
    [0, 2],
    [2, 0],
  ],
  flowHead: 256,
  mask: true,
})

/** `torchvision.models.optical_flow.raft_small` (`RAFT`): bottleneck encoders, radius-3 correlation, one 3×3 ConvGRU, bilinear upsampling. */
export const raft_small = raft('raft_small', {
  feature: [32, 32, 64, 96, 128],
  context: [32, 32, 64, 96, 160],
  kind: 'bottleneck',
  contextNorm: null,
  levels: 4,
  radius: 3,
  corrLayers: [96],
  flowLayers: [64, 32],
  motionOut: 82,
  hidden: 96,
  kernels: [[3, 3]],
  paddings: [[1, 1]],
  flowHead: 128,
  mask: false,
})
