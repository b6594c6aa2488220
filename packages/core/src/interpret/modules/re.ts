import { NnsizeError } from '../../errors.js'
import type { SourceSpan } from '../../errors.js'
import { makeClass } from '../classes.js'
import { PyError, raise } from '../exceptions.js'
import { dictSet, newDict } from '../hash.js'
import type { Interpreter } from '../interpreter.js'
import { RegexSyntaxError, RegexUnsupported, compileRegex, regexFlags, regexMatch, regexMatches, regexSearch } from '../regex.js'
import type { Regex, RegexSpans } from '../regex.js'
import { exceptionClassNamed, objectClass } from '../types.js'
import { NONE, int, list, namespace, native, str, tuple, typeName } from '../../contract/values.js'
import type { ArgValue, InstanceValue, NamespaceValue, Value } from '../../contract/values.js'

/** What a `re.Match` instance keeps. */
interface MatchState {
  pattern: InstanceValue
  re: Regex
  text: string
  spans: RegexSpans
  pos: number
  endpos: number
}

/** The argument at `index` or named `name`, else undefined. */
function argument(args: readonly ArgValue[], index: number, name: string): Value | undefined {
  return args.find((a) => a.name === name)?.value ?? args.filter((a) => a.name === undefined)[index]?.value
}

function text(value: Value | undefined, what: string, span: SourceSpan): string {
  if (value?.kind === 'str') return value.value
  return raise('TypeError', 'argument-type', `${what} must be a string, got ${value ? typeName(value) : 'nothing'}${value?.kind === 'bytes' ? ': nnsize matches str patterns only' : ''}.`, span)
}

function whole(value: Value | undefined, fallback: number, span: SourceSpan): number {
  if (value === undefined || value.kind === 'none') return fallback
  if (value.kind === 'int' || value.kind === 'bool') return Number(value.value)
  return raise('TypeError', 'argument-type', `An int is needed, got ${typeName(value)}.`, span)
}

/**
 * `re`: `compile`, `match`, `fullmatch`, `search`, `split`, `findall`, `finditer`, `sub`, `subn`, `escape`, the
 * flags and `re.error`, with Python's pattern syntax and matching rules (see `regex.ts`); `Pattern` and `Match`
 * objects with their methods. Every step of a match is charged to the budget.
 */
