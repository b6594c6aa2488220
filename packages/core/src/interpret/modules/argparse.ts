import type { SourceSpan } from '../../errors.js'
import { NnsizeError } from '../../errors.js'
import { makeClass } from '../classes.js'
import type { PyClass } from '../classes.js'
import { PyError, catches, raise } from '../exceptions.js'
import { dictGetString, dictSet, newDict } from '../hash.js'
import type { Interpreter } from '../interpreter.js'
import { contains, equals } from '../operators.js'
import { exceptionClassNamed, objectClass } from '../types.js'
import { FALSE, NONE, TRUE, int, list, namespace, native, str, tuple, typeName } from '../../contract/values.js'
import type { ArgValue, DictValue, InstanceValue, NamespaceValue, Value } from '../../contract/values.js'

/** `argparse.SUPPRESS`: a default or dest that never reaches the namespace. */
const SUPPRESS = '==SUPPRESS=='

/** What an action does when its option is given (the `action=` names of `add_argument`). */
type ActionKind = 'store' | 'store_const' | 'store_true' | 'store_false' | 'append' | 'append_const' | 'count' | 'extend' | 'help' | 'version' | 'boolean_optional'

const namedKinds: ReadonlySet<string> = new Set(['store', 'store_const', 'store_true', 'store_false', 'append', 'append_const', 'count', 'extend', 'help', 'version'])

/** The kinds that take no strings from the command line. */
const flagKinds: ReadonlySet<ActionKind> = new Set(['store_const', 'store_true', 'store_false', 'append_const', 'count', 'help', 'version', 'boolean_optional'])

/** One `add_argument`: its kind and option strings; the rest (`dest`, `default`, `type`, …) lives in the action object's attributes. */
interface Action {
  kind: ActionKind
  value: InstanceValue
  /** The option strings (`['-b', '--batch-size']`), empty for a positional. */
  options: string[]
  group?: MutexGroup | undefined
}

/** An `add_mutually_exclusive_group`. */
interface MutexGroup {
  actions: Action[]
  required: boolean
}

/** What one `ArgumentParser` holds. */
interface Parser {
  actions: Action[]
  /** `set_defaults(...)`, in the order given. */
  defaults: DictValue
  prog: string
  /** The script's file name, as `python <file>` runs it. */
  file: string
  prefixChars: string
  argumentDefault: Value
  allowAbbrev: boolean
  groups: MutexGroup[]
}

/** A parser's error: `argparse` prints `prog: error: …` and exits with status 2, which is `SystemExit` here. */
function exitError(parser: Parser, message: string, span: SourceSpan): never {
  const printed = `${parser.prog}: error: ${message}`
  const required = /^the following arguments are required: (.*)$/.exec(message)
  const names = required?.[1]?.split(', ') ?? []
  const why = required
    ? `The script needs ${names.length > 1 ? 'the options' : 'the option'} ${names.map((n) => `\`${n}\``).join(', ')}: nnsize runs it as \`python ${parser.file}\` with no command-line arguments, and \`argparse\` stops there with \`${printed}\`.`
    : `\`argparse\` stops the script with \`${printed}\`.`
  const systemExit = exceptionClassNamed('SystemExit')
  const exit: InstanceValue = { kind: 'instance', cls: systemExit, dict: newDict(), native: { args: tuple([int(2)]) } }
  dictSet(exit.dict, str('code'), int(2), span)
  throw new PyError('exception', systemExit, why, span, exit)
}

const attr = (action: Action, name: string): Value => dictGetString(action.value.dict, name) ?? NONE

function textOf(value: Value): string | undefined {
  return value.kind === 'str' ? value.value : undefined
}

/** `argparse`'s name of an action in messages: `-b/--batch-size`, or a positional's metavar or dest. */
function actionName(it: Interpreter, action: Action, span: SourceSpan): string {
  if (action.options.length > 0) return action.options.join('/')
  const metavar = attr(action, 'metavar')
  if (metavar.kind === 'str' && metavar.value !== SUPPRESS) return metavar.value
  if (metavar.kind === 'tuple') return metavar.items.map((m) => it.str(m, span)).join('/')
  return textOf(attr(action, 'dest')) ?? 'None'
}

/** `nargs`: undefined for one value, a count, or `'?'`, `'*'`, `'+'`, `'...'`. */
function nargsOf(action: Action): number | string | undefined {
  if (flagKinds.has(action.kind)) return 0
  const n = attr(action, 'nargs')
  if (n.kind === 'int') return Number(n.value)
  if (n.kind === 'str') return n.value
  return undefined
}

