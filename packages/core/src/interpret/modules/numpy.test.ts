import { describe, expect, it } from 'vitest'
import { python, pythonError } from '../../../test/interpret.js'

describe('numpy scalars', () => {
  it('have item and astype, as numpy 2 gives them (Informer\'s `np.ceil(np.log(L_K)).astype("int").item()`)', () => {
    // Values of numpy 2 (Python 3.11).
    python(`
import numpy as np
a = np.ceil(np.log(96))
assert a == 5.0 and isinstance(a, float)
b = a.astype('int')
assert b == 5 and b.item() == 5 and isinstance(b.item(), int)
assert 5 * a.astype('int').item() == 25 and np.log(10).astype(int) == 2
assert np.log(10.).astype('float32').item() == 2.3025851249694824
assert np.sqrt(2).item() == 2 ** 0.5 and isinstance(np.sqrt(2).item(), float)
assert np.floor(-2.5).astype('int64').item() == -3 and np.log(0.06).astype(int).item() == -2
`)
  })

  it('power, maximum, minimum, prod and sum: int64 of ints, float64 otherwise (StarGAN\'s `np.power(2, repeat_num)`)', () => {
    // Values of numpy 2 (Python 3.11).
    python(`
import numpy as np
assert np.power(2, 4) == 16 and isinstance(np.power(2, 4).item(), int) and int(32 / np.power(2, 4)) == 2
assert np.power(2.0, 3) == 8.0 and isinstance(np.power(2.0, 3).item(), float) and np.power(2, 0.5) == 2 ** 0.5
assert np.maximum(3, 4.5) == 4.5 and np.minimum(3, 4) == 3 and isinstance(np.minimum(3, 4).item(), int)
assert np.prod([2, 3]) == 6 and isinstance(np.prod([2, 3]).item(), int) and np.prod((2, 3.0)) == 6.0
assert np.sum([1, 2]) == 3 and np.prod([]) == 1.0 and isinstance(np.prod([]).item(), float)
assert np.power(2, 63) == -9223372036854775808
`)
    expect(pythonError('import numpy as np\nnp.power(2, -1)').message).toContain('Integers to negative integer powers are not allowed.')
  })

  it('refuses an astype numpy does not know, and Python floats have no astype', () => {
    expect(pythonError("import numpy as np\nnp.log(3).astype('foo')").message).toContain('`astype` of a numpy scalar is modelled for')
    expect(pythonError('x = 3.0\nx.astype(int)').message).toContain('has no attribute `astype`')
  })
})
