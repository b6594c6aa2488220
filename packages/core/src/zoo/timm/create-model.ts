import { NnsizeError } from '../../errors.js'
import type { SourceSpan } from '../../errors.js'
import { any, device, dtype, str } from '../../bind/args.js'
import type { ArgSpec } from '../../bind/args.js'
import { bindArguments } from '../../bind/bind.js'
import { showValue } from '../../contract/values.js'
import type { ArgValue, Value } from '../../contract/values.js'
import { constructLayer } from '../../model/construct.js'
import type { ConstructionBudget } from '../../model/construct.js'
import type { ModuleNode } from '../../model/module.js'
import { isFloatingDType } from '../../tensor/dtype.js'
import type { DType } from '../../tensor/dtype.js'
import { didYouMean, suggest } from '../../suggest.js'
import { raise } from '../../interpret/exceptions.js'
import { deprecatedNames, hubAliases, pretrainedTags } from './pretrained.js'
import { timmFamilies } from './registry.js'
import type { AnyFamily } from './registry.js'

/**
 * `timm.create_model(model_name, pretrained=False, pretrained_cfg=None, ..., **kwargs)` and
 * `timm.list_models(filter, module, pretrained, exclude_filters, include_tags)` for the models
 * nnsize builds. Weights are never loaded: `pretrained=True` and `checkpoint_path` do not change
 * the structure, and the pretrained tag only sets what its configuration sets (`num_classes`,
 * and the input size of fixed-size models).
 */

/** One pretrained configuration of a model: its tag, classifier classes, fixed input size and whether timm has weights. */
export interface PretrainedCfg {
  tag: string
  /** `num_classes` of the weights (`0`: no classifier). */
  numClasses: number
  /** `(H, W)` of a model built for a fixed input size. */
  imgSize: [number, number] | null
  hasWeights: boolean
}

const cfgCache = new Map<string, PretrainedCfg[]>()

/** The pretrained configurations of `model`, the default first (empty for an unknown model). */
export function pretrainedCfgs(model: string): PretrainedCfg[] {
  let cfgs = cfgCache.get(model)
  if (cfgs) return cfgs
  const text = Object.hasOwn(pretrainedTags, model) ? pretrainedTags[model]! : undefined
  cfgs = text === undefined ? [] : text.split(' ').map(parseCfg)
  cfgCache.set(model, cfgs)
  return cfgs
}

function parseCfg(entry: string): PretrainedCfg {
  const match = /^([^:@!]*)(?::(\d+))?(?:@(\d+)(?:x(\d+))?)?(!?)$/.exec(entry)
  if (!match) throw new Error(`internal: bad pretrained entry ${entry}`)
  const h = match[3] === undefined ? null : Number(match[3])
  return {
    tag: match[1]!,
    numClasses: match[2] === undefined ? 1000 : Number(match[2]),
    imgSize: h === null ? null : [h, match[4] === undefined ? h : Number(match[4])],
    hasWeights: match[5] !== '!',
  }
}

interface Variant {
  family: AnyFamily
  args: Readonly<Record<string, unknown>>
}

let variantIndex: Map<string, Variant> | undefined

function variants(): Map<string, Variant> {
  if (!variantIndex) {
    variantIndex = new Map()
    for (const family of timmFamilies) for (const [name, args] of Object.entries(family.variants)) variantIndex.set(name, { family, args })
  }
  return variantIndex
}

/** Every model name nnsize builds, in timm's natural order. */
export function supportedModels(): string[] {
  return naturalSort([...variants().keys()])
}

/** timm's `_natural_key`: digit runs as numbers, the rest lower-cased. */
function naturalKey(s: string): Array<string | number> {
  return s.toLowerCase().split(/(\d+)/).map((p, i) => (i % 2 === 1 ? Number(p) : p))
}

function compareKeys(x: ReadonlyArray<string | number>, y: ReadonlyArray<string | number>): number {
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i]!
    const q = y[i]!
    if (p === q) continue
    if (typeof p === 'number' && typeof q === 'number') return p - q
    return String(p) < String(q) ? -1 : 1
  }
  return x.length - y.length
}

