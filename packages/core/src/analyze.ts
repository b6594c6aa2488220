import { NnsizeError } from './errors.js'
import { parse } from './expr/parse.js'
import { evaluateProgram } from './expr/evaluate.js'
import { createGlobals, moduleHooks } from './expr/builtins.js'
import { showValue, typeName } from './expr/values.js'
import { layers } from './layers/index.js'
import { lazyWithoutInput } from './layers/lazy.js'
import { models } from './zoo/index.js'
import { buffersOf, paramsOf, walkModules } from './model/module.js'
import { dtypeAliases, isFloatingDType } from './tensor/dtype.js'
import type { ModuleNode, WalkedModule } from './model/module.js'
import { countTensors, formulaTerms, listModules, listTensors } from './count/count.js'
import type { BufferCounts, ModuleEntry, ParamCounts, TensorEntry } from './count/count.js'
import type { FormulaTerm } from './layers/define-layer.js'
import { traceForward } from './forward/trace.js'
import type { DeviceProfile, ForwardResult, InputSpec } from './forward/trace.js'
import { parseInputShapes } from './forward/input.js'
import { checkTorchVersion, resolveTorchVersion } from './forward/torch-version.js'
import type { TorchVersion } from './forward/torch-version.js'
import { buildHFTree } from './zoo/hf/index.js'
import { describeBuild } from './zoo/hf/model.js'
import type { ModelInfo } from './zoo/hf/model.js'
import { findModel, modelSuggestions, resolveModel } from './zoo/hf/catalogue.js'
import { parseJSON } from './zoo/hf/json.js'

/** Options of {@link analyze}. */
export interface AnalyzeOptions {
  /**
   * Forward-pass input shapes: `"1,3,224,224"`, `"2,10,64; 2,20,64"`, `[1, 3, 224, 224]`
   * or `[[2, 10, 64], [2, 20, 64]]`. Without it only parameters and buffers are counted.
   */
  input?: string | readonly number[] | ReadonlyArray<readonly number[]> | undefined
  /** Which kernels' saved tensors to model for activation memory. Default `cuda`. */
  device?: DeviceProfile | undefined
  /**
   * The PyTorch release to model: `'2.13'` (default, current PyTorch) or `'1.13'`. It decides which modules
   * and arguments exist and which tensors each kernel saves for backward.
   */
  torch?: TorchVersion | undefined
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
  forward?: ForwardResult & { inputs: InputSpec[]; device: DeviceProfile; torch: TorchVersion }
  /** The module tree itself. */
  root: ModuleNode
  /** For a Hugging Face config or a catalogue model: family, tying, MoE, breakdown and KV cache. */
  model?: ModelInfo
}

/** What {@link analyze} takes: source text (an expression, a model name, JSON text of a `config.json`) or a parsed `config.json` object. */
export type AnalyzeSource = string | Readonly<Record<string, unknown>>

/** Evaluates source text (statements ending in an expression) to the module it builds. Throws {@link NnsizeError}. */
export function buildModule(source: string): ModuleNode {
  const program = parse(source)
  const budget = { modules: 0 }
  const globals = createGlobals({ layers, models }, budget)
  let { value, span } = evaluateProgram(program, globals, moduleHooks)
  if (value.kind === 'callable' && value.name.startsWith('torchvision.models.')) {
    // A bare model builder (`resnet50`): call it with its defaults, as `resnet50()`.
    value = value.invoke([], span)
  }
  if (value.kind !== 'module') {
    const hint = value.kind === 'callable' ? ` Call it: \`${value.name}(...)\`.` : value.kind === 'list' || value.kind === 'tuple' ? ' Wrap modules in `nn.Sequential(...)` or `nn.ModuleList([...])`.' : ''
    throw new NnsizeError('type', `The input must end with a module, got ${typeName(value)} \`${showValue(value)}\`.${hint}`, { span })
  }
  return value.module
}

/** Analyses a module tree already built. */
export function analyzeModule(root: ModuleNode, source: string, options: AnalyzeOptions = {}): Analysis {
  const torch = resolveTorchVersion(options.torch)
  checkTorchVersion(root, torch)
  // Lazy modules take their sizes from the first forward pass, so it runs before anything is counted.
  let forward: Analysis['forward']
  if (options.input !== undefined) {
    const device = options.device ?? 'cuda'
    const inputs = parseInputShapes(options.input, root)
    forward = { ...traceForward(root, inputs, device, torch), inputs, device, torch }
  } else {
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

/** Analyses a Hugging Face `config.json` (parsed), naming `input` as the source. */
export function analyzeConfig(config: unknown, input: string, options: AnalyzeOptions = {}, checkpoint?: string): Analysis {
  const { build, meta } = buildHFTree(config)
  applyCheckpointDType(build.root, config)
  const analysis = analyzeModule(build.root, input, options)
  const model = describeBuild(build, meta, analysis.tensors.filter((t) => t.kind === 'parameter'))
  analysis.model = checkpoint === undefined ? model : { ...model, checkpoint }
  return analysis
}

/**
 * A config's `torch_dtype` (`"bfloat16"`) is the dtype its checkpoint stores: floating-point
 * parameters and buffers take it, as `from_pretrained(..., torch_dtype="auto")` loads them.
 * Without it they stay float32, PyTorch's default.
 */
function applyCheckpointDType(root: ModuleNode, config: unknown): void {
  const name = typeof config === 'object' && config !== null ? (config as Record<string, unknown>)['torch_dtype'] : undefined
  if (typeof name !== 'string' || !Object.hasOwn(dtypeAliases, name)) return
  const dtype = dtypeAliases[name]!
  if (!isFloatingDType(dtype)) return
  for (const { node } of walkModules(root)) {
    // Non-persistent buffers (rotary `inv_freq`) are computed in float32 at load time, not read from the checkpoint.
    for (const t of [...paramsOf(node).values(), ...buffersOf(node).values()]) if (t && (t.kind === 'parameter' || t.persistent) && isFloatingDType(t.dtype)) t.dtype = dtype
  }
}

/** A whole input that is a model name rather than an expression: `gpt2`, `llama-3.1-8b`, `meta-llama/Llama-3.1-8B`. */
const modelName = /^(?=[\w.\-/]*[A-Za-z])[A-Za-z0-9][\w.\-/]*$/

/** `resnet50`, `nn.Linear`: a name or attribute path, which the expression language evaluates. */
function isDottedName(text: string): boolean {
  return /^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$/.test(text)
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
  resolveTorchVersion(options?.torch)
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
    if (!isDottedName(text)) resolveModel(text)
    try {
      return analyzeModule(buildModule(source), source, options)
    } catch (error) {
      // A bare unknown identifier close to a catalogue name (`gpt3`): say so.
      if (NnsizeError.isInstance(error) && error.code === 'unknown-name' && error.suggestions.length === 0 && modelSuggestions(text).length > 0) resolveModel(text)
      throw error
    }
  }
  return analyzeModule(buildModule(source), source, options)
}

