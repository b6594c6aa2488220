import { describe, expect, it } from 'vitest'
import { analyze } from '../../index.js'
import { python, pythonError } from '../../../test/interpret.js'
import { pytorchName } from './torch-names.js'

describe('the public names of PyTorch 2.13', () => {
  it('are known by kind, decoded from the generated lists', () => {
    // From dir(torch), dir(torch.Tensor) and dir(torch.nn.functional) of PyTorch 2.13 (torch_names.py).
    expect(['addr', 'special', 'uint16', 'Generator', 'nanmean'].map((name) => pytorchName('torch', name))).toEqual(['function', 'module', 'other', 'other', 'function'])
    expect(['gumbel_softmax', 'grad', 'relu'].map((name) => pytorchName('torch.nn.functional', name))).toEqual(['function', 'module', 'function'])
    expect(['frexp', 'mH', 'lerp_', 'is_leaf'].map((name) => pytorchName('Tensor', name))).toEqual(['attribute', 'attribute', 'attribute', 'attribute'])
    // Not PyTorch's: a misspelling, a private name, a standard-library module a PyTorch module imports, `constructor`.
    expect(['catt', '_C', 'os', 'constructor'].map((name) => pytorchName('torch', name))).toEqual([undefined, undefined, undefined, undefined])
    expect(pytorchName('Tensor', 'foobar')).toBeUndefined()
  })
})

describe('a name PyTorch has but nnsize does not model', () => {
  it('is not supported yet, where the model uses it; a misspelt one has no attribute, with "did you mean"', () => {
    expect(pythonError('import torch\nx = torch.addr(torch.zeros(3, 3), torch.zeros(3), torch.zeros(3)) + 1').message).toBe('`torch.addr` is not supported yet.')
    expect(pythonError('import torch\nx = torch.special.ndtr(torch.zeros(3)) + 1').message).toBe('`torch.special.ndtr` is not supported yet.')
    expect(pythonError('import torch\nimport torch.nn.functional as F\nx = F.gumbel_softmax(torch.zeros(3)) + 1').message).toBe('`torch.nn.functional.gumbel_softmax` is not supported yet.')
    expect(pythonError('import torch\nx = torch.zeros(3).frexp()[0] + 1').message).toMatch(/^`Tensor\.frexp\b.*` is not supported yet\.$/)
    expect(pythonError('import torch\nx = torch.catt([torch.zeros(3)]) + 1').message).toBe('`torch` has no attribute `catt`. Did you mean `cat`?')
    expect(pythonError('import torch\nimport torch.nn.functional as F\nx = F.relu66(torch.zeros(3)) + 1').message).toBe('`torch.nn.functional` has no attribute `relu66`. Did you mean `relu6` or `relu`?')
    expect(pythonError('import torch\nx = torch.zeros(3).foobar()').message).toBe('A Tensor value has no attribute `foobar`.')
  })

  it('is a tensor attribute for hasattr, as in PyTorch 2.13', () => {
    // PyTorch 2.13: hasattr(torch.zeros(2), 'frexp') is True. (`hasattr` of a library module answers for what nnsize
    // models, so that a program's feature checks pick what it can follow.)
    python("import torch\nassert hasattr(torch.zeros(2), 'frexp') and not hasattr(torch.zeros(2), 'foobar')\nassert not hasattr(torch, 'catt')")
  })

  it('stops the forward pass at the call, with the counts standing', () => {
    const source = 'import torch\nimport torch.nn as nn\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 4)\n\n    def forward(self, x):\n        return torch.addr(self.fc(x)[0].outer(x[0]), x[0], x[1])\nmodel = Net()\n'
    const result = analyze(source, { input: '2,4' })
    expect(result.params.total).toBe(20n)
    expect(result.forwardNote).toMatchObject({ code: 'unsupported', line: 9, message: '`torch.addr` is not supported yet.' })
  })
})