/** Converts one string with the action's `type` (`argparse._get_value`); a failure is the parser's error. */
function convert(it: Interpreter, parser: Parser, action: Action, text: Value, span: SourceSpan): Value {
  const type = attr(action, 'type')
  if (type.kind === 'none') return text
  try {
    return it.callWith(type, [text], span)
  } catch (error) {
    if (error instanceof PyError && error.pyClass.name === 'ArgumentTypeError' && error.pyClass.module === 'argparse') {
      exitError(parser, `argument ${actionName(it, action, span)}: ${error.message}`, span)
    }
    if (!catches(error, exceptionClassNamed('TypeError')) && !catches(error, exceptionClassNamed('ValueError'))) throw error
    const named = it.findattr(type, '__name__', span)
    exitError(parser, `argument ${actionName(it, action, span)}: invalid ${named?.kind === 'str' ? named.value : it.repr(type, span)} value: ${it.repr(text, span)}`, span)
  }
}

/** Checks a value against `choices` (`argparse._check_value`). */
function checkChoice(it: Interpreter, parser: Parser, action: Action, value: Value, span: SourceSpan): void {
  const choices = attr(action, 'choices')
  if (choices.kind === 'none' || contains(it, choices, value, span)) return
  const shown = it
    .toArray(choices, span)
    .map((c) => it.repr(c, span))
    .join(', ')
  exitError(parser, `argument ${actionName(it, action, span)}: invalid choice: ${it.repr(value, span)} (choose from ${shown})`, span)
}

/** The value an action takes from the strings it matched (`argparse._get_values`). */
function valuesOf(it: Interpreter, parser: Parser, action: Action, strings: string[], span: SourceSpan): Value {
  const nargs = nargsOf(action)
  const one = (s: string): Value => {
    const v = convert(it, parser, action, str(s), span)
    checkChoice(it, parser, action, v, span)
    return v
  }
  if (nargs === 0) return list([])
  if (strings.length === 0 && nargs === '?') {
    let value = action.options.length > 0 ? attr(action, 'const') : attr(action, 'default')
    if (value.kind === 'str') value = convert(it, parser, action, value, span)
    checkChoice(it, parser, action, value, span)
    return value
  }
  if (strings.length === 0 && nargs === '*' && action.options.length === 0) {
    const value = attr(action, 'default')
    if (value.kind === 'none') return list([])
    checkChoice(it, parser, action, value, span)
    return value
  }
  if (nargs === undefined || nargs === '?') return one(strings[0]!)
  if (nargs === '...') return list(strings.map((s) => convert(it, parser, action, str(s), span)))
  return list(strings.map(one))
}

/** Runs one action on the namespace (each `Action.__call__` of argparse). */
function take(it: Interpreter, action: Action, ns: Value, values: Value, option: string | undefined, span: SourceSpan): void {
  const dest = textOf(attr(action, 'dest')) ?? ''
  const get = (): Value => it.findattr(ns, dest, span) ?? NONE
  const copied = (): Value[] => {
    const old = get()
    return old.kind === 'none' ? [] : old.kind === 'list' || old.kind === 'tuple' ? [...old.items] : [...it.toArray(old, span)]
  }
  it.setattr(ns, dest, stored(it, action, values, option, get, copied, span), span)
}

/** The value an action leaves in its `dest`. */
function stored(it: Interpreter, action: Action, values: Value, option: string | undefined, get: () => Value, copied: () => Value[], span: SourceSpan): Value {
  switch (action.kind) {
    case 'store':
      return values
    case 'store_const':
      return attr(action, 'const')
    case 'store_true':
      return TRUE
    case 'store_false':
      return FALSE
    case 'append':
      return list([...copied(), values])
    case 'append_const':
      return list([...copied(), attr(action, 'const')])
    case 'extend':
      return list([...copied(), ...it.toArray(values, span)])
    case 'count': {
      const old = get()
      if (old.kind === 'none') return int(1)
      return old.kind === 'int' ? int(old.value + 1n) : raise('TypeError', 'type', `\`count\` adds 1 to an int, not ${typeName(old)}.`, span)
    }
    case 'boolean_optional':
      return option?.startsWith('--no-') ? FALSE : TRUE
    case 'help':
    case 'version':
      throw new NnsizeError('unsupported', `\`argparse\` prints ${action.kind === 'help' ? 'the help' : 'the version'} and exits on \`${option ?? '-h'}\`; nnsize does not run that.`, { span })
    default: {
      const never: never = action.kind
      return never
    }
  }
}

