import type { FormulaTerm } from '../layers/define-layer.js'
import { buffersOf, childrenOf, paramsOf, walkModules } from '../model/module.js'
import type { WalkedModule } from '../model/module.js'
import type { ModuleNode, TensorDef } from '../model/module.js'
import { dtypeBytes } from '../tensor/dtype.js'
import type { DType } from '../tensor/dtype.js'
import { elementCount, numel } from '../tensor/shape.js'

/** One parameter or buffer, named as `named_parameters()` / `named_buffers()` name it. */
export interface TensorEntry {
  name: string
  kind: 'parameter' | 'buffer'
  shape: number[]
  dtype: DType
  /** Parameters: `requires_grad`. Buffers: always false. */
  trainable: boolean
  /** Buffers only: whether `state_dict()` holds it. */
  persistent: boolean
  elementCount: bigint
  /** Elements × the dtype's size, or the exact stored bytes of a tensor read from a weight file ({@link TensorDef.bytes}). */
  bytes: bigint
  /** The weight file's own name of the element type, for tensors read from a file ({@link TensorDef.storageType}). */
  storageType?: string | undefined
  /** The definition itself (identity = sharing). */
  def: TensorDef
}

/** Bytes of one tensor: its exact stored bytes when known, else `elements × dtype size`. */
export function tensorBytes(def: TensorDef, elements: bigint = numel(def.shape)): bigint {
  return def.bytes ?? elements * BigInt(dtypeBytes[def.dtype])
}

/** Parameter totals. */
export interface ParamCounts {
  total: bigint
  trainable: bigint
  frozen: bigint
  bytes: bigint
  trainableBytes: bigint
  frozenBytes: bigint
}

/** Buffer totals. */
export interface BufferCounts {
  total: bigint
  bytes: bigint
}

/** One module of the tree with its counts (its own tensors and its children's, each shared tensor once). */
export interface ModuleEntry {
  /** Dotted name, `''` for the root. */
  path: string
  /** The PyTorch class name. */
  type: string
  /** 0 for the root. */
  depth: number
  params: ParamCounts
  buffers: BufferCounts
  /** Parameters registered on this module itself, children excluded. */
  ownParamCount: bigint
  node: ModuleNode
}

/** Lists every parameter then every buffer of `root`, as PyTorch names them. */
export function listTensors(root: ModuleNode, walked: readonly WalkedModule[] = walkModules(root)): TensorEntry[] {
  const params: TensorEntry[] = []
  const buffers: TensorEntry[] = []
  const seen = new Set<TensorDef>()
  for (const { path, node } of walked) {
    addTensors(paramsOf(node), path, seen, params)
    addTensors(buffersOf(node), path, seen, buffers)
  }
  return params.concat(buffers)
}

function addTensors(own: ReadonlyMap<string, TensorDef | null>, path: string, seen: Set<TensorDef>, out: TensorEntry[]): void {
  own.forEach((def, name) => {
    if (def === null || seen.has(def)) return
    seen.add(def)
    out.push(tensorEntry(path === '' ? name : `${path}.${name}`, def))
  })
}

function tensorEntry(name: string, def: TensorDef): TensorEntry {
  const elementCount = numel(def.shape)
  return {
    name,
    kind: def.kind,
    shape: [...def.shape],
    dtype: def.dtype,
    trainable: def.kind === 'parameter' && def.requiresGrad,
    persistent: def.persistent,
    elementCount,
    bytes: tensorBytes(def, elementCount),
    ...(def.storageType !== undefined ? { storageType: def.storageType } : {}),
    def,
  }
}

/**
 * An exact running total of integers: float arithmetic while it stays below 2^53, bigint beyond.
 * Large models add up tens of thousands of counts, and a bigint sum allocates at every step.
 */
class Total {
  #small = 0
  #big = 0n

