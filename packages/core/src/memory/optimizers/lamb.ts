import { bool, float, floats } from '../../bind/args.js'
import { checkAdamLike, checks, defineOptimizer, moments } from './define.js'

/** LAMB (`torch-optimizer`): Adam's two moments, with layer-wise trust ratios. */
export const lamb = defineOptimizer<{ lr: number; betas: Array<number | null>; eps: number; weight_decay: number; clamp_value: number }>({
  name: 'Lamb',
  library: 'torch-optimizer',
  qualifiedNames: ['torch_optimizer.Lamb', 'optim.Lamb', 'Lamb', 'LAMB'],
  shortNames: ['lamb'],
  signature: [
    float('lr', { default: 1e-3 }),
    floats('betas', 2, { default: [0.9, 0.999] }),
    float('eps', { default: 1e-6 }),
    float('weight_decay', { default: 0 }),
    float('clamp_value', { default: 10 }),
    bool('adam', { default: false }),
    bool('debias', { default: false }),
  ],
  statefulParameters: 'trainable',
  validate(a, fail) {
    checkAdamLike(a, fail)
    checks.nonNegative(a.clamp_value, 'clamp_value', fail, 'clamp')
  },
  perParameter: (p) => moments(p, 'exp_avg', 'exp_avg_sq'),
  accounting: () => '`exp_avg` + `exp_avg_sq`, each the shape and dtype of the parameter; `step` is a Python int.',
  source: 'https://github.com/jettify/pytorch-optimizer/blob/master/torch_optimizer/lamb.py',
})
