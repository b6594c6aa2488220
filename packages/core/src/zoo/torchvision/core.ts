import { NnsizeError } from '../../errors.js'
import type { SourceSpan } from '../../errors.js'
import { bool } from '../../bind/args.js'
import type { ArgSpec, SpecValue } from '../../bind/args.js'
import type { DType } from '../../tensor/dtype.js'
import type { Value } from '../../contract/values.js'
import type { ForwardFn, LayerDefinition, ModuleBuilder } from '../../layers/define-layer.js'
import { createModule } from '../../model/module.js'
import type { ModuleNode, TensorDef } from '../../model/module.js'
import type { ForwardContext, Tensor } from '../../forward/trace.js'
import { builderWeights, verifyWeights, weightsArg, weightsEnum } from './weights.js'
import type { WeightsEntry, WeightsInput } from './weights.js'
import { moduleList as moduleListLayer, sequential as sequentialLayer } from '../../layers/containers.js'
import { makeDivisible as roundToDivisible } from '../../tensor/divisible.js'

/**
 * A Python-like argument for a `torch.nn` layer: integers become `int`, other
 * numbers `float`, arrays tuples and `null` `None`, then the layer's own
 * signature converts them, exactly as if the user had written them.
 */
export type PyArg = number | boolean | string | null | readonly PyArg[]

const NO_SPAN: SourceSpan = { start: 0, end: 0 }

function toValue(v: PyArg): Value {
  if (v === null) return { kind: 'none' }
  if (typeof v === 'boolean') return { kind: 'bool', value: v }
  if (typeof v === 'number') return Number.isInteger(v) ? { kind: 'int', value: BigInt(v) } : { kind: 'float', value: v }
  if (typeof v === 'string') return { kind: 'str', value: v }
  return { kind: 'tuple', items: v.map(toValue) }
}

/** What a {@link PyArg} can stand for: an argument of type `T` as written in Python (an `ints` argument takes an int or a tuple). */
type PyInput<T> = unknown extends T
  ? PyArg
  : T extends Value | ModuleNode | TensorLike
    ? never
    : T extends DType
      ? never
      : T extends readonly unknown[]
        ? PyArg
        : T extends string | number | boolean | null
          ? T
          : never

/** Tensor arguments (`_weight`) cannot be written as a {@link PyArg}. */
interface TensorLike {
  shape: readonly number[]
  dtype: DType
}

type IsRequired<P> = P extends { required: true } ? true : false

/** The arguments {@link nn} takes for a layer with signature `S`: its required ones and any others, as Python would write them. */
export type PyArgs<S extends readonly ArgSpec[]> = {
  [P in S[number] as IsRequired<P> extends true ? P['name'] : never]: PyInput<SpecValue<P>>
} & { [P in S[number] as IsRequired<P> extends true ? never : P['name']]?: PyInput<SpecValue<P>> }

const coerced = new Map<string, Record<string, unknown>>()

/**
 * Constructs a `torch.nn` layer (`nn(m, conv2d, { in_channels: 3, ... })`) through its own signature and checks;
 * the compiler checks the argument names and types. Converted arguments are remembered: models repeat the same layers.
 */
export function nn<S extends readonly ArgSpec[]>(m: ModuleBuilder, def: LayerDefinition<any, S>, args: PyArgs<S> = {} as PyArgs<S>): ModuleNode {
  const given = args as Readonly<Record<string, PyArg>>
  const key = `${def.name}${JSON.stringify(given)}`
  let bound = coerced.get(key)
  if (!bound) {
    bound = {}
    for (const [arg, value] of Object.entries(given)) {
      const spec = def.signature.find((s) => s.name === arg)
      if (!spec) throw new Error(`internal: nn.${def.name} has no argument ${arg}`)
      bound[arg] = spec.coerce(toValue(value), NO_SPAN, arg)
    }
    if (coerced.size > 10_000) coerced.clear()
    coerced.set(key, bound)
  }
  return m.create(def as LayerDefinition, bound)
}

