import { NnsizeError } from '../../errors.js'
import { float, int } from '../../bind/args.js'
import type { ArgSpec } from '../../bind/args.js'
import { showValue, typeName } from '../../contract/values.js'
import type { ModuleNode } from '../../model/module.js'
import { formatShape } from '../../tensor/shape.js'
import { block, defineBlock, defineModel, moduleList, nn, runChild, sequential, sequentialNamed } from './core.js'
import { activation, batchNorm, conv2dNormActivation, SqueezeExcitation, StochasticDepth } from './misc.js'
import * as ops from './ops.js'
import { gelu as geluLayer, silu, tanh } from '../../layers/activation.js'
import { conv2d } from '../../layers/conv.js'
import { dropout } from '../../layers/dropout.js'
import { identity, linear } from '../../layers/linear.js'
import { layerNorm } from '../../layers/norm.js'
import { adaptiveAvgPool2d, avgPool2d } from '../../layers/pool.js'
import { flatten } from '../../layers/reshape.js'

const norm = batchNorm({ eps: 1e-3, momentum: 0.99 })
const gelu = activation(geluLayer)

/** `(size - kernel + 2 padding) // stride + 1` for both dimensions. */
function convOutput(size: readonly [number, number], kernel: number, stride: number, padding: number): [number, number] {
  return [Math.floor((size[0] - kernel + 2 * padding) / stride) + 1, Math.floor((size[1] - kernel + 2 * padding) / stride) + 1]
}

interface MBConvArgs {
  in_channels: number
  out_channels: number
  expansion_ratio: number
  squeeze_ratio: number
  stride: number
  p_stochastic_dropout: number
}

/** MaxViT's `MBConv`: pre-norm inverted bottleneck with squeeze-excitation and a (pooled, projected) shortcut. */
const MBConv = defineBlock<MBConvArgs>({
  name: 'MBConv',
  build(a, m) {
    if (a.stride !== 1 || a.in_channels !== a.out_channels) {
      const conv = nn(m, conv2d, { in_channels: a.in_channels, out_channels: a.out_channels, kernel_size: 1, stride: 1, bias: true })
      m.child('proj', sequential(m, a.stride === 2 ? [nn(m, avgPool2d, { kernel_size: 3, stride: a.stride, padding: 1 }), conv] : [conv]))
    } else {
      m.child('proj', nn(m, identity))
    }
    const mid = Math.trunc(a.out_channels * a.expansion_ratio)
    const squeeze = Math.trunc(a.out_channels * a.squeeze_ratio)
    m.child('stochastic_depth', a.p_stochastic_dropout ? block(m, StochasticDepth, { p: a.p_stochastic_dropout, mode: 'row' }) : nn(m, identity))
    m.child(
      'layers',
      sequentialNamed(m, [
        ['pre_norm', norm(m, a.in_channels)],
        ['conv_a', conv2dNormActivation(m, { in_channels: a.in_channels, out_channels: mid, kernel_size: 1, stride: 1, padding: 0, activation_layer: gelu, norm_layer: norm, inplace: null })],
        ['conv_b', conv2dNormActivation(m, { in_channels: mid, out_channels: mid, kernel_size: 3, stride: a.stride, padding: 1, activation_layer: gelu, norm_layer: norm, groups: mid, inplace: null })],
        ['squeeze_excitation', block(m, SqueezeExcitation, { input_channels: mid, squeeze_channels: squeeze, activation: activation(silu) })],
        ['conv_c', nn(m, conv2d, { in_channels: mid, out_channels: a.out_channels, kernel_size: 1, bias: true })],
      ]),
    )
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const shortcut = runChild(self, 'proj', x, ctx)
    return ops.add(ctx, shortcut, runChild(self, 'stochastic_depth', runChild(self, 'layers', x, ctx), ctx))
  },
})

