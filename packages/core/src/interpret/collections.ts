import type { LayerDefinition } from '../layers/define-layer.js'
import type { ConstructionBudget, } from '../model/construct.js'
import type { MakeCallable, TorchvisionNamespace } from '../zoo/torchvision/namespace.js'
import type { Value } from './values.js'

/**
 * The model collections (torchvision's classifiers and namespace, timm's namespace), given to the interpreter by the
 * full analysis (`analyze.ts`), so that the layers alone (`analysis.ts`, a page's first screen) load none of them.
 * Without them, `torchvision` and `timm` are imports nnsize does not model and `resnet50` is an unknown name.
 */
export interface ModelCollections {
  /** The classifiers of `torchvision.models` (`resnet50`). */
  models: readonly LayerDefinition[]
  /** The `torchvision` namespace over these classifiers. */
  torchvision(classification: readonly LayerDefinition[], callable: MakeCallable): TorchvisionNamespace
  /** The `timm` namespace. */
  timm(budget: ConstructionBudget): Value
}

let provided: ModelCollections | undefined
const listeners: Array<() => void> = []

/** Makes the model collections available to every later run (called once, by the module that loads them). */
export function provideModelCollections(collections: ModelCollections): void {
  if (provided === collections) return
  provided = collections
  for (const listener of listeners) listener()
}

/** The model collections, once provided. */
export function modelCollections(): ModelCollections | undefined {
  return provided
}

/** Runs `listener` when the collections are provided (caches of names drop what they made without them). */
export function onModelCollections(listener: () => void): void {
  listeners.push(listener)
}
