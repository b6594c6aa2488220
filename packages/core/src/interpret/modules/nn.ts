import type { LayerDefinition } from '../../layers/define-layer.js'
import { layerClass, moduleClass, parameterDictClass, parameterListClass, registerDefinitions } from '../nn-module.js'
import { raise } from '../exceptions.js'
import { parameterClass } from '../types.js'
import { lazyMember, namespace, native, tuple } from '../../contract/values.js'
import type { NamespaceValue, Value } from '../../contract/values.js'
import { functionalNamespace } from './functional.js'
import { initNamespace } from './init.js'

/** `torch.nn.modules.utils._ntuple(n)`: an int repeated `n` times, an iterable kept as a tuple. */
function ntuple(n: number, name: string): Value {
  return native(`nn.modules.utils.${name}`, (args, span, it) => {
    const v = args[0]?.value
    if (!v) return raise('TypeError', 'missing-argument', `\`${name}\` takes one argument.`, span)
    if (v.kind === 'list' || v.kind === 'tuple' || v.kind === 'iterator' || v.kind === 'range') return tuple([...it!.toArray(v, span)])
    return tuple(Array.from({ length: n }, () => v))
  })
}

/** `torch.nn`: `Module`, `Parameter`, every layer class of the registry, `functional`, `init`. */
export function nnNamespace(layers: readonly LayerDefinition[], models: readonly LayerDefinition[]): NamespaceValue {
  registerDefinitions([...layers, ...models])
  const members: Record<string, Value> = {
    Module: moduleClass.value,
    Parameter: parameterClass.value,
    functional: functionalNamespace(),
    init: initNamespace(),
  }
  // The interpreter's own parameter containers (`append`, `extend`, shared parameters) stand for the registry's.
  members['ParameterList'] = parameterListClass.value
  members['ParameterDict'] = parameterDictClass.value
  const utils = namespace('torch.nn.modules.utils', { _single: ntuple(1, '_single'), _pair: ntuple(2, '_pair'), _triple: ntuple(3, '_triple'), _quadruple: ntuple(4, '_quadruple') })
  members['modules'] = namespace('torch.nn.modules', { utils, Module: moduleClass.value })
  members['parameter'] = namespace('torch.nn.parameter', { Parameter: parameterClass.value })
  const nn = namespace('nn', members)
  // each layer's class is made when a program first names it
  for (const layer of layers) if (!Object.hasOwn(members, layer.name)) lazyMember(nn.members, layer.name, () => layerClass(layer).value)
  return nn
}
