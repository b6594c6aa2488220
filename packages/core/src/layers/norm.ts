import { any, bool, device, dtype, float, int, optionalFloat, shape } from '../bind/args.js'
import type { ForwardContext, Tensor } from '../forward/trace.js'
import type { Value } from '../expr/values.js'
import type { ModuleNode } from '../model/module.js'
import type { DType } from '../tensor/dtype.js'
import { formatShape, numel } from '../tensor/shape.js'
import { defineLayer } from './define-layer.js'
import type { FormulaTerm, LayerDefinition, ModuleBuilder } from './define-layer.js'

/** Bound arguments of BatchNorm, SyncBatchNorm and InstanceNorm (`_NormBase`). */
export interface NormBaseArgs {
  num_features: number
  eps: number
  momentum: number | null
  affine: boolean
  track_running_stats: boolean
  process_group?: Value
}

/**
 * The dtype of per-channel statistics (`save_mean`, `save_invstd`, LayerNorm's `mean`/`rstd`):
 * the accumulation type, float32 for half-precision inputs.
 */
function statsDType(input: DType): DType {
  return input === 'float16' || input === 'bfloat16' ? 'float32' : input
}

/** `torch.Size([1, 4])`, as PyTorch prints sizes in these messages. */
function torchSize(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`
}

/** `_NormBase.__init__`: `weight`, `bias`, then `running_mean`, `running_var`, `num_batches_tracked` (int64). */
function buildNormBase(a: NormBaseArgs, m: ModuleBuilder): void {
  if (a.affine) {
    m.param('weight', [a.num_features])
    m.param('bias', [a.num_features])
  } else {
    m.none('weight')
    m.none('bias')
  }
  if (a.track_running_stats) {
    m.buffer('running_mean', [a.num_features])
    m.buffer('running_var', [a.num_features])
    m.buffer('num_batches_tracked', [], { dtype: 'int64' })
  } else {
    m.none('running_mean', 'buffer')
    m.none('running_var', 'buffer')
    m.none('num_batches_tracked', 'buffer')
  }
}

function explainNormBase(a: NormBaseArgs): FormulaTerm[] {
  if (!a.affine) return []
  return [
    { tensor: 'weight', factors: [['num_features', a.num_features]] },
    { tensor: 'bias', factors: [['num_features', a.num_features]] },
  ]
}

function normBaseSignature(affine: boolean, track: boolean, syncBatchNorm = false) {
  return [
    int('num_features'),
    float('eps', { default: 1e-5 }),
    optionalFloat('momentum', { default: 0.1 }),
    bool('affine', { default: affine }),
    bool('track_running_stats', { default: track }),
    ...(syncBatchNorm ? [any('process_group', { default: { kind: 'none' } })] : []),
    device(),
    dtype(),
  ]
}

/**
 * The batch-norm kernel (`native_batch_norm`) on an `(N, C, *)` input: saves the input and, when it
 * normalises with batch statistics (training, or no running statistics), `save_mean` and `save_invstd`
 * of `C` elements each. 1 MAC per element.
 */
function batchNormForward(self: ModuleNode & { args: NormBaseArgs }, x: Tensor, ctx: ForwardContext): Tensor {
  const a = self.args
  const channels = x.shape[1]!
  if (channels !== a.num_features && (a.track_running_stats || a.affine)) {
    const tensor = a.track_running_stats ? 'running_mean' : 'weight'
    throw ctx.error(`expects ${a.num_features} channels (\`num_features\`), got ${channels} (input of shape ${formatShape(x.shape)}): ${tensor} should contain ${channels} elements not ${a.num_features}.`)
  }
  const batchStats = self.training || !a.track_running_stats
  if (batchStats && x.shape[0]! * Number(numel(x.shape.slice(2))) === 1) {
    throw ctx.error(`got input size ${torchSize(x.shape)}: Expected more than 1 value per channel when training.`)
  }
  ctx.save(x)
  if (batchStats) {
    const stats = statsDType(x.dtype)
    ctx.save(ctx.tensor([channels], stats), ctx.tensor([channels], stats))
  }
  ctx.macs(numel(x.shape))
  return ctx.tensor(x.shape, x.dtype)
}

