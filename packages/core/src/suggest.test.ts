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
  it('does not take a short word for another one edit away unless both start alike', () => {
    expect(suggest('tf', ['F', 'nn', 'torch'])).toEqual([])
    expect(suggest('gpu', ['cpu', 'cuda'])).toEqual([])
    expect(suggest('Rlu', ['ReLU', 'GELU'])).toEqual(['ReLU'])
    expect(suggest('lrr', ['lr', 'eps'])).toEqual(['lr'])
  })
  it('takes a prefix only when it leaves out a little', () => {
    expect(suggest('Dense', ['densenet121', 'densenet161', 'Linear'])).toEqual([])
    expect(suggest('resnet', ['resnet18', 'resnet50', 'vgg11'])).toEqual(['resnet18', 'resnet50'])
  })
})

describe('didYouMean', () => {
  it('lists one, two or more suggestions', () => {
    expect(didYouMean([])).toBe('')
    expect(didYouMean(['a'])).toBe(' Did you mean `a`?')
    expect(didYouMean(['a', 'b', 'c'])).toBe(' Did you mean `a`, `b` or `c`?')
  })
})
