import { describe, expect, it } from 'vitest'
import { analyze } from '../../index.js'
import { python } from '../../../test/interpret.js'

const prelude = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n'

/** A model whose forward returns `expression` of `x`, the output of a linear layer of 5 features. */
function model(expression: string): string {
  return `${prelude}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(5, 5)\n\n    def forward(self, x):\n        x = self.fc(x)\n        return ${expression}\nmodel = Net()\n`
}

describe('torch.linalg norms', () => {
  it('vector_norm, norm and matrix_norm with ord=fro are one vector norm that keeps its input and result (PyTorch 2.13)', () => {
    // Measured with PyTorch 2.13 (CPU) on x of (6, 5): the output shape and the bytes saved (fc's input aside).
    const cases: Array<[string, number[], number]> = [
      ['torch.linalg.vector_norm(x, ord=1, dim=-1)', [6], 144],
      ['torch.linalg.vector_norm(x, dim=(0, 1), keepdim=True, dtype=torch.float64)', [1, 1], 128],
      ['torch.linalg.norm(x)', [], 124],
      ['torch.linalg.norm(x, ord=2, dim=0)', [5], 140],
      ['torch.linalg.norm(x.view(2, 3, 5), dim=(0, 2))', [3], 132],
      ['torch.linalg.matrix_norm(x.view(2, 3, 5), keepdim=True)', [2, 1, 1], 128],
      ['torch.linalg.norm(x, ord="fro")', [], 124],
    ]
    for (const [expression, shape, saved] of cases) {
      const f = analyze(model(expression), { input: '6,5', device: 'cpu' }).forward!
      expect([expression, f.outputShape, f.savedBytes, f.flopCounter.byOp]).toEqual([expression, shape, BigInt(saved), { 'aten.addmm': 300n }])
    }
  })

  it('a norm of a parameter in forward keeps its result only', () => {
    const f = analyze(model('x * torch.linalg.vector_norm(self.fc.weight, dim=1)'), { input: '3,5', device: 'cpu' }).forward!
    // PyTorch 2.13: the norm (5,) (20 bytes), the product's two operands (x, 60 bytes; the norm again): 80 bytes.
    expect([f.outputShape, f.savedBytes]).toEqual([[3, 5], 80n])
  })

  it('vecdot is a product and a sum; cross, matmul and diagonal take linalg\'s defaults', () => {
    // Measured with PyTorch 2.13 (CPU) on x of (6, 5): output shape, bytes saved (fc's input aside; both operands of
    // `cross` are views of x, one storage), FLOPs.
    const cases: Array<[string, number[], number, number]> = [
      ['torch.linalg.vecdot(x, x.detach())', [6], 120, 300],
      ['torch.linalg.vecdot(x.view(6, 1, 5), x, dim=-1)', [6, 6], 120, 300],
      ['torch.linalg.cross(x[:, :3].view(2, 3, 3), x[:, 2:].reshape(2, 3, 3))', [2, 3, 3], 120, 300],
      ['torch.linalg.matmul(x.view(2, 3, 5), x[:3].t())', [2, 3, 3], 120, 480],
      ['torch.linalg.diagonal(x.view(2, 3, 5), offset=1).exp()', [2, 3], 24, 300],
    ]
    for (const [expression, shape, saved, flops] of cases) {
      const f = analyze(model(expression), { input: '6,5', device: 'cpu' }).forward!
      expect([expression, f.outputShape, f.savedBytes, f.flopCounter.total]).toEqual([expression, shape, BigInt(saved), BigInt(flops)])
    }
  })
})

