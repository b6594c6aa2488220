import { describe, expect, it } from 'vitest'
import { python, pythonError } from '../../test/interpret.js'

// Each value and message below is what Python 3.11 (the venv of PyTorch 2.13) gives for the same expression.

describe('complex arithmetic with ints, floats and bools', () => {
  it('adds, subtracts, multiplies and divides as CPython does', () => {
    python(`
assert 1 + 2j == complex(1, 2) and 2j + 1 == complex(1, 2) and 1.5 - 2j == complex(1.5, -2) and True + 1j == complex(1, 1)
assert 2 * (1 + 2j) == complex(2, 4) and (1 + 2j) * (3 - 1j) == complex(5, 5)
assert (1 + 2j) / 2 == complex(0.5, 1) and 1 / (1 + 2j) == complex(0.2, -0.4) and (1 + 2j) / (3 + 4j) == complex(0.44, 0.08)
assert -(1 + 2j) == complex(-1, -2) and +(1 - 2j) == complex(1, -2)
`)
  })

  it('raises to powers by squaring for small integral exponents, else in polar form', () => {
    python(`
assert (1 + 2j) ** 2 == complex(-3, 4) and (1 + 2j) ** -2 == complex(-0.12, -0.16)
assert (1 + 2j) ** 0.5 == complex(1.272019649514069, 0.7861513777574233)
assert 2 ** 1j == complex(0.7692389013639721, 0.6389612763136348)
assert (1 + 2j) ** 101 == complex(5.783317924538885e+34, -1.8999570689734468e+35)
`)
  })

  it('raises what Python raises', () => {
    expect(pythonError('1j / 0').message).toContain('complex division by zero')
    expect(pythonError('0j ** -1').message).toContain('0.0 to a negative or complex power')
    expect(pythonError('(1 + 1j) // 2').message).toContain('Unsupported operand types for `//`: complex and int')
    expect(pythonError('~1j').message).toContain('Bad operand type for unary `~`: complex')
  })
})
