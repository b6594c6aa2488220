import { NnsizeError } from '../../errors.js'
import { didYouMean, suggest } from '../../suggest.js'
import { dtypeBytes } from '../../tensor/dtype.js'
import type { DType } from '../../tensor/dtype.js'
import { numel } from '../../tensor/shape.js'
import type { OptimizerContext, OptimizerDefinition, OptimizerParameter, ParameterFailure, StateTensor } from './define.js'
import { checkCapturable } from './define.js'
import { definitionOfSpec, parseOptimizer } from './parse.js'
import type { OptimizerSpec } from './parse.js'
import { optimizerDefinitions } from './registry.js'

/** A parameter as the optimizer sees it: `Analysis.tensors` entries fit (buffers are skipped). */
export interface OptimizerTensor {
  name: string
  shape: readonly number[]
  dtype: DType
  /** `requires_grad`: only these receive a gradient, and so state. */
  trainable: boolean
  /** `parameter` or `buffer`; buffers are never optimised. Absent means parameter. */
  kind?: 'parameter' | 'buffer'
  /** True when its gradient is sparse (`nn.Embedding(..., sparse=True)`): SparseAdam needs it, most others refuse it. */
  sparseGradient?: boolean
  /** Class of the module that owns it (`Linear`, `Embedding`), for optimizers that treat embeddings apart. */
  moduleType?: string | undefined
  /** The element count, when already known (`TensorEntry.elementCount`); otherwise computed from the shape. */
  elementCount?: bigint
  /**
   * Its other names in `named_parameters(remove_duplicate=False)` (a tied weight: `lm_head.weight` beside
   * `transformer.wte.weight`), so that a submodule's parameters include it under any of them.
   */
  aliases?: readonly string[]
}

/** Options of {@link optimizerStateBreakdown}. */
export interface OptimizerStateOptions {
  /** Where the parameters live: `capturable=True` is refused on the CPU. Default `cuda`. */
  device?: 'cpu' | 'cuda'
  /**
   * The optimizer steps float32 master copies of the trainable parameters it is given (`mixed-*`, `fp8`), not the
   * parameters: frozen ones have no copy, so they get no state even with Adagrad or LBFGS, and pass no check.
   */
  masterWeights?: boolean
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
  /** Elements of the trainable parameters the optimizer is given: what float32 master weights copy. */
  trainableElements: bigint
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

/** The submodule paths of these tensors (`encoder`, `encoder.layers.0`), for "did you mean". */
function modulePaths(tensors: readonly OptimizerTensor[]): Set<string> {
  const paths = new Set<string>()
  for (const t of tensors) {
    for (const name of [t.name, ...(t.aliases ?? [])]) {
      const parts = name.split('.')
      for (let i = 1; i < parts.length; i++) paths.add(parts.slice(0, i).join('.'))
    }
  }
  return paths
}

/**
 * The parameters the optimizer is given, in `named_parameters()` order: every parameter for the whole model, else
 * those whose name (or another name of the same tensor) starts with the submodule's path. A submodule without
 * parameters is refused, as PyTorch's constructor refuses an empty parameter list.
 */
function givenParameters(tensors: readonly OptimizerTensor[], spec: OptimizerSpec): OptimizerTensor[] {
  const params = tensors.filter((t) => t.kind !== 'buffer')
  const module = spec.parameters.module
  if (module === '') return params
  const prefix = `${module}.`
  const given = params.filter((t) => t.name.startsWith(prefix) || t.aliases?.some((a) => a.startsWith(prefix)) === true)
  if (given.length === 0) {
    const paths = modulePaths(params)
    const suggestions = suggest(module, paths)
    const top = [...paths].filter((p) => !p.includes('.')).slice(0, 8)
    const known = suggestions.length > 0 || top.length === 0 ? '' : ` Its top-level submodules with parameters: ${top.map((p) => `\`${p}\``).join(', ')}.`
    throw new NnsizeError(
      'option',
      `\`${spec.parameters.python}\` has no parameters in this model: no parameter name starts with \`${prefix}\` (PyTorch raises "optimizer got an empty parameter list", or AttributeError for a missing submodule).${didYouMean(suggestions)}${known}`,
      { field: 'optimizer', suggestions },
    )
  }
  return given
}

