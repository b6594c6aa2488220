import { any, float as floatSpec, int } from '../../bind/args.js'
import { bindArguments } from '../../bind/bind.js'
import type { SourceSpan } from '../../errors.js'
import { NnsizeError } from '../../errors.js'
import { registerModuleHooks, runningForward } from '../../forward/module-hooks.js'
import { normExceptDimShape, normalizeVector, spectralNorm, weightNorm } from '../../forward/ops/weight-norm.js'
import type { ForwardContext, Tensor } from '../../forward/trace.js'
import { moduleDict, moduleList } from '../../layers/containers.js'
import { conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d } from '../../layers/conv.js'
import { defineLayer } from '../../layers/define-layer.js'
import type { LayerDefinition } from '../../layers/define-layer.js'
import { prelu } from '../../layers/activation.js'
import { embedding } from '../../layers/embedding.js'
import { bilinear, linear } from '../../layers/linear.js'
import { buffersOf, childrenOf, createModule, paramsOf } from '../../model/module.js'
import type { ModuleNode, TensorDef } from '../../model/module.js'
import { makeClass } from '../classes.js'
import type { PyClass } from '../classes.js'
import { raise } from '../exceptions.js'
import { dictDelete, dictGetString, newDict } from '../hash.js'
import type { Interpreter } from '../interpreter.js'
import { layerClass, layerLookup, moduleClassOf, moduleSetAttr, moduleValue, noteChild } from '../nn-module.js'
import { pyStr } from '../strings.js'
import { traceOf, wrapTensor } from '../tensor-methods.js'
import { FALSE, NONE, TRUE, TensorValue, bool, float, int as pyInt, namespace, native, str, typeName } from '../../contract/values.js'
import type { ArgValue, CallableValue, NamespaceValue, Value } from '../../contract/values.js'

/**
 * `torch.nn.utils`' weight normalisations, as PyTorch 2.13 builds and runs them:
 *
 * - `weight_norm(module, name='weight', dim=0)` removes the parameter `name`, registers `name_g` (its norm over every
 *   dimension but `dim`, kept as dimensions of 1; one number for `dim=None`) and `name_v` after the module's other
 *   parameters, and keeps `name` as a plain attribute that a forward pre-hook recomputes before each call
 *   (`torch._weight_norm`). `spectral_norm(module, name='weight', n_power_iterations=1, eps=1e-12, dim=None)` renames
 *   the parameter `name_orig`, registers the buffers `name_u` and `name_v` (the rows and columns of the weight as a
 *   matrix, `dim` first: 1 for transposed convolutions, else 0), and recomputes `name` before each call (power
 *   iterations in training). `remove_weight_norm` and `remove_spectral_norm` register `name` again, last.
 * - `parametrizations.weight_norm` / `spectral_norm` register a parametrization: the module's class becomes
 *   `Parametrized<Class>` (a subclass), `name` leaves its parameters, and a `parametrizations` `ModuleDict` (added
 *   after its other submodules) holds a `ParametrizationList` under `name` with the parameters `original0` and
 *   `original1` (weight norm: magnitude and direction) or `original`, and the parametrization module `0` (`_WeightNorm`;
 *   `_SpectralNorm` with the buffers `_u` and `_v`). Reading `module.name` computes the weight anew, each time.
 *   `parametrize.remove_parametrizations` undoes it, registering `name` last.
 *
 * A traced forward computes these weights with the kernels of `forward/ops/weight-norm.ts`, through the hooks of
 * `forward/module-hooks.ts`: built-in layers read them as their own weights, Python code as the attribute. Built-in
 * layers whose forward rules were not checked with such weights are refused (see {@link readsNormalisedWeights}).
 */

const PARAMETRIZE = 'torch.nn.utils.parametrize'
const PARAMETRIZATIONS = 'torch.nn.utils.parametrizations'

// ---------------------------------------------------------------------------------------------
// Arguments

function bind(name: string, signature: Parameters<typeof bindArguments>[1], args: ArgValue[], span: SourceSpan): Record<string, Value> {
  return bindArguments(name, signature, args, span).values as Record<string, Value>
}

/** The module a function is given. */
function moduleArg(v: Value, what: string, span: SourceSpan): ModuleNode {
  if (v.kind !== 'module') return raise('AttributeError', 'argument-type', `\`${what}\` takes a module, got ${typeName(v)}.`, span)
  return v.module
}

function stringArg(v: Value, what: string, span: SourceSpan): string {
  if (v.kind !== 'str') return raise('TypeError', 'argument-type', `\`${what}\` takes the tensor's name as a string, got ${typeName(v)}.`, span)
  return v.value
}

/** An int argument (a bool counts as 0 or 1), or `fallback` for `None`. */
function intArg(v: Value, what: string, fallback: number | undefined, span: SourceSpan): number {
  if (v.kind === 'none' && fallback !== undefined) return fallback
  if (v.kind === 'int') return Number(v.value)
  if (v.kind === 'bool') return v.value ? 1 : 0
  return raise('TypeError', 'argument-type', `\`${what}\` must be an int${fallback === undefined ? '' : ' or None'}, got ${typeName(v)}.`, span)
}

