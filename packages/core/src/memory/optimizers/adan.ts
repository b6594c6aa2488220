import { bool, float, floats } from '../../bind/args.js'
import { checks, defineOptimizer, moments, pyFloat } from './define.js'

/** Adan: three moments and the previous gradient per parameter. */
export const adan = defineOptimizer<{ lr: number; betas: Array<number | null>; eps: number; max_grad_norm: number }>({
  name: 'Adan',
  library: 'Adan',
  qualifiedNames: ['adan.Adan', 'adan_pytorch.Adan', 'Adan'],
  shortNames: ['adan'],
  signature: [
    float('lr', { default: 1e-3 }),
    floats('betas', 3, { default: [0.98, 0.92, 0.99] }),
    float('eps', { default: 1e-8 }),
    float('weight_decay', { default: 0.0 }),
    float('max_grad_norm', { default: 0.0 }),
    bool('no_prox', { default: false }),
    bool('foreach', { default: true }),
    bool('fused', { default: false }),
  ],
  statefulParameters: 'trainable',
  validate(a, fail) {
    if (a.max_grad_norm < 0) fail('max_grad_norm', `Invalid Max grad norm: ${pyFloat(a.max_grad_norm)}`)
    checks.lr(a.lr, fail)
    checks.eps(a.eps, fail)
    checks.betas(a.betas, fail)
  },
  perParameter: (p) => moments(p, 'exp_avg', 'exp_avg_sq', 'exp_avg_diff', 'neg_pre_grad'),
  accounting: () => '`exp_avg` + `exp_avg_sq` + `exp_avg_diff` + `neg_pre_grad` (the previous gradient), each the shape and dtype of the parameter; `step` is kept per group.',
  source: 'https://github.com/sail-sg/Adan/blob/main/adan.py',
})
