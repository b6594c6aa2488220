import type { SourceSpan } from '../errors.js'
import { didYouMean, suggest } from '../suggest.js'
import { lookupInMro } from './classes.js'
import { containerDunder } from './container-classes.js'
import { raise } from './exceptions.js'
import { dictDelete, dictGet, dictSet } from './hash.js'
import type { Interpreter } from './interpreter.js'
import { placeholderError } from './objects.js'
import { rangeLength } from './operators.js'
import { moduleDelItem, moduleGetItem, moduleSetItem } from './nn-module.js'
import { tensorGetItem, tensorSetItem } from './tensor.js'
import { tensorIndex } from './tensor-values.js'
import { int, showValue, str, tuple, typeName } from '../contract/values.js'
import { sizeClass } from './types.js'
import type { SliceValue, Value } from '../contract/values.js'

/** A slice resolved against a length, as Python's `slice.indices`: the positions it selects. */
export interface SliceIndices {
  start: number
  stop: number
  step: number
  count: number
}

function sliceBound(value: Value, name: string, span: SourceSpan): bigint | undefined {
  if (value.kind === 'none') return undefined
  if (value.kind === 'int') return value.value
  if (value.kind === 'bool') return value.value ? 1n : 0n
  if (value.kind === 'placeholder') throw placeholderError(value, span)
  if (value.kind === 'tensor') return tensorIndex(value, span, 'tensor.__index__()')
  if (value.kind === 'instance') {
    const index = lookupInMro(value.cls, '__index__')
    if (index) return undefined
  }
  return raise('TypeError', 'type', `Slice ${name} must be an int or None, got ${typeName(value)} \`${showValue(value)}\`.`, span)
}

/** The positions a slice selects in a sequence of `length` items. */
export function sliceIndices(slice: SliceValue, length: number, span: SourceSpan): SliceIndices {
  const stepBig = sliceBound(slice.step, 'step', span) ?? 1n
  if (stepBig === 0n) raise('ValueError', 'argument-value', 'Slice step cannot be zero.', span)
  const len = BigInt(length)
  const step = stepBig
  const clamp = (v: bigint | undefined, fallback: bigint, low: bigint, high: bigint): bigint => {
    if (v === undefined) return fallback
    let x = v < 0n ? v + len : v
    if (x < low) x = low
    if (x > high) x = high
    return x
  }
  let start: bigint
  let stop: bigint
  if (step > 0n) {
    start = clamp(sliceBound(slice.start, 'start', span), 0n, 0n, len)
    stop = clamp(sliceBound(slice.stop, 'stop', span), len, 0n, len)
  } else {
    start = clamp(sliceBound(slice.start, 'start', span), len - 1n, -1n, len - 1n)
    stop = clamp(sliceBound(slice.stop, 'stop', span), -1n, -1n, len - 1n)
  }
  const count = step > 0n ? (stop > start ? (stop - start + step - 1n) / step : 0n) : start > stop ? (start - stop - step - 1n) / -step : 0n
  const stepNumber = step > BigInt(length) ? length + 1 : step < -BigInt(length) ? -length - 1 : Number(step)
  return { start: Number(start), stop: Number(stop), step: stepNumber === 0 ? 1 : stepNumber, count: Number(count) }
}

/** The items a slice selects. */
function sliceItems<T>(items: readonly T[], slice: SliceValue, span: SourceSpan): T[] {
  const { start, step, count } = sliceIndices(slice, items.length, span)
  if (step === 1) return items.slice(start, start + count)
  const out: T[] = []
  for (let i = 0, p = start; i < count; i++, p += step) out.push(items[p]!)
  return out
}

