import { bool, float, int, optionalFloat, str } from '../../bind/args.js'
import type { ArgSpec } from '../../bind/args.js'
import type { ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import type { ForwardContext, Tensor } from '../../forward/trace.js'
import * as forwardOps from '../../forward/ops/index.js'
import { setStrides, stridesOf } from '../../forward/layout.js'
import { formatShape } from '../../tensor/shape.js'
import { block, defineBlock, moduleList, nn, runChild, sequential, sequentialNamed } from '../torchvision/core.js'
import * as ops from '../torchvision/ops.js'
import { actLayerSpec, defineFamily, ignoredSpecs, normLayerSpec, vitShapeSpecs } from './family.js'
import type { TimmFamily } from './family.js'
import type { ActName } from './layers/activations.js'
import { createAct } from './layers/activations.js'
import { Attention, attend, headsView, mergeHeads } from './layers/attention.js'
import { dropPathOrIdentity, dropPathRates } from './layers/drop.js'
import { pair } from './layers/helpers.js'
import { LayerScale } from './layers/layer-scale.js'
import { createMlp, Mlp } from './layers/mlp.js'
import type { MlpArgs, MlpClass } from './layers/mlp.js'
import { createNorm } from './layers/norm.js'
import type { NormSpec } from './layers/norm.js'
import { PatchEmbed, patchGrid } from './layers/patch-embed.js'
import { dropout } from '../../layers/dropout.js'
import { identity, linear } from '../../layers/linear.js'

/**
 * timm's `VisionTransformer` (`timm.models.vision_transformer`): ViT, DeiT-III, DINOv2 (with
 * register tokens and SwiGLU), CLIP, SigLIP (attention-pool head), AIMv2, the parallel-block and
 * res-post variants, and every other model registered there, from one class.
 */

/** An MLP class, or a class with bound arguments (`partial(GluMlp, gate_last=False)`). */
export type MlpSpec = MlpClass | readonly [MlpClass, Partial<MlpArgs>]

/** The transformer block classes of `VisionTransformer`. */
export type BlockFn = 'Block' | 'ResPostBlock' | 'ParallelScalingBlock' | 'ParallelThingsBlock'

/** Arguments of one ViT block. */
export interface VitBlockArgs {
  dim: number
  num_heads: number
  mlp_ratio: number
  qkv_bias: boolean
  qk_norm: boolean
  scale_attn_norm: boolean
  scale_mlp_norm: boolean
  proj_bias: boolean
  proj_drop: number
  attn_drop: number
  init_values: number | null
  drop_path: number
  act: ActName
  norm: NormSpec
  mlp: MlpSpec
}

function attention(m: ModuleBuilder, a: VitBlockArgs): ModuleNode {
  return block(m, Attention, { dim: a.dim, num_heads: a.num_heads, qkv_bias: a.qkv_bias, qk_norm: a.qk_norm, scale_norm: a.scale_attn_norm, proj_bias: a.proj_bias, attn_drop: a.attn_drop, proj_drop: a.proj_drop, norm: a.norm })
}

/** The block's MLP: `mlp_layer(dim, int(dim * mlp_ratio), act_layer=..., norm_layer=..., bias=proj_bias, drop=proj_drop)`. */
export function vitMlp(m: ModuleBuilder, a: Pick<VitBlockArgs, 'dim' | 'mlp_ratio' | 'act' | 'norm' | 'scale_mlp_norm' | 'proj_bias' | 'proj_drop' | 'mlp'>): ModuleNode {
  const [cls, bound] = typeof a.mlp === 'string' ? [a.mlp, {}] : [a.mlp[0], a.mlp[1]]
  return createMlp(m, cls, { ...bound, in_features: a.dim, hidden_features: Math.trunc(a.dim * a.mlp_ratio), act: a.act, norm: a.scale_mlp_norm ? a.norm : null, bias: a.proj_bias, drop: a.proj_drop })
}

function layerScale(m: ModuleBuilder, a: VitBlockArgs): ModuleNode {
  return a.init_values ? nn(m, LayerScale, { dim: a.dim, init_values: a.init_values }) : nn(m, identity)
}

/** `Block`: pre-norm attention and MLP, each with layer scale and drop path, and a residual connection. */
export const Block = defineBlock<VitBlockArgs>({
  name: 'Block',
  build(a, m) {
    m.child('norm1', createNorm(m, a.norm, a.dim))
    m.child('attn', attention(m, a))
    m.child('ls1', layerScale(m, a))
    m.child('drop_path1', dropPathOrIdentity(m, a.drop_path))
    m.child('norm2', createNorm(m, a.norm, a.dim))
    m.child('mlp', vitMlp(m, a))
    m.child('ls2', layerScale(m, a))
    m.child('drop_path2', dropPathOrIdentity(m, a.drop_path))
  },
  forward(self, inputs, ctx) {
    let x = inputs[0]!
    let y = x
    for (const name of ['norm1', 'attn', 'ls1', 'drop_path1']) y = runChild(self, name, y, ctx)
    x = ops.add(ctx, x, y)
    y = x
    for (const name of ['norm2', 'mlp', 'ls2', 'drop_path2']) y = runChild(self, name, y, ctx)
    return ops.add(ctx, x, y)
  },
})

/** `ResPostBlock`: attention and MLP each followed by its norm (post-norm), residual connections. */
const ResPostBlock = defineBlock<VitBlockArgs>({
  name: 'ResPostBlock',
  build(a, m) {
    m.child('attn', attention(m, a))
    m.child('norm1', createNorm(m, a.norm, a.dim))
    m.child('drop_path1', dropPathOrIdentity(m, a.drop_path))
    m.child('mlp', vitMlp(m, a))
    m.child('norm2', createNorm(m, a.norm, a.dim))
    m.child('drop_path2', dropPathOrIdentity(m, a.drop_path))
  },
  forward(self, inputs, ctx) {
    let x = inputs[0]!
    let y = x
    for (const name of ['attn', 'norm1', 'drop_path1']) y = runChild(self, name, y, ctx)
    x = ops.add(ctx, x, y)
    y = x
    for (const name of ['mlp', 'norm2', 'drop_path2']) y = runChild(self, name, y, ctx)
    return ops.add(ctx, x, y)
  },
})

/** `ParallelScalingBlock` (ViT-22B style): one input projection for the MLP and q, k, v, attention and MLP in parallel. */
const ParallelScalingBlock = defineBlock<VitBlockArgs>({
  name: 'ParallelScalingBlock',
  build(a, m) {
    const hidden = Math.trunc(a.mlp_ratio * a.dim)
    const headDim = a.dim / a.num_heads
    m.child('in_norm', createNorm(m, a.norm, a.dim))
    m.child('in_proj', nn(m, linear, { in_features: a.dim, out_features: hidden + 3 * a.dim, bias: a.qkv_bias }))
    if (a.qkv_bias) m.none('mlp_bias')
    else m.param('mlp_bias', [hidden])
    m.child('q_norm', a.qk_norm ? createNorm(m, a.norm, headDim) : nn(m, identity))
    m.child('k_norm', a.qk_norm ? createNorm(m, a.norm, headDim) : nn(m, identity))
    m.child('attn_drop', nn(m, dropout, { p: a.attn_drop }))
    m.child('mlp_drop', nn(m, dropout, { p: a.proj_drop }))
    m.child('mlp_act', createAct(m, a.act))
    m.child('attn_out_proj', nn(m, linear, { in_features: a.dim, out_features: a.dim, bias: a.proj_bias }))
    m.child('mlp_out_proj', nn(m, linear, { in_features: hidden, out_features: a.dim, bias: a.proj_bias }))
    m.child('ls', a.init_values !== null ? nn(m, LayerScale, { dim: a.dim, init_values: a.init_values }) : nn(m, identity))
    m.child('drop_path', dropPathOrIdentity(m, a.drop_path))
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const [b, n, c] = x.shape as [number, number, number]
    const heads = self.args.num_heads
    const y = runChild(self, 'in_proj', runChild(self, 'in_norm', x, ctx), ctx)
    const width = y.shape[2]!
    const hidden = width - 3 * c
    // `torch.split(y, in_split, dim=-1)`: x_mlp, q, k and v are column slices of y (views with its row stride).
    let mlp = setStrides(ctx.view(y, [b, n, hidden]), [n * width, width, 1])
    if (self.params.get('mlp_bias')) mlp = forwardOps.add(ctx, mlp, ctx.state(self, 'mlp_bias'))
    const headDim = c / heads
    // `norm(t.view(B, N, H, D)).transpose(1, 2)`: a norm makes a contiguous (B, N, H, D) tensor, whose transpose is a view.
    const normed = (name: 'q_norm' | 'k_norm'): Tensor => {
      const t = setStrides(ctx.view(y, [b, n, heads, headDim]), [n * width, width, headDim, 1])
      const out = runChild(self, name, t, ctx)
      const s = stridesOf(out)
      return setStrides(ctx.view(out, [b, heads, n, headDim]), [s[0]!, s[2]!, s[1]!, s[3]!])
    }
    const q = normed('q_norm')
    const k = normed('k_norm')
    const dropoutP = self.training ? self.args.attn_drop : 0
    const attn = mergeHeads(ctx, attend(ctx, q, k, headsView(ctx, y, b, n, heads, headDim, width), dropoutP, (w) => runChild(self, 'attn_drop', w, ctx)))
    mlp = runChild(self, 'mlp_drop', runChild(self, 'mlp_act', mlp, ctx), ctx)
    let out = ops.add(ctx, runChild(self, 'attn_out_proj', attn, ctx), runChild(self, 'mlp_out_proj', mlp, ctx))
    out = runChild(self, 'drop_path', runChild(self, 'ls', out, ctx), ctx)
    return ops.add(ctx, x, out)
  },
})

/** `ParallelThingsBlock`: `num_parallel` attention branches, then `num_parallel` MLP branches, each summed into the residual. */
const ParallelThingsBlock = defineBlock<VitBlockArgs & { num_parallel: number }>({
  name: 'ParallelThingsBlock',
  build(a, m) {
    const attns: ModuleNode[] = []
    const ffns: ModuleNode[] = []
    for (let i = 0; i < a.num_parallel; i++) {
      attns.push(sequentialNamed(m, [['norm', createNorm(m, a.norm, a.dim)], ['attn', attention(m, a)], ['ls', layerScale(m, a)], ['drop_path', dropPathOrIdentity(m, a.drop_path)]]))
      ffns.push(sequentialNamed(m, [['norm', createNorm(m, a.norm, a.dim)], ['mlp', vitMlp(m, a)], ['ls', layerScale(m, a)], ['drop_path', dropPathOrIdentity(m, a.drop_path)]]))
    }
    m.child('attns', moduleList(m, attns))
    m.child('ffns', moduleList(m, ffns))
  },
  forward(self, inputs, ctx) {
    let x = inputs[0]!
    for (const list of ['attns', 'ffns']) {
      const input = x
      const branches = [...self.children.get(list)!.children.entries()].map(([name, branch]) => ctx.run(branch!, [input], `${list}.${name}`)[0]!)
      // torch.stack(branches).sum(dim=0): a stacked copy, then its sum; neither saves anything.
      ctx.use(...branches)
      ctx.use(ctx.tensor([branches.length, ...x.shape], x.dtype))
      x = ops.add(ctx, x, ctx.tensor(x.shape, x.dtype))
    }
    return x
  },
})

const blockClasses = { Block, ResPostBlock, ParallelScalingBlock, ParallelThingsBlock } as const

/** Builds one transformer block of class `fn`. */
export function vitBlock(m: ModuleBuilder, fn: BlockFn, args: VitBlockArgs): ModuleNode {
  return fn === 'ParallelThingsBlock' ? block(m, ParallelThingsBlock, { ...args, num_parallel: 2 }) : block(m, blockClasses[fn], args)
}

/** `AttentionPoolLatent`: a learned latent query attends over the tokens (SigLIP's `map` head), then a residual MLP. */
export const AttentionPoolLatent = defineBlock<{ in_features: number; num_heads: number; mlp_ratio: number; norm: NormSpec; act: ActName }>({
  name: 'AttentionPoolLatent',
  build(a, m) {
    const d = a.in_features
    m.param('latent', [1, 1, d])
    m.child('q', nn(m, linear, { in_features: d, out_features: d, bias: true }))
    m.child('kv', nn(m, linear, { in_features: d, out_features: 2 * d, bias: true }))
    m.child('q_norm', nn(m, identity))
    m.child('k_norm', nn(m, identity))
    m.child('proj', nn(m, linear, { in_features: d, out_features: d }))
    m.child('proj_drop', nn(m, dropout, { p: 0 }))
    m.child('norm', createNorm(m, a.norm, d))
    m.child('mlp', block(m, Mlp, { in_features: d, hidden_features: Math.trunc(d * a.mlp_ratio), out_features: d, act: a.act }))
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const [b, n, c] = x.shape as [number, number, number]
    const heads = self.args.num_heads
    const q = runChild(self, 'q', ctx.view(ctx.state(self, 'latent'), [b, 1, c]), ctx)
    // `kv(x).reshape(B, N, 2, H, D).permute(2, 0, 3, 1, 4).unbind(0)`: k and v are strided views of kv.
    const kv = runChild(self, 'kv', x, ctx)
    const headDim = c / heads
    const k = headsView(ctx, kv, b, n, heads, headDim, 2 * c)
    let y = mergeHeads(ctx, attend(ctx, headsView(ctx, q, b, 1, heads, headDim), k, headsView(ctx, kv, b, n, heads, headDim, 2 * c)))
    y = runChild(self, 'proj_drop', runChild(self, 'proj', y, ctx), ctx)
    y = ops.add(ctx, y, runChild(self, 'mlp', runChild(self, 'norm', y, ctx), ctx))
    return ctx.view(y, [b, c])
  },
})

/** `x[:, start:]` of `(B, N, C)` tokens: a view of `x`'s storage (strided unless `B` is 1 or `start` is 0). */
export function tokensFrom(ctx: ForwardContext, x: Tensor, start: number): Tensor {
  if (start === 0) return x
  const [b, n, c] = x.shape as [number, number, number]
  const s = stridesOf(x)
  return setStrides(ctx.view(x, [b, n - start, c]), [s[0]!, s[1]!, s[2]!])
}

/**
 * `PatchDropout(prob, num_prefix_tokens)`: drops a random share of the patch tokens while training. The patches
 * `x[:, prefix:]` are gathered at `keep_indices`, the first `num_keep` columns of an `argsort` of `(B, L)` noise
 * (int64), expanded over the features; `gather` keeps its input (a view of x) and the index (a view of the
 * argsort's result). The prefix tokens are concatenated back in front.
 */
const PatchDropout = defineBlock<{ prob: number; num_prefix_tokens: number }>({
  name: 'PatchDropout',
  build() {},
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    if (!self.training || self.args.prob === 0) return x
    if (x.shape.length !== 3) throw ctx.error(`expects (batch, tokens, dim), got shape ${formatShape(x.shape)}.`)
    const [b, n, c] = x.shape as [number, number, number]
    const prefix = self.args.num_prefix_tokens
    const patches = tokensFrom(ctx, x, prefix)
    const keep = Math.max(1, Math.trunc((n - prefix) * (1 - self.args.prob)))
    const order = ctx.tensor([b, n - prefix], 'int64', false)
    const index = ctx.view(order, [b, keep, c])
    const gathered = forwardOps.result(ctx, [b, keep, c], x.dtype, [patches, index])
    forwardOps.saveIf(ctx, patches.requiresGrad, patches, index)
    return prefix > 0 ? forwardOps.cat(ctx, [ctx.view(x, [b, prefix, c]), gathered], 1) : gathered
  },
})