function makeBatchNorm(dims: 1 | 2 | 3): LayerDefinition<NormBaseArgs> {
  const ranks = dims === 1 ? [2, 3] : [dims + 2]
  return defineLayer<NormBaseArgs>({
    name: `BatchNorm${dims}d`,
    signature: normBaseSignature(true, true),
    build: buildNormBase,
    explain: explainNormBase,
    forward(self, inputs, ctx) {
      const x = inputs[0]!
      if (!ranks.includes(x.shape.length)) {
        throw ctx.error(`expected ${ranks.map((r) => `${r}D`).join(' or ')} input (got ${x.shape.length}D input of shape ${formatShape(x.shape)}).`)
      }
      return batchNormForward(self, x, ctx)
    },
  })
}

/** `nn.BatchNorm1d(num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True)`: `(N, C)` or `(N, C, L)` inputs. */
export const batchNorm1d = makeBatchNorm(1)
/** `nn.BatchNorm2d(...)`: `(N, C, H, W)` inputs. */
export const batchNorm2d = makeBatchNorm(2)
/** `nn.BatchNorm3d(...)`: `(N, C, D, H, W)` inputs. */
export const batchNorm3d = makeBatchNorm(3)

/**
 * `nn.SyncBatchNorm(num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True, process_group=None)`:
 * BatchNorm whose statistics are reduced across processes. PyTorch runs it only on GPUs, so the `cpu`
 * profile rejects an input; the `cuda` profile counts one process, which is BatchNorm's work.
 */
export const syncBatchNorm = defineLayer<NormBaseArgs>({
  name: 'SyncBatchNorm',
  signature: normBaseSignature(true, true, true),
  build: buildNormBase,
  explain: explainNormBase,
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    if (x.shape.length < 2) throw ctx.error(`expected at least 2D input (got ${x.shape.length}D input of shape ${formatShape(x.shape)}).`)
    if (x.shape[1] === 0) throw ctx.error('got an input with 0 channels: SyncBatchNorm number of input channels should be non-zero.')
    if (ctx.device === 'cpu') throw ctx.error('runs only on GPUs: SyncBatchNorm expected input tensor to be on GPU. Use the `cuda` device profile, or `nn.BatchNorm` for CPU.')
    return batchNormForward(self, x, ctx)
  },
})

function makeInstanceNorm(dims: 1 | 2 | 3): LayerDefinition<NormBaseArgs> {
  const unbatched = dims + 1
  return defineLayer<NormBaseArgs>({
    name: `InstanceNorm${dims}d`,
    signature: normBaseSignature(false, false),
    build: buildNormBase,
    explain: explainNormBase,
    /**
     * `F.instance_norm` runs batch norm on the input viewed as `(1, N·C, *)`, with the affine weight and the
     * running statistics repeated `N` times: it saves the input, the repeated weight and running statistics
     * (`N·C` elements each, when present) and, when it uses the input's statistics, `save_mean` and
     * `save_invstd` (`N·C` each). 1 MAC per element.
     */
    forward(self, inputs, ctx) {
      const x = inputs[0]!
      const a = self.args
      const rank = x.shape.length
      if (rank !== unbatched && rank !== unbatched + 1) {
        throw ctx.error(`expected ${unbatched}D or ${unbatched + 1}D input (got ${rank}D input of shape ${formatShape(x.shape)}).`)
      }
      const shape = rank === unbatched ? [1, ...x.shape] : x.shape
      const featureDim = rank - unbatched
      const channels = shape[1]!
      const instances = shape[0]! * channels
      if (channels !== a.num_features) {
        if (a.affine) {
          throw ctx.error(`expected input's size at dim=${featureDim} to match num_features (${a.num_features}), but got: ${channels} (input of shape ${formatShape(x.shape)}).`)
        }
        if (a.track_running_stats) {
          throw ctx.error(`expects ${a.num_features} channels (\`num_features\`), got ${channels} (input of shape ${formatShape(x.shape)}): running_mean should contain ${instances} elements not ${shape[0]! * a.num_features}.`)
        }
      }
      const inputStats = self.training || !a.track_running_stats
      if (inputStats && numel(shape.slice(2)) === 1n) {
        throw ctx.error(`got input size ${torchSize(shape)}: Expected more than 1 spatial element when training.`)
      }
      ctx.save(x)
      if (a.affine) ctx.save(ctx.tensor([instances], ctx.state(self, 'weight').dtype))
      if (a.track_running_stats) {
        const running = ctx.state(self, 'running_mean').dtype
        ctx.save(ctx.tensor([instances], running), ctx.tensor([instances], running))
      }
      if (inputStats) {
        const stats = statsDType(x.dtype)
        ctx.save(ctx.tensor([instances], stats), ctx.tensor([instances], stats))
      }
      ctx.macs(numel(x.shape))
      return ctx.tensor(x.shape, x.dtype)
    },
  })
}

