import { NnsizeError } from '../../errors.js'
import type { SourceSpan } from '../../errors.js'
import { bindArguments } from '../../bind/bind.js'
import { parseExpression } from '../../python/parse.js'
import { spanOf } from '../../python/ast.js'
import type { Expr } from '../../python/ast.js'
import { evaluateConstant } from '../../interpret/program.js'
import type { ArgValue, Value } from '../../contract/values.js'
import { showValue } from '../../contract/values.js'
import { defaultTorchVersion } from '../../forward/torch-version.js'
import type { TorchVersion } from '../../forward/torch-version.js'
import { didYouMean, suggest } from '../../suggest.js'
import type { OptimizerDefinition } from './define.js'
import { pyFloat } from './define.js'
import { findOptimizer, optimizerDefinitions, optimizerSpellings, presetOf } from './registry.js'

/**
 * The parameters an optimizer is given: the whole model's (`model.parameters()`, or nothing written), or one
 * submodule's (`model.encoder.parameters()`, `model[1].parameters()`): the parameters whose `named_parameters()` name
 * starts with its path.
 */
export interface OptimizerParameters {
  /** The submodule's path as `named_parameters()` spells it (`encoder`, `1`, `layers.0.attn`); `''` for the whole model. */
  module: string
  /** The expression in Python with the model named `model` (`model.parameters()`, `model.layers[0].parameters()`). */
  python: string
}

/** A parsed optimizer: which class, with which arguments (defaults filled in), on which PyTorch release. */
export interface OptimizerSpec {
  /** Class name (`AdamW`, `AdamW8bit`). */
  name: string
  /** Fully qualified name (`torch.optim.AdamW`, `bnb.optim.AdamW8bit`). */
  qualifiedName: string
  /** Where it comes from (`torch.optim`, `bitsandbytes`, `transformers`, …). */
  library: string
  /** Arguments after binding, defaults included. */
  args: Readonly<Record<string, unknown>>
  /** The arguments given explicitly, as `name=value` text (`lr=torch.tensor(0.001)` for a tensor). */
  givenArgs: readonly string[]
  /** The parameters it is given. */
  parameters: OptimizerParameters
  /** `torch.optim.AdamW(lr=0.0001)`, `torch.optim.Adam(model[1].parameters())`: the canonical spelling (the parameters only when a submodule's). */
  text: string
  /** The PyTorch release whose state it follows. */
  torch: TorchVersion
  /** What the optimizer keeps per parameter, in one sentence. */
  accounting: string
  /** Where the accounting comes from (source file or documentation). */
  source: string
}

/** Options of {@link parseOptimizer}. */
export interface ParseOptimizerOptions {
  /** The PyTorch release: which `torch.optim` classes exist and which state is a tensor. Default 2.13. */
  torch?: TorchVersion | undefined
}

const definitionOf = new WeakMap<OptimizerSpec, OptimizerDefinition>()

/** The definition behind a spec made by {@link parseOptimizer}. */
export function definitionOfSpec(spec: OptimizerSpec): OptimizerDefinition | undefined {
  return definitionOf.get(spec)
}

/**
 * Evaluates a constant argument expression (`1e-4`, `(0.9, 0.95)`, `True`, `'strong_wolfe'`, `3e-4 * 2`) with the
 * expression language's own evaluator and no names in scope. Anything else is an `option` error pointing at it.
 */
function constantValue(expr: Expr): Value {
  try {
    return evaluateConstant(expr)
  } catch (error) {
    if (!NnsizeError.isInstance(error)) throw error
    if (error.code === 'unknown-name' || error.code === 'unknown-attribute' || error.code === 'unsupported') {
      throw new NnsizeError('option', 'Only constants (numbers, strings, `True`/`False`/`None`, tuples) can be given here.', { span: spanOf(expr), field: 'optimizer' })
    }
    throw asOption(error)
  }
}

