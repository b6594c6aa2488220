import { NnsizeError } from '../errors.js'
import type { SourceSpan } from '../errors.js'
import { createModule } from '../model/module.js'
import type { FunctionDef, AsyncFunctionDef, Lambda } from '../python/ast.js'
import { didYouMean, suggest } from '../suggest.js'
import { lookupInMro } from './classes.js'
import { newContainerInstance } from './container-classes.js'
import type { PyClass } from './classes.js'
import { locate, raise } from './exceptions.js'
import { dictSet, newDict } from './hash.js'
import type { Interpreter } from './interpreter.js'
import { limits } from '../limits.js'
import { userForwardLayer } from './forward.js'
import { Frame, functionInfo } from './scope.js'
import { RETURN } from './statements.js'
import { NONE, quoted, str, typeName, showValue } from '../contract/values.js'
import type { ArgValue, FunctionValue, Value } from '../contract/values.js'

/** Makes a function value for a `def` or `lambda` evaluated in `frame`: defaults are evaluated now, as in Python. */
export function makeFunction(it: Interpreter, node: FunctionDef | AsyncFunctionDef | Lambda, name: string, frame: Frame, _decorators: Value[]): FunctionValue {
  const defaults = node.args.defaults.map((d) => it.evaluate(d, frame))
  const kwDefaults = new Map<string, Value>()
  node.args.kwonlyargs.forEach((arg, i) => {
    const d = node.args.kw_defaults[i]
    if (d) kwDefaults.set(arg.arg, it.evaluate(d, frame))
  })
  const prefix = frame.kind === 'class' ? (frame.locals.get('__qualname__') as { value?: string } | undefined)?.value : undefined
  const qualname = prefix !== undefined ? `${prefix}.${name}` : name
  return {
    kind: 'function',
    name,
    qualname,
    node,
    file: frame.file,
    globals: frame.globals,
    closure: frame.kind === 'class' ? frame.closureScope : frame.kind === 'module' ? undefined : frame,
    defaults,
    kwDefaults,
    module: frame.module,
    classCell: frame.kind === 'class' ? frame.classCell : frame.definingClass,
  }
}

/** Calls any value: a function, a method, a class, a native, a placeholder (which gives a placeholder). */
export function callValue(it: Interpreter, fn: Value, args: ArgValue[], span: SourceSpan): Value {
  switch (fn.kind) {
    case 'callable':
      return fn.invoke(args, span, it)
    case 'function':
      return callFunction(it, fn, args, span)
    case 'method':
      return callValue(it, fn.fn, [{ value: fn.self, span, valueSpan: span }, ...args], span)
    case 'class':
      return instantiate(it, fn.cls, args, span)
    case 'placeholder':
      return { kind: 'placeholder', name: `${fn.name}()`, reason: fn.reason }
    case 'typehint':
      return fn
    case 'descriptor':
      if (fn.type === 'staticmethod') return callValue(it, fn.fn, args, span)
      break
    case 'instance': {
      const call = lookupInMro(fn.cls, '__call__')
      if (call) return callValue(it, call.value, [{ value: fn, span, valueSpan: span }, ...args], span)
      break
    }
    case 'module': {
      const call = it.getattr(fn, '__call__', span)
      return callValue(it, call, args, span)
    }
    default:
      break
  }
  return raise('TypeError', 'type', `\`${showValue(fn)}\` (${typeName(fn)}) is not callable.`, span)
}