/** `nn.Sequential(*modules)`: children named `0`, `1`, … */
export function sequential(m: ModuleBuilder, modules: readonly ModuleNode[]): ModuleNode {
  return m.create(sequentialLayer, { modules: modules.map((module): Value => ({ kind: 'module', module })) })
}

/** `nn.Sequential(OrderedDict([...]))`: children under the given names. */
export function sequentialNamed(m: ModuleBuilder, entries: ReadonlyArray<readonly [string, ModuleNode]>): ModuleNode {
  const dict: Value = {
    kind: 'dict',
    ordered: true,
    entries: entries.map(([name, module]): [Value, Value] => [{ kind: 'str', value: name }, { kind: 'module', module }]),
  }
  return m.create(sequentialLayer, { modules: [dict] })
}

/** `nn.ModuleList(modules)`. */
export function moduleList(m: ModuleBuilder, modules: readonly ModuleNode[]): ModuleNode {
  return m.create(moduleListLayer, { modules: { kind: 'list', items: modules.map((module): Value => ({ kind: 'module', module })) } })
}

/**
 * Builds one torchvision building block (a `BasicBlock`, an `InvertedResidual`, …)
 * as a submodule: a module of the block's class whose parameters, buffers and
 * children are registered by `def.build` in torchvision's order. Blocks are not
 * callable from expressions; only whole models are.
 */
export function block<A>(m: ModuleBuilder, def: LayerDefinition<A>, args: A): ModuleNode {
  const node = createModule(def.className ?? def.name, args as Record<string, unknown>, def as LayerDefinition)
  const tensor = (kind: TensorDef['kind'], shape: readonly number[], dtype: TensorDef['dtype'], requiresGrad: boolean, persistent: boolean): TensorDef => {
    for (const d of shape) {
      if (!Number.isSafeInteger(d) || d < 0) {
        throw new NnsizeError('argument-value', `\`${node.type}\` would create a tensor of invalid shape (${shape.join(', ')}).`)
      }
    }
    return { kind, shape: [...shape], dtype, requiresGrad, persistent }
  }
  const inner: ModuleBuilder = {
    floatDType: m.floatDType,
    param(name, shape, options) {
      const t = tensor('parameter', shape, options?.dtype ?? m.floatDType, options?.requiresGrad ?? true, true)
      node.params.set(name, t)
      return t
    },
    buffer(name, shape, options) {
      const t = tensor('buffer', shape, options?.dtype ?? m.floatDType, false, options?.persistent ?? true)
      node.buffers.set(name, t)
      return t
    },
    none(name, kind = 'parameter') {
      ;(kind === 'parameter' ? node.params : node.buffers).set(name, null)
    },
    child(name, child) {
      node.children.set(name, child)
      return child
    },
    create: (def, args) => m.create(def, args),
  }
  def.build(args, inner)
  return node
}

/** Declares a building block: a layer definition that only models build (no signature, no checks). */
export function defineBlock<A>(definition: { name: string; build: (args: A, m: ModuleBuilder) => void; forward: ForwardFn<A> }): LayerDefinition<A> {
  return { name: definition.name, signature: [], build: definition.build, forward: definition.forward }
}

/** Runs the children of a Sequential-like module in order, as `nn.Sequential.forward` does. */
export function runChildren(self: ModuleNode, inputs: readonly Tensor[], ctx: ForwardContext): Tensor {
  let current = inputs[0]!
  for (const [name, child] of self.children) {
    if (child) current = ctx.run(child, [current], name)[0]!
  }
  return current
}

/** Runs the named child of `self` on one tensor and returns its first output. */
export function runChild(self: ModuleNode, name: string, x: Tensor, ctx: ForwardContext): Tensor {
  const child = self.children.get(name)
  if (!child) throw new Error(`internal: ${self.type} has no child ${name}`)
  return ctx.run(child, [x], name)[0]!
}

