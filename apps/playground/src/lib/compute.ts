import { NnsizeError, analyzeExpression, mayNeedModels, traceAnalysis } from '@nnsize/core'
import { analyzeOptionsOf, readBaseRequest } from '@nnsize/core/request'
import { diagnose } from '@nnsize/core/present'
import type { Analysis, AnalyzeOptions, ShareState } from '@nnsize/core'
import type { FieldId } from '@nnsize/core/request'
import type { Diagnostic } from '@nnsize/core/present'
import { pageFieldLabel } from './fields.ts'

/** Why the input gave no result, or no forward pass, ready to show beside the control that holds the mistake. */
export type Problem = Omit<Diagnostic, 'code' | 'field'> & {
  /**
   * The stable error code (`unknown-attribute`); or the page's own: `internal` for a defect in nnsize, `time-limit`
   * for a computation stopped after the page's time limit.
   */
  code: Diagnostic['code'] | 'internal' | 'time-limit'
  /** Which control holds the mistake. */
  field: FieldId
}

/**
 * The result of one recomputation and how long the core took, in milliseconds. A model that builds always gives
 * its counts; a mistake in the input shape (or one the model cannot take) comes with them, for the shape field.
 * `needsModels` says that the model collections (loaded after the first answer) may answer what the layers alone
 * could not.
 */
export type Outcome =
  | { ok: true; analysis: Analysis; inputProblem: Problem | undefined; elapsedMs: number }
  | { ok: false; problem: Problem; needsModels: boolean; elapsedMs: number }

/** The full analysis, with the torchvision builders and the Hugging Face catalogue, once they are loaded. */
export type Analyze = (source: string, options?: AnalyzeOptions) => Analysis

/** An error as the page shows it: the core's diagnostic, its field named by the page's label, at `field`. */
export function problemFrom(error: unknown, source: string, field: FieldId): Problem {
  if (!NnsizeError.isInstance(error)) {
    // A defect in the core, not the user's mistake: say so plainly instead of failing the page.
    const detail = error instanceof Error ? error.message : String(error)
    return { code: 'internal', field, message: `nnsize could not analyse this input (${detail}). Please report it with the link to this page.`, origin: '', line: undefined, column: undefined, span: undefined, excerpt: undefined, suggestions: [] }
  }
  return { ...diagnose(error, source, { fieldLabel: pageFieldLabel }), field }
}

/**
 * Runs the core on the page state: an expression, a catalogue model name or a `config.json` text, then, with an
 * input shape, the forward pass. Without `analyze` (before the model collections are loaded) only expressions
 * built from layers are answered. Never throws.
 */
export function compute(state: ShareState, analyze?: Analyze, now: () => number = () => performance.now()): Outcome {
  const started = now()
  const { request, problems } = readBaseRequest({ source: state.source, input: state.input, device: state.device, torch: state.torch })
  const options = { ...analyzeOptionsOf(request), input: undefined }
  let analysis: Analysis
  const run = (o: AnalyzeOptions): Analysis => (analyze ? analyze(request.source.text, o) : analyzeExpression(request.source.text, o))
  try {
    analysis = run(options)
  } catch (error) {
    // Lazy modules have no sizes without an input: with one, the model is analysed and traced in one go.
    const needsInput = NnsizeError.isInstance(error) && error.field === 'input' && request.input !== undefined && problems.length === 0
    if (!needsInput) return { ok: false, problem: problemFrom(error, state.source, 'source'), needsModels: !analyze && mayNeedModels(state.source, error), elapsedMs: now() - started }
    try {
      return { ok: true, analysis: run(analyzeOptionsOf(request)), inputProblem: undefined, elapsedMs: now() - started }
    } catch (traced) {
      const field = NnsizeError.isInstance(traced) && traced.field === 'input' ? 'input' : 'source'
      return { ok: false, problem: problemFrom(traced, state.source, field), needsModels: false, elapsedMs: now() - started }
    }
  }
  let inputProblem = problems[0] ? problemFrom(problems[0], state.source, problems[0].field as FieldId) : undefined
  if (request.input !== undefined && inputProblem === undefined) {
    try {
      traceAnalysis(analysis, analyzeOptionsOf(request))
    } catch (error) {
      inputProblem = problemFrom(error, state.source, 'input')
    }
  }
  return { ok: true, analysis, inputProblem, elapsedMs: now() - started }
}