/** Any error about the optimizer's text as an `option` error of the `optimizer` field, keeping its place and suggestions. */
function asOption(error: unknown): unknown {
  if (NnsizeError.isInstance(error) && (error.code !== 'option' || error.field === undefined)) {
    return new NnsizeError('option', error.message, { span: error.span, suggestions: error.suggestions, field: 'optimizer' })
  }
  return error
}

function dottedName(expr: Expr): string | undefined {
  if (expr.type === 'Name') return expr.id
  if (expr.type === 'Attribute') {
    const head = dottedName(expr.value)
    return head === undefined ? undefined : `${head}.${expr.attr}`
  }
  return undefined
}

function unknownOptimizer(name: string, span: SourceSpan): NnsizeError {
  const suggestions = suggest(name, optimizerSpellings())
  const known = [...new Set(optimizerDefinitions.map((d) => d.qualifiedNames[0]!))].map((q) => `\`${q}\``).join(', ')
  return new NnsizeError('option', `Unknown optimizer \`${name}\`.${didYouMean(suggestions)}${suggestions.length === 0 ? ` Known: ${known}.` : ''}`, { span, suggestions, field: 'optimizer' })
}

/** `'2.5'` ≤ `'2.13'`: compares dotted release numbers. */
function releaseAtLeast(torch: TorchVersion, since: string): boolean {
  const [a, b] = [torch, since].map((v) => v.split('.').map(Number))
  for (let i = 0; i < Math.max(a!.length, b!.length); i++) {
    const d = (a![i] ?? 0) - (b![i] ?? 0)
    if (d !== 0) return d > 0
  }
  return true
}

function formatArg(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pyFloat(value)
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  if (value === null) return 'None'
  if (typeof value === 'string') return `'${value}'`
  if (Array.isArray(value)) return `(${value.map(formatArg).join(', ')})`
  if (typeof value === 'object' && value !== null && 'kind' in value) return showValue(value as Value)
  return String(value)
}

/** An argument as `formatArg` writes it, with the parts given as tensors written `torch.tensor(…)` (`tensorPaths`: `''` or `[0]`). */
function formatGiven(value: unknown, tensorPaths: readonly string[]): string {
  if (tensorPaths.includes('')) return `torch.tensor(${formatArg(value)})`
  if (Array.isArray(value) && tensorPaths.length > 0) return `(${value.map((v, i) => formatGiven(v, tensorPaths.includes(`[${i}]`) ? [''] : [])).join(', ')})`
  return formatArg(value)
}

/** The whole model's parameters: what an optimizer is given when nothing else is written. */
const wholeModel: OptimizerParameters = Object.freeze({ module: '', python: 'model.parameters()' })

/** An argument written with `torch.tensor(…)` parts: where they are (`''` the whole value, `[i]` a tuple item). */
type TensorParts = Map<SourceSpan, string[]>

function build(def: OptimizerDefinition, args: readonly ArgValue[], callSpan: SourceSpan, torch: TorchVersion, parameters: OptimizerParameters = wholeModel, tensorParts: TensorParts = new Map()): OptimizerSpec {
  const qualified = def.qualifiedNames[0]!
  if (def.since !== undefined && !releaseAtLeast(torch, def.since)) {
    throw new NnsizeError('option', `\`${qualified}\` is new in PyTorch ${def.since}; it does not exist in PyTorch ${torch}.`, { span: callSpan, field: 'optimizer' })
  }
  let bound: ReturnType<typeof bindArguments>
  try {
    bound = bindArguments(qualified, def.signature, args, callSpan)
  } catch (error) {
    throw asOption(error)
  }
  // which bound arguments were written as tensors, found by their value's span
  const tensorPathsOf = new Map<string, string[]>()
  for (const [span, paths] of tensorParts) {
    const name = def.signature.find((s) => bound.spans[s.name] === span)?.name
    if (name === undefined) continue
    if (!def.tensorArguments?.includes(name)) {
      const accepted = def.tensorArguments?.map((a) => `\`${a}\``).join(' and ')
      throw new NnsizeError('option', `\`${qualified}\` takes \`${name}\` as a number, not a tensor${accepted ? `; only ${accepted} may be given as \`torch.tensor(…)\`` : ''}.`, { span, field: 'optimizer' })
    }
    tensorPathsOf.set(name, paths)
  }
  const tensors = new Set([...tensorPathsOf].flatMap(([name, paths]) => paths.map((path) => `${name}${path}`)))
  def.validate?.(
    bound.values,
    (arg, message) => {
      throw new NnsizeError('option', `\`${qualified}\`: ${message}.`, { span: (arg && bound.spans[arg]) || callSpan, field: 'optimizer' })
    },
    tensors,
  )
  const givenArgs = def.signature.filter((s) => s.name in bound.spans).map((s) => `${s.name}=${formatGiven(bound.values[s.name], tensorPathsOf.get(s.name) ?? [])}`)
  const spec: OptimizerSpec = {
    name: def.name,
    qualifiedName: qualified,
    library: def.library,
    args: Object.freeze({ ...bound.values }),
    givenArgs,
    parameters,
    text: `${qualified}(${[...(parameters.module === '' ? [] : [parameters.python]), ...givenArgs].join(', ')})`,
    torch,
    accounting: def.accounting({ torch }),
    source: def.source,
  }
  definitionOf.set(spec, def)
  return spec
}

