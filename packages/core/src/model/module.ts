import type { SourceSpan } from '../errors.js'
import type { LayerDefinition } from '../contract/layer.js'
import type { ModuleNode, TensorDef } from '../contract/module.js'

export type { ModuleNode, TensorDef } from '../contract/module.js'

const noEntries: ReadonlyMap<string, never> = new Map<string, never>()

/**
 * The modules nnsize builds. Each of the three maps is made on first use: a leaf layer has no
 * children and most modules have no buffers, and empty maps are most of a large model's memory.
 */
class Module implements ModuleNode {
  span: SourceSpan | undefined = undefined
  training = true
  #params: Map<string, TensorDef | null> | undefined = undefined
  #buffers: Map<string, TensorDef | null> | undefined = undefined
  #children: Map<string, ModuleNode | null> | undefined = undefined

  constructor(
    public type: string,
    public args: Record<string, unknown>,
    public layer: LayerDefinition | undefined,
  ) {}

  get params(): Map<string, TensorDef | null> {
    return (this.#params ??= new Map())
  }
  set params(map: Map<string, TensorDef | null>) {
    this.#params = map
  }
  get buffers(): Map<string, TensorDef | null> {
    return (this.#buffers ??= new Map())
  }
  set buffers(map: Map<string, TensorDef | null>) {
    this.#buffers = map
  }
  get children(): Map<string, ModuleNode | null> {
    return (this.#children ??= new Map())
  }
  set children(map: Map<string, ModuleNode | null>) {
    this.#children = map
  }

  static ownParams(node: ModuleNode): ReadonlyMap<string, TensorDef | null> {
    return #params in node ? (node.#params ?? noEntries) : node.params
  }
  static ownBuffers(node: ModuleNode): ReadonlyMap<string, TensorDef | null> {
    return #buffers in node ? (node.#buffers ?? noEntries) : node.buffers
  }
  static ownChildren(node: ModuleNode): ReadonlyMap<string, ModuleNode | null> {
    return #children in node ? (node.#children ?? noEntries) : node.children
  }
}

/** Makes an empty module of the given class. */
export function createModule(type: string, args: Record<string, unknown> = {}, layer?: LayerDefinition): ModuleNode {
  return new Module(type, args, layer)
}

/** `node.params` for reading: an empty map is not made for a module without parameters. */
export const paramsOf: (node: ModuleNode) => ReadonlyMap<string, TensorDef | null> = Module.ownParams
/** `node.buffers` for reading, without making an empty map. */
export const buffersOf: (node: ModuleNode) => ReadonlyMap<string, TensorDef | null> = Module.ownBuffers
/** `node.children` for reading, without making an empty map for a leaf. */
export const childrenOf: (node: ModuleNode) => ReadonlyMap<string, ModuleNode | null> = Module.ownChildren

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
    // Children are pushed in order, then that part of the stack is reversed so that the first is popped first.
    const first = stack.length
    childrenOf(entry.node).forEach((child, childName) => {
      if (child === null || seen.has(child)) return
      stack.push({ path: entry.path === '' ? childName : `${entry.path}.${childName}`, node: child, depth: entry.depth + 1 })
    })
    reverseFrom(stack, first)
  }
  return out
}

function reverseFrom(items: unknown[], start: number): void {
  for (let i = start, j = items.length - 1; i < j; i++, j--) {
    const item = items[i]
    items[i] = items[j]
    items[j] = item
  }
}

/** Parameters (or buffers) with their dotted names, each tensor once under its first name, as PyTorch lists them. */
export function namedTensors(root: ModuleNode, kind: 'parameter' | 'buffer'): Array<[string, TensorDef]> {
  const seen = new Set<TensorDef>()
  const out: Array<[string, TensorDef]> = []
  for (const { path: prefix, node: module } of walkModules(root)) {
    const own = kind === 'parameter' ? paramsOf(module) : buffersOf(module)
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
    for (const [k, v] of paramsOf(m)) copy.params.set(k, copyTensor(v))
    for (const [k, v] of buffersOf(m)) copy.buffers.set(k, copyTensor(v))
    for (const [k, v] of childrenOf(m)) copy.children.set(k, v === null ? null : copyModule(v))
    return copy
  }
  return copyModule(root)
}
