import { numel } from '../tensor/shape.js'
import type { ForwardResult } from './trace.js'

/**
 * Mult-adds counted the way torchinfo counts them, for comparison: for each module's own parameters,
 * `weight`/`bias` elements × output elements per channel (convolutions: batch × spatial; other layers:
 * the first output dimension), and recurrent `weight_*`/`bias_*` elements × the first two output dimensions.
 * Unlike nnsize's MACs it counts bias additions and ignores products without parameters (attention).
 */
export function torchinfoMultAdds(forward: ForwardResult): bigint {
  let total = 0n
  for (const stats of forward.modules) {
    const out = stats.outputShape
    if (!out || out.length === 0) continue
    for (const [name, param] of stats.module.params) {
      if (param === null) continue
      const elements = numel(param.shape)
      if (name === 'weight' || name === 'bias') {
        total += stats.module.type.includes('Conv') ? elements * numel([out[0]!, ...out.slice(2)]) : elements * BigInt(out[0]!)
      } else if (name.includes('weight') || name.includes('bias')) {
        total += elements * numel(out.slice(0, 2))
      }
    }
  }
  return total
}
