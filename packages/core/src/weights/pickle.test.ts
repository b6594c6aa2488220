import { describe, expect, it } from 'vitest'
import { bytes, op, u32, u64 } from '../../test/weights/build.js'
import { errorOf } from '../../test/support.js'
import { dictGet, pickleTruncated, readPickle } from './pickle.js'
import type { PickleHooks, PyValue } from './pickle.js'

/** Hooks that allow every global and record calls. */
const open: PickleHooks = {
  global: () => 'allowed',
  persistentLoad: (pid) => ({ kind: 'opaque', value: pid }),
  call: (fn, args) => ({ kind: 'call', fn, args, state: undefined }),
}
const read = (...parts: Uint8Array[]): PyValue => readPickle(bytes(...parts), open, 'test').value

describe('readPickle', () => {
  it('builds plain data from protocol 2 opcodes, with memo references shared', () => {
    const v = read(op.proto(2), op.emptyDict, op.mark, op.str('a'), op.emptyList, op.binput(1), op.str('b'), op.binget(1), op.setitems, op.stop)
    const a = dictGet(v, 'a')
    expect(a).toEqual({ kind: 'list', items: [] })
    expect(dictGet(v, 'b')).toBe(a)
  })

  it('reads the text opcodes of protocol 0', () => {
    const v = read(bytes('(lp0\nI12\naI01\naL123456789012345678901234567890L\naF0.5\naS\'text\'\nag0\na.'))
    expect(v).toMatchObject({ kind: 'list' })
    const items = (v as { items: PyValue[] }).items
    expect(items.slice(0, 5)).toEqual([12, true, 123456789012345678901234567890n, 0.5, 'text'])
    expect(items[5]).toBe(v)
  })

  it('reads protocol 4 framing, SHORT_BINUNICODE, MEMOIZE and STACK_GLOBAL', () => {
    const v = read(op.proto(4), bytes(0x95, u64(20)), bytes(0x8c, 3, 'mod', 0x94, 0x8c, 4, 'name', 0x94), op.stackGlobal, op.stop)
    expect(v).toMatchObject({ kind: 'global', module: 'mod', name: 'name' })
  })

  it('says which opcodes a pickle uses, and keeps the bytes of short bytes values', () => {
    const { value, opcodes } = readPickle(bytes(op.proto(3), op.emptyList, 0x43, 2, 'a', 0x00, op.append, op.stop), open, 'test')
    expect([...opcodes].sort((a, b) => a - b)).toEqual([0x2e, 0x43, 0x5d, 0x61, 0x80])
    expect((value as { items: PyValue[] }).items[0]).toEqual({ kind: 'bytes', length: 2, data: new Uint8Array([0x61, 0]) })
  })

  it('reads exact integers of any width LONG1 holds', () => {
    expect(read(op.proto(2), bytes(0x8a, 9, u64(0n), 0x01), op.stop)).toBe(2n ** 64n)
    expect(read(op.proto(2), bytes(0x8a, 1, 0xff), op.stop)).toBe(-1)
  })

  it('keeps a list that contains itself without looping', () => {
    const v = read(op.proto(2), op.emptyList, op.binput(0), op.binget(0), op.append, op.stop) as { items: PyValue[] }
    expect(v.items[0]).toBe(v)
  })

  it('builds 100,000 nested lists without recursion', () => {
    const n = 100_000
    const data = new Uint8Array(2 + n + (n - 1) + 1)
    data.set([0x80, 2])
    data.fill(0x5d, 2, 2 + n) // EMPTY_LIST
    data.fill(0x61, 2 + n, 2 + 2 * n - 1) // APPEND
    data[data.length - 1] = 0x2e
    let v = readPickle(data, open, 'test').value
    let depth = 0
    while (typeof v === 'object' && v !== null && v.kind === 'list' && v.items.length > 0) {
      v = v.items[0]!
      depth++
    }
    expect(depth).toBe(n - 1)
  })

  const refusals: Array<[string, Uint8Array, RegExp]> = [
    ['a memo entry never stored', bytes(op.proto(2), op.binget(7), op.stop), /memo entry 7, which it never stored/],
    ['a memo index far out', bytes(op.proto(2), op.longBinget(0xffffffff), op.stop), /memo entry 4294967295/],
    ['a string longer than the pickle', bytes(op.proto(2), 0x58, u32(0x7fffffff), 'ab', op.stop), /claims 2,147,483,647 bytes but only 3 are left/],
    ['a BINUNICODE8 of 2^62 bytes', bytes(op.proto(4), 0x8d, u64(2n ** 62n), op.stop), /claims 4,611,686,018,427,387,904 bytes/],
    ['bytes longer than the pickle', bytes(op.proto(3), 0x42, u32(1000), op.stop), /claim 1,000 bytes/],
    ['a pop from an empty stack', bytes(op.proto(2), op.append, op.stop), /pops more values than it pushed/],
    ['an unknown opcode', bytes(op.proto(2), 0xff, op.stop), /unknown pickle opcode 0xff/],
    ['a pickle without STOP', bytes(op.proto(2), op.none), /ends without STOP/],
    ['an integer of 100,000 digits', bytes('I', '9'.repeat(100_000), '\n.'), /text argument has no end of line|bad INT/],
    ['a LONG4 of a megabyte', bytes(op.proto(2), 0x8b, u32(1 << 20), new Uint8Array(1 << 20), op.stop), /larger than any checkpoint writes/],
    ['SETITEM on a list', bytes(op.proto(2), op.emptyList, op.none, op.none, op.setitem, op.stop), /SETITEM on something that is not a dict/],
    ['a protocol above 5', bytes(op.proto(9), op.stop), /unsupported pickle protocol 9/],
  ]
  for (const [what, data, message] of refusals) {
    it(`refuses ${what}`, () => {
      const started = performance.now()
      const e = errorOf(() => readPickle(data, open, 'test'))
      expect(e.code).toBe('weights-format')
      expect(e.message).toMatch(message)
      expect(performance.now() - started).toBeLessThan(1000)
    })
  }

  it('refuses the extension registry (EXT opcodes): globals by number', () => {
    expect(errorOf(() => readPickle(bytes(op.proto(2), 0x82, 1, op.stop), open, 'test')).code).toBe('unsafe-pickle')
  })

  it('asks for more bytes, when reading a prefix, rather than failing', () => {
    let thrown: unknown
    try {
      readPickle(bytes(op.proto(2), op.str('abcdef')).subarray(0, 6), open, 'test', true)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBe(pickleTruncated)
  })
})
