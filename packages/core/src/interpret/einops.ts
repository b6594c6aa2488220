import type { SourceSpan } from '../errors.js'
import { NnsizeError } from '../errors.js'
import * as ops from '../forward/ops/index.js'
import type { ForwardContext, Tensor } from '../forward/trace.js'
import { stridesOf } from '../forward/layout.js'
import { isFloatingDType } from '../tensor/dtype.js'
import type { DType } from '../tensor/dtype.js'
import { einsumShape, einsumTraced } from './einsum.js'
import { promoteTypes } from './tensor.js'
import { reshapeOf, traceOf, viewOf, wrapTensor } from './tensor-methods.js'
import type { TraceOps } from './tensor-methods.js'
import type { ArgValue } from '../contract/values.js'
import { TensorValue, int, list, tuple } from '../contract/values.js'
import type { Value } from '../contract/values.js'

/**
 * `einops.rearrange`, `repeat` and `reduce` (and the `Rearrange` / `Reduce` layers) in a traced forward: the
 * pattern is parsed, axis lengths are inferred from the input's shape and the keyword lengths, and the
 * operation runs as einops' PyTorch backend runs it: `reshape` to the elementary axes, `permute`, a reduction
 * or an `expand` for new axes, then `reshape` to the result (views where the strides allow, copies elsewhere).
 */

type Group = string[]

/** Groups written in brackets: `(...)` merges the axes of the ellipsis, a bare `...` keeps them apart. */
const bracketed = new WeakSet<Group>()

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
      bracketed.add(current)
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
  const expand = (groups: Group[]): Group[] => groups.flatMap((g) => (g.length === 1 && g[0] === '…' && !bracketed.has(g) ? ellipsisNames.map((n) => [n]) : [g.flatMap((n) => (n === '…' ? ellipsisNames : [n]))]))
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

type EinopsKind = 'rearrange' | 'repeat' | 'reduce'

/** A checked pattern: the parsed sides, the axes the right side lacks, and the output's shape. */
interface Plan extends Parsed {
  leftNames: string[]
  rightNames: string[]
  reduced: string[]
  outputShape: number[]
  fail: (message: string) => never
}

function planOf(kind: EinopsKind, pattern: string, shape: readonly number[], reduction: string | undefined, given: ReadonlyMap<string, number>, span: SourceSpan): Plan {
  const { axes, right, lengths } = parsePattern(pattern, shape, given, span)
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
  if (reduced.length > 0 && reduction !== 'mean' && reduction !== 'sum' && reduction !== 'max' && reduction !== 'min') fail(`reduction \`${reduction ?? ''}\` is not supported yet (use \`mean\`, \`sum\`, \`max\` or \`min\`)`)
  const outputShape = right.map((g) => g.reduce((p, n) => p * lengths.get(n)!, 1))
  return { axes, right, lengths, leftNames, rightNames, reduced, outputShape, fail }
}

/**
 * The shape `einops.rearrange`, `repeat` or `reduce` gives a tensor of `shape` (outside a traced forward, where
 * only shapes are known), after the same checks as in forward.
 */
function einopsShape(kind: EinopsKind, pattern: string, shape: readonly number[], reduction: string | undefined, given: ReadonlyMap<string, number>, span: SourceSpan): number[] {
  return planOf(kind, pattern, shape, reduction, given, span).outputShape
}

