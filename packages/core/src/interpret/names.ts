import type { Offsets } from '../python/ast.js'
import { didYouMean, suggest } from '../suggest.js'
import { raise } from './exceptions.js'
import type { Interpreter } from './interpreter.js'
import type { Frame } from './scope.js'
import { quoted } from '../contract/values.js'
import type { Value } from '../contract/values.js'

/** Reads a free name from the enclosing function scopes (class bodies are skipped), then globals and builtins. */
function lookupOuter(it: Interpreter, name: string, frame: Frame): Value | undefined {
  for (let f = frame.parent; f && f.kind !== 'module'; f = f.parent) {
    if (f.kind === 'class') continue
    const v = f.locals.get(name)
    if (v !== undefined) return v
  }
  return frame.globals.get(name) ?? it.builtins.get(name)
}

/** Looks a name up as Python does in this kind of scope; raises `NameError` (code `unknown-name`) with suggestions. */
export function lookupName(it: Interpreter, name: string, frame: Frame, at: Offsets): Value {
  let value: Value | undefined
  switch (frame.kind) {
    case 'module':
      value = frame.globals.get(name) ?? it.builtins.get(name)
      break
    case 'function': {
      const info = frame.info!
      if (info.locals.has(name)) {
        value = frame.locals.get(name)
        if (value === undefined) raise('UnboundLocalError', 'unknown-name', `${quoted(name)} is used before it is assigned in this function.`, it.span(at, frame))
      } else if (info.globals.has(name)) value = frame.globals.get(name) ?? it.builtins.get(name)
      else value = lookupOuter(it, name, frame)
      break
    }
    default:
      value = frame.locals.get(name) ?? lookupOuter(it, name, frame)
  }
  if (value !== undefined) return value
  const suggestions = suggest(name, visibleNames(it, frame))
  return raise('NameError', 'unknown-name', `${quoted(name)} is not defined.${didYouMean(suggestions)}`, it.span(at, frame), suggestions)
}

function* visibleNames(it: Interpreter, frame: Frame): Iterable<string> {
  for (let f: Frame | undefined = frame; f && f.kind !== 'module'; f = f.parent) yield* f.locals.keys()
  yield* frame.globals.keys()
  yield* it.builtins.keys()
}

/** The frame that a `nonlocal` name lives in. */
function nonlocalFrame(name: string, frame: Frame): Frame | undefined {
  for (let f = frame.parent; f && f.kind !== 'module'; f = f.parent) {
    if (f.kind === 'class') continue
    if (f.locals.has(name) || f.info?.locals.has(name)) return f
  }
  return undefined
}

/** Binds a name in this scope (or in globals / an enclosing function for `global` / `nonlocal` names). */
export function storeName(it: Interpreter, name: string, value: Value, frame: Frame, at: Offsets): void {
  if (frame.kind === 'function') {
    const info = frame.info!
    if (info.globals.has(name)) {
      frame.globals.set(name, value)
      return
    }
    if (info.nonlocals.has(name)) {
      const target = nonlocalFrame(name, frame)
      if (!target) raise('NameError', 'syntax', `no binding for nonlocal ${quoted(name)} found`, it.span(at, frame))
      target.locals.set(name, value)
      return
    }
  }
  frame.locals.set(name, value)
}

/** `del name`. */
export function deleteName(it: Interpreter, name: string, frame: Frame, at: Offsets): void {
  let scope = frame.locals
  if (frame.kind === 'function' && frame.info!.globals.has(name)) scope = frame.globals
  else if (frame.kind === 'function' && frame.info!.nonlocals.has(name)) scope = nonlocalFrame(name, frame)?.locals ?? scope
  if (!scope.delete(name)) raise('NameError', 'unknown-name', `${quoted(name)} is not defined.`, it.span(at, frame))
}
