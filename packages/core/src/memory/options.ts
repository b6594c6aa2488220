import { NnsizeError } from '../errors.js'
import { didYouMean, suggest } from '../suggest.js'
import { findAccelerator } from './gpus.js'
import type { KvCacheSpec } from './kvcache.js'
import { validateKvCacheSpec } from './kvcache.js'
import { parseLoraOptions } from './lora.js'
import { parseOptimizer } from './optimizers/index.js'
import { checkpointingModes, fsdpModes, kvCacheDTypes, offloadTargets } from './plan.js'
import type { MemoryOptions, ZeroStage } from './plan.js'
import { findPrecision } from './precision.js'
import { findWeightFormat } from './quant.js'
import { parseByteSize } from './units.js'

/** A raw option value as a command line or a form gives it. */
export type RawOptionValue = string | number | boolean | undefined | null

/** The option names {@link parseMemoryOptions} accepts, with the aliases it also takes. */
export const memoryOptionNames: Readonly<Record<string, readonly string[]>> = {
  mode: ['inference', 'train'],
  optimizer: ['optim'],
  precision: [],
  weights: ['quant', 'quantization', 'dtype'],
  batch: ['batchSize', 'batch-size'],
  gradAccumulation: ['grad-accum', 'gradAccum', 'gradientAccumulation', 'gradient-accumulation'],
  checkpointing: ['checkpoint', 'activationCheckpointing', 'activation-checkpointing'],
  activations: ['activationBytesPerSample', 'activation-bytes'],
  overhead: ['overheadBytes'],
  gpus: ['numGpus', 'num-gpus'],
  gpusPerNode: ['gpus-per-node'],
  zero: ['zeroStage', 'zero-stage'],
  fsdp: [],
  offload: ['offloadOptimizer', 'offload-optimizer'],
  offloadParams: ['offload-params'],
  tp: ['tensorParallel', 'tensor-parallel'],
  pp: ['pipelineParallel', 'pipeline-parallel'],
  kvCache: ['kv-cache', 'kv'],
  context: ['contextLength', 'context-length', 'seq', 'tokens'],
  kvDtype: ['kvCacheDType', 'kv-dtype', 'kv-cache-dtype'],
  lora: [],
  qlora: [],
  gpu: [],
  units: [],
}

const canonical = new Map<string, string>()
for (const [name, aliases] of Object.entries(memoryOptionNames)) {
  canonical.set(name.toLowerCase(), name)
  for (const a of aliases) canonical.set(a.toLowerCase(), name)
}

const text = (value: RawOptionValue, name: string): string => {
  if (typeof value === 'string') return value.trim()
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  throw new NnsizeError('option', `\`${name}\` needs a value.`)
}

function whole(value: RawOptionValue, name: string, min = 1): number {
  const s = text(value, name).replace(/_/g, '')
  if (!/^-?\d+$/.test(s)) throw new NnsizeError('option', `\`${name}\` must be a whole number, got \`${text(value, name)}\`.`)
  const n = Number(s)
  if (!Number.isSafeInteger(n) || n < min) throw new NnsizeError('option', `\`${name}\` must be ${min === 1 ? 'a positive whole number' : `at least ${min}`}, got \`${s}\`.`)
  return n
}

function pick<T extends string>(value: RawOptionValue, name: string, allowed: readonly T[]): T {
  const s = text(value, name).toLowerCase().replace(/-/g, '_')
  const found = allowed.find((a) => a.toLowerCase().replace(/-/g, '_') === s)
  if (found) return found
  const suggestions = suggest(s, allowed)
  throw new NnsizeError('option', `\`${name}\` must be one of ${allowed.map((a) => `\`${a}\``).join(', ')}, got \`${text(value, name)}\`.${didYouMean(suggestions)}`, { suggestions })
}

/**
 * Parses `layers=80,kvHeads=8,headDim=128[,slidingWindow=4096][,slidingWindowLayers=21][,latentDim=576]`
 * or the JSON of a {@link KvCacheSpec}.
 */
