import { NnsizeError } from '../../errors.js'
import type { SourceSpan } from '../../errors.js'
import type { ArgValue, CallableValue, Value } from '../../contract/values.js'
import { lazyMember, showValue, typeName } from '../../contract/values.js'
import type { LayerDefinition } from '../../layers/define-layer.js'
import type { MakeCallable, TorchvisionNamespace } from '../../interpret/collections.js'
import { torchvisionOps } from '../../layers/torchvision-ops.js'
import { didYouMean, suggest } from '../../suggest.js'
import { torchvisionGroups } from './registry.js'
import { classRoute, routedBuilder } from './builder-kwargs.js'
import { miscMembers, modelClasses, opsClassNames, torchvisionFamilies } from './classes/index.js'
import type { TorchvisionFamily } from './classes/index.js'
import { builderWeights, weightsEntryValue, weightsEnum, weightsEnumValue, weightsEnums } from './weights.js'
import type { TorchvisionModule } from './weights.js'

/** One model builder of torchvision 0.28: where it lives, its Python name, the name `get_model` knows it by. */
export interface TorchvisionBuilder {
  module: TorchvisionModule
  /** Its name in its module (`resnet50` in `torchvision.models.quantization` too). */
  name: string
  /** Its name in torchvision's model registry (`quantized_resnet50`). */
  registered: string
  definition: LayerDefinition
}

/** The Python module path of a torchvision module (`torchvision.models.detection`). */
export function modulePath(module: TorchvisionModule): string {
  return module === 'models' ? 'torchvision.models' : `torchvision.models.${module}`
}

/** Every builder, the classifiers first (as given), then detection, segmentation, video, optical flow and quantization. */
export function torchvisionBuilders(classification: readonly LayerDefinition[]): TorchvisionBuilder[] {
  const out: TorchvisionBuilder[] = classification.map((definition) => ({ module: 'models', name: definition.name, registered: definition.name, definition }))
  for (const [module, definitions] of torchvisionGroups) {
    for (const definition of definitions) out.push({ module, name: definition.name, registered: module === 'quantization' ? `quantized_${definition.name}` : definition.name, definition })
  }
  return out
}

export type { MakeCallable, TorchvisionNamespace } from '../../interpret/collections.js'

function call(name: string, invoke: CallableValue['invoke']): CallableValue {
  return { kind: 'callable', name, invoke }
}

function str(value: string): Value {
  return { kind: 'str', value }
}

/** `fnmatch.fnmatchcase` for `*`, `?` and `[...]` (`[!...]` negates), without regular expressions: linear in the name per pattern character. */
export function fnmatch(name: string, pattern: string): boolean {
  // States: the positions in `pattern` reachable after reading a prefix of `name`.
  const tokens: Array<{ kind: 'star' } | { kind: 'one'; test: (c: string) => boolean }> = []
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!
    if (c === '*') tokens.push({ kind: 'star' })
    else if (c === '?') tokens.push({ kind: 'one', test: () => true })
    else if (c === '[' && pattern.indexOf(']', i + 2) > 0) {
      const end = pattern.indexOf(']', i + 2)
      let body = pattern.slice(i + 1, end)
      const negate = body.startsWith('!')
      if (negate) body = body.slice(1)
      const ranges: Array<[string, string]> = []
      for (let j = 0; j < body.length; j++) {
        if (body[j + 1] === '-' && j + 2 < body.length) {
          ranges.push([body[j]!, body[j + 2]!])
          j += 2
        } else ranges.push([body[j]!, body[j]!])
      }
      tokens.push({ kind: 'one', test: (ch) => ranges.some(([lo, hi]) => ch >= lo && ch <= hi) !== negate })
      i = end
    } else tokens.push({ kind: 'one', test: (ch) => ch === c })
  }
  let states = new Set<number>([0])
  const close = (set: Set<number>): Set<number> => {
    for (const s of [...set]) for (let t = s; t < tokens.length && tokens[t]!.kind === 'star'; t++) set.add(t + 1)
    return set
  }
  states = close(states)
  for (const ch of name) {
    const next = new Set<number>()
    for (const s of states) {
      const token = tokens[s]
      if (!token) continue
      if (token.kind === 'star') next.add(s)
      else if (token.test(ch)) next.add(s + 1)
    }
    states = close(next)
    if (states.size === 0) return false
  }
  return states.has(tokens.length)
}

function patterns(value: Value, name: string, span: SourceSpan): string[] {
  if (value.kind === 'none') return []
  if (value.kind === 'str') return [value.value]
  if ((value.kind === 'list' || value.kind === 'tuple') && value.items.every((v) => v.kind === 'str')) return value.items.map((v) => (v as { value: string }).value)
  throw new NnsizeError('argument-type', `\`${name}\` must be a string, a list of strings or \`None\`, got ${typeName(value)} \`${showValue(value)}\`.`, { span })
}