/** The optimizers that accept sparse gradients, for the message that refuses them. */
const acceptingSparse = (): string =>
  optimizerDefinitions
    .filter((d) => d.library === 'torch.optim' && d.sparseGradientError === undefined)
    .map((d) => `\`${d.name}\``)
    .join(', ')

/**
 * The checks `step()` makes on the parameters that get a gradient, in PyTorch's order per parameter: complex
 * parameters, then sparse gradients; then the optimizer's own (SparseAdam's, fused kernels', `capturable`'s).
 */
function checkStep(def: OptimizerDefinition, params: readonly OptimizerParameter[], args: Readonly<Record<string, unknown>>, context: OptimizerContext, fail: ParameterFailure): void {
  for (const p of params) {
    if (def.complexParameterError !== undefined && p.dtype.startsWith('complex')) {
      fail(def.complexParameterError, `\`${p.name}\` is ${p.dtype}; give \`${def.qualifiedNames[0]}\` real parameters only.`)
    }
    if (def.sparseGradientError !== undefined && p.sparseGradient) {
      fail(def.sparseGradientError, `\`${p.name}\` gets a sparse gradient (\`nn.Embedding\`/\`nn.EmbeddingBag\` with \`sparse=True\`); ${acceptingSparse()} accept sparse gradients, or build the embedding with \`sparse=False\`.`)
    }
  }
  def.checkStep?.(params, args, context, fail)
  if (def.capturable) checkCapturable(params, args, context, fail, def.capturable)
}

/**
 * The optimizer state, entry by entry, that `optimizer` holds for these parameters after one step, as
 * `torch.optim.E(<the parameters it is given>)` would on the spec's PyTorch release: per-parameter state for the
 * parameters that receive a gradient (every trainable one), in their dtype, plus state shared by the whole
 * optimizer. Buffers are skipped. The parameters it is given are the spec's (`model.encoder.parameters()`: those
 * named `encoder.…`). PyTorch's constructor and `step()` checks on them are made, with its messages.
 */
export function optimizerStateBreakdown(tensors: readonly OptimizerTensor[], optimizer: string | OptimizerSpec, options: OptimizerStateOptions = {}): OptimizerStateBreakdown {
  const [spec, def] = resolveSpec(optimizer)
  const context: OptimizerContext = { torch: spec.torch, device: options.device ?? 'cuda' }
  const args = spec.args
  const sized = (t: OptimizerTensor): OptimizerParameter => ({ name: t.name, shape: t.shape, dtype: t.dtype, trainable: t.trainable, sparseGradient: t.sparseGradient === true, elements: t.elementCount ?? numel(t.shape), moduleType: t.moduleType })
  const fail: ParameterFailure = (pytorchMessage, explanation) => {
    throw new NnsizeError('option', `${pytorchMessage} (PyTorch's error): ${explanation}`, { field: 'optimizer' })
  }
  let given = givenParameters(tensors, spec)
  // master copies exist for trainable parameters only: the optimizer never sees the frozen ones
  if (options.masterWeights) given = given.filter((t) => t.trainable)
  if (def.checkParameters) def.checkParameters(given.map(sized), args, fail)
  const trainable = given.filter((t) => t.trainable)
  if (def.sparseGradientError !== undefined || def.complexParameterError !== undefined || def.checkStep || def.capturable) checkStep(def, trainable.map(sized), args, context, fail)
  const params = def.statefulParameters === 'trainable' ? trainable : given
  const trainableElements = trainable.reduce((s, t) => s + (t.elementCount ?? numel(t.shape)), 0n)
  const all = def.shared ? params.map(sized) : undefined
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
  return { optimizer: spec, bytes: list.reduce((s, e) => s + e.bytes, 0n), hostBytes: list.reduce((s, e) => s + (e.host ? e.bytes : 0n), 0n), entries: list, statefulParameters, trainableElements }
}

/**
 * Bytes of optimizer state for these parameters (e.g. `Analysis.tensors`), exactly as PyTorch holds them after one
 * `step()`: `optimizerStateBytes(analyze('nn.Linear(8, 4)').tensors, 'Adam()')` → `296n` (`step` 2 × 4 B + two moments 36 × 4 B each).
 */
export function optimizerStateBytes(tensors: readonly OptimizerTensor[], optimizer: string | OptimizerSpec, options: OptimizerStateOptions = {}): bigint {
  return optimizerStateBreakdown(tensors, optimizer, options).bytes
}
