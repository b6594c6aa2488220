import { bool, float, int, ints, str } from '../../bind/args.js'
import type { ArgSpec } from '../../bind/args.js'
import { showValue, typeName } from '../../contract/values.js'
import { NnsizeError } from '../../errors.js'
import { raise } from '../../interpret/exceptions.js'
import type { ModuleBuilder } from '../../layers/define-layer.js'
import type { ModuleNode } from '../../model/module.js'
import type { ForwardContext, Tensor } from '../../forward/trace.js'
import { block, defineBlock, nn, runChild, sequential } from '../torchvision/core.js'
import * as ops from '../torchvision/ops.js'
import { aaLayerSpec, actLayerSpec, commonSignature, defineFamily, normLayerSpec } from './family.js'
import type { CommonArgs } from './family.js'
import { createAct } from './layers/activations.js'
import type { ActName } from './layers/activations.js'
import { createClassifier } from './layers/classifier.js'
import { DropBlock2d, DropPath } from './layers/drop.js'
import { getPadding } from './layers/helpers.js'
import { createNorm } from './layers/norm.js'
import type { NormSpec } from './layers/norm.js'
import { AvgPool2dSame, createAa } from './layers/pool.js'
import type { AaName } from './layers/pool.js'
import { createAttn } from './layers/squeeze-excite.js'
import type { AttnSpec } from './layers/squeeze-excite.js'
import { subclass } from './layers/helpers.js'
import { conv2d } from '../../layers/conv.js'
import { identity as identityLayer } from '../../layers/linear.js'
import { avgPool2d, maxPool2d } from '../../layers/pool.js'

/**
 * timm's `ResNet` (`timm.models.resnet`): ResNet, ResNet-B/C/D/S/T stems and average-pool
 * downsampling (ResNet-D), ResNeXt, SE-/ECA-ResNet(X), ResNet-RS, SENet-154, anti-aliased and
 * Wide ResNets, from one class whose arguments each model sets.
 */

type BlockKind = 'basic' | 'bottleneck'

interface BlockArgs {
  kind: BlockKind
  inplanes: number
  planes: number
  stride: number
  downsample: ModuleNode | null
  cardinality: number
  base_width: number
  reduce_first: number
  dilation: number
  first_dilation: number
  act: ActName
  norm: NormSpec
  attn: AttnSpec
  aa: AaName | null
  drop_block: number
  drop_block_size: number
  drop_block_gamma: number
  drop_path: number
}

const expansion = (kind: BlockKind): number => (kind === 'basic' ? 1 : 4)

function dropBlock(m: ModuleBuilder, a: BlockArgs): ModuleNode {
  return a.drop_block > 0 ? nn(m, DropBlock2d, { drop_prob: a.drop_block, block_size: a.drop_block_size, gamma_scale: a.drop_block_gamma }) : nn(m, identityLayer)
}

function conv(m: ModuleBuilder, inCh: number, outCh: number, kernel: number, stride = 1, padding = 0, dilation = 1, groups = 1): ModuleNode {
  return nn(m, conv2d, { in_channels: inCh, out_channels: outCh, kernel_size: kernel, stride, padding, dilation, groups, bias: false })
}

function aaLayer(m: ModuleBuilder, a: BlockArgs, channels: number, useAa: boolean): ModuleNode {
  return useAa ? createAa(m, a.aa!, channels, a.stride) : nn(m, identityLayer)
}

/** The tail shared by both blocks: attention, drop path, the shortcut and the last activation. */
function residualTail(self: ModuleNode, shortcut: Tensor, x: Tensor, act: string, ctx: ForwardContext): Tensor {
  if (self.children.has('se')) x = runChild(self, 'se', x, ctx)
  if (self.children.has('drop_path')) x = runChild(self, 'drop_path', x, ctx)
  const identity = self.children.has('downsample') ? runChild(self, 'downsample', shortcut, ctx) : shortcut
  return runChild(self, act, ops.addInPlace(ctx, x, identity), ctx)
}

function tail(m: ModuleBuilder, a: BlockArgs, outplanes: number, last: string): void {
  const se = createAttn(m, a.attn, outplanes)
  if (se) m.child('se', se)
  m.child(last, createAct(m, a.act, true))
  if (a.downsample) m.child('downsample', a.downsample)
  if (a.drop_path > 0) m.child('drop_path', nn(m, DropPath, { drop_prob: a.drop_path }))
}

