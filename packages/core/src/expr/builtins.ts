import { bindArguments } from '../bind/bind.js'
import { bool, coerceShape, int } from '../bind/args.js'
import { NnsizeError } from '../errors.js'
import type { SourceSpan } from '../errors.js'
import { limits } from '../limits.js'
import type { LayerDefinition } from '../layers/define-layer.js'
import { constructLayer } from '../model/construct.js'
import type { ConstructionBudget, LayerLookup } from '../model/construct.js'
import { buffersOf, namedModules, paramsOf } from '../model/module.js'
import type { ModuleNode } from '../model/module.js'
import { dtypeAliases, isFloatingDType } from '../tensor/dtype.js'
import type { DType } from '../tensor/dtype.js'
import { didYouMean, suggest } from '../suggest.js'
import type { MakeCallable, TorchvisionNamespace } from '../zoo/torchvision/namespace.js'
import type { EvaluatorHooks, Scope } from './evaluate.js'
import { showValue, typeName } from './values.js'
import type { ArgValue, CallableValue, Value } from './values.js'

/** Activation functions reachable as `F.<name>` / `torch.<name>`, usable as the `activation` argument of transformer layers. */
const FUNCTIONAL_ACTIVATIONS = ['relu', 'gelu', 'silu', 'tanh', 'sigmoid', 'elu', 'leaky_relu', 'relu6', 'mish', 'hardswish', 'selu', 'celu', 'softplus']

function fn(name: string, invoke: CallableValue['invoke'], extra: Partial<CallableValue> = {}): CallableValue {
  return { kind: 'callable', name, invoke, ...extra }
}

function simpleCall(name: string, args: readonly ArgValue[], span: SourceSpan, signature: Parameters<typeof bindArguments>[1]): Record<string, unknown> {
  return bindArguments(name, signature, args, span).values
}

/** Makes the callable for one layer class (`nn.Conv2d`). */
function layerCallable(qualified: string, layer: LayerDefinition, lookup: LayerLookup, budget: ConstructionBudget): CallableValue {
  const members: Record<string, Value> = {}
  for (const [methodName, method] of Object.entries(layer.classMethods ?? {})) {
    members[methodName] = fn(`${qualified}.${methodName}`, (args, span) => {
      const bound = bindArguments(`${qualified}.${methodName}`, method.signature, args, span)
      const module = method.call(bound.values, (name, childArgs) => {
        const def = lookup(name)!
        const full: Record<string, unknown> = {}
        for (const s of def.signature) full[s.name] = s.name in childArgs ? childArgs[s.name] : s.default
        return constructLayer(def, full, lookup, budget, span, bound.spans)
      })
      module.span = span
      return { kind: 'module', module }
    })
  }
  return fn(
    qualified,
    (args, span) => {
      const bound = bindArguments(qualified, layer.signature, args, span, layer.variadic, layer.ignoresExtraKeywords)
      return { kind: 'module', module: constructLayer(layer, bound.values, lookup, budget, span, bound.spans) }
    },
    { members },
  )
}

function tensorFactory(name: string): CallableValue {
  return fn(`torch.${name}`, (args, span) => {
    const sizes = args.filter((a) => a.name === undefined)
    const kwargs = args.filter((a) => a.name !== undefined)
    let shape: number[] = []
    if (sizes.length === 1 && (sizes[0]!.value.kind === 'tuple' || sizes[0]!.value.kind === 'list')) shape = coerceShape(sizes[0]!.value, sizes[0]!.valueSpan, 'size')
    else shape = sizes.map((a) => coerceShape(a.value, a.valueSpan, 'size')[0]!)
    let dtype: DType = 'float32'
    let requiresGrad = false
    for (const kw of kwargs) {
      if (kw.name === 'dtype' && kw.value.kind === 'dtype') dtype = kw.value.dtype
      else if (kw.name === 'requires_grad' && kw.value.kind === 'bool') requiresGrad = kw.value.value
      else if (kw.name !== 'device' && kw.name !== 'dtype') {
        throw new NnsizeError('unknown-argument', `\`torch.${name}\` takes sizes and \`dtype\`, \`device\`, \`requires_grad\`; got \`${kw.name}\`.`, { span: kw.span })
      }
    }
    return { kind: 'tensor', shape, dtype, requiresGrad }
  })
}