/** An index into a sequence of `length` items, negative from the end; `IndexError` out of range. */
export function sequenceIndex(index: Value, length: number, what: string, span: SourceSpan): number {
  let i: bigint
  if (index.kind === 'int') i = index.value
  else if (index.kind === 'bool') i = index.value ? 1n : 0n
  else if (index.kind === 'placeholder') throw placeholderError(index, span)
  else return raise('TypeError', 'type', `${what} indices must be integers or slices, not ${typeName(index)}.`, span)
  const n = BigInt(length)
  const at = i < 0n ? i + n : i
  if (at < 0n || at >= n) {
    // Python's own words for its sequences (`list index out of range`), PyTorch's for its containers.
    const python = what === 'list' || what === 'tuple' || what === 'string' || what === 'range'
    const message = python ? `${what === 'range' ? 'range object' : what} index out of range: index ${i} of a ${what} of length ${length}.` : `index ${i} is out of range: a ${what} of length ${length}.`
    raise('IndexError', 'argument-value', message, span)
  }
  return Number(at)
}

/** `object[index]`. */
export function getItem(it: Interpreter, object: Value, index: Value, span: SourceSpan): Value {
  // A class derived from `dict` or `list` may define its own `__getitem__`.
  if ((object.kind === 'dict' || object.kind === 'list') && object.cls !== undefined) {
    const own = containerDunder(object, '__getitem__')
    if (own) return it.callWith(own, [object, index], span)
  }
  return baseGetItem(it, object, index, span)
}

/**
 * `object[index]` as the built-in type answers it, without a derived class's own `__getitem__` (`dict.__getitem__`,
 * `super().__getitem__(key)`); a missing key of a dict still goes to its class's `__missing__`, as in Python.
 */
export function baseGetItem(it: Interpreter, object: Value, index: Value, span: SourceSpan): Value {
  switch (object.kind) {
    case 'list':
    case 'tuple':
      if (index.kind === 'slice') {
        const items = sliceItems(object.items, index, span)
        it.budget.allocate(items.length, span)
        // a slice of a `torch.Size` is a `torch.Size` (of a namedtuple, a plain tuple)
        if (object.kind === 'tuple' && object.cls === sizeClass) return tuple(items, undefined, sizeClass)
        return { kind: object.kind, items }
      }
      return object.items[sequenceIndex(index, object.items.length, object.kind, span)]!
    case 'str': {
      it.budget.scanChars(object.value.length, span)
      if (index.kind === 'slice') {
        const chars = sliceItems([...object.value], index, span)
        it.budget.string(chars.length, span)
        return str(chars.join(''))
      }
      const chars = [...object.value]
      return str(chars[sequenceIndex(index, chars.length, 'string', span)]!)
    }
    case 'dict': {
      const found = dictGet(object, index, span)
      if (found !== undefined) return found
      const missing = object.cls === undefined ? undefined : containerDunder(object, '__missing__')
      if (missing) return it.callWith(missing, [object, index], span)
      if (object.defaultFactory) {
        const made = it.callWith(object.defaultFactory, [], span)
        dictSet(object, index, made, span)
        return made
      }
      const keys = object.entries.filter(([k]) => k.kind === 'str').map(([k]) => (k as { value: string }).value)
      const suggestions = index.kind === 'str' ? suggest(index.value, keys) : []
      return raise('KeyError', 'argument-value', `Key ${showValue(index)} is not in the dict.${didYouMean(suggestions)}`, span, suggestions)
    }
    case 'range': {
      const length = rangeLength(object)
      if (index.kind === 'slice') {
        const { start, stop, step, count } = sliceIndices(index, Number(length), span)
        const first = object.start + BigInt(start) * object.step
        return { kind: 'range', start: first, stop: count === 0 ? first : object.start + BigInt(stop) * object.step, step: object.step * BigInt(step) }
      }
      return int(object.start + BigInt(sequenceIndex(index, Number(length), 'range', span)) * object.step)
    }
    case 'module':
      return moduleGetItem(it, object.module, index, span)
    case 'tensor':
      return tensorGetItem(it, object, index, span)
    case 'class':
    case 'typehint':
      // `list[int]`, `Optional[Tensor]`, `Dict[str, int]`: annotations, nothing to compute.
      return { kind: 'typehint', name: object.kind === 'class' ? object.cls.name : object.name, args: index.kind === 'tuple' ? index.items : [index], origin: object }
    case 'placeholder':
      return { kind: 'placeholder', name: `${object.name}[…]`, reason: object.reason }
    case 'instance': {
      const f = lookupInMro(object.cls, '__getitem__')
      if (f && f.owner.user) return it.callWith(f.value, [object, index], span)
      if (object.cls.isException && index.kind === 'int') {
        const args = (object.native as { args?: Value } | undefined)?.args
        if (args?.kind === 'tuple') return getItem(it, args, index, span)
      }
      break
    }
    default:
      break
  }
  return raise('TypeError', 'type', `A ${typeName(object)} value cannot be indexed${index.kind === 'slice' ? '' : ` with ${typeName(index)}`}.`, span)
}

