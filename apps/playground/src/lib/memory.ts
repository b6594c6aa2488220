import { NnsizeError } from '@nnsize/core'
import { fieldsForMode, memoryOptionsOf, readRequest } from '@nnsize/core/request'
import { planMemory } from '@nnsize/core/memory'
import { diagnose } from '@nnsize/core/present'
import type { Analysis, ShareState } from '@nnsize/core'
import type { FieldId } from '@nnsize/core/request'
import type { MemoryPlan } from '@nnsize/core/memory'
import { pageFieldLabel } from './fields.ts'

/** Training plans weights, gradients, optimizer state and activations; inference plans weights, KV cache and activations. */
export type MemoryMode = 'training' | 'inference'

/** The optimizer training uses when the field is left empty. */
export const defaultOptimizer = 'AdamW'

/** The page plans inference until training is chosen; links from before the `mode` field carry it in their optimizer. */
export function memoryMode(state: ShareState): MemoryMode {
  const mode = typeof state.mode === 'string' ? state.mode.trim() : ''
  if (mode === 'training' || mode === 'inference') return mode
  return typeof state.optimizer === 'string' && state.optimizer.trim() !== '' ? 'training' : 'inference'
}

/** A memory plan, or why the options give none and which field holds the mistake. */
export type MemoryOutcome = { ok: true; plan: MemoryPlan } | { ok: false; message: string; field: FieldId | undefined }

/**
 * Plans the memory of the analysed model with the page's memory fields: those of the chosen mode, as the core's
 * request parser reads them. Activation bytes per sample count only for a model without a traced forward pass, as
 * the form shows them. Never throws.
 */
export function computeMemory(analysis: Analysis, state: ShareState): MemoryOutcome {
  try {
    const raw = fieldsForMode({ ...state, input: undefined }, memoryMode(state))
    if (analysis.forward) delete raw.activationBytes
    const { request, problems } = readRequest(raw)
    // the speed fields are the speed panel's to report; they do not stop the memory plan
    const first = problems.find((p) => p.field !== 'tokens' && p.field !== 'mfu')
    if (first) return { ok: false, message: diagnose(first, '', { fieldLabel: pageFieldLabel }).message, field: first.field as FieldId | undefined }
    return { ok: true, plan: planMemory(analysis, memoryOptionsOf(request)!) }
  } catch (error) {
    if (NnsizeError.isInstance(error)) return { ok: false, message: diagnose(error, '', { fieldLabel: pageFieldLabel }).message, field: error.field as FieldId | undefined }
    return { ok: false, message: `The memory plan failed (${error instanceof Error ? error.message : String(error)}). Please report it with the link to this page.`, field: undefined }
  }
}
