import { describe, expect, it } from 'vitest'
import { modelClasses } from '@nnsize/core'
import { entryFor, parametersText } from './classes.ts'

describe('parametersText and entryFor', () => {
  it('write a constructor as Python does, with *, *args and **kwargs', () => {
    const [net] = modelClasses("class Net(nn.Module):\n    def __init__(self, a, b=2, *rest, c='x', d, **kw):\n        pass\n")
    expect(parametersText(net!)).toBe("(a, b=2, *rest, c='x', d, **kw)")
    const [only] = modelClasses('class K(nn.Module):\n    def __init__(self, *, k=1):\n        pass\n')
    expect(parametersText(only!)).toBe('(*, k=1)')
    expect(entryFor(net!, ' 3, 2 ')).toBe('Net(3, 2)')
  })
})