/** What the parameters may be, for messages. */
const SUPPORTED_PARAMETERS =
  'Give `model.parameters()` (every parameter; also `params`, or leave it out), or one submodule\'s: `model.encoder.parameters()`, `model[1].parameters()`, `model.layers[0].attn.parameters()`; freeze what the optimizer should skip with `requires_grad_(False)` in the model.'

/** Bare names taken as the whole model's parameters (`params = model.parameters()` written beforehand). */
const WHOLE_MODEL_NAMES = new Set(['params', 'parameters', 'model_parameters', 'model_params'])

function refuseParameters(what: string, expr: Expr): never {
  throw new NnsizeError('option', `${what} ${SUPPORTED_PARAMETERS}`, { span: spanOf(expr), field: 'optimizer' })
}

/** One step of a submodule path: `.encoder`, `[1]`, `['key']`. */
type PathStep = { attr: string } | { index: string; python: string }

/** `model.layers[0].attn` → its steps after the model's name; refuses what is not a plain attribute or index path. */
function submodulePath(expr: Expr, whole: Expr, text: string): PathStep[] {
  const sourceOf = (e: Expr): string => text.slice(e.start, e.end)
  if (expr.type === 'Name') return []
  if (expr.type === 'Attribute') return [...submodulePath(expr.value, whole, text), { attr: expr.attr }]
  if (expr.type === 'Subscript') {
    const head = submodulePath(expr.value, whole, text)
    const key = expr.slice.type === 'Slice' ? undefined : constantValue(expr.slice)
    if (key?.kind === 'int' && key.value >= 0n) return [...head, { index: String(key.value), python: String(key.value) }]
    if (key?.kind === 'str') return [...head, { index: key.value, python: showValue(key) }]
    refuseParameters(`\`${sourceOf(whole)}\`: only a non-negative index or a key selects a submodule here (\`model[1]\`, \`model.blocks['attn']\`), not \`${sourceOf(expr.slice)}\`.`, expr.slice)
  }
  refuseParameters(`\`${sourceOf(whole)}\` is not a submodule's parameters.`, whole)
}

/**
 * The parameters argument (`model.parameters()`, `model.fc.parameters()`, `model[1].named_parameters()`, `params`,
 * `list(…)` of one of these): which submodule's parameters. Filters, lists and parameter groups are refused, never
 * counted as the whole model.
 */
