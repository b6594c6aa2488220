import type { SourceSpan } from '../errors.js'
import { NnsizeError } from '../errors.js'
import * as ops from '../forward/ops/index.js'
import type { ForwardContext, Tensor } from '../forward/trace.js'
import { stridesOf } from '../forward/layout.js'
import { reshapeOf, traceOf, viewOf, wrapTensor } from './tensor-methods.js'
import type { TraceOps } from './tensor-methods.js'
import type { ArgValue } from '../contract/values.js'
import type { Value } from '../contract/values.js'

/**
 * `einops.rearrange`, `repeat` and `reduce` (and the `Rearrange` / `Reduce` layers) in a traced forward: the
 * pattern is parsed, axis lengths are inferred from the input's shape and the keyword lengths, and the
 * operation runs as einops' PyTorch backend runs it: `reshape` to the elementary axes, `permute`, a reduction
 * or an `expand` for new axes, then `reshape` to the result (views where the strides allow, copies elsewhere).
 */

type Group = string[]

/** One side of a pattern: groups of axis names; `…` is the ellipsis, `()` an empty group of length 1. */
function parseSide(text: string, fail: (message: string) => never): Group[] {
  const groups: Group[] = []
  let current: Group | undefined
  const tokens = text.replace(/\.\.\./g, ' … ').replace(/\(/g, ' ( ').replace(/\)/g, ' ) ').trim().split(/\s+/).filter((s) => s !== '')
  for (const token of tokens) {
    if (token === '(') {
      if (current) fail('nested brackets are not allowed')
      current = []
    } else if (token === ')') {
      if (!current) fail('a `)` without its `(`')
      groups.push(current)
      current = undefined
    } else {
      if (token !== '…' && token !== '1' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(token)) fail(`\`${token}\` is not an axis name`)
      const name = token === '1' ? '' : token
      if (current) {
        if (name !== '') current.push(name)
      } else groups.push(name === '' ? [] : [name])
    }
  }
  if (current) fail('a `(` without its `)`')
  return groups
}

interface Parsed {
  /** Elementary axes of the input in order, with their lengths. */
  axes: Array<{ name: string; length: number }>
  /** The output's groups, over elementary axis names (and new axes for `repeat`). */
  right: Group[]
  /** The lengths of every named axis. */
  lengths: Map<string, number>
}

function parsePattern(pattern: string, shape: readonly number[], given: ReadonlyMap<string, number>, span: SourceSpan): Parsed {
  const fail = (message: string): never => {
    throw new NnsizeError('argument-value', `einops pattern \`${pattern}\`: ${message}.`, { span })
  }
  const sides = pattern.split('->')
  if (sides.length !== 2) fail('it needs exactly one `->`')
  const left = parseSide(sides[0]!, fail)
  let right = parseSide(sides[1]!, fail)
  const ellipsisGroups = left.filter((g) => g.includes('…')).length
  if (ellipsisGroups > 1) fail('`...` appears more than once on the left')
  if (left.some((g) => g.includes('…') && g.length > 1)) fail('`...` inside brackets on the left is not supported')
  const fixed = left.length - ellipsisGroups
  if (ellipsisGroups === 0 ? shape.length !== left.length : shape.length < fixed) {
    fail(`the input has ${shape.length} dimensions (${shape.join(', ')}), the pattern ${ellipsisGroups ? 'at least ' : ''}${fixed}`)
  }
  const ellipsisRank = shape.length - fixed
  const ellipsisNames = Array.from({ length: ellipsisRank }, (_, i) => `…${i}`)
  const expand = (groups: Group[]): Group[] => groups.flatMap((g) => (g.length === 1 && g[0] === '…' ? ellipsisNames.map((n) => [n]) : [g.flatMap((n) => (n === '…' ? ellipsisNames : [n]))]))
  const leftGroups = expand(left)
  right = expand(right)
  const lengths = new Map<string, number>(given)
  const axes: Parsed['axes'] = []
  const seen = new Set<string>()
  leftGroups.forEach((group, i) => {
    const size = shape[i]!
    let known = 1
    const unknown: string[] = []
    for (const name of group) {
      if (seen.has(name)) fail(`axis \`${name}\` appears twice on the left`)
      seen.add(name)
      const l = lengths.get(name)
      if (l === undefined) unknown.push(name)
      else known *= l
    }
    if (unknown.length > 1) fail(`the lengths of ${unknown.map((n) => `\`${n}\``).join(' and ')} cannot both be inferred: give one as a keyword`)
    if (unknown.length === 1) {
      if (known === 0 || size % known !== 0) fail(`dimension ${i} of length ${size} cannot be split by ${known}`)
      lengths.set(unknown[0]!, size / known)
    } else if (known !== size) fail(`dimension ${i} has length ${size}, the pattern says ${known}`)
    for (const name of group) axes.push({ name, length: lengths.get(name)! })
  })
  return { axes, right, lengths }
}

/** Runs an einops operation on a trace tensor. */
export function einopsOp(ctx: ForwardContext, kind: 'rearrange' | 'repeat' | 'reduce', x: Tensor, pattern: string, reduction: string | undefined, given: ReadonlyMap<string, number>, span: SourceSpan): Tensor {
  const t = { ctx }
  const { axes, right, lengths } = parsePattern(pattern, x.shape, given, span)
  const leftNames = axes.map((a) => a.name)
  const rightNames = right.flat()
  const fail = (message: string): never => {
    throw new NnsizeError('argument-value', `einops pattern \`${pattern}\`: ${message}.`, { span })
  }
  for (const name of rightNames) {
    if (!leftNames.includes(name) && (kind !== 'repeat' || !lengths.has(name))) fail(kind === 'repeat' ? `new axis \`${name}\` needs its length as a keyword` : `axis \`${name}\` is not on the left`)
  }
  const reduced = leftNames.filter((n) => !rightNames.includes(n))
  if (kind === 'rearrange' && reduced.length > 0) fail(`axes ${reduced.map((n) => `\`${n}\``).join(', ')} are on the left only: use \`reduce\``)
  if (kind === 'repeat' && reduced.length > 0) fail(`axes ${reduced.map((n) => `\`${n}\``).join(', ')} are on the left only`)
  // 1. The elementary axes (a view where the strides allow).
  let y = reshapeOf(t, x, axes.map((a) => a.length), false, span)
  // 2. Reduce the axes that vanish.
  if (reduced.length > 0) {
    const dims = reduced.map((n) => leftNames.indexOf(n))
    const kept = axes.filter((a) => !reduced.includes(a.name))
    if (reduction === 'mean') y = ops.mean(ctx, y, dims)
    else if (reduction === 'sum') y = ops.sum(ctx, y, dims)
    else if (reduction === 'max' || reduction === 'min') {
      const out = ops.result(ctx, kept.map((a) => a.length), y.dtype, [y])
      ops.saveIf(ctx, y.requiresGrad, y, out)
      y = out
    } else fail(`reduction \`${reduction ?? ''}\` is not supported yet (use \`mean\`, \`sum\`, \`max\` or \`min\`)`)
    axes.splice(0, axes.length, ...kept)
  }
  // 3. Permute into the right side's order of the axes that remain.
  const remaining = axes.map((a) => a.name)
  const order = rightNames.filter((n) => remaining.includes(n)).map((n) => remaining.indexOf(n))
  if (order.some((d, i) => d !== i)) {
    const s = stridesOf(y)
    y = viewOf(t, y, order.map((d) => y.shape[d]!), order.map((d) => s[d]!))
  }
  // 4. New axes (`repeat`): a view of length 1, expanded with stride 0.
  const current = rightNames.filter((n) => remaining.includes(n))
  if (rightNames.length !== current.length) {
    const s = stridesOf(y)
    const shape = rightNames.map((n) => lengths.get(n)!)
    const strides = rightNames.map((n) => (current.includes(n) ? s[current.indexOf(n)]! : 0))
    y = viewOf(t, y, shape, strides)
  }
  // 5. The groups of the right side.
  const final = right.map((g) => g.reduce((p, n) => p * lengths.get(n)!, 1))
  if (final.length !== y.shape.length || final.some((d, i) => d !== y.shape[i])) y = reshapeOf(t, y, final, false, span)
  return y
}

