import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { NnsizeError } from '../errors.js'
import { modelCollectionsPending } from './collections.js'

describe('model collections provided to be made on first use', () => {
  it('are not made by an expression of layers or a model file that names no model, and are made by a builder', () => {
    expect(modelCollectionsPending()).toBe(true)
    expect(analyze('Conv2d(128, 256, 3)').params.total).toBe(295_168n)
    expect(analyze({ files: { 'net.py': 'import torch.nn as nn\n\nmodel = nn.Linear(10, 20)\n' }, main: 'net.py' }).params.total).toBe(220n)
    expect(modelCollectionsPending()).toBe(true)
    // a name bound before they are made keeps its value after: `len` is the same builtin
    expect(analyze('x = len\ny = resnet18()\nnn.Linear(2, 3) if x is len else nn.Linear(1, 1)').params.total).toBe(9n)
    expect(modelCollectionsPending()).toBe(false)
    expect(analyze('resnet18()').params.total).toBe(11_689_512n)
  })

  it('are made to suggest a builder for a misspelt name', () => {
    const error = (() => {
      try {
        analyze('resnt18()')
      } catch (e) {
        return e
      }
      return undefined
    })()
    expect(NnsizeError.isInstance(error) && error.suggestions[0]).toBe('resnet18')
  })
})