function parametersArgument(expr: Expr, text: string): OptimizerParameters {
  const sourceOf = (e: Expr): string => text.slice(e.start, e.end)
  if (expr.type === 'Name' && WHOLE_MODEL_NAMES.has(expr.id)) return wholeModel
  if (expr.type === 'Call' && expr.func.type === 'Name' && expr.func.id === 'list' && expr.args.length === 1 && expr.keywords.length === 0) return parametersArgument(expr.args[0]!, text)
  if (expr.type === 'Call' && expr.func.type === 'Attribute' && (expr.func.attr === 'parameters' || expr.func.attr === 'named_parameters')) {
    if (expr.args.length > 0 || expr.keywords.length > 0) refuseParameters(`\`${sourceOf(expr)}\`: arguments to \`${expr.func.attr}()\` (\`recurse=False\`) are not supported.`, expr)
    const steps = submodulePath(expr.func.value, expr, text)
    if (steps.length === 0) return wholeModel
    const module = steps.map((s) => ('attr' in s ? s.attr : s.index)).join('.')
    const python = `model${steps.map((s) => ('attr' in s ? `.${s.attr}` : `[${s.python}]`)).join('')}.parameters()`
    return { module, python }
  }
  const isGroups = (expr.type === 'List' || expr.type === 'Tuple') && expr.elts.some((e) => e.type === 'Dict')
  if (isGroups) refuseParameters('Parameter groups (a list of dicts with their own hyper-parameters) are not supported: their state would follow each group\'s arguments.', expr)
  if (expr.type === 'ListComp' || expr.type === 'GeneratorExp' || (expr.type === 'Call' && dottedName(expr.func) === 'filter')) {
    refuseParameters(`\`${sourceOf(expr)}\` selects parameters by a condition, which nnsize does not evaluate.`, expr)
  }
  refuseParameters(`\`${sourceOf(expr)}\` is not a set of parameters nnsize can read.`, expr)
}

/** The parameters argument, or a constant where it belongs (`SGD(0.1)`): PyTorch's order puts the parameters first. */
function firstArgument(arg: Expr, name: string, text: string, def: OptimizerDefinition): OptimizerParameters {
  if (def.splitsParameters && arg.type === 'Name') return wholeModel
  if (arg.type === 'Constant' || arg.type === 'UnaryOp' || arg.type === 'BinOp') {
    throw new NnsizeError('option', `The first argument of \`${name}\` is the parameters (\`model.parameters()\`); pass the others by keyword, as in \`${name}(lr=${text.slice(arg.start, arg.end)})\`.`, { span: spanOf(arg), field: 'optimizer' })
  }
  return parametersArgument(arg, text)
}

/**
 * `torch.tensor(1e-3)` in a hyper-parameter: PyTorch takes one-element tensors for `lr` (and Adam's `betas`), and
 * their value is what counts. Returns the expression with each such call replaced by its number, and where the
 * calls were (`''` the whole argument, `[i]` an item of a tuple).
 */
function withoutTensors(expr: Expr, path = '', found: string[] = []): [Expr, string[]] {
  if (expr.type === 'Call' && dottedName(expr.func) === 'torch.tensor') {
    let inner = expr.args[0]
    if (inner && (inner.type === 'List' || inner.type === 'Tuple') && inner.elts.length === 1) inner = inner.elts[0]
    if (expr.args.length !== 1 || expr.keywords.length > 0 || !inner || inner.type === 'List' || inner.type === 'Tuple') {
      throw new NnsizeError('option', 'A tensor hyper-parameter has one element, as in `lr=torch.tensor(1e-3)` (PyTorch: "Tensor lr must be 1-element"); nnsize takes no other arguments to `torch.tensor` here.', { span: spanOf(expr), field: 'optimizer' })
    }
    found.push(path)
    return [inner, found]
  }
  if (expr.type === 'Tuple' && path === '') return [{ ...expr, elts: expr.elts.map((e, i) => withoutTensors(e, `[${i}]`, found)[0]) }, found]
  return [expr, found]
}

/**
 * Parses an optimizer given in PyTorch syntax (`AdamW(lr=1e-4)`, `torch.optim.SGD(lr=0.1, momentum=0.9, nesterov=True)`,
 * `bnb.optim.AdamW8bit()`, `SGD(model.parameters(), 0.1)`, `Adam(model.encoder.parameters())`) or as a short name
 * (`adamw`, `sgd`, `adam8bit`, `paged_adamw_8bit`, `lion`, `adamw_torch_fused`). No code is run: the text is parsed by
 * the core's expression parser and the arguments are bound to the optimizer's signature with `bind/`. The parameters
 * argument (first, or `params=`) selects the whole model or one submodule; other forms are refused. Errors (code
 * `option`, field `optimizer`) carry spans into `text` and "did you mean" suggestions.
 */
