import { NnsizeError } from '../../errors.js'
import type { SourceSpan } from '../../errors.js'
import { any, bool, device, dtype, str } from '../../bind/args.js'
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
  let tag = dot < 0 ? null : id.slice(dot + 1)
  if (!variants().has(model) && Object.hasOwn(deprecatedNames, model)) {
    const renamed = deprecatedNames[model]!
    const renamedDot = renamed.indexOf('.')
    model = renamedDot < 0 ? renamed : renamed.slice(0, renamedDot)
    tag ??= renamedDot < 0 ? null : renamed.slice(renamedDot + 1)
  }
  return { model, tag }
}

function families(): string {
  return [...new Set(timmFamilies.map((f) => f.module))].join(', ')
}

/** Resolves a model name to its family, arguments and pretrained configuration, or fails with suggestions. */
export function resolveModel(name: string, span?: SourceSpan): { model: string; variant: Variant; cfg: PretrainedCfg | null } {
  const { model, tag } = parseModelName(name, span)
  const variant = variants().get(model)
  if (!variant) {
    const suggestions = suggest(model, variants().keys(), 5)
    throw new NnsizeError(
      'unknown-model',
      `\`${model}\` is not a timm model nnsize builds.${didYouMean(suggestions)} nnsize builds ${variants().size} timm 1.0.29 models from the modules ${families()}; \`timm.list_models('${model.replace(/[\d_].*$/, '')}*')\` lists them.`,
      { span, suggestions },
    )
  }
  const cfgs = pretrainedCfgs(model)
  let cfg: PretrainedCfg | null = cfgs[0] ?? null
  if (tag !== null) {
    cfg = cfgs.find((c) => c.tag === tag) ?? null
    if (!cfg) {
      const suggestions = suggest(tag, cfgs.map((c) => c.tag))
      throw new NnsizeError(
        'unknown-model',
        `Invalid pretrained tag \`${tag}\` for \`${model}\`.${didYouMean(suggestions)} Its tags are ${cfgs.map((c) => `\`${c.tag}\``).join(', ') || 'none'}.`,
        { span, suggestions },
      )
    }
  }
  return { model, variant, cfg }
}

const createModelSignature: readonly ArgSpec[] = [
  str('model_name'),
  bool('pretrained', { default: false }),
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
const unsupported = new Map<string, string>([
  ['features_only', 'feature extraction wrappers (`features_only=True`) are not modelled; build the classifier and read the stage shapes from the forward pass'],
  ['pruned', 'pruned models load their channel counts from files nnsize does not have'],
])

/**
 * Builds `timm.create_model(...)` from its call arguments. `build` makes the model class from
 * its merged arguments (the expression language passes its module budget).
 */
export function createModel(args: readonly ArgValue[], span: SourceSpan, budget: ConstructionBudget): ModuleNode {
  const own = args.filter((a) => a.name === undefined || ownNames.has(a.name))
  const rest = args.filter((a) => a.name !== undefined && !ownNames.has(a.name))
  const bound = bindArguments('timm.create_model', createModelSignature, own, span)
  const name = bound.values['model_name'] as string
  const cfgArg = bound.values['pretrained_cfg'] as Value
  const overlay = bound.values['pretrained_cfg_overlay'] as Value
  if (cfgArg.kind !== 'none' && cfgArg.kind !== 'str') {
    throw new NnsizeError('argument-type', `\`pretrained_cfg\` must be a tag (\`'a1_in1k'\`) or None here, got \`${showValue(cfgArg)}\`.`, { span: bound.spans['pretrained_cfg'] })
  }
  if (overlay.kind !== 'none') {
    throw new NnsizeError('argument-value', `\`pretrained_cfg_overlay\` is not supported: pass \`num_classes\` or \`img_size\` as keyword arguments instead.`, { span: bound.spans['pretrained_cfg_overlay'] })
  }
  for (const a of rest) {
    const reason = unsupported.get(a.name!)
    if (reason) throw new NnsizeError('argument-value', `\`${a.name}\`: ${reason}.`, { span: a.span })
  }
  const tagged = cfgArg.kind === 'str' && cfgArg.value !== '' && !name.includes('.') ? `${name}.${cfgArg.value}` : name
  const { model, variant, cfg } = resolveModel(tagged, bound.spans['model_name'] ?? span)
  const family = variant.family
  const kw = bindArguments(`timm.create_model('${model}')`, family.signature, rest, span)
  for (const name of family.fixedByBuilder?.(model) ?? []) {
    if (name in kw.spans) throw new NnsizeError('too-many-arguments', `\`${model}\`'s builder passes \`${name}\` to the class itself: TypeError: got multiple values for keyword argument '${name}'.`, { span: kw.spans[name] })
  }
  const given: Record<string, unknown> = {}
  for (const key of Object.keys(kw.spans)) given[key] = kw.values[key]
  const fromCfg: Record<string, unknown> = {}
  if (cfg) {
    if ('num_classes' in family.defaults) fromCfg['num_classes'] = cfg.numClasses
    if (cfg.imgSize && family.takesImgSize) fromCfg['img_size'] = cfg.imgSize
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
