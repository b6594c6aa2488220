import { bool, float, floats } from '../../bind/args.js'
import type { OptimizerDefinition } from './define.js'
import { capturableCheck, checkAdamLike, checkFusedDTypes, checkFusedFlags, checks, givenTrue, ignored, ignoredKeywords, moments, scalar, scalarsOnHost, torchOptimizer } from './define.js'
import type { OptimizerFailure } from './define.js'

interface AdamArgs {
  lr: number
  betas: Array<number | null>
  eps: number
  weight_decay: number
  amsgrad: boolean
  /** As written (`True` puts `step` on the parameter's device). */
  capturable?: unknown
  fused?: unknown
  foreach?: unknown
  differentiable?: unknown
}

/**
 * Adam's checks of tensor hyper-parameters, before the others: `betas` both floats or both tensors, and no tensor
 * with `foreach=True` unless `capturable=True`.
 */
function checkTensorArguments(a: AdamArgs, fail: OptimizerFailure, tensors: ReadonlySet<string>): void {
  const foreachWithoutCapturable = givenTrue(a.foreach) && !givenTrue(a.capturable)
  if (tensors.has('lr') && foreachWithoutCapturable) fail('lr', 'lr as a Tensor is not supported for capturable=False and foreach=True')
  if (tensors.has('betas[0]') !== tensors.has('betas[1]')) fail('betas', 'betas must be either both floats or both Tensors')
  for (const i of [0, 1]) {
    if (tensors.has(`betas[${i}]`) && foreachWithoutCapturable) fail('betas', `betas[${i}] as a Tensor is not supported for capturable=False and foreach=True`)
  }
}

const adam = (name: 'Adam' | 'AdamW', weightDecay: number, shortNames: string[], presets?: Record<string, string>): OptimizerDefinition<AdamArgs> =>
  torchOptimizer<AdamArgs>({
    name,
    shortNames,
    ...(presets ? { presets } : {}),
    signature: [
      float('lr', { default: 1e-3 }),
      floats('betas', 2, { default: [0.9, 0.999] }),
      float('eps', { default: 1e-8 }),
      float('weight_decay', { default: weightDecay }),
      bool('amsgrad', { default: false }),
      ...ignoredKeywords('foreach', 'maximize', 'capturable', 'differentiable', 'fused', 'decoupled_weight_decay'),
    ],
    tensorArguments: ['lr', 'betas'],
    validate(a, fail, tensors) {
      checkTensorArguments(a, fail, tensors)
      checkAdamLike(a, fail)
      checkFusedFlags(a, fail)
    },
    // AdamW is Adam's subclass: its message names Adam
    sparseGradientError: 'Adam does not support sparse gradients, please consider SparseAdam instead',
    checkStep(params, a, context, fail) {
      if (givenTrue(a.fused)) checkFusedDTypes(params, context, fail, false)
    },
    capturable: capturableCheck('params and state_steps', { single: true, foreach: false }),
    perParameter: (p, a) => [scalar('step', scalarsOnHost(a)), ...moments(p, 'exp_avg', 'exp_avg_sq', ...(a.amsgrad ? ['max_exp_avg_sq'] : []))],
    accounting: () => '`step` (float32 scalar, on the CPU unless `capturable=True` or `fused=True`) + `exp_avg` + `exp_avg_sq` (+ `max_exp_avg_sq` with `amsgrad=True`), each the shape and dtype of the parameter.',
  })

/** `torch.optim.Adam`. */
export const adamOptimizer = adam('Adam', 0, ['adam', 'adam_torch'])

/** `torch.optim.AdamW`: Adam's state; only the default weight decay differs. */
export const adamw = adam('AdamW', 1e-2, ['adamw', 'adamw_torch', 'adamw_torch_fused', 'adamw_hf'], {
  // Hugging Face Trainer's `optim="adamw_torch_fused"` (its default since PyTorch 2.8): `AdamW(..., fused=True)`
  adamw_torch_fused: 'fused=True',
})

/** The arguments Adamax, NAdam and RAdam share before their own. */
const adamFamilySignature = (lr: number) => [float('lr', { default: lr }), floats('betas', 2, { default: [0.9, 0.999] }), float('eps', { default: 1e-8 }), float('weight_decay', { default: 0 })]