/** Arguments of timm's `VisionTransformer`. */
export interface VisionTransformerArgs {
  img_size: number | readonly [number, number]
  patch_size: number
  in_chans: number
  num_classes: number
  global_pool: '' | 'avg' | 'avgmax' | 'max' | 'token' | 'map'
  embed_dim: number
  depth: number
  num_heads: number
  mlp_ratio: number
  qkv_bias: boolean
  qk_norm: boolean
  scale_attn_norm: boolean
  scale_mlp_norm: boolean
  proj_bias: boolean
  init_values: number | null
  class_token: boolean
  pos_embed: '' | 'none' | 'learn'
  no_embed_class: boolean
  reg_tokens: number
  pre_norm: boolean
  final_norm: boolean
  fc_norm: boolean | null
  pool_include_prefix: boolean
  dynamic_img_size: boolean
  dynamic_img_pad: boolean
  drop_rate: number
  pos_drop_rate: number
  patch_drop_rate: number
  proj_drop_rate: number
  attn_drop_rate: number
  drop_path_rate: number
  embed_norm_layer: NormSpec | null
  norm_layer: NormSpec | null
  act_layer: ActName | null
  block_fn: BlockFn
  mlp_layer: MlpSpec
  /** `VisionTransformerDistilled` (DeiT): a distillation token and a second head. */
  distilled: boolean
}