/** A string that reads as an option of this parser (argparse's test before it looks the option up). */
function looksLikeOption(parser: Parser, s: string, negativeOptions: boolean): boolean {
  if (s.length < 2 || !parser.prefixChars.includes(s[0]!)) return false
  if (/^-\d+$|^-\d*\.\d+$/.test(s) && !negativeOptions) return false
  return !s.includes(' ') || parser.actions.some((a) => a.options.includes(s.split('=')[0]!))
}

/** An option string found among a parser's actions, with its explicit `=value` or attached short value. */
interface FoundOption {
  action: Action
  option: string
  explicit: string | undefined
}

/** The action of one option string; undefined for an unknown option. */
function findOption(parser: Parser, s: string, span: SourceSpan): FoundOption | undefined {
  const byOption = (o: string): Action | undefined => parser.actions.find((a) => a.options.includes(o))
  const exact = byOption(s)
  if (exact) return { action: exact, option: s, explicit: undefined }
  const eq = s.indexOf('=')
  if (eq > 0) {
    const head = s.slice(0, eq)
    const action = byOption(head)
    if (action) return { action, option: head, explicit: s.slice(eq + 1) }
  }
  const long = parser.prefixChars.includes(s[1]!)
  if (parser.allowAbbrev && long) {
    const head = eq > 0 ? s.slice(0, eq) : s
    const matches: Array<[Action, string]> = []
    for (const a of parser.actions) for (const o of a.options) if (o.startsWith(head)) matches.push([a, o])
    if (matches.length > 1) exitError(parser, `ambiguous option: ${head} could match ${matches.map(([, o]) => o).join(', ')}`, span)
    if (matches.length === 1) return { action: matches[0]![0], option: matches[0]![1], explicit: eq > 0 ? s.slice(eq + 1) : undefined }
  }
  if (!long && s.length > 2) {
    const action = byOption(s.slice(0, 2))
    if (action) return { action, option: s.slice(0, 2), explicit: s.slice(2) }
  }
  return undefined
}

/** How many strings an option's `nargs` takes from those that follow it, or a message when they do not fit. */
function countFor(nargs: number | string | undefined, available: number): number | string {
  if (nargs === undefined) return available >= 1 ? 1 : 'expected one argument'
  if (nargs === '?') return Math.min(available, 1)
  if (nargs === '*' || nargs === '...') return available
  if (nargs === '+') return available >= 1 ? available : 'expected at least one argument'
  if (typeof nargs === 'number') return available >= nargs ? nargs : `expected ${nargs} argument${nargs === 1 ? '' : 's'}`
  return available
}

/**
 * Matches the first positional actions to a run of positional strings, as argparse's `match_partial` does: as many
 * actions as can match (each greedy, leaving the later ones their least), and the strings they take.
 */
function matchPartial(actions: readonly Action[], strings: readonly string[]): Array<[Action, string[]]> {
  const least = (a: Action): number => {
    const n = nargsOf(a)
    return n === undefined || n === '+' ? 1 : typeof n === 'number' ? n : 0
  }
  for (let k = actions.length; k >= 0; k--) {
    const some = actions.slice(0, k)
    if (some.reduce((sum, a) => sum + least(a), 0) > strings.length) continue
    const taken: Array<[Action, string[]]> = []
    let at = 0
    for (let i = 0; i < some.length; i++) {
      const action = some[i]!
      const free = strings.length - at - some.slice(i + 1).reduce((sum, a) => sum + least(a), 0)
      const n = nargsOf(action)
      const count = n === undefined ? 1 : typeof n === 'number' ? n : n === '?' ? Math.min(1, free) : free
      taken.push([action, strings.slice(at, at + count)])
      at += count
    }
    return taken
  }
  return []
}