function floatArg(v: Value, what: string, span: SourceSpan): number {
  if (v.kind === 'float') return v.value
  if (v.kind === 'int') return Number(v.value)
  return raise('TypeError', 'argument-type', `\`${what}\` must be a number, got ${typeName(v)}.`, span)
}

/** The shape of `norm_except_dim(weight, 2, dim)`, or PyTorch's IndexError. */
function normShape(shape: readonly number[], dim: number, span: SourceSpan): number[] {
  const out = normExceptDimShape(shape, dim)
  if (out === undefined) {
    const rank = Math.max(shape.length, 1)
    raise('IndexError', 'argument-value', `Dimension out of range (expected to be in range of [${-rank}, ${rank - 1}], but got ${dim})`, span)
  }
  return out
}

/** Whether the module is an `nn.ConvTranspose1d/2d/3d` (its spectral norm's `dim` is then 1). */
function isTransposedConv(it: Interpreter, node: ModuleNode): boolean {
  return moduleClassOf(it, node).mro.some((c) => c.layer === convTranspose1d || c.layer === convTranspose2d || c.layer === convTranspose3d)
}

/** A tensor value of the module (`getattr(module, name)`), or `None`/other values as they are. */
function tensorAttribute(it: Interpreter, node: ModuleNode, name: string, span: SourceSpan): Value {
  return it.getattr(moduleValue(node), name, span)
}

function newParameter(shape: readonly number[], like: { dtype: TensorDef['dtype'] }, requiresGrad = true): TensorDef {
  return { kind: 'parameter', shape: [...shape], dtype: like.dtype, requiresGrad, persistent: true }
}

function newBuffer(shape: readonly number[], like: { dtype: TensorDef['dtype'] }): TensorDef {
  return { kind: 'buffer', shape: [...shape], dtype: like.dtype, requiresGrad: false, persistent: true }
}

/** `del module.name` of an attribute kept in the instance's `__dict__`. */
function deleteAttribute(it: Interpreter, node: ModuleNode, name: string, span: SourceSpan): void {
  const dict = it.instances.get(node)?.dict
  if (dict) dictDelete(dict, str(name), span)
}

// ---------------------------------------------------------------------------------------------
// `weight_norm` and `spectral_norm`: forward pre-hooks

/** One normalisation hook of a module, as `WeightNorm` / `SpectralNorm` hold it. */
type HookNorm =
  | { kind: 'weight_norm'; name: string; dim: number; it: Interpreter }
  | { kind: 'spectral_norm'; name: string; dim: number; powerIterations: number; eps: number; it: Interpreter }

/** The hooks of each module, in registration order. */
const hookNorms = new WeakMap<ModuleNode, HookNorm[]>()
/**
 * The hooks registered on modules of each argument record: `copy.deepcopy` shares that record between a module and
 * its copy, which keeps the hooks whose tensors it has, as PyTorch's copies keep their pre-hooks.
 */
const hooksByArgs = new WeakMap<object, HookNorm[]>()
/** The weight each hook computed in the running trace, per module and name. */
const computed = new WeakMap<ModuleNode, Map<string, { ctx: ForwardContext; tensor: Tensor }>>()

/** Whether a module holds the tensors a hook reads (a copy of a module made after the hook was registered does). */
function holdsTensors(node: ModuleNode, hook: HookNorm): boolean {
  const params = paramsOf(node)
  if (params.get(hook.name)) return false
  if (hook.kind === 'weight_norm') return Boolean(params.get(`${hook.name}_g`) && params.get(`${hook.name}_v`))
  const buffers = buffersOf(node)
  return Boolean(params.get(`${hook.name}_orig`) && buffers.get(`${hook.name}_u`) && buffers.get(`${hook.name}_v`))
}

function hooksOf(node: ModuleNode): HookNorm[] | undefined {
  const own = hookNorms.get(node)
  if (own) return own
  const copied = hooksByArgs.get(node.args)?.filter((h) => holdsTensors(node, h))
  if (!copied || copied.length === 0) return undefined
  hookNorms.set(node, copied)
  return copied
}

/** Registers a hook on a module (after those it has). */
function addHook(node: ModuleNode, hook: HookNorm): void {
  hookNorms.set(node, [...(hooksOf(node) ?? []), hook])
  hooksByArgs.set(node.args, [...(hooksByArgs.get(node.args) ?? []), hook])
}

/** The weight a hook computes, in a traced forward, from the module's parameters and buffers. */
function hookWeight(hook: HookNorm, node: ModuleNode, ctx: ForwardContext): Tensor {
  if (hook.kind === 'weight_norm') return weightNorm(ctx, ctx.state(node, `${hook.name}_v`), ctx.state(node, `${hook.name}_g`), hook.dim)
  const training = node.training
  return spectralNorm(ctx, ctx.state(node, `${hook.name}_orig`), ctx.state(node, `${hook.name}_u`), ctx.state(node, `${hook.name}_v`), {
    dim: hook.dim,
    powerIterations: training ? hook.powerIterations : 0,
    clone: training,
  })
}

