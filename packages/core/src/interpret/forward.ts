import { NnsizeError } from '../errors.js'
import { parseExpression } from '../python/parse.js'
import type { Expr } from '../python/ast.js'
import { locate, raise } from './exceptions.js'
import type { SourceSpan } from '../errors.js'
import { traceForward } from '../forward/trace.js'
import { setStrides, stridesOf } from '../forward/layout.js'
import type { ForwardContext, Tensor } from '../forward/trace.js'
import type { LayerDefinition } from '../layers/define-layer.js'
import { sequential } from '../layers/containers.js'
import { isFloatingDType } from '../tensor/dtype.js'
import { walkModules } from '../model/module.js'
import type { ModuleNode } from '../model/module.js'
import { lookupInMro } from './classes.js'
import type { PyClass } from './classes.js'
import { forwardEinops } from './einops.js'
import { forwardFunctional } from './functional.js'
import { forwardFft } from './modules/fft.js'
import { forwardLinalg } from './modules/linalg.js'
import type { Interpreter } from './interpreter.js'
import { forwardTensorOp, traceOf, wrapTensor } from './tensor-methods.js'
import type { TraceOps } from './tensor-methods.js'
import { NONE, TensorValue, bool, float, int, list, str, tuple } from '../contract/values.js'
import type { ArgValue, PlaceholderValue, Value } from '../contract/values.js'
import { placeholderError } from './objects.js'

/**
 * How `forward` plugs into the trace. A module made from a Python class that defines `forward` gets a
 * layer definition whose `forward` runs that method in the interpreter: its tensor arguments are
 * {@link TensorValue}s carrying the trace's tensors (`trace`), calls of submodules go back to the
 * trace through `ctx.run` (so the module table and the saved activations follow the same rules as
 * for built-in layers), and tensor operations on traced values go to `Interpreter.forwardOps`.
 */
interface TraceState {
  ctx: ForwardContext
  /** The modules whose forward is running, innermost last. */
  stack: ModuleNode[]
  /** For each module that called a submodule: the dotted names of the modules below it, made once (see {@link pathWithin}). */
  paths: Map<ModuleNode, Map<ModuleNode, string>>
}

const traces = new WeakMap<Interpreter, TraceState[]>()
const layers = new WeakMap<Interpreter, WeakMap<PyClass, LayerDefinition>>()
/** The interpreter that runs each layer definition's `forward`. */
const interpreters = new WeakMap<LayerDefinition, Interpreter>()
/** A call expression that replaces `model(*inputs)` for the next trace of a root module. */
const callPlans = new WeakMap<ModuleNode, Expr>()
/** The structure of the last output of each root traced (`T`, `(T, None)`, `(T, (T, T))`). */
const structures = new WeakMap<ModuleNode, string>()
/**
 * A call of a module made from a Python class, as the program wrote it: its arguments (lists, numbers, `None`) go to
 * its `forward` unchanged, with the trace's tensors in place of the tensors among them, and its result comes back whole.
 */
interface PythonCall {
  positional: readonly Value[]
  named: readonly ArgValue[]
  result?: Value
}
const pythonCalls = new WeakMap<ModuleNode, PythonCall>()
/** The result of a Python module's forward that is not one tensor, by its first output tensor, for `nn.Sequential` to pass on whole. */
const structuredResults = new WeakMap<Tensor, { result: Value; outputs: readonly Tensor[] }>()

/** The file name errors in a call expression point at (its offsets are into the call text). */
export const callFile = '<call>'

/** The layer definition of a Python module class: no parameters of its own to build, `forward` interpreted. */
export function userForwardLayer(it: Interpreter, cls: PyClass): LayerDefinition {
  let byClass = layers.get(it)
  if (!byClass) layers.set(it, (byClass = new WeakMap()))
  let def = byClass.get(cls)
  if (!def) {
    def = {
      name: cls.name,
      signature: [],
      takesValues: true,
      build() {},
      forward: (self, inputs, ctx, options) => runForward(it, self, inputs, ctx, options),
    }
    byClass.set(cls, def)
    interpreters.set(def, it)
  }
  return def
}

/** A trace tensor as an interpreter value. */
function wrap(t: Tensor): TensorValue {
  return wrapTensor(t)
}

