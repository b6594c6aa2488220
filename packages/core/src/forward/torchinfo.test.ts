import { describe, expect, it } from 'vitest'
import { analyze } from '../analyze.js'
import { torchinfoMultAdds } from './torchinfo.js'

describe('torchinfoMultAdds', () => {
  it("reproduces torchinfo's published Conv2d(1, 10, 5) example on [7, 1, 28, 28]", () => {
    const forward = analyze('nn.Conv2d(1, 10, 5)', { input: '7,1,28,28' }).forward!
    expect(torchinfoMultAdds(forward)).toBe(1_048_320n)
    // nnsize's own MACs leave out the 10 × 7 × 24 × 24 = 40,320 bias additions.
    expect(forward.macs).toBe(1_008_000n)
  })

  it('counts linear layers by the first output dimension', () => {
    const forward = analyze('nn.Linear(20, 30)', { input: '4,20' }).forward!
    expect(torchinfoMultAdds(forward)).toBe(4n * (20n * 30n + 30n))
  })
})
