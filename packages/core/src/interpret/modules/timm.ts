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
      let ns = perRun.get(it!)
      if (!ns) perRun.set(it!, (ns = modelCollections()!.timm(it!.budget)))
      const fn = ns.kind === 'namespace' ? ns.members[name] : undefined
      return fn?.kind === 'callable' ? fn.invoke(args, span, it) : NONE
    })
  const members = { create_model: member('create_model'), list_models: member('list_models'), list_modules: member('list_modules') }
  const { layers, modelsLayers, registry, visionTransformer } = timmLayerNamespaces()
  const models = namespace('timm.models', { ...members, layers: modelsLayers, registry, vision_transformer: visionTransformer, register_model: registry.members['register_model']! })
  return namespace('timm', { ...members, layers, models })
}
