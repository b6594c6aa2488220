import { describe, expect, it } from 'vitest'
import { analyze, buildModule } from '../../analyze.js'
import { errorOf } from '../../../test/support.js'

const tables = (source: string) => analyze(source).tensors.filter((t) => t.name.endsWith('relative_position_bias_table')).map((t) => t.shape)

describe('timm MaxxVit (CoAtNet, MaxViT)', () => {
  it('sizes the attention windows from the input size (1/32 of it), as timm does', () => {
    expect(Number(analyze("timm.create_model('maxvit_tiny_tf_224')").params.total)).toBe(30916528)
    expect(tables("timm.create_model('maxvit_tiny_tf_224')").at(-1)).toEqual([16, 13, 13])
    expect(Number(analyze("timm.create_model('maxvit_tiny_tf_224', img_size=384)").params.total)).toBe(30977008)
    expect(tables("timm.create_model('maxvit_tiny_tf_384.in1k')").at(0)).toEqual([2, 23, 23])
  })
  it('gives CoAtNet\'s transformer stages a bias table over the whole feature map', () => {
    const shapes = tables("timm.create_model('coatnet_0_rw_224', img_size=256)")
    expect([shapes[0], shapes.at(-1), Number(analyze("timm.create_model('coatnet_0_rw_224', img_size=256)").params.total)]).toEqual([[961, 6], [225, 24], 27455674])
  })
  it('reads like print(model)', () => {
    const types = new Map(analyze("timm.create_model('maxvit_rmlp_pico_rw_256')").modules.map((m) => [m.path, m.type]))
    expect(['stem', 'stages.0.blocks.0', 'stages.0.blocks.0.conv', 'stages.0.blocks.0.conv.shortcut', 'stages.0.blocks.0.attn_grid', 'stages.0.blocks.0.attn_grid.attn', 'stages.0.blocks.0.attn_grid.attn.rel_pos'].map((p) => types.get(p))).toEqual(['Stem', 'MaxxVitBlock', 'MbConvBlock', 'Downsample2d', 'PartitionAttentionCl', 'AttentionCl', 'RelPosMlp'])
  })
  it('rejects an input too small to partition, and has no forward model yet', () => {
    expect(errorOf(() => buildModule("timm.create_model('maxvit_tiny_tf_224', img_size=16)")).message).toMatch(/`img_size` must be at least 32 for MaxxViT's attention partitions, got 16×16/)
    expect(errorOf(() => analyze("timm.create_model('coatnet_0_224')", { input: [1, 3, 224, 224] })).message).toMatch(/^`MaxxVit` cannot run a forward pass/)
  })
})
