import { analyzeConfig } from '../analyze.js'
import { NnsizeError } from '../errors.js'
import { limits } from '../limits.js'
import { parseJSON } from '../zoo/hf/json.js'
import type { ModelInfo } from '../zoo/hf/model.js'
import { weightsAnalysis } from './analysis.js'
import type { ModelTensor } from './analysis.js'
import { decodeUtf8, grouped } from './bytes.js'
import { folderOf } from './paths.js'
import type { Source } from './bytes.js'
import { checkAgainstConfig } from './config-check.js'
import { FileSet } from './files.js'
import { readWeightsFile } from './formats.js'
import { ggufModelInfo, readSplitGGUF } from './gguf.js'
import type { ByteReader } from './reader.js'
import { isIndexName, readShardedSet } from './sharded.js'
import type { ParsedFile } from './tensors.js'
import type { DTypeTotal, FileTensor, IndexInfo, PickleInfo, WeightsAnalysis, WeightsInfo } from './types.js'

/** Options of {@link analyzeWeights}. */
export interface AnalyzeWeightsOptions {
  /** The file to start from when several are given (a name as the readers give it). Default: chosen from the files. */
  entry?: string | undefined
  /** Read a `config.json` beside the weights and check the files against it. Default true. */
  config?: boolean | undefined
}

/**
 * Weight files in order of preference when a folder holds several formats of the same model. ONNX comes before
 * `.bin` because an ONNX model's external data may itself be named `*.bin`.
 */
const preference: ReadonlyArray<RegExp> = [/\.safetensors$/i, /\.gguf$/i, /\.onnx$/i, /\.(bin|pt|pth|ckpt)$/i, /\.(keras|h5|hdf5)$/i]

const isJSON = (name: string): boolean => /\.json$/i.test(name)

/** Weight files among the given ones: not JSON sidecars, tokenizers or ONNX external data by their usual names. */
function weightCandidates(files: FileSet): Source[] {
  return files.sources.filter((s) => !isJSON(s.name) && !/\.(onnx\.data|onnx_data|data|txt|md|model|tiktoken|py)$/i.test(s.name))
}

/** Chooses the file to start from: the given entry, an index, a split set's first part, else the preferred weights file. */
function chooseEntry(files: FileSet, entry: string | undefined, warnings: string[]): Source {
  if (entry !== undefined) {
    const found = files.find(entry)
    if (!found) throw new NnsizeError('missing-file', `The entry \`${entry}\` is not among the files given (${files.sources.map((s) => `\`${s.name}\``).slice(0, 5).join(', ')}).`)
    return found
  }
  const { sources } = files
  if (sources.length === 1) return sources[0]!
  const indexes = sources.filter((s) => isIndexName(s.name)).sort((a, b) => rank(a.name) - rank(b.name))
  if (indexes.length > 0) {
    if (indexes.length > 1) warnings.push(`Several indexes were given; ${indexes.slice(1).map((s) => `\`${s.name}\``).join(', ')} ${indexes.length === 2 ? 'was' : 'were'} not read.`)
    return indexes[0]!
  }
  const weights = weightCandidates(files)
  if (weights.length === 0) throw new NnsizeError('missing-file', `No weight file among ${sources.map((s) => `\`${s.name}\``).slice(0, 5).join(', ')}.`)
  return [...weights].sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name))[0]!
}

function rank(name: string): number {
  const i = preference.findIndex((p) => p.test(name.replace(/\.index\.json$/i, '')))
  return i < 0 ? preference.length : i
}

/** By-dtype totals in order of first appearance. */
function byDType(tensors: readonly FileTensor[]): DTypeTotal[] {
  const totals = new Map<string, DTypeTotal>()
  for (const t of tensors) {
    let e = totals.get(t.dtype)
    if (!e) totals.set(t.dtype, (e = { dtype: t.dtype, torchDType: t.torchDType, tensors: 0, elements: 0n, bytes: 0n }))
    e.tensors++
    e.elements += t.elements
    e.bytes += t.bytes
  }
  return [...totals.values()]
}

function mergePickles(parsed: readonly ParsedFile[]): PickleInfo | null {
  const infos = parsed.map((p) => p.pickle).filter((p): p is PickleInfo => p !== undefined)
  if (infos.length === 0) return null
  const globals = [...new Set(infos.flatMap((i) => i.globals))].sort()
  const requiresClasses = [...new Set(infos.flatMap((i) => i.requiresClasses))].sort()
  const refusedOpcodes = [...new Set(infos.flatMap((i) => i.refusedOpcodes))].sort()
  return { globals, requiresClasses, refusedOpcodes, weightsOnlyLoadable: infos.every((i) => i.weightsOnlyLoadable) }
}

/** Reads the `config.json` in the entry's folder, when there is one. */
async function readConfig(files: FileSet, entry: Source, warnings: string[]): Promise<{ source: Source; json: unknown } | null> {
  const source = files.find('config.json', entry.name)
  if (!source || folderOf(source.name) !== folderOf(entry.name)) return null
  if (source.size > limits.maxSourceChars * 4) {
    warnings.push(`\`${source.name}\` is ${grouped(source.size)} bytes, too large for a model config; it was not read.`)
    return null
  }
  const text = decodeUtf8(await source.read(0, source.size, 'the config'))
  if (text === null) {
    warnings.push(`\`${source.name}\` is not valid UTF-8; it was not read.`)
    return null
  }
  try {
    return { source, json: parseJSON(text) }
  } catch (error) {
    if (!NnsizeError.isInstance(error)) throw error
    warnings.push(`\`${source.name}\` was not read: ${error.message}`)
    return null
  }
}

