import { findWeightFormat } from '../memory/quant.js'
import type { WeightFormat } from '../memory/quant.js'

/** One weight format as a choice in a form: its id, a short label and a one-line description. */
export interface WeightFormatChoice {
  id: string
  /** The id with its bits per weight: `awq (4.15625 bits)`. */
  label: string
  /** One line: what the format is and its bits per weight: `AWQ 4-bit, group size 128 (AutoAWQ \`WQLinear_GEMM\`), 4.15625 bits per weight`. */
  summary: string
}

/** A weight format's description up to its first colon or semicolon: what it is, before how it stores it. */
function firstClause(description: string): string {
  const end = description.search(/: |; /)
  return end < 0 ? description : description.slice(0, end)
}

/** A weight format as a choice: `exl2-4.65bpw (≈ 4.65 bits)`, with the first clause of its description as a line. */
export function weightFormatChoice(format: WeightFormat): WeightFormatChoice {
  const asBuilt = format.bitsPerWeight === 'as built'
  return {
    id: format.id,
    label: asBuilt ? format.id : `${format.id} (${format.bitsPerWeight} bits)`,
    summary: asBuilt ? firstClause(format.description) : `${firstClause(format.description)}, ${format.bitsPerWeight} bits per weight`,
  }
}

/**
 * A weight format with parameters, as a form edits it: EXL2 at an average bits per weight, HQQ at a bit width and
 * group size. `listed`: a format of the core's list by its id (or a name as given, for the parser to judge).
 */
export type WeightFormatDraft = { family: 'exl2'; bitsPerWeight: string } | { family: 'hqq'; bits: string; groupSize: string } | { family: 'listed'; name: string }

/** The formats with parameters, with the values a form starts them at: EXL2 at 4.65 bits, HQQ at hqq's default 4 bits in groups of 64. */
export const weightFormatFamilies: readonly { family: 'exl2' | 'hqq'; label: string; summary: string; start: WeightFormatDraft }[] = [
  { family: 'exl2', label: 'exl2 (bits per weight)', summary: 'EXL2 (exllamav2) at an average number of bits per weight', start: { family: 'exl2', bitsPerWeight: '4.65' } },
  { family: 'hqq', label: 'hqq (bits, group size)', summary: 'HQQ (hqq `HQQLinear`) at a bit width and a group size', start: { family: 'hqq', bits: '4', groupSize: '64' } },
]

/** The name a draft writes, in the spelling the command line takes: `exl2-4.65bpw`, `hqq-3bit-g128`. */
export function weightFormatName(draft: WeightFormatDraft): string {
  if (draft.family === 'exl2') return `exl2-${draft.bitsPerWeight.trim()}bpw`
  if (draft.family === 'hqq') return `hqq-${draft.bits.trim()}bit-g${draft.groupSize.trim()}`
  return draft.name
}

const EXL2_WRITTEN = /^exl2-(.*)bpw$/
const HQQ_WRITTEN = /^hqq-(.*)bit-g(.*)$/

/**
 * A weight-format name as a draft: the spellings {@link weightFormatName} writes are read back as typed (so that a
 * value being typed stays as it is, valid or not); other names of EXL2 and HQQ (`exl2:4.65`, `hqq`) through the
 * core's parser; anything else is `listed`, as given.
 */
export function weightFormatDraft(name: string): WeightFormatDraft {
  const fromWritten = (text: string): WeightFormatDraft | undefined => {
    const exl2 = EXL2_WRITTEN.exec(text)
    if (exl2) return { family: 'exl2', bitsPerWeight: exl2[1]! }
    const hqq = HQQ_WRITTEN.exec(text)
    if (hqq) return { family: 'hqq', bits: hqq[1]!, groupSize: hqq[2]! }
    return undefined
  }
  const written = fromWritten(name)
  if (written) return written
  let id: string
  try {
    id = findWeightFormat(name).id
  } catch {
    return { family: 'listed', name }
  }
  return fromWritten(id) ?? { family: 'listed', name: id }
}
