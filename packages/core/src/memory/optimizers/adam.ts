import { NnsizeError } from '../../errors.js'
import { bool, float, floats } from '../../bind/args.js'
import type { OptimizerDefinition } from './define.js'
import { checkAdamLike, checks, ignored, ignoredKeywords, moments, scalar, scalarsOnHost, torchOptimizer } from './define.js'

interface AdamArgs {
  lr: number
  betas: Array<number | null>
  eps: number
  weight_decay: number
  amsgrad: boolean
  /** As written (`True` puts `step` on the parameter's device). */
  capturable?: unknown
  fused?: unknown
}

const adam = (name: 'Adam' | 'AdamW', weightDecay: number, shortNames: string[]): OptimizerDefinition<AdamArgs> =>
  torchOptimizer<AdamArgs>({
    name,
    shortNames,
    signature: [
      float('lr', { default: 1e-3 }),
      floats('betas', 2, { default: [0.9, 0.999] }),
      float('eps', { default: 1e-8 }),
      float('weight_decay', { default: weightDecay }),
      bool('amsgrad', { default: false }),
      ...ignoredKeywords('foreach', 'maximize', 'capturable', 'differentiable', 'fused', 'decoupled_weight_decay'),
    ],
    validate: checkAdamLike,
    perParameter: (p, a) => [scalar('step', scalarsOnHost(a)), ...moments(p, 'exp_avg', 'exp_avg_sq', ...(a.amsgrad ? ['max_exp_avg_sq'] : []))],
    accounting: () => '`step` (float32 scalar, on the CPU unless `capturable=True` or `fused=True`) + `exp_avg` + `exp_avg_sq` (+ `max_exp_avg_sq` with `amsgrad=True`), each the shape and dtype of the parameter.',
  })

/** `torch.optim.Adam`. */
export const adamOptimizer = adam('Adam', 0, ['adam', 'adam_torch'])

/** `torch.optim.AdamW`: Adam's state; only the default weight decay differs. */
export const adamw = adam('AdamW', 1e-2, ['adamw', 'adamw_torch', 'adamw_torch_fused', 'adamw_hf'])

/** The arguments Adamax, NAdam and RAdam share before their own. */
const adamFamilySignature = (lr: number) => [float('lr', { default: lr }), floats('betas', 2, { default: [0.9, 0.999] }), float('eps', { default: 1e-8 }), float('weight_decay', { default: 0 })]

/** `torch.optim.Adamax`: the infinity norm replaces the second moment. */
export const adamax = torchOptimizer<AdamArgs>({
  name: 'Adamax',
  shortNames: ['adamax'],
  signature: [...adamFamilySignature(2e-3), ignored('foreach'), ...ignoredKeywords('maximize', 'differentiable', 'capturable')],
  validate: checkAdamLike,
  perParameter: (p, a) => [scalar('step', scalarsOnHost(a)), ...moments(p, 'exp_avg', 'exp_inf')],
  accounting: () => '`step` (float32 scalar) + `exp_avg` + `exp_inf`, each the shape and dtype of the parameter.',
})

/** `torch.optim.NAdam`: Adam's state and the running product of momentum factors. */
export const nadam = torchOptimizer<AdamArgs & { momentum_decay: number }>({
  name: 'NAdam',
  shortNames: ['nadam'],
  signature: [...adamFamilySignature(2e-3), float('momentum_decay', { default: 4e-3 }), ignored('foreach'), ...ignoredKeywords('decoupled_weight_decay', 'maximize', 'capturable', 'differentiable')],
  validate(a, fail) {
    checkAdamLike(a, fail)
    checks.nonNegative(a.momentum_decay, 'momentum_decay', fail)
  },
  perParameter: (p, a) => [scalar('step', scalarsOnHost(a)), scalar('mu_product', scalarsOnHost(a)), ...moments(p, 'exp_avg', 'exp_avg_sq')],
  accounting: () => '`step` and `mu_product` (float32 scalars) + `exp_avg` + `exp_avg_sq`, each the shape and dtype of the parameter.',
})

/** `torch.optim.RAdam`: Adam's state. */
export const radam = torchOptimizer<AdamArgs>({
  name: 'RAdam',
  shortNames: ['radam'],
  signature: [...adamFamilySignature(1e-3), ignored('foreach'), ...ignoredKeywords('decoupled_weight_decay', 'maximize', 'capturable', 'differentiable')],
  validate: checkAdamLike,
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
  checkParameters(params) {
    const dense = params.find((p) => !p.sparseGradient)
    if (dense) {
      throw new NnsizeError('option', `SparseAdam does not support dense gradients, please consider Adam instead (PyTorch's error): \`${dense.name}\` gets a dense gradient; only \`nn.Embedding\`/\`nn.EmbeddingBag\` with \`sparse=True\` produce sparse ones.`)
    }
  },
  perParameter: (p) => moments(p, 'exp_avg', 'exp_avg_sq'),
  accounting: () => '`exp_avg` + `exp_avg_sq` (dense, shape and dtype of the parameter); `step` is a Python int. Only parameters with sparse gradients are accepted.',
})
