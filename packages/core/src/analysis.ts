import { NnsizeError } from './errors.js'
import { runSource } from './interpret/program.js'
import type { ProgramSource } from './interpret/program.js'
import { walkModules } from './model/module.js'
import { formatShape } from './tensor/shape.js'
import type { ModuleNode, WalkedModule } from './model/module.js'
import { countTensors, formulaTerms, listModules, listTensors } from './count/count.js'
import type { BufferCounts, ModuleEntry, ParamCounts, TensorEntry } from './count/count.js'
import type { FormulaTerm } from './layers/define-layer.js'
import { traceForward } from './forward/trace.js'
import type { DeviceProfile, ForwardResult, InputSpec } from './forward/trace.js'
import { parseInputShapes } from './forward/input.js'
import type { ModelInfo } from './zoo/hf/model.js'
import type { WeightsInfo } from './weights/types.js'
import { checkTorchVersion, resolveTorchVersion } from './forward/torch-version.js'
import type { TorchVersion } from './forward/torch-version.js'
import { isLazy, lazyWithoutInput } from './layers/lazy.js'
import { checkAnalyzeArguments } from './request/analyze-options.js'
import type { AnalyzeOptions } from './request/analyze-options.js'
import { forField } from './request/field-errors.js'
import { callFile, outputStructure, traceWithCall } from './interpret/forward.js'
import { lineOf, lineStartOf } from './python/tokenize.js'

export type { AnalyzeOptions } from './request/analyze-options.js'

// The analysis of an expression built from layers alone: no model collection (torchvision builders, the Hugging
// Face catalogue) is needed, so a page can answer its first question before loading them (see `analyze`).

/** The forward pass of an analysis: the trace's figures, the inputs, and the output's shapes and structure. */
export type ForwardAnalysis = ForwardResult & {
  inputs: InputSpec[]
  device: DeviceProfile
  torch: TorchVersion
  /** Shape of the first tensor of the output (tuples, lists and dicts flattened in order, `None` skipped). */
  outputShape: number[] | undefined
  /** Shapes of every tensor of the output, in that order. */
  outputShapes: number[][]
  /** For a model defined by Python classes: the output's structure, tensors as `T` (`T`, `(T, None)`, `(T, (T, T))`). */
  outputStructure?: string
  /** The `call` option the model was called with instead of `m(*x)` (`m(x[0], m.init_hidden(4))`), as given. */
  call?: string
}

/** Where a model's forward pass stopped at something nnsize does not support yet: the counts still stand. */
export interface ForwardNote {
  /** The error's code (`unsupported`). */
  code: string
  message: string
  /** The file, when the source is several files. */
  file?: string
  /** 1-based line and column of the place, when known. */
  line?: number
  column?: number
}

/** What {@link analyze} returns: exact counts, every tensor, the module tree and, with an input, the forward pass. */
export interface Analysis {
  /** The source text analysed. */
  input: string
  /** Class name of the root module. */
  module: string
  params: ParamCounts
  buffers: BufferCounts
  /** Parameters, then buffers, each shared tensor once under its first name. */
  tensors: TensorEntry[]
  /** Every module in `named_modules()` order. */
  modules: ModuleEntry[]
  /** How the root's own parameters derive from its arguments (empty for containers). */
  formula: FormulaTerm[]
  /** The forward pass, when an input shape was given. */
  forward?: ForwardAnalysis
  /**
   * For Python source: why the forward pass could not be traced when the model's `forward` uses something nnsize
   * does not support yet (also one of `notes`); parameters and buffers are still counted.
   */
  forwardNote?: ForwardNote
  /** The module tree itself. */
  root: ModuleNode
  /** For a Hugging Face config or a catalogue model: family, tying, MoE, breakdown and KV cache. */
  model?: ModelInfo
  /** For weight files (`analyzeWeights`): format, every tensor as stored, per-file figures, checkpoint parts. */
  weights?: WeightsInfo
  /** For Python source: what the program printed (`print(...)`, `warnings.warn(...)`), in order. */
  notes?: string[]
  /** For a program of files: the files, main file, entry and root it was read from. */
  program?: ProgramSource
  /**
   * For a program of files: the paths (as keys of `program.files`) of the files it read, the main file and those it
   * imported, in the order first read; the other files given were never read.
   */
  filesRead?: string[]
  /**
   * For Python source: an expression that gives the model in the program's namespace after it ran
   * (`Net()`, `model`, `resnet50()`), written from nnsize's own syntax tree. `--verify` builds it.
   */
  entry?: string
}

