import type { LayerDefinition } from '../layers/define-layer.js'
import type { ConstructionBudget } from '../model/construct.js'
import type { CallableValue, Value } from '../contract/values.js'

/** What the zoo's `torchvisionNamespace` makes for an interpreter: the contract between the interpreter and the torchvision zoo. */
export interface TorchvisionNamespace {
  /** The `torchvision` value: `models` (with `detection`, `segmentation`, `video`, `optical_flow`, `quantization`, the weights enums, `get_model`, `list_models`, …) and `ops`. */
  torchvision: Value
  /** Names usable without a prefix, as after `from torchvision.models import *` (and the sub-modules, and `torchvision.ops`), where no two modules share them. */
  bare: ReadonlyMap<string, Value>
  /** Layer classes the models build that are not in `torch.nn` (`FrozenBatchNorm2d`, …), for the interpreter's layer lookup. */
  layers: readonly LayerDefinition[]
}

/**
 * The layer definitions of `timm.layers` that the timm zoo builds and model files import by name: one definition of
 * each kind, with timm's constructor arguments, given to the interpreter by the zoo.
 */
export interface TimmLayerDefinitions {
  DropPath: LayerDefinition
  DropBlock2d: LayerDefinition
  LayerScale: LayerDefinition
  LayerScale2d: LayerDefinition
}

/** Makes the callable that builds a module from a layer definition (the interpreter's own binding and construction). */
export type MakeCallable = (qualified: string, definition: LayerDefinition) => CallableValue

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
  /** The layers of `timm.layers` that model files import (`from timm.layers import LayerScale`). */
  timmLayers: TimmLayerDefinitions
}

let provided: ModelCollections | undefined
let load: (() => ModelCollections) | undefined
const listeners: Array<() => void> = []
const loadedListeners: Array<(collections: ModelCollections) => void> = []

/**
 * Makes the model collections available to every later run (called once, by the module that loads them). Given as a
 * function, they are made on first use: a run that never names torchvision, timm or a builder never loads them.
 */
export function provideModelCollections(collections: ModelCollections | (() => ModelCollections)): void {
  if (provided === collections || load === collections) return
  provided = typeof collections === 'function' ? undefined : collections
  load = typeof collections === 'function' ? collections : undefined
  for (const listener of listeners) listener()
  if (provided) for (const listener of loadedListeners) listener(provided)
}

/** The model collections, once provided (made now when they were given as a function). */
export function modelCollections(): ModelCollections | undefined {
  if (provided === undefined && load !== undefined) {
    provided = load()
    load = undefined
    for (const listener of loadedListeners) listener(provided)
  }
  return provided
}

/** Whether model collections have been provided, made or not yet made. */
export function hasModelCollections(): boolean {
  return provided !== undefined || load !== undefined
}

/** Whether model collections were provided as a function that has not been called yet. */
export function modelCollectionsPending(): boolean {
  return load !== undefined
}

/** Runs `listener` when the collections are provided (caches of names drop what they made without them). */
export function onModelCollections(listener: () => void): void {
  listeners.push(listener)
}

/** Runs `listener` with the collections once they are made (on first use when they were given as a function). */
export function onModelCollectionsMade(listener: (collections: ModelCollections) => void): void {
  loadedListeners.push(listener)
}