/** Sorts names in timm's natural order (`resnet18` before `resnet101`), each name's key computed once. */
function naturalSort(names: readonly string[]): string[] {
  return names
    .map((name) => ({ name, key: naturalKey(name) }))
    .sort((a, b) => compareKeys(a.key, b.key))
    .map((e) => e.name)
}

/** A model name taken apart: the model, its tag (`null`: the default) and where it came from. */
export interface ParsedName {
  model: string
  tag: string | null
  /** Set for a name read from the Hugging Face Hub (`hf-hub:timm/resnet50.a1_in1k`). */
  hub?: true
}

/**
 * Parses `resnet50`, `resnet50.a1_in1k`, `hf-hub:timm/resnet50.a1_in1k` (or `hf_hub:`) as timm's
 * `parse_model_name` and `split_model_name_tag` do, and maps renamed models to their new names.
 */
export function parseModelName(name: string, span?: SourceSpan): ParsedName {
  const colon = name.indexOf(':')
  const prefix = colon < 0 ? '' : name.slice(0, colon)
  let id = name
  if (colon >= 0 && /^[a-zA-Z][a-zA-Z0-9+.\-_]+$/.test(prefix)) {
    const source = prefix.toLowerCase() === 'hf_hub' ? 'hf-hub' : prefix.toLowerCase()
    id = name.slice(colon + 1)
    if (source === 'local-dir') throw new NnsizeError('argument-value', `\`${name}\` names a local folder: nnsize reads no files here. Use the model's name (\`timm.create_model('resnet50')\`).`, { span })
    if (source !== 'hf-hub') throw new NnsizeError('argument-value', `Unknown model source \`${source}\` in model name \`${name}\`; valid sources: hf-hub, local-dir.`, { span })
    if (id === '') throw new NnsizeError('argument-value', `Model name \`${name}\` has no model id after the \`${source}:\` prefix.`, { span })
    if (Object.hasOwn(hubAliases, id)) id = hubAliases[id]!
    else if (id.startsWith('timm/')) id = id.slice(5)
    else throw new NnsizeError('unknown-model', `\`${id}\` is not a timm repository nnsize knows: timm's own weights are at \`hf-hub:timm/<model>.<tag>\` (\`hf-hub:timm/resnet50.a1_in1k\`).`, { span })
  } else if (/[/\\:]/.test(name)) {
    throw new NnsizeError('argument-value', `Model name \`${name}\` has no source prefix but looks like a Hugging Face Hub repo id or a local path. Use \`hf-hub:${name}\` to name a Hub repository.`, { span })
  }
  const dot = id.indexOf('.')
  let model = dot < 0 ? id : id.slice(0, dot)
  // `split_model_name_tag`: the tag is all after the first dot; an empty one (`resnet50.`) is the default.
  let tag = dot < 0 || dot === id.length - 1 ? null : id.slice(dot + 1)
  if (!variants().has(model) && Object.hasOwn(deprecatedNames, model)) {
    const renamed = deprecatedNames[model]!
    const renamedDot = renamed.indexOf('.')
    model = renamedDot < 0 ? renamed : renamed.slice(0, renamedDot)
    tag ??= renamedDot < 0 ? null : renamed.slice(renamedDot + 1)
  }
  return id === name ? { model, tag } : { model, tag, hub: true }
}

function families(): string {
  return [...new Set(timmFamilies.map((f) => f.module))].join(', ')
}

/** The family and arguments of `model`, or a failure with suggestions. */
function findVariant(model: string, span: SourceSpan | undefined): Variant {
  const variant = variants().get(model)
  if (variant) return variant
  const suggestions = suggest(model, variants().keys(), 5)
  throw new NnsizeError(
    'unknown-model',
    `\`${model}\` is not a timm model nnsize builds.${didYouMean(suggestions)} nnsize builds ${variants().size} timm 1.0.29 models from the modules ${families()}; \`timm.list_models('${model.replace(/[\d_].*$/, '')}*')\` lists them.`,
    { span, suggestions },
  )
}

