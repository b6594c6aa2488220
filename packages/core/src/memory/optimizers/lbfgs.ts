import { float, int, optionalInt, optionalStr } from '../../bind/args.js'
import { promoteTypes } from '../../interpret/tensor.js'
import type { DType } from '../../tensor/dtype.js'
import type { OptimizerParameter } from './define.js'
import { torchOptimizer } from './define.js'

/** The real dtype `torch.view_as_real` gives a complex one. */
const realOf = (dtype: DType): DType => (dtype === 'complex128' ? 'float64' : dtype === 'complex64' ? 'float32' : dtype)

/**
 * What `_gather_flat_grad` concatenates for one parameter (its gradient, or zeros for a parameter without one): in
 * the parameter's dtype, a complex one viewed as real (two elements each, in the real dtype).
 */
function flatPiece(p: OptimizerParameter): { dtype: DType; elements: bigint } {
  return p.dtype.startsWith('complex') ? { dtype: realOf(p.dtype), elements: 2n * p.elements } : { dtype: p.dtype, elements: p.elements }
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
  tensorArguments: ['lr'],
  // sparse gradients are accepted (`to_dense()`), complex ones viewed as real
  shared(params, a) {
    if (params.length === 0) return []
    // `torch.cat` of the pieces: their promoted dtype, which every state tensor (the scalars too) takes
    const pieces = params.map(flatPiece)
    const dtype = pieces.map((p) => p.dtype).reduce(promoteTypes)
    const total = pieces.reduce((s, p) => s + p.elements, 0n)
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
    'One state for the whole model, over the flattened parameters (N elements, frozen ones included, as `_gather_flat_grad` fills them with zeros; a complex parameter counts twice, viewed as real): `d` and `prev_flat_grad` (N each), the history `old_dirs` and `old_stps` (`history_size` × N each) and the scalars `ro`, `al` (`history_size` each) and `H_diag`, all in the promoted dtype of the flattened gradients. Counted with the history full (after `history_size` + 1 iterations); PyTorch\'s state dict holds the history in lists.',
})
