import { makeClass } from './classes.js'
import type { NativeClass, PyClass } from './classes.js'

/** Native behaviour not yet attached (builtins.ts attaches `call` to the types it constructs). */
function nativeOf(subclassable: boolean): NativeClass {
  return { subclassable }
}

function builtin(name: string, bases: PyClass[], subclassable = false, module = 'builtins'): PyClass {
  return makeClass(name, bases, { module, native: nativeOf(subclassable) })
}

/** `object`: the root of every class. */
export const objectClass = builtin('object', [], true)
/** `type`. */
export const typeClass = builtin('type', [objectClass])
/** `int`. */
export const intClass = builtin('int', [objectClass])
/** `bool` (a subclass of `int`, as in Python). */
export const boolClass = builtin('bool', [intClass])
/** `float`. */
export const floatClass = builtin('float', [objectClass])
/** `complex`. */
export const complexClass = builtin('complex', [objectClass])
/** `str`. */
export const strClass = builtin('str', [objectClass])
/** `bytes`. */
export const bytesClass = builtin('bytes', [objectClass])
/** `list`. */
export const listClass = builtin('list', [objectClass])
/** `tuple`. */
export const tupleClass = builtin('tuple', [objectClass])
/** `torch.Size`: the tuple a tensor's shape is (`x.shape`, `x.size()`), printed `torch.Size([2, 3])`; torch.ts attaches its call. */
export const sizeClass = builtin('Size', [tupleClass], false, 'torch')
/** `dict`. */
export const dictClass = builtin('dict', [objectClass])
/** `collections.OrderedDict`. */
export const orderedDictClass = builtin('OrderedDict', [dictClass], false, 'collections')
/** `collections.defaultdict`. */
export const defaultDictClass = builtin('defaultdict', [dictClass], false, 'collections')
/** `set`. */
export const setClass = builtin('set', [objectClass])
/** `frozenset`. */
export const frozensetClass = builtin('frozenset', [objectClass])
/** `NoneType`. */
export const noneClass = builtin('NoneType', [objectClass])
/** The type of functions, methods and builtins. */
export const functionClass = builtin('function', [objectClass])
/** `range`. */
export const rangeClass = builtin('range', [objectClass])
/** `slice`. */
export const sliceClass = builtin('slice', [objectClass])
/** Iterators and generators. */
export const iteratorClass = builtin('iterator', [objectClass])
/** The type of modules (`types.ModuleType`). */
export const moduleTypeClass = builtin('module', [objectClass])
/** `types.EllipsisType`. */
export const ellipsisClass = builtin('ellipsis', [objectClass])

/** `torch.Tensor`. */
export const tensorClass = builtin('Tensor', [objectClass], false, 'torch')
/** `torch.nn.Parameter` (a subclass of `torch.Tensor`). */
export const parameterClass = builtin('Parameter', [tensorClass], false, 'torch.nn.parameter')
/** `torch.dtype`. */
export const dtypeClass = builtin('dtype', [objectClass], false, 'torch')
/** `torch.device`. */
export const deviceClass = builtin('device', [objectClass], false, 'torch')

/** `BaseException` and the exceptions model code raises or catches, in Python's hierarchy. */
export const baseExceptionClass = makeException('BaseException', objectClass)
export const exceptionClass = makeException('Exception', baseExceptionClass)
const arithmeticError = makeException('ArithmeticError', exceptionClass)
const lookupError = makeException('LookupError', exceptionClass)
const runtimeError = makeException('RuntimeError', exceptionClass)
const nameError = makeException('NameError', exceptionClass)
const importError = makeException('ImportError', exceptionClass)
const warning = makeException('Warning', exceptionClass)
const osError = makeException('OSError', exceptionClass)

/** Built-in exception classes by name (the names the `builtins` module exposes). */
export const exceptionClasses: ReadonlyMap<string, PyClass> = new Map(
  [
    baseExceptionClass,
    exceptionClass,
    arithmeticError,
    lookupError,
    runtimeError,
    nameError,
    importError,
    warning,
    osError,
    makeException('ZeroDivisionError', arithmeticError),
    makeException('OverflowError', arithmeticError),
    makeException('KeyError', lookupError),
    makeException('IndexError', lookupError),
    makeException('ValueError', exceptionClass),
    makeException('TypeError', exceptionClass),
    makeException('AttributeError', exceptionClass),
    makeException('AssertionError', exceptionClass),
    makeException('NotImplementedError', runtimeError),
    makeException('RecursionError', runtimeError),
    makeException('UnboundLocalError', nameError),
    makeException('ModuleNotFoundError', importError),
    makeException('StopIteration', exceptionClass),
    makeException('KeyboardInterrupt', baseExceptionClass),
    makeException('SystemExit', baseExceptionClass),
    makeException('FileNotFoundError', osError),
    makeException('UserWarning', warning),
    makeException('DeprecationWarning', warning),
    makeException('FutureWarning', warning),
    makeException('RuntimeWarning', warning),
  ].map((c) => [c.name, c]),
)

function makeException(name: string, base: PyClass): PyClass {
  const cls = makeClass(name, [base], { module: 'builtins', native: nativeOf(true) })
  cls.isException = true
  return cls
}

/** A built-in exception class by name (`KeyError`). */
export function exceptionClassNamed(name: string): PyClass {
  const cls = exceptionClasses.get(name)
  if (!cls) throw new Error(`internal: no exception class ${name}`)
  return cls
}

/** The built-in types the `builtins` module names (`int`, `list`, …), by name. */
export const builtinTypes: ReadonlyMap<string, PyClass> = new Map(
  [objectClass, typeClass, intClass, boolClass, floatClass, complexClass, strClass, bytesClass, listClass, tupleClass, dictClass, setClass, frozensetClass, rangeClass, sliceClass].map((c) => [c.name, c]),
)
