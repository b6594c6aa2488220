import type { SourceSpan } from '../errors.js'
import type { FunctionDef, Lambda, AsyncFunctionDef } from '../python/ast.js'
import type { DType } from '../tensor/dtype.js'
import type { Tensor as TraceTensor } from './forward.js'
import type { ModuleNode, TensorDef } from './module.js'

/**
 * A Python class as a value names it. The interpreter declares the rest of it (bases, MRO, namespace, native
 * behaviour) in `interpret/classes.ts` by merging into this interface, so that the shape of values needs no
 * import of the interpreter.
 */
export interface PyClass {
  name: string
  qualname: string
}

/** The scope a Python function closes over: the interpreter's `Frame`, declared by merging in `interpret/scope.ts`. */
// biome-ignore lint/suspicious/noEmptyInterface: interpret/scope.ts declares its members by merging
export interface Closure {}

/** The interpreter as a native function receives it: its `Interpreter`, declared by merging in `interpret/interpreter.ts`. */
// biome-ignore lint/suspicious/noEmptyInterface: interpret/interpreter.ts declares its members by merging
export interface Runtime {}

/** One argument passed to a callable, already evaluated. */
export interface ArgValue {
  /** Keyword name, absent for positional arguments. */
  name?: string | undefined
  value: Value
  /** Span of the whole argument (`bias=False`). */
  span: SourceSpan
  /** Span of the value alone. */
  valueSpan: SourceSpan
}

/**
 * A function written in TypeScript that Python code can call: a layer's class method, a builtin, a
 * library function, a method bound to its object. `interpreter` is passed by the interpreter for the
 * functions that call back into Python (`map`, `sorted(key=…)`, `Module.apply`); functions that do not
 * need it ignore it.
 */
export interface CallableValue {
  kind: 'callable'
  /** Qualified name for messages (`nn.Conv2d`, `range`). */
  name: string
  invoke(args: ArgValue[], span: SourceSpan, interpreter?: Runtime): Value
  /** Attributes reachable with `.` (e.g. `nn.Embedding.from_pretrained`). */
  members?: Record<string, Value>
  /** For activation functions passed as values (`F.gelu`): their PyTorch name. */
  activation?: string
  /**
   * A method of a built-in class (`nn.Module.parameters`): looked up on an instance it binds the
   * instance as its first argument, as a Python function would. Other natives (`F.relu` kept as a
   * class attribute) are returned as they are, as CPython does for builtin functions.
   */
  binds?: boolean
}

/** A dict: entries in insertion order, found by {@link hashKey} through `index` (kept by the functions of `dicts.ts`). */
export interface DictValue {
  kind: 'dict'
  entries: Array<[Value, Value]>
  /** An `OrderedDict` (also what `nn.Sequential` needs to name its children). */
  ordered?: boolean
  /** Position of each key in `entries`, by {@link hashKey}; rebuilt when missing or stale. */
  index?: Map<unknown, number>
  /** `defaultdict`'s factory, called for a missing key. */
  defaultFactory?: Value
  /** The class derived from `dict` this dict is an instance of (`class AttrDict(dict)`); absent for a plain dict. */
  cls?: PyClass
  /** The attributes set on an instance of a class derived from `dict` or `list` (its `__dict__`; the dict itself after `self.__dict__ = self`). */
  attrs?: DictValue
}

/** A set or frozenset: values by {@link hashKey}, in insertion order. */
export interface SetValue {
  kind: 'set'
  items: Map<unknown, Value>
  frozen: boolean
}

/**
 * The values of a small tensor computed while the model is built from known numbers (`torch.linspace(0, 0.1, 4)`),
 * in row-major order as the dtype holds them (float32 values rounded to float32). `storage` is shared with the views
 * made of it, and an in-place write to any of them marks it `written`: the values are then no longer known.
 */
export interface KnownValues {
  /** The values, or undefined for a view whose values are not computed (it still shares `storage`). */
  readonly values: readonly number[] | undefined
  readonly storage: { written: boolean }
}

/**
 * A tensor during construction: a shape and a dtype, and the values only of small tensors made from known numbers
 * ({@link KnownValues}). A parameter or a registered buffer
 * is backed by its {@link TensorDef} (`def`), and then the def is the truth: one def has one value
 * object ({@link tensorOf}), so identity (`is`, tying by assignment) is JavaScript identity.
 * `trace` is the forward pass's tensor (shape, dtype, storage) when the same object flows through a
 * traced `forward`.
 */
