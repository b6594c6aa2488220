import { bindArguments } from '../bind/bind.js'
import type { ArgSpec } from '../bind/args.js'
import { NnsizeError } from '../errors.js'
import type { SourceSpan } from '../errors.js'
import { moduleDict, moduleList, sequential } from '../layers/containers.js'
import type { LayerDefinition } from '../layers/define-layer.js'
import { limits } from '../limits.js'
import { buildLayerInto, constructLayer, withDefaults } from '../model/construct.js'
import type { LayerLookup } from '../model/construct.js'
import { buffersOf, childrenOf, createModule, paramsOf } from '../model/module.js'
import type { ModuleNode, TensorDef, WalkedModule } from '../model/module.js'
import type { Operator } from '../python/ast.js'
import { isFloatingDType } from '../tensor/dtype.js'
import type { DType } from '../tensor/dtype.js'
import { lookupInMro, makeClass } from './classes.js'
import { modelCollections, modelCollectionsPending } from './collections.js'
import type { PyClass } from './classes.js'
import { raise } from './exceptions.js'
import { builtinForward, callModule } from './forward.js'
import { dictDelete, dictGetString, dictSet, newDict } from './hash.js'
import type { Interpreter } from './interpreter.js'
import { bindAttribute, dynamicAttribute, placeholderError } from './objects.js'
import type { Iter } from './operators.js'
import { sequenceIndex, sliceIndices } from './subscript.js'
import { objectClass, parameterClass } from './types.js'
import { NONE, TensorValue, quoted, bindTensorDef, bool, float, int, list, namespace, native, str, tensorOf, tuple, typeName, showValue } from '../contract/values.js'
import type { ArgValue, CallableValue, DictValue, Value } from '../contract/values.js'

/** `torch.nn.Module`. */
export const moduleClass: PyClass = makeClass('Module', [objectClass], { module: 'torch.nn', native: { subclassable: true } })
moduleClass.isModule = true

/** A module value. */
export function moduleValue(node: ModuleNode): Value {
  return { kind: 'module', module: node }
}

/** Removes a name from one of a module's maps without making the map when it has none. */
function deleteFrom(node: ModuleNode, which: 'params' | 'buffers' | 'children', name: string): boolean {
  const has = which === 'params' ? paramsOf(node).has(name) : which === 'buffers' ? buffersOf(node).has(name) : childrenOf(node).has(name)
  return has && node[which].delete(name)
}

// ---------------------------------------------------------------------------------------------
// Module tree depth

const heights = new WeakMap<ModuleNode, number>()

/** Records that `child` hangs under `parent`, refusing trees deeper than `limits.maxModuleDepth`. */
export function noteChild(parent: ModuleNode, child: ModuleNode | null, span: SourceSpan | undefined): void {
  if (child === null) return
  const height = (heights.get(child) ?? 0) + 1
  if (height <= (heights.get(parent) ?? 0)) return
  if (height > limits.maxModuleDepth) {
    throw new NnsizeError('limit', `The module tree is deeper than ${limits.maxModuleDepth.toLocaleString('en-US')} levels, the limit.`, { span })
  }
  heights.set(parent, height)
}

function noteBuilt(node: ModuleNode, span: SourceSpan | undefined): void {
  childrenOf(node).forEach((child) => noteChild(node, child, span))
}

// ---------------------------------------------------------------------------------------------
// Layer classes (`nn.Linear`, …)

const layerClasses = new WeakMap<LayerDefinition, PyClass>()
let lookupTable: Map<string, LayerDefinition> | undefined

/**
 * Finds a layer or model definition by name, for layers that build other layers. A name not registered yet, while
 * the model collections wait to be made on first use, makes them and looks again.
 */
export const layerLookup: LayerLookup = (name) => lookupTable?.get(name) ?? (modelCollectionsPending() && modelCollections() ? lookupTable?.get(name) : undefined)

/** Registers the layer and model definitions that `layerLookup` finds (the `layers` and `models` registries). */
export function registerDefinitions(definitions: readonly LayerDefinition[]): void {
  lookupTable ??= new Map()
  for (const d of definitions) lookupTable.set(d.name, d)
}

/** Turns iterators among call arguments into lists: PyTorch takes any iterable where a layer's signature says list. */
function materialized(it: Interpreter, args: ArgValue[], span: SourceSpan): ArgValue[] {
  if (!args.some((a) => a.value.kind === 'iterator' || a.value.kind === 'range')) return args
  return args.map((a) => (a.value.kind === 'iterator' || a.value.kind === 'range' ? { ...a, value: list([...it.toArray(a.value, span)]) } : a))
}

/** Calls a layer (or model) definition as PyTorch calls its class: bind, check, build. */
export function constructLayerValue(it: Interpreter, def: LayerDefinition, qualified: string, rawArgs: ArgValue[], span: SourceSpan): Value {
  const args = materialized(it, rawArgs, span)
  for (const a of args) if (a.value.kind === 'placeholder') throw placeholderUse(a.value, a.valueSpan)
  const bound = bindArguments(qualified, def.signature, args, span, def.variadic, def.ignoresExtraKeywords)
  const node = constructLayer(def, bound.values, it.budget, span, bound.spans)
  noteBuilt(node, span)
  return moduleValue(node)
}

function placeholderUse(v: Extract<Value, { kind: 'placeholder' }>, span: SourceSpan): NnsizeError {
  return placeholderError(v, span)
}

function noop(name: string): CallableValue {
  return native(name, () => NONE, { binds: true })
}

/** The class of a built-in layer or model definition, made once; `module` is its `__module__`, `prefix` what messages write before its name. */
export function layerClass(def: LayerDefinition, module = 'torch.nn', prefix = 'nn'): PyClass {
  let cls = layerClasses.get(def)
  if (cls) return cls
  const qualified = `${prefix}.${def.name}`
  cls = makeClass(def.className ?? def.name, [moduleClass], {
    module,
    layer: def,
    native: { subclassable: true, call: (args, span, it) => constructLayerValue(it, def, qualified, args, span) },
  })
  cls.dict.set(
    '__init__',
    native(`${qualified}.__init__`, (args, span, it) => {
      const self = args[0]!.value
      if (self.kind !== 'module') raise('TypeError', 'type', `\`${qualified}.__init__\` needs a module.`, span)
      const rest = materialized(it!, args.slice(1), span)
      const bound = bindArguments(qualified, def.signature, rest, span, def.variadic, def.ignoresExtraKeywords)
      buildLayerInto(self.module, def, bound.values, it!.budget, span, bound.spans)
      noteBuilt(self.module, span)
      return NONE
    }, { binds: true }),
  )
  for (const [name, method] of Object.entries(def.classMethods ?? {})) {
    cls.dict.set(
      name,
      native(`${qualified}.${name}`, (args, span, it) => {
        const bound = bindArguments(`${qualified}.${name}`, method.signature, args, span)
        const node = method.call(bound.values, (classArgs) => constructLayer(def, withDefaults(def, classArgs), it!.budget, span, bound.spans))
        node.span = span
        return moduleValue(node)
      }),
    )
  }
  for (const [name, method] of Object.entries(def.tensorStaticMethods ?? {})) {
    cls.dict.set(name, {
      kind: 'descriptor',
      type: 'staticmethod',
      fn: native(`${qualified}.${name}`, (args, span) => {
        const made = method.call(bindArguments(`${qualified}.${name}`, method.signature, args, span).values)
        return new TensorValue(made.shape, made.dtype)
      }),
    })
  }
  if (def.forward) cls.dict.set('forward', native(`${qualified}.forward`, (args, span, it) => builtinForward(it!, def, args, span), { binds: true }))
  for (const name of ['reset_parameters', '_reset_parameters', 'flatten_parameters', 'reset_running_stats']) cls.dict.set(name, noop(`${qualified}.${name}`))
  const extra = containerMethods(def)
  if (extra) for (const [name, fn] of Object.entries(extra)) cls.dict.set(name, fn)
  layerClasses.set(def, cls)
  return cls
}

