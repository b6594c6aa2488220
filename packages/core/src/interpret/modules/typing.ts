import { newDict } from '../hash.js'
import { FALSE, NONE, namespace, native } from '../../contract/values.js'
import type { NamespaceValue, Value } from '../../contract/values.js'

/** `typing` (and `typing_extensions`): type hints, which construction never uses, so every name is a harmless hint. */
export function typingNamespace(name: string): NamespaceValue {
  const identity = (label: string): Value => native(`${name}.${label}`, (args) => args[0]?.value ?? NONE)
  return namespace(
    name,
    {
      TYPE_CHECKING: FALSE,
      cast: native(`${name}.cast`, (args) => args[1]?.value ?? NONE),
      overload: identity('overload'),
      final: identity('final'),
      no_type_check: identity('no_type_check'),
      runtime_checkable: identity('runtime_checkable'),
      get_type_hints: native(`${name}.get_type_hints`, () => newDict()),
    },
    (member) => ({ kind: 'typehint', name: member }),
  )
}