/** Runs an einops operation on a trace tensor. */
export function einopsOp(ctx: ForwardContext, kind: EinopsKind, x: Tensor, pattern: string, reduction: string | undefined, given: ReadonlyMap<string, number>, span: SourceSpan): Tensor {
  const t = { ctx }
  const { axes, right, lengths, leftNames, rightNames, reduced, fail } = planOf(kind, pattern, x.shape, reduction, given, span)
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

interface EinopsCall {
  kind: EinopsKind
  x: TensorValue
  pattern: string
  reduction: string | undefined
  given: Map<string, number>
}

/** The arguments of `einops.rearrange(x, pattern, **lengths)`, `repeat`, `reduce(x, pattern, reduction, **lengths)`. */
function einopsCall(name: string, args: readonly ArgValue[], span: SourceSpan): EinopsCall | undefined {
  if (name !== 'rearrange' && name !== 'repeat' && name !== 'reduce') return undefined
  const positional = args.filter((a) => a.name === undefined).map((a) => a.value)
  const x = positional[0] ?? args.find((a) => a.name === 'tensor')?.value
  const pattern = positional[1] ?? args.find((a) => a.name === 'pattern')?.value
  const reduction = name === 'reduce' ? (positional[2] ?? args.find((a) => a.name === 'reduction')?.value) : undefined
  if (x?.kind !== 'tensor') throw new NnsizeError('argument-type', `\`einops.${name}\` takes a tensor first.`, { span })
  if (pattern?.kind !== 'str') throw new NnsizeError('argument-type', `\`einops.${name}\` needs a pattern string.`, { span })
  if (name === 'reduce' && reduction?.kind !== 'str') throw new NnsizeError('argument-type', '`einops.reduce` needs a reduction (`"mean"`, `"max"`, …).', { span })
  const given = lengthsOf(args, ['tensor', 'pattern', 'reduction'], span)
  return { kind: name, x, pattern: pattern.value, reduction: reduction?.kind === 'str' ? reduction.value : undefined, given }
}

/**
 * The `torch.einsum` equation of an `einops.einsum` pattern, as einops writes it: each axis name (`d_in`) becomes one
 * letter, `a`, `b`, … in the order of first appearance on the left, `...` stays.
 */
function einsumEquationOf(pattern: string, fail: (message: string) => never): string {
  const sides = pattern.split('->')
  if (sides.length !== 2) fail("Einsum pattern must contain '->'")
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'
  const mapping = new Map<string, string>()
  const side = (text: string, left: boolean): string =>
    text
      .replace(/\.\.\./g, ' ... ')
      .trim()
      .split(/\s+/)
      .filter((name) => name !== '')
      .map((name) => {
        if (name === '...') return name
        if (name.includes('(') || name.includes(')')) fail('Shape rearrangement is not yet supported in einsum')
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) fail(`Invalid axis name \`${name}\``)
        let letter = mapping.get(name)
        if (letter === undefined) {
          if (!left) fail(`Unknown axis ${name} on right side of einsum ${pattern}`)
          if (mapping.size >= letters.length) fail('Too many axes in einsum')
          letter = letters[mapping.size]!
          mapping.set(name, letter)
        }
        return letter
      })
      .join('')
  const lefts = sides[0]!.split(',').map((text) => side(text, true))
  return `${lefts.join(',')}->${side(sides[1]!, false)}`
}

/** `einops.einsum(*tensors, pattern)`: the tensors and the `torch.einsum` equation it runs. */
function einsumCall(args: readonly ArgValue[], span: SourceSpan): { equation: string; tensors: TensorValue[] } {
  const values = args.map((a) => a.value)
  const pattern = values.at(-1)
  if (args.some((a) => a.name !== undefined)) throw new NnsizeError('argument-type', '`einops.einsum` takes its tensors and pattern by position.', { span })
  if (pattern?.kind !== 'str') throw new NnsizeError('argument-type', '`einops.einsum` takes the tensors first and the pattern string last.', { span })
  if (values.length < 2) throw new NnsizeError('argument-value', '`einops.einsum` needs at least one tensor before the pattern.', { span })
  const tensors = values.slice(0, -1).map((v) => (v.kind === 'tensor' ? v : raiseType(`\`einops.einsum\` takes tensors before the pattern, got ${v.kind}.`, span)))
  const equation = einsumEquationOf(pattern.value, (message) => {
    throw new NnsizeError('argument-value', `einops pattern \`${pattern.value}\`: ${message}.`, { span })
  })
  return { equation, tensors }
}

function raiseType(message: string, span: SourceSpan): never {
  throw new NnsizeError('argument-type', message, { span })
}

/** A `pack`/`unpack` pattern (`'b * d'`): the number of named axes before and after its one `*`. */
function packPattern(pattern: string, fail: (message: string) => never): { before: number; after: number } {
  const names = pattern.trim().split(/\s+/).filter((n) => n !== '')
  const stars = names.filter((n) => n === '*').length
  if (stars !== 1) fail('it needs exactly one `*`')
  for (const n of names) if (n !== '*' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(n)) fail(`\`${n}\` is not an axis name`)
  const before = names.indexOf('*')
  return { before, after: names.length - before - 1 }
}