  /** Adds `count × factor`, both integers (a `number` count is below 2^53). */
  add(count: number | bigint, factor = 1): void {
    if (typeof count === 'number') {
      const next = this.#small + count * factor
      // Above 2^53 a float sum may round, and then it is not a safe integer either.
      if (Number.isSafeInteger(next)) {
        this.#small = next
        return
      }
    }
    this.#big += BigInt(count) * BigInt(factor)
  }

  get value(): bigint {
    return this.#big + BigInt(this.#small)
  }
}

/**
 * Parameter and buffer totals of `root`, each module and each tensor once, without listing the tensors
 * or naming the modules.
 */
export function countTensors(root: ModuleNode): { params: ParamCounts; buffers: BufferCounts } {
  const seen = new Set<TensorDef>()
  const total = new Total()
  const bytes = new Total()
  const trainable = new Total()
  const trainableBytes = new Total()
  const bufferTotal = new Total()
  const bufferBytes = new Total()
  const add = (def: TensorDef | null): void => {
    if (def === null || seen.has(def)) return
    seen.add(def)
    const count = elementCount(def.shape)
    // A tensor read from a weight file may carry its exact stored bytes.
    const exact = def.bytes
    const size = exact === undefined ? dtypeBytes[def.dtype] : 1
    const sized = exact ?? count
    if (def.kind === 'buffer') {
      bufferTotal.add(count)
      bufferBytes.add(sized, size)
      return
    }
    total.add(count)
    bytes.add(sized, size)
    if (def.requiresGrad) {
      trainable.add(count)
      trainableBytes.add(sized, size)
    }
  }
  const modules = new Set<ModuleNode>([root])
  const visit = (node: ModuleNode | null): void => {
    if (node !== null) modules.add(node)
  }
  // A set iterates over what is added while it iterates, each module once.
  for (const node of modules) {
    paramsOf(node).forEach(add)
    buffersOf(node).forEach(add)
    childrenOf(node).forEach(visit)
  }
  return {
    params: {
      total: total.value,
      trainable: trainable.value,
      frozen: total.value - trainable.value,
      bytes: bytes.value,
      trainableBytes: trainableBytes.value,
      frozenBytes: bytes.value - trainableBytes.value,
    },
    buffers: { total: bufferTotal.value, bytes: bufferBytes.value },
  }
}

/** Every module in `named_modules()` order with its counts. */
export function listModules(root: ModuleNode, walked: readonly WalkedModule[] = walkModules(root)): ModuleEntry[] {
  return listTreeModules(walked) ?? listSharedModules(walked)
}

/**
 * The common case: a tree, in which no module has two parents. Subtree totals simply add up, bottom-up, in flat
 * arrays (no per-module objects but the entries); a tensor registered in several modules (tied weights) is then taken
 * back from each subtree that counted it more than once. Returns null when a module is shared.
 */
