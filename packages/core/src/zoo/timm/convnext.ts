import { bool, float, int, ints, optionalFloat, optionalInt, str } from '../../bind/args.js'
import type { ModuleNode } from '../../model/module.js'
import { block, defineBlock, nn, runChild, sequential } from '../torchvision/core.js'
import * as ops from '../torchvision/ops.js'
import { actLayerSpec, commonSignature, defineFamily } from './family.js'
import type { SourceSpan } from '../../errors.js'
import type { Value } from '../../contract/values.js'
import type { CommonArgs } from './family.js'
import { createAct } from './layers/activations.js'
import type { ActName } from './layers/activations.js'
import { classifierHead, normMlpClassifierHead } from './layers/classifier.js'
import { createConv2d } from './layers/conv.js'
import { dropPathOrIdentity, dropPathRates } from './layers/drop.js'
import { makeDivisible, subclass } from './layers/helpers.js'
import { createMlp } from './layers/mlp.js'
import { createNorm } from './layers/norm.js'
import type { NormName, NormSpec } from './layers/norm.js'
import { AvgPool2dSame } from './layers/pool.js'
import { conv2d } from '../../layers/conv.js'
import { identity } from '../../layers/linear.js'
import { avgPool2d } from '../../layers/pool.js'

/**
 * timm's `ConvNeXt` (`timm.models.convnext`): ConvNeXt (atto … xxlarge, the `_ols` overlapping
 * stems, the RMS/simple-norm variants) and ConvNeXt-V2 (Global Response Norm in the MLP, no layer scale).
 */

/** `Downsample` of a block's shortcut: average pooling and a 1×1 convolution where the shape changes. */
const Downsample = defineBlock<{ in_chs: number; out_chs: number; stride: number; dilation: number }>({
  name: 'Downsample',
  build(a, m) {
    const avgStride = a.dilation === 1 ? a.stride : 1
    if (a.stride > 1 || a.dilation > 1) {
      const args = { kernel_size: 2, stride: avgStride, ceil_mode: true, count_include_pad: false }
      m.child('pool', avgStride === 1 && a.dilation > 1 ? subclass(m, avgPool2d, { ...args, kernel_size: [2, 2], stride: [1, 1] }, AvgPool2dSame) : nn(m, avgPool2d, args))
    } else {
      m.child('pool', nn(m, identity))
    }
    m.child('conv', a.in_chs !== a.out_chs ? createConv2d(m, a.in_chs, a.out_chs, 1) : nn(m, identity))
  },
  forward: (self, inputs, ctx) => runChild(self, 'conv', runChild(self, 'pool', inputs[0]!, ctx), ctx),
})

interface BlockArgs {
  in_chs: number
  out_chs: number
  kernel_size: number
  dilation: number
  mlp_ratio: number
  conv_mlp: boolean
  conv_bias: boolean
  use_grn: boolean
  ls_init_value: number | null
  act: ActName
  norm: NormSpec
  drop_path: number
}

/** `ConvNeXtBlock`: depthwise convolution, norm, MLP (linear channels-last, or 1×1 convolutions), layer scale `gamma`, residual. */
const ConvNeXtBlock = defineBlock<BlockArgs>({
  name: 'ConvNeXtBlock',
  build(a, m) {
    m.child('conv_dw', createConv2d(m, a.in_chs, a.out_chs, a.kernel_size, { dilation: a.dilation, depthwise: true, bias: a.conv_bias }))
    m.child('norm', createNorm(m, a.norm, a.out_chs))
    m.child('mlp', createMlp(m, a.use_grn ? 'GlobalResponseNormMlp' : 'Mlp', { in_features: a.out_chs, hidden_features: Math.trunc(a.mlp_ratio * a.out_chs), act: a.act, use_conv: a.conv_mlp }))
    if (a.ls_init_value !== null) m.param('gamma', [a.out_chs])
    m.child('shortcut', a.in_chs !== a.out_chs ? block(m, Downsample, { in_chs: a.in_chs, out_chs: a.out_chs, stride: 1, dilation: a.dilation }) : nn(m, identity))
    m.child('drop_path', dropPathOrIdentity(m, a.drop_path))
  },
  forward(self, inputs, ctx) {
    const shortcut = inputs[0]!
    let x = runChild(self, 'conv_dw', shortcut, ctx)
    const [n, c, h, w] = x.shape as [number, number, number, number]
    if (self.args.conv_mlp) {
      x = runChild(self, 'mlp', runChild(self, 'norm', x, ctx), ctx)
    } else {
      x = runChild(self, 'mlp', runChild(self, 'norm', ctx.view(x, [n, h, w, c]), ctx), ctx)
      x = ctx.view(x, [n, c, h, w])
    }
    if (self.params.get('gamma')) x = ops.mul(ctx, x, ctx.view(ctx.state(self, 'gamma'), [1, c, 1, 1]))
    return ops.add(ctx, runChild(self, 'drop_path', x, ctx), runChild(self, 'shortcut', shortcut, ctx))
  },
})

