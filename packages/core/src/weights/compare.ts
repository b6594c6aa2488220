import type { Analysis } from '../analyze.js'
import { NnsizeError } from '../errors.js'
import type { FileTensor, WeightsInfo } from './types.js'

/** A figure of two sets of weights side by side. */
export interface WeightsDelta {
  a: bigint
  b: bigint
  /** `b − a`. */
  delta: bigint
}

/** What differs between two sets of weights, tensor by tensor (by name). */
export interface WeightsComparison {
  /** Tensors only in `b`, in `b`'s order. */
  added: FileTensor[]
  /** Tensors only in `a`, in `a`'s order. */
  removed: FileTensor[]
  /** Same name, other shape. */
  reshaped: Array<{ name: string; a: number[]; b: number[] }>
  /** Same name and shape, other element type (the formats' own names: `BF16` → `F32`, `F16` → `Q4_K`; `F32` and `float32` are the same). */
  retyped: Array<{ name: string; a: string; b: string; bytesA: bigint; bytesB: bigint }>
  /** Tensors with the same name, shape and type on both sides. */
  unchanged: number
  params: WeightsDelta
  bytes: WeightsDelta
  tensors: { a: number; b: number }
}

const weightsOf = (x: WeightsInfo | Analysis, side: string): WeightsInfo => {
  const info = 'tensors' in x && 'format' in x ? (x as WeightsInfo) : (x as Analysis).weights
  if (!info) throw new NnsizeError('option', `\`compareWeights\` compares weight files: side ${side} is not the result of \`analyzeWeights\`.`)
  return info
}

const delta = (a: bigint, b: bigint): WeightsDelta => ({ a, b, delta: b - a })

/**
 * Compares two sets of weights tensor by tensor: tensors added and removed, reshaped, and stored in another
 * type, with the totals of each side. Names are compared as the files write them.
 */
export function compareWeights(a: WeightsInfo | Analysis, b: WeightsInfo | Analysis): WeightsComparison {
  const left = weightsOf(a, '`a`')
  const right = weightsOf(b, '`b`')
  const inA = new Map<string, FileTensor>()
  for (const t of left.tensors) if (!inA.has(t.name)) inA.set(t.name, t)
  const inB = new Map<string, FileTensor>()
  for (const t of right.tensors) if (!inB.has(t.name)) inB.set(t.name, t)
  const reshaped: WeightsComparison['reshaped'] = []
  const retyped: WeightsComparison['retyped'] = []
  let unchanged = 0
  for (const [name, x] of inA) {
    const y = inB.get(name)
    if (!y) continue
    if (x.shape.length !== y.shape.length || x.shape.some((d, i) => d !== y.shape[i])) reshaped.push({ name, a: [...x.shape], b: [...y.shape] })
    // `F32` (safetensors) and `float32` (PyTorch) are one type: compared by PyTorch name when both have one
    else if (x.dtype !== y.dtype && (x.torchDType === null || x.torchDType !== y.torchDType)) retyped.push({ name, a: x.dtype, b: y.dtype, bytesA: x.bytes, bytesB: y.bytes })
    else unchanged++
  }
  return {
    added: [...inB.values()].filter((t) => !inA.has(t.name)),
    removed: [...inA.values()].filter((t) => !inB.has(t.name)),
    reshaped,
    retyped,
    unchanged,
    params: delta(left.params, right.params),
    bytes: delta(left.bytes, right.bytes),
    tensors: { a: left.tensors.length, b: right.tensors.length },
  }
}
