import { NnsizeError } from '../../errors.js'
import type { SourceSpan } from '../../errors.js'
import { any } from '../../bind/args.js'
import type { ArgSpec } from '../../bind/args.js'
import { bindArguments } from '../../bind/bind.js'
import type { CmpOperator, Operator } from '../../python/ast.js'
import { isSubclass, lookupInMro, makeClass } from '../classes.js'
import type { PyClass } from '../classes.js'
import { raise } from '../exceptions.js'
import { setGradMode } from '../forward.js'
import { dictGetString, dictSet, newDict } from '../hash.js'
import type { Interpreter } from '../interpreter.js'
import { binary, compare, unary } from '../operators.js'
import { setItem } from '../subscript.js'
import { currentValues } from '../tensor-values.js'
import { objectClass } from '../types.js'
import { ELLIPSIS_VALUE, FALSE, NONE, TRUE, bool, float, floatRepr, int, namespace, native, str, tuple, typeName } from '../../contract/values.js'
import type { ArgValue, InstanceValue, NamespaceValue, TensorValue, Value } from '../../contract/values.js'
import { Py } from '../py.js'

/**
 * `torch.distributions` as PyTorch 2.13 has it for the policies and VAEs of model files: `Distribution`, `Normal`,
 * `Categorical`, `Bernoulli`, `Independent`, `kl_divergence` and `register_kl`. Each method runs the tensor operations
 * PyTorch's Python source runs, in the same order, through the interpreter (`broadcast_all` is
 * `torch.broadcast_tensors`, `rsample` is `loc + eps * scale`, `Categorical`'s logits are
 * `logits - logits.logsumexp(-1, keepdim=True)`, …), so that shapes, dtypes and, in a traced `forward`, what autograd
 * saves are PyTorch's. Samples (`torch.normal`, `torch.multinomial`, the `normal_()` of `_standard_normal`) are new
 * tensors that require no grad. The lazily computed `probs` and `logits` are computed on first read with grad enabled
 * and kept on the instance, as PyTorch's `lazy_property` does.
 *
 * Argument validation (`validate_args`, on by default, `Distribution.set_default_validate_args`) checks the
 * constraints only on values nnsize knows (tensors made from constants); it raises PyTorch's `ValueError` for those,
 * and skips, adding nothing to a trace, where the values are unknown. The shape checks of `log_prob`'s value always run.
 * The classes are program classes to Python: a model file may subclass them (`class FixedNormal(Normal)`) and
 * override methods. The other distributions and transforms are named so that using one says it is not modelled.
 */

/** The distributions and transforms of `torch.distributions` nnsize does not model. */
const unmodelled = [
  'Beta', 'Binomial', 'Cauchy', 'Chi2', 'ContinuousBernoulli', 'Dirichlet', 'Exponential', 'FisherSnedecor', 'Gamma',
  'GeneralizedPareto', 'Geometric', 'Gumbel', 'HalfCauchy', 'HalfNormal', 'InverseGamma', 'Kumaraswamy', 'LKJCholesky',
  'Laplace', 'LogNormal', 'LogisticNormal', 'LowRankMultivariateNormal', 'MixtureSameFamily', 'Multinomial',
  'MultivariateNormal', 'NegativeBinomial', 'OneHotCategorical', 'OneHotCategoricalStraightThrough', 'Pareto',
  'RelaxedBernoulli', 'RelaxedOneHotCategorical', 'StudentT', 'Poisson', 'Uniform', 'VonMises', 'Weibull', 'Wishart',
  'TransformedDistribution', 'biject_to', 'transform_to', 'AbsTransform', 'AffineTransform', 'CatTransform',
  'ComposeTransform', 'CorrCholeskyTransform', 'CumulativeDistributionTransform', 'ExpTransform', 'IndependentTransform',
  'LowerCholeskyTransform', 'PositiveDefiniteTransform', 'PowerTransform', 'ReshapeTransform', 'SigmoidTransform',
  'SoftplusTransform', 'TanhTransform', 'SoftmaxTransform', 'StackTransform', 'StickBreakingTransform', 'Transform',
  'identity_transform',
]

/** `math.log(math.sqrt(2 * math.pi))`, the constant of `Normal.log_prob`. */
const logSqrtTwoPi = Math.log(Math.sqrt(2 * Math.PI))

/** `Distribution._validate_args` of each run (`set_default_validate_args` changes it for the program that calls it). */
const defaultValidation = new WeakMap<Interpreter, boolean>()

/** The KL functions `register_kl` added in each run, in the order they were registered. */
const registeredKl = new WeakMap<Interpreter, Array<{ p: PyClass; q: PyClass; fn: Value }>>()

/** What a distribution method's code sees while it runs: {@link Py}'s operations, a JavaScript number as a Python float. */
class Run extends Py {
  constructor(
    it: Interpreter,
    span: SourceSpan,
    readonly torchNamespace: NamespaceValue,
  ) {
    super(it, span)
  }

  /** `a <op> b`; a JavaScript number is a Python float. */
  override op(op: Operator, a: Value | number, b: Value | number): Value {
    return binary(this.it, op, typeof a === 'number' ? float(a) : a, typeof b === 'number' ? float(b) : b, this.span)
  }

  /** `a <op> b` for a comparison (`Eq`, `GtE`). */
  cmp(op: CmpOperator, a: Value, b: Value | number): Value {
    return compare(this.it, op, a, typeof b === 'number' ? float(b) : b, this.span)
  }

  /** `obj[index] = value`. */
  setItem(obj: Value, index: Value, value: Value): void {
    setItem(this.it, obj, index, value, this.span)
  }

  /** `-a`. */
  neg(a: Value): Value {
    return unary(this.it, 'USub', a, this.span)
  }

  /** `torch.<name>` of the namespace being built. */
  fn(name: string): Value {
    const found = this.torchNamespace.members[name]
    if (!found) throw new Error(`internal: no torch.${name}`)
    return found
  }

