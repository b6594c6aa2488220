import { NnsizeError } from '../errors.js'
import { any, bool, device, dtype, float, int, optionalInt, str } from '../bind/args.js'
import type { ArgSpec, ArgsOf } from '../bind/args.js'
import { showValue, typeName } from '../contract/values.js'
import type { Value } from '../contract/values.js'
import * as ops from '../forward/ops/index.js'
import type { ForwardContext, Tensor } from '../forward/trace.js'
import type { ModuleNode } from '../model/module.js'
import { formatShape } from '../tensor/shape.js'
import { defineLayer } from './define-layer.js'
import type { ArgFailure, ModuleBuilder } from './define-layer.js'
import { optionalTensor } from './embedding.js'
import type { TensorArg } from './embedding.js'
import { linear } from './linear.js'

// The loss and distance modules of torch.nn. None has parameters; the weighted losses register their class
// weights as buffers (`weight`, and `pos_weight` for BCEWithLogitsLoss), `None` when not given. Their forward
// takes the input and the target (and a third tensor where PyTorch takes one); what it computes and keeps is
// in forward/ops/loss.ts. Losses whose saved tensors nnsize does not model refuse a forward pass.

const reductions = ['none', 'mean', 'sum'] as const

/** What {@link effectiveReduction} reads of a loss's arguments: the reduction and PyTorch's legacy `size_average`/`reduce`. */
export interface LossArgs {
  reduction: ops.Reduction
  size_average?: Value
  reduce?: Value
}

const reductionArg = str('reduction', { default: 'mean', choices: reductions })
const legacy = <const N extends string>(name: N): ArgSpec<Value, N, false> => any(name, { default: { kind: 'none' } })

/** PyTorch's `_Reduction.legacy_get_string`: `size_average`/`reduce` given (not None) override `reduction`. */
function effectiveReduction(a: LossArgs): ops.Reduction {
  const flag = (v: Value | undefined): boolean | null => (v === undefined || v.kind === 'none' ? null : v.kind === 'bool' ? v.value : v.kind === 'int' ? v.value !== 0n : true)
  const sizeAverage = flag(a.size_average)
  const reduce = flag(a.reduce)
  if (sizeAverage === null && reduce === null) return a.reduction
  if (reduce === false) return 'none'
  return sizeAverage === false ? 'sum' : 'mean'
}

/** Registers a loss's tensor argument as a buffer, or `None`. */
function weightBuffer(m: ModuleBuilder, name: string, tensor: TensorArg | null | undefined): void {
  if (tensor) m.buffer(name, tensor.shape, { dtype: tensor.dtype })
  else m.none(name, 'buffer')
}

/** The module's buffer `name` as a tensor, or `null` where it registered `None`. */
function buffer(self: ModuleNode, ctx: ForwardContext, name: string): Tensor | null {
  return self.buffers.get(name) ? ctx.state(self, name) : null
}

/** The input and target of a loss (and `count` tensors in all), or PyTorch's complaint. */
function operands(ctx: ForwardContext, inputs: readonly Tensor[], names: readonly string[]): Tensor[] {
  if (inputs.length !== names.length) throw ctx.error(`takes ${names.length} tensors (${names.join(', ')}), got ${inputs.length}: give one shape per tensor, e.g. \`4,10; 4,10\`.`)
  return [...inputs]
}

/** A loss whose forward nnsize does not trace: it is counted (no parameters, its buffers), but cannot take an input. */
function untraced(name: string, why: string) {
  return (_self: ModuleNode, _inputs: readonly Tensor[], ctx: ForwardContext): Tensor => {
    throw ctx.error(`has no modelled forward pass: ${why}. nnsize counts \`nn.${name}\`'s buffers only.`)
  }
}

interface LossSpec<S extends readonly ArgSpec[]> {
  name: string
  signature: S
  validate?: (a: ArgsOf<S>, fail: ArgFailure) => void
  /** Buffers besides `weight` (`pos_weight`). */
  buffers?: readonly string[]
  /** Whether it registers a `weight` buffer (`_WeightedLoss`). */
  weighted?: boolean
  forward: (self: ModuleNode & { args: ArgsOf<S> }, inputs: readonly Tensor[], ctx: ForwardContext) => Tensor
  since?: string
  /** Its forward's tensor parameters, when not `input` and `target`. */
  forwardInputs?: readonly string[]
}

