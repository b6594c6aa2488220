import { findPrecision, weightFormats } from '@nnsize/core/memory'
import { precisionChoices, weightFormatChoice, weightFormatDraft, weightFormatFamilies, weightFormatName } from '@nnsize/core/present'
import type { WeightFormatDraft } from '@nnsize/core/present'
import type { MemoryOutcome } from './memory.ts'

/** An option of a select: the value it writes, its text, and the line shown beside the field while it is chosen. */
export interface ChoiceOption {
  value: string
  label: string
  help: string
}

/**
 * The precision field's options, from the core's choices: each mode with its bytes per trainable parameter and with
 * Adam, the words `--help` writes as its line; `auto` is labelled with what it resolves to (`asBuilt`).
 */
export function precisionOptions(asBuilt: string): ChoiceOption[] {
  return precisionChoices().map((c) => ({ value: c.id, label: c.id === 'auto' ? asBuilt : c.label, help: c.help }))
}

/** The option the precision select shows for the page's value: the mode an alias names (`bf16-mixed` → `amp-bf16`), else the value as given. */
export function precisionSelected(precision: unknown): string {
  const name = typeof precision === 'string' ? precision.trim() : ''
  if (name === '') return 'auto'
  try {
    return findPrecision(name).id
  } catch {
    return name
  }
}

/**
 * The weight-format field's options: the core's formats with their bits and one-line summaries, then EXL2 and HQQ as
 * families whose parameters the form asks for (`exl2`, `hqq`); `auto` is labelled with what it resolves to.
 */
export function weightFormatOptions(asBuilt: string): ChoiceOption[] {
  const listed = weightFormats
    .filter((f) => !f.id.startsWith('hqq-'))
    .map((f) => {
      const c = weightFormatChoice(f)
      return { value: c.id, label: c.id === 'auto' ? asBuilt : c.label, help: c.summary }
    })
  return [...listed, ...weightFormatFamilies.map((f) => ({ value: f.family, label: f.label, help: f.summary }))]
}

/** The page's weight format as the form edits it; unset is `auto`. */
export function weightsDraft(weights: unknown): WeightFormatDraft {
  return typeof weights === 'string' && weights.trim() !== '' ? weightFormatDraft(weights.trim()) : { family: 'listed', name: 'auto' }
}

/** The option the weight-format select shows for a draft: the family of EXL2 and HQQ, else the format's own name. */
export function weightsSelected(draft: WeightFormatDraft): string {
  return draft.family === 'listed' ? draft.name : draft.family
}

/** What choosing an option writes into the page: a family starts at the core's starting values; `auto` unsets the field. */
export function weightsChosen(value: string): string | undefined {
  if (value === 'auto') return undefined
  const family = weightFormatFamilies.find((f) => f.family === value)
  return family ? weightFormatName(family.start) : value
}

/** The format name a family's edited parameters write: `exl2-4.65bpw`, `hqq-3bit-g128`. */
export function weightsEdited(draft: WeightFormatDraft): string {
  return weightFormatName(draft)
}

/** The message for the weight-format field when the core's parser refused its value, else `undefined`. */
export function weightsProblem(memory: MemoryOutcome | undefined): string | undefined {
  return memory && !memory.ok && memory.field === 'weights' ? memory.message : undefined
}