export class TensorValue {
  readonly kind = 'tensor'
  #shape: number[]
  #dtype: DType
  #requiresGrad: boolean
  /** The parameter or buffer this tensor is, once it is one. */
  def: TensorDef | undefined
  /** The tensor of the forward trace this value stands for, during a traced forward. */
  trace: TraceTensor | undefined
  /** Its values, when known (see {@link KnownValues}). */
  known: KnownValues | undefined
  /**
   * True for a numpy array (`np.arange(4)`), which follows numpy's rules (float64 defaults, numpy's type promotion,
   * `interpret/modules/numpy-array.ts`) rather than PyTorch's; `torch.from_numpy` makes a tensor of it.
   */
  ndarray = false

  constructor(shape: number[], dtype: DType, requiresGrad = false, def?: TensorDef, trace?: TraceTensor) {
    this.#shape = shape
    this.#dtype = dtype
    this.#requiresGrad = requiresGrad
    this.def = def
    this.trace = trace
  }

  get shape(): number[] {
    return this.def ? this.def.shape : this.#shape
  }
  set shape(shape: number[]) {
    if (this.def) this.def.shape = shape
    else this.#shape = shape
  }
  get dtype(): DType {
    return this.def ? this.def.dtype : this.#dtype
  }
  set dtype(dtype: DType) {
    if (this.def) this.def.dtype = dtype
    else this.#dtype = dtype
  }
  get requiresGrad(): boolean {
    return this.def ? this.def.requiresGrad : this.#requiresGrad
  }
  set requiresGrad(value: boolean) {
    if (this.def) this.def.requiresGrad = value
    else this.#requiresGrad = value
  }
  /** True for an `nn.Parameter`. */
  get isParameter(): boolean {
    return this.def?.kind === 'parameter'
  }
}

/** A numpy array: a {@link TensorValue} with numpy's rules (`interpret/modules/numpy-array.ts`). */
export type NdarrayValue = TensorValue & { ndarray: true }

/** True for a numpy array (not a torch tensor). */
export function isNdarray(v: Value | undefined): v is NdarrayValue {
  return v?.kind === 'tensor' && v.ndarray
}

const tensorOfDef = new WeakMap<TensorDef, TensorValue>()

/** The one value object of a parameter or buffer. */
export function tensorOf(def: TensorDef): TensorValue {
  let value = tensorOfDef.get(def)
  if (!value) {
    value = new TensorValue(def.shape, def.dtype, def.requiresGrad, def)
    tensorOfDef.set(def, value)
  }
  return value
}

/** Makes `value` the value object of `def` (a plain tensor registered as a buffer keeps its identity). */
export function bindTensorDef(value: TensorValue, def: TensorDef): void {
  value.def = def
  tensorOfDef.set(def, value)
}

/** A function written in Python: a `def` or a `lambda`, with the scope it closes over and its defaults. */
export interface FunctionValue {
  kind: 'function'
  name: string
  qualname: string
  node: FunctionDef | AsyncFunctionDef | Lambda
  /** The file it was defined in (for spans). */
  file: string | undefined
  /** The module globals it reads. */
  globals: Map<string, Value>
  /** The enclosing function frame (for closures), or undefined at module level. */
  closure: Closure | undefined
  /** Default values of positional parameters (for the last ones), evaluated at `def` time. */
  defaults: Value[]
  /** Default values of keyword-only parameters by name. */
  kwDefaults: Map<string, Value>
  /** Attributes set on the function (`fn.__name__`, `functools.wraps`). */
  attrs?: Map<string, Value>
  /** The module it was defined in (`__module__`). */
  module: string
  /** For functions defined in a class body: that class, once made (`super()` without arguments). */
  classCell?: { cls?: PyClass } | undefined
}

/** What a function's body declares, computed once per definition node. */
export interface FunctionInfo {
  locals: Set<string>
  globals: Set<string>
  nonlocals: Set<string>
  /** The body contains `yield`: calling it runs the body and returns an iterator over what it yielded. */
  generator: boolean
}

/** A class: one object per class (`cls.value`). */
export interface ClassValue {
  kind: 'class'
  cls: PyClass
}

/** An instance of a class that is not an `nn.Module` (configs, dataclasses, exceptions). Attributes live in `dict`. */
export interface InstanceValue {
  kind: 'instance'
  cls: PyClass
  dict: DictValue
  /** What a native class keeps (an exception's `args`, a `partial`'s function). */
  native?: unknown
}

/** A function bound to the object it was looked up on (`self.fc.forward`, `cls.from_args`). */
export interface MethodValue {
  kind: 'method'
  self: Value
  fn: Value
}