/** Runs a hook: computes the weight and sets it as the module's attribute (`setattr(module, name, weight)`). */
function runHook(hook: HookNorm, node: ModuleNode, ctx: ForwardContext): Tensor {
  const tensor = hookWeight(hook, node, ctx)
  let byName = computed.get(node)
  if (!byName) computed.set(node, (byName = new Map()))
  byName.set(hook.name, { ctx, tensor })
  moduleSetAttr(hook.it, node, hook.name, wrapTensor(tensor), node.span ?? { start: 0, end: 0 })
  return tensor
}

/** `weight_norm(module, name='weight', dim=0)` (see the file's comment). */
const weightNormFunction = native('torch.nn.utils.weight_norm', (args, span, it) => {
  const a = bind('weight_norm', [any('module'), any('name', { default: str('weight') }), any('dim', { default: pyInt(0) })], args, span)
  const node = moduleArg(a['module']!, 'weight_norm', span)
  const name = stringArg(a['name']!, 'weight_norm', span)
  const hooks = hooksOf(node) ?? []
  if (hooks.some((h) => h.kind === 'weight_norm' && h.name === name)) raise('RuntimeError', 'argument-value', `Cannot register two weight_norm hooks on the same parameter ${name}`, span)
  const dim = intArg(a['dim']!, 'dim', -1, span)
  const weight = tensorAttribute(it!, node, name, span)
  const def = paramsOf(node).get(name)
  if (!def) return raise('KeyError', 'argument-value', `'${name}'`, span)
  if (weight.kind !== 'tensor') return raise('TypeError', 'argument-type', `\`weight_norm\` normalises a tensor, got ${typeName(weight)}.`, span)
  const magnitude = normShape(def.shape, dim, span)
  node.params.delete(name)
  node.params.set(`${name}_g`, newParameter(magnitude, def))
  node.params.set(`${name}_v`, newParameter(def.shape, def))
  const hook: HookNorm = { kind: 'weight_norm', name, dim, it: it! }
  // `setattr(module, name, fn.compute_weight(module))`: a tensor computed from g and v, no parameter.
  moduleSetAttr(it!, node, name, new TensorValue([...def.shape], def.dtype, true), span)
  addHook(node, hook)
  return a['module']!
})

/** `spectral_norm(module, name='weight', n_power_iterations=1, eps=1e-12, dim=None)` (see the file's comment). */
const spectralNormFunction = native('torch.nn.utils.spectral_norm', (args, span, it) => {
  const signature = [any('module'), any('name', { default: str('weight') }), any('n_power_iterations', { default: pyInt(1) }), any('eps', { default: float(1e-12) }), any('dim', { default: NONE })]
  const a = bind('spectral_norm', signature, args, span)
  const node = moduleArg(a['module']!, 'spectral_norm', span)
  const name = stringArg(a['name']!, 'spectral_norm', span)
  const dim = a['dim']!.kind === 'none' ? (isTransposedConv(it!, node) ? 1 : 0) : intArg(a['dim']!, 'dim', undefined, span)
  const hooks = hooksOf(node) ?? []
  if (hooks.some((h) => h.kind === 'spectral_norm' && h.name === name)) raise('RuntimeError', 'argument-value', `Cannot register two spectral_norm hooks on the same parameter ${name}`, span)
  const powerIterations = intArg(a['n_power_iterations']!, 'n_power_iterations', undefined, span)
  if (powerIterations <= 0) raise('ValueError', 'argument-value', `Expected n_power_iterations to be positive, but got n_power_iterations=${powerIterations}`, span)
  const eps = floatArg(a['eps']!, 'eps', span)
  const def = paramsOf(node).get(name)
  if (!def) return raise('KeyError', 'argument-value', `'${name}'`, span)
  const rank = def.shape.length
  // `weight.permute(dim, *(d for d in range(rank) if d != dim))`, for `dim` other than 0.
  if (dim !== 0 && (dim < 0 || dim >= rank)) {
    raise('RuntimeError', 'argument-value', `permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${rank} is not equal to len(dims) = ${rank + 1}`, span)
  }
  const rows = rank === 0 ? 1 : def.shape[dim]!
  const columns = rows === 0 ? 0 : def.shape.reduce((p, d) => p * d, 1) / rows
  node.params.delete(name)
  node.params.set(`${name}_orig`, def)
  // `setattr(module, name, weight.data)`: a tensor of the weight's values, no parameter and no gradient.
  moduleSetAttr(it!, node, name, new TensorValue([...def.shape], def.dtype, false), span)
  node.buffers.set(`${name}_u`, newBuffer([rows], def))
  node.buffers.set(`${name}_v`, newBuffer([columns], def))
  addHook(node, { kind: 'spectral_norm', name, dim, powerIterations, eps, it: it! })
  return a['module']!
})

/** Removes a hook of `kind` on `name`, or raises PyTorch's ValueError. */
function takeHook(it: Interpreter, node: ModuleNode, kind: HookNorm['kind'], name: string, span: SourceSpan): HookNorm {
  const hooks = hooksOf(node) ?? []
  const index = hooks.findIndex((h) => h.kind === kind && h.name === name)
  if (index < 0) return raise('ValueError', 'argument-value', `${kind} of '${name}' not found in ${pyStr(it, moduleValue(node), span)}`, span)
  const hook = hooks[index]!
  hookNorms.set(node, hooks.toSpliced(index, 1))
  computed.get(node)?.delete(name)
  return hook
}