function defineLoss<const S extends readonly ArgSpec[]>(spec: LossSpec<S>) {
  return defineLayer({
    name: spec.name,
    signature: spec.signature,
    ...(spec.validate ? { validate: spec.validate } : {}),
    ...(spec.since ? { since: spec.since } : {}),
    build(a, m) {
      const tensors = a as unknown as Readonly<Record<string, TensorArg | null>>
      if (spec.weighted) weightBuffer(m, 'weight', tensors['weight'])
      for (const name of spec.buffers ?? []) weightBuffer(m, name, tensors[name])
    },
    forward: (self, inputs, ctx) => spec.forward(self, inputs, ctx),
    forwardInputs: spec.forwardInputs ?? ['input', 'target'],
  })
}

/** Validates a class-weight tensor: one dimension. */
function validateWeight(a: { weight: TensorArg | null }, fail: ArgFailure): void {
  if (a.weight && a.weight.shape.length !== 1) fail('weight', `\`weight\` must be a 1-D tensor of one weight per class, got shape ${formatShape(a.weight.shape)}.`)
}

const pairNames = ['input', 'target'] as const

/** `nn.L1Loss(size_average=None, reduce=None, reduction='mean')`: `|input − target|` reduced ({@link ops.l1Loss}). */
export const l1Loss = defineLoss({
  name: 'L1Loss',
  signature: [legacy('size_average'), legacy('reduce'), reductionArg],
  forward(self, inputs, ctx) {
    const [input, target] = operands(ctx, inputs, pairNames)
    return ops.l1Loss(ctx, input!, target!, effectiveReduction(self.args))
  },
})

/** The losses computed by one fused kernel that keeps input and target ({@link ops.fusedPairLoss}). */
function fusedLoss<const S extends readonly ArgSpec[]>(name: string, signature: S, extra: { weighted?: boolean; buffers?: readonly string[]; kernel?: string } = {}) {
  return defineLoss({
    name,
    signature,
    // The weighted ones are given a `weight` spec (`optionalTensor('weight')`), which the type of `S` does not show here.
    ...(extra.weighted ? { weighted: true, validate: validateWeight as unknown as (a: ArgsOf<S>, fail: ArgFailure) => void } : {}),
    ...(extra.buffers ? { buffers: extra.buffers } : {}),
    forward(self, inputs, ctx) {
      const [input, target] = operands(ctx, inputs, pairNames)
      const weights = [...(extra.weighted ? ['weight'] : []), ...(extra.buffers ?? [])].map((b) => buffer(self, ctx, b))
      return ops.fusedPairLoss(ctx, input!, target!, effectiveReduction(self.args as unknown as LossArgs), weights, extra.kernel ? { kernel: extra.kernel, targetHasNoGradient: true } : {})
    },
  })
}

/** `nn.MSELoss(size_average=None, reduce=None, reduction='mean')`: `mse_loss` keeps input and target. */
export const mseLoss = fusedLoss('MSELoss', [legacy('size_average'), legacy('reduce'), reductionArg])
/** `nn.HuberLoss(reduction='mean', delta=1.0)`: `huber_loss` keeps input and target ({@link ops.huberLoss}). */
export const huberLoss = defineLoss({
  name: 'HuberLoss',
  signature: [reductionArg, float('delta', { default: 1.0 })],
  forward(self, inputs, ctx) {
    const [input, target] = operands(ctx, inputs, pairNames)
    return ops.huberLoss(ctx, input!, target!, self.args.reduction, self.args.delta)
  },
})
/**
 * `nn.SmoothL1Loss(size_average=None, reduce=None, reduction='mean', beta=1.0)`: keeps input and target, or with
 * `beta=0` runs `l1_loss`, which keeps their difference ({@link ops.smoothL1Loss}).
 */
export const smoothL1Loss = defineLoss({
  name: 'SmoothL1Loss',
  signature: [legacy('size_average'), legacy('reduce'), reductionArg, float('beta', { default: 1.0 })],
  forward(self, inputs, ctx) {
    const [input, target] = operands(ctx, inputs, pairNames)
    return ops.smoothL1Loss(ctx, input!, target!, effectiveReduction(self.args), self.args.beta)
  },
})
/** `nn.SoftMarginLoss(size_average=None, reduce=None, reduction='mean')`: keeps input and target. */
export const softMarginLoss = fusedLoss('SoftMarginLoss', [legacy('size_average'), legacy('reduce'), reductionArg], { kernel: 'soft_margin_loss' })
/** `nn.BCELoss(weight=None, size_average=None, reduce=None, reduction='mean')`: `weight` is a buffer; keeps input, target and weight. */
export const bceLoss = fusedLoss('BCELoss', [optionalTensor('weight'), legacy('size_average'), legacy('reduce'), reductionArg], { weighted: true })
/**
 * `nn.BCEWithLogitsLoss(weight=None, size_average=None, reduce=None, reduction='mean', pos_weight=None)`: buffers
 * `weight` and `pos_weight`; keeps input, target and the weights.
 */