/** `VisionTransformer.__init__`'s defaults. */
export const vitDefaults: VisionTransformerArgs = {
  img_size: 224,
  patch_size: 16,
  in_chans: 3,
  num_classes: 1000,
  global_pool: 'token',
  embed_dim: 768,
  depth: 12,
  num_heads: 12,
  mlp_ratio: 4,
  qkv_bias: true,
  qk_norm: false,
  scale_attn_norm: false,
  scale_mlp_norm: false,
  proj_bias: true,
  init_values: null,
  class_token: true,
  pos_embed: 'learn',
  no_embed_class: false,
  reg_tokens: 0,
  pre_norm: false,
  final_norm: true,
  fc_norm: null,
  pool_include_prefix: false,
  dynamic_img_size: false,
  dynamic_img_pad: false,
  drop_rate: 0,
  pos_drop_rate: 0,
  patch_drop_rate: 0,
  proj_drop_rate: 0,
  attn_drop_rate: 0,
  drop_path_rate: 0,
  embed_norm_layer: null,
  norm_layer: null,
  act_layer: null,
  block_fn: 'Block',
  mlp_layer: 'Mlp',
  distilled: false,
}

/** The norm layers of the token blocks (timm's `get_norm_layer` names, and `nn.LayerNorm`). */
const tokenNorms = ['layernorm', 'rmsnorm', 'simplenorm', 'torch_layernorm'] as const

/** The keyword arguments of `VisionTransformer` a caller may pass. */
export const vitSignature: readonly ArgSpec[] = [
  ...vitShapeSpecs,
  float('mlp_ratio'),
  bool('qkv_bias'),
  bool('qk_norm'),
  bool('proj_bias'),
  optionalFloat('init_values'),
  bool('class_token'),
  str('pos_embed', { choices: ['', 'none', 'learn'] as const }),
  bool('no_embed_class'),
  int('reg_tokens', { min: 0 }),
  bool('pre_norm'),
  bool('final_norm'),
  { ...bool('fc_norm'), coerce: (v, span, n) => (v.kind === 'none' ? null : bool(n).coerce(v, span, n)) },
  bool('pool_include_prefix'),
  bool('dynamic_img_size'),
  bool('dynamic_img_pad'),
  float('drop_rate'),
  float('pos_drop_rate'),
  float('patch_drop_rate'),
  float('proj_drop_rate'),
  float('attn_drop_rate'),
  float('drop_path_rate'),
  bool('scale_attn_norm'),
  bool('scale_mlp_norm'),
  normLayerSpec('norm_layer', tokenNorms, { optional: true }),
  normLayerSpec('embed_norm_layer', tokenNorms, { optional: true }),
  actLayerSpec('act_layer', { optional: true }),
  ...ignoredSpecs('weight_init', 'fix_init'),
]

/** Checks `VisionTransformer`'s arguments as its constructor does. */
export function validateVit(a: VisionTransformerArgs, fail: (arg: string, message: string) => never): void {
  if (!a.class_token && a.global_pool === 'token') fail('global_pool', "`global_pool='token'` needs a class token (`class_token=True`).")
  if (a.embed_dim % a.num_heads !== 0) fail('num_heads', `\`embed_dim\` (${a.embed_dim}) must be divisible by \`num_heads\` (${a.num_heads}).`)
  if (a.distilled && a.global_pool !== 'token') fail('global_pool', "The distilled DeiT models pool the class token only (`global_pool='token'`).")
  if (a.patch_drop_rate < 0 || a.patch_drop_rate >= 1) fail('patch_drop_rate', `\`patch_drop_rate\` must be in [0, 1), got ${a.patch_drop_rate}.`)
}

/** Builds a `VisionTransformer` (or, with `distilled`, a `VisionTransformerDistilled`). */
export function buildVit(a: VisionTransformerArgs, m: ModuleBuilder): void {
  const useFcNorm = a.fc_norm ?? ['avg', 'avgmax', 'max'].includes(a.global_pool)
  const norm: NormSpec = a.norm_layer ?? 'layernorm'
  const act: ActName = a.act_layer ?? 'gelu'
  const imgSize = pair(a.img_size)
  const prefix = (a.class_token ? 1 : 0) + a.reg_tokens + (a.distilled ? 1 : 0)
  m.child(
    'patch_embed',
    block(m, PatchEmbed, {
      img_size: imgSize,
      patch_size: a.patch_size,
      in_chans: a.in_chans,
      embed_dim: a.embed_dim,
      norm: a.embed_norm_layer,
      bias: !a.pre_norm,
      dynamic_img_pad: a.dynamic_img_pad,
      strict_img_size: !a.dynamic_img_size,
      output_fmt: a.dynamic_img_size ? 'NHWC' : 'NLC',
    }),
  )
  const [gh, gw] = patchGrid({ img_size: imgSize, patch_size: a.patch_size })
  const patches = gh * gw
  if (a.class_token) m.param('cls_token', [1, 1, a.embed_dim])
  if (a.reg_tokens) m.param('reg_token', [1, a.reg_tokens, a.embed_dim])
  if (a.pos_embed === 'learn') m.param('pos_embed', [1, a.no_embed_class ? patches : patches + prefix, a.embed_dim])
  if (a.distilled) m.param('dist_token', [1, 1, a.embed_dim])
  m.child('pos_drop', nn(m, dropout, { p: a.pos_drop_rate }))
  m.child('patch_drop', a.patch_drop_rate > 0 ? block(m, PatchDropout, { prob: a.patch_drop_rate, num_prefix_tokens: prefix }) : nn(m, identity))
  m.child('norm_pre', a.pre_norm ? createNorm(m, norm, a.embed_dim) : nn(m, identity))
  const rates = dropPathRates(a.drop_path_rate, a.depth)
  const blocks: ModuleNode[] = []
  for (let i = 0; i < a.depth; i++) {
    blocks.push(
      vitBlock(m, a.block_fn, {
        dim: a.embed_dim,
        num_heads: a.num_heads,
        mlp_ratio: a.mlp_ratio,
        qkv_bias: a.qkv_bias,
        qk_norm: a.qk_norm,
        scale_attn_norm: a.scale_attn_norm,
        scale_mlp_norm: a.scale_mlp_norm,
        proj_bias: a.proj_bias,
        proj_drop: a.proj_drop_rate,
        attn_drop: a.attn_drop_rate,
        init_values: a.init_values,
        drop_path: rates[i]!,
        act,
        norm,
        mlp: a.mlp_layer,
      }),
    )
  }
  m.child('blocks', sequential(m, blocks))
  m.child('norm', a.final_norm && !useFcNorm ? createNorm(m, norm, a.embed_dim) : nn(m, identity))
  if (a.global_pool === 'map') m.child('attn_pool', block(m, AttentionPoolLatent, { in_features: a.embed_dim, num_heads: a.num_heads, mlp_ratio: a.mlp_ratio, norm, act }))
  m.child('fc_norm', a.final_norm && useFcNorm ? createNorm(m, norm, a.embed_dim) : nn(m, identity))
  m.child('head_drop', nn(m, dropout, { p: a.drop_rate }))
  const head = (): ModuleNode => (a.num_classes > 0 ? nn(m, linear, { in_features: a.embed_dim, out_features: a.num_classes }) : nn(m, identity))
  m.child('head', head())
  if (a.distilled) m.child('head_dist', head())
}