const genericClasses = new Map<string, PyClass>()

/** The class of any module: its Python class, its layer's class, or a class named after its type. */
export function moduleClassOf(it: Interpreter, node: ModuleNode): PyClass {
  const inst = it.instances.get(node)
  if (inst) return inst.cls
  if (node.layer && node.layer.name === node.type) return layerClass(node.layer)
  if (node.layer && node.layer.className === node.type) return layerClass(node.layer)
  let cls = genericClasses.get(node.type)
  if (!cls) genericClasses.set(node.type, (cls = makeClass(node.type, [moduleClass], { module: 'torch.nn', native: { subclassable: false } })))
  return cls
}

// ---------------------------------------------------------------------------------------------
// Attributes

/** A bound constructor argument read back as an attribute (`conv.kernel_size`, `linear.out_features`). */
function argumentValue(value: unknown, spec: ArgSpec | undefined): Value {
  if (value === null || value === undefined) return NONE
  switch (typeof value) {
    case 'boolean':
      return bool(value)
    case 'number':
      return Number.isInteger(value) && !spec?.isFloat ? int(value) : float(value)
    case 'bigint':
      return int(value)
    case 'string':
      return str(value)
    case 'object':
      if (Array.isArray(value)) return tuple(value.map((v) => argumentValue(v, spec)))
      if ('kind' in value) return value as Value
      if ('children' in value && 'params' in value) return moduleValue(value as ModuleNode)
      return NONE
    default:
      return NONE
  }
}

/** Arguments that are not attributes of the module PyTorch builds. */
const notAttributes = new Set(['device', 'dtype'])

/**
 * The built-in layer whose arguments a module keeps: its own, or for a Python subclass with a `forward` of its own
 * (whose layer is then that interpreted forward) the built-in base's (`class SameConv(nn.Conv2d)` reads `self.padding`).
 */
function argumentLayer(cls: PyClass, node: ModuleNode): LayerDefinition | undefined {
  const layer = node.layer
  if (!layer || layer.signature.length > 0) return layer
  return cls.mro.find((c) => c.layer !== undefined)?.layer ?? layer
}

function layerArgument(cls: PyClass, node: ModuleNode, name: string): Value | undefined {
  const layer = argumentLayer(cls, node)
  if (!layer || notAttributes.has(name) || paramsHas(node, name)) return undefined
  const set = layer.attributes?.(node.args)
  if (set && Object.hasOwn(set, name)) return argumentValue(set[name], undefined)
  if (!Object.hasOwn(node.args, name)) return undefined
  const spec = layer.signature.find((s) => s.name === name) ?? (layer.variadic?.name === name ? layer.variadic : undefined)
  if (!spec) return undefined
  return argumentValue(node.args[name], spec)
}

function paramsHas(node: ModuleNode, name: string): boolean {
  return paramsOf(node).has(name) || buffersOf(node).has(name) || childrenOf(node).has(name)
}

function instanceDict(it: Interpreter, node: ModuleNode): DictValue {
  let inst = it.instances.get(node)
  if (!inst) {
    inst = { cls: moduleClassOf(it, node), dict: newDict() }
    it.instances.set(node, inst)
  }
  return inst.dict
}

/** `module.name`, as `nn.Module` resolves it: properties, own attributes, the class's, then parameters, buffers and submodules. */
export function moduleAttr(it: Interpreter, node: ModuleNode, name: string, span: SourceSpan): Value | undefined {
  const cls = moduleClassOf(it, node)
  const self = moduleValue(node)
  switch (name) {
    case '__class__':
      return cls.value
    case '__dict__':
      return instanceDict(it, node)
    case 'training':
      return bool(node.training)
    case '_modules':
    case '_parameters':
    case '_buffers':
      return snapshot(node, name)
    default:
      break
  }
  const found = lookupInMro(cls, name)
  if (found && found.value.kind === 'descriptor' && found.value.type === 'property') return it.callWith(found.value.fn, [self], span)
  const own = it.instances.get(node)?.dict
  const ownValue = own ? dictGetString(own, name) : undefined
  if (ownValue !== undefined) return ownValue
  const argument = layerArgument(cls, node, name)
  if (argument !== undefined) return argument
  if (found) return bindAttribute(it, found.value, self, cls, span)
  if (paramsOf(node).has(name)) {
    const def = paramsOf(node).get(name)!
    return def ? tensorOf(def) : NONE
  }
  if (buffersOf(node).has(name)) {
    const def = buffersOf(node).get(name)!
    return def ? tensorOf(def) : NONE
  }
  if (childrenOf(node).has(name)) {
    const child = childrenOf(node).get(name)!
    return child ? moduleValue(child) : NONE
  }
  return dynamicAttribute(it, self, cls, name, span)
}

function snapshot(node: ModuleNode, which: '_modules' | '_parameters' | '_buffers'): Value {
  const dict = newDict(true)
  const source: ReadonlyMap<string, ModuleNode | TensorDef | null> = which === '_modules' ? childrenOf(node) : which === '_parameters' ? paramsOf(node) : buffersOf(node)
  source.forEach((v, k) => dictSet(dict, str(k), v === null ? NONE : which === '_modules' ? moduleValue(v as ModuleNode) : tensorOf(v as TensorDef), undefined))
  return dict
}

/** Attribute names a module has, for "did you mean". */
export function moduleAttrNames(it: Interpreter, node: ModuleNode): string[] {
  const names = [...paramsOf(node).keys(), ...buffersOf(node).keys(), ...childrenOf(node).keys()]
  const own = it.instances.get(node)?.dict
  if (own) for (const [k] of own.entries) if (k.kind === 'str') names.push(k.value)
  if (node.layer) for (const s of node.layer.signature) if (!notAttributes.has(s.name)) names.push(s.name)
  return names
}

function checkName(name: string, what: string, span: SourceSpan): void {
  if (name === '') raise('KeyError', 'argument-value', `${what} name can't be empty string "".`, span)
  if (name.includes('.')) raise('KeyError', 'argument-value', `${what} name can't contain ".", got: ${name.length > 80 ? `${name.slice(0, 80)}…` : name}.`, span)
}

/** A tensor value as a buffer def, keeping its identity (a tensor registered twice is one buffer). */
function bufferDef(value: TensorValue, persistent: boolean): TensorDef {
  if (value.def && value.def.kind === 'buffer') return value.def
  const def: TensorDef = { kind: 'buffer', shape: value.shape, dtype: value.dtype, requiresGrad: false, persistent }
  if (!value.def) bindTensorDef(value, def)
  return def
}

/**
 * `module.to(memory_format=…)`: `torch.channels_last` lays out every 4-D parameter and buffer channels-last (a
 * convolution with such a weight gives a channels-last output), `torch.contiguous_format` back; `Module._apply`
 * converts only 4-D and 5-D tensors, and a 5-D one cannot be channels-last (PyTorch's error; `channels_last_3d` is
 * not modelled and changes nothing).
 */
function setMemoryFormat(it: Interpreter, node: ModuleNode, format: string, span: SourceSpan): void {
  const name = format.split('.').at(-1)
  if (name !== 'channels_last' && name !== 'contiguous_format') return
  for (const { node: n } of namedModules(it, node, '', true, span)) {
    for (const map of [paramsOf(n), buffersOf(n)]) {
      for (const def of map.values()) {
        if (!def) continue
        if (def.shape.length === 4) def.channelsLast = name === 'channels_last'
        else if (def.shape.length === 5 && name === 'channels_last') raise('RuntimeError', 'argument-value', 'required rank 4 tensor to use channels_last format', span)
      }
    }
  }
}

/**
 * A note for an attribute set, while the model is built, to what a call of a library nnsize does not read returned
 * (`self.attn = Attention(...)` from xformers), or of a PyTorch function it does not model (`torch.nn.utils.skip_init`): if that is a module, its parameters and buffers are missing from
 * the counts, which must not go unsaid.
 */