export function parseKvCacheSpec(value: string): KvCacheSpec {
  const s = value.trim()
  let fields: Record<string, unknown>
  if (s.startsWith('{')) {
    try {
      fields = JSON.parse(s) as Record<string, unknown>
    } catch {
      throw new NnsizeError('option', `\`kvCache\` is not valid JSON: \`${s}\`.`)
    }
  } else {
    fields = {}
    for (const part of s.split(',')) {
      if (part.trim() === '') continue
      const [k, v] = part.split('=').map((x) => x.trim())
      if (!k || v === undefined) throw new NnsizeError('option', `\`kvCache\` entries look like \`layers=80\`, got \`${part.trim()}\`.`)
      fields[k] = Number(v)
    }
  }
  const keys = ['layers', 'kvHeads', 'headDim', 'slidingWindow', 'slidingWindowLayers', 'latentDim']
  for (const k of Object.keys(fields)) {
    if (!keys.includes(k)) {
      const suggestions = suggest(k, keys)
      throw new NnsizeError('option', `Unknown KV cache field \`${k}\`.${didYouMean(suggestions)} Fields: ${keys.map((x) => `\`${x}\``).join(', ')}.`, { suggestions })
    }
  }
  return validateKvCacheSpec(fields as unknown as KvCacheSpec)
}

/**
 * Turns raw option strings (command-line flags, form fields) into {@link MemoryOptions}, checking each and naming
 * the flag in errors: `parseMemoryOptions({ optimizer: 'AdamW(lr=1e-4)', precision: 'bf16-mixed', batch: '8',
 * gpus: '8', zero: '3', gpu: 'h100-80gb', lora: 'r=16,alpha=32,target=q_proj|v_proj' })`. Unknown names get
 * "did you mean"; `undefined`/`null` values are skipped.
 */
export function parseMemoryOptions(raw: Readonly<Record<string, RawOptionValue>>): MemoryOptions {
  if (typeof raw !== 'object' || raw === null) throw new NnsizeError('option', 'Memory options must be an object of option names and values.')
  const out: MemoryOptions = {}
  let lora: string | undefined
  let qlora: RawOptionValue
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || value === null) continue
    const name = canonical.get(key.toLowerCase())
    if (!name) {
      const suggestions = suggest(key, Object.keys(memoryOptionNames))
      throw new NnsizeError('option', `Unknown memory option \`${key}\`.${didYouMean(suggestions)}`, { suggestions })
    }
    switch (name) {
      case 'mode': {
        if (key.toLowerCase() === 'inference') out.mode = value === true || text(value, key) === 'true' ? 'inference' : 'training'
        else if (key.toLowerCase() === 'train') out.mode = value === true || text(value, key) === 'true' ? 'training' : 'inference'
        else {
          const m = pick(value, 'mode', ['training', 'train', 'inference', 'infer', 'serve'] as const)
          out.mode = m === 'training' || m === 'train' ? 'training' : 'inference'
        }
        break
      }
      case 'optimizer':
        out.optimizer = parseOptimizer(text(value, name))
        break
      case 'precision':
        out.precision = findPrecision(text(value, name)).id
        break
      case 'weights':
        out.weights = findWeightFormat(text(value, name)).id
        break
      case 'batch':
        out.batch = whole(value, name)
        break
      case 'gradAccumulation':
        out.gradAccumulation = whole(value, name)
        break
      case 'checkpointing': {
        const v = text(value, name).toLowerCase()
        out.checkpointing = v === 'true' || v === 'on' ? 'full' : v === 'false' || v === 'off' ? 'none' : pick(v, name, checkpointingModes)
        break
      }
      case 'activations':
        out.activationBytesPerSample = parseByteSize(text(value, name), name)
        break
      case 'overhead':
        out.overheadBytes = parseByteSize(text(value, name), name)
        break
      case 'gpus':
        out.gpus = whole(value, name)
        break
      case 'gpusPerNode':
        out.gpusPerNode = whole(value, name)
        break
      case 'zero': {
        const v = text(value, name).toLowerCase().replace(/^(zero-?|stage-?)/, '')
        if (!['0', '1', '2', '3'].includes(v)) throw new NnsizeError('option', `\`zero\` must be a ZeRO stage 0, 1, 2 or 3, got \`${text(value, name)}\`.`)
        out.zero = Number(v) as ZeroStage
        break
      }
      case 'fsdp': {
        const v = text(value, name).toLowerCase()
        out.fsdp = v === 'true' ? 'full_shard' : pick(v, name, fsdpModes)
        break
      }
      case 'offload': {
        const v = text(value, name).toLowerCase()
        out.offloadOptimizer = v === 'true' ? 'cpu' : v === 'false' ? 'none' : pick(v, name, offloadTargets)
        break
      }
      case 'offloadParams': {
        const v = text(value, name).toLowerCase()
        out.offloadParams = v === 'true' ? 'cpu' : v === 'false' ? 'none' : pick(v, name, offloadTargets)
        break
      }
      case 'tp':
        out.tensorParallel = whole(value, name)
        break
      case 'pp':
        out.pipelineParallel = whole(value, name)
        break
      case 'kvCache':
        out.kvCache = parseKvCacheSpec(text(value, name))
        break
      case 'context':
        out.contextLength = whole(value, name)
        break
      case 'kvDtype':
        out.kvCacheDType = pick(text(value, name).toLowerCase(), name, Object.keys(kvCacheDTypes))
        break
      case 'lora':
        lora = text(value, name)
        break
      case 'qlora':
        qlora = value
        break
      case 'gpu': {
        const v = text(value, name)
        out.gpu = /^\d/.test(v) ? parseByteSize(v, name) : findAccelerator(v)
        break
      }
      case 'units': {
        const v = text(value, name).toLowerCase()
        if (v === 'iec' || v === 'gib' || v === 'binary') out.units = 'iec'
        else if (v === 'si' || v === 'gb' || v === 'decimal') out.units = 'si'
        else throw new NnsizeError('option', `\`units\` must be \`iec\` (GiB, MiB) or \`si\` (GB, MB), got \`${v}\`.`)
        break
      }
    }
  }
  if (qlora !== undefined && qlora !== false && String(qlora) !== 'false') {
    const settings = typeof qlora === 'string' && qlora.includes('=') ? qlora : lora
    if (settings === undefined) throw new NnsizeError('option', 'QLoRA needs LoRA settings: `lora: "r=16,alpha=32,target=all-linear"` (or give them to `qlora`).')
    out.lora = { ...parseLoraOptions(settings), quantizeBase: true }
  } else if (lora !== undefined) {
    out.lora = parseLoraOptions(lora)
  }
  return out
}