/** The pretrained configuration `tag` names for `model` (`null`: its default), or timm's "Invalid pretrained tag". */
function taggedCfg(model: string, tag: string | null, span: SourceSpan | undefined): PretrainedCfg | null {
  const cfgs = pretrainedCfgs(model)
  if (tag === null) return cfgs[0] ?? null
  const cfg = cfgs.find((c) => c.tag === tag)
  if (cfg) return cfg
  const suggestions = suggest(tag, cfgs.map((c) => c.tag))
  throw new NnsizeError(
    'unknown-model',
    `Invalid pretrained tag \`${tag}\` for \`${model}\`.${didYouMean(suggestions)} Its tags are ${cfgs.map((c) => `\`${c.tag}\``).join(', ') || 'none'}.`,
    { span, suggestions },
  )
}

/** Resolves a model name to its family, arguments and pretrained configuration, or fails with suggestions. */
export function resolveModel(name: string, span?: SourceSpan): { model: string; variant: Variant; cfg: PretrainedCfg | null } {
  const { model, tag } = parseModelName(name, span)
  const variant = findVariant(model, span)
  return { model, variant, cfg: taggedCfg(model, tag, span) }
}

/**
 * What a pretrained configuration gives the class as defaults (`_update_default_model_kwargs`): `num_classes` (none
 * when negative or `None`), `in_chans` (`input_size[0]`) and, for a fixed-size model, `img_size` (`input_size[1:]`).
 * `inputSize` is `null` where nnsize does not record it (a tag of a model that takes any input size).
 */
interface CfgDefaults {
  numClasses: number | null
  inputSize: readonly [number, number, number] | null
  fixedInputSize: boolean
}

function cfgDefaults(cfg: PretrainedCfg | null): CfgDefaults {
  if (!cfg) return { numClasses: 1000, inputSize: [3, 224, 224], fixedInputSize: false }
  return { numClasses: cfg.numClasses, inputSize: cfg.imgSize ? [3, ...cfg.imgSize] : null, fixedInputSize: cfg.imgSize !== null }
}

/** The fields of timm's `PretrainedCfg` dataclass: a dict `pretrained_cfg` or overlay may set these alone. */
const pretrainedCfgFields: ReadonlySet<string> = new Set([
  'url', 'file', 'state_dict', 'hf_hub_id', 'hf_hub_filename', 'source', 'architecture', 'tag', 'custom_load',
  'input_size', 'test_input_size', 'min_input_size', 'fixed_input_size', 'interpolation', 'crop_pct', 'test_crop_pct',
  'crop_mode', 'mean', 'std', 'num_classes', 'label_offset', 'label_names', 'label_descriptions', 'pool_size',
  'test_pool_size', 'first_conv', 'classifier', 'license', 'description', 'origin_url', 'paper_name', 'paper_ids', 'notes',
])

/** Python's truth value of a plain value (`None`, `0`, `''`, `()`, `{}` are false). */
function truthy(value: Value): boolean {
  switch (value.kind) {
    case 'none':
      return false
    case 'bool':
      return value.value
    case 'int':
      return value.value !== 0n
    case 'float':
      return value.value !== 0
    case 'str':
      return value.value !== ''
    case 'tuple':
    case 'list':
      return value.items.length > 0
    case 'dict':
      return value.entries.length > 0
    default:
      return true
  }
}

/**
 * Applies a dict of `PretrainedCfg` fields to `base`, as `PretrainedCfg(**d)` and `dataclasses.replace(cfg, **d)`
 * do: an unknown field is Python's `TypeError`; `num_classes`, `input_size` and `fixed_input_size` change what the
 * class gets, the other fields (weights, crops, labels) change nothing counted.
 */
function applyCfgFields(base: CfgDefaults, dict: Extract<Value, { kind: 'dict' }>, argName: string, span: SourceSpan | undefined): CfgDefaults {
  const out: CfgDefaults = { ...base }
  for (const [key, value] of dict.entries) {
    if (key.kind !== 'str') throw new NnsizeError('argument-type', `\`${argName}\`: keywords must be strings, got \`${showValue(key)}\` (TypeError).`, { span })
    const field = key.value
    if (!pretrainedCfgFields.has(field)) {
      const suggestions = suggest(field, pretrainedCfgFields)
      throw new NnsizeError('unknown-argument', `\`${argName}\`: PretrainedCfg.__init__() got an unexpected keyword argument '${field}'.${didYouMean(suggestions)}`, { span, suggestions })
    }
    if (field === 'num_classes') {
      if (value.kind === 'none') out.numClasses = null
      else if (value.kind === 'int' || value.kind === 'bool') out.numClasses = Number(value.kind === 'int' ? value.value : value.value ? 1 : 0)
      else throw new NnsizeError('argument-type', `\`${argName}\`: \`num_classes\` must be an int, got \`${showValue(value)}\`.`, { span })
    } else if (field === 'input_size') {
      const items = value.kind === 'tuple' || value.kind === 'list' ? value.items : null
      if (!items || !items.every((v) => v.kind === 'int')) throw new NnsizeError('argument-type', `\`${argName}\`: \`input_size\` must be a tuple \`(C, H, W)\` of ints, got \`${showValue(value)}\`.`, { span })
      if (items.length !== 3) raise('AssertionError', 'argument-value', `\`${argName}\`: \`input_size\` must have 3 entries \`(C, H, W)\` (timm asserts \`len(input_size) == 3\`), got \`${showValue(value)}\`.`, span)
      out.inputSize = items.map((v) => Number((v as { value: bigint }).value)) as unknown as [number, number, number]
    } else if (field === 'fixed_input_size') {
      out.fixedInputSize = truthy(value)
    }
  }
  return out
}