export function reNamespace(): NamespaceValue {
  const errorClass = makeClass('error', [exceptionClassNamed('Exception')], { module: 're', native: { subclassable: true } })
  const patternClass = makeClass('Pattern', [objectClass], { module: 're', user: true })
  const matchClass = makeClass('Match', [objectClass], { module: 're', user: true })
  const patterns = new WeakMap<InstanceValue, Regex>()
  const cache = new Map<string, InstanceValue>()

  const stepper = (it: Interpreter | undefined, span: SourceSpan): (() => void) => () => it?.budget.step(span)

  const compile = (source: Value | undefined, flags: Value | undefined, span: SourceSpan): InstanceValue => {
    if (source?.kind === 'instance' && patterns.has(source)) {
      if (whole(flags, 0, span) !== 0) raise('ValueError', 'argument-value', 'cannot process flags argument with a compiled pattern', span)
      return source
    }
    const pattern = text(source, 'A pattern', span)
    const bits = whole(flags, 0, span)
    const key = `${bits}\u0000${pattern}`
    const known = cache.get(key)
    if (known) return known
    let re: Regex
    try {
      re = compileRegex(pattern, bits)
    } catch (error) {
      if (error instanceof RegexSyntaxError) throw new PyError('argument-value', errorClass, error.message, span)
      if (error instanceof RegexUnsupported) throw new NnsizeError('unsupported', `The regular expression \`${pattern.slice(0, 200)}\` uses ${error.message}, which nnsize does not match yet.`, { span })
      throw error
    }
    const instance: InstanceValue = { kind: 'instance', cls: patternClass, dict: newDict() }
    patterns.set(instance, re)
    dictSet(instance.dict, str('pattern'), str(pattern), span)
    dictSet(instance.dict, str('flags'), int(re.flags), span)
    dictSet(instance.dict, str('groups'), int(re.groups), span)
    const index = newDict()
    for (const [name, n] of re.names) dictSet(index, str(name), int(n), span)
    dictSet(instance.dict, str('groupindex'), index, span)
    if (cache.size < 512) cache.set(key, instance)
    return instance
  }

  const guarded = <T>(pattern: string, run: () => T, span: SourceSpan): T => {
    try {
      return run()
    } catch (error) {
      if (error instanceof RegexUnsupported) throw new NnsizeError('unsupported', `Matching the regular expression \`${pattern.slice(0, 200)}\` needs ${error.message}, more than nnsize follows.`, { span })
      throw error
    }
  }

  const matchValue = (state: MatchState): Value => ({ kind: 'instance', cls: matchClass, dict: newDict(), native: state })
  const stateOf = (value: Value | undefined, span: SourceSpan): MatchState => {
    const state = value?.kind === 'instance' && value.cls === matchClass ? (value.native as MatchState | undefined) : undefined
    return state ?? raise('TypeError', 'argument-type', `Expected a \`re.Match\`, got ${value ? typeName(value) : 'nothing'}.`, span)
  }
  const groupIndex = (state: MatchState, g: Value | undefined, span: SourceSpan): number => {
    if (g === undefined) return 0
    if (g.kind === 'int' || g.kind === 'bool') {
      const n = Number(g.value)
      if (n >= 0 && n <= state.re.groups) return n
    } else if (g.kind === 'str') {
      const n = state.re.names.get(g.value)
      if (n !== undefined) return n
    }
    return raise('IndexError', 'argument-value', 'no such group', span)
  }
  const groupValue = (state: MatchState, n: number, fallback: Value): Value => {
    const [s, e] = [state.spans[2 * n]!, state.spans[2 * n + 1]!]
    return s < 0 ? fallback : str(state.text.slice(s, e))
  }

  /** The text a template (`r'\1-\g<name>'`) gives for a match. */
  const expand = (state: MatchState, template: string, span: SourceSpan): string => {
    let out = ''
    for (let i = 0; i < template.length; i++) {
      const c = template[i]!
      if (c !== '\\') {
        out += c
        continue
      }
      const d = template[++i]
      if (d === undefined) throw new PyError('argument-value', errorClass, `bad escape (end of pattern) at position ${i - 1}`, span)
      if (d === 'g') {
        const end = template.indexOf('>', i)
        if (template[i + 1] !== '<' || end < 0) throw new PyError('argument-value', errorClass, `missing group name at position ${i + 1}`, span)
        const name = template.slice(i + 2, end)
        const n = /^\d+$/.test(name) ? Number(name) : state.re.names.get(name)
        if (n === undefined || n > state.re.groups) throw new PyError('argument-value', /^\d+$/.test(name) ? errorClass : exceptionClassNamed('IndexError'), `${/^\d+$/.test(name) ? 'invalid group reference' : 'unknown group name'} '${name}'`, span)
        const g = groupValue(state, n, str(''))
        out += g.kind === 'str' ? g.value : ''
        i = end
      } else if (/[0-9]/.test(d)) {
        let digits = d
        if (/[0-9]/.test(template[i + 1] ?? '')) digits += template[++i]
        const n = Number(digits)
        if (n > state.re.groups) throw new PyError('argument-value', errorClass, `invalid group reference ${n} at position ${i - digits.length}`, span)
        const g = groupValue(state, n, str(''))
        out += g.kind === 'str' ? g.value : ''
      } else {
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' }
        if (simple[d] !== undefined) out += simple[d]
        else if (/[a-zA-Z]/.test(d)) throw new PyError('argument-value', errorClass, `bad escape \\${d} at position ${i - 1}`, span)
        else out += `\\${d}`
      }
    }
    return out
  }

  const method = (cls: typeof patternClass, name: string, run: (self: Value, args: ArgValue[], span: SourceSpan, it: Interpreter | undefined) => Value): void => {
    cls.dict.set(name, native(`re.${cls.name}.${name}`, (args, span, it) => run(args[0]!.value, args.slice(1), span, it), { binds: true }))
  }

  // Match
  method(matchClass, 'group', (self, args, span) => {
    const state = stateOf(self, span)
    if (args.length <= 1) return groupValue(state, groupIndex(state, args[0]?.value, span), NONE)
    return tuple(args.map((a) => groupValue(state, groupIndex(state, a.value, span), NONE)))
  })
  method(matchClass, '__getitem__', (self, args, span) => {
    const state = stateOf(self, span)
    return groupValue(state, groupIndex(state, args[0]?.value, span), NONE)
  })
  method(matchClass, 'groups', (self, args, span) => {
    const state = stateOf(self, span)
    const fallback = argument(args, 0, 'default') ?? NONE
    return tuple(Array.from({ length: state.re.groups }, (_, k) => groupValue(state, k + 1, fallback)))
  })
  method(matchClass, 'groupdict', (self, args, span) => {
    const state = stateOf(self, span)
    const fallback = argument(args, 0, 'default') ?? NONE
    const out = newDict()
    for (const [name, n] of state.re.names) dictSet(out, str(name), groupValue(state, n, fallback), span)
    return out
  })
  for (const [name, part] of [['start', 0], ['end', 1], ['span', 2]] as const) {
    method(matchClass, name, (self, args, span) => {
      const state = stateOf(self, span)
      const n = groupIndex(state, args[0]?.value, span)
      const [s, e] = [state.spans[2 * n]!, state.spans[2 * n + 1]!]
      return part === 2 ? tuple([int(s), int(e)]) : int(part === 0 ? s : e)
    })
  }
  method(matchClass, 'expand', (self, args, span) => str(expand(stateOf(self, span), text(args[0]?.value, 'A template', span), span)))
  method(matchClass, '__repr__', (self, _args, span) => {
    const state = stateOf(self, span)
    const [s, e] = [state.spans[0]!, state.spans[1]!]
    const matched = state.text.slice(s, e)
    return str(`<re.Match object; span=(${s}, ${e}), match=${matched.includes("'") && !matched.includes('"') ? `"${matched}"` : `'${matched.replace(/'/g, "\\'")}'`}>`)
  })
  method(matchClass, '__bool__', () => ({ kind: 'bool', value: true }))

  const makeMatch = (pattern: InstanceValue, re: Regex, subject: string, spans: RegexSpans, pos: number, endpos: number, span: SourceSpan): Value => {
    const m = matchValue({ pattern, re, text: subject, spans, pos, endpos }) as InstanceValue
    const last = re.groups === 0 ? -1 : spans.reduce((best, s, k) => (k % 2 === 1 && k > 1 && s >= 0 && (best < 0 || s >= spans[2 * best + 1]!) ? (k - 1) / 2 : best), -1)
    const lastName = [...re.names].find(([, n]) => n === last)?.[0]
    const fields: Record<string, Value> = { string: str(subject), re: pattern, pos: int(pos), endpos: int(endpos), lastindex: last < 0 ? NONE : int(last), lastgroup: lastName === undefined ? NONE : str(lastName) }
    for (const [name, value] of Object.entries(fields)) dictSet(m.dict, str(name), value, span)
    return m
  }

  type Finder = 'match' | 'fullmatch' | 'search'
  const find = (kind: Finder, pattern: InstanceValue, subjectValue: Value | undefined, posValue: Value | undefined, endValue: Value | undefined, span: SourceSpan, it: Interpreter | undefined): Value => {
    const re = patterns.get(pattern)!
    const subject = text(subjectValue, 'The string to match', span)
    it?.budget.scanChars(subject.length, span)
    const clamp = (n: number): number => Math.min(Math.max(n < 0 ? 0 : n, 0), subject.length)
    const pos = clamp(whole(posValue, 0, span))
    const endpos = clamp(whole(endValue, subject.length, span))
    const range = { pos, endpos, full: kind === 'fullmatch', step: stepper(it, span) }
    const spans = guarded(re.source, () => (kind === 'search' ? regexSearch(re, subject, range) : regexMatch(re, subject, range)), span)
    return spans ? makeMatch(pattern, re, subject, spans, pos, endpos, span) : NONE
  }

  const matches = (pattern: InstanceValue, subject: string, count: number, span: SourceSpan, it: Interpreter | undefined): RegexSpans[] => {
    const re = patterns.get(pattern)!
    it?.budget.scanChars(subject.length, span)
    return guarded(re.source, () => regexMatches(re, subject, count, stepper(it, span)), span)
  }

  const split = (pattern: InstanceValue, subjectValue: Value | undefined, maxsplit: Value | undefined, span: SourceSpan, it: Interpreter | undefined): Value => {
    const re = patterns.get(pattern)!
    const subject = text(subjectValue, 'The string to split', span)
    const out: Value[] = []
    let last = 0
    const limit = whole(maxsplit, 0, span)
    if (limit < 0) return list([str(subject)])
    for (const spans of matches(pattern, subject, limit, span, it)) {
      out.push(str(subject.slice(last, spans[0])))
      for (let g = 1; g <= re.groups; g++) out.push(spans[2 * g]! < 0 ? NONE : str(subject.slice(spans[2 * g], spans[2 * g + 1])))
      last = spans[1]!
    }
    out.push(str(subject.slice(last)))
    it?.budget.allocate(out.length, span)
    return list(out)
  }

  const findall = (pattern: InstanceValue, subjectValue: Value | undefined, span: SourceSpan, it: Interpreter | undefined): Value => {
    const re = patterns.get(pattern)!
    const subject = text(subjectValue, 'The string to search', span)
    const found = matches(pattern, subject, 0, span, it)
    it?.budget.allocate(found.length, span)
    const part = (spans: RegexSpans, g: number): Value => str(spans[2 * g]! < 0 ? '' : subject.slice(spans[2 * g], spans[2 * g + 1]))
    return list(found.map((spans) => (re.groups === 0 ? part(spans, 0) : re.groups === 1 ? part(spans, 1) : tuple(Array.from({ length: re.groups }, (_, k) => part(spans, k + 1))))))
  }

  const finditer = (pattern: InstanceValue, subjectValue: Value | undefined, span: SourceSpan, it: Interpreter | undefined): Value => {
    const re = patterns.get(pattern)!
    const subject = text(subjectValue, 'The string to search', span)
    const found = matches(pattern, subject, 0, span, it).map((spans) => makeMatch(pattern, re, subject, spans, 0, subject.length, span))
    let i = 0
    return { kind: 'iterator', name: 'callable_iterator', next: () => found[i++] }
  }

  const sub = (pattern: InstanceValue, repl: Value | undefined, subjectValue: Value | undefined, countValue: Value | undefined, span: SourceSpan, it: Interpreter | undefined): [string, number] => {
    const re = patterns.get(pattern)!
    const subject = text(subjectValue, 'The string to substitute in', span)
    if (repl === undefined) return raise('TypeError', 'missing-argument', '`sub` needs a replacement.', span)
    const found = matches(pattern, subject, whole(countValue, 0, span), span, it)
    let out = ''
    let last = 0
    for (const spans of found) {
      out += subject.slice(last, spans[0])
      const state: MatchState = { pattern, re, text: subject, spans, pos: 0, endpos: subject.length }
      if (repl.kind === 'str') out += expand(state, repl.value, span)
      else {
        const r = it!.callWith(repl, [makeMatch(pattern, re, subject, spans, 0, subject.length, span)], span)
        out += text(r, 'What the replacement function returns', span)
      }
      it?.budget.string(out.length, span)
      last = spans[1]!
    }
    return [out + subject.slice(last), found.length]
  }

  // Pattern
  const self = (value: Value, span: SourceSpan): InstanceValue => (value.kind === 'instance' && patterns.has(value) ? value : raise('TypeError', 'argument-type', `Expected a \`re.Pattern\`, got ${typeName(value)}.`, span))
  for (const kind of ['match', 'fullmatch', 'search'] as const) {
    method(patternClass, kind, (p, args, span, it) => find(kind, self(p, span), argument(args, 0, 'string'), argument(args, 1, 'pos'), argument(args, 2, 'endpos'), span, it))
  }
  method(patternClass, 'split', (p, args, span, it) => split(self(p, span), argument(args, 0, 'string'), argument(args, 1, 'maxsplit'), span, it))
  method(patternClass, 'findall', (p, args, span, it) => findall(self(p, span), argument(args, 0, 'string'), span, it))
  method(patternClass, 'finditer', (p, args, span, it) => finditer(self(p, span), argument(args, 0, 'string'), span, it))
  method(patternClass, 'sub', (p, args, span, it) => str(sub(self(p, span), argument(args, 0, 'repl'), argument(args, 1, 'string'), argument(args, 2, 'count'), span, it)[0]))
  method(patternClass, 'subn', (p, args, span, it) => {
    const [out, n] = sub(self(p, span), argument(args, 0, 'repl'), argument(args, 1, 'string'), argument(args, 2, 'count'), span, it)
    return tuple([str(out), int(n)])
  })
  method(patternClass, '__repr__', (p, _args, span) => {
    const re = patterns.get(self(p, span))!
    return str(`re.compile('${re.source.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}')`)
  })

  const members: Record<string, Value> = {
    compile: native('re.compile', (args, span) => compile(argument(args, 0, 'pattern'), argument(args, 1, 'flags'), span)),
    split: native('re.split', (args, span, it) => split(compile(argument(args, 0, 'pattern'), argument(args, 3, 'flags'), span), argument(args, 1, 'string'), argument(args, 2, 'maxsplit'), span, it)),
    findall: native('re.findall', (args, span, it) => findall(compile(argument(args, 0, 'pattern'), argument(args, 2, 'flags'), span), argument(args, 1, 'string'), span, it)),
    finditer: native('re.finditer', (args, span, it) => finditer(compile(argument(args, 0, 'pattern'), argument(args, 2, 'flags'), span), argument(args, 1, 'string'), span, it)),
    sub: native('re.sub', (args, span, it) => str(sub(compile(argument(args, 0, 'pattern'), argument(args, 4, 'flags'), span), argument(args, 1, 'repl'), argument(args, 2, 'string'), argument(args, 3, 'count'), span, it)[0])),
    subn: native('re.subn', (args, span, it) => {
      const [out, n] = sub(compile(argument(args, 0, 'pattern'), argument(args, 4, 'flags'), span), argument(args, 1, 'repl'), argument(args, 2, 'string'), argument(args, 3, 'count'), span, it)
      return tuple([str(out), int(n)])
    }),
    escape: native('re.escape', (args, span) => str(text(argument(args, 0, 'pattern'), 'The text to escape', span).replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (c) => `\\${c}`))),
    purge: native('re.purge', () => {
      cache.clear()
      return NONE
    }),
    error: errorClass.value,
    Pattern: patternClass.value,
    Match: matchClass.value,
    NOFLAG: int(0),
  }
  for (const kind of ['match', 'fullmatch', 'search'] as const) {
    members[kind] = native(`re.${kind}`, (args, span, it) => find(kind, compile(argument(args, 0, 'pattern'), argument(args, 2, 'flags'), span), argument(args, 1, 'string'), undefined, undefined, span, it))
  }
  const short: Record<string, keyof typeof regexFlags> = { A: 'ASCII', I: 'IGNORECASE', L: 'LOCALE', M: 'MULTILINE', S: 'DOTALL', U: 'UNICODE', X: 'VERBOSE' }
  for (const [name, bit] of Object.entries(regexFlags)) members[name] = int(bit)
  for (const [letter, name] of Object.entries(short)) members[letter] = int(regexFlags[name])
  return namespace('re', members)
}