/** A namespace whose members are made when first read: most programs never look inside `torchvision`. */
function lazyNamespace(name: string, make: () => Record<string, Value>): Value {
  let members: Record<string, Value> | undefined
  return {
    kind: 'namespace',
    name,
    get members() {
      return (members ??= make())
    },
  }
}

/** Adds `name` to `members` as a value made afresh at each read (a module-level list a program may change), until a program assigns it. */
function freshMember(members: Record<string, Value>, name: string, make: () => Value): void {
  const keep = (value: Value): void => void Object.defineProperty(members, name, { value, writable: true, enumerable: true, configurable: true })
  Object.defineProperty(members, name, { get: make, set: keep, enumerable: true, configurable: true })
}

const submodules = ['detection', 'segmentation', 'video', 'optical_flow', 'quantization'] as const
const apiNames = ['get_model', 'get_model_builder', 'get_model_weights', 'get_weight', 'list_models']

type BareSource = { kind: 'builder' | 'op'; index: number } | { kind: 'api' } | { kind: 'value'; value: Value }

/** What does not depend on the interpreter, worked out once per list of classifiers. */
interface Plan {
  builders: TorchvisionBuilder[]
  qualified: string[]
  enums: Array<[TorchvisionModule, string, Value]>
  /**
   * Names usable bare, as after `from torchvision.models import *`: the builders, weights enums and API of
   * `torchvision.models`, and the names of the sub-modules and `torchvision.ops` that exactly one of them defines. The
   * classes (`ResNet`, `DenseNet`, `MLP`) are not: an expression reaches them qualified, and `Dense` suggests no `DenseNet`.
   */
  bare: Array<[string, BareSource]>
}

const plans = new WeakMap<readonly LayerDefinition[], Plan>()

function planFor(classification: readonly LayerDefinition[]): Plan {
  let plan = plans.get(classification)
  if (plan) return plan
  const builders = torchvisionBuilders(classification)
  const enums = [...weightsEnums.values()].map((w): [TorchvisionModule, string, Value] => [w.module, w.name, weightsEnumValue(w)])
  const top = new Map<string, BareSource>()
  builders.forEach((b, index) => b.module === 'models' && top.set(b.name, { kind: 'builder', index }))
  for (const [module, name, value] of enums) if (module === 'models') top.set(name, { kind: 'value', value })
  for (const name of apiNames) top.set(name, { kind: 'api' })
  const others = new Map<string, BareSource | null>()
  const offer = (name: string, source: BareSource): void => void others.set(name, others.has(name) ? null : source)
  builders.forEach((b, index) => b.module !== 'models' && offer(b.name, { kind: 'builder', index }))
  for (const [module, name, value] of enums) if (module !== 'models') offer(name, { kind: 'value', value })
  torchvisionOps.forEach((layer, index) => offer(layer.name, { kind: 'op', index }))
  const bare: Array<[string, BareSource]> = [...top]
  for (const [name, source] of others) if (source !== null && !top.has(name)) bare.push([name, source])
  plan = { builders, qualified: builders.map((b) => `${modulePath(b.module)}.${b.name}`), enums, bare }
  plans.set(classification, plan)
  return plan
}

/**
 * Builds the `torchvision` namespace for an interpreter: `torchvision.models.X` for the classifiers,
 * `torchvision.models.detection.X`, `.segmentation.X`, `.video.X`, `.optical_flow.X`,
 * `.quantization.X`, every weights enum where torchvision defines it, `get_model`,
 * `get_model_builder`, `get_model_weights`, `get_weight`, `list_models`, and `torchvision.ops`; the model classes
 * and blocks model files import and subclass (`torchvision.models.ResNet`, `torchvision.models.resnet.BasicBlock`,
 * `torchvision.ops.misc.Conv2dNormActivation`, see `classes/`).
 * `callable` turns a builder or layer definition into the interpreter's callable.
 */
