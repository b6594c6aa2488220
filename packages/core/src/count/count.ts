import type { FormulaTerm } from '../layers/define-layer.js'
import { walkModules } from '../model/module.js'
import type { WalkedModule } from '../model/module.js'
import type { ModuleNode, TensorDef } from '../model/module.js'
import { dtypeBytes } from '../tensor/dtype.js'
import type { DType } from '../tensor/dtype.js'
import { numel } from '../tensor/shape.js'

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
  bytes: bigint
  /** The definition itself (identity = sharing). */
  def: TensorDef
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
    for (const [own, out] of [[node.params, params], [node.buffers, buffers]] as const) {
      for (const [name, def] of own) {
        if (def === null || seen.has(def)) continue
        seen.add(def)
        out.push(tensorEntry(path === '' ? name : `${path}.${name}`, def))
      }
    }
  }
  return params.concat(buffers)
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
    bytes: elementCount * BigInt(dtypeBytes[def.dtype]),
    def,
  }
}

/** Sums parameter and buffer counts over a tensor list. */
export function sumTensors(tensors: readonly TensorEntry[]): { params: ParamCounts; buffers: BufferCounts } {
  const params: ParamCounts = { total: 0n, trainable: 0n, frozen: 0n, bytes: 0n, trainableBytes: 0n, frozenBytes: 0n }
  const buffers: BufferCounts = { total: 0n, bytes: 0n }
  for (const t of tensors) {
    if (t.kind === 'buffer') {
      buffers.total += t.elementCount
      buffers.bytes += t.bytes
      continue
    }
    params.total += t.elementCount
    params.bytes += t.bytes
    if (t.trainable) {
      params.trainable += t.elementCount
      params.trainableBytes += t.bytes
    } else {
      params.frozen += t.elementCount
      params.frozenBytes += t.bytes
    }
  }
  return { params, buffers }
}

/** Every module in `named_modules()` order with its counts. */
export function listModules(root: ModuleNode, walked: readonly WalkedModule[] = walkModules(root)): ModuleEntry[] {
  const modules = walked
  // Count how often each module and tensor is reachable; without sharing, subtree totals simply add up.
  const seenModules = new Set<ModuleNode>()
  const seenTensors = new Set<TensorDef>()
  let shared = false
  const stack: ModuleNode[] = [root]
  while (stack.length > 0 && !shared) {
    const node = stack.pop()!
    if (seenModules.has(node)) {
      shared = true
      break
    }
    seenModules.add(node)
    for (const t of [...node.params.values(), ...node.buffers.values()]) {
      if (t === null) continue
      if (seenTensors.has(t)) shared = true
      seenTensors.add(t)
    }
    for (const child of node.children.values()) if (child) stack.push(child)
  }
  const counts = new Map<ModuleNode, { params: ParamCounts; buffers: BufferCounts }>()
  const countOf = (node: ModuleNode): { params: ParamCounts; buffers: BufferCounts } => {
    if (shared) return sumTensors(listTensors(node))
    const own = sumTensors(ownTensors(node))
    for (const child of node.children.values()) {
      if (!child) continue
      const c = counts.get(child)!
      for (const key of Object.keys(own.params) as Array<keyof ParamCounts>) own.params[key] += c.params[key]
      own.buffers.total += c.buffers.total
      own.buffers.bytes += c.buffers.bytes
    }
    return own
  }
  if (!shared) {
    for (let i = modules.length - 1; i >= 0; i--) {
      const node = modules[i]!.node
      counts.set(node, countOf(node))
    }
  }
  return modules.map(({ path, node, depth }) => {
    const { params, buffers } = shared ? countOf(node) : counts.get(node)!
    let ownParamCount = 0n
    for (const p of node.params.values()) if (p) ownParamCount += numel(p.shape)
    return { path, type: node.type, depth, params, buffers, ownParamCount, node }
  })
}

function ownTensors(node: ModuleNode): TensorEntry[] {
  const out: TensorEntry[] = []
  for (const [name, def] of node.params) if (def) out.push(tensorEntry(name, def))
  for (const [name, def] of node.buffers) if (def) out.push(tensorEntry(name, def))
  return out
}

/** The formula terms for one module: the layer's own naming, or the tensor shapes. */
export function formulaTerms(node: ModuleNode): FormulaTerm[] {
  const explained = node.layer?.explain?.(node.args)
  if (explained) return explained
  return [...node.params]
    .filter((entry): entry is [string, TensorDef] => entry[1] !== null)
    .map(([name, def]) => ({ tensor: name, factors: def.shape.map((d, i) => [`dim ${i}`, d] as const) }))
}
