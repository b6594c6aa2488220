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

describe('timm ByobNet keywords (module arguments measured with timm 1.0.29 on meta)', () => {
  const modules = (source: string) => new Map(analyze(source).modules.map((m) => [m.path, m]))
  it('puts a DropBlock2d in the norm of the last two stages with drop_block_rate (twice the size less one, then the size)', () => {
    const m = modules("timm.create_model('regnetz_b16', drop_block_rate=0.1)")
    expect(m.get('stages.1.0.conv2_kxk.bn.drop')!.type).toBe('Identity')
    expect(m.get('stages.2.0.conv2_kxk.bn.drop')!.node.args).toMatchObject({ drop_prob: 0.1, block_size: 5, gamma_scale: 0.25 })
    expect(m.get('stages.3.1.conv2_kxk.bn.drop')!.node.args).toMatchObject({ drop_prob: 0.1, block_size: 3, gamma_scale: 1 })
    expect(Number(analyze("timm.create_model('regnetz_b16', drop_block_rate=0.1)").params.total)).toBe(9715480)
  })
  it('dilates the stages past output_stride (mobilevit_xxs: 1,272,024 parameters either way)', () => {
    const m = modules("timm.create_model('mobilevit_xxs', output_stride=16)")
    expect(m.get('stages.3.0.conv2_kxk.conv')!.node.args).toMatchObject({ stride: [2, 2], dilation: [1, 1] })
    expect(m.get('stages.4.0.conv2_kxk.conv')!.node.args).toMatchObject({ stride: [1, 1], dilation: [1, 1] })
    expect(m.get('stages.4.1.conv_kxk.conv')!.node.args).toMatchObject({ stride: [1, 1], dilation: [2, 2], padding: [2, 2] })
    expect(Number(analyze("timm.create_model('mobilevit_xxs', output_stride=16)").params.total)).toBe(1272024)
  })
})
