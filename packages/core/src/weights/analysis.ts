import { analyzeModule } from '../analyze.js'
import { NnsizeError } from '../errors.js'
import { limits } from '../limits.js'
import { childrenOf, createModule } from '../model/module.js'
import type { ModuleNode, TensorDef } from '../model/module.js'
import { dtypeBytes, isFloatingDType } from '../tensor/dtype.js'
import { analysisDType } from './dtypes.js'
import type { FileTensor, WeightsAnalysis, WeightsInfo } from './types.js'

/**
 * The class of a module known only from tensor names: a state dict does not say which class made
 * `model.layers.0.mlp`, so nnsize does not guess one.
 */
export const unknownModuleType = '?'

/** One tensor of the model part of a set of files: its name inside the model and, for an alias, the tensor it repeats. */
export interface ModelTensor {
  name: string
  tensor: FileTensor
  /** Index (into the same list) of the earlier entry that is the very same tensor, or -1. */
  aliasOf: number
}

/** Splits a tensor name into module path and tensor name: `a.b.weight` → `[a, b]`, `weight`; checkpoint paths split at `/` too. */
function splitName(name: string): { modules: string[]; leaf: string } {
  const modules: string[] = []
  let start = 0
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i)
    if (c === 46 /* . */ || c === 47 /* / */) {
      modules.push(name.slice(start, i))
      start = i + 1
    }
  }
  return { modules, leaf: name.slice(start) }
}

/** What a pickle says about its modules: their classes and the paths under which a module is reached again. */
export interface ModuleFacts {
  /** Class names by module path (`''` the root): whole-module pickles. Their modules are made even without tensors. */
  types?: ReadonlyMap<string, string> | undefined
  /** A path that names a module met before under another path (`tied` → `l.0`): one module under both names. */
  aliases?: ReadonlyMap<string, string> | undefined
}

/** A module path as the tree spells it: checkpoint key paths split at `/` as at `.`. */
const dotted = (path: string): string => path.replace(/\//g, '.')

/**
 * Builds the module tree of a file's tensors from their dotted names (`model.layers.0.self_attn.q_proj.weight` →
 * modules `model`, `model.layers`, …): each tensor a parameter or a buffer of its module, aliases registered as
 * one tensor under several names (counted once, as PyTorch counts tied weights). Module classes are unknown
 * ({@link unknownModuleType}) unless `modules` names them (whole-module pickles). Two different tensors whose names
 * split into the same module entry (`a/b` and `a.b`) are both kept: the later one as `b (2)`, said in `warnings`.
 */
export function buildModuleTree(tensors: readonly ModelTensor[], modules: ModuleFacts = {}, warnings: string[] = []): ModuleNode {
  const types = new Map([...(modules.types ?? [])].map(([path, type]) => [dotted(path), type]))
  const aliases = new Map([...(modules.aliases ?? [])].map(([path, to]) => [dotted(path), dotted(to)]))
  const root = createModule(types.get('') ?? unknownModuleType)
  const byPath = new Map<string, ModuleNode>([['', root]])
  let moduleCount = 1
  /** The module at `path`, made with its parents when missing; a path that aliases another reaches that module. */
  const moduleAt = (parts: readonly string[]): ModuleNode => {
    let node = root
    let at = ''
    for (const part of parts) {
      at = at === '' ? part : `${at}.${part}`
      let child = childrenOf(node).get(part) ?? null
      if (child === null) {
        const target = aliases.get(at)
        child = target === undefined ? null : (byPath.get(target) ?? null)
        if (child === null) {
          if (++moduleCount > limits.maxModules) throw new NnsizeError('limit', `The tensor names make more than ${limits.maxModules.toLocaleString('en-US')} modules, the limit.`)
          child = createModule(types.get(at) ?? unknownModuleType)
          if (target !== undefined) byPath.set(target, child)
        }
        node.children.set(part, child)
      }
      byPath.set(at, child)
      node = child
    }
    return node
  }
  // A whole-module pickle's modules, tensors or not, in `named_modules()` order.
  for (const path of types.keys()) if (path !== '') moduleAt(path.split('.'))
  const defs: TensorDef[] = []
  /** The file name of the first tensor at each tree name, and how many more were renamed there. */
  const firstAt = new Map<string, string>()
  const renamed = new Map<string, number>()
  for (const { name, tensor, aliasOf } of tensors) {
    const { modules: path, leaf } = splitName(name)
    const node = moduleAt(path)
    let def = aliasOf >= 0 ? defs[aliasOf] : undefined
    if (def === undefined) {
      const dtype = analysisDType(tensor.torchDType, tensor.dtype)
      const exact = tensor.elements * BigInt(dtypeBytes[dtype]) === tensor.bytes
      def = {
        kind: tensor.kind,
        shape: [...tensor.shape],
        dtype,
        // A frozen nn.Parameter (saved with requires_grad=False) is not trained; other tensors are as their kind says.
        requiresGrad: tensor.kind === 'parameter' && isFloatingDType(dtype) && tensor.requiresGrad !== false,
        persistent: tensor.persistent !== false,
        ...(exact ? {} : { bytes: tensor.bytes }),
        storageType: tensor.dtype,
      }
    }
    defs.push(def)
    const own = def.kind === 'parameter' ? node.params : node.buffers
    const treeName = (k: string): string => (path.length === 0 ? k : `${path.join('.')}.${k}`)
    const taken = (k: string): boolean => {
      const held = node.params.get(k) ?? node.buffers.get(k)
      return held !== undefined && held !== def
    }
    let key = leaf
    if (taken(key)) {
      let n = renamed.get(treeName(leaf)) ?? 1
      do key = `${leaf} (${++n})`
      while (taken(key))
      renamed.set(treeName(leaf), n)
      const earlier = firstAt.get(treeName(leaf)) ?? treeName(leaf)
      const names = earlier === name ? `Two different tensors are both named \`${name}\`` : `\`${earlier}\` and \`${name}\` are different tensors with one name in the module tree, \`${treeName(leaf)}\``
      warnings.push(`${names} (a key that holds \`/\` or \`.\` reads like a path); both are counted, the second as \`${treeName(key)}\` in the module tree.`)
    } else if (!firstAt.has(treeName(leaf))) firstAt.set(treeName(leaf), name)
    own.set(key, def)
  }
  return root
}

/** The {@link Analysis} of a set of weight files: the counts, tensors and module tree of its model part, and `weights`. */
export function weightsAnalysis(info: WeightsInfo, model: readonly ModelTensor[], modules: ModuleFacts = {}): WeightsAnalysis {
  const root = buildModuleTree(model, modules, info.warnings)
  const analysis = analyzeModule(root, info.entry) as WeightsAnalysis
  analysis.weights = info
  return analysis
}
