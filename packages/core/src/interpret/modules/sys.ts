import { dictSet, newDict } from '../hash.js'
import type { Importer } from '../imports.js'
import { int, namespace, native, str, tuple } from '../../contract/values.js'
import type { DictValue, NamespaceValue } from '../../contract/values.js'

/** `sys.modules` as the program sees it when it reads it: every module imported so far, by dotted name. */
function modulesDict(importer: Importer): DictValue {
  const dict = newDict(true)
  for (const [name, module] of importer.modules) dictSet(dict, str(name), module, undefined)
  return dict
}

/**
 * `sys` of one program: `sys.modules` (read when the program reads it, so `sys.modules[__name__]` is the running
 * module, whose attributes `setattr` then sets), `maxsize`, the `version_info` of Python 3.12, `platform` and the
 * encodings (`getdefaultencoding()`, whisper's `utils.py` checks it at import) of a Linux machine.
 */
export function sysNamespace(importer: Importer): NamespaceValue {
  const members = {
    maxsize: int(2n ** 63n - 1n),
    version_info: tuple([int(3), int(12), int(0), str('final'), int(0)]),
    platform: str('linux'),
    byteorder: str('little'),
    getdefaultencoding: native('sys.getdefaultencoding', () => str('utf-8')),
    getfilesystemencoding: native('sys.getfilesystemencoding', () => str('utf-8')),
  }
  return namespace('sys', members, (name) =>
    name === 'modules' ? modulesDict(importer) : undefined,
  )
}
