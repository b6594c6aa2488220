import type { Analysis } from '../analyze.js'
import { buffersOf, paramsOf, walkModules } from '../model/module.js'
import type { TensorDef } from '../model/module.js'
import { dtypeAliases, isFloatingDType } from '../tensor/dtype.js'
import type { DType } from '../tensor/dtype.js'
import { grouped } from './bytes.js'
import type { ModelTensor } from './analysis.js'
import type { ConfigCheck, ConfigTensorDifference } from './types.js'

/** Names that some library versions save although the model registers them as non-persistent buffers or not at all. */
const savedBuffers = /(^|\.)(rotary_emb\.inv_freq|inv_freq|position_ids|masked_bias|attn\.bias|attention\.bias)$/
/** LoRA adapter tensors (PEFT). */
const loraNames = /(^|\.)(lora_[AB]|lora_embedding_[AB]|lora_(up|down)|lora_magnitude_vector)(\.|$)/

interface ConfigTensor {
  shape: number[]
  dtype: DType
  def: TensorDef
  persistent: boolean
}

/** Every name in the config model's `state_dict()` (tied weights under each of their names), plus non-persistent buffers. */
function stateDict(analysis: Analysis): Map<string, ConfigTensor> {
  const out = new Map<string, ConfigTensor>()
  for (const { path, node } of walkModules(analysis.root)) {
    const add = (name: string, def: TensorDef | null): void => {
      if (def === null) return
      out.set(path === '' ? name : `${path}.${name}`, { shape: def.shape, dtype: def.dtype, def, persistent: def.kind === 'parameter' || def.persistent })
    }
    paramsOf(node).forEach((def, name) => add(name, def))
    buffersOf(node).forEach((def, name) => add(name, def))
  }
  return out
}

/** How file names map onto config names: as they are, with a prefix added (`model.`), or with their first part dropped. */
function bestMapping(fileNames: readonly string[], config: ReadonlyMap<string, ConfigTensor>): { map: (name: string) => string; note: string } {
  const identity = { map: (n: string) => n, note: '' }
  const score = (map: (n: string) => string): number => fileNames.reduce((s, n) => s + (config.has(map(n)) ? 1 : 0), 0)
  let best = identity
  let bestScore = score(identity.map)
  if (bestScore === fileNames.length) return best
  const prefixes = new Set<string>()
  for (const name of config.keys()) if (name.includes('.')) prefixes.add(name.slice(0, name.indexOf('.') + 1))
  for (const p of prefixes) {
    const map = (n: string): string => p + n
    const s = score(map)
    if (s > bestScore) [best, bestScore] = [{ map, note: ` (file names read with the prefix \`${p}\`)` }, s]
  }
  const strip = (n: string): string => (n.includes('.') ? n.slice(n.indexOf('.') + 1) : n)
  const s = score(strip)
  if (s > bestScore) best = { map: strip, note: ' (file names read without their first part)' }
  return best
}

/**
 * Checks the files' tensors against the model a `config.json` builds: which names the config predicts that the
 * files lack (a tied `lm_head`), which the files hold that the config does not predict (`rotary_emb.inv_freq`
 * saved by older versions, LoRA adapters), which differ in shape, which the config ties but the files store
 * apart, and which differ from the config's dtype.
 */
