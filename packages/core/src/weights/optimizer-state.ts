import type { PyValue } from './pickle.js'

/** Per-parameter state names that identify an optimizer (torch.optim, bitsandbytes), most specific first. */
const signatures: ReadonlyArray<{ keys: readonly string[]; name: string | ((groups: ReadonlyMap<string, PyValue>) => string) }> = [
  { keys: ['state1', 'state2'], name: '8-bit Adam (bitsandbytes)' },
  { keys: ['state1'], name: '8-bit momentum optimizer (bitsandbytes)' },
  { keys: ['row_var', 'col_var'], name: 'Adafactor' },
  { keys: ['exp_avg', 'exp_inf'], name: 'Adamax' },
  { keys: ['exp_avg', 'exp_avg_sq', 'mu_product'], name: 'NAdam' },
  { keys: ['exp_avg', 'exp_avg_sq'], name: adamVariant },
  { keys: ['square_avg', 'acc_delta'], name: 'Adadelta' },
  { keys: ['square_avg'], name: 'RMSprop' },
  { keys: ['sum'], name: 'Adagrad' },
  { keys: ['prev', 'step_size'], name: 'Rprop' },
  { keys: ['eta', 'mu', 'ax'], name: 'ASGD' },
  { keys: ['d', 't', 'old_dirs'], name: 'LBFGS' },
  { keys: ['momentum_buffer'], name: 'SGD' },
]

/** Adam, AdamW or RAdam, from the hyper-parameters of their param groups. */
function adamVariant(groups: ReadonlyMap<string, PyValue>): string {
  if (!groups.has('amsgrad')) return groups.has('decoupled_weight_decay') ? 'RAdam' : 'Adam-family'
  const decoupled = groups.get('decoupled_weight_decay')
  if (decoupled === true) return 'AdamW'
  if (decoupled === false) return 'Adam'
  return 'Adam or AdamW'
}

/**
 * Which optimizer a state dict looks like, from the names of its per-parameter state (`exp_avg` + `exp_avg_sq`
 * ⇒ the Adam family; `momentum_buffer` ⇒ SGD; …) and its param groups' hyper-parameters. An optimizer with no
 * state yet (SGD without momentum, or before the first step) cannot be told apart: null.
 */
export function identifyOptimizer(stateKeys: readonly string[], groups: ReadonlyMap<string, PyValue>): { optimizer: string | null; evidence: string } {
  const have = new Set(stateKeys)
  for (const s of signatures) {
    if (!s.keys.every((k) => have.has(k))) continue
    const name = typeof s.name === 'string' ? s.name : s.name(groups)
    const hyper = ['amsgrad', 'decoupled_weight_decay', 'momentum', 'nesterov', 'alpha', 'rho', 'lr_decay'].filter((k) => groups.has(k))
    return { optimizer: name, evidence: `state ${s.keys.map((k) => `\`${k}\``).join(' + ')}${hyper.length > 0 ? `; param groups with ${hyper.map((k) => `\`${k}\``).join(', ')}` : ''}` }
  }
  if (groups.has('momentum') && groups.has('nesterov')) return { optimizer: 'SGD', evidence: 'no per-parameter state; param groups with `momentum`, `nesterov`' }
  return { optimizer: null, evidence: stateKeys.length === 0 ? 'no per-parameter state' : `unrecognised state ${stateKeys.map((k) => `\`${k}\``).join(', ')}` }
}