interface PackCall {
  tensors: TensorValue[]
  before: number
  after: number
  /** The lengths `*` stands for in each tensor. */
  packed: number[][]
}

/** `einops.pack(tensors, pattern)`: each tensor's axes under `*` are flattened, then all are concatenated there. */
function packCall(args: readonly ArgValue[], span: SourceSpan): PackCall {
  const [first, second] = args.map((a) => a.value)
  const list = first ?? args.find((a) => a.name === 'tensors')?.value
  const pattern = second ?? args.find((a) => a.name === 'pattern')?.value
  if (pattern?.kind !== 'str') throw new NnsizeError('argument-type', '`einops.pack` needs a pattern string after the tensors.', { span })
  if (list?.kind !== 'list' && list?.kind !== 'tuple') throw new NnsizeError('argument-type', '`einops.pack` takes a list of tensors first.', { span })
  const fail = (message: string): never => {
    throw new NnsizeError('argument-value', `einops pattern \`${pattern.value}\`: ${message}.`, { span })
  }
  const { before, after } = packPattern(pattern.value, fail)
  const tensors = list.items.map((v) => (v.kind === 'tensor' ? v : raiseType(`\`einops.pack\` packs tensors, got ${v.kind}.`, span)))
  if (tensors.length === 0) fail('there are no tensors to pack')
  const packed = tensors.map((t) => {
    if (t.shape.length < before + after) fail(`packed tensor #${tensors.indexOf(t)} (shape (${t.shape.join(', ')})) has ${t.shape.length} dimensions, while the pattern has ${before + after} axes other than \`*\``)
    return t.shape.slice(before, t.shape.length - after)
  })
  return { tensors, before, after, packed }
}

interface UnpackCall {
  x: TensorValue
  before: number
  /** The shape each part takes in place of the packed axis. */
  parts: number[][]
  /** The length each part takes along the packed axis. */
  lengths: number[]
}

/** `einops.unpack(tensor, packed_shapes, pattern)`: the packed axis split into the shapes `pack` gave (one `-1` inferred). */
function unpackCall(args: readonly ArgValue[], span: SourceSpan): UnpackCall {
  const [first, second, third] = args.map((a) => a.value)
  const x = first ?? args.find((a) => a.name === 'tensor')?.value
  const shapes = second ?? args.find((a) => a.name === 'packed_shapes')?.value
  const pattern = third ?? args.find((a) => a.name === 'pattern')?.value
  if (x?.kind !== 'tensor') throw new NnsizeError('argument-type', '`einops.unpack` takes a tensor first.', { span })
  if (pattern?.kind !== 'str') throw new NnsizeError('argument-type', '`einops.unpack` needs a pattern string after the packed shapes.', { span })
  if (shapes?.kind !== 'list' && shapes?.kind !== 'tuple') throw new NnsizeError('argument-type', '`einops.unpack` takes the list of packed shapes second.', { span })
  const fail = (message: string): never => {
    throw new NnsizeError('argument-value', `einops pattern \`${pattern.value}\`: ${message}.`, { span })
  }
  const { before, after } = packPattern(pattern.value, fail)
  if (x.shape.length !== before + after + 1) fail(`unpacked tensor has ${x.shape.length} dimensions, the pattern ${before + after + 1}`)
  const total = x.shape[before]!
  const parts = shapes.items.map((ps) => {
    const items = ps.kind === 'list' || ps.kind === 'tuple' ? ps.items : fail('each packed shape must be a list or tuple of ints')
    return items.map((d) => (d.kind === 'int' ? Number(d.value) : fail('each packed shape must be a list or tuple of ints')))
  })
  const unknown = parts.flatMap((p, i) => (p.includes(-1) ? [i] : []))
  if (unknown.length > 1 || parts.some((p) => p.filter((d) => d === -1).length > 1)) fail('only one `-1` may be inferred in the packed shapes')
  const known = parts.reduce((sum, p, i) => (unknown.includes(i) ? sum : sum + p.reduce((q, d) => q * d, 1)), 0)
  if (unknown.length === 1) {
    const p = parts[unknown[0]!]!
    const rest = p.reduce((q, d) => (d === -1 ? q : q * d), 1)
    if (rest === 0 || (total - known) % rest !== 0 || total < known) fail(`the packed axis of length ${total} cannot be split into the packed shapes`)
    p[p.indexOf(-1)] = (total - known) / rest
  } else if (known !== total) fail(`the packed axis has length ${total}, the packed shapes add up to ${known}`)
  return { x, before, parts, lengths: parts.map((p) => p.reduce((q, d) => q * d, 1)) }
}

