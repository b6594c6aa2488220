import { bool, float, floats, int, optionalStr } from '../../bind/args.js'
import { like, moments, pyFloat, scalar, torchOptimizer } from './define.js'

/** `torch.optim.Muon` (PyTorch 2.9+): a momentum buffer for matrices; the other parameters counted with AdamW. */
export const muon = torchOptimizer<{ lr: number; weight_decay: number; momentum: number; ns_steps: number }>({
  name: 'Muon',
  module: '_muon',
  since: '2.9',
  shortNames: ['muon'],
  signature: [
    float('lr', { default: 1e-3 }),
    float('weight_decay', { default: 0.1 }),
    float('momentum', { default: 0.95 }),
    bool('nesterov', { default: true }),
    floats('ns_coefficients', 3, { default: [3.4445, -4.775, 2.0315] }),
    float('eps', { default: 1e-7 }),
    int('ns_steps', { default: 5 }),
    optionalStr('adjust_lr_fn', { default: null, choices: ['original', 'match_rms_adamw'] }),
    bool('use_addmm', { default: false }),
  ],
  validate(a, fail) {
    if (a.lr < 0) fail('lr', `Learning rate should be >= 0 but is: ${pyFloat(a.lr)}`)
    if (a.momentum < 0) fail('momentum', `momentum should be >= 0 but is: ${pyFloat(a.momentum)}`)
    if (a.weight_decay < 0) fail('weight_decay', `weight decay should be >= 0 but is: ${pyFloat(a.weight_decay)}`)
    if (a.ns_steps >= 100) fail('ns_steps', 'Number of steps must be less than 100 for computational efficiency')
  },
  perParameter: (p) => (p.shape.length >= 2 ? [like('momentum_buffer', p)] : [scalar('step'), ...moments(p, 'exp_avg', 'exp_avg_sq')]),
  accounting: () =>
    'Matrices (2+ dimensions): `momentum_buffer` (shape and dtype of the parameter). Muon only takes matrices, so biases, norms and other vectors are counted as the documentation advises, with `torch.optim.AdamW`: `step` (float32 scalar) + `exp_avg` + `exp_avg_sq`.',
})