/** `remove_weight_norm(module, name='weight')`: `name` a parameter again (registered last), `name_g` and `name_v` gone. */
const removeWeightNormFunction = native('torch.nn.utils.remove_weight_norm', (args, span, it) => {
  const a = bind('remove_weight_norm', [any('module'), any('name', { default: str('weight') })], args, span)
  const node = moduleArg(a['module']!, 'remove_weight_norm', span)
  const name = stringArg(a['name']!, 'remove_weight_norm', span)
  takeHook(it!, node, 'weight_norm', name, span)
  const direction = paramsOf(node).get(`${name}_v`)
  if (!direction) return raise('KeyError', 'argument-value', `'${name}_v'`, span)
  deleteAttribute(it!, node, name, span)
  node.params.delete(`${name}_g`)
  node.params.delete(`${name}_v`)
  node.params.set(name, newParameter(direction.shape, direction))
  return a['module']!
})

/** `remove_spectral_norm(module, name='weight')`: `name` a parameter again (registered last), `name_orig`, `name_u`, `name_v` gone. */
const removeSpectralNormFunction = native('torch.nn.utils.remove_spectral_norm', (args, span, it) => {
  const a = bind('remove_spectral_norm', [any('module'), any('name', { default: str('weight') })], args, span)
  const node = moduleArg(a['module']!, 'remove_spectral_norm', span)
  const name = stringArg(a['name']!, 'remove_spectral_norm', span)
  takeHook(it!, node, 'spectral_norm', name, span)
  const original = paramsOf(node).get(`${name}_orig`)
  if (!original) return raise('AttributeError', 'unknown-attribute', `'${node.type}' object has no attribute '${name}_orig'`, span)
  deleteAttribute(it!, node, name, span)
  node.buffers.delete(`${name}_u`)
  node.buffers.delete(`${name}_v`)
  node.params.delete(`${name}_orig`)
  node.params.set(name, newParameter(original.shape, original))
  return a['module']!
})

// ---------------------------------------------------------------------------------------------
// `parametrizations.weight_norm` and `spectral_norm`: parametrized modules

/** `_WeightNorm(dim)` of `torch.nn.utils.parametrizations`: no tensors; its forward takes `(weight_g, weight_v)`. */
const weightNormParametrization = defineLayer({
  name: '_WeightNorm',
  signature: [int('dim', { default: 0 })],
  build() {},
  forward: (self, inputs, ctx) => {
    if (inputs.length !== 2) throw ctx.error(arityMessage('_WeightNorm', inputs.length))
    return weightNorm(ctx, inputs[1]!, inputs[0]!, self.args.dim)
  },
})

/**
 * `_SpectralNorm(weight, n_power_iterations=1, dim=0, eps=1e-12)` of `torch.nn.utils.parametrizations`: for a weight
 * of two or more dimensions, the buffers `_u` and `_v` (the rows and columns of the weight as a matrix, `dim`
 * first). Made by `spectral_norm` (see {@link spectralParametrization}); its forward takes the weight.
 */
const spectralNormParametrization = defineLayer({
  name: '_SpectralNorm',
  signature: [int('n_power_iterations', { default: 1 }), int('dim', { default: 0 }), floatSpec('eps', { default: 1e-12 })],
  build() {},
  forward: (self, inputs, ctx) => {
    if (inputs.length !== 1) throw ctx.error(arityMessage('_SpectralNorm', inputs.length))
    return spectralParametrizationWeight(ctx, self, inputs[0]!)
  },
})

/** PyTorch's TypeError for a parametrization's forward called with the wrong number of tensors. */
function arityMessage(kind: '_WeightNorm' | '_SpectralNorm', given: number): string {
  if (kind === '_WeightNorm' && given === 1) return "_WeightNorm.forward() missing 1 required positional argument: 'weight_v'"
  return `${kind}.forward() takes ${kind === '_WeightNorm' ? 3 : 2} positional arguments but ${given + 1} were given`
}

/** The weight `_SpectralNorm` computes from `weight`: power iterations in training, `u` and `v` cloned always. */
function spectralParametrizationWeight(ctx: ForwardContext, node: ModuleNode, weight: Tensor): Tensor {
  if (weight.shape.length === 1) return normalizeVector(ctx, weight)
  const args = node.args as { dim: number; n_power_iterations: number }
  return spectralNorm(ctx, weight, ctx.state(node, '_u'), ctx.state(node, '_v'), { dim: args.dim, powerIterations: node.training ? args.n_power_iterations : 0, clone: true })
}

let parametrizationClasses: { list: PyClass; weightNorm: PyClass; spectralNorm: PyClass } | undefined