export function torchvisionNamespace(classification: readonly LayerDefinition[], callable: MakeCallable): TorchvisionNamespace {
  const plan = planFor(classification)
  const builderValues = plan.builders.map((builder, i) => {
    const made = callable(plan.qualified[i]!, builder.definition)
    // A keyword the builder passes on to its class that nnsize's builder does not model (`norm_layer`): see builder-kwargs.ts.
    const route = builder.module === 'models' ? classRoute(builder.name) : undefined
    return route ? routedBuilder(made, plan.qualified[i]!, builder.definition, route) : made
  })
  const callables = new Map<string, CallableValue>()
  plan.builders.forEach((builder, i) => callables.set(builder.registered, builderValues[i]!))
  /** The public names of one module: its builders and weights enums (made when the namespace is first read). */
  const members = (module: TorchvisionModule): Record<string, Value> => {
    const own: Record<string, Value> = {}
    plan.builders.forEach((builder, i) => builder.module === module && (own[builder.name] = builderValues[i]!))
    for (const [m, name, value] of plan.enums) if (m === module) own[name] = value
    return own
  }
  const registered = [...callables.keys()]
  const builderNamed = (value: Value, span: SourceSpan, argName: string): string => {
    if (value.kind === 'callable') {
      const found = [...callables].find(([, c]) => c === value)
      if (found) return found[0]
      throw new NnsizeError('argument-value', `\`${value.name}\` is not a torchvision model builder.`, { span })
    }
    if (value.kind !== 'str') throw new NnsizeError('argument-type', `\`${argName}\` must be a model name such as \`'resnet50'\`, got ${typeName(value)} \`${showValue(value)}\`.`, { span })
    const name = value.value.toLowerCase()
    if (callables.has(name)) return name
    const suggestions = suggest(name, registered)
    throw new NnsizeError('argument-value', `Unknown model \`${value.value}\`.${didYouMean(suggestions)} \`torchvision.models.list_models()\` names all ${registered.length}.`, { span, suggestions })
  }
  const nameArgument = (fn: string, args: readonly ArgValue[], span: SourceSpan): { name: ArgValue; rest: ArgValue[] } => {
    const index = args.findIndex((a) => a.name === undefined || a.name === 'name')
    const name = args[index]
    if (!name) throw new NnsizeError('missing-argument', `\`${fn}\` is missing required argument \`name\`.`, { span: { start: span.end - 1, end: span.end } })
    const rest = args.filter((_, i) => i !== index)
    const positional = rest.find((a) => a.name === undefined)
    if (positional) throw new NnsizeError('too-many-arguments', `\`${fn}\` takes the model name positionally and the builder's arguments as keywords.`, { span: positional.span })
    return { name, rest }
  }

  const api: Record<string, CallableValue> = {
    get_model: call('torchvision.models.get_model', (args, span) => {
      const { name, rest } = nameArgument('torchvision.models.get_model', args, span)
      return callables.get(builderNamed(name.value, name.valueSpan, 'name'))!.invoke(rest, span)
    }),
    get_model_builder: call('torchvision.models.get_model_builder', (args, span) => {
      const { name, rest } = nameArgument('torchvision.models.get_model_builder', args, span)
      if (rest.length > 0) throw new NnsizeError('too-many-arguments', '`torchvision.models.get_model_builder` takes only the model name.', { span: rest[0]!.span })
      return callables.get(builderNamed(name.value, name.valueSpan, 'name'))!
    }),
    get_model_weights: call('torchvision.models.get_model_weights', (args, span) => {
      const { name, rest } = nameArgument('torchvision.models.get_model_weights', args, span)
      if (rest.length > 0) throw new NnsizeError('too-many-arguments', '`torchvision.models.get_model_weights` takes only the model name or builder.', { span: rest[0]!.span })
      return weightsEnumValue(weightsEnum(builderWeights[builderNamed(name.value, name.valueSpan, 'name')]!))
    }),
    get_weight: call('torchvision.models.get_weight', (args, span) => {
      const { name, rest } = nameArgument('torchvision.models.get_weight', args, span)
      if (rest.length > 0) throw new NnsizeError('too-many-arguments', '`torchvision.models.get_weight` takes only the weight name.', { span: rest[0]!.span })
      if (name.value.kind !== 'str') throw new NnsizeError('argument-type', `\`name\` must be a string such as \`'ResNet50_Weights.IMAGENET1K_V1'\`, got ${typeName(name.value)}.`, { span: name.valueSpan })
      const [enumName, entryName, ...extra] = name.value.value.split('.')
      const weights = enumName === undefined ? undefined : weightsEnums.get(enumName)
      if (entryName === undefined || extra.length > 0) throw new NnsizeError('argument-value', `Invalid weight name provided: \`'${name.value.value}'\`; write \`'Enum.ENTRY'\`, as in \`'ResNet50_Weights.IMAGENET1K_V1'\`.`, { span: name.valueSpan })
      if (!weights) {
        const suggestions = suggest(enumName!, weightsEnums.keys())
        throw new NnsizeError('argument-value', `The weight enum \`${enumName}\` for the specific method couldn't be retrieved.${didYouMean(suggestions)}`, { span: name.valueSpan, suggestions })
      }
      const entry = entryName === 'DEFAULT' ? weights.defaultEntry : weights.entries.find((e) => e.name === entryName)
      if (!entry) {
        const suggestions = suggest(entryName, [...weights.entries.map((e) => e.name), 'DEFAULT'])
        throw new NnsizeError('argument-value', `\`${weights.name}\` has no entry \`${entryName}\`.${didYouMean(suggestions)}`, { span: name.valueSpan, suggestions })
      }
      return weightsEntryValue(entry)
    }),
    list_models: call('torchvision.models.list_models', (args, span) => {
      const slots = ['module', 'include', 'exclude']
      const values: Record<string, Value> = { module: { kind: 'none' }, include: { kind: 'none' }, exclude: { kind: 'none' } }
      const spans: Record<string, SourceSpan> = {}
      args.forEach((arg, i) => {
        const slot = arg.name ?? slots[i]
        if (slot === undefined || !slots.includes(slot)) throw new NnsizeError('unknown-argument', `\`torchvision.models.list_models\` takes \`module\`, \`include\` and \`exclude\`, got ${arg.name ? `\`${arg.name}\`` : 'a fourth argument'}.`, { span: arg.span })
        values[slot] = arg.value
        spans[slot] = arg.valueSpan
      })
      let names = plan.builders
      const module = values['module']!
      if (module.kind !== 'none') {
        const path = module.kind === 'namespace' ? module.name : ''
        const match = plan.builders.filter((b) => modulePath(b.module) === path)
        if (match.length === 0) throw new NnsizeError('argument-value', `\`module\` must be \`torchvision.models\` or one of its sub-modules, got \`${showValue(module)}\`.`, { span: spans['module'] ?? span })
        names = match
      }
      const include = patterns(values['include']!, 'include', spans['include'] ?? span)
      const exclude = patterns(values['exclude']!, 'exclude', spans['exclude'] ?? span)
      const listed = names
        .map((b) => b.registered)
        .filter((n) => include.length === 0 || include.some((p) => fnmatch(n, p)))
        .filter((n) => !exclude.some((p) => fnmatch(n, p)))
        .sort()
      return { kind: 'list', items: listed.map(str) }
    }),
  }

  const opsValues = torchvisionOps.map((layer) => callable(`torchvision.ops.${layer.name}`, layer))
  /** A module of `torchvision.models` with classes (`torchvision.models.resnet`): those, its builders and their weights enums. */
  const family = (f: TorchvisionFamily): Record<string, Value> => {
    const own: Record<string, Value> = {}
    for (const name of f.builders) {
      const i = plan.builders.findIndex((b) => b.module === 'models' && b.name === name)
      if (i < 0) continue
      own[name] = builderValues[i]!
      const weights = builderWeights[name]
      const entry = weights === undefined ? undefined : plan.enums.find(([m, n]) => m === 'models' && n === weights)
      if (entry) own[entry[1]] = entry[2]
    }
    for (const [name, make] of Object.entries(f.members())) {
      if (f.fresh?.includes(name)) freshMember(own, name, make)
      else lazyMember(own, name, make)
    }
    return own
  }
  const torchvision = lazyNamespace('torchvision', () => ({
    models: lazyNamespace('torchvision.models', () => {
      const own = members('models')
      for (const [name, value] of Object.entries(api)) own[name] = value
      for (const module of submodules) own[module] = lazyNamespace(modulePath(module), () => members(module))
      for (const f of torchvisionFamilies) own[f.name] = lazyNamespace(`torchvision.models.${f.name}`, () => family(f))
      for (const [name, make] of Object.entries(modelClasses())) lazyMember(own, name, make)
      return own
    }),
    ops: lazyNamespace('torchvision.ops', () => {
      const own: Record<string, Value> = Object.fromEntries(torchvisionOps.map((layer, i) => [layer.name, opsValues[i]!]))
      const misc = miscMembers()
      for (const name of opsClassNames) lazyMember(own, name, misc[name]!)
      own['misc'] = lazyNamespace('torchvision.ops.misc', () => {
        const members: Record<string, Value> = { FrozenBatchNorm2d: own['FrozenBatchNorm2d']! }
        for (const [name, make] of Object.entries(misc)) lazyMember(members, name, make)
        return members
      })
      return own
    }),
    // The release whose models these are (DETR's `util/misc.py` compares it with `packaging.version`).
    __version__: { kind: 'str', value: '0.28.0' },
  }))
  const bare = new Map<string, Value>()
  for (const [name, source] of plan.bare) {
    if (source.kind === 'value') bare.set(name, source.value)
    else if (source.kind === 'api') bare.set(name, api[name]!)
    else bare.set(name, (source.kind === 'builder' ? builderValues : opsValues)[source.index]!)
  }
  return { torchvision, bare, layers: torchvisionOps }
}
