import { NnsizeError } from '../../errors.js'
import { limits } from '../../limits.js'

/** A JSON value as {@link parseJSON} returns it. Objects have no prototype, so no key can reach `Object.prototype`. */
export type JSONValue = null | boolean | number | string | JSONValue[] | JSONObject

/** A JSON object: own keys only, no prototype. */
export interface JSONObject {
  [key: string]: JSONValue
}

/** True for a JSON object (not an array, not null). */
export function isJSONObject(value: unknown): value is JSONObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** "line 3, column 7" for an offset into `text`. */
function position(text: string, offset: number): string {
  let line = 1
  let column = 1
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++
      column = 1
    } else column++
  }
  return `line ${line}, column ${column}`
}

/**
 * Parses JSON text strictly (RFC 8259), with errors that give the position. Duplicate keys keep the
 * last value, as Python's `json` does. Objects are created without a prototype, so `__proto__` and
 * `constructor` are ordinary keys.
 */
export function parseJSON(text: string): JSONValue {
  if (text.length > limits.maxSourceChars) {
    throw new NnsizeError('limit', `The JSON text has ${text.length.toLocaleString('en-US')} characters; the limit is ${limits.maxSourceChars.toLocaleString('en-US')}.`)
  }
  let i = 0
  const fail = (message: string, at = i): never => {
    const found = at >= text.length ? 'the end of the text' : `\`${text[at]}\``
    throw new NnsizeError('config', `Malformed JSON at ${position(text, at)} (offset ${at}): ${message}, found ${found}.`, { span: { start: at, end: Math.min(at + 1, text.length) } })
  }
  const skip = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++
  }
  const string = (): string => {
    // text[i] === '"'
    i++
    let out = ''
    let start = i
    for (;;) {
      if (i >= text.length) fail('unterminated string')
      const c = text.charCodeAt(i)
      if (c === 0x22) {
        out += text.slice(start, i)
        i++
        return out
      }
      if (c < 0x20) fail('control character in a string')
      if (c === 0x5c) {
        out += text.slice(start, i)
        const e = text[i + 1]
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }
        if (e !== undefined && Object.hasOwn(simple, e)) {
          out += simple[e]
          i += 2
        } else if (e === 'u') {
          const hex = text.slice(i + 2, i + 6)
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad `\\u` escape', i)
          out += String.fromCharCode(parseInt(hex, 16))
          i += 6
        } else fail('bad escape in a string', i + 1)
        start = i
        continue
      }
      i++
    }
  }
  const value = (depth: number): JSONValue => {
    if (depth > limits.maxNestingDepth) fail(`nesting deeper than ${limits.maxNestingDepth}`)
    skip()
    const c = text[i]
    if (c === '{') {
      i++
      const object = Object.create(null) as JSONObject
      skip()
      if (text[i] === '}') {
        i++
        return object
      }
      for (;;) {
        skip()
        if (text[i] !== '"') fail('expected a string key')
        const key = string()
        skip()
        if (text[i] !== ':') fail('expected `:` after a key')
        i++
        object[key] = value(depth + 1)
        skip()
        if (text[i] === ',') {
          i++
          continue
        }
        if (text[i] === '}') {
          i++
          return object
        }
        fail('expected `,` or `}`')
      }
    }
    if (c === '[') {
      i++
      const array: JSONValue[] = []
      skip()
      if (text[i] === ']') {
        i++
        return array
      }
      for (;;) {
        array.push(value(depth + 1))
        skip()
        if (text[i] === ',') {
          i++
          continue
        }
        if (text[i] === ']') {
          i++
          return array
        }
        fail('expected `,` or `]`')
      }
    }
    if (c === '"') return string()
    if (text.startsWith('true', i)) {
      i += 4
      return true
    }
    if (text.startsWith('false', i)) {
      i += 5
      return false
    }
    if (text.startsWith('null', i)) {
      i += 4
      return null
    }
    const number = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i, i + 400))
    if (number) {
      i += number[0].length
      return Number(number[0])
    }
    if (text.startsWith('NaN', i) || text.startsWith('Infinity', i) || text.startsWith('-Infinity', i)) fail('`NaN` and `Infinity` are not JSON')
    return fail('expected a value')
  }
  if (text.charCodeAt(0) === 0xfeff) i = 1 // a byte-order mark, as editors on Windows write it
  const result = value(0)
  skip()
  if (i < text.length) fail('unexpected text after the JSON value')
  return result
}