  /** Runs `body` with grad mode on or off (`torch.no_grad()`, `torch.enable_grad()`), in a traced forward. */
  withGrad<T>(enabled: boolean, body: () => T): T {
    const before = setGradMode(this.it, enabled)
    try {
      return body()
    } finally {
      if (before !== undefined) setGradMode(this.it, before)
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Shapes, values and their text

/** A tuple of ints (a `torch.Size`). */
function sizeValue(shape: readonly number[]): Value {
  return tuple(shape.map((d) => int(d)))
}

/** A `torch.Size` (a tuple or list of ints) as numbers. */
function sizeOf(run: Run, v: Value, what: string): number[] {
  const items = v.kind === 'tuple' || v.kind === 'list' ? v.items : undefined
  if (!items) return raise('TypeError', 'argument-type', `\`${what}\` must be a tuple of ints (a \`torch.Size\`), got ${typeName(v)}.`, run.span)
  return items.map((d) => (d.kind === 'int' ? Number(d.value) : d.kind === 'bool' ? Number(d.value) : raise('TypeError', 'argument-type', `\`${what}\` must hold ints, got ${typeName(d)}.`, run.span)))
}

/** `torch.Size([2, 3])`, as PyTorch prints a size. */
function sizeText(shape: readonly number[]): string {
  return `torch.Size([${shape.join(', ')}])`
}

/** `(2, 3)`, `(3,)`, `()`: a shape as Python prints a tuple. */
function tupleText(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`
}

function tensorOf(run: Run, v: Value, what: string): TensorValue {
  return v.kind === 'tensor' ? v : raise('TypeError', 'argument-type', `\`${what}\` must be a tensor, got ${typeName(v)}.`, run.span)
}

function isNumber(v: Value): boolean {
  return v.kind === 'int' || v.kind === 'float' || v.kind === 'bool'
}

function numelOf(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1)
}

/** `format(x, '.4e')` as Python writes it: `1.0000e-05`. */
function scientific(x: number): string {
  const [mantissa, exponent] = x.toExponential(4).split('e') as [string, string]
  return `${mantissa}e${exponent.startsWith('-') ? '-' : '+'}${exponent.replace(/^[+-]/, '').padStart(2, '0')}`
}

/**
 * How PyTorch's `_Formatter` writes the elements of a tensor: integers as they are; floats as `1.` when every
 * non-zero finite element is whole, in scientific notation when their magnitudes span more than 1000 (or leave
 * [1e-4, 1e8]), else with 4 decimals; each padded to the widest non-zero finite element.
 */
function elementTexts(values: readonly number[], dtype: string): string[] {
  if (dtype === 'bool') return values.map((x) => (x !== 0 ? 'True' : 'False'))
  if (!dtype.startsWith('float') && dtype !== 'bfloat16') {
    const texts = values.map((x) => String(x))
    const width = Math.max(1, ...texts.map((t) => t.length))
    return texts.map((t) => t.padStart(width))
  }
  const finite = values.filter((x) => Number.isFinite(x) && x !== 0)
  const magnitudes = finite.map(Math.abs)
  const integral = finite.every((x) => Number.isInteger(x))
  const sci = finite.length > 0 && (Math.max(...magnitudes) / Math.min(...magnitudes) > 1000 || Math.max(...magnitudes) > 1e8 || Math.min(...magnitudes) < 1e-4)
  const one = (x: number): string => {
    if (Number.isNaN(x)) return 'nan'
    if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf'
    if (sci) return scientific(x)
    return integral ? `${x.toFixed(0)}.` : x.toFixed(4)
  }
  const width = Math.max(1, ...finite.map((x) => one(x).length))
  return values.map((x) => one(x).padStart(width))
}

/**
 * A tensor of known values as `f"{t}"` writes it: a 0-dim tensor as its Python number, others as `tensor([0., 1.])`
 * (elements as {@link elementTexts} writes them; rows on lines of their own), for the small tensors of messages.
 */
function tensorText(t: TensorValue, values: readonly number[]): string {
  const floating = t.dtype.startsWith('float') || t.dtype === 'bfloat16'
  if (t.shape.length === 0) {
    const x = values[0]!
    return t.dtype === 'bool' ? (x !== 0 ? 'True' : 'False') : floating ? floatRepr(x) : String(x)
  }
  const padded = elementTexts(values, t.dtype)
  let next = 0
  const nest = (depth: number): string => {
    if (depth === t.shape.length - 1) return `[${padded.slice(next, (next += t.shape[depth]!)).join(', ')}]`
    const rows = Array.from({ length: t.shape[depth]! }, () => nest(depth + 1))
    return `[${rows.join(`,${'\n'.repeat(t.shape.length - 1 - depth)}${' '.repeat(8 + depth)}`)}]`
  }
  const suffix = t.dtype === 'float32' || t.dtype === 'int64' || t.dtype === 'bool' ? '' : `, dtype=torch.${t.dtype}`
  return `tensor(${nest(0)}${suffix})`
}

/** The tensors `broadcast_all` made by `torch.broadcast_tensors`, with the tensor each expands. */
const broadcastSources = new WeakMap<TensorValue, TensorValue>()

/** Values computed here for tensors whose operations do not give them (`Categorical`'s normalised probabilities). */
const derivedValues = new WeakMap<TensorValue, readonly number[]>()

/**
 * The values of `Categorical`'s normalised parameter from those of the argument: `probs / probs.sum(-1)` or
 * `logits - logits.logsumexp(-1)`, row by row in float32 for float32 tensors.
 */
function normalisedValues(values: readonly number[], shape: readonly number[], dtype: string, isProbs: boolean): number[] {
  const round = dtype === 'float32' ? Math.fround : (x: number): number => x
  const n = shape[shape.length - 1] ?? 1
  const out: number[] = []
  for (let start = 0; start < values.length; start += n) {
    const row = values.slice(start, start + n)
    if (isProbs) {
      const total = row.reduce((a, b) => round(a + b), 0)
      for (const x of row) out.push(round(x / total))
    } else {
      const top = Math.max(...row)
      const lse = round(top + Math.log(row.reduce((a, b) => a + Math.exp(b - top), 0)))
      for (const x of row) out.push(round(x - lse))
    }
  }
  return out
}

/**
 * The values of `t` where nnsize knows them: its own, or those of the tensor `broadcast_all` expanded to it
 * (`Normal(0.0, -1.0)`'s `scale`), repeated along the broadcast dimensions.
 */
function knownValues(t: TensorValue): readonly number[] | undefined {
  const direct = currentValues(t) ?? derivedValues.get(t)
  if (direct !== undefined) return direct
  const source = broadcastSources.get(t)
  const values = source && currentValues(source)
  if (!source || !values) return undefined
  const offset = t.shape.length - source.shape.length
  const out: number[] = []
  const index = new Array<number>(t.shape.length).fill(0)
  for (let n = numelOf(t.shape); out.length < n; ) {
    let flat = 0
    for (let d = 0; d < source.shape.length; d++) flat = flat * source.shape[d]! + (source.shape[d] === 1 ? 0 : index[offset + d]!)
    out.push(values[flat]!)
    for (let d = t.shape.length - 1; d >= 0 && ++index[d]! === t.shape[d]; d--) index[d] = 0
  }
  return out
}

/** {@link tensorText} where the values are known, else an ellipsis. */
function valuesText(t: TensorValue): string {
  const values = knownValues(t)
  return values === undefined ? '…' : tensorText(t, values)
}

// ---------------------------------------------------------------------------------------------
// Constraints

/**
 * A constraint of `torch.distributions.constraints`: its repr, and its check on known values. `Simplex`'s check also
 * runs through the interpreter, as PyTorch runs it (`torch.all(value >= 0, dim=-1) & ((value.sum(-1) - 1).abs() <
 * 1e-6)`), because its `abs` saves its input for backward when the probabilities require grad; the other checks are
 * comparisons, which autograd records nothing for, and are made only on known values.
 */
interface Constraint {
  text: string
  /** Whether the values of a tensor of `shape` satisfy it. */
  holds: (values: readonly number[], shape: readonly number[]) => boolean
  /** `check(value)` through the interpreter, for a check that autograd records something for. */
  check?: (run: Run, value: Value) => Value
}

const real: Constraint = { text: 'Real()', holds: (v) => v.every((x) => !Number.isNaN(x)) }
const positive: Constraint = { text: 'GreaterThan(lower_bound=0.0)', holds: (v) => v.every((x) => x > 0) }
const unitInterval: Constraint = { text: 'Interval(lower_bound=0.0, upper_bound=1.0)', holds: (v) => v.every((x) => x >= 0 && x <= 1) }
const booleanSupport: Constraint = { text: 'Boolean()', holds: (v) => v.every((x) => x === 0 || x === 1) }
const realVector: Constraint = { text: 'IndependentConstraint(Real(), 1)', holds: real.holds }
const simplex: Constraint = {
  text: 'Simplex()',
  holds: (v, shape) => {
    const n = shape.length === 0 ? 1 : shape[shape.length - 1]!
    for (let start = 0; start < v.length; start += n) {
      const row = v.slice(start, start + n)
      if (!row.every((x) => x >= 0) || !(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-6)) return false
    }
    return true
  },
  check: (run, v) => {
    const nonNegative = run.call(run.fn('all'), [run.cmp('GtE', v, int(0))], { dim: int(-1) })
    const sumsToOne = run.cmp('Lt', run.method(run.op('Sub', run.method(v, 'sum', [int(-1)]), int(1)), 'abs'), 1e-6)
    return run.op('BitAnd', nonNegative, sumsToOne)
  },
}

/** `integer_interval(low, high)`, `Categorical`'s support. */
function integerInterval(low: number, high: number): Constraint {
  return { text: `IntegerInterval(lower_bound=${low}, upper_bound=${high})`, holds: (v) => v.every((x) => x % 1 === 0 && x >= low && x <= high) }
}

/**
 * Whether `value` satisfies `constraint` (`torch._is_all_true(constraint.check(value))`): false or true where the
 * values are known, undefined where they are not (the check is then passed over, as if it held).
 */
function satisfied(run: Run, constraint: Constraint, value: TensorValue): boolean | undefined {
  const valid = constraint.check?.(run, value)
  const known = valid?.kind === 'tensor' ? currentValues(valid) : undefined
  if (known !== undefined) return known.every((x) => x !== 0)
  const values = knownValues(value)
  return values === undefined ? undefined : constraint.holds(values, value.shape)
}

/** What each modelled class declares: its parameters' constraints (`arg_constraints`), its support, its lazy properties. */
interface Spec {
  args: ReadonlyArray<readonly [string, Constraint]>
  support?: (run: Run, self: Value) => Constraint | undefined
  lazy: readonly string[]
  /** `repr(self)`, where it is not the parameters' (`Independent`). */
  text?: (run: Run, self: Value) => string
}

const specs = new WeakMap<PyClass, Spec>()

/** The spec of the nearest modelled class along the MRO of `self`'s class. */
function specOf(self: Value): Spec | undefined {
  if (self.kind !== 'instance') return undefined
  for (const c of self.cls.mro) {
    const spec = specs.get(c)
    if (spec) return spec
  }
  return undefined
}

/** The instance's own attribute `name` (`name in self.__dict__`). */
function own(self: Value, name: string): Value | undefined {
  return self.kind === 'instance' ? dictGetString(self.dict, name) : undefined
}

/** `repr(self)`: `Normal(loc: torch.Size([2, 3]), scale: torch.Size([2, 3]))`, a one-element parameter by its value. */
function distributionText(run: Run, self: Value): string {
  const name = self.kind === 'instance' ? self.cls.name : typeName(self)
  const spec = specOf(self)
  if (spec?.text) return spec.text(run, self)
  const parts: string[] = []
  for (const [param] of spec?.args ?? []) {
    const v = own(self, param)
    if (v?.kind !== 'tensor') continue
    parts.push(`${param}: ${numelOf(v.shape) !== 1 ? sizeText(v.shape) : valuesText(v)}`)
  }
  return `${name}(${parts.join(', ')})`
}

/** `Distribution.__init__`'s checks of the parameters, on the values nnsize knows. */
function validateParameters(run: Run, self: Value): void {
  const spec = specOf(self)
  if (!spec) return
  for (const [param, constraint] of spec.args) {
    if (spec.lazy.includes(param) && own(self, param) === undefined) continue
    const value = run.get(self, param)
    if (value.kind !== 'tensor' || satisfied(run, constraint, value) !== false) continue
    run.valueError(
      `Expected parameter ${param} (Tensor of shape ${tupleText(value.shape)}) of distribution ${distributionText(run, self)} to satisfy the constraint ${constraint.text}, but found invalid values:\n${valuesText(value)}`,
    )
  }
}

/** `Distribution._validate_sample(value)`: the shape checks always, the support on known values. */
function validateSample(run: Run, self: Value, value: Value): void {
  if (value.kind !== 'tensor') run.valueError('The value argument to log_prob must be a Tensor')
  const eventShape = sizeOf(run, run.get(self, '_event_shape'), 'event_shape')
  const batchShape = sizeOf(run, run.get(self, '_batch_shape'), 'batch_shape')
  const actual = value.shape
  let start = actual.length - eventShape.length
  if (start < 0) start = Math.max(0, start + actual.length)
  const tail = actual.slice(start)
  if (tail.length !== eventShape.length || tail.some((d, i) => d !== eventShape[i])) {
    run.valueError(`The right-most size of value must match event_shape: ${sizeText(actual)} vs ${sizeText(eventShape)}.`)
  }
  const expected = [...batchShape, ...eventShape]
  for (let k = 1; k <= Math.min(actual.length, expected.length); k++) {
    const i = actual[actual.length - k]!
    const j = expected[expected.length - k]!
    if (i !== 1 && j !== 1 && i !== j) run.valueError(`Value is not broadcastable with batch_shape+event_shape: ${sizeText(actual)} vs ${sizeText(expected)}.`)
  }
  const support = specOf(self)?.support?.(run, self)
  if (!support || satisfied(run, support, value) !== false) return
  run.valueError(
    `Expected value argument (Tensor of shape ${tupleText(value.shape)}) to be within the support (${support.text}) of the distribution ${distributionText(run, self)}, but found invalid values:\n${valuesText(value)}`,
  )
}

/** Whether argument validation is on for `self` (`self._validate_args`). */
function validates(run: Run, self: Value): boolean {
  return run.truthy(run.get(self, '_validate_args'))
}

// ---------------------------------------------------------------------------------------------
// `torch.distributions.utils`

/** `broadcast_all(*values)`: numbers become tensors like the first tensor (else of the default dtype), then `torch.broadcast_tensors`. */
function broadcastAll(run: Run, values: readonly Value[]): Value[] {
  if (!values.every((v) => v.kind === 'tensor' || isNumber(v))) {
    run.valueError('Input arguments must all be instances of Number, torch.Tensor or objects implementing __torch_function__.')
  }
  let tensors = values
  if (!values.every((v) => v.kind === 'tensor')) {
    const first = values.find((v) => v.kind === 'tensor')
    const options: Record<string, Value> = first ? { dtype: run.get(first, 'dtype'), device: run.get(first, 'device') } : { dtype: run.call(run.fn('get_default_dtype')) }
    tensors = values.map((v) => (v.kind === 'tensor' ? v : run.call(run.fn('tensor'), [v], options)))
  }
  const out = run.it.toArray(run.call(run.fn('broadcast_tensors'), tensors), run.span)
  out.forEach((v, i) => {
    const source = tensors[i]
    if (v.kind === 'tensor' && source?.kind === 'tensor' && v !== source) broadcastSources.set(v, source)
  })
  return out
}

/** `clamp_probs(probs)`: `probs.clamp(min=eps, max=1 - eps)`, `eps` of the dtype. */
function clampProbs(run: Run, probs: Value): Value {
  const eps = run.get(run.call(run.fn('finfo'), [run.get(probs, 'dtype')]), 'eps')
  return run.method(probs, 'clamp', [], { min: eps, max: run.op('Sub', 1, eps) })
}

/** `probs_to_logits(probs, is_binary)`. */
function probsToLogits(run: Run, probs: Value, binary = false): Value {
  const clamped = clampProbs(run, probs)
  const log = run.call(run.fn('log'), [clamped])
  return binary ? run.op('Sub', log, run.call(run.fn('log1p'), [run.neg(clamped)])) : log
}

/** `logits_to_probs(logits, is_binary)`. */
function logitsToProbs(run: Run, logits: Value, binary = false): Value {
  return binary ? run.call(run.fn('sigmoid'), [logits]) : run.call(run.functional('softmax'), [logits], { dim: int(-1) })
}

/** `_sum_rightmost(value, dim)`: `value.reshape(value.shape[:-dim] + (-1,)).sum(-1)`. */
function sumRightmost(run: Run, value: Value, dim: number): Value {
  if (dim === 0) return value
  const shape = tensorOf(run, value, 'value').shape
  const kept = shape.slice(0, Math.max(0, shape.length - dim))
  return run.method(run.method(value, 'reshape', [tuple([...kept.map((d) => int(d)), int(-1)])]), 'sum', [int(-1)])
}

// ---------------------------------------------------------------------------------------------
// Classes

type Body = (run: Run, self: Value, a: Record<string, Value>) => Value

/** What the methods of one class are made from. */
interface ClassParts {
  /** Methods by name: their arguments after `self` and their body. */
  methods?: Record<string, [readonly ArgSpec[], Body]>
  /** Properties by name. */
  properties?: Record<string, (run: Run, self: Value) => Value>
  /** `lazy_property`s: computed on first read with grad enabled, then the instance's own attribute. */
  lazy?: Record<string, (run: Run, self: Value) => Value>
  /** Class attributes. */
  attributes?: Record<string, Value>
}

const sampleShape = any('sample_shape', { default: tuple([]) })

/** Fills `cls.dict` with `parts`. */
function define(cls: PyClass, torch: NamespaceValue, parts: ClassParts): void {
  const where = `${cls.module}.${cls.name}`
  const selfOf = (args: readonly ArgValue[], what: string, span: SourceSpan): Value => {
    const self = args[0]?.value
    return self?.kind === 'instance' ? self : raise('TypeError', 'argument-type', `\`${cls.name}.${what}\` needs a \`${cls.name}\` instance.`, span)
  }
  for (const [name, [signature, body]] of Object.entries(parts.methods ?? {})) {
    cls.dict.set(
      name,
      native(`${where}.${name}`, (args, span, it) => {
        const a = bindArguments(name, signature, args.slice(1), span).values as Record<string, Value>
        return body(new Run(it!, span, torch), selfOf(args, name, span), a)
      }, { binds: true }),
    )
  }
  for (const [name, getter] of Object.entries(parts.properties ?? {})) {
    cls.dict.set(name, { kind: 'descriptor', type: 'property', fn: native(`${where}.${name}`, (args, span, it) => getter(new Run(it!, span, torch), selfOf(args, name, span))) })
  }
  for (const [name, compute] of Object.entries(parts.lazy ?? {})) {
    const getter = native(`${where}.${name}`, (args, span, it) => {
      const self = selfOf(args, name, span) as InstanceValue
      const kept = dictGetString(self.dict, name)
      if (kept !== undefined) return kept
      const run = new Run(it!, span, torch)
      const value = run.withGrad(true, () => compute(run, self))
      dictSet(self.dict, str(name), value, span)
      return value
    })
    const setter = native(`${where}.${name}`, (args, span) => {
      dictSet((selfOf(args, name, span) as InstanceValue).dict, str(name), args[1]?.value ?? NONE, span)
      return NONE
    })
    cls.dict.set(name, { kind: 'descriptor', type: 'property', fn: getter, setter })
  }
  for (const [name, value] of Object.entries(parts.attributes ?? {})) cls.dict.set(name, value)
}

/** The `__init__` of a class: its arguments after `self`. */
function init(cls: PyClass, torch: NamespaceValue, signature: readonly ArgSpec[], body: (run: Run, self: Value, a: Record<string, Value>) => void): void {
  const method = (run: Run, self: Value, a: Record<string, Value>): Value => {
    body(run, self, a)
    return NONE
  }
  define(cls, torch, { methods: { __init__: [signature, method] } })
}

/** A class of `module` that Python code may subclass. */
function subclassable(name: string, bases: PyClass[], module: string): PyClass {
  return makeClass(name, bases, { module, native: { subclassable: true } })
}

/** `Distribution.__init__(self, batch_shape, event_shape, validate_args)`. */
function distributionInit(run: Run, self: Value, batchShape: Value, eventShape: Value, validateArgs: Value): void {
  run.set(self, '_batch_shape', sizeValue(sizeOf(run, batchShape, 'batch_shape')))
  run.set(self, '_event_shape', sizeValue(sizeOf(run, eventShape, 'event_shape')))
  if (validateArgs.kind !== 'none') run.set(self, '_validate_args', validateArgs)
  if (validates(run, self)) validateParameters(run, self)
}

/** `self._extended_shape(sample_shape)`: `sample_shape + batch_shape + event_shape`. */
function extendedShape(run: Run, self: Value, sample: Value): number[] {
  return [...sizeOf(run, sample, 'sample_shape'), ...sizeOf(run, run.get(self, '_batch_shape'), 'batch_shape'), ...sizeOf(run, run.get(self, '_event_shape'), 'event_shape')]
}

/** `NotImplementedError` for a method a distribution does not define. */
function notImplemented(run: Run, message = ''): never {
  return raise('NotImplementedError', 'unsupported', message, run.span)
}

/**
 * `_get_checked_instance(cls)`: a new instance of `self`'s class for `expand`, without `__init__`; a subclass with an
 * `__init__` of its own must define `expand` itself.
 */
function checkedInstance(run: Run, self: Value, cls: PyClass): InstanceValue {
  const selfClass = (self as InstanceValue).cls
  if (lookupInMro(selfClass, '__init__')?.value !== cls.dict.get('__init__')) {
    notImplemented(run, `Subclass ${selfClass.name} of ${cls.name} that defines a custom __init__ method must also define a custom .expand() method.`)
  }
  return { kind: 'instance', cls: selfClass, dict: newDict() }
}

/** `expand`'s end: `Distribution.__init__(new, batch_shape, event_shape, validate_args=False)`, then `_validate_args` copied. */
function finishExpand(run: Run, self: Value, made: InstanceValue, batchShape: number[], eventShape: Value = tuple([])): Value {
  distributionInit(run, made, sizeValue(batchShape), eventShape, FALSE)
  run.set(made, '_validate_args', run.get(self, '_validate_args'))
  return made
}

function distributionClass(torch: NamespaceValue): PyClass {
  const cls = subclassable('Distribution', [objectClass], 'torch.distributions.distribution')
  init(cls, torch, [any('batch_shape', { default: tuple([]) }), any('event_shape', { default: tuple([]) }), any('validate_args', { default: NONE })], (run, self, a) =>
    distributionInit(run, self, a['batch_shape']!, a['event_shape']!, a['validate_args']!),
  )
  define(cls, torch, {
    attributes: {
      has_rsample: FALSE,
      has_enumerate_support: FALSE,
      set_default_validate_args: {
        kind: 'descriptor',
        type: 'staticmethod',
        fn: native('torch.distributions.distribution.Distribution.set_default_validate_args', (args, span, it) => {
          const value = bindArguments('set_default_validate_args', [any('value')], args, span).values['value'] as Value
          if (value.kind !== 'bool' && !(value.kind === 'int' && (value.value === 0n || value.value === 1n)) && !(value.kind === 'float' && (value.value === 0 || value.value === 1))) {
            raise('ValueError', 'argument-value', '', span)
          }
          defaultValidation.set(it!, it!.truthy(value, span))
          return NONE
        }),
      },
      _validate_args: {
        kind: 'descriptor',
        type: 'property',
        fn: native('torch.distributions.distribution.Distribution._validate_args', (args, _span, it) => {
          const self = args[0]?.value
          return (self && own(self, '_validate_args')) ?? bool(defaultValidation.get(it!) ?? true)
        }),
        setter: native('torch.distributions.distribution.Distribution._validate_args', (args, span) => {
          const self = args[0]?.value
          if (self?.kind === 'instance') dictSet(self.dict, str('_validate_args'), args[1]?.value ?? NONE, span)
          return NONE
        }),
      },
    },
    properties: {
      batch_shape: (run, self) => run.get(self, '_batch_shape'),
      event_shape: (run, self) => run.get(self, '_event_shape'),
      arg_constraints: (run) => notImplemented(run),
      support: (run) => notImplemented(run),
      mean: (run) => notImplemented(run),
      mode: (run, self) => notImplemented(run, `<class '${(self as InstanceValue).cls.module}.${(self as InstanceValue).cls.name}'> does not implement mode`),
      variance: (run) => notImplemented(run),
      stddev: (run, self) => run.method(run.get(self, 'variance'), 'sqrt'),
    },
    methods: {
      sample: [[sampleShape], (run, self, a) => run.withGrad(false, () => run.method(self, 'rsample', [a['sample_shape']!]))],
      rsample: [[sampleShape], (run) => notImplemented(run)],
      sample_n: [[any('n')], (run, self, a) => run.method(self, 'sample', [tuple([a['n']!])])],
      log_prob: [[any('value')], (run) => notImplemented(run)],
      cdf: [[any('value')], (run) => notImplemented(run)],
      icdf: [[any('value')], (run) => notImplemented(run)],
      enumerate_support: [[any('expand', { default: TRUE })], (run) => notImplemented(run)],
      entropy: [[], (run) => notImplemented(run)],
      expand: [[any('batch_shape'), any('_instance', { default: NONE })], (run) => notImplemented(run)],
      perplexity: [[], (run, self) => run.call(run.fn('exp'), [run.method(self, 'entropy')])],
      _extended_shape: [[sampleShape], (run, self, a) => sizeValue(extendedShape(run, self, a['sample_shape']!))],
      _validate_sample: [
        [any('value')],
        (run, self, a) => {
          validateSample(run, self, a['value']!)
          return NONE
        },
      ],
      __repr__: [[], (run, self) => str(distributionText(run, self))],
    },
  })
  return cls
}

function normalClass(torch: NamespaceValue, base: PyClass): PyClass {
  const cls = subclassable('Normal', [base], 'torch.distributions.normal')
  specs.set(cls, { args: [['loc', real], ['scale', positive]], support: () => real, lazy: [] })
  init(cls, torch, [any('loc'), any('scale'), any('validate_args', { default: NONE })], (run, self, a) => {
    const loc = a['loc']!
    const scale = a['scale']!
    const [l, s] = broadcastAll(run, [loc, scale]) as [Value, Value]
    run.set(self, 'loc', l)
    run.set(self, 'scale', s)
    const batch = isNumber(loc) && isNumber(scale) ? tuple([]) : sizeValue(tensorOf(run, l, 'loc').shape)
    distributionInit(run, self, batch, tuple([]), a['validate_args']!)
  })
  define(cls, torch, {
    attributes: { has_rsample: TRUE },
    properties: {
      mean: (run, self) => run.get(self, 'loc'),
      mode: (run, self) => run.get(self, 'loc'),
      stddev: (run, self) => run.get(self, 'scale'),
      variance: (run, self) => run.method(run.get(self, 'stddev'), 'pow', [int(2)]),
    },
    methods: {
      expand: [
        [any('batch_shape'), any('_instance', { default: NONE })],
        (run, self, a) => {
          const made = a['_instance']!.kind === 'instance' ? (a['_instance'] as InstanceValue) : checkedInstance(run, self, cls)
          const shape = sizeOf(run, a['batch_shape']!, 'batch_shape')
          run.set(made, 'loc', run.method(run.get(self, 'loc'), 'expand', [sizeValue(shape)]))
          run.set(made, 'scale', run.method(run.get(self, 'scale'), 'expand', [sizeValue(shape)]))
          return finishExpand(run, self, made, shape)
        },
      ],
      // `torch.normal(loc.expand(shape), scale.expand(shape))` under `no_grad`: a new tensor of `loc`'s dtype and device.
      sample: [
        [sampleShape],
        (run, self, a) => {
          const shape = sizeValue(extendedShape(run, self, a['sample_shape']!))
          return run.withGrad(false, () => {
            const loc = run.method(run.get(self, 'loc'), 'expand', [shape])
            run.method(run.get(self, 'scale'), 'expand', [shape])
            return run.method(loc, 'new_empty', [shape])
          })
        },
      ],
      rsample: [
        [sampleShape],
        (run, self, a) => {
          const shape = sizeValue(extendedShape(run, self, a['sample_shape']!))
          const loc = run.get(self, 'loc')
          // `_standard_normal(shape, dtype, device)`: `torch.empty(shape, …).normal_()`
          const eps = run.method(run.call(run.fn('empty'), [shape], { dtype: run.get(loc, 'dtype'), device: run.get(loc, 'device') }), 'normal_')
          return run.op('Add', loc, run.op('Mult', eps, run.get(self, 'scale')))
        },
      ],
      log_prob: [
        [any('value')],
        (run, self, a) => {
          const value = a['value']!
          if (validates(run, self)) validateSample(run, self, value)
          const scale = run.get(self, 'scale')
          const variance = run.op('Pow', scale, int(2))
          const logScale = scale.kind === 'float' || scale.kind === 'int' ? float(Math.log(Number(scale.value))) : run.method(scale, 'log')
          const square = run.neg(run.op('Pow', run.op('Sub', value, run.get(self, 'loc')), int(2)))
          return run.op('Sub', run.op('Sub', run.op('Div', square, run.op('Mult', int(2), variance)), logScale), logSqrtTwoPi)
        },
      ],
      cdf: [
        [any('value')],
        (run, self, a) => {
          const value = a['value']!
          if (validates(run, self)) validateSample(run, self, value)
          const z = run.op('Div', run.op('Mult', run.op('Sub', value, run.get(self, 'loc')), run.method(run.get(self, 'scale'), 'reciprocal')), Math.sqrt(2))
          return run.op('Mult', 0.5, run.op('Add', int(1), run.call(run.fn('erf'), [z])))
        },
      ],
      icdf: [
        [any('value')],
        (run, self, a) => {
          const inner = run.call(run.fn('erfinv'), [run.op('Sub', run.op('Mult', int(2), a['value']!), int(1))])
          return run.op('Add', run.get(self, 'loc'), run.op('Mult', run.op('Mult', run.get(self, 'scale'), inner), Math.sqrt(2)))
        },
      ],
      entropy: [[], (run, self) => run.op('Add', 0.5 + 0.5 * Math.log(2 * Math.PI), run.call(run.fn('log'), [run.get(self, 'scale')]))],
    },
  })
  return cls
}

/** `self._param` and `self.probs` / `self.logits` of `Categorical` and `Bernoulli` made by `expand`. */
function expandParameters(run: Run, self: Value, made: InstanceValue, shape: number[]): void {
  for (const name of ['probs', 'logits']) {
    if (own(self, name) === undefined) continue
    const expanded = run.method(run.get(self, name), 'expand', [sizeValue(shape)])
    run.set(made, name, expanded)
    run.set(made, '_param', expanded)
  }
}

/** `Either probs or logits`: the one given, and whether it was `probs`. */
function probsOrLogits(run: Run, a: Record<string, Value>): [Value, boolean] {
  const probs = a['probs']!
  const logits = a['logits']!
  if ((probs.kind === 'none') === (logits.kind === 'none')) run.valueError('Either `probs` or `logits` must be specified, but not both.')
  return probs.kind !== 'none' ? [probs, true] : [logits, false]
}

function categoricalClass(torch: NamespaceValue, base: PyClass): PyClass {
  const cls = subclassable('Categorical', [base], 'torch.distributions.categorical')
  const events = (run: Run, self: Value): number => {
    const n = run.get(self, '_num_events')
    return n.kind === 'int' ? Number(n.value) : raise('TypeError', 'type', '`_num_events` must be an int.', run.span)
  }
  specs.set(cls, { args: [['probs', simplex], ['logits', realVector]], support: (run, self) => integerInterval(0, events(run, self) - 1), lazy: ['probs', 'logits'] })
  init(cls, torch, [any('probs', { default: NONE }), any('logits', { default: NONE }), any('validate_args', { default: NONE })], (run, self, a) => {
    const [given, isProbs] = probsOrLogits(run, a)
    const rank = run.method(given, 'dim')
    if (rank.kind === 'int' && rank.value < 1n) run.valueError(`\`${isProbs ? 'probs' : 'logits'}\` parameter must be at least one-dimensional.`)
    const param = isProbs
      ? run.op('Div', given, run.method(given, 'sum', [int(-1)], { keepdim: TRUE }))
      : run.op('Sub', given, run.method(given, 'logsumexp', [], { dim: int(-1), keepdim: TRUE }))
    const shape = tensorOf(run, param, isProbs ? 'probs' : 'logits').shape
    const givenValues = knownValues(tensorOf(run, given, isProbs ? 'probs' : 'logits'))
    if (givenValues && param.kind === 'tensor' && !currentValues(param)) derivedValues.set(param, normalisedValues(givenValues, shape, param.dtype, isProbs))
    run.set(self, isProbs ? 'probs' : 'logits', param)
    run.set(self, '_param', param)
    run.set(self, '_num_events', int(shape[shape.length - 1]!))
    distributionInit(run, self, sizeValue(shape.length > 1 ? shape.slice(0, -1) : []), tuple([]), a['validate_args']!)
  })
  const nanFull = (run: Run, self: Value): Value => {
    const probs = run.get(self, 'probs')
    return run.call(run.fn('full'), [sizeValue(extendedShape(run, self, tuple([]))), float(Number.NaN)], { dtype: run.get(probs, 'dtype'), device: run.get(probs, 'device') })
  }
  const enumerateSupport = (run: Run, self: Value, expand: Value, count: number, dtype: Value): Value => {
    const batch = sizeOf(run, run.get(self, '_batch_shape'), 'batch_shape')
    let values = run.call(run.fn('arange'), [int(count)], { dtype, device: run.get(run.get(self, '_param'), 'device') })
    values = run.method(values, 'view', [tuple([int(-1), ...batch.map(() => int(1))])])
    return run.truthy(expand) ? run.method(values, 'expand', [tuple([int(-1), ...batch.map((d) => int(d))])]) : values
  }
  define(cls, torch, {
    attributes: { has_enumerate_support: TRUE },
    lazy: {
      logits: (run, self) => probsToLogits(run, run.get(self, 'probs')),
      probs: (run, self) => logitsToProbs(run, run.get(self, 'logits')),
    },
    properties: {
      param_shape: (run, self) => run.method(run.get(self, '_param'), 'size'),
      mean: nanFull,
      variance: nanFull,
      mode: (run, self) => run.method(run.get(self, 'probs'), 'argmax', [], { dim: int(-1) }),
    },
    methods: {
      expand: [
        [any('batch_shape'), any('_instance', { default: NONE })],
        (run, self, a) => {
          const made = a['_instance']!.kind === 'instance' ? (a['_instance'] as InstanceValue) : checkedInstance(run, self, cls)
          const batch = sizeOf(run, a['batch_shape']!, 'batch_shape')
          const n = events(run, self)
          expandParameters(run, self, made, [...batch, n])
          run.set(made, '_num_events', int(n))
          return finishExpand(run, self, made, batch)
        },
      ],
      // `torch.multinomial(probs.reshape(-1, K), n, True).T`, reshaped: int64 samples that require no grad.
      sample: [
        [sampleShape],
        (run, self, a) => {
          const sample = sizeOf(run, a['sample_shape']!, 'sample_shape')
          const probs2d = tensorOf(run, run.method(run.get(self, 'probs'), 'reshape', [int(-1), int(events(run, self))]), 'probs')
          const n = numelOf(sample)
          if (n <= 0) raise('RuntimeError', 'argument-value', 'cannot sample n_sample <= 0 samples', run.span)
          const samples = run.method(probs2d, 'new_empty', [sizeValue([probs2d.shape[0]!, n])], { dtype: { kind: 'dtype', dtype: 'int64' } })
          return run.method(run.get(samples, 'T'), 'reshape', [sizeValue(extendedShape(run, self, sizeValue(sample)))])
        },
      ],
      log_prob: [
        [any('value')],
        (run, self, a) => {
          let value = a['value']!
          if (validates(run, self)) validateSample(run, self, value)
          value = run.method(run.method(value, 'long'), 'unsqueeze', [int(-1)])
          const [broadcast, logPmf] = run.it.toArray(run.call(run.fn('broadcast_tensors'), [value, run.get(self, 'logits')]), run.span) as [Value, Value]
          value = run.item(broadcast, tuple([ELLIPSIS_VALUE, { kind: 'slice', start: NONE, stop: int(1), step: NONE }]))
          return run.method(run.method(logPmf, 'gather', [int(-1), value]), 'squeeze', [int(-1)])
        },
      ],
      entropy: [
        [],
        (run, self) => {
          const minReal = run.get(run.call(run.fn('finfo'), [run.get(run.get(self, 'logits'), 'dtype')]), 'min')
          const logits = run.call(run.fn('clamp'), [run.get(self, 'logits')], { min: minReal })
          const pLogP = run.op('Mult', logits, run.get(self, 'probs'))
          return run.neg(run.method(pLogP, 'sum', [int(-1)]))
        },
      ],
      enumerate_support: [[any('expand', { default: TRUE })], (run, self, a) => enumerateSupport(run, self, a['expand']!, events(run, self), { kind: 'dtype', dtype: 'int64' })],
    },
  })
  return cls
}

function bernoulliClass(torch: NamespaceValue, base: PyClass): PyClass {
  const cls = subclassable('Bernoulli', [base], 'torch.distributions.bernoulli')
  specs.set(cls, { args: [['probs', unitInterval], ['logits', real]], support: () => booleanSupport, lazy: ['probs', 'logits'] })
  init(cls, torch, [any('probs', { default: NONE }), any('logits', { default: NONE }), any('validate_args', { default: NONE })], (run, self, a) => {
    const [given, isProbs] = probsOrLogits(run, a)
    const [param] = broadcastAll(run, [given]) as [Value]
    run.set(self, isProbs ? 'probs' : 'logits', param)
    run.set(self, '_param', param)
    distributionInit(run, self, isNumber(given) ? tuple([]) : sizeValue(tensorOf(run, param, 'probs').shape), tuple([]), a['validate_args']!)
  })
  define(cls, torch, {
    attributes: { has_enumerate_support: TRUE },
    lazy: {
      logits: (run, self) => probsToLogits(run, run.get(self, 'probs'), true),
      probs: (run, self) => logitsToProbs(run, run.get(self, 'logits'), true),
    },
    properties: {
      param_shape: (run, self) => run.method(run.get(self, '_param'), 'size'),
      mean: (run, self) => run.get(self, 'probs'),
      variance: (run, self) => run.op('Mult', run.get(self, 'probs'), run.op('Sub', int(1), run.get(self, 'probs'))),
      mode: (run, self) => {
        const probs = run.get(self, 'probs')
        const mode = run.method(run.cmp('GtE', probs, 0.5), 'to', [probs])
        run.setItem(mode, run.cmp('Eq', probs, 0.5), float(Number.NaN))
        return mode
      },
    },
    methods: {
      expand: [
        [any('batch_shape'), any('_instance', { default: NONE })],
        (run, self, a) => {
          const made = a['_instance']!.kind === 'instance' ? (a['_instance'] as InstanceValue) : checkedInstance(run, self, cls)
          const batch = sizeOf(run, a['batch_shape']!, 'batch_shape')
          expandParameters(run, self, made, batch)
          return finishExpand(run, self, made, batch)
        },
      ],
      sample: [
        [sampleShape],
        (run, self, a) => {
          const shape = sizeValue(extendedShape(run, self, a['sample_shape']!))
          return run.withGrad(false, () => run.call(run.fn('bernoulli'), [run.method(run.get(self, 'probs'), 'expand', [shape])]))
        },
      ],
      log_prob: [
        [any('value')],
        (run, self, a) => {
          const value = a['value']!
          if (validates(run, self)) validateSample(run, self, value)
          const [logits, target] = broadcastAll(run, [run.get(self, 'logits'), value]) as [Value, Value]
          return run.neg(run.call(run.functional('binary_cross_entropy_with_logits'), [logits, target], { reduction: str('none') }))
        },
      ],
      entropy: [[], (run, self) => run.call(run.functional('binary_cross_entropy_with_logits'), [run.get(self, 'logits'), run.get(self, 'probs')], { reduction: str('none') })],
      enumerate_support: [
        [any('expand', { default: TRUE })],
        (run, self, a) => {
          const batch = sizeOf(run, run.get(self, '_batch_shape'), 'batch_shape')
          const param = run.get(self, '_param')
          let values = run.call(run.fn('arange'), [int(2)], { dtype: run.get(param, 'dtype'), device: run.get(param, 'device') })
          values = run.method(values, 'view', [tuple([int(-1), ...batch.map(() => int(1))])])
          return run.truthy(a['expand']!) ? run.method(values, 'expand', [tuple([int(-1), ...batch.map((d) => int(d))])]) : values
        },
      ],
    },
  })
  return cls
}

function independentClass(torch: NamespaceValue, base: PyClass): PyClass {
  const cls = subclassable('Independent', [base], 'torch.distributions.independent')
  specs.set(cls, {
    args: [],
    lazy: [],
    text: (run, self) => {
      const n = own(self, 'reinterpreted_batch_ndims')
      const base = own(self, 'base_dist')
      return `${(self as InstanceValue).cls.name}(${base ? distributionText(run, base) : ''}, ${n?.kind === 'int' ? n.value : ''})`
    },
  })
  const ndims = (run: Run, self: Value): number => {
    const n = run.get(self, 'reinterpreted_batch_ndims')
    return n.kind === 'int' ? Number(n.value) : raise('TypeError', 'argument-type', `\`reinterpreted_batch_ndims\` must be an int, got ${typeName(n)}.`, run.span)
  }
  init(cls, torch, [any('base_distribution'), any('reinterpreted_batch_ndims'), any('validate_args', { default: NONE })], (run, self, a) => {
    const baseDist = a['base_distribution']!
    const n = a['reinterpreted_batch_ndims']!
    if (n.kind !== 'int') raise('TypeError', 'argument-type', `\`reinterpreted_batch_ndims\` must be an int, got ${typeName(n)}.`, run.span)
    const batch = sizeOf(run, run.get(baseDist, 'batch_shape'), 'batch_shape')
    const event = sizeOf(run, run.get(baseDist, 'event_shape'), 'event_shape')
    if (n.value > BigInt(batch.length)) run.valueError(`Expected reinterpreted_batch_ndims <= len(base_distribution.batch_shape), actual ${n.value} vs ${batch.length}`)
    const shape = [...batch, ...event]
    const eventDim = Number(n.value) + event.length
    const split = Math.max(0, shape.length - eventDim)
    run.set(self, 'base_dist', baseDist)
    run.set(self, 'reinterpreted_batch_ndims', n)
    distributionInit(run, self, sizeValue(shape.slice(0, split)), sizeValue(shape.slice(split)), a['validate_args']!)
  })
  const base_ = (run: Run, self: Value): Value => run.get(self, 'base_dist')
  define(cls, torch, {
    properties: {
      has_rsample: (run, self) => run.get(base_(run, self), 'has_rsample'),
      has_enumerate_support: (run, self) => (ndims(run, self) > 0 ? FALSE : run.get(base_(run, self), 'has_enumerate_support')),
      mean: (run, self) => run.get(base_(run, self), 'mean'),
      mode: (run, self) => run.get(base_(run, self), 'mode'),
      variance: (run, self) => run.get(base_(run, self), 'variance'),
    },
    methods: {
      expand: [
        [any('batch_shape'), any('_instance', { default: NONE })],
        (run, self, a) => {
          const made = a['_instance']!.kind === 'instance' ? (a['_instance'] as InstanceValue) : checkedInstance(run, self, cls)
          const batch = sizeOf(run, a['batch_shape']!, 'batch_shape')
          const event = sizeOf(run, run.get(self, 'event_shape'), 'event_shape')
          const n = ndims(run, self)
          run.set(made, 'base_dist', run.method(base_(run, self), 'expand', [sizeValue([...batch, ...event.slice(0, n)])]))
          run.set(made, 'reinterpreted_batch_ndims', int(n))
          return finishExpand(run, self, made, batch, sizeValue(event))
        },
      ],
      sample: [[sampleShape], (run, self, a) => run.method(base_(run, self), 'sample', [a['sample_shape']!])],
      rsample: [[sampleShape], (run, self, a) => run.method(base_(run, self), 'rsample', [a['sample_shape']!])],
      log_prob: [[any('value')], (run, self, a) => sumRightmost(run, run.method(base_(run, self), 'log_prob', [a['value']!]), ndims(run, self))],
      entropy: [[], (run, self) => sumRightmost(run, run.method(base_(run, self), 'entropy'), ndims(run, self))],
      enumerate_support: [
        [any('expand', { default: TRUE })],
        (run, self, a) => {
          if (ndims(run, self) > 0) notImplemented(run, 'Enumeration over cartesian product is not implemented')
          return run.method(base_(run, self), 'enumerate_support', [], { expand: a['expand']! })
        },
      ],
    },
  })
  return cls
}

// ---------------------------------------------------------------------------------------------
// KL divergence

/** `_kl_normal_normal(p, q)`. */
function klNormalNormal(run: Run, p: Value, q: Value): Value {
  const ratio = run.method(run.op('Div', run.get(p, 'scale'), run.get(q, 'scale')), 'pow', [int(2)])
  const t1 = run.method(run.op('Div', run.op('Sub', run.get(p, 'loc'), run.get(q, 'loc')), run.get(q, 'scale')), 'pow', [int(2)])
  return run.op('Mult', 0.5, run.op('Sub', run.op('Sub', run.op('Add', ratio, t1), int(1)), run.method(ratio, 'log')))
}

/** `_kl_categorical_categorical(p, q)`: infinite where `q` is 0, zero where `p` is. */
function klCategoricalCategorical(run: Run, p: Value, q: Value): Value {
  const t = run.op('Mult', run.get(p, 'probs'), run.op('Sub', run.get(p, 'logits'), run.get(q, 'logits')))
  const mask = (d: Value): Value => run.method(run.cmp('Eq', run.get(d, 'probs'), int(0)), 'expand_as', [t])
  run.setItem(t, mask(q), float(Infinity))
  run.setItem(t, mask(p), int(0))
  return run.method(t, 'sum', [int(-1)])
}

/** `_kl_bernoulli_bernoulli(p, q)`. */
function klBernoulliBernoulli(run: Run, p: Value, q: Value): Value {
  const softplus = (v: Value): Value => run.call(run.functional('softplus'), [v])
  const t1 = run.op('Mult', run.get(p, 'probs'), run.op('Sub', softplus(run.neg(run.get(q, 'logits'))), softplus(run.neg(run.get(p, 'logits')))))
  run.setItem(t1, run.cmp('Eq', run.get(q, 'probs'), int(0)), float(Infinity))
  run.setItem(t1, run.cmp('Eq', run.get(p, 'probs'), int(0)), int(0))
  const t2 = run.op('Mult', run.op('Sub', int(1), run.get(p, 'probs')), run.op('Sub', softplus(run.get(q, 'logits')), softplus(run.get(p, 'logits'))))
  run.setItem(t2, run.cmp('Eq', run.get(q, 'probs'), int(1)), float(Infinity))
  run.setItem(t2, run.cmp('Eq', run.get(p, 'probs'), int(1)), int(0))
  return run.op('Add', t1, t2)
}

/** `_kl_independent_independent(p, q)`. */
function klIndependentIndependent(run: Run, p: Value, q: Value, kl: (p: Value, q: Value) => Value): Value {
  const n = run.get(p, 'reinterpreted_batch_ndims')
  if (!run.truthy(run.cmp('Eq', n, run.get(q, 'reinterpreted_batch_ndims')))) notImplemented(run)
  return sumRightmost(run, kl(run.get(p, 'base_dist'), run.get(q, 'base_dist')), n.kind === 'int' ? Number(n.value) : 0)
}

/** A pair of classes `kl_divergence` has a function for, and the function. */
interface KlRule {
  p: PyClass
  q: PyClass
  run: (run: Run, p: Value, q: Value) => Value
}

/**
 * `kl_divergence(p, q)`: the function registered for the most specific pair of classes of `p` and `q` (a
 * `register_kl` of the program first among equals), else PyTorch's `NotImplementedError`.
 */
function klDivergence(run: Run, p: Value, q: Value, builtins: readonly KlRule[]): Value {
  if (p.kind !== 'instance' || q.kind !== 'instance') return raise('TypeError', 'argument-type', `\`kl_divergence\` takes two distributions, got ${typeName(p)} and ${typeName(q)}.`, run.span)
  const own = (registeredKl.get(run.it) ?? []).map((r): KlRule => ({ p: r.p, q: r.q, run: (r2, a, b) => r2.call(r.fn, [a, b]) }))
  let best: { rule: KlRule; rank: [number, number] } | undefined
  for (const rule of [...own, ...builtins]) {
    const i = p.cls.mro.indexOf(rule.p)
    const j = q.cls.mro.indexOf(rule.q)
    if (i < 0 || j < 0) continue
    if (!best || i + j < best.rank[0] + best.rank[1] || (i + j === best.rank[0] + best.rank[1] && i < best.rank[0])) best = { rule, rank: [i, j] }
  }
  if (!best) return notImplemented(run, `No KL(p || q) is implemented for p type ${p.cls.name} and q type ${q.cls.name}`)
  return best.rule.run(run, p, q)
}

// ---------------------------------------------------------------------------------------------
// The module

/** `torch.distributions` (see the file's comment); `torch` is the namespace whose functions the methods call. */
export function distributionsNamespace(torch: NamespaceValue): NamespaceValue {
  const distribution = distributionClass(torch)
  const exponentialFamily = subclassable('ExponentialFamily', [distribution], 'torch.distributions.exp_family')
  const normal = normalClass(torch, exponentialFamily)
  const categorical = categoricalClass(torch, distribution)
  const bernoulli = bernoulliClass(torch, exponentialFamily)
  const independent = independentClass(torch, distribution)
  const builtins: KlRule[] = [
    { p: normal, q: normal, run: klNormalNormal },
    { p: categorical, q: categorical, run: klCategoricalCategorical },
    { p: bernoulli, q: bernoulli, run: klBernoulliBernoulli },
    { p: independent, q: independent, run: (run, p, q) => klIndependentIndependent(run, p, q, (a, b) => klDivergence(run, a, b, builtins)) },
  ]
  const kl = native('torch.distributions.kl.kl_divergence', (args, span, it) => {
    const a = bindArguments('kl_divergence', [any('p'), any('q')], args, span).values as Record<string, Value>
    return klDivergence(new Run(it!, span, torch), a['p']!, a['q']!, builtins)
  })
  const registerKl = native('torch.distributions.kl.register_kl', (args, span, it) => {
    const a = bindArguments('register_kl', [any('type_p'), any('type_q')], args, span).values as Record<string, Value>
    const p = a['type_p']!
    const q = a['type_q']!
    if (p.kind !== 'class' || q.kind !== 'class' || !isSubclass(p.cls, distribution) || !isSubclass(q.cls, distribution)) {
      raise('TypeError', 'argument-type', `Expected type_p and type_q to be subclasses of Distribution but got ${typeName(p)} and ${typeName(q)}`, span)
    }
    return native('torch.distributions.kl.register_kl.decorator', (inner, innerSpan) => {
      const fn = inner[0]?.value
      if (!fn) return raise('TypeError', 'missing-argument', '`register_kl(...)` decorates a function.', innerSpan)
      const list = registeredKl.get(it!) ?? []
      list.unshift({ p: (p as { cls: PyClass }).cls, q: (q as { cls: PyClass }).cls, fn })
      registeredKl.set(it!, list)
      return fn
    })
  })
  const utilityFunction = (name: string, body: (run: Run, args: ArgValue[]) => Value): Value =>
    native(`torch.distributions.utils.${name}`, (args, span, it) => body(new Run(it!, span, torch), args))
  const isBinary = (args: readonly ArgValue[]): boolean => {
    const v = args.find((a) => a.name === 'is_binary')?.value ?? args.filter((a) => a.name === undefined)[1]?.value
    return v?.kind === 'bool' ? v.value : false
  }
  const utils = namespace('torch.distributions.utils', {
    broadcast_all: utilityFunction('broadcast_all', (run, args) => tuple(broadcastAll(run, args.map((a) => a.value)))),
    logits_to_probs: utilityFunction('logits_to_probs', (run, args) => logitsToProbs(run, args[0]?.value ?? NONE, isBinary(args))),
    probs_to_logits: utilityFunction('probs_to_logits', (run, args) => probsToLogits(run, args[0]?.value ?? NONE, isBinary(args))),
    clamp_probs: utilityFunction('clamp_probs', (run, args) => clampProbs(run, args[0]?.value ?? NONE)),
  })
  const members: Record<string, Value> = {}
  for (const name of unmodelled) {
    // What it makes is a placeholder, as an unread library's call gives: an error where the model uses it, so a
    // model that keeps one it never uses on the way being sized (PyTorch-VAE's `sampling_dist`) is still built.
    members[name] = native(`torch.distributions.${name}`, (_args, span) => ({
      kind: 'placeholder',
      name: `torch.distributions.${name}()`,
      reason: { type: 'attribute', owner: 'torch.distributions', attribute: name, suggestions: [], span },
    }))
  }
  const classes: Record<string, PyClass> = { Distribution: distribution, ExponentialFamily: exponentialFamily, Normal: normal, Categorical: categorical, Bernoulli: bernoulli, Independent: independent }
  for (const [name, cls] of Object.entries(classes)) members[name] = cls.value
  members['kl_divergence'] = kl
  members['register_kl'] = registerKl
  // the submodules, as `from torch.distributions.normal import Normal` reads them
  members['distribution'] = namespace('torch.distributions.distribution', { Distribution: distribution.value })
  members['exp_family'] = namespace('torch.distributions.exp_family', { ExponentialFamily: exponentialFamily.value })
  members['normal'] = namespace('torch.distributions.normal', { Normal: normal.value })
  members['categorical'] = namespace('torch.distributions.categorical', { Categorical: categorical.value })
  members['bernoulli'] = namespace('torch.distributions.bernoulli', { Bernoulli: bernoulli.value })
  members['independent'] = namespace('torch.distributions.independent', { Independent: independent.value })
  members['kl'] = namespace('torch.distributions.kl', { kl_divergence: kl, register_kl: registerKl })
  members['utils'] = utils
  // `constraints` and `transforms`: any of their names is a function that says it is not modelled when called
  const unsupportedModule = (module: string): Value =>
    namespace(`torch.distributions.${module}`, {}, (name) =>
      native(`torch.distributions.${module}.${name}`, (_args, span) => {
        throw new NnsizeError('unsupported', `\`torch.distributions.${module}.${name}\` is not supported yet.`, { span })
      }),
    )
  members['constraints'] = unsupportedModule('constraints')
  members['transforms'] = unsupportedModule('transforms')
  members['multivariate_normal'] = namespace('torch.distributions.multivariate_normal', { MultivariateNormal: members['MultivariateNormal']! })
  return namespace('torch.distributions', members)
}