/** `parse_known_args`: fills the namespace as `argparse` does and returns the strings it did not recognise. */
function parseKnown(it: Interpreter, parser: Parser, argv: string[], ns: Value, span: SourceSpan): string[] {
  for (const action of parser.actions) {
    const dest = textOf(attr(action, 'dest'))
    const dflt = attr(action, 'default')
    if (dest === undefined || dest === SUPPRESS || (dflt.kind === 'str' && dflt.value === SUPPRESS)) continue
    if (it.findattr(ns, dest, span) === undefined) it.setattr(ns, dest, dflt, span)
  }
  for (const [k, v] of parser.defaults.entries) {
    const name = textOf(k)!
    if (it.findattr(ns, name, span) === undefined) it.setattr(ns, name, v, span)
  }
  const seen = new Set<Action>()
  const seenNonDefault = new Set<Action>()
  const conflicts = (action: Action, values: Value): void => {
    if (values !== attr(action, 'default')) {
      seenNonDefault.add(action)
      for (const other of action.group?.actions ?? []) {
        if (other !== action && seenNonDefault.has(other)) exitError(parser, `argument ${actionName(it, action, span)}: not allowed with argument ${actionName(it, other, span)}`, span)
      }
    }
  }
  const negativeOptions = parser.actions.some((a) => a.options.some((o) => /^-\d+$|^-\d*\.\d+$/.test(o)))
  const extras: string[] = []
  const remaining = parser.actions.filter((a) => a.options.length === 0)
  let positionals: string[] = []
  // A run of positional strings goes to the positional actions still unmatched when an option (or the end) follows it.
  const consumePositionals = (): void => {
    const taken = matchPartial(remaining, positionals)
    remaining.splice(0, taken.length)
    let used = 0
    for (const [action, strings] of taken) {
      seen.add(action)
      used += strings.length
      const values = valuesOf(it, parser, action, strings, span)
      conflicts(action, values)
      take(it, action, ns, values, undefined, span)
    }
    extras.push(...positionals.slice(used))
    positionals = []
  }
  let i = 0
  let onlyPositionals = false
  while (i < argv.length) {
    it.budget.step(span)
    const s = argv[i]!
    i++
    if (onlyPositionals) {
      positionals.push(s)
      continue
    }
    if (s === '--') {
      onlyPositionals = true
      continue
    }
    if (!looksLikeOption(parser, s, negativeOptions)) {
      positionals.push(s)
      continue
    }
    if (positionals.length > 0) consumePositionals()
    let found: FoundOption | undefined = findOption(parser, s, span)
    if (!found) {
      extras.push(s)
      continue
    }
    // Short flags written together (`-vx`) run one after the other.
    for (;;) {
      const { action, option, explicit }: FoundOption = found
      const nargs = nargsOf(action)
      let strings: string[]
      if (explicit !== undefined) {
        if (nargs === 0) {
          const long = parser.prefixChars.includes(option[1]!)
          const next: FoundOption | undefined = long || explicit === '' ? undefined : findOption(parser, `${option[0]}${explicit}`, span)
          if (!next) exitError(parser, `argument ${actionName(it, action, span)}: ignored explicit argument ${JSON.stringify(explicit).replace(/^"|"$/g, "'")}`, span)
          seen.add(action)
          const values = valuesOf(it, parser, action, [], span)
          conflicts(action, values)
          take(it, action, ns, values, option, span)
          found = next
          continue
        }
        strings = [explicit]
        if (typeof nargs === 'number' && nargs !== 1) exitError(parser, `argument ${actionName(it, action, span)}: expected ${nargs} arguments`, span)
      } else {
        let available = 0
        while (i + available < argv.length && argv[i + available] !== '--' && (nargs === '...' || !looksLikeOption(parser, argv[i + available]!, negativeOptions))) available++
        const count = countFor(nargs, available)
        if (typeof count === 'string') exitError(parser, `argument ${actionName(it, action, span)}: ${count}`, span)
        strings = argv.slice(i, i + count)
        i += count
      }
      seen.add(action)
      const values = valuesOf(it, parser, action, strings, span)
      conflicts(action, values)
      take(it, action, ns, values, option, span)
      break
    }
  }
  consumePositionals()
  const missing: string[] = []
  for (const action of parser.actions) {
    if (seen.has(action)) continue
    if (it.truthy(attr(action, 'required'), span)) {
      missing.push(actionName(it, action, span))
      continue
    }
    const dflt = attr(action, 'default')
    const dest = textOf(attr(action, 'dest'))
    if (dflt.kind === 'str' && dest !== undefined && dest !== SUPPRESS && it.findattr(ns, dest, span) === dflt) {
      it.setattr(ns, dest, convert(it, parser, action, dflt, span), span)
    }
  }
  if (missing.length > 0) exitError(parser, `the following arguments are required: ${missing.join(', ')}`, span)
  for (const group of parser.groups) {
    if (group.required && !group.actions.some((a) => seen.has(a))) {
      const names = group.actions.filter((a) => textOf(attr(a, 'help')) !== SUPPRESS).map((a) => actionName(it, a, span))
      exitError(parser, `one of the arguments ${names.join(' ')} is required`, span)
    }
  }
  return extras
}