function classes(): NonNullable<typeof parametrizationClasses> {
  parametrizationClasses ??= {
    list: makeClass('ParametrizationList', [layerClass(moduleList)], { module: PARAMETRIZE }),
    weightNorm: layerClass(weightNormParametrization, PARAMETRIZATIONS, 'parametrizations'),
    spectralNorm: layerClass(spectralNormParametrization, PARAMETRIZATIONS, 'parametrizations'),
  }
  return parametrizationClasses
}

/** The classes `Parametrized<Class>` made for parametrized modules. */
const parametrizedClasses = new WeakSet<PyClass>()

/** `module.parametrizations[name]` when the module's `name` is parametrized (the `ParametrizationList`). */
function parametrizationList(node: ModuleNode, name: string): ModuleNode | undefined {
  const dict = childrenOf(node).get('parametrizations')
  if (!dict || dict.type !== 'ModuleDict') return undefined
  const list = childrenOf(dict).get(name)
  return list && list.type === 'ParametrizationList' ? list : undefined
}

/** The tensors a `ParametrizationList` keeps: `original`, or `original0`, `original1`, …, in order. */
function originalNames(list: ModuleNode): string[] {
  const has = (name: string): boolean => Boolean(paramsOf(list).get(name) ?? buffersOf(list).get(name))
  if (has('original')) return ['original']
  const names: string[] = []
  while (has(`original${names.length}`)) names.push(`original${names.length}`)
  return names
}

function originalDef(list: ModuleNode, name: string): TensorDef {
  return (paramsOf(list).get(name) ?? buffersOf(list).get(name))!
}

/** The parametrization modules of a list, `0`, `1`, … in order. */
function parametrizationsOf(list: ModuleNode): ModuleNode[] {
  const out: ModuleNode[] = []
  for (let node = childrenOf(list).get('0'); node; node = childrenOf(list).get(String(out.length))) out.push(node)
  return out
}

/** What one step of a parametrization chain is applied to: trace tensors, or shapes while the model is built. */
interface ChainOps<T> {
  original(list: ModuleNode, name: string): T
  weightNorm(node: ModuleNode, g: T, v: T): T
  spectralNorm(node: ModuleNode, weight: T): T
  fail(message: string): never
}

/** `ParametrizationList.forward()`: the first parametrization on the originals, each next one on the result. */
function runChain<T>(list: ModuleNode, ops: ChainOps<T>): T {
  let inputs = originalNames(list).map((name) => ops.original(list, name))
  for (const node of parametrizationsOf(list)) {
    const kind = node.type === '_WeightNorm' ? '_WeightNorm' : '_SpectralNorm'
    if (kind === '_WeightNorm') inputs = inputs.length === 2 ? [ops.weightNorm(node, inputs[0]!, inputs[1]!)] : ops.fail(arityMessage(kind, inputs.length))
    else inputs = inputs.length === 1 ? [ops.spectralNorm(node, inputs[0]!)] : ops.fail(arityMessage(kind, inputs.length))
  }
  return inputs[0]!
}

/** The parametrized tensor in a traced forward, computed anew. */
function tracedParametrization(list: ModuleNode, ctx: ForwardContext): Tensor {
  return runChain<Tensor>(list, {
    original: (l, name) => ctx.state(l, name),
    weightNorm: (node, g, v) => weightNorm(ctx, v, g, (node.args as { dim: number }).dim),
    spectralNorm: (node, weight) => spectralParametrizationWeight(ctx, node, weight),
    fail: (message) => raise('TypeError', 'argument-type', message, undefined),
  })
}

/** The parametrized tensor while the model is built: a tensor of its shape and dtype that is no parameter. */
function builtParametrization(list: ModuleNode, span: SourceSpan): TensorValue {
  return runChain<TensorValue>(list, {
    original: (l, name) => {
      const def = originalDef(l, name)
      return new TensorValue([...def.shape], def.dtype, def.requiresGrad)
    },
    weightNorm: (_node, g, v) => new TensorValue([...v.shape], v.dtype, g.requiresGrad || v.requiresGrad),
    spectralNorm: (_node, weight) => new TensorValue([...weight.shape], weight.dtype, weight.requiresGrad),
    fail: (message) => raise('TypeError', 'argument-type', message, span),
  })
}

/** `module.name` of a parametrized module: computed in a traced forward, else a tensor of its shape. */
function parametrizedValue(node: ModuleNode, name: string, span: SourceSpan): Value {
  const list = parametrizationList(node, name)
  if (!list) return raise('AttributeError', 'unknown-attribute', `'${node.type}' object has no attribute 'parametrizations'`, span)
  const ctx = runningForward()
  return ctx ? wrapTensor(tracedParametrization(list, ctx)) : builtParametrization(list, span)
}

/** The property `Parametrized<Class>.name`: reads compute the tensor; writes set the originals' values (kept by nnsize as shapes). */
function parametrizedProperty(name: string): Value {
  const fn = native(`${PARAMETRIZE}.get_parametrized`, (args, span) => {
    const self = args[0]?.value
    if (self?.kind !== 'module') return raise('TypeError', 'argument-type', `The property \`${name}\` of a parametrized module needs the module.`, span)
    return parametrizedValue(self.module, name, span)
  })
  const setter = native(`${PARAMETRIZE}.set_original`, (args, span) => {
    const value = args[1]?.value
    if (value?.kind !== 'tensor') return raise('TypeError', 'argument-type', `\`${name}\` of a parametrized module is set from a tensor, got ${value ? typeName(value) : 'nothing'}.`, span)
    return NONE
  })
  return { kind: 'descriptor', type: 'property', fn, setter }
}

