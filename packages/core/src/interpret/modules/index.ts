import { layers } from '../../layers/index.js'
import { hasModelCollections, modelCollections, onModelCollections, onModelCollectionsMade } from '../collections.js'
import { registerDefinitions } from '../nn-module.js'
import type { Value } from '../../contract/values.js'
import { namespace } from '../../contract/values.js'
import { abcNamespace } from './abc.js'
import { argparseNamespace } from './argparse.js'
import { collectionsNamespace } from './collections.js'
import { copyNamespace } from './copy.js'
import { dataclassesNamespace } from './dataclasses.js'
import { einopsNamespace } from './einops.js'
import { functoolsNamespace } from './functools.js'
import { inspectNamespace } from './inspect.js'
import { itertoolsNamespace } from './itertools.js'
import { mathNamespace } from './math.js'
import { numpyNamespace } from './numpy.js'
import { packagingNamespace } from './packaging.js'
import { reNamespace } from './re.js'
import { torchNamespace } from './torch.js'
import { torchvisionModule } from './torchvision.js'
import { timmModule } from './timm.js'
import { typingNamespace } from './typing.js'
import { warningsNamespace } from './warnings.js'

/** How each library module nnsize models is made: once, on first import. */
const builders: Record<string, () => Value | undefined> = {
  torch: () => torchNamespace(layers, []),
  torchvision: () => {
    const collections = modelCollections()
    return collections && torchvisionModule(collections).torchvision
  },
  timm: () => (hasModelCollections() ? timmModule() : undefined),
  math: mathNamespace,
  // made on first import (numpy's arrays are a bundle of their own in the command line)
  numpy: () => numpyNamespace(),
  collections: collectionsNamespace,
  functools: functoolsNamespace,
  typing: () => typingNamespace('typing'),
  typing_extensions: () => typingNamespace('typing_extensions'),
  dataclasses: dataclassesNamespace,
  itertools: itertoolsNamespace,
  inspect: inspectNamespace,
  einops: einopsNamespace,
  copy: copyNamespace,
  abc: abcNamespace,
  argparse: argparseNamespace,
  warnings: warningsNamespace,
  packaging: packagingNamespace,
  re: reNamespace,
  __future__: () => namespace('__future__', {}, (name) => ({ kind: 'typehint', name })),
}

/**
 * Library modules nnsize models only in part (`numpy`: scalar math on Python numbers): a name they do not list is
 * the library's own, a placeholder of the import that is an error only when construction uses it.
 */
export const partialLibraries: ReadonlySet<string> = new Set(['numpy'])

const made = new Map<string, Value>()

onModelCollections(() => {
  made.delete('torchvision')
  made.delete('timm')
})
onModelCollectionsMade((collections) => registerDefinitions(collections.models))

/**
 * A library module by dotted name (`torch.nn.functional`), or undefined when nnsize does not model
 * it. Submodules are the members of their parents (`torch.nn` is `torch`'s `nn`).
 */
export function libraryModule(name: string): Value | undefined {
  const [top, ...rest] = name.split('.')
  const builder = Object.hasOwn(builders, top!) ? builders[top!] : undefined
  if (!builder) return undefined
  let value = made.get(top!)
  if (!value) {
    value = builder()
    if (!value) return undefined
    made.set(top!, value)
  }
  for (const part of rest) {
    if (value.kind !== 'namespace' || !Object.hasOwn(value.members, part)) return undefined
    value = value.members[part]!
  }
  return value
}
