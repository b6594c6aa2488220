import { modelCollections } from '../collections.js'
import type { Interpreter } from '../interpreter.js'
import { timmLayerNamespaces } from './timm-layers.js'
import { NONE, namespace, native } from '../../contract/values.js'
import type { CallableValue, NamespaceValue, Value } from '../../contract/values.js'

const perRun = new WeakMap<Interpreter, Value>()

/**
 * `timm` (`create_model`, `list_models`, `list_modules`, also under `timm.models`): the zoo's namespace, made for
 * each run with the interpreter's module budget; and the helpers model files import from `timm.layers` (also
 * `timm.models.layers`) and `timm.models.registry` (see `timm-layers.ts`).
 */
export function timmModule(): NamespaceValue {
  const member = (name: string): CallableValue =>
    native(`timm.${name}`, (args, span, it) => {
      const ns = runNamespace(it as Interpreter)
      const fn = ns.kind === 'namespace' ? ns.members[name] : undefined
      return fn?.kind === 'callable' ? fn.invoke(args, span, it) : NONE
    })
  const members = { create_model: member('create_model'), list_models: member('list_models'), list_modules: member('list_modules') }
  const { layers, modelsLayers, registry, visionTransformer } = timmLayerNamespaces()
  const models = namespace('timm.models', { ...members, layers: modelsLayers, registry, vision_transformer: visionTransformer, register_model: registry.members['register_model']! }, modelEntrypoint)
  return namespace('timm', { ...members, layers, models })
}

/** The zoo's `timm` namespace of a run, made once with the interpreter's module budget. */
function runNamespace(it: Interpreter): Value {
  let ns = perRun.get(it)
  if (!ns) perRun.set(it, (ns = modelCollections()!.timm(it.budget)))
  return ns
}

/** The names under the zoo's `timm.models`, read once (with a budget of its own: nothing is built to list them). */
let entrypointNames: Value | undefined

/**
 * A model's own function under `timm.models` (`timm.models.resnet50(num_classes=10)`) or its module
 * (`timm.models.resnet.resnet50()`), as timm has them: each call runs the zoo's function with the run's budget.
 */
function modelEntrypoint(name: string): Value | undefined {
  entrypointNames ??= (() => {
    const ns = modelCollections()?.timm({ modules: 0 })
    return ns?.kind === 'namespace' ? ns.members['models'] : undefined
  })()
  const found = entrypointNames?.kind === 'namespace' ? entrypointNames.members[name] : undefined
  const forward = (path: readonly string[]): CallableValue =>
    native(`timm.models.${path.join('.')}`, (args, span, it) => {
      let v: Value | undefined = runNamespace(it as Interpreter)
      for (const part of ['models', ...path]) v = v?.kind === 'namespace' ? v.members[part] : undefined
      return v?.kind === 'callable' ? v.invoke(args, span, it) : NONE
    })
  if (found?.kind === 'callable') return forward([name])
  if (found?.kind === 'namespace') return namespace(`timm.models.${name}`, Object.fromEntries(Object.keys(found.members).map((fn) => [fn, forward([name, fn])])))
  return undefined
}
