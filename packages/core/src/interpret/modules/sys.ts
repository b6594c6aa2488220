import { dictSet, newDict } from '../hash.js'
import type { Importer } from '../imports.js'
import { int, namespace, str, tuple } from '../../contract/values.js'
import type { DictValue, NamespaceValue } from '../../contract/values.js'

/** `sys.modules` as the program sees it when it reads it: every module imported so far, by dotted name. */
function modulesDict(importer: Importer): DictValue {
  const dict = newDict(true)
  for (const [name, module] of importer.modules) dictSet(dict, str(name), module, undefined)
  return dict
}

/**
 * `sys` of one program: `sys.modules` (read when the program reads it, so `sys.modules[__name__]` is the running
 * module, whose attributes `setattr` then sets), `maxsize` and the `version_info` of Python 3.12.
 */
export function sysNamespace(importer: Importer): NamespaceValue {
  return namespace('sys', { maxsize: int(2n ** 63n - 1n), version_info: tuple([int(3), int(12), int(0), str('final'), int(0)]) }, (name) =>
    name === 'modules' ? modulesDict(importer) : undefined,
  )
}
