import { describe, expect, it } from 'vitest'
import { python, pythonError } from '../../../test/interpret.js'
import { PyError } from '../exceptions.js'

// Each program passes in Python 3.11 with numpy 2.4.6 and PyTorch 2.13.0 (CPU) as written (/work/torch-venv).
describe('numpy arrays: numpy 2 promotion and operators', () => {
  it('promote as NEP 50 does: Python numbers are weak, numpy scalars and arrays are not; int64 with float32 is float64', () => {
    python(`
import numpy as np
f32 = np.arange(3, dtype=np.float32)
i64 = np.arange(3)
# numpy 2's promotion: Python numbers are weak, numpy scalars and arrays are not
assert (f32 + 1.5).dtype == np.float32 and (i64 + 1.5).dtype == np.float64 and (i64 / 2).dtype == np.float64
assert (f32 * np.float64(2)).dtype == np.float64 and (f32 * np.float32(2)).dtype == np.float32 and (i64 + f32).dtype == np.float64
assert (np.arange(3, dtype=np.int16) + f32).dtype == np.float32 and (np.arange(3, dtype=np.uint8) + np.arange(3, dtype=np.int8)).dtype == np.int16
assert (np.arange(3, dtype=np.int8) + 1).dtype == np.int8 and (i64 ** 2).dtype == np.int64 and (2.0 ** i64).dtype == np.float64
b = np.array([True, False])
assert (b + b).dtype == np.bool_ and (b * b).dtype == np.bool_ and (b // b).dtype == np.int8
assert (f32 > 1).dtype == np.bool_ and (np.ones((2, 3)) + np.ones(3)).shape == (2, 3) and (np.ones((2, 3)) @ np.ones(3)).shape == (2,)
assert (1. / 10000 ** (np.arange(4, dtype=np.float64) / 4.)).dtype == np.float64
assert (np.arange(4) * 0.5).tolist() == [0.0, 0.5, 1.0, 1.5] and (np.arange(4, dtype=np.float32) / 3).tolist() == [0.0, 0.3333333432674408, 0.6666666865348816, 1.0]
assert (-np.arange(3)).tolist() == [0, -1, -2] and (~np.arange(3)).tolist() == [-1, -2, -3]
omega = np.arange(4, dtype=np.float64)
omega /= 2.
assert omega.dtype == np.float64 and omega.shape == (4,)
# functions of arrays
assert np.sin(i64).dtype == np.float64 and np.sin(np.arange(3, dtype=np.int16)).dtype == np.float32 and np.exp(f32).dtype == np.float32
assert np.floor(i64).dtype == np.int64 and np.floor(3) == 3 and isinstance(np.floor(3).item(), int) and np.sqrt(np.float32(2)).dtype == np.float32
assert np.sqrt(np.array([4.0, 9.0])).tolist() == [2.0, 3.0] and np.abs(np.array([-1, 2])).tolist() == [1, 2]
assert np.log([1, 2]).dtype == np.float64 and np.power(i64, 2).dtype == np.int64 and np.power(2, f32).dtype == np.float32 and np.maximum(f32, 1).dtype == np.float32
assert np.where(b, np.ones(2, dtype=np.float32), 0).dtype == np.float32 and np.clip(f32, 0, 1).dtype == np.float32
`)
  })

  it('convert to and from torch tensors with their dtypes and known values', () => {
    python(`
import numpy as np
import torch
a = np.linspace(0, 1, 3)
t = torch.from_numpy(a)
assert t.dtype == torch.float64 and t.shape == (3,) and t.tolist() == [0.0, 0.5, 1.0]
assert torch.tensor(a).dtype == torch.float64 and torch.as_tensor(np.ones(2, dtype=np.float32)).dtype == torch.float32
assert torch.FloatTensor(a).dtype == torch.float32 and torch.FloatTensor(a).tolist() == [0.0, 0.5, 1.0] and torch.Tensor(np.arange(3)).dtype == torch.float32
assert torch.LongTensor(np.ones(2)).dtype == torch.int64 and torch.from_numpy(np.arange(3)).dtype == torch.int64
assert (torch.ones(3) + np.ones(3)).dtype == torch.float64 and (torch.ones(3) * np.float64(2)).dtype == torch.float32
assert torch.ones(2).numpy().dtype == np.float32 and torch.arange(3).numpy().tolist() == [0, 1, 2]
assert torch.from_numpy(np.arange(4, dtype=np.float32)).float().unsqueeze(0).shape == (1, 4)
assert not torch.is_tensor(a) and torch.is_tensor(t)
`)
  })

  it('index as numpy does: a numpy scalar for ints, views for slices, assignment that broadcasts', () => {
    python(`
import numpy as np
t = np.zeros((4, 6))
assert t[:, 0::2].shape == (4, 3) and t[[0, 1]].shape == (2, 6) and t[np.arange(3)].shape == (3, 6) and t[None, 1:, ...].shape == (1, 3, 6)
t[:, 0::2] = np.sin(t[:, 0::2])
t[:, 1::2] = np.ones((1, 1, 3))
t[0] = [1, 2, 3, 4, 5, 6]
assert t.dtype == np.float64 and t.shape == (4, 6)
a = np.arange(6).reshape(2, 3)
assert a[1].tolist() == [3, 4, 5] and a[1, 2] == 5 and isinstance(a[1, 2].item(), int) and a[:, 1].tolist() == [1, 4] and a[..., ::-1][0].tolist() == [2, 1, 0]
assert np.arange(3, dtype=np.float32)[1].dtype == np.float32 and (a > 2).tolist() == [[False, False, False], [True, True, True]]
assert [x.tolist() for x in a] == [[0, 1, 2], [3, 4, 5]] and list(np.arange(3)) == [0, 1, 2]
`)
  })

  it('raise numpy\'s errors, in its words', () => {
    // The exception class and first line of the message each raises with numpy 2.4.6 and PyTorch 2.13.0.
    const cases: Array<[string, string, string]> = [
    ["y = np.arange(6).reshape(4, -1)", "ValueError", "cannot reshape array of size 6 into shape (4,newaxis)"],
    ["y = np.ones((2, 3)) + np.ones(4)", "ValueError", "operands could not be broadcast together with shapes (2,3) (4,) "],
    ["y = np.arange(3, dtype=np.uint8) + 300", "OverflowError", "Python integer 300 out of bounds for uint8"],
    ["y = np.array([True]) - np.array([True])", "TypeError", "numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, the `^` operator, or the logical_xor function instead."],
    ["y = -np.array([True])", "TypeError", "The numpy boolean negative, the `-` operator, is not supported, use the `~` operator or the logical_not function instead."],
    ["y = np.ones((2, 3)) @ np.ones(2)", "ValueError", "matmul: Input operand 1 has a mismatch in its core dimension 0, with gufunc signature (n?,k),(k,m?)->(n?,m?) (size 2 is different from 3)"],
    ["y = len(np.array(3))", "TypeError", "len() of unsized object"],
    ["y = iter(np.array(3))", "TypeError", "iteration over a 0-d array"],
    ["y = torch.sin(np.ones(2))", "TypeError", "sin(): argument 'input' (position 1) must be Tensor, not numpy.ndarray"],
    ["y = torch.from_numpy([1])", "TypeError", "expected np.ndarray (got list)"],
    ["y = np.arange(3) ** -1", "ValueError", "Integers to negative integer powers are not allowed."],
    ["y = np.ones(3) + torch.ones(3)", "TypeError", "Concatenation operation is not implemented for NumPy arrays, use np.concatenate() instead. Please do not rely on this error; it may not be given on all Python implementations."],
    ["y = np.ones(3) * torch.ones(3)", "TypeError", "unsupported operand type(s) for *: 'numpy.ndarray' and 'Tensor'"],
    ["y = np.sin(torch.ones(2, requires_grad=True))", "RuntimeError", "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."],
    ["i = np.arange(3)\ni /= 2", "TypeError", "Cannot cast ufunc 'divide' output from dtype('float64') to dtype('int64') with casting rule 'same_kind'"],
    ["x = np.ones(3)\nx += np.ones((2, 3))", "ValueError", "non-broadcastable output operand with shape (3,) doesn't match the broadcast shape (2,3)"],
    ["x = np.ones((2, 3))\nx[:, 0::2] = np.ones(3)", "ValueError", "could not broadcast input array from shape (3,) into shape (2,2)"],
    ["x = np.ones((2, 3))\nx[0] = [1, 2]", "ValueError", "could not broadcast input array from shape (2,) into shape (3,)"],
    ["x = np.ones(2, dtype=np.int8)\nx[0] = 300", "OverflowError", "Python integer 300 out of bounds for int8"],
    ["y = np.int32(2**40)", "OverflowError", "Python integer 1099511627776 out of bounds for int32"],
    ]
    for (const [source, pyClass, message] of cases) {
      const error = pythonError(`import numpy as np\nimport torch\n${source}`)
      expect(error.message.split('\n')[0], source).toBe(message)
      expect(error instanceof PyError && error.pyClass.name, source).toBe(pyClass)
    }
  })
})
