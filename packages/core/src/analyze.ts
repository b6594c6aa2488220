import { NnsizeError } from './errors.js'
import { transformerShapeOf } from './zoo/hf/transformer-shape.js'
import { models } from './zoo/index.js'
import { torchvisionNamespace } from './zoo/torchvision/namespace.js'
import { timmNamespace } from './zoo/timm/namespace.js'
import { timmLayerDefinitions } from './zoo/timm/layers/index.js'
import { provideModelCollections } from './interpret/collections.js'
import type { ModuleNode } from './model/module.js'
import { buildHFTree } from './zoo/hf/index.js'
import { describeBuild } from './zoo/hf/model.js'
import { findModel, modelSuggestions, resolveModel } from './zoo/hf/catalogue.js'
import { parseJSON } from './zoo/hf/json.js'
import { checkAnalyzeArguments } from './request/analyze-options.js'
import { analyzeModule, analyzeSource, buildModuleFrom, isDottedName, modelName } from './analysis.js'
import type { Analysis, AnalyzeOptions } from './analysis.js'
import { entryFile, runFiles } from './interpret/program.js'
import { normalizePath } from './interpret/imports.js'
import type { ProgramSource } from './interpret/program.js'

export { analyzeExpression, analyzeModule, mayNeedModels, traceAnalysis } from './analysis.js'
export type { Analysis, AnalyzeOptions } from './analysis.js'

// The model collections come with this module: `analyze` has torchvision's and timm's namespaces in scope,
// `analyzeExpression` (the layers alone) does not load them. They are made on first use, so that a model file or a
// config that names neither torchvision, timm nor a builder never touches them (a bundle may load them lazily).
provideModelCollections(() => ({ models, torchvision: torchvisionNamespace, timm: timmNamespace, timmLayers: timmLayerDefinitions }))

/**
 * Runs Python source text (an expression such as `nn.Conv2d(128, 256, 3)`, statements ending in one, or a whole
 * model file) and returns the module it builds. Throws {@link NnsizeError}.
 */
export function buildModule(source: string): ModuleNode {
  return buildModuleFrom(source, true)
}

/**
 * What {@link analyze} takes: source text (an expression, statements or a whole model file, a model name, JSON text
 * of a `config.json`), a parsed `config.json` object, or a Python program of several files
 * (`{ files, main, entry?, root? }`).
 */
export type AnalyzeSource = string | ProgramSource | Readonly<Record<string, unknown>>

export type { ProgramSource }

/** True for `{ files: {...}, main: '...' }`: a program of files rather than a `config.json`. */
function isProgram(source: object): source is ProgramSource {
  const s = source as Record<string, unknown>
  return typeof s['main'] === 'string' && typeof s['files'] === 'object' && s['files'] !== null && !Array.isArray(s['files'])
}

/**
 * Analyses a Python program of several files: imports `main` as `python -c "import <module>"` from `root` would,
 * then builds `entry` (or the program's final module, or the one module class that needs no arguments).
 */
export function analyzeProgram(program: ProgramSource, options: AnalyzeOptions = {}): Analysis {
  checkAnalyzeArguments(program, options)
  const { module, notes, entry, interpreter } = runFiles(program)
  const files = (): Record<string, string> => ({ ...program.files, ...Object.fromEntries(interpreter.importer.filesAdded) })
  const analysis = analyzeModule(module, program.entry ?? program.main, options, { ...files(), ...(program.entry === undefined ? {} : { [entryFile]: program.entry }) })
  // read after the forward pass, which may import too: the files given, and those the program's reader gave on demand;
  // each path back as the program gave it
  const { readFile: _read, isFolder: _folder, keptTrees: _kept, ...given } = program
  analysis.program = { ...given, files: files() }
  const paths = new Map(Object.keys(analysis.program.files).map((path) => [normalizePath(path), path]))
  analysis.filesRead = interpreter.importer.pathsRead.flatMap((path) => paths.get(path) ?? [])
  analysis.entry = entry
  if (notes.length > 0) analysis.notes = [...notes, ...(analysis.notes ?? [])]
  return analysis
}

/**
 * Analyses a Hugging Face `config.json` (parsed), naming `input` as the source. Its parameters are sized in the
 * checkpoint's dtype (`dtype` or `torch_dtype`, else the catalogue's record for `checkpoint`, else float32).
 */
export function analyzeConfig(config: unknown, input: string, options: AnalyzeOptions = {}, checkpoint?: string): Analysis {
  const { build, meta } = buildHFTree(config, checkpoint === undefined ? undefined : findModel(checkpoint)?.dtype)
  const analysis = analyzeModule(build.root, input, options)
  const params = analysis.tensors.filter((t) => t.kind === 'parameter')
  const described = describeBuild(build, meta, params)
  const transformer = transformerShapeOf(config, params.map((t) => t.name), meta.architecture)
  const model = transformer === null ? described : { ...described, transformer }
  analysis.model = checkpoint === undefined ? model : { ...model, checkpoint }
  return analysis
}

/**
 * Counts the parameters and buffers of the module that `source` builds, lists every
 * tensor as PyTorch names it and, given an input shape, traces the forward pass.
 * `source` is an expression (`nn.Conv2d(128, 256, 3)`, `resnet50`), a catalogue model name
 * (`llama-3.1-8b`), the JSON text of a Hugging Face `config.json`, or that config parsed.
 *
 * @example analyze('nn.Conv2d(128, 256, 3)').params.total // 295168n
 */
export function analyze(source: AnalyzeSource, options: AnalyzeOptions = {}): Analysis {
  checkAnalyzeArguments(source, options)
  if (typeof source === 'object' && source !== null && !Array.isArray(source) && isProgram(source)) return analyzeProgram(source, options)
  if (typeof source === 'object' && source !== null && !Array.isArray(source)) {
    let text: string
    try {
      text = JSON.stringify(source)
    } catch {
      throw new NnsizeError('config', 'The config object cannot be written as JSON: it must hold only JSON values (no bigints, no cycles).')
    }
    return analyzeConfig(source, text, options)
  }
  if (typeof source !== 'string') throw new NnsizeError('type', `\`analyze\` takes source text or a \`config.json\` object, got ${source === null ? 'null' : Array.isArray(source) ? 'a list' : typeof source}.`)
  const text = source.trim()
  if (text.startsWith('{')) return analyzeConfig(parseJSON(source), source, options)
  if (modelName.test(text)) {
    const entry = findModel(text)
    if (entry) return analyzeConfig(entry.config, source, options, entry.id)
    // `llama-3.1-9b` or `org/name` is not a Python name: it can only be a model name.
    if (!isDottedName(text)) {
      // `resnet-50`: a torchvision builder written as a model id
      const loose = (name: string): string => name.toLowerCase().replace(/[-_.]/g, '')
      const builder = models.find((m) => loose(m.name) === loose(text))
      const start = source.indexOf(text)
      if (builder) throw new NnsizeError('unknown-model', `No model named \`${text}\`. Did you mean torchvision's \`${builder.name}\`?`, { suggestions: [builder.name], span: { start, end: start + text.length } })
      resolveModel(text)
    }
    try {
      return analyzeSource(source, options)
    } catch (error) {
      // A bare unknown identifier close to a catalogue name (`gpt3`): say so.
      if (NnsizeError.isInstance(error) && error.code === 'unknown-name' && error.suggestions.length === 0 && modelSuggestions(text).length > 0) resolveModel(text)
      throw error
    }
  }
  return analyzeSource(source, options)
}

