import { NnsizeError } from '../../errors.js'
import { dtypeBytes } from '../../tensor/dtype.js'
import type { DType } from '../../tensor/dtype.js'
import { numel } from '../../tensor/shape.js'
import type { OptimizerDefinition, OptimizerParameter, StateTensor } from './define.js'
import { definitionOfSpec, parseOptimizer } from './parse.js'
import type { OptimizerSpec } from './parse.js'

/** A parameter as the optimizer sees it: `Analysis.tensors` entries fit (buffers are skipped). */
export interface OptimizerTensor {
  name: string
  shape: readonly number[]
  dtype: DType
  /** `requires_grad`: only these receive a gradient, and so state. */
  trainable: boolean
  /** `parameter` or `buffer`; buffers are never optimised. Absent means parameter. */
  kind?: 'parameter' | 'buffer'
  /** True when its gradient is sparse (`nn.Embedding(..., sparse=True)`); only `SparseAdam` needs this. */
  sparseGradient?: boolean
  /** Class of the module that owns it (`Linear`, `Embedding`), for optimizers that treat embeddings apart. */
  moduleType?: string | undefined
  /** The element count, when already known (`TensorEntry.elementCount`); otherwise computed from the shape. */
  elementCount?: bigint
}

/** One kind of state tensor, summed over the parameters that hold it. */
export interface OptimizerStateEntry {
  /** The key in PyTorch's per-parameter state dict (`exp_avg`, `step`, `absmax1`). */
  name: string
  dtype: DType
  /** Elements summed over every parameter holding this entry. */
  elements: bigint
  bytes: bigint
  /** How many tensors (one per parameter, or 1 for state shared by the whole optimizer). */
  tensors: number
  /** Created on the CPU whatever the parameters' device (PyTorch's scalar `step` unless `capturable`/`fused`). */
  host: boolean
}

/** What {@link optimizerStateBreakdown} returns. */
export interface OptimizerStateBreakdown {
  optimizer: OptimizerSpec
  /** Total bytes of optimizer state, wherever it is held. */
  bytes: bigint
  /** The part of `bytes` PyTorch creates on the CPU even for CUDA parameters (entries with `host`). */
  hostBytes: bigint
  /** One entry per state key and dtype. */
  entries: OptimizerStateEntry[]
  /** Parameters that hold state. */
  statefulParameters: number
}

function resolveSpec(optimizer: string | OptimizerSpec): [OptimizerSpec, OptimizerDefinition] {
  const spec = typeof optimizer === 'string' ? parseOptimizer(optimizer) : optimizer
  const def = typeof spec === 'object' && spec !== null ? definitionOfSpec(spec) : undefined
  if (!def) throw new NnsizeError('option', 'The optimizer must come from `parseOptimizer`.', { field: 'optimizer' })
  return [spec, def]
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/**
 * The optimizer state, entry by entry, that `optimizer` holds for these parameters after one step, as
 * `torch.optim.E(module.parameters())` would on the spec's PyTorch release: per-parameter state for the parameters
 * that receive a gradient (every trainable one), in their dtype, plus state shared by the whole optimizer. Buffers
 * are skipped.
 */
export function optimizerStateBreakdown(tensors: readonly OptimizerTensor[], optimizer: string | OptimizerSpec): OptimizerStateBreakdown {
  const [spec, def] = resolveSpec(optimizer)
  const context = { torch: spec.torch }
  const args = spec.args
  const params: OptimizerTensor[] = []
  for (const t of tensors) {
    if (t.kind === 'buffer') continue
    if (def.statefulParameters === 'trainable' && !t.trainable) continue
    params.push(t)
  }
  const sized = (t: OptimizerTensor): OptimizerParameter => ({ name: t.name, shape: t.shape, dtype: t.dtype, trainable: t.trainable, sparseGradient: t.sparseGradient === true, elements: t.elementCount ?? numel(t.shape), moduleType: t.moduleType })
  const all = def.shared || def.checkParameters ? params.map(sized) : undefined
  if (all) def.checkParameters?.(all)
  const entries = new Map<string, OptimizerStateEntry>()
  const add = (s: StateTensor, count: number): void => {
    const host = s.host === true
    const key = `${s.dtype === 'float32' ? s.name : `${s.name}:${s.dtype}`}${host ? ':host' : ''}`
    const existing = entries.get(key)
    const elements = count === 1 ? s.elements : s.elements * BigInt(count)
    const bytes = elements * BigInt(dtypeBytes[s.dtype])
    if (existing) {
      existing.elements += elements
      existing.bytes += bytes
      existing.tensors += count
    } else {
      entries.set(key, { name: s.name, dtype: s.dtype, elements, bytes, tensors: count, host })
    }
  }
  let statefulParameters = 0
  if (def.perParameter) {
    // Per-parameter state depends only on shape, dtype and gradient kind: compute it once per distinct triple.
    const groups = new Map<number, Array<{ t: OptimizerTensor; count: number }>>()
    for (const t of params) {
      let h = t.shape.length
      for (const d of t.shape) h = (Math.imul(h, 31) + d) | 0
      const list = groups.get(h)
      const group = def.byName ? undefined : list?.find((g) => g.t.dtype === t.dtype && g.t.sparseGradient === t.sparseGradient && sameShape(g.t.shape, t.shape))
      if (group) group.count++
      else if (list) list.push({ t, count: 1 })
      else groups.set(h, [{ t, count: 1 }])
    }
    for (const list of groups.values()) {
      for (const { t, count } of list) {
        const states = def.perParameter(sized(t), args, context)
        if (states.length > 0) statefulParameters += count
        for (const s of states) add(s, count)
      }
    }
  }
  if (def.shared && all) {
    const shared = def.shared(all, args, context)
    if (shared.length > 0 && !def.perParameter) statefulParameters = all.length > 0 ? 1 : 0
    for (const s of shared) add(s, 1)
  }
  const list = [...entries.values()]
  return { optimizer: spec, bytes: list.reduce((s, e) => s + e.bytes, 0n), hostBytes: list.reduce((s, e) => s + (e.host ? e.bytes : 0n), 0n), entries: list, statefulParameters }
}

/**
 * Bytes of optimizer state for these parameters (e.g. `Analysis.tensors`), exactly as PyTorch holds them after one
 * `step()`: `optimizerStateBytes(analyze('nn.Linear(8, 4)').tensors, 'Adam()')` → `296n` (`step` 2 × 4 B + two moments 36 × 4 B each).
 */
export function optimizerStateBytes(tensors: readonly OptimizerTensor[], optimizer: string | OptimizerSpec): bigint {
  return optimizerStateBreakdown(tensors, optimizer).bytes
}