/** `ConvNeXtStage`: `downsample` (norm + strided convolution, or `nn.Identity`) and `blocks`. */
const ConvNeXtStage = defineBlock<Omit<BlockArgs, 'drop_path' | 'dilation'> & { stride: number; depth: number; dilation: [number, number]; drop_paths: number[]; norm_cl: NormSpec }>({
  name: 'ConvNeXtStage',
  build(a, m) {
    let inChs = a.in_chs
    if (a.in_chs !== a.out_chs || a.stride > 1 || a.dilation[0] !== a.dilation[1]) {
      const kernel = a.stride > 1 || a.dilation[0] !== a.dilation[1] ? 2 : 1
      m.child('downsample', sequential(m, [createNorm(m, a.norm, a.in_chs), createConv2d(m, a.in_chs, a.out_chs, kernel, { stride: a.stride, dilation: a.dilation[0], padding: a.dilation[1] > 1 ? 'same' : 0, bias: a.conv_bias })]))
      inChs = a.out_chs
    } else {
      m.child('downsample', nn(m, identity))
    }
    const blocks: ModuleNode[] = []
    for (let i = 0; i < a.depth; i++) {
      blocks.push(block(m, ConvNeXtBlock, { ...a, in_chs: inChs, dilation: a.dilation[1], drop_path: a.drop_paths[i]!, norm: a.conv_mlp ? a.norm : a.norm_cl }))
      inChs = a.out_chs
    }
    m.child('blocks', sequential(m, blocks))
  },
  forward: (self, inputs, ctx) => runChild(self, 'blocks', runChild(self, 'downsample', inputs[0]!, ctx), ctx),
})

/** Arguments of timm's `ConvNeXt`. */
export interface ConvNeXtArgs extends CommonArgs {
  output_stride: number
  depths: readonly number[]
  dims: readonly number[]
  kernel_sizes: number | readonly number[]
  ls_init_value: number | null
  stem_type: 'patch' | 'overlap' | 'overlap_tiered' | 'overlap_act'
  patch_size: number
  head_init_scale: number
  head_norm_first: boolean
  head_hidden_size: number | null
  conv_mlp: boolean
  conv_bias: boolean
  use_grn: boolean
  act_layer: ActName
  norm_layer: 'layernorm' | 'layernorm2d' | 'simplenorm' | 'simplenorm2d' | 'rmsnorm' | 'rmsnorm2d' | null
  norm_eps: number | null
}

/** `_get_norm_layers`: the channels-first norm and the one the blocks use channels-last. */
function normLayers(a: ConvNeXtArgs): [NormSpec, NormSpec] {
  const name = a.norm_layer ?? 'layernorm'
  const base = name.replace(/2d$/, '') as 'layernorm' | 'simplenorm' | 'rmsnorm'
  const first = `${base}2d` as NormName
  const cl = a.conv_mlp ? first : base
  return a.norm_eps === null ? [first, cl] : [[first, { eps: a.norm_eps }], [cl, { eps: a.norm_eps }]]
}