/** `nn.InstanceNorm1d(num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False)`: `(N, C, L)` or `(C, L)`. */
export const instanceNorm1d = makeInstanceNorm(1)
/** `nn.InstanceNorm2d(...)`: `(N, C, H, W)` or `(C, H, W)`. */
export const instanceNorm2d = makeInstanceNorm(2)
/** `nn.InstanceNorm3d(...)`: `(N, C, D, H, W)` or `(C, D, H, W)`. */
export const instanceNorm3d = makeInstanceNorm(3)

/** Checks that `x` ends with `normalized` and returns the number of rows normalised (the product of the leading sizes). */
function normalizedRows(x: Tensor, normalized: readonly number[], ctx: ForwardContext): number[] {
  const lead = x.shape.length - normalized.length
  if (lead < 0 || normalized.some((d, i) => x.shape[lead + i] !== d)) {
    throw ctx.error(`Given normalized_shape=[${normalized.join(', ')}], expected input with shape [*${normalized.map((d) => `, ${d}`).join('')}], but got input of size[${x.shape.join(', ')}].`)
  }
  return [...x.shape.slice(0, lead), ...normalized.map(() => 1)]
}

function explainNormalized(tensor: string, normalized: readonly number[]): FormulaTerm {
  return { tensor, factors: normalized.map((d) => ['normalized_shape', d] as const) }
}

/** Bound arguments of `nn.LayerNorm`. */
export interface LayerNormArgs {
  normalized_shape: number[]
  eps: number
  elementwise_affine: boolean
  bias: boolean
}

/**
 * `nn.LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True, bias=True)`: normalises the last
 * dimensions. `native_layer_norm` saves the input and `mean` and `rstd`, one element per normalised row.
 */
export const layerNorm = defineLayer<LayerNormArgs>({
  name: 'LayerNorm',
  argsSince: { bias: '2.1' },
  signature: [shape('normalized_shape'), float('eps', { default: 1e-5 }), bool('elementwise_affine', { default: true }), bool('bias', { default: true }), device(), dtype()],
  build(a, m) {
    if (a.elementwise_affine) {
      m.param('weight', a.normalized_shape)
      if (a.bias) m.param('bias', a.normalized_shape)
      else m.none('bias')
    } else {
      m.none('weight')
      m.none('bias')
    }
  },
  explain: (a) => (a.elementwise_affine ? [explainNormalized('weight', a.normalized_shape), ...(a.bias ? [explainNormalized('bias', a.normalized_shape)] : [])] : []),
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const statShape = normalizedRows(x, self.args.normalized_shape, ctx)
    const stats = statsDType(x.dtype)
    ctx.save(x, ctx.tensor(statShape, stats), ctx.tensor(statShape, stats))
    ctx.macs(numel(x.shape))
    return ctx.tensor(x.shape, x.dtype)
  },
})

/** Bound arguments of `nn.RMSNorm`. */
export interface RMSNormArgs {
  normalized_shape: number[]
  eps: number | null
  elementwise_affine: boolean
}

/**
 * `nn.RMSNorm(normalized_shape, eps=None, elementwise_affine=True)` (PyTorch 2.4+): weight only.
 * The fused kernel (`_fused_rms_norm`, PyTorch 2.8+ on CPU and CUDA) saves the input and `rstd`,
 * one element per normalised row, in the accumulation type. 1 MAC per element.
 */
export const rmsNorm = defineLayer<RMSNormArgs>({
  name: 'RMSNorm',
  since: '2.4',
  signature: [shape('normalized_shape'), optionalFloat('eps', { default: null }), bool('elementwise_affine', { default: true }), device(), dtype()],
  build(a, m) {
    if (a.elementwise_affine) m.param('weight', a.normalized_shape)
    else m.none('weight')
  },
  explain: (a) => (a.elementwise_affine ? [explainNormalized('weight', a.normalized_shape)] : []),
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const statShape = normalizedRows(x, self.args.normalized_shape, ctx)
    ctx.save(x, ctx.tensor(statShape, statsDType(x.dtype)))
    ctx.macs(numel(x.shape))
    return ctx.tensor(x.shape, x.dtype)
  },
})