export const bceWithLogitsLoss = fusedLoss('BCEWithLogitsLoss', [optionalTensor('weight'), legacy('size_average'), legacy('reduce'), reductionArg, optionalTensor('pos_weight')], {
  weighted: true,
  buffers: ['pos_weight'],
})

/** `nn.NLLLoss(weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean')`: `weight` is a buffer ({@link ops.nllLoss}). */
export const nllLoss = defineLoss({
  name: 'NLLLoss',
  signature: [optionalTensor('weight'), legacy('size_average'), int('ignore_index', { default: -100, min: -Number.MAX_SAFE_INTEGER }), legacy('reduce'), reductionArg],
  weighted: true,
  validate: validateWeight,
  forward(self, inputs, ctx) {
    const [input, target] = operands(ctx, inputs, pairNames)
    return ops.nllLoss(ctx, input!, target!, buffer(self, ctx, 'weight'), effectiveReduction(self.args))
  },
})

/**
 * `nn.CrossEntropyLoss(weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean',
 * label_smoothing=0.0)`: `weight` is a buffer. The target holds class indices (`:int64`) or class
 * probabilities; `label_smoothing` adds the tensors its smoothing term keeps ({@link ops.crossEntropy}).
 */
export const crossEntropyLoss = defineLoss({
  name: 'CrossEntropyLoss',
  signature: [optionalTensor('weight'), legacy('size_average'), int('ignore_index', { default: -100, min: -Number.MAX_SAFE_INTEGER }), legacy('reduce'), reductionArg, float('label_smoothing', { default: 0 })],
  weighted: true,
  validate(a, fail) {
    validateWeight(a, fail)
    if (!(a.label_smoothing! >= 0 && a.label_smoothing! <= 1)) fail('label_smoothing', `\`label_smoothing\` must be between 0.0 and 1.0, got ${a.label_smoothing}.`)
  },
  forward(self, inputs, ctx) {
    const [input, target] = operands(ctx, inputs, pairNames)
    return ops.crossEntropy(ctx, input!, target!, buffer(self, ctx, 'weight'), effectiveReduction(self.args), self.args.label_smoothing)
  },
})

/** `nn.KLDivLoss(size_average=None, reduce=None, reduction='mean', log_target=False)` ({@link ops.klDiv}). */
export const klDivLoss = defineLoss({
  name: 'KLDivLoss',
  signature: [legacy('size_average'), legacy('reduce'), str('reduction', { default: 'mean', choices: ['none', 'mean', 'sum', 'batchmean'] as const }), bool('log_target', { default: false })],
  forward(self, inputs, ctx) {
    const [input, target] = operands(ctx, inputs, pairNames)
    const a = self.args
    const reduction = a.size_average?.kind !== 'none' || a.reduce?.kind !== 'none' ? effectiveReduction(a as LossArgs) : a.reduction
    return ops.klDiv(ctx, input!, target!, reduction, a.log_target)
  },
})

/** `nn.PairwiseDistance(p=2.0, eps=1e-6, keepdim=False)`: the `p`-norm of `x1 − x2 + eps` along the last dimension ({@link ops.pairwiseDistance}). */
export const pairwiseDistance = defineLayer({
  name: 'PairwiseDistance',
  signature: [float('p', { default: 2.0 }), float('eps', { default: 1e-6 }), bool('keepdim', { default: false })],
  build() {},
  forwardInputs: ['x1', 'x2'],
  forward(self, inputs, ctx) {
    const [x1, x2] = operands(ctx, inputs, ['x1', 'x2'])
    return ops.pairwiseDistance(ctx, x1!, x2!, self.args.keepdim)
  },
})