export function checkAgainstConfig(config: Analysis, configJSON: unknown, model: readonly ModelTensor[], fileParams: bigint, fileParamsDedup: bigint): ConfigCheck {
  const expected = stateDict(config)
  const persistentCount = [...expected.values()].filter((t) => t.persistent).length
  const { map, note } = bestMapping(
    model.map((m) => m.name),
    expected,
  )
  const inFile = new Map<string, ModelTensor>()
  for (const m of model) inFile.set(map(m.name), m)
  // The tensor each file name is: an alias is the tensor it repeats.
  const tensorOf = new Map<ModelTensor, number>()
  model.forEach((m, i) => tensorOf.set(m, m.aliasOf >= 0 ? m.aliasOf : i))
  const untied: ConfigCheck['untied'] = []
  const missing: ConfigTensorDifference[] = []
  const extra: ConfigTensorDifference[] = []
  const reshaped: ConfigCheck['reshaped'] = []
  const retyped: ConfigCheck['retyped'] = []
  const firstNameOf = new Map<TensorDef, string>()
  for (const [name, t] of expected) if (inFile.has(name) && !firstNameOf.has(t.def)) firstNameOf.set(t.def, name)
  const declared = typeof configJSON === 'object' && configJSON !== null ? ((configJSON as Record<string, unknown>)['torch_dtype'] ?? (configJSON as Record<string, unknown>)['dtype']) : undefined
  const configDType = typeof declared === 'string' && Object.hasOwn(dtypeAliases, declared) ? dtypeAliases[declared]! : null
  for (const [name, t] of expected) {
    const file = inFile.get(name)
    if (!file) {
      if (!t.persistent) continue
      const shared = firstNameOf.get(t.def)
      missing.push(shared !== undefined ? { name, shape: [...t.shape], reason: 'tied', sharedWith: shared } : { name, shape: [...t.shape], reason: 'missing' })
      continue
    }
    if (file.tensor.shape.length !== t.shape.length || file.tensor.shape.some((d, i) => d !== t.shape[i])) reshaped.push({ name, configShape: [...t.shape], fileShape: [...file.tensor.shape] })
    const tiedTo = firstNameOf.get(t.def)
    if (tiedTo !== undefined && tiedTo !== name && tensorOf.get(inFile.get(tiedTo)!) !== tensorOf.get(file)) untied.push({ name, shape: [...file.tensor.shape], tiedTo })
    if (configDType !== null && isFloatingDType(t.dtype) && file.tensor.torchDType !== null && file.tensor.torchDType !== configDType && /^(float|bfloat)/.test(file.tensor.torchDType)) {
      retyped.push({ name, configDType, fileDType: file.tensor.dtype })
    }
  }
  for (const [name, m] of inFile) {
    const t = expected.get(name)
    if (t && t.persistent) continue
    const reason: ConfigTensorDifference['reason'] = loraNames.test(name) ? 'lora' : t !== undefined || savedBuffers.test(name) ? 'buffer' : 'unexpected'
    extra.push({ name: m.name, shape: [...m.tensor.shape], reason })
  }
  const consistent = reshaped.length === 0 && untied.length === 0 && missing.every((m) => m.reason === 'tied') && extra.every((e) => e.reason === 'buffer')
  const configParams = config.params.total
  const parts = [`the config predicts ${grouped(configParams)} parameters; the files hold ${grouped(fileParams)} in ${grouped(model.length)} tensors${note}`]
  if (fileParamsDedup !== fileParams) parts.push(`${grouped(fileParamsDedup)} counting shared storage once`)
  const tied = missing.filter((m) => m.reason === 'tied')
  if (tied.length > 0) parts.push(`${tied.map((m) => `\`${m.name}\``).join(', ')} ${tied.length === 1 ? 'is' : 'are'} tied to ${tied.map((m) => `\`${m.sharedWith}\``).join(', ')} and not stored`)
  const notStored = missing.filter((m) => m.reason === 'missing')
  if (notStored.length > 0) parts.push(`${grouped(notStored.length)} tensor${notStored.length === 1 ? '' : 's'} the config predicts ${notStored.length === 1 ? 'is' : 'are'} missing (${notStored.slice(0, 3).map((m) => `\`${m.name}\``).join(', ')}${notStored.length > 3 ? ', …' : ''})`)
  for (const reason of ['buffer', 'lora', 'unexpected'] as const) {
    const list = extra.filter((e) => e.reason === reason)
    if (list.length === 0) continue
    const what = reason === 'buffer' ? 'saved buffers the model computes itself' : reason === 'lora' ? 'LoRA adapter tensors' : 'tensors the config does not predict'
    parts.push(`${grouped(list.length)} ${what} (${list.slice(0, 3).map((e) => `\`${e.name}\``).join(', ')}${list.length > 3 ? ', …' : ''})`)
  }
  if (untied.length > 0) parts.push(`${untied.map((u) => `\`${u.name}\``).join(', ')} ${untied.length === 1 ? 'is' : 'are'} stored apart although the config ties ${untied.length === 1 ? 'it' : 'them'} to ${untied.map((u) => `\`${u.tiedTo}\``).join(', ')} (transformers keeps both when their values differ, and the model is then larger than the config's)`)
  if (reshaped.length > 0) parts.push(`${grouped(reshaped.length)} tensor${reshaped.length === 1 ? ' has' : 's have'} another shape (${reshaped.slice(0, 3).map((r) => `\`${r.name}\` [${r.fileShape.join(', ')}], config [${r.configShape.join(', ')}]`).join('; ')})`)
  if (retyped.length > 0) parts.push(`${grouped(retyped.length)} tensor${retyped.length === 1 ? ' is' : 's are'} not in the config's dtype ${configDType}`)
  return {
    configParams,
    configTensors: persistentCount,
    fileParams,
    fileParamsDedup,
    fileTensors: model.length,
    consistent,
    missing,
    extra,
    untied,
    reshaped,
    retyped,
    message: parts.join('; '),
  }
}