function listTreeModules(walked: readonly WalkedModule[]): ModuleEntry[] | null {
  const n = walked.length
  const index = new Map<ModuleNode, number>()
  for (let i = 0; i < n; i++) index.set(walked[i]!.node, i)
  const parent = new Int32Array(n).fill(-1)
  /** Where each tensor was first registered (its module's index), and whether as a buffer. */
  const firstAt = new Map<TensorDef, number>()
  const firstAsBuffer = new Set<TensorDef>()
  let repeated: Array<[TensorDef, number]> | undefined
  const total = new Array<bigint>(n).fill(0n)
  const trainable = new Array<bigint>(n).fill(0n)
  const bytes = new Array<bigint>(n).fill(0n)
  const trainableBytes = new Array<bigint>(n).fill(0n)
  const bufferTotal = new Array<bigint>(n).fill(0n)
  const bufferBytes = new Array<bigint>(n).fill(0n)
  const own = new Array<bigint>(n).fill(0n)
  /** Notes where `t` is registered; false when it is registered both as a parameter and as a buffer. */
  const register = (t: TensorDef, i: number, asBuffer: boolean): boolean => {
    const first = firstAt.get(t)
    if (first === undefined) {
      firstAt.set(t, i)
      if (asBuffer) firstAsBuffer.add(t)
      return true
    }
    ;(repeated ??= []).push([t, i])
    return firstAsBuffer.has(t) === asBuffer
  }
  for (let i = 0; i < n; i++) {
    const node = walked[i]!.node
    for (const child of childrenOf(node).values()) {
      if (child === null) continue
      const c = index.get(child)!
      if (parent[c] !== -1 || c === 0) return null
      parent[c] = i
    }
    for (const t of paramsOf(node).values()) {
      if (t === null) continue
      if (!register(t, i, false)) return null
      const count = numel(t.shape)
      const size = tensorBytes(t, count)
      own[i]! += count
      total[i]! += count
      bytes[i]! += size
      if (t.requiresGrad) {
        trainable[i]! += count
        trainableBytes[i]! += size
      }
    }
    for (const t of buffersOf(node).values()) {
      if (t === null) continue
      if (!register(t, i, true)) return null
      const count = numel(t.shape)
      bufferTotal[i]! += count
      bufferBytes[i]! += tensorBytes(t, count)
    }
  }
  for (let i = n - 1; i > 0; i--) {
    const p = parent[i]!
    total[p]! += total[i]!
    trainable[p]! += trainable[i]!
    bytes[p]! += bytes[i]!
    trainableBytes[p]! += trainableBytes[i]!
    bufferTotal[p]! += bufferTotal[i]!
    bufferBytes[p]! += bufferBytes[i]!
  }
  if (repeated !== undefined) {
    // A module whose subtree holds k registrations of one tensor counted it k times: take back k - 1.
    const registrations = new Map<TensorDef, number[]>()
    for (let r = 0; r < repeated.length; r++) {
      const [t, i] = repeated[r]!
      const at = registrations.get(t)
      if (at === undefined) registrations.set(t, [firstAt.get(t)!, i])
      else at.push(i)
    }
    registrations.forEach((at, t) => {
      const times = new Map<number, number>()
      for (let r = 0; r < at.length; r++) {
        for (let m = at[r]!; m !== -1; m = parent[m]!) times.set(m, (times.get(m) ?? 0) + 1)
      }
      const count = numel(t.shape)
      const size = tensorBytes(t, count)
      const asBuffer = firstAsBuffer.has(t)
      times.forEach((k, m) => {
        if (k < 2) return
        const extra = BigInt(k - 1)
        if (asBuffer) {
          bufferTotal[m]! -= count * extra
          bufferBytes[m]! -= size * extra
          return
        }
        total[m]! -= count * extra
        bytes[m]! -= size * extra
        if (t.requiresGrad) {
          trainable[m]! -= count * extra
          trainableBytes[m]! -= size * extra
        }
      })
    })
  }
  const entries = new Array<ModuleEntry>(n)
  for (let i = 0; i < n; i++) {
    const { path, node, depth } = walked[i]!
    entries[i] = {
      path,
      type: node.type,
      depth,
      params: {
        total: total[i]!,
        trainable: trainable[i]!,
        frozen: total[i]! - trainable[i]!,
        bytes: bytes[i]!,
        trainableBytes: trainableBytes[i]!,
        frozenBytes: bytes[i]! - trainableBytes[i]!,
      },
      buffers: { total: bufferTotal[i]!, bytes: bufferBytes[i]! },
      ownParamCount: own[i]!,
      node,
    }
  }
  return entries
}

/** Models that share modules or tensors: each shared tensor counts once per subtree. */
/** Adds `from`'s counts to `into`'s. */
function addCounts(into: ParamCounts, from: ParamCounts): void {
  into.total += from.total
  into.trainable += from.trainable
  into.frozen += from.frozen
  into.bytes += from.bytes
  into.trainableBytes += from.trainableBytes
  into.frozenBytes += from.frozenBytes
}

