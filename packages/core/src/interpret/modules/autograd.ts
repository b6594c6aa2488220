import { makeClass } from '../classes.js'
import type { PyClass } from '../classes.js'
import { raise } from '../exceptions.js'
import { customFunctionResult, setGradMode } from '../forward.js'
import { dictSet, newDict } from '../hash.js'
import { lookupInMro } from '../classes.js'
import { objectClass } from '../types.js'
import { NONE, TensorValue, bool, namespace, native, str, tuple } from '../../contract/values.js'
import type { ArgValue, InstanceValue, NamespaceValue, Value } from '../../contract/values.js'

/** What a `ctx` of `Function.apply` keeps: the tensors `save_for_backward` saved and those marked non-differentiable. */
interface FunctionContext {
  saved: TensorValue[]
  nonDifferentiable: Set<TensorValue>
}

function contextOf(value: Value | undefined): FunctionContext {
  const state = value?.kind === 'instance' ? (value.native as FunctionContext | undefined) : undefined
  return state ?? raise('TypeError', 'argument-type', 'Expected the `ctx` of an autograd function.', undefined)
}

function tensorsIn(values: readonly Value[], out: TensorValue[] = []): TensorValue[] {
  for (const v of values) {
    if (v instanceof TensorValue) out.push(v)
    else if (v.kind === 'tuple' || v.kind === 'list') tensorsIn(v.items, out)
  }
  return out
}

/** The class of the `ctx` that `forward` and `setup_context` receive. */
function functionContextClass(): PyClass {
  const cls = makeClass('FunctionCtx', [objectClass], { module: 'torch.autograd.function', native: { subclassable: false } })
  const method = (name: string, run: (ctx: FunctionContext, self: InstanceValue, args: readonly ArgValue[]) => Value): void => {
    cls.dict.set(name, native(`FunctionCtx.${name}`, (args) => run(contextOf(args[0]?.value), args[0]!.value as InstanceValue, args.slice(1)), { binds: true }))
  }
  method('save_for_backward', (ctx, self, args) => {
    ctx.saved = args.map((a) => (a.value instanceof TensorValue || a.value.kind === 'none' ? a.value : raise('TypeError', 'argument-type', '`save_for_backward` can only save tensors or None.', a.span))).filter((v): v is TensorValue => v instanceof TensorValue)
    dictSet(self.dict, str('saved_tensors'), tuple(args.map((a) => a.value)), undefined)
    return NONE
  })
  method('mark_non_differentiable', (ctx, _self, args) => {
    for (const t of tensorsIn(args.map((a) => a.value))) ctx.nonDifferentiable.add(t)
    return NONE
  })
  method('mark_dirty', () => NONE)
  method('set_materialize_grads', () => NONE)
  return cls
}

/**
 * `torch.autograd`: `Function`, whose subclasses' `apply` runs their static `forward(ctx, *args)` (or `forward(*args)`
 * then `setup_context(ctx, inputs, output)`) with grad off, as PyTorch does; what `ctx.save_for_backward` keeps is
 * saved for backward, and the outputs require grad when an input does. `backward` is never run. `Variable` returns
 * its tensor.
 */
export function autogradNamespace(): NamespaceValue {
  const ctxClass = functionContextClass()
  const functionClass = makeClass('Function', [objectClass], { module: 'torch.autograd', native: { subclassable: true } })
  const apply = native('torch.autograd.Function.apply', (args, span, it) => {
    const cls = args[0]?.value
    if (cls?.kind !== 'class' || !it) return raise('TypeError', 'argument-type', '`Function.apply` is called on a subclass of `torch.autograd.Function`.', span)
    const rest = args.slice(1)
    const inputs = rest.map((a) => a.value)
    const ctx: FunctionContext = { saved: [], nonDifferentiable: new Set() }
    const self: InstanceValue = { kind: 'instance', cls: ctxClass, dict: newDict(), native: ctx }
    const before = setGradMode(it, false)
    const needsGrad = (before ?? true) && tensorsIn(inputs).some((t) => t.requiresGrad)
    dictSet(self.dict, str('needs_input_grad'), tuple(inputs.map((v) => bool(before !== false && v instanceof TensorValue && v.requiresGrad))), span)
    dictSet(self.dict, str('saved_tensors'), tuple([]), span)
    let output: Value
    try {
      const forward = it.getattr(cls, 'forward', span)
      const setup = lookupInMro(cls.cls, 'setup_context')
      if (setup && setup.owner !== functionClass) {
        output = it.call(forward, rest, span)
        it.callWith(it.getattr(cls, 'setup_context', span), [self, tuple(inputs), output], span)
      } else output = it.call(forward, [{ value: self, span, valueSpan: span }, ...rest], span)
    } finally {
      if (before !== undefined) setGradMode(it, before)
    }
    const outputs = tensorsIn([output])
    const results = customFunctionResult(it, ctx.saved, outputs, needsGrad, ctx.nonDifferentiable)
    const replace = (v: Value): Value => {
      if (v instanceof TensorValue) return results[outputs.indexOf(v)] ?? v
      if (v.kind === 'tuple') return tuple(v.items.map(replace))
      if (v.kind === 'list') return { kind: 'list', items: v.items.map(replace) }
      return v
    }
    return replace(output)
  })
  functionClass.dict.set('apply', { kind: 'descriptor', type: 'classmethod', fn: apply })
  return namespace('torch.autograd', {
    Function: functionClass.value,
    Variable: native('torch.autograd.Variable', (args) => args[0]?.value ?? NONE),
  })
}
