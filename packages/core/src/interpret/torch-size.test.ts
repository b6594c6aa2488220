import { describe, expect, it } from 'vitest'
import { python } from '../../test/interpret.js'

describe('torch.Size and namedtuples print as Python prints them', () => {
  it('a shape is a torch.Size: a tuple that slices, adds and repeats to torch.Size; a namedtuple shows its fields', () => {
    // The lines PyTorch 2.13 (Python 3.12) prints for the same program.
    expect(
      python(`import torch, collections
import torch.nn as nn
x = torch.zeros(2, 3)
print(x.shape, x.size(), x.shape[0], type(x.shape).__name__, x.shape == (2, 3), tuple(x.shape), list(x.shape), x.size(1))
print(torch.Size([2, 3]), repr(x.shape), str(x.shape), isinstance(x.shape, tuple), isinstance(x.shape, torch.Size), isinstance((2, 3), torch.Size))
s = x.shape
print(s + (4,), (4,) + s, s[1:], s * 2, s.numel(), torch.Size([]), torch.Size((1, 2)), type(s[1:]).__name__, f"{x.shape}")
P = collections.namedtuple("P", "x y")
print(P(1, 2), P(x=1, y=[3]), type(P(1, 2)).__name__)
print(x.view(*x.shape[:1], -1).shape, x.new_zeros(x.shape).shape, torch.zeros(x.shape).shape)
print("%s" % (x.shape,), "{}".format(x.shape))`),
    ).toEqual(['torch.Size([2, 3]) torch.Size([2, 3]) 2 Size True (2, 3) [2, 3] 3', 'torch.Size([2, 3]) torch.Size([2, 3]) torch.Size([2, 3]) True True False', 'torch.Size([2, 3, 4]) torch.Size([4, 2, 3]) torch.Size([3]) torch.Size([2, 3, 2, 3]) 6 torch.Size([]) torch.Size([1, 2]) Size torch.Size([2, 3])', 'P(x=1, y=2) P(x=1, y=[3]) P', 'torch.Size([2, 3]) torch.Size([2, 3]) torch.Size([2, 3])', 'torch.Size([2, 3]) torch.Size([2, 3])'])
  })
})
