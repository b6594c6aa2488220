import { NnsizeError, analyze, formatErrorWithSource } from '@nnsize/core'
import type { Analysis, ShareState, SourceSpan } from '@nnsize/core'

/** A "did you mean" replacement the page can apply with one click. */
export interface Fix {
  /** The text the span's name becomes. */
  suggestion: string
  /** The text being replaced. */
  original: string
  /** The whole source after the fix. */
  source: string
}

/** Why the input gave no result, ready to show. */
export interface Problem {
  /** Which control holds the mistake. */
  field: 'source' | 'input'
  /** The stable error code (`unknown-attribute`). */
  code: string
  message: string
  /** The offending line with a caret under the span, compiler style. */
  excerpt?: string
  span?: SourceSpan
  fixes: Fix[]
}

/** The result of one recomputation, and how long the core took, in milliseconds. */
export type Outcome = { ok: true; analysis: Analysis; elapsedMs: number } | { ok: false; problem: Problem; elapsedMs: number }

/**
 * Replaces the name at the start of `span` (or the whole span when it holds no name) by
 * `suggestion`. `kernal_size=3` with `kernel_size` becomes `kernel_size=3`.
 */
export function applySuggestion(source: string, span: SourceSpan, suggestion: string): { original: string; source: string } {
  const text = source.slice(span.start, span.end)
  const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text)?.[0]
  const original = name ?? text
  return { original, source: source.slice(0, span.start) + suggestion + source.slice(span.start + original.length) }
}

function problemFrom(error: unknown, source: string, field: Problem['field']): Problem {
  if (!NnsizeError.isInstance(error)) {
    // A defect in the core, not the user's mistake: say so plainly instead of failing the page.
    const detail = error instanceof Error ? error.message : String(error)
    return { field, code: 'internal', message: `nnsize could not analyse this input (${detail}). Please report it with the link to this page.`, fixes: [] }
  }
  const span = field === 'source' ? error.span : undefined
  const problem: Problem = { field, code: error.code, message: error.message, fixes: [] }
  if (span) {
    problem.span = span
    problem.excerpt = formatErrorWithSource(error, source).split('\n').slice(1).join('\n')
    problem.fixes = error.suggestions.map((suggestion) => ({ suggestion, ...applySuggestion(source, span, suggestion) }))
  }
  return problem
}

/**
 * Runs the core on the page state: an expression, a catalogue model name or a `config.json` text.
 * A malformed input shape (an `option` error) points at the input field; everything else at the editor.
 * Never throws.
 */
export function compute(state: ShareState, now: () => number = () => performance.now()): Outcome {
  const started = now()
  try {
    const analysis = analyze(state.source, { input: state.input?.trim() ? state.input : undefined, device: state.device })
    return { ok: true, analysis, elapsedMs: now() - started }
  } catch (error) {
    const field = NnsizeError.isInstance(error) && error.code === 'option' ? 'input' : 'source'
    return { ok: false, problem: problemFrom(error, state.source, field), elapsedMs: now() - started }
  }
}
