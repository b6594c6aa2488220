import { describe, expect, it } from 'vitest'
import { analyze } from '../../analyze.js'

describe('timm ByobNet (RegNetZ-B/C/D/E)', () => {
  it('builds regnetz_b16 and the tiered-stem regnetz_d8 with PyTorch\'s parameter counts', () => {
    expect(Number(analyze("timm.create_model('regnetz_b16')").params.total)).toBe(9715480)
    expect(Number(analyze("timm.create_model('regnetz_d8')").params.total)).toBe(23373792)
  })
  it('reads like print(model): SE inside each bottleneck, no shortcut where the shape changes', () => {
    const types = new Map(analyze("timm.create_model('regnetz_d8')").modules.map((m) => [m.path, m.type]))
    expect(['stem', 'stem.conv3', 'stages.0.0.shortcut', 'stages.0.0.attn', 'stages.1.0.shortcut', 'final_conv'].map((p) => types.get(p))).toEqual(['Stem', 'ConvNormAct', 'Identity', 'SEModule', undefined, 'ConvNormAct'])
  })
})
