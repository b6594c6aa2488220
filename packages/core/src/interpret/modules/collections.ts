import { raise } from '../exceptions.js'
import { dictSet, newDict } from '../hash.js'
import { updateDict } from '../methods.js'
import { defaultDictClass, dictClass, objectClass, orderedDictClass } from '../types.js'
import { makeClass } from '../classes.js'
import { NONE, namespace, native, str, tuple, typeName } from '../../contract/values.js'
import type { ArgValue, NamespaceValue, Value } from '../../contract/values.js'
import type { SourceSpan } from '../../errors.js'

/** `collections`: `OrderedDict`, `defaultdict`, `namedtuple`, and `collections.abc`'s names as type hints. */
export function collectionsNamespace(): NamespaceValue {
  orderedDictClass.native = {
    subclassable: false,
    call: (args, span, it) => {
      const out = newDict(true)
      for (const a of args) {
        if (a.name === undefined) updateDict(it, out, a.value, span)
        else dictSet(out, str(a.name), a.value, span)
      }
      return out
    },
  }
  defaultDictClass.native = {
    subclassable: false,
    call: (args, span, it) => {
      const out = newDict()
      const factory = args[0]?.name === undefined ? args[0]?.value : undefined
      if (factory && factory.kind !== 'none') out.defaultFactory = factory
      for (const a of args.slice(factory ? 1 : 0)) {
        if (a.name === undefined) updateDict(it, out, a.value, span)
        else dictSet(out, str(a.name), a.value, span)
      }
      return out
    },
  }
  const namedtuple = native('collections.namedtuple', (args, span) => {
    const typename = args[0]?.value
    const fieldsValue = args[1]?.value ?? args.find((a) => a.name === 'field_names')?.value
    if (typename?.kind !== 'str') return raise('TypeError', 'argument-type', '`namedtuple` needs a type name.', span)
    let fields: string[]
    if (fieldsValue?.kind === 'str') fields = fieldsValue.value.replace(/,/g, ' ').split(/\s+/).filter((f) => f !== '')
    else if (fieldsValue?.kind === 'list' || fieldsValue?.kind === 'tuple') fields = fieldsValue.items.map((f) => (f.kind === 'str' ? f.value : raise('TypeError', 'argument-type', 'Field names must be strings.', span)))
    else return raise('TypeError', 'argument-type', `\`namedtuple\` field names must be a string or a list, got ${fieldsValue ? typeName(fieldsValue) : 'nothing'}.`, span)
    const defaultsValue = args.find((a) => a.name === 'defaults')?.value
    const given = defaultsValue && defaultsValue.kind !== 'none' ? (defaultsValue as { items?: Value[] }).items ?? [] : []
    const construct = (callArgs: readonly ArgValue[], callSpan: SourceSpan): Value => {
      // The defaults are those of `__new__` when called: a program may set `T.__new__.__defaults__` afterwards.
      const current = newFunction.members!['__defaults__']!
      const defaults = current.kind === 'tuple' ? current.items : []
      const items: Array<Value | undefined> = new Array(fields.length).fill(undefined)
      let i = 0
      for (const a of callArgs) {
        const at = a.name === undefined ? i++ : fields.indexOf(a.name)
        if (at < 0 || at >= fields.length) raise('TypeError', 'unknown-argument', `\`${typename.value}()\` got an unexpected argument.`, a.span)
        items[at] = a.value
      }
      const firstDefault = fields.length - defaults.length
      const filled = items.map((v, k) => v ?? (k >= firstDefault ? defaults[k - firstDefault]! : raise('TypeError', 'missing-argument', `\`${typename.value}()\` is missing \`${fields[k]}\`.`, callSpan)))
      return tuple(filled, fields)
    }
    // `T.__new__(T, ...)`, with `__defaults__` that a program can read and set.
    const newFunction = native(`${typename.value}.__new__`, (callArgs, callSpan) => construct(callArgs.slice(1), callSpan), { members: { __defaults__: given.length > 0 ? tuple([...given]) : NONE } })
    const cls = makeClass(typename.value, [objectClass], {
      module: 'collections',
      native: { subclassable: false, call: (callArgs, callSpan) => construct(callArgs, callSpan) },
    })
    cls.dict.set('__new__', newFunction)
    cls.dict.set('_fields', tuple(fields.map(str)))
    return cls.value
  })
  const abc = namespace('collections.abc', {}, (name) => ({ kind: 'typehint', name: `collections.abc.${name}` }))
  void dictClass
  return namespace('collections', { OrderedDict: orderedDictClass.value, defaultdict: defaultDictClass.value, namedtuple, abc })
}