/** JavaScript options of a forward call (`need_weights: false`) as Python values. */
function optionValue(v: unknown): Value {
  if (v === null || v === undefined) return NONE
  if (typeof v === 'boolean') return bool(v)
  if (typeof v === 'number') return Number.isInteger(v) ? int(v) : float(v)
  if (typeof v === 'string') return str(v)
  if (typeof v === 'object' && 'storage' in v) return wrap(v as Tensor)
  return NONE
}

/**
 * The tensors of a forward's result in order (tuples, lists and dict values flattened, `None` skipped). A tensor made
 * from constants in forward (`torch.ones(x.shape)`) or a parameter returned as it is is the trace's tensor for it.
 */
function outputTensors(t: TraceOps, value: Value, out: Tensor[] = []): Tensor[] {
  switch (value.kind) {
    case 'tensor':
      out.push(traceOf(t, value))
      break
    case 'tuple':
    case 'list':
      for (const v of value.items) outputTensors(t, v, out)
      break
    case 'dict':
      for (const [, v] of value.entries) outputTensors(t, v, out)
      break
    default:
      break
  }
  return out
}

function runForward(it: Interpreter, node: ModuleNode, inputs: readonly Tensor[], ctx: ForwardContext, options?: Readonly<Record<string, unknown>>): Tensor[] {
  const span: SourceSpan = node.span ?? { start: 0, end: 0 }
  const stack = traces.get(it) ?? []
  traces.set(it, stack)
  const state: TraceState = stack.at(-1)?.ctx === ctx ? stack.at(-1)! : { ctx, stack: [], paths: new Map() }
  if (state !== stack.at(-1)) stack.push(state)
  state.stack.push(node)
  const previous = it.forwardOps
  const t: TraceOps = { it, ctx }
  it.forwardOps = (name, operands, args, opSpan) => forwardOp(t, name, operands, args, opSpan)
  const plan = state.stack.length === 1 ? callPlans.get(node) : undefined
  try {
    const self: Value = { kind: 'module', module: node }
    let result: Value
    if (plan) {
      // `call`: an expression over `m` (the model) and `x` (the list of inputs) instead of `m(*x)`, which also sees
      // the main file's names (`torch`, a helper it defines).
      const frame = it.moduleFrame(new Map<string, Value>([...(it.mainGlobals ?? []), ['m', self], ['x', list(inputs.map(wrap))]]), callFile, '__call__')
      result = it.evaluate(plan, frame)
    } else {
      const pythonCall = pythonCalls.get(node)
      pythonCalls.delete(node)
      // The outputs of a Python module before this one in `nn.Sequential`: its tuple, passed whole as one argument.
      // A module after another in `nn.Sequential` takes what the last Python module gave these tensors as returned
      // them: a list (also of one tensor), a tuple, a dict.
      const whole = !pythonCall ? structuredResultOf(inputs) : undefined
      const instance = it.instances.get(node)
      if (instance && lookupInMro(instance.cls, 'forward') === undefined) {
        throw ctx.error('has no forward pass: it cannot take an input. A call expression can run one of its methods instead (`m.get_value(x[0])`).')
      }
      const args: ArgValue[] = pythonCall ? pythonArgs(pythonCall, inputs, options, span) : whole ? [{ value: whole, span, valueSpan: span }] : inputs.map((t) => ({ value: wrap(t), span, valueSpan: span }))
      if (!pythonCall) for (const [name, v] of Object.entries(options ?? {})) args.push({ name, value: optionValue(v), span, valueSpan: span })
      result = it.call(it.getattr(self, 'forward', span), args, span)
      if (pythonCall) pythonCall.result = result
    }
    // A library call nnsize does not model (`torch.fft.rfft(x)`) gives a placeholder: returning one is using it.
    const unmodelled = placeholderIn(result)
    if (unmodelled) throw placeholderError(unmodelled, undefined)
    if (state.stack.length === 1) structures.set(node, structureOf(result))
    const outputs = outputTensors(t, result)
    if (result.kind !== 'tensor' && outputs.length > 0) structuredResults.set(outputs[0]!, { result, outputs })
    else if (result.kind === 'tensor') structuredResults.delete(outputs[0]!)
    return outputs
  } catch (error) {
    if (error instanceof RangeError && /call stack/i.test(error.message)) throw new NnsizeError('too-deep', 'The forward pass nests calls and expressions too deeply to run.', { span })
    throw error
  } finally {
    it.forwardOps = previous
    state.stack.pop()
    if (state.stack.length === 0 && stack.at(-1) === state) stack.pop()
  }
}

