import { bool, float, floats } from '../../bind/args.js'
import type { OptimizerContext, StateTensor } from './define.js'
import { capturableCheck, checkFusedDTypes, checkFusedFlags, checks, givenTrue, ignored, ignoredKeywords, like, moments, pyFloat, scalar, scalarsOnHost, torchOptimizer } from './define.js'

/**
 * The `step` count of RMSprop, Adadelta and Rprop: a Python int (no tensor) in PyTorch 1.13, a float32 scalar
 * tensor since 2.0.
 */
const stepSince2 = (context: OptimizerContext, a: { capturable?: unknown }): StateTensor[] => (context.torch === '1.13' ? [] : [scalar('step', scalarsOnHost(a))])
const stepText = (context: OptimizerContext): string => (context.torch === '1.13' ? '; `step` is a Python int (0 bytes) in PyTorch 1.13' : '')
const stepPrefix = (context: OptimizerContext): string => (context.torch === '1.13' ? '' : '`step` (float32 scalar) + ')

/** `torch.optim.Adagrad`: the sum of squared gradients, created in the constructor for every parameter. */
export const adagrad = torchOptimizer<{ lr: number; lr_decay: number; weight_decay: number; initial_accumulator_value: number; eps: number; fused?: unknown; foreach?: unknown; differentiable?: unknown }>({
  name: 'Adagrad',
  shortNames: ['adagrad'],
  signature: [
    float('lr', { default: 1e-2 }),
    float('lr_decay', { default: 0 }),
    float('weight_decay', { default: 0 }),
    float('initial_accumulator_value', { default: 0 }),
    float('eps', { default: 1e-10 }),
    ignored('foreach'),
    ...ignoredKeywords('maximize', 'differentiable', 'fused'),
  ],
  tensorArguments: ['lr'],
  validate(a, fail) {
    checks.lr(a.lr, fail)
    checks.nonNegative(a.lr_decay, 'lr_decay', fail)
    checks.weightDecay(a.weight_decay, fail)
    checks.nonNegative(a.initial_accumulator_value, 'initial_accumulator_value', fail)
    checks.eps(a.eps, fail)
    checkFusedFlags(a, fail)
  },
  // sparse gradients and complex parameters are accepted, except by the fused kernel
  checkStep(params, a, context, fail) {
    if (!givenTrue(a.fused)) return
    checkFusedDTypes(params, context, fail, true)
    const other = params.find((p) => p.sparseGradient || p.dtype.startsWith('complex'))
    if (other) fail('`fused` does not support sparse grad or complex param', `\`${other.name}\` ${other.sparseGradient ? 'gets a sparse gradient' : `is ${other.dtype}`}. Drop \`fused=True\`.`)
  },
  statefulParameters: 'all',
  perParameter: (p, a) => [scalar('step', scalarsOnHost(a)), like('sum', p)],
  accounting: () => '`step` (float32 scalar) + `sum` (shape and dtype of the parameter), created in the constructor for every parameter given, frozen ones included.',
})

/** `torch.optim.RMSprop`: the running mean of squared gradients (+ momentum, + the mean gradient when centred). */
export const rmsprop = torchOptimizer<{ lr: number; alpha: number; eps: number; weight_decay: number; momentum: number; centered: boolean; capturable?: unknown }>({
  name: 'RMSprop',
  shortNames: ['rmsprop'],
  signature: [
    float('lr', { default: 1e-2 }),
    float('alpha', { default: 0.99 }),
    float('eps', { default: 1e-8 }),
    float('weight_decay', { default: 0 }),
    float('momentum', { default: 0 }),
    bool('centered', { default: false }),
    ...ignoredKeywords('capturable', 'foreach', 'maximize', 'differentiable'),
  ],
  tensorArguments: ['lr'],
  validate(a, fail) {
    checks.lr(a.lr, fail)
    checks.eps(a.eps, fail)
    checks.nonNegative(a.momentum, 'momentum', fail)
    checks.weightDecay(a.weight_decay, fail)
    checks.nonNegative(a.alpha, 'alpha', fail)
  },
  sparseGradientError: 'RMSprop does not support sparse gradients',
  capturable: capturableCheck('params and state_steps', { single: true, foreach: true }),
  perParameter: (p, a, context) => [...stepSince2(context, a), like('square_avg', p), ...(a.momentum > 0 ? [like('momentum_buffer', p)] : []), ...(a.centered ? [like('grad_avg', p)] : [])],
  accounting: (context) =>
    `${stepPrefix(context)}\`square_avg\` (+ \`momentum_buffer\` when \`momentum\` > 0, + \`grad_avg\` when \`centered=True\`), each the shape and dtype of the parameter${stepText(context)}.`,
})

/** `torch.optim.Adadelta`: running means of squared gradients and of squared updates. */
export const adadelta = torchOptimizer<{ lr: number; rho: number; eps: number; weight_decay: number; capturable?: unknown }>({
  name: 'Adadelta',
  shortNames: ['adadelta'],
  signature: [float('lr', { default: 1.0 }), float('rho', { default: 0.9 }), float('eps', { default: 1e-6 }), float('weight_decay', { default: 0 }), ignored('foreach'), ...ignoredKeywords('capturable', 'maximize', 'differentiable')],
  tensorArguments: ['lr'],
  validate(a, fail) {
    checks.lr(a.lr, fail)
    if (!(a.rho >= 0 && a.rho <= 1)) fail('rho', `Invalid rho value: ${pyFloat(a.rho)}`)
    checks.eps(a.eps, fail)
    checks.weightDecay(a.weight_decay, fail)
  },
  sparseGradientError: 'Adadelta does not support sparse gradients',
  capturable: capturableCheck('params and state_steps', { single: false, foreach: false }),
  perParameter: (p, a, context) => [...stepSince2(context, a), ...moments(p, 'square_avg', 'acc_delta')],
  accounting: (context) => `${stepPrefix(context)}\`square_avg\` + \`acc_delta\`, each the shape and dtype of the parameter${stepText(context)}.`,
})

/** `torch.optim.Rprop`: the previous gradient and a step size per element. */
export const rprop = torchOptimizer<{ lr: number; etas: number[]; capturable?: unknown }>({
  name: 'Rprop',
  shortNames: ['rprop'],
  signature: [float('lr', { default: 1e-2 }), floats('etas', 2, { default: [0.5, 1.2] }), floats('step_sizes', 2, { default: [1e-6, 50] }), ignored('foreach'), ignored('maximize'), ...ignoredKeywords('capturable', 'differentiable')],
  tensorArguments: ['lr'],
  validate(a, fail) {
    checks.lr(a.lr, fail)
    const [lo, hi] = a.etas as [number, number]
    if (!(lo > 0 && lo < 1 && hi > 1)) fail('etas', `Invalid eta values: ${pyFloat(lo)}, ${pyFloat(hi)}`)
  },
  sparseGradientError: 'Rprop does not support sparse gradients',
  capturable: capturableCheck('params and state_steps', { single: true, foreach: true }),
  perParameter: (p, a, context) => [...stepSince2(context, a), ...moments(p, 'prev', 'step_size')],
  accounting: (context) => `${stepPrefix(context)}\`prev\` + \`step_size\`, each the shape and dtype of the parameter${stepText(context)}.`,
})
