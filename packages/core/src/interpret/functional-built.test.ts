import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { failure, python } from '../../test/interpret.js'

const prelude = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n'

/** A program that runs `call` while nothing is traced and prints each result's `(shape) dtype requires_grad`. */
function printedResult(call: string): string {
  const lines = python(`${prelude}w = nn.Parameter(torch.zeros(8, 3, 3, 3))\ny = ${call}\nfor t in (y if isinstance(y, tuple) else (y,)):\n    print(tuple(t.shape), t.dtype, t.requires_grad)\n`)
  return lines.join(' | ')
}

describe('torch.nn.functional on tensors made while the model is built', () => {
  // Measured with PyTorch 2.13 (CPU): `print(tuple(y.shape), y.dtype, y.requires_grad)` for each result, `w` being
  // `nn.Parameter(torch.zeros(8, 3, 3, 3))`.
  const cases: Array<[string, string]> = [
    ['F.relu(torch.zeros(2, 3))', '(2, 3) torch.float32 False'],
    ["F.gelu(torch.zeros(2, 3, dtype=torch.float64), approximate='tanh')", '(2, 3) torch.float64 False'],
    ['F.relu(torch.zeros(2, 3, dtype=torch.long))', '(2, 3) torch.int64 False'],
    ['F.silu(torch.zeros(2, 3, dtype=torch.float16), inplace=True)', '(2, 3) torch.float16 False'],
    ['F.hardtanh(torch.zeros(2, 3), -2.0, 2.0)', '(2, 3) torch.float32 False'],
    ['F.threshold(torch.zeros(2, 3), 0.1, 20.0)', '(2, 3) torch.float32 False'],
    ['F.glu(torch.zeros(4, 6))', '(4, 3) torch.float32 False'],
    ['F.glu(torch.zeros(4, 6), 0)', '(2, 6) torch.float32 False'],
    ['F.max_pool2d(torch.zeros(1, 3, 32, 32), 2)', '(1, 3, 16, 16) torch.float32 False'],
    ['F.max_pool2d(torch.zeros(1, 3, 9, 9), 3, stride=2, ceil_mode=True, return_indices=True)', '(1, 3, 4, 4) torch.float32 False | (1, 3, 4, 4) torch.int64 False'],
    ['F.avg_pool1d(torch.zeros(1, 4, 10), 3, stride=2)', '(1, 4, 4) torch.float32 False'],
    ['F.avg_pool3d(torch.zeros(2, 1, 6, 6, 6), 2, padding=1)', '(2, 1, 4, 4, 4) torch.float32 False'],
    ['F.adaptive_avg_pool2d(torch.zeros(1, 8, 7, 7), output_size=1)', '(1, 8, 1, 1) torch.float32 False'],
    ['F.adaptive_avg_pool1d(torch.zeros(3, 10), 4)', '(3, 4) torch.float32 False'],
    ['F.adaptive_max_pool3d(torch.zeros(1, 2, 4, 4, 4), (2, 1, 2), return_indices=True)', '(1, 2, 2, 1, 2) torch.float32 False | (1, 2, 2, 1, 2) torch.int64 False'],
    ["F.interpolate(torch.zeros(1, 3, 8, 8), scale_factor=2, mode='bilinear', align_corners=False)", '(1, 3, 16, 16) torch.float32 False'],
    ['F.interpolate(torch.zeros(1, 3, 8, 8), size=(5, 7))', '(1, 3, 5, 7) torch.float32 False'],
    ['F.interpolate(torch.zeros(1, 3, 9, 9, dtype=torch.float64), scale_factor=0.5)', '(1, 3, 4, 4) torch.float64 False'],
    ['F.conv2d(torch.zeros(1, 3, 8, 8), w, padding=1)', '(1, 8, 8, 8) torch.float32 True'],
    ["F.conv2d(torch.zeros(1, 3, 8, 8), w, padding='same', dilation=2)", '(1, 8, 8, 8) torch.float32 True'],
    ['F.conv1d(torch.zeros(2, 4, 10), torch.zeros(6, 2, 3), groups=2, stride=2)', '(2, 6, 4) torch.float32 False'],
    ['F.conv3d(torch.zeros(1, 2, 5, 6, 7), torch.zeros(4, 2, 3, 3, 3), torch.zeros(4), stride=(1, 2, 2))', '(1, 4, 3, 2, 3) torch.float32 False'],
    ['F.linear(torch.zeros(2, 5), torch.zeros(7, 5))', '(2, 7) torch.float32 False'],
    ['F.linear(torch.zeros(3, 2, 5), torch.zeros(7, 5), torch.zeros(7))', '(3, 2, 7) torch.float32 False'],
    ['F.embedding(torch.zeros(2, 3, dtype=torch.long), torch.zeros(10, 4))', '(2, 3, 4) torch.float32 False'],
    ['F.softmax(torch.zeros(2, 3), dim=-1)', '(2, 3) torch.float32 False'],
    ['F.log_softmax(torch.zeros(2, 3, 4), 1)', '(2, 3, 4) torch.float32 False'],
    ['F.normalize(torch.zeros(2, 3, 4), dim=1)', '(2, 3, 4) torch.float32 False'],
    ['F.layer_norm(torch.zeros(2, 3, 4), (3, 4))', '(2, 3, 4) torch.float32 False'],
    ['F.group_norm(torch.zeros(2, 6, 5, dtype=torch.float64), 3)', '(2, 6, 5) torch.float64 False'],
    ['F.rms_norm(torch.zeros(2, 3, 4), (4,))', '(2, 3, 4) torch.float32 False'],
    ['F.prelu(torch.zeros(2, 3, 4), torch.zeros(3))', '(2, 3, 4) torch.float32 False'],
    ['F.dropout(torch.zeros(2, 3), 0.1, training=False)', '(2, 3) torch.float32 False'],
    ['F.dropout2d(torch.zeros(2, 3, 4, 4), 0.1)', '(2, 3, 4, 4) torch.float32 False'],
    ['F.one_hot(torch.zeros(3, dtype=torch.long), 5)', '(3, 5) torch.int64 False'],
    ['F.scaled_dot_product_attention(torch.zeros(2, 4, 5, 8), torch.zeros(2, 4, 7, 8), torch.zeros(2, 4, 7, 6))', '(2, 4, 5, 6) torch.float32 False'],
    ['F.cross_entropy(torch.zeros(4, 10), torch.zeros(4, dtype=torch.long))', '() torch.float32 False'],
    ["F.cross_entropy(torch.zeros(4, 10), torch.zeros(4, dtype=torch.long), reduction='none')", '(4,) torch.float32 False'],
    ['F.mse_loss(torch.zeros(4, 3), torch.zeros(4, 3))', '() torch.float32 False'],
    ['F.pad(torch.zeros(1, 3, 4, 4), (1, 1, 2, 0))', '(1, 3, 6, 6) torch.float32 False'],
  ]
  for (const [call, expected] of cases) {
    it(call, () => {
      expect(printedResult(call)).toBe(expected)
    })
  }

  it('sizes a classifier as hysts/pytorch_image_classification does: a dummy forward in __init__ under no_grad', () => {
    const source = `${prelude}
class Network(nn.Module):
    def __init__(self, n_channels=3, image_size=32, n_classes=10):
        super().__init__()
        self.conv = nn.Conv2d(n_channels, 8, kernel_size=3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(8)
        self.stage1 = nn.Sequential(nn.Conv2d(8, 16, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(16), nn.ReLU())
        self.stage2 = nn.Sequential(nn.Conv2d(16, 24, 3, stride=2, padding=1, bias=False), nn.BatchNorm2d(24), nn.ReLU())

        # compute conv feature size
        with torch.no_grad():
            dummy_data = torch.zeros((1, n_channels, image_size, image_size), dtype=torch.float32)
            self.feature_size = self._forward_conv(dummy_data).view(-1).shape[0]

        self.fc = nn.Linear(self.feature_size, n_classes)

    def _forward_conv(self, x):
        x = F.relu(self.bn(self.conv(x)), inplace=True)
        x = F.max_pool2d(x, kernel_size=3, stride=2, padding=1)
        x = self.stage1(x)
        x = self.stage2(x)
        x = F.adaptive_avg_pool2d(x, output_size=(2, 1))
        return x

    def forward(self, x):
        x = self._forward_conv(x)
        x = x.view(x.size(0), -1)
        return self.fc(x)

model = Network()
`
    const a = analyze(source, { input: '2,3,32,32', device: 'cpu' })
    // PyTorch 2.13: feature_size 48 (24 channels pooled to 2 x 1), 5,410 parameters, output (2, 10).
    expect(a.tensors.find((t) => t.name === 'fc.weight')?.shape).toEqual([10, 48])
    expect(a.params.total).toBe(5410n)
    expect(a.forward!.outputShape).toEqual([2, 10])
  })

  it('a shape error of the throwaway trace names the function and points at its call', () => {
    const call = 'F.linear(torch.zeros(2, 5), torch.zeros(7, 4))'
    const source = `${prelude}class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.n = ${call}.shape[1]\nmodel = Net()\n`
    const error = failure(() => analyze(source))
    // PyTorch 2.13: RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x5 and 4x7)
    expect(error.message).toContain('`F.linear` cannot multiply an input of shape (2, 5) by its weight: mat1 and mat2 shapes cannot be multiplied (2x5 and 4x7)')
    expect(source.slice(error.span!.start, error.span!.end)).toBe(call)
  })

  it('a function without a forward rule keeps its refusal, now naming both places', () => {
    const error = failure(() => python(`${prelude}y = F.conv_transpose2d(torch.zeros(1, 3, 8, 8), torch.zeros(3, 4, 3, 3))\n`))
    expect(error.code).toBe('unsupported')
    expect(error.message).toContain('`F.conv_transpose2d` is not supported yet, in forward or while the model is built.')
  })

  it('a shape-preserving function without a forward rule gives a tensor like its input', () => {
    // PyTorch 2.13: (2, 3, 4) torch.float64 False.
    expect(printedResult('F.batch_norm(torch.zeros(2, 3, 4, dtype=torch.float64), torch.zeros(3, dtype=torch.float64), torch.ones(3, dtype=torch.float64))')).toBe('(2, 3, 4) torch.float64 False')
  })
})

