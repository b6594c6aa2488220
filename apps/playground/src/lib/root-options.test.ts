import { describe, expect, it } from 'vitest'
import { analyze } from '@nnsize/core'
import { callArguments, switchOptions } from './root-options.ts'

const switches = (source: string) => switchOptions(analyze(source))

describe('switchOptions', () => {
  it('offers bias for Conv2d and adds bias=False to turn it off', () => {
    expect(switches('Conv2d(128, 256, 3)')).toEqual([{ name: 'bias', value: true, toggled: 'Conv2d(128, 256, 3, bias=False)' }])
  })

  it('removes the keyword again when the value returns to its default', () => {
    expect(switches('nn.Conv2d(128, 256, 3, bias=False)')[0]).toEqual({ name: 'bias', value: false, toggled: 'nn.Conv2d(128, 256, 3)' })
    expect(switches('Linear(bias=False, in_features=2, out_features=3)')[0]?.toggled).toBe('Linear(in_features=2, out_features=3)')
  })

  it('rewrites a keyword given at its default value', () => {
    expect(switches('Linear(2, 3, bias = True)')[0]?.toggled).toBe('Linear(2, 3, bias = False)')
  })

  it('rewrites a value given by position', () => {
    expect(switches('Linear(2, 3, False)')[0]?.toggled).toBe('Linear(2, 3, True)')
  })

  it('adds after a trailing comma and into an empty call', () => {
    expect(switches('Linear(2, 3,)')[0]?.toggled).toBe('Linear(2, 3, bias=False)')
  })

  it('edits the final call of a program, leaving the lines before it alone', () => {
    expect(switches('n = 4\nLinear(n, n * 2)')[0]?.toggled).toBe('n = 4\nLinear(n, n * 2, bias=False)')
  })

  it('offers nothing for a container, whose bias lives in its children', () => {
    expect(switches('nn.Sequential(nn.Linear(2, 3), nn.ReLU())')).toEqual([])
  })

  it('offers nothing when arguments are unpacked with *', () => {
    expect(switches('Linear(*[2, 3])')).toEqual([])
  })

  it('turns the switch back and forth to the same count as writing it by hand', () => {
    const off = switches('Conv2d(128, 256, 3)')[0]!.toggled
    expect(analyze(off).params.total).toBe(analyze('Conv2d(128, 256, 3, bias=False)').params.total)
    expect(switches(off)[0]!.toggled).toBe('Conv2d(128, 256, 3)')
  })
})

describe('callArguments', () => {
  it('splits top-level arguments, keeping nested brackets and strings whole', () => {
    const source = 'f(1, (2, 3), x="a,b", y=[4, 5])'
    const call = callArguments(source, 1)
    expect(call?.close).toBe(source.length - 1)
    expect(call?.args.map((a) => [a.keyword, source.slice(a.start, a.end), source.slice(a.valueStart, a.end)])).toEqual([
      [undefined, '1', '1'],
      [undefined, '(2, 3)', '(2, 3)'],
      ['x', 'x="a,b"', '"a,b"'],
      ['y', 'y=[4, 5]', '[4, 5]'],
    ])
  })

  it('gives up on an unclosed call', () => {
    expect(callArguments('f(1, 2', 1)).toBeUndefined()
  })
})