/** The arguments of a {@link PythonCall}: its values as written, the trace's `inputs` in place of its tensors, in order. */
function pythonArgs(call: PythonCall, inputs: readonly Tensor[], options: Readonly<Record<string, unknown>> | undefined, span: SourceSpan): ArgValue[] {
  let next = 0
  const rebuild = (v: Value): Value => {
    if (v.kind === 'tensor') return next < inputs.length ? wrap(inputs[next++]!) : v
    if (v.kind === 'list') return list(v.items.map(rebuild))
    if (v.kind === 'tuple') return tuple(v.items.map(rebuild))
    return v
  }
  const args: ArgValue[] = call.positional.map((v) => ({ value: rebuild(v), span, valueSpan: span }))
  for (const a of call.named) {
    const traced = options?.[a.name!]
    args.push({ ...a, value: a.value.kind === 'tensor' && traced !== undefined ? optionValue(traced) : a.value })
  }
  return args
}

/** Tensor operations of a traced forward: `F.*`, `einops.*`, `torch.fft.*`, `torch.linalg.*`, then `torch.*`, tensor methods, operators and indexing. */
function forwardOp(t: TraceOps, name: string, operands: readonly Value[], args: readonly ArgValue[], span: SourceSpan): Value | undefined {
  if (name.startsWith('F.')) return forwardFunctional(t, name.slice(2), args, span)
  if (name.startsWith('einops.')) return forwardEinops(t, name.slice(7), args, span)
  if (name.startsWith('fft.')) return forwardFft(t, name.slice(4), args, span)
  if (name.startsWith('linalg.')) return forwardLinalg(t, name.slice(7), args, span)
  return forwardTensorOp(t, name, operands, args, span)
}

/** The dotted name of each module below `parent` (the first, for one reached twice), as the trace names it. */
function pathsBelow(parent: ModuleNode): Map<ModuleNode, string> {
  const paths = new Map<ModuleNode, string>()
  for (const { path, node } of walkModules(parent)) if (path !== '' && !paths.has(node)) paths.set(node, path)
  return paths
}

/**
 * The dotted name of `node` below `parent` (`blocks.0`), as the trace names it. The names below a parent are listed
 * once per trace, so a forward that calls each of its n submodules walks the tree once rather than n times; a module
 * not listed (assigned while forward runs) has the tree walked again.
 */
function pathWithin(state: TraceState, parent: ModuleNode, node: ModuleNode): string | undefined {
  const known = state.paths.get(parent)?.get(node)
  if (known !== undefined) return known
  const paths = pathsBelow(parent)
  state.paths.set(parent, paths)
  return paths.get(node)
}

/** Flattens call arguments into the tensors a layer's forward takes (tuples of tensors flattened, `None` skipped). */
function inputTensors(values: readonly Value[], span: SourceSpan, traced: boolean): { tensors: Array<Tensor | TensorValue>; rest: Value[] } {
  const tensors: Array<Tensor | TensorValue> = []
  const rest: Value[] = []
  const add = (v: Value): void => {
    if (v.kind === 'tensor') tensors.push(traced ? (v.trace ?? v) : v)
    else if (v.kind === 'tuple' || v.kind === 'list') v.items.forEach(add)
    else if (v.kind !== 'none') rest.push(v)
  }
  values.forEach(add)
  void span
  return { tensors, rest }
}

/** Most `nn.Sequential` containers followed down their first modules, so that a deep nesting ends. */
const maxSequentialNesting = 64

/**
 * The module an `nn.Sequential` (or one nested first in it) runs first, when its forward is Python: it takes what the
 * container was called with as one argument. Undefined for an empty container or a built-in first layer.
 */
function firstPythonModule(node: ModuleNode): ModuleNode | undefined {
  let current = node
  for (let depth = 0; depth < maxSequentialNesting && current.layer === sequential; depth++) {
    const next = firstChildOf(current)
    if (!next) return undefined
    current = next
  }
  return current !== node && current.layer !== undefined && interpreters.has(current.layer) ? current : undefined
}

