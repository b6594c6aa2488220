import { float, int, optionalInt } from '../../bind/args.js'
import { multiheadAttention, runAttentionWithoutWeights } from '../../layers/attention.js'
import type { ModuleNode } from '../../model/module.js'
import { formatShape } from '../../tensor/shape.js'
import { builderWeights } from './weights.js'
import { block, defineBlock, defineModel, defineSequentialBlock, nn, runChild, sequentialNamed } from './core.js'
import { activation, MLP } from './misc.js'
import type { MLPArgs } from './misc.js'
import * as ops from './ops.js'
import { gelu, tanh } from '../../layers/activation.js'
import { conv2d } from '../../layers/conv.js'
import { dropout as dropoutLayer } from '../../layers/dropout.js'
import { linear } from '../../layers/linear.js'
import { layerNorm } from '../../layers/norm.js'

/** ViT's `MLPBlock`: an `MLP` of `Linear`, GELU, `Dropout`, `Linear`, `Dropout`. */
const MLPBlock = defineSequentialBlock<MLPArgs>('MLPBlock', MLP.build)

interface EncoderBlockArgs {
  num_heads: number
  hidden_dim: number
  mlp_dim: number
  dropout: number
  attention_dropout: number
}

/** ViT's `EncoderBlock`: pre-norm multi-head self-attention and MLP, each with a residual connection. */
const EncoderBlock = defineBlock<EncoderBlockArgs>({
  name: 'EncoderBlock',
  build(a, m) {
    m.child('ln_1', nn(m, layerNorm, { normalized_shape: a.hidden_dim, eps: 1e-6 }))
    m.child('self_attention', nn(m, multiheadAttention, { embed_dim: a.hidden_dim, num_heads: a.num_heads, dropout: a.attention_dropout, batch_first: true }))
    m.child('dropout', nn(m, dropoutLayer, { p: a.dropout }))
    m.child('ln_2', nn(m, layerNorm, { normalized_shape: a.hidden_dim, eps: 1e-6 }))
    m.child('mlp', block(m, MLPBlock, { in_channels: a.hidden_dim, hidden_channels: [a.mlp_dim, a.hidden_dim], activation_layer: activation(gelu), inplace: null, dropout: a.dropout }))
  },
  forward(self, inputs, ctx) {
    const input = inputs[0]!
    if (input.shape.length !== 3) throw ctx.error(`expects (batch_size, seq_length, hidden_dim), got shape ${formatShape(input.shape)}.`)
    let x = runChild(self, 'ln_1', input, ctx)
    x = runAttentionWithoutWeights(ctx, self.children.get('self_attention')!, [x, x, x], 'self_attention')
    x = runChild(self, 'dropout', x, ctx)
    x = ops.add(ctx, x, input)
    const y = runChild(self, 'mlp', runChild(self, 'ln_2', x, ctx), ctx)
    return ops.add(ctx, x, y)
  },
})

/** ViT's `Encoder`: learned position embedding, dropout, encoder blocks, final LayerNorm. */
const Encoder = defineBlock<EncoderBlockArgs & { seq_length: number; num_layers: number }>({
  name: 'Encoder',
  build(a, m) {
    m.param('pos_embedding', [1, a.seq_length, a.hidden_dim])
    m.child('dropout', nn(m, dropoutLayer, { p: a.dropout }))
    const layers: Array<[string, ModuleNode]> = []
    for (let i = 0; i < a.num_layers; i++) layers.push([`encoder_layer_${i}`, block(m, EncoderBlock, a)])
    m.child('layers', sequentialNamed(m, layers))
    m.child('ln', nn(m, layerNorm, { normalized_shape: a.hidden_dim, eps: 1e-6 }))
  },
  forward(self, inputs, ctx) {
    const input = inputs[0]!
    if (input.shape.length !== 3) throw ctx.error(`expects (batch_size, seq_length, hidden_dim), got shape ${formatShape(input.shape)}.`)
    let x = ops.add(ctx, input, ctx.state(self, 'pos_embedding'))
    x = runChild(self, 'dropout', x, ctx)
    return runChild(self, 'ln', runChild(self, 'layers', x, ctx), ctx)
  },
})