/** `BasicBlock`: two 3×3 convolutions (ResNet-18/34). */
const BasicBlock = defineBlock<BlockArgs>({
  name: 'BasicBlock',
  build(a, m) {
    const first = Math.floor(a.planes / a.reduce_first)
    const useAa = a.aa !== null && (a.stride === 2 || a.first_dilation !== a.dilation)
    m.child('conv1', conv(m, a.inplanes, first, 3, useAa ? 1 : a.stride, a.first_dilation, a.first_dilation))
    m.child('bn1', createNorm(m, a.norm, first))
    m.child('drop_block', dropBlock(m, a))
    m.child('act1', createAct(m, a.act, true))
    m.child('aa', aaLayer(m, a, first, useAa))
    m.child('conv2', conv(m, first, a.planes, 3, 1, a.dilation, a.dilation))
    m.child('bn2', createNorm(m, a.norm, a.planes))
    tail(m, a, a.planes, 'act2')
  },
  forward(self, inputs, ctx) {
    let x = inputs[0]!
    for (const name of ['conv1', 'bn1', 'drop_block', 'act1', 'aa', 'conv2', 'bn2']) x = runChild(self, name, x, ctx)
    return residualTail(self, inputs[0]!, x, 'act2', ctx)
  },
})

/** `Bottleneck`: 1×1, grouped 3×3 and 1×1 convolutions (ResNet-50 and deeper, ResNeXt). */
const Bottleneck = defineBlock<BlockArgs>({
  name: 'Bottleneck',
  build(a, m) {
    const width = Math.floor(a.planes * (a.base_width / 64)) * a.cardinality
    const first = Math.floor(width / a.reduce_first)
    const outplanes = a.planes * 4
    const useAa = a.aa !== null && (a.stride === 2 || a.first_dilation !== a.dilation)
    m.child('conv1', conv(m, a.inplanes, first, 1))
    m.child('bn1', createNorm(m, a.norm, first))
    m.child('act1', createAct(m, a.act, true))
    m.child('conv2', conv(m, first, width, 3, useAa ? 1 : a.stride, a.first_dilation, a.first_dilation, a.cardinality))
    m.child('bn2', createNorm(m, a.norm, width))
    m.child('drop_block', dropBlock(m, a))
    m.child('act2', createAct(m, a.act, true))
    m.child('aa', aaLayer(m, a, width, useAa))
    m.child('conv3', conv(m, width, outplanes, 1))
    m.child('bn3', createNorm(m, a.norm, outplanes))
    tail(m, a, outplanes, 'act3')
  },
  forward(self, inputs, ctx) {
    let x = inputs[0]!
    for (const name of ['conv1', 'bn1', 'act1', 'conv2', 'bn2', 'drop_block', 'act2', 'aa', 'conv3', 'bn3']) x = runChild(self, name, x, ctx)
    return residualTail(self, inputs[0]!, x, 'act3', ctx)
  },
})

/** Arguments of timm's `ResNet`. */
export interface ResNetArgs extends CommonArgs {
  block: BlockKind | readonly BlockKind[]
  layers: readonly number[]
  output_stride: number
  cardinality: number
  base_width: number
  stem_width: number
  stem_type: '' | 'deep' | 'deep_tiered'
  replace_stem_pool: boolean
  block_reduce_first: number
  down_kernel_size: number
  avg_down: boolean
  channels: readonly number[]
  act_layer: ActName
  norm_layer: NormSpec
  aa_layer: AaName | null
  drop_block_rate: number
  /** timm's models give `block_args=dict(attn_layer=…)`; nnsize's variants set `attn_layer` alone. */
  attn_layer: AttnSpec
  /** The caller's `block_args`, which replace the model's own (`{}`: blocks without attention). */
  block_args: { attn_layer: AttnSpec } | null
  zero_init_last: boolean
}