/** `staticmethod(f)`, `classmethod(f)` or `property(fget, fset)` as a class attribute holds it. */
export interface DescriptorValue {
  kind: 'descriptor'
  type: 'staticmethod' | 'classmethod' | 'property'
  fn: Value
  setter?: Value | undefined
}

/** `super()` / `super(Cls, self)`: attribute lookup starts after `cls` in the MRO of `self`'s class. */
export interface SuperValue {
  kind: 'super'
  cls: PyClass
  self: Value
}

/** `range(start, stop, step)`, lazy: iterating it creates one int at a time. */
export interface RangeValue {
  kind: 'range'
  start: bigint
  stop: bigint
  step: bigint
}

/** `a:b:c` in a subscript, or `slice(a, b, c)`. */
export interface SliceValue {
  kind: 'slice'
  start: Value
  stop: Value
  step: Value
}

/** An iterator (a generator expression, `iter(x)`, `zip`, `map`…): `next` gives the next value or undefined at the end. */
export interface IteratorValue {
  kind: 'iterator'
  name: string
  next(): Value | undefined
}

/**
 * A value nnsize does not model: a name from an import it does not read (`numpy`, `argparse`), or a
 * library attribute it does not know (`torch.fft`). Taking its attributes or calling it gives another
 * placeholder, so that code which only prepares what construction never uses (argument parsers,
 * loggers) runs; using it for anything else (a condition, arithmetic, an argument of a layer) raises
 * `error()`.
 */
export interface PlaceholderValue {
  kind: 'placeholder'
  /** The dotted name as written (`np.zeros`, `torch.fft.rfft`). */
  name: string
  /** Why it is a placeholder: the import that made it, or the attribute that is missing. */
  reason: PlaceholderReason
}

/** Where a placeholder came from. */
export type PlaceholderReason =
  | { type: 'import'; module: string; span: SourceSpan }
  | { type: 'attribute'; owner: string; attribute: string; suggestions: readonly string[]; span: SourceSpan }
  | { type: 'class'; base: PlaceholderValue }

/** A type hint from `typing` (`Optional[int]`, `List`, `TypeVar('T')`): subscriptable, callable, never used by construction. */
export interface TypeHintValue {
  kind: 'typehint'
  name: string
  /** What it was subscripted with (`Literal['relu', 'gelu']`), for `typing.get_args` and `get_origin`. */
  args?: readonly Value[]
  /** The hint it was subscripted from. */
  origin?: Value
}

/**
 * A library module nnsize models (`torch`, `math`): its members by name. `fallback` answers names it
 * does not list (`typing` answers every name with a type hint); without it a missing name is a
 * placeholder that raises when used.
 */
export interface NamespaceValue {
  kind: 'namespace'
  name: string
  members: Record<string, Value>
  fallback?: (name: string) => Value | undefined
}

/** A user Python module (a file of the program), with its globals. */
export interface PyModuleValue {
  kind: 'pymodule'
  name: string
  file: string | undefined
  globals: Map<string, Value>
}

/**
 * The numpy scalar type of a number a numpy function gave (`np.log(n)` is a `numpy.float64`, a subclass of `float`;
 * `.astype('int')` of it a `numpy.int64`), which has numpy's methods (`item`, `astype`). Arithmetic on it gives
 * Python numbers of the same value.
 */
export type NumpyScalarType = 'float64' | 'float32' | 'int64' | 'int32'

/** Runtime values of the interpreter. Python `int`s are exact (`bigint`). */
export type Value =
  | { kind: 'int'; value: bigint; numpy?: NumpyScalarType }
  | { kind: 'float'; value: number; numpy?: NumpyScalarType }
  | { kind: 'bool'; value: boolean }
  | { kind: 'none' }
  | { kind: 'str'; value: string }
  | { kind: 'tuple'; items: Value[]; fields?: readonly string[]; cls?: PyClass }
  // `cls` and `attrs`: an instance of a class derived from `list`, as for a dict (see DictValue)
  | { kind: 'list'; items: Value[]; cls?: PyClass; attrs?: DictValue }
  | DictValue
  | { kind: 'module'; module: ModuleNode }
  | { kind: 'dtype'; dtype: DType }
  | { kind: 'device'; name: string }
  | TensorValue
  | NamespaceValue
  | CallableValue
  | SetValue
  | FunctionValue
  | ClassValue
  | InstanceValue
  | MethodValue
  | DescriptorValue
  | SuperValue
  | RangeValue
  | SliceValue
  | IteratorValue
  | PlaceholderValue
  | TypeHintValue
  | PyModuleValue
  | { kind: 'ellipsis' }
  | { kind: 'complex'; real: number; imag: number }
  | { kind: 'bytes'; value: Uint8Array }

