import type { ArgSpec } from '../../bind/args.js'
import { any } from '../../bind/args.js'
import type { TorchVersion } from '../../forward/torch-version.js'
import { isFloatingDType } from '../../tensor/dtype.js'
import type { DType } from '../../tensor/dtype.js'
import { numel } from '../../tensor/shape.js'

/** A parameter as an optimizer sees it, with its element count. */
export interface OptimizerParameter {
  name: string
  shape: readonly number[]
  dtype: DType
  trainable: boolean
  /** True when its gradient is sparse (`nn.Embedding(..., sparse=True)`). */
  sparseGradient: boolean
  elements: bigint
  /** Class of the module that owns it (`Linear`, `Embedding`), when known. */
  moduleType?: string | undefined
}

/** One state tensor (or the sum of one kind of state over parameters): its key in the state dict, dtype and elements. */
export interface StateTensor {
  name: string
  dtype: DType
  elements: bigint
  /**
   * Created on the CPU whatever the parameter's device: PyTorch's scalar `step` (`torch.tensor(0.0)` without
   * `device=`) unless `capturable` or `fused` puts it beside the parameter.
   */
  host?: boolean
}

/** What the state of an optimizer depends on besides its arguments: the PyTorch release, and where the parameters live. */
export interface OptimizerContext {
  torch: TorchVersion
  /** The parameters' device (`capturable=True` needs CUDA); `cuda` unless the plan says `cpu`. */
  device?: 'cpu' | 'cuda'
}

/** Rejects an argument with the optimizer's own message (PyTorch's wording), pointing at the argument. */
export type OptimizerFailure = (arg: string | null, message: string) => never

/**
 * Rejects the parameters the optimizer is given: PyTorch's message (as its constructor or `step()` raises it), then
 * nnsize's explanation naming the parameter and what would be valid.
 */
export type ParameterFailure = (pytorchMessage: string, explanation: string) => never

/**
 * The contract every optimizer fulfils: its names, its constructor signature (bound by `bind/` as a layer's is),
 * its checks, and the state tensors it holds per parameter and for the whole model after one `step()`.
 * Each family lives in one file of `memory/optimizers/` and is listed once in `memory/optimizers/index.ts`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface OptimizerDefinition<A = any> {
  /** Class name (`AdamW`, `AdamW8bit`). */
  name: string
  /** Where it comes from (`torch.optim`, `bitsandbytes`, `transformers`, …). */
  library: string
  /** Accepted dotted spellings; the first is canonical. */
  qualifiedNames: readonly string[]
  /** Short names (`adamw`, `paged_adamw_8bit`), compared without case, `-`, `_` and `.`. */
  shortNames: readonly string[]
  /** Constructor arguments after the parameters, in PyTorch's positional order, as `bind/args.ts` specs. */
  signature: readonly ArgSpec[]
  /** The first PyTorch release that has it (`'2.5'`), for `torch.optim` classes newer than 1.13. */
  since?: string
  /**
   * The constructor's checks; `fail(argName, message)` rejects with PyTorch's message. `tensors`: the arguments
   * given as tensors (`lr=torch.tensor(1e-3)`), which some checks treat apart.
   */
  validate?: (args: A, fail: OptimizerFailure, tensors: ReadonlySet<string>) => void
  /** Arguments PyTorch also takes as a one-element tensor (`lr=torch.tensor(1e-3)`); their value counts, not their type. */
  tensorArguments?: readonly string[]
  /**
   * Its first argument is parameter groups that the definition itself splits (`MuonWithAuxAdam(param_groups)`): a
   * name written there means the whole model, split as the definition says.
   */
  splitsParameters?: boolean
  /** Short names that also set arguments, as keyword text: `{ adamw_torch_fused: 'fused=True' }` (Hugging Face's `optim` names). */
  presets?: Readonly<Record<string, string>>
  /** Which parameters hold state: those that get a gradient, or all (Adagrad creates state in its constructor). */
  statefulParameters: 'trainable' | 'all'
  /** The state of a parameter depends on its name and module (which part of a split optimizer takes it), not only on its shape and dtype. */
  byName?: boolean
  /** The state tensors of one parameter, in the order PyTorch creates them. */
  perParameter?: (p: OptimizerParameter, args: A, context: OptimizerContext) => StateTensor[]
  /** State held once for the whole optimizer (LBFGS's history, bitsandbytes' quantisation maps). */
  shared?: (params: readonly OptimizerParameter[], args: A, context: OptimizerContext) => StateTensor[]
  /** PyTorch's message when `step()` meets a sparse gradient (`nn.Embedding(..., sparse=True)`); absent: accepted (or, outside `torch.optim`, not known). */
  sparseGradientError?: string
  /** PyTorch's message when `step()` meets a complex parameter; absent: complex parameters are accepted. */
  complexParameterError?: string
  /** The constructor's checks on every parameter it is given, frozen ones included (Muon's 2-D rule). */
  checkParameters?: (params: readonly OptimizerParameter[], args: A, fail: ParameterFailure) => void
  /**
   * The optimizer's own checks in `step()` on the parameters that get a gradient, after the sparse and complex ones:
   * SparseAdam's dense gradients, the dtypes fused kernels take.
   */
  checkStep?: (params: readonly OptimizerParameter[], args: A, context: OptimizerContext, fail: ParameterFailure) => void
  /** `capturable=True`'s assertion in `step()`, for optimizers that take it: refused for CPU parameters. */
  capturable?: CapturableCheck
  /** What it keeps per parameter, in one sentence, for this PyTorch release. */
  accounting: (context: OptimizerContext) => string
  /** Where the accounting comes from (source file or documentation). */
  source: string
}

