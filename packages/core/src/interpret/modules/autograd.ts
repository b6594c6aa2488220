import { NnsizeError } from '../../errors.js'
import { lookupInMro, makeClass } from '../classes.js'
import type { PyClass } from '../classes.js'
import { raise } from '../exceptions.js'
import { autogradFunctionResult, gradModeOf, setGradMode } from '../forward.js'
import { dictSet, newDict } from '../hash.js'
import type { Interpreter } from '../interpreter.js'
import { objectClass } from '../types.js'
import { NONE, TensorValue, bool, namespace, native, str, tuple, typeName } from '../../contract/values.js'
import type { ArgValue, InstanceValue, NamespaceValue, Value } from '../../contract/values.js'

/** What a custom function's `ctx` recorded during `forward` (or `setup_context`). */
interface FunctionCtxState {
  saved: TensorValue[]
  nonDifferentiable: Set<TensorValue>
}

/** The tensors among arguments (`None` skipped), as `save_for_backward` and `mark_non_differentiable` take them. */
function tensorArguments(name: string, args: readonly ArgValue[]): TensorValue[] {
  const out: TensorValue[] = []
  for (const { value, span } of args.slice(1)) {
    if (value instanceof TensorValue) out.push(value)
    else if (value.kind !== 'none') raise('TypeError', 'argument-type', `\`ctx.${name}\` takes tensors or None, got ${typeName(value)}.`, span)
  }
  return out
}

/**
 * `torch.autograd`: `Function`, whose subclasses define `forward` (and `backward`) as static methods and are called as
 * `Fn.apply(*args)`. `apply` runs `forward(ctx, *args)` (or `forward(*args)` then `setup_context(ctx, inputs,
 * output)`, when the class defines `setup_context`) with grad mode off, as PyTorch does: nothing it computes is
 * saved by its own ops, and its work has no backward of its own (nnsize never runs `backward`). Autograd keeps
 * what `ctx.save_for_backward(…)` was given, when grad mode is on and an input requires grad; the tensor results
 * then require grad, except those given to `ctx.mark_non_differentiable(…)`. Other attributes set on `ctx` are
 * plain attributes, never saved.
 */
export function autogradNamespace(): NamespaceValue {
  const states = new WeakMap<InstanceValue, FunctionCtxState>()
  const ctxClass = makeClass('FunctionCtx', [objectClass], { module: 'torch.autograd.function', native: { subclassable: false } })
  const stateOf = (self: Value | undefined, span: ArgValue['span'] | undefined): FunctionCtxState => {
    const state = self?.kind === 'instance' ? states.get(self) : undefined
    if (!state) throw new NnsizeError('type', 'A `ctx` method needs the `ctx` of a custom autograd function.', { span })
    return state
  }
  ctxClass.dict.set(
    'save_for_backward',
    native(
      'FunctionCtx.save_for_backward',
      (args, span) => {
        const state = stateOf(args[0]?.value, span)
        state.saved = tensorArguments('save_for_backward', args)
        dictSet((args[0]!.value as InstanceValue).dict, str('saved_tensors'), tuple(args.slice(1).map((a) => a.value)), span)
        return NONE
      },
      { binds: true },
    ),
  )
  ctxClass.dict.set(
    'mark_non_differentiable',
    native(
      'FunctionCtx.mark_non_differentiable',
      (args, span) => {
        const state = stateOf(args[0]?.value, span)
        for (const t of tensorArguments('mark_non_differentiable', args)) state.nonDifferentiable.add(t)
        return NONE
      },
      { binds: true },
    ),
  )
  // `mark_dirty` (the inputs changed in place) and `set_materialize_grads` change nothing nnsize counts.
  ctxClass.dict.set('mark_dirty', native('FunctionCtx.mark_dirty', () => NONE, { binds: true }))
  ctxClass.dict.set('set_materialize_grads', native('FunctionCtx.set_materialize_grads', () => NONE, { binds: true }))

  const functionClass: PyClass = makeClass('Function', [objectClass], { module: 'torch.autograd', native: { subclassable: true } })
  const apply = native('Function.apply', (args, span, runtime) => {
    const it = runtime as Interpreter
    const cls = args[0]?.value
    if (cls?.kind !== 'class') throw new NnsizeError('type', '`Function.apply` is called on a subclass of `torch.autograd.Function` (`MyFunction.apply(x)`).', { span })
    const rest = args.slice(1)
    const grad = gradModeOf(it) ?? true
    const needs = rest.filter((a) => a.name === undefined).map((a) => a.value instanceof TensorValue && a.value.requiresGrad && grad)
    const tracked = needs.some(Boolean)
    const ctx: InstanceValue = { kind: 'instance', cls: ctxClass, dict: newDict() }
    const state: FunctionCtxState = { saved: [], nonDifferentiable: new Set() }
    states.set(ctx, state)
    dictSet(ctx.dict, str('needs_input_grad'), tuple(needs.map(bool)), span)
    const setup = lookupInMro(cls.cls, 'setup_context')
    const ownSetup = setup !== undefined && setup.owner !== functionClass
    const forward = it.getattr(cls, 'forward', span)
    const before = setGradMode(it, false)
    let result: Value
    try {
      result = it.call(forward, ownSetup ? [...rest] : [{ value: ctx, span, valueSpan: span }, ...rest], span)
    } finally {
      if (before !== undefined) setGradMode(it, before)
    }
    if (ownSetup) {
      const inputs = tuple(rest.filter((a) => a.name === undefined).map((a) => a.value))
      it.callWith(it.getattr(cls, 'setup_context', span), [ctx, inputs, result], span)
    }
    return autogradFunctionResult(it, tracked, state.saved, result, state.nonDifferentiable)
  })
  functionClass.dict.set('apply', { kind: 'descriptor', type: 'classmethod', fn: apply })
  // The base `forward` and `setup_context` that a subclass must override, as PyTorch's raise.
  const notImplemented = (name: string) =>
    native(`Function.${name}`, (_args, span) => raise('NotImplementedError', 'unsupported', `You must implement the ${name} function for custom autograd.Function.`, span))
  functionClass.dict.set('forward', { kind: 'descriptor', type: 'staticmethod', fn: notImplemented('forward') })
  functionClass.dict.set('setup_context', { kind: 'descriptor', type: 'staticmethod', fn: notImplemented('setup_context') })
  return namespace('torch.autograd', {
    Function: functionClass.value,
    function: namespace('torch.autograd.function', { Function: functionClass.value, FunctionCtx: ctxClass.value }),
    // the old wrapper of a tensor: since PyTorch 0.4 `Variable(t)` gives back the tensor itself
    Variable: native('torch.autograd.Variable', (args) => args[0]?.value ?? NONE),
  })
}