/** `RelativePositionalMultiHeadAttention`: self-attention over the tokens of each partition, with a learned relative position bias. */
const RelativePositionalMultiHeadAttention = defineBlock<{ feat_dim: number; head_dim: number; max_seq_len: number }>({
  name: 'RelativePositionalMultiHeadAttention',
  build(a, m) {
    const heads = Math.floor(a.feat_dim / a.head_dim)
    const size = Math.trunc(Math.sqrt(a.max_seq_len))
    m.child('to_qkv', nn(m, linear, { in_features: a.feat_dim, out_features: heads * a.head_dim * 3 }))
    m.child('merge', nn(m, linear, { in_features: a.head_dim * heads, out_features: a.feat_dim }))
    m.param('relative_position_bias_table', [(2 * size - 1) * (2 * size - 1), heads])
    m.buffer('relative_position_index', [size * size, size * size], { dtype: 'int64' })
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const heads = Math.floor(self.args.feat_dim / self.args.head_dim)
    const dh = self.args.head_dim
    if (x.shape.length !== 4) throw ctx.error(`expects a (B, G, P, D) input, got shape ${formatShape(x.shape)}.`)
    const [b, g, p, d] = x.shape as [number, number, number, number]
    if (p !== self.args.max_seq_len) throw ctx.error(`was built for partitions of ${self.args.max_seq_len} tokens, got ${p} (input of shape ${formatShape(x.shape)}).`)
    const qkv = runChild(self, 'to_qkv', x, ctx)
    const rows = b * g * heads
    // k * scale_factor keeps the Python float. The einsums fold (B, G, H) into one
    // batch dimension: q, k and v (strided views of qkv) are copied, unless B·G = 1,
    // where they fold as views and qkv itself is kept.
    const single = b * g === 1
    const k = ops.scale(ctx, ctx.tensor([b, g, heads, p, dh]))
    const scores = ops.matmul(ctx, single ? ctx.view(qkv, [rows, p, dh]) : ctx.tensor([rows, p, dh]), single ? ctx.view(k, [rows, dh, p]) : ctx.tensor([rows, dh, p]))
    const attn = ops.softmax(ctx, ctx.tensor([b, g, heads, p, p]))
    ctx.use(scores)
    const out = ops.matmul(ctx, ctx.view(attn, [rows, p, p]), single ? ctx.view(qkv, [rows, p, dh]) : ctx.tensor([rows, p, dh]))
    return runChild(self, 'merge', ops.copy(ctx, out, [b, g, p, d]), ctx)
  },
})

/** `WindowPartition`: `(B, C, H, W)` to `(B, H/P · W/P, P², C)` (a copy). */
const WindowPartition = defineBlock<{ p: number }>({
  name: 'WindowPartition',
  build() {},
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const [b, c, h, w] = x.shape as [number, number, number, number]
    const p = self.args.p
    if (x.shape.length !== 4 || h % p !== 0 || w % p !== 0) throw ctx.error(`cannot split an input of shape ${formatShape(x.shape)} into ${p}×${p} partitions.`)
    return ops.copy(ctx, x, [b, (h / p) * (w / p), p * p, c])
  },
})

/** `WindowDepartition`: the inverse of `WindowPartition` (a copy). */
const WindowDepartition = defineBlock<{ p: number; h_partitions: number; w_partitions: number }>({
  name: 'WindowDepartition',
  build() {},
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const [b, , , c] = x.shape as [number, number, number, number]
    const { p, h_partitions, w_partitions } = self.args
    return ops.copy(ctx, x, [b, c, h_partitions * p, w_partitions * p])
  },
})

/** `SwapAxes(-2, -3)`: a view. */
const SwapAxes = defineBlock<{ a: number; b: number }>({
  name: 'SwapAxes',
  build() {},
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const shape = [...x.shape]
    const i = self.args.a + shape.length
    const j = self.args.b + shape.length
    ;[shape[i], shape[j]] = [shape[j]!, shape[i]!]
    return ctx.view(x, shape)
  },
})

interface PartitionArgs {
  in_channels: number
  head_dim: number
  partition_size: number
  partition_type: 'window' | 'grid'
  grid_size: readonly [number, number]
  mlp_ratio: number
  attention_dropout: number
  mlp_dropout: number
  p_stochastic_dropout: number
}