/** The token sequence after `_pos_embed`: prefix tokens concatenated to the patches, the position embedding added. */
function positionEmbed(self: ModuleNode & { args: VisionTransformerArgs }, x: Tensor, ctx: ForwardContext): Tensor {
  const a = self.args
  const [b] = x.shape as [number]
  const c = x.shape.at(-1)!
  const tokens = ctx.view(x, [b, x.shape.length === 4 ? x.shape[1]! * x.shape[2]! : x.shape[1]!, c])
  const prefix: Tensor[] = []
  for (const name of ['cls_token', 'reg_token', 'dist_token']) {
    const t = self.params.get(name)
    if (t) prefix.push(ctx.view(ctx.state(self, name), [b, t.shape[1]!, c]))
  }
  const pos = self.params.get('pos_embed') ? ctx.state(self, 'pos_embed') : null
  const prefixTokens = prefix.reduce((sum, t) => sum + t.shape[1]!, 0)
  const expected = a.no_embed_class ? tokens.shape[1]! : tokens.shape[1]! + prefixTokens
  if (pos && pos.shape[1] !== expected) {
    throw ctx.error(`has a position embedding for ${pos.shape[1]} tokens, but the image gives ${tokens.shape[1]} patches: build it for this size (\`img_size\`) or with \`dynamic_img_size=True\`.`)
  }
  let out: Tensor
  if (!pos) out = ops.cat(ctx, [...prefix, tokens], 1)
  else if (a.no_embed_class) {
    out = ops.add(ctx, tokens, pos)
    if (prefix.length > 0) out = ops.cat(ctx, [...prefix, out], 1)
  } else {
    out = prefix.length > 0 ? ops.cat(ctx, [...prefix, tokens], 1) : tokens
    out = ops.add(ctx, out, pos)
  }
  return runChild(self, 'pos_drop', out, ctx)
}

/** `VisionTransformer.forward`: patch embedding, position embedding, blocks, norm, pooling and head. */
export function vitForward(self: ModuleNode & { args: VisionTransformerArgs }, inputs: readonly Tensor[], ctx: ForwardContext): Tensor {
  const a = self.args
  const input = inputs[0]!
  if (input.shape.length !== 4) throw ctx.error(`expects images (N, C, H, W), got shape ${formatShape(input.shape)}.`)
  let x = runChild(self, 'patch_embed', input, ctx)
  if (a.dynamic_img_size && self.params.get('pos_embed')) {
    // The position embedding is resampled to the image's grid (bicubic interpolation, a new tensor).
    const [b, h, w, c] = x.shape as [number, number, number, number]
    const prefix = (a.class_token ? 1 : 0) + a.reg_tokens + (a.distilled ? 1 : 0)
    const tokens = ctx.view(x, [b, h * w, c])
    const pos = ctx.tensor([1, a.no_embed_class ? h * w : h * w + prefix, c], tokens.dtype)
    const parts: Tensor[] = []
    // `VisionTransformerDistilled._pos_embed` puts the distillation token after the class token.
    for (const name of ['cls_token', 'reg_token', 'dist_token']) {
      const t = self.params.get(name)
      if (t) parts.push(ctx.view(ctx.state(self, name), [b, t.shape[1]!, c]))
    }
    x = a.no_embed_class ? ops.cat(ctx, [...parts, ops.add(ctx, tokens, pos)], 1) : ops.add(ctx, ops.cat(ctx, [...parts, tokens], 1), pos)
    x = runChild(self, 'pos_drop', x, ctx)
  } else {
    x = positionEmbed(self, x, ctx)
  }
  for (const name of ['patch_drop', 'norm_pre', 'blocks', 'norm']) x = runChild(self, name, x, ctx)
  const prefix = (a.class_token ? 1 : 0) + a.reg_tokens + (a.distilled ? 1 : 0)
  const [b, , c] = x.shape as [number, number, number]
  if (self.children.has('attn_pool')) {
    // `x[:, num_prefix_tokens:]`: a view, which `attn_pool.kv` reads as it is at batch 1 and copies otherwise.
    x = runChild(self, 'attn_pool', a.pool_include_prefix ? x : tokensFrom(ctx, x, prefix), ctx)
  } else if (a.global_pool === 'token') {
    const cls = ctx.view(x, [b, c])
    if (a.distilled) {
      // `(head(x[:, 0]) + head_dist(x[:, 1])) / 2`
      const y = runChild(self, 'head', cls, ctx)
      const z = runChild(self, 'head_dist', ctx.view(x, [b, c]), ctx)
      return ops.scale(ctx, ops.add(ctx, y, z))
    }
    x = cls
  } else if (a.global_pool !== '') {
    // `global_pool_nlc`: `x.mean(dim=1)`, `x.amax(dim=1)` (which keeps its input and result) or
    // `0.5 * (x.amax(dim=1) + x.mean(dim=1))` of the tokens `x[:, num_prefix_tokens:]`.
    const tokens = a.pool_include_prefix ? x : tokensFrom(ctx, x, prefix)
    const amax = (): Tensor => forwardOps.amax(ctx, tokens, [1])
    if (a.global_pool === 'avg') x = forwardOps.mean(ctx, tokens, [1])
    else if (a.global_pool === 'max') x = amax()
    else {
      const max = amax()
      x = forwardOps.mul(ctx, forwardOps.add(ctx, max, forwardOps.mean(ctx, tokens, [1])), 0.5)
    }
  }
  for (const name of ['fc_norm', 'head_drop', 'head']) x = runChild(self, name, x, ctx)
  return x
}