/** `is_parametrized(module, tensor_name=None)`. */
function isParametrized(node: ModuleNode, name?: string): boolean {
  const dict = childrenOf(node).get('parametrizations')
  if (!dict || dict.type !== 'ModuleDict') return false
  return name === undefined ? childrenOf(dict).size > 0 : childrenOf(dict).has(name)
}

/** The module's class made `Parametrized<Class>` (`_inject_new_class`), its `type` renamed so. */
function injectClass(it: Interpreter, node: ModuleNode): PyClass {
  const current = moduleClassOf(it, node)
  const cls = makeClass(`Parametrized${current.name}`, [current], { module: PARAMETRIZE })
  parametrizedClasses.add(cls)
  const inst = it.instances.get(node)
  if (inst) inst.cls = cls
  else it.instances.set(node, { cls, dict: newDict() })
  node.type = cls.name
  return cls
}

/** A parametrization module: `_WeightNorm` or `_SpectralNorm`, with its arguments (read back as attributes). */
function parametrizationModule(it: Interpreter, kind: 'weight' | 'spectral', args: Record<string, unknown>, training: boolean): ModuleNode {
  const c = classes()
  const cls = kind === 'weight' ? c.weightNorm : c.spectralNorm
  const node = createModule(cls.name, args, kind === 'weight' ? weightNormParametrization : spectralNormParametrization)
  node.training = training
  it.instances.set(node, { cls, dict: newDict() })
  return node
}

/**
 * `register_parametrization(module, name, parametrization)` of a `_WeightNorm` (`unsafe=True`) or `_SpectralNorm`
 * module: appended to the list of an already parametrized `name`; else the list made with the originals
 * (`right_inverse`: `(norm_except_dim(w, 2, dim), w)` for weight norm, the tensor itself for spectral norm), `name`
 * removed from the module, its class injected and `parametrizations` added on first use.
 */
function registerParametrization(it: Interpreter, node: ModuleNode, name: string, parametrization: ModuleNode, span: SourceSpan): void {
  parametrization.training = node.training
  const existing = parametrizationList(node, name)
  if (existing) {
    const index = String(parametrizationsOf(existing).length)
    noteChild(existing, parametrization, span)
    existing.children.set(index, parametrization)
    return
  }
  const def = paramsOf(node).get(name) ?? buffersOf(node).get(name)
  if (!def) raise('ValueError', 'argument-value', `Module '${pyStr(it, moduleValue(node), span)}' does not have a parameter, a buffer, or a parametrized element with name '${name}'`, span)
  const c = classes()
  const list = it.call(c.list.value, [{ value: { kind: 'list', items: [moduleValue(parametrization)] }, span, valueSpan: span }], span)
  if (list.kind !== 'module') raise('TypeError', 'type', '`ParametrizationList` did not make a module.', span)
  const listNode = list.module
  const store = def.kind === 'parameter' ? listNode.params : listNode.buffers
  if (parametrization.type === '_WeightNorm') {
    const dim = (parametrization.args as { dim: number }).dim
    const magnitude = normShape(def.shape, dim, span)
    const make = (shape: readonly number[]): TensorDef => (def.kind === 'parameter' ? newParameter(shape, def, def.requiresGrad) : newBuffer(shape, def))
    store.set('original0', make(magnitude))
    store.set('original1', make(def.shape))
    it.setattr(list, 'is_tensor', FALSE, span)
    it.setattr(list, 'ntensors', pyInt(2), span)
    it.setattr(list, 'unsafe', TRUE, span)
  } else {
    store.set('original', def)
    it.setattr(list, 'is_tensor', TRUE, span)
    it.setattr(list, 'ntensors', pyInt(1), span)
    it.setattr(list, 'unsafe', FALSE, span)
  }
  if (def.kind === 'parameter') node.params.delete(name)
  else node.buffers.delete(name)
  if (!isParametrized(node)) {
    injectClass(it, node)
    moduleSetAttr(it, node, 'parametrizations', it.call(layerClass(moduleDict).value, [], span), span)
  }
  moduleClassOf(it, node).dict.set(name, parametrizedProperty(name))
  const dict = childrenOf(node).get('parametrizations')!
  noteChild(dict, listNode, span)
  dict.children.set(name, listNode)
}

/** `parametrizations.weight_norm(module, name='weight', dim=0)`. */
const parametrizedWeightNormFunction = native(`${PARAMETRIZATIONS}.weight_norm`, (args, span, it) => {
  const a = bind('weight_norm', [any('module'), any('name', { default: str('weight') }), any('dim', { default: pyInt(0) })], args, span)
  const node = moduleArg(a['module']!, 'weight_norm', span)
  const name = stringArg(a['name']!, 'weight_norm', span)
  const dim = intArg(a['dim']!, 'dim', -1, span)
  registerParametrization(it!, node, name, parametrizationModule(it!, 'weight', { dim }, node.training), span)
  return a['module']!
})

