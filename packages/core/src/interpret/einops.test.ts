import { describe, expect, it } from 'vitest'
import { analyze } from '../index.js'

function einopsModel(line: string): string {
  return `import torch.nn as nn\nfrom einops import rearrange, repeat, reduce\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, 4)\n\n    def forward(self, x):\n        return ${line}\n`
}

function outputOf(line: string, input: string): number[] | undefined {
  return analyze(einopsModel(line), { input, device: 'cpu' }).forward!.outputShape
}

describe('einops patterns in forward', () => {
  it('rearrange splits, merges and reorders axes, with `...`', () => {
    expect(outputOf("rearrange(self.fc(x), 'b (h w) c -> b c h w', h=2)", '3,6,4')).toEqual([3, 4, 2, 3])
    expect(outputOf("rearrange(self.fc(x), '... c -> c ...')", '3,5,7,4')).toEqual([4, 3, 5, 7])
    expect(outputOf("rearrange(self.fc(x), 'b n c -> (b n) c')", '3,5,4')).toEqual([15, 4])
  })

  it('repeat adds axes of the lengths given; reduce removes them', () => {
    expect(outputOf("repeat(self.fc(x), 'b c -> b n c', n=7)", '3,4')).toEqual([3, 7, 4])
    expect(outputOf("reduce(self.fc(x), 'b (n k) c -> b n c', 'max', k=2)", '3,6,4')).toEqual([3, 3, 4])
    expect(outputOf("reduce(self.fc(x), 'b n c -> b c', 'mean')", '3,6,4')).toEqual([3, 4])
  })

  it('refuses patterns that do not fit, naming the pattern', () => {
    expect(() => outputOf("rearrange(self.fc(x), 'b (h w) c -> b c h w')", '3,6,4')).toThrow(/cannot both be inferred/)
    expect(() => outputOf("rearrange(self.fc(x), 'b (h w) c -> b c h w', h=4)", '3,6,4')).toThrow(/cannot be split by 4/)
    expect(() => outputOf("rearrange(self.fc(x), 'b n c -> b c')", '3,6,4')).toThrow(/use `reduce`/)
    expect(() => outputOf("rearrange(self.fc(x), 'b n -> b n')", '3,6,4')).toThrow(/the input has 3 dimensions/)
    expect(() => outputOf("repeat(self.fc(x), 'b c -> b n c')", '3,4')).toThrow(/new axis `n` needs its length/)
  })
})