/** Declares an optimizer. The identity function, typed so that `args` carries the optimizer's argument types. */
export function defineOptimizer<A>(definition: OptimizerDefinition<A>): OptimizerDefinition<A> {
  return definition
}

const TORCH_SOURCE = 'https://github.com/pytorch/pytorch/blob/v2.13.0/torch/optim'

/** A `torch.optim` class: its dotted names, library and source file filled in from the class name. */
export function torchOptimizer<A>(
  definition: Omit<OptimizerDefinition<A>, 'library' | 'qualifiedNames' | 'statefulParameters' | 'source'> & { statefulParameters?: 'trainable' | 'all'; module?: string },
): OptimizerDefinition<A> {
  const { module, ...rest } = definition
  return {
    library: 'torch.optim',
    qualifiedNames: [`torch.optim.${definition.name}`, `optim.${definition.name}`, definition.name],
    statefulParameters: 'trainable',
    ...rest,
    source: `${TORCH_SOURCE}/${module ?? definition.name.toLowerCase()}.py`,
  }
}

/** A state tensor of the parameter's shape, in its dtype (or `dtype`): `torch.zeros_like(p)`. */
export const like = (name: string, p: OptimizerParameter, dtype: DType = p.dtype): StateTensor => ({ name, dtype, elements: p.elements })

/** A float32 scalar tensor (`step`, `mu_product`); `host`: created on the CPU (see {@link StateTensor.host}). */
export const scalar = (name: string, host = false): StateTensor => ({ name, dtype: 'float32', elements: 1n, ...(host ? { host: true } : {}) })

/** Whether a keyword accepted as written (`capturable`, `fused`: see {@link ignored}) was given as `True`. */
export const givenTrue = (value: unknown): boolean => typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'bool' && (value as { value?: unknown }).value === true

/** Whether scalar state stays on the CPU for CUDA parameters: neither `capturable=True` nor `fused=True` was given. */
export const scalarsOnHost = (a: { capturable?: unknown; fused?: unknown }): boolean => !givenTrue(a.capturable) && !givenTrue(a.fused)

/** Several `zeros_like` moments. */
export const moments = (p: OptimizerParameter, ...names: string[]): StateTensor[] => names.map((name) => like(name, p))

/** The factored second moment of a tensor of 2+ dimensions: elements with the last dimension set to 1, and with the one before it set to 1. */
export function factored(p: OptimizerParameter): [rows: bigint, cols: bigint] {
  return [numel(p.shape.slice(0, -1)), numel(p.shape.slice(0, -2)) * BigInt(p.shape.at(-1)!)]
}

/** Keyword arguments that change how the step runs (`foreach`, `fused`), not what state it keeps: accepted and ignored. */
export function ignoredKeywords(...names: string[]): ArgSpec[] {
  return names.map((name) => ignored(name, { keywordOnly: true }))
}

/** An argument accepted and ignored (its value does not change memory). */
export function ignored(name: string, options: { keywordOnly?: boolean } = {}): ArgSpec {
  return any(name, { default: { kind: 'none' }, ...options })
}

/** Python's `repr` of a float, as PyTorch's messages show it (`0.001`, `1e-05`, `-1.0`). */
export function pyFloat(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e16) return value.toFixed(1)
  const abs = Math.abs(value)
  const text = abs !== 0 && (abs < 1e-4 || abs >= 1e16) ? value.toExponential() : String(value)
  return text.replace(/e([+-])(\d)$/, 'e$10$2')
}

/** PyTorch's shared hyper-parameter checks, with its messages. */
export const checks = {
  lr(lr: number, fail: OptimizerFailure, strict = false): void {
    if (strict ? !(lr > 0) : lr < 0) fail('lr', `Invalid learning rate: ${pyFloat(lr)}`)
  },
  eps(eps: number, fail: OptimizerFailure, strict = false): void {
    if (strict ? !(eps > 0) : eps < 0) fail('eps', `Invalid epsilon value: ${pyFloat(eps)}`)
  },
  betas(betas: ReadonlyArray<number | null>, fail: OptimizerFailure): void {
    betas.forEach((b, i) => {
      if (b !== null && !(b >= 0 && b < 1)) fail('betas', `Invalid beta parameter at index ${i}: ${pyFloat(b)}`)
    })
  },
  weightDecay(weightDecay: number, fail: OptimizerFailure): void {
    if (weightDecay < 0) fail('weight_decay', `Invalid weight_decay value: ${pyFloat(weightDecay)}`)
  },
  nonNegative(value: number, arg: string, fail: OptimizerFailure, label = arg): void {
    if (value < 0) fail(arg, `Invalid ${label} value: ${pyFloat(value)}`)
  },
}