function noteUnmodelledAttribute(it: Interpreter, node: ModuleNode, name: string, call: string, why: string): void {
  const note = `\`${node.type}.${name}\` is set to what \`${call}\` returns, ${why}: if that is a module, its parameters and buffers are not counted.`
  it.note(note, true)
}

/** `module.name = value` with `nn.Module.__setattr__`'s rules: parameters, submodules and buffers are registered in assignment order. */
export function moduleSetAttr(it: Interpreter, node: ModuleNode, name: string, value: Value, span: SourceSpan): void {
  if (name === 'training') {
    node.training = it.truthy(value, span)
    return
  }
  const own = it.instances.get(node)?.dict
  if (value.kind === 'tensor' && value.isParameter) {
    if (own) dictDelete(own, str(name), span)
    deleteFrom(node, 'buffers', name)
    deleteFrom(node, 'children', name)
    registerParameter(node, name, value, span)
    return
  }
  if (paramsOf(node).has(name)) {
    if (value.kind !== 'none') raise('TypeError', 'type', `Cannot assign ${typeName(value)} as parameter ${quoted(name)} (torch.nn.Parameter or None expected).`, span)
    node.params.set(name, null)
    return
  }
  if (value.kind === 'module') {
    if (own) dictDelete(own, str(name), span)
    deleteFrom(node, 'params', name)
    deleteFrom(node, 'buffers', name)
    noteChild(node, value.module, span)
    node.children.set(name, value.module)
    return
  }
  if (value.kind === 'placeholder' && value.name.endsWith('()') && it.forwardOps === undefined) {
    if (value.reason.type === 'import') noteUnmodelledAttribute(it, node, name, value.name, `from \`${value.reason.module}\`, which nnsize does not read`)
    // of a library nnsize models in part: a torch function, or a class (timm's `Block()`), which makes a module; a
    // lowercase helper (timm's `_cfg()`) makes a config
    else if (value.reason.type === 'attribute' && (value.name.startsWith('torch.') || /(^|\.)[A-Z][^.]*\(\)$/.test(value.name))) noteUnmodelledAttribute(it, node, name, value.name, 'which nnsize does not model yet')
  }
  if (childrenOf(node).has(name)) {
    if (value.kind !== 'none') raise('TypeError', 'type', `Cannot assign ${typeName(value)} as child module ${quoted(name)} (torch.nn.Module or None expected).`, span)
    node.children.set(name, null)
    return
  }
  if (buffersOf(node).has(name)) {
    if (value.kind === 'none') {
      node.buffers.set(name, null)
      return
    }
    if (value.kind !== 'tensor') raise('TypeError', 'type', `Cannot assign ${typeName(value)} as buffer ${quoted(name)} (torch.Tensor or None expected).`, span)
    const persistent = buffersOf(node).get(name)?.persistent ?? true
    node.buffers.set(name, bufferDef(value, persistent))
    return
  }
  dictSet(instanceDict(it, node), str(name), value, span)
}

function registerParameter(node: ModuleNode, name: string, value: Value, span: SourceSpan): void {
  checkName(name, 'parameter', span)
  if (value.kind === 'none') {
    node.params.set(name, null)
    return
  }
  if (value.kind !== 'tensor' || !value.isParameter) raise('TypeError', 'type', `Cannot assign ${typeName(value)} object to parameter ${quoted(name)} (torch.nn.Parameter or None required).`, span)
  node.params.set(name, value.def!)
}

/** `del module.name`. */
export function moduleDelAttr(it: Interpreter, node: ModuleNode, name: string, span: SourceSpan): void {
  if (deleteFrom(node, 'params', name) || deleteFrom(node, 'buffers', name) || deleteFrom(node, 'children', name)) return
  const own = it.instances.get(node)?.dict
  if (own && dictDelete(own, str(name), span) !== undefined) return
  raise('AttributeError', 'unknown-attribute', `${quoted(node.type)} has no attribute ${quoted(name)}.`, span)
}

// ---------------------------------------------------------------------------------------------
// Methods of nn.Module

function method(name: string, body: (it: Interpreter, node: ModuleNode, args: ArgValue[], span: SourceSpan) => Value): CallableValue {
  return native(`Module.${name}`, (args, span, it) => {
    const self = args[0]?.value
    if (self?.kind !== 'module') return raise('TypeError', 'type', `\`nn.Module.${name}\` needs a module, got ${self ? typeName(self) : 'nothing'}.`, span)
    return body(it!, self.module, args.slice(1), span)
  }, { binds: true })
}

