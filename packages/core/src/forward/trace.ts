import { NnsizeError } from '../errors.js'
import { paramsOf } from '../model/module.js'
import type { ModuleNode, TensorDef } from '../model/module.js'
import { dtypeBytes, isFloatingDType } from '../tensor/dtype.js'
import type { DType } from '../tensor/dtype.js'
import { formatShape, numel } from '../tensor/shape.js'
import { defaultTorchVersion } from './torch-version.js'
import { hookedState, runPreForwardHooks, withRunningForward } from './module-hooks.js'
import { channelsLastStrides, setStrides } from './layout.js'
import type { DeviceProfile, FlopCounterOp, ForwardContext, KernelChoice, Storage, Tensor, TorchVersion } from '../contract/forward.js'

export type { DeviceProfile, FlopCounterOp, ForwardContext, KernelChoice, Storage, Tensor } from '../contract/forward.js'

/** What the forward pass measured for one module (its own work plus its children's). */
export interface ModuleStats {
  /** Dotted name, `''` for the root. */
  path: string
  module: ModuleNode
  /** Shape of the first output of the last call. */
  outputShape: number[] | undefined
  /** Shapes of every input of the last call. */
  inputShapes: number[][]
  /** Multiply-accumulates, this module and its children. */
  macs: bigint
  /** Multiply-accumulates of this module's own code, children excluded. */
  ownMacs: bigint
  /** Multiply-accumulates of the backward pass, this module and its children. */
  backwardMacs: bigint
  /** Bytes of storages saved for backward first saved inside this module (inputs of the whole model excluded). */
  savedBytes: bigint
  /** How many times it was called. */
  calls: number
}

/** An input given to the forward pass. */
export interface InputSpec {
  shape: number[]
  dtype: DType
  /** Whether the input requires grad; by default floating-point inputs do (`torch.randn(..., requires_grad=True)`). */
  requiresGrad?: boolean
}

/** FLOPs of one forward call as `torch.utils.flop_counter.FlopCounterMode` reports them (`get_total_flops()`). */
export interface FlopCounterFigures {
  /** All counted FLOPs: 2 per multiply-add of the ops with a formula. */
  total: bigint
  /** The same by ATen op (`aten.addmm`, `aten.convolution`, …), in the order first counted. */
  byOp: Partial<Record<FlopCounterOp, bigint>>
}

/** Everything one forward pass measured. */
export interface ForwardResult {
  outputs: Tensor[]
  /** Stats per module, in the order modules were first called. */
  modules: ModuleStats[]
  macs: bigint
  /** Multiply-accumulates of the backward pass. */
  backwardMacs: bigint
  /** Bytes saved for backward, inputs excluded. */
  savedBytes: bigint
  /** Bytes saved for backward, inputs included when saved. */
  savedBytesWithInput: bigint
  /** The most bytes of activations (inputs included) alive at once in a no-grad forward. */
  inferencePeakBytes: bigint
  /** The kernels assumed where PyTorch chooses at run time, in call order. */
  kernels: KernelChoice[]
  /** FLOPs as `FlopCounterMode` counts them, a figure apart from `macs` (see {@link ForwardContext.flops}). */
  flopCounter: FlopCounterFigures
}

/**
 * Runs the forward pass of `root` on tensors of the given shapes, without any arithmetic on values, with the
 * kernels of PyTorch `torch` (default: the current release) on `device`.
 */
