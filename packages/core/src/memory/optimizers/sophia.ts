import { bool, float, floats } from '../../bind/args.js'
import { checks, defineOptimizer, moments, pyFloat, scalar } from './define.js'

/** SophiaG: a momentum and a diagonal Hessian estimate per parameter. */
export const sophia = defineOptimizer<{ lr: number; betas: Array<number | null>; rho: number; weight_decay: number }>({
  name: 'SophiaG',
  library: 'Sophia',
  qualifiedNames: ['sophia.SophiaG', 'SophiaG', 'Sophia'],
  shortNames: ['sophia', 'sophiag'],
  signature: [
    float('lr', { default: 1e-4 }),
    floats('betas', 2, { default: [0.965, 0.99] }),
    float('rho', { default: 0.04 }),
    float('weight_decay', { default: 1e-1 }),
    bool('maximize', { default: false, keywordOnly: true }),
    bool('capturable', { default: false, keywordOnly: true }),
  ],
  statefulParameters: 'trainable',
  validate(a, fail) {
    checks.lr(a.lr, fail)
    checks.betas(a.betas, fail)
    if (a.rho < 0) fail('rho', `Invalid rho parameter at index 1: ${pyFloat(a.rho)}`)
    checks.weightDecay(a.weight_decay, fail)
  },
  perParameter: (p) => [scalar('step'), ...moments(p, 'exp_avg', 'hessian')],
  accounting: () => '`step` (float32, one element) + `exp_avg` + `hessian` (diagonal Hessian estimate), each the shape and dtype of the parameter.',
  source: 'https://github.com/Liuhong99/Sophia/blob/main/sophia.py',
})
