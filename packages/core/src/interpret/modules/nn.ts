import type { LayerDefinition } from '../../layers/define-layer.js'
import { layerClass, moduleClass, parameterDictClass, parameterListClass, registerDefinitions } from '../nn-module.js'
import { parameterClass } from '../types.js'
import { lazyMember, namespace } from '../../contract/values.js'
import type { NamespaceValue, Value } from '../../contract/values.js'
import { functionalNamespace } from './functional.js'
import { initNamespace } from './init.js'
import { ntupleFunction } from './ntuple.js'
import { nnUtilsNamespace } from './nn-utils.js'

/** `torch.nn.modules.utils._single` … `_quadruple`: PyTorch's `_ntuple(n)`, which takes a string as an iterable. */
const utility = (n: number, name: string): Value => ntupleFunction(n, `nn.modules.utils.${name}`, name, 'iterate')

/** The files of PyTorch 2.13's `torch/nn/modules/`. */
const torchNnModuleFiles = ['activation', 'adaptive', 'batchnorm', 'channelshuffle', 'container', 'conv', 'distance', 'dropout', 'flatten', 'fold', 'instancenorm', 'lazy', 'linear', 'loss', 'module', 'normalization', 'padding', 'pixelshuffle', 'pooling', 'rnn', 'sparse', 'transformer', 'upsampling', 'utils']

/** `torch.nn`: `Module`, `Parameter`, every layer class of the registry, `functional`, `init`, `utils`. */
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
  const utils = namespace('torch.nn.modules.utils', { _single: utility(1, '_single'), _pair: utility(2, '_pair'), _triple: utility(3, '_triple'), _quadruple: utility(4, '_quadruple') })
  members['parameter'] = namespace('torch.nn.parameter', { Parameter: parameterClass.value })
  const nn = namespace('nn', members)
  // `torch.nn.modules.<file>` (`from torch.nn.modules.module import Module`, `from torch.nn.modules.conv import
  // Conv2d`): the module files of PyTorch 2.13, each giving nn's classes by name.
  const files: Record<string, Value> = { utils, module: namespace('torch.nn.modules.module', { Module: moduleClass.value }) }
  for (const file of torchNnModuleFiles) if (!Object.hasOwn(files, file)) files[file] = namespace(`torch.nn.modules.${file}`, {}, (name) => (name === 'Module' ? moduleClass.value : nn.members[name]))
  members['modules'] = namespace('torch.nn.modules', { ...files, Module: moduleClass.value }, (name) => nn.members[name])
  nn.members['modules'] = members['modules']
  lazyMember(nn.members, 'utils', () => nnUtilsNamespace())
  // each layer's class is made when a program first names it
  for (const layer of layers) if (!Object.hasOwn(members, layer.name)) lazyMember(nn.members, layer.name, () => layerClass(layer).value)
  return nn
}