/** The value of one kind. */
export type ValueOf<K extends Value['kind']> = Extract<Value, { kind: K }>

/** `None`, `True`, `False`, `...`: one object each. */
export const NONE: Value = Object.freeze({ kind: 'none' })
export const TRUE: Value = Object.freeze({ kind: 'bool', value: true })
export const FALSE: Value = Object.freeze({ kind: 'bool', value: false })
export const ELLIPSIS_VALUE: Value = Object.freeze({ kind: 'ellipsis' })

/** The shared values of the ints -5 to 256, as CPython shares them, each made when first used. */
const smallInts: Array<Value | undefined> = new Array<Value | undefined>(262).fill(undefined)

function smallInt(value: number): Value {
  return (smallInts[value + 5] ??= Object.freeze({ kind: 'int', value: BigInt(value) }))
}

/** An `int` value (small ones shared). */
export function int(value: bigint | number): Value {
  if (typeof value === 'number') return value >= -5 && value <= 256 ? smallInt(value) : { kind: 'int', value: BigInt(value) }
  if (value >= -5n && value <= 256n) return smallInt(Number(value))
  return { kind: 'int', value }
}

/** A `float` value. */
export function float(value: number): Value {
  return { kind: 'float', value }
}

/** A `bool` value. */
export function bool(value: boolean): Value {
  return value ? TRUE : FALSE
}

/** A `str` value. */
export function str(value: string): Value {
  return { kind: 'str', value }
}

/**
 * A `tuple` value; with `fields`, a named tuple (`collections.namedtuple`, `torch.return_types.max`); with `cls` too,
 * an instance of that namedtuple class (or of a class derived from it): `type(x)` is `cls`, whose attributes it has.
 */
export function tuple(items: Value[], fields?: readonly string[], cls?: PyClass): Value {
  if (cls) return { kind: 'tuple', items, fields: fields ?? [], cls }
  return fields ? { kind: 'tuple', items, fields } : { kind: 'tuple', items }
}

/** A `list` value. */
export function list(items: Value[]): Value {
  return { kind: 'list', items }
}

/** A native function. */
export function native(name: string, invoke: CallableValue['invoke'], extra: Partial<CallableValue> = {}): CallableValue {
  return { kind: 'callable', name, invoke, ...extra }
}

/** A library module (`torch`, `math`): its members by name, with a null prototype so that `constructor` is a plain name. */
export function namespace(name: string, members: Record<string, Value>, fallback?: (name: string) => Value | undefined): NamespaceValue {
  const safe: Record<string, Value> = Object.create(null) as Record<string, Value>
  for (const key of Object.keys(members)) safe[key] = members[key]!
  return fallback ? { kind: 'namespace', name, members: safe, fallback } : { kind: 'namespace', name, members: safe }
}

/**
 * Adds `name` to a namespace's members as a value made on first read, then kept (an assignment replaces it): a
 * namespace of many classes (`torch.nn`'s layers) then costs nothing for the names a program never reads.
 */
export function lazyMember(members: Record<string, Value>, name: string, make: () => Value): void {
  const keep = (value: Value): Value => {
    Object.defineProperty(members, name, { value, writable: true, enumerable: true, configurable: true })
    return value
  }
  Object.defineProperty(members, name, { get: () => keep(make()), set: keep, enumerable: true, configurable: true })
}

/** Python's name for a value's type, for error messages. */
export function typeName(value: Value): string {
  switch (value.kind) {
    case 'int':
      return 'int'
    case 'float':
      return 'float'
    case 'bool':
      return 'bool'
    case 'none':
      return 'None'
    case 'str':
      return 'str'
    case 'tuple':
      return 'tuple'
    case 'list':
      return value.cls?.name ?? 'list'
    case 'dict':
      return value.cls?.name ?? (value.ordered ? 'OrderedDict' : 'dict')
    case 'module':
      return value.module.type
    case 'dtype':
      return 'torch.dtype'
    case 'device':
      return 'torch.device'
    case 'tensor':
      return value.ndarray ? 'numpy.ndarray' : value.isParameter ? 'Parameter' : 'Tensor'
    case 'namespace':
    case 'pymodule':
      return 'module'
    case 'callable':
    case 'function':
      return 'function'
    case 'set':
      return value.frozen ? 'frozenset' : 'set'
    case 'class':
      return 'type'
    case 'instance':
      return value.cls.name
    case 'method':
      return 'method'
    case 'descriptor':
      return value.type
    case 'super':
      return 'super'
    case 'range':
      return 'range'
    case 'slice':
      return 'slice'
    case 'iterator':
      return value.name
    case 'placeholder':
      return value.name
    case 'typehint':
      return 'typing'
    case 'ellipsis':
      return 'ellipsis'
    case 'complex':
      return 'complex'
    case 'bytes':
      return 'bytes'
  }
}

