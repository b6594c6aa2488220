import { NnsizeError } from './errors.js'
import { parse } from './expr/parse.js'
import { evaluateProgram } from './expr/evaluate.js'
import { createGlobals, moduleHooks } from './expr/builtins.js'
import { showValue, typeName } from './expr/values.js'
import { layers } from './layers/index.js'
import { models } from './zoo/index.js'
import { walkModules } from './model/module.js'
import type { ModuleNode } from './model/module.js'
import { formulaTerms, listModules, listTensors, sumTensors } from './count/count.js'
import type { BufferCounts, ModuleEntry, ParamCounts, TensorEntry } from './count/count.js'
import type { FormulaTerm } from './layers/define-layer.js'
import { traceForward } from './forward/trace.js'
import type { DeviceProfile, ForwardResult, InputSpec } from './forward/trace.js'
import { parseInputShapes } from './forward/input.js'

/** Options of {@link analyze}. */
export interface AnalyzeOptions {
  /**
   * Forward-pass input shapes: `"1,3,224,224"`, `"2,10,64; 2,20,64"`, `[1, 3, 224, 224]`
   * or `[[2, 10, 64], [2, 20, 64]]`. Without it only parameters and buffers are counted.
   */
  input?: string | readonly number[] | ReadonlyArray<readonly number[]> | undefined
  /** Which kernels' saved tensors to model for activation memory. Default `cuda`. */
  device?: DeviceProfile | undefined
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
  forward?: ForwardResult & { inputs: InputSpec[]; device: DeviceProfile }
  /** The module tree itself. */
  root: ModuleNode
}

/** Evaluates source text (statements ending in an expression) to the module it builds. Throws {@link NnsizeError}. */
export function buildModule(source: string): ModuleNode {
  const program = parse(source)
  const budget = { modules: 0 }
  const globals = createGlobals({ layers, models }, budget)
  const { value, span } = evaluateProgram(program, globals, moduleHooks)
  if (value.kind !== 'module') {
    const hint = value.kind === 'callable' ? ` Call it: \`${value.name}(...)\`.` : value.kind === 'list' || value.kind === 'tuple' ? ' Wrap modules in `nn.Sequential(...)` or `nn.ModuleList([...])`.' : ''
    throw new NnsizeError('type', `The input must end with a module, got ${typeName(value)} \`${showValue(value)}\`.${hint}`, { span })
  }
  return value.module
}

/** Analyses a module tree already built. */
export function analyzeModule(root: ModuleNode, source: string, options: AnalyzeOptions = {}): Analysis {
  const walked = walkModules(root)
  const tensors = listTensors(root, walked)
  const { params, buffers } = sumTensors(tensors)
  const analysis: Analysis = {
    input: source,
    module: root.type,
    params,
    buffers,
    tensors,
    modules: listModules(root, walked),
    formula: formulaTerms(root),
    root,
  }
  if (options.input !== undefined) {
    const device = options.device ?? 'cuda'
    const inputs = parseInputShapes(options.input, root)
    analysis.forward = { ...traceForward(root, inputs, device), inputs, device }
  }
  return analysis
}

/**
 * Counts the parameters and buffers of the module that `source` builds, lists every
 * tensor as PyTorch names it and, given an input shape, traces the forward pass.
 *
 * @example analyze('nn.Conv2d(128, 256, 3)').params.total // 295168n
 */
export function analyze(source: string, options: AnalyzeOptions = {}): Analysis {
  if (typeof source !== 'string') throw new NnsizeError('type', `\`analyze\` takes source text, got ${source === null ? 'null' : typeof source}.`)
  return analyzeModule(buildModule(source), source, options)
}