/** Context length a `config.json` states. */
function configContext(json: unknown): number | null {
  if (typeof json !== 'object' || json === null) return null
  const c = json as Record<string, unknown>
  for (const key of ['max_position_embeddings', 'n_positions', 'max_sequence_length', 'seq_length', 'n_ctx']) {
    const v = c[key]
    if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return v
  }
  return null
}

/**
 * Analyses weight files from their headers alone: safetensors, PyTorch `torch.save` (zip and legacy), GGUF,
 * ONNX and Keras, single files or sets (a Hugging Face `*.index.json` with its shards, a split GGUF, an ONNX
 * model with its external data), with a `config.json` beside them checked against the files.
 *
 * The result is an {@link Analysis} like an expression's — exact counts, every tensor, the module tree built
 * from the dotted names — plus `weights`: the format, every tensor as stored (format dtype, PyTorch dtype,
 * exact bytes), per-dtype and per-file figures, checkpoint parts and warnings. Nothing but headers and
 * metadata is read; pickles are interpreted, never run. Damaged or hostile files raise {@link NnsizeError}.
 *
 * @example
 * ```ts
 * const analysis = await analyzeWeights(bytesReader('model.safetensors', bytes))
 * analysis.weights.params // exact element count of every tensor in the file
 * ```
 */
