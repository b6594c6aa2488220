import { syntaxTokens } from '@nnsize/core/syntax'
import type { Analysis } from '@nnsize/core'

/** A true/false constructor argument of the root layer that the page offers as a switch. */
export interface SwitchOption {
  /** The argument's name (`bias`). */
  name: string
  /** Its value after binding. */
  value: boolean
  /** The source with the argument set to `!value`. */
  toggled: string
}

interface Argument {
  /** Keyword name, or undefined for a positional argument. */
  keyword: string | undefined
  /** Offsets of the whole argument (`bias=False`). */
  start: number
  end: number
  /** Offsets of its value (`False`). */
  valueStart: number
}

/**
 * The top-level arguments of the call whose opening bracket is at `open`, and the offset of its closing bracket,
 * read from the core's token stream. Undefined when the text there is not one well-formed call, or holds a comment
 * (an argument added after it would land inside it).
 */
export function callArguments(source: string, open: number): { args: Argument[]; close: number } | undefined {
  const args: Argument[] = []
  let depth = 0
  let argStart = open + 1
  for (const t of syntaxTokens(source)) {
    if (t.end <= open) continue
    if (depth === 0 && t.start !== open) return undefined
    if (t.kind === 'comment' || t.kind === 'error') return undefined
    const text = source.slice(t.start, t.end)
    if (t.kind === 'bracket' && '([{'.includes(text)) depth++
    else if (t.kind === 'bracket') {
      depth--
      if (depth === 0) {
        pushArgument(source, args, argStart, t.start)
        return { args, close: t.start }
      }
    } else if (t.kind === 'operator' && text === ',' && depth === 1) {
      pushArgument(source, args, argStart, t.start)
      argStart = t.end
    }
  }
  return undefined
}

function pushArgument(source: string, args: Argument[], from: number, to: number): void {
  const text = source.slice(from, to)
  if (text.trim() === '') return
  const start = from + (text.length - text.trimStart().length)
  const end = to - (text.length - text.trimEnd().length)
  const keyword = /^([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)\s*/.exec(source.slice(start, end))
  args.push({ keyword: keyword?.[1], start, end, valueStart: keyword ? start + keyword[0].length : start })
}

function pyBool(value: boolean): string {
  return value ? 'True' : 'False'
}

/**
 * The boolean arguments of the root layer (`bias`, `affine`, `batch_first`…) as switches, each with
 * the source that flips it: the keyword's value is rewritten, or `, bias=False` is added, or removed
 * again when the value returns to its default. Empty when the root is not a single layer call.
 */
export function switchOptions(analysis: Analysis): SwitchOption[] {
  const { root, input: source } = analysis
  const layer = root.layer
  const span = root.span
  if (!layer || !span) return []
  const open = source.indexOf('(', span.start)
  if (open === -1 || open >= span.end) return []
  const call = callArguments(source, open)
  if (!call || call.close !== span.end - 1) return []
  const positional = call.args.filter((a) => a.keyword === undefined)
  if (call.args.some((a) => a.keyword === undefined && a.start > (call.args.find((b) => b.keyword !== undefined)?.start ?? Infinity))) return []
  if (call.args.some((a) => source[a.start] === '*')) return []

  const options: SwitchOption[] = []
  layer.signature.forEach((spec, index) => {
    if (typeof spec.default !== 'boolean') return
    const value = root.args[spec.name]
    if (typeof value !== 'boolean') return
    const next = !value
    const given = call.args.find((a) => a.keyword === spec.name) ?? (spec.keywordOnly ? undefined : positional[index])
    let toggled: string
    if (given) {
      if (given.keyword !== undefined && next === spec.default) {
        // Drop the keyword (and the comma before it, or after it when it comes first).
        const before = source.lastIndexOf(',', given.start)
        const from = before > open ? before : given.start
        let to = given.end
        if (before <= open) {
          const after = /^\s*,\s*/.exec(source.slice(given.end, call.close))
          to = given.end + (after?.[0].length ?? 0)
        }
        toggled = source.slice(0, from) + source.slice(to)
      } else {
        toggled = source.slice(0, given.valueStart) + pyBool(next) + source.slice(given.end)
      }
    } else {
      const inside = source.slice(open + 1, call.close)
      const trimmed = inside.trimEnd()
      const insertAt = open + 1 + trimmed.length
      const glue = trimmed === '' ? '' : trimmed.endsWith(',') ? ' ' : ', '
      toggled = source.slice(0, insertAt) + `${glue}${spec.name}=${pyBool(next)}` + source.slice(insertAt)
    }
    options.push({ name: spec.name, value, toggled })
  })
  return options
}
