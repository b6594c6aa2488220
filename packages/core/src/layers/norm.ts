import { any, bool, device, dtype, float, int, optionalFloat, shape } from '../bind/args.js'
import type { ForwardContext, Tensor } from '../forward/trace.js'
import type { ArgsOf } from '../bind/args.js'
import type { ModuleNode } from '../model/module.js'
import * as ops from '../forward/ops/index.js'
import { formatShape, numel } from '../tensor/shape.js'
import { defineLayer } from './define-layer.js'
import type { FormulaTerm, ModuleBuilder } from './define-layer.js'

/** Bound arguments of BatchNorm, SyncBatchNorm and InstanceNorm (`_NormBase`); only SyncBatchNorm has `process_group`. */
type NormBaseArgs = ArgsOf<ReturnType<typeof normBaseSignature>>

/** `_NormBase.__init__`: `weight`, `bias`, then `running_mean`, `running_var`, `num_batches_tracked` (int64). */
function buildNormBase(a: NormBaseArgs, m: ModuleBuilder): void {
  if (a.affine) {
    m.param('weight', [a.num_features])
    if (a.bias) m.param('bias', [a.num_features])
    else m.none('bias')
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
  return [{ tensor: 'weight', factors: [['num_features', a.num_features]] }, ...(a.bias ? [{ tensor: 'bias', factors: [['num_features', a.num_features]] as const }] : [])]
}

/** The keyword-only `bias` of the norms (PyTorch 2.13); PyTorch 1.13 does not take it. */
const normBias = bool('bias', { default: true, keywordOnly: true })
const normBiasSince = { bias: '2.13' } as const

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
    normBias,
  ]
}

/** The module's tensors for the batch-norm op: `null` where it registers `None`. */
function normTensors(self: ModuleNode, ctx: ForwardContext): ops.BatchNormTensors {
  const get = (name: string): Tensor | null => ((self.params.get(name) ?? self.buffers.get(name)) ? ctx.state(self, name) : null)
  return { weight: get('weight'), bias: get('bias'), runningMean: get('running_mean'), runningVar: get('running_var') }
}

/** Batch norm of a module on an `(N, C, *)` input ({@link ops.batchNorm}), after the module's channel check. */
function batchNormForward(self: ModuleNode & { args: NormBaseArgs }, x: Tensor, ctx: ForwardContext): Tensor {
  const a = self.args
  const channels = x.shape[1]!
  if (channels !== a.num_features && (a.track_running_stats || a.affine)) {
    const tensor = a.track_running_stats ? 'running_mean' : 'weight'
    throw ctx.error(`expects ${a.num_features} channels (\`num_features\`), got ${channels} (input of shape ${formatShape(x.shape)}): ${tensor} should contain ${channels} elements not ${a.num_features}.`)
  }
  return ops.batchNorm(ctx, x, normTensors(self, ctx), self.training || !a.track_running_stats)
}

