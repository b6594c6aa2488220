import type { ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import type { ForwardContext, Tensor } from '../../forward/trace.js'
import { formatShape } from '../../tensor/shape.js'
import { block, defineBlock, nn, roundHalfEven, runChild, sequential, sequentialNamed } from '../torchvision/core.js'
import * as ops from '../torchvision/ops.js'
import { invalid } from './family.js'
import { createAct } from './layers/activations.js'
import type { ActName } from './layers/activations.js'
import { attend } from './layers/attention.js'
import { convNormAct, createConv2d } from './layers/conv.js'
import type { PadType } from './layers/conv.js'
import { dropPathOrIdentity } from './layers/drop.js'
import { makeDivisible } from './layers/helpers.js'
import { LayerScale2d } from './layers/layer-scale.js'
import { createNormAct } from './layers/norm-act.js'
import { createNorm } from './layers/norm.js'
import type { NormSpec } from './layers/norm.js'
import { createAa } from './layers/pool.js'
import type { AaName } from './layers/pool.js'
import { conv2d } from '../../layers/conv.js'
import { dropout } from '../../layers/dropout.js'
import { identity, linear } from '../../layers/linear.js'

/**
 * The blocks and builder shared by timm's EfficientNet and MobileNetV3 classes
 * (`timm.models._efficientnet_blocks`, `_efficientnet_builder`): block strings such as
 * `ir_r2_k3_s2_e6_c24_se0.25` are decoded as timm decodes them, then built stage by stage.
 */

/** `round_channels(channels, multiplier, divisor, channel_min, round_limit)`: scaled channels, rounded with `make_divisible`. */
export interface RoundChannels {
  multiplier?: number
  divisor?: number
  round_limit?: number
}

/** `round_channels`: `channels` unchanged for a zero multiplier, else scaled and made divisible. */
export function roundChannels(channels: number, r: RoundChannels = {}): number {
  const multiplier = r.multiplier ?? 1
  if (!multiplier) return channels
  return makeDivisible(channels * multiplier, r.divisor ?? 8, null, r.round_limit ?? 0.9)
}

/** The squeeze-excite layer a model binds: its gate, an activation forced over the block's, and its rounding (`round` when absent). */
export interface SeSpec {
  gate?: ActName
  force_act?: ActName
  rd_round?: RoundChannels
}

/** One decoded block: timm's block arguments. */
export interface BlockArgs {
  block_type: 'ds' | 'dsa' | 'ir' | 'er' | 'cn' | 'uir' | 'mqa'
  out_chs: number
  stride: number
  act: ActName | null
  kernel?: number | number[]
  exp_kernel?: number | number[]
  pw_kernel?: number | number[]
  exp_ratio?: number
  se_ratio?: number
  noskip?: boolean
  skip?: boolean
  pw_act?: boolean
  s2d?: number
  num_experts?: number
  force_in_chs?: number
  dw_start?: number
  dw_end?: number
  num_heads?: number
  key_dim?: number
  kv_stride?: number
  group_size?: number
}

const actCodes: Record<string, ActName> = { re: 'relu', r6: 'relu6', hs: 'hard_swish', sw: 'swish', mi: 'mish' }

function kernelSize(text: string): number | number[] {
  return /^\d+$/.test(text) ? Number(text) : text.split('.').map(Number)
}

/** `_decode_block_str`: a block string to its arguments and repeat count. */
export function decodeBlock(text: string): [BlockArgs, number] {
  const [type, ...ops_] = text.split('_')
  const options = new Map<string, string>()
  let skip: boolean | null = null
  let act: ActName | null = null
  for (const op of ops_) {
    if (op === 'noskip') skip = false
    else if (op === 'skip') skip = true
    else if (op.startsWith('n')) act = actCodes[op.slice(1)] ?? act
    else {
      const match = /^(\D*)(\d.*)$/.exec(op)
      if (match) options.set(match[1]!, match[2]!)
    }
  }
  const get = (key: string): string => {
    const v = options.get(key)
    if (v === undefined) throw new Error(`internal: block ${text} has no ${key}`)
    return v
  }
  const base = { out_chs: Number(get('c')), stride: Number(get('s')), act }
  const se = Number(options.get('se') ?? 0)
  let args: BlockArgs
  switch (type) {
    case 'ir':
      args = { ...base, block_type: 'ir', kernel: kernelSize(get('k')), exp_kernel: options.has('a') ? kernelSize(get('a')) : 1, pw_kernel: options.has('p') ? kernelSize(get('p')) : 1, exp_ratio: Number(get('e')), se_ratio: se, noskip: skip === false, s2d: Number(options.get('d') ?? 0) > 0 ? 1 : 0, num_experts: Number(options.get('cc') ?? 0) }
      break
    case 'ds':
    case 'dsa':
      args = { ...base, block_type: type, kernel: kernelSize(get('k')), pw_kernel: options.has('p') ? kernelSize(get('p')) : 1, se_ratio: se, pw_act: type === 'dsa', noskip: type === 'dsa' || skip === false, s2d: Number(options.get('d') ?? 0) > 0 ? 1 : 0 }
      break
    case 'er':
      args = { ...base, block_type: 'er', exp_kernel: kernelSize(get('k')), pw_kernel: options.has('p') ? kernelSize(get('p')) : 1, exp_ratio: Number(get('e')), force_in_chs: Number(options.get('fc') ?? 0), se_ratio: se, noskip: skip === false }
      break
    case 'cn':
      args = { ...base, block_type: 'cn', kernel: Number(get('k')), skip: skip === true }
      break
    case 'uir':
      args = { ...base, block_type: 'uir', dw_start: options.has('a') ? Number(get('a')) : 0, kernel: Number(get('k')), dw_end: options.has('p') ? Number(get('p')) : 0, exp_ratio: Number(get('e')), se_ratio: se, noskip: skip === false }
      break
    case 'mqa':
      args = { ...base, block_type: 'mqa', kernel: Number(get('k')), num_heads: Number(get('h')), key_dim: Number(get('d')), kv_stride: Number(options.get('v') ?? 1), noskip: skip === false }
      break
    default:
      throw new Error(`internal: unknown block type ${type}`)
  }
  if (options.has('gs')) args.group_size = Number(get('gs'))
  return [args, Number(get('r'))]
}

/** `num_groups(group_size, channels)`: 1 without a group size, else `channels / group_size`. */
function numGroups(groupSize: number | undefined, channels: number): number {
  if (!groupSize) return 1
  if (channels % groupSize !== 0) invalid('group_size', `${channels} channels are not divisible by the group size ${groupSize}.`)
  return channels / groupSize
}

/** The model-level settings every block of a model shares. */
export interface BuilderArgs {
  pad_type: PadType
  norm: NormSpec
  aa: AaName | null
  se: SeSpec
  se_from_exp: boolean
  layer_scale_init_value: number | null
}

interface MadeBlock extends BlockArgs {
  in_chs: number
  dilation: number
  act: ActName | null
  drop_path: number
  /** The SE layer's reduction ratio after the builder's adjustments; 0 for none. */
  se_rd_ratio: number
  s2d: number
  model: BuilderArgs
}

/** timm's `SqueezeExcite` (the EfficientNet-family one): `conv_reduce`, `act1`, `conv_expand`, `gate`. */
export const SqueezeExcite = defineBlock<{ in_chs: number; rd_ratio: number; act: ActName; se: SeSpec }>({
  name: 'SqueezeExcite',
  build(a, m) {
    const raw = a.in_chs * a.rd_ratio
    const rd = a.se.rd_round ? roundChannels(raw, a.se.rd_round) : roundHalfEven(raw)
    m.child('conv_reduce', nn(m, conv2d, { in_channels: a.in_chs, out_channels: rd, kernel_size: 1, bias: true }))
    m.child('act1', createAct(m, a.se.force_act ?? a.act, true))
    m.child('conv_expand', nn(m, conv2d, { in_channels: rd, out_channels: a.in_chs, kernel_size: 1, bias: true }))
    m.child('gate', createAct(m, a.se.gate ?? 'sigmoid'))
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    let s = ctx.view(ops.mean(ctx, x, [2, 3]), [x.shape[0]!, x.shape[1]!, 1, 1])
    for (const name of ['conv_reduce', 'act1', 'conv_expand', 'gate']) s = runChild(self, name, s, ctx)
    return ops.mul(ctx, x, s)
  },
})

function se(m: ModuleBuilder, b: MadeBlock, channels: number): ModuleNode {
  return b.se_rd_ratio ? block(m, SqueezeExcite, { in_chs: channels, rd_ratio: b.se_rd_ratio, act: b.act ?? 'relu', se: b.model.se }) : nn(m, identity)
}

function normAct(m: ModuleBuilder, b: MadeBlock, channels: number, applyAct = true): ModuleNode {
  return createNormAct(m, b.model.norm, channels, { act: b.act, applyAct, inplace: true })
}

function aa(m: ModuleBuilder, b: MadeBlock, channels: number, enable: boolean): ModuleNode {
  return enable ? createAa(m, b.model.aa!, channels, b.stride) : nn(m, identity)
}

/** Runs the named children in order, then adds the shortcut when the block has one. */
function residual(self: ModuleNode & { args: { has_skip: boolean } }, names: readonly string[], inputs: readonly Tensor[], ctx: ForwardContext): Tensor {
  let x = inputs[0]!
  for (const name of names) if (self.children.get(name)) x = runChild(self, name, x, ctx)
  return self.args.has_skip ? ops.add(ctx, runChild(self, 'drop_path', x, ctx), inputs[0]!) : x
}

type Made = MadeBlock & { has_skip: boolean }

/** `ConvBnAct`: `conv`, `bn1` (norm + activation), `aa`, `drop_path`. */
export const ConvBnAct = defineBlock<Made>({
  name: 'ConvBnAct',
  build(b, m) {
    const useAa = b.model.aa !== null && b.stride > 1
    m.child('conv', createConv2d(m, b.in_chs, b.out_chs, b.kernel!, { stride: useAa ? 1 : b.stride, dilation: b.dilation, groups: numGroups(b.group_size, b.in_chs), padding: b.model.pad_type }))
    m.child('bn1', normAct(m, b, b.out_chs))
    m.child('aa', aa(m, b, b.out_chs, useAa))
    m.child('drop_path', dropPathOrIdentity(m, b.drop_path))
  },
  forward: (self, inputs, ctx) => residual(self, ['conv', 'bn1', 'aa'], inputs, ctx),
})

/** `ConvBnAct(in_chs, out_chs, kernel_size, stride, group_size=0, pad_type='', act_layer=...)` outside a block string (GhostNet). */
export function convBnAct(m: ModuleBuilder, o: { in_chs: number; out_chs: number; kernel: number; stride?: number; group_size?: number; pad_type?: PadType; act: ActName | null }): ModuleNode {
  const model: BuilderArgs = { pad_type: o.pad_type ?? '', norm: 'batchnorm2d', aa: null, se: {}, se_from_exp: false, layer_scale_init_value: null }
  return block(m, ConvBnAct, { block_type: 'cn', in_chs: o.in_chs, out_chs: o.out_chs, kernel: o.kernel, stride: o.stride ?? 1, dilation: 1, group_size: o.group_size ?? 0, act: o.act, drop_path: 0, se_rd_ratio: 0, s2d: 0, model, has_skip: false })
}

function s2dStem(m: ModuleBuilder, b: MadeBlock): [number, number | number[], PadType] {
  if (b.s2d !== 1) return [b.in_chs, b.kernel!, b.model.pad_type]
  const sd = b.in_chs * 4
  m.child('conv_s2d', createConv2d(m, b.in_chs, sd, 2, { stride: 2, padding: 'same' }))
  m.child('bn_s2d', normAct(m, b, sd))
  const k = Math.floor(((b.kernel as number) + 1) / 2)
  return [sd, k, k === 2 ? 'same' : b.model.pad_type]
}

/** `DepthwiseSeparableConv`: depthwise `conv_dw`, `bn1`, `aa`, `se`, pointwise `conv_pw`, `bn2`. */
const DepthwiseSeparableConv = defineBlock<Made>({
  name: 'DepthwiseSeparableConv',
  build(b, m) {
    let useAa = b.model.aa !== null && b.stride > 1
    const [inChs, kernel, dwPad] = s2dStem(m, b)
    if (b.s2d === 1) useAa = false
    m.child('conv_dw', createConv2d(m, inChs, inChs, kernel, { stride: useAa ? 1 : b.stride, dilation: b.dilation, padding: dwPad, groups: numGroups(b.group_size ?? 1, inChs) }))
    m.child('bn1', normAct(m, b, inChs))
    m.child('aa', aa(m, b, b.out_chs, useAa))
    m.child('se', se(m, b, inChs))
    m.child('conv_pw', createConv2d(m, inChs, b.out_chs, b.pw_kernel!, { padding: b.model.pad_type }))
    m.child('bn2', normAct(m, b, b.out_chs, b.pw_act === true))
    m.child('drop_path', dropPathOrIdentity(m, b.drop_path))
  },
  forward: (self, inputs, ctx) => residual(self, ['conv_s2d', 'bn_s2d', 'conv_dw', 'bn1', 'aa', 'se', 'conv_pw', 'bn2'], inputs, ctx),
})

function invertedResidual(b: MadeBlock, m: ModuleBuilder): void {
  let useAa = b.model.aa !== null && b.stride > 1
  const [inChs, kernel, dwPad] = s2dStem(m, b)
  if (b.s2d === 1) useAa = false
  const mid = makeDivisible(inChs * b.exp_ratio!)
  const experts = b.num_experts ? { num_experts: b.num_experts } : {}
  m.child('conv_pw', createConv2d(m, inChs, mid, b.exp_kernel!, { padding: b.model.pad_type, ...experts }))
  m.child('bn1', normAct(m, b, mid))
  m.child('conv_dw', createConv2d(m, mid, mid, kernel, { stride: useAa ? 1 : b.stride, dilation: b.dilation, groups: numGroups(b.group_size ?? 1, mid), padding: dwPad, ...experts }))
  m.child('bn2', normAct(m, b, mid))
  m.child('aa', aa(m, b, mid, useAa))
  m.child('se', se(m, b, mid))
  m.child('conv_pwl', createConv2d(m, mid, b.out_chs, b.pw_kernel!, { padding: b.model.pad_type, ...experts }))
  m.child('bn3', normAct(m, b, b.out_chs, false))
  m.child('drop_path', dropPathOrIdentity(m, b.drop_path))
}

const irNames = ['conv_s2d', 'bn_s2d', 'conv_pw', 'bn1', 'conv_dw', 'bn2', 'aa', 'se', 'conv_pwl', 'bn3']

/** `InvertedResidual` (MBConv): 1×1 expansion, depthwise convolution, `se`, 1×1 projection, each with its norm. */
const InvertedResidual = defineBlock<Made>({
  name: 'InvertedResidual',
  build: invertedResidual,
  forward: (self, inputs, ctx) => residual(self, irNames, inputs, ctx),
})

/** `CondConvResidual`: an `InvertedResidual` of `CondConv2d`s with a `routing_fn` choosing the expert mix per sample. */
const CondConvResidual = defineBlock<Made>({
  name: 'CondConvResidual',
  build(b, m) {
    invertedResidual(b, m)
    m.child('routing_fn', nn(m, linear, { in_features: b.in_chs, out_features: b.num_experts! }))
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    // Routing weights: `sigmoid(routing_fn(adaptive_avg_pool2d(x, 1).flatten(1)))`.
    const pooled = ops.adaptiveAvgPool2d(ctx, x, [1, 1])
    ops.sigmoid(ctx, runChild(self, 'routing_fn', ops.flatten(ctx, pooled, 1), ctx))
    return residual(self, irNames, inputs, ctx)
  },
})

/** `EdgeResidual` (FusedMBConv): full `conv_exp`, `bn1`, `aa`, `se`, 1×1 `conv_pwl`, `bn2`. */
const EdgeResidual = defineBlock<Made>({
  name: 'EdgeResidual',
  build(b, m) {
    const mid = makeDivisible((b.force_in_chs || b.in_chs) * b.exp_ratio!)
    const useAa = b.model.aa !== null && b.stride > 1
    m.child('conv_exp', createConv2d(m, b.in_chs, mid, b.exp_kernel!, { stride: useAa ? 1 : b.stride, dilation: b.dilation, groups: numGroups(b.group_size, mid), padding: b.model.pad_type }))
    m.child('bn1', normAct(m, b, mid))
    m.child('aa', aa(m, b, mid, useAa))
    m.child('se', se(m, b, mid))
    m.child('conv_pwl', createConv2d(m, mid, b.out_chs, b.pw_kernel!, { padding: b.model.pad_type }))
    m.child('bn2', normAct(m, b, b.out_chs, false))
    m.child('drop_path', dropPathOrIdentity(m, b.drop_path))
  },
  forward: (self, inputs, ctx) => residual(self, ['conv_exp', 'bn1', 'aa', 'se', 'conv_pwl', 'bn2'], inputs, ctx),
})

/** `UniversalInvertedResidual` (MobileNetV4): optional depthwise `dw_start`, `pw_exp`, optional `dw_mid`, `se`, `pw_proj`, optional `dw_end`, `layer_scale`. */
const UniversalInvertedResidual = defineBlock<Made>({
  name: 'UniversalInvertedResidual',
  build(b, m) {
    const cna = (inCh: number, outCh: number, kernel: number, stride: number, groups: number, applyAct: boolean, withAa: boolean): ModuleNode =>
      convNormAct(m, { in_channels: inCh, out_channels: outCh, kernel_size: kernel, stride, dilation: b.dilation, groups, padding: b.model.pad_type, norm: b.model.norm, normAct: { act: b.act, applyAct }, aa: withAa ? b.model.aa : null })
    const mid = makeDivisible(b.in_chs * b.exp_ratio!)
    m.child('dw_start', b.dw_start ? cna(b.in_chs, b.in_chs, b.dw_start, b.kernel ? 1 : b.stride, numGroups(b.group_size ?? 1, b.in_chs), false, true) : nn(m, identity))
    m.child('pw_exp', cna(b.in_chs, mid, 1, 1, 1, true, false))
    m.child('dw_mid', b.kernel ? cna(mid, mid, b.kernel as number, b.stride, numGroups(b.group_size ?? 1, mid), true, true) : nn(m, identity))
    m.child('se', se(m, b, mid))
    m.child('pw_proj', cna(mid, b.out_chs, 1, 1, 1, false, false))
    m.child('dw_end', b.dw_end ? cna(b.out_chs, b.out_chs, b.dw_end, !b.dw_start && !b.kernel ? b.stride : 1, numGroups(b.group_size ?? 1, b.out_chs), false, false) : nn(m, identity))
    m.child('layer_scale', b.model.layer_scale_init_value !== null ? nn(m, LayerScale2d, { dim: b.out_chs, init_values: b.model.layer_scale_init_value }) : nn(m, identity))
    m.child('drop_path', dropPathOrIdentity(m, b.drop_path))
  },
  forward: (self, inputs, ctx) => residual(self, ['dw_start', 'pw_exp', 'dw_mid', 'se', 'pw_proj', 'dw_end', 'layer_scale'], inputs, ctx),
})

/** `MultiQueryAttention2d`: one query projection per head, one shared key and value (strided by `kv_stride`), then `output`. */
const MultiQueryAttention2d = defineBlock<{ dim: number; dim_out: number; num_heads: number; key_dim: number; value_dim: number; kv_stride: number; dw_kernel_size: number; dilation: number; padding: PadType; norm: NormSpec }>({
  name: 'MultiQueryAttention2d',
  build(a, m) {
    m.child('query', sequentialNamed(m, [['proj', createConv2d(m, a.dim, a.num_heads * a.key_dim, 1)]]))
    const kv = (outCh: number, padded: boolean): ModuleNode => {
      const parts: Array<[string, ModuleNode]> = []
      if (a.kv_stride > 1) {
        parts.push(['down_conv', createConv2d(m, a.dim, a.dim, a.dw_kernel_size, { stride: a.kv_stride, dilation: a.dilation, padding: a.padding, depthwise: true })])
        parts.push(['norm', createNorm(m, a.norm, a.dim)])
      }
      parts.push(['proj', createConv2d(m, a.dim, outCh, 1, padded ? { padding: a.padding } : {})])
      return sequentialNamed(m, parts)
    }
    m.child('key', kv(a.key_dim, true))
    m.child('value', kv(a.value_dim, false))
    m.child('attn_drop', nn(m, dropout, { p: 0 }))
    m.child('output', sequentialNamed(m, [['proj', createConv2d(m, a.value_dim * a.num_heads, a.dim_out, 1)], ['drop', nn(m, dropout, { p: 0 })]]))
  },
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const a = self.args
    if (x.shape.length !== 4) throw ctx.error(`expects (N, C, H, W), got shape ${formatShape(x.shape)}.`)
    const [b, , h, w] = x.shape as [number, number, number, number]
    // Each projection is reshaped to (B, heads, tokens, dim) and made contiguous (a copy); one key and value head serve every query head.
    const q = ops.copy(ctx, runChild(self, 'query', x, ctx), [b, a.num_heads, h * w, a.key_dim])
    const kOut = runChild(self, 'key', x, ctx)
    const kvTokens = kOut.shape[2]! * kOut.shape[3]!
    const k = ops.copy(ctx, kOut, [b, 1, kvTokens, a.key_dim])
    const v = ops.copy(ctx, runChild(self, 'value', x, ctx), [b, 1, kvTokens, a.value_dim])
    const attended = attend(ctx, q, k, v)
    // transpose + reshape to (B, H, W, heads × dim) copies, then permute + contiguous copies again.
    const flat = ops.copy(ctx, attended, [b, h, w, a.num_heads * a.value_dim])
    return runChild(self, 'output', ops.copy(ctx, flat, [b, a.num_heads * a.value_dim, h, w]), ctx)
  },
})

