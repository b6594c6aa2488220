import type { ModelCollections, TorchvisionNamespace } from '../collections.js'
import { constructLayerValue, registerDefinitions } from '../nn-module.js'
import { native } from '../../contract/values.js'
import { callingInterpreter } from '../interpreter.js'

const made = new WeakMap<ModelCollections, TorchvisionNamespace>()

/**
 * `torchvision` as torchvision 0.28 has it (`models` with its sub-modules, weights enums and `get_model`, `ops`),
 * built by the zoo's namespace function with builders that construct through the interpreter; also the names
 * usable bare, as after `from torchvision.models import *`. Made once.
 */
export function torchvisionModule(collections: ModelCollections): TorchvisionNamespace {
  let tv = made.get(collections)
  if (!tv) {
    tv = collections.torchvision(collections.models, (qualified, definition) => native(qualified, (args, span, it) => constructLayerValue((it ?? callingInterpreter())!, definition, qualified, args, span)))
    registerDefinitions(tv.layers)
    made.set(collections, tv)
  }
  return tv
}