describe('the decompositions, inverses and solvers while the model is built', () => {
  // Measured with PyTorch 2.13 (CPU): the shape and dtype of the tensor (or the named tuple's first or named field) each
  // expression gives.
  const shapes: Array<[string, number[], string]> = [
    ["torch.linalg.lstsq(torch.randn(4, 3), torch.randn(4, 2)).solution", [3, 2], 'float32'],
    ["torch.linalg.lstsq(torch.randn(4, 3), torch.randn(4, 2)).residuals", [0], 'float32'],
    ["torch.linalg.lstsq(torch.randn(4, 3), torch.randn(4, 2)).rank", [], 'int64'],
    ["torch.linalg.lstsq(torch.randn(4, 3), torch.randn(4, 2)).singular_values", [0], 'float32'],
    ["torch.linalg.lstsq(torch.randn(5, 4, 3), torch.randn(1, 4, 2))[0]", [5, 3, 2], 'float32'],
    ["torch.linalg.lstsq(torch.randn(5, 4, 3), torch.randn(1, 4, 2))[2]", [5], 'int64'],
    ["torch.linalg.lstsq(torch.randn(4, 3), torch.randn(4))[0]", [3], 'float32'],
    ["torch.linalg.lstsq(torch.randn(5, 4, 3), torch.randn(5, 4))[0]", [5, 3], 'float32'],
    ["torch.linalg.lstsq(torch.randn(4, 3), torch.randn(4, 2), driver='gelsd')[3]", [3], 'float32'],
    ["torch.linalg.lstsq(torch.randn(3, 4), torch.randn(3, 2), driver='gelsd')[1]", [0], 'float32'],
    ["torch.linalg.lstsq(torch.randn(3, 4), torch.randn(3, 2), driver='gelss')[3]", [3], 'float32'],
    ["torch.linalg.lstsq(torch.randn(4, 3), torch.randn(4, 2), driver='gels')[1]", [2], 'float32'],
    ["torch.linalg.lstsq(torch.randn(4, 3), torch.randn(4, 2), driver='gels')[2]", [0], 'int64'],
    ["torch.linalg.lstsq(torch.randn(2, 4, 3), torch.randn(2, 4), driver='gels')[1]", [2, 1], 'float32'],
    ["torch.linalg.lstsq(torch.randn(4, 3, dtype=torch.float64), torch.randn(4, 2, dtype=torch.float64), driver='gelsy')[0]", [3, 2], 'float64'],
    ["torch.linalg.lstsq(torch.randn(4, 3, dtype=torch.complex64), torch.randn(4, 2, dtype=torch.complex64), driver='gelss')[3]", [3], 'float32'],
    ["torch.linalg.lstsq(torch.randn(4, 0), torch.randn(4, 2))[0]", [0, 2], 'float32'],
    ["torch.linalg.solve(torch.randn(3, 3), torch.randn(3, 2))", [3, 2], 'float32'],
    ["torch.linalg.solve(torch.randn(5, 3, 3), torch.randn(3))", [5, 3], 'float32'],
    ["torch.linalg.solve(torch.randn(5, 3, 3), torch.randn(5, 3))", [5, 3], 'float32'],
    ["torch.linalg.solve(torch.randn(5, 3, 3), torch.randn(2, 1, 3, 4))", [2, 5, 3, 4], 'float32'],
    ["torch.linalg.solve(torch.randn(3, 3), torch.randn(2, 3), left=False)", [2, 3], 'float32'],
    ["torch.linalg.solve_ex(torch.randn(2, 3, 3), torch.randn(3, 2)).info", [2], 'int32'],
    ["torch.linalg.inv(torch.randn(2, 3, 3, dtype=torch.float64))", [2, 3, 3], 'float64'],
    ["torch.linalg.inv_ex(torch.randn(2, 3, 3)).info", [2], 'int32'],
    ["torch.inverse(torch.randn(3, 3))", [3, 3], 'float32'],
    ["torch.randn(2, 3, 3).inverse()", [2, 3, 3], 'float32'],
    ["torch.linalg.pinv(torch.randn(2, 3, 4), hermitian=False)", [2, 4, 3], 'float32'],
    ["torch.linalg.pinv(torch.randn(3, 4), rtol=1e-5, atol=0.1)", [4, 3], 'float32'],
    ["torch.linalg.pinv(torch.randn(3, 4), 0.1)", [4, 3], 'float32'],
    ["torch.linalg.pinv(torch.randn(3, 3, dtype=torch.complex64))", [3, 3], 'complex64'],
    ["torch.pinverse(torch.randn(3, 4), rcond=1e-3)", [4, 3], 'float32'],
    ["torch.randn(3, 4).pinverse()", [4, 3], 'float32'],
    ["torch.linalg.qr(torch.randn(5, 3))[0]", [5, 3], 'float32'],
    ["torch.linalg.qr(torch.randn(3, 5)).R", [3, 5], 'float32'],
    ["torch.linalg.qr(torch.randn(2, 5, 3), mode='complete').Q", [2, 5, 5], 'float32'],
    ["torch.linalg.qr(torch.randn(5, 3), mode='r').Q", [0], 'float32'],
    ["torch.linalg.qr(torch.randn(5, 3), mode='r').R", [3, 3], 'float32'],
    ["torch.linalg.qr(torch.randn(0, 3))[1]", [0, 3], 'float32'],
    ["torch.qr(torch.randn(5, 3), some=False)[0]", [5, 5], 'float32'],
    ["torch.randn(5, 3).qr()[1]", [3, 3], 'float32'],
    ["torch.linalg.svd(torch.randn(5, 3))[0]", [5, 5], 'float32'],
    ["torch.linalg.svd(torch.randn(5, 3), full_matrices=False).U", [5, 3], 'float32'],
    ["torch.linalg.svd(torch.randn(2, 3, 5), full_matrices=False).Vh", [2, 3, 5], 'float32'],
    ["torch.linalg.svd(torch.randn(3, 5, dtype=torch.complex64)).S", [3], 'float32'],
    ["torch.linalg.svdvals(torch.randn(2, 5, 3))", [2, 3], 'float32'],
    ["torch.linalg.svdvals(torch.randn(3, 5, dtype=torch.complex128))", [3], 'float64'],
    ["torch.svd(torch.randn(5, 3))[2]", [3, 3], 'float32'],
    ["torch.svd(torch.randn(5, 3), some=False).V", [3, 3], 'float32'],
    ["torch.svd(torch.randn(3, 5), compute_uv=False).U", [3, 3], 'float32'],
    ["torch.randn(3, 5).svd()[0]", [3, 3], 'float32'],
    ["torch.linalg.eigh(torch.randn(3, 3))[0]", [3], 'float32'],
    ["torch.linalg.eigh(torch.randn(2, 3, 3), UPLO='U').eigenvectors", [2, 3, 3], 'float32'],
    ["torch.linalg.eigh(torch.randn(3, 3, dtype=torch.complex64)).eigenvalues", [3], 'float32'],
    ["torch.linalg.eigvalsh(torch.randn(2, 3, 3))", [2, 3], 'float32'],
    ["torch.linalg.eigvalsh(torch.randn(3, 3, dtype=torch.complex128))", [3], 'float64'],
    ["torch.linalg.cholesky(torch.eye(3).expand(2, 3, 3), upper=True)", [2, 3, 3], 'float32'],
    ["torch.linalg.cholesky_ex(torch.eye(3)).info", [], 'int32'],
    ["torch.cholesky(torch.eye(3))", [3, 3], 'float32'],
    ["torch.linalg.det(torch.randn(2, 3, 3))", [2], 'float32'],
    ["torch.linalg.slogdet(torch.randn(2, 3, 3)).logabsdet", [2], 'float32'],
    ["torch.linalg.slogdet(torch.randn(3, 3, dtype=torch.complex64)).sign", [], 'complex64'],
    ["torch.linalg.slogdet(torch.randn(3, 3, dtype=torch.complex64))[1]", [], 'float32'],
    ["torch.det(torch.randn(3, 3))", [], 'float32'],
    ["torch.slogdet(torch.randn(2, 3, 3))[1]", [2], 'float32'],
    ["torch.logdet(torch.randn(2, 3, 3))", [2], 'float32'],
    ["torch.randn(3, 3).det()", [], 'float32'],
    ["torch.randn(3, 3).logdet()", [], 'float32'],
    ["torch.randn(3, 3).slogdet()[0]", [], 'float32'],
  ]
  // Measured with PyTorch 2.13 (CPU): the exception and its message's first line.
  const errors: Array<[string, string, string]> = [
    ["torch.linalg.lstsq(torch.randn(4, 3), torch.randn(4, 2), driver='foo')", 'RuntimeError', "torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)"],
    ["torch.linalg.lstsq(torch.randn(4, 3), torch.randn(4, 2, dtype=torch.float64))", 'RuntimeError', "torch.linalg.lstsq: Expected input and other to have the same dtype, but got input's dtype Float and other's dtype Double"],
    ["torch.linalg.lstsq(torch.randn(4, 3), torch.randn(5, 2))", 'RuntimeError', "torch.linalg.lstsq: input.size(-2) should match other.size(-2)"],
    ["torch.linalg.lstsq(torch.randn(4), torch.randn(4, 2))", 'RuntimeError', "torch.linalg.lstsq: input must have at least 2 dimensions."],
    ["torch.linalg.lstsq(torch.arange(12).view(4, 3), torch.arange(8).view(4, 2))", 'RuntimeError', "This function doesn't handle types other than float and double"],
    ["torch.linalg.lstsq(torch.randn(5, 4, 3), torch.randn(4, 2))", 'RuntimeError', "The size of tensor a (5) must match the size of tensor b (4) at non-singleton dimension 0"],
    ["torch.linalg.lstsq(torch.randn(5, 6, 4, 3), torch.randn(6, 4))", 'RuntimeError', "torch.linalg.lstsq: input.dim() must be greater or equal to other.dim() and (input.dim() - other.dim()) <= 1"],
    ["torch.linalg.lstsq(torch.randn(4, 3), torch.randn(()))", 'RuntimeError', "torch.linalg.lstsq: other must have at least 1 dimension."],
    ["torch.linalg.lstsq(torch.randn(4, 3), torch.randn(4, 2), driver=3)", 'TypeError', "linalg_lstsq(): argument 'driver' must be str, not int"],
    ["torch.linalg.solve(torch.randn(3, 3), torch.randn(3, 2), left=False)", 'RuntimeError', "linalg.solve: Incompatible shapes of A and B for the equation XA = B (3x3 and 3x2)"],
    ["torch.linalg.solve(torch.randn(3, 4), torch.randn(3, 2))", 'RuntimeError', "linalg.solve: A must be batches of square matrices, but they are 3 by 4 matrices"],
    ["torch.linalg.solve(torch.randn(3, 3), torch.randn(4, 2))", 'RuntimeError', "linalg.solve: Incompatible shapes of A and B for the equation AX = B (3x3 and 4x2)"],
    ["torch.linalg.solve(torch.randn(3, 3), torch.randn(3, 2, dtype=torch.float64))", 'RuntimeError', "linalg.solve: Expected A and B to have the same dtype, but found A of type Float and B of type Double instead"],
    ["torch.linalg.solve(torch.arange(9).view(3, 3), torch.arange(3))", 'RuntimeError', "linalg.solve: Expected a floating point or complex tensor as input. Got Long"],
    ["torch.linalg.solve(torch.randn(3, 3).half(), torch.randn(3).half())", 'NotImplementedError', "\"lu_cpu\" not implemented for 'Half'"],
    ["torch.linalg.solve(torch.randn(3), torch.randn(3))", 'RuntimeError', "linalg.solve: The input tensor A must have at least 2 dimensions."],
    ["torch.linalg.solve(torch.randn(3, 3), torch.randn(()))", 'RuntimeError', "linalg.solve: The input tensor B must have at least 2 dimensions."],
    ["torch.linalg.solve(torch.randn(2, 3, 3), torch.randn(4, 3, 1))", 'RuntimeError', "The size of tensor a (4) must match the size of tensor b (2) at non-singleton dimension 0"],
    ["torch.linalg.inv(torch.randn(3, 4))", 'RuntimeError', "linalg.inv: A must be batches of square matrices, but they are 3 by 4 matrices"],
    ["torch.linalg.inv(torch.randn(3))", 'RuntimeError', "linalg.inv: The input tensor A must have at least 2 dimensions."],
    ["torch.linalg.inv(torch.arange(9).view(3, 3))", 'RuntimeError', "linalg.inv: Expected a floating point or complex tensor as input. Got Long"],
    ["torch.linalg.inv(torch.randn(3, 3).half())", 'RuntimeError', "linalg.inv: Low precision dtypes not supported. Got Half"],
    ["torch.linalg.pinv(torch.randn(3))", 'RuntimeError', "linalg.pinv(Float{[3]}): expected a tensor with 2 or more dimensions of float, double, cfloat or cdouble types"],
    ["torch.linalg.pinv(torch.arange(12).view(3, 4))", 'RuntimeError', "linalg.pinv(Long{[3, 4]}): expected a tensor with 2 or more dimensions of float, double, cfloat or cdouble types"],
    ["torch.linalg.pinv(torch.randn(3, 4), hermitian=True)", 'RuntimeError', "linalg.eigh: A must be batches of square matrices, but they are 3 by 4 matrices"],
    ["torch.linalg.qr(torch.randn(5, 3), mode='foo')", 'RuntimeError', "qr received unrecognized mode 'foo' but expected one of 'reduced' (default), 'r', or 'complete'"],
    ["torch.linalg.qr(torch.randn(5))", 'RuntimeError', "linalg.qr: The input tensor A must have at least 2 dimensions."],
    ["torch.linalg.qr(torch.arange(15).view(5, 3))", 'RuntimeError', "linalg.qr: Expected a floating point or complex tensor as input. Got Long"],
    ["torch.linalg.qr(torch.randn(3, 3).half())", 'NotImplementedError', "\"geqrf_cpu\" not implemented for 'Half'"],
    ["torch.linalg.svd(torch.randn(5))", 'RuntimeError', "linalg.svd: The input tensor A must have at least 2 dimensions."],
    ["torch.linalg.svd(torch.arange(15).view(5, 3))", 'RuntimeError', "linalg.svd: Expected a floating point or complex tensor as input. Got Long"],
    ["torch.linalg.svd(torch.randn(3, 3).half())", 'NotImplementedError', "\"linalg_svd_cpu\" not implemented for 'Half'"],
    ["torch.linalg.svd(torch.randn(3, 3), driver='gesvd')", 'RuntimeError', "torch.linalg.svd: keyword argument `driver=` is only supported on CUDA inputs with cuSOLVER backend."],
    ["torch.linalg.eigh(torch.randn(3, 3), UPLO='X')", 'RuntimeError', "Expected UPLO argument to be 'L' or 'U', but got X"],
    ["torch.linalg.eigh(torch.randn(3, 4))", 'RuntimeError', "linalg.eigh: A must be batches of square matrices, but they are 3 by 4 matrices"],
    ["torch.linalg.eigh(torch.arange(9).view(3, 3))", 'NotImplementedError', "\"linalg_eigh_cpu\" not implemented for 'Long'"],
    ["torch.linalg.eigh(torch.randn(3))", 'RuntimeError', "linalg.eigh: The input tensor A must have at least 2 dimensions."],
    ["torch.linalg.cholesky(torch.randn(3, 4))", 'RuntimeError', "linalg.cholesky: A must be batches of square matrices, but they are 3 by 4 matrices"],
    ["torch.linalg.cholesky(torch.arange(9).view(3, 3))", 'RuntimeError', "linalg.cholesky: Expected a floating point or complex tensor as input. Got Long"],
    ["torch.linalg.cholesky(torch.randn(3, 3).half())", 'NotImplementedError', "\"cholesky_cpu\" not implemented for 'Half'"],
    ["torch.cholesky(torch.randn(3))", 'RuntimeError', "cholesky: The input tensor A must have at least 2 dimensions."],
    ["torch.linalg.det(torch.randn(3, 4))", 'RuntimeError', "linalg.det: A must be batches of square matrices, but they are 3 by 4 matrices"],
    ["torch.linalg.det(torch.arange(9).view(3, 3))", 'RuntimeError', "linalg.det: Expected a floating point or complex tensor as input. Got Long"],
    ["torch.linalg.det(torch.randn(3, 3).half())", 'NotImplementedError', "\"lu_cpu\" not implemented for 'Half'"],
    ["torch.linalg.slogdet(torch.randn(3, 4))", 'RuntimeError', "linalg.slogdet: A must be batches of square matrices, but they are 3 by 4 matrices"],
    ["torch.logdet(torch.randn(3, 4))", 'RuntimeError', "logdet: A must be batches of square matrices, but they are 3 by 4 matrices"],
    ["torch.logdet(torch.arange(9).view(3, 3))", 'RuntimeError', "logdet: Expected a floating point or complex tensor as input. Got Long"],
  ]

  it('gives the shapes and dtypes of PyTorch 2.13, named tuples included', () => {
    for (const [expression, shape, dtype] of shapes) {
      python(`import torch\ny = ${expression}\nassert tuple(y.shape) == (${shape.map((d) => `${d},`).join(' ')}) and y.dtype == torch.${dtype}, (${JSON.stringify(expression)}, y.shape, y.dtype)`)
    }
  })

  it('raises what PyTorch 2.13 raises, in its words', () => {
    for (const [expression, type, message] of errors) {
      python(`import torch\ntry:\n    ${expression}\n    assert False, ${JSON.stringify(`${expression}: no error`)}\nexcept ${type} as e:\n    assert str(e).split(chr(10))[0].startswith(${JSON.stringify(message)}), (${JSON.stringify(expression)}, str(e))`)
    }
  })

  it('sizes a parameter from a least-squares solution, as efficient-kan does', () => {
    // PyTorch 2.13: lstsq of (4, 10, 6) by (4, 10, 3) solves (4, 6, 3); CPU's default driver `gelsy` gives no residuals
    // (0,), int64 ranks (4,) and no singular values (0,).
    const source = `${prelude}class KANLike(nn.Module):\n    def __init__(self, i=4, o=3, k=6):\n        super().__init__()\n        A = torch.randn(i, 10, k)\n        B = torch.randn(i, 10, o)\n        s, r, rank, sv = torch.linalg.lstsq(A, B)\n        assert (tuple(r.shape), tuple(rank.shape), rank.dtype, tuple(sv.shape)) == ((0,), (4,), torch.int64, (0,))\n        self.spline_weight = nn.Parameter(torch.linalg.lstsq(A, B).solution.permute(2, 0, 1).contiguous())\nmodel = KANLike()\n`
    expect(analyze(source).tensors.map((t) => [t.name, t.shape])).toEqual([['spline_weight', [3, 4, 6]]])
  })

  it('refuses the residuals of gelsd and gelss, whose size depends on the ranks of the values', () => {
    // PyTorch 2.13 computes them (of shape (…, k)) only when every matrix has full rank.
    expect(() => python("import torch\nn = torch.linalg.lstsq(torch.randn(4, 3), torch.randn(4, 2), driver='gelsd').residuals.shape[0] + 1")).toThrow("`torch.linalg.lstsq(…, driver='gelsd').residuals.shape[…]` is not supported yet.")
    python("import torch\nassert torch.linalg.lstsq(torch.randn(4, 3), torch.randn(4, 2), driver='gelsd').solution.shape == (3, 2)")
  })
})