/** A name in backticks for a message, cut to 60 characters: a 200,000-character name never makes a 200,000-character message. */
export function quoted(name: string): string {
  return `\`${name.length > 60 ? `${name.slice(0, 59)}…` : name}\``
}

/** Longest text {@link showValue} writes for one value: messages stay short whatever the value. */
const maxShownChars = 80

/** A short Python-like rendering of a value for messages (`3.5`, `'relu'`, `(3, 3)`), at most about 80 characters. */
export function showValue(value: Value): string {
  const text = show(value, 0)
  return text.length > maxShownChars ? `${text.slice(0, maxShownChars - 1)}…` : text
}

function show(value: Value, depth: number): string {
  if (depth > 3) return '…'
  switch (value.kind) {
    case 'int': {
      // A huge int is named by its size: never print a million digits.
      if (value.value > 10n ** 30n || value.value < -(10n ** 30n)) return `<int of ${value.value.toString(16).length * 4} bits>`
      return value.value.toString()
    }
    case 'float':
      return floatRepr(value.value)
    case 'bool':
      return value.value ? 'True' : 'False'
    case 'none':
      return 'None'
    case 'str':
      return `'${value.value.length > maxShownChars ? `${value.value.slice(0, maxShownChars)}…` : value.value}'`
    case 'tuple':
      return value.items.length === 1 ? `(${show(value.items[0]!, depth + 1)},)` : `(${showItems(value.items, depth)})`
    case 'list':
      return `[${showItems(value.items, depth)}]`
    case 'dict':
      return `{${value.entries.slice(0, 6).map(([k, v]) => `${show(k, depth + 1)}: ${show(v, depth + 1)}`).join(', ')}${value.entries.length > 6 ? ', …' : ''}}`
    case 'set':
      return value.items.size === 0 ? 'set()' : `{${showItems([...value.items.values()].slice(0, 7), depth)}}`
    case 'module':
      return `${value.module.type}(…)`
    case 'dtype':
      return `torch.${value.dtype}`
    case 'device':
      return `device('${value.name}')`
    case 'tensor':
      return `${value.ndarray ? 'array' : value.isParameter ? 'parameter' : 'tensor'} of shape (${value.shape.join(', ')})`
    case 'namespace':
    case 'pymodule':
      return value.name
    case 'callable':
      return value.name
    case 'function':
      return value.qualname
    case 'class':
      return value.cls.qualname
    case 'instance':
      return `${value.cls.name}(…)`
    case 'method':
      return `${show(value.fn, depth + 1)} of ${show(value.self, depth + 1)}`
    case 'descriptor':
      return `${value.type}(${show(value.fn, depth + 1)})`
    case 'super':
      return `super(${value.cls.name})`
    case 'range':
      return value.step === 1n ? `range(${value.start}, ${value.stop})` : `range(${value.start}, ${value.stop}, ${value.step})`
    case 'slice':
      return `slice(${show(value.start, depth + 1)}, ${show(value.stop, depth + 1)}, ${show(value.step, depth + 1)})`
    case 'iterator':
      return `<${value.name}>`
    case 'placeholder':
      return value.name
    case 'typehint':
      return value.name
    case 'ellipsis':
      return 'Ellipsis'
    case 'complex':
      return `(${floatRepr(value.real)}+${floatRepr(value.imag)}j)`
    case 'bytes':
      return `b'…'`
  }
}

function showItems(items: readonly Value[], depth: number): string {
  const shown = items.slice(0, 6).map((v) => show(v, depth + 1))
  return `${shown.join(', ')}${items.length > 6 ? ', …' : ''}`
}

/** Python's `repr` of a float: the shortest text that reads back to the same double (`0.1`, `1e-05`, `1e+16`, `inf`). */
export function floatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan'
  if (value === Infinity) return 'inf'
  if (value === -Infinity) return '-inf'
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0'
  const abs = Math.abs(value)
  if (abs >= 1e16 || abs < 1e-4) {
    // Scientific, with a sign and at least two exponent digits, as Python writes it.
    const [mantissa, exponent] = value.toExponential().split('e') as [string, string]
    const sign = exponent.startsWith('-') ? '-' : '+'
    const digits = exponent.replace(/^[+-]/, '').padStart(2, '0')
    return `${mantissa}e${sign}${digits}`
  }
  const text = String(value)
  return text.includes('.') ? text : `${text}.0`
}
