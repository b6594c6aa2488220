import { precisionBytes, precisionModes } from '../memory/precision.js'
import type { PrecisionMode } from '../memory/precision.js'
import type { Table } from './table.js'

const bytes = (n: number | null): string => (n === null ? 'as built' : `${n} B`)

/** The copies a mode keeps besides weights and gradients: `float32 master 4 B + FP8 copy 1 B`, or `—`. */
function extraCopies(mode: PrecisionMode): string {
  const p = precisionBytes(mode)
  const parts: string[] = []
  if (p.masterWeights > 0) parts.push(`float32 master ${p.masterWeights} B`)
  if (p.weightCopy > 0) parts.push(`${mode.weightCopyDType === 'float8_e4m3fn' ? 'FP8' : `${mode.weightCopyDType} autocast`} copy ${p.weightCopy} B`)
  return parts.length === 0 ? '—' : parts.join(' + ')
}

/** Bytes per parameter with Adam: the mode's own bytes plus two state elements (`exp_avg`, `exp_avg_sq`). */
function withAdam(mode: PrecisionMode): string {
  const p = precisionBytes(mode)
  return p.perParameter === null || p.optimizerElement === null ? 'as built' : String(p.perParameter + 2 * p.optimizerElement)
}

/**
 * The precision modes as a table, one row per mode, from the core's list: its names; bytes per trainable parameter
 * of weights, gradients and extra copies (float32 master weights, autocast's or FP8's weight copy) and their sum; the
 * bytes of one optimizer-state element and the sum with Adam's two moments; the activations' element size.
 * docs/memory.md shows this table (a test keeps them equal).
 */
export function precisionTable(): Table {
  return {
    columns: [
      { key: 'mode', header: 'mode', align: 'left' },
      { key: 'aliases', header: 'also', align: 'left' },
      { key: 'weights', header: 'weights', align: 'right' },
      { key: 'gradients', header: 'gradients', align: 'right' },
      { key: 'extra', header: 'extra copies', align: 'left' },
      { key: 'perParameter', header: 'B/param', align: 'right' },
      { key: 'optimizerElement', header: 'optimizer state element', align: 'right' },
      { key: 'adam', header: 'B/param with Adam', align: 'right' },
      { key: 'activations', header: 'activations', align: 'right' },
    ],
    rows: precisionModes.map((m) => {
      const p = precisionBytes(m)
      return [
        `\`${m.id}\``,
        m.aliases.map((a) => `\`${a}\``).join(', '),
        bytes(p.weights),
        bytes(p.gradients),
        extraCopies(m),
        p.perParameter === null ? 'as built' : String(p.perParameter),
        bytes(p.optimizerElement),
        withAdam(m),
        m.activationBytes === null ? 'as traced' : `${m.activationBytes} B`,
      ]
    }),
  }
}

/** One precision mode as a choice in a form: its id, a short label and the words `--help` writes for it. */
export interface PrecisionChoice {
  id: string
  /** The id with its bytes per trainable parameter and the figure with Adam: `mixed-bf16: 8 B, with Adam 16 B`. */
  label: string
  /**
   * What `--help` writes after the id: `8 B = 2 + 2 + 4 (float32 master), with Adam 16 B; also bf16-master`, or for
   * `auto` what it resolves to.
   */
  help: string
}

/** The words for one mode's bytes per trainable parameter: `10 B = 4 + 4 + 2 (bfloat16 autocast copy), with Adam 18 B`. */
function bytesSum(mode: PrecisionMode): string {
  const p = precisionBytes(mode)
  if (p.perParameter === null) return 'as the model is built (a float32 model as fp32, a bfloat16 checkpoint as bf16)'
  const parts = [p.weights, p.gradients, ...(p.masterWeights > 0 ? [p.masterWeights] : []), ...(p.weightCopy > 0 ? [p.weightCopy] : [])]
  const extra = extraCopies(mode)
  return `${p.perParameter} B = ${parts.join(' + ')}${extra === '—' ? '' : ` (${extra.replace(/ \d+ B/g, '')})`}, with Adam ${withAdam(mode)} B`
}

/**
 * The precision modes as choices, in the core's order: a label with the bytes per trainable parameter (weights +
 * gradients + extra copies, before the optimizer state) and with Adam, and the words of `--help`.
 */
export function precisionChoices(): PrecisionChoice[] {
  return precisionModes.map((m) => {
    const p = precisionBytes(m)
    return {
      id: m.id,
      label: p.perParameter === null ? `${m.id}: as built` : `${m.id}: ${p.perParameter} B, with Adam ${withAdam(m)} B`,
      help: `${bytesSum(m)}; also ${m.aliases.join(', ')}`,
    }
  })
}

/**
 * The precision modes for a command's help, one line each: the mode, its bytes per trainable parameter (weights +
 * gradients + extra copies, before the optimizer's state) with what they add up from, the figure with Adam, and the
 * other names it accepts.
 */
export function precisionHelpLines(): string[] {
  const width = Math.max(...precisionModes.map((m) => m.id.length))
  return [
    'Precision modes (--precision): bytes per trainable parameter, weights + gradients + extra copies, before the',
    'optimizer state; "with Adam" adds its two state elements (exp_avg, exp_avg_sq) in the dtype the optimizer steps.',
    ...precisionChoices().map((c) => `  ${c.id.padEnd(width)}  ${c.help}`),
  ]
}
