import { NnsizeError, analyzeExpression, mayNeedModels, modelClasses, traceAnalysis } from '@nnsize/core'
import { analyzeOptionsOf, readBaseRequest } from '@nnsize/core/request'
import { diagnose } from '@nnsize/core/present'
import type { Analysis, AnalyzeOptions, AnalyzeSource, ModelClass, ProgramSource, ShareState } from '@nnsize/core'
import type { FieldId } from '@nnsize/core/request'
import type { Diagnostic } from '@nnsize/core/present'
import { pageFieldLabel } from './fields.ts'
import { pastedFileName } from './state.ts'

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
 * could not. `classes` are the model classes to choose from when the problem asks which model to build (the text or
 * the main file defines classes but builds none, or several could be built): the page offers them instead of the
 * error, whether it computed in its worker or on the main thread.
 */
export type Outcome =
  | { ok: true; analysis: Analysis; inputProblem: Problem | undefined; elapsedMs: number }
  | { ok: false; problem: Problem; needsModels: boolean; elapsedMs: number; classes?: ModelClass[] | undefined }

/** The full analysis, with the torchvision builders and the Hugging Face catalogue, once they are loaded. */
export type Analyze = (source: AnalyzeSource, options?: AnalyzeOptions) => Analysis

/** The model to build as the page state holds it, undefined when not given. */
export function entryOf(state: ShareState): string | undefined {
  const text = state.entry === undefined || state.entry === null || typeof state.entry === 'boolean' ? '' : String(state.entry).trim()
  return text === '' ? undefined : text
}

/** The file name errors in the model to build point at (the core's name for the entry's text). */
const entryFileName = '<entry>'

/**
 * The program of files the page state holds: its main file (the editor's `source`) and the others, and the model to
 * build. Undefined for one text without a model to build, which is analysed as text (an expression, a model name, a
 * config or a pasted file that builds its model).
 */
export function programOf(state: ShareState): ProgramSource | undefined {
  const entry = entryOf(state)
  if (state.main === undefined && state.files === undefined && entry === undefined) return undefined
  const main = state.main ?? pastedFileName
  return { files: { ...state.files, [main]: state.source }, main, entry }
}

/**
 * An error as the page shows it: the core's diagnostic, its field named by the page's label, at `field`. With a
 * program, the excerpt comes from the file the error points into (named as its origin), and an error in the model to
 * build is shown at that field.
 */
export function problemFrom(error: unknown, source: string, field: FieldId, program?: ProgramSource): Problem {
  if (!NnsizeError.isInstance(error)) {
    // A defect in the core, not the user's mistake: say so plainly instead of failing the page.
    const detail = error instanceof Error ? error.message : String(error)
    return { code: 'internal', field, message: `nnsize could not analyse this input (${detail}). Please report it with the link to this page.`, origin: '', line: undefined, column: undefined, span: undefined, excerpt: undefined, suggestions: [] }
  }
  if (!program) return { ...diagnose(error, source, { fieldLabel: pageFieldLabel }), field }
  const file = error.span?.file
  if (file === entryFileName || (error.field === 'entry' && field === 'source')) {
    // what to build is about the whole program, not a place in its main file
    return { ...diagnose(error, file === entryFileName ? (program.entry ?? '') : '', { fieldLabel: pageFieldLabel }), field: 'entry' }
  }
  const text = file !== undefined && Object.hasOwn(program.files, file) ? program.files[file]! : ''
  return { ...diagnose(error, text, { fieldLabel: pageFieldLabel, origin: file ?? '' }), field }
}

/**
 * Whether a problem asks which model to build: the program's main file (or the pasted text) defines module classes
 * but builds none, or several could be built. The page then offers the classes to choose from instead of the error.
 */
export function asksForModel(problem: Problem, state: ShareState): boolean {
  if (entryOf(state) !== undefined || problem.code !== 'type') return false
  if (programOf(state)) return problem.field === 'entry' && problem.span === undefined
  // source text: the error is about the whole text, which ends with no model
  return problem.span !== undefined && problem.span.start === 0 && problem.span.end === state.source.length
}

/** The classes a reader may choose to build, when a problem asks which model to build and there are some. */
export function classesToChoose(problem: Problem, state: ShareState): ModelClass[] | undefined {
  if (!asksForModel(problem, state)) return undefined
  const classes = modelClasses(programOf(state) ?? state.source)
  return classes.length > 0 ? classes : undefined
}

/**
 * Runs the core on the page state: an expression, a catalogue model name or a `config.json` text, then, with an
 * input shape, the forward pass. Without `analyze` (before the model collections are loaded) only expressions
 * built from layers are answered. A problem that asks which model to build comes with the classes to choose from.
 * Never throws.
 */
export function compute(state: ShareState, analyze?: Analyze, now: () => number = () => performance.now()): Outcome {
  const started = now()
  const { request, problems } = readBaseRequest({ source: state.source, input: state.input, device: state.device, torch: state.torch })
  const options = { ...analyzeOptionsOf(request), input: undefined }
  const program = programOf(state)
  let analysis: Analysis
  const run = (o: AnalyzeOptions): Analysis => {
    if (program) {
      // a program of files needs the full analysis, which the model collections bring
      if (!analyze) throw new NnsizeError('unsupported', 'Model files are read once the page has loaded the model collections.')
      return analyze(program, o)
    }
    return analyze ? analyze(request.source.text, o) : analyzeExpression(request.source.text, o)
  }
  const problem = (error: unknown, field: FieldId): Problem => problemFrom(error, state.source, field, program)
  try {
    analysis = run(options)
  } catch (error) {
    // Lazy modules have no sizes without an input: with one, the model is analysed and traced in one go.
    const needsInput = NnsizeError.isInstance(error) && error.field === 'input' && request.input !== undefined && problems.length === 0
    if (!needsInput) {
      const shown = problem(error, 'source')
      const classes = classesToChoose(shown, state)
      return { ok: false, problem: shown, needsModels: !analyze && (program !== undefined || mayNeedModels(state.source, error)), elapsedMs: now() - started, classes }
    }
    try {
      return { ok: true, analysis: run(analyzeOptionsOf(request)), inputProblem: undefined, elapsedMs: now() - started }
    } catch (traced) {
      const field = NnsizeError.isInstance(traced) && traced.field === 'input' ? 'input' : 'source'
      return { ok: false, problem: problem(traced, field), needsModels: false, elapsedMs: now() - started }
    }
  }
  let inputProblem = problems[0] ? problemFrom(problems[0], state.source, problems[0].field as FieldId) : undefined
  if (request.input !== undefined && inputProblem === undefined) {
    try {
      traceAnalysis(analysis, analyzeOptionsOf(request))
    } catch (error) {
      inputProblem = problem(error, 'input')
    }
  }
  return { ok: true, analysis, inputProblem, elapsedMs: now() - started }
}