/** `nn.CosineSimilarity(dim=1, eps=1e-8)`: no parameters; `F.cosine_similarity(x1, x2, dim, eps)` ({@link ops.cosineSimilarity}). */
export const cosineSimilarity = defineLayer({
  name: 'CosineSimilarity',
  signature: [int('dim', { default: 1, min: -Number.MAX_SAFE_INTEGER }), float('eps', { default: 1e-8 })],
  build() {},
  forwardInputs: ['x1', 'x2'],
  forward(self, inputs, ctx) {
    const [x1, x2] = operands(ctx, inputs, ['x1', 'x2'])
    const rank = ops.broadcastShapes(ctx, x1!.shape, x2!.shape).length
    return ops.cosineSimilarity(ctx, x1!, x2!, ops.wrapDim(ctx, self.args.dim, rank))
  },
})

const notModelled = 'the tensors its kernel keeps are not modelled'

/** `nn.CTCLoss(blank=0, reduction='mean', zero_infinity=False)`. */
export const ctcLoss = defineLoss({
  name: 'CTCLoss',
  signature: [int('blank', { default: 0 }), reductionArg, bool('zero_infinity', { default: false })],
  forward: untraced('CTCLoss', notModelled),
  forwardInputs: ['log_probs', 'targets', 'input_lengths', 'target_lengths'],
})
/** `nn.PoissonNLLLoss(log_input=True, full=False, size_average=None, eps=1e-8, reduce=None, reduction='mean')`. */
export const poissonNLLLoss = defineLoss({
  name: 'PoissonNLLLoss',
  signature: [bool('log_input', { default: true }), bool('full', { default: false }), legacy('size_average'), float('eps', { default: 1e-8 }), legacy('reduce'), reductionArg],
  forward: untraced('PoissonNLLLoss', notModelled),
  forwardInputs: ['log_input', 'target'],
})
/** `nn.GaussianNLLLoss(*, full=False, eps=1e-6, reduction='mean')`. */
export const gaussianNLLLoss = defineLoss({
  name: 'GaussianNLLLoss',
  signature: [bool('full', { default: false, keywordOnly: true }), float('eps', { default: 1e-6, keywordOnly: true }), str('reduction', { default: 'mean', choices: reductions, keywordOnly: true })],
  forward: untraced('GaussianNLLLoss', notModelled),
  forwardInputs: ['input', 'target', 'var'],
})
/** `nn.MarginRankingLoss(margin=0.0, size_average=None, reduce=None, reduction='mean')`. */
export const marginRankingLoss = defineLoss({
  name: 'MarginRankingLoss',
  signature: [float('margin', { default: 0 }), legacy('size_average'), legacy('reduce'), reductionArg],
  forward: untraced('MarginRankingLoss', notModelled),
  forwardInputs: ['input1', 'input2', 'target'],
})
/** `nn.HingeEmbeddingLoss(margin=1.0, size_average=None, reduce=None, reduction='mean')`. */
export const hingeEmbeddingLoss = defineLoss({
  name: 'HingeEmbeddingLoss',
  signature: [float('margin', { default: 1.0 }), legacy('size_average'), legacy('reduce'), reductionArg],
  forward: untraced('HingeEmbeddingLoss', notModelled),
})
/** `nn.MultiLabelMarginLoss(size_average=None, reduce=None, reduction='mean')`. */
export const multiLabelMarginLoss = defineLoss({ name: 'MultiLabelMarginLoss', signature: [legacy('size_average'), legacy('reduce'), reductionArg], forward: untraced('MultiLabelMarginLoss', notModelled) })
/** `nn.MultiLabelSoftMarginLoss(weight=None, size_average=None, reduce=None, reduction='mean')`: `weight` is a buffer. */
export const multiLabelSoftMarginLoss = defineLoss({
  name: 'MultiLabelSoftMarginLoss',
  signature: [optionalTensor('weight'), legacy('size_average'), legacy('reduce'), reductionArg],
  weighted: true,
  validate: validateWeight,
  forward: untraced('MultiLabelSoftMarginLoss', notModelled),
})
/** `nn.CosineEmbeddingLoss(margin=0.0, size_average=None, reduce=None, reduction='mean')`. */
export const cosineEmbeddingLoss = defineLoss({
  name: 'CosineEmbeddingLoss',
  signature: [float('margin', { default: 0 }), legacy('size_average'), legacy('reduce'), reductionArg],
  forward: untraced('CosineEmbeddingLoss', notModelled),
  forwardInputs: ['input1', 'input2', 'target'],
})
/** `nn.MultiMarginLoss(p=1, margin=1.0, weight=None, size_average=None, reduce=None, reduction='mean')`: `weight` is a buffer. */
export const multiMarginLoss = defineLoss({
  name: 'MultiMarginLoss',
  signature: [int('p', { default: 1 }), float('margin', { default: 1.0 }), optionalTensor('weight'), legacy('size_average'), legacy('reduce'), reductionArg],
  weighted: true,
  validate(a, fail) {
    validateWeight(a, fail)
    const p = a.p
    if (p !== 1 && p !== 2) fail('p', `only p == 1 and p == 2 supported, got \`p=${p}\`.`)
  },
  forward: untraced('MultiMarginLoss', notModelled),
})
/** `nn.TripletMarginLoss(margin=1.0, p=2.0, eps=1e-6, swap=False, size_average=None, reduce=None, reduction='mean')`. */
export const tripletMarginLoss = defineLoss({
  name: 'TripletMarginLoss',
  signature: [float('margin', { default: 1.0 }), float('p', { default: 2.0 }), float('eps', { default: 1e-6 }), bool('swap', { default: false }), legacy('size_average'), legacy('reduce'), reductionArg],
  forward: untraced('TripletMarginLoss', notModelled),
  forwardInputs: ['anchor', 'positive', 'negative'],
})
/** `nn.TripletMarginWithDistanceLoss(*, distance_function=None, margin=1.0, swap=False, reduction='mean')`. */
export const tripletMarginWithDistanceLoss = defineLoss({
  name: 'TripletMarginWithDistanceLoss',
  signature: [
    any('distance_function', { default: { kind: 'none' }, keywordOnly: true }),
    float('margin', { default: 1.0, keywordOnly: true }),
    bool('swap', { default: false, keywordOnly: true }),
    str('reduction', { default: 'mean', choices: reductions, keywordOnly: true }),
  ],
  forward: untraced('TripletMarginWithDistanceLoss', notModelled),
  forwardInputs: ['anchor', 'positive', 'negative'],
})