function listSharedModules(walked: readonly WalkedModule[]): ModuleEntry[] {
  const modules = walked
  const entry = ({ path, node, depth }: WalkedModule, params: ParamCounts, buffers: BufferCounts): ModuleEntry => {
    let ownParamCount = 0n
    paramsOf(node).forEach((p) => {
      if (p) ownParamCount += numel(p.shape)
    })
    return { path, type: node.type, depth, params, buffers, ownParamCount, node }
  }
  // A module held by two parents: count each subtree on its own (rare, small models).
  // (Maps are walked with forEach and arrays by index: this runs once per question, cold, where `for … of` allocates.)
  const parents = new Set<ModuleNode>()
  let held = false
  for (let i = 0; i < modules.length && !held; i++) {
    childrenOf(modules[i]!.node).forEach((c) => {
      if (c === null) return
      if (parents.has(c)) held = true
      parents.add(c)
    })
  }
  if (held) {
    return modules.map((walkedModule) => {
      const { params, buffers } = countTensors(walkedModule.node)
      return entry(walkedModule, params, buffers)
    })
  }
  // A tree: sum bottom-up once; tensors registered in two modules (tied weights) are counted once per subtree.
  const uses = new Map<TensorDef, number>()
  const use = (t: TensorDef | null): void => {
    if (t) uses.set(t, (uses.get(t) ?? 0) + 1)
  }
  for (let i = 0; i < modules.length; i++) {
    paramsOf(modules[i]!.node).forEach(use)
    buffersOf(modules[i]!.node).forEach(use)
  }
  interface Subtree {
    params: ParamCounts
    buffers: BufferCounts
    shared: Set<TensorDef> | null
  }
  const zero = (): Subtree => ({ params: { total: 0n, trainable: 0n, frozen: 0n, bytes: 0n, trainableBytes: 0n, frozenBytes: 0n }, buffers: { total: 0n, bytes: 0n }, shared: null })
  const add = (into: Subtree, t: TensorDef): void => {
    const count = numel(t.shape)
    const bytes = tensorBytes(t, count)
    if (t.kind === 'buffer') {
      into.buffers.total += count
      into.buffers.bytes += bytes
      return
    }
    const p = into.params
    p.total += count
    p.bytes += bytes
    if (t.requiresGrad) {
      p.trainable += count
      p.trainableBytes += bytes
    } else {
      p.frozen += count
      p.frozenBytes += bytes
    }
  }
  const subtrees = new Map<ModuleNode, Subtree>()
  for (let i = modules.length - 1; i >= 0; i--) {
    const node = modules[i]!.node
    const sub = zero()
    const own = (t: TensorDef | null): void => {
      if (!t) return
      if ((uses.get(t) ?? 0) > 1) (sub.shared ??= new Set()).add(t)
      else add(sub, t)
    }
    paramsOf(node).forEach(own)
    buffersOf(node).forEach(own)
    childrenOf(node).forEach((child) => {
      const c = child && subtrees.get(child)
      if (!c) return
      addCounts(sub.params, c.params)
      sub.buffers.total += c.buffers.total
      sub.buffers.bytes += c.buffers.bytes
      if (c.shared) c.shared.forEach((t) => (sub.shared ??= new Set()).add(t))
    })
    subtrees.set(node, sub)
  }
  return modules.map((walkedModule) => {
    const sub = subtrees.get(walkedModule.node)!
    const total = zero()
    addCounts(total.params, sub.params)
    total.buffers = { ...sub.buffers }
    if (sub.shared) sub.shared.forEach((t) => add(total, t))
    return entry(walkedModule, total.params, total.buffers)
  })
}


/** The formula terms for one module: the layer's own naming, or the tensor shapes. */
export function formulaTerms(node: ModuleNode): FormulaTerm[] {
  const explained = node.layer?.explain?.(node.args)
  if (explained) return explained
  return [...paramsOf(node)]
    .filter((entry): entry is [string, TensorDef] => entry[1] !== null)
    .map(([name, def]) => ({ tensor: name, factors: def.shape.map((d, i) => [`dim ${i}`, d] as const) }))
}