/** `MobileAttention` (MobileNetV4 hybrid): `norm` (without activation), multi-query `attn`, `layer_scale`, `drop_path`. */
const MobileAttention = defineBlock<Made>({
  name: 'MobileAttention',
  build(b, m) {
    m.child('norm', normAct(m, b, b.in_chs, false))
    m.child(
      'attn',
      block(m, MultiQueryAttention2d, { dim: b.in_chs, dim_out: b.out_chs, num_heads: b.num_heads!, key_dim: b.key_dim!, value_dim: b.key_dim!, kv_stride: b.kv_stride!, dw_kernel_size: b.kernel as number, dilation: b.dilation, padding: b.model.pad_type, norm: b.model.norm }),
    )
    m.child('layer_scale', b.model.layer_scale_init_value !== null ? nn(m, LayerScale2d, { dim: b.out_chs, init_values: b.model.layer_scale_init_value }) : nn(m, identity))
    m.child('drop_path', dropPathOrIdentity(m, b.drop_path))
  },
  forward: (self, inputs, ctx) => residual(self, ['norm', 'attn', 'layer_scale'], inputs, ctx),
})

/** `EfficientNetBuilder`: decodes each stage's block strings and builds the stages, with dilation, drop path and SE ratios as timm sets them. */
export function buildStages(m: ModuleBuilder, inChs: number, stages: readonly (readonly string[])[], options: BuilderArgs & { act: ActName; round: RoundChannels; drop_path_rate: number; output_stride: number }): { stages: ModuleNode[]; outChs: number } {
  const decoded = stages.map((stage) => stage.flatMap((text) => {
    const [args, repeats] = decodeBlock(text)
    return Array.from({ length: repeats }, () => ({ ...args }))
  }))
  const total = decoded.reduce((s, st) => s + st.length, 0)
  let index = 0
  let currentStride = 2
  let currentDilation = 1
  let space2depth = 0
  const built: ModuleNode[] = []
  for (const stage of decoded) {
    const blocks: ModuleNode[] = []
    stage.forEach((ba, blockIndex) => {
      if (blockIndex >= 1) ba.stride = 1
      let s2d = 0
      if (!space2depth && ba.s2d) space2depth = 1
      if (space2depth > 0) {
        if (space2depth === 2 && ba.stride === 2) {
          ba.stride = 1
          ba.exp_ratio = ba.exp_ratio! / 4
          space2depth = 0
        } else {
          s2d = space2depth
        }
      }
      let nextDilation = currentDilation
      if (ba.stride > 1) {
        const next = currentStride * ba.stride
        if (next > options.output_stride) {
          nextDilation = currentDilation * ba.stride
          ba.stride = 1
        } else {
          currentStride = next
        }
      }
      const dilation = currentDilation
      currentDilation = nextDilation
      let outChs = roundChannels(ba.out_chs, options.round)
      if (s2d > 0) outChs *= 4
      let seRatio = ba.se_ratio ?? 0
      if (seRatio) {
        if (!options.se_from_exp) seRatio /= ba.exp_ratio ?? 1
        if (s2d === 1) seRatio /= 4
      }
      const made: Made = {
        ...ba,
        in_chs: inChs,
        out_chs: outChs,
        force_in_chs: ba.force_in_chs ? roundChannels(ba.force_in_chs, options.round) : 0,
        act: ba.act ?? options.act,
        dilation,
        drop_path: (options.drop_path_rate * index) / total,
        se_rd_ratio: seRatio,
        s2d,
        model: options,
        has_skip: false,
      }
      const sameShape = inChs === outChs && made.stride === 1
      const def = (() => {
        switch (ba.block_type) {
          case 'ir':
            made.has_skip = sameShape && !made.noskip
            return made.num_experts ? CondConvResidual : InvertedResidual
          case 'ds':
          case 'dsa':
            made.has_skip = sameShape && !made.noskip
            return DepthwiseSeparableConv
          case 'er':
            made.has_skip = sameShape && !made.noskip
            return EdgeResidual
          case 'cn':
            made.has_skip = made.skip === true && sameShape
            return ConvBnAct
          case 'uir':
            made.has_skip = sameShape && !made.noskip
            return UniversalInvertedResidual
          case 'mqa':
            made.has_skip = sameShape && !made.noskip
            return MobileAttention
        }
      })()
      blocks.push(block(m, def, made))
      if (space2depth === 1) space2depth = 2
      inChs = outChs
      index++
    })
    built.push(sequential(m, blocks))
  }
  return { stages: built, outChs: inChs }
}

