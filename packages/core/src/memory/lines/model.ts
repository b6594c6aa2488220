import type { Analysis } from '../../analyze.js'
import type { TensorEntry } from '../../count/count.js'
import { namedModules } from '../../model/module.js'
import type { ModuleNode, TensorDef } from '../../model/module.js'
import { isFloatingDType } from '../../tensor/dtype.js'
import type { DType } from '../../tensor/dtype.js'
import type { Notes, StoredType } from '../basis.js'
import { loraAdapters, loraTensors } from '../lora.js'
import type { LoraAdapter } from '../lora.js'
import type { OptimizerTensor } from '../optimizers/index.js'
import type { MemoryOptions } from '../plan.js'
import type { Resolved } from '../resolve.js'

/** The analysed model as the line builders see it: its tensors, modules and LoRA adapters. */
export interface ModelTensors {
  analysis: Analysis
  params: TensorEntry[]
  buffers: TensorEntry[]
  /** Every module in `named_modules()` order. */
  modules: ReadonlyArray<readonly [string, ModuleNode]>
  /** Class of the module owning each parameter (for formats that quantise linear layers only). */
  moduleType(def: TensorDef): string | undefined
  lora: { adapters: LoraAdapter[]; params: bigint; quantizedBase: boolean } | undefined
  /** The adapters' tensors, which are all the optimizer is given under LoRA. */
  adapterTensors: OptimizerTensor[]
  notes: Notes
}

/** The tensors, modules and LoRA adapters of the analysed model. */
export function modelTensors(analysis: Analysis, options: MemoryOptions, resolved: Resolved, notes: Notes): ModelTensors {
  const modules: ReadonlyArray<readonly [string, ModuleNode]> = Array.isArray(analysis.modules) ? analysis.modules.map((m) => [m.path, m.node] as const) : namedModules(analysis.root)
  let typeOfTensor: Map<TensorDef, string> | undefined
  const moduleType = (def: TensorDef): string | undefined => {
    if (!typeOfTensor) {
      typeOfTensor = new Map()
      for (const [, node] of modules) for (const t of node.params.values()) if (t && !typeOfTensor.has(t)) typeOfTensor.set(t, node.type)
    }
    return typeOfTensor.get(def)
  }
  let lora: ModelTensors['lora']
  let adapterTensors: OptimizerTensor[] = []
  if (options.lora !== undefined && resolved.training) {
    const { adapters, params } = loraAdapters(analysis.root, options.lora, modules)
    adapterTensors = loraTensors(adapters)
    lora = { adapters, params, quantizedBase: options.lora.quantizeBase === true }
  }
  return {
    analysis,
    params: analysis.tensors.filter((t) => t.kind === 'parameter'),
    buffers: analysis.tensors.filter((t) => t.kind === 'buffer'),
    modules,
    moduleType,
    lora,
    adapterTensors,
    notes,
  }
}

/**
 * A tensor kept as its weight file stores it, when no override casts it: a type PyTorch has no dtype for (GGUF
 * `Q4_K`) at its exact bytes; undefined for every other tensor.
 */
export const storedAs = (t: TensorEntry, override: DType | null): StoredType | undefined =>
  (override === null || !isFloatingDType(t.dtype)) && t.def.bytes !== undefined && t.storageType !== undefined ? { type: t.storageType, bytes: t.bytes } : undefined

/** The dtype a float tensor takes under a mode's override. */
export const castTo = (dtype: DType, override: DType | null): DType => (override !== null && isFloatingDType(dtype) ? override : dtype)