function lengthsOf(args: readonly ArgValue[], skip: readonly string[], span: SourceSpan): Map<string, number> {
  const lengths = new Map<string, number>()
  for (const a of args) {
    if (a.name === undefined || skip.includes(a.name)) continue
    if (a.value.kind !== 'int') throw new NnsizeError('argument-type', `Axis length \`${a.name}\` must be an int.`, { span: a.span })
    lengths.set(a.name, Number(a.value.value))
  }
  void span
  return lengths
}

/** `einops.rearrange(x, pattern, **lengths)`, `repeat`, `reduce(x, pattern, reduction, **lengths)` on traced values. */
export function forwardEinops(t: TraceOps, name: string, args: readonly ArgValue[], span: SourceSpan): Value | undefined {
  if (name !== 'rearrange' && name !== 'repeat' && name !== 'reduce') return undefined
  const positional = args.filter((a) => a.name === undefined).map((a) => a.value)
  const x = positional[0] ?? args.find((a) => a.name === 'tensor')?.value
  const pattern = positional[1] ?? args.find((a) => a.name === 'pattern')?.value
  const reduction = name === 'reduce' ? (positional[2] ?? args.find((a) => a.name === 'reduction')?.value) : undefined
  if (x?.kind !== 'tensor') throw new NnsizeError('argument-type', `\`einops.${name}\` takes a tensor first.`, { span })
  if (pattern?.kind !== 'str') throw new NnsizeError('argument-type', `\`einops.${name}\` needs a pattern string.`, { span })
  if (name === 'reduce' && reduction?.kind !== 'str') throw new NnsizeError('argument-type', '`einops.reduce` needs a reduction (`"mean"`, `"max"`, …).', { span })
  const given = lengthsOf(args, ['tensor', 'pattern', 'reduction'], span)
  const out = einopsOp(t.ctx, name, traceOf(t, x), pattern.value, reduction?.kind === 'str' ? reduction.value : undefined, given, span)
  return wrapTensor(out)
}

/**
 * The forward of `einops.layers.torch.Rearrange` and `Reduce` (built with `pattern`, `reduction` and
 * `axes_lengths` as their arguments): the function of the same name on the layer's input.
 */
export function einopsLayerForward(kind: 'Rearrange' | 'Reduce', args: Readonly<Record<string, unknown>>, inputs: readonly Tensor[], ctx: ForwardContext, span: SourceSpan = { start: 0, end: 0 }): Tensor {
  const x = inputs[0]
  if (!x || inputs.length !== 1) throw ctx.error(`takes one tensor, got ${inputs.length}.`)
  const lengths = new Map(Object.entries((args['axes_lengths'] ?? {}) as Record<string, number>))
  const pattern = String(args['pattern'])
  return einopsOp(ctx, kind === 'Rearrange' ? 'rearrange' : 'reduce', x, pattern, args['reduction'] === undefined ? undefined : String(args['reduction']), lengths, span)
}
