import { bool, float } from '../../bind/args.js'
import { scalarTypeName } from '../../tensor/dtype.js'
import { capturableCheck, checkFusedDTypes, checkFusedFlags, checks, givenTrue, ignored, ignoredKeywords, like, scalar, torchOptimizer } from './define.js'

/** `torch.optim.SGD`: a momentum buffer per parameter when `momentum` is non-zero. */
export const sgd = torchOptimizer<{ lr: number; momentum: number; dampening: number; weight_decay: number; nesterov: boolean; fused?: unknown; foreach?: unknown; differentiable?: unknown }>({
  name: 'SGD',
  shortNames: ['sgd'],
  signature: [float('lr', { default: 1e-3 }), float('momentum', { default: 0 }), float('dampening', { default: 0 }), float('weight_decay', { default: 0 }), bool('nesterov', { default: false }), ...ignoredKeywords('maximize', 'foreach', 'differentiable', 'fused')],
  tensorArguments: ['lr'],
  validate(a, fail) {
    checks.lr(a.lr, fail)
    checks.nonNegative(a.momentum, 'momentum', fail)
    checks.weightDecay(a.weight_decay, fail)
    if (a.nesterov && (a.momentum <= 0 || a.dampening !== 0)) fail('nesterov', 'Nesterov momentum requires a momentum and zero dampening')
    checkFusedFlags(a, fail)
  },
  // sparse gradients and complex parameters are accepted, except by the fused kernel
  checkStep(params, a, context, fail) {
    if (!givenTrue(a.fused)) return
    checkFusedDTypes(params, context, fail, true)
    const sparse = params.find((p) => p.sparseGradient)
    if (sparse) fail('`_fused_sgd` does not support sparse gradients', `\`${sparse.name}\` gets a sparse gradient. Drop \`fused=True\`.`)
    const complex = params.find((p) => p.dtype.startsWith('complex'))
    if (complex) fail(`"fused_sgd_kernel" not implemented for '${scalarTypeName(complex.dtype)}'`, `\`${complex.name}\` is ${complex.dtype}. Drop \`fused=True\`.`)
  },
  perParameter: (p, a) => (a.momentum !== 0 ? [like('momentum_buffer', p)] : []),
  accounting: () =>
    '`momentum_buffer` (shape and dtype of the parameter) when `momentum` is non-zero; nothing otherwise (`momentum_buffer` is `None`). For a sparse gradient the buffer is a sparse tensor, counted at its dense size.',
})

/** `torch.optim.ASGD`: averaged SGD keeps the running average `ax` and three scalars. */
export const asgd = torchOptimizer<{ lr: number; weight_decay: number }>({
  name: 'ASGD',
  shortNames: ['asgd'],
  signature: [
    float('lr', { default: 1e-2 }),
    float('lambd', { default: 1e-4 }),
    float('alpha', { default: 0.75 }),
    float('t0', { default: 1e6 }),
    float('weight_decay', { default: 0 }),
    ignored('foreach'),
    ignored('maximize'),
    ...ignoredKeywords('differentiable', 'capturable'),
  ],
  tensorArguments: ['lr'],
  validate(a, fail) {
    checks.lr(a.lr, fail)
    checks.weightDecay(a.weight_decay, fail)
  },
  sparseGradientError: 'ASGD does not support sparse gradients',
  capturable: capturableCheck('params, mus, etas, and state_steps', { single: true, foreach: false }),
  perParameter: (p) => [scalar('step'), scalar('eta'), scalar('mu'), like('ax', p)],
  accounting: () => '`step`, `eta` and `mu` (float32 scalars) + `ax` (shape and dtype of the parameter).',
})
