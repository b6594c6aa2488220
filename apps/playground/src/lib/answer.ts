import { verifySnippet } from '@nnsize/core'
import { explainAnalysis } from '@nnsize/core/present'
import type { Analysis, ByteUnits, ShareState } from '@nnsize/core'
import type { ExplainSection } from '@nnsize/core/present'
import { compute } from './compute.ts'
import type { Analyze, Outcome } from './compute.ts'
import type { MemoryOutcome } from './memory.ts'
import { switchOptions } from './root-options.ts'
import type { SwitchOption } from './root-options.ts'
import { analysisView } from './view.ts'

/**
 * Everything the page shows for one page state, as data `postMessage` can copy: the outcome (its analysis as an
 * {@link analysisView}), and what needs the module tree or takes long for a large model: the root layer's argument
 * switches, the PyTorch snippet that checks the numbers, the memory plan of the model shown (the last good one while
 * the input has an error) and, when asked for, the explanation.
 */
export interface Answer {
  outcome: Outcome
  switches: SwitchOption[]
  /** The PyTorch code that checks these numbers; only for expressions (a config is not Python). */
  snippet: string | undefined
  /** Undefined when no model is shown. */
  memory: MemoryOutcome | undefined
  /** Undefined unless asked for, or when no model is shown. */
  explanation: ExplainSection[] | undefined
}

/** What one answer is asked for: the page state, and whether the explanation is open. */
export interface Question {
  state: ShareState
  explain: boolean
}

/** Plans the memory of an analysed model with the page's memory fields (`computeMemory`). */
export type PlanMemory = (analysis: Analysis, state: ShareState) => MemoryOutcome

/** The PyTorch code that checks an analysis; none for a config or a catalogue model, which are not Python. */
export function snippetOf(analysis: Analysis): string | undefined {
  if (analysis.model) return undefined
  try {
    return verifySnippet(analysis)
  } catch {
    return undefined
  }
}

/** The fields that decide the analysis; the others (memory, units, depth) only change what is made of it. */
function analysisKey(state: ShareState): string {
  return JSON.stringify([state.source, state.input ?? null, state.device ?? null, state.torch ?? null, state.entry ?? null, state.main ?? null, state.files ?? null])
}

/**
 * Answers successive page states. It keeps the last analysis, so that a change of a memory field, the units or the
 * table depth plans or explains again without analysing again, and the last good one, which the page shows (and
 * plans) while the input has an error.
 */
export class Answerer {
  #key: string | undefined
  #outcome: Outcome | undefined
  #lastGood: Analysis | undefined

  constructor(
    private readonly analyze: Analyze,
    private readonly planMemory: PlanMemory,
  ) {}

  /** The answer for `question`; never throws. */
  answer({ state, explain }: Question): Answer {
    const key = analysisKey(state)
    let outcome = this.#outcome
    if (outcome === undefined || key !== this.#key) {
      outcome = compute(state, this.analyze)
      this.#key = key
      this.#outcome = outcome
      if (outcome.ok) this.#lastGood = outcome.analysis
    }
    const shown = outcome.ok ? outcome.analysis : this.#lastGood
    const units: ByteUnits = state.units === 'si' ? 'si' : 'iec'
    return {
      outcome: outcome.ok ? { ...outcome, analysis: analysisView(outcome.analysis) } : outcome,
      switches: outcome.ok ? switchOptions(outcome.analysis) : [],
      snippet: outcome.ok ? snippetOf(outcome.analysis) : undefined,
      memory: shown ? this.planMemory(shown, state) : undefined,
      explanation: shown && explain ? explainAnalysis(shown, { units }) : undefined,
    }
  }
}