interface ViTArgs {
  image_size: number
  dropout: number
  attention_dropout: number
  num_classes: number
  representation_size: number | null
}

function vit(name: string, patchSize: number, numLayers: number, numHeads: number, hiddenDim: number, mlpDim: number) {
  return defineModel<ViTArgs>({
    name,
    className: 'VisionTransformer',
    weights: { enum: builderWeights[name]!, fix: (entry) => ({ num_classes: entry.categories, image_size: entry.minSize[0] }) },
    signature: [int('image_size', { default: 224, min: 1 }), float('dropout', { default: 0.0 }), float('attention_dropout', { default: 0.0 }), int('num_classes', { default: 1000 }), optionalInt('representation_size', { default: null })],
    validate(a, fail) {
      if (a.image_size % patchSize !== 0) fail('image_size', `Input shape indivisible by patch size! \`image_size\` ${a.image_size} is not a multiple of the patch size ${patchSize}.`)
    },
    build(a, m) {
      m.child('conv_proj', nn(m, conv2d, { in_channels: 3, out_channels: hiddenDim, kernel_size: patchSize, stride: patchSize }))
      m.param('class_token', [1, 1, hiddenDim])
      const seqLength = (a.image_size / patchSize) ** 2 + 1
      m.child('encoder', block(m, Encoder, { seq_length: seqLength, num_layers: numLayers, num_heads: numHeads, hidden_dim: hiddenDim, mlp_dim: mlpDim, dropout: a.dropout, attention_dropout: a.attention_dropout }))
      const heads: Array<[string, ModuleNode]> =
        a.representation_size === null
          ? [['head', nn(m, linear, { in_features: hiddenDim, out_features: a.num_classes })]]
          : [
              ['pre_logits', nn(m, linear, { in_features: hiddenDim, out_features: a.representation_size })],
              ['act', nn(m, tanh)],
              ['head', nn(m, linear, { in_features: a.representation_size, out_features: a.num_classes })],
            ]
      m.child('heads', sequentialNamed(m, heads))
    },
    forward(self, inputs, ctx) {
      const x = inputs[0]!
      const size = self.args.image_size
      if (x.shape.length !== 4) throw ctx.error(`expects images of shape (N, 3, ${size}, ${size}), got shape ${formatShape(x.shape)}.`)
      const [n, , h, w] = x.shape as [number, number, number, number]
      if (h !== size) throw ctx.error(`Wrong image height! Expected ${size} but got ${h}! (Build it with \`image_size=${h}\` for other sizes.)`)
      if (w !== size) throw ctx.error(`Wrong image width! Expected ${size} but got ${w}!`)
      const patches = runChild(self, 'conv_proj', x, ctx)
      const tokens = patches.shape[2]! * patches.shape[3]!
      // reshape to (n, hidden, tokens), permute to (n, tokens, hidden): views; prepend the class token.
      const sequence = ops.cat(ctx, [ctx.view(ctx.state(self, 'class_token'), [n, 1, hiddenDim]), ctx.view(patches, [n, tokens, hiddenDim])], 1)
      const encoded = runChild(self, 'encoder', sequence, ctx)
      return runChild(self, 'heads', ctx.view(encoded, [n, hiddenDim]), ctx)
    },
  })
}

/** `torchvision.models.vit_b_16`, `vit_b_32`, `vit_l_16`, `vit_l_32`, `vit_h_14` (`VisionTransformer`). */
export const vit_b_16 = vit('vit_b_16', 16, 12, 12, 768, 3072)
/** `torchvision.models.vit_b_32` (`VisionTransformer`). */
export const vit_b_32 = vit('vit_b_32', 32, 12, 12, 768, 3072)
/** `torchvision.models.vit_l_16` (`VisionTransformer`). */
export const vit_l_16 = vit('vit_l_16', 16, 24, 16, 1024, 4096)
/** `torchvision.models.vit_l_32` (`VisionTransformer`). */
export const vit_l_32 = vit('vit_l_32', 32, 24, 16, 1024, 4096)
/** `torchvision.models.vit_h_14` (`VisionTransformer`). */
export const vit_h_14 = vit('vit_h_14', 14, 32, 16, 1280, 5120)
