import type { SourceSpan } from '../errors.js'
import { stringLiteral } from '../python/unparse.js'
import { lookupInMro } from './classes.js'
import { raise } from './exceptions.js'
import { getItem } from './subscript.js'
import type { Interpreter } from './interpreter.js'
import { classOf, placeholderError } from './objects.js'
import { sizeClass } from './types.js'
import { floatRepr, showValue, typeName } from '../contract/values.js'
import type { Value } from '../contract/values.js'

/** Deepest nesting `repr` writes out (deeper containers print as `...`). */
const maxReprDepth = 20

/** `repr(value)`, charging the characters it makes. */
export function pyRepr(it: Interpreter, value: Value, span: SourceSpan): string {
  const text = repr(it, value, span, 0)
  it.budget.string(text.length, span)
  return text
}

/** `str(value)`, charging the characters it makes. */
export function pyStr(it: Interpreter, value: Value, span: SourceSpan): string {
  if (value.kind === 'str') return value.value
  if (value.kind === 'device') return value.name
  if (value.kind === 'instance') {
    const f = lookupInMro(value.cls, '__str__')
    if (f && f.owner.user) return stringResult(it, it.callWith(f.value, [value], span), '__str__', span)
    if (value.cls.isException) {
      const args = (value.native as { args?: Value } | undefined)?.args
      if (args?.kind === 'tuple') {
        if (args.items.length === 0) return ''
        if (args.items.length === 1) return pyStr(it, args.items[0]!, span)
        return pyRepr(it, args, span)
      }
    }
  }
  return pyRepr(it, value, span)
}

function stringResult(it: Interpreter, value: Value, method: string, span: SourceSpan): string {
  if (value.kind !== 'str') raise('TypeError', 'type', `\`${method}\` returned ${typeName(value)}, not a string.`, span)
  return value.value
}

function repr(it: Interpreter, value: Value, span: SourceSpan, depth: number): string {
  if (depth > maxReprDepth) return '...'
  switch (value.kind) {
    case 'int':
      it.budget.string(value.value.toString(16).length * 1.21, span)
      return value.value.toString()
    case 'float':
      return floatRepr(value.value)
    case 'str':
      return stringLiteral(value.value)
    case 'device': {
      const [type, index] = value.name.split(':')
      return index === undefined ? `device(type='${type}')` : `device(type='${type}', index=${index})`
    }
    case 'bool':
      return value.value ? 'True' : 'False'
    case 'none':
      return 'None'
    case 'tuple':
      if (value.cls === sizeClass) return `torch.Size([${items(it, value.items, span, depth)}])`
      // a namedtuple: `Point(x=1, y=2)`
      if (value.cls && value.fields && value.fields.length === value.items.length && value.fields.length > 0 && !lookupInMro(value.cls, '__repr__')?.owner.user) {
        return `${value.cls.name}(${value.fields.map((f, i) => `${f}=${repr(it, value.items[i]!, span, depth + 1)}`).join(', ')})`
      }
      if (value.items.length === 1) return `(${repr(it, value.items[0]!, span, depth + 1)},)`
      return `(${items(it, value.items, span, depth)})`
    case 'list':
      return `[${items(it, value.items, span, depth)}]`
    case 'dict': {
      it.budget.string(value.entries.length * 4, span)
      const body = value.entries.map(([k, v]) => `${repr(it, k, span, depth + 1)}: ${repr(it, v, span, depth + 1)}`).join(', ')
      return value.ordered ? `OrderedDict({${body}})` : `{${body}}`
    }
    case 'set':
      if (value.items.size === 0) return value.frozen ? 'frozenset()' : 'set()'
      return value.frozen ? `frozenset({${items(it, [...value.items.values()], span, depth)}})` : `{${items(it, [...value.items.values()], span, depth)}}`
    case 'instance': {
      const f = lookupInMro(value.cls, '__repr__')
      if (f && f.owner.user) return stringResult(it, it.callWith(f.value, [value], span), '__repr__', span)
      if (value.cls.isException) {
        const args = (value.native as { args?: Value } | undefined)?.args
        return `${value.cls.name}${args?.kind === 'tuple' ? (args.items.length === 1 ? `(${repr(it, args.items[0]!, span, depth + 1)})` : repr(it, args, span, depth + 1)) : '()'}`
      }
      if (value.cls.dataclass) {
        return `${value.cls.name}(${value.cls.dataclass.map((f) => `${f.name}=${repr(it, it.getattr(value, f.name, span), span, depth + 1)}`).join(', ')})`
      }
      return `<${value.cls.module}.${value.cls.qualname} object>`
    }
    case 'module':
      return `${value.module.type}()`
    case 'class':
      return `<class '${value.cls.module === 'builtins' ? '' : `${value.cls.module}.`}${value.cls.qualname}'>`
    case 'function':
      return `<function ${value.qualname}>`
    case 'callable':
      return `<built-in function ${value.name}>`
    case 'range':
      return value.step === 1n ? `range(${value.start}, ${value.stop})` : `range(${value.start}, ${value.stop}, ${value.step})`
    case 'slice':
      return `slice(${repr(it, value.start, span, depth + 1)}, ${repr(it, value.stop, span, depth + 1)}, ${repr(it, value.step, span, depth + 1)})`
    case 'placeholder':
      throw placeholderError(value, span)
    case 'tensor':
      return `tensor(shape=(${value.shape.join(', ')}), dtype=torch.${value.dtype}${value.isParameter ? ', parameter' : ''})`
    case 'complex':
      return value.real === 0 ? `${floatRepr(value.imag).replace(/\.0$/, '')}j` : `(${floatRepr(value.real).replace(/\.0$/, '')}${value.imag < 0 ? '-' : '+'}${floatRepr(Math.abs(value.imag)).replace(/\.0$/, '')}j)`
    default:
      return showValue(value)
  }
}