/** Whether a module and its submodules hold no parameter or buffer. */
function stateless(node: ModuleNode): boolean {
  for (const { node: n } of walkModules(node)) {
    for (const def of n.params.values()) if (def) return false
    for (const def of n.buffers.values()) if (def) return false
  }
  return true
}

/** The tensor parameter of a layer that names none: `forward(input)`. */
const defaultForwardInputs: readonly string[] = ['input']

/**
 * A built-in layer's call with its tensor parameters named (`attn(query=q, key=k, value=v)`, DETR's decoder;
 * `fc(input=x)`) as the positional call PyTorch binds it to; other keywords stay options (`attn_mask=`).
 */
function keywordInputsBound(layer: LayerDefinition, type: string, given: readonly ArgValue[]): readonly ArgValue[] {
  const names = layer.forwardInputs ?? defaultForwardInputs
  // Most calls name nothing and pass no more than the tensor parameters: they bind as given, with nothing made.
  let positionalCount = 0
  let anyNamed = false
  for (const a of given) {
    if (a.name === undefined) positionalCount++
    else anyNamed = true
  }
  if (!anyNamed && (layer.forwardOptions === undefined || positionalCount <= names.length)) return given
  const args = positionalOptionsNamed(layer, type, names.length, given)
  // a keyword its forward does not take is PyTorch's TypeError, never silently dropped (`output_size=` of a layer
  // that has none, a misspelt `key_padding_mask=`)
  const unknown = args.find((a) => a.name !== undefined && !names.includes(a.name) && !(layer.forwardOptions ?? []).includes(a.name))
  if (unknown) raise('TypeError', 'unknown-argument', `\`${type}.forward()\` got an unexpected keyword argument '${unknown.name}'.`, unknown.span)
  const positional = args.filter((a) => a.name === undefined)
  const named = args.filter((a) => a.name !== undefined && names.includes(a.name))
  if (named.length === 0) return args
  for (const a of named) {
    if (names.indexOf(a.name!) < positional.length) raise('TypeError', 'argument-type', `\`${type}.forward()\` got multiple values for argument '${a.name}'.`, a.span)
  }
  const bound = [...positional]
  for (const name of names.slice(positional.length)) {
    const a = named.find((n) => n.name === name)
    if (!a) break
    bound.push({ ...a, name: undefined })
  }
  const missing = named.find((a) => !bound.some((b) => b.span === a.span))
  if (missing) raise('TypeError', 'missing-argument', `\`${type}.forward()\` missing 1 required positional argument: '${names[bound.length]}' (given before '${missing.name}').`, missing.span)
  return [...bound, ...args.filter((a) => a.name !== undefined && !names.includes(a.name))]
}

/**
 * Positional arguments after a layer's tensor parameters named as its forward names them (`nn.Transformer(src, tgt,
 * src_mask, tgt_mask, …)` as `src_mask=…`), so that its rule reads them as it reads keywords.
 */
function positionalOptionsNamed(layer: LayerDefinition, type: string, inputCount: number, args: readonly ArgValue[]): readonly ArgValue[] {
  const options = layer.forwardOptions
  const positional = args.filter((a) => a.name === undefined)
  if (!options || positional.length <= inputCount) return args
  if (positional.length > inputCount + options.length) raise('TypeError', 'argument-type', `\`${type}.forward()\` takes ${inputCount + options.length} positional arguments but ${positional.length} were given.`, positional[inputCount + options.length]!.span)
  const named = positional.slice(inputCount).map((a, i) => ({ ...a, name: options[i]! }))
  for (const a of named) if (args.some((b) => b.name === a.name)) raise('TypeError', 'argument-type', `\`${type}.forward()\` got multiple values for argument '${a.name}'.`, a.span)
  return [...positional.slice(0, inputCount), ...named, ...args.filter((a) => a.name !== undefined)]
}

/** The first module of a container (`None` entries skipped). */
function firstChildOf(node: ModuleNode): ModuleNode | undefined {
  for (const child of node.children.values()) if (child) return child
  return undefined
}