/** `parametrizations.spectral_norm(module, name='weight', n_power_iterations=1, eps=1e-12, dim=None)`. */
const parametrizedSpectralNormFunction = native(`${PARAMETRIZATIONS}.spectral_norm`, (args, span, it) => {
  const signature = [any('module'), any('name', { default: str('weight') }), any('n_power_iterations', { default: pyInt(1) }), any('eps', { default: float(1e-12) }), any('dim', { default: NONE })]
  const a = bind('spectral_norm', signature, args, span)
  const node = moduleArg(a['module']!, 'spectral_norm', span)
  const name = stringArg(a['name']!, 'spectral_norm', span)
  const weight = it!.findattr(moduleValue(node), name, span)
  if (weight?.kind !== 'tensor') return raise('ValueError', 'argument-value', `Module '${pyStr(it!, moduleValue(node), span)}' has no parameter or buffer with name '${name}'`, span)
  const given = a['dim']!.kind === 'none' ? (isTransposedConv(it!, node) ? 1 : 0) : intArg(a['dim']!, 'dim', undefined, span)
  const powerIterations = intArg(a['n_power_iterations']!, 'n_power_iterations', undefined, span)
  const eps = floatArg(a['eps']!, 'eps', span)
  const rank = weight.shape.length
  if (given >= rank || given < -rank) raise('IndexError', 'argument-value', `Dimension out of range (expected to be in range of [-${rank}, ${rank - 1}] but got ${given})`, span)
  if (powerIterations <= 0) raise('ValueError', 'argument-value', `Expected n_power_iterations to be positive, but got n_power_iterations=${powerIterations}`, span)
  const dim = given >= 0 ? given : given + rank
  // A vector is normalised without power iterations: no `_u`, `_v` or `n_power_iterations`.
  const parametrization = parametrizationModule(it!, 'spectral', rank > 1 ? { n_power_iterations: powerIterations, dim, eps } : { dim, eps }, node.training)
  if (rank > 1) {
    const rows = weight.shape[dim]!
    const columns = rows === 0 ? 0 : weight.shape.reduce((p, d) => p * d, 1) / rows
    parametrization.buffers.set('_u', newBuffer([rows], weight))
    parametrization.buffers.set('_v', newBuffer([columns], weight))
  }
  registerParametrization(it!, node, name, parametrization, span)
  return a['module']!
})

/** `parametrize.remove_parametrizations(module, tensor_name, leave_parametrized=True)`. */
const removeParametrizationsFunction = native(`${PARAMETRIZE}.remove_parametrizations`, (args, span, it) => {
  const a = bind('remove_parametrizations', [any('module'), any('tensor_name'), any('leave_parametrized', { default: TRUE })], args, span)
  const node = moduleArg(a['module']!, 'remove_parametrizations', span)
  const name = stringArg(a['tensor_name']!, 'remove_parametrizations', span)
  const list = parametrizationList(node, name)
  if (!list) return raise('ValueError', 'argument-value', `Module ${pyStr(it!, moduleValue(node), span)} does not have a parametrization on ${name}`, span)
  const leave = it!.truthy(a['leave_parametrized']!, span)
  const originals = originalNames(list)
  let restored: TensorDef
  if (originals.length === 1 && originals[0] === 'original') restored = originalDef(list, 'original')
  else if (leave) {
    const value = builtParametrization(list, span)
    restored = value.requiresGrad ? newParameter(value.shape, value) : newBuffer(value.shape, value)
  } else {
    return raise('ValueError', 'argument-value', 'Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is parametrized in terms of a sequence of tensors.', span)
  }
  const cls = moduleClassOf(it!, node)
  cls.dict.delete(name)
  const dict = childrenOf(node).get('parametrizations')!
  dict.children.delete(name)
  if (restored.kind === 'parameter') node.params.set(name, restored)
  else node.buffers.set(name, restored)
  if (childrenOf(dict).size === 0) {
    node.children.delete('parametrizations')
    const base = cls.bases[0]!
    const inst = it!.instances.get(node)
    if (inst && parametrizedClasses.has(cls)) inst.cls = base
    node.type = base.name
  }
  return a['module']!
})

/** `parametrize.register_parametrization`: only the parametrizations nnsize makes itself are modelled. */
const registerParametrizationFunction = native(`${PARAMETRIZE}.register_parametrization`, (args, span, it) => {
  const a = bind('register_parametrization', [any('module'), any('tensor_name'), any('parametrization'), any('unsafe', { default: FALSE })], args, span)
  const node = moduleArg(a['module']!, 'register_parametrization', span)
  const name = stringArg(a['tensor_name']!, 'register_parametrization', span)
  const p = a['parametrization']!
  if (p.kind !== 'module' || (p.module.type !== '_WeightNorm' && p.module.type !== '_SpectralNorm')) {
    throw new NnsizeError('unsupported', '`torch.nn.utils.parametrize.register_parametrization` of a parametrization other than `weight_norm` and `spectral_norm` is not supported yet.', { span })
  }
  registerParametrization(it!, node, name, p.module, span)
  return a['module']!
})