/** timm's `VisionTransformer` and every model registered in `timm.models.vision_transformer`. */
export const visionTransformer: TimmFamily<VisionTransformerArgs> = defineFamily<VisionTransformerArgs>({
  module: 'vision_transformer',
  className: 'VisionTransformer',
  defaults: vitDefaults,
  signature: vitSignature,
  takesImgSize: true,
  validate: validateVit,
  build: buildVit,
  forward: vitForward,
  variants: {
    aimv2_1b_patch14_224: { patch_size: 14, embed_dim: 2048, depth: 24, num_heads: 16, class_token: false, fc_norm: false, mlp_ratio: 2.75, global_pool: 'avg', qkv_bias: false, proj_bias: false, act_layer: 'silu', norm_layer: ['rmsnorm', { eps: 1e-05 }], embed_norm_layer: ['rmsnorm', { eps: 1e-05 }], mlp_layer: 'SwiGLU' },
    aimv2_1b_patch14_336: { patch_size: 14, embed_dim: 2048, depth: 24, num_heads: 16, class_token: false, fc_norm: false, mlp_ratio: 2.75, global_pool: 'avg', qkv_bias: false, proj_bias: false, act_layer: 'silu', norm_layer: ['rmsnorm', { eps: 1e-05 }], embed_norm_layer: ['rmsnorm', { eps: 1e-05 }], mlp_layer: 'SwiGLU' },
    aimv2_1b_patch14_448: { patch_size: 14, embed_dim: 2048, depth: 24, num_heads: 16, class_token: false, fc_norm: false, mlp_ratio: 2.75, global_pool: 'avg', qkv_bias: false, proj_bias: false, act_layer: 'silu', norm_layer: ['rmsnorm', { eps: 1e-05 }], embed_norm_layer: ['rmsnorm', { eps: 1e-05 }], mlp_layer: 'SwiGLU' },
    aimv2_3b_patch14_224: { patch_size: 14, embed_dim: 3072, depth: 24, num_heads: 24, class_token: false, fc_norm: false, mlp_ratio: 2.6667, global_pool: 'avg', qkv_bias: false, proj_bias: false, act_layer: 'silu', norm_layer: ['rmsnorm', { eps: 1e-05 }], embed_norm_layer: ['rmsnorm', { eps: 1e-05 }], mlp_layer: 'SwiGLU' },
    aimv2_3b_patch14_336: { patch_size: 14, embed_dim: 3072, depth: 24, num_heads: 24, class_token: false, fc_norm: false, mlp_ratio: 2.6667, global_pool: 'avg', qkv_bias: false, proj_bias: false, act_layer: 'silu', norm_layer: ['rmsnorm', { eps: 1e-05 }], embed_norm_layer: ['rmsnorm', { eps: 1e-05 }], mlp_layer: 'SwiGLU' },
    aimv2_3b_patch14_448: { patch_size: 14, embed_dim: 3072, depth: 24, num_heads: 24, class_token: false, fc_norm: false, mlp_ratio: 2.6667, global_pool: 'avg', qkv_bias: false, proj_bias: false, act_layer: 'silu', norm_layer: ['rmsnorm', { eps: 1e-05 }], embed_norm_layer: ['rmsnorm', { eps: 1e-05 }], mlp_layer: 'SwiGLU' },
    aimv2_huge_patch14_224: { patch_size: 14, embed_dim: 1536, depth: 24, num_heads: 12, class_token: false, fc_norm: false, mlp_ratio: 2.6667, global_pool: 'avg', qkv_bias: false, proj_bias: false, act_layer: 'silu', norm_layer: ['rmsnorm', { eps: 1e-05 }], embed_norm_layer: ['rmsnorm', { eps: 1e-05 }], mlp_layer: 'SwiGLU' },
    aimv2_huge_patch14_336: { patch_size: 14, embed_dim: 1536, depth: 24, num_heads: 12, class_token: false, fc_norm: false, mlp_ratio: 2.6667, global_pool: 'avg', qkv_bias: false, proj_bias: false, act_layer: 'silu', norm_layer: ['rmsnorm', { eps: 1e-05 }], embed_norm_layer: ['rmsnorm', { eps: 1e-05 }], mlp_layer: 'SwiGLU' },
    aimv2_huge_patch14_448: { patch_size: 14, embed_dim: 1536, depth: 24, num_heads: 12, class_token: false, fc_norm: false, mlp_ratio: 2.6667, global_pool: 'avg', qkv_bias: false, proj_bias: false, act_layer: 'silu', norm_layer: ['rmsnorm', { eps: 1e-05 }], embed_norm_layer: ['rmsnorm', { eps: 1e-05 }], mlp_layer: 'SwiGLU' },
    aimv2_large_patch14_224: { patch_size: 14, embed_dim: 1024, depth: 24, num_heads: 8, class_token: false, fc_norm: false, mlp_ratio: 2.75, global_pool: 'avg', qkv_bias: false, proj_bias: false, act_layer: 'silu', norm_layer: ['rmsnorm', { eps: 1e-05 }], embed_norm_layer: ['rmsnorm', { eps: 1e-05 }], mlp_layer: 'SwiGLU' },
    aimv2_large_patch14_336: { patch_size: 14, embed_dim: 1024, depth: 24, num_heads: 8, class_token: false, fc_norm: false, mlp_ratio: 2.75, global_pool: 'avg', qkv_bias: false, proj_bias: false, act_layer: 'silu', norm_layer: ['rmsnorm', { eps: 1e-05 }], embed_norm_layer: ['rmsnorm', { eps: 1e-05 }], mlp_layer: 'SwiGLU' },
    aimv2_large_patch14_448: { patch_size: 14, embed_dim: 1024, depth: 24, num_heads: 8, class_token: false, fc_norm: false, mlp_ratio: 2.75, global_pool: 'avg', qkv_bias: false, proj_bias: false, act_layer: 'silu', norm_layer: ['rmsnorm', { eps: 1e-05 }], embed_norm_layer: ['rmsnorm', { eps: 1e-05 }], mlp_layer: 'SwiGLU' },
    beit3_base_patch16_224: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, mlp_ratio: 4, scale_attn_norm: true, scale_mlp_norm: true, class_token: true, global_pool: 'avg', norm_layer: ['layernorm', { eps: 1e-05 }] },
    beit3_giant_patch14_224: { patch_size: 14, embed_dim: 1408, depth: 40, num_heads: 16, mlp_ratio: 4.3637, scale_attn_norm: true, scale_mlp_norm: true, class_token: true, global_pool: 'avg', norm_layer: ['layernorm', { eps: 1e-05 }] },
    beit3_giant_patch14_336: { img_size: 336, patch_size: 14, embed_dim: 1408, depth: 40, num_heads: 16, mlp_ratio: 4.3637, scale_attn_norm: true, scale_mlp_norm: true, class_token: true, global_pool: 'avg', norm_layer: ['layernorm', { eps: 1e-05 }] },
    beit3_large_patch16_224: { patch_size: 16, embed_dim: 1024, depth: 24, num_heads: 16, mlp_ratio: 4, scale_attn_norm: true, scale_mlp_norm: true, class_token: true, global_pool: 'avg', norm_layer: ['layernorm', { eps: 1e-05 }] },
    eva_large_patch14_196: { patch_size: 14, embed_dim: 1024, depth: 24, num_heads: 16, global_pool: 'avg' },
    eva_large_patch14_336: { patch_size: 14, embed_dim: 1024, depth: 24, num_heads: 16, global_pool: 'avg' },
    flexivit_base: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, no_embed_class: true },
    flexivit_large: { patch_size: 16, embed_dim: 1024, depth: 24, num_heads: 16, no_embed_class: true },
    flexivit_small: { patch_size: 16, embed_dim: 384, depth: 12, num_heads: 6, no_embed_class: true },
    test_vit: { patch_size: 16, embed_dim: 64, depth: 6, num_heads: 2, mlp_ratio: 3, dynamic_img_size: true },
    test_vit2: { patch_size: 16, embed_dim: 64, depth: 8, num_heads: 2, mlp_ratio: 3, class_token: false, reg_tokens: 1, global_pool: 'avg', init_values: 1e-05, dynamic_img_size: true },
    test_vit3: { patch_size: 16, embed_dim: 96, depth: 9, num_heads: 3, mlp_ratio: 2, class_token: false, reg_tokens: 1, global_pool: 'map', pool_include_prefix: true, init_values: 1e-05 },
    test_vit4: { patch_size: 16, embed_dim: 96, depth: 9, num_heads: 3, mlp_ratio: 3, class_token: false, reg_tokens: 1, global_pool: 'avg', init_values: 1e-05, dynamic_img_size: true, norm_layer: 'rmsnorm' },
    vit_base_patch8_224: { patch_size: 8, embed_dim: 768, depth: 12, num_heads: 12 },
    vit_base_patch14_dinov2: { patch_size: 14, embed_dim: 768, depth: 12, num_heads: 12, init_values: 1e-05 },
    vit_base_patch14_reg1_tipsv2: { patch_size: 14, embed_dim: 768, depth: 12, num_heads: 12, init_values: 1.0, reg_tokens: 1, no_embed_class: true },
    vit_base_patch14_reg4_dinov2: { patch_size: 14, embed_dim: 768, depth: 12, num_heads: 12, init_values: 1e-05, reg_tokens: 4, no_embed_class: true },
    vit_base_patch16_18x2_224: { patch_size: 16, embed_dim: 768, depth: 18, num_heads: 12, init_values: 1e-05, block_fn: 'ParallelThingsBlock' },
    vit_base_patch16_224: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12 },
    vit_base_patch16_224_miil: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, qkv_bias: false },
    vit_base_patch16_384: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12 },
    vit_base_patch16_clip_224: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, pre_norm: true, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_base_patch16_clip_384: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, pre_norm: true, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_base_patch16_clip_quickgelu_224: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, pre_norm: true, norm_layer: ['layernorm', { eps: 1e-05 }], act_layer: 'quick_gelu' },
    vit_base_patch16_gap_224: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 16, class_token: false, global_pool: 'avg', fc_norm: false },
    vit_base_patch16_plus_240: { patch_size: 16, embed_dim: 896, depth: 12, num_heads: 14, init_values: 1e-05 },
    vit_base_patch16_plus_clip_240: { patch_size: 16, embed_dim: 896, depth: 12, num_heads: 14, pre_norm: true, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_base_patch16_reg4_gap_256: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, class_token: false, no_embed_class: true, global_pool: 'avg', reg_tokens: 4 },
    vit_base_patch16_rpn_224: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, qkv_bias: false, init_values: 1e-05, class_token: false, block_fn: 'ResPostBlock', global_pool: 'avg' },
    vit_base_patch16_siglip_224: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, class_token: false, global_pool: 'map' },
    vit_base_patch16_siglip_256: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, class_token: false, global_pool: 'map' },
    vit_base_patch16_siglip_384: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, class_token: false, global_pool: 'map' },
    vit_base_patch16_siglip_512: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, class_token: false, global_pool: 'map' },
    vit_base_patch16_siglip_gap_224: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, class_token: false, global_pool: 'avg', fc_norm: false },
    vit_base_patch16_siglip_gap_256: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, class_token: false, global_pool: 'avg', fc_norm: false },
    vit_base_patch16_siglip_gap_384: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, class_token: false, global_pool: 'avg', fc_norm: false },
    vit_base_patch16_siglip_gap_512: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, class_token: false, global_pool: 'avg', fc_norm: false },
    vit_base_patch16_xp_224: { patch_size: 16, embed_dim: 768, depth: 12, num_heads: 12, pre_norm: true, no_embed_class: true, norm_layer: 'rmsnorm', block_fn: 'ParallelScalingBlock', qkv_bias: false, qk_norm: true },
    vit_base_patch32_224: { patch_size: 32, embed_dim: 768, depth: 12, num_heads: 12 },
    vit_base_patch32_384: { patch_size: 32, embed_dim: 768, depth: 12, num_heads: 12 },
    vit_base_patch32_clip_224: { patch_size: 32, embed_dim: 768, depth: 12, num_heads: 12, pre_norm: true, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_base_patch32_clip_256: { patch_size: 32, embed_dim: 768, depth: 12, num_heads: 12, pre_norm: true, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_base_patch32_clip_384: { patch_size: 32, embed_dim: 768, depth: 12, num_heads: 12, pre_norm: true, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_base_patch32_clip_448: { patch_size: 32, embed_dim: 768, depth: 12, num_heads: 12, pre_norm: true, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_base_patch32_clip_quickgelu_224: { patch_size: 32, embed_dim: 768, depth: 12, num_heads: 12, pre_norm: true, norm_layer: ['layernorm', { eps: 1e-05 }], act_layer: 'quick_gelu' },
    vit_base_patch32_plus_256: { patch_size: 32, embed_dim: 896, depth: 12, num_heads: 14, init_values: 1e-05 },
    vit_base_patch32_siglip_256: { patch_size: 32, embed_dim: 768, depth: 12, num_heads: 12, class_token: false, global_pool: 'map', act_layer: 'gelu_tanh' },
    vit_base_patch32_siglip_gap_256: { patch_size: 32, embed_dim: 768, depth: 12, num_heads: 12, class_token: false, global_pool: 'avg', fc_norm: false, act_layer: 'gelu_tanh' },
    vit_betwixt_patch16_gap_256: { patch_size: 16, embed_dim: 640, depth: 12, num_heads: 10, class_token: false, global_pool: 'avg', qkv_bias: false, init_values: 1e-06, fc_norm: false },
    vit_betwixt_patch16_reg1_gap_256: { patch_size: 16, embed_dim: 640, depth: 12, num_heads: 10, init_values: 1e-05, class_token: false, no_embed_class: true, reg_tokens: 1, global_pool: 'avg' },
    vit_betwixt_patch16_reg4_gap_256: { patch_size: 16, embed_dim: 640, depth: 12, num_heads: 10, init_values: 1e-05, class_token: false, no_embed_class: true, reg_tokens: 4, global_pool: 'avg' },
    vit_betwixt_patch16_reg4_gap_384: { patch_size: 16, embed_dim: 640, depth: 12, num_heads: 10, init_values: 1e-05, class_token: false, no_embed_class: true, reg_tokens: 4, global_pool: 'avg' },
    vit_betwixt_patch32_clip_224: { patch_size: 32, embed_dim: 640, depth: 12, num_heads: 10, pre_norm: true, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_giant_patch14_224: { patch_size: 14, embed_dim: 1408, mlp_ratio: 4.363636363636363, depth: 40, num_heads: 16 },
    vit_giant_patch14_clip_224: { patch_size: 14, embed_dim: 1408, mlp_ratio: 4.363636363636363, depth: 40, num_heads: 16, pre_norm: true, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_giant_patch14_dinov2: { patch_size: 14, embed_dim: 1536, depth: 40, num_heads: 24, init_values: 1e-05, mlp_ratio: 5.33334, mlp_layer: ['GluMlp', { gate_last: false, act: 'silu' }], act_layer: 'silu' },
    vit_giant_patch14_reg1_tipsv2: { patch_size: 14, embed_dim: 1536, depth: 40, num_heads: 24, init_values: 1.0, mlp_ratio: 5.33334, mlp_layer: ['GluMlp', { gate_last: false, act: 'silu' }], act_layer: 'silu', reg_tokens: 1, no_embed_class: true },
    vit_giant_patch14_reg4_dinov2: { patch_size: 14, embed_dim: 1536, depth: 40, num_heads: 24, init_values: 1e-05, mlp_ratio: 5.33334, mlp_layer: ['GluMlp', { gate_last: false, act: 'silu' }], act_layer: 'silu', reg_tokens: 4, no_embed_class: true },
    vit_giant_patch16_gap_224: { patch_size: 16, embed_dim: 1408, depth: 40, num_heads: 16, mlp_ratio: 4.363636363636363, class_token: false, global_pool: 'avg', fc_norm: false },
    vit_giantopt_patch16_siglip_256: { patch_size: 16, embed_dim: 1536, depth: 40, num_heads: 16, class_token: false, global_pool: 'map', act_layer: 'gelu_tanh' },
    vit_giantopt_patch16_siglip_384: { patch_size: 16, embed_dim: 1536, depth: 40, num_heads: 16, class_token: false, global_pool: 'map', act_layer: 'gelu_tanh' },
    vit_giantopt_patch16_siglip_gap_256: { patch_size: 16, embed_dim: 1536, depth: 40, num_heads: 16, class_token: false, global_pool: 'avg', fc_norm: false, act_layer: 'gelu_tanh' },
    vit_giantopt_patch16_siglip_gap_384: { patch_size: 16, embed_dim: 1536, depth: 40, num_heads: 16, class_token: false, global_pool: 'avg', fc_norm: false, act_layer: 'gelu_tanh' },
    vit_gigantic_patch14_224: { patch_size: 14, embed_dim: 1664, mlp_ratio: 4.923076923076923, depth: 48, num_heads: 16 },
    vit_gigantic_patch14_clip_224: { patch_size: 14, embed_dim: 1664, mlp_ratio: 4.923076923076923, depth: 48, num_heads: 16, pre_norm: true, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_gigantic_patch14_clip_378: { patch_size: 14, embed_dim: 1664, mlp_ratio: 4.923076923076923, depth: 48, num_heads: 16, pre_norm: true, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_gigantic_patch14_clip_quickgelu_224: { patch_size: 14, embed_dim: 1664, mlp_ratio: 4.923076923076923, depth: 48, num_heads: 16, pre_norm: true, norm_layer: ['layernorm', { eps: 1e-05 }], act_layer: 'quick_gelu' },
    vit_huge_patch14_224: { patch_size: 14, embed_dim: 1280, depth: 32, num_heads: 16 },
    vit_huge_patch14_clip_224: { patch_size: 14, embed_dim: 1280, depth: 32, num_heads: 16, pre_norm: true, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_huge_patch14_clip_336: { patch_size: 14, embed_dim: 1280, depth: 32, num_heads: 16, pre_norm: true, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_huge_patch14_clip_378: { patch_size: 14, embed_dim: 1280, depth: 32, num_heads: 16, pre_norm: true, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_huge_patch14_clip_quickgelu_224: { patch_size: 14, embed_dim: 1280, depth: 32, num_heads: 16, pre_norm: true, norm_layer: ['layernorm', { eps: 1e-05 }], act_layer: 'quick_gelu' },
    vit_huge_patch14_clip_quickgelu_378: { patch_size: 14, embed_dim: 1280, depth: 32, num_heads: 16, pre_norm: true, norm_layer: ['layernorm', { eps: 1e-05 }], act_layer: 'quick_gelu' },
    vit_huge_patch14_gap_224: { patch_size: 14, embed_dim: 1280, depth: 32, num_heads: 16, class_token: false, global_pool: 'avg', fc_norm: false },
    vit_huge_patch14_xp_224: { patch_size: 14, embed_dim: 1280, depth: 32, num_heads: 16, pre_norm: true, no_embed_class: true, norm_layer: 'rmsnorm', block_fn: 'ParallelScalingBlock', qkv_bias: false, qk_norm: true },
    vit_huge_patch16_gap_448: { patch_size: 16, embed_dim: 1280, depth: 32, num_heads: 16, class_token: false, global_pool: 'avg', fc_norm: false },
    vit_intern300m_patch14_448: { patch_size: 14, embed_dim: 1024, depth: 24, num_heads: 16, init_values: 0.1, final_norm: false, dynamic_img_size: true },
    vit_large_patch14_224: { patch_size: 14, embed_dim: 1024, depth: 24, num_heads: 16 },
    vit_large_patch14_clip_224: { patch_size: 14, embed_dim: 1024, depth: 24, num_heads: 16, pre_norm: true, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_large_patch14_clip_336: { patch_size: 14, embed_dim: 1024, depth: 24, num_heads: 16, pre_norm: true, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_large_patch14_clip_quickgelu_224: { patch_size: 14, embed_dim: 1024, depth: 24, num_heads: 16, pre_norm: true, norm_layer: ['layernorm', { eps: 1e-05 }], act_layer: 'quick_gelu' },
    vit_large_patch14_clip_quickgelu_336: { patch_size: 14, embed_dim: 1024, depth: 24, num_heads: 16, pre_norm: true, norm_layer: ['layernorm', { eps: 1e-05 }], act_layer: 'quick_gelu' },
    vit_large_patch14_dinov2: { patch_size: 14, embed_dim: 1024, depth: 24, num_heads: 16, init_values: 1e-05 },
    vit_large_patch14_reg1_tipsv2: { patch_size: 14, embed_dim: 1024, depth: 24, num_heads: 16, init_values: 1.0, reg_tokens: 1, no_embed_class: true },
    vit_large_patch14_reg4_dinov2: { patch_size: 14, embed_dim: 1024, depth: 24, num_heads: 16, init_values: 1e-05, reg_tokens: 4, no_embed_class: true },
    vit_large_patch14_xp_224: { patch_size: 14, embed_dim: 1024, depth: 24, num_heads: 16, pre_norm: true, no_embed_class: true, norm_layer: 'rmsnorm', block_fn: 'ParallelScalingBlock', qkv_bias: false, qk_norm: true },
    vit_large_patch16_224: { patch_size: 16, embed_dim: 1024, depth: 24, num_heads: 16 },
    vit_large_patch16_384: { patch_size: 16, embed_dim: 1024, depth: 24, num_heads: 16 },
    vit_large_patch16_siglip_256: { patch_size: 16, embed_dim: 1024, depth: 24, num_heads: 16, class_token: false, global_pool: 'map' },
    vit_large_patch16_siglip_384: { patch_size: 16, embed_dim: 1024, depth: 24, num_heads: 16, class_token: false, global_pool: 'map' },
    vit_large_patch16_siglip_512: { patch_size: 16, embed_dim: 1024, depth: 24, num_heads: 16, class_token: false, global_pool: 'map', act_layer: 'gelu_tanh' },
    vit_large_patch16_siglip_gap_256: { patch_size: 16, embed_dim: 1024, depth: 24, num_heads: 16, class_token: false, global_pool: 'avg', fc_norm: false },
    vit_large_patch16_siglip_gap_384: { patch_size: 16, embed_dim: 1024, depth: 24, num_heads: 16, class_token: false, global_pool: 'avg', fc_norm: false },
    vit_large_patch16_siglip_gap_512: { patch_size: 16, embed_dim: 1024, depth: 24, num_heads: 16, class_token: false, global_pool: 'avg', fc_norm: false, act_layer: 'gelu_tanh' },
    vit_large_patch32_224: { patch_size: 32, embed_dim: 1024, depth: 24, num_heads: 16 },
    vit_large_patch32_384: { patch_size: 32, embed_dim: 1024, depth: 24, num_heads: 16 },
    vit_little_patch16_reg1_gap_256: { patch_size: 16, embed_dim: 320, depth: 14, num_heads: 5, init_values: 1e-05, mlp_ratio: 5.6, class_token: false, no_embed_class: true, reg_tokens: 1, global_pool: 'avg' },
    vit_little_patch16_reg4_gap_256: { patch_size: 16, embed_dim: 320, depth: 14, num_heads: 5, init_values: 1e-05, mlp_ratio: 5.6, class_token: false, no_embed_class: true, reg_tokens: 4, global_pool: 'avg' },
    vit_medium_patch16_clip_224: { embed_dim: 512, depth: 12, num_heads: 8, pre_norm: true, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_medium_patch16_gap_240: { patch_size: 16, embed_dim: 512, depth: 12, num_heads: 8, class_token: false, global_pool: 'avg', qkv_bias: false, init_values: 1e-06, fc_norm: false },
    vit_medium_patch16_gap_256: { patch_size: 16, embed_dim: 512, depth: 12, num_heads: 8, class_token: false, global_pool: 'avg', qkv_bias: false, init_values: 1e-06, fc_norm: false },
    vit_medium_patch16_gap_384: { patch_size: 16, embed_dim: 512, depth: 12, num_heads: 8, class_token: false, global_pool: 'avg', qkv_bias: false, init_values: 1e-06, fc_norm: false },
    vit_medium_patch16_reg1_gap_256: { patch_size: 16, embed_dim: 512, depth: 12, num_heads: 8, init_values: 1e-05, class_token: false, no_embed_class: true, reg_tokens: 1, global_pool: 'avg' },
    vit_medium_patch16_reg4_gap_256: { patch_size: 16, embed_dim: 512, depth: 12, num_heads: 8, init_values: 1e-05, class_token: false, no_embed_class: true, reg_tokens: 4, global_pool: 'avg' },
    vit_medium_patch32_clip_224: { patch_size: 32, embed_dim: 512, depth: 12, num_heads: 8, pre_norm: true, norm_layer: ['layernorm', { eps: 1e-05 }] },
    vit_mediumd_patch16_reg4_gap_256: { patch_size: 16, embed_dim: 512, depth: 20, num_heads: 8, init_values: 1e-05, class_token: false, no_embed_class: true, reg_tokens: 4, global_pool: 'avg' },
    vit_mediumd_patch16_reg4_gap_384: { patch_size: 16, embed_dim: 512, depth: 20, num_heads: 8, init_values: 1e-05, class_token: false, no_embed_class: true, reg_tokens: 4, global_pool: 'avg' },
    vit_pwee_patch16_reg1_gap_256: { patch_size: 16, embed_dim: 256, depth: 16, num_heads: 4, init_values: 1e-05, mlp_ratio: 5, class_token: false, no_embed_class: true, reg_tokens: 1, global_pool: 'avg', block_fn: 'ParallelScalingBlock' },
    vit_small_patch8_224: { patch_size: 8, embed_dim: 384, depth: 12, num_heads: 6 },
    vit_small_patch14_dinov2: { patch_size: 14, embed_dim: 384, depth: 12, num_heads: 6, init_values: 1e-05 },
    vit_small_patch14_reg4_dinov2: { patch_size: 14, embed_dim: 384, depth: 12, num_heads: 6, init_values: 1e-05, reg_tokens: 4, no_embed_class: true },
    vit_small_patch16_18x2_224: { patch_size: 16, embed_dim: 384, depth: 18, num_heads: 6, init_values: 1e-05, block_fn: 'ParallelThingsBlock' },
    vit_small_patch16_36x1_224: { patch_size: 16, embed_dim: 384, depth: 36, num_heads: 6, init_values: 1e-05 },
    vit_small_patch16_224: { patch_size: 16, embed_dim: 384, depth: 12, num_heads: 6 },
    vit_small_patch16_384: { patch_size: 16, embed_dim: 384, depth: 12, num_heads: 6 },
    vit_small_patch32_224: { patch_size: 32, embed_dim: 384, depth: 12, num_heads: 6 },
    vit_small_patch32_384: { patch_size: 32, embed_dim: 384, depth: 12, num_heads: 6 },
    vit_so150m2_patch16_reg1_gap_256: { patch_size: 16, embed_dim: 832, depth: 21, num_heads: 13, mlp_ratio: 2.6153846153846154, init_values: 1e-05, qkv_bias: false, class_token: false, reg_tokens: 1, global_pool: 'avg' },
    vit_so150m2_patch16_reg1_gap_384: { patch_size: 16, embed_dim: 832, depth: 21, num_heads: 13, mlp_ratio: 2.6153846153846154, init_values: 1e-05, qkv_bias: false, class_token: false, reg_tokens: 1, global_pool: 'avg' },
    vit_so150m2_patch16_reg1_gap_448: { patch_size: 16, embed_dim: 832, depth: 21, num_heads: 13, mlp_ratio: 2.6153846153846154, init_values: 1e-05, qkv_bias: false, class_token: false, reg_tokens: 1, global_pool: 'avg' },
    vit_so150m_patch16_reg4_gap_256: { patch_size: 16, embed_dim: 896, depth: 18, num_heads: 14, mlp_ratio: 2.572, class_token: false, reg_tokens: 4, global_pool: 'avg', fc_norm: false },
    vit_so150m_patch16_reg4_gap_384: { patch_size: 16, embed_dim: 896, depth: 18, num_heads: 14, mlp_ratio: 2.572, class_token: false, reg_tokens: 4, global_pool: 'avg', fc_norm: false },
    vit_so150m_patch16_reg4_map_256: { patch_size: 16, embed_dim: 896, depth: 18, num_heads: 14, mlp_ratio: 2.572, class_token: false, reg_tokens: 4, global_pool: 'map' },
    vit_so400m_patch14_reg1_tipsv2: { patch_size: 14, embed_dim: 1152, depth: 27, num_heads: 16, init_values: 1.0, mlp_ratio: 3.736111111111111, reg_tokens: 1, no_embed_class: true },
    vit_so400m_patch14_siglip_224: { patch_size: 14, embed_dim: 1152, depth: 27, num_heads: 16, mlp_ratio: 3.7362, class_token: false, global_pool: 'map' },
    vit_so400m_patch14_siglip_378: { patch_size: 14, embed_dim: 1152, depth: 27, num_heads: 16, mlp_ratio: 3.7362, class_token: false, global_pool: 'map' },
    vit_so400m_patch14_siglip_384: { patch_size: 14, embed_dim: 1152, depth: 27, num_heads: 16, mlp_ratio: 3.7362, class_token: false, global_pool: 'map' },
    vit_so400m_patch14_siglip_gap_224: { patch_size: 14, embed_dim: 1152, depth: 27, num_heads: 16, mlp_ratio: 3.7362, class_token: false, global_pool: 'avg', fc_norm: false },
    vit_so400m_patch14_siglip_gap_378: { patch_size: 14, embed_dim: 1152, depth: 27, num_heads: 16, mlp_ratio: 3.7362, class_token: false, global_pool: 'avg', fc_norm: false },
    vit_so400m_patch14_siglip_gap_384: { patch_size: 14, embed_dim: 1152, depth: 27, num_heads: 16, mlp_ratio: 3.7362, class_token: false, global_pool: 'avg', fc_norm: false },
    vit_so400m_patch14_siglip_gap_448: { patch_size: 14, embed_dim: 1152, depth: 27, num_heads: 16, mlp_ratio: 3.7362, class_token: false, global_pool: 'avg', fc_norm: false },
    vit_so400m_patch14_siglip_gap_896: { patch_size: 14, embed_dim: 1152, depth: 27, num_heads: 16, mlp_ratio: 3.7362, class_token: false, global_pool: 'avg', fc_norm: false },
    vit_so400m_patch16_siglip_256: { patch_size: 16, embed_dim: 1152, depth: 27, num_heads: 16, mlp_ratio: 3.7362, class_token: false, global_pool: 'map', act_layer: 'gelu_tanh' },
    vit_so400m_patch16_siglip_384: { patch_size: 16, embed_dim: 1152, depth: 27, num_heads: 16, mlp_ratio: 3.7362, class_token: false, global_pool: 'map', act_layer: 'gelu_tanh' },
    vit_so400m_patch16_siglip_512: { patch_size: 16, embed_dim: 1152, depth: 27, num_heads: 16, mlp_ratio: 3.7362, class_token: false, global_pool: 'map', act_layer: 'gelu_tanh' },
    vit_so400m_patch16_siglip_gap_256: { patch_size: 16, embed_dim: 1152, depth: 27, num_heads: 16, mlp_ratio: 3.7362, class_token: false, global_pool: 'avg', fc_norm: false, act_layer: 'gelu_tanh' },
    vit_so400m_patch16_siglip_gap_384: { patch_size: 16, embed_dim: 1152, depth: 27, num_heads: 16, mlp_ratio: 3.7362, class_token: false, global_pool: 'avg', fc_norm: false, act_layer: 'gelu_tanh' },
    vit_so400m_patch16_siglip_gap_512: { patch_size: 16, embed_dim: 1152, depth: 27, num_heads: 16, mlp_ratio: 3.7362, class_token: false, global_pool: 'avg', fc_norm: false, act_layer: 'gelu_tanh' },
    vit_tiny_patch16_224: { patch_size: 16, embed_dim: 192, depth: 12, num_heads: 3 },
    vit_tiny_patch16_384: { patch_size: 16, embed_dim: 192, depth: 12, num_heads: 3 },
    vit_wee_patch16_reg1_gap_256: { patch_size: 16, embed_dim: 256, depth: 14, num_heads: 4, init_values: 1e-05, mlp_ratio: 5, class_token: false, no_embed_class: true, reg_tokens: 1, global_pool: 'avg' },
    vit_xsmall_patch16_clip_224: { embed_dim: 256, depth: 10, num_heads: 4, pre_norm: true, norm_layer: ['layernorm', { eps: 1e-05 }] },
  },
})
