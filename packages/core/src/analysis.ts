import { NnsizeError } from './errors.js'
import { parse } from './expr/parse.js'
import { evaluateProgram } from './expr/evaluate.js'
import { createGlobals, moduleHooks } from './expr/builtins.js'
import type { ModelCollections } from './expr/builtins.js'
import { showValue, typeName } from './expr/values.js'
import { layers } from './layers/index.js'
import type { LayerDefinition } from './layers/define-layer.js'
import { walkModules } from './model/module.js'
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
import { lazyWithoutInput } from './layers/lazy.js'
import { checkAnalyzeArguments } from './request/analyze-options.js'
import { forField } from './request/field-errors.js'

// The analysis of an expression built from layers alone: no model collection (torchvision builders, the Hugging
// Face catalogue) is needed, so a page can answer its first question before loading them (see `analyze`).

/** Options of {@link analyze}. */
export interface AnalyzeOptions {
  /**
   * Forward-pass input shapes: `"1,3,224,224"`, `"2,10,64; 2,20,64"`, `[1, 3, 224, 224]`
   * or `[[2, 10, 64], [2, 20, 64]]`. Without it only parameters and buffers are counted.
   */
  input?: string | readonly number[] | ReadonlyArray<readonly number[]> | undefined
  /** Which kernels' saved tensors to model for activation memory. Default `cuda`. */
  device?: DeviceProfile | undefined
  /** The PyTorch release whose behaviour to reproduce. Default `2.13`. */
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
  /** For weight files (`analyzeWeights`): format, every tensor as stored, per-file figures, checkpoint parts. */
  weights?: WeightsInfo
}

/**
 * Evaluates source text (statements ending in an expression) to the module it builds, with these whole-model
 * builders and model collections in scope. Throws {@link NnsizeError}.
 */
export function buildModuleFrom(source: string, models: readonly LayerDefinition[], collections?: ModelCollections): ModuleNode {
  const program = parse(source)
  const budget = { modules: 0 }
  const globals = createGlobals({ layers, models, collections }, budget)
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
  const forward = options.input === undefined ? undefined : traceModule(root, options, torch)
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
  return analysis
}

/** The forward pass of `root` on `options.input`; its errors (a malformed shape, an input the model cannot take) name the `input` field. */
function traceModule(root: ModuleNode, options: AnalyzeOptions, torch: TorchVersion): NonNullable<Analysis['forward']> | undefined {
  const input = options.input
  if (input === undefined) return undefined
  const device = options.device ?? 'cuda'
  const inputs = forField('input', () => parseInputShapes(input, root))
  return { ...forField('input', () => traceForward(root, inputs, device, torch)), inputs, device, torch }
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
  return analyzeModule(buildModuleFrom(source, []), source, options)
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
  return error.code === 'unknown-name' || (error.code === 'unknown-attribute' && /\btorchvision\b/.test(source))
}
