import type { SourceSpan } from '../errors.js'
import type { DType } from '../tensor/dtype.js'
import type { LayerDefinition } from '../layers/define-layer.js'

/** A parameter or buffer. Identity matters: a tensor shared by two modules is one object. */
export interface TensorDef {
  /** `parameter` (in `parameters()`) or `buffer` (in `buffers()`). */
  kind: 'parameter' | 'buffer'
  shape: number[]
  dtype: DType
  /** For parameters: whether the optimiser updates it. Buffers never require grad. */
  requiresGrad: boolean
  /** For buffers: whether `state_dict()` saves it. */
  persistent: boolean
}

/** One module of the tree: what `nn.Module` holds in `_parameters`, `_buffers` and `_modules`. */
export interface ModuleNode {
  /** The PyTorch class name (`Conv2d`, `Sequential`, `ResNet`). */
  type: string
  /** The layer definition that built it; absent for composite model classes. */
  layer?: LayerDefinition | undefined
  /** Constructor arguments after binding, defaults filled in. */
  args: Record<string, unknown>
  /** Parameters in registration order; `null` where PyTorch registers `None` (e.g. `bias=False`). */
  params: Map<string, TensorDef | null>
  /** Buffers in registration order. */
  buffers: Map<string, TensorDef | null>
  /** Submodules in registration order. */
  children: Map<string, ModuleNode | null>
  /** Where the call that made it is in the source. */
  span?: SourceSpan | undefined
  /** Training mode: `.train()` sets it, `.train(False)` and its alias clear it. */
  training: boolean
}

/** Makes an empty module of the given class. */
export function createModule(type: string, args: Record<string, unknown> = {}, layer?: LayerDefinition): ModuleNode {
  return { type, layer, args, params: new Map(), buffers: new Map(), children: new Map(), training: true }
}

/** Every module below and including `root`, each once, with its dotted name, in `named_modules()` order. */
export function namedModules(root: ModuleNode): Array<[string, ModuleNode]> {
  return walkModules(root).map(({ path, node }) => [path, node])
}

/** A module reached by {@link walkModules}: its dotted path and depth (0 for the root). */
export interface WalkedModule {
  path: string
  node: ModuleNode
  depth: number
}

/** Pre-order walk in `named_modules()` order, each module once (iterative: no recursion limit). */
export function walkModules(root: ModuleNode): WalkedModule[] {
  const seen = new Set<ModuleNode>()
  const out: WalkedModule[] = []
  const stack: WalkedModule[] = [{ path: '', node: root, depth: 0 }]
  while (stack.length > 0) {
    const entry = stack.pop()!
    if (seen.has(entry.node)) continue
    seen.add(entry.node)
    out.push(entry)
    const children = Array.from(entry.node.children)
    for (let i = children.length - 1; i >= 0; i--) {
      const [childName, child] = children[i]!
      if (child === null || seen.has(child)) continue
      stack.push({ path: entry.path === '' ? childName : `${entry.path}.${childName}`, node: child, depth: entry.depth + 1 })
    }
  }
  return out
}

/** Parameters (or buffers) with their dotted names, each tensor once under its first name, as PyTorch lists them. */
export function namedTensors(root: ModuleNode, kind: 'parameter' | 'buffer'): Array<[string, TensorDef]> {
  const seen = new Set<TensorDef>()
  const out: Array<[string, TensorDef]> = []
  for (const { path: prefix, node: module } of walkModules(root)) {
    const own = kind === 'parameter' ? module.params : module.buffers
    for (const [name, tensor] of own) {
      if (tensor === null || seen.has(tensor)) continue
      seen.add(tensor)
      out.push([prefix === '' ? name : `${prefix}.${name}`, tensor])
    }
  }
  return out
}

/** A deep copy that keeps sharing inside the copied tree, as `copy.deepcopy` does. */
export function cloneModule(root: ModuleNode): ModuleNode {
  const modules = new Map<ModuleNode, ModuleNode>()
  const tensors = new Map<TensorDef, TensorDef>()
  const copyTensor = (t: TensorDef | null): TensorDef | null => {
    if (t === null) return null
    let copy = tensors.get(t)
    if (!copy) {
      copy = { ...t, shape: [...t.shape] }
      tensors.set(t, copy)
    }
    return copy
  }
  const copyModule = (m: ModuleNode): ModuleNode => {
    const existing = modules.get(m)
    if (existing) return existing
    const copy: ModuleNode = { ...m, params: new Map(), buffers: new Map(), children: new Map() }
    modules.set(m, copy)
    for (const [k, v] of m.params) copy.params.set(k, copyTensor(v))
    for (const [k, v] of m.buffers) copy.buffers.set(k, copyTensor(v))
    for (const [k, v] of m.children) copy.children.set(k, v === null ? null : copyModule(v))
    return copy
  }
  return copyModule(root)
}