/** The value the last Python module that gave exactly these tensors returned (a list, a tuple, a dict), if any. */
function structuredResultOf(tensors: readonly Tensor[]): Value | undefined {
  const prior = tensors.length > 0 ? structuredResults.get(tensors[0]!) : undefined
  return prior && prior.outputs.length === tensors.length && prior.outputs.every((x, i) => x === tensors[i]) ? prior.result : undefined
}

/** Runs a module that is no submodule through its forward rule, its work counted in the module that calls it. */
function runAnonymous(ctx: ForwardContext, node: ModuleNode, inputs: Tensor[], options: Readonly<Record<string, unknown>>): Tensor[] {
  const forward = node.layer?.forward
  if (!forward) throw ctx.error(node.layer?.untraced ?? `calls \`${node.type}\`, which has no forward pass.`)
  const out = forward(node as ModuleNode & { args: never }, inputs, ctx, options)
  ctx.use(...inputs)
  return Array.isArray(out) ? out : [out]
}

/** A submodule's outputs as PyTorch returns them: `(output, (h_n, c_n))` for `nn.LSTM`, `(output, weights or None)` for attention. */
function moduleResult(node: ModuleNode, outputs: Tensor[]): Value {
  if (node.type === 'LSTM' && outputs.length === 3) return tuple([wrap(outputs[0]!), tuple([wrap(outputs[1]!), wrap(outputs[2]!)])])
  if (node.type === 'MultiheadAttention') return tuple([wrap(outputs[0]!), outputs[1] ? wrap(outputs[1]) : NONE])
  return outputs.length === 1 ? wrap(outputs[0]!) : tuple(outputs.map(wrap))
}

/** A call's keyword arguments as a layer's forward options: tensors as `tensor` gives them, `bool`, `None`, `int` and `float` as JavaScript values, anything else as it is. */
function keywordOptions(args: readonly ArgValue[], tensor: (value: TensorValue) => unknown): Record<string, unknown> {
  const options: Record<string, unknown> = {}
  for (const { name, value } of args) {
    if (name === undefined) continue
    options[name] = value.kind === 'tensor' ? tensor(value) : value.kind === 'bool' || value.kind === 'float' ? value.value : value.kind === 'none' ? null : value.kind === 'int' ? Number(value.value) : value
  }
  return options
}

/**
 * Sets grad mode in the running traced forward (`torch.no_grad()`, `torch.set_grad_enabled(…)`) and gives the mode
 * before; undefined outside one (while the model is built, nothing is traced for backward).
 */
export function setGradMode(it: Interpreter, enabled: boolean): boolean | undefined {
  return traces.get(it)?.at(-1)?.ctx.setGradEnabled(enabled)
}

/** Whether grad mode is on in the running traced forward; undefined outside one (while the model is built). */
export function gradModeOf(it: Interpreter): boolean | undefined {
  return traces.get(it)?.at(-1)?.ctx.gradEnabled()
}

/**
 * The results of a custom autograd function (`torch.autograd.Function.apply`) in the running traced forward: the
 * tensors its `ctx.save_for_backward` kept are saved when `tracked` (grad mode on and an input requiring grad), and
 * each tensor result is its own tensor again, on the same storage, requiring grad when `tracked` and not marked
 * non-differentiable. Outside a trace the results stay as they are.
 */
export function autogradFunctionResult(it: Interpreter, tracked: boolean, saved: readonly TensorValue[], result: Value, nonDifferentiable: ReadonlySet<TensorValue>): Value {
  const state = traces.get(it)?.at(-1)
  if (!state) return result
  const t: TraceOps = { it, ctx: state.ctx }
  if (tracked) state.ctx.save(...saved.map((v) => traceOf(t, v)))
  const output = (v: Value): Value => {
    if (v.kind === 'tuple') return tuple(v.items.map(output))
    if (v.kind !== 'tensor') return v
    const trace = traceOf(t, v)
    // the same storage with the same layout: a permuted result stays permuted (a later `@` copies it)
    const again: Tensor = { shape: trace.shape, dtype: trace.dtype, storage: trace.storage, requiresGrad: tracked && !nonDifferentiable.has(v) && isFloatingDType(trace.dtype) }
    return wrapTensor(setStrides(again, stridesOf(trace)))
  }
  return output(result)
}

