import { float, int, ints } from '../../bind/args.js'
import type { ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import type { ForwardContext, Tensor } from '../../forward/trace.js'
import { formatShape, numel } from '../../tensor/shape.js'
import { block, defineBlock, defineModel, moduleList, nn, runChild, sequential } from './core.js'
import { activation, MLP, StochasticDepth } from './misc.js'
import * as ops from './ops.js'
import { conv3d } from '../../layers/conv.js'
import { dropout as dropoutLayer } from '../../layers/dropout.js'
import { linear } from '../../layers/linear.js'
import { layerNorm as layerNormLayer } from '../../layers/norm.js'
import { maxPool3d } from '../../layers/pool.js'
import { gelu } from '../../layers/activation.js'

/**
 * Multiscale Vision Transformers (`torchvision.models.video.mvit_v1_b`, `mvit_v2_s`): pooling attention
 * over `(N, 3, T, H, W)` clips (or `(N, 3, H, W)` images), tokens `T·H·W + 1` with a class token.
 */

type Triple = readonly [number, number, number]

/** One `MSBlockConfig`: heads, channels in and out, query and key/value pooling kernels and strides (empty: none). */
interface BlockConfig {
  num_heads: number
  input_channels: number
  output_channels: number
  kernel_q: readonly number[]
  kernel_kv: readonly number[]
  stride_q: readonly number[]
  stride_kv: readonly number[]
}

const prod = (values: readonly number[]): number => values.reduce((p, v) => p * v, 1)

function settings(version: 1 | 2): BlockConfig[] {
  const heads = [1, 2, 2, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 8, 8]
  const inputs = version === 1 ? [96, 192, 192, 384, 384, 384, 384, 384, 384, 384, 384, 384, 384, 384, 768, 768] : [96, 96, 192, 192, 384, 384, 384, 384, 384, 384, 384, 384, 384, 384, 384, 768]
  const outputs = version === 1 ? [192, 192, 384, 384, 384, 384, 384, 384, 384, 384, 384, 384, 384, 768, 768, 768] : [96, 192, 192, 384, 384, 384, 384, 384, 384, 384, 384, 384, 384, 384, 768, 768]
  const pooledQ = new Set([1, 3, 14])
  const strideKv = (i: number): number => (i === 0 ? 8 : i < 3 ? 4 : i < 14 ? 2 : 1)
  return heads.map((h, i) => ({
    num_heads: h,
    input_channels: inputs[i]!,
    output_channels: outputs[i]!,
    kernel_q: version === 2 || pooledQ.has(i) ? [3, 3, 3] : [],
    kernel_kv: [3, 3, 3],
    stride_q: pooledQ.has(i) ? [1, 2, 2] : version === 2 ? [1, 1, 1] : [],
    stride_kv: [1, strideKv(i), strideKv(i)],
  }))
}

/** `partial(nn.LayerNorm, eps=1e-6)`. */
function layerNorm(m: ModuleBuilder, channels: number): ModuleNode {
  return nn(m, layerNormLayer, { normalized_shape: channels, eps: 1e-6 })
}

/** Output size of a pooling over `thw`. */
function pooled(thw: Triple, kernel: readonly number[], stride: readonly number[], padding: readonly number[]): Triple {
  return thw.map((d, i) => Math.floor((d + 2 * padding[i]! - kernel[i]!) / stride[i]!) + 1) as unknown as Triple
}

/**
 * `Pool(pool, norm)`: splits off the class token, reshapes the `(B, N, L, C)` tokens to `(B·N, C, T, H, W)`
 * (a copy), pools, puts the class token back (a new tensor) and normalises. `(B, L, C)` inputs work on one head.
 */
const Pool = defineBlock<{ pool: ModuleNode; norm: ModuleNode | null }>({
  name: 'Pool',
  build(a, m) {
    m.child('pool', a.pool)
    m.child('norm_act', a.norm ? sequential(m, [a.norm]) : null)
  },
  forward(self, inputs, ctx, options) {
    const x = inputs[0]!
    const thw = options?.['thw'] as Triple
    const lead = x.shape.length === 3 ? [x.shape[0]!, 1] : x.shape.slice(0, 2)
    const c = x.shape.at(-1)!
    const grid = ops.copy(ctx, x, [lead[0]! * lead[1]!, c, ...thw])
    const y = runChild(self, 'pool', grid, ctx)
    const tokens = numel(y.shape.slice(2))
    ctx.use(x)
    let out = ctx.tensor([...lead, Number(tokens) + 1, c], x.dtype)
    if (self.children.get('norm_act')) out = runChild(self, 'norm_act', out, ctx)
    return x.shape.length === 3 ? ctx.view(out, [lead[0]!, Number(tokens) + 1, c]) : out
  },
})

interface AttentionArgs {
  input_size: Triple
  embed_dim: number
  output_dim: number
  cnf: BlockConfig
  residual_pool: boolean
  rel_pos_embed: boolean
  dropout: number
}

function poolModule(m: ModuleBuilder, headDim: number, kernel: readonly number[], stride: readonly number[]): ModuleNode {
  const conv = nn(m, conv3d, { in_channels: headDim, out_channels: headDim, kernel_size: [...kernel], stride: [...stride], padding: kernel.map((k) => Math.floor(k / 2)), groups: headDim, bias: false })
  return block(m, Pool, { pool: conv, norm: layerNorm(m, headDim) })
}

/**
 * Whether `reshape` can merge each group of dimensions without copying (PyTorch's `computeStride`:
 * dimensions of size 1 are skipped; a dimension merges into the next when its stride is the next's
 * size times stride).
 */
function mergeable(sizes: readonly number[], strides: readonly number[], groups: ReadonlyArray<readonly number[]>): boolean {
  return groups.every((group) => {
    const dims = group.filter((d) => sizes[d] !== 1)
    return dims.every((d, i) => i === 0 || strides[dims[i - 1]!] === sizes[d]! * strides[d]!)
  })
}

/**
 * `_add_rel_pos` (v2): each axis table is gathered with an int64 index (kept for backward); the
 * height and width terms are einsums and the time term a matmul of `r_q` (the query tokens without
 * the class token, `(B, heads, T, H, W, dim)`) permuted to put that axis first: a copy, unless the
 * permuted dimensions still merge into a view of `q`.
 */
function relativePositions(ctx: ForwardContext, self: ModuleNode, q: Tensor, qThw: Triple, kThw: Triple): Tensor {
  const [b, heads, nq, headDim] = q.shape as [number, number, number, number]
  const [qt, qh, qw] = qThw
  const [kt, kh, kw] = kThw
  const gather = (name: string, qs: number, ks: number): Tensor => {
    const table = ctx.state(self, name)
    // `_interpolate` resizes a table of another length (linear interpolation: a new tensor, nothing saved).
    if (table.shape[0] !== 2 * Math.max(qs, ks) - 1) ctx.tensor([2 * Math.max(qs, ks) - 1, headDim])
    ctx.save(ctx.tensor([qs, ks], 'int64'))
    return ctx.tensor([qs, ks, headDim])
  }
  const sizes = [b, heads, qt, qh, qw, headDim]
  const strides = [heads * nq * headDim, nq * headDim, qh * qw * headDim, qw * headDim, headDim, 1]
  const rq = (axis: number): Tensor => {
    const rest = [0, 1, 2, 3, 4].filter((d) => d !== axis)
    const shape = [sizes[axis]!, rest.reduce((n, d) => n * sizes[d]!, 1), headDim]
    return mergeable(sizes, strides, [[axis], rest, [5]]) ? ctx.view(q, shape) : ctx.tensor(shape)
  }
  ops.matmul(ctx, rq(3), ctx.view(gather('rel_pos_h', qh, kh), [qh, headDim, kh]))
  ops.matmul(ctx, rq(4), ctx.view(gather('rel_pos_w', qw, kw), [qw, headDim, kw]))
  ops.matmul(ctx, rq(2), ctx.view(gather('rel_pos_t', qt, kt), [qt, headDim, kt]))
  return ctx.tensor([b, heads, qt * qh * qw, kt * kh * kw])
}

/** `MultiscaleAttention`: `qkv`, optional query / key / value pooling, relative positions (v2), residual pooling (v2), `project`. */
const MultiscaleAttention = defineBlock<AttentionArgs>({
  name: 'MultiscaleAttention',
  build(a, m) {
    const headDim = Math.floor(a.output_dim / a.cnf.num_heads)
    m.child('qkv', nn(m, linear, { in_features: a.embed_dim, out_features: 3 * a.output_dim }))
    m.child('project', sequential(m, [nn(m, linear, { in_features: a.output_dim, out_features: a.output_dim }), ...(a.dropout > 0 ? [nn(m, dropoutLayer, { p: a.dropout, inplace: true })] : [])]))
    const { kernel_q: kq, stride_q: sq, kernel_kv: kkv, stride_kv: skv } = a.cnf
    if (prod(kq) > 1 || prod(sq) > 1) m.child('pool_q', poolModule(m, headDim, kq, sq))
    if (prod(kkv) > 1 || prod(skv) > 1) {
      m.child('pool_k', poolModule(m, headDim, kkv, skv))
      m.child('pool_v', poolModule(m, headDim, kkv, skv))
    }
    if (a.rel_pos_embed) {
      const size = Math.max(a.input_size[1], a.input_size[2])
      const qSize = sq.length > 0 ? Math.floor(size / sq[1]!) : size
      const kvSize = skv.length > 0 ? Math.floor(size / skv[1]!) : size
      const spatial = 2 * Math.max(qSize, kvSize) - 1
      m.param('rel_pos_h', [spatial, headDim])
      m.param('rel_pos_w', [spatial, headDim])
      m.param('rel_pos_t', [2 * a.input_size[0] - 1, headDim])
    }
  },
  forward(self, inputs, ctx, options) {
    const a = self.args
    const x = inputs[0]!
    const thw = options?.['thw'] as Triple
    const [b, n] = x.shape as [number, number, number]
    const heads = a.cnf.num_heads
    const headDim = Math.floor(a.output_dim / heads)
    const qkv = runChild(self, 'qkv', x, ctx)
    // reshape + transpose + unbind: q, k and v are strided views of qkv.
    const view = ctx.view(qkv, [b, heads, n, headDim])
    const poolWith = (name: string, t: Tensor): [Tensor, Triple] => {
      const pool = self.children.get(name)
      if (!pool) return [t, thw]
      const conv = pool.children.get('pool')!.args as { kernel_size: number[]; stride: number[]; padding: number[] }
      return [ctx.run(pool, [t], name, { thw })[0]!, pooled(thw, conv.kernel_size, conv.stride, conv.padding)]
    }
    const [k, kThw] = poolWith('pool_k', view)
    const [v] = poolWith('pool_v', view)
    const [q, qThw] = poolWith('pool_q', view)
    const nq = q.shape[2]!
    const nk = k.shape[2]!
    // scaler * q (a new tensor), then (B, heads) fold into one batch of views for the matmul.
    const scaled = ops.scale(ctx, q)
    let attn = ops.matmul(ctx, ctx.view(scaled, [b * heads, nq, headDim]), ctx.view(k, [b * heads, headDim, nk]))
    if (a.rel_pos_embed) ctx.use(relativePositions(ctx, self, q, qThw, kThw))
    attn = ops.softmax(ctx, ctx.view(attn, [b, heads, nq, nk]))
    const out = ops.matmul(ctx, ctx.view(attn, [b * heads, nq, nk]), ctx.view(v, [b * heads, nk, headDim]))
    // residual pooling adds q in place; transpose + reshape copies.
    if (a.residual_pool) ctx.use(q)
    return runChild(self, 'project', ops.copy(ctx, out, [b, nq, a.output_dim]), ctx)
  },
})

interface BlockArgs {
  input_size: Triple
  cnf: BlockConfig
  residual_pool: boolean
  rel_pos_embed: boolean
  proj_after_attn: boolean
  dropout: number
  stochastic_depth_prob: number
}

/** `MultiscaleBlock`: LayerNorm, pooling attention, skip pooling, MLP, with residuals and stochastic depth. */
const MultiscaleBlock = defineBlock<BlockArgs>({
  name: 'MultiscaleBlock',
  build(a, m) {
    const { cnf } = a
    if (prod(cnf.stride_q) > 1) {
      const kernel = cnf.stride_q.map((s) => (s > 1 ? s + 1 : s))
      m.child('pool_skip', block(m, Pool, { pool: nn(m, maxPool3d, { kernel_size: kernel, stride: [...cnf.stride_q], padding: kernel.map((k) => Math.floor(k / 2)) }), norm: null }))
    }
    const attnDim = a.proj_after_attn ? cnf.output_channels : cnf.input_channels
    m.child('norm1', layerNorm(m, cnf.input_channels))
    m.child('norm2', layerNorm(m, attnDim))
    m.child('attn', block(m, MultiscaleAttention, { input_size: a.input_size, embed_dim: cnf.input_channels, output_dim: attnDim, cnf, residual_pool: a.residual_pool, rel_pos_embed: a.rel_pos_embed, dropout: a.dropout }))
    m.child('mlp', block(m, MLP, { in_channels: attnDim, hidden_channels: [4 * attnDim, cnf.output_channels], activation_layer: activation(gelu), inplace: null, dropout: a.dropout }))
    m.child('stochastic_depth', block(m, StochasticDepth, { p: a.stochastic_depth_prob, mode: 'row' }))
    if (cnf.input_channels !== cnf.output_channels) m.child('project', nn(m, linear, { in_features: cnf.input_channels, out_features: cnf.output_channels }))
  },
  forward(self, inputs, ctx, options) {
    const thw = options?.['thw'] as Triple
    let x = inputs[0]!
    const norm1 = runChild(self, 'norm1', x, ctx)
    const attn = ctx.run(self.children.get('attn')!, [norm1], 'attn', { thw })[0]!
    const project = self.children.get('project')
    if (project && self.args.proj_after_attn) x = runChild(self, 'project', norm1, ctx)
    const skip = self.children.get('pool_skip') ? ctx.run(self.children.get('pool_skip')!, [x], 'pool_skip', { thw })[0]! : x
    x = ops.add(ctx, skip, runChild(self, 'stochastic_depth', attn, ctx))
    const norm2 = runChild(self, 'norm2', x, ctx)
    const residual = project && !self.args.proj_after_attn ? runChild(self, 'project', norm2, ctx) : x
    return ops.add(ctx, residual, runChild(self, 'stochastic_depth', runChild(self, 'mlp', norm2, ctx), ctx))
  },
})

/** `PositionalEncoding`: the class token and, without relative positions, separable spatial, temporal and class position tables. */
const PositionalEncoding = defineBlock<{ embed_size: number; spatial: readonly [number, number]; temporal: number; rel_pos_embed: boolean }>({
  name: 'PositionalEncoding',
  build(a, m) {
    m.param('class_token', [a.embed_size])
    if (!a.rel_pos_embed) {
      m.param('spatial_pos', [a.spatial[0] * a.spatial[1], a.embed_size])
      m.param('temporal_pos', [a.temporal, a.embed_size])
      m.param('class_pos', [a.embed_size])
    }
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const [b, n, c] = x.shape as [number, number, number]
    const out = ops.cat(ctx, [ctx.view(ctx.state(self, 'class_token'), [b, 1, c]), x], 1)
    if (!self.args.rel_pos_embed) {
      if (n !== self.args.spatial[0] * self.args.spatial[1] * self.args.temporal) {
        throw ctx.error(`has position tables for ${self.args.temporal}×${self.args.spatial.join('×')} tokens, got ${n}: the clip must be 16×224×224 (or match the patch embedding's stride), as the builder fixes its size.`)
      }
      // repeat_interleave, expand + reshape and cat make the position table; it is added in place.
      ctx.tensor([n + 1, c])
    }
    return out
  },
})

interface MViTArgs {
  dropout: number
  attention_dropout: number
  stochastic_depth_prob: number
  num_classes: number
  patch_embed_kernel: number[]
  patch_embed_stride: number[]
  patch_embed_padding: number[]
}

function mvit(name: string, version: 1 | 2) {
  return defineModel<MViTArgs>({
    name,
    className: 'MViT',
    signature: [
      float('dropout', { default: 0.5 }),
      float('attention_dropout', { default: 0.0 }),
      float('stochastic_depth_prob', { default: 0.2 }),
      int('num_classes', { default: 400 }),
      ints('patch_embed_kernel', 3, { default: [3, 7, 7], min: 1 }),
      ints('patch_embed_stride', 3, { default: [2, 4, 4], min: 1 }),
      ints('patch_embed_padding', 3, { default: [1, 3, 3] }),
    ],
    build(a, m) {
      const config = settings(version)
      const rel = version === 2
      m.child('conv_proj', nn(m, conv3d, { in_channels: 3, out_channels: config[0]!.input_channels, kernel_size: a.patch_embed_kernel, stride: a.patch_embed_stride, padding: a.patch_embed_padding }))
      // The builders fix the clip size (`spatial_size=(224, 224)`, `temporal_size=16`): a caller cannot change it.
      let size = [16, 224, 224].map((s, i) => Math.floor(s / a.patch_embed_stride[i]!)) as unknown as Triple
      m.child('pos_encoding', block(m, PositionalEncoding, { embed_size: config[0]!.input_channels, spatial: [size[1], size[2]], temporal: size[0], rel_pos_embed: rel }))
      const blocks = config.map((cnf, i) => {
        const built = block(m, MultiscaleBlock, { input_size: size, cnf, residual_pool: rel, rel_pos_embed: rel, proj_after_attn: rel, dropout: a.attention_dropout, stochastic_depth_prob: (a.stochastic_depth_prob * i) / (config.length - 1) })
        if (cnf.stride_q.length > 0) size = size.map((s, j) => Math.floor(s / cnf.stride_q[j]!)) as unknown as Triple
        return built
      })
      m.child('blocks', moduleList(m, blocks))
      m.child('norm', layerNorm(m, config.at(-1)!.output_channels))
      m.child('head', sequential(m, [nn(m, dropoutLayer, { p: a.dropout, inplace: true }), nn(m, linear, { in_features: config.at(-1)!.output_channels, out_features: a.num_classes })]))
    },
    forward(self, inputs, ctx) {
      let x = inputs[0]!
      if (x.shape.length === 4) x = ctx.view(x, [x.shape[0]!, x.shape[1]!, 1, ...x.shape.slice(2)])
      if (x.shape.length !== 5) throw ctx.error(`expects clips of shape (N, 3, T, H, W) or images (N, 3, H, W), got shape ${formatShape(x.shape)}.`)
      x = runChild(self, 'conv_proj', x, ctx)
      const [b, c] = x.shape as [number, number]
      let thw = x.shape.slice(2) as unknown as Triple
      // The blocks read the token grid from the position encoding's sizes, fixed when the model is built.
      const encoding = self.children.get('pos_encoding')!.args as { spatial: readonly [number, number]; temporal: number }
      const expected = [encoding.temporal, ...encoding.spatial]
      if (thw.some((d, i) => d !== expected[i])) throw ctx.error(`patch-embeds this input to a ${thw.join('×')} token grid, but its blocks are built for ${expected.join('×')} (a 16×224×224 clip): give an input of that size.`)
      x = runChild(self, 'pos_encoding', ctx.view(x, [b, numel(thw) === 0n ? 0 : Number(numel(thw)), c]), ctx)
      const blocks = self.children.get('blocks')!
      for (const [name, child] of blocks.children) {
        const cnf = (child!.args as unknown as BlockArgs).cnf
        x = ctx.run(child!, [x], `blocks.${name}`, { thw })[0]!
        if (cnf.stride_q.length > 0) {
          const kernel = cnf.kernel_q.length > 0 ? cnf.kernel_q : cnf.stride_q.map(() => 1)
          thw = pooled(thw, kernel, cnf.stride_q, kernel.map((k) => Math.floor(k / 2)))
        }
      }
      x = runChild(self, 'norm', x, ctx)
      return runChild(self, 'head', ctx.view(x, [b, x.shape[2]!]), ctx)
    },
  })
}

/** `torchvision.models.video.mvit_v1_b` (`MViT`): absolute position tables, pooled keys and values. */
export const mvit_v1_b = mvit('mvit_v1_b', 1)
/** `torchvision.models.video.mvit_v2_s` (`MViT`): relative positions, residual pooling, pooled queries everywhere. */
export const mvit_v2_s = mvit('mvit_v2_s', 2)