/** Positional values and keywords of a call, the first positional (`self`) removed. */
function split(args: ArgValue[]): { self: Value; positional: Value[]; named: Map<string, Value> } {
  const named = new Map<string, Value>()
  const positional: Value[] = []
  for (const a of args) {
    if (a.name === undefined) positional.push(a.value)
    else named.set(a.name, a.value)
  }
  return { self: positional.shift() ?? NONE, positional, named }
}

/** The `argparse` classes of one program. */
interface Classes {
  parser: PyClass
  group: PyClass
  action: PyClass
  ns: PyClass
  booleanOptional: PyClass
  argumentError: PyClass
  argumentTypeError: PyClass
}

function makeClasses(): Classes {
  const parsers = new WeakMap<InstanceValue, Parser>()
  const groups = new WeakMap<InstanceValue, { parser: Parser; mutex?: MutexGroup | undefined }>()
  const parserClass = makeClass('ArgumentParser', [objectClass], { module: 'argparse', user: true })
  const groupClass = makeClass('_ArgumentGroup', [objectClass], { module: 'argparse', user: true })
  const mutexClass = makeClass('_MutuallyExclusiveGroup', [groupClass], { module: 'argparse', user: true })
  const actionClass = makeClass('Action', [objectClass], { module: 'argparse', user: true })
  const booleanOptional = makeClass('BooleanOptionalAction', [actionClass], { module: 'argparse', user: true })
  const nsClass = makeClass('Namespace', [objectClass], { module: 'argparse', user: true })
  const argumentError = makeClass('ArgumentError', [exceptionClassNamed('Exception')], { module: 'argparse', native: { subclassable: true } })
  const argumentTypeError = makeClass('ArgumentTypeError', [exceptionClassNamed('Exception')], { module: 'argparse', native: { subclassable: true } })

  const method = (cls: PyClass, name: string, run: (args: ArgValue[], span: SourceSpan, it: Interpreter) => Value): void => {
    cls.dict.set(name, native(`argparse.${cls.name}.${name}`, (args, span, rt) => run(args, span, rt as Interpreter), { binds: true }))
  }
  const parserOf = (self: Value, span: SourceSpan): Parser => {
    const p = self.kind === 'instance' ? (parsers.get(self) ?? groups.get(self)?.parser) : undefined
    return p ?? raise('TypeError', 'argument-type', `Expected an \`ArgumentParser\`, got ${typeName(self)}.`, span)
  }
  const strArg = (v: Value | undefined, what: string, span: SourceSpan): string =>
    v?.kind === 'str' ? v.value : raise('TypeError', 'argument-type', `\`${what}\` must be a string, got ${v ? typeName(v) : 'nothing'}.`, span)

  method(parserClass, '__init__', (args, span, it) => {
    const { self, positional, named } = split(args)
    const progValue = named.get('prog') ?? positional[0]
    const file = span.file?.split('/').pop()
    const prog = progValue && progValue.kind !== 'none' ? it.str(progValue, span) : (file ?? 'main.py')
    const prefix = named.get('prefix_chars')
    const parser: Parser = {
      actions: [],
      defaults: newDict(),
      prog,
      file: file ?? 'main.py',
      prefixChars: prefix?.kind === 'str' ? prefix.value : '-',
      argumentDefault: named.get('argument_default') ?? NONE,
      allowAbbrev: named.has('allow_abbrev') ? it.truthy(named.get('allow_abbrev')!, span) : true,
      groups: [],
    }
    parsers.set(self as InstanceValue, parser)
    dictSet((self as InstanceValue).dict, str('prog'), str(prog), span)
    dictSet((self as InstanceValue).dict, str('description'), named.get('description') ?? positional[2] ?? NONE, span)
    const addHelp = named.get('add_help')
    if (!addHelp || it.truthy(addHelp, span)) {
      const p = parser.prefixChars.includes('-') ? '-' : parser.prefixChars[0]!
      addArgument(it, parser, [str(`${p}h`), str(`${p}${p}help`)], new Map([['action', str('help')], ['default', str(SUPPRESS)]]), span)
    }
    return NONE
  })

  const addArgument = (it: Interpreter, parser: Parser, positional: Value[], named: Map<string, Value>, span: SourceSpan, mutex?: MutexGroup): Value => {
    const strings = positional.map((v) => strArg(v, 'add_argument', span))
    const options: string[] = []
    let dest: string
    const isOption = strings.length > 0 && parser.prefixChars.includes(strings[0]![0] ?? '')
    if (!isOption) {
      if (strings.length !== 1) raise('ValueError', 'argument-value', strings.length === 0 ? '`add_argument` needs a name or option strings.' : `invalid option string ${JSON.stringify(strings[1])}: must start with a character '${parser.prefixChars}'`, span)
      if (named.has('dest')) raise('ValueError', 'argument-value', 'dest supplied twice for positional argument', span)
      if (named.has('required')) raise('TypeError', 'argument-type', "'required' is an invalid argument for positionals", span)
      dest = strings[0]!
      const nargs = named.get('nargs')
      const n = nargs?.kind === 'str' ? nargs.value : undefined
      if ((n !== '?' && n !== '*') || (n === '*' && !named.has('default'))) named.set('required', TRUE)
    } else {
      for (const s of strings) {
        if (!parser.prefixChars.includes(s[0] ?? '')) raise('ValueError', 'argument-value', `invalid option string '${s}': must start with a character '${parser.prefixChars}'`, span)
        options.push(s)
      }
      const given = named.get('dest')
      if (given && given.kind !== 'none') dest = strArg(given, 'dest', span)
      else {
        const long = options.find((o) => o.length > 1 && parser.prefixChars.includes(o[1]!)) ?? options[0]!
        let k = 0
        while (k < long.length && parser.prefixChars.includes(long[k]!)) k++
        dest = long.slice(k)
        if (dest === '') raise('ValueError', 'argument-value', `dest= is required for options like '${options.join('/')}'`, span)
        dest = dest.replaceAll('-', '_')
      }
      for (const o of options) {
        const clash = parser.actions.find((a) => a.options.includes(o))
        if (clash) throw new PyError('argument-value', argumentError, `argument ${options.join('/')}: conflicting option string: ${o}`, span)
      }
    }
    const actionValue = named.get('action') ?? str('store')
    let kind: ActionKind
    if (actionValue.kind === 'str' && namedKinds.has(actionValue.value)) kind = actionValue.value as ActionKind
    else if (actionValue.kind === 'class' && actionValue.cls === booleanOptional) kind = 'boolean_optional'
    else if (actionValue.kind === 'str') raise('ValueError', 'argument-value', `unknown action "${actionValue.value}"`, span)
    else throw new NnsizeError('unsupported', `An \`argparse\` action of its own (${it.repr(actionValue, span)}) is not supported; nnsize models argparse's built-in actions.`, { span })
    if (kind === 'boolean_optional') {
      for (const o of [...options]) if (o.startsWith('--')) options.push(`--no-${o.slice(2)}`)
    }
    let dflt: Value
    if (named.has('default')) dflt = named.get('default')!
    else {
      const set = dictGetString(parser.defaults, dest)
      if (set) dflt = set
      else if (parser.argumentDefault.kind !== 'none') dflt = parser.argumentDefault
      else dflt = kind === 'store_true' ? FALSE : kind === 'store_false' ? TRUE : kind === 'help' || kind === 'version' ? str(SUPPRESS) : NONE
    }
    if (kind === 'help' || kind === 'version') dest = named.has('dest') ? dest : kind === 'help' ? 'help' : 'version'
    const constValue = kind === 'store_true' ? TRUE : kind === 'store_false' ? FALSE : (named.get('const') ?? NONE)
    const instance: InstanceValue = { kind: 'instance', cls: kind === 'boolean_optional' ? booleanOptional : actionClass, dict: newDict() }
    const fields: Array<[string, Value]> = [
      ['option_strings', list(options.map((o) => str(o)))],
      ['dest', str(dest)],
      ['nargs', flagKinds.has(kind) ? int(0) : (named.get('nargs') ?? NONE)],
      ['const', constValue],
      ['default', dflt],
      ['type', named.get('type') ?? NONE],
      ['choices', named.get('choices') ?? NONE],
      ['required', named.get('required') ?? FALSE],
      ['help', named.get('help') ?? NONE],
      ['metavar', named.get('metavar') ?? NONE],
    ]
    for (const [k, v] of fields) dictSet(instance.dict, str(k), v, span)
    const nargs = named.get('nargs')
    if (nargs && nargs.kind !== 'none') {
      if (flagKinds.has(kind)) raise('TypeError', 'argument-type', `${kind === 'boolean_optional' ? 'BooleanOptionalAction' : `_${kind}Action`}.__init__() got an unexpected keyword argument 'nargs'`, span)
      const ok = nargs.kind === 'int' ? nargs.value > 0n : nargs.kind === 'str' && ['?', '*', '+', '...'].includes(nargs.value)
      if (!ok) raise('ValueError', 'argument-value', nargs.kind === 'int' && nargs.value === 0n ? 'nargs for store actions must be != 0; if you have nothing to store, actions such as store true or store const may be more appropriate' : `invalid nargs value ${it.repr(nargs, span)}`, span)
    }
    const type = named.get('type')
    if (type && type.kind !== 'none' && it.findattr(type, '__call__', span) === undefined && !['class', 'callable', 'function', 'method'].includes(type.kind)) {
      raise('ValueError', 'argument-value', `${it.repr(type, span)} is not callable`, span)
    }
    const action: Action = { kind, value: instance, options, group: mutex }
    parser.actions.push(action)
    mutex?.actions.push(action)
    return instance
  }

  const addArgumentMethod = (args: ArgValue[], span: SourceSpan, it: Interpreter): Value => {
    const { self, positional, named } = split(args)
    const group = self.kind === 'instance' ? groups.get(self) : undefined
    return addArgument(it, parserOf(self, span), positional, named, span, group?.mutex)
  }
  method(parserClass, 'add_argument', addArgumentMethod)
  method(groupClass, 'add_argument', addArgumentMethod)

  const addGroup = (args: ArgValue[], span: SourceSpan): Value => {
    const { self, positional, named } = split(args)
    const owner = self.kind === 'instance' ? groups.get(self) : undefined
    const parser = parserOf(self, span)
    const instance: InstanceValue = { kind: 'instance', cls: groupClass, dict: newDict() }
    dictSet(instance.dict, str('title'), named.get('title') ?? positional[0] ?? NONE, span)
    dictSet(instance.dict, str('description'), named.get('description') ?? positional[1] ?? NONE, span)
    groups.set(instance, { parser, mutex: owner?.mutex })
    return instance
  }
  method(parserClass, 'add_argument_group', addGroup)
  method(groupClass, 'add_argument_group', addGroup)

  const addMutex = (args: ArgValue[], span: SourceSpan, it: Interpreter): Value => {
    const { self, named } = split(args)
    const parser = parserOf(self, span)
    const required = named.get('required')
    const mutex: MutexGroup = { actions: [], required: required !== undefined && it.truthy(required, span) }
    parser.groups.push(mutex)
    const instance: InstanceValue = { kind: 'instance', cls: mutexClass, dict: newDict() }
    dictSet(instance.dict, str('required'), required ?? FALSE, span)
    groups.set(instance, { parser, mutex })
    return instance
  }
  method(parserClass, 'add_mutually_exclusive_group', addMutex)
  method(groupClass, 'add_mutually_exclusive_group', addMutex)

  const setDefaults = (args: ArgValue[], span: SourceSpan): Value => {
    const { self, positional, named } = split(args)
    if (positional.length > 0) raise('TypeError', 'too-many-arguments', '`set_defaults` takes keyword arguments only.', span)
    const parser = parserOf(self, span)
    for (const [k, v] of named) {
      dictSet(parser.defaults, str(k), v, span)
      for (const action of parser.actions) if (textOf(attr(action, 'dest')) === k) dictSet(action.value.dict, str('default'), v, span)
    }
    return NONE
  }
  method(parserClass, 'set_defaults', setDefaults)
  method(groupClass, 'set_defaults', setDefaults)

  const getDefault = (args: ArgValue[], span: SourceSpan): Value => {
    const { self, positional } = split(args)
    const parser = parserOf(self, span)
    const dest = strArg(positional[0], 'get_default', span)
    for (const action of parser.actions) if (textOf(attr(action, 'dest')) === dest && attr(action, 'default').kind !== 'none') return attr(action, 'default')
    return dictGetString(parser.defaults, dest) ?? NONE
  }
  method(parserClass, 'get_default', getDefault)
  method(groupClass, 'get_default', getDefault)

  /** `parse_known_args(args=None, namespace=None)`: `None` is `sys.argv[1:]`, empty as for `python main.py`. */
  const parse = (args: ArgValue[], span: SourceSpan, it: Interpreter): [Value, string[], Parser] => {
    const { self, positional, named } = split(args)
    const parser = parserOf(self, span)
    const given = named.get('args') ?? positional[0] ?? NONE
    const argv = given.kind === 'none' ? [] : it.toArray(given, span).map((v) => (v.kind === 'str' ? v.value : raise('TypeError', 'argument-type', `\`parse_args\` reads strings, got ${typeName(v)}.`, span)))
    const nsGiven = named.get('namespace') ?? positional[1] ?? NONE
    const ns: Value = nsGiven.kind === 'none' ? { kind: 'instance', cls: nsClass, dict: newDict() } : nsGiven
    const extras = parseKnown(it, parser, argv, ns, span)
    return [ns, extras, parser]
  }
  method(parserClass, 'parse_known_args', (args, span, it) => {
    const [ns, extras] = parse(args, span, it)
    return tuple([ns, list(extras.map((e) => str(e)))])
  })
  const parseArgs = (args: ArgValue[], span: SourceSpan, it: Interpreter): Value => {
    const [ns, extras, parser] = parse(args, span, it)
    if (extras.length > 0) exitError(parser, `unrecognized arguments: ${extras.join(' ')}`, span)
    return ns
  }
  method(parserClass, 'parse_args', parseArgs)
  method(parserClass, 'parse_intermixed_args', parseArgs)
  method(parserClass, 'error', (args, span, it) => {
    const { self, positional } = split(args)
    exitError(parserOf(self, span), it.str(positional[0] ?? str(''), span), span)
  })

  for (const name of ['print_help', 'print_usage', 'format_help', 'format_usage', 'add_subparsers', 'exit']) {
    method(parserClass, name, (_args, span) => {
      throw new NnsizeError('unsupported', `\`ArgumentParser.${name}\` is not supported yet: nnsize models the options a script parses, not its help text, subcommands or exit.`, { span })
    })
  }

  method(nsClass, '__init__', (args, span) => {
    const { self, named } = split(args)
    for (const [k, v] of named) dictSet((self as InstanceValue).dict, str(k), v, span)
    return NONE
  })
  method(nsClass, '__repr__', (args, span, it) => {
    const self = args[0]!.value as InstanceValue
    const parts: string[] = []
    const star: string[] = []
    for (const [k, v] of self.dict.entries) {
      const name = it.str(k, span)
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) parts.push(`${name}=${it.repr(v, span)}`)
      else star.push(`${it.repr(k, span)}: ${it.repr(v, span)}`)
    }
    if (star.length > 0) parts.push(`**{${star.join(', ')}}`)
    it.budget.string(parts.length * 4, span)
    return str(`Namespace(${parts.join(', ')})`)
  })
  method(nsClass, '__eq__', (args, span, it) => {
    const [a, b] = [args[0]!.value, args[1]?.value]
    if (b?.kind !== 'instance' || b.cls !== nsClass || a.kind !== 'instance') return FALSE
    return equals(it, a.dict, b.dict, span) ? TRUE : FALSE
  })
  method(nsClass, '__contains__', (args, span, it) => {
    const self = args[0]!.value as InstanceValue
    return contains(it, self.dict, args[1]?.value ?? NONE, span) ? TRUE : FALSE
  })
  return { parser: parserClass, group: groupClass, action: actionClass, ns: nsClass, booleanOptional, argumentError, argumentTypeError }
}