export function traceForward(root: ModuleNode, inputs: readonly InputSpec[], device: DeviceProfile, torch: TorchVersion = defaultTorchVersion): ForwardResult {
  let nextId = 0
  let clock = 0
  const storages: Storage[] = []
  const saved = new Set<Storage>()
  const stateTensors = new Map<TensorDef, Tensor>()
  const stats = new Map<ModuleNode, ModuleStats>()
  const stack: ModuleStats[] = []
  const kernels: KernelChoice[] = []
  const kernelKeys = new Set<string>()
  const flopCounter: FlopCounterFigures = { total: 0n, byOp: {} }

  // grad mode (`torch.no_grad()` turns it off): new tensors then do not require grad and nothing is saved
  let gradEnabled = true
  const allocate = (shape: readonly number[], dtype: DType, origin: Storage['origin'], requiresGrad: boolean): Tensor => {
    for (const d of shape) {
      if (d > Number.MAX_SAFE_INTEGER) throw ctx.error(`would make a size beyond the largest supported size ${Number.MAX_SAFE_INTEGER} (\`limits.maxDimension\`).`, 'limit')
      if (!Number.isSafeInteger(d) || d < 0) throw ctx.error(`produced an invalid size ${formatShape(shape)}`)
    }
    clock++
    const storage: Storage = { id: nextId++, bytes: numel(shape) * BigInt(dtypeBytes[dtype]), origin, allocatedAt: clock, lastUse: clock }
    if (origin !== 'state') storages.push(storage)
    return { shape: [...shape], dtype, storage, requiresGrad }
  }

  let savingSuspended = 0
  const ctx: ForwardContext = {
    device,
    torch,
    tensor: (shape, dtype = 'float32', requiresGrad = isFloatingDType(dtype)) => allocate(shape, dtype, 'activation', requiresGrad && gradEnabled),
    view: (source, shape, dtype) => ({ shape: [...shape], dtype: dtype ?? source.dtype, storage: source.storage, requiresGrad: source.requiresGrad && gradEnabled }),
    assume: (choice) => {
      const path = stack.at(-1)?.path ?? ''
      const key = `${path}\u0000${choice.op}\u0000${choice.kernel}`
      if (kernelKeys.has(key)) return
      kernelKeys.add(key)
      kernels.push({ path, ...choice })
    },
    save: (...tensors) => {
      if (!gradEnabled || savingSuspended > 0) return
      for (const t of tensors) {
        if (t.storage.origin === 'state' || saved.has(t.storage)) continue
        saved.add(t.storage)
        if (t.storage.origin === 'activation') for (const s of stack) s.savedBytes += t.storage.bytes
      }
    },
    gradEnabled: () => gradEnabled,
    withoutSaving: (run) => {
      savingSuspended++
      try {
        return run()
      } finally {
        savingSuspended--
      }
    },
    setGradEnabled: (enabled) => {
      const before = gradEnabled
      gradEnabled = enabled
      return before
    },
    use: (...tensors) => {
      for (const t of tensors) t.storage.lastUse = clock
    },
    macs: (count, backwardFactor) => {
      const n = BigInt(count)
      const top = stack.at(-1)
      const factor = gradEnabled ? BigInt(backwardFactor ?? (top && [...paramsOf(top.module).values()].some((p) => p !== null && p.requiresGrad) ? 2 : 1)) : 0n
      for (const s of stack) {
        s.macs += n
        s.backwardMacs += n * factor
      }
      if (top) top.ownMacs += n
    },
    flops: (op, count) => {
      flopCounter.total += count
      flopCounter.byOp[op] = (flopCounter.byOp[op] ?? 0n) + count
    },
    run: (child, childInputs, name, options) => {
      const parent = stack.at(-1)
      const path = parent === undefined || parent.path === '' ? name : `${parent.path}.${name}`
      return call(child, childInputs, path, options)
    },
    runAt: (module, moduleInputs, path, options) => call(module, moduleInputs, path, options),
    state: (module, name) => {
      const def = module.params.get(name) ?? module.buffers.get(name)
      if (!def) {
        // A tensor that is no parameter or buffer: a weight-normalised or parametrized `weight` (module-hooks.ts).
        const computed = hookedState(module, name, ctx)
        if (computed) return computed
        throw new NnsizeError('shape', `\`${module.type}\` has no tensor \`${name}\`.`)
      }
      let t = stateTensors.get(def)
      if (!t) {
        t = allocate(def.shape, def.dtype, 'state', def.kind === 'parameter' && def.requiresGrad)
        if (def.channelsLast && def.shape.length === 4) t = setStrides(t, channelsLastStrides(def.shape))
        stateTensors.set(def, t)
      }
      return t
    },
    error: (message, code = 'shape') => {
      const top = stack.at(-1)
      const where = top ? (top.path === '' ? `\`${top.module.type}\`` : `\`${top.path}\` (${top.module.type})`) : 'the model'
      return new NnsizeError(code, `${where} ${message}`, { span: top?.module.span })
    },
  }

  const call = (module: ModuleNode, moduleInputs: readonly Tensor[], path: string, options?: Readonly<Record<string, unknown>>): Tensor[] => {
    const forward = module.layer?.forward
    let s = stats.get(module)
    if (!s) {
      s = { path, module, outputShape: undefined, inputShapes: [], macs: 0n, ownMacs: 0n, backwardMacs: 0n, savedBytes: 0n, calls: 0 }
      stats.set(module, s)
    }
    s.calls++
    s.inputShapes = moduleInputs.map((t) => [...t.shape])
    stack.push(s)
    try {
      if (!forward) throw ctx.error(module.layer?.untraced ?? 'has no forward pass: it cannot take an input.')
      runPreForwardHooks(module, ctx)
      const out = forward(module as ModuleNode & { args: never }, moduleInputs, ctx, options)
      const outputs = Array.isArray(out) ? out : [out]
      ctx.use(...moduleInputs)
      s.outputShape = outputs[0] ? [...outputs[0].shape] : undefined
      return outputs
    } finally {
      stack.pop()
    }
  }

  // Float inputs require grad, as the reference measurement makes them; index inputs cannot.
  const inputTensors = inputs.map((spec) => allocate(spec.shape, spec.dtype, 'input', isFloatingDType(spec.dtype) && spec.requiresGrad !== false))
  const outputs = withRunningForward(ctx, () => call(root, inputTensors, ''))
  const end = clock + 1
  for (const t of outputs) t.storage.lastUse = end

  let savedBytes = 0n
  let savedBytesWithInput = 0n
  for (const storage of saved) {
    savedBytesWithInput += storage.bytes
    if (storage.origin === 'activation') savedBytes += storage.bytes
  }
  return {
    outputs,
    modules: [...stats.values()],
    macs: stats.get(root)?.macs ?? 0n,
    backwardMacs: stats.get(root)?.backwardMacs ?? 0n,
    savedBytes,
    savedBytesWithInput,
    inferencePeakBytes: peakLiveBytes(storages, end),
    kernels,
    flopCounter,
  }
}

function peakLiveBytes(storages: readonly Storage[], end: number): bigint {
  const delta = new Map<number, bigint>()
  for (const s of storages) {
    delta.set(s.allocatedAt, (delta.get(s.allocatedAt) ?? 0n) + s.bytes)
    const freeAt = Math.min(s.lastUse, end) + 1
    delta.set(freeAt, (delta.get(freeAt) ?? 0n) - s.bytes)
  }
  let live = 0n
  let peak = 0n
  for (const step of [...delta.keys()].sort((a, b) => a - b)) {
    live += delta.get(step)!
    if (live > peak) peak = live
  }
  return peak
}
