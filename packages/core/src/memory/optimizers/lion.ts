import { bool, float, floats } from '../../bind/args.js'
import { defineOptimizer, like } from './define.js'

/** Lion (`lion-pytorch`): one momentum per parameter. */
export const lion = defineOptimizer<{ lr: number; betas: Array<number | null> }>({
  name: 'Lion',
  library: 'lion-pytorch',
  qualifiedNames: ['lion_pytorch.Lion', 'Lion'],
  shortNames: ['lion'],
  signature: [float('lr', { default: 1e-4 }), floats('betas', 2, { default: [0.9, 0.99] }), float('weight_decay', { default: 0.0 }), bool('use_triton', { default: false }), bool('decoupled_weight_decay', { default: false })],
  statefulParameters: 'trainable',
  validate(a, fail) {
    if (!(a.lr > 0)) fail('lr', 'assert lr > 0.')
    if (!a.betas.every((b) => b !== null && b >= 0 && b <= 1)) fail('betas', 'assert all([0. <= beta <= 1. for beta in betas])')
  },
  perParameter: (p) => [like('exp_avg', p)],
  accounting: () => '`exp_avg` (one momentum, shape and dtype of the parameter).',
  source: 'https://github.com/lucidrains/lion-pytorch/blob/main/lion_pytorch/lion_pytorch.py',
})
