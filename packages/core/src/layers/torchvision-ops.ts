import { NnsizeError } from '../errors.js'
import { bool, coerceInt, float, int } from '../bind/args.js'
import type { ArgSpec } from '../bind/args.js'
import { showValue, typeName } from '../contract/values.js'
import { formatShape, numel } from '../tensor/shape.js'
import { defineLayer } from './define-layer.js'
import type { LayerDefinition } from './define-layer.js'

/**
 * Layers of `torchvision.ops` that torchvision's detection models build and that are not in
 * `torch.nn`: `FrozenBatchNorm2d` and the region-of-interest poolers. They are reachable as
 * `torchvision.ops.X`, never as `nn.X`.
 */

/**
 * `torchvision.ops.FrozenBatchNorm2d(num_features, eps=1e-5)`: batch norm with fixed statistics and
 * affine terms, all four buffers (`weight`, `bias`, `running_mean`, `running_var`; no parameters and no
 * `num_batches_tracked`). Its forward computes `x * scale + shift` with `scale = weight * (running_var
 * + eps).rsqrt()` reshaped to `(1, C, 1, 1)`: autograd keeps `scale` (C elements) for the input's
 * gradient; one multiply-accumulate per element.
 */
export const frozenBatchNorm2d = defineLayer({
  name: 'FrozenBatchNorm2d',
  signature: [int('num_features'), float('eps', { default: 1e-5 })],
  build(a, m) {
    m.buffer('weight', [a.num_features])
    m.buffer('bias', [a.num_features])
    m.buffer('running_mean', [a.num_features])
    m.buffer('running_var', [a.num_features])
  },
  forward(self, [x], ctx) {
    const c = self.args.num_features
    if (x!.shape.length !== 4 || x!.shape[1] !== c) throw ctx.error(`expects an (N, ${c}, H, W) input, got shape ${formatShape(x!.shape)}.`)
    const weight = ctx.state(self, 'weight')
    ctx.macs(numel(x!.shape))
    ctx.save(ctx.tensor([1, c, 1, 1], weight.dtype))
    return ctx.tensor(x!.shape, x!.dtype)
  },
})

/** `output_size`: an int or a pair, as `_pair` reads it. */
const outputSize: ArgSpec<[number, number], 'output_size', true> = {
  name: 'output_size',
  required: true,
  coerce(value, span, name) {
    if (value.kind === 'int') {
      const n = coerceInt(value, span, name, 1)
      return [n, n]
    }
    if ((value.kind === 'tuple' || value.kind === 'list') && value.items.length === 2) return [coerceInt(value.items[0]!, span, name, 1), coerceInt(value.items[1]!, span, name, 1)]
    throw new NnsizeError('argument-type', `\`${name}\` must be an int or a pair of ints, got ${typeName(value)} \`${showValue(value)}\`.`, { span })
  },
}

/** A list of feature-map names (`['0', '1', '2', '3']`). */
const featmapNames: ArgSpec<string[], 'featmap_names', true> = {
  name: 'featmap_names',
  required: true,
  coerce(value, span, name) {
    if ((value.kind === 'list' || value.kind === 'tuple') && value.items.every((v) => v.kind === 'str')) return value.items.map((v) => (v as { value: string }).value)
    throw new NnsizeError('argument-type', `\`${name}\` must be a list of feature-map names such as \`['0', '1']\`, got ${typeName(value)} \`${showValue(value)}\`.`, { span })
  },
}

const pooledByBoxes = 'pools the regions its box coordinates name: the number of output rows is the number of boxes, a value of the data, so nnsize does not trace it.'

/** `torchvision.ops.MultiScaleRoIAlign(featmap_names, output_size, sampling_ratio, *, canonical_scale=224, canonical_level=4)`: no parameters. */
export const multiScaleRoIAlign = defineLayer({
  name: 'MultiScaleRoIAlign',
  signature: [featmapNames, outputSize, int('sampling_ratio', { min: -1 }), { ...int('canonical_scale', { default: 224 }), keywordOnly: true }, { ...int('canonical_level', { default: 4 }), keywordOnly: true }],
  build() {},
  untraced: pooledByBoxes,
})

/** `torchvision.ops.RoIAlign(output_size, spatial_scale, sampling_ratio, aligned=False)`: no parameters. */
export const roiAlign = defineLayer({
  name: 'RoIAlign',
  signature: [outputSize, float('spatial_scale'), int('sampling_ratio', { min: -1 }), bool('aligned', { default: false })],
  build() {},
  untraced: pooledByBoxes,
})

/** `torchvision.ops.RoIPool(output_size, spatial_scale)`: no parameters. */
export const roiPool = defineLayer({
  name: 'RoIPool',
  signature: [outputSize, float('spatial_scale')],
  build() {},
  untraced: pooledByBoxes,
})

/** The `torchvision.ops` layers, one line each. */
export const torchvisionOps: readonly LayerDefinition[] = [frozenBatchNorm2d, multiScaleRoIAlign, roiAlign, roiPool]
