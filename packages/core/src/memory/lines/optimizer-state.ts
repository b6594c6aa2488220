import { line } from '../basis.js'
import type { MemoryLine } from '../basis.js'
import { optimizerStateBreakdown } from '../optimizers/index.js'
import type { OptimizerStateBreakdown, OptimizerTensor } from '../optimizers/index.js'
import type { Resolved } from '../resolve.js'
import type { DType } from '../../tensor/dtype.js'
import { trainableElements } from './gradients.js'
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
  if (optimizer.name === 'SparseAdam') {
    for (const [path, node] of m.modules) if ((node.type === 'Embedding' || node.type === 'EmbeddingBag') && node.args['sparse'] === true) sparse.add(path === '' ? 'weight' : `${path}.weight`)
  }
  const tensors: OptimizerTensor[] = m.lora
    ? m.adapterTensors
    : m.params.map((t) => ({ name: t.name, shape: t.shape, dtype: castTo(t.dtype, r.precision.optimizerDType), trainable: t.trainable, kind: 'parameter', sparseGradient: sparse.has(t.name), elementCount: t.elementCount, moduleType: m.moduleType(t.def) }))
  const breakdown = optimizerStateBreakdown(tensors, optimizer)
  const masterWeightElements = r.precision.masterWeights && !m.lora ? trainableElements(m) : 0n
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
