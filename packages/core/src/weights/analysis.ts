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

/**
 * Builds the module tree of a file's tensors from their dotted names (`model.layers.0.self_attn.q_proj.weight` →
 * modules `model`, `model.layers`, …): each tensor a parameter or a buffer of its module, aliases registered as
 * one tensor under several names (counted once, as PyTorch counts tied weights). Module classes are unknown
 * ({@link unknownModuleType}) unless `moduleTypes` names them (whole-module pickles).
 */
export function buildModuleTree(tensors: readonly ModelTensor[], moduleTypes?: ReadonlyMap<string, string>): ModuleNode {
  const root = createModule(moduleTypes?.get('') ?? unknownModuleType)
  const defs: TensorDef[] = []
  let modules = 1
  for (const { name, tensor, aliasOf } of tensors) {
    const { modules: path, leaf } = splitName(name)
    let node = root
    let at = ''
    for (const part of path) {
      at = at === '' ? part : `${at}.${part}`
      let child = childrenOf(node).get(part) ?? null
      if (child === null) {
        if (++modules > limits.maxModules) throw new NnsizeError('limit', `The tensor names make more than ${limits.maxModules.toLocaleString('en-US')} modules, the limit.`)
        child = createModule(moduleTypes?.get(at) ?? unknownModuleType)
        node.children.set(part, child)
      }
      node = child
    }
    let def = aliasOf >= 0 ? defs[aliasOf] : undefined
    if (def === undefined) {
      const dtype = analysisDType(tensor.torchDType, tensor.dtype)
      const exact = tensor.elements * BigInt(dtypeBytes[dtype]) === tensor.bytes
      def = {
        kind: tensor.kind,
        shape: [...tensor.shape],
        dtype,
        requiresGrad: tensor.kind === 'parameter' && isFloatingDType(dtype),
        persistent: true,
        ...(exact ? {} : { bytes: tensor.bytes }),
        storageType: tensor.dtype,
      }
    }
    defs.push(def)
    if (def.kind === 'parameter') node.params.set(leaf, def)
    else node.buffers.set(leaf, def)
  }
  return root
}

/** The {@link Analysis} of a set of weight files: the counts, tensors and module tree of its model part, and `weights`. */
export function weightsAnalysis(info: WeightsInfo, model: readonly ModelTensor[], moduleTypes?: ReadonlyMap<string, string>): WeightsAnalysis {
  const root = buildModuleTree(model, moduleTypes)
  const analysis = analyzeModule(root, info.entry) as WeightsAnalysis
  analysis.weights = info
  return analysis
}