const createModelSignature: readonly ArgSpec[] = [
  str('model_name'),
  any('pretrained', { default: { kind: 'bool', value: false } }),
  any('pretrained_cfg', { default: { kind: 'none' } }),
  any('pretrained_cfg_overlay', { default: { kind: 'none' } }),
  any('checkpoint_path', { default: { kind: 'none' } }),
  any('cache_dir', { default: { kind: 'none' } }),
  any('scriptable', { default: { kind: 'none' } }),
  any('exportable', { default: { kind: 'none' } }),
  any('no_jit', { default: { kind: 'none' } }),
  // Every timm 1.0.29 model class takes `device` and `dtype` (its `dd` passed to each layer): the parameters and float
  // buffers are made in that dtype, and the device changes nothing nnsize counts.
  dtype(),
  device(),
]
const ownNames = new Set(createModelSignature.map((s) => s.name))

/**
 * A model's own entry point (`timm.models.resnet50(pretrained=False, **kwargs)`): `build_model_with_cfg` takes
 * `pretrained_cfg`, `pretrained_cfg_overlay` and `cache_dir`; every other keyword, `None` included, reaches the builder.
 */
const entrypointSignature: readonly ArgSpec[] = [
  any('pretrained', { default: { kind: 'bool', value: false } }),
  { ...any('pretrained_cfg', { default: { kind: 'none' } }), keywordOnly: true },
  { ...any('pretrained_cfg_overlay', { default: { kind: 'none' } }), keywordOnly: true },
  { ...any('cache_dir', { default: { kind: 'none' } }), keywordOnly: true },
  { ...dtype(), keywordOnly: true },
  { ...device(), keywordOnly: true },
]
const entrypointNames = new Set(entrypointSignature.map((s) => s.name))
/** Keywords `build_model_with_cfg` pops: false (the default) they change nothing; true, they are not modelled. */
const unsupported = new Map<string, string>([
  ['features_only', 'feature extraction wrappers (`features_only=True`) are not modelled; build the classifier and read the stage shapes from the forward pass'],
  ['pruned', 'pruned models load their channel counts from files nnsize does not have'],
])