export async function analyzeWeights(input: ByteReader | readonly ByteReader[], options: AnalyzeWeightsOptions = {}): Promise<WeightsAnalysis> {
  if (typeof options !== 'object' || options === null) throw new NnsizeError('option', 'The options of `analyzeWeights` must be an object.')
  const readers = Array.isArray(input) ? (input as readonly ByteReader[]) : [input as ByteReader]
  if (readers.length === 0) throw new NnsizeError('option', '`analyzeWeights` needs at least one file.')
  if (readers.length > 100_000) throw new NnsizeError('limit', `\`analyzeWeights\` was given ${grouped(readers.length)} files; the limit is 100,000.`)
  const files = new FileSet(readers)
  const warnings: string[] = []
  const entry = chooseEntry(files, options.entry, warnings)

  let parsed: ParsedFile[]
  let index: IndexInfo | null = null
  if (isIndexName(entry.name)) {
    const set = await readShardedSet(entry, files)
    parsed = set.parsed
    index = set.info
    warnings.push(...set.warnings)
  } else {
    const first = await readWeightsFile(entry, files)
    parsed = first.file.format === 'gguf' ? await readSplitGGUF(entry, first, files) : [first]
  }
  for (const p of parsed) warnings.push(...(p.warnings ?? []))
  const format = parsed[0]!.file.format

  // Every tensor of the set, and the model's part with aliases (shared storages) linked.
  const tensors: FileTensor[] = []
  const model: ModelTensor[] = []
  for (const p of parsed) {
    const positionInModel = new Map<number, number>()
    const chosen = p.modelTensors ?? p.tensors.map((t, index) => ({ index, name: t.name }))
    for (const { index: i, name } of chosen) {
      const alias = p.aliasOf?.[i] ?? -1
      positionInModel.set(i, model.length)
      model.push({ name, tensor: p.tensors[i]!, aliasOf: alias >= 0 ? (positionInModel.get(alias) ?? -1) : -1 })
    }
    for (const t of p.tensors) tensors.push(t)
    if (tensors.length > limits.maxWeightsTensors) throw new NnsizeError('limit', `The files declare more than ${grouped(limits.maxWeightsTensors)} tensors, the limit.`)
  }
  let params = 0n
  let bytes = 0n
  for (const t of tensors) {
    params += t.elements
    bytes += t.bytes
  }
  let paramsDedup = 0n
  let uniqueBytes = 0n
  for (const p of parsed) {
    paramsDedup += p.paramsDedup ?? p.file.elements
    uniqueBytes += p.file.format === 'pytorch' ? p.file.uniqueBytes : p.file.bytes
  }
  const info: WeightsInfo = {
    format,
    entry: entry.name,
    files: parsed.map((p) => p.file),
    tensors,
    params,
    bytes,
    paramsDedup,
    uniqueBytes,
    byDType: byDType(tensors),
    pickle: mergePickles(parsed),
    checkpoint: parsed.length === 1 ? (parsed[0]!.checkpoint ?? null) : null,
    index,
    config: null,
    contextLength: null,
    warnings,
  }
  const analysis = weightsAnalysis(info, model, parsed.length === 1 ? { types: parsed[0]!.moduleTypes, aliases: parsed[0]!.moduleAliases } : {})

  let modelInfo: ModelInfo | null = format === 'gguf' ? ggufModelInfo(parsed, analysis) : null
  if (format === 'gguf' && parsed[0]!.file.format === 'gguf') {
    const arch = parsed[0]!.file.metadata['general.architecture']
    const context = arch && 'value' in arch ? parsed[0]!.file.metadata[`${String(arch.value)}.context_length`] : undefined
    if (context && 'value' in context && typeof context.value === 'number') info.contextLength = context.value
  }
  // An optimizer's state alone (the Trainer's `optimizer.pt`) holds no model tensor to check against a config.
  const optimizerOnly = model.length === 0 && parsed.some((p) => p.checkpoint?.optimizer)
  if (options.config !== false) {
    const config = await readConfig(files, entry, warnings)
    if (config !== null && optimizerOnly) warnings.push(`\`${entry.name}\` holds an optimizer's state, not the model's weights; \`${config.source.name}\` was not checked against it.`)
    else if (config !== null) {
      try {
        const configAnalysis = analyzeConfig(config.json, config.source.name)
        let modelParams = 0n
        for (const m of model) modelParams += m.tensor.elements
        // The whole set's storage count when the model is the whole set; else the model tree's (aliases once).
        const dedup = model.length === tensors.length ? paramsDedup : analysis.params.total + analysis.buffers.total
        info.config = { file: config.source.name, analysis: configAnalysis, check: checkAgainstConfig(configAnalysis, config.json, model, modelParams, dedup) }
        modelInfo = configAnalysis.model ?? modelInfo
        info.contextLength = configContext(config.json) ?? info.contextLength
      } catch (error) {
        if (!NnsizeError.isInstance(error)) throw error
        warnings.push(`\`${config.source.name}\` describes a model nnsize cannot build (${error.message}); the files were analysed without it.`)
      }
    }
  }
  if (modelInfo !== null) analysis.model = modelInfo
  // Weight files given but not part of the set that was read.
  const used = new Set<string>([entry.name, ...parsed.map((p) => p.file.name)])
  for (const p of parsed) if (p.file.format === 'onnx') for (const side of p.file.externalFiles) if (side.file !== null) used.add(side.file)
  const unused = weightCandidates(files).filter((s) => !used.has(s.name))
  if (unused.length > 0) warnings.push(`Read \`${entry.name}\`${parsed.length > 1 ? ' and its parts' : ''}; ${unused.length === 1 ? 'this file was' : 'these files were'} not read: ${unused.slice(0, 3).map((s) => `\`${s.name}\``).join(', ')}${unused.length > 3 ? ', …' : ''}.`)
  return analysis
}