const outFeaturesArg: ArgSpec<number[], 'out_features', false> = {
  name: 'out_features',
  required: false,
  default: [],
  keywordOnly: true,
  coerce(v, span, name) {
    if (v.kind !== 'tuple' && v.kind !== 'list') throw new NnsizeError('argument-type', `\`${name}\` must be a tuple of ints, got ${typeName(v)} \`${showValue(v)}\`.`, { span })
    return v.items.map((item) => int(name).coerce(item, span, name))
  },
}

/**
 * `nn.LinearCrossEntropyLoss(in_features, num_classes, *, out_features=(), bias=False, device=None, dtype=None,
 * reduction='mean', weight=None, ignore_index=None, label_smoothing=0.0, options=None)` (PyTorch 2.13): a
 * `weight` buffer (class weights or `None`) and a child `linear` = `Linear(in_features, num_classes ·
 * ∏out_features, bias)`. Its fused forward (`F.linear_cross_entropy`) is not modelled.
 */
export const linearCrossEntropyLoss = defineLayer({
  name: 'LinearCrossEntropyLoss',
  since: '2.13',
  signature: [
    int('in_features'),
    int('num_classes'),
    outFeaturesArg,
    bool('bias', { default: false, keywordOnly: true }),
    { ...device(), keywordOnly: true },
    { ...dtype(), keywordOnly: true },
    str('reduction', { default: 'mean', choices: reductions, keywordOnly: true }),
    { ...optionalTensor('weight'), keywordOnly: true },
    optionalInt('ignore_index', { default: null, min: -Number.MAX_SAFE_INTEGER, keywordOnly: true }),
    float('label_smoothing', { default: 0, keywordOnly: true }),
    any('options', { default: { kind: 'none' }, keywordOnly: true }),
  ],
  validate(a, fail) {
    if (a.weight && (a.weight.shape.length !== 1 || a.weight.shape[0] !== a.num_classes)) {
      fail('weight', `expected weight shape to be (${a.num_classes},), got ${formatShape(a.weight.shape)}.`)
    }
    if (!(a.label_smoothing >= 0 && a.label_smoothing <= 1)) fail('label_smoothing', `expected label_smoothing to be in range [0, 1], got ${a.label_smoothing}.`)
  },
  build(a, m) {
    weightBuffer(m, 'weight', a.weight)
    const rows = a.out_features.reduce((total, d) => total * d, a.num_classes)
    m.child('linear', m.create(linear, { in_features: a.in_features, out_features: rows, bias: a.bias, dtype: a.dtype }))
  },
  forward: untraced('LinearCrossEntropyLoss', 'its fused linear and cross-entropy kernel is not modelled'),
})