/** `nn.Parameter(data=None, requires_grad=True)`: a tensor marked as a parameter; each call makes a new one. */
function parameterFactory(): CallableValue {
  return fn('nn.Parameter', (args, span) => {
    const { values } = bindArguments('nn.Parameter', [{ name: 'data', required: false, default: null, coerce: (v) => v }, bool('requires_grad', { default: true })], args, span)
    const data = values['data'] as Value | null
    if (data !== null && data.kind !== 'none' && data.kind !== 'tensor') {
      throw new NnsizeError('argument-type', `\`nn.Parameter\` takes a tensor such as \`torch.randn(3, 4)\`, got ${typeName(data)} \`${showValue(data)}\`.`, { span })
    }
    const tensor = data === null || data.kind === 'none' ? { shape: [0], dtype: 'float32' as DType } : data
    const requiresGrad = values['requires_grad'] as boolean
    if (requiresGrad && !isFloatingDType(tensor.dtype)) throw new NnsizeError('argument-value', `Only Tensors of floating point and complex dtype can require gradients: the data is \`torch.${tensor.dtype}\`.`, { span })
    return { kind: 'tensor', shape: [...tensor.shape], dtype: tensor.dtype, requiresGrad, parameter: true }
  })
}

function setDType(module: ModuleNode, dtype: DType): void {
  for (const [, m] of namedModules(module)) {
    for (const t of [...paramsOf(m).values(), ...buffersOf(m).values()]) {
      if (t && isFloatingDType(t.dtype)) t.dtype = dtype
    }
  }
}

function method(name: string, invoke: CallableValue['invoke']): CallableValue {
  return fn(name, invoke)
}

/** Methods of `nn.Module` that nnsize understands (`requires_grad_`, `half`, `to`, `train`, `eval`). */
function moduleMethod(module: ModuleNode, name: string): Value | undefined {
  const self: Value = { kind: 'module', module }
  const castTo = (dtype: DType): CallableValue =>
    method(name, (args, span) => {
      bindArguments(`${module.type}.${name}`, [], args, span)
      setDType(module, dtype)
      return self
    })
  switch (name) {
    case 'requires_grad_':
      return method(name, (args, span) => {
        const { values } = bindArguments(`${module.type}.requires_grad_`, [bool('requires_grad', { default: true })], args, span)
        for (const [, m] of namedModules(module)) for (const p of paramsOf(m).values()) if (p) p.requiresGrad = values['requires_grad'] as boolean
        return self
      })
    case 'half':
      return castTo('float16')
    case 'float':
      return castTo('float32')
    case 'double':
      return castTo('float64')
    case 'bfloat16':
      return castTo('bfloat16')
    case 'to':
      return method(name, (args, span) => {
        for (const a of args) {
          if (a.value.kind === 'dtype' && (a.name === undefined || a.name === 'dtype')) setDType(module, a.value.dtype)
          else if (a.value.kind === 'str' || a.value.kind === 'device' || a.name === 'device' || a.name === 'non_blocking') continue
          else throw new NnsizeError('argument-type', `\`.to()\` takes a dtype or a device, got ${typeName(a.value)} \`${showValue(a.value)}\`.`, { span: a.span })
        }
        return self
      })
    case 'train':
    case 'eval':
      return method(name, (args, span) => {
        const { values } = bindArguments(`${module.type}.${name}`, name === 'train' ? [bool('mode', { default: true })] : [], args, span)
        const mode = name === 'train' ? (values['mode'] as boolean) : false
        for (const [, m] of namedModules(module)) m.training = mode
        return self
      })
    case 'cuda':
    case 'cpu':
      return method(name, () => self)
    default:
      return undefined
  }
}

