import { NnsizeError } from '../errors.js'
import type { SourceSpan } from '../errors.js'
import type { LayerDefinition } from '../contract/layer.js'
import type { Expr } from '../python/ast.js'
import type { ArgValue, CallableValue, ClassValue, PyClass, Value } from '../contract/values.js'
import type { Interpreter } from './interpreter.js'

/** What `@dataclass` recorded: its fields in order, with defaults. */
export interface DataclassField {
  name: string
  /** The default value, when there is one. */
  default?: Value
  /** `field(default_factory=…)`. */
  factory?: Value
  /** `field(init=False)`. */
  init: boolean
}

/**
 * What makes a class a namedtuple class (`collections.namedtuple`, `typing.NamedTuple`): its field names in order
 * and its `__new__`, whose `__defaults__` a program may read and set. Its instances are tuples with these fields;
 * subclasses find it along the MRO.
 */
export interface NamedTupleSpec {
  fields: readonly string[]
  newFunction: CallableValue
}

/** What makes a class a `TypedDict` class: the keys it requires and those it allows, its bases' included. */
export interface TypedDictSpec {
  required: readonly string[]
  optional: readonly string[]
}

/** Native behaviour of a built-in class: how calling it makes a value, and what `isinstance` matches. */
export interface NativeClass {
  /** Calling the class (`int('3')`, `nn.Linear(2, 3)`, `ValueError('x')`). Absent: instances are made by {@link Interpreter.instantiate}. */
  call?: (args: ArgValue[], span: SourceSpan, interpreter: Interpreter, cls: PyClass) => Value
  /** Runs as `__init__` for instances of subclasses (`super().__init__(…)`), with `self` first. */
  init?: (self: Value, args: ArgValue[], span: SourceSpan, interpreter: Interpreter, cls: PyClass) => void
  /** Python code may subclass it (`object`, exceptions, `nn.Module` and the layers). */
  subclassable: boolean
}

declare module '../contract/values.js' {
  /**
   * A Python class: a user's `class` statement or a built-in (`int`, `ValueError`, `nn.Module`,
   * `nn.Linear`). Attributes live in `dict`; lookups follow `mro` (C3 linearisation, as CPython).
   */
  interface PyClass {
    /** The module it was defined in (`__module__`). */
    module: string
    bases: PyClass[]
    mro: PyClass[]
    dict: Map<string, Value>
    /** The one value object of this class. */
    value: ClassValue
    native?: NativeClass | undefined
    /** A built-in `torch.nn` layer class (`nn.Linear`); inherited by subclasses through `layerBase`. */
    layer?: LayerDefinition | undefined
    /** True for `nn.Module` and its subclasses. */
    isModule: boolean
    /** True for `BaseException` and its subclasses. */
    isException: boolean
    /** Set by `@dataclass`. */
    dataclass?: DataclassField[]
    /** Set on a namedtuple class, not on its subclasses (see {@link namedTupleSpecOf}). */
    namedtuple?: NamedTupleSpec
    /** Set on a `TypedDict` class. */
    typedDict?: TypedDictSpec
    /**
     * Set on a class derived from `dict`, `list`, `OrderedDict` or `defaultdict` (`class AttrDict(dict)`): that
     * built-in class, the nearest along the MRO. Its instances are dicts or lists that carry the class.
     */
    container?: PyClass
    /** Annotated names of the class body in order (`dim: int = 4096`), with their annotations. */
    annotations?: Array<[string, Expr]>
    /** Where a user class was defined. */
    span?: SourceSpan | undefined
    /** A class of the program (a `class` statement), not a built-in. */
    user: boolean
  }
}

export type { PyClass } from '../contract/values.js'

/**
 * The C3 linearisation of a class with these bases: the order in which attributes are looked up.
 * Throws a `type` error when the bases have no consistent order, as CPython does.
 */
export function linearize(cls: PyClass, bases: readonly PyClass[], span?: SourceSpan): PyClass[] {
  // one base (nearly every class): the class, then its base's order; copied by index, as this runs cold
  if (bases.length <= 1) {
    const inherited = bases.length === 0 ? [] : bases[0]!.mro
    const out = new Array<PyClass>(inherited.length + 1)
    out[0] = cls
    for (let i = 0; i < inherited.length; i++) out[i + 1] = inherited[i]!
    return out
  }
  const sequences = [...bases.map((b) => [...b.mro]), [...bases]].filter((s) => s.length > 0)
  const out: PyClass[] = [cls]
  while (sequences.some((s) => s.length > 0)) {
    let head: PyClass | undefined
    for (const seq of sequences) {
      if (seq.length === 0) continue
      const candidate = seq[0]!
      if (!sequences.some((s) => s.indexOf(candidate) > 0)) {
        head = candidate
        break
      }
    }
    if (!head) {
      throw new NnsizeError('type', `Cannot create a consistent method resolution order (MRO) for the bases of \`${cls.name}\` (${bases.map((b) => b.name).join(', ')}).`, { span })
    }
    out.push(head)
    for (const seq of sequences) if (seq[0] === head) seq.shift()
  }
  return out
}

/** Makes a class object; `bases` empty means `object` (for every class but `object` itself). */
export function makeClass(
  name: string,
  bases: PyClass[],
  options: { module: string; qualname?: string; native?: NativeClass; layer?: LayerDefinition; span?: SourceSpan; user?: boolean; dict?: Map<string, Value> },
): PyClass {
  const cls: PyClass = {
    name,
    qualname: options.qualname ?? name,
    module: options.module,
    bases,
    mro: [],
    dict: options.dict ?? new Map(),
    value: undefined as unknown as ClassValue,
    native: options.native,
    layer: options.layer,
    isModule: false,
    isException: false,
    span: options.span,
    user: options.user ?? false,
  }
  cls.value = { kind: 'class', cls }
  cls.mro = linearize(cls, bases, options.span)
  cls.isModule = bases.some((b) => b.isModule)
  cls.isException = bases.some((b) => b.isException)
  return cls
}

/** Finds `name` along the MRO of `cls` (starting after `after` when given), with the class that holds it. */
export function lookupInMro(cls: PyClass, name: string, after?: PyClass): { value: Value; owner: PyClass } | undefined {
  const mro = cls.mro
  let i = 0
  if (after) {
    i = mro.indexOf(after) + 1
    if (i === 0) return undefined
  }
  for (; i < mro.length; i++) {
    const owner = mro[i]!
    const value = owner.dict.get(name)
    if (value !== undefined) return { value, owner }
  }
  return undefined
}

/** True when `cls` is `base` or derives from it. */
export function isSubclass(cls: PyClass, base: PyClass): boolean {
  return cls === base || cls.mro.includes(base)
}

/** The first built-in layer class along the MRO: the `nn.X` a user class extends, if any. */
export function layerBase(cls: PyClass): PyClass | undefined {
  return cls.mro.find((c) => c.layer !== undefined)
}

/** The namedtuple class `cls` is or derives from: its fields, or undefined for any other class. */
export function namedTupleSpecOf(cls: PyClass): NamedTupleSpec | undefined {
  for (const c of cls.mro) if (c.namedtuple) return c.namedtuple
  return undefined
}
