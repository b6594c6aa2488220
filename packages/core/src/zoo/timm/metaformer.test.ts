import { describe, expect, it } from 'vitest'
import { analyze, buildModule } from '../../analyze.js'
import { errorOf } from '../../../test/support.js'

const params = (source: string): number => Number(analyze(source).params.total)

describe('timm MetaFormer keywords (parameter counts measured with timm 1.0.29 on meta)', () => {
  it("takes the class's own keywords: the head, MLP bias and activation, layer and res scales, dropout", () => {
    expect(params("timm.create_model('caformer_s18', proj_drop_rate=0.1)")).toBe(26341656)
    const linear = analyze("timm.create_model('caformer_s18', use_mlp_head=False)")
    expect(Number(linear.params.total)).toBe(23750936)
    expect(linear.tensors.find((t) => t.name === 'head.fc.weight')!.shape).toEqual([1000, 512])
    expect(params("timm.create_model('caformer_s18', mlp_bias=True)")).toBe(26366616)
    expect(params("timm.create_model('caformer_s18', mlp_act=nn.GELU)")).toBe(26341620)
    expect(params("timm.create_model('caformer_s18', layer_scale_init_values=1e-5)")).toBe(26351640)
    expect(params("timm.create_model('caformer_s18', layer_scale_init_values=(1e-5, None, 1e-5, None))")).toBe(26347800)
    expect(params("timm.create_model('caformer_s18', res_scale_init_values=(1.0, None, None, None))")).toBe(26333208)
  })
  it('passes other keywords on to the token mixers, each of which reads its own', () => {
    expect(params("timm.create_model('caformer_s18', num_heads=4, qkv_bias=True, proj_bias=True)")).toBe(21779544)
    expect(params("timm.create_model('caformer_s18', expansion_ratio=3, kernel_size=5, padding=2, bias=True)")).toBe(26455320)
    expect(params("timm.create_model('poolformer_s12', pool_size=5)")).toBe(11915176)
    // SepConv has no `pool_size`, Pooling no `kernel_size`: taken, unused
    expect(params("timm.create_model('poolformerv2_s12', kernel_size=5)")).toBe(11891712)
    expect(params("timm.create_model('caformer_s18', zz_bogus=1)")).toBe(26341656)
  })
  it('refuses what timm refuses: keywords the builder or the stages pass themselves', () => {
    expect(errorOf(() => buildModule("timm.create_model('poolformer_s12', use_mlp_head=True)")).message).toMatch(/got multiple values for keyword argument 'use_mlp_head'/)
    expect(errorOf(() => buildModule("timm.create_model('caformer_s18', depth=3)")).message).toMatch(/got multiple values for keyword argument 'depth'/)
  })
})