/** `parametrize.is_parametrized(module, tensor_name=None)`. */
const isParametrizedFunction = native(`${PARAMETRIZE}.is_parametrized`, (args, span) => {
  const a = bind('is_parametrized', [any('module'), any('tensor_name', { default: NONE })], args, span)
  const node = moduleArg(a['module']!, 'is_parametrized', span)
  const name = a['tensor_name']!
  return bool(isParametrized(node, name.kind === 'none' ? undefined : stringArg(name, 'is_parametrized', span)))
})

/** `parametrize.type_before_parametrizations(module)`. */
const typeBeforeFunction = native(`${PARAMETRIZE}.type_before_parametrizations`, (args, span, it) => {
  const a = bind('type_before_parametrizations', [any('module')], args, span)
  const node = moduleArg(a['module']!, 'type_before_parametrizations', span)
  const cls = moduleClassOf(it!, node)
  return (isParametrized(node) ? cls.bases[0]! : cls).value
})

/** A function of `torch.nn.utils.parametrizations` nnsize does not model: an error where a program calls it, never a silent drop. */
function unsupported(name: string): CallableValue {
  return native(`${PARAMETRIZATIONS}.${name}`, (_args, span) => {
    throw new NnsizeError('unsupported', `\`torch.nn.utils.parametrizations.${name}\` is not supported yet.`, { span })
  })
}

// ---------------------------------------------------------------------------------------------
// The trace's hooks

/**
 * The built-in layers whose forward rules read a normalised weight as PyTorch's kernels do (checked against PyTorch
 * 2.13 with saved-tensor hooks). Others (`LayerNorm`, `BatchNorm1d`, `LSTM`, `MultiheadAttention`, …) take their
 * weights as parameters, which autograd never counts, or read them as absent: their forward is refused rather than
 * measured wrong. Modules whose forward is Python read the weight as an attribute, as PyTorch's do.
 */
const readsNormalisedWeights: ReadonlySet<LayerDefinition> = new Set<LayerDefinition>([linear, bilinear, conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d, embedding, prelu])

function refuseUnmeasured(module: ModuleNode): void {
  const layer = module.layer
  if (!layer || readsNormalisedWeights.has(layer) || layerLookup(layer.name) !== layer) return
  throw new NnsizeError('unsupported', `The forward pass of \`${layer.name}\` with a weight-normalised, spectral-normalised or parametrized tensor is not supported yet.`, { span: module.span })
}

registerModuleHooks({
  preForward(module, ctx) {
    const hooks = hooksOf(module)
    if (!hooks && !isParametrized(module)) return
    refuseUnmeasured(module)
    if (hooks) for (const hook of hooks) runHook(hook, module, ctx)
  },
  state(module, name, ctx) {
    const hook = hooksOf(module)?.find((h) => h.name === name)
    if (hook) {
      const known = computed.get(module)?.get(name)
      if (known && known.ctx === ctx) return known.tensor
      // Read by another module without a call of its own (`F.multi_head_attention_forward` reads `out_proj.weight`),
      // no pre-hook has run: the attribute as last set, as PyTorch reads it.
      const dict = hook.it.instances.get(module)?.dict
      const attribute = dict ? dictGetString(dict, name) : undefined
      return attribute?.kind === 'tensor' ? traceOf({ it: hook.it, ctx }, attribute) : undefined
    }
    const list = parametrizationList(module, name)
    return list ? tracedParametrization(list, ctx) : undefined
  },
})

// ---------------------------------------------------------------------------------------------
// Namespaces

/**
 * A module of PyTorch that nnsize models in part: a name it does not list is a placeholder, an error saying it is not
 * supported yet only where construction uses it.
 */
function partial(name: string, members: Record<string, Value>): NamespaceValue {
  return namespace(name, members, (attribute) => ({ kind: 'placeholder', name: `${name}.${attribute}`, reason: { type: 'attribute', owner: name, attribute, suggestions: [], span: { start: 0, end: 0 } } }))
}

/** `torch.nn.utils`, with `parametrize` and `parametrizations` (its other names are placeholders). */
export function nnUtilsNamespace(): NamespaceValue {
  const c = classes()
  const parametrize = partial(PARAMETRIZE, {
    register_parametrization: registerParametrizationFunction,
    remove_parametrizations: removeParametrizationsFunction,
    is_parametrized: isParametrizedFunction,
    type_before_parametrizations: typeBeforeFunction,
    ParametrizationList: c.list.value,
  })
  const parametrizations = partial(PARAMETRIZATIONS, {
    weight_norm: parametrizedWeightNormFunction,
    spectral_norm: parametrizedSpectralNormFunction,
    orthogonal: unsupported('orthogonal'),
    _WeightNorm: c.weightNorm.value,
    _SpectralNorm: c.spectralNorm.value,
  })
  return partial('torch.nn.utils', {
    weight_norm: weightNormFunction,
    remove_weight_norm: removeWeightNormFunction,
    spectral_norm: spectralNormFunction,
    remove_spectral_norm: removeSpectralNormFunction,
    parametrize,
    parametrizations,
  })
}
