import { bool, float, floats, optionalFloat } from '../../bind/args.js'
import type { DType } from '../../tensor/dtype.js'
import type { StateTensor } from './define.js'
import { defineOptimizer, factored, ignored, like, pyFloat, scalar, torchOptimizer } from './define.js'

/** `torch.optim.Adafactor` (PyTorch 2.5+): a factored second moment, no first moment. */
export const adafactor = torchOptimizer<{ lr: number; beta2_decay: number; eps: Array<number | null>; d: number; weight_decay: number }>({
  name: 'Adafactor',
  module: '_adafactor',
  since: '2.5',
  shortNames: ['adafactor', 'adafactor_torch'],
  signature: [
    float('lr', { default: 1e-2 }),
    float('beta2_decay', { default: -0.8 }),
    floats('eps', 2, { default: [null, 1e-3], nullable: [0] }),
    float('d', { default: 1.0 }),
    float('weight_decay', { default: 0.0 }),
    ignored('foreach', { keywordOnly: true }),
    bool('maximize', { default: false, keywordOnly: true }),
  ],
  validate(a, fail) {
    if (a.lr < 0) fail('lr', `Learning rate should be >= 0 but is: ${pyFloat(a.lr)}`)
    if (a.beta2_decay > 0) fail('beta2_decay', `beta2_decay should be <= 0 but is: ${pyFloat(a.beta2_decay)}`)
    const [e1, e2] = a.eps
    if (e1 !== null && e1 !== undefined && e1 < 0) fail('eps', `epsilon1 should be >= 0 but is: ${pyFloat(e1)}`)
    if (e2 !== null && e2 !== undefined && e2 < 0) fail('eps', `epsilon2 should be >= 0 but is: ${pyFloat(e2)}`)
    if (a.d < 1) fail('d', `Clipping threshold d should be >= 1 but is: ${pyFloat(a.d)}`)
    if (a.weight_decay < 0) fail('weight_decay', `weight_decay should be >= 0 but is: ${pyFloat(a.weight_decay)}`)
  },
  tensorArguments: ['lr'],
  complexParameterError: 'Adafactor does not support complex parameters',
  sparseGradientError: 'Adafactor does not support sparse gradients',
  perParameter(p) {
    // `torch.tensor(0.0)`: on the CPU whatever the parameter's device
    if (p.shape.length < 2) return [scalar('step', true), like('variance', p)]
    const [rows, cols] = factored(p)
    return [scalar('step', true), { name: 'row_var', dtype: p.dtype, elements: rows }, { name: 'col_var', dtype: p.dtype, elements: cols }]
  },
  accounting: () =>
    '`step` (float32 scalar); for tensors of 2+ dimensions the factored second moment: `row_var` (shape with the last dimension set to 1) + `col_var` (shape with the second-to-last set to 1); for vectors a full `variance`. No first moment. Dtype of the parameter. (PyTorch 2.5+.)',
})

/** Hugging Face's `transformers.Adafactor`: float32 state for half parameters, a first moment only with `beta1`. */
export const transformersAdafactor = defineOptimizer<{ lr: number | null; beta1: number | null; relative_step: boolean; warmup_init: boolean }>({
  name: 'Adafactor',
  library: 'transformers',
  qualifiedNames: ['transformers.Adafactor', 'transformers.optimization.Adafactor'],
  shortNames: ['adafactor_hf', 'hf_adafactor'],
  signature: [
    optionalFloat('lr', { default: null }),
    floats('eps', 2, { default: [1e-30, 1e-3] }),
    float('clip_threshold', { default: 1.0 }),
    float('decay_rate', { default: -0.8 }),
    optionalFloat('beta1', { default: null }),
    float('weight_decay', { default: 0.0 }),
    bool('scale_parameter', { default: true }),
    bool('relative_step', { default: true }),
    bool('warmup_init', { default: false }),
  ],
  statefulParameters: 'trainable',
  validate(a, fail) {
    if (a.lr !== null && a.relative_step) fail('lr', 'Cannot combine manual `lr` and `relative_step=True` options')
    if (a.warmup_init && !a.relative_step) fail('warmup_init', '`warmup_init=True` requires `relative_step=True`')
  },
  sparseGradientError: 'Adafactor does not support sparse gradients.',
  perParameter(p, a) {
    const dtype: DType = p.dtype === 'float16' || p.dtype === 'bfloat16' ? 'float32' : p.dtype
    const out: StateTensor[] = a.beta1 !== null ? [like('exp_avg', p, dtype)] : []
    // `RMS` is `_rms(p)`: a norm divided by a number, a 0-dim tensor of the dtype the step works in
    const rms: StateTensor = { name: 'RMS', dtype, elements: 1n }
    if (p.shape.length < 2) return [...out, like('exp_avg_sq', p, dtype), rms]
    const [rows, cols] = factored(p)
    return [...out, { name: 'exp_avg_sq_row', dtype, elements: rows }, { name: 'exp_avg_sq_col', dtype, elements: cols }, rms]
  },
  accounting: () =>
    '`exp_avg` only when `beta1` is set; for tensors of 2+ dimensions `exp_avg_sq_row` (shape without the last dimension) + `exp_avg_sq_col` (shape without the second-to-last), for vectors `exp_avg_sq`; `RMS` (one element); float32 for float16/bfloat16 parameters (the gradient is cast first), else the parameter dtype; `step` is a Python int.',
  source: 'https://github.com/huggingface/transformers/blob/main/src/transformers/optimization.py (Adafactor.step)',
})
