import type { LayerDefinition } from '../../layers/define-layer.js'
import { constructLayerValue } from '../nn-module.js'
import { namespace, native } from '../values.js'
import type { NamespaceValue, Value } from '../values.js'

/** `torchvision`: `torchvision.models.<builder>` for every model of the registry; the rest (datasets, transforms) is not read. */
export function torchvisionNamespace(models: readonly LayerDefinition[]): NamespaceValue {
  const builders: Record<string, Value> = {}
  for (const model of models) {
    const qualified = `torchvision.models.${model.name}`
    builders[model.name] = native(qualified, (args, span, it) => constructLayerValue(it!, model, qualified, args, span))
  }
  return namespace('torchvision', { models: namespace('torchvision.models', builders) })
}
