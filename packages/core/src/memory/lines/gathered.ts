import { dtypeBytes } from '../../tensor/dtype.js'
import { numel } from '../../tensor/shape.js'
import type { ModuleNode } from '../../model/module.js'
import type { Resolved } from '../resolve.js'
import { castTo } from './model.js'
import type { ModelTensors } from './model.js'

/**
 * The module holding the most parameters directly (`parameters(recurse=False)`: a tensor shared by several modules
 * counts in each), as DeepSpeed's `model_to_params` finds `largest_layer_params`; the first such module in
 * `named_modules()` order.
 */
export function largestOwnParams(m: ModelTensors): { module: string; params: bigint } {
  let module = ''
  let params = 0n
  for (const [path, node] of m.modules) {
    let own = 0n
    for (const def of node.params.values()) if (def) own += numel(def.shape)
    if (own > params) {
      params = own
      module = path
    }
  }
  return { module, params }
}

/**
 * The working set ZeRO-3 / FSDP full sharding gathers at once: the module with the most parameters of its own
 * (DeepSpeed's `largest_layer_params`), its weights and their gradients.
 */
export function largestModule(m: ModelTensors, r: Resolved): { module: string; bytes: bigint } {
  if (!r.training || r.layout.stage !== 3) return { module: '', bytes: 0n }
  let largest: readonly [string, ModuleNode] | undefined
  if (Array.isArray(m.analysis.modules)) {
    let best = m.analysis.modules[0]
    for (const entry of m.analysis.modules) if (best === undefined || entry.ownParamCount > best.ownParamCount) best = entry
    if (best && best.ownParamCount > 0n) largest = [best.path, best.node]
  } else {
    let most = 0n
    for (const entry of m.modules) {
      let own = 0n
      for (const def of entry[1].params.values()) if (def) own += numel(def.shape)
      if (own > most) {
        most = own
        largest = entry
      }
    }
  }
  if (!largest) return { module: '', bytes: 0n }
  let bytes = 0n
  for (const def of largest[1].params.values()) {
    if (!def) continue
    const e = numel(def.shape)
    bytes += e * BigInt(dtypeBytes[castTo(def.dtype, r.precision.weightDType)])
    if (def.requiresGrad && !m.lora) bytes += e * BigInt(dtypeBytes[castTo(def.dtype, r.precision.gradDType)])
  }
  return { module: largest[0], bytes }
}