/**
 * `module(…)`: during a traced forward, the submodule runs through the trace (`ctx.run`); while the
 * model is being built (a constructor that runs a layer on `torch.zeros(…)` to find a size), the
 * module is traced on its own, on the CPU profile, and only the output shapes are kept.
 */
export function callModule(it: Interpreter, node: ModuleNode, given: readonly ArgValue[], span: SourceSpan): Value {
  const args = node.layer && !interpreters.has(node.layer) ? keywordInputsBound(node.layer, node.type, given) : given
  const positional = args.filter((a) => a.name === undefined).map((a) => a.value)
  const options = keywordOptions(args, (v) => v.trace ?? v)
  const state = traces.get(it)?.at(-1)
  if (state && state.stack.length === 1 && state.stack[0] === node && callPlans.has(node)) {
    // `m(...)` inside a call expression: the model's own forward, already on the trace's stack.
    return it.call(it.getattr({ kind: 'module', module: node }, 'forward', span), [...args], span)
  }
  if (state && state.stack.length > 0) {
    const parent = state.stack.at(-1)!
    const name = pathWithin(state, parent, node)
    // A module of the model called where it is no child of the running module (a lambda a parent passed down, as
    // annotated-transformer's `SublayerConnection` is given `lambda x: self.self_attn(x, x, x, mask)`) runs under
    // its own path, its work counted in the modules now running, as PyTorch's module hooks see it.
    const elsewhere = name === undefined ? pathWithin(state, state.stack[0]!, node) : undefined
    // A module made in forward and called at once (`nn.ReLU(inplace=True)(x)`, `nn.ZeroPad2d((1, 0, 1, 0))(x)`) is
    // no submodule: without tensors of its own it runs as a function would, inside the module that calls it.
    const anonymous = name === undefined && elsewhere === undefined && stateless(node)
    if (name === undefined && elsewhere === undefined && !anonymous && node.layer === sequential && node.type === 'Sequential') return callSequentialSlice(it, node, args, span)
    if (name === undefined && elsewhere === undefined && !anonymous) throw new NnsizeError('unsupported', `Calling \`${node.type}\`, which is not a submodule of \`${parent.type}\` and has parameters or buffers of its own, in forward is not supported yet.`, { span })
    const t: TraceOps = { it, ctx: state.ctx }
    const { tensors, rest } = inputTensors(positional, span, false)
    const python = node.layer !== undefined && interpreters.has(node.layer)
    // `nn.Sequential` hands what it was called with to its first module as it is: a tensor, or a tuple
    // (`self.cells((x, None))`), `None` included.
    const first = !python ? firstPythonModule(node) : undefined
    if (rest.length > 0 && !python && !first) throw nonTensorArguments(`Calling \`${node.type}\``, ' in forward', rest, span)
    for (const [key, v] of Object.entries(options)) if (v instanceof TensorValue) options[key] = traceOf(t, v)
    const call: PythonCall | undefined = python ? { positional, named: args.filter((a) => a.name !== undefined) } : undefined
    if (call) pythonCalls.set(node, call)
    if (first) pythonCalls.set(first, { positional, named: [] })
    try {
      const traced = (tensors as TensorValue[]).map((v) => traceOf(t, v))
      const outputs = anonymous ? runAnonymous(state.ctx, node, traced, options) : elsewhere !== undefined ? state.ctx.runAt(node, traced, elsewhere, options) : state.ctx.run(node, traced, name!, options)
      // An `nn.Sequential` returns what its last module returned: a Python module's list or dict stays one.
      return call?.result ?? (node.layer === sequential ? structuredResultOf(outputs) : undefined) ?? moduleResult(node, outputs)
    } finally {
      pythonCalls.delete(node)
      if (first) pythonCalls.delete(first)
    }
  }
  const { tensors, rest } = inputTensors(positional, span, false)
  if (rest.length > 0 || tensors.length === 0) {
    throw new NnsizeError('unsupported', `Calling \`${node.type}\` while the model is being built is supported only on tensors (\`torch.zeros(…)\`).`, { span })
  }
  const specs = (tensors as TensorValue[]).map((t) => ({ shape: [...t.shape], dtype: t.dtype }))
  const result = traceForward(node, specs, 'cpu')
  const outputs = result.outputs.map((t) => new TensorValue([...t.shape], t.dtype))
  return outputs.length === 1 ? outputs[0]! : tuple(outputs)
}