/** Bound arguments of `nn.GroupNorm`. */
export interface GroupNormArgs {
  num_groups: number
  num_channels: number
  eps: number
  affine: boolean
}

/**
 * `nn.GroupNorm(num_groups, num_channels, eps=1e-5, affine=True)`: normalises groups of channels.
 * `native_group_norm` saves the input and `mean` and `rstd` of shape `(N, num_groups)`. 1 MAC per element.
 */
export const groupNorm = defineLayer<GroupNormArgs>({
  name: 'GroupNorm',
  signature: [int('num_groups'), int('num_channels'), float('eps', { default: 1e-5 }), bool('affine', { default: true }), device(), dtype()],
  validate(a, fail) {
    if (a.num_groups === 0) fail('num_groups', '`num_groups` must be positive, got `0`.')
    if (a.num_channels % a.num_groups !== 0) {
      fail('num_channels', `\`num_channels\` must be divisible by \`num_groups\` (got ${a.num_channels} and ${a.num_groups}).`)
    }
  },
  build(a, m) {
    if (a.affine) {
      m.param('weight', [a.num_channels])
      m.param('bias', [a.num_channels])
    } else {
      m.none('weight')
      m.none('bias')
    }
  },
  explain: (a) =>
    a.affine
      ? [
          { tensor: 'weight', factors: [['num_channels', a.num_channels]] },
          { tensor: 'bias', factors: [['num_channels', a.num_channels]] },
        ]
      : [],
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const a = self.args
    if (x.shape.length < 2) throw ctx.error(`expected at least 2 dimensions for input tensor but received ${x.shape.length} (input of shape ${formatShape(x.shape)}).`)
    const [n, c] = x.shape as [number, number]
    const spatial = x.shape.slice(2)
    const perGroup = [Math.floor((n * c) / a.num_groups), a.num_groups, ...spatial]
    if (perGroup[0]! * Number(numel(spatial)) === 1) {
      throw ctx.error(`got input size [${perGroup.join(', ')}]: Expected more than 1 value per channel when training.`)
    }
    if (c % a.num_groups !== 0) {
      throw ctx.error(`expected number of channels in input to be divisible by num_groups, but got input of shape ${formatShape(x.shape)} and num_groups=${a.num_groups}.`)
    }
    if (a.affine && c !== a.num_channels) {
      throw ctx.error(`expects ${a.num_channels} channels (\`num_channels\`), got ${c} (input of shape ${formatShape(x.shape)}).`)
    }
    const stats = statsDType(x.dtype)
    ctx.save(x, ctx.tensor([n, a.num_groups], stats), ctx.tensor([n, a.num_groups], stats))
    ctx.macs(numel(x.shape))
    return ctx.tensor(x.shape, x.dtype)
  },
})

/** Bound arguments of `nn.LocalResponseNorm`. */
export interface LocalResponseNormArgs {
  size: number
  alpha: number
  beta: number
  k: number
}

/**
 * `nn.LocalResponseNorm(size, alpha=1e-4, beta=0.75, k=1.0)`: no parameters. `F.local_response_norm` is
 * made of plain tensor ops; for backward they save the input (by `x * x`), the squares padded by `size − 1`
 * channels (by the average pool), the `alpha` scalar as a float64 0-dim tensor (by `mul`), `k + alpha·avg`
 * (by `pow`) and its power (by the division). 1 MAC per element, the normalisation convention.
 */
export const localResponseNorm = defineLayer<LocalResponseNormArgs>({
  name: 'LocalResponseNorm',
  signature: [int('size', { min: 1 }), float('alpha', { default: 1e-4 }), float('beta', { default: 0.75 }), float('k', { default: 1.0 })],
  build() {},
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    if (x.shape.length < 3) throw ctx.error(`expected 3D or higher dimensionality input (got ${x.shape.length} dimensions, input of shape ${formatShape(x.shape)}).`)
    if (x.shape.includes(0)) return x
    const [n, c] = x.shape as [number, number]
    const padded = [n, 1, c + self.args.size - 1, ...x.shape.slice(2)]
    ctx.save(x, ctx.tensor(padded, x.dtype), ctx.tensor([], 'float64'), ctx.tensor(x.shape, x.dtype), ctx.tensor(x.shape, x.dtype))
    ctx.macs(numel(x.shape))
    return ctx.tensor(x.shape, x.dtype)
  },
})
