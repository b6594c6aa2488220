import { describe, expect, it } from 'vitest'
import { failure, files } from '../../../test/interpret.js'

describe('@dataclass on a class derived from a library nnsize does not read', () => {
  const source = (model: string): string =>
    [
      'from dataclasses import dataclass, field',
      'import torch.nn as nn',
      'from simple_parsing.helpers import Serializable',
      '@dataclass',
      'class LoraArgs(Serializable):',
      '    rank: int = 16',
      '@dataclass(frozen=True)',
      'class Other(Serializable):',
      '    rank: int = field(default=4)',
      'class M(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      model,
      '    def forward(self, x):',
      '        return self.fc(x)',
    ].join('\n')

  it("is no error where the class is defined (mistral's `class LoraArgs(Serializable)`)", () => {
    // PyTorch 2.13, with a stand-in `simple_parsing.helpers.Serializable`: 36 parameters (a Linear(8, 4)).
    expect(files({ 'm.py': source('        self.fc = nn.Linear(8, 4)') }, 'm.py', 'M()').params.total).toBe(36n)
  })

  it('is an error where the model uses the class, naming the library it comes from', () => {
    const text = source('        self.fc = nn.Linear(8, LoraArgs(rank=4).rank)')
    const error = failure(() => files({ 'm.py': text }, 'm.py', 'M()'))
    expect(error.code).toBe('unsupported')
    expect(error.message).toContain('comes from `simple_parsing`, which nnsize does not read (imported in m.py)')
    expect(text.slice(error.span!.start, error.span!.end)).toBe('LoraArgs(rank=4).rank')
  })
})