/** Named arguments of a method: positional in `order`, or by keyword. */
function named(args: readonly ArgValue[], order: readonly string[], span: SourceSpan, what: string): Map<string, Value> {
  const out = new Map<string, Value>()
  let i = 0
  for (const a of args) {
    const key = a.name ?? order[i++]
    if (key === undefined || !order.includes(key)) raise('TypeError', 'unknown-argument', `\`${what}()\` got an unexpected argument${a.name ? ` \`${a.name}\`` : ''}.`, a.span)
    out.set(key, a.value)
  }
  void span
  return out
}

function flag(it: Interpreter, v: Value | undefined, fallback: boolean, span: SourceSpan): boolean {
  return v === undefined ? fallback : it.truthy(v, span)
}

function prefixOf(v: Value | undefined): string {
  return v?.kind === 'str' ? v.value : ''
}

/** A module with its dotted name, as `named_modules()` gives it. */
type NamedModule = Pick<WalkedModule, 'path' | 'node'>

/** A parameter or buffer with its dotted name, as `named_parameters()` gives it. */
interface NamedTensor {
  readonly name: string
  readonly def: TensorDef
}

/**
 * `named_modules()`: each module with its dotted name, pre-order; paths are charged to the string budget.
 * (Entries are objects and arrays are walked by index: this runs cold, where destructuring a pair walks an iterator.)
 */
function namedModules(it: Interpreter, root: ModuleNode, prefix: string, removeDuplicate: boolean, span: SourceSpan): NamedModule[] {
  const out: NamedModule[] = []
  const seen = new Set<ModuleNode>()
  const stack: NamedModule[] = [{ path: prefix, node: root }]
  const children: NamedModule[] = []
  while (stack.length > 0) {
    const entry = stack.pop()!
    const node = entry.node
    if (seen.has(node)) continue
    if (removeDuplicate) seen.add(node)
    it.budget.step(span)
    it.budget.string(entry.path.length, span)
    out.push(entry)
    const path = entry.path
    children.length = 0
    childrenOf(node).forEach((child, name) => {
      if (child !== null) children.push({ path: path === '' ? name : `${path}.${name}`, node: child })
    })
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!)
    if (!removeDuplicate && stack.length > limits.maxModules) raise('RecursionError', 'limit', 'The module tree has a cycle or too many paths to list.', span)
  }
  return out
}

function namedTensors(it: Interpreter, root: ModuleNode, which: 'params' | 'buffers', args: Map<string, Value>, span: SourceSpan): NamedTensor[] {
  const recurse = flag(it, args.get('recurse'), true, span)
  const removeDuplicate = flag(it, args.get('remove_duplicate'), true, span)
  const prefix = prefixOf(args.get('prefix'))
  const modules = recurse ? namedModules(it, root, prefix, removeDuplicate, span) : [{ path: prefix, node: root }]
  const seen = new Set<TensorDef>()
  const out: NamedTensor[] = []
  let path = ''
  const add = (def: TensorDef | null, name: string): void => {
    if (def === null || (removeDuplicate && seen.has(def))) return
    seen.add(def)
    const full = path === '' ? name : `${path}.${name}`
    it.budget.string(full.length, span)
    out.push({ name: full, def })
  }
  for (let i = 0; i < modules.length; i++) {
    const entry = modules[i]!
    path = entry.path
    ;(which === 'params' ? paramsOf(entry.node) : buffersOf(entry.node)).forEach(add)
  }
  it.budget.allocate(out.length, span)
  return out
}

/**
 * Each entry as a value (`parameters()`, `modules()`), or as a `(name, value)` tuple (`named_parameters()`,
 * `named_modules()`), walked by index.
 */
function namedValues<T>(entries: readonly T[], withNames: boolean, nameOf: (entry: T) => string, entryValue: (entry: T) => Value): Value[] {
  const values = new Array<Value>(entries.length)
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!
    values[i] = withNames ? tuple([str(nameOf(entry)), entryValue(entry)]) : entryValue(entry)
  }
  return values
}

/** {@link namedValues} of tensors and of modules. */
const tensorValues = (named: readonly NamedTensor[], withNames: boolean): Value[] => namedValues(named, withNames, (e) => e.name, (e) => tensorOf(e.def))
const moduleValues = (named: readonly NamedModule[], withNames: boolean): Value[] => namedValues(named, withNames, (e) => e.path, (e) => moduleValue(e.node))

function iteratorOf(values: Value[]): Value {
  let i = 0
  return { kind: 'iterator', name: 'generator', next: () => (i < values.length ? values[i++] : undefined) }
}

/** Casts floating-point parameters and buffers (complex too, for `.to(dtype)`) of every module below `root`. */
function castModule(it: Interpreter, root: ModuleNode, dtype: DType, includeComplex: boolean, span: SourceSpan): void {
  for (const { node } of namedModules(it, root, '', true, span)) {
    for (const map of [paramsOf(node), buffersOf(node)]) {
      for (const def of map.values()) {
        if (!def) continue
        const floating = isFloatingDType(def.dtype) && !def.dtype.startsWith('complex')
        if (floating || (includeComplex && def.dtype.startsWith('complex'))) def.dtype = dtype
      }
    }
  }
}

function dtypeOf(v: Value): DType | undefined {
  if (v.kind === 'dtype') return v.dtype
  if (v.kind === 'tensor') return v.dtype
  return undefined
}

const handle = namespace('RemovableHandle', { remove: native('RemovableHandle.remove', () => NONE) })

function moduleMethods(): Record<string, Value> {
  const m: Record<string, Value> = {}
  m['__init__'] = method('__init__', (_it, _node, args, span) => {
    if (args.length > 0) raise('TypeError', 'too-many-arguments', `\`nn.Module.__init__()\` takes no arguments, got ${args.length}.`, span)
    return NONE
  })
  m['__call__'] = method('__call__', (it, node, args, span) => callModule(it, node, args, span))
  m['parameters'] = method('parameters', (it, node, args, span) => iteratorOf(tensorValues(namedTensors(it, node, 'params', named(args, ['recurse'], span, 'parameters'), span), false)))
  m['named_parameters'] = method('named_parameters', (it, node, args, span) =>
    iteratorOf(tensorValues(namedTensors(it, node, 'params', named(args, ['prefix', 'recurse', 'remove_duplicate'], span, 'named_parameters'), span), true)),
  )
  m['buffers'] = method('buffers', (it, node, args, span) => iteratorOf(tensorValues(namedTensors(it, node, 'buffers', named(args, ['recurse'], span, 'buffers'), span), false)))
  m['named_buffers'] = method('named_buffers', (it, node, args, span) =>
    iteratorOf(tensorValues(namedTensors(it, node, 'buffers', named(args, ['prefix', 'recurse', 'remove_duplicate'], span, 'named_buffers'), span), true)),
  )
  const children = (node: ModuleNode): Array<[string, ModuleNode]> => {
    const seen = new Set<ModuleNode>()
    const out: Array<[string, ModuleNode]> = []
    for (const [name, child] of childrenOf(node)) {
      if (child === null || seen.has(child)) continue
      seen.add(child)
      out.push([name, child])
    }
    return out
  }
  m['children'] = method('children', (_it, node) => iteratorOf(children(node).map(([, c]) => moduleValue(c))))
  m['named_children'] = method('named_children', (_it, node) => iteratorOf(children(node).map(([n, c]) => tuple([str(n), moduleValue(c)]))))
  m['modules'] = method('modules', (it, node, _args, span) => iteratorOf(moduleValues(namedModules(it, node, '', true, span), false)))
  m['named_modules'] = method('named_modules', (it, node, args, span) => {
    const a = named(args, ['memo', 'prefix', 'remove_duplicate'], span, 'named_modules')
    return iteratorOf(moduleValues(namedModules(it, node, prefixOf(a.get('prefix')), flag(it, a.get('remove_duplicate'), true, span), span), true))
  })
  m['register_buffer'] = method('register_buffer', (it, node, args, span) => {
    const a = named(args, ['name', 'tensor', 'persistent'], span, 'register_buffer')
    const name = a.get('name')
    if (name?.kind !== 'str') return raise('TypeError', 'argument-type', `Buffer name should be a string, got ${name ? typeName(name) : 'nothing'}.`, span)
    checkName(name.value, 'buffer', span)
    if (!buffersOf(node).has(name.value) && (paramsOf(node).has(name.value) || childrenOf(node).has(name.value) || (it.instances.get(node)?.dict && dictGetString(it.instances.get(node)!.dict, name.value) !== undefined))) {
      raise('KeyError', 'argument-value', `Attribute '${name.value}' already exists.`, span)
    }
    const tensor = a.get('tensor') ?? NONE
    const persistent = flag(it, a.get('persistent'), true, span)
    if (tensor.kind === 'none') node.buffers.set(name.value, null)
    else if (tensor.kind !== 'tensor') raise('TypeError', 'argument-type', `Cannot assign ${typeName(tensor)} object to buffer \`${name.value}\` (torch Tensor or None required).`, span)
    else {
      const def = bufferDef(tensor, persistent)
      def.persistent = persistent
      node.buffers.set(name.value, def)
    }
    return NONE
  })
  m['register_parameter'] = method('register_parameter', (it, node, args, span) => {
    const a = named(args, ['name', 'param'], span, 'register_parameter')
    const name = a.get('name')
    if (name?.kind !== 'str') return raise('TypeError', 'argument-type', 'Parameter name should be a string.', span)
    if (!paramsOf(node).has(name.value) && (buffersOf(node).has(name.value) || childrenOf(node).has(name.value))) raise('KeyError', 'argument-value', `Attribute '${name.value}' already exists.`, span)
    registerParameter(node, name.value, a.get('param') ?? NONE, span)
    void it
    return NONE
  })
  const addModule = method('add_module', (_it, node, args, span) => {
    const a = named(args, ['name', 'module'], span, 'add_module')
    const name = a.get('name')
    const child = a.get('module') ?? NONE
    if (name?.kind !== 'str') return raise('TypeError', 'argument-type', `Module name should be a string, got ${name ? typeName(name) : 'nothing'}.`, span)
    checkName(name.value, 'module', span)
    if (child.kind !== 'module' && child.kind !== 'none') raise('TypeError', 'argument-type', `${typeName(child)} is not a Module subclass.`, span)
    if (!childrenOf(node).has(name.value) && (paramsOf(node).has(name.value) || buffersOf(node).has(name.value))) raise('KeyError', 'argument-value', `Attribute '${name.value}' already exists.`, span)
    setChild(node, name.value, child, span)
    return NONE
  })
  m['add_module'] = addModule
  m['__getattr__'] = method('__getattr__', (_it, node, args, span) => {
    const name = named(args, ['name'], span, '__getattr__').get('name')
    if (name?.kind !== 'str') return raise('TypeError', 'argument-type', `Attribute name must be a string, not ${name ? typeName(name) : 'nothing'}.`, span)
    // `nn.Module.__getattr__`: parameters, buffers and submodules only.
    const param = paramsOf(node).get(name.value)
    if (param !== undefined) return param ? tensorOf(param) : NONE
    const buffer = buffersOf(node).get(name.value)
    if (buffer !== undefined) return buffer ? tensorOf(buffer) : NONE
    const child = childrenOf(node).get(name.value)
    if (child !== undefined) return child ? moduleValue(child) : NONE
    return raise('AttributeError', 'unknown-attribute', `\`${node.type}\` object has no attribute \`${name.value}\`.`, span)
  })
  m['__setattr__'] = method('__setattr__', (it, node, args, span) => {
    const a = named(args, ['name', 'value'], span, '__setattr__')
    const name = a.get('name')
    const value = a.get('value')
    if (name === undefined || value === undefined) return raise('TypeError', 'missing-argument', `\`__setattr__()\` takes the attribute's name and value, got ${args.length} argument${args.length === 1 ? '' : 's'}.`, span)
    if (name.kind !== 'str') return raise('TypeError', 'argument-type', `Attribute name must be a string, not ${typeName(name)}.`, span)
    moduleSetAttr(it, node, name.value, value, span)
    return NONE
  })
  // RepVGG's and ACNet's `switch_to_deploy` delete their training branches with `self.__delattr__('rbr_dense')`.
  m['__delattr__'] = method('__delattr__', (it, node, args, span) => {
    const name = named(args, ['name'], span, '__delattr__').get('name')
    if (name?.kind !== 'str') return raise('TypeError', 'argument-type', `Attribute name must be a string, not ${name ? typeName(name) : 'nothing'}.`, span)
    moduleDelAttr(it, node, name.value, span)
    return NONE
  })
  m['register_module'] = addModule
  m['get_submodule'] = method('get_submodule', (_it, node, args, span) => {
    const target = named(args, ['target'], span, 'get_submodule').get('target')
    if (target?.kind !== 'str') return raise('TypeError', 'argument-type', 'The target must be a string.', span)
    return moduleValue(resolvePath(node, target.value, span))
  })
  m['get_parameter'] = method('get_parameter', (_it, node, args, span) => {
    const target = named(args, ['target'], span, 'get_parameter').get('target')
    if (target?.kind !== 'str') return raise('TypeError', 'argument-type', 'The target must be a string.', span)
    const at = target.value.lastIndexOf('.')
    const owner = at < 0 ? node : resolvePath(node, target.value.slice(0, at), span)
    const def = paramsOf(owner).get(target.value.slice(at + 1))
    if (!def) raise('AttributeError', 'unknown-attribute', `\`${owner.type}\` has no parameter \`${target.value.slice(at + 1)}\`.`, span)
    return tensorOf(def)
  })
  m['apply'] = method('apply', (it, node, args, span) => {
    const fn = named(args, ['fn'], span, 'apply').get('fn')
    if (!fn) return raise('TypeError', 'missing-argument', '`apply()` needs a function.', span)
    // Post-order (children first, then the module), as `nn.Module.apply` recurses; shared modules are visited each time.
    const stack: Array<{ module: ModuleNode; expanded: boolean }> = [{ module: node, expanded: false }]
    const onPath = new Set<ModuleNode>()
    const kids: ModuleNode[] = []
    while (stack.length > 0) {
      const entry = stack.pop()!
      const current = entry.module
      if (entry.expanded) {
        onPath.delete(current)
        it.callWith(fn, [moduleValue(current)], span)
        continue
      }
      if (onPath.has(current)) raise('RecursionError', 'limit', 'The module tree has a cycle: `apply` would recurse for ever.', span)
      onPath.add(current)
      it.budget.step(span)
      stack.push({ module: current, expanded: true })
      kids.length = 0
      childrenOf(current).forEach((c) => {
        if (c !== null) kids.push(c)
      })
      for (let i = kids.length - 1; i >= 0; i--) stack.push({ module: kids[i]!, expanded: false })
    }
    return moduleValue(node)
  })
  const cast = (name: string, dtype: DType): CallableValue =>
    method(name, (it, node, _args, span) => {
      castModule(it, node, dtype, false, span)
      return moduleValue(node)
    })
  m['double'] = cast('double', 'float64')
  m['float'] = cast('float', 'float32')
  m['half'] = cast('half', 'float16')
  m['bfloat16'] = cast('bfloat16', 'bfloat16')
  m['to'] = method('to', (it, node, args, span) => {
    for (const a of args) {
      if (a.name === 'memory_format' && a.value.kind === 'placeholder') setMemoryFormat(it, node, a.value.name, span)
      const dtype = a.name === undefined || a.name === 'dtype' ? dtypeOf(a.value) : undefined
      if (dtype !== undefined) {
        if (!isFloatingDType(dtype)) raise('TypeError', 'argument-type', `nn.Module.to only accepts floating point or complex dtypes, but got desired dtype=${showValue({ kind: 'dtype', dtype })}.`, a.span)
        castModule(it, node, dtype, true, span)
      } else if (!(a.value.kind === 'str' || a.value.kind === 'device' || a.value.kind === 'int' || a.value.kind === 'none' || a.value.kind === 'placeholder' || a.name === 'device' || a.name === 'non_blocking' || a.name === 'memory_format')) {
        raise('TypeError', 'argument-type', `\`.to()\` takes a dtype or a device, got ${typeName(a.value)} \`${showValue(a.value)}\`.`, a.span)
      }
    }
    return moduleValue(node)
  })
  m['type'] = method('type', (it, node, args, span) => {
    const dtype = args[0] ? dtypeOf(args[0].value) : undefined
    if (dtype === undefined) return raise('TypeError', 'argument-type', '`.type()` needs a dtype.', span)
    for (const { node: n } of namedModules(it, node, '', true, span)) for (const map of [paramsOf(n), buffersOf(n)]) for (const def of map.values()) if (def) def.dtype = dtype
    return moduleValue(node)
  })
  for (const name of ['cuda', 'cpu', 'share_memory', 'to_empty', 'xpu', 'mps', 'ipu']) m[name] = method(name, (_it, node) => moduleValue(node))
  m['requires_grad_'] = method('requires_grad_', (it, node, args, span) => {
    const value = flag(it, named(args, ['requires_grad'], span, 'requires_grad_').get('requires_grad'), true, span)
    for (const { node: n } of namedModules(it, node, '', true, span)) for (const def of paramsOf(n).values()) if (def) def.requiresGrad = value
    return moduleValue(node)
  })
  m['train'] = method('train', (it, node, args, span) => {
    const mode = flag(it, named(args, ['mode'], span, 'train').get('mode'), true, span)
    for (const { node: n } of namedModules(it, node, '', true, span)) n.training = mode
    return moduleValue(node)
  })
  m['eval'] = method('eval', (it, node, _args, span) => {
    for (const { node: n } of namedModules(it, node, '', true, span)) n.training = false
    return moduleValue(node)
  })
  m['zero_grad'] = method('zero_grad', () => NONE)
  m['state_dict'] = method('state_dict', (it, node, args, span) => {
    // Every module under every name it has (a shared module, or a tied weight, is listed under each), its own
    // parameters and persistent buffers before its children's, as `_save_to_state_dict` recurses.
    const a = named(args, ['destination', 'prefix', 'keep_vars'], span, 'state_dict')
    const dict = newDict(true)
    const prefix = prefixOf(a.get('prefix'))
    for (const { path, node: n } of namedModules(it, node, '', false, span)) {
      const own = path === '' ? prefix : `${prefix}${path}.`
      for (const [k, def] of paramsOf(n)) if (def) dictSet(dict, str(`${own}${k}`), tensorOf(def), span)
      for (const [k, def] of buffersOf(n)) if (def && def.persistent) dictSet(dict, str(`${own}${k}`), tensorOf(def), span)
    }
    return dict
  })
  m['load_state_dict'] = method('load_state_dict', (it, node, args, span) => loadStateDict(it, node, named(args, ['state_dict', 'strict', 'assign'], span, 'load_state_dict'), span))
  m['extra_repr'] = method('extra_repr', () => str(''))
  m['_get_name'] = method('_get_name', (it, node) => str(moduleClassOf(it, node).name))
  for (const name of ['register_forward_hook', 'register_forward_pre_hook', 'register_full_backward_hook', 'register_backward_hook', 'register_full_backward_pre_hook', 'register_load_state_dict_post_hook', 'register_state_dict_pre_hook', '_register_load_state_dict_pre_hook', '_register_state_dict_hook']) {
    m[name] = method(name, () => handle)
  }
  return m
}