/** `object[index] = value`. */
export function setItem(it: Interpreter, object: Value, index: Value, value: Value, span: SourceSpan): void {
  if ((object.kind === 'dict' || object.kind === 'list') && object.cls !== undefined) {
    const own = containerDunder(object, '__setitem__')
    if (own) {
      it.callWith(own, [object, index, value], span)
      return
    }
  }
  baseSetItem(it, object, index, value, span)
}

/** `object[index] = value` as the built-in type does it, without a derived class's own `__setitem__`. */
export function baseSetItem(it: Interpreter, object: Value, index: Value, value: Value, span: SourceSpan): void {
  switch (object.kind) {
    case 'list':
      if (index.kind === 'slice') {
        const { start, step, count } = sliceIndices(index, object.items.length, span)
        const items = it.toArray(value, span)
        if (step === 1) {
          it.budget.allocate(items.length, span)
          object.items.splice(start, count, ...items)
          return
        }
        if (items.length !== count) raise('ValueError', 'argument-value', `Attempt to assign a sequence of size ${items.length} to an extended slice of size ${count}.`, span)
        for (let i = 0, p = start; i < count; i++, p += step) object.items[p] = items[i]!
        return
      }
      object.items[sequenceIndex(index, object.items.length, 'list', span)] = value
      return
    case 'dict':
      dictSet(object, index, value, span)
      return
    case 'module':
      moduleSetItem(it, object.module, index, value, span)
      return
    case 'tensor':
      tensorSetItem(it, object, index, value, span)
      return
    case 'placeholder':
      return
    case 'instance': {
      const f = lookupInMro(object.cls, '__setitem__')
      if (f && f.owner.user) {
        it.callWith(f.value, [object, index, value], span)
        return
      }
      break
    }
    default:
      break
  }
  raise('TypeError', 'type', `A ${typeName(object)} value does not support item assignment.`, span)
}

/** `del object[index]`. */
export function delItem(it: Interpreter, object: Value, index: Value, span: SourceSpan): void {
  if ((object.kind === 'dict' || object.kind === 'list') && object.cls !== undefined) {
    const own = containerDunder(object, '__delitem__')
    if (own) {
      it.callWith(own, [object, index], span)
      return
    }
  }
  baseDelItem(it, object, index, span)
}

/** `del object[index]` as the built-in type does it, without a derived class's own `__delitem__`. */
export function baseDelItem(it: Interpreter, object: Value, index: Value, span: SourceSpan): void {
  switch (object.kind) {
    case 'list':
      if (index.kind === 'slice') {
        const { start, step, count } = sliceIndices(index, object.items.length, span)
        const drop = new Set<number>()
        for (let i = 0, p = start; i < count; i++, p += step) drop.add(p)
        object.items = object.items.filter((_, i) => !drop.has(i))
        return
      }
      object.items.splice(sequenceIndex(index, object.items.length, 'list', span), 1)
      return
    case 'dict':
      if (dictDelete(object, index, span) === undefined) raise('KeyError', 'argument-value', `Key ${showValue(index)} is not in the dict.`, span)
      return
    case 'module':
      moduleDelItem(it, object.module, index, span)
      return
    default:
      raise('TypeError', 'type', `A ${typeName(object)} value does not support item deletion.`, span)
  }
}