/**
 * Runs Python source text (an expression such as `nn.Conv2d(128, 256, 3)`, statements ending in one, or a whole
 * model file) to the module it builds; without `withModels`, torchvision's builders are not in scope. Throws
 * {@link NnsizeError}.
 */
export function buildModuleFrom(source: string, withModels: boolean): ModuleNode {
  return runSource(source, withModels).module
}

/** Analyses Python source text: the module it builds, with what it printed as notes. */
export function analyzeSource(source: string, options: AnalyzeOptions, withModels = true): Analysis {
  const { module, notes, entry } = runSource(source, withModels)
  const analysis = analyzeModule(module, source, options, { '': source })
  analysis.entry = entry
  if (notes.length > 0) analysis.notes = [...notes, ...(analysis.notes ?? [])]
  return analysis
}

/**
 * Analyses a module tree already built. With `sources` (the Python texts the model was read from, by file; `''`
 * for one text), a forward pass that stops at something nnsize does not support yet becomes `forwardNote`.
 */
export function analyzeModule(root: ModuleNode, source: string, options: AnalyzeOptions = {}, sources?: Readonly<Record<string, string>>): Analysis {
  const torch = resolveTorchVersion(options.torch)
  checkTorchVersion(root, torch)
  // Lazy modules take their sizes from the first forward pass, so it runs before anything is counted.
  let forwardNote: ForwardNote | undefined
  let forward: ForwardAnalysis | undefined
  const before = options.input === undefined ? undefined : buffersBefore(root)
  const notes: string[] = []
  try {
    forward = options.input === undefined ? undefined : traceModule(root, options, torch)
  } catch (error) {
    forwardNote = sources ? unsupportedForward(error, options.call === undefined ? sources : { ...sources, [callFile]: options.call }) : undefined
    if (!forwardNote) throw error
  } finally {
    if (before) notes.push(...restoreBuffers(root, before))
  }
  if (forward === undefined) {
    const lazy = lazyWithoutInput(root)
    if (lazy) throw lazy
  }
  const { params, buffers } = countTensors(root)
  const analysis: Analysis = {
    input: source,
    module: root.type,
    params,
    buffers,
    tensors: [],
    modules: [],
    formula: formulaTerms(root),
    root,
  }
  // The tensor list and the per-module table are built on first use: counting alone needs neither.
  let walked: WalkedModule[] | undefined
  defineLazily(analysis, 'tensors', () => listTensors(root, (walked ??= walkModules(root))))
  defineLazily(analysis, 'modules', () => listModules(root, (walked ??= walkModules(root))))
  if (forward) analysis.forward = forward
  if (notes.length > 0) analysis.notes = [...(analysis.notes ?? []), ...notes]
  if (forwardNote) {
    analysis.forwardNote = forwardNote
    const place = forwardNote.line === undefined ? '' : ` (${forwardNote.file ? `${forwardNote.file}:` : 'line '}${forwardNote.line}:${forwardNote.column})`
    analysis.notes = [...(analysis.notes ?? []), `The forward pass was not traced${place}: ${forwardNote.message}`]
  }
  return analysis
}

const noBuffers: ReadonlyMap<string, boolean> = new Map()

/** The buffers of each module before a forward pass: its names, each with whether a tensor is registered there. */
function buffersBefore(root: ModuleNode): Map<ModuleNode, ReadonlyMap<string, boolean>> {
  const before = new Map<ModuleNode, ReadonlyMap<string, boolean>>()
  // A lazy module's buffers take their sizes in the forward pass: they are the model's own.
  for (const { node } of walkModules(root)) if (!isLazy(node.layer)) before.set(node, node.buffers.size === 0 ? noBuffers : new Map([...node.buffers].map(([name, def]) => [name, def !== null])))
  return before
}

/**
 * Takes back the buffers a forward pass registered where the model as built has none (PaLM's causal mask, cached on
 * the first call): the counts are those of the model after construction, as `model.buffers()` gives them then. A note
 * names each one.
 */
function restoreBuffers(root: ModuleNode, before: ReadonlyMap<ModuleNode, ReadonlyMap<string, boolean>>): string[] {
  const notes: string[] = []
  for (const { path, node } of walkModules(root)) {
    const was = before.get(node)
    if (!was) continue
    for (const [name, def] of [...node.buffers]) {
      if (def === null || was.get(name) === true) continue
      if (was.has(name)) node.buffers.set(name, null)
      else node.buffers.delete(name)
      notes.push(`The forward pass registers the buffer \`${path === '' ? name : `${path}.${name}`}\` ${formatShape(def.shape)} (${def.dtype}): not counted, as the model as built has none there.`)
    }
  }
  return notes
}