/**
 * The pretrained configuration `create_model` resolves (`resolve_pretrained_cfg`): a truthy `pretrained_cfg` takes
 * priority over the tag in the model name; a string is a tag of the model, a dict the fields of a new configuration;
 * `pretrained_cfg_overlay` then replaces fields.
 */
function resolveCfg(model: string, nameTag: string | null, hub: boolean, bound: ReturnType<typeof bindArguments>, nameSpan: SourceSpan | undefined): CfgDefaults {
  const cfgArg = bound.values['pretrained_cfg'] as Value
  const cfgSpan = bound.spans['pretrained_cfg']
  const overlay = bound.values['pretrained_cfg_overlay'] as Value
  let cfg: CfgDefaults
  if (!truthy(cfgArg)) {
    cfg = cfgDefaults(taggedCfg(model, nameTag, nameSpan))
  } else if (hub) {
    raise('AssertionError', 'argument-value', 'pretrained_cfg should not be set when sourcing model from Hugging Face Hub.', cfgSpan)
  } else if (cfgArg.kind === 'str') {
    cfg = cfgDefaults(taggedCfg(model, cfgArg.value, cfgSpan))
  } else if (cfgArg.kind === 'dict') {
    cfg = applyCfgFields(cfgDefaults(null), cfgArg, 'pretrained_cfg', cfgSpan)
  } else {
    throw new NnsizeError('argument-type', `\`pretrained_cfg\` must be a tag (\`'a1_in1k'\`), a dict of \`PretrainedCfg\` fields or None, got \`${showValue(cfgArg)}\`.`, { span: cfgSpan })
  }
  if (truthy(overlay)) {
    const overlaySpan = bound.spans['pretrained_cfg_overlay']
    if (overlay.kind !== 'dict') throw new NnsizeError('argument-type', `\`pretrained_cfg_overlay\` must be a dict of \`PretrainedCfg\` fields or None, got \`${showValue(overlay)}\`.`, { span: overlaySpan })
    cfg = applyCfgFields(cfg, overlay, 'pretrained_cfg_overlay', overlaySpan)
  }
  return cfg
}

/**
 * Builds `timm.create_model(...)` from its call arguments, as timm 1.0.29 does: keywords whose value is `None` are
 * dropped first (they mean "the default"), the pretrained configuration is resolved, the model's builder adds its own
 * arguments (a keyword it passes itself is Python's `TypeError`) and the class is built from the merged arguments
 * (the expression language passes its module budget). With `entrypoint`, builds that model's own function instead
 * (`timm.models.resnet50(...)`), which drops no keyword.
 */
