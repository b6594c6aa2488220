import { describe, expect, it } from 'vitest'
import { didYouMean, editDistance, suggest } from './suggest.js'

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and swaps', () => {
    expect(editDistance('kernal_size', 'kernel_size')).toBe(1)
    expect(editDistance('ab', 'ba')).toBe(1)
    expect(editDistance('', 'abc')).toBe(3)
  })
})

describe('suggest', () => {
  it('prefers a case-insensitive exact match alone', () => {
    expect(suggest('Conv2D', ['Conv1d', 'Conv2d', 'Conv3d'])).toEqual(['Conv2d'])
  })
  it('returns close candidates best first', () => {
    expect(suggest('kernal_size', ['kernel_size', 'stride', 'padding'])).toEqual(['kernel_size'])
    expect(suggest('Lineer', ['Linear', 'Bilinear', 'ReLU'])).toEqual(['Linear'])
  })
  it('returns nothing for unrelated words', () => {
    expect(suggest('xyzzy', ['Linear', 'ReLU'])).toEqual([])
  })
})

describe('didYouMean', () => {
  it('lists one, two or more suggestions', () => {
    expect(didYouMean([])).toBe('')
    expect(didYouMean(['a'])).toBe(' Did you mean `a`?')
    expect(didYouMean(['a', 'b', 'c'])).toBe(' Did you mean `a`, `b` or `c`?')
  })
})
