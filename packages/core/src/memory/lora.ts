import { NnsizeError } from '../errors.js'
import { namedModules } from '../model/module.js'
import type { ModuleNode } from '../model/module.js'
import { didYouMean, suggest } from '../suggest.js'
import { numel } from '../tensor/shape.js'
import type { OptimizerTensor } from './optimizers/index.js'

/** LoRA settings, as PEFT's `LoraConfig` takes them. */
export interface LoraOptions {
  /** `r`: the rank of the update. */
  rank: number
  /** `lora_alpha`: scales the update; no effect on memory. */
  alpha?: number | undefined
  /** `lora_dropout`; no effect on the counts. */
  dropout?: number | undefined
  /**
   * `target_modules`: module names, each matching a module whose dotted name equals it or ends with `.name`
   * (PEFT's rule for a list); `re:<regex>` matches whole names with a regular expression; `all-linear` takes every
   * linear layer except `lm_head`.
   */
  targets: readonly string[]
  /** QLoRA: the base model's linear layers are held in 4-bit NF4 with double quantisation. */
  quantizeBase?: boolean | undefined
}

/** The adapter PEFT adds to one module. */
export interface LoraAdapter {
  /** Dotted name of the adapted module. */
  module: string
  /** Its class (`Linear`, `Conv2d`, `Embedding`). */
  type: string
  /** The adapter's tensors, named as PEFT names them (`q_proj.lora_A.default.weight`). */
  tensors: Array<{ name: string; shape: number[]; elementCount: bigint }>
  params: bigint
}

const SUPPORTED = 'PEFT adapts `Linear`, `Conv1d`, `Conv2d`, `Conv3d`, `Embedding` and transformers\' `Conv1D` modules'

function adapterShapes(node: ModuleNode, rank: number): Array<[string, number[]]> | undefined {
  const weight = node.params.get('weight')
  if (!weight) return undefined
  const [d0, d1] = weight.shape as [number, number]
  switch (node.type) {
    case 'Linear':
    case 'NonDynamicallyQuantizableLinear':
      return [
        ['lora_A.default.weight', [rank, d1]],
        ['lora_B.default.weight', [d0, rank]],
      ]
    case 'Conv1D':
      return [
        ['lora_A.default.weight', [rank, d0]],
        ['lora_B.default.weight', [d1, rank]],
      ]
    case 'Conv1d':
    case 'Conv2d':
    case 'Conv3d': {
      const kernel = weight.shape.slice(2)
      const inChannels = typeof node.args['in_channels'] === 'number' ? (node.args['in_channels'] as number) : d1
      return [
        ['lora_A.default.weight', [rank, inChannels, ...kernel]],
        ['lora_B.default.weight', [d0, rank, ...kernel.map(() => 1)]],
      ]
    }
    case 'Embedding':
      return [
        ['lora_embedding_A.default', [rank, d0]],
        ['lora_embedding_B.default', [d1, rank]],
      ]
    default:
      return undefined
  }
}

function matcher(target: string): (name: string, node: ModuleNode) => boolean {
  if (target === 'all-linear') return (name, node) => (node.type === 'Linear' || node.type === 'Conv1D') && name !== 'lm_head' && !name.endsWith('.lm_head')
  if (target.startsWith('re:')) {
    let re: RegExp
    try {
      re = new RegExp(`^(?:${target.slice(3)})$`)
    } catch {
      throw new NnsizeError('option', `LoRA target \`${target}\` is not a valid regular expression.`)
    }
    return (name) => re.test(name)
  }
  const suffix = `.${target}`
  return (name) => name === target || name.endsWith(suffix)
}

/**
 * The adapters PEFT's `get_peft_model` adds for these LoRA settings, matched over the module tree by name.
 * A target that matches nothing, or a matched module PEFT cannot adapt, is an `option` error.
 */