/** timm's `ConvNeXt` and every model registered in `timm.models.convnext`. */
export const convnext = defineFamily<ConvNeXtArgs>({
  module: 'convnext',
  className: 'ConvNeXt',
  defaults: {
    in_chans: 3,
    num_classes: 1000,
    global_pool: 'avg',
    output_stride: 32,
    depths: [3, 3, 9, 3],
    dims: [96, 192, 384, 768],
    kernel_sizes: 7,
    ls_init_value: 1e-6,
    stem_type: 'patch',
    patch_size: 4,
    head_init_scale: 1,
    head_norm_first: false,
    head_hidden_size: null,
    conv_mlp: false,
    conv_bias: true,
    use_grn: false,
    act_layer: 'gelu',
    norm_layer: null,
    norm_eps: null,
    drop_rate: 0,
    drop_path_rate: 0,
  },
  signature: [
    ...commonSignature,
    int('output_stride', { min: 8 }),
    ints('depths', 4, { min: 0 }),
    ints('dims', 4, { min: 1 }),
    optionalFloat('ls_init_value'),
    str('stem_type', { choices: ['patch', 'overlap', 'overlap_tiered', 'overlap_act'] as const }),
    int('patch_size', { min: 1 }),
    float('head_init_scale'),
    bool('head_norm_first'),
    optionalInt('head_hidden_size', { min: 1 }),
    bool('conv_mlp'),
    bool('conv_bias'),
    bool('use_grn'),
    optionalFloat('norm_eps'),
    ints('kernel_sizes', 4, { min: 1 }),
    actLayerSpec(),
    // `_get_norm_layers`: the names of its `_NORM_MAP` (a norm class needs `conv_mlp=True`, which nnsize does not build).
    { ...str('norm_layer', { choices: ['layernorm', 'layernorm2d', 'simplenorm', 'simplenorm2d', 'rmsnorm', 'rmsnorm2d'] as const }), coerce: (v: Value, span: SourceSpan, n: string) => (v.kind === 'none' ? null : str('norm_layer', { choices: ['layernorm', 'layernorm2d', 'simplenorm', 'simplenorm2d', 'rmsnorm', 'rmsnorm2d'] as const }).coerce(v, span, n)) },
  ],
  validate(a, fail) {
    if (![8, 16, 32].includes(a.output_stride)) fail('output_stride', `\`output_stride\` must be 8, 16 or 32, got ${a.output_stride}.`)
    if (a.head_norm_first && a.head_hidden_size) fail('head_hidden_size', '`head_hidden_size` cannot be combined with `head_norm_first=True`.')
  },
  build(a, m) {
    const [norm, normCl] = normLayers(a)
    const kernels = typeof a.kernel_sizes === 'number' ? [a.kernel_sizes, a.kernel_sizes, a.kernel_sizes, a.kernel_sizes] : a.kernel_sizes
    const conv = (inCh: number, outCh: number, kernel: number, stride: number, padding: number): ModuleNode =>
      nn(m, conv2d, { in_channels: inCh, out_channels: outCh, kernel_size: kernel, stride, padding, bias: a.conv_bias })
    let stemStride = 4
    if (a.stem_type === 'patch') {
      m.child('stem', sequential(m, [conv(a.in_chans, a.dims[0]!, a.patch_size, a.patch_size, 0), createNorm(m, norm, a.dims[0]!)]))
      stemStride = a.patch_size
    } else {
      const mid = a.stem_type.includes('tiered') ? makeDivisible(Math.floor(a.dims[0]! / 2)) : a.dims[0]!
      const parts = [conv(a.in_chans, mid, 3, 2, 1)]
      if (a.stem_type.includes('act')) parts.push(createAct(m, a.act_layer)!)
      parts.push(conv(mid, a.dims[0]!, 3, 2, 1), createNorm(m, norm, a.dims[0]!))
      m.child('stem', sequential(m, parts))
    }
    const total = a.depths.reduce((s, d) => s + d, 0)
    const rates = dropPathRates(a.drop_path_rate, total)
    const stages: ModuleNode[] = []
    let prev = a.dims[0]!
    let currStride = stemStride
    let dilation = 1
    let offset = 0
    for (let i = 0; i < 4; i++) {
      let stride = currStride === 2 || i > 0 ? 2 : 1
      if (currStride >= a.output_stride && stride > 1) {
        dilation *= stride
        stride = 1
      }
      currStride *= stride
      const firstDilation = dilation === 1 || dilation === 2 ? 1 : 2
      stages.push(
        block(m, ConvNeXtStage, {
          in_chs: prev,
          out_chs: a.dims[i]!,
          kernel_size: kernels[i]!,
          stride,
          dilation: [firstDilation, dilation],
          depth: a.depths[i]!,
          drop_paths: rates.slice(offset, offset + a.depths[i]!),
          mlp_ratio: 4,
          ls_init_value: a.ls_init_value,
          conv_mlp: a.conv_mlp,
          conv_bias: a.conv_bias,
          use_grn: a.use_grn,
          act: a.act_layer,
          norm,
          norm_cl: normCl,
        }),
      )
      offset += a.depths[i]!
      prev = a.dims[i]!
    }
    m.child('stages', sequential(m, stages))
    if (a.head_norm_first) {
      m.child('norm_pre', createNorm(m, norm, prev))
      m.child('head', classifierHead(m, { in_features: prev, num_classes: a.num_classes, pool_type: a.global_pool, drop_rate: a.drop_rate }))
    } else {
      m.child('norm_pre', nn(m, identity))
      m.child('head', normMlpClassifierHead(m, { in_features: prev, num_classes: a.num_classes, hidden_size: a.head_hidden_size, pool_type: a.global_pool, drop_rate: a.drop_rate, norm, act: 'gelu' }))
    }
  },
  forward(self, inputs, ctx) {
    let x = inputs[0]!
    for (const name of ['stem', 'stages', 'norm_pre', 'head']) x = runChild(self, name, x, ctx)
    return x
  },
  variants: {
    convnext_atto: { depths: [2, 2, 6, 2], dims: [40, 80, 160, 320], conv_mlp: true },
    convnext_atto_ols: { depths: [2, 2, 6, 2], dims: [40, 80, 160, 320], conv_mlp: true, stem_type: 'overlap_tiered' },
    convnext_atto_rms: { depths: [2, 2, 6, 2], dims: [40, 80, 160, 320], conv_mlp: true, norm_layer: 'rmsnorm2d' },
    convnext_base: { depths: [3, 3, 27, 3], dims: [128, 256, 512, 1024] },
    convnext_femto: { depths: [2, 2, 6, 2], dims: [48, 96, 192, 384], conv_mlp: true },
    convnext_femto_ols: { depths: [2, 2, 6, 2], dims: [48, 96, 192, 384], conv_mlp: true, stem_type: 'overlap_tiered' },
    convnext_large: { depths: [3, 3, 27, 3], dims: [192, 384, 768, 1536] },
    convnext_large_mlp: { depths: [3, 3, 27, 3], dims: [192, 384, 768, 1536], head_hidden_size: 1536 },
    convnext_nano: { depths: [2, 2, 8, 2], dims: [80, 160, 320, 640], conv_mlp: true },
    convnext_nano_ols: { depths: [2, 2, 8, 2], dims: [80, 160, 320, 640], conv_mlp: true, stem_type: 'overlap' },
    convnext_pico: { depths: [2, 2, 6, 2], dims: [64, 128, 256, 512], conv_mlp: true },
    convnext_pico_ols: { depths: [2, 2, 6, 2], dims: [64, 128, 256, 512], conv_mlp: true, stem_type: 'overlap_tiered' },
    convnext_small: { depths: [3, 3, 27, 3], dims: [96, 192, 384, 768] },
    convnext_tiny: { depths: [3, 3, 9, 3], dims: [96, 192, 384, 768] },
    convnext_tiny_hnf: { depths: [3, 3, 9, 3], dims: [96, 192, 384, 768], head_norm_first: true, conv_mlp: true },
    convnext_xlarge: { depths: [3, 3, 27, 3], dims: [256, 512, 1024, 2048] },
    convnext_xxlarge: { depths: [3, 4, 30, 3], dims: [384, 768, 1536, 3072], norm_eps: 1e-05 },
    convnext_zepto_rms: { depths: [2, 2, 4, 2], dims: [32, 64, 128, 256], conv_mlp: true, norm_layer: 'simplenorm' },
    convnext_zepto_rms_ols: { depths: [2, 2, 4, 2], dims: [32, 64, 128, 256], conv_mlp: true, norm_layer: 'simplenorm', stem_type: 'overlap_act' },
    convnextv2_atto: { depths: [2, 2, 6, 2], dims: [40, 80, 160, 320], use_grn: true, ls_init_value: null, conv_mlp: true },
    convnextv2_base: { depths: [3, 3, 27, 3], dims: [128, 256, 512, 1024], use_grn: true, ls_init_value: null },
    convnextv2_femto: { depths: [2, 2, 6, 2], dims: [48, 96, 192, 384], use_grn: true, ls_init_value: null, conv_mlp: true },
    convnextv2_huge: { depths: [3, 3, 27, 3], dims: [352, 704, 1408, 2816], use_grn: true, ls_init_value: null },
    convnextv2_large: { depths: [3, 3, 27, 3], dims: [192, 384, 768, 1536], use_grn: true, ls_init_value: null },
    convnextv2_nano: { depths: [2, 2, 8, 2], dims: [80, 160, 320, 640], use_grn: true, ls_init_value: null, conv_mlp: true },
    convnextv2_pico: { depths: [2, 2, 6, 2], dims: [64, 128, 256, 512], use_grn: true, ls_init_value: null, conv_mlp: true },
    convnextv2_small: { depths: [3, 3, 27, 3], dims: [96, 192, 384, 768], use_grn: true, ls_init_value: null },
    convnextv2_tiny: { depths: [3, 3, 9, 3], dims: [96, 192, 384, 768], use_grn: true, ls_init_value: null },
    test_convnext: { depths: [1, 2, 4, 2], dims: [24, 32, 48, 64], norm_eps: 1e-05, act_layer: 'gelu_tanh' },
    test_convnext2: { depths: [1, 1, 1, 1], dims: [32, 64, 96, 128], norm_eps: 1e-05, act_layer: 'gelu_tanh' },
    test_convnext3: { depths: [1, 1, 1, 1], dims: [32, 64, 96, 128], norm_eps: 1e-05, kernel_sizes: [7, 5, 5, 3], act_layer: 'silu' },
  },
})