/** The arguments every Adam-like optimizer checks: `lr`, `eps`, `betas`, `weight_decay`. */
export function checkAdamLike(a: { lr: number; eps: number; betas: ReadonlyArray<number | null>; weight_decay: number }, fail: OptimizerFailure): void {
  checks.lr(a.lr, fail)
  checks.eps(a.eps, fail)
  checks.betas(a.betas, fail)
  checks.weightDecay(a.weight_decay, fail)
}

/** The device types PyTorch's fused optimizer kernels run on (`_get_fused_kernels_supported_devices`), in its order. */
const FUSED_DEVICES = ['mps', 'cuda', 'xpu', 'hpu', 'cpu', 'mtia', 'privateuseone']

/** Whether `torch.is_floating_point` holds: real floating point (complex is not). */
const isRealFloat = (p: OptimizerParameter): boolean => isFloatingDType(p.dtype) && !p.dtype.startsWith('complex')

/** The constructor's checks of `fused=True` against `differentiable=True` and `foreach=True` (Adam, AdamW, SGD, Adagrad). */
export function checkFusedFlags(a: { fused?: unknown; foreach?: unknown; differentiable?: unknown }, fail: OptimizerFailure): void {
  if (!givenTrue(a.fused)) return
  if (givenTrue(a.differentiable)) fail('differentiable', '`fused` does not support `differentiable`')
  // PyTorch's message ends with a full stop, which the failure adds
  if (givenTrue(a.foreach)) fail('foreach', '`fused` and `foreach` cannot be `True` together')
}

/**
 * `_device_dtype_check_for_fused`: with `fused=True`, `step()` refuses a parameter that is not real floating point.
 * `firstOnly`: SGD and Adagrad check only the first parameter with a gradient; Adam checks each.
 */
export function checkFusedDTypes(params: readonly OptimizerParameter[], context: OptimizerContext, fail: ParameterFailure, firstOnly: boolean): void {
  const bad = (firstOnly ? params.slice(0, 1) : params).find((p) => !isRealFloat(p))
  if (!bad) return
  fail(
    `\`fused=True\` requires all the params to be floating point Tensors of supported devices: [${FUSED_DEVICES.map((d) => `'${d}'`).join(', ')}] but torch.${bad.dtype} and ${context.device ?? 'cuda'}`,
    `\`${bad.name}\` is ${bad.dtype}; fused kernels take float16, bfloat16, float32 and float64 parameters. Drop \`fused=True\`.`,
  )
}

/** What PyTorch's `capturable=True` assertion names, and whether XLA is in its device list, on one code path. */
export interface CapturablePath {
  tensors: string
  xla: boolean
}

/** PyTorch's `capturable=True` assertion on its two code paths: the default one on the CPU, and `foreach=True`'s. */
export interface CapturableCheck {
  single: CapturablePath
  foreach: CapturablePath
}

/** A {@link CapturableCheck}: the state PyTorch's message names (`params and state_steps`) and which paths list XLA. */
export const capturableCheck = (tensors: string, xla: { single: boolean; foreach: boolean }, foreachTensors = tensors): CapturableCheck => ({
  single: { tensors, xla: xla.single },
  foreach: { tensors: foreachTensors, xla: xla.foreach },
})

/**
 * `capturable=True`'s assertion in `step()`: the parameters that get a gradient, and `step`, must be on a device that
 * can capture graphs, so it fails on the CPU. `fused=True` takes another path, which does not check.
 */
export function checkCapturable(params: readonly OptimizerParameter[], a: { capturable?: unknown; foreach?: unknown; fused?: unknown }, context: OptimizerContext, fail: ParameterFailure, check: CapturableCheck): void {
  if (!givenTrue(a.capturable) || givenTrue(a.fused) || context.device !== 'cpu' || params.length === 0) return
  const path = givenTrue(a.foreach) ? check.foreach : check.single
  const devices = ['cuda', 'xpu', 'hpu', 'privateuseone', ...(path.xla ? ['xla'] : [])]
  fail(
    `If capturable=True, ${path.tensors} must be on supported devices: [${devices.map((d) => `'${d}'`).join(', ')}].`,
    'the parameters are on the CPU (device `cpu`); `capturable=True` is for CUDA graphs: drop it, or plan for `cuda`.',
  )
}