export function createModel(args: readonly ArgValue[], span: SourceSpan, budget: ConstructionBudget, entrypoint?: string): ModuleNode {
  const names = entrypoint === undefined ? ownNames : entrypointNames
  const own = args.filter((a) => a.name === undefined || names.has(a.name))
  // `kwargs = {k: v for k, v in kwargs.items() if v is not None}`: before anything else
  const rest = args.filter((a) => a.name !== undefined && !names.has(a.name) && (entrypoint !== undefined || a.value.kind !== 'none'))
  const bound = entrypoint === undefined ? bindArguments('timm.create_model', createModelSignature, own, span) : bindArguments(`timm.models.${entrypoint}`, entrypointSignature, own, span)
  const name = entrypoint ?? (bound.values['model_name'] as string)
  const nameSpan = bound.spans['model_name'] ?? span
  const parsed = parseModelName(name, nameSpan)
  const { model } = parsed
  const variant = findVariant(model, nameSpan)
  const family = variant.family
  // the model's function builds its keywords before `build_model_with_cfg` resolves the configuration
  const fixed = new Set(family.fixedByBuilder(model))
  for (const a of rest) {
    if (fixed.has(a.name!)) throw new NnsizeError('too-many-arguments', `\`${model}\`'s builder passes \`${a.name}\` to the class itself: TypeError: got multiple values for keyword argument '${a.name}'.`, { span: a.span })
  }
  const cfg = resolveCfg(model, parsed.tag, parsed.hub === true, bound, nameSpan)
  const known = new Set(family.signature.map((s) => s.name))
  const passed: ArgValue[] = []
  for (const a of rest) {
    const reason = unsupported.get(a.name!)
    if (reason !== undefined) {
      if (truthy(a.value)) throw new NnsizeError('argument-value', `\`${a.name}\`: ${reason}.`, { span: a.span })
      continue
    }
    if (!known.has(a.name!) && family.otherKeywords) {
      if (family.otherKeywords.collide?.has(a.name!)) throw new NnsizeError('too-many-arguments', `\`${a.name}\`: ${family.def.name} passes it to its layers itself: TypeError: got multiple values for keyword argument '${a.name}'.`, { span: a.span })
      const refused = family.otherKeywords.refuse?.(a.name!)
      if (refused !== undefined) throw new NnsizeError('unsupported', `\`${a.name}\`: ${refused}.`, { span: a.span })
      continue
    }
    passed.push(a)
  }
  const kw = bindArguments(entrypoint === undefined ? `timm.create_model('${model}')` : `timm.models.${entrypoint}`, family.signature, passed, span)
  const given: Record<string, unknown> = {}
  for (const key of Object.keys(kw.spans)) given[key] = kw.values[key]
  const fromCfg: Record<string, unknown> = {}
  if (cfg.numClasses !== null && cfg.numClasses >= 0 && 'num_classes' in family.defaults) fromCfg['num_classes'] = cfg.numClasses
  if (cfg.inputSize && 'in_chans' in family.defaults) fromCfg['in_chans'] = cfg.inputSize[0]
  if (cfg.fixedInputSize) {
    if (!cfg.inputSize) throw new NnsizeError('unsupported', `\`fixed_input_size\` for \`${model}\` needs the input size of its pretrained configuration, which nnsize does not record; give \`input_size=(3, H, W)\` with it.`, { span: bound.spans['pretrained_cfg_overlay'] ?? bound.spans['pretrained_cfg'] })
    if (!family.takesImgSize) throw new NnsizeError('unknown-argument', `\`${model}\`: the pretrained configuration has \`fixed_input_size=True\`, so timm passes \`img_size\`, which ${family.def.name}.__init__() does not take (TypeError: got an unexpected keyword argument 'img_size').`, { span: bound.spans['pretrained_cfg_overlay'] ?? bound.spans['pretrained_cfg'] })
    fromCfg['img_size'] = [cfg.inputSize[1], cfg.inputSize[2]]
  }
  const merged = { ...family.defaults, ...fromCfg, ...variant.args, ...given }
  const root = constructLayer(family.def, merged, budget, span, kw.spans)
  const floatDType = bound.values['dtype'] as DType | null
  if (floatDType !== null) {
    if (!isFloatingDType(floatDType) || floatDType.startsWith('complex')) {
      throw new NnsizeError('argument-type', `\`dtype\` must be a floating dtype such as \`torch.bfloat16\` for the parameters of \`${model}\`, got \`torch.${floatDType}\`.`, { span: bound.spans['dtype'] })
    }
    castFloating(root, floatDType)
  }
  return root
}

/** Makes every floating parameter and buffer of the module tree `dtype`, as a class given `dtype=` makes them. */
function castFloating(root: ModuleNode, dtype: DType): void {
  const seen = new Set<ModuleNode>()
  const stack = [root]
  while (stack.length > 0) {
    const node = stack.pop()!
    if (seen.has(node)) continue
    seen.add(node)
    for (const map of [node.params, node.buffers]) {
      for (const def of map.values()) if (def && isFloatingDType(def.dtype) && !def.dtype.startsWith('complex')) def.dtype = dtype
    }
    for (const child of node.children.values()) if (child) stack.push(child)
  }
}

