import { line } from '../basis.js'
import type { MemoryLine } from '../basis.js'
import { optimizerStateBreakdown } from '../optimizers/index.js'
import type { OptimizerStateBreakdown, OptimizerTensor } from '../optimizers/index.js'
import type { Resolved } from '../resolve.js'
import type { DType } from '../../tensor/dtype.js'
import type { TensorDef } from '../../model/module.js'
import { castTo } from './model.js'
import type { ModelTensors } from './model.js'

/**
 * The optimizer-state line: what the optimizer keeps for the parameters it is given (the adapters under LoRA), in
 * the dtype it steps, plus float32 master weights under mixed precision; with the entry-by-entry breakdown.
 */
export function optimizerStateLine(m: ModelTensors, r: Resolved): { line: MemoryLine; breakdown: OptimizerStateBreakdown | undefined } {
  const optimizer = r.optimizer
  if (!r.training || !optimizer) return { line: line(0n, { kind: 'empty', reason: 'inference-optimizer' }), breakdown: undefined }
  const sparse = new Set<string>()
  for (const [path, node] of m.modules) if ((node.type === 'Embedding' || node.type === 'EmbeddingBag') && node.args['sparse'] === true) sparse.add(path === '' ? 'weight' : `${path}.weight`)
  const aliases = optimizer.parameters.module === '' || m.lora ? undefined : tensorAliases(m)
  const tensors: OptimizerTensor[] = m.lora
    ? m.adapterTensors
    : m.params.map((t) => ({
        name: t.name,
        shape: t.shape,
        dtype: castTo(t.dtype, r.precision.optimizerDType),
        trainable: t.trainable,
        kind: 'parameter',
        sparseGradient: sparse.has(t.name),
        elementCount: t.elementCount,
        moduleType: m.moduleType(t.def),
        ...(aliases?.has(t.def) ? { aliases: aliases.get(t.def)! } : {}),
      }))
  // under `mixed-*` and `fp8` the optimizer steps float32 master copies of the trainable parameters it is given
  const masterWeights = r.precision.masterWeights && !m.lora
  const breakdown = optimizerStateBreakdown(tensors, optimizer, { device: r.options.device, masterWeights })
  const masterWeightElements = masterWeights ? breakdown.trainableElements : 0n
  if (m.lora) m.notes.add({ code: 'lora-optimizer' })
  // On CUDA, PyTorch creates scalar state such as Adam's `step` on the CPU (unless `capturable`/`fused`).
  const onHost = (e: { host: boolean }): boolean => e.host && r.options.device === 'cuda'
  const entry = (e: { name: string; dtype: DType; elements: bigint }) => ({ name: e.name, dtype: e.dtype, elements: e.elements })
  const hostBytes = r.options.device === 'cuda' ? breakdown.hostBytes : 0n
  return {
    line: line(breakdown.bytes - hostBytes + masterWeightElements * 4n, {
      kind: 'optimizer-state',
      optimizer: optimizer.text,
      entries: breakdown.entries.filter((e) => !onHost(e)).map(entry),
      masterWeightElements,
      hostEntries: breakdown.entries.filter(onHost).map(entry),
      hostBytes,
    }),
    breakdown,
  }
}

/** The other names of tied parameters (`lm_head.weight` for `transformer.wte.weight`): every path to each tensor in the module tree but its first. */
function tensorAliases(m: ModelTensors): Map<TensorDef, string[]> {
  const first = new Map<TensorDef, string>()
  for (const t of m.params) first.set(t.def, t.name)
  const aliases = new Map<TensorDef, string[]>()
  for (const [path, node] of m.modules) {
    for (const [name, def] of node.params) {
      if (!def) continue
      const full = path === '' ? name : `${path}.${name}`
      const primary = first.get(def)
      if (primary === undefined || primary === full) continue
      const list = aliases.get(def)
      if (list) list.push(full)
      else aliases.set(def, [full])
    }
  }
  return aliases
}