describe('PyTorch errors of torch.nn.functional, the same while the model is built as in forward', () => {
  // Measured with PyTorch 2.13 (CPU): each call's exception class and message; nnsize's text, quoted here, contains
  // PyTorch's message or (where nnsize explains more) its substance.
  const errors: Array<[string, string, string]> = [
    // RuntimeError: Halving dimension must be even, but dimension 1 is size 5
    ['F.glu(torch.zeros(4, 5))', 'RuntimeError', 'Halving dimension must be even, but dimension 1 is size 5'],
    // RuntimeError: glu does not support scalars because halving size must be even
    ['F.glu(torch.zeros(()))', 'RuntimeError', 'glu does not support scalars because halving size must be even'],
    // RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x5 and 4x7)
    ['F.linear(torch.zeros(2, 5), torch.zeros(7, 4))', 'RuntimeError', 'mat1 and mat2 shapes cannot be multiplied (2x5 and 4x7)'],
    // RuntimeError: Given groups=1, weight of size [8, 3, 3, 3], expected input[1, 4, 8, 8] to have 3 channels, but got 4 channels instead
    ['F.conv2d(torch.zeros(1, 4, 8, 8), torch.zeros(8, 3, 3, 3))', 'RuntimeError', 'expects 3 input channels, got 4 (input of shape (1, 4, 8, 8))'],
    // RuntimeError: Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). Kernel size can't be greater than actual input size
    ['F.conv2d(torch.zeros(1, 3, 2, 2), torch.zeros(8, 3, 3, 3))', 'RuntimeError', "Kernel size: (3 x 3). Kernel size can't be greater than actual input size"],
    // RuntimeError: Given input size: (3x1x1). Calculated output size: (3x0x0). Output size is too small
    ['F.max_pool2d(torch.zeros(1, 3, 1, 1), 2)', 'RuntimeError', 'Calculated output size: (3x0x0). Output size is too small'],
    // RuntimeError: Given normalized_shape=[5], expected input with shape [*, 5], but got input of size[2, 3, 4]
    ['F.layer_norm(torch.zeros(2, 3, 4), (5,))', 'RuntimeError', 'Given normalized_shape=[5], expected input with shape [*, 5], but got input of size[2, 3, 4]'],
    // IndexError: Dimension out of range (expected to be in range of [-2, 1], but got 2)
    ['F.softmax(torch.zeros(2, 3), dim=2)', 'IndexError', 'Dimension out of range (expected to be in range of [-2, 1], but got 2)'],
    // RuntimeError: one_hot is only applicable to index tensor of type LongTensor.
    ['F.one_hot(torch.zeros(3), 5)', 'RuntimeError', 'one_hot is only applicable to index tensor of type LongTensor.'],
    // RuntimeError: Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.FloatTensor instead (while checking arguments for embedding)
    ['F.embedding(torch.zeros(2, 3), torch.zeros(10, 4))', 'RuntimeError', "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int"],
    // RuntimeError: Expected query, key, and value to have the same dtype, but got query.dtype: float key.dtype: double and value.dtype: float instead.
    [
      'F.scaled_dot_product_attention(torch.zeros(2, 4, 5, 8), torch.zeros(2, 4, 7, 8, dtype=torch.float64), torch.zeros(2, 4, 7, 6))',
      'RuntimeError',
      'Expected query, key, and value to have the same dtype, but got query.dtype: float key.dtype: double and value.dtype: float instead.',
    ],
    // RuntimeError: Expected number of channels in input to be divisible by num_groups, but got input of shape [2, 6, 5] and num_groups=4
    ['F.group_norm(torch.zeros(2, 6, 5), 4)', 'RuntimeError', 'Expected number of channels in input to be divisible by num_groups, but got input of shape [2, 6, 5] and num_groups=4'],
    // ValueError: Expected more than 1 value per channel when training, got input size [1, 6]
    ['F.group_norm(torch.zeros(1, 6), 6)', 'ValueError', 'Expected more than 1 value per channel when training, got input size [1, 6]'],
    // ZeroDivisionError: integer division or modulo by zero
    ['F.group_norm(torch.zeros(2, 6, 5), 0)', 'ZeroDivisionError', 'integer division or modulo by zero'],
    // RuntimeError: Expected num groups to be greater than 0, got -5
    ['F.group_norm(torch.zeros(2, 6), -5)', 'RuntimeError', 'Expected num groups to be greater than 0, got -5'],
    // RuntimeError: Expected weight to be a vector of size equal to the number of channels in input, but got weight of shape [4] and input of shape [2, 6, 5]
    ['F.group_norm(torch.zeros(2, 6, 5), 3, torch.zeros(4))', 'RuntimeError', 'Expected weight to be a vector of size equal to the number of channels in input, but got weight of shape [4] and input of shape [2, 6, 5]'],
    // RuntimeError (PyTorch shows the weight's shape, [0] without one): ... but got bias of shape [0] and input of shape [2, 6, 5]
    ['F.group_norm(torch.zeros(2, 6, 5), 3, None, torch.zeros(5))', 'RuntimeError', 'Expected bias to be a vector of size equal to the number of channels in input, but got bias of shape [0] and input of shape [2, 6, 5]'],
    // RuntimeError: Mismatch of parameter numbers and input channel size. Found parameter numbers = 5 and channel size = 3.
    ['F.prelu(torch.zeros(2, 3, 4), torch.zeros(5))', 'RuntimeError', 'Mismatch of parameter numbers and input channel size. Found parameter numbers = 5 and channel size = 3.'],
    // RuntimeError: Not allow zero-dim input tensor.
    ['F.prelu(torch.zeros(()), torch.zeros(3, 1))', 'RuntimeError', 'Not allow zero-dim input tensor.'],
    // RuntimeError: prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = 2
    ['F.prelu(torch.zeros(2, 3), torch.zeros(1, 1))', 'RuntimeError', 'prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = 2'],
    // RuntimeError: prelu: Type promoting not supported. Got Double and Float
    ['F.prelu(torch.zeros(2, 3, dtype=torch.float64), torch.zeros(5))', 'RuntimeError', 'prelu: Type promoting not supported. Got Double and Float'],
    // RuntimeError: Padding length must be divisible by 2
    ['F.pad(torch.zeros(3, 4, 5), (1, 0, 0))', 'RuntimeError', 'its length must be divisible by 2'],
    // TypeError: relu() got an unexpected keyword argument 'bogus'
    ['F.relu(torch.zeros(2), bogus=1)', 'TypeError', '`F.relu` has no argument `bogus`.'],
  ]
  for (const [call, pyClass, message] of errors) {
    it(call, () => {
      // While the model is built, caught as PyTorch's exception class …
      const caught = python(`${prelude}try:\n    ${call}\nexcept ${pyClass} as e:\n    print(str(e))\n`)
      expect(caught).toHaveLength(1)
      expect(caught[0]).toContain(message)
      // … and in forward, on the traced input.
      const model = `${prelude}class Net(nn.Module):\n    def forward(self, x):\n        return x + ${call}.sum()\nmodel = Net()\n`
      expect(() => analyze(model, { input: '1', device: 'cpu' })).toThrow(message)
    })
  }
})