/** `PartitionAttentionLayer`: block (window) or grid attention and an MLP, each with a residual connection. */
const PartitionAttentionLayer = defineBlock<PartitionArgs>({
  name: 'PartitionAttentionLayer',
  build(a, m) {
    const partitions = Math.floor(a.grid_size[0] / a.partition_size)
    const p = a.partition_type === 'window' ? a.partition_size : partitions
    m.child('partition_op', block(m, WindowPartition, { p }))
    m.child('departition_op', block(m, WindowDepartition, { p, h_partitions: Math.floor(a.grid_size[0] / p), w_partitions: Math.floor(a.grid_size[1] / p) }))
    m.child('partition_swap', a.partition_type === 'grid' ? block(m, SwapAxes, { a: -2, b: -3 }) : nn(m, identity))
    m.child('departition_swap', a.partition_type === 'grid' ? block(m, SwapAxes, { a: -2, b: -3 }) : nn(m, identity))
    m.child(
      'attn_layer',
      sequential(m, [
        nn(m, layerNorm, { normalized_shape: a.in_channels }),
        block(m, RelativePositionalMultiHeadAttention, { feat_dim: a.in_channels, head_dim: a.head_dim, max_seq_len: a.partition_size ** 2 }),
        nn(m, dropout, { p: a.attention_dropout }),
      ]),
    )
    m.child(
      'mlp_layer',
      sequential(m, [
        nn(m, layerNorm, { normalized_shape: a.in_channels }),
        nn(m, linear, { in_features: a.in_channels, out_features: a.in_channels * a.mlp_ratio }),
        gelu(m, null),
        nn(m, linear, { in_features: a.in_channels * a.mlp_ratio, out_features: a.in_channels }),
        nn(m, dropout, { p: a.mlp_dropout }),
      ]),
    )
    m.child('stochastic_dropout', block(m, StochasticDepth, { p: a.p_stochastic_dropout, mode: 'row' }))
  },
  forward(self, inputs, ctx) {
    const input = inputs[0]!
    const [, , h, w] = input.shape as [number, number, number, number]
    if (h !== self.args.grid_size[0] || w !== self.args.grid_size[1]) {
      throw ctx.error(`was built for a ${self.args.grid_size[0]}×${self.args.grid_size[1]} grid, got an input of shape ${formatShape(input.shape)}. Build the model with \`input_size=\` the image size.`)
    }
    let x = runChild(self, 'partition_swap', runChild(self, 'partition_op', input, ctx), ctx)
    x = ops.add(ctx, x, runChild(self, 'stochastic_dropout', runChild(self, 'attn_layer', x, ctx), ctx))
    x = ops.add(ctx, x, runChild(self, 'stochastic_dropout', runChild(self, 'mlp_layer', x, ctx), ctx))
    return runChild(self, 'departition_op', runChild(self, 'departition_swap', x, ctx), ctx)
  },
})

interface LayerArgs extends MBConvArgs {
  head_dim: number
  mlp_ratio: number
  mlp_dropout: number
  attention_dropout: number
  partition_size: number
  grid_size: readonly [number, number]
}

/** `MaxVitLayer`: `MBconv`, then window attention, then grid attention. */
const MaxVitLayer = defineBlock<LayerArgs>({
  name: 'MaxVitLayer',
  build(a, m) {
    const attention = (type: 'window' | 'grid') =>
      block(m, PartitionAttentionLayer, {
        in_channels: a.out_channels,
        head_dim: a.head_dim,
        partition_size: a.partition_size,
        partition_type: type,
        grid_size: a.grid_size,
        mlp_ratio: a.mlp_ratio,
        attention_dropout: a.attention_dropout,
        mlp_dropout: a.mlp_dropout,
        p_stochastic_dropout: a.p_stochastic_dropout,
      })
    m.child('layers', sequentialNamed(m, [['MBconv', block(m, MBConv, a)], ['window_attention', attention('window')], ['grid_attention', attention('grid')]]))
  },
  forward: (self, inputs, ctx) => runChild(self, 'layers', inputs[0]!, ctx),
})

/** `MaxVitBlock`: a `ModuleList` of layers, the first one striding by 2. */
const MaxVitBlock = defineBlock<Omit<LayerArgs, 'stride' | 'p_stochastic_dropout' | 'grid_size'> & { input_grid_size: readonly [number, number]; p_stochastic: number[] }>({
  name: 'MaxVitBlock',
  build(a, m) {
    const grid = convOutput(a.input_grid_size, 3, 2, 1)
    const layers = a.p_stochastic.map((p, i) => block(m, MaxVitLayer, { ...a, in_channels: i === 0 ? a.in_channels : a.out_channels, stride: i === 0 ? 2 : 1, grid_size: grid, p_stochastic_dropout: p }))
    m.child('layers', moduleList(m, layers))
  },
  forward(self, inputs, ctx) {
    let x = inputs[0]!
    const list = self.children.get('layers')!
    for (const [name, layer] of list.children) x = ctx.run(layer!, [x], `layers.${name}`)[0]!
    return x
  },
})

/** `numpy.linspace(start, stop, num)` as a list of doubles. */
function linspace(start: number, stop: number, num: number): number[] {
  if (num === 1) return [start]
  const step = (stop - start) / (num - 1)
  return Array.from({ length: num }, (_, i) => (i === num - 1 ? stop : start + i * step))
}