function items(it: Interpreter, values: readonly Value[], span: SourceSpan, depth: number): string {
  it.budget.string(values.length * 2, span)
  return values.map((v) => repr(it, v, span, depth + 1)).join(', ')
}

// ---------------------------------------------------------------------------------------------
// Format specifications (`format(x, '>8.2f')`, f-strings, `str.format`)

interface Spec {
  fill: string
  align: string
  sign: string
  alternate: boolean
  zero: boolean
  width: number
  grouping: string
  precision: number | undefined
  type: string
}

function parseSpec(spec: string, span: SourceSpan): Spec {
  const m = /^(?:(.)?([<>=^]))?([+\- ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/su.exec(spec)
  if (!m) return raise('ValueError', 'argument-value', `Invalid format specification \`${spec}\`.`, span)
  const width = m[7] === undefined ? 0 : Number(m[7])
  const precision = m[9] === undefined ? undefined : Number(m[9])
  if (width > 10_000 || (precision ?? 0) > 10_000) raise('ValueError', 'argument-value', `Format width or precision too large in \`${spec}\`.`, span)
  return {
    fill: m[1] ?? (m[6] && !m[2] ? '0' : ' '),
    align: m[2] ?? (m[6] ? '=' : ''),
    sign: m[3] ?? '-',
    alternate: m[5] !== undefined,
    zero: m[6] !== undefined,
    width,
    grouping: m[8] ?? '',
    precision,
    type: m[10] ?? '',
  }
}

function group(digits: string, separator: string, every = 3): string {
  if (!separator) return digits
  const [whole, fraction] = digits.split('.') as [string, string | undefined]
  const grouped = whole.replace(new RegExp(`\\B(?=(\\d{${every}})+(?!\\d))`, 'g'), separator)
  return fraction === undefined ? grouped : `${grouped}.${fraction}`
}

function pad(body: string, sign: string, spec: Spec, defaultAlign: string): string {
  const length = [...body].length + sign.length
  if (length >= spec.width) return sign + body
  const fill = spec.fill.repeat(spec.width - length)
  switch (spec.align || defaultAlign) {
    case '<':
      return sign + body + fill
    case '^': {
      const half = Math.floor(fill.length / 2)
      return fill.slice(0, half) + sign + body + fill.slice(half)
    }
    case '=':
      return sign + fill + body
    default:
      return fill + sign + body
  }
}

/** The exact decimal value of a finite non-negative double: `digits / 10^scale`. */
function exactDecimal(x: number): { digits: bigint; scale: number } {
  const view = new DataView(new ArrayBuffer(8))
  view.setFloat64(0, x)
  const bits = view.getBigUint64(0)
  const exponent = Number((bits >> 52n) & 0x7ffn)
  const fraction = bits & ((1n << 52n) - 1n)
  const mantissa = exponent === 0 ? fraction : fraction | (1n << 52n)
  const e = exponent === 0 ? -1074 : exponent - 1075
  if (e >= 0) return { digits: mantissa << BigInt(e), scale: 0 }
  return { digits: mantissa * 5n ** BigInt(-e), scale: -e }
}

/** `digits / 10^drop` rounded half to even, as Python rounds the exact value of a double. */
function roundHalfEvenBig(digits: bigint, drop: number): bigint {
  if (drop <= 0) return digits * 10n ** BigInt(-drop)
  const divisor = 10n ** BigInt(drop)
  let q = digits / divisor
  const twice = (digits % divisor) * 2n
  if (twice > divisor || (twice === divisor && q % 2n === 1n)) q++
  return q
}

/** `x` with `precision` decimals, correctly rounded (ties to even on the exact binary value), as Python's `'%.*f'`. */
export function toFixedExact(x: number, precision: number): string {
  const { digits, scale } = exactDecimal(Math.abs(x))
  const q = roundHalfEvenBig(digits, scale - precision).toString().padStart(precision + 1, '0')
  const text = precision === 0 ? q : `${q.slice(0, -precision)}.${q.slice(-precision)}`
  return x < 0 || Object.is(x, -0) ? `-${text}` : text
}

/** Python's `'%.*e'` mantissa/exponent form (`1.50e+03`), correctly rounded. */
function exponential(x: number, precision: number, upper: boolean): string {
  let mantissa: string
  let exp: number
  if (x === 0) {
    mantissa = precision === 0 ? '0' : `0.${'0'.repeat(precision)}`
    exp = 0
  } else {
    const { digits, scale } = exactDecimal(Math.abs(x))
    const length = digits.toString().length
    let q = roundHalfEvenBig(digits, length - (precision + 1))
    exp = length - scale - 1
    if (q.toString().length > precision + 1) {
      q /= 10n
      exp++
    }
    const d = q.toString()
    mantissa = precision === 0 ? d : `${d[0]}.${d.slice(1)}`
  }
  const e = `e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`
  return (x < 0 ? '-' : '') + mantissa + (upper ? e.toUpperCase() : e)
}

/** `%g` / `{:g}`: fixed or exponential by the exponent, trailing zeros removed unless `#`. */
function general(x: number, precision: number, alternate: boolean, upper: boolean): string {
  const p = precision === 0 ? 1 : precision
  if (x === 0) return alternate ? `0.${'0'.repeat(p - 1)}` : '0'
  const rounded = exponential(x, p - 1, false)
  const exp = Number(rounded.slice(rounded.indexOf('e') + 1))
  let text = exp < -4 || exp >= p ? exponential(x, p - 1, upper) : toFixedExact(x, Math.max(0, p - 1 - exp))
  if (!alternate) {
    text = text.replace(/(\.\d*?)0+(e|E|$)/, '$1$2').replace(/\.(e|E|$)/, '$1')
  }
  return text
}

function formatFloat(x: number, spec: Spec, span: SourceSpan): string {
  const negative = x < 0 || Object.is(x, -0)
  const abs = Math.abs(x)
  let body: string
  const type = spec.type
  if (!Number.isFinite(abs)) body = Number.isNaN(abs) ? 'nan' : 'inf'
  else {
    switch (type) {
      case 'f':
      case 'F':
        body = toFixedExact(abs, spec.precision ?? 6)
        break
      case 'e':
      case 'E':
        body = exponential(abs, spec.precision ?? 6, type === 'E')
        break
      case '%':
        body = `${toFixedExact(abs * 100, spec.precision ?? 6)}%`
        break
      case 'g':
      case 'G':
      case 'n':
        body = general(abs, spec.precision ?? 6, spec.alternate, type === 'G')
        break
      case '':
        body = spec.precision === undefined ? floatRepr(abs) : general(abs, spec.precision, spec.alternate, false)
        break
      default:
        return raise('ValueError', 'argument-value', `Unknown format code '${type}' for a float.`, span)
    }
  }
  if (type === 'F' || type === 'E' || type === 'G') body = body.toUpperCase()
  body = group(body, spec.grouping)
  const sign = negative ? '-' : spec.sign === '+' ? '+' : spec.sign === ' ' ? ' ' : ''
  return pad(body, sign, spec, '>')
}

function formatInt(it: Interpreter, x: bigint, spec: Spec, span: SourceSpan): string {
  const type = spec.type
  if ('eEfFgG%'.includes(type) && type !== '') return formatFloat(Number(x), spec, span)
  const abs = x < 0n ? -x : x
  let body: string
  let prefix = ''
  switch (type) {
    case 'b':
      body = abs.toString(2)
      prefix = '0b'
      break
    case 'o':
      body = abs.toString(8)
      prefix = '0o'
      break
    case 'x':
    case 'X':
      body = abs.toString(16)
      prefix = '0x'
      if (type === 'X') {
        body = body.toUpperCase()
        prefix = '0X'
      }
      break
    case 'c':
      body = String.fromCodePoint(Number(abs))
      break
    case 'd':
    case 'n':
    case '':
      body = abs.toString()
      break
    default:
      return raise('ValueError', 'argument-value', `Unknown format code '${type}' for an int.`, span)
  }
  it.budget.string(body.length, span)
  body = group(body, spec.grouping, type === 'b' || type === 'o' || type === 'x' || type === 'X' ? 4 : 3)
  const sign = x < 0n ? '-' : spec.sign === '+' ? '+' : spec.sign === ' ' ? ' ' : ''
  return pad(body, sign + (spec.alternate ? prefix : ''), spec, '>')
}

/** `format(value, spec)`: Python's format mini-language for ints, floats and strings; other values format their `str`. */
export function formatValue(it: Interpreter, value: Value, specText: string, span: SourceSpan): string {
  if (value.kind === 'instance') {
    const f = lookupInMro(value.cls, '__format__')
    if (f && f.owner.user) return stringResult(it, it.callWith(f.value, [value, { kind: 'str', value: specText }], span), '__format__', span)
  }
  if (specText === '') return pyStr(it, value, span)
  const spec = parseSpec(specText, span)
  let out: string
  switch (value.kind) {
    case 'int':
      out = formatInt(it, value.value, spec, span)
      break
    case 'bool':
      out = spec.type === '' ? pad(value.value ? 'True' : 'False', '', spec, '<') : formatInt(it, value.value ? 1n : 0n, spec, span)
      break
    case 'float':
      out = formatFloat(value.value, spec, span)
      break
    default: {
      if (spec.type !== '' && spec.type !== 's') raise('ValueError', 'argument-value', `Unknown format code '${spec.type}' for a ${classOf(it, value, span).name}.`, span)
      let text = pyStr(it, value, span)
      if (spec.precision !== undefined) text = text.slice(0, spec.precision)
      out = pad(text, '', spec, '<')
    }
  }
  it.budget.string(out.length, span)
  return out
}

/** `fmt % args`: printf-style formatting (`%d`, `%.2f`, `%s`, `%(name)s`, …). */
export function percentFormat(it: Interpreter, format: string, args: Value, span: SourceSpan): string {
  const positional = args.kind === 'tuple' ? args.items : [args]
  let next = 0
  const take = (): Value => {
    if (next >= positional.length) raise('TypeError', 'type', 'Not enough arguments for format string.', span)
    return positional[next++]!
  }
  const out: string[] = []
  const re = /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])/g
  let last = 0
  for (let m = re.exec(format); m !== null; m = re.exec(format)) {
    out.push(format.slice(last, m.index))
    last = re.lastIndex
    const [, key, flags = '', widthText, precisionText, conversion] = m
    if (conversion === '%') {
      out.push('%')
      continue
    }
    let value: Value
    if (key !== undefined) {
      if (args.kind !== 'dict') raise('TypeError', 'type', 'Format requires a mapping.', span)
      value = it.call(it.getattr(args, 'get', span), [{ value: { kind: 'str', value: key }, span, valueSpan: span }], span)
    } else value = take()
    const width = widthText === '*' ? Number((take() as { value: bigint }).value) : widthText === undefined ? 0 : Number(widthText)
    const precision = precisionText === '*' ? Number((take() as { value: bigint }).value) : precisionText === undefined ? undefined : Number(precisionText)
    const align = flags.includes('-') ? '<' : flags.includes('0') && 'diouxXeEfFgG'.includes(conversion!) ? '=' : '>'
    const fill = align === '=' ? '0' : ' '
    const sign = flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '-'
    let text: string
    switch (conversion) {
      case 's':
        text = formatValue(it, value, `${fill}${align}${width || ''}${precision === undefined ? '' : `.${precision}`}`, span)
        break
      case 'r':
      case 'a':
        text = formatValue(it, { kind: 'str', value: pyRepr(it, value, span) }, `${fill}${align}${width || ''}`, span)
        break
      case 'c':
        text = value.kind === 'str' ? value.value : String.fromCodePoint(Number((value as { value: bigint }).value))
        break
      default: {
        const numeric = value.kind === 'bool' ? { kind: 'int' as const, value: value.value ? 1n : 0n } : value
        if (numeric.kind !== 'int' && numeric.kind !== 'float') raise('TypeError', 'type', `%${conversion} format: a real number is required, not ${typeName(value)}.`, span)
        const type = conversion === 'i' || conversion === 'u' ? 'd' : conversion!
        const asInt = type === 'd' || type === 'o' || type === 'x' || type === 'X'
        const v: Value = asInt && numeric.kind === 'float' ? { kind: 'int', value: BigInt(Math.trunc(numeric.value)) } : numeric
        const spec = `${fill}${align}${sign === '-' ? '' : sign}${flags.includes('#') ? '#' : ''}${width || ''}${precision === undefined || asInt ? '' : `.${precision}`}${type}`
        text = formatValue(it, v, spec, span)
      }
    }
    it.budget.string(text.length, span)
    out.push(text)
  }
  out.push(format.slice(last))
  if (args.kind === 'tuple' && next < positional.length && !format.includes('%(')) raise('TypeError', 'type', 'Not all arguments converted during string formatting.', span)
  return out.join('')
}