/** Binds arguments to a Python function's parameters as CPython does and runs its body. */
export function callFunction(it: Interpreter, fn: FunctionValue, args: readonly ArgValue[], span: SourceSpan): Value {
  const node = fn.node
  const a = node.args
  // what the body declares is found on its first call: most methods of a model file (`generate`, `configure_optimizers`) never run
  const info = functionInfo(node)
  const frame = new Frame('function', fn.globals, fn.closure, fn.file, fn.module, info, fn.classCell)
  const locals = frame.locals
  const posonly = a.posonlyargs.length
  const positional = posonly === 0 ? a.args : [...a.posonlyargs, ...a.args]
  const nPos = positional.length
  const extra: Value[] = []
  let kwargs: ReturnType<typeof newDict> | undefined
  let given = 0
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg.name === undefined) {
      given++
      if (given <= nPos) locals.set(positional[given - 1]!.arg, arg.value)
      else if (a.vararg) extra.push(arg.value)
      continue
    }
    const name = arg.name
    let index = -1
    for (let i = posonly; i < nPos; i++) {
      if (positional[i]!.arg === name) {
        index = i
        break
      }
    }
    if (index >= 0 || a.kwonlyargs.some((k) => k.arg === name)) {
      if (locals.has(name)) throw new NnsizeError('too-many-arguments', `\`${fn.qualname}()\` got multiple values for argument ${quoted(name)}.`, { span: arg.span })
      locals.set(name, arg.value)
    } else if (a.kwarg) {
      kwargs ??= newDict()
      dictSet(kwargs, str(name), arg.value, arg.span)
    } else {
      const names = [...positional.slice(posonly), ...a.kwonlyargs].map((p) => p.arg)
      const suggestions = suggest(name, names)
      throw new NnsizeError('unknown-argument', `\`${fn.qualname}()\` has no argument ${quoted(name)}.${didYouMean(suggestions)}${suggestions.length === 0 ? ` Its arguments are ${names.map((n) => `\`${n}\``).join(', ') || 'none'}.` : ''}`, { span: arg.span, suggestions })
    }
  }
  if (given > nPos && !a.vararg) {
    throw new NnsizeError('too-many-arguments', `\`${fn.qualname}()\` takes ${nPos} positional argument${nPos === 1 ? '' : 's'} but ${given} were given.`, { span })
  }
  const firstDefault = nPos - fn.defaults.length
  let missing: string[] | undefined
  for (let i = 0; i < nPos; i++) {
    const name = positional[i]!.arg
    if (locals.has(name)) continue
    if (i >= firstDefault) locals.set(name, fn.defaults[i - firstDefault]!)
    else (missing ??= []).push(name)
  }
  for (let i = 0; i < a.kwonlyargs.length; i++) {
    const k = a.kwonlyargs[i]!
    if (locals.has(k.arg)) continue
    const d = fn.kwDefaults.get(k.arg)
    if (d !== undefined) locals.set(k.arg, d)
    else (missing ??= []).push(k.arg)
  }
  if (missing) {
    throw new NnsizeError('missing-argument', `\`${fn.qualname}()\` is missing required argument${missing.length > 1 ? 's' : ''} ${missing.map((m) => `\`${m}\``).join(', ')}.`, { span: { ...span, start: Math.max(span.start, span.end - 1) } })
  }
  if (a.vararg) {
    it.budget.allocate(extra.length, span)
    locals.set(a.vararg.arg, { kind: 'tuple', items: extra })
  }
  if (a.kwarg) locals.set(a.kwarg.arg, kwargs ?? newDict())
  if (nPos > 0) frame.selfName = positional[0]!.arg
  it.budget.step(span)
  it.budget.enter(span)
  try {
    if (node.type === 'Lambda') return it.evaluate(node.body, frame)
    if (info.generator) {
      frame.yields = []
      it.exec(node.body, frame)
      const items = frame.yields
      let i = 0
      return { kind: 'iterator', name: 'generator', next: () => (i < items.length ? items[i++] : undefined) }
    }
    return it.exec(node.body, frame) === RETURN ? frame.returnValue! : NONE
  } catch (error) {
    throw locate(error, span)
  } finally {
    it.budget.leave()
  }
}

/** Makes an instance of a class: a built-in's own constructor, or a new object (a module for `nn.Module` classes) passed to `__init__`. */
export function instantiate(it: Interpreter, cls: PyClass, args: ArgValue[], span: SourceSpan): Value {
  if (!cls.user && cls.native?.call) return cls.native.call(args, span, it, cls)
  let self: Value
  if (cls.isModule) {
    it.budget.modules++
    if (it.budget.modules > limits.maxModules) throw new NnsizeError('limit', `The model has more than ${limits.maxModules.toLocaleString('en-US')} modules, the limit.`, { span })
    const node = createModule(cls.name)
    node.span = span
    it.instances.set(node, { cls, dict: newDict() })
    self = { kind: 'module', module: node }
  } else {
    // A class derived from `dict` or `list` makes a dict or list of its class, which its `__init__` then fills.
    self = cls.container ? newContainerInstance(cls) : { kind: 'instance', cls, dict: newDict() }
  }
  const init = lookupInMro(cls, '__init__')
  if (init) callValue(it, init.value, [{ value: self, span, valueSpan: span }, ...args], span)
  if (self.kind === 'module') {
    // A class that defines `forward` itself runs it (interpreted); one that does not keeps its built-in base's. One
    // with no forward at all (CleanRL's agents) is interpreted too: a call expression may run one of its methods.
    const forward = lookupInMro(cls, 'forward')
    if (forward ? forward.owner.user : self.module.layer === undefined) self.module.layer = userForwardLayer(it, forward?.owner ?? cls)
  }
  return self
}