const inputSizeSpec: ArgSpec<[number, number]> = {
  name: 'input_size',
  required: false,
  default: [224, 224],
  coerce(value, span, name) {
    if ((value.kind === 'tuple' || value.kind === 'list') && value.items.length === 2 && value.items.every((v) => v.kind === 'int' && v.value > 0n && v.value < 1_000_000n)) {
      return value.items.map((v) => Number((v as { value: bigint }).value)) as [number, number]
    }
    throw new NnsizeError('argument-type', `\`${name}\` must be a pair of positive ints such as \`(224, 224)\`, got ${typeName(value)} \`${showValue(value)}\`.`, { span })
  },
}

interface MaxVitArgs {
  input_size: [number, number]
  squeeze_ratio: number
  expansion_ratio: number
  mlp_ratio: number
  mlp_dropout: number
  attention_dropout: number
  num_classes: number
}

const stem = 64
const partitionSize = 7
const blockChannels = [64, 128, 256, 512]
const blockLayers = [2, 2, 5, 2]

/**
 * `torchvision.models.maxvit_t` (`MaxVit`). Its attention partitions are
 * fixed when it is built: the input must be `input_size` (224×224 by default),
 * and every stage's grid must be a multiple of 7.
 */
export const maxvit_t = defineModel<MaxVitArgs>({
  name: 'maxvit_t',
  className: 'MaxVit',
  weights: { enum: 'MaxVit_T_Weights', fix: (entry) => ({ num_classes: entry.categories, input_size: [...entry.minSize] }) },
  signature: [inputSizeSpec, float('squeeze_ratio', { default: 0.25 }), float('expansion_ratio', { default: 4 }), int('mlp_ratio', { default: 4 }), float('mlp_dropout', { default: 0.0 }), float('attention_dropout', { default: 0.0 }), int('num_classes', { default: 1000 })],
  validate(a, fail) {
    let size = convOutput(a.input_size, 3, 2, 1)
    const sizes: Array<[number, number]> = []
    for (let i = 0; i < blockChannels.length; i++) {
      size = convOutput(size, 3, 2, 1)
      sizes.push(size)
    }
    sizes.forEach((s, i) => {
      if (s[0] % partitionSize !== 0 || s[1] % partitionSize !== 0) {
        fail('input_size', `Input size (${s.join(', ')}) of block ${i} is not divisible by partition size ${partitionSize}. Consider changing the input size; this one yields the block input sizes ${sizes.map((x) => `(${x.join(', ')})`).join(', ')}.`)
      }
    })
  },
  build(a, m) {
    m.child(
      'stem',
      sequential(m, [
        conv2dNormActivation(m, { in_channels: 3, out_channels: stem, kernel_size: 3, stride: 2, norm_layer: norm, activation_layer: gelu, bias: false, inplace: null }),
        conv2dNormActivation(m, { in_channels: stem, out_channels: stem, kernel_size: 3, stride: 1, norm_layer: null, activation_layer: null, bias: true }),
      ]),
    )
    let grid = convOutput(a.input_size, 3, 2, 1)
    const probabilities = linspace(0, 0.2, blockLayers.reduce((s, n) => s + n, 0))
    let index = 0
    const blocks: ModuleNode[] = []
    blockChannels.forEach((out, i) => {
      const layers = blockLayers[i]!
      blocks.push(
        block(m, MaxVitBlock, {
          in_channels: i === 0 ? stem : blockChannels[i - 1]!,
          out_channels: out,
          squeeze_ratio: a.squeeze_ratio,
          expansion_ratio: a.expansion_ratio,
          head_dim: 32,
          mlp_ratio: a.mlp_ratio,
          mlp_dropout: a.mlp_dropout,
          attention_dropout: a.attention_dropout,
          partition_size: partitionSize,
          input_grid_size: grid,
          p_stochastic: probabilities.slice(index, index + layers),
        }),
      )
      grid = convOutput(grid, 3, 2, 1)
      index += layers
    })
    m.child('blocks', moduleList(m, blocks))
    const last = blockChannels.at(-1)!
    m.child(
      'classifier',
      sequential(m, [
        nn(m, adaptiveAvgPool2d, { output_size: 1 }),
        nn(m, flatten),
        nn(m, layerNorm, { normalized_shape: last }),
        nn(m, linear, { in_features: last, out_features: last }),
        nn(m, tanh),
        nn(m, linear, { in_features: last, out_features: a.num_classes, bias: false }),
      ]),
    )
  },
  forward(self, inputs, ctx) {
    let x = runChild(self, 'stem', inputs[0]!, ctx)
    const list = self.children.get('blocks')!
    for (const [name, b] of list.children) x = ctx.run(b!, [x], `blocks.${name}`)[0]!
    return runChild(self, 'classifier', x, ctx)
  },
})
