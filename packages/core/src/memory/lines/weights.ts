import { isFloatingDType } from '../../tensor/dtype.js'
import { bytesOf, countByDType, line } from '../basis.js'
import type { DTypeCount, MemoryLine, WeightExtra } from '../basis.js'
import { findWeightFormat, weightBytes } from '../quant.js'
import type { WeightTensor } from '../quant.js'
import type { Resolved } from '../resolve.js'
import { castTo, storedAs } from './model.js'
import type { ModelTensors } from './model.js'

/**
 * The weights line: in training, every parameter and buffer in the precision's dtype (a frozen base under LoRA,
 * in NF4 under QLoRA) plus the adapters and autocast/FP8 copies; in inference, the model in the weight format.
 */
export function weightsLine(m: ModelTensors, r: Resolved): MemoryLine {
  const { params, buffers, lora } = m
  const { precision } = r
  if (!r.training) {
    const format = r.format
    const tensors = m.analysis.tensors.map((t): WeightTensor => ({ name: t.name, kind: t.kind, shape: t.shape, dtype: t.dtype, moduleType: m.moduleType(t.def), bytes: t.def.bytes }))
    const result = weightBytes(tensors, format)
    if ((format.appliesTo === 'linear' || format.appliesTo === 'experts') && result.quantisedTensors === 0) m.notes.add({ code: 'format-without-linear', format: format.id, otherDType: format.otherDType })
    const asBuilt = format.appliesTo === 'float' && format.otherDType === null ? countByDType(m.analysis.tensors.map((t) => [t.elementCount, t.dtype, storedAs(t, null)] as const)) : null
    return line(result.bytes, {
      kind: 'weight-format',
      format: format.id,
      bitsPerWeight: format.bitsPerWeight,
      appliesTo: format.appliesTo,
      otherDType: format.otherDType,
      quantisedElements: result.quantisedElements,
      otherElements: result.otherElements,
      asBuilt,
    })
  }
  const extras: WeightExtra[] = []
  let baseBytes: bigint
  let base: { kind: 'weights'; frozenBase: boolean; params: DTypeCount[]; buffers: DTypeCount[] } | { kind: 'qlora-weights'; quantisedElements: bigint; quantisedBytes: bigint; otherElements: bigint; otherBytes: bigint }
  if (lora?.quantizedBase) {
    const nf4 = findWeightFormat('nf4-dq')
    const other = precision.weightDType ?? null
    const tensors = [...params, ...buffers].map((t): WeightTensor => ({ name: t.name, kind: t.kind, shape: t.shape, dtype: other !== null && isFloatingDType(t.dtype) && t.kind === 'parameter' ? other : t.dtype, moduleType: m.moduleType(t.def) }))
    const result = weightBytes(tensors, nf4)
    baseBytes = result.bytes
    base = { kind: 'qlora-weights', quantisedElements: result.quantisedElements, quantisedBytes: result.quantisedBytes, otherElements: result.otherElements, otherBytes: result.otherBytes }
  } else {
    // a tensor the file stores in a type PyTorch lacks (GGUF `Q4_K`) keeps its file bytes unless the precision casts it
    const p = countByDType(params.map((t) => [t.elementCount, castTo(t.dtype, precision.weightDType), storedAs(t, precision.weightDType)] as const))
    const b = countByDType(buffers.map((t) => [t.elementCount, castTo(t.dtype, precision.weightDType), storedAs(t, precision.weightDType)] as const))
    baseBytes = bytesOf(p) + bytesOf(b)
    base = { kind: 'weights', frozenBase: lora !== undefined, params: p, buffers: b }
  }
  const copyDType = precision.weightCopyDType
  const copies = copyDType === null ? [] : countByDType(params.filter((t) => lora === undefined && t.trainable).map((t) => [t.elementCount, copyDType] as const))
  const adapterParams = lora?.params ?? 0n
  const adapters = countByDType([[adapterParams, 'float32']])
  const adapterCopies = copyDType === null ? [] : countByDType([[adapterParams, copyDType]])
  if (lora) extras.push({ kind: 'lora-adapters', parts: adapters })
  if (bytesOf(copies) > 0n) extras.push({ kind: 'weight-copies', reason: precision.id === 'fp8' ? 'fp8' : 'autocast', parts: copies })
  if (bytesOf(adapterCopies) > 0n) extras.push({ kind: 'adapter-copies', parts: adapterCopies })
  const bytes = baseBytes + bytesOf(copies) + bytesOf(adapters) + bytesOf(adapterCopies)
  return line(bytes, { ...base, extras })
}
