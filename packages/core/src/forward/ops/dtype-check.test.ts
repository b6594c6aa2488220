import { describe, expect, it } from 'vitest'
import { analyze } from '../../index.js'

describe("an input whose dtype is not its layer's", () => {
  it('is an error for linear layers and convolutions, with PyTorch 2.13 words', () => {
    // PyTorch 2.13 (CPU): `nn.Linear(4, 4)(torch.ones(2, 4, dtype=torch.bfloat16))` raises "mat1 and mat2 must have
    // the same dtype, but got BFloat16 and Float"; `nn.Conv2d(3, 4, 3)` on a float64 input "Input type (double) and
    // bias type (float) should be the same"
    expect(() => analyze('nn.Linear(4, 4)', { input: '2,4:bfloat16' })).toThrow('mat1 and mat2 must have the same dtype, but got BFloat16 and Float')
    expect(() => analyze('nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU())', { input: '1,3,5,5:float64' })).toThrow('`0` (Conv2d) gets a float64 input but holds float32 tensors')
    expect(() => analyze('nn.ConvTranspose2d(3, 4, 3).to(torch.bfloat16)', { input: '1,3,5,5', device: 'cpu' })).not.toThrow()
    expect(() => analyze('nn.Linear(4, 4).half()', { input: '2,4:float32' })).toThrow('got Float and Half')
  })

  it('is an error for a matrix product of two dtypes in a model file', () => {
    // PyTorch 2.13: `torch.matmul(x.half(), torch.zeros(2, 8, 4))` raises "expected m1 and m2 to have the same dtype,
    // but got: c10::Half != float"
    const source = 'import torch\nimport torch.nn as nn\nclass M(nn.Module):\n    def forward(self, x):\n        return torch.matmul(x.half(), torch.zeros(2, 8, 4))\nm = M()\n'
    expect(() => analyze(source, { input: '2,4,8' })).toThrow('expected m1 and m2 to have the same dtype, but got: Half != Float')
  })
})
