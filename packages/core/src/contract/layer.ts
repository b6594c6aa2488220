import type { DType } from '../tensor/dtype.js'
import type { ArgSpec, ArgsOf, SpecValue } from './args.js'
import type { ForwardContext, Tensor } from './forward.js'
import type { ModuleNode, TensorDef } from './module.js'

/** Builds the parameters, buffers and submodules of one module, in PyTorch's registration order. */
export interface ModuleBuilder {
  /** Registers a parameter; dtype defaults to the layer's `dtype` argument, else float32. */
  param(name: string, shape: readonly number[], options?: { dtype?: DType; requiresGrad?: boolean }): TensorDef
  /** Registers a buffer; `persistent: false` keeps it out of `state_dict()`. */
  buffer(name: string, shape: readonly number[], options?: { dtype?: DType; persistent?: boolean }): TensorDef
  /**
   * Registers a parameter that already exists (the same `nn.Parameter` object given to two modules): it is one
   * tensor, counted once, as PyTorch's `named_parameters()` lists it once. Builders of layers made from
   * expressions have it.
   */
  shared?(name: string, tensor: TensorDef): TensorDef
  /** Registers `None` under a parameter or buffer name, as `register_parameter('bias', None)` does. */
  none(name: string, kind?: 'parameter' | 'buffer'): void
  /** Registers a submodule (`None` allowed). */
  child(name: string, module: ModuleNode | null): ModuleNode | null
  /**
   * Constructs a module of another layer kind from bound JS arguments, through its checks; omitted arguments take
   * their defaults. `m.create(linear, { in_features: 8, out_features: 4 })`: the compiler checks the names and types.
   */
  create<S extends readonly ArgSpec[], V extends ArgSpec | undefined>(layer: LayerDefinition<any, S, V>, args: CreateArgs<S, V>): ModuleNode
  /** The dtype for new floating-point tensors: the `dtype` argument or float32. */
  readonly floatDType: DType
}

/** Where a module's arguments came from, to point errors at them. */
export type ArgFailure = (arg: string, message: string) => never

/** One factor of a formula: a named quantity and its value (`in_channels`, 128). */
export type Factor = readonly [name: string, value: number]

/** How one tensor's element count is derived from the arguments. */
export interface FormulaTerm {
  /** The tensor's name (`weight`, `bias`). */
  tensor: string
  /** Factors whose product is its element count; repeated factors may be given once with an exponent in the name. */
  factors: readonly Factor[]
}

/**
 * The forward pass of one layer kind: output tensors from input tensors. `options` holds keyword
 * arguments of the forward call that a parent passed with `ctx.run` (e.g. `need_weights: false`).
 */
export type ForwardFn<A> = (self: ModuleNode & { args: A }, inputs: readonly Tensor[], ctx: ForwardContext, options?: Readonly<Record<string, unknown>>) => Tensor | Tensor[]