/**
 * `argparse` as `python main.py` runs it with no command-line arguments: `ArgumentParser`, `add_argument` (option
 * strings and positionals, `dest`, `type`, `default`, the built-in actions, `BooleanOptionalAction`, `nargs`,
 * `choices`, `required`), groups, `set_defaults`, `parse_args()` (an empty `sys.argv[1:]`, or the list given),
 * `parse_known_args` and `Namespace`. A parser error (a required option) is `SystemExit` with argparse's message.
 */
export function argparseNamespace(): NamespaceValue {
  const c = makeClasses()
  const formatter = (name: string): Value => makeClass(name, [objectClass], { module: 'argparse', user: true }).value
  return namespace('argparse', {
    ArgumentParser: c.parser.value,
    Namespace: c.ns.value,
    Action: c.action.value,
    BooleanOptionalAction: c.booleanOptional.value,
    ArgumentError: c.argumentError.value,
    ArgumentTypeError: c.argumentTypeError.value,
    HelpFormatter: formatter('HelpFormatter'),
    RawDescriptionHelpFormatter: formatter('RawDescriptionHelpFormatter'),
    RawTextHelpFormatter: formatter('RawTextHelpFormatter'),
    ArgumentDefaultsHelpFormatter: formatter('ArgumentDefaultsHelpFormatter'),
    MetavarTypeHelpFormatter: formatter('MetavarTypeHelpFormatter'),
    SUPPRESS: str(SUPPRESS),
    OPTIONAL: str('?'),
    ZERO_OR_MORE: str('*'),
    ONE_OR_MORE: str('+'),
    REMAINDER: str('...'),
  })
}