/** A forward error for something not supported yet, as a note placed in `sources`; undefined for any other error. */
function unsupportedForward(error: unknown, sources: Readonly<Record<string, string>>): ForwardNote | undefined {
  if (!NnsizeError.isInstance(error) || (error.code !== 'unsupported' && error.code !== 'unsupported-syntax')) return undefined
  const note: ForwardNote = { code: error.code, message: error.message }
  const span = error.span
  const text = span ? sources[span.file ?? ''] : undefined
  if (span && text !== undefined && span.start <= text.length) {
    if (span.file !== undefined) note.file = span.file
    note.line = lineOf(text, span.start)
    note.column = span.start - lineStartOf(text, span.start) + 1
  }
  return note
}

/** The forward pass of `root` on `options.input`; its errors (a malformed shape, an input the model cannot take) name the `input` field. */
function traceModule(root: ModuleNode, options: AnalyzeOptions, torch: TorchVersion): ForwardAnalysis | undefined {
  const input = options.input
  if (input === undefined) return undefined
  const device = options.device ?? 'cuda'
  const grads = options.inputRequiresGrad
  const inputs = forField('input', () => parseInputShapes(input, root)).map((spec, i) => (grads?.[i] === undefined ? spec : { ...spec, requiresGrad: grads[i] }))
  const call = options.call
  const result = forField('input', () => (call === undefined ? traceForward(root, inputs, device, torch) : traceWithCall(root, call, () => traceForward(root, inputs, device, torch))))
  const outputShapes = result.outputs.map((t) => [...t.shape])
  const structure = outputStructure(root)
  return { ...result, inputs, device, torch, outputShape: outputShapes[0], outputShapes, ...(structure === undefined ? {} : { outputStructure: structure }), ...(call === undefined ? {} : { call }) }
}

/**
 * Traces the forward pass of an analysed module with `options.input` and stores it in `analysis.forward`. Errors
 * (a malformed shape, an input the model cannot take) name the `input` field, and keep their place in the source.
 * A model with lazy modules cannot be analysed without its input: analyse it with the input instead.
 */
export function traceAnalysis(analysis: Analysis, options: AnalyzeOptions): Analysis {
  const forward = traceModule(analysis.root, options, resolveTorchVersion(options.torch))
  if (forward) analysis.forward = forward
  return analysis
}

/** Makes `object[key]` a value computed by `make` when first read (or replaced when first written). */
function defineLazily<T extends object, K extends keyof T>(object: T, key: K, make: () => T[K]): void {
  const settle = (value: T[K]): void => {
    Object.defineProperty(object, key, { value, enumerable: true, configurable: true, writable: true })
  }
  Object.defineProperty(object, key, {
    enumerable: true,
    configurable: true,
    get() {
      const value = make()
      settle(value)
      return value
    },
    set: settle,
  })
}

/** A whole input that is a model name rather than an expression: `gpt2`, `llama-3.1-8b`, `meta-llama/Llama-3.1-8B`. */
export const modelName = /^(?=[\w.\-/]*[A-Za-z])[A-Za-z0-9][\w.\-/]*$/

/** `resnet50`, `nn.Linear`: a name or attribute path, which the expression language evaluates. */
export function isDottedName(text: string): boolean {
  return /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$/.test(text)
}

/**
 * Analyses an expression built from `torch.nn` layers, as {@link analyze} does, without the model collections:
 * a torchvision builder or a catalogue name is an unknown name here (see {@link mayNeedModels}).
 */
export function analyzeExpression(source: string, options: AnalyzeOptions = {}): Analysis {
  checkAnalyzeArguments(source, options)
  if (typeof source !== 'string') throw new NnsizeError('type', `\`analyzeExpression\` takes source text, got ${source === null ? 'null' : typeof source}.`)
  return analyzeSource(source, options, false)
}

/**
 * Whether `analyze` may answer differently from {@link analyzeExpression} because the source needs a model
 * collection: `config.json` text, a model name (`llama-3.1-8b`), or an expression whose error names something the
 * layers alone do not have (`resnet50()`, `torchvision.models.vgg16`).
 */
export function mayNeedModels(source: string, error?: unknown): boolean {
  const text = source.trim()
  if (text.startsWith('{') || modelName.test(text)) return true
  if (!NnsizeError.isInstance(error)) return false
  return error.code === 'unknown-name' || ((error.code === 'unknown-attribute' || error.code === 'unsupported') && /\btorchvision\b/.test(source))
}
