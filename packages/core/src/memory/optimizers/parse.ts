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
import { findOptimizer, optimizerDefinitions, optimizerSpellings } from './registry.js'

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
  /** The arguments given explicitly, as `name=value` text. */
  givenArgs: readonly string[]
  /** `torch.optim.AdamW(lr=0.0001)`: the canonical spelling. */
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

function build(def: OptimizerDefinition, args: readonly ArgValue[], callSpan: SourceSpan, torch: TorchVersion): OptimizerSpec {
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
  def.validate?.(bound.values, (arg, message) => {
    throw new NnsizeError('option', `\`${qualified}\`: ${message}.`, { span: (arg && bound.spans[arg]) || callSpan, field: 'optimizer' })
  })
  const givenArgs = def.signature.filter((s) => s.name in bound.spans).map((s) => `${s.name}=${formatArg(bound.values[s.name])}`)
  const spec: OptimizerSpec = {
    name: def.name,
    qualifiedName: qualified,
    library: def.library,
    args: Object.freeze({ ...bound.values }),
    givenArgs,
    text: `${qualified}(${givenArgs.join(', ')})`,
    torch,
    accounting: def.accounting({ torch }),
    source: def.source,
  }
  definitionOf.set(spec, def)
  return spec
}

/** `model.parameters()`, `params`, `[p for ...]`, `filter(...)`: anything that is not a constant. */
function isParamsExpression(expr: Expr): boolean {
  return expr.type === 'Name' || expr.type === 'Attribute' || expr.type === 'Call' || expr.type === 'ListComp' || expr.type === 'GeneratorExp' || expr.type === 'Subscript'
}

/**
 * Parses an optimizer given in PyTorch syntax (`AdamW(lr=1e-4)`, `torch.optim.SGD(lr=0.1, momentum=0.9, nesterov=True)`,
 * `bnb.optim.AdamW8bit()`, `SGD(model.parameters(), 0.1)`) or as a short name (`adamw`, `sgd`, `adam8bit`,
 * `paged_adamw_8bit`, `lion`). No code is run: the text is parsed by the core's expression parser and the arguments
 * are bound to the optimizer's signature with `bind/`. Errors (code `option`, field `optimizer`) carry spans into
 * `text` and "did you mean" suggestions.
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
    if (!def) throw unknownOptimizer(trimmed, { start: at, end: at + trimmed.length })
    return build(def, [], whole, torch)
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
  const args: ArgValue[] = []
  if (expr.type === 'Call') {
    for (const kw of expr.keywords) {
      if (kw.arg === null) throw new NnsizeError('option', '`*args` and `**kwargs` are not supported here: write the arguments out.', { span: spanOf(kw), field: 'optimizer' })
    }
    expr.args.forEach((arg, index) => {
      if (arg.type === 'Starred') throw new NnsizeError('option', '`*args` and `**kwargs` are not supported here: write the arguments out.', { span: spanOf(arg), field: 'optimizer' })
      if (index === 0 && isParamsExpression(arg)) return
      if (index === 0) {
        throw new NnsizeError('option', `The first argument of \`${name}\` is the parameters (\`model.parameters()\`); pass the others by keyword, as in \`${name}(lr=${text.slice(arg.start, arg.end)})\`.`, { span: spanOf(arg), field: 'optimizer' })
      }
      const span = spanOf(arg)
      args.push({ name: undefined, value: constantValue(arg), span, valueSpan: span })
    })
    for (const kw of expr.keywords) args.push({ name: kw.arg!, value: constantValue(kw.value), span: spanOf(kw), valueSpan: spanOf(kw.value) })
  }
  return build(def, args, spanOf(expr), torch)
}