/** `template.format(*args, **kwargs)`. */
export function strFormat(it: Interpreter, template: string, positional: readonly Value[], named: ReadonlyMap<string, Value>, span: SourceSpan): string {
  let auto = 0
  const out: string[] = []
  let i = 0
  while (i < template.length) {
    const c = template[i]!
    if (c === '{' && template[i + 1] === '{') {
      out.push('{')
      i += 2
      continue
    }
    if (c === '}' && template[i + 1] === '}') {
      out.push('}')
      i += 2
      continue
    }
    if (c !== '{') {
      const nextBrace = template.slice(i).search(/[{}]/)
      const end = nextBrace < 0 ? template.length : i + nextBrace
      if (end === i) raise('ValueError', 'argument-value', "Single '}' encountered in format string.", span)
      out.push(template.slice(i, end))
      i = end
      continue
    }
    // A replacement field: {name!conv:spec}, nested braces allowed in spec.
    let depth = 1
    let j = i + 1
    while (j < template.length && depth > 0) {
      if (template[j] === '{') depth++
      else if (template[j] === '}') depth--
      j++
    }
    if (depth > 0) raise('ValueError', 'argument-value', "Single '{' encountered in format string.", span)
    const field = template.slice(i + 1, j - 1)
    i = j
    const m = /^([^!:]*)(?:!([rsa]))?(?::(.*))?$/s.exec(field)!
    const [, reference = '', conversion, rawSpec = ''] = m
    const [head = '', ...rest] = reference.split(/(?=[.[])/)
    let value: Value
    if (head === '') {
      if (auto >= positional.length) raise('IndexError', 'argument-value', `Replacement index ${auto} out of range for positional args tuple.`, span)
      value = positional[auto++]!
    } else if (/^\d+$/.test(head)) {
      const n = Number(head)
      if (n >= positional.length) raise('IndexError', 'argument-value', `Replacement index ${n} out of range for positional args tuple.`, span)
      value = positional[n]!
    } else {
      const found = named.get(head)
      if (found === undefined) raise('KeyError', 'argument-value', `Key '${head}' is not given to \`format\`.`, span)
      value = found
    }
    for (const part of rest) {
      if (part.startsWith('.')) value = it.getattr(value, part.slice(1), span)
      else {
        const key = part.slice(1, -1)
        value = getItem(it, value, /^\d+$/.test(key) ? { kind: 'int', value: BigInt(key) } : { kind: 'str', value: key }, span)
      }
    }
    if (conversion === 'r' || conversion === 'a') value = { kind: 'str', value: pyRepr(it, value, span) }
    else if (conversion === 's') value = { kind: 'str', value: pyStr(it, value, span) }
    const spec = rawSpec.includes('{') ? strFormat(it, rawSpec, positional, named, span) : rawSpec
    const text = formatValue(it, value, spec, span)
    it.budget.string(text.length, span)
    out.push(text)
  }
  return out.join('')
}
