import { makeClass } from '../classes.js'
import { objectClass } from '../types.js'
import { NONE, namespace, native } from '../../contract/values.js'
import type { NamespaceValue } from '../../contract/values.js'

/** `abc`: `ABC` as a base class, `ABCMeta` as a metaclass that changes nothing here, `abstractmethod` as a marker. */
export function abcNamespace(): NamespaceValue {
  const abc = makeClass('ABC', [objectClass], { module: 'abc', native: { subclassable: true } })
  const meta = makeClass('ABCMeta', [objectClass], { module: 'abc', native: { subclassable: true } })
  const marker = (name: string) => native(`abc.${name}`, (args) => args[0]?.value ?? NONE)
  return namespace('abc', { ABC: abc.value, ABCMeta: meta.value, abstractmethod: marker('abstractmethod'), abstractproperty: marker('abstractproperty'), abstractclassmethod: marker('abstractclassmethod'), abstractstaticmethod: marker('abstractstaticmethod') })
}
