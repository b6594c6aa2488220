import { float, int, optionalInt, optionalStr } from '../../bind/args.js'
import { dtypeBytes } from '../../tensor/dtype.js'
import type { DType } from '../../tensor/dtype.js'
import { torchOptimizer } from './define.js'

function widestFloat(dtypes: readonly DType[]): DType {
  let best: DType = dtypes[0]!
  for (const d of dtypes) if (dtypeBytes[d] > dtypeBytes[best]) best = d
  return best
}

/** `torch.optim.LBFGS`: one state for the whole model over the flattened parameters, with its history. */
export const lbfgs = torchOptimizer<{ history_size: number }>({
  name: 'LBFGS',
  shortNames: ['lbfgs'],
  signature: [
    float('lr', { default: 1 }),
    int('max_iter', { default: 20, min: 1 }),
    optionalInt('max_eval', { default: null, min: 1 }),
    float('tolerance_grad', { default: 1e-7 }),
    float('tolerance_change', { default: 1e-9 }),
    int('history_size', { default: 100, min: 1 }),
    optionalStr('line_search_fn', { default: null, choices: ['strong_wolfe'] }),
  ],
  statefulParameters: 'all',
  shared(params, a) {
    if (params.length === 0) return []
    const dtype = widestFloat(params.map((p) => p.dtype))
    const total = params.reduce((s, p) => s + p.elements, 0n)
    const history = BigInt(a.history_size)
    return [
      { name: 'd', dtype, elements: total },
      { name: 'prev_flat_grad', dtype, elements: total },
      { name: 'old_dirs', dtype, elements: history * total },
      { name: 'old_stps', dtype, elements: history * total },
      { name: 'ro', dtype, elements: history },
      { name: 'al', dtype, elements: history },
      { name: 'H_diag', dtype, elements: 1n },
    ]
  },
  accounting: () =>
    'One state for the whole model, over the flattened parameters (N elements, frozen ones included, as `_gather_flat_grad` fills them with zeros): `d` and `prev_flat_grad` (N each), the history `old_dirs` and `old_stps` (`history_size` × N each) and the scalars `ro`, `al` (`history_size` each) and `H_diag`. Counted with the history full (after `history_size` + 1 iterations); PyTorch\'s state dict holds the history in lists.',
})