function downsampleConv(m: ModuleBuilder, a: ResNetArgs, inCh: number, outCh: number, stride: number, dilation: number, firstDilation: number): ModuleNode {
  const kernel = stride === 1 && dilation === 1 ? 1 : a.down_kernel_size
  const d = kernel > 1 ? firstDilation || dilation : 1
  return sequential(m, [conv(m, inCh, outCh, kernel, stride, getPadding(kernel, stride, d), d), createNorm(m, a.norm_layer, outCh)])
}

function downsampleAvg(m: ModuleBuilder, a: ResNetArgs, inCh: number, outCh: number, stride: number, dilation: number): ModuleNode {
  const avgStride = dilation === 1 ? stride : 1
  let pool: ModuleNode
  if (stride === 1 && dilation === 1) pool = nn(m, identityLayer)
  else if (avgStride === 1 && dilation > 1) pool = subclass(m, avgPool2d, { kernel_size: [2, 2], stride: [avgStride, avgStride], padding: 0, ceil_mode: true, count_include_pad: false }, AvgPool2dSame)
  else pool = nn(m, avgPool2d, { kernel_size: 2, stride: avgStride, ceil_mode: true, count_include_pad: false })
  return sequential(m, [pool, conv(m, inCh, outCh, 1), createNorm(m, a.norm_layer, outCh)])
}

/** `make_blocks`: the four stages `layer1` … `layer4`, with their dilation, downsampling and drop rates. */
function makeStages(m: ModuleBuilder, a: ResNetArgs, inplanes: number): Array<[string, ModuleNode]> {
  const kinds = typeof a.block === 'string' ? a.channels.map(() => a.block as BlockKind) : (a.block as readonly BlockKind[])
  const total = a.layers.reduce((s, n) => s + n, 0)
  const stages: Array<[string, ModuleNode]> = []
  let netStride = 4
  let dilation = 1
  let prevDilation = 1
  let blockIndex = 0
  a.channels.forEach((planes, stageIndex) => {
    const kind = kinds[stageIndex]!
    let stride = stageIndex === 0 ? 1 : 2
    if (netStride >= a.output_stride) {
      dilation *= stride
      stride = 1
    } else {
      netStride *= stride
    }
    const outCh = planes * expansion(kind)
    let downsample: ModuleNode | null = null
    if (stride !== 1 || inplanes !== outCh) {
      downsample = a.avg_down ? downsampleAvg(m, a, inplanes, outCh, stride, dilation) : downsampleConv(m, a, inplanes, outCh, stride, dilation, prevDilation)
    }
    const dropBlockRate = stageIndex >= 2 && a.drop_block_rate ? a.drop_block_rate : 0
    const blocks: ModuleNode[] = []
    for (let i = 0; i < a.layers[stageIndex]!; i++) {
      const dp = total > 1 ? (a.drop_path_rate * blockIndex) / (total - 1) : 0
      blocks.push(
        block(m, kind === 'basic' ? BasicBlock : Bottleneck, {
          kind,
          inplanes,
          planes,
          stride: i === 0 ? stride : 1,
          downsample: i === 0 ? downsample : null,
          cardinality: a.cardinality,
          base_width: a.base_width,
          reduce_first: a.block_reduce_first,
          dilation,
          first_dilation: prevDilation,
          act: a.act_layer,
          norm: a.norm_layer,
          attn: a.block_args ? a.block_args.attn_layer : a.attn_layer,
          aa: a.aa_layer,
          drop_block: dropBlockRate,
          drop_block_size: stageIndex === 2 ? 5 : 3,
          drop_block_gamma: stageIndex === 2 ? 0.25 : 1,
          drop_path: dp,
        }),
      )
      prevDilation = dilation
      inplanes = outCh
      blockIndex++
    }
    stages.push([`layer${stageIndex + 1}`, sequential(m, blocks)])
  })
  return stages
}

const stemTypes = ['', 'deep', 'deep_tiered'] as const

/** What `make_blocks` and the block call pass themselves: in `block_args`, Python's `TypeError` (multiple values). */
const blockArgsTaken: ReadonlySet<string> = new Set(['block_fns', 'channels', 'block_repeats', 'inplanes', 'reduce_first', 'output_stride', 'down_kernel_size', 'avg_down', 'drop_block_rate', 'drop_path_rate', 'cardinality', 'base_width', 'act_layer', 'norm_layer', 'aa_layer', 'dilation', 'drop_block', 'planes', 'stride', 'downsample', 'first_dilation', 'drop_path', 'device', 'dtype'])
/** `get_attn` names whose layers nnsize does not build. */
const attnNotBuilt: ReadonlySet<string> = new Set(['ceca', 'ge', 'gc', 'gca', 'cbam', 'lcbam', 'coord', 'scoord', 'ela', 'strip', 'sk', 'splat', 'lambda', 'bottleneck', 'halo', 'nl', 'bat'])