/**
 * A `Sequential` that is no submodule but holds submodules (`self.out_layers[1:](h)`: slicing makes a new `Sequential`
 * of the same modules): as PyTorch's `Sequential.forward` does, each module runs in turn on the output of the one
 * before, each counted where it is a submodule.
 */
function callSequentialSlice(it: Interpreter, node: ModuleNode, args: readonly ArgValue[], span: SourceSpan): Value {
  let result: Value | undefined
  for (const child of node.children.values()) {
    if (!child) continue
    result = callModule(it, child, result === undefined ? args : [{ value: result, span, valueSpan: span }], span)
  }
  if (result !== undefined) return result
  const first = args.find((a) => a.name === undefined)
  if (!first || args.length !== 1) throw new NnsizeError('type', `\`Sequential.forward\` takes one input (got ${args.length} arguments).`, { span })
  return first.value
}

/**
 * `forward` of a built-in layer class: `layer.forward(x)` is `layer(x)`, and `super().forward(x)` in the `forward` of a
 * Python subclass (`class DenseLayer(nn.Sequential)`) runs the built-in's forward on the same module, inside its trace.
 */
export function builtinForward(it: Interpreter, def: LayerDefinition, args: readonly ArgValue[], span: SourceSpan): Value {
  const self = args[0]?.value
  if (self?.kind !== 'module') throw new NnsizeError('type', `\`nn.${def.name}.forward\` needs a module.`, { span })
  const node = self.module
  const rest = args.slice(1)
  if (node.layer === def) return callModule(it, node, rest, span)
  const result = superLayerForward(it, node, def, rest, span)
  if (result === undefined) throw new NnsizeError('unsupported', `Calling \`nn.${def.name}.forward\` on \`${node.type}\` outside its own \`forward\` is not supported yet.`, { span })
  return result
}

/**
 * The error of a layer called with arguments that are not tensors: the placeholder's own error when one of them is a
 * value of a library nnsize does not read (a module of it was called just before), else what the arguments are.
 */
function nonTensorArguments(what: string, where: string, rest: readonly Value[], span: SourceSpan): NnsizeError {
  const placeholder = rest.find((v): v is PlaceholderValue => v.kind === 'placeholder')
  // a library's value is used here; a function nnsize does not model, where the program names it
  if (placeholder) return placeholderError(placeholder, placeholder.reason.type === 'import' ? span : undefined)
  return new NnsizeError('unsupported', `${what} with arguments other than tensors (${rest.map((v) => v.kind).join(', ')}) is not supported yet${where}.`, { span })
}

/**
 * `super().forward(x)` in a class deriving from a built-in layer (`class LayerNorm(nn.LayerNorm)` that casts its
 * input first): the layer's own forward rule on the same module, in the running trace, or undefined outside one.
 */
export function superLayerForward(it: Interpreter, node: ModuleNode, layer: LayerDefinition, args: readonly ArgValue[], span: SourceSpan): Value | undefined {
  const state = traces.get(it)?.at(-1)
  if (!state || state.stack.at(-1) !== node || !layer.forward) return undefined
  const t: TraceOps = { it, ctx: state.ctx }
  const options = keywordOptions(args, (v) => traceOf(t, v))
  const { tensors, rest } = inputTensors(args.filter((a) => a.name === undefined).map((a) => a.value), span, false)
  if (rest.length > 0) throw nonTensorArguments(`\`super().forward\` of \`${layer.name}\``, '', rest, span)
  const inputs = (tensors as TensorValue[]).map((v) => traceOf(t, v))
  const out = layer.forward(node, inputs, state.ctx, options)
  state.ctx.use(...inputs)
  return moduleResult(node, Array.isArray(out) ? out : [out])
}

/** The first placeholder in a forward's result (a tensor, or tuples, lists and dicts of them), if any. */
function placeholderIn(value: Value): PlaceholderValue | undefined {
  if (value.kind === 'placeholder') return value
  if (value.kind === 'tuple' || value.kind === 'list') {
    for (const item of value.items) {
      const found = placeholderIn(item)
      if (found) return found
    }
  }
  if (value.kind === 'dict') {
    for (const [, item] of value.entries) {
      const found = placeholderIn(item)
      if (found) return found
    }
  }
  return undefined
}