export function parseOptimizer(text: string, options: ParseOptimizerOptions = {}): OptimizerSpec {
  if (typeof text !== 'string') throw new NnsizeError('option', `The optimizer must be text such as \`AdamW(lr=1e-4)\`, got ${text === null ? 'null' : typeof text}.`, { field: 'optimizer' })
  const torch = options.torch ?? defaultTorchVersion
  const trimmed = text.trim()
  const whole = { start: 0, end: text.length }
  if (trimmed === '') throw new NnsizeError('option', 'The optimizer is empty: give a name such as `adamw` or PyTorch syntax such as `AdamW(lr=1e-4)`.', { span: whole, field: 'optimizer' })
  if (/^[A-Za-z_][\w.-]*$/.test(trimmed)) {
    const def = findOptimizer(trimmed, true)
    const at = text.indexOf(trimmed)
    const span = { start: at, end: at + trimmed.length }
    if (!def) throw unknownOptimizer(trimmed, span)
    return build(def, presetArguments(def, trimmed, span), whole, torch)
  }
  let expr: Expr
  try {
    expr = parseExpression(text)
  } catch (error) {
    throw asOption(error)
  }
  const callee = expr.type === 'Call' ? expr.func : expr
  const name = dottedName(callee)
  if (name === undefined) throw new NnsizeError('option', 'Expected an optimizer such as `AdamW(lr=1e-4)` or a name such as `adamw`.', { span: spanOf(expr), field: 'optimizer' })
  const def = findOptimizer(name, !name.includes('.'))
  if (!def) throw unknownOptimizer(name, spanOf(callee))
  const args: ArgValue[] = name.includes('.') ? [] : presetArguments(def, name, spanOf(callee))
  let parameters = wholeModel
  const tensorParts: TensorParts = new Map()
  const argument = (value: Expr, argName: string | undefined, span: SourceSpan): void => {
    const [plain, paths] = withoutTensors(value)
    const valueSpan = spanOf(value)
    if (paths.length > 0) tensorParts.set(valueSpan, paths)
    args.push({ name: argName, value: constantValue(plain), span, valueSpan })
  }
  if (expr.type === 'Call') {
    for (const kw of expr.keywords) {
      if (kw.arg === null) throw new NnsizeError('option', '`*args` and `**kwargs` are not supported here: write the arguments out.', { span: spanOf(kw), field: 'optimizer' })
    }
    expr.args.forEach((arg, index) => {
      if (arg.type === 'Starred') throw new NnsizeError('option', '`*args` and `**kwargs` are not supported here: write the arguments out.', { span: spanOf(arg), field: 'optimizer' })
      if (index === 0) parameters = firstArgument(arg, name, text, def)
      else argument(arg, undefined, spanOf(arg))
    })
    for (const kw of expr.keywords) {
      if (kw.arg === 'params') {
        if (expr.args.length > 0) throw new NnsizeError('option', `\`${name}\` got multiple values for argument \`params\`.`, { span: spanOf(kw), field: 'optimizer' })
        parameters = parametersArgument(kw.value, text)
      } else argument(kw.value, kw.arg!, spanOf(kw))
    }
  }
  return build(def, args, spanOf(expr), torch, parameters, tensorParts)
}

/** The arguments a short name sets (`adamw_torch_fused` is `AdamW(fused=True)`), placed at the name. */
function presetArguments(def: OptimizerDefinition, name: string, span: SourceSpan): ArgValue[] {
  const preset = presetOf(def, name)
  if (preset === undefined) return []
  const call = parseExpression(`f(${preset})`)
  if (call.type !== 'Call') return []
  return call.keywords.map((kw) => ({ name: kw.arg!, value: evaluateConstant(kw.value), span, valueSpan: span }))
}
