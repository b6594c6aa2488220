import { bool, float, floats, int, optionalStr } from '../../bind/args.js'
import { defineOptimizer, like, pyFloat, torchOptimizer } from './define.js'
import type { OptimizerParameter } from './define.js'

/** `torch.Size([4])`, as PyTorch prints a shape. */
const torchSize = (shape: readonly number[]): string => `torch.Size([${shape.join(', ')}])`

/**
 * `torch.optim.Muon` (PyTorch 2.9+): a `momentum_buffer` per parameter. Its constructor refuses any parameter it is
 * given that is not 2-D, frozen ones included ("Muon only supports 2D parameters"), and its step refuses complex
 * parameters and sparse gradients, so nnsize refuses the same model, naming the first such tensor.
 */
export const muon = torchOptimizer<{ lr: number; weight_decay: number; momentum: number; ns_steps: number }>({
  name: 'Muon',
  module: '_muon',
  since: '2.9',
  shortNames: ['muon'],
  // torch/optim/_muon.py in PyTorch 2.13: `Muon.__init__(params, lr, weight_decay, momentum, nesterov, ns_coefficients, eps, ns_steps, adjust_lr_fn)`
  signature: [
    float('lr', { default: 1e-3 }),
    float('weight_decay', { default: 0.1 }),
    float('momentum', { default: 0.95 }),
    bool('nesterov', { default: true }),
    floats('ns_coefficients', 3, { default: [3.4445, -4.775, 2.0315] }),
    float('eps', { default: 1e-7 }),
    int('ns_steps', { default: 5 }),
    optionalStr('adjust_lr_fn', { default: null, choices: ['original', 'match_rms_adamw'] }),
  ],
  validate(a, fail) {
    if (a.lr < 0) fail('lr', `Learning rate should be >= 0 but is: ${pyFloat(a.lr)}`)
    if (a.momentum < 0) fail('momentum', `momentum should be >= 0 but is: ${pyFloat(a.momentum)}`)
    if (a.weight_decay < 0) fail('weight_decay', `weight decay should be >= 0 but is: ${pyFloat(a.weight_decay)}`)
    if (a.ns_steps >= 100) fail('ns_steps', 'Number of steps must be less than 100 for computational efficiency')
  },
  tensorArguments: ['lr'],
  checkParameters(params, _a, fail) {
    const other = params.find((p) => p.shape.length !== 2)
    if (other) {
      fail(
        `Muon only supports 2D parameters whereas we found a parameter with size: ${torchSize(other.shape)}`,
        `\`${other.name}\` has ${other.shape.length} dimension${other.shape.length === 1 ? '' : 's'}${other.trainable ? '' : ' (frozen, but given to the optimizer: the constructor checks every parameter)'}. Give \`torch.optim.Muon\` the 2-D weights of a submodule (\`Muon(model.layers.parameters())\`) and \`AdamW\` the rest, or use the reference implementation's \`MuonWithAuxAdam\` (\`muon_aux_adam\`), which runs AdamW for them.`,
      )
    }
  },
  complexParameterError: 'Muon does not support complex parameters',
  sparseGradientError: 'Muon does not support sparse gradients',
  perParameter: (p) => [like('momentum_buffer', p)],
  accounting: () => '`momentum_buffer` (shape and dtype of the parameter). Every parameter given must be 2-D, frozen ones included (PyTorch refuses others in the constructor), and real.',
})

/** Embeddings and the output head, which the reference implementation gives to AdamW (`"embed" not in n`, `model.lm_head.weight`). */
function muonTakes(p: OptimizerParameter): boolean {
  if (p.shape.length < 2) return false
  if (p.moduleType === 'Embedding' || p.moduleType === 'EmbeddingBag') return false
  return !/(^|\.)(lm_head|embed[\w]*|wte|wpe|word_embeddings|position_embeddings|token_type_embeddings)(\.|$)/.test(p.name)
}

/**
 * Keller Jordan's reference `MuonWithAuxAdam` (github.com/KellerJordan/Muon, `muon.py`; `SingleDeviceMuonWithAuxAdam`
 * keeps the same state): Muon for the hidden weights of 2 or more dimensions (`momentum_buffer`), its internal AdamW
 * for everything else — embeddings, the output head, norms and biases (`exp_avg` + `exp_avg_sq`, `step` a Python int).
 * The split follows the example in its docstring: `p.ndim >= 2` and no `embed` in the name for Muon; the head and
 * embeddings with Adam.
 */
export const muonWithAuxAdam = defineOptimizer<Record<string, never>>({
  name: 'MuonWithAuxAdam',
  library: 'muon (reference implementation)',
  qualifiedNames: ['muon.MuonWithAuxAdam', 'MuonWithAuxAdam', 'muon.SingleDeviceMuonWithAuxAdam', 'SingleDeviceMuonWithAuxAdam'],
  shortNames: ['muon_aux_adam', 'muon_with_aux_adam', 'muon_reference'],
  signature: [],
  statefulParameters: 'trainable',
  byName: true,
  splitsParameters: true,
  perParameter: (p) => (muonTakes(p) ? [like('momentum_buffer', p)] : [like('exp_avg', p), like('exp_avg_sq', p)]),
  accounting: () =>
    'Muon part, hidden weights of 2+ dimensions: `momentum_buffer`; AdamW part, embeddings, the output head, norms and biases: `exp_avg` + `exp_avg_sq` (`step` is a Python int). Each the shape and dtype of the parameter.',
  source: 'https://github.com/KellerJordan/Muon/blob/master/muon.py',
})