/** A result's structure as Python shows it, tensors as `T`: `T`, `(T, None)`, `(T, (T, T))`, `[T, T]`, `{'logits': T}`. */
function structureOf(value: Value): string {
  switch (value.kind) {
    case 'tensor':
      return 'T'
    case 'none':
      return 'None'
    case 'tuple':
      return value.items.length === 1 ? `(${structureOf(value.items[0]!)},)` : `(${value.items.map(structureOf).join(', ')})`
    case 'list':
      return `[${value.items.map(structureOf).join(', ')}]`
    case 'dict':
      return `{${value.entries.map(([k, v]) => `${k.kind === 'str' ? `'${k.value}'` : k.kind}: ${structureOf(v)}`).join(', ')}}`
    default:
      return value.kind
  }
}

/** The structure of the output of the last forward traced from `root` (see {@link traceWithCall}). */
export function outputStructure(root: ModuleNode): string | undefined {
  return structures.get(root)
}

/**
 * Runs `trace` (a forward trace of `root`) with the model called as `call` says instead of `m(*x)`: an expression
 * over `m`, the model, and `x`, the list of input tensors (`m(x[0], m.init_hidden(4))`). Tensors it makes are not
 * inputs. The model must be one built from Python classes.
 */
export function traceWithCall<T>(root: ModuleNode, call: string, trace: () => T): T {
  if (!root.layer || !interpreters.has(root.layer)) {
    throw new NnsizeError('option', `A call expression (\`${call.slice(0, 60)}\`) needs a model defined by a Python class, and \`${root.type}\` is not one: give the input alone.`)
  }
  let expr: Expr
  try {
    expr = parseExpression(call)
  } catch (error) {
    throw locate(error, { start: 0, end: call.length, file: callFile })
  }
  callPlans.set(root, expr)
  try {
    return trace()
  } finally {
    callPlans.delete(root)
  }
}

/**
 * `torch.utils.checkpoint.checkpoint(fn, *args, use_reentrant=…, **kwargs)` in a traced forward: `fn` runs on the
 * arguments but keeps nothing for backward (it is recomputed there), and the tensor arguments are kept instead, as
 * PyTorch 2.13 measures it. Without reentry (`use_reentrant=False`) they are kept whether they require grad or not;
 * with it (`True`, or not given, PyTorch's default with a warning), `fn` runs without grad, and only when an argument
 * requires grad are they kept and do the results require grad. Outside a traced forward `fn` is called as it is.
 */
export function checkpointCall(it: Interpreter, fn: Value, args: ArgValue[], reentrant: boolean, span: SourceSpan): Value {
  const state = traces.get(it)?.at(-1)
  if (!state) return it.call(fn, args, span)
  const ctx = state.ctx
  const t: TraceOps = { it, ctx }
  const inputs: Tensor[] = []
  const collect = (v: Value): void => {
    if (v.kind === 'tensor') inputs.push(traceOf(t, v))
    else if (v.kind === 'tuple' || v.kind === 'list') v.items.forEach(collect)
  }
  for (const a of args) collect(a.value)
  if (!reentrant) {
    const result = ctx.withoutSaving(() => it.call(fn, args, span))
    ctx.save(...inputs)
    return result
  }
  const tracked = ctx.gradEnabled() && inputs.some((x) => x.requiresGrad)
  const before = ctx.setGradEnabled(false)
  let result: Value
  try {
    result = it.call(fn, args, span)
  } finally {
    ctx.setGradEnabled(before)
  }
  if (!tracked) return result
  ctx.save(...inputs)
  // `CheckpointFunction`'s outputs require grad: each floating tensor result again, on the same storage.
  const again = (v: Value): Value => {
    if (v instanceof TensorValue && v.trace && isFloatingDType(v.dtype)) return wrapTensor(setStrides({ ...v.trace, requiresGrad: true }, stridesOf(v.trace)))
    if (v.kind === 'tuple') return tuple(v.items.map(again), v.fields)
    if (v.kind === 'list') return list(v.items.map(again))
    return v
  }
  return again(result)
}