/** A Sequential-like torchvision class (`Conv2dNormActivation`, `MLP`, …): `build` registers the children, the forward runs them in order. */
export function defineSequentialBlock<A>(name: string, build: (args: A, m: ModuleBuilder) => void): LayerDefinition<A> {
  return defineBlock<A>({ name, build, forward: (self, inputs, ctx) => runChildren(self, inputs, ctx) })
}

/** Arguments every torchvision builder takes: `weights` (an entry of its enum, or `None`), `progress` and the deprecated `pretrained`. */
export interface BuilderArgs {
  weights: WeightsEntry | null
  progress: boolean
  pretrained: boolean
}

/** Marks an argument keyword-only, as the `**kwargs` of torchvision's builders are. */
export function keyword<T>(spec: ArgSpec<T>): ArgSpec<T> {
  return { ...spec, keywordOnly: true }
}

const builderSignature: ArgSpec[] = [weightsArg('weights'), bool('progress', { default: true })]

/** How a builder's `weights` argument works: which enum it takes and what an entry fixes. */
export interface ModelWeights<A> {
  /** The enum class (`ResNet50_Weights`); a function of the other arguments where it depends on one (`quantize`). */
  enum: string | ((args: A) => string)
  /**
   * Arguments an entry fixes, as torchvision's `_ovewrite_named_param` does: set when not given, an
   * error when given with another value. Default: `num_classes` from the entry's categories.
   */
  fix?: (entry: WeightsEntry) => Record<string, unknown>
  /** Arguments an entry sets only when they are not given (`transform_input`). */
  preset?: (entry: WeightsEntry) => Record<string, unknown>
}