/**
 * `block_args`: extra keywords for every block, replacing the model's own (`seresnet50` gives
 * `dict(attn_layer='se')`). Only `attn_layer` reaches the blocks (a `get_attn` name, a bool, or None); the other block
 * keywords are passed by `make_blocks` itself.
 */
const blockArgsSpec: ArgSpec<{ attn_layer: AttnSpec }> = {
  name: 'block_args',
  required: true,
  coerce(value, span, name) {
    if (value.kind !== 'dict') throw new NnsizeError('argument-type', `\`${name}\` must be a dict of block keywords such as \`dict(attn_layer='se')\`, got ${typeName(value)} \`${showValue(value)}\`.`, { span })
    let attn: AttnSpec = null
    for (const [key, v] of value.entries) {
      const k = key.kind === 'str' ? key.value : showValue(key)
      if (blockArgsTaken.has(k)) throw new NnsizeError('too-many-arguments', `\`${name}\`: the blocks get \`${k}\` from \`make_blocks\` already: TypeError: got multiple values for keyword argument '${k}'.`, { span })
      if (k !== 'attn_layer') throw new NnsizeError('unknown-argument', `\`${name}\`: the blocks got an unexpected keyword argument '${k}' (TypeError); they take \`attn_layer\` here.`, { span })
      if (v.kind === 'none' || (v.kind === 'bool' && !v.value)) attn = null
      else if (v.kind === 'bool') attn = 'se'
      else if (v.kind === 'str') {
        const type = v.value.toLowerCase()
        if (type === 'se' || type === 'ese' || type === 'eca' || type === 'ecam') attn = type
        else if (attnNotBuilt.has(type)) throw new NnsizeError('unsupported', `\`${name}\`: attention layer '${type}' is not built by nnsize yet; it builds 'se', 'ese', 'eca' and 'ecam'.`, { span })
        else if (type === '') attn = null
        else raise('AssertionError', 'argument-value', `\`${name}\`: Invalid attn module (${v.value}); valid: 'se', 'ese', 'eca', 'ecam', … or None.`, span)
      } else throw new NnsizeError('unsupported', `\`${name}\`: \`attn_layer\` as ${typeName(v)} \`${showValue(v)}\` is not supported; give one of timm's names ('se', 'eca').`, { span })
    }
    return { attn_layer: attn }
  },
}