/** `torch.optim.Adamax`: the infinity norm replaces the second moment. */
export const adamax = torchOptimizer<AdamArgs>({
  name: 'Adamax',
  shortNames: ['adamax'],
  signature: [...adamFamilySignature(2e-3), ignored('foreach'), ...ignoredKeywords('maximize', 'differentiable', 'capturable')],
  tensorArguments: ['lr'],
  validate: checkAdamLike,
  sparseGradientError: 'Adamax does not support sparse gradients',
  capturable: capturableCheck('params and state_steps', { single: true, foreach: false }),
  perParameter: (p, a) => [scalar('step', scalarsOnHost(a)), ...moments(p, 'exp_avg', 'exp_inf')],
  accounting: () => '`step` (float32 scalar) + `exp_avg` + `exp_inf`, each the shape and dtype of the parameter.',
})

/** `torch.optim.NAdam`: Adam's state and the running product of momentum factors. */
export const nadam = torchOptimizer<AdamArgs & { momentum_decay: number }>({
  name: 'NAdam',
  shortNames: ['nadam'],
  signature: [...adamFamilySignature(2e-3), float('momentum_decay', { default: 4e-3 }), ignored('foreach'), ...ignoredKeywords('decoupled_weight_decay', 'maximize', 'capturable', 'differentiable')],
  tensorArguments: ['lr'],
  validate(a, fail) {
    checkAdamLike(a, fail)
    checks.nonNegative(a.momentum_decay, 'momentum_decay', fail)
  },
  sparseGradientError: 'NAdam does not support sparse gradients',
  capturable: capturableCheck('params, mu_products and state_steps', { single: true, foreach: false }, 'params, mu_products, and state_steps'),
  perParameter: (p, a) => [scalar('step', scalarsOnHost(a)), scalar('mu_product', scalarsOnHost(a)), ...moments(p, 'exp_avg', 'exp_avg_sq')],
  accounting: () => '`step` and `mu_product` (float32 scalars) + `exp_avg` + `exp_avg_sq`, each the shape and dtype of the parameter.',
})

/** `torch.optim.RAdam`: Adam's state. */
export const radam = torchOptimizer<AdamArgs>({
  name: 'RAdam',
  shortNames: ['radam'],
  signature: [...adamFamilySignature(1e-3), ignored('foreach'), ...ignoredKeywords('decoupled_weight_decay', 'maximize', 'capturable', 'differentiable')],
  tensorArguments: ['lr'],
  validate: checkAdamLike,
  sparseGradientError: 'RAdam does not support sparse gradients',
  capturable: capturableCheck('params and state_steps', { single: true, foreach: false }),
  perParameter: (p, a) => [scalar('step', scalarsOnHost(a)), ...moments(p, 'exp_avg', 'exp_avg_sq')],
  accounting: () => '`step` (float32 scalar) + `exp_avg` + `exp_avg_sq`, each the shape and dtype of the parameter.',
})

/** `torch.optim.SparseAdam`: dense moments for parameters with sparse gradients; dense gradients are refused. */
export const sparseAdam = torchOptimizer<{ lr: number; betas: Array<number | null>; eps: number }>({
  name: 'SparseAdam',
  module: 'sparse_adam',
  shortNames: ['sparseadam', 'sparse_adam'],
  signature: [float('lr', { default: 1e-3 }), floats('betas', 2, { default: [0.9, 0.999] }), float('eps', { default: 1e-8 }), bool('maximize', { default: false })],
  validate(a, fail) {
    checks.lr(a.lr, fail, true)
    checks.eps(a.eps, fail, true)
    checks.betas(a.betas, fail)
  },
  checkStep(params, _a, _context, fail) {
    const dense = params.find((p) => !p.sparseGradient)
    if (dense) fail('SparseAdam does not support dense gradients, please consider Adam instead', `\`${dense.name}\` gets a dense gradient; only \`nn.Embedding\`/\`nn.EmbeddingBag\` with \`sparse=True\` produce sparse ones.`)
  },
  perParameter: (p) => moments(p, 'exp_avg', 'exp_avg_sq'),
  accounting: () => '`exp_avg` + `exp_avg_sq` (dense, shape and dtype of the parameter); `step` is a Python int. Only parameters with sparse gradients are accepted.',
})