/** A glob match as Python's `fnmatch` does (`*`, `?`, `[seq]`, `[!seq]`), in linear time. */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0
  let t = 0
  let starP = -1
  let starT = 0
  const classEnd = (at: number): number => {
    let j = at + 1
    if (pattern[j] === '!') j++
    if (pattern[j] === ']') j++
    while (j < pattern.length && pattern[j] !== ']') j++
    return j < pattern.length ? j : -1
  }
  const inClass = (at: number, end: number, ch: string): boolean => {
    let j = at + 1
    const negate = pattern[j] === '!'
    if (negate) j++
    let found = false
    for (; j < end; j++) {
      if (pattern[j + 1] === '-' && j + 2 < end) {
        if (ch >= pattern[j]! && ch <= pattern[j + 2]!) found = true
        j += 2
      } else if (pattern[j] === ch) found = true
    }
    return found !== negate
  }
  while (t < text.length) {
    const c = pattern[p]
    if (c === '*') {
      starP = p++
      starT = t
      continue
    }
    if (c === '[') {
      const end = classEnd(p)
      if (end >= 0) {
        if (inClass(p, end, text[t]!)) {
          p = end + 1
          t++
          continue
        }
      } else if (text[t] === '[') {
        p++
        t++
        continue
      }
    } else if (c !== undefined && (c === '?' || c === text[t])) {
      p++
      t++
      continue
    }
    if (starP < 0) return false
    p = starP + 1
    t = ++starT
  }
  while (pattern[p] === '*') p++
  return p === pattern.length
}

/** Options of {@link listModels}, as `timm.list_models` takes them. */
export interface ListOptions {
  filter?: string | readonly string[]
  module?: string | readonly string[]
  pretrained?: boolean
  exclude_filters?: string | readonly string[]
  include_tags?: boolean | null
}

/** `timm.list_models(...)` over the models nnsize builds. */
export function listModels(options: ListOptions = {}): string[] {
  const list = (v: string | readonly string[] | undefined): string[] => (v === undefined ? [] : typeof v === 'string' ? (v === '' ? [] : [v]) : [...v])
  const modules = new Set(list(options.module))
  const includeTags = options.include_tags ?? options.pretrained ?? false
  let names: string[] = []
  for (const [name, v] of variants()) {
    if (modules.size > 0 && !modules.has(v.family.module)) continue
    if (includeTags) {
      for (const c of pretrainedCfgs(name)) if (!options.pretrained || c.hasWeights) names.push(c.tag === '' ? name : `${name}.${c.tag}`)
    } else if (!options.pretrained || pretrainedCfgs(name).some((c) => c.hasWeights)) {
      names.push(name)
    }
  }
  const expand = (f: string): string[] => (includeTags && !f.includes('.') ? [f, `${f}.*`] : [f])
  const include = list(options.filter).flatMap(expand)
  const exclude = list(options.exclude_filters).flatMap(expand)
  if (include.length > 0) names = names.filter((n) => include.some((f) => globMatch(f, n)))
  if (exclude.length > 0) names = names.filter((n) => !exclude.some((f) => globMatch(f, n)))
  return naturalSort(names)
}

/** `timm.list_modules()`: the timm modules of the models nnsize builds. */
export function listModules(): string[] {
  return [...new Set(timmFamilies.map((f) => f.module))].sort()
}

/**
 * The model functions timm registers for the models nnsize builds, each with its module (`resnet50` in `resnet`),
 * renamed models' old names included (`convnext_tiny_in22ft1k`, which maps to its new name and tag).
 */
export function modelEntrypoints(): Array<{ name: string; module: string }> {
  const entries = [...variants()].map(([name, v]) => ({ name, module: v.family.module }))
  for (const [old, renamed] of Object.entries(deprecatedNames)) {
    const v = variants().get(renamed.split('.')[0]!)
    if (v && !variants().has(old)) entries.push({ name: old, module: v.family.module })
  }
  return entries
}