for (const [name, fn] of Object.entries(moduleMethods())) moduleClass.dict.set(name, fn)

/**
 * `module.load_state_dict(state_dict, strict=True, assign=False)` as PyTorch 2.13 runs it: every module under every
 * name it has takes its parameters and persistent buffers from the keys under its prefix. Values are copied into the
 * tensors (nothing changes but with `assign=True`, where each takes the dtype of the tensor it is given); a missing
 * key, an unexpected one (a key whose first part names neither a child nor a tensor of the module it falls under), a
 * value that is no tensor or a shape that differs is an error, the first two only when `strict`. Returns the named
 * tuple `(missing_keys, unexpected_keys)`.
 */
function loadStateDict(it: Interpreter, root: ModuleNode, a: Map<string, Value>, span: SourceSpan): Value {
  const given = a.get('state_dict')
  if (given?.kind !== 'dict') return raise('TypeError', 'argument-type', `Expected state_dict to be dict-like, got <class '${given ? typeName(given) : 'NoneType'}'>.`, span)
  const strict = flag(it, a.get('strict'), true, span)
  const assign = flag(it, a.get('assign'), false, span)
  const entries: Array<[string, Value]> = []
  for (const [key, value] of given.entries) if (key.kind === 'str') entries.push([key.value, value])
  const byKey = new Map(entries)
  const missing: string[] = []
  const unexpected: string[] = []
  const errors: string[] = []
  const sizeOf = (shape: readonly number[]): string => `torch.Size([${shape.join(', ')}])`
  for (const { path: prefix, node } of namedModules(it, root, '', false, span)) {
    const local = new Map<string, TensorDef>()
    for (const [k, def] of paramsOf(node)) if (def) local.set(k, def)
    for (const [k, def] of buffersOf(node)) if (def && def.persistent) local.set(k, def)
    for (const [name, def] of local) {
      const key = `${prefix === '' ? '' : `${prefix}.`}${name}`
      const value = byKey.get(key)
      if (value === undefined) {
        missing.push(key)
        continue
      }
      if (value.kind !== 'tensor') {
        errors.push(`While copying the parameter named "${key}", expected torch.Tensor or Tensor-like object from checkpoint but received <class '${typeName(value)}'>`)
        continue
      }
      // a 0-dimensional tensor takes the single element of a 1-dimensional one (checkpoints of old PyTorch)
      const shape = def.shape.length === 0 && value.shape.length === 1 ? [] : value.shape
      if (shape.length !== def.shape.length || shape.some((d, i) => d !== def.shape[i])) {
        errors.push(`size mismatch for ${key}: copying a param with shape ${sizeOf(value.shape)} from checkpoint, the shape in current model is ${sizeOf(def.shape)}.`)
        continue
      }
      if (assign) def.dtype = value.dtype
    }
    const own = prefix === '' ? '' : `${prefix}.`
    for (const [key] of entries) {
      it.budget.step(span)
      if (!key.startsWith(own)) continue
      const first = key.slice(own.length).split('.', 1)[0]!
      if (!childrenOf(node).has(first) && !local.has(first)) unexpected.push(key)
    }
  }
  if (strict) {
    if (unexpected.length > 0) errors.unshift(`Unexpected key(s) in state_dict: ${unexpected.map((k) => `"${k}"`).join(', ')}. `)
    if (missing.length > 0) errors.unshift(`Missing key(s) in state_dict: ${missing.map((k) => `"${k}"`).join(', ')}. `)
  }
  if (errors.length > 0) raise('RuntimeError', 'argument-value', `Error(s) in loading state_dict for ${moduleClassOf(it, root).name}:\n\t${errors.join('\n\t')}`, span)
  return tuple([list(missing.map(str)), list(unexpected.map(str))], ['missing_keys', 'unexpected_keys'])
}