/** What {@link defineModel} takes: the builder's own arguments, checks, structure and forward. */
export interface ModelDefinition<A> {
  name: string
  className: string
  /** The builder's own arguments (`weights`, `progress` and `pretrained` are added). */
  signature: readonly ArgSpec[]
  weights?: string | ModelWeights<A & BuilderArgs>
  validate?: (args: A & BuilderArgs, fail: (arg: string, message: string) => never) => void
  build: (args: A & BuilderArgs, m: ModuleBuilder) => void
  forward?: ForwardFn<A & BuilderArgs>
  untraced?: string
  /** Takes and ignores other keyword arguments, as builders whose `**kwargs` go nowhere do (the segmentation builders). */
  ignoresExtraKeywords?: boolean
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const modelDefinitions = new WeakMap<LayerDefinition, ModelDefinition<any>>()

/** The definition a builder was declared with, for builders that derive from another (the quantizable classifiers). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function modelDefinition(builder: LayerDefinition): ModelDefinition<any> {
  const found = modelDefinitions.get(builder)
  if (!found) throw new Error(`internal: ${builder.name} is not a model builder`)
  return found
}

/** The default of an argument the caller left out, until a builder's checks resolve it. */
const notGiven: unique symbol = Symbol('not given')
const givenByArgs = new WeakMap<object, ReadonlySet<string>>()

/** The names of a builder's arguments the call gave explicitly (torchvision's `kwargs` keys). */
export function givenArgs(args: object): ReadonlySet<string> {
  return givenByArgs.get(args) ?? new Set()
}

function defaultFix(entry: WeightsEntry): Record<string, unknown> {
  return entry.categories === null ? {} : { num_classes: entry.categories }
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

function showPy(value: unknown): string {
  if (value === null) return 'None'
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  if (Array.isArray(value)) return `(${value.map(showPy).join(', ')})`
  return String(value)
}

/**
 * Declares one torchvision builder function (`resnet50`) that makes a model class (`ResNet`).
 * `weights` and `progress` may be positional, every other argument is keyword-only, as in
 * torchvision 0.28. `weights` takes `None`, an entry of the builder's enum (by default the one
 * torchvision registers for `name`) or its name; an entry
 * fixes the structure as torchvision does before loading it (`num_classes` from its categories and
 * what `weights.fix` adds), and nothing is downloaded. The deprecated `pretrained=True` selects the
 * entry torchvision's legacy interface selects. `untraced` explains why the model has no forward trace.
 */
export function defineModel<A>(definition: ModelDefinition<A>): LayerDefinition<A & BuilderArgs> {
  const own = [...builderSignature, ...definition.signature.map(keyword), keyword(bool('pretrained', { default: false }))]
  const defaults = new Map(own.map((s) => [s.name, s.default]))
  const declared = definition.weights ?? (Object.hasOwn(builderWeights, definition.name) ? builderWeights[definition.name] : undefined)
  const weights: ModelWeights<A & BuilderArgs> | undefined = typeof declared === 'string' ? { enum: declared } : declared
  const builder: LayerDefinition<A & BuilderArgs> = {
    name: definition.name,
    className: definition.className,
    signature: own.map((s) => ({ ...s, default: notGiven })),
    validate(args, fail) {
      const record = args as unknown as Record<string, unknown>
      const given = new Set<string>()
      for (const [name, value] of defaults) {
        if (record[name] === notGiven) record[name] = value
        else given.add(name)
      }
      givenByArgs.set(args, given)
      if (given.has('pretrained') && given.has('weights')) fail('pretrained', `\`${definition.name}\` got both \`weights\` and the deprecated \`pretrained\`: pass \`weights\` only.`)
      if (!weights) {
        if (record['weights'] !== null || args.pretrained) fail(given.has('weights') ? 'weights' : 'pretrained', `\`${definition.name}\` has no pretrained weights in torchvision: leave \`weights\` out.`)
        definition.validate?.(args, fail)
        return
      }
      const enumName = typeof weights.enum === 'string' ? weights.enum : weights.enum(args)
      const weightsEnumInfo = weightsEnum(enumName)
      let entry: WeightsEntry | null
      if (args.pretrained) {
        entry = weightsEnumInfo.legacyEntry
        if (entry === null) fail('pretrained', `No weights available for model \`${definition.name}\` with \`pretrained=True\`: name one, such as \`weights=${enumName}.DEFAULT\`.`)
      } else {
        try {
          entry = verifyWeights(weightsEnumInfo, record['weights'] as WeightsInput, 'weights')
        } catch (error) {
          if (NnsizeError.isInstance(error)) fail('weights', error.message)
          throw error
        }
      }
      record['weights'] = entry
      if (entry) {
        for (const [name, value] of Object.entries((weights.fix ?? defaultFix)(entry))) {
          if (given.has(name) && record[name] !== null && !same(record[name], value)) {
            fail(name, `The parameter \`${name}\` expected value ${showPy(value)} but got ${showPy(record[name])} instead: the weights \`${entry.enumName}.${entry.name}\` fix it (leave \`${name}\` out, or use \`weights=None\`).`)
          }
          record[name] = value
        }
        for (const [name, value] of Object.entries(weights.preset?.(entry) ?? {})) if (!given.has(name)) record[name] = value
      }
      definition.validate?.(args, fail)
    },
    build: definition.build,
    ...(definition.forward ? { forward: definition.forward } : {}),
    ...(definition.untraced ? { untraced: definition.untraced } : {}),
    ...(definition.ignoresExtraKeywords ? { ignoresExtraKeywords: true } : {}),
  }
  modelDefinitions.set(builder, definition)
  return builder
}

/** torchvision's `_make_divisible`: rounds a channel count to a multiple of `divisor`, never below 90% of it. */
export function makeDivisible(value: number, divisor: number, minValue?: number): number {
  return roundToDivisible(value, divisor, minValue ?? divisor)
}

/** A `bool` argument that may be `None` (default `None`), such as `init_weights`. */
export function optionalBool(name: string): ArgSpec<boolean | null> {
  const inner = bool(name)
  return { name, required: false, default: null, coerce: (value, span, argName) => (value.kind === 'none' ? null : inner.coerce(value, span, argName)) }
}

/** Python's `round(x)` to an int: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x)
  const diff = x - floor
  if (diff > 0.5) return floor + 1
  if (diff < 0.5) return floor
  return floor % 2 === 0 ? floor : floor + 1
}
