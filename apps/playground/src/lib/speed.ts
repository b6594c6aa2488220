import { NnsizeError } from '@nnsize/core'
import { fieldsForMode, readRequest } from '@nnsize/core/request'
import { planSpeed } from '@nnsize/core/speed'
import { diagnose } from '@nnsize/core/present'
import type { Analysis, ShareState } from '@nnsize/core'
import type { FieldId } from '@nnsize/core/request'
import type { SpeedPlan } from '@nnsize/core/speed'
import { pageFieldLabel } from './fields.ts'
import { memoryMode } from './memory.ts'
import type { MemoryOutcome } from './memory.ts'

/** A speed plan, or why the fields give none and which field holds the mistake. */
export type SpeedOutcome = { ok: true; speed: SpeedPlan } | { ok: false; message: string; field: FieldId | undefined }

/**
 * How fast the model of a memory plan trains or serves, with the page's training tokens and MFU as the core's request
 * parser reads them: training FLOPs and time, or the prefill and decode roofline. Undefined without a memory plan.
 * Never throws.
 */
export function computeSpeed(analysis: Analysis, state: ShareState, memory: MemoryOutcome | undefined): SpeedOutcome | undefined {
  if (!memory?.ok) return undefined
  try {
    const { request, problems } = readRequest(fieldsForMode({ ...state, input: undefined }, memoryMode(state)))
    const problem = problems.find((p) => p.field === 'tokens' || p.field === 'mfu')
    if (problem) return { ok: false, message: diagnose(problem, '', { fieldLabel: pageFieldLabel }).message, field: problem.field as FieldId }
    const m = request.memory
    return { ok: true, speed: planSpeed(analysis, memory.plan, { tokens: m?.tokens, mfu: m?.mfu }) }
  } catch (error) {
    if (NnsizeError.isInstance(error)) return { ok: false, message: diagnose(error, '', { fieldLabel: pageFieldLabel }).message, field: error.field as FieldId | undefined }
    return { ok: false, message: `The speed estimate failed (${error instanceof Error ? error.message : String(error)}). Please report it with the link to this page.`, field: undefined }
  }
}