function resolvePath(root: ModuleNode, path: string, span: SourceSpan): ModuleNode {
  if (path === '') return root
  let node = root
  for (const part of path.split('.')) {
    const child = childrenOf(node).get(part)
    if (!child) raise('AttributeError', 'unknown-attribute', `\`${node.type}\` has no submodule \`${part}\`.`, span)
    node = child
  }
  return node
}

function setChild(node: ModuleNode, name: string, child: Value, span: SourceSpan): void {
  if (child.kind === 'module') {
    noteChild(node, child.module, span)
    node.children.set(name, child.module)
  } else node.children.set(name, null)
}

// ---------------------------------------------------------------------------------------------
// Containers: Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict

type ContainerKind = 'Sequential' | 'ModuleList' | 'ModuleDict' | 'ParameterList' | 'ParameterDict'

/** `nn.ParameterList`. */
export const parameterListClass: PyClass = makeClass('ParameterList', [moduleClass], { module: 'torch.nn', native: { subclassable: true } })
/** `nn.ParameterDict`. */
export const parameterDictClass: PyClass = makeClass('ParameterDict', [moduleClass], { module: 'torch.nn', native: { subclassable: true } })

const containerKinds = new WeakMap<PyClass, ContainerKind | null>()

function containerKind(it: Interpreter, node: ModuleNode): ContainerKind | undefined {
  const cls = moduleClassOf(it, node)
  let kind = containerKinds.get(cls)
  if (kind === undefined) {
    kind = null
    for (const c of cls.mro) {
      if (c.layer === sequential) kind = 'Sequential'
      else if (c.layer === moduleList) kind = 'ModuleList'
      else if (c.layer === moduleDict) kind = 'ModuleDict'
      else if (c === parameterListClass) kind = 'ParameterList'
      else if (c === parameterDictClass) kind = 'ParameterDict'
      if (kind) break
    }
    containerKinds.set(cls, kind)
  }
  return kind ?? undefined
}

/** A new built-in container holding these children (slicing, `+`). */
function newContainer(it: Interpreter, kind: 'Sequential' | 'ModuleList', entries: ReadonlyArray<readonly [string, ModuleNode | null]>, span: SourceSpan): Value {
  it.budget.modules++
  if (it.budget.modules > limits.maxModules) throw new NnsizeError('limit', `The model has more than ${limits.maxModules.toLocaleString('en-US')} modules, the limit.`, { span })
  const def = kind === 'Sequential' ? sequential : moduleList
  const node = createModule(kind, {}, def)
  node.span = span
  for (const [name, child] of entries) {
    noteChild(node, child, span)
    node.children.set(name, child)
  }
  return moduleValue(node)
}

/** `len(module)` for containers; undefined for other modules. */
export function moduleLength(it: Interpreter, node: ModuleNode): number | undefined {
  const kind = containerKind(it, node)
  if (kind === undefined) {
    const len = lookupInMro(moduleClassOf(it, node), '__len__')
    if (len && len.owner.user) {
      const v = it.callWith(len.value, [moduleValue(node)], { start: 0, end: 0 })
      return v.kind === 'int' ? Number(v.value) : undefined
    }
    return undefined
  }
  return kind === 'ParameterList' || kind === 'ParameterDict' ? paramsOf(node).size : childrenOf(node).size
}

/** Iterating a container: modules, keys or parameters. */
export function moduleIterate(it: Interpreter, node: ModuleNode, span: SourceSpan): Iter | undefined {
  const kind = containerKind(it, node)
  let values: Value[]
  switch (kind) {
    case 'Sequential':
    case 'ModuleList':
      values = [...childrenOf(node).values()].map((c) => (c ? moduleValue(c) : NONE))
      break
    case 'ModuleDict':
      values = [...childrenOf(node).keys()].map(str)
      break
    case 'ParameterList':
      values = [...paramsOf(node).values()].map((d) => (d ? tensorOf(d) : NONE))
      break
    case 'ParameterDict':
      values = [...paramsOf(node).keys()].map(str)
      break
    default: {
      const iter = lookupInMro(moduleClassOf(it, node), '__iter__')
      if (iter && iter.owner.user) return it.iter(it.callWith(iter.value, [moduleValue(node)], span), span)
      return undefined
    }
  }
  let i = 0
  return () => {
    if (i >= values.length) return undefined
    it.budget.step(span)
    return values[i++]
  }
}