describe('what torch.linalg does not model', () => {
  it('the other functions are refused by name, in forward and while the model is built', () => {
    const a = analyze(model('torch.linalg.matrix_exp(x.view(6, 5)[:5])'), { input: '6,5', device: 'cpu' })
    expect(a.forward).toBeUndefined()
    expect(a.notes?.join('\n')).toContain('`torch.linalg.matrix_exp` is not supported yet.')
    for (const name of ['eig', 'eigvals', 'matrix_exp', 'matrix_power', 'lu_factor', 'multi_dot', 'solve_triangular']) {
      expect(() => python(`import torch\ntorch.linalg.${name}(torch.zeros(3, 3))`)).toThrow(`\`torch.linalg.${name}\` is not supported yet.`)
    }
  })

  it('the nuclear, spectral and max-sum matrix norms are refused; an unknown order is PyTorch\'s error', () => {
    expect(() => python("import torch\ntorch.linalg.matrix_norm(torch.zeros(3, 4), 'nuc')")).toThrow("`torch.linalg.matrix_norm` with `ord='nuc'` is not supported yet")
    expect(() => python('import torch\ntorch.linalg.norm(torch.zeros(3, 4), 2)')).toThrow('`torch.linalg.matrix_norm` with `ord=2` is not supported yet')
    expect(() => python("import torch\ntorch.linalg.norm(torch.zeros(3, 4), float('inf'), dim=(0, 1))")).toThrow('`torch.linalg.matrix_norm` with `ord=inf` is not supported yet')
    // PyTorch 2.13: RuntimeError "linalg.matrix_norm: Order 3 not supported."
    python('import torch\ntry:\n    torch.linalg.matrix_norm(torch.zeros(3, 4), 3)\n    assert False\nexcept RuntimeError as e:\n    assert str(e) == "linalg.matrix_norm: Order 3 not supported.", str(e)')
  })

  it('out= is refused', () => {
    expect(() => python('import torch\ntorch.linalg.vector_norm(torch.zeros(3), out=torch.zeros(()))')).toThrow('`torch.linalg.vector_norm` with `out=` is not supported yet.')
  })
})