/** timm's `ResNet` and every model registered in `timm.models.resnet`. */
export const resnet = defineFamily<ResNetArgs>({
  module: 'resnet',
  className: 'ResNet',
  defaults: {
    block: 'basic',
    layers: [2, 2, 2, 2],
    num_classes: 1000,
    in_chans: 3,
    output_stride: 32,
    global_pool: 'avg',
    cardinality: 1,
    base_width: 64,
    stem_width: 64,
    stem_type: '',
    replace_stem_pool: false,
    block_reduce_first: 1,
    down_kernel_size: 1,
    avg_down: false,
    channels: [64, 128, 256, 512],
    act_layer: 'relu',
    norm_layer: 'batchnorm2d',
    aa_layer: null,
    drop_rate: 0,
    drop_path_rate: 0,
    drop_block_rate: 0,
    attn_layer: null,
    block_args: null,
    zero_init_last: true,
  },
  signature: [
    ...commonSignature,
    ints('layers', 4, { min: 1 }),
    int('output_stride', { min: 8 }),
    int('cardinality', { min: 1 }),
    int('base_width', { min: 1 }),
    int('stem_width', { min: 1 }),
    str('stem_type', { choices: stemTypes }),
    bool('replace_stem_pool'),
    int('block_reduce_first', { min: 1 }),
    int('down_kernel_size', { min: 1 }),
    bool('avg_down'),
    float('drop_block_rate'),
    bool('zero_init_last'),
    ints('channels', 4, { min: 1 }),
    actLayerSpec('act_layer', { inplace: true }),
    normLayerSpec('norm_layer', ['batchnorm2d', 'groupnorm', 'groupnorm1', 'layernorm2d', 'rmsnorm2d', 'simplenorm2d'] as const),
    aaLayerSpec(),
    blockArgsSpec,
  ],
  validate(a, fail) {
    if (![8, 16, 32].includes(a.output_stride)) fail('output_stride', `\`output_stride\` must be 8, 16 or 32, got ${a.output_stride}.`)
    const kinds = typeof a.block === 'string' ? [a.block] : a.block
    if (kinds.includes('basic') && a.cardinality !== 1) fail('cardinality', `BasicBlock only supports a \`cardinality\` of 1, got ${a.cardinality}.`)
    if (kinds.includes('basic') && a.base_width !== 64) fail('base_width', `BasicBlock does not support changing \`base_width\` (64), got ${a.base_width}.`)
    if (a.layers.length !== a.channels.length) fail('layers', `\`layers\` needs one count per stage (${a.channels.length}), got ${a.layers.length}.`)
  },
  build(a, m) {
    const deep = a.stem_type.includes('deep')
    const inplanes = deep ? a.stem_width * 2 : 64
    if (deep) {
      const stem = a.stem_type.includes('tiered') ? [3 * Math.floor(a.stem_width / 4), a.stem_width] : [a.stem_width, a.stem_width]
      m.child(
        'conv1',
        sequential(m, [
          conv(m, a.in_chans, stem[0]!, 3, 2, 1),
          createNorm(m, a.norm_layer, stem[0]!),
          createAct(m, a.act_layer, true)!,
          conv(m, stem[0]!, stem[1]!, 3, 1, 1),
          createNorm(m, a.norm_layer, stem[1]!),
          createAct(m, a.act_layer, true)!,
          conv(m, stem[1]!, inplanes, 3, 1, 1),
        ]),
      )
    } else {
      m.child('conv1', conv(m, a.in_chans, inplanes, 7, 2, 3))
    }
    m.child('bn1', createNorm(m, a.norm_layer, inplanes))
    m.child('act1', createAct(m, a.act_layer, true))
    if (a.replace_stem_pool) {
      const parts = [conv(m, inplanes, inplanes, 3, a.aa_layer ? 1 : 2, 1)]
      if (a.aa_layer) parts.push(createAa(m, a.aa_layer, inplanes, 2))
      parts.push(createNorm(m, a.norm_layer, inplanes), createAct(m, a.act_layer, true)!)
      m.child('maxpool', sequential(m, parts))
    } else if (a.aa_layer === 'avg') {
      m.child('maxpool', nn(m, avgPool2d, { kernel_size: 2 }))
    } else if (a.aa_layer) {
      m.child('maxpool', sequential(m, [nn(m, maxPool2d, { kernel_size: 3, stride: 1, padding: 1 }), createAa(m, a.aa_layer, inplanes, 2)]))
    } else {
      m.child('maxpool', nn(m, maxPool2d, { kernel_size: 3, stride: 2, padding: 1 }))
    }
    for (const [name, stage] of makeStages(m, a, inplanes)) m.child(name, stage)
    const last = typeof a.block === 'string' ? a.block : a.block.at(-1)!
    const [pool, fc] = createClassifier(m, a.channels.at(-1)! * expansion(last), a.num_classes, a.global_pool)
    m.child('global_pool', pool)
    m.child('fc', fc)
  },
  forward(self, inputs, ctx) {
    let x = inputs[0]!
    for (const name of ['conv1', 'bn1', 'act1', 'maxpool', 'layer1', 'layer2', 'layer3', 'layer4', 'global_pool']) x = runChild(self, name, x, ctx)
    x = ops.dropout(ctx, x, self.args.drop_rate, self.training)
    return runChild(self, 'fc', x, ctx)
  },
  variants: {
    ecaresnet26t: { block: 'bottleneck', layers: [2, 2, 2, 2], stem_width: 32, stem_type: 'deep_tiered', avg_down: true, attn_layer: 'eca' },
    ecaresnet50d: { block: 'bottleneck', layers: [3, 4, 6, 3], stem_width: 32, stem_type: 'deep', avg_down: true, attn_layer: 'eca' },
    ecaresnet50t: { block: 'bottleneck', layers: [3, 4, 6, 3], stem_width: 32, stem_type: 'deep_tiered', avg_down: true, attn_layer: 'eca' },
    ecaresnet101d: { block: 'bottleneck', layers: [3, 4, 23, 3], stem_width: 32, stem_type: 'deep', avg_down: true, attn_layer: 'eca' },
    ecaresnet200d: { block: 'bottleneck', layers: [3, 24, 36, 3], stem_width: 32, stem_type: 'deep', avg_down: true, attn_layer: 'eca' },
    ecaresnet269d: { block: 'bottleneck', layers: [3, 30, 48, 8], stem_width: 32, stem_type: 'deep', avg_down: true, attn_layer: 'eca' },
    ecaresnetlight: { block: 'bottleneck', layers: [1, 1, 11, 3], stem_width: 32, avg_down: true, attn_layer: 'eca' },
    ecaresnext26t_32x4d: { block: 'bottleneck', layers: [2, 2, 2, 2], cardinality: 32, base_width: 4, stem_width: 32, stem_type: 'deep_tiered', avg_down: true, attn_layer: 'eca' },
    ecaresnext50t_32x4d: { block: 'bottleneck', layers: [2, 2, 2, 2], cardinality: 32, base_width: 4, stem_width: 32, stem_type: 'deep_tiered', avg_down: true, attn_layer: 'eca' },
    resnet10t: { block: 'basic', layers: [1, 1, 1, 1], stem_width: 32, stem_type: 'deep_tiered', avg_down: true },
    resnet14t: { block: 'bottleneck', layers: [1, 1, 1, 1], stem_width: 32, stem_type: 'deep_tiered', avg_down: true },
    resnet18: { block: 'basic', layers: [2, 2, 2, 2] },
    resnet18d: { block: 'basic', layers: [2, 2, 2, 2], stem_width: 32, stem_type: 'deep', avg_down: true },
    resnet26: { block: 'bottleneck', layers: [2, 2, 2, 2] },
    resnet26d: { block: 'bottleneck', layers: [2, 2, 2, 2], stem_width: 32, stem_type: 'deep', avg_down: true },
    resnet26t: { block: 'bottleneck', layers: [2, 2, 2, 2], stem_width: 32, stem_type: 'deep_tiered', avg_down: true },
    resnet34: { block: 'basic', layers: [3, 4, 6, 3] },
    resnet34d: { block: 'basic', layers: [3, 4, 6, 3], stem_width: 32, stem_type: 'deep', avg_down: true },
    resnet50: { block: 'bottleneck', layers: [3, 4, 6, 3] },
    resnet50_gn: { block: 'bottleneck', layers: [3, 4, 6, 3], norm_layer: 'groupnorm' },
    resnet50c: { block: 'bottleneck', layers: [3, 4, 6, 3], stem_width: 32, stem_type: 'deep' },
    resnet50d: { block: 'bottleneck', layers: [3, 4, 6, 3], stem_width: 32, stem_type: 'deep', avg_down: true },
    resnet50s: { block: 'bottleneck', layers: [3, 4, 6, 3], stem_width: 64, stem_type: 'deep' },
    resnet50t: { block: 'bottleneck', layers: [3, 4, 6, 3], stem_width: 32, stem_type: 'deep_tiered', avg_down: true },
    resnet101: { block: 'bottleneck', layers: [3, 4, 23, 3] },
    resnet101c: { block: 'bottleneck', layers: [3, 4, 23, 3], stem_width: 32, stem_type: 'deep' },
    resnet101d: { block: 'bottleneck', layers: [3, 4, 23, 3], stem_width: 32, stem_type: 'deep', avg_down: true },
    resnet101s: { block: 'bottleneck', layers: [3, 4, 23, 3], stem_width: 64, stem_type: 'deep' },
    resnet152: { block: 'bottleneck', layers: [3, 8, 36, 3] },
    resnet152c: { block: 'bottleneck', layers: [3, 8, 36, 3], stem_width: 32, stem_type: 'deep' },
    resnet152d: { block: 'bottleneck', layers: [3, 8, 36, 3], stem_width: 32, stem_type: 'deep', avg_down: true },
    resnet152s: { block: 'bottleneck', layers: [3, 8, 36, 3], stem_width: 64, stem_type: 'deep' },
    resnet200: { block: 'bottleneck', layers: [3, 24, 36, 3] },
    resnet200d: { block: 'bottleneck', layers: [3, 24, 36, 3], stem_width: 32, stem_type: 'deep', avg_down: true },
    resnetaa34d: { block: 'basic', layers: [3, 4, 6, 3], aa_layer: 'avg', stem_width: 32, stem_type: 'deep', avg_down: true },
    resnetaa50: { block: 'bottleneck', layers: [3, 4, 6, 3], aa_layer: 'avg' },
    resnetaa50d: { block: 'bottleneck', layers: [3, 4, 6, 3], aa_layer: 'avg', stem_width: 32, stem_type: 'deep', avg_down: true },
    resnetaa101d: { block: 'bottleneck', layers: [3, 4, 23, 3], aa_layer: 'avg', stem_width: 32, stem_type: 'deep', avg_down: true },
    resnetblur18: { block: 'basic', layers: [2, 2, 2, 2], aa_layer: 'blur' },
    resnetblur50: { block: 'bottleneck', layers: [3, 4, 6, 3], aa_layer: 'blur' },
    resnetblur50d: { block: 'bottleneck', layers: [3, 4, 6, 3], aa_layer: 'blur', stem_width: 32, stem_type: 'deep', avg_down: true },
    resnetblur101d: { block: 'bottleneck', layers: [3, 4, 23, 3], aa_layer: 'blur', stem_width: 32, stem_type: 'deep', avg_down: true },
    resnetrs50: { block: 'bottleneck', layers: [3, 4, 6, 3], stem_width: 32, stem_type: 'deep', replace_stem_pool: true, avg_down: true, attn_layer: ['se', { rd_ratio: 0.25 }] },
    resnetrs101: { block: 'bottleneck', layers: [3, 4, 23, 3], stem_width: 32, stem_type: 'deep', replace_stem_pool: true, avg_down: true, attn_layer: ['se', { rd_ratio: 0.25 }] },
    resnetrs152: { block: 'bottleneck', layers: [3, 8, 36, 3], stem_width: 32, stem_type: 'deep', replace_stem_pool: true, avg_down: true, attn_layer: ['se', { rd_ratio: 0.25 }] },
    resnetrs200: { block: 'bottleneck', layers: [3, 24, 36, 3], stem_width: 32, stem_type: 'deep', replace_stem_pool: true, avg_down: true, attn_layer: ['se', { rd_ratio: 0.25 }] },
    resnetrs270: { block: 'bottleneck', layers: [4, 29, 53, 4], stem_width: 32, stem_type: 'deep', replace_stem_pool: true, avg_down: true, attn_layer: ['se', { rd_ratio: 0.25 }] },
    resnetrs350: { block: 'bottleneck', layers: [4, 36, 72, 4], stem_width: 32, stem_type: 'deep', replace_stem_pool: true, avg_down: true, attn_layer: ['se', { rd_ratio: 0.25 }] },
    resnetrs420: { block: 'bottleneck', layers: [4, 44, 87, 4], stem_width: 32, stem_type: 'deep', replace_stem_pool: true, avg_down: true, attn_layer: ['se', { rd_ratio: 0.25 }] },
    resnext50_32x4d: { block: 'bottleneck', layers: [3, 4, 6, 3], cardinality: 32, base_width: 4 },
    resnext50d_32x4d: { block: 'bottleneck', layers: [3, 4, 6, 3], cardinality: 32, base_width: 4, stem_width: 32, stem_type: 'deep', avg_down: true },
    resnext101_32x4d: { block: 'bottleneck', layers: [3, 4, 23, 3], cardinality: 32, base_width: 4 },
    resnext101_32x8d: { block: 'bottleneck', layers: [3, 4, 23, 3], cardinality: 32, base_width: 8 },
    resnext101_32x16d: { block: 'bottleneck', layers: [3, 4, 23, 3], cardinality: 32, base_width: 16 },
    resnext101_32x32d: { block: 'bottleneck', layers: [3, 4, 23, 3], cardinality: 32, base_width: 32 },
    resnext101_64x4d: { block: 'bottleneck', layers: [3, 4, 23, 3], cardinality: 64, base_width: 4 },
    senet154: { block: 'bottleneck', layers: [3, 8, 36, 3], cardinality: 64, base_width: 4, stem_type: 'deep', down_kernel_size: 3, block_reduce_first: 2, attn_layer: 'se' },
    seresnet18: { block: 'basic', layers: [2, 2, 2, 2], attn_layer: 'se' },
    seresnet34: { block: 'basic', layers: [3, 4, 6, 3], attn_layer: 'se' },
    seresnet50: { block: 'bottleneck', layers: [3, 4, 6, 3], attn_layer: 'se' },
    seresnet50t: { block: 'bottleneck', layers: [3, 4, 6, 3], stem_width: 32, stem_type: 'deep_tiered', avg_down: true, attn_layer: 'se' },
    seresnet101: { block: 'bottleneck', layers: [3, 4, 23, 3], attn_layer: 'se' },
    seresnet152: { block: 'bottleneck', layers: [3, 8, 36, 3], attn_layer: 'se' },
    seresnet152d: { block: 'bottleneck', layers: [3, 8, 36, 3], stem_width: 32, stem_type: 'deep', avg_down: true, attn_layer: 'se' },
    seresnet200d: { block: 'bottleneck', layers: [3, 24, 36, 3], stem_width: 32, stem_type: 'deep', avg_down: true, attn_layer: 'se' },
    seresnet269d: { block: 'bottleneck', layers: [3, 30, 48, 8], stem_width: 32, stem_type: 'deep', avg_down: true, attn_layer: 'se' },
    seresnetaa50d: { block: 'bottleneck', layers: [3, 4, 6, 3], aa_layer: 'avg', stem_width: 32, stem_type: 'deep', avg_down: true, attn_layer: 'se' },
    seresnext26d_32x4d: { block: 'bottleneck', layers: [2, 2, 2, 2], cardinality: 32, base_width: 4, stem_width: 32, stem_type: 'deep', avg_down: true, attn_layer: 'se' },
    seresnext26t_32x4d: { block: 'bottleneck', layers: [2, 2, 2, 2], cardinality: 32, base_width: 4, stem_width: 32, stem_type: 'deep_tiered', avg_down: true, attn_layer: 'se' },
    seresnext50_32x4d: { block: 'bottleneck', layers: [3, 4, 6, 3], cardinality: 32, base_width: 4, attn_layer: 'se' },
    seresnext101_32x4d: { block: 'bottleneck', layers: [3, 4, 23, 3], cardinality: 32, base_width: 4, attn_layer: 'se' },
    seresnext101_32x8d: { block: 'bottleneck', layers: [3, 4, 23, 3], cardinality: 32, base_width: 8, attn_layer: 'se' },
    seresnext101_64x4d: { block: 'bottleneck', layers: [3, 4, 23, 3], cardinality: 64, base_width: 4, attn_layer: 'se' },
    seresnext101d_32x8d: { block: 'bottleneck', layers: [3, 4, 23, 3], cardinality: 32, base_width: 8, stem_width: 32, stem_type: 'deep', avg_down: true, attn_layer: 'se' },
    seresnextaa101d_32x8d: { block: 'bottleneck', layers: [3, 4, 23, 3], cardinality: 32, base_width: 8, stem_width: 32, stem_type: 'deep', avg_down: true, aa_layer: 'avg', attn_layer: 'se' },
    seresnextaa201d_32x8d: { block: 'bottleneck', layers: [3, 24, 36, 4], cardinality: 32, base_width: 8, stem_width: 64, stem_type: 'deep', avg_down: true, aa_layer: 'avg', attn_layer: 'se' },
    test_resnet: { block: ['basic', 'basic', 'bottleneck', 'basic'], layers: [1, 1, 1, 1], stem_width: 16, stem_type: 'deep', avg_down: true, channels: [32, 48, 48, 96] },
    wide_resnet50_2: { block: 'bottleneck', layers: [3, 4, 6, 3], base_width: 128 },
    wide_resnet101_2: { block: 'bottleneck', layers: [3, 4, 23, 3], base_width: 128 },
  },
})