function userDunder(it: Interpreter, node: ModuleNode, name: string): Value | undefined {
  const f = lookupInMro(moduleClassOf(it, node), name)
  return f && f.owner.user ? f.value : undefined
}

/** `module[index]`. */
export function moduleGetItem(it: Interpreter, node: ModuleNode, index: Value, span: SourceSpan): Value {
  const user = userDunder(it, node, '__getitem__')
  if (user) return it.callWith(user, [moduleValue(node), index], span)
  const kind = containerKind(it, node)
  switch (kind) {
    case 'Sequential':
    case 'ModuleList': {
      const entries = [...childrenOf(node).entries()]
      if (index.kind === 'slice') {
        const { start, step, count } = sliceIndices(index, entries.length, span)
        const picked: Array<[string, ModuleNode | null]> = []
        for (let i = 0, p = start; i < count; i++, p += step) picked.push(kind === 'Sequential' ? entries[p]! : [String(i), entries[p]![1]])
        return newContainer(it, kind, picked, span)
      }
      const child = entries[sequenceIndex(index, entries.length, kind, span)]![1]
      return child ? moduleValue(child) : NONE
    }
    case 'ModuleDict': {
      if (index.kind !== 'str') return raise('KeyError', 'argument-value', `ModuleDict keys are strings, got ${typeName(index)}.`, span)
      if (!childrenOf(node).has(index.value)) return raise('KeyError', 'argument-value', `\`ModuleDict\` has no key '${index.value.length > 80 ? `${index.value.slice(0, 80)}…` : index.value}'.`, span)
      const child = childrenOf(node).get(index.value)!
      return child ? moduleValue(child) : NONE
    }
    case 'ParameterList': {
      const defs = [...paramsOf(node).values()]
      const def = defs[sequenceIndex(index, defs.length, 'ParameterList', span)]
      return def ? tensorOf(def) : NONE
    }
    case 'ParameterDict': {
      if (index.kind !== 'str' || !paramsOf(node).has(index.value)) return raise('KeyError', 'argument-value', `\`ParameterDict\` has no key ${showValue(index)}.`, span)
      const def = paramsOf(node).get(index.value)!
      return def ? tensorOf(def) : NONE
    }
    default:
      return raise('TypeError', 'type', `\`${node.type}\` cannot be indexed.`, span)
  }
}

/** A tensor stored in a parameter container: wrapped in a new `Parameter` unless it is one. */
function asParameter(value: Value, span: SourceSpan): Value {
  if (value.kind === 'none' || (value.kind === 'tensor' && value.isParameter)) return value
  if (value.kind === 'module') return raise('TypeError', 'argument-type', `${typeName(value)} is a module; \`nn.ParameterList\` and \`nn.ParameterDict\` hold tensors (use \`nn.ModuleList\` or \`nn.ModuleDict\` for modules).`, span)
  if (value.kind !== 'tensor') return raise('TypeError', 'argument-type', `A parameter container holds tensors, got ${typeName(value)}.`, span)
  if (!isFloatingDType(value.dtype)) return raise('RuntimeError', 'argument-value', `A \`torch.${value.dtype}\` tensor cannot be a parameter that requires grad (Only Tensors of floating point and complex dtype can require gradients).`, span)
  return makeParameter(value, true, span)
}

/** `nn.Parameter(t, requires_grad)`: a new parameter of `t`'s shape and dtype. */
export function makeParameter(data: TensorValue, requiresGrad: boolean, span: SourceSpan): TensorValue {
  if (requiresGrad && !isFloatingDType(data.dtype)) raise('RuntimeError', 'argument-value', `Only tensors of floating point and complex dtype can require gradients (got ${data.dtype}).`, span)
  const def: TensorDef = { kind: 'parameter', shape: [...data.shape], dtype: data.dtype, requiresGrad, persistent: true }
  return tensorOf(def)
}

/** `module[index] = value`. */
export function moduleSetItem(it: Interpreter, node: ModuleNode, index: Value, value: Value, span: SourceSpan): void {
  const user = userDunder(it, node, '__setitem__')
  if (user) {
    it.callWith(user, [moduleValue(node), index, value], span)
    return
  }
  const kind = containerKind(it, node)
  switch (kind) {
    case 'Sequential':
    case 'ModuleList': {
      const keys = [...childrenOf(node).keys()]
      const key = keys[sequenceIndex(index, keys.length, kind, span)]!
      if (value.kind !== 'module' && value.kind !== 'none') raise('TypeError', 'argument-type', `${typeName(value)} is not a Module subclass.`, span)
      setChild(node, key, value, span)
      return
    }
    case 'ModuleDict':
      if (index.kind !== 'str') raise('TypeError', 'argument-type', 'ModuleDict keys must be strings.', span)
      checkName(index.value, 'module', span)
      if (value.kind !== 'module' && value.kind !== 'none') raise('TypeError', 'argument-type', `${typeName(value)} is not a Module subclass.`, span)
      setChild(node, index.value, value, span)
      return
    case 'ParameterList': {
      const keys = [...paramsOf(node).keys()]
      registerParameter(node, keys[sequenceIndex(index, keys.length, 'ParameterList', span)]!, asParameter(value, span), span)
      return
    }
    case 'ParameterDict':
      if (index.kind !== 'str') raise('TypeError', 'argument-type', 'ParameterDict keys must be strings.', span)
      registerParameter(node, index.value, asParameter(value, span), span)
      return
    default:
      raise('TypeError', 'type', `\`${node.type}\` does not support item assignment.`, span)
  }
}

function renumber<T>(map: Map<string, T>): void {
  const values = [...map.values()]
  map.clear()
  values.forEach((v, i) => map.set(String(i), v))
}

/** `del module[index]`. */
export function moduleDelItem(it: Interpreter, node: ModuleNode, index: Value, span: SourceSpan): void {
  const kind = containerKind(it, node)
  switch (kind) {
    case 'Sequential':
    case 'ModuleList': {
      const keys = [...childrenOf(node).keys()]
      if (index.kind === 'slice') {
        const { start, step, count } = sliceIndices(index, keys.length, span)
        for (let i = 0, p = start; i < count; i++, p += step) deleteFrom(node, 'children', keys[p]!)
      } else deleteFrom(node, 'children', keys[sequenceIndex(index, keys.length, kind, span)]!)
      renumber(node.children)
      return
    }
    case 'ModuleDict':
      if (index.kind !== 'str' || !deleteFrom(node, 'children', index.value)) raise('KeyError', 'argument-value', `\`ModuleDict\` has no key ${showValue(index)}.`, span)
      return
    default:
      raise('TypeError', 'type', `\`${node.type}\` does not support item deletion.`, span)
  }
}

/** `+`, `+=` and `*` of module containers (`Sequential + Sequential`, `module_list += [...]`). */
export function moduleBinary(it: Interpreter, op: Operator, left: Value, right: Value, span: SourceSpan, inPlace = false): Value | undefined {
  if (left.kind !== 'module') return undefined
  const kind = containerKind(it, left.module)
  if (kind !== 'Sequential' && kind !== 'ModuleList') return undefined
  const node = left.module
  if (op === 'Add') {
    const others = right.kind === 'module' ? [...childrenOf(right.module).values()] : it.toArray(right, span).map((v) => (v.kind === 'module' ? v.module : v.kind === 'none' ? null : raise('TypeError', 'argument-type', `${typeName(v)} is not a Module subclass.`, span)))
    if (inPlace) {
      const offset = childrenOf(node).size
      others.forEach((child, i) => {
        noteChild(node, child, span)
        node.children.set(String(offset + i), child)
      })
      return left
    }
    const all = [...childrenOf(node).values(), ...others]
    return newContainer(it, kind, all.map((c, i) => [String(i), c] as const), span)
  }
  if (op === 'Mult' && right.kind === 'int' && kind === 'Sequential') {
    const times = Number(right.value < 0n ? 0n : right.value)
    const children = [...childrenOf(node).values()]
    it.budget.allocate(BigInt(children.length) * BigInt(times), span)
    const all: Array<[string, ModuleNode | null]> = []
    for (let t = 0; t < times; t++) for (const c of children) all.push([String(all.length), c])
    if (inPlace) {
      node.children.clear()
      for (const [k, c] of all) node.children.set(k, c)
      return left
    }
    return newContainer(it, 'Sequential', all, span)
  }
  return undefined
}

