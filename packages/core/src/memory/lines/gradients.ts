import { numel } from '../../tensor/shape.js'
import { bytesOf, countByDType, elementsOf, line } from '../basis.js'
import type { MemoryLine } from '../basis.js'
import type { Resolved } from '../resolve.js'
import { castTo } from './model.js'
import type { ModelTensors } from './model.js'

/**
 * The gradients line: one gradient per trainable parameter (per adapter tensor under LoRA) in the precision's
 * gradient dtype, plus the float32 buffer that gradient accumulation needs when the optimizer steps master weights.
 */
export function gradientsLine(m: ModelTensors, r: Resolved): MemoryLine {
  if (!r.training) return line(0n, { kind: 'empty', reason: 'inference-gradients' })
  const trainable = m.lora ? m.adapterTensors : m.params.filter((t) => t.trainable)
  const parts = countByDType(trainable.map((t) => [t.elementCount ?? numel(t.shape), m.lora ? t.dtype : castTo(t.dtype, r.precision.gradDType)] as const))
  const steps = r.options.gradAccumulation
  let bytes = bytesOf(parts)
  let accumulation: { steps: number; bufferElements: bigint | null } | null = null
  if (steps > 1) {
    if (r.precision.masterWeights && !m.lora) {
      const elements = elementsOf(parts)
      bytes += elements * 4n
      accumulation = { steps, bufferElements: elements }
    } else {
      accumulation = { steps, bufferElements: null }
    }
  }
  return line(bytes, { kind: 'gradients', parts, accumulation })
}

/** Elements of the parameters that receive gradients. */
export function trainableElements(m: ModelTensors): bigint {
  const trainable = m.lora ? m.adapterTensors : m.params.filter((t) => t.trainable)
  let n = 0n
  for (const t of trainable) n += t.elementCount ?? numel(t.shape)
  return n
}