function shapeValue(shape: readonly number[]): Value {
  return tuple(shape.map((d) => int(d)))
}

/** `einops.rearrange(x, pattern, **lengths)`, `repeat`, `reduce(x, pattern, reduction, **lengths)` on traced values. */
export function forwardEinops(t: TraceOps, name: string, args: readonly ArgValue[], span: SourceSpan): Value | undefined {
  if (name === 'pack') {
    const { tensors, before, after, packed } = packCall(args, span)
    const flat = tensors.map((x, i) => reshapeOf(t, traceOf(t, x), [...x.shape.slice(0, before), packed[i]!.reduce((q, d) => q * d, 1), ...x.shape.slice(x.shape.length - after)], false, span))
    return tuple([wrapTensor(ops.cat(t.ctx, flat, before)), list(packed.map(shapeValue))])
  }
  if (name === 'unpack') {
    const { x, before, parts, lengths } = unpackCall(args, span)
    const base = traceOf(t, x)
    const strides = stridesOf(base)
    return list(
      parts.map((part, i) => {
        const piece = viewOf(t, base, base.shape.map((d, k) => (k === before ? lengths[i]! : d)), strides)
        return wrapTensor(reshapeOf(t, piece, [...base.shape.slice(0, before), ...part, ...base.shape.slice(before + 1)], false, span))
      }),
    )
  }
  if (name === 'einsum') {
    const { equation, tensors } = einsumCall(args, span)
    return wrapTensor(einsumTraced(t, equation, tensors.map((x) => traceOf(t, x)), span))
  }
  const call = einopsCall(name, args, span)
  if (call === undefined) return undefined
  return wrapTensor(einopsOp(t.ctx, call.kind, traceOf(t, call.x), call.pattern, call.reduction, call.given, span))
}

/**
 * `einops.rearrange`, `repeat` and `reduce` outside a traced forward (a buffer built in `__init__`): a tensor of the
 * shape the pattern gives, with the input's dtype; `undefined` for the other functions.
 */
export function einopsOutsideForward(name: string, args: readonly ArgValue[], span: SourceSpan): Value | undefined {
  if (name === 'pack') {
    const { tensors, before, after, packed } = packCall(args, span)
    const first = tensors[0]!
    const rank = (x: TensorValue): number[] => [...x.shape.slice(0, before), ...x.shape.slice(x.shape.length - after)]
    for (const x of tensors) {
      if (rank(x).some((d, k) => d !== rank(first)[k])) throw new NnsizeError('shape', `\`einops.pack\`: the axes other than \`*\` differ: (${first.shape.join(', ')}) and (${x.shape.join(', ')}).`, { span })
    }
    const total = packed.reduce((sum, p) => sum + p.reduce((q, d) => q * d, 1), 0)
    const dtype = tensors.reduce<DType>((d, x) => promoteTypes(d, x.dtype), first.dtype)
    return tuple([new TensorValue([...first.shape.slice(0, before), total, ...first.shape.slice(first.shape.length - after)], dtype, tensors.some((x) => x.requiresGrad)), list(packed.map(shapeValue))])
  }
  if (name === 'unpack') {
    const { x, before, parts } = unpackCall(args, span)
    return list(parts.map((part) => new TensorValue([...x.shape.slice(0, before), ...part, ...x.shape.slice(before + 1)], x.dtype, x.requiresGrad)))
  }
  if (name === 'einsum') {
    const { equation, tensors } = einsumCall(args, span)
    const out = einsumShape(equation, tensors, promoteTypes, (message) => {
      throw new NnsizeError('shape', message, { span })
    })
    return new TensorValue(out.shape, out.dtype, tensors.some((x) => x.requiresGrad) && isFloatingDType(out.dtype))
  }
  const call = einopsCall(name, args, span)
  if (call === undefined) return undefined
  const shape = einopsShape(call.kind, call.pattern, call.x.shape, call.reduction, call.given, span)
  return new TensorValue(shape, call.x.dtype, call.x.requiresGrad)
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