/** `append`, `extend`, `insert`, `pop`, … of the built-in containers. */
function containerMethods(def: LayerDefinition): Record<string, Value> | undefined {
  if (def !== sequential && def !== moduleList && def !== moduleDict) return undefined
  const m: Record<string, Value> = {}
  const children = (node: ModuleNode): Map<string, ModuleNode | null> => node.children
  if (def === sequential || def === moduleList) {
    // `None` is registered as `None` (`add_module(name, None)`), as x-transformers' `skip_combines.append(None)` does.
    m['append'] = method('append', (_it, node, args, span) => {
      const v = args[0]?.value ?? NONE
      if (v.kind !== 'module' && v.kind !== 'none') raise('TypeError', 'argument-type', `${typeName(v)} is not a Module subclass.`, span)
      setChild(node, String(children(node).size), v, span)
      return moduleValue(node)
    })
    m['extend'] = method('extend', (it, node, args, span) => {
      for (const v of it.toArray(args[0]?.value ?? NONE, span)) {
        if (v.kind !== 'module' && v.kind !== 'none') raise('TypeError', 'argument-type', `${typeName(v)} is not a Module subclass.`, span)
        setChild(node, String(children(node).size), v, span)
      }
      return moduleValue(node)
    })
    m['insert'] = method('insert', (_it, node, args, span) => {
      const [indexArg, moduleArg] = args.map((a) => a.value)
      const size = children(node).size
      let index = indexArg?.kind === 'int' ? Number(indexArg.value) : raise('TypeError', 'argument-type', '`insert` needs an int index.', span)
      if (index < 0) index = Math.max(0, index + size)
      index = Math.min(index, size)
      if (moduleArg?.kind !== 'module') return raise('TypeError', 'argument-type', 'Module should be of type: Module.', span)
      const values = [...children(node).values()]
      values.splice(index, 0, moduleArg.module)
      noteChild(node, moduleArg.module, span)
      children(node).clear()
      values.forEach((c, i) => children(node).set(String(i), c))
      return NONE
    })
    m['pop'] = method('pop', (_it, node, args, span) => {
      const keys = [...children(node).keys()]
      const key = keys[sequenceIndex(args[0]?.value ?? int(-1), keys.length, def.name, span)]!
      const child = children(node).get(key) ?? null
      children(node).delete(key)
      renumber(children(node))
      return child ? moduleValue(child) : NONE
    })
  } else {
    m['keys'] = method('keys', (_it, node) => list([...childrenOf(node).keys()].map(str)))
    m['values'] = method('values', (_it, node) => list([...childrenOf(node).values()].map((c) => (c ? moduleValue(c) : NONE))))
    m['items'] = method('items', (_it, node) => list([...childrenOf(node).entries()].map(([k, c]) => tuple([str(k), c ? moduleValue(c) : NONE]))))
    m['update'] = method('update', (it, node, args, span) => {
      const source = args[0]?.value ?? NONE
      const pairs: Array<[Value, Value]> = source.kind === 'dict' ? source.entries : source.kind === 'module' ? [...childrenOf(source.module).entries()].map(([k, c]) => [str(k), c ? moduleValue(c) : NONE]) : it.toArray(source, span).map((p) => it.toArray(p, span) as [Value, Value])
      for (const [k, v] of pairs) {
        if (k.kind !== 'str') raise('TypeError', 'argument-type', 'ModuleDict keys must be strings.', span)
        checkName(k.value, 'module', span)
        setChild(node, k.value, v, span)
      }
      return NONE
    })
    m['pop'] = method('pop', (_it, node, args, span) => {
      const key = args[0]?.value
      if (key?.kind !== 'str' || !childrenOf(node).has(key.value)) return raise('KeyError', 'argument-value', `\`ModuleDict\` has no key ${key ? showValue(key) : ''}.`, span)
      const child = childrenOf(node).get(key.value) ?? null
      deleteFrom(node, 'children', key.value)
      return child ? moduleValue(child) : NONE
    })
    m['clear'] = method('clear', (_it, node) => {
      node.children.clear()
      return NONE
    })
  }
  return m
}

function parameterContainerInit(kind: 'ParameterList' | 'ParameterDict'): CallableValue {
  return native(`nn.${kind}.__init__`, (args, span, it) => {
    const self = args[0]?.value
    if (self?.kind !== 'module') return raise('TypeError', 'type', `\`nn.${kind}.__init__\` needs a module.`, span)
    const source = args[1]?.value ?? args.find((a) => a.name === 'values' || a.name === 'parameters')?.value
    if (source === undefined || source.kind === 'none') return NONE
    if (kind === 'ParameterList') {
      for (const v of it!.toArray(source, span)) registerParameter(self.module, String(paramsOf(self.module).size), asParameter(v, span), span)
    } else {
      const pairs: Array<[Value, Value]> = source.kind === 'dict' ? source.entries : it!.toArray(source, span).map((p) => it!.toArray(p, span) as [Value, Value])
      for (const [k, v] of pairs) {
        if (k.kind !== 'str') raise('TypeError', 'argument-type', 'ParameterDict keys must be strings.', span)
        registerParameter(self.module, k.value, asParameter(v, span), span)
      }
    }
    return NONE
  }, { binds: true })
}

function setupParameterContainers(): void {
  for (const [cls, kind] of [[parameterListClass, 'ParameterList'], [parameterDictClass, 'ParameterDict']] as const) {
    cls.native = {
      subclassable: true,
      call: (args, span, it, c) => {
        it.budget.modules++
        const node = createModule(kind)
        node.span = span
        it.instances.set(node, { cls: c, dict: newDict() })
        const self = moduleValue(node)
        it.call(parameterContainerInit(kind), [{ value: self, span, valueSpan: span }, ...args], span)
        return self
      },
    }
    cls.dict.set('__init__', parameterContainerInit(kind))
    if (kind === 'ParameterList') {
      cls.dict.set('append', method('append', (_it, node, args, span) => {
        registerParameter(node, String(paramsOf(node).size), asParameter(args[0]?.value ?? NONE, span), span)
        return moduleValue(node)
      }))
      cls.dict.set('extend', method('extend', (it, node, args, span) => {
        for (const v of it.toArray(args[0]?.value ?? NONE, span)) registerParameter(node, String(paramsOf(node).size), asParameter(v, span), span)
        return moduleValue(node)
      }))
    } else {
      cls.dict.set('keys', method('keys', (_it, node) => list([...node.params.keys()].map(str))))
      cls.dict.set('values', method('values', (_it, node) => list([...node.params.values()].map((d) => (d ? tensorOf(d) : NONE)))))
      cls.dict.set('items', method('items', (_it, node) => list([...node.params.entries()].map(([k, d]) => tuple([str(k), d ? tensorOf(d) : NONE])))))
    }
  }
}

setupParameterContainers()

parameterClass.native = {
  subclassable: false,
  call: (args, span, it) => {
    const a = named(args, ['data', 'requires_grad'], span, 'nn.Parameter')
    const data = a.get('data') ?? NONE
    const requiresGrad = flag(it, a.get('requires_grad'), true, span)
    if (data.kind === 'none') return makeParameter(new TensorValue([0], 'float32'), requiresGrad, span)
    if (data.kind !== 'tensor') return raise('TypeError', 'argument-type', `\`nn.Parameter\` takes a tensor, got ${typeName(data)} \`${showValue(data)}\`.`, span)
    return makeParameter(data, requiresGrad, span)
  },
}
