import { bool, namespace, native } from '../../contract/values.js'
import type { NamespaceValue } from '../../contract/values.js'

/** `inspect`, the harmless part: what kind of object a value is. */
export function inspectNamespace(): NamespaceValue {
  return namespace('inspect', {
    isclass: native('inspect.isclass', (args) => bool(args[0]?.value.kind === 'class')),
    isfunction: native('inspect.isfunction', (args) => bool(args[0]?.value.kind === 'function')),
    ismethod: native('inspect.ismethod', (args) => bool(args[0]?.value.kind === 'method')),
    isbuiltin: native('inspect.isbuiltin', (args) => bool(args[0]?.value.kind === 'callable')),
    isroutine: native('inspect.isroutine', (args) => bool(['function', 'method', 'callable'].includes(args[0]?.value.kind ?? ''))),
    ismodule: native('inspect.ismodule', (args) => bool(args[0]?.value.kind === 'namespace' || args[0]?.value.kind === 'pymodule')),
  })
}