/** Attribute and subscript access on modules, shared by every program. */
export const moduleHooks: EvaluatorHooks = {
  attribute(object, name, _span, nameSpan) {
    if (object.kind !== 'module') return undefined
    const m = object.module
    const child = m.children.get(name)
    if (child) return { kind: 'module', module: child }
    const found = moduleMethod(m, name)
    if (found) return found
    const suggestions = suggest(name, [...m.children.keys(), 'requires_grad_', 'half', 'float', 'bfloat16', 'double', 'to', 'train', 'eval'])
    throw new NnsizeError('unknown-attribute', `\`${m.type}\` has no attribute \`${name}\`.${didYouMean(suggestions)}`, { span: nameSpan, suggestions })
  },
  subscript(object, index, span) {
    if (object.kind !== 'module') return undefined
    const children = [...object.module.children.entries()]
    if (index.kind === 'int' && (object.module.type === 'Sequential' || object.module.type === 'ModuleList')) {
      const n = BigInt(children.length)
      const i = index.value < 0n ? index.value + n : index.value
      if (i < 0n || i >= n) throw new NnsizeError('argument-value', `Index ${index.value} is out of range for a ${object.module.type} of ${n} modules.`, { span })
      const child = children[Number(i)]![1]
      return child ? { kind: 'module', module: child } : { kind: 'none' }
    }
    if (index.kind === 'str') {
      const child = object.module.children.get(index.value)
      if (child) return { kind: 'module', module: child }
      const suggestions = suggest(index.value, object.module.children.keys())
      throw new NnsizeError('argument-value', `\`${object.module.type}\` has no submodule '${index.value}'.${didYouMean(suggestions)}`, { span, suggestions })
    }
    return undefined
  },
}

/** Everything a program can name before its first assignment. */
export interface Builtins {
  /** Layer classes (`nn.X`, `torch.nn.X`, bare `X`). */
  layers: readonly LayerDefinition[]
  /** The classifiers of `torchvision.models` (`torchvision.models.resnet50`, bare `resnet50`); the rest of torchvision comes from `collections`. */
  models: readonly LayerDefinition[]
  /**
   * The model collections' namespaces (`torchvision`, `timm`), given only by the full analysis, so that the
   * layers alone (the playground's first screen) load none of them. Without it those names are undefined.
   */
  collections?: ModelCollections
}

/** Makes the namespaces of the model collections for one program. */
export interface ModelCollections {
  /** The `torchvision` namespace over these classifiers. */
  torchvision(classification: readonly LayerDefinition[], callable: MakeCallable): TorchvisionNamespace
  /** The `timm` namespace. */
  timm(lookup: LayerLookup, budget: ConstructionBudget): Value
}