/** The contract every layer kind fulfils. Each kind lives in one file of `layers/` and is listed once in `layers/index.ts`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface LayerDefinition<A = any, S extends readonly ArgSpec[] = readonly ArgSpec[], V extends ArgSpec | undefined = ArgSpec | undefined> {
  /** The PyTorch class name, as written after `nn.`. */
  name: string
  /** Constructor arguments in PyTorch's positional order. */
  signature: S
  /** `*args` collected into one argument (Sequential's modules). */
  variadic?: V
  /** Takes and ignores any other keyword arguments (`**kwargs`, as `nn.Identity` does). */
  ignoresExtraKeywords?: boolean
  /** PyTorch's constructor checks. Call `fail(argName, message)` to reject. */
  validate?: (args: A, fail: ArgFailure) => void
  /** Registers parameters, buffers and submodules. */
  build: (args: A, m: ModuleBuilder) => void
  /** Shapes, compute and saved tensors of the forward pass. Layers without it cannot take an input. */
  forward?: ForwardFn<A>
  /**
   * The names of its forward's tensor parameters, in order (`['query', 'key', 'value']`); absent: `['input']`. A call
   * that names them (`attn(query=q, key=k, value=v)`, `fc(input=x)`) binds them as PyTorch does.
   */
  forwardInputs?: readonly string[]
  /**
   * The names of its forward's other parameters, in order after `forwardInputs` (`src_mask`, `tgt_mask`, …): a call
   * that passes them by position binds them by name, as the keywords the forward rule reads.
   */
  forwardOptions?: readonly string[]
  /**
   * Attributes PyTorch's constructor sets besides the arguments as given, or in their place
   * (`MultiheadAttention.kdim` is `embed_dim` when the argument is `None`; its `head_dim`).
   */
  attributes?: (args: A) => Readonly<Record<string, unknown>>
  /** Static methods that make a tensor (`nn.Transformer.generate_square_subsequent_mask(sz)`), by name. */
  tensorStaticMethods?: Record<string, TensorStaticMethod>
  /** Why a model has no forward trace (its output is data-dependent), for the error an input shape gets. */
  untraced?: string
  /**
   * Its forward takes any Python value (a module made from a Python class): in `nn.Sequential`, the tuple the module
   * before it returns is passed on whole, as PyTorch passes it, instead of being refused.
   */
  takesValues?: boolean
  /** Names the factors of each parameter's size, for the explanation. Without it the shapes are used. */
  explain?: (args: A) => FormulaTerm[]
  /** The kind of input its first argument takes: index tensors (int64) or floats. */
  inputKind?: 'index' | 'float'
  /** The class name of the module it makes, when it differs from `name` (`resnet50` makes a `ResNet`). */
  className?: string
  /** Class methods such as `nn.Embedding.from_pretrained`. */
  classMethods?: Record<string, ClassMethod>
  /**
   * For a class PyTorch 1.13 does not have: the earliest release known to have it (`'2.4'` for `nn.RMSNorm`).
   * Under `torch: '1.13'` such a class is refused.
   */
  since?: string
  /** Arguments PyTorch 1.13 does not take, each with the earliest release known to take it (`{ bias: '2.1' }`). */
  argsSince?: Readonly<Record<string, string>>
}

/** A static method of a layer class that makes a tensor: its shape and dtype from the bound arguments. */
export interface TensorStaticMethod {
  signature: readonly ArgSpec[]
  call(args: Record<string, unknown>): { shape: number[]; dtype: DType }
}

/** A class method that makes a module (`nn.Embedding.from_pretrained(weights, freeze=True)`). */
export interface ClassMethod {
  signature: readonly ArgSpec[]
  /** Makes the module; `create` constructs one of the method's class from JS arguments (`cls(...)`, defaults filled in). */
  call(args: Record<string, unknown>, create: (args: Record<string, unknown>) => ModuleNode): ModuleNode
}

/** The bound arguments of a layer with signature `S` and `*args` spec `V`: `V`'s values are collected into a list. */
export type LayerArgs<S extends readonly ArgSpec[], V extends ArgSpec | undefined = undefined> = ArgsOf<S> &
  (V extends ArgSpec<infer T, infer N> ? { [K in N]: T[] } : unknown)

/** Whether a spec must be given: `true` only when its type says so. */
type IsRequired<P> = P extends { required: true } ? true : false

/**
 * The arguments {@link ModuleBuilder.create} takes for a layer with signature `S` and `*args` spec `V`: the required
 * ones must be given, the others may be; each is the converted JS value (`ints` take a list).
 */
export type CreateArgs<S extends readonly ArgSpec[], V extends ArgSpec | undefined = undefined> = {
  [P in S[number] as IsRequired<P> extends true ? P['name'] : never]: SpecValue<P>
} & { [P in S[number] as IsRequired<P> extends true ? never : P['name']]?: SpecValue<P> } & (V extends ArgSpec<infer T, infer N>
    ? { [K in N]?: T[] }
    : unknown)