function makeBatchNorm(dims: 1 | 2 | 3) {
  const ranks = dims === 1 ? [2, 3] : [dims + 2]
  return defineLayer({
    name: `BatchNorm${dims}d`,
    argsSince: normBiasSince,
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
export const syncBatchNorm = defineLayer({
  name: 'SyncBatchNorm',
  argsSince: normBiasSince,
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

function makeInstanceNorm(dims: 1 | 2 | 3) {
  const unbatched = dims + 1
  return defineLayer({
    name: `InstanceNorm${dims}d`,
    argsSince: normBiasSince,
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
      if (channels !== a.num_features) {
        if (a.affine) {
          throw ctx.error(`expected input's size at dim=${featureDim} to match num_features (${a.num_features}), but got: ${channels} (input of shape ${formatShape(x.shape)}).`)
        }
        if (a.track_running_stats) {
          throw ctx.error(`expects ${a.num_features} channels (\`num_features\`), got ${channels} (input of shape ${formatShape(x.shape)}): running_mean should contain ${BigInt(shape[0]!) * BigInt(channels)} elements not ${BigInt(shape[0]!) * BigInt(a.num_features)}.`)
        }
      }
      return ops.instanceNorm(ctx, x, shape, normTensors(self, ctx), self.training || !a.track_running_stats)
    },
  })
}

/** `nn.InstanceNorm1d(num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False)`: `(N, C, L)` or `(C, L)`. */
export const instanceNorm1d = makeInstanceNorm(1)
/** `nn.InstanceNorm2d(...)`: `(N, C, H, W)` or `(C, H, W)`. */
export const instanceNorm2d = makeInstanceNorm(2)
/** `nn.InstanceNorm3d(...)`: `(N, C, D, H, W)` or `(C, D, H, W)`. */
export const instanceNorm3d = makeInstanceNorm(3)

function explainNormalized(tensor: string, normalized: readonly number[]): FormulaTerm {
  return { tensor, factors: normalized.map((d) => ['normalized_shape', d] as const) }
}

/**
 * `nn.LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True, bias=True)`: normalises the last
 * dimensions. `native_layer_norm` saves the input and `mean` and `rstd`, one element per normalised row.
 */
export const layerNorm = defineLayer({
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
    const a = self.args
    const weight = a.elementwise_affine ? ctx.state(self, 'weight') : null
    return ops.layerNorm(ctx, inputs[0]!, a.normalized_shape, weight, a.elementwise_affine && a.bias ? ctx.state(self, 'bias') : null)
  },
})

/**
 * `nn.RMSNorm(normalized_shape, eps=None, elementwise_affine=True)` (PyTorch 2.4+): weight only.
 * The fused kernel (`_fused_rms_norm`, PyTorch 2.8+ on CPU and CUDA) saves the input and `rstd`,
 * one element per normalised row, in the accumulation type. 1 MAC per element.
 */
export const rmsNorm = defineLayer({
  name: 'RMSNorm',
  since: '2.4',
  signature: [shape('normalized_shape'), optionalFloat('eps', { default: null }), bool('elementwise_affine', { default: true }), device(), dtype()],
  build(a, m) {
    if (a.elementwise_affine) m.param('weight', a.normalized_shape)
    else m.none('weight')
  },
  explain: (a) => (a.elementwise_affine ? [explainNormalized('weight', a.normalized_shape)] : []),
  forward(self, inputs, ctx) {
    return ops.rmsNorm(ctx, inputs[0]!, self.args.normalized_shape, self.args.elementwise_affine ? ctx.state(self, 'weight') : null)
  },
})

/**
 * `nn.GroupNorm(num_groups, num_channels, eps=1e-5, affine=True, *, bias=True)`: normalises groups of channels
 * ({@link ops.groupNorm}: the input and `mean` and `rstd` of shape `(N, num_groups)`). 1 MAC per element.
 */
export const groupNorm = defineLayer({
  name: 'GroupNorm',
  argsSince: normBiasSince,
  signature: [int('num_groups'), int('num_channels'), float('eps', { default: 1e-5 }), bool('affine', { default: true }), device(), dtype(), normBias],
  validate(a, fail) {
    if (a.num_groups === 0) fail('num_groups', '`num_groups` must be positive, got `0`.')
    if (a.num_channels % a.num_groups !== 0) {
      fail('num_channels', `\`num_channels\` must be divisible by \`num_groups\` (got ${a.num_channels} and ${a.num_groups}).`)
    }
  },
  build(a, m) {
    if (a.affine) {
      m.param('weight', [a.num_channels])
      if (a.bias) m.param('bias', [a.num_channels])
      else m.none('bias')
    } else {
      m.none('weight')
      m.none('bias')
    }
  },
  explain: (a) =>
    a.affine
      ? [{ tensor: 'weight', factors: [['num_channels', a.num_channels]] }, ...(a.bias ? [{ tensor: 'bias', factors: [['num_channels', a.num_channels]] as const }] : [])]
      : [],
  forward(self, inputs, ctx) {
    const x = inputs[0]!
    const a = self.args
    if (x.shape.length < 2) throw ctx.error(`expected at least 2 dimensions for input tensor but received ${x.shape.length} (input of shape ${formatShape(x.shape)}).`)
    const [n, c] = x.shape as [number, number]
    const spatial = x.shape.slice(2)
    const perGroup = [(BigInt(n) * BigInt(c)) / BigInt(a.num_groups), a.num_groups, ...spatial]
    if ((perGroup[0] as bigint) * numel(spatial) === 1n) {
      throw ctx.error(`got input size [${perGroup.join(', ')}]: Expected more than 1 value per channel when training.`)
    }
    if (c % a.num_groups !== 0) {
      throw ctx.error(`expected number of channels in input to be divisible by num_groups, but got input of shape ${formatShape(x.shape)} and num_groups=${a.num_groups}.`)
    }
    if (a.affine && c !== a.num_channels) {
      throw ctx.error(`expects ${a.num_channels} channels (\`num_channels\`), got ${c} (input of shape ${formatShape(x.shape)}).`)
    }
    const tensor = (name: string): Tensor | null => (self.params.get(name) ? ctx.state(self, name) : null)
    return ops.groupNorm(ctx, x, a.num_groups, tensor('weight'), tensor('bias'))
  },
})

/**
 * `nn.LocalResponseNorm(size, alpha=1e-4, beta=0.75, k=1.0)`: no parameters. `F.local_response_norm` is made of
 * plain tensor ops ({@link ops.localResponseNorm}): they keep the input, the squares padded by `size − 1`
 * channels, `k + alpha·avg` and its power (PyTorch 1.13 also the `alpha` number as a 0-dim float64). 1 MAC per
 * element, the normalisation convention.
 */
export const localResponseNorm = defineLayer({
  name: 'LocalResponseNorm',
  signature: [int('size', { min: 1 }), float('alpha', { default: 1e-4 }), float('beta', { default: 0.75 }), float('k', { default: 1.0 })],
  build() {},
  forward: (self, inputs, ctx) => ops.localResponseNorm(ctx, inputs[0]!, self.args.size, self.args.alpha, self.args.beta, self.args.k),
})

/**
 * `nn.CrossMapLRN2d(size, alpha=1e-4, beta=0.75, k=1)`: the legacy local response normalisation of 4-D inputs, an
 * autograd function that keeps its input and output ({@link ops.crossMapLrn2d}). No parameters.
 */
export const crossMapLrn2d = defineLayer({
  name: 'CrossMapLRN2d',
  signature: [int('size', { min: 1 }), float('alpha', { default: 1e-4 }), float('beta', { default: 0.75 }), float('k', { default: 1 })],
  build() {},
  forward: (_self, inputs, ctx) => ops.crossMapLrn2d(ctx, inputs[0]!),
})