/** Builds the global scope: `torch`, `nn`, `F`, `torchvision`, layer and model names, `range`, `OrderedDict`. */
export function createGlobals(builtins: Builtins, budget: ConstructionBudget): Scope {
  const byName = new Map<string, LayerDefinition>()
  for (const layer of [...builtins.layers, ...builtins.models]) byName.set(layer.name, layer)
  const lookup: LayerLookup = (name) => byName.get(name)

  const functional: Record<string, Value> = {}
  for (const name of FUNCTIONAL_ACTIVATIONS) functional[name] = fn(`F.${name}`, (_args, span) => {
    throw new NnsizeError('type', `\`F.${name}\` is a function on tensors; pass it as an argument (\`activation=F.${name}\`) or use \`nn\` layers.`, { span })
  }, { activation: name })
  const functionalNs: Value = { kind: 'namespace', name: 'nn.functional', members: functional }

  const nnMembers: Record<string, Value> = { functional: functionalNs, Parameter: parameterFactory() }
  for (const layer of builtins.layers) nnMembers[layer.name] = layerCallable(`nn.${layer.name}`, layer, lookup, budget)
  const nn: Value = { kind: 'namespace', name: 'nn', members: nnMembers }

  const tv = builtins.collections?.torchvision(builtins.models, (qualified, definition) => layerCallable(qualified, definition, lookup, budget))
  for (const layer of tv?.layers ?? []) byName.set(layer.name, layer)

  const torchMembers: Record<string, Value> = { nn }
  for (const [alias, dtype] of Object.entries(dtypeAliases)) torchMembers[alias] = { kind: 'dtype', dtype }
  for (const name of ['zeros', 'ones', 'empty', 'randn', 'rand']) torchMembers[name] = tensorFactory(name)
  for (const name of FUNCTIONAL_ACTIVATIONS) if (name !== 'leaky_relu' && name !== 'relu6' && name !== 'hardswish' && name !== 'mish') torchMembers[name] = functional[name]!
  torchMembers['Size'] = fn('torch.Size', (args, span) => {
    const { values } = bindArguments('torch.Size', [{ name: 'sizes', required: false, default: [], coerce: coerceShape }], args, span)
    return { kind: 'tuple', items: (values['sizes'] as number[]).map((d) => ({ kind: 'int', value: BigInt(d) })) }
  })
  torchMembers['device'] = fn('torch.device', (args, span) => {
    const first = args[0]
    if (!first || first.value.kind !== 'str') throw new NnsizeError('argument-type', "`torch.device` needs a string such as `'cuda'`.", { span })
    return { kind: 'device', name: first.value.value }
  })
  const torch: Value = { kind: 'namespace', name: 'torch', members: torchMembers }

  const rangeFn = fn('range', (args, span) => {
    const { values } = bindArguments('range', [int('a', { min: -limits.maxDimension }), int('b', { default: Number.NaN, min: -limits.maxDimension }), int('step', { default: 1, min: -limits.maxDimension })], args, span)
    let start = values['a'] as number
    let stop = values['b'] as number
    const step = values['step'] as number
    if (Number.isNaN(stop)) {
      stop = start
      start = 0
    }
    if (step === 0) throw new NnsizeError('argument-value', '`range()` step must not be zero.', { span })
    const length = Math.max(0, Math.ceil((stop - start) / step))
    if (length > limits.maxListLength) throw new NnsizeError('limit', `\`range\` would make ${length.toLocaleString('en-US')} items; the limit is ${limits.maxListLength.toLocaleString('en-US')}.`, { span })
    const items: Value[] = []
    for (let i = 0; i < length; i++) items.push({ kind: 'int', value: BigInt(start + i * step) })
    return { kind: 'list', items }
  })
  const orderedDict = fn('OrderedDict', (args, span) => {
    if (args.length === 0) return { kind: 'dict', entries: [], ordered: true }
    const source = args[0]!
    if (args.length > 1 || source.name !== undefined) throw new NnsizeError('too-many-arguments', '`OrderedDict` takes one list of `(name, module)` pairs.', { span })
    if (source.value.kind === 'dict') return { ...source.value, ordered: true }
    if (source.value.kind !== 'list' && source.value.kind !== 'tuple') throw new NnsizeError('argument-type', '`OrderedDict` needs a list of `(name, module)` pairs.', { span: source.valueSpan })
    const entries: Array<[Value, Value]> = []
    for (const pair of source.value.items) {
      if ((pair.kind !== 'tuple' && pair.kind !== 'list') || pair.items.length !== 2) {
        throw new NnsizeError('argument-type', `Each \`OrderedDict\` entry must be a \`(name, module)\` pair, got \`${showValue(pair)}\`.`, { span: source.valueSpan })
      }
      entries.push([pair.items[0]!, pair.items[1]!])
    }
    return { kind: 'dict', entries, ordered: true }
  })
  const lenFn = fn('len', (args, span) => {
    const v = args[0]?.value
    if (args.length !== 1 || !v || (v.kind !== 'list' && v.kind !== 'tuple')) throw new NnsizeError('argument-type', '`len` takes one list or tuple.', { span })
    return { kind: 'int', value: BigInt(v.items.length) }
  })

  const globals: Scope = new Map()
  for (const layer of builtins.layers) globals.set(layer.name, nnMembers[layer.name]!)
  for (const [name, value] of tv?.bare ?? []) if (!globals.has(name)) globals.set(name, value)
  globals.set('torch', torch)
  globals.set('nn', nn)
  globals.set('F', functionalNs)
  if (tv) globals.set('torchvision', tv.torchvision)
  if (builtins.collections) globals.set('timm', builtins.collections.timm(lookup, budget))
  globals.set('range', rangeFn)
  globals.set('len', lenFn)
  globals.set('OrderedDict', orderedDict)
  globals.set('collections', { kind: 'namespace', name: 'collections', members: { OrderedDict: orderedDict } })
  return globals
}