export function loraAdapters(root: ModuleNode, options: LoraOptions, modules?: ReadonlyArray<readonly [string, ModuleNode]>): { adapters: LoraAdapter[]; params: bigint } {
  const rank = options.rank
  if (!Number.isSafeInteger(rank) || rank < 1) throw new NnsizeError('option', `LoRA rank \`r\` must be a positive whole number, got \`${String(rank)}\`.`)
  if (!Array.isArray(options.targets) || options.targets.length === 0) {
    throw new NnsizeError('option', 'LoRA needs target modules: `target=q_proj|v_proj`, `target=all-linear` or `target=re:.*attn.*`.')
  }
  const named = (modules ?? namedModules(root)).filter(([name]) => name !== '')
  const adapters: LoraAdapter[] = []
  const matchedBy = new Map<string, number>()
  const matchers = options.targets.map((t) => [t, matcher(t)] as const)
  for (const [name, node] of named) {
    let first: string | undefined
    for (const [t, m] of matchers) {
      if (!m(name, node)) continue
      first ??= t
      matchedBy.set(t, (matchedBy.get(t) ?? 0) + 1)
    }
    if (first === undefined) continue
    const shapes = adapterShapes(node, rank)
    if (!shapes) throw new NnsizeError('option', `LoRA target \`${first}\` matches \`${name}\` (${node.type}), which LoRA cannot adapt: ${SUPPORTED}.`)
    let params = 0n
    const tensors = shapes.map(([suffix, shape]) => {
      const elementCount = numel(shape)
      params += elementCount
      return { name: `${name}.${suffix}`, shape, elementCount }
    })
    adapters.push({ module: name, type: node.type, tensors, params })
  }
  const unmatched = options.targets.filter((t) => !matchedBy.has(t))
  if (unmatched.length > 0) {
    const leafNames = [...new Set(named.map(([name]) => name.split('.').at(-1)!))]
    const suggestions = unmatched.flatMap((t) => suggest(t, leafNames)).slice(0, 3)
    const examples = leafNames.slice(0, 8).map((n) => `\`${n}\``).join(', ')
    throw new NnsizeError(
      'option',
      `LoRA target${unmatched.length > 1 ? 's' : ''} ${unmatched.map((t) => `\`${t}\``).join(', ')} match${unmatched.length > 1 ? '' : 'es'} no module.${didYouMean(suggestions)}${named.length > 0 ? ` Module names include ${examples}.` : ' The model has no submodules.'}`,
      { suggestions },
    )
  }
  return { adapters, params: adapters.reduce((s, a) => s + a.params, 0n) }
}

/** The adapters' tensors as trainable float32 parameters (PEFT keeps adapters in float32 by default). */
export function loraTensors(adapters: readonly LoraAdapter[]): OptimizerTensor[] {
  return adapters.flatMap((a) => a.tensors.map((t) => ({ name: t.name, shape: t.shape, dtype: 'float32' as const, trainable: true, kind: 'parameter' as const, elementCount: t.elementCount })))
}

/**
 * Parses LoRA settings written as `r=16,alpha=32,target=q_proj|v_proj` (also `rank=`, `lora_alpha=`,
 * `targets=`/`target_modules=`, `dropout=`); targets are separated by `|` or `+`.
 */
export function parseLoraOptions(text: string): LoraOptions {
  if (typeof text !== 'string' || text.trim() === '') throw new NnsizeError('option', 'LoRA settings are empty: write them as `r=16,alpha=32,target=q_proj|v_proj`.')
  const out: { rank?: number; alpha?: number; dropout?: number; targets?: string[] } = {}
  const keys = ['r', 'rank', 'alpha', 'lora_alpha', 'dropout', 'lora_dropout', 'target', 'targets', 'target_modules']
  for (const part of text.split(',')) {
    const piece = part.trim()
    if (piece === '') continue
    const eq = piece.indexOf('=')
    if (eq < 0) throw new NnsizeError('option', `LoRA setting \`${piece}\` needs a value, as in \`r=16\`.`)
    const key = piece.slice(0, eq).trim().toLowerCase()
    const value = piece.slice(eq + 1).trim()
    const number = (): number => {
      const v = Number(value)
      if (value === '' || !Number.isFinite(v)) throw new NnsizeError('option', `LoRA \`${key}\` must be a number, got \`${value}\`.`)
      return v
    }
    switch (key) {
      case 'r':
      case 'rank': {
        const v = number()
        if (!Number.isSafeInteger(v) || v < 1) throw new NnsizeError('option', `LoRA rank \`r\` must be a positive whole number, got \`${value}\`.`)
        out.rank = v
        break
      }
      case 'alpha':
      case 'lora_alpha':
        out.alpha = number()
        break
      case 'dropout':
      case 'lora_dropout': {
        const v = number()
        if (v < 0 || v >= 1) throw new NnsizeError('option', `LoRA \`dropout\` must be in [0, 1), got \`${value}\`.`)
        out.dropout = v
        break
      }
      case 'target':
      case 'targets':
      case 'target_modules': {
        const targets = value.startsWith('re:') ? [value] : value.split(/[|+]/).map((t) => t.trim()).filter((t) => t !== '')
        if (targets.length === 0) throw new NnsizeError('option', 'LoRA `target` is empty: name modules as in `target=q_proj|v_proj`.')
        out.targets = targets
        break
      }
      default: {
        const suggestions = suggest(key, keys)
        throw new NnsizeError('option', `Unknown LoRA setting \`${key}\`.${didYouMean(suggestions)} Settings: \`r\`, \`alpha\`, \`dropout\`, \`target\`.`, { suggestions })
      }
    }
  }
  if (!out.targets) throw new NnsizeError('option', 'LoRA needs target modules: add `target=q_proj|v_proj` (or `target=all-linear`).')
  return { rank: out.rank ?? 8, alpha: out.alpha ?? 8, ...(out.dropout !== undefined ? { dropout: out.dropout } : {}), targets: out.targets }
}
