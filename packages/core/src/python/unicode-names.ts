import { DIGITS, NAMES, STEPS, WORDS } from './unicode-names-data.js'

/**
 * Unicode character names for `\N{...}` escapes. Names that Unicode derives by rule (CJK unified
 * ideographs, Hangul syllables) are computed; others come from a table of the blocks source code
 * is likely to name (see `unicode-names-data.ts`); a name outside both is an error, as an unknown
 * name is in CPython.
 */

const CJK_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0x20000, 0x2a6df], [0x2a700, 0x2b739], [0x2b740, 0x2b81d],
  [0x2b820, 0x2cea1], [0x2ceb0, 0x2ebe0], [0x30000, 0x3134a], [0x31350, 0x323af],
]
const HANGUL_L = ['G', 'GG', 'N', 'D', 'DD', 'R', 'M', 'B', 'BB', 'S', 'SS', '', 'J', 'JJ', 'C', 'K', 'T', 'P', 'H']
const HANGUL_V = ['A', 'AE', 'YA', 'YAE', 'EO', 'E', 'YEO', 'YE', 'O', 'WA', 'WAE', 'OE', 'YO', 'U', 'WEO', 'WE', 'WI', 'YU', 'EU', 'YI', 'I']
const HANGUL_T = ['', 'G', 'GG', 'GS', 'N', 'NJ', 'NH', 'D', 'L', 'LG', 'LM', 'LB', 'LS', 'LT', 'LP', 'LH', 'M', 'B', 'BS', 'S', 'SS', 'NG', 'J', 'C', 'K', 'T', 'P', 'H']

/** The index of the longest entry of `parts` that starts `text` at `at`, and its length. */
function longestPrefix(parts: readonly string[], text: string, at: number): [number, number] {
  let best = -1
  let length = -1
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k]!
    if (part.length > length && text.startsWith(part, at)) {
      best = k
      length = part.length
    }
  }
  return [best, length]
}

function hangulSyllable(rest: string): number | undefined {
  const [l, ll] = longestPrefix(HANGUL_L, rest, 0)
  if (l < 0) return undefined
  const [v, vl] = longestPrefix(HANGUL_V, rest, ll)
  if (v < 0) return undefined
  const [t, tl] = longestPrefix(HANGUL_T, rest, ll + vl)
  if (t < 0 || ll + vl + tl !== rest.length) return undefined
  return 0xac00 + (l * 21 + v) * 28 + t
}

let table: Map<string, number> | undefined

/** Decodes the table on first use: word codes to names, steps to code points. */
function namedCharacters(): Map<string, number> {
  if (table) return table
  const words = WORDS.split(' ')
  const digit = new Map<string, number>()
  for (let k = 0; k < DIGITS.length; k++) digit.set(DIGITS[k]!, k)
  const half = 45
  const codes: number[] = []
  let code = 0
  for (const step of STEPS.split(',')) {
    if (step.startsWith('*')) {
      const run = parseInt(step.slice(1), 36)
      for (let k = 0; k < run; k++) codes.push(++code)
    } else {
      code += parseInt(step, 36)
      codes.push(code)
    }
  }
  table = new Map()
  const names = NAMES.split('|')
  for (let n = 0; n < names.length; n++) {
    const encoded = names[n]!
    const parts: string[] = []
    for (let i = 0; i < encoded.length; ) {
      const d = digit.get(encoded[i]!)!
      if (d < half) {
        parts.push(words[d]!)
        i++
      } else {
        parts.push(words[half + (d - half) * DIGITS.length + digit.get(encoded[i + 1]!)!]!)
        i += 2
      }
    }
    table.set(parts.join(' '), codes[n]!)
  }
  return table
}

/** The code point a Unicode name (or name alias) stands for, matched case-insensitively as CPython does. */
export function lookupUnicodeName(name: string): number | undefined {
  const upper = name.toUpperCase()
  if (upper.startsWith('CJK UNIFIED IDEOGRAPH-')) {
    const hex = upper.slice('CJK UNIFIED IDEOGRAPH-'.length)
    if (!/^[0-9A-F]{4,5}$/.test(hex)) return undefined
    const code = parseInt(hex, 16)
    return CJK_RANGES.some(([a, b]) => code >= a && code <= b) ? code : undefined
  }
  if (upper.startsWith('HANGUL SYLLABLE ')) return hangulSyllable(upper.slice('HANGUL SYLLABLE '.length))
  return namedCharacters().get(upper)
}
