import { describe, expect, it } from 'vitest'
import { NnsizeError } from '../../errors.js'
import { isJSONObject, parseJSON } from './json.js'

function errorOf(text: string): NnsizeError {
  try {
    parseJSON(text)
  } catch (e) {
    if (NnsizeError.isInstance(e)) return e
    throw e
  }
  throw new Error('no error')
}

describe('parseJSON', () => {
  it('parses objects, arrays, strings with escapes, numbers, booleans and null', () => {
    expect(parseJSON('{"a": [1, -2.5e3, true, false, null], "b": "x\\n\\u00e9\\"", "c": {}}')).toEqual({ a: [1, -2500, true, false, null], b: 'x\né"', c: {} })
  })

  it('makes objects without a prototype, so __proto__ and constructor are plain keys', () => {
    const value = parseJSON('{"__proto__": {"polluted": 1}, "constructor": 2}')
    expect(isJSONObject(value)).toBe(true)
    expect(Object.getPrototypeOf(value)).toBeNull()
    expect(Object.keys(value as object)).toEqual(['__proto__', 'constructor'])
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  })

  it('skips a leading byte-order mark', () => {
    expect(parseJSON('\ufeff{"a": 1}')).toEqual({ a: 1 })
  })

  it('keeps the last of duplicate keys, as Python does', () => {
    expect(parseJSON('{"a": 1, "a": 2}')).toEqual({ a: 2 })
  })

  it('gives the line, column and offset of a syntax error, with a span', () => {
    const e = errorOf('{\n  "a": 1,\n  "b" 2\n}')
    expect(e.code).toBe('config')
    expect(e.message).toBe('Malformed JSON at line 3, column 7 (offset 18): expected `:` after a key, found `2`.')
    expect(e.span).toEqual({ start: 18, end: 19 })
  })

  it('reports a trailing comma, an unterminated string, trailing text and the end of the text', () => {
    expect(errorOf('{"a": 1,}').message).toContain('expected a string key, found `}`')
    expect(errorOf('{"a": "x').message).toContain('unterminated string')
    expect(errorOf('{} x').message).toContain('unexpected text after the JSON value')
    expect(errorOf('{"a": ').message).toContain('found the end of the text')
  })

  it('rejects NaN and Infinity, which Python writes but JSON does not have', () => {
    expect(errorOf('{"a": NaN}').message).toContain('`NaN` and `Infinity` are not JSON')
  })

  it('reads huge numbers as floats (checked later by the config reader) and refuses deep nesting', () => {
    expect(parseJSON('{"a": 1e400}')).toEqual({ a: Infinity })
    expect(errorOf('['.repeat(600)).message).toContain('nesting deeper than 500')
  })
})
